"""The security lab's stage (notebooks 11 and 12): its pools, roles, users and data, all tagged.

The lesson is in the notebooks: each exercise's configuration cell (plain boto3 and JSON), its attack and
its fix. This module only builds what those cells need around them, the same in every run, and checks
the outcome:

* :func:`set_up` makes (or puts back) one identity pool per exercise, named ``CourseLab-<exercise>``,
  their roles ``CourseLab_<exercise>_<kind>`` under :data:`helpers.course.IAM_PATH`, the user pool
  ``CourseLab-Users``, the course bucket ``course.course_bucket(aws, "lab")`` with its files and the table
  ``LabProfiles`` with three profiles. Everything carries the course's tag, so ``course.clean_up``
  removes it; a role, bucket or table with one of these names but without the tag makes it refuse
  (:class:`helpers.course.NotCreatedByTheCourse`) before it changes anything.
* The part of a role or pool that an exercise is about is set by the notebook's configuration cell,
  never here: until that cell runs, such a role's permissions deny everything
  (:data:`NOTHING_YET`), and a trust policy is the course's usual one (:func:`helpers.course.trust_policy`).
* :meth:`Lab.sign_in` is the lab apps' own backend (developer-authenticated identities, signed with
  the administrator's credentials, as AWS requires for ``GetOpenIdTokenForDeveloperIdentity``);
  :meth:`Lab.user_pool_id_token` signs a user pool user in (``AdminInitiateAuth``). Both work on a real
  account with only the administrator's keys.
* :func:`check` runs an attack and says whether it still works (the exercise notebook stores that
  state); :func:`assert_fixed` insists that it fails (the solutions notebook).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError

from . import course
from .target import Target

PREFIX = "CourseLab"
#: The lab's identity pools, by exercise: (allows guests, allows the basic flow, developer provider).
#: ``OtherApp`` is not an exercise: it is another app of the same account, which exercise 1's attacker uses.
POOLS: dict[str, tuple[bool, bool, str | None]] = {
    "NoAud": (False, False, "login.courselab.noaud"),
    "OtherApp": (False, True, "login.otherapp"),
    "AmrWildcard": (True, True, None),
    "GuestWrites": (True, False, None),
    "ClassicFlow": (True, False, None),
    "Profiles": (False, False, "login.courselab.profiles"),
    "Notes": (False, False, "login.courselab.notes"),
    "DevKeys": (False, False, "login.courselab.devkeys"),
    "RoleMapping": (False, False, None),
}
BUCKET_WHAT = "lab"
TABLE = "LabProfiles"
USER_POOL_NAME = f"{PREFIX}-Users"
USER_POOL_CLIENT = "lab-web"
EDITORS_GROUP = "editors"
#: Users of the lab's user pool: erin is an editor, mallory is in no group.
USER_POOL_USERS = {"erin": EDITORS_GROUP, "mallory": None}
#: Users of the developer-authenticated pools, and their profiles.
PROFILES = {"alice": "alice@example.com", "bob": "bob@example.com", "mallory": "mallory@example.com"}
#: The files of the lab's bucket, written again by every :func:`set_up` (attacks overwrite some).
FILES = {
    "site/index.html": "<h1>Welcome to the lab's shop</h1>",
    "premium/prices.txt": "Premium price of the week: 9.99",
    "admin/audit-log.txt": "Audit log: only administrators read this.",
}
ALICES_NOTE = "Buy milk."
ALICES_DIARY = "Dear diary, nobody else can read this."

#: The permissions of a role whose permissions are an exercise, until the notebook's cell sets them.
NOTHING_YET = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "NothingYet", "Effect": "Deny", "Action": "*", "Resource": "*"}],
}
#: How long to let IAM changes reach STS on AWS itself ("changes ... take time to become visible").
IAM_SETTLE_SECONDS = course.IAM_SETTLE_SECONDS


def pool_name(exercise: str) -> str:
    return f"{PREFIX}-{exercise}"


def role_name(exercise: str, kind: str) -> str:
    return f"{PREFIX}_{exercise}_{kind}"


def _read(bucket: str, key: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/{key}"}


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def roles(bucket: str) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Every lab role: name → (its pool, the kind of identity its trust policy admits, its permissions).

    The permissions are the role's starting point; the exercises' cells change some of them."""
    everything = {
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
    }
    own_files = _read(bucket, f"private/{course.SUB}/*")
    site, premium = _policy(_read(bucket, "site/*")), _policy(_read(bucket, "premium/*"))
    whole_bucket = _policy(_read(bucket, "*"))
    return {
        role_name("NoAud", "Auth"): ("NoAud", "authenticated", premium),
        role_name("AmrWildcard", "Unauth"): ("AmrWildcard", "unauthenticated", site),
        role_name("AmrWildcard", "Auth"): ("AmrWildcard", "authenticated", premium),
        role_name("GuestWrites", "Unauth"): ("GuestWrites", "unauthenticated", NOTHING_YET),
        role_name("ClassicFlow", "Unauth"): ("ClassicFlow", "unauthenticated", site),
        # The unauthenticated role of the app's first version: the pool no longer gives it to anyone.
        role_name("ClassicFlow", "OldUnauth"): ("ClassicFlow", "unauthenticated", whole_bucket),
        role_name("Profiles", "Auth"): ("Profiles", "authenticated", NOTHING_YET),
        role_name("Notes", "Auth"): ("Notes", "authenticated", NOTHING_YET),
        role_name("DevKeys", "Auth"): ("DevKeys", "authenticated", _policy(own_files)),
        role_name("RoleMapping", "Admin"): ("RoleMapping", "authenticated", _policy(everything)),
        role_name("RoleMapping", "Editor"): (
            "RoleMapping",
            "authenticated",
            _policy(_read(bucket, "site/*"), {**_read(bucket, "site/*"), "Action": "s3:PutObject"}),
        ),
    }


#: Which roles each pool gives out as its default roles (exercise 8 sets its own in the notebook).
POOL_ROLES = {
    "NoAud": {"authenticated": role_name("NoAud", "Auth")},
    "AmrWildcard": {
        "unauthenticated": role_name("AmrWildcard", "Unauth"),
        "authenticated": role_name("AmrWildcard", "Auth"),
    },
    "GuestWrites": {"unauthenticated": role_name("GuestWrites", "Unauth")},
    "ClassicFlow": {"unauthenticated": role_name("ClassicFlow", "Unauth")},
    "Profiles": {"authenticated": role_name("Profiles", "Auth")},
    "Notes": {"authenticated": role_name("Notes", "Auth")},
    "DevKeys": {"authenticated": role_name("DevKeys", "Auth")},
}


@dataclass(frozen=True)
class SignedIn:
    """What the lab's backend hands its app after signing a user in: the identity and its token."""

    identity_id: str
    token: str = field(repr=False)

    @property
    def logins(self) -> dict[str, str]:
        """The ``Logins`` of a developer-authenticated identity in the enhanced flow."""
        return {course.COGNITO_PRINCIPAL: self.token}


@dataclass(frozen=True)
class Lab:
    """The lab in one account and Region."""

    aws: Target = field(repr=False)
    pools: dict[str, str]  # exercise → identity pool id
    bucket: str
    table: str
    user_pool: course.UserPool
    _passwords: dict[str, str] = field(repr=False, default_factory=dict)

    def client(self, service: str) -> Any:
        """The administrator's client for ``service`` (the target's, made once)."""
        return self.aws.client(service)

    def role_arn(self, name: str) -> str:
        return f"arn:aws:iam::{self.aws.account_id}:role{course.IAM_PATH}{name}"

    def sign_in(self, exercise: str, user: str) -> SignedIn:
        """The backend of the exercise's app signs ``user`` in (by its own rules; in the lab it simply
        trusts the name) and gets the identity and an OpenID token for it."""
        answer = self.client("cognito-identity").get_open_id_token_for_developer_identity(
            IdentityPoolId=self.pools[exercise], Logins={POOLS[exercise][2]: user}
        )
        return SignedIn(answer["IdentityId"], answer["Token"])

    def user_pool_id_token(self, user: str) -> str:
        """An ID token of a ``CourseLab-Users`` user (``AdminInitiateAuth``, as the app's backend would)."""
        answer = self.client("cognito-idp").admin_initiate_auth(
            UserPoolId=self.user_pool.user_pool_id,
            ClientId=self.user_pool.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user, "PASSWORD": self._passwords[user]},
        )
        return answer["AuthenticationResult"]["IdToken"]

    def session_of(self, credentials: dict[str, Any]) -> CredentialsSession:
        """Clients signed with temporary credentials from Cognito (``SecretKey``) or STS
        (``SecretAccessKey``), as ``boto3.Session(aws_access_key_id=..., ...)`` would give."""
        return CredentialsSession(self.aws.session, self.aws.region, credentials)


class CredentialsSession:
    """``.client(service)`` signed with one set of temporary credentials, made from the lab's one boto3
    Session: a new Session per set of credentials would load botocore's service data again (about 50 ms
    a client), and the attacks make one or two per run."""

    def __init__(self, session: boto3.Session, region: str, credentials: dict[str, Any]) -> None:
        self._session, self._region = session, region
        self._keys = {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials.get("SecretKey") or credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }

    def client(self, service: str) -> Any:
        return self._session.client(service, region_name=self._region, **self._keys)

    def __repr__(self) -> str:  # never the keys
        return f"CredentialsSession({self._keys['aws_access_key_id'][:4]}..., region {self._region!r})"


def _role_names(aws: Target) -> list[str]:
    return list(roles(course.course_bucket(aws, BUCKET_WHAT)))


def check_names_are_free(aws: Target, iam: Any = None) -> dict[str, bool]:
    """Raise :class:`~helpers.course.NotCreatedByTheCourse` if a lab role, the lab's bucket or its
    table exists without the course's tag. Reads only. Returns which lab roles exist already."""
    iam = iam or aws.client("iam")
    existing = {}
    for name in _role_names(aws):
        ours = course.role_is_the_courses(iam, name)
        if ours is False:
            raise course.NotCreatedByTheCourse("IAM role", name)
        existing[name] = bool(ours)
    bucket = course.course_bucket(aws, BUCKET_WHAT)
    if course.bucket_is_the_courses(aws.client("s3"), bucket) is False:
        raise course.NotCreatedByTheCourse("S3 bucket", bucket)
    dynamodb = aws.client("dynamodb")
    try:
        table_arn = dynamodb.describe_table(TableName=TABLE)["Table"]["TableArn"]
    except dynamodb.exceptions.ResourceNotFoundException:
        return existing
    if not course.table_is_the_courses(dynamodb, table_arn):
        raise course.NotCreatedByTheCourse("DynamoDB table", TABLE)
    return existing


def _ensure_bucket(aws: Target, s3: Any) -> str:
    bucket = course.ensure_bucket(aws, course.course_bucket(aws, BUCKET_WHAT))
    for key, text in FILES.items():
        s3.put_object(Bucket=bucket, Key=key, Body=text.encode())
    return bucket


def _ensure_pools(cognito_identity: Any, user_pool: course.UserPool) -> dict[str, str]:
    """The lab's identity pools (tagged), found by name and tag or created, set as :data:`POOLS` says."""
    found: dict[str, str] = {}
    names = {pool_name(exercise): exercise for exercise in POOLS}
    for page in cognito_identity.get_paginator("list_identity_pools").paginate(MaxResults=60):
        for pool in page["IdentityPools"]:
            exercise = names.get(pool["IdentityPoolName"])
            if exercise is None or exercise in found:
                continue
            tags = cognito_identity.describe_identity_pool(IdentityPoolId=pool["IdentityPoolId"]).get(
                "IdentityPoolTags", {}
            )
            if tags.get(course.TAG_KEY) == course.TAG_VALUE:
                found[exercise] = pool["IdentityPoolId"]
    for exercise, (guests, classic, developer) in POOLS.items():
        settings: dict[str, Any] = {
            "IdentityPoolName": pool_name(exercise),
            "AllowUnauthenticatedIdentities": guests,
            "AllowClassicFlow": classic,
            "IdentityPoolTags": course.TAGS,
        }
        if developer:
            settings["DeveloperProviderName"] = developer
        if exercise == "RoleMapping":  # the user pool may be new (another run, or someone deleted it)
            settings["CognitoIdentityProviders"] = [
                {"ProviderName": user_pool.provider_name, "ClientId": user_pool.client_id}
            ]
        if exercise in found:  # put its settings back (UpdateIdentityPool replaces all of them)
            cognito_identity.update_identity_pool(IdentityPoolId=found[exercise], **settings)
        else:
            found[exercise] = cognito_identity.create_identity_pool(**settings)["IdentityPoolId"]
    return {exercise: found[exercise] for exercise in POOLS}


def _put_role(iam: Any, name: str, trust: dict[str, Any], permissions: dict[str, Any], exists: bool) -> None:
    """What :func:`helpers.course.ensure_role` does (under the course's path, tagged, one inline policy
    named ``permissions``), with one IAM client for all the lab's roles, whose ownership
    :func:`check_names_are_free` has already checked."""
    if exists:
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    else:
        iam.create_role(
            RoleName=name,
            Path=course.IAM_PATH,
            AssumeRolePolicyDocument=json.dumps(trust),
            Tags=[{"Key": course.TAG_KEY, "Value": course.TAG_VALUE}],
        )
    iam.put_role_policy(RoleName=name, PolicyName="permissions", PolicyDocument=json.dumps(permissions))


def _ensure_user_pool(aws: Target, idp: Any, editor_role_arn: str) -> tuple[course.UserPool, dict[str, str]]:
    """``CourseLab-Users`` with its app client, the ``editors`` group (whose role is the editor role)
    and its two users, each given a fresh random password (returned, never printed)."""
    user_pool = course.ensure_user_pool(aws, USER_POOL_NAME, USER_POOL_CLIENT)
    pool_id = user_pool.user_pool_id
    try:
        idp.create_group(UserPoolId=pool_id, GroupName=EDITORS_GROUP, RoleArn=editor_role_arn)
    except idp.exceptions.GroupExistsException:
        idp.update_group(UserPoolId=pool_id, GroupName=EDITORS_GROUP, RoleArn=editor_role_arn)
    passwords = {}
    for user, group in USER_POOL_USERS.items():
        passwords[user] = course.ensure_user(aws, user_pool, user)
        groups = [
            g["GroupName"]
            for g in idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=user)["Groups"]
        ]
        for existing in groups:
            if existing != group:
                idp.admin_remove_user_from_group(UserPoolId=pool_id, Username=user, GroupName=existing)
        if group and group not in groups:
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=user, GroupName=group)
    return user_pool, passwords


#: The course's one rule for letting IAM changes settle (no wait on the local AWS).
talks_to_aws_itself = course.talks_to_aws_itself
wait_for_iam = course.wait_for_iam


def set_up(aws: Target) -> Lab:
    """Make or put back everything the lab's notebooks need (safe to call any number of times).

    Checks first (:func:`check_names_are_free`), so a refusal leaves the account as it was."""
    clients = {
        name: aws.client(name)
        for name in ("iam", "s3", "dynamodb", "cognito-idp", "cognito-identity")
    }
    iam, s3, dynamodb = clients["iam"], clients["s3"], clients["dynamodb"]
    existing_roles = check_names_are_free(aws, iam)
    bucket = _ensure_bucket(aws, s3)
    course.ensure_table(aws, TABLE, "identityId")
    table = TABLE
    editor_arn = f"arn:aws:iam::{aws.account_id}:role{course.IAM_PATH}{role_name('RoleMapping', 'Editor')}"
    user_pool, passwords = _ensure_user_pool(aws, clients["cognito-idp"], editor_arn)
    pools = _ensure_pools(clients["cognito-identity"], user_pool)
    for name, (exercise, amr, permissions) in roles(bucket).items():
        _put_role(iam, name, course.trust_policy(pools[exercise], amr), permissions, existing_roles[name])
    lab = Lab(aws, pools, bucket, table, user_pool, passwords)
    for exercise, pool_roles in POOL_ROLES.items():
        clients["cognito-identity"].set_identity_pool_roles(
            IdentityPoolId=pools[exercise], Roles={kind: lab.role_arn(n) for kind, n in pool_roles.items()}
        )
    # The data: three profiles (any other item goes), Alice's note and Alice's diary.
    profiles = {lab.sign_in("Profiles", user).identity_id: email for user, email in PROFILES.items()}
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, ProjectionExpression="identityId"):
        for item in page["Items"]:
            if item["identityId"]["S"] not in profiles:
                dynamodb.delete_item(TableName=table, Key={"identityId": item["identityId"]})
    for identity_id, email in profiles.items():
        dynamodb.put_item(TableName=table, Item={"identityId": {"S": identity_id}, "email": {"S": email}})
    alice = lab.sign_in("Notes", "alice").identity_id
    s3.put_object(Bucket=bucket, Key=f"notes/{alice}/todo.txt", Body=ALICES_NOTE.encode())
    alice = lab.sign_in("DevKeys", "alice").identity_id
    s3.put_object(Bucket=bucket, Key=f"private/{alice}/diary.txt", Body=ALICES_DIARY.encode())
    wait_for_iam(aws)
    return lab


def is_lab_resource(resource: course.CourseResource) -> bool:
    """Whether one of the course's resources (``course.course_resources``) is the lab's."""
    return (
        resource.name.startswith((f"{PREFIX}-", f"{PREFIX}_"))
        or resource.name == TABLE
        or resource.name.startswith(f"{course.BUCKET_PREFIX}{BUCKET_WHAT}-")
    )


def lab_resources(aws: Target) -> list[course.CourseResource]:
    """What the lab created here (found by the course's tag, like everything the course creates)."""
    return [resource for resource in course.course_resources(aws) if is_lab_resource(resource)]


# -- Checking the attacks ---------------------------------------------------------------------------

#: The last outcome of each attack :func:`check` or :func:`assert_fixed` ran: True while it works.
OUTCOMES: dict[str, bool] = {}
#: Every attack that :func:`check` or :func:`assert_fixed` has run, by name (to run them all again).
ATTACKS: dict[str, Callable[[], str]] = {}


def error_text(error: ClientError) -> str:
    details = error.response.get("Error", {})
    return f"{details.get('Code')}: {details.get('Message')}"


def attack_works(attack: Callable[[], str]) -> tuple[bool, str]:
    """Run the attack once: (True, what it achieved) or (False, AWS's error code and message)."""
    ATTACKS[attack.__name__] = attack
    try:
        achieved = attack()
    except ClientError as error:
        OUTCOMES[attack.__name__] = False
        return False, error_text(error)
    OUTCOMES[attack.__name__] = True
    return True, achieved


def check(attack: Callable[[], str], look_at: str) -> None:
    """Run the attack and say whether it still works; an attack that works is what the exercise
    notebook stores, so this never raises for it."""
    works, detail = attack_works(attack)
    if works:
        print(f"NOT FIXED YET: the attack still works. {detail}\nLook at: {look_at}")
    else:
        print(f"FIXED: the attack now fails with {detail}")


def assert_fixed(attack: Callable[[], str], aws: Target | None = None, timeout: float = 60.0) -> None:
    """Insist that the attack fails, and print AWS's error. On AWS itself, IAM changes reach STS after a
    while, so an attack that still works is tried again for up to ``timeout`` seconds."""
    deadline = time.monotonic() + (timeout if aws is not None and talks_to_aws_itself(aws) else 0)
    while True:
        works, detail = attack_works(attack)
        if not works:
            print(f"FIXED: the attack now fails with {detail}")
            return
        if time.monotonic() >= deadline:
            raise AssertionError(f"the attack still works: {detail}")
        time.sleep(5)


def scoreboard() -> None:
    """Print how many of the attacks run so far are fixed, and which still work."""
    working = sorted(name for name, works in OUTCOMES.items() if works)
    print(f"{len(OUTCOMES) - len(working)} of {len(OUTCOMES)} attacks fixed")
    if working:
        print("still working:", ", ".join(working))


def outcomes() -> dict[str, bool]:
    """Run every attack seen so far again: name → whether it works now."""
    return {name: attack_works(attack)[0] for name, attack in ATTACKS.items()}

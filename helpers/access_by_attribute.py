"""Notebook 10's set-up: the teams' user pool, their identity pool, and each team's data.

Attributes for access control (ABAC): the identity pool turns a claim of the user's token (here the user
pool attribute ``custom:team``) or a tag the app's backend passes (developer-authenticated identities)
into a principal tag on the user's session, and one IAM policy reads it as ``${aws:PrincipalTag/team}``.
This module makes what that lesson needs but is not the lesson; the notebook makes the role, its trust
policy and the principal tag map itself, with the boto3 calls in plain sight:

* the user pool ``CourseAttributesUsers`` with the custom attribute ``team``, and an app client that
  signs users in with ``ADMIN_USER_PASSWORD_AUTH`` and may read ``custom:team`` but not write it (and a
  second one, :data:`DEFAULT_READS_CLIENT`, made without ``ReadAttributes``, to show the default): an
  app client's ID tokens carry a custom attribute only if the client may read it ("When you don't
  specify the ReadAttributes for your app client, your app can read the values of email_verified,
  phone_number_verified, and the standard attributes of your user pool", Amazon Cognito API Reference,
  ``CreateUserPoolClient``), and a user must not be able to edit a claim that decides access;
* its users, each in one team (the team is reset on every set-up, so the notebook may move someone);
* the identity pool ``CourseAttributesPool`` trusting that app client and the developer provider
  :data:`DEVELOPER_PROVIDER`, authenticated identities only, basic flow off;
* each team's data: ``teams/<team>/plan.txt`` in the course bucket ``course.course_bucket(aws,
  "teams")`` and one item per team in the DynamoDB table ``TeamNotes`` (partition key ``team``).

Everything is tagged ``course = cognito-identity-pools`` so that ``course.clean_up`` finds it, and a
role, table or bucket with these names that is not the course's makes :func:`set_up` refuse before it
changes anything (``course.NotCreatedByTheCourse``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import course
from .sessions import shared_client
from .target import Target

USER_POOL_NAME = "CourseAttributesUsers"
USER_POOL_CLIENT = "teams-web"
#: A second app client created without ``ReadAttributes``: its ID tokens carry no custom attribute.
DEFAULT_READS_CLIENT = "teams-default-reads"
IDENTITY_POOL_NAME = "CourseAttributesPool"
#: The developer provider name of the identity pool (the "domain" by which Cognito refers to the users
#: of the app's own backend; ``[\w._-]+``).
DEVELOPER_PROVIDER = "login.teams.cognito-course"
#: The pool's one role: it admits authenticated identities only (a guest has no attributes to map).
AUTHENTICATED_ROLE = f"Cognito_{IDENTITY_POOL_NAME}Auth_Role"
TEAM_ATTRIBUTE = "custom:team"
TEAMS = ("red", "blue", "green")
#: The user pool's users and the team each starts in.
TEAM_USERS = {"rosa": "red", "bruno": "blue"}
TABLE = "TeamNotes"
BUCKET_PURPOSE = "teams"


@dataclass(frozen=True)
class Teams:
    """What notebook 10 works with: the pools, the teams' data, and the users' passwords (never shown)."""

    identity_pool_id: str
    user_pool: course.UserPool
    default_reads_client_id: str
    bucket: str
    table: str
    table_arn: str
    passwords: dict[str, str] = field(repr=False, compare=False)


def teams_bucket(aws: Target) -> str:
    return course.course_bucket(aws, BUCKET_PURPOSE)


def table_arn(aws: Target) -> str:
    return f"arn:aws:dynamodb:{aws.region}:{aws.account_id}:table/{TABLE}"


def check_names_are_free(aws: Target) -> None:
    """Raise ``course.NotCreatedByTheCourse`` if the role, the table or the bucket of this notebook
    exists without the course's tag. Reads only."""
    if course.role_is_the_courses(aws.client("iam"), AUTHENTICATED_ROLE) is False:
        raise course.NotCreatedByTheCourse("IAM role", AUTHENTICATED_ROLE)
    dynamodb = aws.client("dynamodb")
    try:
        arn = dynamodb.describe_table(TableName=TABLE)["Table"]["TableArn"]
    except dynamodb.exceptions.ResourceNotFoundException:
        arn = None
    if arn and not course.table_is_the_courses(dynamodb, arn):
        raise course.NotCreatedByTheCourse("DynamoDB table", TABLE)
    if course.bucket_is_the_courses(aws.client("s3"), teams_bucket(aws)) is False:
        raise course.NotCreatedByTheCourse("S3 bucket", teams_bucket(aws))


def _find_user_pool(idp: Any) -> str | None:
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] == USER_POOL_NAME:
                tags = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"].get("UserPoolTags", {})
                if tags.get(course.TAG_KEY) == course.TAG_VALUE:
                    return pool["Id"]
    return None


def ensure_user_pool(aws: Target) -> tuple[course.UserPool, str]:
    """The user pool with the custom attribute ``team``; its app client (may read ``custom:team``, not
    write it) and the id of :data:`DEFAULT_READS_CLIENT`."""
    idp = aws.client("cognito-idp")
    pool_id = _find_user_pool(idp)
    if pool_id is None:
        pool_id = idp.create_user_pool(
            PoolName=USER_POOL_NAME,
            # Mutable, so that an administrator can move a user to another team (AdminUpdateUserAttributes).
            Schema=[{"Name": "team", "AttributeDataType": "String", "Mutable": True}],
            UserPoolTags=course.TAGS,
        )["UserPool"]["Id"]
    flows = {"ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}
    clients = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    existing = {c["ClientName"]: c["ClientId"] for c in clients}

    def ensure_client(name: str, **settings: Any) -> str:
        if name in existing:
            return existing[name]
        return idp.create_user_pool_client(UserPoolId=pool_id, ClientName=name, **flows, **settings)[
            "UserPoolClient"
        ]["ClientId"]

    # The ID token carries custom:team only because the client may read it. No WriteAttributes: the
    # client may write the standard attributes only, so users cannot change their own team.
    client_id = ensure_client(USER_POOL_CLIENT, ReadAttributes=[TEAM_ATTRIBUTE])
    default_reads = ensure_client(DEFAULT_READS_CLIENT)
    provider_name = f"cognito-idp.{aws.region}.amazonaws.com/{pool_id}"
    return course.UserPool(pool_id, client_id, provider_name), default_reads


def ensure_team_user(aws: Target, user_pool: course.UserPool, username: str, team: str) -> str:
    """The user, in ``team`` (set again on every call), with a fresh password, returned (never printed)."""
    password = course.ensure_user(aws, user_pool, username)
    aws.client("cognito-idp").admin_update_user_attributes(
        UserPoolId=user_pool.user_pool_id,
        Username=username,
        UserAttributes=[{"Name": TEAM_ATTRIBUTE, "Value": team}],
    )
    return password


def identity_pool_settings(user_pool: course.UserPool) -> dict[str, Any]:
    """CourseAttributesPool: the user pool's app client and the developer provider; no guests."""
    return {
        "IdentityPoolName": IDENTITY_POOL_NAME,
        "AllowUnauthenticatedIdentities": False,
        "AllowClassicFlow": False,
        "DeveloperProviderName": DEVELOPER_PROVIDER,
        "CognitoIdentityProviders": [
            {
                "ProviderName": user_pool.provider_name,
                "ClientId": user_pool.client_id,
                "ServerSideTokenCheck": False,
            }
        ],
    }


def ensure_identity_pool(aws: Target, user_pool: course.UserPool) -> str:
    """The identity pool, created or brought back to :func:`identity_pool_settings` (for example after
    the user pool was made anew, which gives its app client another id)."""
    cognito_identity = aws.client("cognito-identity")
    settings = identity_pool_settings(user_pool)
    pool_id = course.find_identity_pool(cognito_identity, IDENTITY_POOL_NAME)
    if pool_id is None:
        return cognito_identity.create_identity_pool(**settings, IdentityPoolTags=course.TAGS)[
            "IdentityPoolId"
        ]
    described = cognito_identity.describe_identity_pool(IdentityPoolId=pool_id)
    if any(described.get(key) != value for key, value in settings.items()):
        # UpdateIdentityPool replaces the whole pool: unset fields go back to their defaults.
        cognito_identity.update_identity_pool(
            IdentityPoolId=pool_id, **settings, IdentityPoolTags=described.get("IdentityPoolTags", {})
        )
    return pool_id


def ensure_team_data(aws: Target) -> tuple[str, str]:
    """Each team's plan in the teams bucket and its note in ``TeamNotes`` (both tagged); their names."""
    s3 = aws.client("s3")
    bucket = course.ensure_bucket(aws, teams_bucket(aws))
    course.ensure_table(aws, TABLE, "team")
    dynamodb = aws.client("dynamodb")
    for team in TEAMS:
        s3.put_object(Bucket=bucket, Key=f"teams/{team}/plan.txt", Body=f"The {team} team's plan".encode())
        dynamodb.put_item(
            TableName=TABLE, Item={"team": {"S": team}, "note": {"S": f"The {team} team's note"}}
        )
    return bucket, TABLE


def set_up(aws: Target) -> Teams:
    """Everything notebook 10 starts from, made again where missing (safe to call any number of times).

    Checks first (:func:`check_names_are_free`), so a refusal leaves the account as it was.
    """
    check_names_are_free(aws)
    user_pool, default_reads_client_id = ensure_user_pool(aws)
    passwords = {name: ensure_team_user(aws, user_pool, name, team) for name, team in TEAM_USERS.items()}
    pool_id = ensure_identity_pool(aws, user_pool)
    bucket, table = ensure_team_data(aws)
    return Teams(pool_id, user_pool, default_reads_client_id, bucket, table, table_arn(aws), passwords)


#: Role changes settle on AWS itself before use (the course's one rule for it).
wait_for_iam = course.wait_for_iam


def _outcome(call: Any, **params: Any) -> str:
    """``allowed`` if the call succeeds, ``denied`` if AWS refuses it for lack of permission."""
    from botocore.exceptions import ClientError

    try:
        call(**params)
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("AccessDenied", "AccessDeniedException"):
            raise
        return "denied"
    return "allowed"


def _checking_clients(session: Any) -> tuple[Any, Any]:
    """S3 and DynamoDB clients signed with ``session``'s credentials, from the process's one Session."""
    credentials = session.get_credentials().get_frozen_credentials()
    keys = {
        "aws_access_key_id": credentials.access_key,
        "aws_secret_access_key": credentials.secret_key,
        "aws_session_token": credentials.token,
        "region_name": session.region_name,
    }
    return shared_client("s3", **keys), shared_client("dynamodb", **keys)


def team_access(session: Any, teams: Teams) -> dict[str, str]:
    """For each team, whether a session may read that team's plan in S3 and its note in DynamoDB, as
    ``"S3 allowed, DynamoDB denied"``. Only AWS's access-denied answers count as denied; any other
    error is raised."""
    s3, dynamodb = _checking_clients(session)
    return {
        team: f"S3 {_outcome(s3.get_object, Bucket=teams.bucket, Key=f'teams/{team}/plan.txt')}, "
        f"DynamoDB {_outcome(dynamodb.get_item, TableName=teams.table, Key={'team': {'S': team}})}"
        for team in TEAMS
    }

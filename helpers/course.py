"""What the course creates, named and tagged in one place, so any notebook can run alone.

Notebooks 02 and 03 make these resources with the boto3 calls in plain sight; later notebooks call
:func:`set_up`, which recreates whatever is missing the same way (idempotent), and the clean-up
notebook calls :func:`clean_up`, which removes only what carries the course's tag. Names are fixed
per account and region (the blog bucket includes both, since bucket names are global on AWS).

The course never changes what it did not create: a role, table or bucket that has one of the course's
names but not its tag (for example a ``Cognito_MyApplicationPoolUnauth_Role`` the Cognito console made
for a pool of yours) makes :func:`set_up` refuse with :class:`NotCreatedByTheCourse` before it changes
anything. Terms follow AWS's (docs/glossary.md): unauthenticated role and identity (a guest),
authenticated role and identity.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .target import Target

POOL_NAME = "MyApplicationPool"
TAG_KEY = "course"
TAG_VALUE = "cognito-identity-pools"
TAGS = {TAG_KEY: TAG_VALUE}
IAM_PATH = "/cognito-course/"
# The names the Cognito console gives a pool's roles, as in the blog post.
UNAUTHENTICATED_ROLE = f"Cognito_{POOL_NAME}Unauth_Role"
AUTHENTICATED_ROLE = f"Cognito_{POOL_NAME}Auth_Role"
#: The Login with Amazon app the pool trusts. Locally the stand-in Login with Amazon accepts it; on real AWS
#: set COURSE_LWA_APP_ID to your own app's id (Login with Amazon console, "Web Settings").
LOCAL_LWA_APP_ID = "amzn1.application.cognito-course-demo"
COGNITO_PRINCIPAL = "cognito-identity.amazonaws.com"
SUB = "${cognito-identity.amazonaws.com:sub}"


class NotCreatedByTheCourse(RuntimeError):
    """A resource has one of the course's names but not its tag: the course refuses to touch it."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(
            f"{kind} {name} exists but was not created by this course (it has no tag "
            f"{TAG_KEY} = {TAG_VALUE}), so the course changes nothing. Run the course in an account or "
            f"region without it (or rename or delete it yourself if it is a leftover you no longer need)."
        )
        self.kind, self.name = kind, name


def login_with_amazon_app_id() -> str:
    import os

    return os.environ.get("COURSE_LWA_APP_ID", LOCAL_LWA_APP_ID)


def login_with_amazon_token(aws: Target, user: str, *, quiet: bool = False) -> str | None:
    """A Login with Amazon access token for ``user``.

    Locally, from the stand-in Login with Amazon. On real AWS from ``COURSE_LWA_ACCESS_TOKEN`` (an
    access token your app got from Login with Amazon for the app in ``COURSE_LWA_APP_ID``); without it,
    ``None``, and the cells that sign in skip themselves.
    """
    import os

    if aws.is_local:
        from . import identity_providers

        return identity_providers.login_token("www.amazon.com", user, login_with_amazon_app_id())
    token = os.environ.get("COURSE_LWA_ACCESS_TOKEN")
    if not token and not quiet:
        print(
            "Skipped on real AWS: signing in needs a Login with Amazon access token in "
            "COURSE_LWA_ACCESS_TOKEN (the stand-in Login with Amazon exists only in the local AWS)."
        )
    return token or None


#: Every course bucket is named ``cognito-course-<what>-<account>-<Region>`` (:func:`course_bucket`).
BUCKET_PREFIX = "cognito-course-"


def course_bucket(aws: Target, what: str) -> str:
    """The name of a course bucket: bucket names are global, so the account and Region are part of it."""
    return f"{BUCKET_PREFIX}{what}-{aws.account_id}-{aws.region}"


def blog_bucket(aws: Target) -> str:
    return course_bucket(aws, "blog")


def trust_policy(identity_pool_id: str, amr: str) -> dict[str, Any]:
    """The trust policy of the blog post: only this pool's tokens, only this kind of identity."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": COGNITO_PRINCIPAL},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {f"{COGNITO_PRINCIPAL}:aud": identity_pool_id},
                    "ForAnyValue:StringLike": {f"{COGNITO_PRINCIPAL}:amr": amr},
                },
            }
        ],
    }


def unauthenticated_permissions(bucket: str) -> dict[str, Any]:
    """The unauthenticated role's permissions: guests may read blog comments, nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadComments",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/comments/*",
            },
        ],
    }


PROFILES_TABLE = "BlogProfiles"


def profiles_table_arn(aws: Target) -> str:
    return f"arn:aws:dynamodb:{aws.region}:{aws.account_id}:table/{PROFILES_TABLE}"


def authenticated_permissions(bucket: str, profiles_table_arn: str | None = None) -> dict[str, Any]:
    """The authenticated role's permissions: read comments, post comments under the caller's own
    identity id (note the trailing slash), and read and write the caller's own profile item, whose
    partition key is the caller's identity id."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "ReadComments",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/comments/*",
        },
        {
            "Sid": "PostOwnComments",
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/comments/{SUB}/*",
        },
    ]
    if profiles_table_arn:
        statements.append(
            {
                "Sid": "OwnProfile",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
                "Resource": profiles_table_arn,
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [SUB]}},
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def ensure_table(aws: Target, name: str, partition_key: str) -> str:
    """A DynamoDB table of the course (tagged) with a string partition key, created if missing; a table
    of that name without the course's tag makes it refuse (:class:`NotCreatedByTheCourse`). Its ARN."""
    dynamodb = aws.client("dynamodb")
    try:
        table = dynamodb.describe_table(TableName=name)["Table"]
        if not table_is_the_courses(dynamodb, table["TableArn"]):
            raise NotCreatedByTheCourse("DynamoDB table", name)
        return table["TableArn"]
    except dynamodb.exceptions.ResourceNotFoundException:
        table = dynamodb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": partition_key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": partition_key, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            Tags=[{"Key": TAG_KEY, "Value": TAG_VALUE}],
        )["TableDescription"]
        dynamodb.get_waiter("table_exists").wait(TableName=name)
        return table["TableArn"]


def ensure_profiles_table(aws: Target) -> str:
    """The blog's profile table: one item per user, partition key ``identityId`` (tagged)."""
    ensure_table(aws, PROFILES_TABLE, "identityId")
    return profiles_table_arn(aws)


def table_is_the_courses(dynamodb: Any, table_arn: str) -> bool:
    tags = {t["Key"]: t["Value"] for t in dynamodb.list_tags_of_resource(ResourceArn=table_arn)["Tags"]}
    return tags.get(TAG_KEY) == TAG_VALUE


@dataclass(frozen=True)
class Course:
    """The course's resources in one account and region."""

    identity_pool_id: str
    unauthenticated_role_arn: str
    authenticated_role_arn: str
    bucket: str


def find_identity_pool(cognito_identity: Any, name: str = POOL_NAME) -> str | None:
    """The id of the course's pool with this name (tagged by the course), if there is one."""
    for page in cognito_identity.get_paginator("list_identity_pools").paginate(MaxResults=60):
        for pool in page["IdentityPools"]:
            if pool["IdentityPoolName"] != name:
                continue
            described = cognito_identity.describe_identity_pool(IdentityPoolId=pool["IdentityPoolId"])
            if described.get("IdentityPoolTags", {}).get(TAG_KEY) == TAG_VALUE:
                return pool["IdentityPoolId"]
    return None


def identity_pool_settings() -> dict[str, Any]:
    """MyApplicationPool as notebook 02 creates it."""
    return {
        "IdentityPoolName": POOL_NAME,
        "AllowUnauthenticatedIdentities": True,
        "AllowClassicFlow": False,
        "SupportedLoginProviders": {"www.amazon.com": login_with_amazon_app_id()},
        "IdentityPoolTags": TAGS,
    }


def ensure_identity_pool(aws: Target) -> str:
    cognito_identity = aws.client("cognito-identity")
    pool_id = find_identity_pool(cognito_identity)
    if pool_id is None:
        pool_id = cognito_identity.create_identity_pool(**identity_pool_settings())["IdentityPoolId"]
    return pool_id


def role_is_the_courses(iam: Any, name: str) -> bool | None:
    """True for a role the course made, False for someone else's role of that name, None for no role."""
    try:
        tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}
    except iam.exceptions.NoSuchEntityException:
        return None
    return tags.get(TAG_KEY) == TAG_VALUE


#: How long to let an IAM change settle on AWS itself before a role is used: IAM is eventually
#: consistent ("Changes that I make are not always immediately visible", IAM User Guide, "Troubleshoot
#: IAM", https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html). Settable by
#: ``COURSE_IAM_SETTLE_SECONDS``.
IAM_SETTLE_SECONDS = 10.0


def talks_to_aws_itself(aws: Target) -> bool:
    """A real account reached at AWS's own endpoints (not the local AWS, nor a stand-in for an account)."""
    return not aws.is_local and not aws.endpoint_url


def wait_for_iam(aws: Target, seconds: float | None = None) -> None:
    """Give IAM changes time to reach STS and Cognito on AWS itself; no wait anywhere else (the local
    AWS applies a change at once). ``seconds`` defaults to ``$COURSE_IAM_SETTLE_SECONDS``, then
    :data:`IAM_SETTLE_SECONDS`."""
    import os
    import time

    if talks_to_aws_itself(aws):
        if seconds is None:
            seconds = float(os.environ.get("COURSE_IAM_SETTLE_SECONDS", IAM_SETTLE_SECONDS))
        time.sleep(seconds)


def ensure_role(aws: Target, name: str, trust: dict[str, Any], permissions: dict[str, Any]) -> str:
    """Create or update a course role (under the course's IAM path, tagged); never someone else's."""
    iam = aws.client("iam")
    if role_is_the_courses(iam, name) is False:
        raise NotCreatedByTheCourse("IAM role", name)
    try:
        arn = iam.get_role(RoleName=name)["Role"]["Arn"]
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    except iam.exceptions.NoSuchEntityException:
        arn = iam.create_role(
            RoleName=name,
            Path=IAM_PATH,
            AssumeRolePolicyDocument=json.dumps(trust),
            Tags=[{"Key": TAG_KEY, "Value": TAG_VALUE}],
        )["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="permissions", PolicyDocument=json.dumps(permissions))
    return arn


def remove_role(aws: Target, name: str) -> bool:
    """Delete a course role and its inline policies, if it exists (so a notebook can create it afresh)."""
    iam = aws.client("iam")
    ours = role_is_the_courses(iam, name)
    if ours is None:
        return False
    if not ours:
        raise NotCreatedByTheCourse("IAM role", name)
    for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=policy)
    iam.delete_role(RoleName=name)
    return True


#: What a browser app served from this machine (any port) needs to use the blog bucket directly:
#: S3 answers a browser's preflight and adds the Access-Control-* headers only for origins, methods
#: and headers a CORS rule allows (Amazon S3 User Guide, "Using cross-origin resource sharing (CORS)").
#: ETag and the request ids are exposed so the app's SDK can read them.
BLOG_CORS = {
    "CORSRules": [
        {
            "AllowedOrigins": ["http://127.0.0.1:*", "http://localhost:*"],
            "AllowedMethods": ["GET", "PUT", "POST", "HEAD"],
            "AllowedHeaders": ["*"],
            "ExposeHeaders": ["ETag", "x-amz-request-id", "x-amz-id-2"],
            "MaxAgeSeconds": 3000,
        }
    ]
}


def bucket_is_the_courses(s3: Any, bucket: str) -> bool | None:
    """True for the course's bucket, False for a bucket someone else has (any account), None for none."""
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("404", "NoSuchBucket"):
            return None
        return False  # 403: the name is taken, by another account or without access for us
    try:
        tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
    except ClientError:  # NoSuchTagSet: a bucket without tags is not the course's
        return False
    return tags.get(TAG_KEY) == TAG_VALUE


def ensure_bucket(aws: Target, bucket: str) -> str:
    """An S3 bucket of the course (tagged) in the target's Region, created if missing; a bucket of that
    name without the course's tag makes it refuse (:class:`NotCreatedByTheCourse`). Its name."""
    s3 = aws.client("s3")
    ours = bucket_is_the_courses(s3, bucket)
    if ours is False:
        raise NotCreatedByTheCourse("S3 bucket", bucket)
    if ours is None:
        # us-east-1 takes no LocationConstraint; every other Region must be named there.
        options = (
            {}
            if aws.region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": aws.region}}
        )
        s3.create_bucket(Bucket=bucket, **options)
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": TAG_KEY, "Value": TAG_VALUE}]})
    return bucket


def ensure_blog(aws: Target) -> str:
    """The blog's bucket (tagged), its welcome comment and its CORS rule; never someone else's bucket."""
    s3 = aws.client("s3")
    bucket = ensure_bucket(aws, blog_bucket(aws))
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=BLOG_CORS)
    s3.put_object(Bucket=bucket, Key="comments/welcome.txt", Body=b"Welcome to the blog!")
    return bucket


USER_POOL_NAME = "MyApplicationUsers"
USER_POOL_CLIENT = "blog-web"


@dataclass(frozen=True)
class UserPool:
    user_pool_id: str
    client_id: str
    provider_name: str  # the Logins key: cognito-idp.<region>.amazonaws.com/<user pool id>


def ensure_user_pool(
    aws: Target, name: str = USER_POOL_NAME, client_name: str = USER_POOL_CLIENT
) -> UserPool:
    """A Cognito user pool with an app client that signs users in with a password (tagged for clean-up),
    found by name and tag or created: ``MyApplicationUsers`` unless ``name`` says another."""
    idp = aws.client("cognito-idp")
    pool_id = None
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] == name:
                tags = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"].get("UserPoolTags", {})
                if tags.get(TAG_KEY) == TAG_VALUE:
                    pool_id = pool["Id"]
    if pool_id is None:
        pool_id = idp.create_user_pool(PoolName=name, UserPoolTags=TAGS)["UserPool"]["Id"]
    clients = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next((c["ClientId"] for c in clients if c["ClientName"] == client_name), None)
    if client_id is None:
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=client_name,
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
    return UserPool(pool_id, client_id, f"cognito-idp.{aws.region}.amazonaws.com/{pool_id}")


def user_pool_jwks_url(aws: Target, user_pool: UserPool) -> str:
    """Where the user pool publishes its public keys: its issuer URL on AWS; under a custom endpoint
    (the local AWS) the endpoint serves them."""
    if aws.endpoint_url:
        return f"{aws.endpoint_url}/{user_pool.user_pool_id}/.well-known/jwks.json"
    return f"https://{user_pool.provider_name}/.well-known/jwks.json"


def ensure_user(aws: Target, user_pool: UserPool, username: str) -> str:
    """Create the user if needed and give it a fresh random password, returned (never printed)."""
    import secrets

    idp = aws.client("cognito-idp")
    password = "Aa1!" + secrets.token_urlsafe(18)
    try:
        idp.admin_create_user(UserPoolId=user_pool.user_pool_id, Username=username, MessageAction="SUPPRESS")
    except idp.exceptions.UsernameExistsException:
        pass
    idp.admin_set_user_password(
        UserPoolId=user_pool.user_pool_id, Username=username, Password=password, Permanent=True
    )
    return password


def forget_users(aws: Target, identity_pool_id: str, users: list[str]) -> list[str]:
    """Delete the identities that these Login with Amazon users' logins are linked to, and no other.

    Notebook 04 teaches that an unauthenticated identity that signs in keeps its identity id. A login
    stays linked to its identity, so on a second run the same user's login would already belong to the
    first run's identity, and signing in would merge the new guest into it instead. Forgetting just
    these users (GetId with their login finds their identity; DeleteIdentities removes it) keeps every
    other identity, such as notebook 06's user, whose stable identity id is the lesson there.
    Returns the user names forgotten (none on real AWS without a Login with Amazon token).
    """
    cognito_identity = aws.client("cognito-identity")
    forgotten = []
    for user in users:
        token = login_with_amazon_token(aws, user, quiet=True)
        if not token:
            continue
        identity_id = cognito_identity.get_id(
            IdentityPoolId=identity_pool_id, Logins={"www.amazon.com": token}
        )["IdentityId"]
        cognito_identity.delete_identities(IdentityIdsToDelete=[identity_id])
        forgotten.append(user)
    return forgotten


SKIP_WITHOUT_SIGN_IN = (
    "Skipped on real AWS: this cell signs in with Login with Amazon, which needs a Login with Amazon "
    "access token in COURSE_LWA_ACCESS_TOKEN (the stand-in Login with Amazon exists only in the local AWS)."
)


def can_sign_in(aws: Target) -> bool:
    """Whether a notebook can sign a test user in with Login with Amazon here (see
    :func:`login_with_amazon_token`): always on the local AWS, on real AWS only with a token."""
    import os

    return aws.is_local or bool(os.environ.get("COURSE_LWA_ACCESS_TOKEN"))


def register_skip_without_sign_in(aws: Target) -> None:
    """Define the cell magic ``%%skip_without_sign_in`` in the running IPython kernel, if any.

    A cell that starts with it runs unchanged when :func:`can_sign_in`, and otherwise prints
    :data:`SKIP_WITHOUT_SIGN_IN` once instead of running. The rest of the cell is plain Python, to copy
    as it is.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def skip_without_sign_in(line: str, cell: str) -> None:
        if can_sign_in(aws):
            exec(compile(cell, "<cell>", "exec"), shell.user_ns)  # noqa: S102 - the notebook's own cell
        else:
            print(SKIP_WITHOUT_SIGN_IN)

    shell.register_magic_function(skip_without_sign_in, "cell", "skip_without_sign_in")


def check_names_are_free(aws: Target) -> None:
    """Raise :class:`NotCreatedByTheCourse` if a role, the table or the bucket the course would create
    or update already exists without the course's tag. Reads only; changes nothing."""
    iam = aws.client("iam")
    for name in (UNAUTHENTICATED_ROLE, AUTHENTICATED_ROLE):
        if role_is_the_courses(iam, name) is False:
            raise NotCreatedByTheCourse("IAM role", name)
    dynamodb = aws.client("dynamodb")
    try:
        table_arn = dynamodb.describe_table(TableName=PROFILES_TABLE)["Table"]["TableArn"]
    except dynamodb.exceptions.ResourceNotFoundException:
        table_arn = None
    if table_arn and not table_is_the_courses(dynamodb, table_arn):
        raise NotCreatedByTheCourse("DynamoDB table", PROFILES_TABLE)
    if bucket_is_the_courses(aws.client("s3"), blog_bucket(aws)) is False:
        raise NotCreatedByTheCourse("S3 bucket", blog_bucket(aws))


def set_up(aws: Target) -> Course:
    """Everything notebooks 02 and 03 make, made again where missing (safe to call any number of times).

    Checks first (:func:`check_names_are_free`), so a refusal leaves the account as it was. In a
    notebook it also defines ``%%skip_without_sign_in`` (:func:`register_skip_without_sign_in`).
    """
    check_names_are_free(aws)
    register_skip_without_sign_in(aws)
    pool_id = ensure_identity_pool(aws)
    bucket = ensure_blog(aws)
    table = ensure_profiles_table(aws)
    unauthenticated = ensure_role(
        aws,
        UNAUTHENTICATED_ROLE,
        trust_policy(pool_id, "unauthenticated"),
        unauthenticated_permissions(bucket),
    )
    authenticated = ensure_role(
        aws,
        AUTHENTICATED_ROLE,
        trust_policy(pool_id, "authenticated"),
        authenticated_permissions(bucket, table),
    )
    aws.client("cognito-identity").set_identity_pool_roles(
        IdentityPoolId=pool_id, Roles={"unauthenticated": unauthenticated, "authenticated": authenticated}
    )
    return Course(pool_id, unauthenticated, authenticated, bucket)


@dataclass(frozen=True)
class CourseResource:
    """One thing the course created: what it is, its name, and how to delete it."""

    kind: str
    name: str
    delete: Callable[[], None] = field(repr=False, compare=False)

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


def course_resources(aws: Target) -> list[CourseResource]:
    """Everything in this account and region that carries the course's tag (roles: also its IAM path).

    Reads only; each entry's ``delete`` removes that resource (and what IAM and S3 require to go first).
    """
    found: list[CourseResource] = []
    cognito_identity = aws.client("cognito-identity")
    for page in cognito_identity.get_paginator("list_identity_pools").paginate(MaxResults=60):
        for pool in page["IdentityPools"]:
            pool_id = pool["IdentityPoolId"]
            tags = cognito_identity.describe_identity_pool(IdentityPoolId=pool_id).get("IdentityPoolTags", {})
            if tags.get(TAG_KEY) == TAG_VALUE:
                found.append(
                    CourseResource(
                        "identity pool",
                        pool["IdentityPoolName"],
                        lambda pool_id=pool_id: cognito_identity.delete_identity_pool(IdentityPoolId=pool_id),
                    )
                )
    idp = aws.client("cognito-idp")
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            tags = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"].get("UserPoolTags", {})
            if tags.get(TAG_KEY) == TAG_VALUE:
                found.append(
                    CourseResource(
                        "user pool",
                        pool["Name"],
                        lambda pool_id=pool["Id"]: idp.delete_user_pool(UserPoolId=pool_id),
                    )
                )
    iam = aws.client("iam")

    def delete_role(name: str) -> None:
        for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=policy)  # IAM requires this first
        for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=name, PolicyArn=attached["PolicyArn"])  # and this
        iam.delete_role(RoleName=name)

    pages = iam.get_paginator("list_roles").paginate(PathPrefix=IAM_PATH)
    for role in sorted((role for page in pages for role in page["Roles"]), key=lambda r: r["RoleName"]):
        if role_is_the_courses(iam, role["RoleName"]):
            found.append(
                CourseResource("IAM role", role["RoleName"], lambda name=role["RoleName"]: delete_role(name))
            )
    dynamodb = aws.client("dynamodb")
    for page in dynamodb.get_paginator("list_tables").paginate():
        for table in page["TableNames"]:
            table_arn = dynamodb.describe_table(TableName=table)["Table"]["TableArn"]
            if table_is_the_courses(dynamodb, table_arn):
                found.append(
                    CourseResource(
                        "DynamoDB table", table, lambda table=table: dynamodb.delete_table(TableName=table)
                    )
                )
    s3 = aws.client("s3")

    def delete_bucket(bucket: str) -> None:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=item["Key"])  # S3 deletes only empty buckets
        s3.delete_bucket(Bucket=bucket)

    # Bucket names are global and ListBuckets shows every bucket of the account in every Region, so only
    # this account's and Region's names with the course's prefix are candidates (and then only if tagged).
    suffix = f"-{aws.account_id}-{aws.region}"
    for bucket in sorted(b["Name"] for b in s3.list_buckets().get("Buckets", [])):
        if bucket.startswith(BUCKET_PREFIX) and bucket.endswith(suffix) and bucket_is_the_courses(s3, bucket):
            found.append(CourseResource("S3 bucket", bucket, lambda bucket=bucket: delete_bucket(bucket)))
    return found


def clean_up(aws: Target) -> list[str]:
    """Delete what the course created, and only that (:func:`course_resources`); say what was deleted."""
    deleted = []
    for resource in course_resources(aws):
        resource.delete()
        deleted.append(str(resource))
    return deleted

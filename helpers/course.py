"""What the course creates, named and tagged in one place, so any notebook can run alone.

Notebooks 02 and 03 make these resources with the boto3 calls in plain sight; later notebooks call
:func:`set_up`, which recreates whatever is missing the same way (idempotent), and the clean-up
notebook calls :func:`clean_up`, which removes only what carries the course's tag. Names are fixed
per account and region (the blog bucket includes both, since bucket names are global on AWS).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .target import Target

POOL_NAME = "MyApplicationPool"
TAG_KEY = "course"
TAG_VALUE = "cognito-identity-pools"
TAGS = {TAG_KEY: TAG_VALUE}
IAM_PATH = "/cognito-course/"
# The names the Cognito console gives a pool's roles, as in the blog post.
GUEST_ROLE = f"Cognito_{POOL_NAME}Unauth_Role"
MEMBER_ROLE = f"Cognito_{POOL_NAME}Auth_Role"
#: The Login with Amazon app the pool trusts. Locally the stand-in provider accepts it; on real AWS
#: set COURSE_LWA_APP_ID to your own app's id (Login with Amazon console, "Web Settings").
LOCAL_LWA_APP_ID = "amzn1.application.cognito-course-demo"
COGNITO_PRINCIPAL = "cognito-identity.amazonaws.com"
SUB = "${cognito-identity.amazonaws.com:sub}"


def login_with_amazon_app_id() -> str:
    import os

    return os.environ.get("COURSE_LWA_APP_ID", LOCAL_LWA_APP_ID)


def login_with_amazon_token(aws: Target, user: str) -> str | None:
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
    if not token:
        print(
            "Skipped on real AWS: signing in needs a Login with Amazon access token in "
            "COURSE_LWA_ACCESS_TOKEN (the stand-in Login with Amazon exists only in the local AWS)."
        )
    return token or None


def blog_bucket(aws: Target) -> str:
    return f"cognito-course-blog-{aws.account_id}-{aws.region}"


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


def guest_permissions(bucket: str) -> dict[str, Any]:
    """Guests may read blog comments, nothing else."""
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


def member_permissions(bucket: str, profiles_table_arn: str | None = None) -> dict[str, Any]:
    """Signed-in users may also post comments under their own identity id (note the trailing slash),
    and read and write their own profile item, whose partition key is their identity id."""
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


def ensure_profiles_table(aws: Target) -> str:
    """The blog's profile table: one item per user, partition key ``identityId`` (tagged)."""
    dynamodb = aws.session.client("dynamodb")
    try:
        dynamodb.describe_table(TableName=PROFILES_TABLE)
    except dynamodb.exceptions.ResourceNotFoundException:
        dynamodb.create_table(
            TableName=PROFILES_TABLE,
            KeySchema=[{"AttributeName": "identityId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "identityId", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            Tags=[{"Key": TAG_KEY, "Value": TAG_VALUE}],
        )
        dynamodb.get_waiter("table_exists").wait(TableName=PROFILES_TABLE)
    return profiles_table_arn(aws)


@dataclass(frozen=True)
class Course:
    """The course's resources in one account and region."""

    identity_pool_id: str
    guest_role_arn: str
    member_role_arn: str
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
    cognito_identity = aws.session.client("cognito-identity")
    pool_id = find_identity_pool(cognito_identity)
    if pool_id is None:
        pool_id = cognito_identity.create_identity_pool(**identity_pool_settings())["IdentityPoolId"]
    return pool_id


def ensure_role(aws: Target, name: str, trust: dict[str, Any], permissions: dict[str, Any]) -> str:
    """Create or update a course role (under the course's IAM path, tagged)."""
    iam = aws.session.client("iam")
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
    iam = aws.session.client("iam")
    try:
        tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}
    except iam.exceptions.NoSuchEntityException:
        return False
    if tags.get(TAG_KEY) != TAG_VALUE:
        raise RuntimeError(f"role {name} exists but was not created by the course; not touching it")
    for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=policy)
    iam.delete_role(RoleName=name)
    return True


def ensure_blog(aws: Target) -> str:
    s3 = aws.session.client("s3")
    bucket = blog_bucket(aws)
    try:
        s3.head_bucket(Bucket=bucket)
    except s3.exceptions.ClientError:
        options = (
            {}
            if aws.region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": aws.region}}
        )
        s3.create_bucket(Bucket=bucket, **options)
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": TAG_KEY, "Value": TAG_VALUE}]})
    s3.put_object(Bucket=bucket, Key="comments/welcome.txt", Body=b"Welcome to the blog!")
    return bucket


USER_POOL_NAME = "MyApplicationUsers"
USER_POOL_CLIENT = "blog-web"


@dataclass(frozen=True)
class UserPool:
    user_pool_id: str
    client_id: str
    provider_name: str  # the Logins key: cognito-idp.<region>.amazonaws.com/<user pool id>


def ensure_user_pool(aws: Target) -> UserPool:
    """A Cognito user pool with an app client that signs users in with a password (tagged for clean-up)."""
    idp = aws.session.client("cognito-idp")
    pool_id = None
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] == USER_POOL_NAME:
                tags = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"].get("UserPoolTags", {})
                if tags.get(TAG_KEY) == TAG_VALUE:
                    pool_id = pool["Id"]
    if pool_id is None:
        pool_id = idp.create_user_pool(PoolName=USER_POOL_NAME, UserPoolTags=TAGS)["UserPool"]["Id"]
    clients = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next((c["ClientId"] for c in clients if c["ClientName"] == USER_POOL_CLIENT), None)
    if client_id is None:
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=USER_POOL_CLIENT,
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

    idp = aws.session.client("cognito-idp")
    password = "Aa1!" + secrets.token_urlsafe(18)
    try:
        idp.admin_create_user(UserPoolId=user_pool.user_pool_id, Username=username, MessageAction="SUPPRESS")
    except idp.exceptions.UsernameExistsException:
        pass
    idp.admin_set_user_password(
        UserPoolId=user_pool.user_pool_id, Username=username, Password=password, Permanent=True
    )
    return password


def forget_identities(aws: Target, identity_pool_id: str) -> int:
    """Delete every identity of the pool, so a notebook run again meets visitors nobody has seen.

    Signing in links a login to an identity for good: without this, a second run's guest signing in
    as the same test user would be merged into the first run's identity instead of keeping its own id.
    """
    cognito_identity = aws.session.client("cognito-identity")
    deleted = 0
    while True:
        page = cognito_identity.list_identities(IdentityPoolId=identity_pool_id, MaxResults=60)
        ids = [identity["IdentityId"] for identity in page["Identities"]]
        if not ids:
            return deleted
        cognito_identity.delete_identities(IdentityIdsToDelete=ids)
        deleted += len(ids)


def set_up(aws: Target) -> Course:
    """Everything notebooks 02 and 03 make, made again where missing (safe to call any number of times)."""
    pool_id = ensure_identity_pool(aws)
    bucket = ensure_blog(aws)
    table = ensure_profiles_table(aws)
    guest = ensure_role(aws, GUEST_ROLE, trust_policy(pool_id, "unauthenticated"), guest_permissions(bucket))
    member = ensure_role(
        aws, MEMBER_ROLE, trust_policy(pool_id, "authenticated"), member_permissions(bucket, table)
    )
    aws.session.client("cognito-identity").set_identity_pool_roles(
        IdentityPoolId=pool_id, Roles={"unauthenticated": guest, "authenticated": member}
    )
    return Course(pool_id, guest, member, bucket)


def clean_up(aws: Target) -> list[str]:
    """Delete what the course created, and only that (its tag, its IAM path); say what was deleted."""
    deleted: list[str] = []
    cognito_identity = aws.session.client("cognito-identity")
    for page in cognito_identity.get_paginator("list_identity_pools").paginate(MaxResults=60):
        for pool in page["IdentityPools"]:
            tags = cognito_identity.describe_identity_pool(IdentityPoolId=pool["IdentityPoolId"]).get(
                "IdentityPoolTags", {}
            )
            if tags.get(TAG_KEY) == TAG_VALUE:
                cognito_identity.delete_identity_pool(IdentityPoolId=pool["IdentityPoolId"])
                deleted.append(f"identity pool {pool['IdentityPoolName']}")
    idp = aws.session.client("cognito-idp")
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            tags = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"].get("UserPoolTags", {})
            if tags.get(TAG_KEY) == TAG_VALUE:
                idp.delete_user_pool(UserPoolId=pool["Id"])
                deleted.append(f"user pool {pool['Name']}")
    iam = aws.session.client("iam")
    for page in iam.get_paginator("list_roles").paginate(PathPrefix=IAM_PATH):
        for role in page["Roles"]:
            tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=role["RoleName"])["Tags"]}
            if tags.get(TAG_KEY) != TAG_VALUE:
                continue
            for policy in iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]:
                iam.delete_role_policy(RoleName=role["RoleName"], PolicyName=policy)
            iam.delete_role(RoleName=role["RoleName"])
            deleted.append(f"role {role['RoleName']}")
    dynamodb = aws.session.client("dynamodb")
    try:
        table = dynamodb.describe_table(TableName=PROFILES_TABLE)["Table"]
        tags = {
            t["Key"]: t["Value"]
            for t in dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
        }
    except dynamodb.exceptions.ResourceNotFoundException:
        tags = {}
    if tags.get(TAG_KEY) == TAG_VALUE:
        dynamodb.delete_table(TableName=PROFILES_TABLE)
        deleted.append(f"table {PROFILES_TABLE}")
    s3 = aws.session.client("s3")
    bucket = blog_bucket(aws)
    try:
        tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
    except s3.exceptions.ClientError:
        tags = {}
    if tags.get(TAG_KEY) == TAG_VALUE:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)
        deleted.append(f"bucket {bucket}")
    return deleted

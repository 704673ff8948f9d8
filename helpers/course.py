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


def member_permissions(bucket: str) -> dict[str, Any]:
    """Signed-in users may also post comments, under their own identity id (note the trailing slash)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
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
        ],
    }


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


def set_up(aws: Target) -> Course:
    """Everything notebooks 02 and 03 make, made again where missing (safe to call any number of times)."""
    pool_id = ensure_identity_pool(aws)
    bucket = ensure_blog(aws)
    guest = ensure_role(aws, GUEST_ROLE, trust_policy(pool_id, "unauthenticated"), guest_permissions(bucket))
    member = ensure_role(aws, MEMBER_ROLE, trust_policy(pool_id, "authenticated"), member_permissions(bucket))
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

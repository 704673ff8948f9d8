"""Set-up for notebook 07 (one identity, several identity providers): its own identity pool, user pool
and role, and a fresh start on every run.

``CourseLinkingPool`` trusts two identity providers that work on any AWS account with only the
administrator's keys: the user pool ``CourseLinkingUsers`` (signing in with AdminInitiateAuth) and the
blog's own backend (developer-authenticated identities, under :data:`DEVELOPER_PROVIDER_NAME`). It
also trusts Login with Amazon, used only where the local AWS's stand-in is available. Guests are not
allowed: nothing in the notebook needs them, and a pool that does not need guests should not admit
them.

The notebook's lesson is what linking and merging do to identities, so every run starts from none:
:func:`set_up` deletes this pool's identities (and only this pool's), with the data the notebook kept
under them (profile items in ``BlogProfiles`` keyed by those identity IDs, objects under
:data:`PREFIX` in the blog bucket). Everything created carries the course's tag; the role lives under
the course's IAM path, as :mod:`helpers.course` does it, and a role of that name without the tag
makes :func:`set_up` refuse before it changes anything (:class:`helpers.course.NotCreatedByTheCourse`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import course
from .target import Target

POOL_NAME = "CourseLinkingPool"
AUTHENTICATED_ROLE = f"Cognito_{POOL_NAME}Auth_Role"
USER_POOL_NAME = "CourseLinkingUsers"
USER_POOL_CLIENT = "blog-web"
#: The name the blog's backend signs its users in under ("developer provider name"; letters, digits,
#: ``.``, ``_`` and ``-``; it cannot be changed once the pool has it, CreateIdentityPool's API reference).
DEVELOPER_PROVIDER_NAME = "login.blog.cognito-course"
#: Each identity's objects live under ``linking/<identity ID>/`` in the blog bucket.
PREFIX = "linking/"


@dataclass(frozen=True)
class LinkingLab:
    """What notebook 07 works with."""

    identity_pool_id: str
    user_pool: course.UserPool
    developer_provider_name: str
    authenticated_role_arn: str
    bucket: str
    profiles_table: str


def authenticated_permissions(bucket: str, profiles_table_arn: str) -> dict[str, Any]:
    """Each identity may read and write its own objects under ``linking/<identity ID>/`` (trailing
    slash included) and its own profile item (partition key = its identity ID), and nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OwnObjects",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": f"arn:aws:s3:::{bucket}/{PREFIX}{course.SUB}/*",
            },
            {
                "Sid": "OwnProfile",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                "Resource": profiles_table_arn,
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [course.SUB]}},
            },
        ],
    }


def ensure_user_pool(aws: Target) -> course.UserPool:
    """``CourseLinkingUsers`` with an app client that signs users in with a password (tagged)."""
    return course.ensure_user_pool(aws, USER_POOL_NAME, USER_POOL_CLIENT)


def identity_pool_settings(user_pool: course.UserPool) -> dict[str, Any]:
    """CourseLinkingPool: the user pool, the backend and Login with Amazon; no guests, no basic flow."""
    return {
        "IdentityPoolName": POOL_NAME,
        "AllowUnauthenticatedIdentities": False,
        "AllowClassicFlow": False,
        "CognitoIdentityProviders": [
            {
                "ProviderName": user_pool.provider_name,
                "ClientId": user_pool.client_id,
                "ServerSideTokenCheck": False,
            }
        ],
        "DeveloperProviderName": DEVELOPER_PROVIDER_NAME,
        "SupportedLoginProviders": {"www.amazon.com": course.login_with_amazon_app_id()},
        "IdentityPoolTags": course.TAGS,
    }


def ensure_identity_pool(aws: Target, user_pool: course.UserPool) -> str:
    """Create CourseLinkingPool, or bring the course's existing one back to :func:`identity_pool_settings`
    (UpdateIdentityPool replaces the whole configuration, so every setting is sent)."""
    cognito_identity = aws.client("cognito-identity")
    settings = identity_pool_settings(user_pool)
    pool_id = course.find_identity_pool(cognito_identity, POOL_NAME)
    if pool_id is None:
        return cognito_identity.create_identity_pool(**settings)["IdentityPoolId"]
    cognito_identity.update_identity_pool(IdentityPoolId=pool_id, **settings)
    return pool_id


def pool_identities(aws: Target, identity_pool_id: str) -> list[str]:
    """Every identity ID of the pool, merged-away (disabled) identities included."""
    cognito_identity = aws.client("cognito-identity")
    found: list[str] = []
    token: str | None = None
    while True:
        page = cognito_identity.list_identities(
            IdentityPoolId=identity_pool_id, MaxResults=60, **({"NextToken": token} if token else {})
        )
        found.extend(identity["IdentityId"] for identity in page["Identities"])
        token = page.get("NextToken")
        if not token:
            return found


def forget_identities(aws: Target, lab: LinkingLab) -> int:
    """Delete this pool's identities and the data kept under them; returns how many identities.

    Only CourseLinkingPool's identities, their items in the profile table and the objects under
    :data:`PREFIX` are touched: the blog's own comments and other notebooks' users stay. Batched
    (BatchWriteItem takes 25 requests, DeleteObjects 1,000 keys, DeleteIdentities 60 IDs) to keep the
    set-up quick.
    """
    identity_ids = pool_identities(aws, lab.identity_pool_id)
    dynamodb = aws.client("dynamodb")
    for batch in _batches(identity_ids, 25):
        unprocessed: dict[str, Any] = {
            lab.profiles_table: [{"DeleteRequest": {"Key": {"identityId": {"S": i}}}} for i in batch]
        }
        while unprocessed:  # DynamoDB may hand part of a batch back, to be sent again
            unprocessed = dynamodb.batch_write_item(RequestItems=unprocessed).get("UnprocessedItems", {})
    s3 = aws.client("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=lab.bucket, Prefix=PREFIX):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=lab.bucket, Delete={"Objects": keys, "Quiet": True})
    cognito_identity = aws.client("cognito-identity")
    for batch in _batches(identity_ids, 60):
        cognito_identity.delete_identities(IdentityIdsToDelete=batch)
    return len(identity_ids)


def _batches(items: list[str], size: int) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def check_names_are_free(aws: Target) -> None:
    """Raise :class:`helpers.course.NotCreatedByTheCourse` if the role, the blog bucket or the profile
    table exists without the course's tag. Reads only; changes nothing."""
    if course.role_is_the_courses(aws.client("iam"), AUTHENTICATED_ROLE) is False:
        raise course.NotCreatedByTheCourse("IAM role", AUTHENTICATED_ROLE)
    dynamodb = aws.client("dynamodb")
    try:
        table_arn = dynamodb.describe_table(TableName=course.PROFILES_TABLE)["Table"]["TableArn"]
    except dynamodb.exceptions.ResourceNotFoundException:
        table_arn = None
    if table_arn and not course.table_is_the_courses(dynamodb, table_arn):
        raise course.NotCreatedByTheCourse("DynamoDB table", course.PROFILES_TABLE)
    bucket = course.blog_bucket(aws)
    if course.bucket_is_the_courses(aws.client("s3"), bucket) is False:
        raise course.NotCreatedByTheCourse("S3 bucket", bucket)


def set_up(aws: Target) -> LinkingLab:
    """Everything notebook 07 needs, with none of its identities left from earlier runs (idempotent).

    Refuses, changing nothing, if the role's name or the blog's names are taken by something the
    course did not create.
    """
    check_names_are_free(aws)
    course.register_skip_without_sign_in(aws)
    bucket = course.ensure_blog(aws)
    table_arn = course.ensure_profiles_table(aws)
    user_pool = ensure_user_pool(aws)
    pool_id = ensure_identity_pool(aws, user_pool)
    role_arn = course.ensure_role(
        aws,
        AUTHENTICATED_ROLE,
        course.trust_policy(pool_id, "authenticated"),
        authenticated_permissions(bucket, table_arn),
    )
    aws.client("cognito-identity").set_identity_pool_roles(
        IdentityPoolId=pool_id, Roles={"authenticated": role_arn}
    )
    lab = LinkingLab(pool_id, user_pool, DEVELOPER_PROVIDER_NAME, role_arn, bucket, course.PROFILES_TABLE)
    forget_identities(aws, lab)
    return lab


class IdentitySession:
    """Clients signed with one identity's credentials (a ``GetCredentialsForIdentity`` answer's
    ``Credentials``), used like a boto3 session: ``IdentitySession(aws, credentials).client("s3")``.

    The clients come from the notebook's own boto3 session with the keys given explicitly, so botocore's
    loaded service models are shared: a new ``boto3.Session`` per identity costs several times more.
    """

    def __init__(self, aws: Target, credentials: dict[str, Any]) -> None:
        self._session = aws.session
        self._keys = {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretKey"],
            "aws_session_token": credentials["SessionToken"],
        }
        self._clients: dict[str, Any] = {}

    def __repr__(self) -> str:
        return "IdentitySession(<credentials hidden>)"

    def client(self, service_name: str) -> Any:
        if service_name not in self._clients:
            self._clients[service_name] = self._session.client(service_name, **self._keys)
        return self._clients[service_name]

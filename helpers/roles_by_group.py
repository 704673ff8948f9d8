"""What notebook 09 (roles by group) needs before its lesson starts, made again where missing.

The notebook teaches role-based access control: user pool groups that carry IAM roles, and an identity
pool whose role mappings pick a role from the user's ID token. This module makes the pieces it stands
on, tagged like everything the course creates (``helpers.course``):

* the user pool ``CourseGroupsUsers`` with a ``custom:team`` attribute, an app client that signs users
  in with ``ADMIN_USER_PASSWORD_AUTH`` and may not write ``custom:team`` (a claim that a role mapping
  reads must be one users cannot edit: Amazon Cognito Developer Guide, "Using role-based access
  control", best practices), and three users: ``erin``, ``reed`` (``custom:team`` = ``support``) and
  ``nadia``, each in no group yet (the notebook adds them to groups itself);
* the identity pool ``CourseGroupsPool``, trusting that app client, basic flow off;
* four roles under the course's IAM path, each trusting only this pool and only its kind of identity:
  ``CourseGroups_Editor``, ``CourseGroups_Reader``, ``Cognito_CourseGroupsPoolAuth_Role`` and
  ``Cognito_CourseGroupsPoolUnauth_Role``;
* the blog bucket (``course.ensure_blog``) with a spam comment for the editor to delete.

The groups, their roles and the role mappings are the lesson: the notebook makes them with the boto3
calls in plain sight. Like ``course.set_up``, :func:`set_up` checks the role names before it changes
anything and refuses (``course.NotCreatedByTheCourse``) a role of that name the course did not create.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import course
from .target import Target

USER_POOL_NAME = "CourseGroupsUsers"
USER_POOL_CLIENT = "blog-web"
IDENTITY_POOL_NAME = "CourseGroupsPool"
EDITOR_ROLE = "CourseGroups_Editor"
READER_ROLE = "CourseGroups_Reader"
# The names the Cognito console gives a pool's default roles.
AUTHENTICATED_ROLE = f"Cognito_{IDENTITY_POOL_NAME}Auth_Role"
UNAUTHENTICATED_ROLE = f"Cognito_{IDENTITY_POOL_NAME}Unauth_Role"
ROLE_NAMES = (EDITOR_ROLE, READER_ROLE, AUTHENTICATED_ROLE, UNAUTHENTICATED_ROLE)

#: A custom attribute only the administrator sets (the app client may not write it): ``custom:team``.
TEAM_ATTRIBUTE = "team"
#: The notebook's users and their ``custom:team`` (``None``: the attribute is not set).
USERS: dict[str, str | None] = {"erin": None, "reed": "support", "nadia": None}
#: What the app client lets users change about themselves (not ``custom:team``).
WRITABLE_ATTRIBUTES = ["name"]
#: What the app client may read: a custom attribute reaches its ID tokens only if listed here (AWS API
#: Reference, CreateUserPoolClient, ReadAttributes), and the Rules mapping reads ``custom:team``.
READABLE_ATTRIBUTES = ["name", "custom:team"]

SPAM_COMMENT = "comments/spam.txt"
MODERATION_PREFIX = "moderation/"


def reader_permissions(bucket: str) -> dict[str, Any]:
    """A reader of the blog: read comments, nothing else (what a guest of the blog may do)."""
    return course.unauthenticated_permissions(bucket)


def editor_permissions(bucket: str) -> dict[str, Any]:
    """An editor of the blog: read and delete comments, write moderation notes."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadAndDeleteComments",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:DeleteObject"],
                "Resource": f"arn:aws:s3:::{bucket}/comments/*",
            },
            {
                "Sid": "WriteModerationNotes",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": f"arn:aws:s3:::{bucket}/{MODERATION_PREFIX}*",
            },
        ],
    }


@dataclass(frozen=True)
class GroupsCourse:
    """Notebook 09's resources in one account and Region."""

    user_pool: course.UserPool
    identity_pool_id: str
    editor_role_arn: str
    reader_role_arn: str
    authenticated_role_arn: str
    unauthenticated_role_arn: str
    bucket: str
    passwords: dict[str, str] = field(repr=False)

    @property
    def role_mapping_key(self) -> str:
        """The RoleMappings key of the user pool's app client: ``<provider name>:<app client id>``."""
        return f"{self.user_pool.provider_name}:{self.user_pool.client_id}"


def check_names_are_free(aws: Target) -> None:
    """Raise ``course.NotCreatedByTheCourse`` if one of the roles exists without the course's tag.

    Reads only. Pools are found by name and tag (their names need not be unique), so a pool of yours with
    the same name is never touched; the blog bucket is checked by ``course.ensure_blog``.
    """
    iam = aws.client("iam")
    for name in ROLE_NAMES:
        if course.role_is_the_courses(iam, name) is False:
            raise course.NotCreatedByTheCourse("IAM role", name)


def find_user_pool(idp: Any) -> str | None:
    """The id of the course's ``CourseGroupsUsers`` (tagged by the course), if there is one."""
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] != USER_POOL_NAME:
                continue
            tags = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"].get("UserPoolTags", {})
            if tags.get(course.TAG_KEY) == course.TAG_VALUE:
                return pool["Id"]
    return None


def ensure_user_pool(aws: Target) -> course.UserPool:
    """``CourseGroupsUsers`` with its ``custom:team`` attribute and its app client (tagged)."""
    idp = aws.client("cognito-idp")
    pool_id = find_user_pool(idp)
    if pool_id is None:
        pool_id = idp.create_user_pool(
            PoolName=USER_POOL_NAME,
            Schema=[{"Name": TEAM_ATTRIBUTE, "AttributeDataType": "String", "Mutable": True}],
            UserPoolTags=course.TAGS,
        )["UserPool"]["Id"]
    clients = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next((c["ClientId"] for c in clients if c["ClientName"] == USER_POOL_CLIENT), None)
    if client_id is None:
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=USER_POOL_CLIENT,
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            WriteAttributes=WRITABLE_ATTRIBUTES,
            ReadAttributes=READABLE_ATTRIBUTES,
        )["UserPoolClient"]["ClientId"]
    return course.UserPool(pool_id, client_id, f"cognito-idp.{aws.region}.amazonaws.com/{pool_id}")


def ensure_users(aws: Target, user_pool: course.UserPool) -> dict[str, str]:
    """The notebook's users with fresh passwords (returned, never printed), their ``custom:team`` as in
    :data:`USERS`, and in no group, so every run starts from the same place."""
    idp = aws.client("cognito-idp")
    passwords = {}
    attribute = f"custom:{TEAM_ATTRIBUTE}"
    for user, team in USERS.items():
        passwords[user] = course.ensure_user(aws, user_pool, user)
        if team is None:
            current = idp.admin_get_user(UserPoolId=user_pool.user_pool_id, Username=user)["UserAttributes"]
            if any(item["Name"] == attribute for item in current):
                idp.admin_delete_user_attributes(
                    UserPoolId=user_pool.user_pool_id, Username=user, UserAttributeNames=[attribute]
                )
        else:
            idp.admin_update_user_attributes(
                UserPoolId=user_pool.user_pool_id,
                Username=user,
                UserAttributes=[{"Name": attribute, "Value": team}],
            )
        groups = idp.admin_list_groups_for_user(UserPoolId=user_pool.user_pool_id, Username=user)["Groups"]
        for group in groups:
            idp.admin_remove_user_from_group(
                UserPoolId=user_pool.user_pool_id, Username=user, GroupName=group["GroupName"]
            )
    return passwords


def identity_pool_settings(user_pool: course.UserPool) -> dict[str, Any]:
    """CourseGroupsPool: guests allowed, the user pool's app client trusted, the basic flow off."""
    return {
        "IdentityPoolName": IDENTITY_POOL_NAME,
        "AllowUnauthenticatedIdentities": True,
        "AllowClassicFlow": False,
        "CognitoIdentityProviders": [
            {
                "ProviderName": user_pool.provider_name,
                "ClientId": user_pool.client_id,
                "ServerSideTokenCheck": False,
            }
        ],
        "IdentityPoolTags": course.TAGS,
    }


def ensure_identity_pool(aws: Target, user_pool: course.UserPool) -> str:
    """Create ``CourseGroupsPool`` (tagged), or set the course's one to :func:`identity_pool_settings`."""
    cognito_identity = aws.client("cognito-identity")
    settings = identity_pool_settings(user_pool)
    pool_id = course.find_identity_pool(cognito_identity, IDENTITY_POOL_NAME)
    if pool_id is None:
        return cognito_identity.create_identity_pool(**settings)["IdentityPoolId"]
    cognito_identity.update_identity_pool(IdentityPoolId=pool_id, **settings)  # a full replacement
    return pool_id


def ensure_roles(aws: Target, identity_pool_id: str, bucket: str) -> dict[str, str]:
    """The four roles (name → ARN), each trusting only this pool and only its kind of identity.

    After creating a role, lets IAM settle (:func:`course.wait_for_iam`: on AWS itself only), so that the
    first sign-in does not meet a role IAM has not made visible yet.
    """
    iam = aws.client("iam")
    new = [name for name in ROLE_NAMES if course.role_is_the_courses(iam, name) is None]
    authenticated = course.trust_policy(identity_pool_id, "authenticated")
    arns = {
        EDITOR_ROLE: course.ensure_role(aws, EDITOR_ROLE, authenticated, editor_permissions(bucket)),
        READER_ROLE: course.ensure_role(aws, READER_ROLE, authenticated, reader_permissions(bucket)),
        AUTHENTICATED_ROLE: course.ensure_role(
            aws, AUTHENTICATED_ROLE, authenticated, reader_permissions(bucket)
        ),
        UNAUTHENTICATED_ROLE: course.ensure_role(
            aws,
            UNAUTHENTICATED_ROLE,
            course.trust_policy(identity_pool_id, "unauthenticated"),
            reader_permissions(bucket),
        ),
    }
    if new:
        course.wait_for_iam(aws)
    return arns


def ensure_spam_comment(aws: Target, bucket: str) -> None:
    """A comment for the editor to delete, written again on every run."""
    aws.client("s3").put_object(Bucket=bucket, Key=SPAM_COMMENT, Body=b"Buy cheap watches!")


def set_up(aws: Target) -> GroupsCourse:
    """Everything notebook 09 stands on, made again where missing (safe to call any number of times)."""
    check_names_are_free(aws)
    bucket = course.ensure_blog(aws)
    ensure_spam_comment(aws, bucket)
    user_pool = ensure_user_pool(aws)
    passwords = ensure_users(aws, user_pool)
    identity_pool_id = ensure_identity_pool(aws, user_pool)
    roles = ensure_roles(aws, identity_pool_id, bucket)
    return GroupsCourse(
        user_pool=user_pool,
        identity_pool_id=identity_pool_id,
        editor_role_arn=roles[EDITOR_ROLE],
        reader_role_arn=roles[READER_ROLE],
        authenticated_role_arn=roles[AUTHENTICATED_ROLE],
        unauthenticated_role_arn=roles[UNAUTHENTICATED_ROLE],
        bucket=bucket,
        passwords=passwords,
    )

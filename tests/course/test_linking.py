"""helpers.linking: notebook 07's own pool, user pool and role, and its fresh start on every run.

The local AWS stands in for a real account (the target says "aws"), as in test_course_set_up.py: every
test starts and ends with the course's resources cleaned up.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpers import course, linking
from helpers.iam_policy import Request, evaluate
from helpers.target import Target


def sign_in(aws: Target, lab: linking.LinkingLab, username: str) -> dict[str, str]:
    """A user pool login for ``username`` (an ID token under the user pool's identity provider name)."""
    password = course.ensure_user(aws, lab.user_pool, username)
    answer = aws.session.client("cognito-idp").admin_initiate_auth(
        UserPoolId=lab.user_pool.user_pool_id,
        ClientId=lab.user_pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return {lab.user_pool.provider_name: answer["AuthenticationResult"]["IdToken"]}


def an_identity_with_data(aws: Target, lab: linking.LinkingLab, username: str) -> str:
    """An identity of the lab's pool with a profile item and a note, written with its own credentials."""
    cognito_identity = aws.session.client("cognito-identity")
    logins = sign_in(aws, lab, username)
    identity_id = cognito_identity.get_id(IdentityPoolId=lab.identity_pool_id, Logins=logins)["IdentityId"]
    answer = cognito_identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    session = linking.IdentitySession(aws, answer["Credentials"])
    session.client("dynamodb").put_item(
        TableName=lab.profiles_table, Item={"identityId": {"S": identity_id}, "displayName": {"S": username}}
    )
    session.client("s3").put_object(Bucket=lab.bucket, Key=f"linking/{identity_id}/notes.txt", Body=b"hi")
    return identity_id


def test_set_up_makes_the_pool_user_pool_and_role_tagged_and_found_by_the_clean_up(account):
    lab = linking.set_up(account)

    cognito_identity = account.session.client("cognito-identity")
    pool = cognito_identity.describe_identity_pool(IdentityPoolId=lab.identity_pool_id)
    assert pool["IdentityPoolName"] == "CourseLinkingPool"
    assert pool["IdentityPoolTags"] == course.TAGS
    assert pool["AllowUnauthenticatedIdentities"] is False and pool["AllowClassicFlow"] is False
    assert pool["DeveloperProviderName"] == linking.DEVELOPER_PROVIDER_NAME
    assert [p["ProviderName"] for p in pool["CognitoIdentityProviders"]] == [lab.user_pool.provider_name]
    roles = cognito_identity.get_identity_pool_roles(IdentityPoolId=lab.identity_pool_id)["Roles"]
    assert roles == {"authenticated": lab.authenticated_role_arn}

    iam = account.session.client("iam")
    role = iam.get_role(RoleName="Cognito_CourseLinkingPoolAuth_Role")["Role"]
    assert role["Path"] == course.IAM_PATH
    assert role["AssumeRolePolicyDocument"] == course.trust_policy(lab.identity_pool_id, "authenticated")
    tags = iam.list_role_tags(RoleName=role["RoleName"])["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == course.TAGS

    found = {str(resource) for resource in course.course_resources(account)}
    assert {
        "identity pool CourseLinkingPool",
        "user pool CourseLinkingUsers",
        "IAM role Cognito_CourseLinkingPoolAuth_Role",
    } <= found
    course.clean_up(account)
    assert course.course_resources(account) == []


def test_set_up_twice_keeps_one_pool_and_one_user_pool(account):
    first = linking.set_up(account)
    second = linking.set_up(account)
    assert first == second
    pools = account.session.client("cognito-identity").list_identity_pools(MaxResults=60)["IdentityPools"]
    assert [p["IdentityPoolName"] for p in pools].count("CourseLinkingPool") == 1
    user_pools = account.session.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    assert [p["Name"] for p in user_pools].count("CourseLinkingUsers") == 1


def test_set_up_forgets_this_pools_identities_and_their_data_and_nothing_else(account):
    lab = linking.set_up(account)
    identities = [an_identity_with_data(account, lab, name) for name in ("ana", "omar")]
    s3, dynamodb = account.session.client("s3"), account.session.client("dynamodb")
    # Someone else's data in the same bucket and table: the blog's comments and another pool's profile.
    others_id = f"{account.region}:00000000-0000-0000-0000-000000000001"
    dynamodb.put_item(TableName=lab.profiles_table, Item={"identityId": {"S": others_id}})
    s3.put_object(Bucket=lab.bucket, Key=f"comments/{others_id}/hello.txt", Body=b"not notebook 07's")

    again = linking.set_up(account)

    assert again.identity_pool_id == lab.identity_pool_id
    assert linking.pool_identities(account, lab.identity_pool_id) == []
    for identity_id in identities:
        assert "Item" not in dynamodb.get_item(
            TableName=lab.profiles_table, Key={"identityId": {"S": identity_id}}
        )
    assert s3.list_objects_v2(Bucket=lab.bucket, Prefix=linking.PREFIX).get("KeyCount") == 0
    assert "Item" in dynamodb.get_item(TableName=lab.profiles_table, Key={"identityId": {"S": others_id}})
    assert s3.get_object(Bucket=lab.bucket, Key=f"comments/{others_id}/hello.txt")["Body"].read()
    # The same login gets a new identity: the earlier one is gone, not merely hidden.
    cognito_identity = account.session.client("cognito-identity")
    new_id = cognito_identity.get_id(
        IdentityPoolId=lab.identity_pool_id, Logins=sign_in(account, lab, "ana")
    )["IdentityId"]
    assert new_id != identities[0]


def test_forget_identities_deletes_more_than_one_batch(account):
    lab = linking.set_up(account)
    backend = account.session.client("cognito-identity")
    made = [
        backend.get_open_id_token_for_developer_identity(
            IdentityPoolId=lab.identity_pool_id, Logins={lab.developer_provider_name: f"user-{n}"}
        )["IdentityId"]
        for n in range(61)
    ]
    assert len(linking.pool_identities(account, lab.identity_pool_id)) == 61  # two pages of ListIdentities
    assert linking.forget_identities(account, lab) == 61
    assert linking.pool_identities(account, lab.identity_pool_id) == []
    assert len(set(made)) == 61


@pytest.mark.parametrize("kind", ["role", "bucket", "table"])
def test_set_up_refuses_a_name_the_course_did_not_create_and_creates_nothing(account, kind):
    iam, s3, dynamodb = (account.session.client(name) for name in ("iam", "s3", "dynamodb"))
    bucket = course.blog_bucket(account)
    if kind == "role":
        iam.create_role(
            RoleName=linking.AUTHENTICATED_ROLE,
            AssumeRolePolicyDocument=json.dumps(course.trust_policy("us-east-1:0000", "authenticated")),
        )
    elif kind == "bucket":
        s3.create_bucket(Bucket=bucket)
    else:
        dynamodb.create_table(
            TableName=course.PROFILES_TABLE,
            KeySchema=[{"AttributeName": "identityId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "identityId", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    try:
        with pytest.raises(course.NotCreatedByTheCourse):
            linking.set_up(account)
        cognito_identity = account.session.client("cognito-identity")
        assert course.find_identity_pool(cognito_identity, "CourseLinkingPool") is None
        user_pools = account.session.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
        assert "CourseLinkingUsers" not in [p["Name"] for p in user_pools]
    finally:
        if kind == "role":
            iam.delete_role(RoleName=linking.AUTHENTICATED_ROLE)
        elif kind == "bucket":
            s3.delete_bucket(Bucket=bucket)
        else:
            dynamodb.delete_table(TableName=course.PROFILES_TABLE)


def allowed(permissions: dict[str, Any], action: str, resource: str, sub: str, **context: Any) -> bool:
    request = Request(action, resource, context={"cognito-identity.amazonaws.com:sub": sub, **context})
    return evaluate(request, permissions).allowed


def test_the_role_reaches_only_the_callers_own_prefix_and_profile():
    table_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/BlogProfiles"
    permissions = linking.authenticated_permissions("blog", table_arn)
    me = "us-east-1:11111111-1111-1111-1111-111111111111"
    other = f"{me}2"  # starts with my identity ID
    assert allowed(permissions, "s3:PutObject", f"arn:aws:s3:::blog/linking/{me}/notes.txt", me)
    assert allowed(permissions, "s3:GetObject", f"arn:aws:s3:::blog/linking/{me}/notes.txt", me)
    # Another identity's prefix, even one that starts with mine (the trailing slash), is denied.
    assert not allowed(permissions, "s3:GetObject", f"arn:aws:s3:::blog/linking/{other}/notes.txt", me)
    assert not allowed(permissions, "s3:GetObject", "arn:aws:s3:::blog/comments/welcome.txt", me)
    assert allowed(permissions, "dynamodb:PutItem", table_arn, me, **{"dynamodb:LeadingKeys": [me]})
    assert not allowed(permissions, "dynamodb:PutItem", table_arn, me, **{"dynamodb:LeadingKeys": [other]})
    assert not allowed(permissions, "dynamodb:Scan", table_arn, me)


def test_an_identity_session_signs_as_the_identity_and_hides_its_keys(account):
    lab = linking.set_up(account)
    cognito_identity = account.session.client("cognito-identity")
    logins = sign_in(account, lab, "ana")
    identity_id = cognito_identity.get_id(IdentityPoolId=lab.identity_pool_id, Logins=logins)["IdentityId"]
    credentials = cognito_identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    session = linking.IdentitySession(account, credentials["Credentials"])

    caller = session.client("sts").get_caller_identity()["Arn"]
    assert caller.endswith(f"assumed-role/{linking.AUTHENTICATED_ROLE}/CognitoIdentityCredentials")
    assert session.client("sts") is session.client("sts")  # one client per service
    assert credentials["Credentials"]["SecretKey"] not in repr(session)
    assert credentials["Credentials"]["AccessKeyId"] not in repr(session)

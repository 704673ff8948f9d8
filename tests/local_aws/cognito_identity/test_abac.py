"""Attributes for access control: principal tags from a user pool claim and from a developer token reach
``aws:PrincipalTag`` in both flows and decide S3 and DynamoDB requests; ``sts:TagSession`` is required.

Amazon Cognito Developer Guide, "Using attributes for access control with Amazon Cognito identity pools"
(https://docs.aws.amazon.com/cognito/latest/developerguide/using-afac-with-cognito-identity-pools.html).
"""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from tests.support.local_aws_fixtures import REGION, UserPool, error_of
from tests.support.pools import PoolSetup, identity_pool

BUCKET = "abac-teams"
TABLE = "AbacTeams"
DEVELOPER = "login.abac.example"
DEVELOPER_TOKEN_KEY = "cognito-identity.amazonaws.com"
TAG = "${aws:PrincipalTag/team}"
PASSWORD = "Passw0rd!-long"
TAGS_CLAIM = "https://aws.amazon.com/tags"


TEAM_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/teams/{TAG}/*"},
        {
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": f"arn:aws:dynamodb:{REGION}:123456789012:table/{TABLE}",
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [TAG]}},
        },
    ],
}


def team_pool(endpoint: Any, name: str, users: dict[str, Any], *, tag_session: bool) -> PoolSetup:
    """A pool for signed-in users only, its role the team policy, the ``team`` tag from ``custom:team``;
    ``tag_session``: the role's trust policy allows sts:TagSession, so that Cognito may tag the session."""
    user_pool = UserPool(users["pool_id"], users["client_id"], users["provider"])
    pool = identity_pool(
        endpoint,
        name,
        classic=True,
        guests=False,
        user_pool=user_pool,
        developer=DEVELOPER,
        permissions={"authenticated": TEAM_POLICY},
        tag_session=tag_session,
    )
    pool.ci.set_principal_tag_attribute_map(
        IdentityPoolId=pool.pool_id,
        IdentityProviderName=users["provider"],
        PrincipalTags={"team": "custom:team"},
    )
    return pool


@pytest.fixture(scope="module")
def abac(endpoint) -> dict[str, Any]:
    s3 = endpoint.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    for team in ("blue", "red"):
        s3.put_object(Bucket=BUCKET, Key=f"teams/{team}/plan.txt", Body=team.encode())
    dynamodb = endpoint.client("dynamodb")
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "team", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "team", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for team in ("blue", "red"):
        dynamodb.put_item(TableName=TABLE, Item={"team": {"S": team}})
    idp = endpoint.client("cognito-idp")
    user_pool_id = idp.create_user_pool(
        PoolName="abac-users",
        # Not mutable by the user: never map principal tags from claims the user can edit.
        Schema=[{"Name": "team", "AttributeDataType": "String", "Mutable": False}],
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=user_pool_id,
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        # The ID token carries custom:team only for a client that may read it.
        ReadAttributes=["custom:team"],
    )["UserPoolClient"]["ClientId"]
    users = {
        "idp": idp,
        "pool_id": user_pool_id,
        "client_id": client_id,
        "provider": f"cognito-idp.{REGION}.amazonaws.com/{user_pool_id}",
    }
    for name, team in (("ada", "blue"), ("bo", "red")):
        idp.admin_create_user(
            UserPoolId=user_pool_id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "custom:team", "Value": team}],
        )
        idp.admin_set_user_password(UserPoolId=user_pool_id, Username=name, Password=PASSWORD, Permanent=True)
    return {
        "users": users,
        "tagging": team_pool(endpoint, "abac-tagging", users, tag_session=True),
        "untagging": team_pool(endpoint, "abac-no-tag-session", users, tag_session=False),
    }


def id_token(users: dict[str, Any], name: str) -> str:
    return users["idp"].admin_initiate_auth(
        UserPoolId=users["pool_id"],
        ClientId=users["client_id"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["IdToken"]


def user_pool_logins(abac: dict[str, Any], name: str) -> dict[str, str]:
    return {abac["users"]["provider"]: id_token(abac["users"], name)}


def developer_token(endpoint: Any, pool_id: str, user: str, **options: Any) -> dict[str, Any]:
    """The app's back end signs its user in and asks Cognito for a token carrying the user's tags."""
    return endpoint.client("cognito-identity").get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: user}, **options
    )


def enhanced(endpoint: Any, pool_id: str, logins: dict[str, str], identity_id: str | None = None) -> dict:
    public = endpoint.unsigned()
    identity_id = identity_id or public.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    return public.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]


def basic(endpoint: Any, role: str, token: str) -> dict:
    answer = endpoint.unsigned("sts").assume_role_with_web_identity(
        RoleArn=role, RoleSessionName="abac", WebIdentityToken=token
    )
    credentials = answer["Credentials"]
    return {**credentials, "SecretKey": credentials["SecretAccessKey"]}


def team_access(endpoint: Any, credentials: dict) -> dict[str, tuple[bool, bool]]:
    """For each team: may these credentials read its S3 object, and its DynamoDB item?"""
    s3 = endpoint.with_credentials("s3", credentials)
    dynamodb = endpoint.with_credentials("dynamodb", credentials)
    access = {}
    for team in ("blue", "red"):
        try:
            s3.get_object(Bucket=BUCKET, Key=f"teams/{team}/plan.txt")
            read = True
        except s3.exceptions.ClientError as error:
            assert error.response["Error"]["Code"] == "AccessDenied"
            read = False
        try:
            dynamodb.get_item(TableName=TABLE, Key={"team": {"S": team}})
            item = True
        except dynamodb.exceptions.ClientError as error:
            assert error.response["Error"]["Code"] == "AccessDeniedException"
            item = False
        access[team] = (read, item)
    return access


BLUE_ONLY = {"blue": (True, True), "red": (False, False)}
RED_ONLY = {"blue": (False, False), "red": (True, True)}


# -- the map --------------------------------------------------------------------------------------------


def test_set_and_get_the_principal_tag_attribute_map(abac, endpoint):
    ci = endpoint.client("cognito-identity")
    pool_id, provider = abac["tagging"].pool_id, abac["users"]["provider"]
    answer = ci.get_principal_tag_attribute_map(IdentityPoolId=pool_id, IdentityProviderName=provider)
    assert {k: v for k, v in answer.items() if k != "ResponseMetadata"} == {
        "IdentityPoolId": pool_id,
        "IdentityProviderName": provider,
        "UseDefaults": False,
        "PrincipalTags": {"team": "custom:team"},
    }
    code, _ = error_of(
        ci.set_principal_tag_attribute_map,
        IdentityPoolId=pool_id,
        IdentityProviderName="graph.facebook.com",
        UseDefaults=True,
    )
    assert code == "InvalidParameterException"  # not a provider of this pool (wording UNCONFIRMED)
    code, _ = error_of(
        ci.get_principal_tag_attribute_map,
        IdentityPoolId="us-east-1:00000000-0000-0000-0000-000000000000",
        IdentityProviderName=provider,
    )
    assert code == "ResourceNotFoundException"


def test_default_mapping_tags_the_user_pool_client_and_user(abac, endpoint):
    """UseDefaults: the user pool's ``aud`` and ``sub`` ("username and clientID"; key names UNCONFIRMED)."""
    user_pool = UserPool(abac["users"]["pool_id"], abac["users"]["client_id"], abac["users"]["provider"])
    pool = identity_pool(
        endpoint, "abac-defaults", classic=True, guests=False, user_pool=user_pool, tag_session=True
    )
    ci, pool_id = pool.ci, pool.pool_id
    assert (
        ci.set_principal_tag_attribute_map(
            IdentityPoolId=pool_id, IdentityProviderName=abac["users"]["provider"], UseDefaults=True
        )["UseDefaults"]
        is True
    )
    logins = user_pool_logins(abac, "ada")
    claims = jwt.decode(logins[abac["users"]["provider"]], options={"verify_signature": False})
    public = endpoint.unsigned()
    identity_id = public.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    token = public.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    assert jwt.decode(token, options={"verify_signature": False})[TAGS_CLAIM] == {
        "principal_tags": {"client": [abac["users"]["client_id"]], "username": [claims["sub"]]}
    }


# -- enhanced flow ----------------------------------------------------------------------------------------


def test_enhanced_flow_a_user_pool_claim_decides_s3_and_dynamodb(abac, endpoint):
    pool_id = abac["tagging"].pool_id
    assert team_access(endpoint, enhanced(endpoint, pool_id, user_pool_logins(abac, "ada"))) == BLUE_ONLY
    assert team_access(endpoint, enhanced(endpoint, pool_id, user_pool_logins(abac, "bo"))) == RED_ONLY


def test_enhanced_flow_a_developer_tokens_principal_tags_decide(abac, endpoint):
    pool_id = abac["tagging"].pool_id
    answer = developer_token(endpoint, pool_id, "dev-carol", PrincipalTags={"team": "red"})
    credentials = enhanced(endpoint, pool_id, {DEVELOPER_TOKEN_KEY: answer["Token"]}, answer["IdentityId"])
    assert team_access(endpoint, credentials) == RED_ONLY


# -- basic flow -----------------------------------------------------------------------------------------


def test_basic_flow_the_open_id_token_carries_the_tags_to_sts(abac, endpoint):
    pool_id, role = abac["tagging"].pool_id, abac["tagging"].member
    logins = user_pool_logins(abac, "ada")
    public = endpoint.unsigned()
    identity_id = public.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    token = public.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    assert jwt.decode(token, options={"verify_signature": False})[TAGS_CLAIM] == {
        "principal_tags": {"team": ["blue"]}
    }
    assert team_access(endpoint, basic(endpoint, role, token)) == BLUE_ONLY


def test_basic_flow_a_developer_tokens_principal_tags_decide(abac, endpoint):
    pool_id, role = abac["tagging"].pool_id, abac["tagging"].member
    answer = developer_token(endpoint, pool_id, "dev-dan", PrincipalTags={"team": "blue"})
    assert team_access(endpoint, basic(endpoint, role, answer["Token"])) == BLUE_ONLY


# -- sts:TagSession ---------------------------------------------------------------------------------------


def test_a_trust_policy_without_tag_session_refuses_the_tags(abac, endpoint):
    pool_id, role = abac["untagging"].pool_id, abac["untagging"].member
    public = endpoint.unsigned()
    logins = user_pool_logins(abac, "ada")
    identity_id = public.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    assert error_of(public.get_credentials_for_identity, IdentityId=identity_id, Logins=logins) == (
        "InvalidIdentityPoolConfigurationException",
        "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
    )
    token = public.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    sts = endpoint.unsigned("sts")
    assert error_of(
        sts.assume_role_with_web_identity, RoleArn=role, RoleSessionName="abac", WebIdentityToken=token
    ) == ("AccessDenied", "Not authorized to perform sts:TagSession")
    developer = developer_token(endpoint, pool_id, "dev-erin", PrincipalTags={"team": "blue"})
    assert (
        error_of(
            public.get_credentials_for_identity,
            IdentityId=developer["IdentityId"],
            Logins={DEVELOPER_TOKEN_KEY: developer["Token"]},
        )[0]
        == "InvalidIdentityPoolConfigurationException"
    )
    # Without tags the same role is assumed: sts:TagSession is needed only when tags are passed.
    untagged = developer_token(endpoint, pool_id, "dev-fay")
    credentials = enhanced(
        endpoint, pool_id, {DEVELOPER_TOKEN_KEY: untagged["Token"]}, untagged["IdentityId"]
    )
    assert team_access(endpoint, credentials) == {"blue": (False, False), "red": (False, False)}
    assert basic(endpoint, role, untagged["Token"])["AccessKeyId"].startswith("ASIA")

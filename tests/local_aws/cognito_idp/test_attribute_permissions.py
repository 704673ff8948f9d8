"""A user may write only the attributes their app client may write (``WriteAttributes``).

Amazon Cognito user pools API Reference, ``UserPoolClientType``: the access token authorizes users "to
set or modify their own attribute value for any attribute in this list"; without the list, "the Standard
attributes". Anything else: ``NotAuthorizedException`` "A client attempted to write unauthorized
attribute", and nothing changes. moto alone lets a user write any attribute, including a ``custom:``
one an identity pool maps roles from.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from helpers.local_aws.cognito_idp.attribute_permissions import UNAUTHORIZED_ATTRIBUTE, may_write
from tests.support.local_aws_fixtures import error_of

REFUSED = ("NotAuthorizedException", UNAUTHORIZED_ATTRIBUTE)
PASSWORD = "Passw0rd!-long"


@pytest.fixture(scope="module")
def pool(endpoint) -> dict[str, Any]:
    """A user pool with ``custom:team`` and three app clients: one that may write ``name`` only, one
    without ``WriteAttributes`` (standard attributes), one that may also write ``custom:team``."""
    idp = endpoint.client("cognito-idp")
    pool_id = idp.create_user_pool(
        PoolName=f"attributes-{uuid.uuid4().hex[:8]}",
        Schema=[{"Name": "team", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]

    def client(name: str, **write: Any) -> str:
        return idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName=name, ExplicitAuthFlows=["ADMIN_USER_PASSWORD_AUTH"], **write
        )["UserPoolClient"]["ClientId"]

    return {
        "idp": idp,
        "pool_id": pool_id,
        "name only": client("name-only", WriteAttributes=["name"]),
        "standard": client("standard"),
        "with team": client("with-team", WriteAttributes=["name", "custom:team"]),
    }


def access_token(pool: dict[str, Any], client: str, user: str) -> str:
    idp = pool["idp"]
    try:
        idp.admin_create_user(UserPoolId=pool["pool_id"], Username=user, MessageAction="SUPPRESS")
        idp.admin_set_user_password(
            UserPoolId=pool["pool_id"], Username=user, Password=PASSWORD, Permanent=True
        )
        idp.admin_update_user_attributes(
            UserPoolId=pool["pool_id"],
            Username=user,
            UserAttributes=[{"Name": "custom:team", "Value": "support"}, {"Name": "name", "Value": user}],
        )
    except idp.exceptions.UsernameExistsException:
        pass
    return idp.admin_initiate_auth(
        UserPoolId=pool["pool_id"],
        ClientId=pool[client],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]


def attributes_of(pool: dict[str, Any], user: str) -> dict[str, str]:
    found = pool["idp"].admin_get_user(UserPoolId=pool["pool_id"], Username=user)["UserAttributes"]
    return {item["Name"]: item["Value"] for item in found if item["Name"] in ("name", "custom:team")}


@pytest.mark.parametrize("client", ["name only", "standard"])
def test_a_user_cannot_write_a_custom_attribute_their_app_client_may_not_write(pool, client):
    user = f"user-{client.replace(' ', '-')}"
    token = access_token(pool, client, user)
    before = attributes_of(pool, user)
    for attributes in (
        [{"Name": "custom:team", "Value": "editors"}],
        [{"Name": "name", "Value": "Someone"}, {"Name": "custom:team", "Value": "editors"}],
    ):
        refused = error_of(pool["idp"].update_user_attributes, AccessToken=token, UserAttributes=attributes)
        assert refused == REFUSED
        assert attributes_of(pool, user) == before  # not even the allowed one changed

    pool["idp"].update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "name", "Value": "New"}])
    assert attributes_of(pool, user) == {**before, "name": "New"}


def test_a_user_may_write_what_their_app_client_may_write(pool):
    token = access_token(pool, "with team", "writer")
    pool["idp"].update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "custom:team", "Value": "editors"}]
    )
    assert attributes_of(pool, "writer")["custom:team"] == "editors"


def test_the_administrator_is_not_limited_by_app_clients(pool):
    access_token(pool, "name only", "managed")
    pool["idp"].admin_update_user_attributes(
        UserPoolId=pool["pool_id"], Username="managed", UserAttributes=[{"Name": "custom:team", "Value": "x"}]
    )
    assert attributes_of(pool, "managed")["custom:team"] == "x"


def test_a_token_the_local_aws_did_not_issue_is_refused_as_before(pool):
    code, _ = error_of(
        pool["idp"].update_user_attributes,
        AccessToken="not-a-token",
        UserAttributes=[{"Name": "custom:team", "Value": "editors"}],
    )
    assert code == "NotAuthorizedException"


def test_may_write():
    assert may_write(["name"], "name") and not may_write(["name"], "custom:team")
    assert may_write(None, "name") and may_write([], "email")
    assert not may_write(None, "custom:team") and not may_write(None, "dev:secret")
    assert may_write(["custom:team"], "custom:team")

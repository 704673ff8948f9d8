"""An app client signs users in only with the flows its ``ExplicitAuthFlows`` allow (moto allows any).

"If you don't specify a value for ExplicitAuthFlows, your app client supports ALLOW_REFRESH_TOKEN_AUTH,
ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH" (Amazon Cognito API Reference, ``CreateUserPoolClient``).
"""

from __future__ import annotations

from typing import Any

import pytest

from helpers.local_aws.cognito_idp.auth_flows import allows
from tests.support.local_aws_fixtures import error_of

PASSWORD = "Flows-passw0rd!"


@pytest.fixture(scope="module")
def pool(endpoint) -> dict[str, Any]:
    idp = endpoint.client("cognito-idp")
    pool_id = idp.create_user_pool(PoolName="auth-flows")["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=pool_id, Username="kai", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="kai", Password=PASSWORD, Permanent=True)

    def client(name: str, **settings: Any) -> str:
        return idp.create_user_pool_client(UserPoolId=pool_id, ClientName=name, **settings)["UserPoolClient"][
            "ClientId"
        ]

    return {
        "idp": idp,
        "pool_id": pool_id,
        "admin-only": client("admin-only", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]),
        "password": client("password", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]),
        "unset": client("unset"),
        "legacy": client("legacy", ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"]),
    }


def user_password_auth(endpoint, client_id: str) -> dict[str, Any]:
    """InitiateAuth with a password, unsigned, as an app does it."""
    return endpoint.unsigned("cognito-idp").initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "kai", "PASSWORD": PASSWORD},
    )


def admin_auth(pool: dict[str, Any], client: str) -> dict[str, Any]:
    return pool["idp"].admin_initiate_auth(
        UserPoolId=pool["pool_id"],
        ClientId=pool[client],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "kai", "PASSWORD": PASSWORD},
    )


def test_a_password_sign_in_needs_the_flow_on_the_app_client(endpoint, pool):
    refused = error_of(user_password_auth, endpoint, pool["admin-only"])
    assert refused == ("InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
    assert error_of(user_password_auth, endpoint, pool["unset"])[0] == "InvalidParameterException"
    assert "IdToken" in user_password_auth(endpoint, pool["password"])["AuthenticationResult"]


def test_the_administrators_sign_in_needs_its_flow_too(pool):
    assert "IdToken" in admin_auth(pool, "admin-only")["AuthenticationResult"]
    assert "IdToken" in admin_auth(pool, "legacy")["AuthenticationResult"]  # its deprecated name
    refused = error_of(admin_auth, pool, "unset")
    assert refused == ("InvalidParameterException", "Auth flow not enabled for this client")
    assert error_of(admin_auth, pool, "password")[0] == "InvalidParameterException"


def test_an_unknown_app_client_is_answered_as_before(endpoint, pool):
    code, _ = error_of(user_password_auth, endpoint, "nosuchclient0000000000000")
    assert code == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("flow", "explicit", "allowed"),
    [
        ("REFRESH_TOKEN_AUTH", None, True),  # the defaults: refresh, SRP, custom
        ("USER_SRP_AUTH", [], True),
        ("CUSTOM_AUTH", None, True),
        ("USER_PASSWORD_AUTH", None, False),
        ("ADMIN_USER_PASSWORD_AUTH", None, False),
        ("REFRESH_TOKEN_AUTH", ["ALLOW_ADMIN_USER_PASSWORD_AUTH"], False),
        ("REFRESH_TOKEN", ["ALLOW_REFRESH_TOKEN_AUTH"], True),
        ("USER_PASSWORD_AUTH", ["USER_PASSWORD_AUTH"], True),  # deprecated names
        ("USER_SRP_AUTH", ["ADMIN_NO_SRP_AUTH"], True),
        ("USER_AUTH", ["ALLOW_USER_SRP_AUTH"], False),
        ("NOT_A_FLOW", ["ALLOW_USER_SRP_AUTH"], True),  # left to moto, which refuses it
    ],
)
def test_which_settings_allow_which_flow(flow, explicit, allowed):
    assert allows(flow, explicit) is allowed


def test_a_deleted_app_client_is_not_remembered(endpoint, pool):
    """The local AWS remembers which user pool a client id belongs to, and checks it is still there."""
    idp = pool["idp"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool["pool_id"],
        ClientName="short-lived",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    assert error_of(user_password_auth, endpoint, client_id)[0] == "InvalidParameterException"
    idp.delete_user_pool_client(UserPoolId=pool["pool_id"], ClientId=client_id)
    assert error_of(user_password_auth, endpoint, client_id)[0] == "ResourceNotFoundException"

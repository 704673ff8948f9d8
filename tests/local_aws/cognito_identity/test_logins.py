"""Cognito user pool tokens in Logins: every way a token can be wrong gets AWS's code and message ("Identity
pools authentication flow", Cognito Developer Guide)."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from helpers.local_aws import clock
from tests.support.local_aws_fixtures import create_user_pool, error_of


@pytest.fixture(scope="module")
def setup(endpoint):
    idp = endpoint.client("cognito-idp")
    users = create_user_pool(idp, "logins")
    other_users = create_user_pool(idp, "elsewhere")
    ci = endpoint.client("cognito-identity")
    pool_id = ci.create_identity_pool(
        IdentityPoolName="logins",
        AllowUnauthenticatedIdentities=True,
        AllowClassicFlow=False,
        CognitoIdentityProviders=[{"ProviderName": users.provider_name, "ClientId": users.client_id}],
    )["IdentityPoolId"]
    bare_pool = ci.create_identity_pool(IdentityPoolName="no-providers", AllowUnauthenticatedIdentities=True)[
        "IdentityPoolId"
    ]
    return {"idp": idp, "users": users, "other": other_users, "pool_id": pool_id, "bare_pool": bare_pool}


def get_id(endpoint, pool_id: str, logins: dict[str, str]) -> tuple[str, str]:
    return error_of(endpoint.unsigned().get_id, IdentityPoolId=pool_id, Logins=logins)


def reencode(token: str, change) -> str:
    """The token with its payload changed and its signature kept (so the signature no longer matches)."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(claims)
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return ".".join([header, encoded, signature])


def test_a_valid_id_token_signs_in(setup, endpoint):
    token = setup["users"].sign_in(setup["idp"], "valid")["id"]
    assert endpoint.unsigned().get_id(
        IdentityPoolId=setup["pool_id"], Logins={setup["users"].provider_name: token}
    )


def test_tampered_token(setup, endpoint):
    token = setup["users"].sign_in(setup["idp"], "tamper")["id"]
    forged = reencode(token, lambda claims: claims.update(sub="someone-else"))
    assert get_id(endpoint, setup["pool_id"], {setup["users"].provider_name: forged}) == (
        "NotAuthorizedException",
        "Invalid login token. Couldn't verify signed token.",
    )


def test_alg_none_and_unknown_key(setup, endpoint):
    users = setup["users"]
    claims = jwt.decode(users.sign_in(setup["idp"], "none")["id"], options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert get_id(endpoint, setup["pool_id"], {users.provider_name: unsigned}) == (
        "NotAuthorizedException",
        "Invalid login token. Couldn't verify signed token.",
    )
    other_key = jwt.encode(
        claims, "a shared secret that is long enough for HS256", algorithm="HS256", headers={"kid": "dummy"}
    )
    assert get_id(endpoint, setup["pool_id"], {users.provider_name: other_key})[0] == "NotAuthorizedException"


def test_malformed_token(setup, endpoint):
    assert get_id(endpoint, setup["pool_id"], {setup["users"].provider_name: "not.a.jwt"}) == (
        "NotAuthorizedException",
        "Invalid login token. Not a valid OpenId Connect identity token.",
    )


def test_access_token_where_an_id_token_is_expected(setup, endpoint):
    token = setup["users"].sign_in(setup["idp"], "access")["access"]
    assert get_id(endpoint, setup["pool_id"], {setup["users"].provider_name: token}) == (
        "NotAuthorizedException",
        "Invalid login token. Not a valid OpenId Connect identity token.",
    )


def test_token_of_another_user_pool_under_this_pools_key(setup, endpoint):
    token = setup["other"].sign_in(setup["idp"], "stranger")["id"]
    assert get_id(endpoint, setup["pool_id"], {setup["users"].provider_name: token}) == (
        "NotAuthorizedException",
        "Invalid login token. Issuer doesn't match providerName",
    )


def test_provider_the_pool_does_not_trust(setup, endpoint):
    token = setup["other"].sign_in(setup["idp"], "stranger2")["id"]
    assert get_id(endpoint, setup["pool_id"], {setup["other"].provider_name: token}) == (
        "NotAuthorizedException",
        "Token is not from a supported provider of this identity pool.",
    )


def test_wrong_audience(setup, endpoint):
    idp, users = setup["idp"], setup["users"]
    other_client = idp.create_user_pool_client(
        UserPoolId=users.pool_id,
        ClientName="not-configured",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    users.sign_in(idp, "audience")
    token = idp.admin_initiate_auth(
        UserPoolId=users.pool_id,
        ClientId=other_client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "audience", "PASSWORD": "Passw0rd!-long"},
    )["AuthenticationResult"]["IdToken"]
    assert get_id(endpoint, setup["pool_id"], {users.provider_name: token}) == (
        "NotAuthorizedException",
        "Token is not from a supported provider of this identity pool.",
    )


def test_pool_without_any_provider(setup, endpoint):
    token = setup["users"].sign_in(setup["idp"], "bare")["id"]
    pool_id = setup["bare_pool"]
    assert get_id(endpoint, pool_id, {setup["users"].provider_name: token}) == (
        "NotAuthorizedException",
        f"Identity pool - {pool_id} does not have identity providers configured.",
    )


def test_one_bad_token_fails_the_whole_call(setup, endpoint):
    """In any call, if one token fails the whole call fails ("Identity pools authentication flow", Cognito
    Developer Guide); nothing is created."""
    ci = endpoint.client("cognito-identity")
    before = len(ci.list_identities(IdentityPoolId=setup["pool_id"], MaxResults=60)["Identities"])
    logins = {
        setup["users"].provider_name: setup["users"].sign_in(setup["idp"], "mixed")["id"],
        "graph.facebook.com": "whatever",
    }
    assert get_id(endpoint, setup["pool_id"], logins)[0] == "NotAuthorizedException"
    assert len(ci.list_identities(IdentityPoolId=setup["pool_id"], MaxResults=60)["Identities"]) == before


def test_expired_token_last(setup, endpoint):
    """Last in the module: moves this local AWS's clock past the ID token's hour."""
    token = setup["users"].sign_in(setup["idp"], "expired")["id"]
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    now = clock.advance(3601, endpoint.url)["now"]
    code, message = get_id(endpoint, setup["pool_id"], {setup["users"].provider_name: token})
    assert code == "NotAuthorizedException"
    assert message.startswith("Invalid login token. Token expired: ") and message.endswith(f" >= {exp}")
    assert abs(int(message.split(": ")[1].split(" ")[0]) - now) < 5


def test_sign_in_works_again_after_the_clock_moved(setup, endpoint):
    """The local AWS stamps user pool tokens by its own clock: one issued after the clock moved is fresh."""
    token = setup["users"].sign_in(setup["idp"], "after-the-move")["id"]
    assert endpoint.unsigned().get_id(
        IdentityPoolId=setup["pool_id"], Logins={setup["users"].provider_name: token}
    )


def test_local_time_of_real_stamps():
    from helpers.local_aws.clock import Clock

    clock = Clock()

    before = time.time()
    clock.advance(3600)
    assert clock.local_time_of(before - 1) == before - 1  # stamped a second before the move: not shifted
    stamped = time.time()
    assert clock.local_time_of(stamped) == stamped + 3600

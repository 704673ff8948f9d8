"""Public identity providers in Logins: the stand-ins' sign-in APIs and the pool's token checks ("Identity
pools authentication flow", Cognito Developer Guide).

Login with Amazon and Facebook send access tokens the pool checks by asking the provider; Google and
Sign in with Apple send RS256 ID tokens. Every sign-in goes through the stand-in's HTTP API.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import jwt
import pytest

from helpers import identity_providers as idp
from helpers.local_aws import clock
from helpers.local_aws.cognito_identity.exceptions import NotAuthorizedException
from helpers.local_aws.cognito_identity.models import IdentityPool
from helpers.local_aws.cognito_identity.provider_logins import ProviderLogins
from helpers.local_aws.identity_providers import StandInProviders
from tests.support.local_aws_fixtures import ACCOUNT_ID, error_of
from tests.support.pools import PoolSetup, identity_pool

#: Logins key -> the client id the app signs in with.
CLIENTS = {
    "www.amazon.com": "amzn1.application-oa2-client.idp",
    "graph.facebook.com": "1000000001",
    "accounts.google.com": "web-idp.apps.googleusercontent.com",
    "appleid.apple.com": "com.example.idp.web",
}
#: What the pool configures: Google lists an old client id first (";"-separated, any of them counts).
SUPPORTED = {
    **CLIENTS,
    "accounts.google.com": "old.apps.googleusercontent.com;" + CLIENTS["accounts.google.com"],
}
NOT_SUPPORTED = ("NotAuthorizedException", "Token is not from a supported provider of this identity pool.")
NOT_VERIFIED = ("NotAuthorizedException", "Invalid login token. Couldn't verify signed token.")
PROVIDERS = list(CLIENTS)
ID_TOKEN_PROVIDERS = ["accounts.google.com", "appleid.apple.com"]
ACCESS_TOKEN_PROVIDERS = ["www.amazon.com", "graph.facebook.com"]

_pools = iter(range(1000))


def new_pool(endpoint: Any, providers: dict[str, str], classic: bool = False) -> PoolSetup:
    """A pool trusting ``providers`` with an authenticated role (role names are process-wide in moto)."""
    number = next(_pools)
    return identity_pool(
        endpoint,
        f"idp-{number}",
        classic=classic,
        guests=False,
        user_pool=False,
        providers=providers,
        role_names={"authenticated": f"idp-member-{number}"},
    )


@pytest.fixture(scope="module")
def pool(endpoint) -> PoolSetup:
    # The basic flow is on only so that GetOpenIdToken shows the amr a sign-in produces.
    return new_pool(endpoint, SUPPORTED, classic=True)


def token(endpoint, provider: str, user: str = "ana", client_id: str | None = None, **options: Any) -> str:
    return idp.login_token(
        provider, user, client_id or CLIENTS[provider], endpoint_url=endpoint.url, **options
    )


def get_id(endpoint, pool_id: str, logins: dict[str, str]) -> tuple[str, str]:
    return error_of(endpoint.unsigned().get_id, IdentityPoolId=pool_id, Logins=logins)


def reencode(token_: str, change) -> str:
    """The JWT with its payload changed and its signature kept."""
    header, payload, signature = token_.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(claims)
    return ".".join(
        [header, base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("="), signature]
    )


def http(url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def cognito(url: str, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """An unsigned cognito-identity call as a browser makes it: JSON 1.1 over HTTP (the Cognito Identity API
    Reference)."""
    return http(
        url + "/",
        body,
        {
            "X-Amz-Target": f"AWSCognitoIdentityService.{operation}",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )


# -- signing in end to end --------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_sign_in_get_id_and_credentials(provider, pool, endpoint):
    public = endpoint.unsigned()
    logins = {provider: token(endpoint, provider)}
    identity_id = public.get_id(IdentityPoolId=pool.pool_id, Logins=logins)["IdentityId"]
    answer = public.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    assert answer["IdentityId"] == identity_id
    caller = endpoint.with_credentials("sts", answer["Credentials"]).get_caller_identity()
    assert (
        caller["Arn"].endswith("/CognitoIdentityCredentials") and ":assumed-role/idp-member-" in caller["Arn"]
    )

    # The next sign-in finds the same identity (GetId, Cognito Identity API Reference).
    again = {provider: token(endpoint, provider)}
    assert public.get_id(IdentityPoolId=pool.pool_id, Logins=again)["IdentityId"] == identity_id
    described = endpoint.client("cognito-identity").describe_identity(IdentityId=identity_id)
    assert described["Logins"] == [provider]

    # amr: "authenticated", the provider, "<provider>:<app id>:<user id>" (third form UNCONFIRMED)
    # (GetOpenIdToken, Cognito Identity API Reference).
    open_id_token = public.get_open_id_token(IdentityId=identity_id, Logins=again)["Token"]
    amr = jwt.decode(open_id_token, options={"verify_signature": False})["amr"]
    assert amr[:2] == ["authenticated", provider]
    assert amr[2].startswith(f"{provider}:{CLIENTS[provider]}:") and len(amr) == 3


def test_provider_user_ids_have_the_providers_shapes(pool, endpoint):
    amazon = idp.amazon_token_info(token(endpoint, "www.amazon.com"), endpoint.url)
    assert amazon["user_id"].startswith("amzn1.account.") and amazon["iss"] == "https://www.amazon.com"
    facebook = idp.facebook_debug_token(token(endpoint, "graph.facebook.com"), endpoint.url)
    assert facebook["user_id"].isdigit() and facebook["is_valid"] is True
    google = jwt.decode(token(endpoint, "accounts.google.com"), options={"verify_signature": False})
    assert google["sub"].isdigit() and len(google["sub"]) == 21 and google["email_verified"] is True
    assert google["iss"] == "https://accounts.google.com" and google["exp"] - google["iat"] == 3600
    apple = jwt.decode(token(endpoint, "appleid.apple.com"), options={"verify_signature": False})
    assert apple["iss"] == "https://appleid.apple.com" and apple["aud"] == CLIENTS["appleid.apple.com"]
    assert apple["sub"].startswith("000") and apple["sub"].count(".") == 2


def test_sign_in_api_and_unsigned_calls_over_plain_http(pool, endpoint):
    base = f"{endpoint.url}/_local_aws/providers"
    status, index = http(base)
    assert status == 200 and index["local_only"] is True and "ana" in index["test_users"]

    status, amazon = http(
        f"{base}/www.amazon.com/token", {"user": "ben", "client_id": CLIENTS["www.amazon.com"]}
    )
    assert status == 200 and amazon["token_type"] == "bearer" and amazon["expires_in"] == 3600
    quoted = urllib.parse.quote(amazon["access_token"])
    status, info = http(f"{base}/www.amazon.com/auth/o2/tokeninfo?access_token={quoted}")
    assert status == 200 and info["aud"] == CLIENTS["www.amazon.com"] and 3590 < info["exp"] <= 3600
    status, profile = http(
        f"{base}/www.amazon.com/user/profile", headers={"Authorization": f"bearer {amazon['access_token']}"}
    )
    assert status == 200 and profile["user_id"] == info["user_id"] and profile["email"] == "ben@example.com"

    status, facebook = http(f"{base}/graph.facebook.com/token", {"user": "ben", "client_id": "1000000001"})
    status, debug = http(f"{base}/graph.facebook.com/debug_token?input_token={facebook['access_token']}")
    assert status == 200 and debug["data"]["app_id"] == "1000000001" and debug["data"]["is_valid"] is True
    status, me = http(f"{base}/graph.facebook.com/me?access_token={facebook['access_token']}")
    assert status == 200 and me["id"] == debug["data"]["user_id"]

    # A relying party verifies Google's ID token with the published keys (PyJWT, no AWS involved).
    status, google = http(
        f"{base}/accounts.google.com/token", {"user": "ben", "client_id": CLIENTS["accounts.google.com"]}
    )
    status, discovery = http(f"{base}/accounts.google.com/.well-known/openid-configuration")
    assert discovery["issuer"] == "https://accounts.google.com"
    assert discovery["jwks_uri"] == f"{base}/accounts.google.com/oauth2/v3/certs"
    key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(google["id_token"])
    claims = jwt.decode(
        google["id_token"], key.key, algorithms=["RS256"], audience=CLIENTS["accounts.google.com"]
    )
    assert claims["email"] == "ben@example.com"
    status, apple_keys = http(f"{base}/appleid.apple.com/auth/keys")
    assert status == 200 and apple_keys["keys"][0]["alg"] == "RS256"

    logins = {"www.amazon.com": amazon["access_token"], "accounts.google.com": google["id_token"]}
    status, got = cognito(endpoint.url, "GetId", {"IdentityPoolId": pool.pool_id, "Logins": logins})
    assert status == 200
    status, answer = cognito(
        endpoint.url, "GetCredentialsForIdentity", {"IdentityId": got["IdentityId"], "Logins": logins}
    )
    assert status == 200 and answer["IdentityId"] == got["IdentityId"]
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")
    status, error = cognito(
        endpoint.url, "GetId", {"IdentityPoolId": pool.pool_id, "Logins": {"www.amazon.com": "Atza|forged"}}
    )
    assert status == 400 and error["__type"] == "NotAuthorizedException"


def test_sign_in_api_refusals(endpoint):
    with pytest.raises(idp.SignInError) as refused:
        idp.sign_in("accounts.google.com", "mallory", "web", endpoint_url=endpoint.url)
    assert refused.value.status == 400 and "unknown test user" in refused.value.payload["error_description"]
    with pytest.raises(idp.SignInError) as refused:
        idp.sign_in("appleid.apple.com", "ana", "com.example", audience="other", endpoint_url=endpoint.url)
    assert refused.value.status == 400
    base = f"{endpoint.url}/_local_aws/providers"
    assert http(f"{base}/www.amazon.com/token", {"user": "ana", "client_id": "x", "password": "?"})[0] == 400
    assert http(f"{base}/www.amazon.com/token", {"user": "ana", "client_id": "has space"})[0] == 400
    assert http(f"{base}/api.twitter.com/token", {"user": "ana", "client_id": "x"})[0] == 404
    assert http(f"{base}/www.amazon.com/token")[0] == 405  # GET
    status, info = http(f"{base}/www.amazon.com/auth/o2/tokeninfo?access_token=Atza%7Cforged")
    assert status == 400 and info["error"] == "invalid_token"
    status, debug = http(f"{base}/graph.facebook.com/debug_token?input_token=EAAGforged")
    assert status == 200 and debug["data"]["is_valid"] is False and debug["data"]["error"]["code"] == 190
    request = urllib.request.Request(f"{base}/www.amazon.com/token", b"not json", method="POST")
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    assert raised.value.code == 400


# -- what the pool accepts ----------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_token_for_another_app(provider, pool, endpoint):
    """The token must be for an app id the pool configures for that provider ("Identity pools authentication
    flow", Cognito Developer Guide)."""
    logins = {provider: token(endpoint, provider, client_id="someone-elses-app")}
    assert get_id(endpoint, pool.pool_id, logins) == NOT_SUPPORTED


def test_any_of_several_semicolon_separated_ids(pool, endpoint):
    old = token(endpoint, "accounts.google.com", client_id="old.apps.googleusercontent.com")
    new = token(endpoint, "accounts.google.com")
    public = endpoint.unsigned()
    first = public.get_id(IdentityPoolId=pool.pool_id, Logins={"accounts.google.com": old})["IdentityId"]
    again = public.get_id(IdentityPoolId=pool.pool_id, Logins={"accounts.google.com": new})["IdentityId"]
    assert again == first


def test_login_with_amazon_pool_may_name_the_app_id_or_the_client_id(endpoint):
    by_app = new_pool(endpoint, {"www.amazon.com": "amzn1.application.idp-app"})
    by_client = new_pool(endpoint, {"www.amazon.com": CLIENTS["www.amazon.com"]})
    access = token(endpoint, "www.amazon.com", app_id="amzn1.application.idp-app")
    public = endpoint.unsigned()
    assert public.get_id(IdentityPoolId=by_app.pool_id, Logins={"www.amazon.com": access})["IdentityId"]
    assert public.get_id(IdentityPoolId=by_client.pool_id, Logins={"www.amazon.com": access})["IdentityId"]


def test_google_token_issued_to_the_app_for_its_back_end(pool, endpoint):
    """aud = the back end's client, azp = the configured app: accepted (which AWS compares: UNCONFIRMED)."""
    cross = token(endpoint, "accounts.google.com", audience="backend.apps.googleusercontent.com")
    claims = jwt.decode(cross, options={"verify_signature": False})
    assert (
        claims["azp"] == CLIENTS["accounts.google.com"]
        and claims["aud"] == "backend.apps.googleusercontent.com"
    )
    assert endpoint.unsigned().get_id(IdentityPoolId=pool.pool_id, Logins={"accounts.google.com": cross})


def test_provider_the_pool_does_not_configure(endpoint):
    only_google = new_pool(endpoint, {"accounts.google.com": CLIENTS["accounts.google.com"]})
    for provider in ("www.amazon.com", "graph.facebook.com", "appleid.apple.com"):
        assert get_id(endpoint, only_google.pool_id, {provider: token(endpoint, provider)}) == NOT_SUPPORTED


@pytest.mark.parametrize("provider", ID_TOKEN_PROVIDERS)
def test_tampered_id_token(provider, pool, endpoint):
    forged = reencode(token(endpoint, provider), lambda claims: claims.update(sub="someone-else"))
    assert get_id(endpoint, pool.pool_id, {provider: forged}) == NOT_VERIFIED


@pytest.mark.parametrize("provider", ID_TOKEN_PROVIDERS)
def test_alg_none_and_hs256(provider, pool, endpoint):
    claims = jwt.decode(token(endpoint, provider), options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert get_id(endpoint, pool.pool_id, {provider: unsigned}) == NOT_VERIFIED
    symmetric = jwt.encode(claims, "a shared secret long enough for HS256!!", algorithm="HS256")
    assert get_id(endpoint, pool.pool_id, {provider: symmetric}) == NOT_VERIFIED


def test_id_token_under_another_providers_key(pool, endpoint):
    google = token(endpoint, "accounts.google.com")
    assert get_id(endpoint, pool.pool_id, {"appleid.apple.com": google}) == (
        "NotAuthorizedException",
        "Invalid login token. Issuer doesn't match providerName",
    )


@pytest.mark.parametrize("provider", ID_TOKEN_PROVIDERS)
def test_malformed_and_access_token_where_an_id_token_is_expected(provider, pool, endpoint):
    expected = ("NotAuthorizedException", "Invalid login token. Not a valid OpenId Connect identity token.")
    assert get_id(endpoint, pool.pool_id, {provider: "not.a.jwt"}) == expected
    assert get_id(endpoint, pool.pool_id, {provider: token(endpoint, "www.amazon.com")}) == expected


@pytest.mark.parametrize("provider", ACCESS_TOKEN_PROVIDERS)
def test_access_token_the_provider_never_issued(provider, pool, endpoint):
    # The wording is UNCONFIRMED (see provider_logins.invalid_access_token); the code is AWS's.
    code, message = get_id(endpoint, pool.pool_id, {provider: "EAAGor-Atza-forged"})
    assert code == "NotAuthorizedException" and message.startswith("Invalid login token.")
    # An ID token is no access token either.
    assert get_id(endpoint, pool.pool_id, {provider: token(endpoint, "accounts.google.com")})[0] == code


def test_token_issued_in_the_future_beyond_the_clock_skew():
    """iat more than five minutes ahead is refused; within five minutes it is accepted (GetOpenIdToken,
    Cognito Identity API Reference; "Identity pools authentication flow", Cognito Developer Guide)."""
    now = 1_800_000_000.0
    providers = StandInProviders(lambda: now)
    checks = ProviderLogins(providers, oidc=None)  # type: ignore[arg-type]  # OIDC not used here
    pool = IdentityPool(
        "us-east-1:00000000-0000-0000-0000-000000000000", "unit", False, ACCOUNT_ID, "us-east-1",
        supported_login_providers={"accounts.google.com": "web"},
    )  # fmt: skip
    soon = providers.google.sign_in("ana", "web", now + 299)["id_token"]
    assert checks.google(pool, "accounts.google.com", soon, now).subject
    later = providers.google.sign_in("ana", "web", now + 301)["id_token"]
    with pytest.raises(NotAuthorizedException) as refused:
        checks.google(pool, "accounts.google.com", later, now)
    assert refused.value.message == "Invalid login token. Couldn't verify signed token."


# -- linking and merging --------------------------------------------------------------------------------


def test_linking_a_second_provider_to_an_identity(endpoint):
    """Google first, then Google and Amazon together on the same identity: both logins are linked ("Switching
    unauthenticated users to authenticated users", Cognito Developer Guide)."""
    pool = new_pool(endpoint, SUPPORTED)
    public = endpoint.unsigned()
    google = {"accounts.google.com": token(endpoint, "accounts.google.com", "chen")}
    identity_id = public.get_id(IdentityPoolId=pool.pool_id, Logins=google)["IdentityId"]
    both = {**google, "www.amazon.com": token(endpoint, "www.amazon.com", "chen")}
    answer = public.get_credentials_for_identity(IdentityId=identity_id, Logins=both)
    assert answer["IdentityId"] == identity_id
    described = endpoint.client("cognito-identity").describe_identity(IdentityId=identity_id)
    assert described["Logins"] == ["accounts.google.com", "www.amazon.com"]
    # Amazon alone now finds the same identity.
    amazon = {"www.amazon.com": token(endpoint, "www.amazon.com", "chen")}
    assert public.get_id(IdentityPoolId=pool.pool_id, Logins=amazon)["IdentityId"] == identity_id


def test_a_second_login_of_the_same_provider_is_refused(endpoint):
    pool = new_pool(endpoint, SUPPORTED)
    public = endpoint.unsigned()
    chen = {"accounts.google.com": token(endpoint, "accounts.google.com", "chen")}
    identity_id = public.get_id(IdentityPoolId=pool.pool_id, Logins=chen)["IdentityId"]
    amazon = {"www.amazon.com": token(endpoint, "www.amazon.com", "chen")}
    public.get_credentials_for_identity(IdentityId=identity_id, Logins={**chen, **amazon})
    # Chen proves the identity with Amazon and brings a second Google user: refused.
    dara = {"accounts.google.com": token(endpoint, "accounts.google.com", "dara")}
    code, _ = error_of(public.get_credentials_for_identity, IdentityId=identity_id, Logins={**amazon, **dara})
    # one login per provider ("Switching unauthenticated users to authenticated users", Cognito Developer
    # Guide); message UNCONFIRMED
    assert code == "ResourceConflictException"
    described = endpoint.client("cognito-identity").describe_identity(IdentityId=identity_id)
    assert described["Logins"] == ["accounts.google.com", "www.amazon.com"]


def test_merging_two_identities_through_their_logins(endpoint):
    """One identity signed in with Google, another with Amazon; one call with both merges them ("Switching
    unauthenticated users to authenticated users", Cognito Developer Guide)."""
    pool = new_pool(endpoint, SUPPORTED)
    public = endpoint.unsigned()
    google = {"accounts.google.com": token(endpoint, "accounts.google.com", "dara")}
    amazon = {"www.amazon.com": token(endpoint, "www.amazon.com", "dara")}
    first = public.get_id(IdentityPoolId=pool.pool_id, Logins=google)["IdentityId"]
    second = public.get_id(IdentityPoolId=pool.pool_id, Logins=amazon)["IdentityId"]
    assert first != second

    merged = public.get_id(IdentityPoolId=pool.pool_id, Logins={**google, **amazon})["IdentityId"]
    assert merged in (first, second)
    other = second if merged == first else first
    ci = endpoint.client("cognito-identity")
    assert ci.describe_identity(IdentityId=merged)["Logins"] == ["accounts.google.com", "www.amazon.com"]
    forbidden = ("NotAuthorizedException", f"Access to Identity '{other}' is forbidden.")
    assert error_of(public.get_credentials_for_identity, IdentityId=other, Logins=amazon) == forbidden
    assert error_of(public.get_credentials_for_identity, IdentityId=other, Logins=google) == forbidden
    # Each login alone now finds the surviving identity.
    assert public.get_id(IdentityPoolId=pool.pool_id, Logins=amazon)["IdentityId"] == merged
    assert public.get_credentials_for_identity(IdentityId=merged, Logins=google)["IdentityId"] == merged
    listed = ci.list_identities(IdentityPoolId=pool.pool_id, MaxResults=60)["Identities"]
    assert {i["IdentityId"] for i in listed} == {first, second}  # disabled identities stay listed
    hidden = ci.list_identities(IdentityPoolId=pool.pool_id, MaxResults=60, HideDisabled=True)["Identities"]
    assert [i["IdentityId"] for i in hidden] == [merged]


# -- expiry (last: moves this module's local AWS clock) ------------------------------------------------


def test_expired_tokens_last(pool, endpoint):
    """Every token past its lifetime (Google, Amazon, Facebook 1 h; Apple 10 min) gets AWS's message."""
    tokens = {provider: token(endpoint, provider, "eve") for provider in PROVIDERS}
    exps = {
        provider: jwt.decode(tokens[provider], options={"verify_signature": False})["exp"]
        for provider in ID_TOKEN_PROVIDERS
    }
    quoted = urllib.parse.quote(tokens["www.amazon.com"])
    tokeninfo = f"{endpoint.url}/_local_aws/providers/www.amazon.com/auth/o2/tokeninfo?access_token={quoted}"
    assert http(tokeninfo)[0] == 200
    now = clock.advance(3601, endpoint.url)["now"]
    for provider in PROVIDERS:
        code, message = get_id(endpoint, pool.pool_id, {provider: tokens[provider]})
        assert code == "NotAuthorizedException"
        assert message.startswith("Invalid login token. Token expired: "), message
        seen_now, _, exp = message.rsplit(": ", 1)[1].partition(" >= ")
        assert abs(int(seen_now) - now) < 5
        if provider in exps:
            assert int(exp) == exps[provider]
    assert http(tokeninfo) == (
        400,
        {
            "error": "invalid_token",
            "error_description": "The request has an invalid parameter : access_token",
        },
    )
    debug = idp.facebook_debug_token(tokens["graph.facebook.com"], endpoint.url)
    assert debug["is_valid"] is False and debug["error"]["subcode"] == 463

"""OpenID Connect providers: a local issuer registered in IAM, trusted by a pool and by a role's trust policy.

Identity pools check an OIDC provider's ID token against the IAM provider (``iss``, thumbprint,
signature, ``azp``/``aud`` in ``ClientIDList``, expiry) ("Identity pools authentication flow", Cognito
Developer Guide); STS AssumeRoleWithWebIdentity takes the
same tokens directly, with ``<host/path>:aud``/``:sub`` condition keys (IAM User Guide).
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any

import jwt
import pytest

from helpers import identity_providers as idp
from helpers.local_aws import clock
from tests.local_aws.identity_providers.test_identity_providers import cognito, reencode
from tests.support.local_aws_fixtures import ACCOUNT_ID, create_role, error_of
from tests.support.pools import PoolSetup, identity_pool

# IAM OIDC providers live in moto's process-wide IAM: these issuer names are this module's own.
CORP = idp.oidc_issuer("corp-tests")
NO_THUMBPRINT = idp.oidc_issuer("corp-no-thumbprint")
ELSEWHERE = idp.oidc_issuer("corp-elsewhere")
CLIENTS = ["corp-web", "corp-mobile"]
NOT_SUPPORTED = ("NotAuthorizedException", "Token is not from a supported provider of this identity pool.")
NOT_VERIFIED = ("NotAuthorizedException", "Invalid login token. Couldn't verify signed token.")


def register(iam: Any, issuer: idp.LocalOidcIssuer, thumbprints: list[str]) -> str:
    return iam.create_open_id_connect_provider(
        Url=issuer.url, ClientIDList=CLIENTS, ThumbprintList=thumbprints
    )["OpenIDConnectProviderArn"]


def oidc_trust(issuer: idp.LocalOidcIssuer, **conditions: Any) -> dict[str, Any]:
    """A role trust policy for an IAM OIDC provider: principal = its ARN, keys prefixed by its name."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": issuer.provider_arn(ACCOUNT_ID)},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{issuer.logins_key}:{k}": v for k, v in conditions.items()}},
            }
        ],
    }


@pytest.fixture(scope="module")
def arns(endpoint) -> dict[str, str]:
    """The three issuers registered as IAM OIDC providers, by name."""
    iam = endpoint.client("iam")
    return {
        "corp": register(iam, CORP, [CORP.thumbprint]),
        "no_thumbprint": register(iam, NO_THUMBPRINT, ["0" * 40]),  # lacks the local issuer's thumbprint
        "elsewhere": register(iam, ELSEWHERE, [ELSEWHERE.thumbprint]),  # registered, not on the pool
    }


@pytest.fixture(scope="module")
def setup(endpoint, arns) -> PoolSetup:
    # The basic flow is on only to read the amr GetOpenIdToken's token carries.
    trusted = [arns["corp"], arns["no_thumbprint"]]
    return identity_pool(endpoint, "oidc", classic=True, guests=False, user_pool=False, oidc=trusted)


def token(
    endpoint, issuer: idp.LocalOidcIssuer, user: str = "ana", client_id: str = "corp-web", **options: Any
) -> str:
    return idp.login_token(issuer.logins_key, user, client_id, endpoint_url=endpoint.url, **options)


def get_id(endpoint, pool_id: str, logins: dict[str, str]) -> tuple[str, str]:
    return error_of(endpoint.unsigned().get_id, IdentityPoolId=pool_id, Logins=logins)


def assume(endpoint, role_arn: str, web_identity_token: str) -> dict[str, Any]:
    return endpoint.unsigned("sts").assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="oidc-session", WebIdentityToken=web_identity_token
    )


def fetch(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.load(answer)


# -- the issuer and its registration -------------------------------------------------------------------


def test_issuer_publishes_discovery_and_keys(endpoint):
    base = f"{endpoint.url}/_local_aws/oidc/{CORP.name}"
    discovery = fetch(f"{base}/.well-known/openid-configuration")
    assert discovery["issuer"] == CORP.url == "https://oidc.local-aws.test/corp-tests"
    assert discovery["jwks_uri"] == f"{base}/jwks"
    id_token = token(endpoint, CORP)
    key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(id_token)
    claims = jwt.decode(id_token, key.key, algorithms=["RS256"], audience="corp-web", issuer=CORP.url)
    assert claims["preferred_username"] == "ana" and "azp" not in claims
    assert claims["exp"] - claims["iat"] == 3600
    assert fetch(f"{endpoint.url}/_local_aws/providers")["oidc"]["thumbprint"] == CORP.thumbprint
    assert CORP.logins_key == "oidc.local-aws.test/corp-tests"


def test_iam_provider_round_trip(setup, arns):
    assert arns["corp"] == CORP.provider_arn(ACCOUNT_ID)
    described = setup.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arns["corp"])
    assert described["ClientIDList"] == CLIENTS and described["ThumbprintList"] == [CORP.thumbprint]


# -- identity pools --------------------------------------------------------------------------------------


def test_sign_in_get_id_and_credentials(setup, endpoint, arns):
    public = endpoint.unsigned()
    logins = {CORP.logins_key: token(endpoint, CORP)}
    identity_id = public.get_id(IdentityPoolId=setup.pool_id, Logins=logins)["IdentityId"]
    answer = public.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    caller = endpoint.with_credentials("sts", answer["Credentials"]).get_caller_identity()
    assert caller["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/oidc-member/CognitoIdentityCredentials"
    again = {CORP.logins_key: token(endpoint, CORP, client_id="corp-mobile")}
    assert public.get_id(IdentityPoolId=setup.pool_id, Logins=again)["IdentityId"] == identity_id
    sub = jwt.decode(logins[CORP.logins_key], options={"verify_signature": False})["sub"]
    open_id_token = public.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    assert jwt.decode(open_id_token, options={"verify_signature": False})["amr"] == [
        "authenticated",
        CORP.logins_key,
        f"{arns['corp']}:OIDC:{sub}",
    ]
    described = endpoint.client("cognito-identity").describe_identity(IdentityId=identity_id)
    assert described["Logins"] == [CORP.logins_key]


def test_unsigned_calls_over_plain_http(setup, endpoint):
    logins = {CORP.logins_key: token(endpoint, CORP, "ben")}
    status, got = cognito(endpoint.url, "GetId", {"IdentityPoolId": setup.pool_id, "Logins": logins})
    assert status == 200
    status, answer = cognito(
        endpoint.url, "GetCredentialsForIdentity", {"IdentityId": got["IdentityId"], "Logins": logins}
    )
    assert status == 200 and answer["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_azp_is_checked_when_present_otherwise_aud(setup, endpoint):
    """("Identity pools authentication flow", Cognito Developer Guide; "OIDC providers", Cognito Developer
    Guide): azp against ClientIDList if present, else aud."""
    for_api = token(endpoint, CORP, client_id="corp-mobile", audience="corp-api")  # azp listed, aud not
    assert endpoint.unsigned().get_id(IdentityPoolId=setup.pool_id, Logins={CORP.logins_key: for_api})
    stranger = token(endpoint, CORP, client_id="stranger", audience="corp-web")  # aud listed, azp not
    assert get_id(endpoint, setup.pool_id, {CORP.logins_key: stranger}) == NOT_SUPPORTED
    unknown = token(endpoint, CORP, client_id="unknown-client")
    assert get_id(endpoint, setup.pool_id, {CORP.logins_key: unknown}) == NOT_SUPPORTED


def test_provider_without_the_issuers_thumbprint_is_refused(setup, endpoint, arns):
    """Local-only stand-in for AWS's certificate check: ThumbprintList must hold the issuer's thumbprint."""
    logins = {NO_THUMBPRINT.logins_key: token(endpoint, NO_THUMBPRINT)}
    assert get_id(endpoint, setup.pool_id, logins) == (
        "NotAuthorizedException",
        "Invalid login token. OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint",
    )
    role = create_role(setup.iam, "oidc-no-thumbprint", oidc_trust(NO_THUMBPRINT, aud="corp-web"))
    assert error_of(assume, endpoint, role, logins[NO_THUMBPRINT.logins_key]) == (
        "InvalidIdentityToken",
        "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint",
    )
    # Adding the thumbprint fixes it, at once.
    setup.iam.update_open_id_connect_provider_thumbprint(
        OpenIDConnectProviderArn=arns["no_thumbprint"], ThumbprintList=[NO_THUMBPRINT.thumbprint]
    )
    try:
        assert endpoint.unsigned().get_id(IdentityPoolId=setup.pool_id, Logins=logins)["IdentityId"]
    finally:
        setup.iam.update_open_id_connect_provider_thumbprint(
            OpenIDConnectProviderArn=arns["no_thumbprint"], ThumbprintList=["0" * 40]
        )


def test_token_of_another_issuer_under_this_key(setup, endpoint):
    other = token(endpoint, idp.oidc_issuer("corp-other"))
    assert get_id(endpoint, setup.pool_id, {CORP.logins_key: other}) == (
        "NotAuthorizedException",
        "Invalid login token. Issuer doesn't match providerName",
    )


def test_provider_the_pool_does_not_trust(setup, endpoint):
    assert (
        get_id(endpoint, setup.pool_id, {ELSEWHERE.logins_key: token(endpoint, ELSEWHERE)})
        == NOT_SUPPORTED
    )
    unregistered = idp.oidc_issuer("corp-unregistered")
    assert get_id(endpoint, setup.pool_id, {unregistered.logins_key: token(endpoint, unregistered)}) == (
        NOT_SUPPORTED
    )


def test_tampered_alg_none_and_malformed_tokens(setup, endpoint):
    key = CORP.logins_key
    forged = reencode(token(endpoint, CORP), lambda claims: claims.update(sub="someone-else"))
    assert get_id(endpoint, setup.pool_id, {key: forged}) == NOT_VERIFIED
    claims = jwt.decode(token(endpoint, CORP), options={"verify_signature": False})
    assert (
        get_id(endpoint, setup.pool_id, {key: jwt.encode(claims, None, algorithm="none")}) == NOT_VERIFIED
    )
    assert get_id(endpoint, setup.pool_id, {key: "not.a.jwt"}) == (
        "NotAuthorizedException",
        "Invalid login token. Not a valid OpenId Connect identity token.",
    )


# -- STS AssumeRoleWithWebIdentity ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def corp_role(setup) -> str:
    ana_sub = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{CORP.url}#ana"))  # the local issuer's stable sub
    return create_role(setup.iam, "oidc-corp-web", oidc_trust(CORP, aud="corp-web", sub=ana_sub))


def test_sts_accepts_a_registered_providers_token(corp_role, endpoint):
    id_token = token(endpoint, CORP)
    answer = assume(endpoint, corp_role, id_token)
    sub = jwt.decode(id_token, options={"verify_signature": False})["sub"]
    assert answer["Provider"] == CORP.provider_arn(ACCOUNT_ID)  # the provider's ARN, as real answers show
    assert answer["Audience"] == "corp-web" and answer["SubjectFromWebIdentityToken"] == sub
    assert (
        answer["AssumedRoleUser"]["Arn"]
        == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/oidc-corp-web/oidc-session"
    )
    caller = endpoint.with_credentials(
        "sts",
        {
            "AccessKeyId": answer["Credentials"]["AccessKeyId"],
            "SecretKey": answer["Credentials"]["SecretAccessKey"],
            "SessionToken": answer["Credentials"]["SessionToken"],
        },
    ).get_caller_identity()
    assert caller["Arn"] == answer["AssumedRoleUser"]["Arn"]


def test_sts_trust_policy_conditions(setup, corp_role, endpoint):
    denied = ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
    assert error_of(assume, endpoint, corp_role, token(endpoint, CORP, "ben")) == denied  # :sub
    assert (
        error_of(assume, endpoint, corp_role, token(endpoint, CORP, client_id="corp-mobile")) == denied
    )  # :aud
    # With azp present, :aud is azp and :oaud the token's aud (IAM condition keys reference).
    cross = create_role(setup.iam, "oidc-cross", oidc_trust(CORP, aud="corp-mobile", oaud="corp-api"))
    answer = assume(endpoint, cross, token(endpoint, CORP, client_id="corp-mobile", audience="corp-api"))
    assert answer["Audience"] == "corp-api"


def test_sts_refusals(corp_role, endpoint):
    assert error_of(assume, endpoint, corp_role, token(endpoint, CORP, client_id="unknown-client")) == (
        "InvalidIdentityToken",
        "Incorrect token audience",
    )
    unregistered = idp.oidc_issuer("corp-unregistered")
    assert error_of(assume, endpoint, corp_role, token(endpoint, unregistered)) == (
        "InvalidIdentityToken",
        f"No OpenIDConnect provider found in your account for {unregistered.url}",
    )
    forged = reencode(token(endpoint, CORP), lambda claims: claims.update(aud="corp-web"))
    assert error_of(assume, endpoint, corp_role, forged)[0] == "InvalidIdentityToken"
    claims = jwt.decode(token(endpoint, CORP), options={"verify_signature": False})
    assert error_of(assume, endpoint, corp_role, jwt.encode(claims, None, algorithm="none"))[0] == (
        "InvalidIdentityToken"
    )


def test_sts_still_takes_cognito_tokens(setup, endpoint):
    public = endpoint.unsigned()
    logins = {CORP.logins_key: token(endpoint, CORP, "chen")}
    identity_id = public.get_id(IdentityPoolId=setup.pool_id, Logins=logins)["IdentityId"]
    open_id_token = public.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    answer = assume(endpoint, setup.member, open_id_token)
    assert answer["Provider"] == "cognito-identity.amazonaws.com" and answer["Audience"] == setup.pool_id
    assert answer["SubjectFromWebIdentityToken"] == identity_id


# -- expiry (last: moves this module's local AWS clock) -------------------------------------------------


def test_expiry_last(setup, corp_role, endpoint):
    """Cognito and STS both allow five minutes of clock skew past exp (Developer Guide, "Setting up an
    OIDC provider as an identity pool IdP"; IAM User Guide, OIDC federation)."""
    id_token = token(endpoint, CORP)
    exp = jwt.decode(id_token, options={"verify_signature": False})["exp"]
    clock.advance(3601, endpoint.url)
    assert endpoint.unsigned().get_id(IdentityPoolId=setup.pool_id, Logins={CORP.logins_key: id_token})
    assert assume(endpoint, corp_role, id_token)["Credentials"]  # within IAM's grace
    now = clock.advance(300, endpoint.url)["now"]
    code, message = get_id(endpoint, setup.pool_id, {CORP.logins_key: id_token})
    assert code == "NotAuthorizedException" and message.endswith(f" >= {exp}")
    assert abs(int(message.split("Token expired: ")[1].split(" ")[0]) - now) < 5
    code, message = error_of(assume, endpoint, corp_role, id_token)
    assert code == "ExpiredTokenException"
    assert message.startswith("Token expired: current date/time ")
    assert message.endswith(f" must be before the expiration date/time {exp}")

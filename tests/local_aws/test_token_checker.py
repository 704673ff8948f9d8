"""The one token checker (``helpers.local_aws.id_tokens.verify_token``): one typed refusal per failed
check, each worded once for identity pools (``cognito_identity.exceptions.REFUSALS``), and the five minutes
of clock skew AWS's OpenID Connect page allows after ``exp``."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from helpers import identity_providers as idp
from helpers.local_aws import clock
from helpers.local_aws import id_tokens as refused
from helpers.local_aws.cognito_identity.exceptions import REFUSALS, refusal
from helpers.local_aws.id_tokens import IdTokenRejected, verify_token
from tests.support.local_aws_fixtures import error_of

ISSUER = "https://issuer.example"
NOW = 1_800_000_000
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWK = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key())), "kid": "k1"}


def token(key: Any = KEY, alg: str = "RS256", kid: str = "k1", **changes: Any) -> str:
    claims = {"iss": ISSUER, "aud": "client", "sub": "user", "token_use": "id", "iat": NOW, "exp": NOW + 3600}
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def check(value: str, **options: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {"issuers": {ISSUER}, "keys": {"k1": JWK}, "now": NOW + 60, "token_use": "id"}
    settings.update(options)
    return verify_token(value, **settings)


# Each test process makes its own keys, so the tokens differ between processes: the ids name the
# refusal instead (pytest-xdist's workers must collect the same ids).
REFUSED_CASES = [
    ("not.a.jwt", {}, refused.Malformed),
    (token(iss="https://elsewhere.example"), {}, refused.WrongIssuer),
    (token(token_use="access"), {}, refused.WrongTokenUse),
    (
        jwt.encode({"iss": ISSUER, "token_use": "id"}, None, algorithm="none"),
        {},
        refused.AlgorithmNotAllowed,
    ),
    (
        token(key="a shared secret long enough for HS256 32b", alg="HS256"),
        {},
        refused.AlgorithmNotAllowed,
    ),
    (token(kid="dummy"), {}, refused.UnknownKey),
    (token(key=OTHER_KEY), {}, refused.BadSignature),
    (token(exp=NOW), {}, refused.Expired),
    (token(iat=NOW + 60 + 301), {}, refused.NotYetValid),
    (token(nbf=NOW + 60 + 301), {}, refused.NotYetValid),
    (token(exp=None), {}, refused.MissingClaim),
    (token(aud=None), {}, refused.MissingClaim),
    (token(), {"accepted_audiences": ["another-client"]}, refused.WrongAudience),
]


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    REFUSED_CASES,
    ids=[f"{number}-{case[2].__name__}" for number, case in enumerate(REFUSED_CASES)],
)
def test_each_failed_check_has_its_own_refusal(value, options, expected):
    with pytest.raises(IdTokenRejected) as raised:
        check(value, **options)
    assert type(raised.value) is expected


def test_a_good_token_passes_with_its_claims():
    assert check(token(), accepted_audiences=["client"])["sub"] == "user"
    assert check(token(iat=NOW + 60 + 300))["sub"] == "user"  # issued within five minutes of skew
    azp = token(aud="other", azp="client")
    assert check(azp, accepted_audiences=["client"], audience_claims=("aud", "azp"))["azp"] == "client"


def test_expiry_grace_is_exact():
    assert check(token(exp=NOW), now=NOW + 299, expiry_grace=300)
    with pytest.raises(refused.Expired) as raised:
        check(token(exp=NOW), now=NOW + 300, expiry_grace=300)
    assert (raised.value.now, raised.value.exp) == (NOW + 300, NOW)


def test_every_refusal_is_worded_once_for_identity_pools():
    reasons = {
        kind
        for kind in vars(refused).values()
        if isinstance(kind, type) and issubclass(kind, IdTokenRejected)
    }
    assert reasons - {IdTokenRejected} == set(REFUSALS)
    words = {kind: str(refusal(kind("aud", now=NOW + 5, exp=NOW))) for kind in REFUSALS}
    assert words[refused.Malformed] == "Invalid login token. Not a valid OpenId Connect identity token."
    assert words[refused.WrongTokenUse] == words[refused.Malformed]
    assert words[refused.WrongIssuer] == "Invalid login token. Issuer doesn't match providerName"
    for kind in (refused.BadSignature, refused.UnknownKey, refused.AlgorithmNotAllowed, refused.NotYetValid):
        assert words[kind] == "Invalid login token. Couldn't verify signed token."
    assert words[refused.Expired] == f"Invalid login token. Token expired: {NOW + 5} >= {NOW}"
    assert words[refused.MissingClaim] == "Invalid login token. Missing a required claim: aud"
    assert words[refused.WrongAudience] == "Token is not from a supported provider of this identity pool."


# -- OpenID Connect: five minutes of clock skew past exp, by the local AWS's clock ---------------------

SKEW = idp.oidc_issuer("skew-tests")


@pytest.fixture(scope="module")
def oidc_pool(endpoint) -> str:
    arn = endpoint.client("iam").create_open_id_connect_provider(
        Url=SKEW.url, ClientIDList=["skew-web"], ThumbprintList=[SKEW.thumbprint]
    )["OpenIDConnectProviderArn"]
    return endpoint.client("cognito-identity").create_identity_pool(
        IdentityPoolName="oidc-skew",
        AllowUnauthenticatedIdentities=False,
        AllowClassicFlow=False,
        OpenIdConnectProviderARNs=[arn],
    )["IdentityPoolId"]


def test_an_oidc_token_is_accepted_four_minutes_past_exp_and_refused_six(endpoint, oidc_pool):
    public = endpoint.unsigned()
    value = idp.login_token(SKEW.logins_key, "ana", "skew-web", endpoint_url=endpoint.url)
    exp = jwt.decode(value, options={"verify_signature": False})["exp"]
    try:
        now = clock.advance(exp - clock.read(endpoint.url)["now"] + 240, endpoint.url)["now"]
        assert exp + 235 <= now <= exp + 245
        assert public.get_id(IdentityPoolId=oidc_pool, Logins={SKEW.logins_key: value})["IdentityId"]
        now = clock.advance(120, endpoint.url)["now"]
        code, message = error_of(public.get_id, IdentityPoolId=oidc_pool, Logins={SKEW.logins_key: value})
        assert code == "NotAuthorizedException"
        assert message.startswith("Invalid login token. Token expired: ") and message.endswith(f" >= {exp}")
    finally:
        clock.reset(endpoint.url)

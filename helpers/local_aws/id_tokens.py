"""Checking a third-party OpenID Connect ID token the way AWS does, for every service that takes one.

Cognito identity pools (Google, Sign in with Apple and OpenID Connect providers in ``Logins``) and STS
``AssumeRoleWithWebIdentity`` (IAM OpenID Connect providers) run the same checks; only their error
wording differs, so :class:`IdTokenRejected` carries a *reason* and each service words it [§7]:

* the token is a JWT whose ``iss`` is the expected issuer;
* it is signed with RS256 by a key in the issuer's JWKS (``alg: none``, HS256 and unknown ``kid`` fail);
* it has not expired (``expiry_grace`` seconds after ``exp`` are tolerated where AWS documents it:
  IAM gives OIDC tokens five minutes, Cognito's observed message ``now >= exp`` shows none);
* it was not issued in the future, allowing five minutes of clock skew [§4, §7];
* the claims a service needs are present (``Missing a required claim: aud`` [O amazon-cognito-identity-js#7,
  aws-sdk-ruby#2698]).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

#: Tokens issued up to five minutes "in the future" are accepted (clock skew) [§4, §7].
CLOCK_SKEW_SECONDS = 300
#: IAM accepts an OIDC token up to five minutes after its ``exp`` (IAM User Guide, "OIDC federation").
IAM_EXPIRY_GRACE_SECONDS = 300


class IdTokenRejected(Exception):
    """Why a token was refused: ``malformed``, ``issuer``, ``signature``, ``expired``, ``not_yet_valid``,
    ``missing_claim``, plus ``thumbprint`` and ``audience`` for checks made by the callers."""

    def __init__(
        self, reason: str, detail: str = "", *, now: float | None = None, exp: float | None = None
    ) -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail
        self.now = now
        self.exp = exp


def unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a JWT, unverified; ``malformed`` when it is not a JWT with a JSON body."""
    import jwt

    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except (jwt.PyJWTError, ValueError, TypeError):
        raise IdTokenRejected("malformed") from None
    if not isinstance(claims, dict):
        raise IdTokenRejected("malformed")
    return header, claims


def audiences(claims: Mapping[str, Any]) -> list[str]:
    """``aud`` as a list: OpenID Connect allows a string or an array of strings."""
    aud = claims.get("aud")
    if isinstance(aud, str):
        return [aud]
    if isinstance(aud, list):
        return [value for value in aud if isinstance(value, str)]
    return []


def verify_id_token(
    token: str,
    *,
    issuers: Collection[str],
    keys: Mapping[str, Mapping[str, Any]] | None,
    now: float,
    expiry_grace: float = 0,
    required: Collection[str] = ("aud", "sub"),
) -> dict[str, Any]:
    """The token's claims once it passes every check above, else :class:`IdTokenRejected`.

    ``keys`` maps ``kid`` to the issuer's public JWK (``None`` when the issuer's JWKS cannot be read:
    then no signature can be verified, as for an issuer AWS cannot reach).
    """
    import jwt

    header, unverified_claims = unverified(token)
    if unverified_claims.get("iss") not in issuers:
        raise IdTokenRejected("issuer", str(unverified_claims.get("iss")))
    key = (keys or {}).get(header.get("kid"))
    if key is None or header.get("alg") != "RS256":
        raise IdTokenRejected("signature")  # unknown kid, "alg": "none", HS256 signed with the public key
    try:
        claims = jwt.decode(
            token,
            jwt.PyJWK(dict(key)).key,
            algorithms=["RS256"],
            # Time and audience are checked below, by the local AWS's clock and each service's rules.
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False},
        )
    except jwt.PyJWTError:
        raise IdTokenRejected("signature") from None
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or isinstance(exp, bool):
        raise IdTokenRejected("missing_claim", "exp")
    if now >= exp + expiry_grace:
        raise IdTokenRejected("expired", now=now, exp=exp)
    for name in ("iat", "nbf"):
        value = claims.get(name)
        if isinstance(value, (int, float)) and value > now + CLOCK_SKEW_SECONDS:
            raise IdTokenRejected("not_yet_valid", name, now=now)
    for name in required:
        if name == "aud" and not audiences(claims):
            raise IdTokenRejected("missing_claim", "aud")
        if name != "aud" and not claims.get(name):
            raise IdTokenRejected("missing_claim", name)
    return claims

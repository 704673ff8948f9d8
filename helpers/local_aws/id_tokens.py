"""The one token checker: every JWT the local AWS accepts goes through :func:`verify_token`.

Cognito user pool ID tokens, the ID tokens of OpenID Connect providers and of the stand-in public
providers (Google, Sign in with Apple), and the Cognito OpenID tokens the identity pools issue are all
checked here, in the same order, the way aws-jwt-verify checks them. A refused token raises a subclass
of :class:`IdTokenRejected` naming the reason; each service words the reason in one place (identity
pools: :data:`helpers.local_aws.cognito_identity.exceptions.REFUSALS`; STS: ``sts/web_identity.py``).

The checks, in order:

* the token is a JWT with a JSON body (:class:`Malformed`);
* its ``iss`` is one of the expected issuers (:class:`WrongIssuer`);
* its ``token_use``, when one is required (user pools' ``id`` / ``access``), matches (:class:`WrongTokenUse`);
* its ``alg`` is an allowed asymmetric algorithm (:class:`AlgorithmNotAllowed`: ``none``, or HS256
  "signed" with the public key), its ``kid`` is in the issuer's JWKS (:class:`UnknownKey`), and the
  signature verifies (:class:`BadSignature`);
* it has not expired: ``now >= exp + expiry_grace`` is refused (:class:`Expired`); AWS's OpenID
  Connect page allows five minutes of clock skew (:data:`CLOCK_SKEW_SECONDS`) for OIDC providers;
* it was not issued (``iat``) nor made valid (``nbf``) more than five minutes in the future
  (:class:`NotYetValid`);
* the claims the caller needs are present (:class:`MissingClaim`: ``Missing a required claim: aud``
  [O amazon-cognito-identity-js#7, aws-sdk-ruby#2698]);
* ``aud`` (or another named claim such as ``azp``) is one of the accepted client ids, when the caller
  gives them (:class:`WrongAudience`).

Time is always the local AWS's clock (``now``), never the machine's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

#: Tokens issued up to five minutes "in the future" are accepted (clock skew).
CLOCK_SKEW_SECONDS = 300
#: An OpenID Connect provider's ID token stays acceptable five minutes past its ``exp`` (clock skew):
#: Amazon Cognito Developer Guide, "Setting up an OIDC provider as an identity pool IdP", "Validating
#: OIDC tokens" (https://docs.aws.amazon.com/cognito/latest/developerguide/open-id.html); IAM allows the
#: same for AssumeRoleWithWebIdentity (IAM User Guide, "OIDC federation").
OIDC_EXPIRY_GRACE_SECONDS = 300
IAM_EXPIRY_GRACE_SECONDS = OIDC_EXPIRY_GRACE_SECONDS


class IdTokenRejected(Exception):
    """A refused token; the subclass (and its ``reason``) says why."""

    reason = "rejected"

    def __init__(self, detail: str = "", *, now: float | None = None, exp: float | None = None) -> None:
        super().__init__(detail or self.reason)
        self.detail = detail
        self.now = now
        self.exp = exp


class Malformed(IdTokenRejected):
    reason = "malformed"


class WrongIssuer(IdTokenRejected):
    reason = "issuer"


class WrongTokenUse(IdTokenRejected):
    reason = "token_use"


class AlgorithmNotAllowed(IdTokenRejected):
    reason = "algorithm"


class UnknownKey(IdTokenRejected):
    reason = "unknown_key"


class BadSignature(IdTokenRejected):
    reason = "signature"


class Expired(IdTokenRejected):
    reason = "expired"


class NotYetValid(IdTokenRejected):
    reason = "not_yet_valid"


class MissingClaim(IdTokenRejected):
    reason = "missing_claim"


class WrongAudience(IdTokenRejected):
    reason = "audience"


class WrongThumbprint(IdTokenRejected):
    """The issuer's certificate is not the one the IAM OIDC provider pins (checked by its callers)."""

    reason = "thumbprint"


def unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a JWT, unverified; :class:`Malformed` unless it is a JWT with a JSON body."""
    import jwt

    if not isinstance(token, str):
        raise Malformed()
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except (jwt.PyJWTError, ValueError, TypeError):
        raise Malformed() from None
    if not isinstance(claims, dict) or not isinstance(header, dict):
        raise Malformed()
    return header, claims


def audiences(claims: Mapping[str, Any]) -> list[str]:
    """``aud`` as a list: OpenID Connect allows a string or an array of strings."""
    aud = claims.get("aud")
    if isinstance(aud, str):
        return [aud]
    if isinstance(aud, list):
        return [value for value in aud if isinstance(value, str)]
    return []


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def verify_token(
    token: str,
    *,
    issuers: Collection[str],
    keys: Mapping[str, Mapping[str, Any]] | None,
    now: float,
    algorithms: Collection[str] = ("RS256",),
    token_use: str | None = None,
    expiry_grace: float = 0,
    required: Collection[str] = ("aud", "sub"),
    accepted_audiences: Collection[str] | None = None,
    audience_claims: Collection[str] = ("aud",),
) -> dict[str, Any]:
    """The token's claims once it passes every check above, else a subclass of :class:`IdTokenRejected`.

    ``keys`` maps ``kid`` to the issuer's public JWK (``None`` when the issuer's JWKS cannot be read:
    then no signature can be verified, as for an issuer AWS cannot reach). ``accepted_audiences``, when
    given, must contain one of the values of ``audience_claims`` (``aud`` may be a list).
    """
    import jwt

    header, unverified_claims = unverified(token)
    if unverified_claims.get("iss") not in issuers:
        raise WrongIssuer(str(unverified_claims.get("iss")))
    if token_use is not None and unverified_claims.get("token_use") != token_use:
        raise WrongTokenUse(str(unverified_claims.get("token_use")))
    if header.get("alg") not in algorithms:
        raise AlgorithmNotAllowed(str(header.get("alg")))
    key = (keys or {}).get(header.get("kid"))
    if key is None:
        raise UnknownKey(str(header.get("kid")))
    try:
        claims = jwt.decode(
            token,
            jwt.PyJWK(dict(key)).key,
            algorithms=list(algorithms),
            # Time and audience are checked below, by the local AWS's clock and each caller's rules.
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False},
        )
    except jwt.PyJWTError:
        raise BadSignature() from None
    exp = claims.get("exp")
    if not _number(exp):
        raise MissingClaim("exp")
    if now >= exp + expiry_grace:
        raise Expired(now=now, exp=exp)
    for name in ("iat", "nbf"):
        value = claims.get(name)
        if _number(value) and value > now + CLOCK_SKEW_SECONDS:
            raise NotYetValid(name, now=now)
    for name in required:
        if name == "aud" and not audiences(claims):
            raise MissingClaim("aud")
        if name != "aud" and not claims.get(name):
            raise MissingClaim(name)
    if accepted_audiences is not None:
        offered = [
            value
            for name in audience_claims
            for value in (audiences(claims) if name == "aud" else [claims.get(name)])
            if isinstance(value, str)
        ]
        if not any(value in accepted_audiences for value in offered):
            raise WrongAudience(", ".join(offered))
    return claims

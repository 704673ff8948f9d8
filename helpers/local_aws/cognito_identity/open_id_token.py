"""The Cognito OpenID token: an RS512 JWT signed with a key the local AWS generates (GetOpenIdToken, Cognito
Identity API Reference).

``GetOpenIdToken`` and ``GetOpenIdTokenForDeveloperIdentity`` issue it; STS
``AssumeRoleWithWebIdentity`` verifies it. The public keys are served as AWS serves them, at
``/.well-known/jwks_uri`` on the endpoint, with OpenID discovery at ``/.well-known/openid-configuration``.
The key pair lives only in memory, so tokens from one run of the local AWS are worthless in the next.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from ..id_tokens import Expired, IdTokenRejected, verify_token

ISSUER = "https://cognito-identity.amazonaws.com"
JWKS_PATH = "/.well-known/jwks_uri"
DISCOVERY_PATH = "/.well-known/openid-configuration"
#: GetOpenIdToken tokens last 10 minutes (GetOpenIdToken, Cognito Identity API Reference; the Cognito
# Identity API Reference).
OPEN_ID_TOKEN_SECONDS = 600
#: GetOpenIdTokenForDeveloperIdentity's default and maximum TokenDuration (GetOpenIdToken, Cognito Identity
# API Reference).
DEVELOPER_TOKEN_SECONDS = 900
DEVELOPER_TOKEN_MAX_SECONDS = 86_400
POOL_ARN_CLAIM = "https://cognito-identity.amazonaws.com/identity-pool-arn"
TAGS_CLAIM = "https://aws.amazon.com/tags"


class InvalidOpenIdToken(Exception):
    """The token is not a genuine, current Cognito OpenID token; ``refusal`` is the checker's reason
    (:mod:`..id_tokens`) and ``expired`` tells whether it is only out of date."""

    def __init__(self, message: str, refusal: IdTokenRejected) -> None:
        super().__init__(message)
        self.refusal = refusal
        self.expired = isinstance(refusal, Expired)


@dataclass(frozen=True)
class OpenIdClaims:
    identity_pool_id: str  # aud
    identity_id: str  # sub
    amr: list[str]
    issued_at: int
    expires_at: int
    principal_tags: dict[str, list[str]]


class OpenIdTokenSigner:
    """Issues and verifies Cognito OpenID tokens with one RSA key per run (kid like AWS's ``us-east-1-7``)."""

    def __init__(self, region: str = "us-east-1") -> None:
        self.kid = f"{region}-1"
        self._lock = threading.Lock()
        self._private_key: Any = None
        self._jwk: dict[str, Any] | None = None

    def _key(self) -> Any:
        # Generated on first use: RSA key generation would otherwise add to every start-up.
        with self._lock:
            if self._private_key is None:
                from cryptography.hazmat.primitives.asymmetric import rsa

                self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._private_key

    def issue(
        self,
        identity_pool_id: str,
        identity_id: str,
        amr: list[str],
        now: float,
        lifetime: int,
        pool_arn: str,
        principal_tags: dict[str, str] | None = None,
    ) -> str:
        import jwt

        issued = int(now)
        claims: dict[str, Any] = {
            "sub": identity_id,
            "aud": identity_pool_id,
            "amr": amr,
            "iss": ISSUER,
            POOL_ARN_CLAIM: pool_arn,
            "exp": issued + lifetime,
            "iat": issued,
        }
        if principal_tags:
            claims[TAGS_CLAIM] = {"principal_tags": {k: [v] for k, v in principal_tags.items()}}
        return jwt.encode(claims, self._key(), algorithm="RS512", headers={"kid": self.kid, "typ": "JWS"})

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self._public_jwk()]}

    def _public_jwk(self) -> dict[str, Any]:
        import jwt

        key = self._key()
        with self._lock:
            if self._jwk is None:
                public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
                self._jwk = {**public, "kid": self.kid, "use": "sig", "alg": "RS512"}
            return dict(self._jwk)

    def verify(self, token: str, now: float, skew: int = 0) -> OpenIdClaims:
        """Check the token with the one token checker (signature, issuer, expiry by the local clock),
        or raise :class:`InvalidOpenIdToken`."""
        try:
            claims = verify_token(
                token,
                issuers={ISSUER},
                keys={self.kid: self._public_jwk()},
                now=now,
                algorithms=("RS512",),
                expiry_grace=skew,
                required=("aud", "sub", "iat"),
            )
        except Expired as error:
            raise InvalidOpenIdToken(
                f"Token expired: current date/time {int(now)} must be before "
                f"the expiration date/time {int(error.exp or 0)}",
                error,
            ) from None
        except IdTokenRejected as error:
            raise InvalidOpenIdToken(str(error), error) from None
        amr = claims.get("amr") or []
        tags = (claims.get(TAGS_CLAIM) or {}).get("principal_tags") or {}
        return OpenIdClaims(claims["aud"], claims["sub"], list(amr), claims["iat"], claims["exp"], tags)


def discovery_document(endpoint_url: str) -> dict[str, Any]:
    """What ``<issuer>/.well-known/openid-configuration`` answers, pointing at this endpoint's JWKS."""
    return {
        "issuer": ISSUER,
        "jwks_uri": endpoint_url.rstrip("/") + JWKS_PATH,
        "response_types_supported": ["code", "id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS512"],
        "claims_supported": ["aud", "sub", "iss", "exp", "iat", "amr"],
    }

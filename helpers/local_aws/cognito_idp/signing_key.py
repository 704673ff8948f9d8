"""The user pools' signing key: an RSA key generated for one run of the local AWS, never written anywhere.

User pools sign ID and access tokens with RS256 and publish the public key at
``https://cognito-idp.<region>.amazonaws.com/<userPoolId>/.well-known/jwks.json`` (Amazon Cognito
Developer Guide, "Verifying a JSON Web Token"). Every pool of this local AWS shares the one key (a
token's ``iss`` names its pool, and ``iss`` is signed); tokens of one run are worthless in the next.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from typing import Any

ALGORITHM = "RS256"


class UserPoolSigningKey:
    """Signs user pool tokens; ``kid`` is the key's RFC 7638 thumbprint, base64 like AWS's kids."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._private_key: Any = None
        self._public_jwk: dict[str, Any] | None = None

    def _key(self) -> Any:
        # Generated on first use: RSA key generation would otherwise add to every start-up.
        with self._lock:
            if self._private_key is None:
                import jwt
                from cryptography.hazmat.primitives.asymmetric import rsa

                self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._private_key.public_key()))
                members = json.dumps(
                    {name: public[name] for name in ("e", "kty", "n")}, separators=(",", ":")
                )
                kid = base64.b64encode(hashlib.sha256(members.encode()).digest()).decode()
                self._public_jwk = {
                    "alg": ALGORITHM,
                    "e": public["e"],
                    "kid": kid,
                    "kty": "RSA",
                    "n": public["n"],
                    "use": "sig",
                }
            return self._private_key

    @property
    def public_jwk(self) -> dict[str, Any]:
        self._key()
        assert self._public_jwk is not None
        return dict(self._public_jwk)

    @property
    def kid(self) -> str:
        return str(self.public_jwk["kid"])

    def sign(self, claims: dict[str, Any]) -> str:
        import jwt

        return jwt.encode(claims, self._key(), algorithm=ALGORITHM, headers={"kid": self.kid})

    def jwks(self) -> dict[str, Any]:
        """The pool's ``jwks.json`` document."""
        return {"keys": [self.public_jwk]}

    def keys_by_kid(self) -> dict[str, dict[str, Any]]:
        """``kid`` → public JWK, as the token checker takes keys."""
        jwk = self.public_jwk
        return {jwk["kid"]: jwk}

"""Stand-in for Google Sign-In (Logins key ``accounts.google.com``). LOCAL ONLY.

Google gives an app an OpenID Connect *ID token*: an RS256 JWT with ``iss`` ``https://accounts.google.com``,
``aud`` = the app's OAuth client id, ``azp`` (the client the token was issued to; the same id unless an
app asks for a token for another of its clients), ``sub`` (the Google account id, 21 digits), ``email``,
``email_verified``, ``name``, ``iat`` and ``exp`` one hour later (Google Identity, "Authenticate with a
back-end server"). Its keys are published as a JWKS (Google's is ``https://www.googleapis.com/oauth2/v3/certs``);
here ``GET /_local_aws/providers/accounts.google.com/oauth2/v3/certs`` (or ``.../jwks``), with
``POST .../token`` to sign a test user in and ``.../.well-known/openid-configuration``.
"""

from __future__ import annotations

from typing import Any

from .stand_in import IdTokenProvider, TestUser, stable_digits

ISSUER = "https://accounts.google.com"
#: Google documents both spellings of its issuer as valid.
ISSUERS = (ISSUER, "accounts.google.com")


class Google(IdTokenProvider):
    key = "accounts.google.com"
    title = "Google Sign-In"
    issuer = ISSUER
    lifetime = 3600
    jwks_path = "/oauth2/v3/certs"

    @staticmethod
    def user_id(user: TestUser) -> str:
        return "1" + stable_digits(f"accounts.google.com:{user.user_name}", 20)

    def claims(self, user: TestUser, client_id: str, now: int, options: dict[str, Any]) -> dict[str, Any]:
        return {
            "iss": ISSUER,
            "azp": client_id,
            "aud": options.get("audience", client_id),
            "sub": self.user_id(user),
            "email": user.email,
            "email_verified": True,
            "name": user.name,
            "given_name": user.given_name,
            "family_name": user.family_name,
            "iat": now,
            "exp": now + self.lifetime,
        }

"""Stand-in for Sign in with Apple (Logins key ``appleid.apple.com``). LOCAL ONLY.

Apple gives an app an *identity token*: an RS256 JWT with ``iss`` ``https://appleid.apple.com``, ``aud`` =
the app's client id (the Services ID of a web app, the bundle id of a native one), ``sub`` (the user's
stable id for the developer team, ``000123.<32 hex>.0456``), ``email``, ``email_verified`` (a string,
as Apple sends it), ``auth_time``, ``iat`` and ``exp`` (Apple developer documentation, "Authenticating
users with Sign in with Apple"). Apple's keys are at ``https://appleid.apple.com/auth/keys``; here
``GET /_local_aws/providers/appleid.apple.com/auth/keys`` (or ``.../jwks``), with ``POST .../token`` to
sign a test user in and ``.../.well-known/openid-configuration``.

Lifetime: 10 minutes, as the identity tokens handed to native apps are commonly reported to last
(UNCONFIRMED; tokens from Apple's REST token endpoint live longer).
"""

from __future__ import annotations

from typing import Any

from .stand_in import IdTokenProvider, TestUser, stable_digits, stable_text

ISSUER = "https://appleid.apple.com"


class SignInWithApple(IdTokenProvider):
    key = "appleid.apple.com"
    title = "Sign in with Apple"
    issuer = ISSUER
    lifetime = 600
    jwks_path = "/auth/keys"
    supports_audience = False  # Apple's aud is always the client id; there is no azp

    @staticmethod
    def user_id(user: TestUser) -> str:
        seed = f"appleid.apple.com:{user.user_name}"
        team_scoped = stable_text(seed, 32, "0123456789abcdef")
        return f"000{stable_digits(seed, 3)}.{team_scoped}.{stable_digits(seed + '/', 4)}"

    def claims(self, user: TestUser, client_id: str, now: int, options: dict[str, Any]) -> dict[str, Any]:
        return {
            "iss": ISSUER,
            "aud": client_id,
            "exp": now + self.lifetime,
            "iat": now,
            "sub": self.user_id(user),
            "email": user.email,
            "email_verified": "true",
            "auth_time": now,
            "nonce_supported": True,
        }

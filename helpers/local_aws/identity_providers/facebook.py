"""Stand-in for Facebook Login (Logins key ``graph.facebook.com``). LOCAL ONLY.

Facebook Login gives an app an opaque *user access token* (``EAA...``). A back end (the identity pool
among them) checks one with the Graph API's ``GET /debug_token?input_token=...`` (answer
``{"data": {"app_id", "type", "application", "expires_at", "is_valid", "scopes", "user_id"}}``; an
invalid or expired token comes back with ``is_valid: false`` and an ``error``) and reads the user with
``GET /me``. Both are served here under ``/_local_aws/providers/graph.facebook.com/``, plus
``POST .../token`` to sign a test user in (``client_id`` = the Facebook app id).

User ids are *app-scoped*, as Facebook's have been since Graph API v2.0: the same person has a
different id in each app, so two apps cannot join their users by id.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .stand_in import (
    Answer,
    HttpRequest,
    OpaqueTokens,
    ProviderError,
    Route,
    StandInProvider,
    TestUser,
    checked_client_id,
    find_user,
    sign_in_fields,
    stable_digits,
)

#: Short-lived user tokens from the login dialog last an hour or two; one hour here.
TOKEN_SECONDS = 3600
SCOPES = ["public_profile", "email"]


class Facebook(StandInProvider):
    key = "graph.facebook.com"
    title = "Facebook Login"

    def __init__(self) -> None:
        self.tokens = OpaqueTokens("EAAG", 180)

    @staticmethod
    def user_id(user: TestUser, app_id: str) -> str:
        """An app-scoped user id: 16 digits, stable per (user, app)."""
        return "10" + stable_digits(f"graph.facebook.com:{app_id}:{user.user_name}", 14)

    def sign_in(self, user_name: Any, client_id: Any, now: float) -> dict[str, Any]:
        """The login's answer: ``{"access_token", "token_type": "bearer", "expires_in"}``."""
        user = find_user(user_name)
        app_id = checked_client_id(client_id)
        issued = self.tokens.issue(user, self.user_id(user, app_id), app_id, app_id, now, TOKEN_SECONDS)
        return {"access_token": issued.token, "token_type": "bearer", "expires_in": TOKEN_SECONDS}

    def debug_token(self, input_token: Any, now: float) -> dict[str, Any]:
        """``/debug_token``'s ``data``: the token's app, user, expiry and validity (what AWS asks)."""
        issued = self.tokens.find(input_token)
        if issued is None:
            return {
                "error": {"code": 190, "message": "Invalid OAuth access token - Cannot parse access token"},
                "is_valid": False,
                "scopes": [],
            }
        data: dict[str, Any] = {
            "app_id": issued.app_id,
            "type": "USER",
            "application": f"app {issued.app_id}",
            "data_access_expires_at": int(issued.issued_at) + 90 * 86_400,
            "expires_at": int(issued.expires_at),
            "is_valid": now < issued.expires_at,
            "issued_at": int(issued.issued_at),
            "scopes": list(SCOPES),
            "user_id": issued.user_id,
        }
        if not data["is_valid"]:
            when = datetime.fromtimestamp(issued.expires_at, tz=timezone.utc).strftime(
                "%A, %d-%b-%y %H:%M:%S UTC"
            )
            data["error"] = {
                "code": 190,
                "subcode": 463,
                "message": f"Error validating access token: Session has expired on {when}.",
            }
        return data

    def me(self, token: Any, now: float) -> dict[str, Any]:
        """``/me``: the user behind a valid token."""
        issued = self.tokens.find(token)
        if issued is None or now >= issued.expires_at:
            raise ProviderError(
                400,
                {
                    "error": {
                        "message": "Error validating access token",
                        "type": "OAuthException",
                        "code": 190,
                    }
                },
            )
        return {"id": issued.user_id, "name": issued.user.name, "email": issued.user.email}

    def routes(self) -> dict[tuple[str, str], Route]:
        def token(request: HttpRequest, now: float) -> Answer:
            body = sign_in_fields(request.body, set())
            return 200, self.sign_in(body.get("user"), body.get("client_id"), now)

        def debug_token(request: HttpRequest, now: float) -> Answer:
            return 200, {"data": self.debug_token(request.query.get("input_token"), now)}

        def me(request: HttpRequest, now: float) -> Answer:
            return 200, self.me(request.bearer_token(), now)

        return {("POST", "/token"): token, ("GET", "/debug_token"): debug_token, ("GET", "/me"): me}

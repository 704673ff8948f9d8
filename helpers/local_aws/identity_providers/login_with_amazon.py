"""Stand-in for Login with Amazon (Logins key ``www.amazon.com``). LOCAL ONLY.

Login with Amazon gives an app an opaque OAuth 2.0 *access token* (``Atza|...``), not a JWT, so the
identity pool cannot check it by itself: it asks Amazon, as any back end does, with
``GET https://api.amazon.com/auth/o2/tokeninfo?access_token=...`` (answer: ``aud`` = the security
profile's client id, ``app_id``, ``user_id`` ``amzn1.account...``, ``iss``, ``exp`` = seconds left,
``iat``) and reads the user with ``GET https://api.amazon.com/user/profile`` (Login with Amazon developer
guide, "Obtain customer profile information"). Both are served here under
``/_local_aws/providers/www.amazon.com/``, plus ``POST .../token`` to sign a test user in (the stand-in's
shortcut for notebooks and tests) and, for browser apps, Login with Amazon's own authorization code grant
with PKCE: the authorization page ``/ap/oa`` (:mod:`.authorization_page`) and the token endpoint
``POST .../auth/o2/token`` (:mod:`.authorization_codes`).

The token endpoint answers web pages of any origin (the local AWS's CORS rule for the stand-ins). Login
with Amazon documents the PKCE grant for browser-based apps, and its SDK for JavaScript redeems the code
from the page itself (``amazon.Login.retrieveToken``), so ``api.amazon.com/auth/o2/token`` must let the
page read its answer; whether it echoes the page's origin or allows every origin is UNCONFIRMED.

An app registered with Login with Amazon has a security profile (``amzn1.application.<hex>``) and an
OAuth client id (``amzn1.application-oa2-client.<hex>``); the identity pool's ``www.amazon.com`` value
names one of them (the Cognito guide has said both over the years), so the token request takes
``client_id`` and an optional ``app_id`` (default: the client id).
"""

from __future__ import annotations

from typing import Any

from .authorization_codes import AuthorizationCodes, CodeAlreadyUsed, access_token_request, token_error
from .authorization_page import SecurityProfiles
from .stand_in import (
    Answer,
    HttpRequest,
    IssuedToken,
    OpaqueTokens,
    ProviderError,
    Route,
    StandInProvider,
    TestUser,
    checked_client_id,
    find_user,
    sign_in_fields,
    stable_text,
)

ISSUER = "https://www.amazon.com"
TOKEN_SECONDS = 3600  # Login with Amazon access tokens last one hour


def invalid_token() -> ProviderError:
    # Login with Amazon's answer to a bad token (HTTP 400, OAuth error shape).
    return ProviderError(
        400,
        {
            "error": "invalid_token",
            "error_description": "The request has an invalid parameter : access_token",
        },
    )


class LoginWithAmazon(StandInProvider):
    key = "www.amazon.com"
    title = "Login with Amazon"

    def __init__(self) -> None:
        self.tokens = OpaqueTokens("Atza|IwEB", 150)
        self.apps = SecurityProfiles()  # registered web apps, for the authorization page (/ap/oa)
        self.codes = AuthorizationCodes()  # what the authorization page issued, for /auth/o2/token

    @staticmethod
    def user_id(user: TestUser) -> str:
        """The customer's id, the same for every app (``amzn1.account.`` + 28 characters)."""
        return "amzn1.account." + stable_text(f"www.amazon.com:{user.user_name}", 28)

    def sign_in(self, user_name: Any, client_id: Any, now: float, app_id: Any = None) -> dict[str, Any]:
        """The token endpoint's answer: ``{"access_token", "token_type": "bearer", "expires_in"}``."""
        user = find_user(user_name)
        client = checked_client_id(client_id)
        app = client if app_id is None else checked_client_id(app_id, "app_id")
        issued = self.tokens.issue(user, self.user_id(user), client, app, now, TOKEN_SECONDS)
        return {"access_token": issued.token, "token_type": "bearer", "expires_in": TOKEN_SECONDS}

    def access_token(self, fields: dict[str, Any], now: float) -> dict[str, Any]:
        """``POST /auth/o2/token`` with ``grant_type=authorization_code``: the code the authorization page
        issued, redeemed with its PKCE verifier, for an access token (no refresh token: the stand-in's apps
        are browser apps without a client secret)."""
        if "client_secret" in fields:
            # The stand-in's security profiles have no secret; a web page must never hold one.
            raise token_error("invalid_client", "The stand-in's apps have no client secret: send none", 401)
        code, client_id, redirect_uri, code_verifier = access_token_request(fields)
        if self.apps.find(client_id) is None:
            raise token_error("invalid_client", f"An unknown client_id was provided: {client_id}", 401)
        try:
            grant = self.codes.redeem(code, client_id, redirect_uri, code_verifier, now)
        except CodeAlreadyUsed as reused:
            if reused.access_token is not None:
                self.tokens.revoke(reused.access_token)
            raise
        answer = self.sign_in(grant.user.user_name, grant.client_id, now, grant.app_id)
        self.codes.spent_for(code, answer["access_token"])
        return answer

    def _current(self, token: Any, now: float) -> IssuedToken:
        issued = self.tokens.find(token)
        if issued is None:
            raise invalid_token()
        if now >= issued.expires_at:
            error = invalid_token()
            error.expired_at = issued.expires_at
            raise error
        return issued

    def token_info(self, token: Any, now: float) -> dict[str, Any]:
        """``/auth/o2/tokeninfo``: what the token is for, or :class:`ProviderError` (what AWS asks)."""
        issued = self._current(token, now)
        return {
            "iss": ISSUER,
            "user_id": issued.user_id,
            "aud": issued.client_id,
            "app_id": issued.app_id,
            "exp": int(issued.expires_at - now),  # seconds left, as Login with Amazon answers
            "iat": int(issued.issued_at),
        }

    def profile(self, token: Any, now: float) -> dict[str, Any]:
        """``/user/profile``: the customer behind the token."""
        issued = self._current(token, now)
        return {"user_id": issued.user_id, "name": issued.user.name, "email": issued.user.email}

    def routes(self) -> dict[tuple[str, str], Route]:
        def token(request: HttpRequest, now: float) -> Answer:
            body = sign_in_fields(request.body, {"app_id"})
            return 200, self.sign_in(body.get("user"), body.get("client_id"), now, body.get("app_id"))

        def access_token(request: HttpRequest, now: float) -> Answer:
            return 200, self.access_token(request.body, now)

        def token_info(request: HttpRequest, now: float) -> Answer:
            return 200, self.token_info(request.query.get("access_token"), now)

        def profile(request: HttpRequest, now: float) -> Answer:
            return 200, self.profile(request.bearer_token(), now)

        return {
            ("POST", "/token"): token,
            ("POST", "/auth/o2/token"): access_token,
            ("GET", "/auth/o2/tokeninfo"): token_info,
            ("GET", "/user/profile"): profile,
        }

"""Login with Amazon's authorization page (``/ap/oa``) for browser apps, and app registration. LOCAL ONLY.

A web app sends the visitor to ``https://www.amazon.com/ap/oa?client_id=...&scope=profile&
response_type=code&redirect_uri=...&state=...&code_challenge=...&code_challenge_method=S256`` (Login with
Amazon developer guide, "Authorization Code Grant",
https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html). Amazon asks the
customer to sign in and consent, then redirects to ``redirect_uri`` with the authorization code in the
*query*: ``?code=...&scope=profile&state=...``; the page redeems the code with its PKCE verifier at the
token endpoint (:mod:`.authorization_codes`). The stand-in serves the same request at
``/_local_aws/providers/www.amazon.com/ap/oa``; instead of a password it shows the test users to pick from
(a form that posts back to the same path).

Only the authorization code grant is served. Login with Amazon deprecated the implicit grant
(``response_type=token``, the token in the fragment, the flow of the blog post): "Login With Amazon no
longer supports Implicit Grant for any new Security Profiles", and "Browser-Based Apps and Single-Page Apps,
that cannot use a client_secret, must use the Authorization Code grant with PKCE extension" ("Implicit
Grant (Deprecated)", https://developer.amazon.com/docs/login-with-amazon/implicit-grant.html). So the
stand-in answers ``response_type=token`` with ``unsupported_response_type`` (what Amazon answers a new
security profile is UNCONFIRMED). Its apps have no client secret, so, as for any browser app, a
``code_challenge`` is required (the guide: it "must be used for browser-based apps");
``code_challenge_method`` is ``S256`` or ``plain`` (the guide's default when absent).

An app must be registered first, as in the Login with Amazon console (a *security profile* with its client
id, and the "Allowed Return URLs" of its web settings). Registration is an administrative act, so it is
served at ``POST /_local_aws/providers/www.amazon.com/apps`` behind the local AWS's administrative guard
(loopback ``Host``, ``Content-Type: application/json``, no CORS: a web page cannot register itself).

Refusals follow OAuth 2.0 (RFC 6749, section 4.1.2.1), which Login with Amazon implements: an unknown
``client_id`` or a ``redirect_uri`` not registered for the app is shown to the visitor as an error page
and is never redirected to; other bad requests (wrong ``response_type``, unknown ``scope``, a missing or
malformed ``code_challenge``) are sent back to the app's ``redirect_uri`` with ``error``,
``error_description`` and ``state`` in the query. The wording of Amazon's own error page is UNCONFIRMED
(not in its public documentation); the error codes are those the guide lists for authorization errors.
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from .authorization_codes import CHALLENGE_METHODS, PKCE_VALUE
from .stand_in import PROVIDERS_PATH, TEST_USERS, ProviderError, checked_client_id

AUTHORIZATION_PATH = f"{PROVIDERS_PATH}/www.amazon.com/ap/oa"
APPS_PATH = f"{PROVIDERS_PATH}/www.amazon.com/apps"
#: Login with Amazon's scopes ("Customer Profile" in the developer guide).
SCOPES = frozenset({"profile", "profile:user_id", "postal_code"})
MAX_CLIENT_ID_BYTES = 100  # "Maximum size of 100 bytes" (Authorization Code Grant, client_id)
MAX_FORM_BYTES = 16 * 1024


@dataclass(frozen=True)
class SecurityProfile:
    """An app registered with Login with Amazon: its client id, app id and allowed return URLs."""

    client_id: str
    app_id: str
    allowed_return_urls: tuple[str, ...]

    def allows(self, redirect_uri: str) -> bool:
        # Login with Amazon compares the redirect_uri with the Allowed Return URLs; an exact match is the
        # rule here (whether Amazon also accepts a longer path below an allowed URL is UNCONFIRMED).
        return redirect_uri in self.allowed_return_urls


def checked_return_url(value: Any) -> str:
    """An allowed return URL: ``https``, or ``http`` on loopback (a developer's own machine)."""
    if not isinstance(value, str) or len(value) > 2048:
        raise ProviderError(400, {"error": "invalid_request", "error_description": "a return URL: a string"})
    parts = urlsplit(value)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    secure = parts.scheme == "https" or (parts.scheme == "http" and loopback)
    if parts.fragment or not parts.netloc or not secure:
        raise ProviderError(
            400,
            {
                "error": "invalid_request",
                "error_description": f"{value!r}: a return URL is https (http on loopback), no fragment",
            },
        )
    return value


class SecurityProfiles:
    """The apps registered with the stand-in Login with Amazon (forgotten by the local AWS's reset)."""

    def __init__(self) -> None:
        self._profiles: dict[str, SecurityProfile] = {}
        self._lock = threading.Lock()

    def register(self, client_id: Any, allowed_return_urls: Any, app_id: Any = None) -> SecurityProfile:
        """Register the app with ``client_id``; registering it again adds return URLs (as adding them in
        the console does) and keeps the earlier ones, so two pages of one app can both sign in."""
        client = checked_client_id(client_id)
        app = client if app_id is None else checked_client_id(app_id, "app_id")
        if not isinstance(allowed_return_urls, list) or not 1 <= len(allowed_return_urls) <= 50:
            raise ProviderError(
                400, {"error": "invalid_request", "error_description": "allowed_return_urls: 1 to 50 URLs"}
            )
        urls = [checked_return_url(url) for url in allowed_return_urls]
        with self._lock:
            earlier = self._profiles.get(client)
            known = earlier.allowed_return_urls if earlier is not None and earlier.app_id == app else ()
            profile = SecurityProfile(client, app, tuple(dict.fromkeys([*known, *urls])))
            self._profiles[client] = profile
        return profile

    def find(self, client_id: str) -> SecurityProfile | None:
        with self._lock:
            return self._profiles.get(client_id)


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    scope: str
    response_type: str
    redirect_uri: str
    state: str | None
    code_challenge: str
    code_challenge_method: str


class PageRefused(Exception):
    """Shown to the visitor, never redirected (unknown client, unregistered return URL)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error, self.description = error, description


class RedirectedError(Exception):
    """Sent back to the app's (registered) ``redirect_uri`` in the query."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error, self.description = error, description


class AuthorizationPage:
    """``GET``/``POST`` ``/ap/oa`` of the stand-in Login with Amazon, and ``POST /apps`` (registration)."""

    def __init__(self, amazon: Any, now: Any) -> None:
        self.amazon = amazon  # the LoginWithAmazon stand-in: its security profiles and its tokens
        self.now = now

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD", "GET")
        if path == APPS_PATH:
            return self.register(environ, start_response)
        if method not in ("GET", "POST"):
            return _page(start_response, 405, "Method not allowed", "<p>Use GET (or POST the form).</p>")
        query = _fields(environ.get("QUERY_STRING", ""))
        form = _fields(_read(environ)) if method == "POST" else {}
        try:
            request, profile = self.checked(query)
        except PageRefused as refused:
            body = (
                f"<p class='error'><b>{html.escape(refused.error)}</b>: "
                f"{html.escape(refused.description)}</p>"
                "<p>The app is not redirected to: its request does not name a registered app and one of its "
                "return URLs.</p>"
            )
            return _page(start_response, 400, "An error occurred", body)
        answer: dict[str, str]
        try:
            self.check_grant(request)
            if method == "GET" or "user" not in form:
                return _page(start_response, 200, "Sign in with Amazon", self.sign_in_form(request, profile))
            user = TEST_USERS.get(form["user"])
            if user is None:
                raise RedirectedError("invalid_request", f"unknown test user {form['user']!r}")
            code = self.amazon.codes.issue(
                user,
                request.client_id,
                profile.app_id,
                request.redirect_uri,
                request.scope,
                request.code_challenge,
                request.code_challenge_method,
                self.now(),
            )
            answer = {"code": code, "scope": request.scope}
        except RedirectedError as error:
            answer = {"error": error.error, "error_description": error.description}
        if request.state is not None:
            answer["state"] = request.state
        separator = "&" if urlsplit(request.redirect_uri).query else "?"
        location = request.redirect_uri + separator + urlencode(answer)
        start_response(
            "302 Found",
            [("Location", location), ("Content-Length", "0"), ("Cache-Control", "no-store")],
        )
        return [b""]

    def checked(self, query: dict[str, str]) -> tuple[AuthorizationRequest, SecurityProfile]:
        """The request and its app, or :class:`PageRefused` (an error never redirected to)."""
        client_id, redirect_uri = query.get("client_id", ""), query.get("redirect_uri", "")
        if not client_id or len(client_id.encode()) > MAX_CLIENT_ID_BYTES:
            raise PageRefused("invalid_request", "client_id is required (at most 100 bytes)")
        profile = self.amazon.apps.find(client_id)
        if profile is None:
            raise PageRefused("unauthorized_client", f"An unknown client_id was provided: {client_id}")
        if not redirect_uri:
            raise PageRefused("invalid_request", "redirect_uri is required")
        if not profile.allows(redirect_uri):
            raise PageRefused(
                "invalid_request",
                f"The redirect_uri {redirect_uri} is not an Allowed Return URL of the app {client_id}",
            )
        request = AuthorizationRequest(
            client_id,
            query.get("scope", ""),
            query.get("response_type", ""),
            redirect_uri,
            query.get("state"),
            query.get("code_challenge", ""),
            query.get("code_challenge_method") or "plain",  # the guide: "defaults to plain"
        )
        return request, profile

    @staticmethod
    def check_grant(request: AuthorizationRequest) -> None:
        """What is sent back to the app as an error: the grant, the scope and the PKCE challenge."""
        if request.response_type == "token":
            raise RedirectedError(
                "unsupported_response_type",
                "The implicit grant (response_type=token) is deprecated: use response_type=code with PKCE",
            )
        if request.response_type != "code":
            raise RedirectedError("unsupported_response_type", "response_type must be code")
        scopes = request.scope.split()
        if not scopes or not set(scopes) <= SCOPES:
            raise RedirectedError("invalid_scope", f"scope must be among {sorted(SCOPES)}")
        if not request.code_challenge:
            raise RedirectedError(
                "invalid_request", "code_challenge is required: the app has no client secret (a browser app)"
            )
        if request.code_challenge_method not in CHALLENGE_METHODS:
            raise RedirectedError("invalid_request", "code_challenge_method must be S256 or plain")
        if not PKCE_VALUE.fullmatch(request.code_challenge):
            raise RedirectedError(
                "invalid_request", "code_challenge must be 43-128 characters of A-Z a-z 0-9 - . _ ~"
            )

    def sign_in_form(self, request: AuthorizationRequest, profile: SecurityProfile) -> str:
        buttons = "".join(
            f"<button type='submit' name='user' value='{html.escape(user.user_name)}'>"
            f"{html.escape(user.name)} <small>({html.escape(user.email)})</small></button>"
            for user in TEST_USERS.values()
        )
        return (
            "<p class='notice'>Local stand-in for Login with Amazon: nothing here reaches Amazon. "
            "Pick a test user (no password).</p>"
            f"<p>The app <code>{html.escape(profile.app_id)}</code> asks for your "
            f"<b>{html.escape(request.scope)}</b> and will get an authorization code at "
            f"<code>{html.escape(request.redirect_uri)}</code>.</p>"
            f"<form method='post'>{buttons}</form>"
        )

    def register(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        """``POST /apps`` ``{"client_id", "allowed_return_urls": [...], "app_id"?}`` (administrative)."""
        try:
            if environ.get("REQUEST_METHOD") != "POST":
                raise ProviderError(405, {"error": "method_not_allowed", "error_description": "POST only"})
            try:
                order = json.loads(_read(environ) or "{}")
            except ValueError:
                order = None
            fields = {"client_id", "app_id", "allowed_return_urls"}
            if not isinstance(order, dict) or not set(order) <= fields:
                raise ProviderError(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "send {client_id, allowed_return_urls, app_id?} as JSON",
                    },
                )
            profile = self.amazon.apps.register(
                order.get("client_id"), order.get("allowed_return_urls"), order.get("app_id")
            )
            status, payload = (
                200,
                {
                    "client_id": profile.client_id,
                    "app_id": profile.app_id,
                    "allowed_return_urls": list(profile.allowed_return_urls),
                },
            )
        except ProviderError as error:
            status, payload = error.status, error.payload
        body = json.dumps(payload).encode()
        reasons = {200: "OK", 400: "Bad Request", 405: "Method Not Allowed"}
        start_response(
            f"{status} {reasons.get(status, 'Error')}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]


def _fields(text: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(text, keep_blank_values=True).items()}


def _read(environ: dict[str, Any]) -> str:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return ""
    return environ["wsgi.input"].read(min(length, MAX_FORM_BYTES)).decode("utf-8", "replace")


_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}"
    ".notice{background:#fff4d6;padding:.5rem}.error{color:#a00}"
    "button{display:block;width:100%;margin:.4rem 0;padding:.6rem;text-align:left;font-size:1rem}"
)


def _page(start_response: Any, status: int, title: str, body: str) -> list[bytes]:
    document = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>Login with Amazon (local stand-in)</h1>"
        f"<h2>{html.escape(title)}</h2>{body}</body></html>"
    ).encode()
    reasons = {200: "OK", 400: "Bad Request", 405: "Method Not Allowed"}
    start_response(
        f"{status} {reasons.get(status, 'Error')}",
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(document))),
            ("Cache-Control", "no-store"),
            # The page must not be framed by another site (clickjacking), as Amazon's sign-in page.
            ("X-Frame-Options", "DENY"),
            # No form-action: Chromium applies it to the redirect after the form, which leaves the origin.
            ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
        ],
    )
    return [document]

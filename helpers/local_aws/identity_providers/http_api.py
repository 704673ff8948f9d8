"""The stand-in providers' HTTP API, served by the local AWS over plain HTTP. LOCAL ONLY.

* ``GET  /_local_aws/providers``: the providers, their endpoints and the test users.
* ``/_local_aws/providers/<Logins key>/...``: each public provider's sign-in API (``POST .../token``
  with JSON ``{"user": "ana", "client_id": "..."}``) and the endpoints AWS uses to check its tokens
  (see each provider's module).
* ``/_local_aws/oidc/<name>/...``: a local OpenID Connect issuer: ``.well-known/openid-configuration``,
  ``jwks``, ``POST token``.

Token requests take JSON (or a form, as OAuth token endpoints do); answers are JSON. Being plain HTTP,
the API works from any process, language or browser, like the rest of the local AWS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

from . import StandInProviders
from .authorization_page import APPS_PATH, AUTHORIZATION_PATH, AuthorizationPage
from .open_id_connect import LOCAL_ISSUER_THUMBPRINT, OIDC_PATH, issuer_url
from .stand_in import PROVIDERS_PATH, TEST_USERS, HttpRequest, ProviderError, StandInProvider

MAX_BODY = 64 * 1024


def _answer(start_response: Any, status: int, payload: Any) -> list[bytes]:
    body = json.dumps(payload).encode()
    reason = {
        200: "OK",
        400: "Bad Request",
        401: "Unauthorized",
        404: "Not Found",
        405: "Method Not Allowed",
        413: "Too Large",
    }
    start_response(
        f"{status} {reason.get(status, 'Error')}",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


def _body(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise ProviderError(413, {"error": "invalid_request", "error_description": "request body too large"})
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw:
        return {}
    content_type = environ.get("CONTENT_TYPE", "")
    try:
        if content_type.startswith("application/x-www-form-urlencoded"):
            return {k: v[-1] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        parsed = None
    if not isinstance(parsed, dict):
        raise ProviderError(
            400, {"error": "invalid_request", "error_description": "send a JSON object (or a form)"}
        )
    return parsed


class IdentityProvidersLayer:
    """Answers ``/_local_aws/providers...`` and ``/_local_aws/oidc/...``; declines everything else."""

    def __init__(self, providers: StandInProviders) -> None:
        self.providers = providers

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        path = environ.get("PATH_INFO") or ""
        if not (path == PROVIDERS_PATH or path.startswith((PROVIDERS_PATH + "/", OIDC_PATH + "/"))):
            return None
        if path in (AUTHORIZATION_PATH, APPS_PATH):  # Login with Amazon's page for browsers; registration
            return AuthorizationPage(self.providers.amazon, self.providers.now)(environ, start_response)
        try:
            if path == PROVIDERS_PATH:
                return _answer(start_response, 200, self.index(self._base_url(environ)))
            provider: StandInProvider
            if path.startswith(OIDC_PATH + "/"):
                name, _, below = path[len(OIDC_PATH) + 1 :].partition("/")
                provider = self.providers.oidc.get(name)
            else:
                key, _, below = path[len(PROVIDERS_PATH) + 1 :].partition("/")
                found = self.providers.public.get(key)
                if found is None:
                    known = sorted(self.providers.public)
                    raise ProviderError(
                        404,
                        {"error": "not_found", "error_description": f"no stand-in for {key!r}; try {known}"},
                    )
                provider = found
            method = environ.get("REQUEST_METHOD", "GET")
            request = HttpRequest(
                method=method,
                path="/" + below,
                query={k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()},
                body=_body(environ) if method == "POST" else {},
                headers={"authorization": environ.get("HTTP_AUTHORIZATION", "")},
                base_url=self._base_url(environ),
            )
            status, payload = provider.answer(request, self.providers.now())
        except ProviderError as error:
            status, payload = error.status, error.payload
        return _answer(start_response, status, payload)

    @staticmethod
    def _base_url(environ: dict[str, Any]) -> str:
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
        return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"

    def index(self, base_url: str) -> dict[str, Any]:
        return {
            "local_only": True,
            "test_users": sorted(TEST_USERS),
            "providers": {
                key: {"title": provider.title, "token_endpoint": f"{base_url}{PROVIDERS_PATH}/{key}/token"}
                for key, provider in self.providers.public.items()
            },
            "oidc": {
                "issuer": issuer_url("<name>"),
                "discovery": f"{base_url}{OIDC_PATH}/<name>/.well-known/openid-configuration",
                "token_endpoint": f"{base_url}{OIDC_PATH}/<name>/token",
                "thumbprint": LOCAL_ISSUER_THUMBPRINT,
            },
        }

"""Signing test users in at the local AWS's stand-in identity providers (LOCAL AWS ONLY).

The local AWS imitates Login with Amazon, Facebook Login, Google Sign-In, Sign in with Apple and any
OpenID Connect issuer (``docs/local-identity-providers.md``). These helpers call their HTTP API, so they
work whether the local AWS runs in this process or another one::

    from helpers import identity_providers as idp

    token = idp.login_token("accounts.google.com", user="ana", client_id="my-app.apps.googleusercontent.com")
    cognito.get_id(IdentityPoolId=pool_id, Logins={"accounts.google.com": token})

Test users: ``ana``, ``ben``, ``chen``, ``dara``, ``eve``; no password. The endpoint is ``endpoint_url``
or ``AWS_ENDPOINT_URL`` (set by ``helpers.connect()`` and ``make lab``); against real AWS there is no
stand-in to call, and these helpers refuse to run.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from .local_aws.identity_providers.open_id_connect import (
    ISSUER_HOST,
    LOCAL_ISSUER_THUMBPRINT,
    OIDC_PATH,
    issuer_url,
    logins_key,
)
from .local_aws.identity_providers.stand_in import PROVIDERS_PATH, TEST_USERS

#: The Logins keys of the public providers the local AWS imitates.
PUBLIC_PROVIDERS = ("www.amazon.com", "graph.facebook.com", "accounts.google.com", "appleid.apple.com")
#: Providers whose Logins value is an access token; the others take an ID token ("Identity pools
# authentication flow", Cognito Developer Guide).
ACCESS_TOKEN_PROVIDERS = ("www.amazon.com", "graph.facebook.com")
USERS = tuple(TEST_USERS)

__all__ = [
    "ACCESS_TOKEN_PROVIDERS",
    "LOCAL_ISSUER_THUMBPRINT",
    "PUBLIC_PROVIDERS",
    "USERS",
    "LocalOidcIssuer",
    "SignInError",
    "amazon_token_info",
    "facebook_debug_token",
    "login_token",
    "oidc_issuer",
    "sign_in",
]


class SignInError(RuntimeError):
    """The stand-in refused (unknown user, bad client id...): ``status`` and the provider's ``payload``."""

    def __init__(self, status: int, payload: Any) -> None:
        super().__init__(f"HTTP {status}: {payload}")
        self.status = status
        self.payload = payload


@dataclass(frozen=True)
class LocalOidcIssuer:
    """A local OpenID Connect issuer: what IAM ``CreateOpenIDConnectProvider`` and a pool need."""

    name: str
    url: str  # https://oidc.local-aws.test/<name>: IAM's Url and the tokens' iss
    logins_key: str  # oidc.local-aws.test/<name>: the Logins key and the trust policies' key prefix
    thumbprint: str  # for ThumbprintList (fixed; local only)

    def provider_arn(self, account_id: str) -> str:
        """The ARN IAM gives the provider: ``arn:aws:iam::<acct>:oidc-provider/<host/path>``."""
        return f"arn:aws:iam::{account_id}:oidc-provider/{self.logins_key}"


def oidc_issuer(name: str) -> LocalOidcIssuer:
    """The local issuer called ``name`` (any of a-z, 0-9, inner ``-``; created on first use)."""
    return LocalOidcIssuer(name, issuer_url(name), logins_key(name), LOCAL_ISSUER_THUMBPRINT)


def _endpoint(endpoint_url: str | None) -> str:
    url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    if not url:
        raise RuntimeError(
            "the stand-in identity providers exist only in the local AWS: pass endpoint_url or set "
            "AWS_ENDPOINT_URL (helpers.connect() does)"
        )
    return url.rstrip("/")


def _base_path(provider: str) -> str:
    if provider in PUBLIC_PROVIDERS:
        return f"{PROVIDERS_PATH}/{provider}"
    if provider.startswith(ISSUER_HOST + "/"):
        return f"{OIDC_PATH}/{provider[len(ISSUER_HOST) + 1 :]}"
    raise ValueError(f"no stand-in for {provider!r}: use one of {PUBLIC_PROVIDERS} or {ISSUER_HOST}/<name>")


def _call(url: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method="GET" if body is None else "POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as error:
        try:
            payload = json.loads(error.read() or b"{}")
        except ValueError:
            payload = {}
        raise SignInError(error.code, payload) from None


def sign_in(
    provider: str,
    user: str,
    client_id: str,
    *,
    endpoint_url: str | None = None,
    audience: str | None = None,
    app_id: str | None = None,
) -> dict[str, Any]:
    """Sign ``user`` in at a stand-in provider for the app ``client_id``; the provider's token answer.

    ``provider`` is a Logins key: one of :data:`PUBLIC_PROVIDERS` or ``oidc.local-aws.test/<name>``.
    Login with Amazon and Facebook answer ``{"access_token", "token_type", "expires_in"}``, the others
    ``{"id_token", ...}``. ``audience`` (Google, OIDC) asks for a token whose ``aud`` is another client,
    ``client_id`` becoming ``azp``; ``app_id`` (Login with Amazon) names the security profile.
    """
    body: dict[str, Any] = {"user": user, "client_id": client_id}
    if audience is not None:
        body["audience"] = audience
    if app_id is not None:
        body["app_id"] = app_id
    return _call(f"{_endpoint(endpoint_url)}{_base_path(provider)}/token", body)


def login_token(provider: str, user: str, client_id: str, **options: Any) -> str:
    """The value to put under ``provider`` in ``Logins``: the access token or the ID token ("Identity pools
    authentication flow", Cognito Developer Guide)."""
    answer = sign_in(provider, user, client_id, **options)
    return answer["access_token"] if provider in ACCESS_TOKEN_PROVIDERS else answer["id_token"]


def amazon_token_info(access_token: str, endpoint_url: str | None = None) -> dict[str, Any]:
    """What Login with Amazon's ``tokeninfo`` says about a token (what AWS asks before trusting it)."""
    query = urllib.parse.urlencode({"access_token": access_token})
    return _call(f"{_endpoint(endpoint_url)}{PROVIDERS_PATH}/www.amazon.com/auth/o2/tokeninfo?{query}")


def facebook_debug_token(input_token: str, endpoint_url: str | None = None) -> dict[str, Any]:
    """What Facebook's ``debug_token`` says about a token (its ``data`` object)."""
    query = urllib.parse.urlencode({"input_token": input_token})
    return _call(f"{_endpoint(endpoint_url)}{PROVIDERS_PATH}/graph.facebook.com/debug_token?{query}")["data"]


def register_login_with_amazon_app(
    client_id: str,
    allowed_return_urls: list[str],
    *,
    app_id: str | None = None,
    endpoint_url: str | None = None,
) -> dict[str, Any]:
    """Register a web app with the stand-in Login with Amazon, as its console's security profile and
    "Allowed Return URLs" do, so its authorization page (``.../www.amazon.com/ap/oa``) accepts the app.

    Registering again adds return URLs (the earlier ones stay). An administrative call: only from this
    machine, never from a web page (the local AWS's administrative guard).
    """
    body: dict[str, Any] = {"client_id": client_id, "allowed_return_urls": allowed_return_urls}
    if app_id is not None:
        body["app_id"] = app_id
    return _call(f"{_endpoint(endpoint_url)}{PROVIDERS_PATH}/www.amazon.com/apps", body)


def login_with_amazon_authorization_url(endpoint_url: str | None = None) -> str:
    """The stand-in's authorization page, where a browser app sends the visitor (``/ap/oa``)."""
    return f"{_endpoint(endpoint_url)}{PROVIDERS_PATH}/www.amazon.com/ap/oa"


def login_with_amazon_token_url(endpoint_url: str | None = None) -> str:
    """The stand-in's token endpoint, where a browser app redeems its authorization code with its PKCE
    verifier (``POST /auth/o2/token``, as ``https://api.amazon.com/auth/o2/token``)."""
    return f"{_endpoint(endpoint_url)}{PROVIDERS_PATH}/www.amazon.com/auth/o2/token"

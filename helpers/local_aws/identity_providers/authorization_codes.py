"""Login with Amazon's authorization codes: the authorization code grant with PKCE. LOCAL ONLY.

What Login with Amazon documents for a browser app today ("Authorization Code Grant",
https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html; "Implicit Grant
(Deprecated)", https://developer.amazon.com/docs/login-with-amazon/implicit-grant.html: "Browser-Based
Apps and Single-Page Apps, that cannot use a client_secret, must use the Authorization Code grant with
PKCE extension"):

1. The page sends the visitor to ``/ap/oa`` with ``response_type=code``, a ``code_challenge`` and
   ``code_challenge_method`` (``S256`` recommended, ``plain`` allowed and the default), see
   :mod:`.authorization_page`; Amazon redirects back with ``?code=...&scope=...&state=...``.
2. The page exchanges the code at ``POST https://api.amazon.com/auth/o2/token`` (form-encoded
   ``grant_type=authorization_code``, ``code``, ``redirect_uri``, ``client_id``, ``code_verifier``; no
   ``client_secret`` in a browser app) for ``{"access_token", "token_type": "bearer", "expires_in"}``.
   Without a client secret the answer has no refresh token ("Generate LWA tokens with OAuth2 code",
   https://developer.amazon.com/docs/amazon-data-portability/lwa-access-token.html: "If no client_secret
   is passed, the response returns no refresh token").

A code is bound to the app (``client_id``), the ``redirect_uri`` and the ``code_challenge`` it was issued
for, and the verifier must hash to the challenge (RFC 7636, section 4.6). Refusals are OAuth's
``{"error", "error_description"}`` (RFC 6749, section 5.2), with the error codes of the guide's "Access
Token Errors": ``invalid_request``, ``invalid_grant``, ``unsupported_grant_type`` (HTTP 400) and
``invalid_client`` (401); the descriptions are the stand-in's own words (Amazon's are UNCONFIRMED).

UNCONFIRMED, chosen as the most plausible:

* a code lives **5 minutes** (the guide gives no lifetime; RFC 6749, section 4.1.2, asks for at most 10);
* a code is **spent by its first redemption**, successful or not, so a stolen code cannot be tried
  against many verifiers; presenting it again is ``invalid_grant``, and the access token it was exchanged
  for is revoked (RFC 6749, section 4.1.2: the server "SHOULD revoke ... all tokens previously issued
  based on that authorization code").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass, replace
from typing import Any

from .stand_in import ProviderError, TestUser

CODE_SECONDS = 300
#: RFC 7636, section 4.1/4.2: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
PKCE_VALUE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
CHALLENGE_METHODS = ("S256", "plain")
#: Codes of this length and alphabet, as Amazon's (``ANxxxxxxxxxxxxxxxxxx``, 20 characters).
CODE_PREFIX, CODE_LENGTH = "AN", 18


def token_error(error: str, description: str, status: int = 400) -> ProviderError:
    """The token endpoint's refusal (RFC 6749, section 5.2)."""
    return ProviderError(status, {"error": error, "error_description": description})


class CodeAlreadyUsed(ProviderError):
    """``invalid_grant`` for a spent code, with the access token it gave (to be revoked)."""

    def __init__(self, access_token: str | None) -> None:
        super().__init__(
            400,
            {"error": "invalid_grant", "error_description": "The authorization code has already been used"},
        )
        self.access_token = access_token


def s256(code_verifier: str) -> str:
    """``BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`` without padding (RFC 7636, section 4.2)."""
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class AuthorizationCode:
    """What one code was issued for, and (once redeemed) the access token it gave."""

    code: str
    user: TestUser
    client_id: str
    app_id: str
    redirect_uri: str
    scope: str
    code_challenge: str
    code_challenge_method: str
    expires_at: float
    spent: bool = False
    access_token: str | None = None

    def verifies(self, code_verifier: str) -> bool:
        expected = s256(code_verifier) if self.code_challenge_method == "S256" else code_verifier
        return hmac.compare_digest(expected.encode("ascii"), self.code_challenge.encode("ascii"))


class AuthorizationCodes:
    """The codes the authorization page issued, until they expire (forgotten by the local AWS's reset)."""

    def __init__(self) -> None:
        self._codes: dict[str, AuthorizationCode] = {}
        self._lock = threading.Lock()

    def issue(
        self,
        user: TestUser,
        client_id: str,
        app_id: str,
        redirect_uri: str,
        scope: str,
        code_challenge: str,
        code_challenge_method: str,
        now: float,
    ) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        code = CODE_PREFIX + "".join(secrets.choice(alphabet) for _ in range(CODE_LENGTH))
        issued = AuthorizationCode(
            code,
            user,
            client_id,
            app_id,
            redirect_uri,
            scope,
            code_challenge,
            code_challenge_method,
            now + CODE_SECONDS,
        )
        with self._lock:
            for stale in [c for c, v in self._codes.items() if v.expires_at < now]:
                del self._codes[stale]
            self._codes[code] = issued
        return code

    def redeem(
        self, code: str, client_id: str, redirect_uri: str, code_verifier: str, now: float
    ) -> AuthorizationCode:
        """The code's grant, spent now; or ``invalid_grant`` (unknown, expired, spent, issued to another
        client or ``redirect_uri``, or a verifier that does not hash to its challenge). A code presented
        again raises :class:`CodeAlreadyUsed`, which names the token it gave, so the caller can revoke it."""
        with self._lock:
            found = self._codes.get(code)
            if found is not None and not found.spent:
                self._codes[code] = replace(found, spent=True)
        if found is None or now >= found.expires_at:
            raise token_error("invalid_grant", "The authorization code is invalid or has expired")
        if found.spent:
            raise CodeAlreadyUsed(found.access_token)
        if client_id != found.client_id:
            raise token_error("invalid_grant", "The authorization code was issued to another client_id")
        if redirect_uri != found.redirect_uri:
            raise token_error(
                "invalid_grant", "The redirect_uri does not match the one of the authorization request"
            )
        if not found.verifies(code_verifier):
            raise token_error("invalid_grant", "The code_verifier does not match the code_challenge")
        return found

    def spent_for(self, code: str, access_token: str) -> None:
        """Remember the token a code gave (revoked if the code is presented again)."""
        with self._lock:
            found = self._codes.get(code)
            if found is not None:
                self._codes[code] = replace(found, access_token=access_token)


def access_token_request(fields: dict[str, Any]) -> tuple[str, str, str, str]:
    """``(code, client_id, redirect_uri, code_verifier)`` of an ``authorization_code`` token request, or
    the refusal of a malformed one (RFC 6749, section 4.1.3; RFC 7636, section 4.5)."""
    grant_type = fields.get("grant_type")
    if not grant_type:
        raise token_error("invalid_request", "grant_type is required")
    if grant_type == "refresh_token":
        # Login with Amazon gives a browser app (no client secret) no refresh token, nor does the stand-in.
        raise token_error("invalid_grant", "The refresh token is invalid")
    if grant_type != "authorization_code":
        raise token_error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
    missing = [
        name for name in ("code", "client_id", "redirect_uri", "code_verifier") if not fields.get(name)
    ]
    if missing:
        raise token_error("invalid_request", f"missing required parameter(s): {', '.join(missing)}")
    values = [fields[name] for name in ("code", "client_id", "redirect_uri", "code_verifier")]
    if not all(isinstance(value, str) for value in values):
        raise token_error("invalid_request", "code, client_id, redirect_uri and code_verifier are strings")
    if not PKCE_VALUE.fullmatch(values[3]):
        raise token_error("invalid_request", "code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~")
    return values[0], values[1], values[2], values[3]

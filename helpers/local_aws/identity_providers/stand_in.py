"""What every stand-in identity provider shares: test users, issued tokens, signing keys, the HTTP shape.

LOCAL ONLY. Nothing here talks to Amazon, Facebook, Google or Apple: these are small imitations, so a
notebook can sign a user in "with Google" offline and hand the token to the identity pool, which then
checks it the way AWS checks the real provider's tokens.

Test users: :data:`TEST_USERS` (``ana``, ``ben``, ``chen``, ``dara``, ``eve``). Signing in takes only the
user name: there is no password, because there is nothing to protect and a password in a notebook would
teach the wrong habit. Each provider gives a user a stable id of its own shape (same user, same id,
in every run), as the real provider does.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: The sign-in APIs live under ``/_local_aws/providers/<Logins key>/...``.
PROVIDERS_PATH = "/_local_aws/providers"
#: Client and app ids the caller names (the real providers issue them when an app is registered).
CLIENT_ID = re.compile(r"[\w.:/@-]{1,128}")


@dataclass(frozen=True)
class TestUser:
    """A person who can sign in at every stand-in provider (no password)."""

    user_name: str
    given_name: str
    family_name: str

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def email(self) -> str:
        return f"{self.user_name}@example.com"  # RFC 2606: never a real mailbox


TEST_USERS: dict[str, TestUser] = {
    user.user_name: user
    for user in (
        TestUser("ana", "Ana", "Alves"),
        TestUser("ben", "Ben", "Okafor"),
        TestUser("chen", "Chen", "Wei"),
        TestUser("dara", "Dara", "Nguyen"),
        TestUser("eve", "Eve", "Mallory"),  # the classic attacker, for the security lessons
    )
}


class ProviderError(Exception):
    """An answer in the provider's own error shape (OAuth's ``{"error", "error_description"}`` or similar).

    ``expired_at`` is set when the token exists but has expired, so an in-process caller (the identity
    pool) can tell "expired" from "never issued" as it would from the provider's answer.
    """

    def __init__(self, status: int, payload: dict[str, Any], expired_at: float | None = None) -> None:
        super().__init__(json.dumps(payload))
        self.status = status
        self.payload = payload
        self.expired_at = expired_at


def invalid_request(description: str) -> ProviderError:
    return ProviderError(400, {"error": "invalid_request", "error_description": description})


def find_user(user_name: Any) -> TestUser:
    user = TEST_USERS.get(user_name) if isinstance(user_name, str) else None
    if user is None:
        raise invalid_request(f"unknown test user {user_name!r}; the test users are {', '.join(TEST_USERS)}")
    return user


def checked_client_id(value: Any, field_name: str = "client_id") -> str:
    if not isinstance(value, str) or not CLIENT_ID.fullmatch(value):
        raise invalid_request(f"{field_name} must be 1-128 characters of letters, digits and . _ : / @ -")
    return value


def sign_in_fields(body: dict[str, Any], optional: set[str]) -> dict[str, Any]:
    """A token request's fields: ``user`` and ``client_id``, plus the provider's ``optional`` ones."""
    unknown = sorted(set(body) - {"user", "client_id"} - optional)
    if unknown:
        raise invalid_request(
            f"unknown field(s) {unknown}; send user, client_id and optionally {sorted(optional)}"
        )
    return body


def stable_digits(seed: str, count: int) -> str:
    """``count`` decimal digits derived from ``seed``: stable across runs, different per seed."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    return str(number % 10**count).zfill(count)


def stable_text(seed: str, count: int, alphabet: str = string.ascii_uppercase + string.digits) -> str:
    digest = hashlib.sha256(seed.encode()).digest() * (1 + count // 32)
    return "".join(alphabet[byte % len(alphabet)] for byte in digest[:count])


def random_token(prefix: str, length: int) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


@dataclass(frozen=True)
class HttpRequest:
    """A request to a stand-in provider, already parsed by the HTTP layer."""

    method: str
    path: str  # below the provider's prefix, e.g. "/token"
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    base_url: str = ""  # the local AWS's URL as the client reached it, for links in documents

    def bearer_token(self) -> str | None:
        """``Authorization: Bearer <token>``, else an ``access_token`` query parameter."""
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and value:
            return value.strip()
        return self.query.get("access_token")


Answer = tuple[int, dict[str, Any]]
Route = Callable[[HttpRequest, float], Answer]


class StandInProvider:
    """A provider's sign-in API: ``routes`` maps ``(method, path)`` to a handler ``(request, now)``."""

    key: str = ""  # the Logins key, e.g. "www.amazon.com"
    title: str = ""

    def routes(self) -> dict[tuple[str, str], Route]:
        raise NotImplementedError

    def answer(self, request: HttpRequest, now: float) -> Answer:
        routes = self.routes()
        route = routes.get((request.method, request.path))
        if route is None:
            if any(path == request.path for _, path in routes):
                return 405, {
                    "error": "method_not_allowed",
                    "error_description": f"{request.method} not allowed",
                }
            known = sorted({f"{method} {path}" for method, path in routes})
            return 404, {"error": "not_found", "error_description": f"{self.title} stand-in offers {known}"}
        try:
            return route(request, now)
        except ProviderError as error:
            return error.status, error.payload


# -- opaque access tokens (Login with Amazon, Facebook) --------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    token: str
    user: TestUser
    user_id: str
    client_id: str
    app_id: str
    issued_at: float
    expires_at: float


class OpaqueTokens:
    """Access tokens a provider issued; only the provider can say what one means (AWS asks it) ("Identity
    pools authentication flow", Cognito Developer Guide)."""

    #: Expired tokens are remembered this long, so they are reported as expired rather than unknown.
    KEEP_EXPIRED_SECONDS = 7 * 86_400

    def __init__(self, prefix: str, length: int) -> None:
        self.prefix = prefix
        self.length = length
        self._tokens: dict[str, IssuedToken] = {}
        self._lock = threading.Lock()

    def issue(
        self, user: TestUser, user_id: str, client_id: str, app_id: str, now: float, lifetime: int
    ) -> IssuedToken:
        issued = IssuedToken(
            random_token(self.prefix, self.length), user, user_id, client_id, app_id, now, now + lifetime
        )
        with self._lock:
            for stale in [
                t for t, v in self._tokens.items() if v.expires_at + self.KEEP_EXPIRED_SECONDS < now
            ]:
                del self._tokens[stale]
            self._tokens[issued.token] = issued
        return issued

    def revoke(self, token: str) -> None:
        """Forget ``token``: from now on the provider answers it as invalid."""
        with self._lock:
            self._tokens.pop(token, None)

    def find(self, token: Any) -> IssuedToken | None:
        if not isinstance(token, str):
            return None
        with self._lock:
            return self._tokens.get(token)


# -- signed ID tokens (Google, Sign in with Apple, the local OpenID Connect issuers) ----------------


class SigningKey:
    """One RSA key pair per issuer, generated on first use (never at start-up: it costs ~50 ms)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._private_key: Any = None
        self._jwk: dict[str, Any] | None = None

    def _ensure(self) -> tuple[Any, dict[str, Any]]:
        with self._lock:
            if self._private_key is None:
                import jwt
                from cryptography.hazmat.primitives.asymmetric import rsa

                self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._private_key.public_key()))
                # kid: the RFC 7638 thumbprint, shortened, as many providers derive theirs.
                canonical = json.dumps({k: public[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
                kid = hashlib.sha256(canonical.encode()).hexdigest()[:16]
                self._jwk = {**public, "kid": kid, "use": "sig", "alg": "RS256"}
            assert self._jwk is not None
            return self._private_key, self._jwk

    def sign(self, claims: dict[str, Any]) -> str:
        import jwt

        private_key, jwk = self._ensure()
        return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": jwk["kid"]})

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self._ensure()[1]]}

    def public_keys(self) -> dict[str, dict[str, Any]]:
        """``kid`` -> JWK; empty until the first token (no key exists that could have signed one)."""
        with self._lock:
            return {} if self._jwk is None else {self._jwk["kid"]: dict(self._jwk)}


class IdTokenProvider(StandInProvider):
    """A provider that signs RS256 ID tokens and publishes its keys (JWKS) and OpenID discovery."""

    issuer: str = ""
    lifetime: int = 3600
    #: Where the real provider publishes its JWKS, below this provider's prefix.
    jwks_path: str = "/jwks"
    #: Whether a token may be asked for another audience (``aud``), the client becoming ``azp``.
    supports_audience: bool = True

    def __init__(self) -> None:
        self.signing_key = SigningKey()

    def claims(self, user: TestUser, client_id: str, now: int, options: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def sign_in(self, user_name: Any, client_id: Any, now: float, audience: Any = None) -> dict[str, Any]:
        """The token endpoint's answer: ``{"id_token", "token_type", "expires_in"}``.

        ``audience``, when given, becomes ``aud`` and ``client_id`` becomes ``azp`` (the party the token
        was issued to), as when an Android app asks Google for a token for its web back end.
        """
        user = find_user(user_name)
        client = checked_client_id(client_id)
        if audience is not None and not self.supports_audience:
            raise invalid_request(f"{self.title} issues tokens for the client_id only (no audience)")
        options = {} if audience is None else {"audience": checked_client_id(audience, "audience")}
        claims = self.claims(user, client, int(now), options)
        return {
            "id_token": self.signing_key.sign(claims),
            "token_type": "Bearer",
            "expires_in": self.lifetime,
        }

    def discovery(self, base_url: str) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "jwks_uri": f"{base_url}{self.prefix}{self.jwks_path}",
            "token_endpoint": f"{base_url}{self.prefix}/token",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    @property
    def prefix(self) -> str:
        return f"{PROVIDERS_PATH}/{self.key}"

    def routes(self) -> dict[tuple[str, str], Route]:
        def token(request: HttpRequest, now: float) -> Answer:
            body = sign_in_fields(request.body, {"audience"} if self.supports_audience else set())
            return 200, self.sign_in(body.get("user"), body.get("client_id"), now, body.get("audience"))

        def jwks(request: HttpRequest, now: float) -> Answer:
            return 200, self.signing_key.jwks()

        def discovery(request: HttpRequest, now: float) -> Answer:
            return 200, self.discovery(request.base_url)

        return {
            ("POST", "/token"): token,
            ("GET", "/jwks"): jwks,
            ("GET", self.jwks_path): jwks,
            ("GET", "/.well-known/openid-configuration"): discovery,
        }

"""Checking the tokens in a request's ``Logins`` map, as the identity-pool service does [§7].

Each Logins key names a provider; its token is checked against what the pool configures for that
provider, and only a token that passes becomes a :class:`~.models.VerifiedLogin`. If one token fails,
the whole call fails [§7]. Providers other than Cognito user pools and the developer provider are
added by :meth:`LoginVerifier.register`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..id_tokens import CLOCK_SKEW_SECONDS  # about 5 minutes, as AWS allows [§4, §7]
from . import exceptions as errors
from .models import DEVELOPER_LOGIN_KEY, USER_POOL_PROVIDER, IdentityPool, VerifiedLogin
from .open_id_token import InvalidOpenIdToken, OpenIdTokenSigner

ProviderCheck = Callable[[IdentityPool, str, str, float], VerifiedLogin]


def not_supported() -> errors.NotAuthorizedException:
    return errors.NotAuthorizedException("Token is not from a supported provider of this identity pool.")


def not_an_id_token() -> errors.NotAuthorizedException:
    return errors.NotAuthorizedException("Invalid login token. Not a valid OpenId Connect identity token.")


def not_verified() -> errors.NotAuthorizedException:
    return errors.NotAuthorizedException("Invalid login token. Couldn't verify signed token.")


class LoginVerifier:
    """Verifies Logins maps for one local AWS.

    ``fetch_json(path)`` reads a document from the wrapped moto application (a user pool's JWKS at
    ``/<userPoolId>/.well-known/jwks.json``), the way Cognito fetches a provider's keys.
    """

    def __init__(
        self,
        fetch_json: Callable[[str], Any],
        signer: OpenIdTokenSigner,
        group_roles: Callable[[str, str], tuple[str | None, int | None]] | None = None,
        local_time_of: Callable[[float], float] = float,
    ) -> None:
        self._fetch_json = fetch_json
        self._local_time_of = local_time_of
        self._group_roles = group_roles
        self._signer = signer
        self._jwks: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._checks: list[tuple[Callable[[str], bool], ProviderCheck]] = [
            (lambda name: USER_POOL_PROVIDER.fullmatch(name) is not None, self._user_pool),
            (lambda name: name == DEVELOPER_LOGIN_KEY, self._developer),
        ]

    def register(self, matches: Callable[[str], bool], check: ProviderCheck) -> None:
        """Add a provider: ``check(pool, provider, token, now)`` returns the login or raises."""
        self._checks.append((matches, check))

    def verify(self, pool: IdentityPool, logins: dict[str, str], now: float) -> list[VerifiedLogin]:
        if not logins:
            return []
        configured = pool.configured_providers()
        if not configured:
            raise errors.NotAuthorizedException(
                f"Identity pool - {pool.identity_pool_id} does not have identity providers configured."
            )
        verified = []
        for provider, token in logins.items():
            if provider not in configured:
                raise not_supported()
            check = next((check for matches, check in self._checks if matches(provider)), None)
            if check is None:
                raise not_supported()
            verified.append(check(pool, provider, token, now))
        return verified

    # -- Cognito user pools -----------------------------------------------------------------------

    def _user_pool_keys(self, user_pool_id: str) -> dict[str, Any]:
        with self._lock:
            if user_pool_id not in self._jwks:
                document = self._fetch_json(f"/{user_pool_id}/.well-known/jwks.json")
                if not isinstance(document, dict) or "keys" not in document:
                    raise not_verified()
                self._jwks[user_pool_id] = {key.get("kid"): key for key in document["keys"]}
            return self._jwks[user_pool_id]

    def _user_pool(self, pool: IdentityPool, provider: str, token: str, now: float) -> VerifiedLogin:
        """An ID token of a user pool configured on the identity pool, for one of its ClientIds [§7]."""
        import jwt

        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise not_an_id_token() from None
        if not isinstance(unverified, dict) or unverified.get("iss") != f"https://{provider}":
            raise errors.NotAuthorizedException("Invalid login token. Issuer doesn't match providerName")
        if unverified.get("token_use") != "id":
            raise not_an_id_token()  # an access token where an ID token is expected
        user_pool_id = USER_POOL_PROVIDER.fullmatch(provider).group("pool")
        key = self._user_pool_keys(user_pool_id).get(header.get("kid"))
        if key is None or header.get("alg") != "RS256":
            raise not_verified()  # unknown kid, or "alg": "none" / HS256 tricks
        try:
            claims = jwt.decode(
                token,
                jwt.PyJWK(key).key,
                algorithms=["RS256"],
                options={"verify_exp": False, "verify_iat": False, "verify_aud": False, "verify_nbf": False},
            )
        except jwt.PyJWTError:
            raise not_verified() from None
        exp, iat = claims.get("exp"), claims.get("iat")
        if not isinstance(exp, (int, float)) or not isinstance(iat, (int, float)):
            raise not_an_id_token()
        # moto stamps its tokens in real time; the local AWS judges them by its own (movable) clock.
        exp = self._local_time_of(iat) + (exp - iat)
        if now >= exp:
            raise errors.NotAuthorizedException(
                f"Invalid login token. Token expired: {int(now)} >= {int(exp)}"
            )
        if self._local_time_of(iat) > now + CLOCK_SKEW_SECONDS:
            raise not_verified()  # UNCONFIRMED wording for a token issued in the future
        client_ids = [
            p.get("ClientId") for p in pool.cognito_identity_providers if p["ProviderName"] == provider
        ]
        if claims.get("aud") not in client_ids:
            raise not_supported()
        subject = str(claims.get("sub", ""))
        if self._group_roles and "cognito:groups" in claims and "cognito:roles" not in claims:
            claims.update(self._roles_claims(user_pool_id, claims["cognito:groups"]))
        return VerifiedLogin(
            provider=provider,
            subject=subject,
            amr=(provider, f"{provider}:CognitoSignIn:{subject}"),
            claims=claims,
        )

    def _roles_claims(self, user_pool_id: str, groups: list[str]) -> dict[str, Any]:
        """``cognito:roles`` and ``cognito:preferred_role`` from the user's groups.

        Cognito puts both in the ID token of a user whose groups have IAM roles (the role of the group
        with the lowest Precedence is preferred; a tie leaves it out) [§9]. moto's tokens carry only
        ``cognito:groups``, so the local AWS derives the two claims here, as the token would have had them.
        """
        assert self._group_roles is not None
        ranked = []
        for group in groups:
            role, precedence = self._group_roles(user_pool_id, group)
            if role:
                ranked.append((precedence if precedence is not None else 2**31, role))
        claims: dict[str, Any] = {}
        if ranked:
            claims["cognito:roles"] = sorted({role for _, role in ranked})
            lowest = min(precedence for precedence, _ in ranked)
            preferred = {role for precedence, role in ranked if precedence == lowest}
            if len(preferred) == 1:
                claims["cognito:preferred_role"] = preferred.pop()
        return claims

    # -- developer-authenticated identities -------------------------------------------------------

    def _developer(self, pool: IdentityPool, provider: str, token: str, now: float) -> VerifiedLogin:
        """A token from GetOpenIdTokenForDeveloperIdentity for this pool, passed back under
        ``cognito-identity.amazonaws.com`` as the JS SDK's enhanced-flow example does [§3].

        The login's subject is the identity the token was issued to (its ``sub``); the developer user
        comes from its amr (``<provider>:<poolId>:<user>`` [§4]) so the backend can check that the
        user is still linked to that identity. It proves that identity and links nothing.
        """
        try:
            claims = self._signer.verify(token, now)
        except InvalidOpenIdToken as error:
            if error.expired:
                raise errors.NotAuthorizedException(f"Invalid login token. {error}") from None
            raise not_verified() from None
        if claims.identity_pool_id != pool.identity_pool_id:
            raise not_supported()
        prefix = f"{pool.developer_provider_name}:{pool.identity_pool_id}:"
        users = [value[len(prefix) :] for value in claims.amr if value.startswith(prefix)]
        if not claims.amr or claims.amr[0] != "authenticated" or not users:
            # A GetOpenIdToken token (guest or other provider) is no developer login (UNCONFIRMED).
            raise not_supported()
        return VerifiedLogin(
            provider=provider,
            subject=claims.identity_id,
            amr=tuple(claims.amr[1:]),
            claims={"developer_user_identifier": users[0], "principal_tags": claims.principal_tags},
        )

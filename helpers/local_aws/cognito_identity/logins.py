"""Checking the tokens in a request's ``Logins`` map, as the identity-pool service does ("Identity pools
authentication flow", Cognito Developer Guide).

Each Logins key names a provider; its token is checked against what the pool configures for that
provider, and only a token that passes becomes a :class:`~.models.VerifiedLogin`. If one token fails,
the whole call fails ("Identity pools authentication flow", Cognito Developer Guide). Providers other than
Cognito user pools and the developer provider are
added by :meth:`LoginVerifier.register`.

Every JWT goes through the one token checker (:func:`..id_tokens.verify_token`); its typed refusals
are worded for identity pools in one table, :data:`.exceptions.REFUSALS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..id_tokens import IdTokenRejected, verify_token
from . import exceptions as errors
from .open_id_token import InvalidOpenIdToken, OpenIdTokenSigner
from .records import DEVELOPER_LOGIN_KEY, USER_POOL_PROVIDER, IdentityPool, VerifiedLogin

ProviderCheck = Callable[[IdentityPool, str, str, float], VerifiedLogin]


class LoginVerifier:
    """Verifies Logins maps for one local AWS.

    ``user_pool_keys()`` gives the user pools' public keys (``kid`` → JWK): those of the key this local
    AWS signs user pool tokens with, as Cognito reads a pool's ``jwks.json``.
    """

    def __init__(
        self,
        user_pool_keys: Callable[[], Mapping[str, Mapping[str, Any]]],
        signer: OpenIdTokenSigner,
    ) -> None:
        self._user_pool_keys = user_pool_keys
        self._signer = signer
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
            raise errors.no_identity_providers(pool.identity_pool_id)
        verified = []
        for provider, token in logins.items():
            if provider not in configured:
                raise errors.not_supported()
            check = next((check for matches, check in self._checks if matches(provider)), None)
            if check is None:
                raise errors.not_supported()
            verified.append(check(pool, provider, token, now))
        return verified

    # -- Cognito user pools -----------------------------------------------------------------------

    def _user_pool(self, pool: IdentityPool, provider: str, token: str, now: float) -> VerifiedLogin:
        """An ID token of a user pool configured on the identity pool, for one of its ClientIds ("Identity
        pools authentication flow", Cognito Developer Guide).

        ``cognito:roles`` and ``cognito:preferred_role`` are read from the token, where the user pool
        put them when it issued it, as AWS's identity pools read them.
        """
        client_ids = [
            p.get("ClientId") for p in pool.cognito_identity_providers if p["ProviderName"] == provider
        ]
        try:
            claims = verify_token(
                token,
                issuers={f"https://{provider}"},
                keys=self._user_pool_keys(),
                now=now,
                token_use="id",
                accepted_audiences=[client for client in client_ids if isinstance(client, str)],
            )
        except IdTokenRejected as error:
            raise errors.refusal(error) from None
        subject = str(claims["sub"])
        return VerifiedLogin(
            provider=provider,
            subject=subject,
            amr=(provider, f"{provider}:CognitoSignIn:{subject}"),
            claims=claims,
        )

    # -- developer-authenticated identities -------------------------------------------------------

    def _developer(self, pool: IdentityPool, provider: str, token: str, now: float) -> VerifiedLogin:
        """A token from GetOpenIdTokenForDeveloperIdentity for this pool, passed back under
        ``cognito-identity.amazonaws.com`` as the JS SDK's enhanced-flow example does ("Identity pools
        authentication flow", Cognito Developer Guide).

        The login's subject is the identity the token was issued to (its ``sub``); the developer user
        comes from its amr (``<provider>:<poolId>:<user>`` (GetOpenIdToken, Cognito Identity API Reference))
        so the backend can check that the
        user is still linked to that identity. It proves that identity and links nothing.
        """
        try:
            claims = self._signer.verify(token, now)
        except InvalidOpenIdToken as error:
            raise errors.refusal(error.refusal) from None
        if claims.identity_pool_id != pool.identity_pool_id:
            raise errors.not_supported()
        prefix = f"{pool.developer_provider_name}:{pool.identity_pool_id}:"
        users = [value[len(prefix) :] for value in claims.amr if value.startswith(prefix)]
        if not claims.amr or claims.amr[0] != "authenticated" or not users:
            # A GetOpenIdToken token (guest or other provider) is no developer login (UNCONFIRMED).
            raise errors.not_supported()
        return VerifiedLogin(
            provider=provider,
            subject=claims.identity_id,
            amr=tuple(claims.amr[1:]),
            claims={"developer_user_identifier": users[0], "principal_tags": claims.principal_tags},
        )

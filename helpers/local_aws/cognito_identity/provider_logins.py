"""Logins from public identity providers and OpenID Connect providers, checked as identity pools check them.

Registered with :class:`~.logins.LoginVerifier` by the application factory. Per provider ("Identity pools
authentication flow", Cognito Developer Guide):

* ``www.amazon.com`` and ``graph.facebook.com`` send an opaque **access token**; the pool asks the
  provider what it is for (Login with Amazon's ``tokeninfo``, Facebook's ``debug_token``; here the
  stand-in, in-process) and accepts it only when it is valid and was issued to an app id the pool
  configures for that provider.
* ``accounts.google.com`` and ``appleid.apple.com`` send an **ID token**: RS256 signature by the provider's
  key, ``iss``, ``exp`` (``Token expired: <now> >= <exp>``), ``iat`` with five minutes of skew, and
  ``aud`` (Google: or ``azp``) one of the configured client ids.
* An **OpenID Connect provider** sends an ID token under its name (``host/path``); the pool must list the
  IAM provider's ARN in ``OpenIdConnectProviderARNs``, ``iss`` must be ``https://<name>``, and the IAM
  provider's thumbprint and client ids apply (:mod:`..iam.oidc_providers`).

``SupportedLoginProviders`` values may list several app ids separated by ``;`` (the model's pattern
``[\\w.;_/-]+`` allows it; the console asks for one id per app), so a token may match any of them.

A login's ``amr`` entries are ``<provider>`` and ``<provider>:<app id>:<user id>`` for public providers
(the third element UNCONFIRMED: GetOpenIdToken's page in the Cognito Identity API Reference says
"probably"), and ``<host/path>`` and ``arn:aws:iam::<acct>:oidc-provider/<host/path>:OIDC:<sub>`` for OIDC
providers (GetOpenIdToken, Cognito Identity API Reference; catnekaise's write-up of GitHub Actions tokens).
"""

from __future__ import annotations

from collections.abc import Callable

from ..iam.oidc_providers import OidcProviders, provider_name
from ..id_tokens import (
    OIDC_EXPIRY_GRACE_SECONDS,
    IdTokenRejected,
    WrongIssuer,
    audiences,
    unverified,
    verify_token,
)
from ..identity_providers import StandInProviders
from ..identity_providers.google import ISSUERS as GOOGLE_ISSUERS
from ..identity_providers.stand_in import ProviderError
from . import exceptions as errors
from .logins import LoginVerifier
from .records import PUBLIC_PROVIDERS, IdentityPool, VerifiedLogin

ProviderCheck = Callable[[IdentityPool, str, str, float], VerifiedLogin]


def configured_app_ids(pool: IdentityPool, provider: str) -> list[str]:
    """The app/client ids the pool accepts for a public provider (``;``-separated in the pool's value)."""
    value = pool.supported_login_providers.get(provider) or ""
    return [part.strip() for part in value.split(";") if part.strip()]


class ProviderLogins:
    """The checks for the four public providers and for OpenID Connect providers."""

    def __init__(self, providers: StandInProviders, oidc: OidcProviders) -> None:
        self.providers = providers
        self.oidc = oidc

    def register(self, verifier: LoginVerifier) -> None:
        checks: dict[str, ProviderCheck] = {
            "www.amazon.com": self.login_with_amazon,
            "graph.facebook.com": self.facebook,
            "accounts.google.com": self.google,
            "appleid.apple.com": self.apple,
        }
        for key, check in checks.items():
            verifier.register(lambda name, key=key: name == key, check)
        # Any other non-ARN name the pool accepts is an OpenID Connect provider's host/path (user pools
        # and the developer provider are matched by earlier checks; SAML providers' keys are ARNs).
        verifier.register(
            lambda name: name not in PUBLIC_PROVIDERS and not name.startswith("arn:"), self.open_id_connect
        )

    # -- opaque access tokens ---------------------------------------------------------------------

    def login_with_amazon(self, pool: IdentityPool, provider: str, token: str, now: float) -> VerifiedLogin:
        """Ask Login with Amazon's ``tokeninfo``; the pool's id may be the app id or the client id ("Identity
        pools authentication flow", Cognito Developer Guide)."""
        try:
            info = self.providers.amazon.token_info(token, now)
        except ProviderError as error:
            if error.expired_at is not None:
                raise errors.expired(now, error.expired_at) from None  # wording UNCONFIRMED for access tokens
            raise errors.invalid_access_token() from None
        accepted = configured_app_ids(pool, provider)
        app_id = next((value for value in (info["app_id"], info["aud"]) if value in accepted), None)
        if app_id is None:
            raise errors.not_supported()
        user_id = info["user_id"]
        return VerifiedLogin(
            provider=provider,
            subject=user_id,
            # third element UNCONFIRMED (GetOpenIdToken, Cognito Identity API Reference)
            amr=(provider, f"{provider}:{app_id}:{user_id}"),
            claims={"aud": info["aud"], "app_id": info["app_id"], "user_id": user_id, "iss": info["iss"]},
        )

    def facebook(self, pool: IdentityPool, provider: str, token: str, now: float) -> VerifiedLogin:
        """Ask Facebook's ``debug_token``: valid, and issued to the app id the pool configures ("Identity
        pools authentication flow", Cognito Developer Guide)."""
        data = self.providers.facebook.debug_token(token, now)
        if not data.get("is_valid"):
            if isinstance(data.get("expires_at"), int) and data.get("user_id"):
                raise errors.expired(now, data["expires_at"])  # wording UNCONFIRMED for access tokens
            raise errors.invalid_access_token()
        app_id = data["app_id"]
        if app_id not in configured_app_ids(pool, provider):
            raise errors.not_supported()
        user_id = data["user_id"]
        return VerifiedLogin(
            provider=provider,
            subject=user_id,
            # third element UNCONFIRMED (GetOpenIdToken, Cognito Identity API Reference)
            amr=(provider, f"{provider}:{app_id}:{user_id}"),
            claims={"aud": app_id, "sub": user_id, "app_id": app_id, "user_id": user_id},
        )

    # -- ID tokens --------------------------------------------------------------------------------

    def _id_token(
        self,
        pool: IdentityPool,
        provider: str,
        token: str,
        now: float,
        issuers: tuple[str, ...],
        parties: tuple[str, ...],
    ) -> VerifiedLogin:
        accepted = configured_app_ids(pool, provider)
        try:
            claims = verify_token(
                token,
                issuers=issuers,
                keys=self.providers.signing_keys(issuers[0]),
                now=now,
                accepted_audiences=accepted,
                audience_claims=("aud", *parties),
            )
        except IdTokenRejected as error:
            raise errors.refusal(error) from None
        candidates = [*audiences(claims), *(claims.get(name) for name in parties)]
        app_id = next(value for value in candidates if isinstance(value, str) and value in accepted)
        subject = str(claims["sub"])
        return VerifiedLogin(
            provider=provider,
            subject=subject,
            # third element UNCONFIRMED (GetOpenIdToken, Cognito Identity API Reference)
            amr=(provider, f"{provider}:{app_id}:{subject}"),
            claims=claims,
        )

    def google(self, pool: IdentityPool, provider: str, token: str, now: float) -> VerifiedLogin:
        """A Google ID token for a configured client id (``aud``, or ``azp`` for a token an app asked for
        its back end: which of the two AWS compares is UNCONFIRMED, so either is accepted)."""
        return self._id_token(pool, provider, token, now, GOOGLE_ISSUERS, ("azp",))

    def apple(self, pool: IdentityPool, provider: str, token: str, now: float) -> VerifiedLogin:
        """A Sign in with Apple identity token whose ``aud`` is a configured services id / bundle id."""
        return self._id_token(pool, provider, token, now, (self.providers.apple.issuer,), ())

    # -- OpenID Connect providers -----------------------------------------------------------------

    def open_id_connect(self, pool: IdentityPool, provider: str, token: str, now: float) -> VerifiedLogin:
        """An ID token of an IAM OIDC provider the pool trusts, under its ``host/path`` ("Identity pools
        authentication flow", Cognito Developer Guide; "OIDC providers", Cognito Developer Guide)."""
        arn = next((a for a in pool.open_id_connect_provider_arns if provider_name(a) == provider), None)
        if arn is None:
            raise errors.not_supported()
        try:
            # The Logins key names the issuer: a token of another issuer fails before anything else.
            if unverified(token)[1].get("iss") != f"https://{provider}":
                raise WrongIssuer()
            record = self.oidc.get(arn)
            if record is None:
                # UNCONFIRMED: the pool names an IAM provider that does not exist.
                raise errors.not_supported()
            # Five minutes of clock skew past exp (Developer Guide, "Setting up an OIDC provider as an
            # identity pool IdP": https://docs.aws.amazon.com/cognito/latest/developerguide/open-id.html).
            claims = self.oidc.verify(record, token, now, expiry_grace=OIDC_EXPIRY_GRACE_SECONDS)
        except IdTokenRejected as error:
            raise errors.refusal(error) from None
        subject = str(claims["sub"])
        return VerifiedLogin(
            provider=provider,
            subject=subject,
            # amr as GetOpenIdToken's tokens carry it (catnekaise's write-up of GitHub Actions tokens)
            amr=(provider, f"{arn}:OIDC:{subject}"),
            claims=claims,
        )

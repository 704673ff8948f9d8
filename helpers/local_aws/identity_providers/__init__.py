"""Stand-in public identity providers and local OpenID Connect issuers. LOCAL ONLY.

Small imitations of Login with Amazon, Facebook Login, Google Sign-In and Sign in with Apple (one
module each, sharing :mod:`.stand_in`) and of any OpenID Connect issuer (:mod:`.open_id_connect`), so
the identity-pool lessons can federate users offline. Their sign-in APIs are served over HTTP by
:mod:`.http_api`; the identity pool and STS check their tokens in-process, as AWS checks the real
providers' tokens (:mod:`..cognito_identity.provider_logins`, :mod:`..iam.oidc_providers`).
Nothing here is imported at start-up cost: keys are generated on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .facebook import Facebook
from .google import ISSUERS as GOOGLE_ISSUERS
from .google import Google
from .login_with_amazon import LoginWithAmazon
from .open_id_connect import LOCAL_ISSUER_THUMBPRINT, LocalOidcIssuers
from .sign_in_with_apple import SignInWithApple
from .stand_in import IdTokenProvider, StandInProvider


class StandInProviders:
    """Every stand-in provider of one local AWS; tokens expire by the local AWS's clock (``now``)."""

    def __init__(self, now: Callable[[], float]) -> None:
        self.now = now
        self.reset()

    def reset(self) -> None:
        """Fresh providers: the tokens issued so far, the local issuers and their keys are forgotten."""
        self.amazon = LoginWithAmazon()
        self.facebook = Facebook()
        self.google = Google()
        self.apple = SignInWithApple()
        self.oidc = LocalOidcIssuers()
        self.public: dict[str, StandInProvider] = {
            provider.key: provider for provider in (self.amazon, self.facebook, self.google, self.apple)
        }

    def _id_token_provider(self, issuer: str) -> IdTokenProvider | None:
        if issuer in GOOGLE_ISSUERS:
            return self.google
        if issuer == self.apple.issuer:
            return self.apple
        return self.oidc.by_issuer(issuer)

    def signing_keys(self, issuer: str) -> dict[str, dict[str, Any]] | None:
        """The issuer's public keys by ``kid``, as its JWKS lists them; ``None`` for an issuer the local
        AWS cannot reach (any real one)."""
        provider = self._id_token_provider(issuer)
        return None if provider is None else provider.signing_key.public_keys()

    def pinned_thumbprint(self, issuer: str) -> str | None:
        """The certificate thumbprint an IAM OIDC provider for ``issuer`` must list; ``None`` when no
        thumbprint applies (AWS trusts Google's and Apple's certificate authorities directly)."""
        return LOCAL_ISSUER_THUMBPRINT if self.oidc.by_issuer(issuer) is not None else None


__all__ = ["LOCAL_ISSUER_THUMBPRINT", "StandInProviders"]

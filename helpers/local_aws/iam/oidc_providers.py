"""IAM OpenID Connect providers, and checking a token against one, as identity pools and STS do.

An IAM OIDC provider (``CreateOpenIDConnectProvider``: ``Url``, ``ClientIDList``, ``ThumbprintList``) is
how an account trusts an issuer: identity pools name it in ``OpenIdConnectProviderARNs``, role trust
policies name it as ``{"Federated": "arn:aws:iam::<acct>:oidc-provider/<host/path>"}``. The provider is
read from moto's IAM in-process on every use (so a change takes effect at once). A token passes when
("Identity pools authentication flow", Cognito Developer Guide; OIDC; IAM User Guide "OIDC federation"):

* its ``iss`` is the provider's URL;
* the issuer's certificate thumbprint is in ``ThumbprintList`` (local issuers: the fixed
  :data:`~..identity_providers.LOCAL_ISSUER_THUMBPRINT`, a local-only stand-in for the TLS check;
  issuers whose certificate AWS trusts by its CA, such as Google's, are not pinned);
* its signature, lifetime and required claims check out (:mod:`..id_tokens`);
* ``azp``, or ``aud`` when there is no ``azp``, is one of ``ClientIDList``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ..id_tokens import WrongAudience, WrongThumbprint, audiences, verify_token
from ..internal import InternalAWS

ARN_MARKER = ":oidc-provider/"


def provider_name(arn: str) -> str | None:
    """``host/path`` of ``arn:aws:iam::<acct>:oidc-provider/<host/path>``, else ``None``."""
    if not arn.startswith("arn:") or ARN_MARKER not in arn:
        return None
    return arn.split(ARN_MARKER, 1)[1] or None


def provider_arn(account_id: str, name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account_id}:oidc-provider/{name}"


@dataclass(frozen=True)
class OidcProvider:
    arn: str
    name: str  # host/path: the Logins key and the prefix of the trust policies' condition keys
    client_ids: tuple[str, ...]
    thumbprints: tuple[str, ...]

    @property
    def issuer(self) -> str:
        return f"https://{self.name}"

    @property
    def account_id(self) -> str:
        return self.arn.split(":")[4]


class IssuerDirectory(Protocol):
    """Where the keys and certificate thumbprints of the issuers the local AWS knows come from."""

    def signing_keys(self, issuer: str) -> dict[str, dict[str, Any]] | None: ...

    def pinned_thumbprint(self, issuer: str) -> str | None: ...


def authorized_party(claims: dict[str, Any]) -> str | None:
    """The client the token was issued to: ``azp`` when present, otherwise ``aud`` ("Identity pools
    authentication flow", Cognito Developer Guide; "OIDC providers", Cognito Developer Guide)."""
    azp = claims.get("azp")
    if isinstance(azp, str) and azp:
        return azp
    found = audiences(claims)
    return found[0] if len(found) == 1 else None


class OidcProviders:
    """IAM's OIDC providers (one local AWS) and the check of a token against one."""

    def __init__(self, internal: InternalAWS, issuers: IssuerDirectory) -> None:
        self.internal = internal
        self.issuers = issuers

    def get(self, arn: str) -> OidcProvider | None:
        name = provider_name(arn)
        if name is None:
            return None
        iam = self.internal.client("iam")
        try:
            found = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        except iam.exceptions.NoSuchEntityException:
            return None
        return OidcProvider(
            arn=arn,
            name=name,
            client_ids=tuple(found.get("ClientIDList") or ()),
            thumbprints=tuple(t.lower() for t in found.get("ThumbprintList") or ()),
        )

    def verify(
        self, provider: OidcProvider, token: str, now: float, expiry_grace: float = 0
    ) -> dict[str, Any]:
        """The token's claims, or a refusal of :mod:`..id_tokens` (:class:`~..id_tokens.WrongThumbprint`
        and :class:`~..id_tokens.WrongAudience` included)."""
        pinned = self.issuers.pinned_thumbprint(provider.issuer)
        if pinned is not None and pinned not in provider.thumbprints:
            raise WrongThumbprint()
        claims = verify_token(
            token,
            issuers={provider.issuer},
            keys=self.issuers.signing_keys(provider.issuer),
            now=now,
            expiry_grace=expiry_grace,
        )
        party = authorized_party(claims)
        if party is None or party not in provider.client_ids:
            raise WrongAudience(str(party))
        return claims

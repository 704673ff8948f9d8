"""Local OpenID Connect issuers, for "OpenID Connect provider" federation (identity pools, STS). LOCAL ONLY.

Any name (``corp``, ``partner``...) is an issuer, created on first use, with the test users of
:mod:`.stand_in` and whatever client ids the caller names.

**Issuer URL.** Three AWS rules fix its shape: IAM ``CreateOpenIDConnectProvider`` takes an ``https://``
URL; the identity pool's ``Logins`` key for the provider is that URL without ``https://`` (the IAM
provider's name, also the end of its ARN ``arn:aws:iam::<acct>:oidc-provider/<host/path>``); and a
token's ``iss`` must equal the URL ("Identity pools authentication flow", Cognito Developer Guide; "OIDC
providers", Cognito Developer Guide). So the issuer is ``https://oidc.local-aws.test/<name>``:

* ``https`` and a fixed host keep the IAM provider, the ARN, the ``Logins`` key and the trust policies'
  condition keys (``oidc.local-aws.test/<name>:aud``) identical in every run, on every port, so
  notebook outputs stay stable; an ``http://127.0.0.1:<port>`` issuer would change with the port and
  IAM would refuse it;
* ``.test`` is reserved (RFC 2606): the name can never reach a real server, so a local token cannot be
  mistaken for a real provider's, and a real one can never be mistaken for it.

The local AWS serves what the issuer would publish at ``<issuer>/.well-known/openid-configuration``
under ``/_local_aws/oidc/<name>/.well-known/openid-configuration`` (its ``jwks_uri`` points at
``/_local_aws/oidc/<name>/jwks`` on the endpoint the client used), and signs users in with
``POST /_local_aws/oidc/<name>/token``. AWS, in-process, reads the keys directly.

**Thumbprint.** AWS checks that the TLS certificate of the issuer's JWKS host matches a thumbprint of the
IAM provider ("Identity pools authentication flow", Cognito Developer Guide; "OIDC providers", Cognito
Developer Guide). The local issuer has no TLS, so it has a fixed, documented certificate
thumbprint, :data:`LOCAL_ISSUER_THUMBPRINT` (the SHA-1 of the text
``local-aws OIDC issuer certificate: oidc.local-aws.test``): an IAM provider for a local issuer must list
it in ``ThumbprintList`` or sign-ins are refused (local-only rule; it stands for AWS's certificate check,
and like a CA certificate's it does not change when signing keys rotate).
"""

from __future__ import annotations

import re
import threading
import uuid
from typing import Any

from .stand_in import IdTokenProvider, ProviderError, TestUser

ISSUER_HOST = "oidc.local-aws.test"
OIDC_PATH = "/_local_aws/oidc"
LOCAL_ISSUER_THUMBPRINT = "aa1fb2940d67748c129b503591eb7caa765ae5e9"
ISSUER_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
TOKEN_SECONDS = 3600


def issuer_url(name: str) -> str:
    """``https://oidc.local-aws.test/<name>``: the ``iss`` of its tokens and the IAM provider's URL."""
    return f"https://{ISSUER_HOST}/{name}"


def logins_key(name: str) -> str:
    """``oidc.local-aws.test/<name>``: the identity pool's Logins key and the IAM provider's name."""
    return f"{ISSUER_HOST}/{name}"


class LocalOidcIssuer(IdTokenProvider):
    lifetime = TOKEN_SECONDS

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.key = logins_key(name)
        self.issuer = issuer_url(name)
        self.title = f"local OpenID Connect issuer {name!r}"

    @property
    def prefix(self) -> str:
        return f"{OIDC_PATH}/{self.name}"

    def user_id(self, user: TestUser) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.issuer}#{user.user_name}"))

    def claims(self, user: TestUser, client_id: str, now: int, options: dict[str, Any]) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": self.user_id(user),
            "aud": options.get("audience", client_id),
            "iat": now,
            "exp": now + self.lifetime,
            "email": user.email,
            "email_verified": True,
            "name": user.name,
            "preferred_username": user.user_name,
        }
        if "audience" in options:
            claims["azp"] = client_id  # issued to this client for another audience (OIDC Core 2)
        return claims


class LocalOidcIssuers:
    """Every local issuer of one local AWS, by name."""

    def __init__(self) -> None:
        self._issuers: dict[str, LocalOidcIssuer] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> LocalOidcIssuer:
        if not ISSUER_NAME.fullmatch(name):
            raise ProviderError(
                404,
                {"error": "not_found", "error_description": "issuer names are 1-40 of a-z, 0-9 and inner -"},
            )
        with self._lock:
            if name not in self._issuers:
                self._issuers[name] = LocalOidcIssuer(name)
            return self._issuers[name]

    def by_issuer(self, issuer: str) -> LocalOidcIssuer | None:
        """The local issuer whose ``iss`` this is; ``None`` for any other issuer."""
        prefix = f"https://{ISSUER_HOST}/"
        if not issuer.startswith(prefix) or not ISSUER_NAME.fullmatch(issuer[len(prefix) :]):
            return None
        return self.get(issuer[len(prefix) :])

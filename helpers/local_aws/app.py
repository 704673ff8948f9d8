"""The local AWS as one WSGI application: moto's server app, with the project's own layers in front.

moto answers every AWS service on one port, routing by host, path, ``X-Amz-Target`` and the
signature's credential scope (``moto.server.DomainDispatcherApplication``). The project extends it
from the outside, as ``../shared/docs/moto-notes.md`` recommends: each *layer* sees a request first
and either answers it (returns a WSGI response iterable) or declines (returns ``None``), in which case
the request goes on to the next layer and finally to moto unchanged. That depends only on names moto
exports and on AWS's wire formats, so any client (boto3, the AWS CLI, the JavaScript SDK) talks to it.

Layers, in order: the local AWS's own endpoints (status, clock), the identity pools' OpenID keys, the
stand-in identity providers (``/_local_aws/providers``, ``/_local_aws/oidc``; local only), IAM's change watch,
IAM enforcement for requests signed with credentials the local AWS issued, cognito-identity itself,
STS AssumeRoleWithWebIdentity, IAM's trust-policy rule for identity pools.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from moto.server import DomainDispatcherApplication, create_backend_app

from .authorization.enforcement import EnforcementLayer
from .clock import Clock
from .cognito_identity.logins import LoginVerifier
from .cognito_identity.models import CognitoIdentityBackends, Collaborators
from .cognito_identity.open_id_token import DISCOVERY_PATH, JWKS_PATH, OpenIdTokenSigner, discovery_document
from .cognito_identity.provider_logins import ProviderLogins
from .cognito_identity.responses import CognitoIdentityLayer
from .control import CLOCK_PATH, STATUS_PATH, ControlLayer, LocalAWSReset  # noqa: F401  [edges]
from .iam.oidc_providers import OidcProviders
from .iam.roles import IamChangeWatch, RoleDirectory
from .iam.trust_policy_guard import TrustPolicyGuard
from .identity_providers import StandInProviders
from .identity_providers.http_api import IdentityProvidersLayer
from .internal import InternalAWS
from .issued_credentials import CredentialsRegistry, RoleSessions
from .sts.web_identity import WebIdentityLayer

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# The local AWS's own endpoints (not AWS APIs; moto's own admin API lives under /moto-api/) and the guard
# in front of them live in control.py [edges].


class Layer(Protocol):
    """A layer that owns some requests (for example every ``AWSCognitoIdentityService.*`` target)."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        """Answer the request, or return ``None`` to let the next layer (finally moto) answer it."""


def json_answer(start_response: StartResponse, payload: Any, status: str = "200 OK") -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


@dataclass
class LocalAWSState:
    """What the layers of one local AWS share."""

    clock: Clock
    internal: InternalAWS
    credentials: CredentialsRegistry
    role_sessions: RoleSessions
    signer: OpenIdTokenSigner
    cognito_identity: CognitoIdentityBackends


class OpenIdKeysLayer:
    """The identity pools' JWKS and OpenID discovery document, where AWS serves them [§4]."""

    def __init__(self, signer: OpenIdTokenSigner) -> None:
        self.signer = signer

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        path = environ.get("PATH_INFO")
        if path == JWKS_PATH:
            return json_answer(start_response, self.signer.jwks())
        if path == DISCOVERY_PATH:
            host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
            return json_answer(start_response, discovery_document(f"{environ['wsgi.url_scheme']}://{host}"))
        return None


class LocalAWSApplication:
    """moto's dispatcher with the project's layers in front of it."""

    def __init__(
        self,
        layers: list[Layer] | None = None,
        backend: WSGIApp | None = None,
        state: LocalAWSState | None = None,
    ) -> None:
        self.layers: list[Layer] = list(layers or [])
        self.backend: WSGIApp = backend or DomainDispatcherApplication(create_backend_app)
        self.state = state

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # CORS is decided per endpoint around the whole application: cross_origin.py [edges].
        for layer in self.layers:
            answer = layer(environ, start_response)
            if answer is not None:
                return answer
        return self.backend(environ, start_response)


def _moto_json_fetcher(backend: WSGIApp) -> Callable[[str], Any]:
    """GET a JSON document from moto in-process (a user pool's JWKS), as Cognito fetches a provider's keys."""

    def fetch(path: str) -> Any:
        from werkzeug.test import Client

        answer = Client(backend).get(path)
        try:
            return answer.get_json(force=True, silent=True) if answer.status_code == 200 else None
        finally:
            answer.close()

    return fetch


def _group_roles(internal: InternalAWS) -> Callable[[str, str], tuple[str | None, int | None]]:
    """A user pool group's IAM role and precedence, read from moto's cognito-idp in-process."""

    def group_roles(user_pool_id: str, group: str) -> tuple[str | None, int | None]:
        from botocore.exceptions import ClientError

        region = user_pool_id.split("_", 1)[0]
        try:
            found = internal.client("cognito-idp", region).get_group(GroupName=group, UserPoolId=user_pool_id)
        except ClientError:
            return None, None
        return found["Group"].get("RoleArn"), found["Group"].get("Precedence")

    return group_roles


def make_app() -> LocalAWSApplication:
    """Build the local AWS application with every layer the project provides."""
    backend = DomainDispatcherApplication(create_backend_app)
    clock = Clock()
    internal = InternalAWS(backend)
    registry = CredentialsRegistry()
    roles = RoleDirectory(internal)
    role_sessions = RoleSessions(roles, registry, clock)
    signer = OpenIdTokenSigner()
    providers = StandInProviders(clock.now)  # local stand-ins for Amazon, Facebook, Google, Apple, OIDC
    oidc_providers = OidcProviders(internal, providers)
    verifier = LoginVerifier(_moto_json_fetcher(backend), signer, _group_roles(internal), clock.local_time_of)
    ProviderLogins(providers, oidc_providers).register(verifier)
    backends = CognitoIdentityBackends(Collaborators(clock.now, verifier, role_sessions, signer))
    state = LocalAWSState(clock, internal, registry, role_sessions, signer, backends)
    layers: list[Layer] = [
        OpenIdKeysLayer(signer),
        IdentityProvidersLayer(providers),
        IamChangeWatch(roles),
        EnforcementLayer(registry, clock, roles),
        CognitoIdentityLayer(backends),
        WebIdentityLayer(signer, role_sessions, oidc_providers),
        TrustPolicyGuard(),
    ]
    app = LocalAWSApplication(layers, backend, state)
    # [edges] One reset for moto and every layer's state; the guard for the administrative endpoints.
    reset = LocalAWSReset(
        backend, [clock.reset, registry.reset, backends.reset, roles.invalidate, providers.reset]
    )
    app.layers.insert(0, ControlLayer(clock, reset, lambda: [type(layer).__name__ for layer in app.layers]))
    return app

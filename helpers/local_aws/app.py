"""The local AWS as one WSGI application: moto's server apps, with the project's own layers in front.

Requests meet, in order:

1. the local AWS's own endpoints (status, clock), the identity pools' OpenID keys and the stand-in
   identity providers (``/_local_aws/providers``, ``/_local_aws/oidc``; local only): paths that are not
   AWS APIs; moto's admin API under ``/moto-api/``;
2. the front door (:mod:`.front_door`): every AWS API request parsed once into a
   :class:`~.wire.envelope.RequestEnvelope` (service, operation, region, principal, body), its signature
   verified; a request it cannot attribute or authenticate gets AWS's error;
3. authorization (:mod:`.authorization.enforcement`): issued credentials checked against their role's
   policies, anonymous S3 requests against the bucket policy; the administrator passes;
4. the owner of (service, operation) in the routing table (:func:`routing_table`; the status endpoint
   prints it): the project's cognito-identity, STS AssumeRoleWithWebIdentity, IAM's trust-policy rule,
   user pools' token layer (:mod:`.cognito_idp`), then moto's app for exactly that service. Observers
   drop caches the operation made stale.

This depends only on names moto exports and on AWS's wire formats, so any client (boto3, the AWS CLI,
the JavaScript SDK) talks to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from moto.server import DomainDispatcherApplication, create_backend_app

from .authorization.enforcement import EnforcementLayer
from .clock import Clock
from .cognito_identity.logins import LoginVerifier
from .cognito_identity.models import CognitoIdentityBackends, Collaborators
from .cognito_identity.open_id_token import DISCOVERY_PATH, JWKS_PATH, OpenIdTokenSigner, discovery_document
from .cognito_identity.provider_logins import ProviderLogins
from .cognito_identity.responses import CognitoIdentityLayer
from .cognito_idp import user_pools
from .cognito_idp.confirmation_codes import OPERATIONS as CONFIRMATION_OPERATIONS
from .cognito_idp.confirmation_codes import ConfirmationCodesLayer
from .cognito_idp.responses import TOKEN_OPERATIONS, UserPoolTokensLayer
from .cognito_idp.signing_key import UserPoolSigningKey
from .cognito_idp.token_issuer import TokenIssuer
from .control import CLOCK_PATH, STATUS_PATH, ControlLayer, LocalAWSReset  # noqa: F401 (re-exported)
from .front_door import FrontDoor, Refused, Route, RoutingTable
from .iam.oidc_providers import OidcProviders
from .iam.roles import IamChangeWatch, RoleDirectory
from .iam.trust_policy_guard import TrustPolicyGuard
from .identity_providers import StandInProviders
from .identity_providers.http_api import IdentityProvidersLayer
from .internal import InternalAWS
from .issued_credentials import CredentialsRegistry, RoleSessions
from .model_inputs import ModelInputsLayer
from .moto_services import MotoServices
from .s3.new_buckets import NewBucketTags
from .sts.assume_role import AssumeRoleLayer
from .sts.web_identity import WebIdentityLayer
from .wire.authentication import AdministratorKeys, Authenticator
from .wire.envelope import REFUSAL_KEY, Layer, StartResponse, WSGIApp
from .wire.services import ServiceCatalog

# The local AWS's own endpoints (status, clock, one reset) and the guard in front of them and moto's API
# live in control.py; cross-origin rules and request bodies are edges the server puts around this app.


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
    """The identity pools' JWKS and OpenID discovery document, where AWS serves them (GetOpenIdToken, Cognito
    Identity API Reference)."""

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
    """The local endpoints, then the front door, authorization and the routing table in front of moto.

    ``layers`` are the local endpoints (tried in order; each answers or returns ``None``). Without a
    ``front_door`` (a bare application, as some tests build) every other request goes to ``backend``.
    """

    def __init__(
        self,
        layers: list[Layer] | None = None,
        backend: WSGIApp | None = None,
        state: LocalAWSState | None = None,
        *,
        front_door: FrontDoor | None = None,
        authorization: EnforcementLayer | None = None,
        routes: RoutingTable | None = None,
        moto: MotoServices | None = None,
    ) -> None:
        self.layers: list[Layer] = list(layers or [])
        self.backend: WSGIApp = backend or DomainDispatcherApplication(create_backend_app)
        self.state = state
        self.front_door = front_door
        self.authorization = authorization
        self.routes = routes or RoutingTable([])
        if moto is None and isinstance(self.backend, DomainDispatcherApplication):
            moto = MotoServices(self.backend)
        self.moto = moto

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        for layer in self.layers:
            answer = layer(environ, start_response)
            if answer is not None:
                return answer
        path = str(environ.get("PATH_INFO", ""))
        if self.front_door is None or self.moto is None:
            return self.backend(environ, start_response)
        if path.startswith("/moto-api") or path == "/favicon.ico":
            return self.moto.app_named("moto_api")(environ, start_response)
        if environ.get("REQUEST_METHOD") == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ:
            # A CORS preflight carries no credentials and is no AWS operation. Served, the application
            # never sees one (``cross_origin.CrossOriginPolicy`` answers them); bare, moto answers it.
            return self.backend(environ, start_response)
        try:
            envelope = self.front_door.parse(environ)
        except Refused as refused:
            environ[REFUSAL_KEY] = refused.refusal  # what the edges and the request log know of it
            return refused.denial.send(start_response, str(environ.get("REQUEST_METHOD", "GET")))
        if self.authorization is not None:
            answer = self.authorization(environ, start_response)
            if answer is not None:
                return answer
        route = self.routes.lookup(envelope.service, envelope.operation)
        answer = None
        for layer in route.layers:
            answer = layer(environ, start_response)
            if answer is not None:
                break
        if answer is None:
            if route.moto:
                try:
                    moto_app = self.moto.app(envelope.service)
                except LookupError:
                    from .wire.errors import WireError

                    message = f"The local AWS does not serve {envelope.service}."
                    error = WireError.same("NotImplemented", message, 501)
                    return envelope.error_answer(error).send(start_response, envelope.method)
                answer = moto_app(environ, start_response)
            else:
                from .front_door import unknown_operation

                answer = envelope.error_answer(unknown_operation()).send(start_response, envelope.method)
        for observer in route.observers:
            observer(envelope)
        return answer


def make_app(
    admin: AdministratorKeys | None = None, credentials: CredentialsRegistry | None = None
) -> LocalAWSApplication:
    """Build the local AWS application with every layer the project provides.

    ``admin`` is the local administrator's key pair; by default ``LOCAL_AWS_ADMIN_ACCESS_KEY_ID`` and
    ``LOCAL_AWS_ADMIN_SECRET_ACCESS_KEY``, else ``testing``/``testing``. ``credentials`` holds the keys it
    issues (by default a :class:`CredentialsRegistry` that forgets expired keys past a thousand).
    """
    backend = DomainDispatcherApplication(create_backend_app)
    clock = Clock()
    moto = MotoServices(backend)
    internal = InternalAWS(backend, moto.app)
    registry = credentials if credentials is not None else CredentialsRegistry()
    roles = RoleDirectory(internal)
    role_sessions = RoleSessions(roles, registry, clock)
    signer = OpenIdTokenSigner()
    providers = StandInProviders(clock.now)  # local stand-ins for Amazon, Facebook, Google, Apple, OIDC
    oidc_providers = OidcProviders(internal, providers)
    # User pool tokens: moto issues them, the local AWS re-signs them with a key of this run.
    user_pool_key = UserPoolSigningKey()
    # What the user pool layers read of moto's model; one client-to-pool lookup (and its memory) for all.
    client_pool, user_attributes = user_pools.client_pool(internal), user_pools.user_attributes(internal)
    token_issuer = TokenIssuer(
        user_pool_key,
        clock.now,
        user_pools.group_roles(internal),
        user_pools.client_read_attributes(internal),
        user_attributes,
    )
    user_pool_tokens = UserPoolTokensLayer(
        token_issuer,
        user_pool_key,
        lambda: moto.app("cognito-idp"),
        user_pools.pool_exists(internal),
        user_pools.client_write_attributes(internal),
        client_pool,
        user_pools.client_auth_flows(internal),
    )
    confirmation_codes = ConfirmationCodesLayer(client_pool, user_attributes, lambda: moto.app("cognito-idp"))
    verifier = LoginVerifier(user_pool_key.keys_by_kid, signer)
    ProviderLogins(providers, oidc_providers).register(verifier)
    backends = CognitoIdentityBackends(Collaborators(clock.now, verifier, role_sessions, signer))
    state = LocalAWSState(clock, internal, registry, role_sessions, signer, backends)
    admin = admin or AdministratorKeys.from_environment()
    enforcement = EnforcementLayer(registry, clock, roles)
    iam_watch = IamChangeWatch(roles)
    routes = routing_table(
        ModelInputsLayer(),
        CognitoIdentityLayer(backends),
        WebIdentityLayer(signer, role_sessions, oidc_providers),
        AssumeRoleLayer(role_sessions),
        TrustPolicyGuard(),
        iam_watch,
        enforcement,
        user_pool_tokens,
        confirmation_codes,
        NewBucketTags(lambda: moto.app("s3"), internal),
    )
    layers: list[Layer] = [OpenIdKeysLayer(signer), IdentityProvidersLayer(providers)]
    app = LocalAWSApplication(
        layers,
        backend,
        state,
        front_door=FrontDoor(ServiceCatalog(), Authenticator(admin, registry, clock)),
        authorization=enforcement,
        routes=routes,
        moto=moto,
    )
    # One reset for moto and every layer's state; the guard for the administrative endpoints.
    reset = LocalAWSReset(
        backend,
        [
            clock.reset,
            registry.reset,
            backends.reset,
            roles.invalidate,
            providers.reset,
            enforcement.reset,
            token_issuer.reset,
            confirmation_codes.reset,
        ],
    )
    names = [type(layer).__name__ for layer in (*layers, enforcement, *routes.owners())]
    app.layers.insert(0, ControlLayer(clock, reset, lambda: names, routes=routes.describe))
    return app


def routing_table(
    model_inputs: Layer,
    cognito_identity: Layer,
    web_identity: Layer,
    assume_role: Layer,
    trust_policy_guard: Layer,
    iam_watch: IamChangeWatch,
    enforcement: EnforcementLayer,
    user_pool_tokens: Layer,
    confirmation_codes: Layer,
    new_bucket_tags: Layer,
) -> RoutingTable:
    """Who answers each (service, operation) once the front door and authorization have passed it.

    ``model_inputs`` goes first for the services moto answers: a request their model refuses gets AWS's
    error, never moto's crash."""
    return RoutingTable(
        [
            # Every identity-pool operation is the project's own; moto's model never answers one.
            Route("cognito-identity", None, [cognito_identity], moto=False),
            Route("sts", frozenset({"AssumeRoleWithWebIdentity"}), [web_identity], moto=False),
            Route("sts", frozenset({"AssumeRole"}), [assume_role], moto=False),
            Route(
                "iam",
                frozenset({"CreateRole", "UpdateAssumeRolePolicy"}),
                [model_inputs, trust_policy_guard],
                observers=[iam_watch.observe],
            ),
            Route("iam", None, [model_inputs], observers=[iam_watch.observe]),
            # User pools: moto's model; tokens re-signed on the way out, translated back on the way in,
            # and the pools' public keys served by the local AWS.
            Route("cognito-idp", TOKEN_OPERATIONS, [model_inputs, user_pool_tokens], moto=False),
            # Confirmation codes go to the user's email or phone, never to the caller.
            Route("cognito-idp", CONFIRMATION_OPERATIONS, [model_inputs, confirmation_codes]),
            Route("cognito-idp", None, [model_inputs, user_pool_tokens]),
            # S3: moto's model; a bucket created again under an earlier bucket's name starts untagged.
            Route("s3", None, [new_bucket_tags]),
            Route(
                "dynamodb",
                frozenset(
                    {
                        "CreateTable",
                        "DeleteTable",
                        "UpdateTable",
                        "RestoreTableFromBackup",
                        "RestoreTableToPointInTime",
                        "ImportTable",
                    }
                ),
                [model_inputs],
                observers=[enforcement.forget_key_schema],
            ),
            Route("dynamodb", None, [model_inputs]),
        ]
    )

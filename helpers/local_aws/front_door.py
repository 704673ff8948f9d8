"""The front door: every AWS API request is parsed once, authenticated, attributed to one service and
operation, and routed by that one decision.

1. **Attribution.** A signed request is for the service its SigV4 credential scope names; an unsigned
   one for the service its shape names (the ``X-Amz-Target`` prefix of a JSON service, the query
   ``Action`` of a query service, otherwise S3, the only REST-XML service here, path style). When the
   two disagree (a scope naming ``dynamodb`` on a request with no DynamoDB target, a target of another
   service than the scope) the request is refused in the service's own format, never guessed.
2. **Wire rules.** A JSON service takes ``POST`` with a known ``X-Amz-Target`` and a UTF-8 JSON body;
   a query service a known ``Action``: anything else gets AWS's ``UnknownOperationException``,
   ``SerializationException``, ``InvalidAction``.
3. **Authentication** (:mod:`.wire.authentication`): SigV4 header, presigned query or POST form, the key
   known (the administrator's or one the local AWS issued), scope, time and signature checked; S3's
   signed chunks too. Unsigned requests are anonymous, allowed only for the operations botocore's
   models mark as needing no authentication, S3 requests a bucket policy allows for everyone, and the
   user pools' public key documents.
4. **Routing.** The parsed request is stored in the environ (:data:`.wire.envelope.ENVIRON_KEY`) and
   handed to the owner of (service, operation) in the routing table (:class:`Route`); moto answers the
   rest, through the app of exactly the service that was authorized.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from .query_protocol import read_body
from .wire import authentication as auth
from .wire import sigv2, sigv4
from .wire.envelope import ANONYMOUS, ENVIRON_KEY, Layer, Principal, Refusal, RequestEnvelope
from .wire.errors import Denial, WireError
from .wire.services import ServiceCatalog, ServiceDescription

DEFAULT_REGION = "us-east-1"
#: DynamoDB limits nesting to 32 levels ("Data types", DynamoDB Developer Guide); a deeper JSON body
#: cannot be a valid request for any JSON service here. UNCONFIRMED: the exact limit AWS parses to.
MAX_JSON_DEPTH = 64
#: A user pool's public key documents, served unsigned by cognito-idp ("Verifying a JSON Web Token").
_USER_POOL_KEYS = re.compile(
    r"^/[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+/\.well-known/(jwks\.json|openid-configuration)$"
)
_REGION_PREFIX = re.compile(r"^(?P<region>[a-z]{2}(-[a-z]+)+-\d):")
_AUTH_QUERY = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
)
_SIGV2_QUERY = ("AWSAccessKeyId", "Signature")


# --- protocol errors (not about authentication) -----------------------------------------------------------


def unknown_operation(message: str = "") -> WireError:
    """A JSON service called without ``POST`` or without a known ``X-Amz-Target``."""
    return WireError.same("UnknownOperationException", message, 400)


def serialization_error(message: str = "") -> WireError:
    """A JSON body that is not UTF-8 JSON (or nested deeper than any request can be)."""
    return WireError.same("SerializationException", message, 400)


def invalid_action(action: str, version: str) -> WireError:
    """A query ``Action`` the service does not have ("Common Errors": InvalidAction, 400)."""
    return WireError.same("InvalidAction", f"Could not find operation {action} for version {version}", 400)


def missing_action() -> WireError:
    return WireError.same("MissingAction", "Missing Action", 400)


def malformed_query() -> WireError:
    """A form body that is not UTF-8 ("Common Errors": MalformedQueryString)."""
    return WireError.same("MalformedQueryString", "The query string contains a syntax error.", 400)


def missing_authentication(service: str) -> WireError:
    """An unsigned request for an operation AWS serves only signed. S3 answers ``AccessDenied``
    "Access Denied"; query services ``MissingAuthenticationToken`` "Request is missing Authentication
    Token" (403); DynamoDB ``MissingAuthenticationTokenException`` with the same words (400; seen in
    architect/dynalite#105); Cognito's services "Missing Authentication Token" (403, the wording the
    cognito-identity layer has always given; UNCONFIRMED)."""
    message = "Request is missing Authentication Token"
    json_answer = ("MissingAuthenticationTokenException", message, 400)
    if service in ("cognito-identity", "cognito-idp"):
        json_answer = ("MissingAuthenticationTokenException", "Missing Authentication Token", 403)
    return WireError(
        ("AccessDenied", "Access Denied", 403), json_answer, ("MissingAuthenticationToken", message, 403)
    )


def _depth_exceeds(document: Any, limit: int) -> bool:
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


# --- parsing ----------------------------------------------------------------------------------------------


class Refused(Exception):
    """A request the front door answers itself, with ``denial``, as an error of ``refusal.service``."""

    def __init__(self, denial: Denial, refusal: Refusal) -> None:
        super().__init__(denial.status_line)
        self.denial = denial
        self.refusal = refusal


def _answer(
    error: WireError, service: ServiceDescription, method: str, operation: str | None = None
) -> Refused:
    denial = error.answer(
        service.protocol,
        service=service.name,
        api_version=service.api_version,
        json_version=service.json_version,
        method=method,
    )
    return Refused(denial, Refusal(service.signing_name, operation))


class FrontDoor:
    """Parses and authenticates AWS API requests into :class:`RequestEnvelope` s."""

    def __init__(self, catalog: ServiceCatalog, authenticator: auth.Authenticator) -> None:
        self.catalog = catalog
        self.authenticator = authenticator

    @property
    def s3(self) -> ServiceDescription:
        return self.catalog.fronted["s3"]

    def parse(self, environ: dict[str, Any]) -> RequestEnvelope:
        """The envelope of ``environ``, or :class:`Refused` with AWS's answer."""
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        body = read_body(environ)
        query = parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
        target = environ.get("HTTP_X_AMZ_TARGET")
        shape = self._shape(environ, target, query, body)
        try:
            params = self._query_params(environ, query, body) if shape.protocol == "query" else None
            claims, form_policy = self._claims(environ, query, body, shape, method)
            service = (
                self._scoped_service(claims, shape, target) if isinstance(claims, sigv4.Claims) else shape
            )
        except WireError as error:
            raise _answer(error, shape, method) from None
        operation = None
        try:
            if service.protocol == "query" and params is None:
                params = self._query_params(environ, query, body)
            if claims is None and service.protocol == "query":
                action = (params or {}).get("Action")
                if action not in service.unsigned_operations:
                    raise missing_authentication(service.signing_name)
            operation = self._operation(service, method, target, params, environ)
            principal = self._authenticate(environ, claims, service, body, form_policy)
            if principal.is_anonymous and not self._anonymous_allowed(service, operation, environ):
                raise missing_authentication(service.signing_name)
            document = self._json_document(body) if service.protocol == "json" else None
        except WireError as error:
            raise _answer(error, service, method, operation) from None
        envelope = RequestEnvelope(
            service=service.signing_name,
            protocol=service.protocol,
            operation=operation,
            region=claims.region if isinstance(claims, sigv4.Claims) else self._unsigned_region(document),
            principal=principal,
            body=body,
            method=method,
            description=service,
            query=query,
            params=params,
            document=document,
            signing=_signing_info(claims),
        )
        environ[ENVIRON_KEY] = envelope
        return envelope

    # attribution

    def _shape(
        self, environ: dict[str, Any], target: str | None, query: dict[str, list[str]], body: bytes
    ) -> ServiceDescription:
        """The service the request's shape names, before looking at any signature."""
        if target is not None:
            service = self.catalog.by_target_prefix.get(target.split(".", 1)[0])
            return service or self.catalog.fronted["cognito-identity"]  # some JSON service: JSON errors
        action = _first(query, "Action")
        if action is None and _is_form(environ):
            try:
                action = _first(parse_qs(body.decode("utf-8"), keep_blank_values=True), "Action")
            except UnicodeDecodeError:
                action = None
        if action is not None:
            return self.catalog.unsigned_query_actions.get(action) or self.catalog.fronted["sts"]
        if _USER_POOL_KEYS.match(str(environ.get("PATH_INFO", ""))):
            return self.catalog.fronted["cognito-idp"]
        return self.s3

    def _scoped_service(
        self, claims: sigv4.Claims, shape: ServiceDescription, target: str | None
    ) -> ServiceDescription:
        scoped = self.catalog.by_signing_name(claims.service)
        if scoped is None:
            meant = self.catalog.by_signing_name(claims.service.lower()) or shape
            raise auth.scope_error(
                f"Credential should be scoped to correct service: '{meant.signing_name}'. "
            )
        if target is not None:
            targeted = self.catalog.by_target_prefix.get(target.split(".", 1)[0])
            if targeted is not None and targeted is not scoped:
                raise auth.scope_error(
                    f"Credential should be scoped to correct service: '{targeted.signing_name}'. "
                )
        return scoped

    def _operation(
        self,
        service: ServiceDescription,
        method: str,
        target: str | None,
        params: dict[str, str] | None,
        environ: dict[str, Any],
    ) -> str | None:
        if _is_user_pool_keys(service, environ):
            return None  # a public key document, not an API operation
        if service.protocol == "json":
            prefix, _, operation = (target or "").partition(".")
            if method != "POST" or prefix != service.target_prefix or operation not in service.operations:
                raise unknown_operation()
            return operation
        if service.protocol == "query":
            action = (params or {}).get("Action")
            if action is None:
                raise missing_action()
            if action not in service.operations:
                raise invalid_action(action, service.api_version)
            return action
        return None  # S3 (REST-XML): the authorization mapper names the operation

    def _query_params(
        self, environ: dict[str, Any], query: dict[str, list[str]], body: bytes
    ) -> dict[str, str]:
        params = {name: values[-1] for name, values in query.items()}
        if _is_form(environ):
            try:
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                raise malformed_query() from None
            params.update({name: values[-1] for name, values in form.items()})
        return params

    @staticmethod
    def _json_document(body: bytes) -> Any:
        try:
            text = body.decode("utf-8")
            document = json.loads(text) if text.strip() else {}
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise serialization_error() from None
        if _depth_exceeds(document, MAX_JSON_DEPTH):
            raise serialization_error(f"The JSON document is nested more than {MAX_JSON_DEPTH} levels deep.")
        return document

    @staticmethod
    def _unsigned_region(document: Any) -> str:
        """An unsigned request's region: the prefix of the identity pool or identity it names."""
        if isinstance(document, dict):
            for key in ("IdentityPoolId", "IdentityId"):
                value = document.get(key)
                if isinstance(value, str):
                    prefix = _REGION_PREFIX.match(value)
                    if prefix:
                        return prefix.group("region")
        return DEFAULT_REGION

    # authentication

    def _claims(
        self,
        environ: dict[str, Any],
        query: dict[str, list[str]],
        body: bytes,
        shape: ServiceDescription,
        method: str,
    ) -> tuple[sigv4.Claims | sigv2.Claims | None, str | None]:
        authorization = environ.get("HTTP_AUTHORIZATION")
        in_query = [name for name in _AUTH_QUERY if name in query]
        sigv2_query = [name for name in _SIGV2_QUERY if name in query] if shape is self.s3 else []
        form = self._form_fields(environ, body, method) if shape is self.s3 else None
        mechanisms = [
            m for m in (authorization is not None, bool(in_query), bool(sigv2_query), form is not None) if m
        ]
        if len(mechanisms) > 1:
            raise auth.several_mechanisms()
        if authorization is not None:
            algorithm = authorization.strip().split(" ", 1)[0]
            if algorithm == sigv4.SIGV4A_ALGORITHM:
                raise auth.unsupported_mechanism("SigV4a, AWS4-ECDSA-P256-SHA256")
            if algorithm == "AWS":
                if shape is not self.s3:
                    raise auth.unsupported_mechanism("Signature Version 2")
                try:
                    return sigv2.claims_from_header(
                        authorization, environ.get("HTTP_X_AMZ_SECURITY_TOKEN")
                    ), None
                except sigv4.MalformedSignature as error:
                    raise auth.incomplete_signature(str(error)) from None
            if algorithm != sigv4.ALGORITHM:
                raise auth.incomplete_signature(f"Unsupported Authorization Type: '{algorithm}'.")
            try:
                return (
                    sigv4.claims_from_header(
                        authorization,
                        environ.get("HTTP_X_AMZ_DATE"),
                        environ.get("HTTP_X_AMZ_SECURITY_TOKEN"),
                    ),
                    None,
                )
            except sigv4.MalformedSignature as error:
                raise auth.incomplete_signature(str(error)) from None
        if in_query:
            if _first(query, "X-Amz-Algorithm") == sigv4.SIGV4A_ALGORITHM:
                raise auth.unsupported_mechanism("SigV4a, AWS4-ECDSA-P256-SHA256")
            try:
                return sigv4.claims_from_query({name: values[-1] for name, values in query.items()}), None
            except sigv4.MalformedSignature as error:
                raise auth.incomplete_signature(str(error)) from None
        if sigv2_query:
            try:
                return sigv2.claims_from_query({name: values[-1] for name, values in query.items()}), None
            except sigv4.MalformedSignature as error:
                raise auth.incomplete_signature(str(error)) from None
        if form is not None:
            if "awsaccesskeyid" in form:
                raise auth.unsupported_mechanism("Signature Version 2")
            try:
                return sigv4.claims_from_form(form), form.get("policy")
            except sigv4.MalformedSignature as error:
                raise auth.incomplete_signature(str(error)) from None
        if environ.get("HTTP_X_AMZ_SECURITY_TOKEN") is not None:
            raise auth.incomplete_signature("A security token was sent without a signature.")
        return None, None

    @staticmethod
    def _form_fields(environ: dict[str, Any], body: bytes, method: str) -> dict[str, str] | None:
        """The authentication fields of a browser POST upload (``multipart/form-data``), if any."""
        if method != "POST" or not str(environ.get("CONTENT_TYPE", "")).lower().startswith(
            "multipart/form-data"
        ):
            return None
        from io import BytesIO

        from werkzeug.formparser import parse_form_data

        form_environ = {
            "REQUEST_METHOD": "POST",
            "CONTENT_TYPE": environ.get("CONTENT_TYPE", ""),
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": BytesIO(body),
        }
        _, form, _ = parse_form_data(form_environ, silent=True)
        fields = {name.lower(): value for name, value in form.items()}  # S3 treats them case-insensitively
        signs = {"x-amz-signature", "x-amz-credential", "signature", "awsaccesskeyid", "x-amz-security-token"}
        return fields if signs & fields.keys() else None

    def _authenticate(
        self,
        environ: dict[str, Any],
        claims: sigv4.Claims | sigv2.Claims | None,
        service: ServiceDescription,
        body: bytes,
        form_policy: str | None,
    ) -> Principal:
        if claims is None:
            return ANONYMOUS
        principal, secret = self.authenticator.principal(claims)
        if isinstance(claims, sigv2.Claims):
            self.authenticator.check_v2(environ, claims, secret)
            return principal
        self.authenticator.check_scope(claims, service.signing_name)
        self.authenticator.check_time(claims)
        if claims.mechanism == "form":
            self.authenticator.check_post_policy(form_policy)
        s3 = service.signing_name == "s3"
        key = self.authenticator.verify(environ, claims, secret, body, s3=s3, form_policy=form_policy)
        declared = environ.get("HTTP_X_AMZ_CONTENT_SHA256", "")
        if s3 and claims.mechanism == "header" and declared.startswith("STREAMING-"):
            self._check_chunks(environ, claims, key, body, declared)
        return principal

    @staticmethod
    def _check_chunks(
        environ: dict[str, Any], claims: sigv4.Claims, key: bytes, body: bytes, declared: str
    ) -> None:
        streaming = (
            sigv4.STREAMING_PAYLOAD,
            sigv4.STREAMING_PAYLOAD_TRAILER,
            sigv4.STREAMING_UNSIGNED_TRAILER,
        )
        if declared not in streaming:
            raise WireError.same(
                "NotImplemented", f"x-amz-content-sha256 {declared} is not supported here.", 501
            )
        decoded = environ.get("HTTP_X_AMZ_DECODED_CONTENT_LENGTH")
        try:
            length = int(decoded) if decoded is not None else None
        except ValueError:
            raise auth.chunk_malformed("x-amz-decoded-content-length is not a number") from None
        signed = declared != sigv4.STREAMING_UNSIGNED_TRAILER
        if length is None and signed:  # UNCONFIRMED: S3's exact answer to a missing decoded length
            raise WireError.same(
                "MissingContentLength", "You must provide the Content-Length HTTP header.", 411
            )
        try:
            sigv4.verify_chunks(
                body, claims, key, length, signed=signed, trailer=declared != sigv4.STREAMING_PAYLOAD
            )
        except sigv4.ChunkError as error:
            if error.signature:
                raise auth.signature_mismatch() from None
            raise auth.chunk_malformed(str(error)) from None

    def _anonymous_allowed(
        self, service: ServiceDescription, operation: str | None, environ: dict[str, Any]
    ) -> bool:
        if service is self.s3:
            return True  # a bucket policy may allow everyone: decided by the authorization layer
        if operation is not None:
            return operation in service.unsigned_operations
        return _is_user_pool_keys(service, environ)


def _is_user_pool_keys(service: ServiceDescription, environ: dict[str, Any]) -> bool:
    """A GET of a user pool's ``jwks.json`` or ``openid-configuration`` (served unsigned)."""
    return (
        service.signing_name == "cognito-idp"
        and environ.get("REQUEST_METHOD") == "GET"
        and "HTTP_X_AMZ_TARGET" not in environ
        and bool(_USER_POOL_KEYS.match(str(environ.get("PATH_INFO", ""))))
    )


def _is_form(environ: dict[str, Any]) -> bool:
    return environ.get("REQUEST_METHOD") == "POST" and str(
        environ.get("CONTENT_TYPE", "")
    ).lower().startswith("application/x-www-form-urlencoded")


def _signing_info(claims: sigv4.Claims | sigv2.Claims | None) -> Any:
    """The claims in the shape the authorization mappers read (``s3:authType``, ``aws:RequestedRegion``)."""
    from .authorization.signing import SigningInfo

    if claims is None:
        return None
    if isinstance(claims, sigv2.Claims):
        return SigningInfo(
            "sigv2-header" if claims.mechanism == "header" else "sigv2-query",
            claims.access_key_id,
            "s3",
            None,
            claims.security_token,
            expires=None if claims.expires is None else str(claims.expires),
        )
    mechanism = {"header": "sigv4-header", "query": "sigv4-query", "form": "post-form"}[claims.mechanism]
    return SigningInfo(
        mechanism,  # type: ignore[arg-type]
        claims.access_key_id,
        claims.service,
        claims.region,
        claims.security_token,
        signed_at=claims.amz_date,
        expires=None if claims.expires is None else str(claims.expires),
    )


# --- routing ----------------------------------------------------------------------------------------------


@dataclass
class Route:
    """Who answers (service, operation): ``layers`` in order (a layer may decline by returning ``None``),
    then moto's app for the service when ``moto`` is true; ``observers`` are told after an answer (to
    drop caches the operation may have made stale)."""

    service: str
    operations: frozenset[str] | None  # None: every operation of the service
    layers: list[Layer] = field(default_factory=list)
    moto: bool = True
    observers: list[Callable[[RequestEnvelope], None]] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "operations": sorted(self.operations) if self.operations is not None else "*",
            "layers": [_name(layer) for layer in self.layers],
            "moto": self.moto,
            "observers": [_name(observer) for observer in self.observers],
        }


def _name(thing: Any) -> str:
    owner = getattr(thing, "__self__", None)
    if owner is not None:
        return f"{type(owner).__name__}.{thing.__name__}"
    return getattr(thing, "__name__", type(thing).__name__)


class RoutingTable:
    """Routes by (service, operation); the most specific route wins, then the service's catch-all."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes

    def lookup(self, service: str, operation: str | None) -> Route:
        catch_all = None
        for route in self.routes:
            if route.service != service:
                continue
            if route.operations is None:
                catch_all = catch_all or route
            elif operation in route.operations:
                return route
        return catch_all or Route(service, None)

    def describe(self) -> list[dict[str, Any]]:
        return [route.describe() for route in self.routes]

    def owners(self) -> list[Layer]:
        """Every layer some route hands requests to, once each, in table order."""
        found: list[Layer] = []
        for route in self.routes:
            found.extend(layer for layer in route.layers if layer not in found)
        return found

"""The parsed request: what the front door decided once, and every later layer reads.

The front door (:mod:`helpers.local_aws.front_door`) stores one :class:`RequestEnvelope` in the WSGI
environ under :data:`ENVIRON_KEY`; the layers behind it (authorization, cognito-identity, STS, IAM's
guards, the route to moto) read the service, operation, principal and body from it instead of
re-reading the body or re-parsing the signature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from .services import ServiceDescription

ENVIRON_KEY = "local_aws.request"
#: Where the front door leaves a :class:`Refusal` for a request it answered itself before it built an
#: envelope (an unknown key, a bad signature, a malformed body).
REFUSAL_KEY = "local_aws.refusal"

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class Layer(Protocol):
    """A WSGI layer that owns some requests (for example every cognito-identity operation)."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        """Answer the request, or return ``None`` to let the next layer (finally moto) answer it."""


PrincipalKind = Literal["administrator", "issued", "anonymous"]


@dataclass(frozen=True)
class Principal:
    """Who the request authenticated as: the local administrator, credentials the local AWS issued
    (``credentials`` is the :class:`~helpers.local_aws.issued_credentials.IssuedCredentials`), or
    nobody (an unsigned request)."""

    kind: PrincipalKind
    access_key_id: str | None = None
    credentials: Any = None

    @property
    def is_anonymous(self) -> bool:
        return self.kind == "anonymous"


ANONYMOUS = Principal("anonymous")


@dataclass
class RequestEnvelope:
    """One AWS API request as the front door understood it.

    ``service`` is the signing name (``s3``, ``dynamodb``, ``cognito-identity``); ``operation`` the API
    operation for the JSON and query protocols (for S3 the authorization mapper names it later);
    ``params`` the query-protocol parameters (query string and form body); ``document`` the parsed
    JSON body of a JSON-protocol request; ``signing`` the claims in the shape the authorization
    mappers read (:class:`~helpers.local_aws.authorization.signing.SigningInfo`).
    """

    service: str
    protocol: str
    operation: str | None
    region: str
    principal: Principal
    body: bytes
    method: str
    description: ServiceDescription
    query: dict[str, list[str]] = field(default_factory=dict)
    params: dict[str, str] | None = None
    document: Any = None
    signing: Any = None
    #: The S3 authorization mapper's reading of the request (operation, actions, resources), kept by
    #: whoever mapped it first so that the request log names the operation without mapping it again.
    s3_mapping: Any = None

    def error_answer(self, error: Any) -> Any:
        """The :class:`~.errors.Denial` for ``error`` (a :class:`~.errors.WireError`) in this format."""
        return error.answer(
            self.protocol,
            service=self.description.name,
            api_version=self.description.api_version,
            json_version=self.description.json_version,
            method=self.method,
        )


@dataclass(frozen=True)
class Refusal:
    """A request the front door refused: the service whose error it was answered with (its signing
    name), and the operation, if it got as far as naming one."""

    service: str
    operation: str | None = None


def envelope_of(environ: dict[str, Any]) -> RequestEnvelope | None:
    """The envelope the front door stored for this request, if it is an AWS API request."""
    return environ.get(ENVIRON_KEY)


def attribution_of(environ: dict[str, Any]) -> RequestEnvelope | Refusal | None:
    """What the front door decided the request was for: its envelope, else the :class:`Refusal` it
    answered, else ``None`` (a request the front door never saw: preflights, the local AWS's own
    endpoints, the stand-in providers, bodies refused unread)."""
    return environ.get(ENVIRON_KEY) or environ.get(REFUSAL_KEY)

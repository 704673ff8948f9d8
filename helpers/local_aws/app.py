"""The local AWS as one WSGI application: moto's server app, with the project's own layer in front.

moto answers every AWS service on one port, routing by host, path, ``X-Amz-Target`` and the
signature's credential scope (``moto.server.DomainDispatcherApplication``). The project extends it
from the outside, as ``../shared/docs/moto-notes.md`` recommends: each *service layer* sees a request
first and either answers it (returns a WSGI response iterable) or declines (returns ``None``), in which
case the request goes on to moto unchanged. That depends only on names moto exports and on AWS's wire
formats, so any client (boto3, the AWS CLI, the JavaScript SDK in a browser) talks to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from moto.server import DomainDispatcherApplication, create_backend_app

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: Path of the local AWS's own status document (not an AWS API; moto's own admin API lives under /moto-api/).
STATUS_PATH = "/_local_aws/status"


class ServiceLayer(Protocol):
    """A layer that owns some requests (for example every ``AWSCognitoIdentityService.*`` target)."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        """Answer the request, or return ``None`` to let the next layer (finally moto) answer it."""


class LocalAWSApplication:
    """moto's dispatcher with the project's service layers in front of it."""

    def __init__(self, layers: list[ServiceLayer] | None = None, backend: WSGIApp | None = None) -> None:
        self.layers: list[ServiceLayer] = list(layers or [])
        self.backend: WSGIApp = backend or DomainDispatcherApplication(create_backend_app)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == STATUS_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self._status(start_response)
        for layer in self.layers:
            answer = layer(environ, start_response)
            if answer is not None:
                return answer
        return self.backend(environ, start_response)

    def _status(self, start_response: StartResponse) -> Iterable[bytes]:
        import moto

        body = json.dumps(
            {
                "service": "local-aws",
                "moto": moto.__version__,
                "layers": [type(layer).__name__ for layer in self.layers],
            }
        ).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def make_app() -> LocalAWSApplication:
    """Build the local AWS application with every service layer the project provides."""
    return LocalAWSApplication(layers=[])

"""boto3 clients that call the wrapped moto application in-process, as the local administrator.

The identity-pool layer needs IAM (read a role's trust policy), STS (mint credentials for a role) and
cognito-idp (a user pool's JWKS) the way the real service calls them internally. Going through a real
botocore client keeps moto's wire formats the only contract; sending the prepared request to the WSGI
application directly (botocore's ``before-send`` hook) avoids a socket and never re-enters the
project's own layers (no enforcement, no recursion).
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from .constants import ADMIN_ACCESS_KEY_ID, ADMIN_SECRET_ACCESS_KEY, DEFAULT_REGION

# Requests are addressed to this host; the WSGI application routes by headers and path, not by socket.
INTERNAL_ENDPOINT = "http://local-aws.internal"


class InternalAWS:
    """Factory of in-process clients for one WSGI application (moto's dispatcher)."""

    def __init__(self, wsgi_app: Any, app_for_service: Any = None) -> None:
        self._wsgi_app = wsgi_app
        # moto's app for one service (``moto_services.MotoServices.app``): the dispatcher need not guess.
        self._app_for_service = app_for_service
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str = DEFAULT_REGION) -> Any:
        with self._lock:
            key = (service, region)
            if key not in self._clients:
                from botocore.config import Config

                from helpers.sessions import shared_client

                client = shared_client(
                    service,
                    region_name=region,
                    endpoint_url=INTERNAL_ENDPOINT,
                    aws_access_key_id=ADMIN_ACCESS_KEY_ID,
                    aws_secret_access_key=ADMIN_SECRET_ACCESS_KEY,
                    config=Config(retries={"max_attempts": 1}),
                )
                client.meta.events.register("before-send", functools.partial(self._send, service))
                self._clients[key] = client
            return self._clients[key]

    def _send(self, service: str, request: Any, **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse
        from werkzeug.test import EnvironBuilder, run_wsgi_app

        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        builder = EnvironBuilder(
            path=request.url[len(INTERNAL_ENDPOINT) :] or "/",
            method=request.method,
            headers={k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()},
            data=body or b"",
        )
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        app = self._app_for_service(service) if self._app_for_service is not None else self._wsgi_app
        app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
        try:
            content = b"".join(app_iter)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
        return AWSResponse(request.url, int(status.split(" ", 1)[0]), dict(headers), _Raw(content))


class _Raw:
    """The minimal raw-stream interface botocore's AWSResponse reads from."""

    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any):
        yield self._content

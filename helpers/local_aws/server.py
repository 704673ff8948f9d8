"""Serving the local AWS on loopback, in a background thread of the current process."""

from __future__ import annotations

import threading
from typing import Any

from moto.server import MotoRequestHandler
from werkzeug.serving import BaseWSGIServer, make_server

from .app import LocalAWSApplication, make_app

DEFAULT_HOST = "127.0.0.1"


class RequestHandler(MotoRequestHandler):
    """moto's request handler, logging paths without their query strings.

    Presigned URLs carry ``X-Amz-Credential``, ``X-Amz-Signature`` and ``X-Amz-Security-Token`` in the
    query string; an access log must not keep them.
    """

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if not getattr(self.server, "log_requests", False):
            return
        path = self.path.split("?", 1)[0]
        self.log("info", '"%s %s %s" %s %s', self.command, path, self.request_version, code, size)


class LocalAWS:
    """The local AWS served over HTTP on one host and port.

    It binds only ``host`` (default ``127.0.0.1``; moto's own default would be every address).
    ``port=0`` lets the operating system pick a free port; read it back from :attr:`url`.
    ``log_requests`` writes an access log line (without query strings) per request to stderr.

    >>> with LocalAWS() as aws:          # doctest: +SKIP
    ...     boto3.client("s3", endpoint_url=aws.url).list_buckets()
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        app: LocalAWSApplication | None = None,
        log_requests: bool = False,
    ) -> None:
        self.host = host
        self.app = app or make_app()
        # Binding happens here, so the port is known (and taken) as soon as the object exists.
        self._server: BaseWSGIServer = make_server(
            host, port, self.app, threaded=True, request_handler=RequestHandler
        )
        self._server.daemon_threads = True
        # Off by default: inside a notebook kernel, log lines on stderr would land in cell outputs.
        self._server.log_requests = log_requests  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> LocalAWS:
        """Serve in a daemon thread; returns at once, ready to answer."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name="local-aws", daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`stop` is called from another thread or a signal."""
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LocalAWS:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LocalAWS(url={self.url!r})"

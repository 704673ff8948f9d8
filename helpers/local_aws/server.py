"""Serving the local AWS on loopback, in a background thread of the current process."""

from __future__ import annotations

import logging
import queue
import selectors
import sys
import threading
import time
from typing import Any

from moto.server import MotoRequestHandler
from werkzeug.serving import BaseWSGIServer, ThreadedWSGIServer

from ..serving import ServedInThread
from .app import LocalAWSApplication, make_app
from .cross_origin import CrossOriginPolicy
from .host_header import HostCheck
from .request_log import FACTS_KEY, RequestLog, line
from .s3.cors import BucketCors
from .transport import MAX_BODY_BYTES, RequestBodies

DEFAULT_HOST = "127.0.0.1"
#: Where the request log goes (standard error, once a server logs requests; see ``LocalAWS``).
REQUEST_LOG = logging.getLogger("helpers.local_aws.requests")


def _log_to_stderr() -> None:
    if not REQUEST_LOG.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        REQUEST_LOG.addHandler(handler)
        REQUEST_LOG.setLevel(logging.INFO)
        REQUEST_LOG.propagate = False


class RequestHandler(MotoRequestHandler):
    """moto's request handler, logging what each request asked (:mod:`.request_log`), answering every
    malformed request line.

    Python's ``BaseHTTPRequestHandler`` answers a request line it cannot parse as if the client spoke
    HTTP/0.9: a bare body with no status line, which clients read as no answer at all. Here every such
    request (``GARBAGE``, ``GET /x HTTP/9.9``, a 100 KB request line, an HTTP/0.9 ``GET /x``) gets an
    HTTP/1.1 ``400 Bad Request`` with a short text body, and the connection is drained briefly before
    closing, so the client reads the answer instead of a reset. UNCONFIRMED: AWS's front ends' exact
    answer; HTTP would also allow 505 for an unknown version and 414 for an overlong request line, but
    every malformed request line is answered 400 here, as the local AWS's specification asks.
    """

    error_content_type = "text/plain; charset=utf-8"
    error_message_format = "%(code)d %(message)s: %(explain)s\n"
    #: How much of an unread request to swallow after an error answer, so the client sees the answer.
    DRAIN_BYTES = 1024 * 1024
    DRAIN_SECONDS = 0.1

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":
            self.send_error(400, "HTTP/0.9 requests are not served")
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 414:
            message = message or f"request line over {65536} bytes"
        if code in (414, 505):  # an overlong request line, an unknown HTTP version
            code = 400
        if self.request_version in ("HTTP/0.9", ""):
            # Python writes a status line and headers only for a request it parsed as HTTP/1.x.
            self.request_version = "HTTP/1.0"
        self.close_connection = True
        # The standard reason phrase on the status line; what was wrong in the body.
        super().send_error(code, None, (message or explain or "")[:200])
        try:
            self.wfile.flush()
            self._drain()
        except OSError:
            pass

    def _body_will_be_refused(self) -> bool:
        """Whether the request's ``Content-Length`` is over the limit or malformed (see ``transport``)."""
        limit = getattr(self.server, "max_body_bytes", None)
        length = (self.headers.get("Content-Length") or "").strip()
        return limit is not None and bool(length) and (not length.isdigit() or int(length) > limit)

    # Both Python's handler (in parse_request) and werkzeug's (in run_wsgi) answer "Expect: 100-continue"
    # with "100 Continue" before the application runs. For a body that will be refused that invites the
    # client to send it all; answering at once instead is what RFC 9110 (10.1.1) allows, and botocore then
    # sends no body.
    def handle_expect_100(self) -> bool:
        return True if self._body_will_be_refused() else super().handle_expect_100()

    def run_wsgi(self) -> None:
        if self._body_will_be_refused():
            del self.headers["Expect"]
        super().run_wsgi()

    def _drain(self) -> None:
        """Read (and drop) what the client is still sending, for a moment: closing a socket with unread
        data makes the kernel send a reset, which can destroy the answer before the client reads it."""
        drained = 0
        with selectors.DefaultSelector() as selector:
            selector.register(self.connection, selectors.EVENT_READ)
            while drained < self.DRAIN_BYTES and selector.select(timeout=self.DRAIN_SECONDS):
                data = self.connection.recv(65536)
                if not data:
                    break
                drained += len(data)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One line per request (:mod:`.request_log`): ``s3 PutObject 403 AccessDenied``, or the method
        and path without its query string for what is not an AWS API request."""
        if not getattr(self.server, "log_requests", False):
            return
        environ = getattr(self, "environ", None) or {}  # werkzeug keeps the request's environ here
        facts = environ.get(FACTS_KEY)
        self.log("info", "%s", line(getattr(self, "command", None), getattr(self, "path", None), code, facts))

    def log_error(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        # Like the access log, off unless asked for: in a notebook kernel it would land in cell outputs.
        if getattr(self.server, "log_requests", False):
            super().log_error(format, *args)

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """``local AWS 15:04:05 <message>`` on the local AWS's log (standard error): no client address,
        always this machine's loopback, nor werkzeug's colours."""
        REQUEST_LOG.log(
            logging.ERROR if type == "error" else logging.INFO,
            "local AWS %s " + message,
            time.strftime("%H:%M:%S"),
            *args,
        )


class ConnectionThreadsServer(ThreadedWSGIServer):
    """werkzeug's threaded server, serving each connection in a thread that then waits for the next one.

    werkzeug's server answers one request per connection (it always closes), and its threaded server
    starts a new thread for every connection: about a tenth of a millisecond of CPU per request. Here a
    thread that has served a connection waits up to :attr:`IDLE_SECONDS` for another, and a new thread
    is started only when none is waiting, so concurrency is as before (never a queue of connections
    behind a busy thread) and idle threads go away. Requests are handled by the same request handler,
    one connection per thread at a time, exactly as before.
    """

    IDLE_SECONDS = 5.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._connections: queue.SimpleQueue[tuple[Any, Any]] = queue.SimpleQueue()
        self._waiting = 0  # threads waiting for a connection; changed only under the lock
        self._waiting_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._waiting_lock:
            if self._waiting:
                self._waiting -= 1  # that thread's: it takes this connection
                self._connections.put((request, client_address))
                return
        thread = threading.Thread(
            target=self._serve_connections, args=(request, client_address), name="local-aws-connection"
        )
        thread.daemon = True
        thread.start()

    def _serve_connections(self, request: Any, client_address: Any) -> None:
        while True:
            self.process_request_thread(request, client_address)  # handles errors, closes the socket
            with self._waiting_lock:
                self._waiting += 1
            try:
                request, client_address = self._connections.get(timeout=self.IDLE_SECONDS)
            except queue.Empty:
                with self._waiting_lock:
                    try:  # a connection handed over as the wait ended is still this thread's
                        request, client_address = self._connections.get_nowait()
                    except queue.Empty:
                        self._waiting -= 1
                        return


class LocalAWS:
    """The local AWS served over HTTP on one host and port.

    It binds only ``host`` (default ``127.0.0.1``; moto's own default would be every address).
    ``port=0`` lets the operating system pick a free port; read it back from :attr:`url`.
    ``log_requests`` writes a line per request to standard error (:mod:`.request_log`: service,
    operation, status and AWS's error code; never a query string, key, token or signature).
    ``max_body_bytes`` is the largest request body accepted (default 64 MiB, see ``transport``).

    >>> with LocalAWS() as aws:          # doctest: +SKIP
    ...     boto3.client("s3", endpoint_url=aws.url).list_buckets()
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        app: LocalAWSApplication | None = None,
        log_requests: bool = False,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.host = host
        self.app = app or make_app()
        # What is served: the application behind the edges that act before any layer reads the request
        # (the Host a request must name, cross-origin rules, then the body's framing and size).
        bucket_cors = BucketCors(self.app.state.internal) if self.app.state is not None else None
        served = HostCheck(CrossOriginPolicy(RequestBodies(self.app, max_body_bytes), bucket_cors))
        if log_requests:
            served = RequestLog(served)
            _log_to_stderr()
        # Binding happens here, so the port is known (and taken) as soon as the object exists.
        self._server: BaseWSGIServer = ConnectionThreadsServer(host, port, served, handler=RequestHandler)
        self._server.daemon_threads = True
        self._server.max_body_bytes = max_body_bytes  # type: ignore[attr-defined]  (for RequestHandler)
        # Off by default: inside a notebook kernel, log lines on stderr would land in cell outputs.
        self._server.log_requests = log_requests  # type: ignore[attr-defined]
        self._serving = ServedInThread(self._server, "local-aws")

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> LocalAWS:
        """Serve in a daemon thread; returns at once, ready to answer."""
        self._serving.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`stop` is called from another thread or a signal."""
        self._serving.serve_here()

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self._serving.stop()

    def __enter__(self) -> LocalAWS:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LocalAWS(url={self.url!r})"

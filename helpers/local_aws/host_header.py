"""The ``Host`` every request must name: this machine's loopback, or the address the local AWS was given.

Any web page the learner visits can send requests to ``127.0.0.1``; the browser's same-origin rules keep
it from reading the answers, unless the page's own DNS name is rebound to ``127.0.0.1`` (DNS rebinding):
then the browser counts the local AWS as the page's own origin, lets it read everything, and a page on
``evil.example`` could sign requests with the public ``testing`` keys to every AWS API. Such a page still
sends its own name in ``Host``, which is what :class:`HostCheck` refuses, before any other layer runs.

Accepted host names (any port):

* loopback: ``127.0.0.0/8``, ``[::1]``, ``localhost`` and every name under ``.localhost``, which RFC 6761
  ("Special-Use Domain Names", 6.3) reserves for loopback, so no one can point one elsewhere (the AWS SDK
  for JavaScript addresses S3 as ``<bucket>.localhost`` when given ``http://localhost:PORT``);
* the address the server was bound to (``SERVER_NAME``, as ``python -m helpers.local_aws --host
  192.168.1.5`` sets it), and, for a server bound to every address (``--host 0.0.0.0``), the address
  the request arrived on: a name cannot be checked this way, so from other machines use the IP address.
  An IP address cannot be rebound, so a page that sends one came from that address.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: The names a server bound to every address reports as its own (never sent by a client as ``Host``).
_WILDCARD = ("", "0.0.0.0", "::")
REFUSAL = (
    "the local AWS answers only requests addressed to this machine's loopback (127.0.0.1, localhost, "
    "*.localhost, [::1]) or to the address it was started on; a request addressed to another name may "
    "come from a web page whose DNS name was rebound to 127.0.0.1"
)


def host_name(host_header: str) -> str:
    """The host in a ``Host`` header, without port, brackets or a trailing dot, in lower case."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else ""
    name, _, port = host.rpartition(":")
    if name and port.isdigit():
        host = name
    return host.rstrip(".")


@lru_cache(maxsize=256)
def is_loopback(host: str) -> bool:
    """``host`` (as :func:`host_name` returns it) names this machine's loopback interface."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _arrived_on(environ: dict[str, Any]) -> str | None:
    """The local address of the connection the request came in on (werkzeug's server exposes it)."""
    connection = environ.get("werkzeug.socket")
    try:
        return str(connection.getsockname()[0]).lower() if connection is not None else None
    except (OSError, AttributeError, IndexError):
        return None


def addressed_here(environ: dict[str, Any]) -> bool:
    """Whether the request's ``Host`` names loopback or the address the local AWS serves (see module)."""
    host = host_name(environ.get("HTTP_HOST", ""))
    if not host:
        return False
    if is_loopback(host):
        return True
    bound = str(environ.get("SERVER_NAME") or "").lower()
    if bound not in _WILDCARD:
        return host == bound
    return host == _arrived_on(environ)


def refusal(start_response: StartResponse) -> list[bytes]:
    """403 with the reason, as JSON (no CORS headers: a rebound page is same-origin anyway)."""
    body = json.dumps({"message": REFUSAL}).encode()
    start_response(
        "403 Forbidden",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


class HostCheck:
    """WSGI middleware: refuses every request not :func:`addressed_here`, whatever its path or signature.

    UNCONFIRMED: AWS's own endpoints answer a ``Host`` they do not serve in their own ways; the local AWS
    answers 403 with its reason, the same for every service, since it cannot know which one was meant.
    """

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not addressed_here(environ):
            return refusal(start_response)
        return self.app(environ, start_response)

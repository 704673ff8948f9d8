"""The request body as it arrives over HTTP, made safe before any layer or moto reads it.

:class:`RequestBodies` is the outermost WSGI layer of the served local AWS (see ``server.py``):

* ``Content-Length`` must be a plain decimal number: a negative, signed or non-numeric value gets 400
  before anything reads the body (werkzeug passes the header through unchecked, and a layer that
  trusted it would read nothing, or block);
* a body longer than :data:`MAX_BODY_BYTES` (64 MiB) is refused from ``Content-Length`` alone, without
  reading it; a ``Transfer-Encoding: chunked`` body is refused as soon as it grows past the limit;
* a chunked body (which werkzeug's server de-chunks, announcing its end with ``wsgi.input_terminated``
  and no ``CONTENT_LENGTH``) is read whole and handed on with its real ``CONTENT_LENGTH`` and a fresh
  ``wsgi.input``, so every layer and moto read all of it: before, moto stored such an upload as an empty
  object. (``Content-Encoding: aws-chunked`` bodies signed chunk by chunk are a separate matter: they
  come with a ``Content-Length`` and are left to the layers that verify their signatures.)

The limit is the local AWS's own, far below S3's 5 GB for a single PUT ("Uploading objects", Amazon S3
User Guide): it keeps a mistaken or hostile request from taking the learner's memory. S3 answers an
upload over its limit with ``EntityTooLarge`` ("Error responses", Amazon S3 API Reference).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from typing import Any

from .authorization.denials import Denial, json_error, s3_error
from .endpoints import classify
from .query_protocol import xml_error

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: The largest request body the local AWS accepts, in bytes (documented in the README).
MAX_BODY_BYTES = 64 * 1024 * 1024

_DECIMAL = re.compile(r"[0-9]{1,40}")
_READ_SIZE = 1024 * 1024
_QUERY_NAMESPACES = {
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
}


class BodyRefused(Exception):
    """A request body the local AWS will not read (malformed framing or over the limit)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def bad_request(start_response: StartResponse, reason: str) -> list[bytes]:
    """A plain 400, as an HTTP front end answers framing it cannot parse before any service sees the
    request. UNCONFIRMED: AWS's exact body for a malformed ``Content-Length`` is not documented."""
    body = f"400 Bad Request: {reason}\n".encode()
    start_response(
        "400 Bad Request",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body]


def too_large(environ: dict[str, Any], proposed: int | None, limit: int) -> Denial:
    """The answer to a body over ``limit``, in the wire format of the service the request is for."""
    method = environ.get("REQUEST_METHOD", "GET")
    endpoint = classify(environ)
    if endpoint.kind == "s3":
        # S3's own error for an upload over its limit, HTTP 400, with the sizes it compared.
        extra = {"MaxSizeAllowed": str(limit)}
        if proposed is not None:
            extra = {"ProposedSize": str(proposed), **extra}
        return s3_error(
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed object size.",
            400,
            method=method,
            extra=extra,
        )
    message = f"Request body exceeds the local AWS's limit of {limit} bytes"
    content_type = environ.get("CONTENT_TYPE", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        namespace = _QUERY_NAMESPACES.get(_scoped_service(environ) or "sts", _QUERY_NAMESPACES["sts"])
        captured: list[Any] = []
        body = xml_error(
            lambda status, headers: captured.append(headers), namespace, "RequestEntityTooLarge", message, 413
        )
        # UNCONFIRMED: AWS's query-protocol services' code and wording for an oversized body.
        return Denial(413, list(captured[0]), b"".join(body))
    # UNCONFIRMED: the JSON-protocol services' code and wording for an oversized body.
    return json_error("RequestEntityTooLarge", message, status=413, namespace="")


def _scoped_service(environ: dict[str, Any]) -> str | None:
    """The service a SigV4 ``Authorization`` header is scoped to, read with the front door's own parser
    (the body is refused unread, before the front door, which needs the body, could attribute it)."""
    from .wire import sigv4

    try:
        claims = sigv4.claims_from_header(
            environ.get("HTTP_AUTHORIZATION", ""), environ.get("HTTP_X_AMZ_DATE"), None
        )
    except sigv4.MalformedSignature:
        return None
    return claims.service


def _send(start_response: StartResponse, denial: Denial) -> list[bytes]:
    # werkzeug's server closes every connection after its answer, so the unread body goes with it.
    start_response(denial.status_line, denial.headers)
    return [denial.body]


def read_chunked(stream: Any, limit: int) -> bytes:
    """The whole de-chunked body, or :class:`BodyRefused` as soon as it exceeds ``limit``."""
    parts: list[bytes] = []
    total = 0
    while True:
        try:
            part = stream.read(_READ_SIZE)
        except (OSError, ValueError) as error:  # werkzeug's DechunkedInput: "Invalid chunk header"
            raise BodyRefused(400, f"malformed chunked body ({error})") from None
        if not part:
            return b"".join(parts)
        total += len(part)
        if total > limit:
            raise BodyRefused(413, "chunked body over the limit")
        parts.append(part)


class RequestBodies:
    """WSGI middleware: checks the body's framing and size, and de-chunks chunked bodies (see module)."""

    def __init__(self, app: WSGIApp, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        raw_length = (environ.get("CONTENT_LENGTH") or "").strip()
        coding = environ.get("HTTP_TRANSFER_ENCODING", "").strip().lower()
        if coding not in ("", "chunked"):
            # Only chunked framing is understood (werkzeug de-chunks, and decodes nothing else): a body in
            # another transfer coding would reach the services still encoded. UNCONFIRMED: S3 calls such
            # headers NotImplemented (501); a 4xx is given here, as for any request the local AWS will not
            # read.
            return bad_request(start_response, f"unsupported Transfer-Encoding {coding[:40]!r}")
        chunked = coding == "chunked"
        if chunked and raw_length:
            # RFC 9112 6.3: a request with both is a smuggling attempt or a broken client.
            return bad_request(start_response, "both Content-Length and Transfer-Encoding: chunked")
        if raw_length:
            if not _DECIMAL.fullmatch(raw_length):
                return bad_request(start_response, f"invalid Content-Length {raw_length[:40]!r}")
            length = int(raw_length)
            if length > self.max_body_bytes:
                return _send(start_response, too_large(environ, length, self.max_body_bytes))
        elif chunked:
            if not environ.get("wsgi.input_terminated"):
                # Only a server that de-chunks may hand a chunked body on (werkzeug's does).
                return bad_request(start_response, "chunked body from a server that does not de-chunk")
            try:
                body = read_chunked(environ["wsgi.input"], self.max_body_bytes)
            except BodyRefused as refused:
                if refused.status == 413:
                    return _send(start_response, too_large(environ, None, self.max_body_bytes))
                return bad_request(start_response, refused.reason)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ.pop("wsgi.input_terminated", None)
        return self.app(environ, start_response)

"""The local AWS's request log: one line per request, saying what was asked and how it was answered.

``python -m helpers.local_aws`` and ``make lab`` print it (``LocalAWS(log_requests=True)``). An AWS API
request is named as the front door attributed it, with AWS's error code when it failed::

    cognito-identity GetId 200
    cognito-identity GetCredentialsForIdentity 200
    s3 GetObject 200
    s3 PutObject 403 AccessDenied
    dynamodb PutItem 400 InvalidSignatureException

and any other request (the local AWS's own endpoints, the stand-in identity providers, CORS preflights)
by its method and path::

    GET /_local_aws/status 200

A line never holds a query string (presigned URLs carry ``X-Amz-Credential``, ``X-Amz-Signature`` and
``X-Amz-Security-Token`` there), a header, a body or an error message: keys, tokens and signatures stay
out of the terminal, and so do the object keys and identity ids of AWS requests.

:class:`RequestLog` (a WSGI layer around the served application) records the line's facts in the
environ under :data:`FACTS_KEY`; the server's request handler writes the line (it alone also sees the
requests that never reach the application, such as a malformed request line).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .wire.envelope import RequestEnvelope, attribution_of

StartResponse = Callable[..., Any]
Headers = list[tuple[str, str]]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

FACTS_KEY = "local_aws.log"
#: An AWS error code as AWS writes them (``AccessDenied``, ``ResourceNotFoundException``,
#: ``InvalidParameterValue``): nothing else from an answer ever reaches the log.
_ERROR_CODE = re.compile(r"[A-Za-z][A-Za-z0-9._]{0,99}")
_XML_CODE = re.compile(rb"<Code>([^<]{1,100})</Code>")
#: How much of an error answer's body is read for its code (AWS's error bodies are a few hundred bytes).
_ERROR_BODY_LIMIT = 16 * 1024


@dataclass(frozen=True)
class RequestFacts:
    """What the log says of an AWS API request: the service (signing name), operation and error code."""

    service: str
    operation: str | None
    error_code: str | None = None


def _error_code(text: str | None) -> str | None:
    if not text:
        return None
    code = text.strip()
    return code if _ERROR_CODE.fullmatch(code) else None


def error_code_of(headers: list[tuple[str, str]], body: bytes) -> str | None:
    """AWS's error code in an answer: the ``x-amzn-ErrorType`` header (JSON services: ``Code:`` or
    ``Code:http://...``), else the body's ``<Code>`` (S3, query services) or ``__type`` (JSON, the part
    after ``#``)."""
    for name, value in headers:
        if name.lower() == "x-amzn-errortype":
            return _error_code(value.split(":", 1)[0])
    found = _XML_CODE.search(body)
    if found:
        return _error_code(found.group(1).decode("utf-8", "replace"))
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if isinstance(document, dict):
        named = document.get("__type") or document.get("code") or document.get("Code")
        if isinstance(named, str):
            return _error_code(named.rsplit("#", 1)[-1])
    return None


def operation_of(environ: dict[str, Any], attributed: Any) -> str | None:
    """The operation the front door named; for S3, the one the S3 authorization mapper names (moto's
    own choice of operation for the method, path and query)."""
    if attributed.operation is not None or attributed.service != "s3":
        return attributed.operation
    from .authorization.s3 import map_s3_request

    if isinstance(attributed, RequestEnvelope):
        if attributed.s3_mapping is None:  # the administrator's requests are not mapped to authorize them
            attributed.s3_mapping = map_s3_request(environ, attributed.body, attributed.signing)
        return attributed.s3_mapping.operation
    return map_s3_request(environ, b"").operation


def line(method: str | None, path: str | None, status: int | str, facts: RequestFacts | None) -> str:
    """One log line (see the module): ``service operation status [code]``, or ``method path status``."""
    if facts is not None:
        parts = [facts.service, facts.operation or "-", str(status)]
        if facts.error_code:
            parts.append(facts.error_code)
        return " ".join(parts)
    if method is None or path is None:
        return f"(malformed request) {status}"
    return f"{method} {path.split('?', 1)[0]} {status}"


class RequestLog:
    """WSGI layer: records each answered AWS request's :class:`RequestFacts` in the environ."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started: list[Any] = []

        def recording_start_response(status: str, headers: Headers, exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        answer = self.app(environ, recording_start_response)
        attributed = attribution_of(environ)
        if attributed is None or not started:
            return answer
        status, headers = int(str(started[0]).split(" ", 1)[0]), started[1]
        code = None
        if status >= 400:
            code = error_code_of(headers, b"")
            if code is None and environ.get("REQUEST_METHOD") != "HEAD":
                answer = _read_whole(answer)
                code = error_code_of([], b"".join(answer)[:_ERROR_BODY_LIMIT])
        environ[FACTS_KEY] = RequestFacts(attributed.service, operation_of(environ, attributed), code)
        return answer


def _read_whole(answer: Iterable[bytes]) -> list[bytes]:
    try:
        return list(answer)
    finally:
        close = getattr(answer, "close", None)
        if close is not None:
            close()

"""Every AWS error body the local AWS writes, one writer per wire format.

* Amazon S3 (REST-XML): ``<Error><Code>..</Code><Message>..</Message>..</Error>`` ("Error responses",
  Amazon S3 API Reference).
* JSON 1.0/1.1 (DynamoDB, Cognito): ``{"__type": "...#Code", "message": ...}``; botocore reads the code
  from the part of ``__type`` after ``#`` ("Error handling with DynamoDB", DynamoDB Developer Guide).
* Query (IAM, STS): ``<ErrorResponse><Error><Type>Sender</Type><Code>..</Code><Message>..</Message>
  </Error><RequestId>..</RequestId></ErrorResponse>`` ("Common Errors", AWS STS API Reference).

Each writer returns a :class:`Denial` (status, headers, body) that any layer can send with
:meth:`Denial.send`.
"""

from __future__ import annotations

import json
import secrets
import string
import uuid
import zlib
from typing import Any, NamedTuple
from xml.sax.saxutils import escape


class Denial(NamedTuple):
    """An HTTP answer: status code, headers and body bytes."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def status_line(self) -> str:
        """The WSGI status string, for example ``"403 Forbidden"``."""
        from http import HTTPStatus

        try:
            return f"{self.status} {HTTPStatus(self.status).phrase}"
        except ValueError:
            return f"{self.status} Error"

    def send(self, start_response: Any, method: str = "GET") -> list[bytes]:
        """Start the WSGI response and return its body (none for a HEAD request)."""
        start_response(self.status_line, self.headers)
        return [] if method.upper() == "HEAD" else [self.body]


def request_id(length: int) -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(length))


def s3_error(
    code: str, message: str, status: int, *, method: str = "GET", extra: dict[str, str] | None = None
) -> Denial:
    """An S3 ``<Error>`` document. HEAD requests get the status and headers only: a HEAD has no body,
    which is why boto3 reports a denied ``head_object`` as code ``"403"`` rather than ``AccessDenied``."""
    rid = request_id(16)
    host_id = secrets.token_urlsafe(57)
    headers = [("x-amz-request-id", rid), ("x-amz-id-2", host_id), ("Content-Type", "application/xml")]
    if method.upper() == "HEAD":
        return Denial(status, headers, b"")
    fields = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in (extra or {}).items())
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>{fields}"
        f"<RequestId>{rid}</RequestId><HostId>{escape(host_id)}</HostId></Error>"
    ).encode()
    return Denial(status, [*headers, ("Content-Length", str(len(body)))], body)


def json_error(
    type_name: str,
    message: str,
    *,
    status: int = 400,
    content_type: str = "application/x-amz-json-1.1",
    message_field: str = "message",
    namespace: str = "com.amazon.coral.service",
) -> Denial:
    """A JSON-protocol error: ``{"__type": "<namespace>#<type_name>", "<message_field>": message}``.

    The ``x-amz-crc32`` header is the CRC32 of the body, which botocore checks for DynamoDB;
    ``x-amzn-ErrorType`` carries the code as AWS's JSON services send it.
    """
    error_type = f"{namespace}#{type_name}" if namespace else type_name
    body = json.dumps({"__type": error_type, message_field: message}, separators=(",", ":")).encode()
    headers = [
        ("x-amzn-RequestId", request_id(52)),
        ("x-amzn-ErrorType", f"{type_name}:"),
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("x-amz-crc32", str(zlib.crc32(body))),
    ]
    return Denial(status, headers, body)


def query_error(namespace: str, code: str, message: str, status: int = 400, sender: bool = True) -> Denial:
    """A query-protocol ``<ErrorResponse>`` (IAM, STS)."""
    body = (
        f'<ErrorResponse xmlns="{namespace}"><Error><Type>{"Sender" if sender else "Receiver"}</Type>'
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    ).encode()
    return Denial(status, [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))], body)


def query_namespace(service: str, api_version: str) -> str:
    """The XML namespace of a query service's answers, ``https://sts.amazonaws.com/doc/2011-06-15/``."""
    return f"https://{service}.amazonaws.com/doc/{api_version}/"


def json_namespace(service: str) -> str:
    """The prefix of ``__type``: Cognito's services answer bare codes (``{"__type":
    "NotAuthorizedException"}``, as seen in aws-amplify/amplify-js#2443); DynamoDB and the others
    ``com.amazon.coral.service#<Code>`` (aws-sdk-ios-samples#111)."""
    return "" if service in ("cognito-identity", "cognito-idp") else "com.amazon.coral.service"


class WireError(Exception):
    """An AWS error to answer in the request's own wire format: one code, message and status for
    each protocol family (S3 and the JSON and query services name the same failure differently)."""

    def __init__(
        self,
        s3: tuple[str, str, int],
        json: tuple[str, str, int],
        query: tuple[str, str, int],
    ) -> None:
        super().__init__(json[1])
        self.s3, self.json, self.query = s3, json, query
        self.json_namespace: str | None = None  # None: the service's own (see :func:`json_namespace`)

    @classmethod
    def same(cls, code: str, message: str, status: int = 400) -> WireError:
        return cls((code, message, status), (code, message, status), (code, message, status))

    def for_protocol(self, protocol: str) -> tuple[str, str, int]:
        if protocol in ("rest-xml",):
            return self.s3
        if protocol in ("json", "rest-json"):
            return self.json
        return self.query

    def answer(
        self,
        protocol: str,
        *,
        service: str = "",
        api_version: str = "",
        json_version: str | None = None,
        method: str = "GET",
    ) -> Denial:
        """This error in ``protocol``'s format (``service`` and ``api_version`` name a query namespace)."""
        code, message, status = self.for_protocol(protocol)
        if protocol == "rest-xml":
            return s3_error(code, message, status, method=method)
        if protocol in ("json", "rest-json"):
            content_type = f"application/x-amz-json-{json_version or '1.1'}"
            namespace = self.json_namespace if self.json_namespace is not None else json_namespace(service)
            return json_error(code, message, status=status, content_type=content_type, namespace=namespace)
        namespace = query_namespace(service or "sts", api_version or "2011-06-15")
        return query_error(namespace, code, message, status)

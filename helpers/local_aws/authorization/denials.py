"""AWS's answers to a request that IAM denies, in each service's own wire format.

The message follows the format AWS has used since 2021-2023 ("Troubleshoot access denied error messages",
IAM User Guide; "Access denied message examples", Amazon S3 User Guide)::

    User: <caller> is not authorized to perform: <action> on resource: <resource>
        because no <type> policy allows the <action> action
    User: <caller> is not authorized to perform: <action> on resource: <resource>
        with an explicit deny in a(n) <type> policy

(one line each in the real message).

S3 puts the resource ARN in double quotes; DynamoDB does not. Actions evaluated against ``*`` (such as
``s3:ListAllMyBuckets``) leave out "on resource: ..." altogether.

Every builder returns a :class:`Denial` (status, headers, body) for the enforcement layer to send.
"""

from __future__ import annotations

import json
import secrets
import string
import zlib
from typing import Literal, NamedTuple
from xml.sax.saxutils import escape

#: Why IAM denied: which policy type failed to allow, or explicitly denied.
DenialReason = Literal[
    "no identity-based policy allows",
    "no session policy allows",
    "no resource-based policy allows",
    "explicit deny in an identity-based policy",
    "explicit deny in a session policy",
    "explicit deny in a resource-based policy",
]


class Denial(NamedTuple):
    """An HTTP answer: status code, headers and body bytes."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def status_line(self) -> str:
        """The WSGI status string, for example ``"403 Forbidden"``."""
        from http import HTTPStatus

        return f"{self.status} {HTTPStatus(self.status).phrase}"


def access_denied_message(
    caller_arn: str, action: str, resource: str, reason: DenialReason, *, quote_resource: bool = False
) -> str:
    """AWS's access-denied sentence for ``caller_arn`` performing ``action`` on ``resource``.

    ``quote_resource`` is true for S3, which writes ``on resource: "arn:aws:s3:::bucket/key"``.
    A ``resource`` of ``"*"`` leaves out the "on resource" part, as S3 does for ``s3:ListAllMyBuckets``.
    """
    sentence = f"User: {caller_arn} is not authorized to perform: {action}"
    if resource and resource != "*":
        sentence += f' on resource: "{resource}"' if quote_resource else f" on resource: {resource}"
    if reason.startswith("explicit deny in "):
        return f"{sentence} with an {reason}"
    return f"{sentence} because {reason} the {action} action"


def _request_id(length: int) -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(length))


# --- Amazon S3 (REST-XML; "Error responses", Amazon S3 API Reference) -------------------------------------


def s3_error(
    code: str, message: str, status: int, *, method: str = "GET", extra: dict[str, str] | None = None
) -> Denial:
    """An S3 ``<Error>`` document. HEAD requests get the status and headers only: a HEAD has no body,
    which is why boto3 reports a denied ``head_object`` as code ``"403"`` rather than ``AccessDenied``."""
    request_id = _request_id(16)
    host_id = secrets.token_urlsafe(57)
    headers = [
        ("x-amz-request-id", request_id),
        ("x-amz-id-2", host_id),
        ("Content-Type", "application/xml"),
    ]
    if method.upper() == "HEAD":
        return Denial(status, headers, b"")
    fields = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in (extra or {}).items())
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>{fields}"
        f"<RequestId>{request_id}</RequestId><HostId>{escape(host_id)}</HostId></Error>"
    ).encode()
    return Denial(status, [*headers, ("Content-Length", str(len(body)))], body)


def s3_access_denied(
    caller_arn: str, action: str, resource: str, reason: DenialReason, *, method: str = "GET"
) -> Denial:
    """HTTP 403 ``AccessDenied`` with S3's message (resource ARN in double quotes)."""
    message = access_denied_message(caller_arn, action, resource, reason, quote_resource=True)
    return s3_error("AccessDenied", message, 403, method=method)


def s3_access_denied_plain(*, method: str = "GET") -> Denial:
    """HTTP 403 with S3's reason-less message ``Access Denied`` (for requests that could not be mapped
    to an action, and for cross-account requests, where S3 gives no details)."""
    return s3_error("AccessDenied", "Access Denied", 403, method=method)


def s3_expired_token(*, method: str = "GET", token: str | None = None) -> Denial:
    """HTTP 400 ``ExpiredToken``: "The provided token has expired." S3 also echoes the token in a
    ``<Token-0>`` element; it is added only when ``token`` is given."""
    extra = {"Token-0": token} if token is not None else None
    return s3_error("ExpiredToken", "The provided token has expired.", 400, method=method, extra=extra)


def s3_invalid_token(*, method: str = "GET") -> Denial:
    """HTTP 400 ``InvalidToken``: "The provided token is malformed or otherwise invalid." """
    return s3_error(
        "InvalidToken", "The provided token is malformed or otherwise invalid.", 400, method=method
    )


# --- JSON protocols (DynamoDB is JSON 1.0; "Error handling with DynamoDB", DynamoDB Developer Guide) ------


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

    botocore reads the code from the part of ``__type`` after ``#`` and the message from ``message`` or
    ``Message``. The ``x-amz-crc32`` header is the CRC32 of the body, which botocore checks for DynamoDB.
    """
    error_type = f"{namespace}#{type_name}" if namespace else type_name
    body = json.dumps({"__type": error_type, message_field: message}, separators=(",", ":")).encode()
    headers = [
        ("x-amzn-RequestId", _request_id(52)),
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("x-amz-crc32", str(zlib.crc32(body))),
    ]
    return Denial(status, headers, body)


def json_access_denied(
    caller_arn: str,
    action: str,
    resource: str,
    reason: DenialReason,
    *,
    status: int = 400,
    content_type: str = "application/x-amz-json-1.1",
) -> Denial:
    """``AccessDeniedException`` for a JSON-protocol service (resource ARN unquoted)."""
    message = access_denied_message(caller_arn, action, resource, reason)
    return json_error(
        "AccessDeniedException", message, status=status, content_type=content_type, message_field="Message"
    )


def dynamodb_access_denied(caller_arn: str, action: str, resource: str, reason: DenialReason) -> Denial:
    """DynamoDB's HTTP 400 ``AccessDeniedException``; DynamoDB spells the field ``Message``."""
    return json_access_denied(caller_arn, action, resource, reason, content_type="application/x-amz-json-1.0")


def dynamodb_expired_token() -> Denial:
    """HTTP 400 ``ExpiredTokenException``: "The security token included in the request is expired"."""
    return json_error(
        "ExpiredTokenException",
        "The security token included in the request is expired",
        content_type="application/x-amz-json-1.0",
    )


def dynamodb_unrecognized_client() -> Denial:
    """HTTP 400 ``UnrecognizedClientException``: "The security token included in the request is invalid." """
    return json_error(
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
        content_type="application/x-amz-json-1.0",
    )

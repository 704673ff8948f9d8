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

from typing import Literal

from ..wire.errors import Denial, json_error, s3_error

#: Why IAM denied: which policy type failed to allow, or explicitly denied.
DenialReason = Literal[
    "no identity-based policy allows",
    "no session policy allows",
    "no resource-based policy allows",
    "explicit deny in an identity-based policy",
    "explicit deny in a session policy",
    "explicit deny in a resource-based policy",
]


def access_denied_message(
    caller_arn: str,
    action: str,
    resource: str,
    reason: DenialReason,
    *,
    quote_resource: bool = False,
    note: str | None = None,
) -> str:
    """AWS's access-denied sentence for ``caller_arn`` performing ``action`` on ``resource``.

    ``quote_resource`` is true for S3, which writes ``on resource: "arn:aws:s3:::bucket/key"``.
    A ``resource`` of ``"*"`` leaves out the "on resource" part, as S3 does for ``s3:ListAllMyBuckets``.
    ``note``, a sentence of the local AWS's own, follows AWS's.
    """
    sentence = f"User: {caller_arn} is not authorized to perform: {action}"
    if resource and resource != "*":
        sentence += f' on resource: "{resource}"' if quote_resource else f" on resource: {resource}"
    if reason.startswith("explicit deny in "):
        sentence = f"{sentence} with an {reason}"
    else:
        sentence = f"{sentence} because {reason} the {action} action"
    return f"{sentence}. {note}" if note else sentence


# --- Amazon S3 (REST-XML; "Error responses", Amazon S3 API Reference) -------------------------------------


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


def json_access_denied(
    caller_arn: str,
    action: str,
    resource: str,
    reason: DenialReason,
    *,
    status: int = 400,
    content_type: str = "application/x-amz-json-1.1",
    note: str | None = None,
) -> Denial:
    """``AccessDeniedException`` for a JSON-protocol service (resource ARN unquoted)."""
    message = access_denied_message(caller_arn, action, resource, reason, note=note)
    return json_error(
        "AccessDeniedException", message, status=status, content_type=content_type, message_field="Message"
    )


def dynamodb_access_denied(
    caller_arn: str, action: str, resource: str, reason: DenialReason, note: str | None = None
) -> Denial:
    """DynamoDB's HTTP 400 ``AccessDeniedException``; DynamoDB spells the field ``Message``."""
    return json_access_denied(
        caller_arn, action, resource, reason, content_type="application/x-amz-json-1.0", note=note
    )


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

"""What IAM evaluates for one HTTP request: the action, the resources and the request's condition keys.

A service mapper (``s3``, ``dynamodb``) turns a WSGI request into a :class:`MappedOperation`: the API
operation it invokes and the :class:`AuthorizationRequest` s that IAM must allow for it. AWS documents
which actions each operation needs in the Service Authorization Reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: A condition key's value: one string, or several for a multivalued key (``dynamodb:LeadingKeys``).
ContextValue = str | list[str]


@dataclass(frozen=True)
class AuthorizationRequest:
    """One authorization check: may the caller perform ``action`` on every ARN in ``resources``?

    ``service`` is the IAM service prefix (``s3``), ``action`` the full action name (``s3:GetObject``),
    ``resources`` the ARNs (``["*"]`` for actions without resource-level permissions) and ``context``
    the request's condition keys (``{"s3:prefix": "photos/"}``). Principal keys (``aws:PrincipalArn``,
    ``cognito-identity.amazonaws.com:sub``) and time keys belong to the caller's session, not to the
    request, so the enforcement layer adds them.
    """

    service: str
    action: str
    resources: list[str]
    context: dict[str, ContextValue] = field(default_factory=dict)


@dataclass(frozen=True)
class MappedOperation:
    """The API operation a request invokes and the checks IAM makes for it.

    Every request in ``requests`` must be allowed (CopyObject needs ``s3:PutObject`` on the destination
    *and* ``s3:GetObject`` on the source). When ``independent`` is true each request stands alone
    instead: S3's DeleteObjects authorizes every key separately and reports denied keys inside a
    ``200`` response.

    ``unmapped_reason`` is set when the request could not be mapped (an operation this module does not
    know, a malformed body, an ambiguous query string). ``requests`` is then empty, and the enforcement
    layer must deny the request rather than pass it on: an unmapped request is never an allowed one.
    """

    service: str
    operation: str | None
    requests: list[AuthorizationRequest] = field(default_factory=list)
    independent: bool = False
    unmapped_reason: str | None = None

    @property
    def is_mapped(self) -> bool:
        return self.unmapped_reason is None


def unmapped(service: str, reason: str, operation: str | None = None) -> MappedOperation:
    """A :class:`MappedOperation` that the enforcement layer must deny, saying ``reason``."""
    return MappedOperation(service=service, operation=operation, unmapped_reason=reason)


def header(environ: dict[str, Any], name: str) -> str | None:
    """The value of HTTP header ``name`` in a WSGI environ (case-insensitive), or ``None``."""
    key = name.upper().replace("-", "_")
    if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        value = environ.get(key)
    else:
        value = environ.get(f"HTTP_{key}")
    return None if value is None else str(value)


def global_context(environ: dict[str, Any], region: str | None) -> dict[str, ContextValue]:
    """The request-derived global condition keys (IAM User Guide, "AWS global condition context keys").

    Only keys that the request itself determines: ``aws:SecureTransport`` (the local AWS speaks plain
    HTTP, so normally ``"false"``), ``aws:SourceIp``, ``aws:UserAgent`` and ``aws:RequestedRegion``.
    """
    context: dict[str, ContextValue] = {
        "aws:SecureTransport": "true" if environ.get("wsgi.url_scheme") == "https" else "false",
    }
    if environ.get("REMOTE_ADDR"):
        context["aws:SourceIp"] = str(environ["REMOTE_ADDR"])
    user_agent = header(environ, "User-Agent")
    if user_agent is not None:
        context["aws:UserAgent"] = user_agent
    if region:
        context["aws:RequestedRegion"] = region
    return context

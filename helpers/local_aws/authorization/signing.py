"""Who signed a request: the access key id, the credential scope and the session token.

This reads the signature's *claims* in the shape the S3 and DynamoDB mappers read (``s3:authType``,
``aws:RequestedRegion``); signatures are verified by the front door (:mod:`..wire.authentication`),
which hands the mappers the claims it checked. Formats, from the AWS documentation:

* SigV4 ``Authorization`` header and presigned query string ("Authenticating Requests (AWS Signature
  Version 4)", Amazon S3 API Reference; "Elements of an AWS API request signature", IAM User Guide):
  ``AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/s3/aws4_request, SignedHeaders=..., Signature=...``
  and ``X-Amz-Algorithm``/``X-Amz-Credential``/``X-Amz-Security-Token`` query parameters. SigV4a
  (``AWS4-ECDSA-P256-SHA256``) has no region in its scope; the regions are in ``X-Amz-Region-Set``.
* SigV2 for S3 ("Authenticating requests: Signature Version 2", Amazon S3): ``Authorization: AWS AKID:sig``
  or the presigned ``AWSAccessKeyId``/``Signature``/``Expires`` query with ``x-amz-security-token``.
* Browser-based POST uploads ("Browser-Based Uploads Using POST", Amazon S3): ``x-amz-credential`` (or
  ``AWSAccessKeyId``) and ``x-amz-security-token`` are form fields of a ``multipart/form-data`` body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs

from .request import header

Mechanism = Literal["sigv4-header", "sigv4-query", "sigv2-header", "sigv2-query", "post-form"]

_SIGV4_ALGORITHMS = ("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")
_CREDENTIAL = re.compile(r"Credential=([^,\s]+)")

#: Query parameters and headers whose presence means "this request tries to authenticate". A request
#: with any of them is never reported as unsigned, so a garbled signature cannot slip past enforcement.
_AUTH_QUERY_PARAMETERS = frozenset(
    {
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Signature",
        "X-Amz-Security-Token",
        "AWSAccessKeyId",
        "Signature",
        "x-amz-security-token",
        "SecurityToken",
    }
)


@dataclass(frozen=True)
class SigningInfo:
    """The identity a request claims, as read from its signature.

    ``service`` and ``region`` come from the SigV4 credential scope (SigV2 has none: ``service`` is
    ``"s3"`` for S3's SigV2 forms, ``region`` is ``None``). ``signed_at`` is ``X-Amz-Date`` (or the
    ``Date`` header for SigV2); ``expires`` is ``X-Amz-Expires`` (seconds) for SigV4 presigned URLs and
    ``Expires`` (epoch seconds) for SigV2 ones.

    ``malformed`` is true when the request carries authentication material that cannot be read (AWS
    answers those with an error, never as anonymous); ``conflicting`` when it carries more than one
    mechanism (S3 rejects that with "Only one auth mechanism allowed").
    """

    mechanism: Mechanism | None
    access_key_id: str | None
    service: str | None = None
    region: str | None = None
    security_token: str | None = None
    signed_at: str | None = None
    expires: str | None = None
    malformed: bool = False
    conflicting: bool = False


def _query(environ: dict[str, Any]) -> dict[str, list[str]]:
    return parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _scope(credential: str, algorithm: str) -> tuple[str, str | None, str] | None:
    """``(access key id, region, service)`` from a SigV4 ``Credential`` value, or ``None`` if garbled."""
    parts = credential.split("/")
    if algorithm == "AWS4-ECDSA-P256-SHA256":  # SigV4a: AKID/date/service/aws4_request
        if len(parts) != 4 or parts[3] != "aws4_request" or not parts[0]:
            return None
        return parts[0], None, parts[2]
    if len(parts) != 5 or parts[4] != "aws4_request" or not all(parts[:4]):
        return None
    return parts[0], parts[2], parts[3]


def _from_authorization_header(environ: dict[str, Any], value: str) -> SigningInfo:
    token = header(environ, "X-Amz-Security-Token")
    algorithm = value.split(" ", 1)[0]
    if algorithm in _SIGV4_ALGORITHMS:
        match = _CREDENTIAL.search(value)
        scope = _scope(match.group(1), algorithm) if match else None
        if scope is None:
            return SigningInfo("sigv4-header", None, security_token=token, malformed=True)
        access_key_id, region, service = scope
        if region is None:
            region = header(environ, "X-Amz-Region-Set")
        return SigningInfo(
            "sigv4-header", access_key_id, service, region, token, signed_at=header(environ, "X-Amz-Date")
        )
    if algorithm == "AWS" and ":" in value:
        # SigV2 (S3 only): "AWS AKID:base64signature".
        access_key_id = value[4:].rsplit(":", 1)[0].strip()
        return SigningInfo(
            "sigv2-header",
            access_key_id or None,
            "s3",
            None,
            token,
            signed_at=header(environ, "X-Amz-Date") or header(environ, "Date"),
            malformed=not access_key_id,
        )
    return SigningInfo(None, None, security_token=token, malformed=True)


def _from_query(environ: dict[str, Any], query: dict[str, list[str]]) -> SigningInfo | None:
    algorithm = _first(query, "X-Amz-Algorithm")
    credential = _first(query, "X-Amz-Credential")
    if algorithm is not None or credential is not None:
        token = _first(query, "X-Amz-Security-Token")
        scope = _scope(credential or "", algorithm or "") if algorithm in _SIGV4_ALGORITHMS else None
        if scope is None:
            return SigningInfo("sigv4-query", None, security_token=token, malformed=True)
        access_key_id, region, service = scope
        if region is None:
            region = _first(query, "X-Amz-Region-Set")
        return SigningInfo(
            "sigv4-query",
            access_key_id,
            service,
            region,
            token,
            signed_at=_first(query, "X-Amz-Date"),
            expires=_first(query, "X-Amz-Expires"),
        )
    access_key_id = _first(query, "AWSAccessKeyId")
    if access_key_id is not None:
        # S3's SigV2 presigned URL names the token in lower case; SigV2 query APIs call it SecurityToken.
        token = _first(query, "x-amz-security-token") or _first(query, "SecurityToken")
        is_s3 = "Signature" in query and "Expires" in query and "SignatureVersion" not in query
        return SigningInfo(
            "sigv2-query",
            access_key_id or None,
            "s3" if is_s3 else None,
            None,
            token,
            expires=_first(query, "Expires"),
            malformed=not access_key_id,
        )
    return None


def _from_post_form(environ: dict[str, Any], body: bytes) -> SigningInfo | None:
    # Imported here: the form parser is only needed for browser uploads, not at start-up.
    from io import BytesIO

    from werkzeug.formparser import parse_form_data

    form_environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": environ.get("CONTENT_TYPE", ""),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": BytesIO(body),
    }
    _, form, _ = parse_form_data(form_environ, silent=True)
    # S3 treats the POST policy's form field names case-insensitively.
    fields = {name.lower(): value for name, value in form.items()}
    token = fields.get("x-amz-security-token")
    if "x-amz-credential" in fields:
        scope = _scope(fields["x-amz-credential"], fields.get("x-amz-algorithm", "AWS4-HMAC-SHA256"))
        if scope is None:
            return SigningInfo("post-form", None, security_token=token, malformed=True)
        access_key_id, region, service = scope
        return SigningInfo(
            "post-form", access_key_id, service, region, token, signed_at=fields.get("x-amz-date")
        )
    if "awsaccesskeyid" in fields:
        access_key_id = fields["awsaccesskeyid"]
        return SigningInfo("post-form", access_key_id or None, "s3", None, token, malformed=not access_key_id)
    if token is not None or "policy" in fields or "signature" in fields or "x-amz-signature" in fields:
        return SigningInfo("post-form", None, security_token=token, malformed=True)
    return None


def extract_signing(environ: dict[str, Any], body: bytes | None = None) -> SigningInfo | None:
    """Read the signing claims of a request; ``None`` only when it carries no authentication at all.

    Looks at the ``Authorization`` header, then the presigned query string, then (when ``body`` is
    given and the request is a ``multipart/form-data`` POST) the form fields of a browser upload.
    """
    found: list[SigningInfo] = []
    authorization = header(environ, "Authorization")
    if authorization is not None:
        found.append(_from_authorization_header(environ, authorization.strip()))
    query = _query(environ)
    from_query = _from_query(environ, query)
    if from_query is not None:
        found.append(from_query)
    content_type = (header(environ, "Content-Type") or "").lower()
    if body and environ.get("REQUEST_METHOD") == "POST" and content_type.startswith("multipart/form-data"):
        from_form = _from_post_form(environ, body)
        if from_form is not None:
            found.append(from_form)
    if not found:
        token = header(environ, "X-Amz-Security-Token")
        if token is not None or _AUTH_QUERY_PARAMETERS & query.keys():
            token = token or _first(query, "X-Amz-Security-Token") or _first(query, "x-amz-security-token")
            return SigningInfo(None, None, security_token=token, malformed=True)
        return None
    first = found[0]
    if len(found) > 1:
        return SigningInfo(
            first.mechanism,
            first.access_key_id,
            first.service,
            first.region,
            first.security_token,
            first.signed_at,
            first.expires,
            first.malformed,
            conflicting=True,
        )
    return first

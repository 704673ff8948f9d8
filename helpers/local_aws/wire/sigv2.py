"""Amazon S3's Signature Version 2, which boto3 still uses for presigned URLs in ``us-east-1``.

"Authenticating Requests (AWS Signature Version 2)", Amazon S3 API Reference: ``Authorization: AWS
<key id>:<signature>`` or the presigned ``AWSAccessKeyId``/``Signature``/``Expires`` query, where the
signature is ``Base64(HMAC-SHA1(secret, StringToSign))`` and::

    StringToSign = Method \\n Content-MD5 \\n Content-Type \\n Date (or Expires) \\n
                   CanonicalizedAmzHeaders CanonicalizedResource

The sub-resources that belong to the canonical resource are botocore's own list
(``botocore.auth.HmacV1Auth.QSAOfInterest``), so what the SDK signs is what is checked here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote

from .sigv4 import MalformedSignature, header_value, raw_path


@dataclass(frozen=True)
class Claims:
    mechanism: Literal["header", "query"]
    access_key_id: str
    signature: str
    expires: int | None = None  # epoch seconds (presigned)
    security_token: str | None = None


def claims_from_header(authorization: str, token: str | None) -> Claims:
    access_key_id, colon, signature = authorization.strip()[4:].strip().rpartition(":")
    if not colon or not access_key_id or not signature:
        raise MalformedSignature("Authorization header is invalid -- one and only one ':' is required.")
    return Claims("header", access_key_id, signature, None, token)


def claims_from_query(query: dict[str, str]) -> Claims:
    missing = [name for name in ("AWSAccessKeyId", "Signature", "Expires") if not query.get(name)]
    if missing:
        raise MalformedSignature(
            "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"
        )
    try:
        expires = int(query["Expires"])
    except ValueError:
        raise MalformedSignature(
            "Invalid date (should be seconds since epoch): " + query["Expires"]
        ) from None
    return Claims(
        "query", query["AWSAccessKeyId"], query["Signature"], expires, query.get("x-amz-security-token")
    )


def _sub_resources() -> frozenset[str]:
    from botocore.auth import HmacV1Auth

    return frozenset(HmacV1Auth.QSAOfInterest)


def string_to_sign(environ: dict[str, Any], claims: Claims) -> str:
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()
    amz: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_X_AMZ_"):
            amz[key[5:].lower().replace("_", "-")] = " ".join(str(value).split())
    if claims.mechanism == "query":
        date = str(claims.expires)
        if claims.security_token is not None:
            amz["x-amz-security-token"] = claims.security_token
    else:
        date = "" if "x-amz-date" in amz else (header_value(environ, "Date") or "")
    lines = [
        method,
        header_value(environ, "Content-MD5") or "",
        header_value(environ, "Content-Type") or "",
        date,
    ]
    canonical_amz = "".join(f"{name}:{amz[name]}\n" for name in sorted(amz))
    interesting = _sub_resources()
    subresources = []
    for item in str(environ.get("QUERY_STRING", "")).split("&"):
        name, equals, value = item.partition("=")
        if name in interesting:
            subresources.append(f"{name}={unquote(value)}" if equals else name)
    resource = raw_path(environ)
    if resource.count("/") == 1 and resource != "/":
        resource += "/"  # a bucket's resource is "/bucket/" (what botocore signs as its auth_path)
    if subresources:
        resource += "?" + "&".join(sorted(subresources, key=lambda part: part.split("=", 1)[0]))
    return "\n".join(lines) + "\n" + canonical_amz + resource


def signature(secret: str, text: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), text.encode("utf-8", "surrogateescape"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()

"""Which of the local AWS's endpoints a request is for, as far as its edges need to know.

The edges (HTTP transport, cross-origin rules, the administrative guard) act before any layer parses the
request, so they sort it by what the bytes on the wire show:

* ``admin``: the local AWS's own endpoints (``/_local_aws/status``, ``/_local_aws/clock``) and moto's
  API (``/moto-api/...``), which change or reveal the whole emulator's state;
* ``identity-provider``: the stand-in identity providers (``/_local_aws/providers...``,
  ``/_local_aws/oidc/...``), whose sign-in APIs a browser page calls;
* ``s3``: Amazon S3 in path style (``/<bucket>/<key>``): a request signed for ``s3``, or any request for
  a path below ``/`` that no other endpoint owns (moto's dispatcher sends those to S3 too);
* ``aws``: every other AWS service (JSON and query protocols at ``/``, the identity pools' and user
  pools' OpenID documents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs

Kind = Literal["admin", "identity-provider", "s3", "aws"]

#: The local AWS's own endpoints and moto's API.
ADMIN_PREFIXES = ("/_local_aws/status", "/_local_aws/clock", "/moto-api")
#: Registering a web app with the stand-in Login with Amazon is administrative too (no page may do it).
ADMIN_PREFIXES += ("/_local_aws/providers/www.amazon.com/apps",)
#: The stand-in identity providers (see ``identity_providers.http_api``).
PROVIDER_PREFIXES = ("/_local_aws/providers", "/_local_aws/oidc")

_SCOPE_SERVICE = re.compile(r"Credential=[^/,\s]+/[^/,\s]+/[^/,\s]+/([^/,\s]+)/aws4_request")
#: A user pool's OpenID documents, served by moto's cognito-idp: ``/<region>_<id>/.well-known/...``.
_USER_POOL_DOCUMENT = re.compile(r"^/[a-z]{2}(?:-[a-z]+)+-\d_[0-9A-Za-z]+/\.well-known/")


@dataclass(frozen=True)
class Endpoint:
    kind: Kind
    #: For ``s3``: the bucket named by the path (``None`` for ``/``, the ListBuckets endpoint).
    bucket: str | None = None
    #: For ``s3``: the object key below the bucket (``None`` for a request on the bucket itself).
    key: str | None = None


def _path_under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes)


def signed_service(environ: dict[str, Any]) -> str | None:
    """The service in the SigV4 credential scope (``Authorization`` header or presigned query), if any."""
    found = _SCOPE_SERVICE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if found:
        return found.group(1)
    query = environ.get("QUERY_STRING", "")
    if "X-Amz-Credential" in query:
        credential = parse_qs(query).get("X-Amz-Credential", [""])[-1]
        parts = credential.split("/")
        if len(parts) == 5 and parts[4] == "aws4_request":
            return parts[3]
    return None


def classify(environ: dict[str, Any]) -> Endpoint:
    """The endpoint ``environ`` addresses (see the module's docstring)."""
    path = environ.get("PATH_INFO") or "/"
    if _path_under(path, ADMIN_PREFIXES):
        return Endpoint("admin")
    if _path_under(path, PROVIDER_PREFIXES):
        return Endpoint("identity-provider")
    service = signed_service(environ)
    if service is not None and service != "s3":
        return Endpoint("aws")
    if (
        path == "/"
        or path.startswith(("/.well-known/", "/_local_aws"))
        or _USER_POOL_DOCUMENT.match(path)
        or "HTTP_X_AMZ_TARGET" in environ
    ):
        return Endpoint("s3") if service == "s3" and path == "/" else Endpoint("aws")
    bucket, _, key = path[1:].partition("/")
    return Endpoint("s3", bucket=bucket, key=key or None)

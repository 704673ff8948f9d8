"""Which of the local AWS's endpoints a request is for, as far as its edges need to know without the
front door.

The front door (:mod:`.front_door`) attributes every AWS API request to one service and stores its
:class:`~.wire.envelope.RequestEnvelope`; what acts on an attributed request reads that. This module
sorts what the front door never attributes, by what the bytes on the wire show: CORS preflights (unsigned
``OPTIONS``, no AWS operation), the administrative endpoints, the stand-in providers, and requests refused
before anything parsed them (a body over the limit):

* ``admin``: the local AWS's own endpoints (``/_local_aws/status``, ``/_local_aws/clock``) and moto's
  API (``/moto-api/...``), which change or reveal the whole emulator's state;
* ``identity-provider``: the stand-in identity providers (``/_local_aws/providers...``,
  ``/_local_aws/oidc/...``), whose sign-in APIs a browser page calls;
* ``s3``: an Amazon S3 bucket or object, addressed as S3 and moto address it
  (:func:`~.authorization.s3.s3_location`): by the host (``<bucket>.localhost``) or the first path
  segment;
* ``aws``: every other AWS service (JSON and query protocols at ``/``, the identity pools' and user
  pools' OpenID documents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .authorization.s3 import s3_location

Kind = Literal["admin", "identity-provider", "s3", "aws"]

#: The local AWS's own endpoints and moto's API.
ADMIN_PREFIXES = ("/_local_aws/status", "/_local_aws/clock", "/moto-api")
#: Registering a web app with the stand-in Login with Amazon is administrative too (no page may do it).
ADMIN_PREFIXES += ("/_local_aws/providers/www.amazon.com/apps",)
#: The stand-in identity providers (see ``identity_providers.http_api``).
PROVIDER_PREFIXES = ("/_local_aws/providers", "/_local_aws/oidc")

#: A user pool's OpenID documents, served by moto's cognito-idp: ``/<region>_<id>/.well-known/...``.
_USER_POOL_DOCUMENT = re.compile(r"^/[a-z]{2}(?:-[a-z]+)+-\d_[0-9A-Za-z]+/\.well-known/")


@dataclass(frozen=True)
class Endpoint:
    kind: Kind
    #: For ``s3``: the bucket named by the host or the path (``""`` for a name no bucket can have).
    bucket: str | None = None
    #: For ``s3``: the object key below the bucket (``None`` for a request on the bucket itself).
    key: str | None = None


def _path_under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes)


def is_administrative(environ: dict[str, Any]) -> bool:
    """Whether ``environ`` addresses one of the administrative endpoints (cheaper than :func:`classify`)."""
    return _path_under(environ.get("PATH_INFO") or "/", ADMIN_PREFIXES)


def classify(environ: dict[str, Any]) -> Endpoint:
    """The endpoint ``environ`` addresses (see the module's docstring)."""
    path = environ.get("PATH_INFO") or "/"
    if _path_under(path, ADMIN_PREFIXES):
        return Endpoint("admin")
    if _path_under(path, PROVIDER_PREFIXES):
        return Endpoint("identity-provider")
    if (
        path.startswith(("/.well-known/", "/_local_aws"))
        or _USER_POOL_DOCUMENT.match(path)
        or "HTTP_X_AMZ_TARGET" in environ
    ):
        return Endpoint("aws")
    bucket, key = s3_location(environ)
    if bucket is None:
        return Endpoint("aws")  # the root: the JSON and query services (and S3's ListBuckets)
    return Endpoint("s3", bucket=bucket, key=key)

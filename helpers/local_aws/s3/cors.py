"""Cross-origin resource sharing for S3 buckets, evaluated as Amazon S3 evaluates a bucket's CORS rules.

Sources: "Using cross-origin resource sharing (CORS)", "Elements of a CORS configuration" and
"Troubleshooting CORS", Amazon S3 User Guide; "PutBucketCors", Amazon S3 API Reference.

* A rule applies when the request's ``Origin`` matches one of its ``AllowedOrigins`` (each may hold at
  most one ``*`` wildcard), the method (for a preflight, ``Access-Control-Request-Method``) is one of
  its ``AllowedMethods``, and, for a preflight, every header named in ``Access-Control-Request-Headers``
  matches one of its ``AllowedHeaders`` (case-insensitive, one ``*`` wildcard each). The first rule that
  applies is used.
* A preflight (``OPTIONS``) to a bucket without a CORS configuration is refused with 403
  ``CORSResponse: CORS is not enabled for this bucket.``; one no rule allows, with 403 ``CORSResponse:
  This CORS request is not allowed. ...`` (the misspelling "evalution" is S3's own).
* An actual request is served whatever its origin (CORS is enforced by the browser); its answer carries
  the ``Access-Control-*`` headers only when a rule applies to its origin and method.

moto's server answers CORS on its own (flask-cors adds ``Access-Control-Allow-Origin: *`` to every
answer, so a browser may write to any bucket, and its S3 ``OPTIONS`` handler refuses a preflight as soon
as *any* rule names another origin); :class:`BucketCors` replaces both, reading the bucket's rules from
moto in-process with ``GetBucketCors``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..authorization.denials import Denial, s3_error

#: The five methods a CORS rule may allow (PutBucketCors refuses any other).
METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")
NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket."
NOT_ALLOWED = (
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, "
    "request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted "
    "by the resource's CORS spec."
)
#: What S3's answers depend on, so that caches key on it.
VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """``value`` matches ``pattern``, in which one ``*`` stands for any run of characters."""
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    if "*" not in pattern:
        return pattern == value
    head, _, tail = pattern.partition("*")
    return len(value) >= len(head) + len(tail) and value.startswith(head) and value.endswith(tail)


@dataclass(frozen=True)
class CorsRule:
    """One ``CORSRule`` of a bucket's configuration."""

    allowed_origins: tuple[str, ...]
    allowed_methods: tuple[str, ...]
    allowed_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age_seconds: int | None = None

    @classmethod
    def from_api(cls, rule: dict[str, Any]) -> CorsRule:
        """From a ``GetBucketCors`` answer's ``CORSRules`` entry."""
        max_age = rule.get("MaxAgeSeconds")
        return cls(
            allowed_origins=tuple(rule.get("AllowedOrigins") or ()),
            allowed_methods=tuple(method.upper() for method in rule.get("AllowedMethods") or ()),
            allowed_headers=tuple(rule.get("AllowedHeaders") or ()),
            expose_headers=tuple(rule.get("ExposeHeaders") or ()),
            max_age_seconds=None if max_age is None else int(max_age),
        )

    def matching_origin(self, origin: str) -> str | None:
        """The ``AllowedOrigin`` that admits ``origin``, or ``None``."""
        return next((allowed for allowed in self.allowed_origins if wildcard_match(allowed, origin)), None)

    def allows_headers(self, names: list[str]) -> bool:
        return all(
            any(wildcard_match(allowed, name, ignore_case=True) for allowed in self.allowed_headers)
            for name in names
        )

    def response_headers(self, origin: str, matched_origin: str) -> list[tuple[str, str]]:
        """The ``Access-Control-*`` headers S3 sends when this rule applies."""
        # S3 answers "*" to a rule that allows every origin, and the origin itself (with credentials
        # allowed) to a rule that names it.
        headers = [("Access-Control-Allow-Origin", "*" if matched_origin == "*" else origin)]
        headers.append(("Access-Control-Allow-Methods", ", ".join(self.allowed_methods)))
        if self.expose_headers:
            headers.append(("Access-Control-Expose-Headers", ", ".join(self.expose_headers)))
        if self.max_age_seconds is not None:
            headers.append(("Access-Control-Max-Age", str(self.max_age_seconds)))
        if matched_origin != "*":
            headers.append(("Access-Control-Allow-Credentials", "true"))
        headers.append(("Vary", VARY))
        return headers


def requested_headers(value: str) -> list[str] | None:
    """The names in ``Access-Control-Request-Headers`` (lower case), or ``None`` if one is malformed."""
    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    return names if all(_HEADER_NAME.fullmatch(name) for name in names) else None


class BucketCors:
    """Preflights and response headers for S3 buckets, from each bucket's CORS configuration.

    The configuration is read from moto in-process for every cross-origin request (one carrying
    ``Origin``), so a ``PutBucketCors`` or ``DeleteBucketCors`` applies to the next request. Requests
    without ``Origin`` (every SDK outside a browser) never read it.
    """

    def __init__(self, internal: Any) -> None:
        self.internal = internal

    def rules(self, bucket: str) -> list[CorsRule] | None:
        """The bucket's rules; ``[]`` when it has no CORS configuration; ``None`` when there is no bucket."""
        from botocore.exceptions import ClientError, ParamValidationError

        try:
            answer = self.internal.client("s3").get_bucket_cors(Bucket=bucket)
        except ParamValidationError:  # not a bucket name botocore would send
            return None
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code == "NoSuchCORSConfiguration":
                return []
            if code in ("NoSuchBucket", "InvalidBucketName"):
                return None
            raise
        return [CorsRule.from_api(rule) for rule in answer.get("CORSRules", [])]

    def preflight(self, environ: dict[str, Any], bucket: str | None, key: str | None = None) -> Denial:
        """S3's answer to an ``OPTIONS`` request on ``bucket`` (and ``key``): 200 with the CORS headers
        of the first rule that allows it, or S3's error."""
        origin = environ.get("HTTP_ORIGIN")
        method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
        if not origin:
            return s3_error("BadRequest", "Insufficient information. Origin request header needed.", 400)
        if not method:
            # UNCONFIRMED: S3's wording for a preflight without Access-Control-Request-Method.
            return s3_error("BadRequest", "Invalid Access-Control-Request-Method: null", 400)
        resource = {"Method": method, "ResourceType": "OBJECT" if key else "BUCKET"}
        rules = self.rules(bucket) if bucket else None
        if rules is None:
            # UNCONFIRMED: S3's answer to a preflight for a bucket that does not exist.
            return s3_error("AccessForbidden", "CORSResponse: Bucket not found", 403, extra=resource)
        if not rules:
            return s3_error("AccessForbidden", NOT_ENABLED, 403, extra=resource)
        names = requested_headers(environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", ""))
        for rule in rules:
            matched = rule.matching_origin(origin)
            if matched is None or method not in rule.allowed_methods:
                continue
            if names is None or not rule.allows_headers(names):
                continue
            headers = rule.response_headers(origin, matched)
            if names:
                # S3 lists the requested headers it allows, as they were requested.
                headers.insert(2, ("Access-Control-Allow-Headers", ", ".join(names)))
            return Denial(200, [*headers, ("Content-Length", "0")], b"")
        return s3_error("AccessForbidden", NOT_ALLOWED, 403, extra=resource)

    def headers_for(self, environ: dict[str, Any], bucket: str | None) -> list[tuple[str, str]]:
        """The CORS headers of S3's answer to an actual (non-preflight) request, whatever its status (S3
        adds them to error answers too): those of the first rule that allows its origin and method, or
        none."""
        if not environ.get("HTTP_ORIGIN") or not bucket:
            return []
        return self.headers_from(environ, self.rules(bucket) or [])

    @staticmethod
    def headers_from(environ: dict[str, Any], rules: list[CorsRule]) -> list[tuple[str, str]]:
        """:meth:`headers_for`, given the bucket's ``rules``."""
        origin = environ.get("HTTP_ORIGIN")
        if not origin:
            return []
        method = environ.get("REQUEST_METHOD", "GET").upper()
        for rule in rules:
            matched = rule.matching_origin(origin)
            if matched is not None and method in rule.allowed_methods:
                return rule.response_headers(origin, matched)
        return []

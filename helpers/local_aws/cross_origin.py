"""Cross-origin resource sharing for every answer of the local AWS, decided per endpoint.

A web page may call another origin only as that origin's CORS headers allow, and the browser asks first
(an ``OPTIONS`` preflight) for anything beyond a simple GET or form POST. The local AWS answers as each
real endpoint does:

* **S3** buckets follow their own CORS configuration (:mod:`.s3.cors`): no configuration, no access.
* **The other AWS services** a browser app calls with the JavaScript SDK (cognito-identity, STS,
  cognito-idp, DynamoDB, ...) and the identity pools' OpenID documents allow every origin, as AWS's public
  endpoints do: ``Access-Control-Allow-Origin: *``, the SDK's request headers allowed, and the headers it
  reads (request id, error type) exposed. UNCONFIRMED: the exact header lists AWS sends.
* **The stand-in identity providers** (local only) are sign-in APIs for browser apps: any origin, like
  the AWS services.
* **The administrative endpoints** (``/_local_aws/status``, ``/_local_aws/clock``, ``/moto-api/...``)
  send no CORS headers at all and refuse every preflight, so no web page can read them or send them
  anything but a simple request (which ``control.AdminGuard`` refuses for lack of a JSON content type).

An answered AWS request's headers follow the service the front door attributed it to (its envelope,
or, for a request it refused, the service whose error it answered with): S3's bucket rules apply to S3's
error answers too, as S3 sends them when a rule matches. Preflights (unsigned ``OPTIONS``, no AWS
operation), the administrative endpoints, the stand-in providers and bodies refused before the front door
read them are sorted by their path (:mod:`.endpoints`).

Headers that inner layers or moto set (moto's flask-cors adds ``Access-Control-Allow-Origin: *`` to
everything) are replaced, so this module is the only place CORS is decided.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from .authorization.s3 import s3_location
from .endpoints import Endpoint, classify
from .s3.cors import BucketCors, CorsRule, requested_headers
from .wire.envelope import attribution_of

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: Response headers a browser app's SDK reads (request ids, error types, S3's ETag and version id).
EXPOSED_HEADERS = (
    "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, x-amz-request-id, x-amz-id-2, "
    "x-amz-crc32, x-amz-version-id, ETag, Date"
)
#: Methods the AWS services' endpoints allow across origins.
ALLOWED_METHODS = "GET, POST, PUT, DELETE, HEAD, OPTIONS"
#: How long a browser may cache a preflight to the AWS services (two days). UNCONFIRMED.
MAX_AGE_SECONDS = "172800"


def _is_cors_header(name: str) -> bool:
    return name.lower().startswith("access-control-")


def _answer(
    start_response: StartResponse, status: str, headers: list[tuple[str, str]], body: bytes
) -> list[bytes]:
    start_response(status, [*headers, ("Content-Length", str(len(body)))])
    return [body]


def open_preflight(environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """A preflight answer that allows any origin, the requested method and the requested headers."""
    headers = [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", ALLOWED_METHODS),
        ("Access-Control-Expose-Headers", EXPOSED_HEADERS),
        ("Access-Control-Max-Age", MAX_AGE_SECONDS),
    ]
    names = requested_headers(environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", ""))
    if names is None:
        body = json.dumps({"message": "malformed Access-Control-Request-Headers"}).encode()
        return "400 Bad Request", [("Content-Type", "application/json")], body
    if names:
        headers.append(("Access-Control-Allow-Headers", ", ".join(names)))
    return "200 OK", headers, b""


def open_headers() -> list[tuple[str, str]]:
    """The CORS headers of an actual answer from an endpoint open to every origin."""
    return [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", EXPOSED_HEADERS)]


def _without_cors(
    start_response: StartResponse, added: list[tuple[str, str]] | Callable[[], list[tuple[str, str]]]
) -> StartResponse:
    """``start_response`` with every CORS header the application set replaced by ``added`` (decided when
    the answer starts, once the front door has attributed the request)."""

    def cors_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        extra = added() if callable(added) else added
        headers = [(name, value) for name, value in headers if not _is_cors_header(name)] + extra
        return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

    return cors_start_response


class CrossOriginPolicy:
    """WSGI middleware: answers preflights and sets the CORS headers of every answer (see the module).

    ``bucket_cors`` reads S3 buckets' configurations; without it (an application with no moto behind
    it) S3 requests are treated as buckets without a CORS configuration.
    """

    def __init__(self, app: WSGIApp, bucket_cors: BucketCors | None = None) -> None:
        self.app = app
        self.bucket_cors = bucket_cors

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        origin = environ.get("HTTP_ORIGIN")
        method = environ.get("REQUEST_METHOD", "GET")
        if not origin and method != "OPTIONS":  # not from a page (every SDK outside a browser)
            return self.app(environ, _without_cors(start_response, []))
        endpoint = classify(environ)
        if endpoint.kind == "s3" and method == "OPTIONS":
            return self._s3_preflight(environ, start_response, endpoint.bucket, endpoint.key)
        if method == "OPTIONS" and origin and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ:
            if endpoint.kind == "admin":
                body = json.dumps(
                    {"message": "the local AWS's administrative endpoints take no cross-origin requests"}
                ).encode()
                return _answer(start_response, "403 Forbidden", [("Content-Type", "application/json")], body)
            status, headers, body = open_preflight(environ)
            return _answer(start_response, status, headers, body)

        # An S3 bucket's rules are read before the request runs, so a request that changes the bucket's
        # CORS configuration is answered under the configuration it was sent under.
        before = (
            self._bucket_rules(endpoint.bucket)
            if origin and endpoint.kind == "s3" and endpoint.bucket
            else None
        )

        def added() -> list[tuple[str, str]]:
            return self._headers_for(environ, endpoint, before) if origin else []

        return self.app(environ, _without_cors(start_response, added))

    def _bucket_rules(self, bucket: str) -> list[CorsRule] | None:
        return None if self.bucket_cors is None else self.bucket_cors.rules(bucket)

    def _headers_for(
        self, environ: dict[str, Any], endpoint: Endpoint, before: list[CorsRule] | None
    ) -> list[tuple[str, str]]:
        """The CORS headers of the answer: decided by the service the front door attributed the request
        to (its envelope, or the service whose error it answered with); by the path only for what the
        front door never saw (the local AWS's own endpoints, the stand-in providers, bodies refused
        unread)."""
        attributed = attribution_of(environ)
        if attributed is not None:
            kind = "s3" if attributed.service == "s3" else "aws"
        else:
            kind = endpoint.kind
        if kind == "admin":
            return []
        if kind != "s3":
            return open_headers()
        if self.bucket_cors is None:
            return []
        bucket = endpoint.bucket if endpoint.kind == "s3" else s3_location(environ)[0]
        if not bucket:
            return []  # the service root (ListBuckets): no bucket, no CORS configuration
        rules = before if endpoint.kind == "s3" else self._bucket_rules(bucket)
        return self.bucket_cors.headers_from(environ, rules or [])

    def _s3_preflight(
        self, environ: dict[str, Any], start_response: StartResponse, bucket: str | None, key: str | None
    ) -> list[bytes]:
        if self.bucket_cors is None:
            from .authorization.denials import s3_error
            from .s3.cors import NOT_ENABLED

            answer = s3_error("AccessForbidden", NOT_ENABLED, 403)
        else:
            answer = self.bucket_cors.preflight(environ, bucket, key)
        start_response(answer.status_line, answer.headers)
        return [answer.body]

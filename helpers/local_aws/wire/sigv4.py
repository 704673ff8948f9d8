"""AWS Signature Version 4, checked on the receiving side.

"Create a signed AWS API request" and "Elements of an AWS API request signature" (IAM User Guide),
"Authenticating Requests: Using Query Parameters" and "Signature Calculations for the Authorization
Header: Transferring Payload in Multiple Chunks" (Amazon S3 API Reference) define the canonical
request, the string to sign and the signing key. The canonical request is rebuilt from the request as
it arrived: the raw path and query string (not the decoded ``PATH_INFO``), exactly the headers the
client listed in ``SignedHeaders`` and the payload hash the client declared. As in botocore's signers,
S3 signs the path as sent while every other service signs it normalised and URI-encoded once more.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import quote, unquote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
SIGV4A_ALGORITHM = "AWS4-ECDSA-P256-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_PAYLOAD = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING_PAYLOAD_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
#: "X-Amz-Expires ... minimum value 1, maximum 604800 (seven days)" (Amazon S3 API Reference).
MAX_PRESIGNED_EXPIRES = 604800

Mechanism = Literal["header", "query", "form"]

_AMZ_DATE = re.compile(r"\d{8}T\d{6}Z", re.ASCII)  # ISO 8601 basic format, ASCII digits only
_HEX_SIGNATURE = re.compile(r"[0-9a-f]{64}")


class MalformedSignature(ValueError):
    """The request carries SigV4 material that cannot be read; ``str()`` says what is wrong."""


@dataclass(frozen=True)
class Claims:
    """What a SigV4 signature claims: who signed, for which scope, when, and over which headers."""

    mechanism: Mechanism
    access_key_id: str
    date: str  # the scope's YYYYMMDD
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str  # YYYYMMDD'T'HHMMSS'Z'
    expires: int | None = None  # X-Amz-Expires, seconds (presigned URLs)
    security_token: str | None = None

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def _credential(value: str) -> tuple[str, str, str, str]:
    parts = value.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not all(parts[:4]):
        raise MalformedSignature(
            "Credential should be of the form '<key id>/<date>/<region>/<service>/aws4_request', "
            f"got '{value}'."
        )
    return parts[0], parts[1], parts[2], parts[3]


def claims_from_header(authorization: str, amz_date: str | None, token: str | None) -> Claims:
    """Read ``AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...``."""
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise MalformedSignature(f"Unsupported algorithm {algorithm!r}.")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, equals, value = part.strip().partition("=")
        if equals:
            fields[name] = value
    missing = [name for name in ("Credential", "SignedHeaders", "Signature") if name not in fields]
    if amz_date is None:
        missing.append("X-Amz-Date")
    if missing:
        raise MalformedSignature(
            " ".join(f"Authorization header requires '{name}' parameter." for name in missing)
            + f" Authorization={authorization}"
        )
    return _claims(
        "header", fields["Credential"], fields["SignedHeaders"], fields["Signature"], amz_date, token
    )


def claims_from_query(query: dict[str, str]) -> Claims:
    """Read a presigned URL's ``X-Amz-Algorithm``, ``X-Amz-Credential``, ... parameters."""
    if query.get("X-Amz-Algorithm") != ALGORITHM:
        raise MalformedSignature(f'X-Amz-Algorithm only supports "{ALGORITHM}".')
    missing = [
        name
        for name in (
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-SignedHeaders",
            "X-Amz-Signature",
            "X-Amz-Expires",
        )
        if name not in query
    ]
    if missing:
        raise MalformedSignature(
            "Query-string authentication version 4 requires the " + ", ".join(missing) + " parameters."
        )
    try:
        expires = int(query["X-Amz-Expires"])
    except ValueError:
        raise MalformedSignature("X-Amz-Expires should be a number.") from None
    if expires < 0:
        raise MalformedSignature("X-Amz-Expires must be non-negative.")
    if expires > MAX_PRESIGNED_EXPIRES:
        raise MalformedSignature(
            "X-Amz-Expires must be less than a week (in seconds) that is; 604800 seconds."
        )
    claims = _claims(
        "query",
        query["X-Amz-Credential"],
        query["X-Amz-SignedHeaders"],
        query["X-Amz-Signature"],
        query["X-Amz-Date"],
        query.get("X-Amz-Security-Token"),
    )
    return Claims(**{**claims.__dict__, "expires": expires})


def claims_from_form(fields: dict[str, str]) -> Claims:
    """Read a browser POST upload's ``x-amz-credential``, ``x-amz-date``, ``x-amz-signature``."""
    if fields.get("x-amz-algorithm") != ALGORITHM:
        raise MalformedSignature(f'x-amz-algorithm only supports "{ALGORITHM}".')
    for name in ("x-amz-credential", "x-amz-date", "x-amz-signature", "policy"):
        if name not in fields:
            raise MalformedSignature(f"Bucket POST must contain a field named '{name}'.")
    return _claims(
        "form",
        fields["x-amz-credential"],
        "",
        fields["x-amz-signature"],
        fields["x-amz-date"],
        fields.get("x-amz-security-token"),
    )


@lru_cache(maxsize=64)
def amz_date_timestamp(amz_date: str) -> float | None:
    """The instant ``X-Amz-Date`` names (``YYYYMMDD'T'HHMMSS'Z'``, UTC) in epoch seconds, or ``None`` when
    it is not such a date. Read field by field, as ``strptime`` would with that format but without its
    per-call cost (the same few stamps arrive again and again within a second)."""
    if not _AMZ_DATE.fullmatch(amz_date):
        return None
    try:
        stamp = datetime(
            int(amz_date[0:4]),
            int(amz_date[4:6]),
            int(amz_date[6:8]),
            int(amz_date[9:11]),
            int(amz_date[11:13]),
            int(amz_date[13:15]),
            tzinfo=timezone.utc,
        )
    except ValueError:  # month 13, 30 February, hour 24, ...
        return None
    return stamp.timestamp()


def _claims(
    mechanism: Mechanism, credential: str, signed: str, signature: str, amz_date: str, token: str | None
) -> Claims:
    key_id, date, region, service = _credential(credential)
    if amz_date_timestamp(amz_date) is None:
        raise MalformedSignature(f"X-Amz-Date must be in the ISO8601 basic format, got '{amz_date}'.")
    headers = tuple(signed.split(";")) if signed else ()
    if mechanism != "form" and "host" not in headers:
        raise MalformedSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    return Claims(mechanism, key_id, date, region, service, headers, signature, amz_date, None, token)


# --- the canonical request ---------------------------------------------------------------------------------


def raw_path(environ: dict[str, Any]) -> str:
    """The request's path as the client sent it (percent-encoded), without the query string."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        if "://" in raw.split("?", 1)[0]:
            raw = urlsplit(raw).path or "/"
        return raw.split("?", 1)[0] or "/"
    # Without the raw target (an in-process WSGI call), encode as the SDKs do (botocore: safe "/~").
    path = str(environ.get("PATH_INFO") or "/").encode("latin-1").decode("utf-8", "surrogateescape")
    return quote(path, safe="/~", errors="surrogateescape")


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, as botocore's ``normalize_url_path``."""
    if not path:
        return "/"
    output: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if output:
                output.pop()
        else:
            output.append(segment)
    normalized = "/" + "/".join(output)
    if path.endswith("/") and normalized != "/":
        normalized += "/"
    return normalized


def canonical_uri(path: str, *, s3: bool) -> str:
    if s3:
        return path
    return quote(_remove_dot_segments(path), safe="/~")


def canonical_query(raw_query: str, *, drop_signature: bool) -> str:
    """Each name and value decoded then URI-encoded (unreserved characters only), sorted."""
    pairs = []
    for item in raw_query.split("&") if raw_query else []:
        if not item:
            continue
        name, _, value = item.partition("=")
        name, value = unquote(name), unquote(value)
        if drop_signature and name == "X-Amz-Signature":
            continue
        pairs.append((quote(name, safe="-_.~"), quote(value, safe="-_.~")))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def header_value(environ: dict[str, Any], name: str) -> str | None:
    key = name.upper().replace("-", "_")
    value = environ.get(key) if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else environ.get(f"HTTP_{key}")
    return None if value is None else str(value)


def canonical_request(environ: dict[str, Any], claims: Claims, payload_hash: str, *, s3: bool) -> str:
    """The canonical request of ``environ`` as the signer ``claims`` describes must have built it."""
    headers = []
    for name in claims.signed_headers:
        value = header_value(environ, name)
        if value is None:
            value = ""  # a signed header the request lacks: the signature cannot match
        headers.append(f"{name}:{' '.join(value.split())}\n")
    return "\n".join(
        [
            str(environ.get("REQUEST_METHOD", "GET")).upper(),
            canonical_uri(raw_path(environ), s3=s3),
            canonical_query(str(environ.get("QUERY_STRING", "")), drop_signature=claims.mechanism == "query"),
            "".join(headers),
            ";".join(claims.signed_headers),
            payload_hash,
        ]
    )


def string_to_sign(claims: Claims, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{ALGORITHM}\n{claims.amz_date}\n{claims.scope}\n{digest}"


@lru_cache(maxsize=256)
def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sign(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()


def signature_matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


# --- S3's chunked upload ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD") -----------------------------------------


class ChunkError(ValueError):
    """A chunked body that is malformed (``str()`` says how) or whose chunk signature does not match."""

    def __init__(self, message: str, *, signature: bool = False) -> None:
        super().__init__(message)
        self.signature = signature


def verify_chunks(
    body: bytes,
    claims: Claims,
    key: bytes,
    decoded_length: int | None,
    *,
    signed: bool,
    trailer: bool = False,
) -> bytes:
    """Check every chunk's signature (each chains on the previous one, starting from the header's) and
    that the chunks add up to ``x-amz-decoded-content-length``; returns the decoded body.

    With ``signed`` false (``STREAMING-UNSIGNED-PAYLOAD-TRAILER``) only the framing is checked. With
    ``trailer`` the last chunk is followed by trailing headers (a checksum) and, when signed, by
    ``x-amz-trailer-signature``, chained on the last chunk's signature ("Signature calculations for
    the Authorization header: Transferring payload in multiple chunks ... with trailing headers").
    """
    previous = claims.signature
    position, total, decoded = 0, 0, []
    while True:
        end = body.find(b"\r\n", position)
        if end < 0:
            raise ChunkError("a chunk header is not terminated by CRLF")
        header = body[position:end].decode("latin-1")
        size_text, _, extension = header.partition(";")
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ChunkError(f"the chunk size {size_text!r} is not hexadecimal") from None
        data = body[end + 2 : end + 2 + size]
        if len(data) != size:
            raise ChunkError("a chunk is shorter than its declared size")
        if signed:
            name, _, given = extension.partition("=")
            if name != "chunk-signature" or not _HEX_SIGNATURE.fullmatch(given):
                raise ChunkError("a chunk carries no chunk-signature")
            text = "\n".join(
                [
                    "AWS4-HMAC-SHA256-PAYLOAD",
                    claims.amz_date,
                    claims.scope,
                    previous,
                    EMPTY_SHA256,
                    hashlib.sha256(data).hexdigest(),
                ]
            )
            expected = sign(key, text)
            if not signature_matches(expected, given):
                raise ChunkError("a chunk signature does not match", signature=True)
            previous = given
        total += size
        decoded.append(data)
        position = end + 2 + size
        if size == 0:
            break
        if body[position : position + 2] != b"\r\n":
            raise ChunkError("a chunk is not followed by CRLF")
        position += 2
    if decoded_length is not None and total != decoded_length:
        raise ChunkError("the chunks do not add up to x-amz-decoded-content-length")
    if trailer:
        _verify_trailer(body[position:], claims, key, previous if signed else None)
    return b"".join(decoded)


def _verify_trailer(rest: bytes, claims: Claims, key: bytes, previous: str | None) -> None:
    canonical, given = [], None
    for line in rest.decode("latin-1").split("\r\n"):
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise ChunkError("a trailing header is not 'name:value'")
        if name.strip().lower() == "x-amz-trailer-signature":
            given = value.strip()
        else:
            canonical.append(f"{name.strip().lower()}:{value.strip()}\n")
    if previous is None:
        return
    if given is None:
        raise ChunkError("the trailing headers carry no x-amz-trailer-signature")
    digest = hashlib.sha256("".join(canonical).encode("latin-1")).hexdigest()
    text = "\n".join(["AWS4-HMAC-SHA256-TRAILER", claims.amz_date, claims.scope, previous, digest])
    if not signature_matches(sign(key, text), given):
        raise ChunkError("the trailer signature does not match", signature=True)

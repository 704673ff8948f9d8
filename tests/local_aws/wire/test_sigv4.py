"""SigV4 checked on the receiving side against what botocore's own signers send.

Requests are built by real boto3 clients (captured before they are sent), turned into the WSGI environ
a server would see, and verified by :mod:`helpers.local_aws.wire`: they must pass untouched and fail
after any change to what the signature covers.
"""

from __future__ import annotations

import hashlib
import io
import time
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config

from helpers.local_aws.clock import Clock
from helpers.local_aws.issued_credentials import CredentialsRegistry
from helpers.local_aws.wire import sigv2, sigv4
from helpers.local_aws.wire.authentication import AdministratorKeys, Authenticator
from helpers.local_aws.wire.errors import WireError
from tests.support import sessions

KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ENDPOINT = "http://127.0.0.1:4566"
ODD_KEYS = ["a b", "colon:plus+equals=at@comma,", "ünïcødé/ключ/鍵.txt", "tilde~star*paren()", "%41literal"]


class _Sent(Exception):
    pass


def captured(service: str, operation: str, config: Config | None = None, **params: Any) -> Any:
    """The request a boto3 client would send for ``operation``, as botocore prepared it."""
    client = sessions.client(
        service, region_name="us-east-1", endpoint_url=ENDPOINT, config=config, **KEYS
    )
    seen: list[Any] = []

    def stop(request: Any, **_: Any) -> AWSResponse:
        seen.append(request)
        raise _Sent

    client.meta.events.register("before-send", stop)
    with pytest.raises(_Sent):
        getattr(client, operation)(**params)
    return seen[0]


def environ_of(request: Any) -> dict[str, Any]:
    """The WSGI environ werkzeug's server builds for this request (raw target kept in RAW_URI)."""
    split = urlsplit(request.url)
    body = request.body or b""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    raw = split.path + ("?" + split.query if split.query else "")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "PATH_INFO": unquote(split.path).encode("utf-8").decode("latin-1"),
        "QUERY_STRING": split.query,
        "RAW_URI": raw,
        "REQUEST_URI": raw,
        "HTTP_HOST": split.netloc,
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in request.headers.items():
        value = value.decode() if isinstance(value, bytes) else value
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
        else:
            environ[f"HTTP_{key}"] = value
    environ["_body"] = body
    return environ


@pytest.fixture
def authenticator() -> Authenticator:
    return Authenticator(AdministratorKeys(), CredentialsRegistry(), Clock())


def verify(
    authenticator: Authenticator, environ: dict[str, Any], service: str, secret: str = "testing"
) -> None:
    claims = sigv4.claims_from_header(
        environ["HTTP_AUTHORIZATION"],
        environ.get("HTTP_X_AMZ_DATE"),
        environ.get("HTTP_X_AMZ_SECURITY_TOKEN"),
    )
    authenticator.check_scope(claims, service)
    authenticator.check_time(claims)
    authenticator.verify(environ, claims, secret, environ["_body"], s3=service == "s3")


CASES = [
    ("s3", "list_buckets", {}),
    ("s3", "put_object", {"Bucket": "course", "Key": "comments/x.txt", "Body": b"hello"}),
    ("s3", "list_objects_v2", {"Bucket": "course", "Prefix": "a b/ü", "Delimiter": "/"}),
    ("dynamodb", "get_item", {"TableName": "Profiles", "Key": {"userId": {"S": "us-east-1:ab"}}}),
    ("sts", "get_caller_identity", {}),
    ("iam", "put_role_policy", {"RoleName": "r", "PolicyName": "p", "PolicyDocument": '{"a": "b c+d"}'}),
    ("cognito-identity", "list_identity_pools", {"MaxResults": 10}),
    ("cognito-idp", "list_user_pools", {"MaxResults": 10}),
]


@pytest.mark.parametrize(("service", "operation", "params"), CASES)
def test_botocore_signed_requests_verify(authenticator, service, operation, params):
    verify(authenticator, environ_of(captured(service, operation, **params)), service)


@pytest.mark.parametrize("key", ODD_KEYS)
def test_s3_keys_with_reserved_and_unicode_characters_verify(authenticator, key):
    for operation, params in (
        ("get_object", {}),
        ("put_object", {"Body": b"x"}),
        ("delete_object", {}),
        ("copy_object", {"CopySource": {"Bucket": "course", "Key": key}}),
    ):
        verify(authenticator, environ_of(captured("s3", operation, Bucket="course", Key=key, **params)), "s3")


@pytest.mark.parametrize(("service", "operation", "params"), CASES)
def test_a_wrong_secret_does_not_verify(authenticator, service, operation, params):
    environ = environ_of(captured(service, operation, **params))
    with pytest.raises(WireError) as refused:
        verify(authenticator, environ, service, secret="not-the-secret")
    assert refused.value.for_protocol("json")[0] == "InvalidSignatureException"
    assert refused.value.for_protocol("rest-xml")[0] == "SignatureDoesNotMatch"


def test_every_signed_part_is_covered(authenticator):
    original = environ_of(captured("s3", "put_object", Bucket="course", Key="a/b.txt", Body=b"hello"))
    date = original["HTTP_X_AMZ_DATE"]
    earlier = date[:13] + ("0" if date[13] != "0" else "1") + date[14:]  # another minute, same format
    tampered = [
        {"REQUEST_METHOD": "DELETE"},
        {"RAW_URI": "/course/a/c.txt", "REQUEST_URI": "/course/a/c.txt"},
        {"QUERY_STRING": "acl"},
        {"HTTP_HOST": "127.0.0.1:4567"},
        {"HTTP_X_AMZ_DATE": earlier},
        {"_body": b"HELLO"},  # the declared x-amz-content-sha256 no longer matches
    ]
    for change in tampered:
        with pytest.raises(WireError):
            verify(authenticator, {**original, **change}, "s3")
    verify(authenticator, original, "s3")


def test_a_scope_naming_another_service_or_spelt_otherwise_is_refused(authenticator):
    environ = environ_of(captured("iam", "list_roles"))
    verify(authenticator, environ, "iam")
    claims = sigv4.claims_from_header(environ["HTTP_AUTHORIZATION"], environ["HTTP_X_AMZ_DATE"], None)
    with pytest.raises(WireError) as refused:
        authenticator.check_scope(claims, "s3")
    assert refused.value.for_protocol("query")[:2] == (
        "SignatureDoesNotMatch",
        "Credential should be scoped to correct service: 's3'. ",
    )
    upper = sigv4.Claims(**{**claims.__dict__, "service": "IAM"})
    with pytest.raises(WireError):
        authenticator.check_scope(upper, "iam")


def test_presigned_urls_verify_until_they_expire():
    clock = Clock()
    authenticator = Authenticator(AdministratorKeys(), CredentialsRegistry(), clock)
    client = sessions.client(
        "s3", region_name="us-east-1", endpoint_url=ENDPOINT, config=Config(signature_version="s3v4"), **KEYS
    )
    url = client.generate_presigned_url(
        "get_object", Params={"Bucket": "course", "Key": "a b/ü.txt"}, ExpiresIn=60
    )
    split = urlsplit(url)
    environ = {
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": split.query,
        "RAW_URI": f"{split.path}?{split.query}",
        "HTTP_HOST": split.netloc,
    }
    query = {k: unquote(v) for k, _, v in (p.partition("=") for p in split.query.split("&"))}
    claims = sigv4.claims_from_query(query)
    assert claims.expires == 60
    authenticator.check_time(claims)
    authenticator.verify(environ, claims, "testing", b"", s3=True)
    put = {**environ, "REQUEST_METHOD": "PUT"}
    with pytest.raises(WireError):
        authenticator.verify(put, claims, "testing", b"", s3=True)
    time.sleep(1.1)  # a stamp in the same second as a clock change counts as made after it (Clock)
    clock.advance(61)
    with pytest.raises(WireError) as refused:
        authenticator.check_time(claims)
    assert refused.value.for_protocol("rest-xml") == ("AccessDenied", "Request has expired", 403)


def test_boto3s_signature_version_2_presigned_urls_verify():
    client = sessions.client("s3", region_name="us-east-1", endpoint_url=ENDPOINT, **KEYS)
    url = client.generate_presigned_url("get_object", Params={"Bucket": "course", "Key": "a b:c/ü"})
    split = urlsplit(url)
    assert "AWSAccessKeyId=" in split.query
    environ = {"REQUEST_METHOD": "GET", "QUERY_STRING": split.query, "RAW_URI": f"{split.path}?{split.query}"}
    query = {k: unquote(v) for k, _, v in (p.partition("=") for p in split.query.split("&"))}
    claims = sigv2.claims_from_query(query)
    assert sigv2.signature("testing", sigv2.string_to_sign(environ, claims)) == claims.signature
    assert sigv2.signature("other", sigv2.string_to_sign(environ, claims)) != claims.signature
    deleted = {**environ, "REQUEST_METHOD": "DELETE"}
    assert sigv2.signature("testing", sigv2.string_to_sign(deleted, claims)) != claims.signature


def chunked_body(chunks: list[bytes], claims: sigv4.Claims, key: bytes) -> bytes:
    """A ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD`` body, built as the S3 API Reference's example does."""
    previous, out = claims.signature, b""
    for data in [*chunks, b""]:
        text = "\n".join(
            [
                "AWS4-HMAC-SHA256-PAYLOAD",
                claims.amz_date,
                claims.scope,
                previous,
                sigv4.EMPTY_SHA256,
                hashlib.sha256(data).hexdigest(),
            ]
        )
        previous = sigv4.sign(key, text)
        out += f"{len(data):x};chunk-signature={previous}\r\n".encode() + data + b"\r\n"
    return out


def test_chunk_signatures_chain_from_the_header_signature():
    claims = sigv4.Claims(
        "header", "testing", "20261129", "us-east-1", "s3", ("host",), "ab" * 32, "20261129T120000Z"
    )
    key = sigv4.signing_key("testing", "20261129", "us-east-1", "s3")
    body = chunked_body([b"a" * 8192, b"tail"], claims, key)
    assert sigv4.verify_chunks(body, claims, key, 8196, signed=True) == b"a" * 8192 + b"tail"
    with pytest.raises(sigv4.ChunkError) as wrong:
        sigv4.verify_chunks(body.replace(b"tail", b"TAIL"), claims, key, 8196, signed=True)
    assert wrong.value.signature
    other_key = sigv4.signing_key("guessed", "20261129", "us-east-1", "s3")
    with pytest.raises(sigv4.ChunkError):
        sigv4.verify_chunks(chunked_body([b"x"], claims, other_key), claims, key, 1, signed=True)
    with pytest.raises(sigv4.ChunkError) as short:
        sigv4.verify_chunks(body, claims, key, 9000, signed=True)
    assert not short.value.signature
    with pytest.raises(sigv4.ChunkError):
        sigv4.verify_chunks(b"zz;chunk-signature=00\r\n", claims, key, None, signed=True)


def test_a_signed_trailer_chains_on_the_last_chunk_signature():
    claims = sigv4.Claims(
        "header", "testing", "20261129", "us-east-1", "s3", ("host",), "cd" * 32, "20261129T120000Z"
    )
    key = sigv4.signing_key("testing", "20261129", "us-east-1", "s3")
    chunks = chunked_body([b"hello"], claims, key)  # ends with the 0-size chunk and an empty line
    last = chunks.rsplit(b"chunk-signature=", 1)[1].split(b"\r\n", 1)[0].decode()
    trailer = "x-amz-checksum-crc32:NhCmhg==\n"
    digest = hashlib.sha256(trailer.encode()).hexdigest()
    text = "\n".join(["AWS4-HMAC-SHA256-TRAILER", claims.amz_date, claims.scope, last, digest])
    body = chunks[:-2] + b"x-amz-checksum-crc32:NhCmhg==\r\n"
    good = body + f"x-amz-trailer-signature:{sigv4.sign(key, text)}\r\n\r\n".encode()
    assert sigv4.verify_chunks(good, claims, key, 5, signed=True, trailer=True) == b"hello"
    forged = good.replace(b"NhCmhg==", b"AAAAAA==")
    with pytest.raises(sigv4.ChunkError) as refused:
        sigv4.verify_chunks(forged, claims, key, 5, signed=True, trailer=True)
    assert refused.value.signature
    with pytest.raises(sigv4.ChunkError):
        sigv4.verify_chunks(body + b"\r\n", claims, key, 5, signed=True, trailer=True)


@pytest.mark.parametrize(
    "stamp",
    [
        "20261129T164301Z",
        "20240229T235959Z",  # a leap day
        "20230229T120000Z",  # no such day
        "20261301T000000Z",  # month 13
        "20261100T000000Z",  # day 0
        "20261129T240000Z",  # hour 24
        "20261129T236000Z",  # minute 60
        "20261129T235960Z",  # second 60
        "20261129T1643Z",
        "20261129 164301Z",
        "2026-11-29T16:43:01Z",
        "20261129T164301",
        "２０２６1129T164301Z",  # non-ASCII digits, which int() would read
    ],
)
def test_amz_dates_are_read_as_strptime_reads_the_basic_format(stamp):
    """``YYYYMMDD'T'HHMMSS'Z'`` in ASCII digits, each field in range, as ``strptime`` reads it."""
    import re
    from datetime import datetime, timezone

    expected = None
    if re.fullmatch(r"[0-9]{8}T[0-9]{6}Z", stamp):
        try:
            expected = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            pass
    assert sigv4.amz_date_timestamp(stamp) == expected

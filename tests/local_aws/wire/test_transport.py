"""The local AWS's transport: every malformed request line answered 400, chunked bodies stored whole,
bodies over the limit refused without being read, and Content-Length checked."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from helpers.local_aws import LocalAWS
from helpers.local_aws.transport import MAX_BODY_BYTES
from tests.support.local_aws_fixtures import Endpoint
from tests.support.raw_http import chunked, exchange, request_bytes, signed_headers

SMALL_LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def bucket(endpoint) -> str:
    name = "transport-" + secrets.token_hex(4)
    endpoint.client("s3").create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def small(endpoint) -> Iterator[Endpoint]:
    """A local AWS whose body limit is 64 KiB, so limits can be crossed without sending 64 MiB."""
    with LocalAWS(port=0, max_body_bytes=SMALL_LIMIT) as server:
        yield Endpoint(server)


@pytest.mark.parametrize(
    "request_line",
    [
        b"GARBAGE",
        b"GET /x HTTP/9.9",
        b"GET /x HTTP/1.1 extra",
        b"GET /x HTTP/one",
        b"GET /x",  # HTTP/0.9: no status line would come back
        b"GET /" + b"a" * 100_000 + b" HTTP/1.1",
    ],
    ids=["garbage", "version 9.9", "four words", "bad version", "http 0.9", "100 KB"],
)
def test_a_malformed_request_line_gets_400(endpoint, request_line):
    answer = exchange(endpoint.url, request_line + b"\r\n\r\n")
    assert answer.status == 400
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text.startswith("400 Bad Request")


def test_a_chunked_put_object_is_stored_whole(endpoint, bucket):
    """Transfer-Encoding: chunked, signed as the administrator: moto stored an empty object before."""
    body = b"a comment sent in chunks, " * 40
    url = f"{endpoint.url}/{bucket}/chunked/comment.txt"
    headers = signed_headers("PUT", url, "s3", body)
    assert "Content-Length" not in headers
    answer = exchange(
        url, request_bytes("PUT", url, {**headers, "Transfer-Encoding": "chunked"}, chunked(body))
    )
    assert answer.status == 200, answer.text
    stored = endpoint.client("s3").get_object(Bucket=bucket, Key="chunked/comment.txt")
    assert stored["Body"].read() == body
    assert stored["ContentLength"] == len(body)


def test_a_chunked_body_reaches_a_json_service_whole(endpoint):
    body = (
        b'{"IdentityPoolName": "chunked", "AllowUnauthenticatedIdentities": true, "AllowClassicFlow": false}'
    )
    url = endpoint.url + "/"
    headers = signed_headers(
        "POST",
        url,
        "cognito-identity",
        body,
        {
            "X-Amz-Target": "AWSCognitoIdentityService.CreateIdentityPool",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    answer = exchange(
        url, request_bytes("POST", url, {**headers, "Transfer-Encoding": "chunked"}, chunked(body))
    )
    assert answer.status == 200, answer.text
    assert b'"IdentityPoolName": "chunked"' in answer.body or b'"IdentityPoolName":"chunked"' in answer.body


def test_a_malformed_chunked_body_gets_400(endpoint, bucket):
    url = f"{endpoint.url}/{bucket}/chunked/bad.txt"
    headers = signed_headers("PUT", url, "s3", b"hello")
    answer = exchange(
        url, request_bytes("PUT", url, {**headers, "Transfer-Encoding": "chunked"}, b"zz\r\nhello\r\n")
    )
    assert answer.status == 400
    code, _ = _s3_error_of(endpoint, bucket, "chunked/bad.txt")
    assert code in ("NoSuchKey", "404")  # nothing stored


def test_content_length_and_chunked_together_get_400(endpoint, bucket):
    url = f"{endpoint.url}/{bucket}/chunked/both.txt"
    headers = signed_headers("PUT", url, "s3", b"hello")
    answer = exchange(
        url,
        request_bytes(
            "PUT", url, {**headers, "Transfer-Encoding": "chunked", "Content-Length": "5"}, chunked(b"hello")
        ),
    )
    assert answer.status == 400


@pytest.mark.parametrize("coding", ["gzip", "gzip, chunked", "chunked, chunked"])
def test_a_transfer_coding_other_than_chunked_gets_400(endpoint, bucket, coding):
    url = f"{endpoint.url}/{bucket}/coded.txt"
    headers = signed_headers("PUT", url, "s3", b"hello")
    answer = exchange(
        url, request_bytes("PUT", url, {**headers, "Transfer-Encoding": coding}, chunked(b"hello"))
    )
    assert answer.status == 400
    assert "Transfer-Encoding" in answer.text


@pytest.mark.parametrize("value", ["-5", "abc", "+5", "5 5", "0x10", "1" * 60])
def test_a_malformed_content_length_gets_400(endpoint, bucket, value):
    url = f"{endpoint.url}/{bucket}/bad-length.txt"
    headers = signed_headers("PUT", url, "s3", b"hello")
    answer = exchange(url, request_bytes("PUT", url, {**headers, "Content-Length": value}, b"hello"))
    assert answer.status == 400
    assert "Content-Length" in answer.text


def test_a_huge_content_length_is_refused_without_reading(endpoint, bucket):
    """Only the headers are sent: were the body read (or allocated), the server would wait or fail."""
    url = f"{endpoint.url}/{bucket}/huge.bin"
    headers = signed_headers("PUT", url, "s3", b"")
    answer = exchange(
        url, request_bytes("PUT", url, {**headers, "Content-Length": "1000000000000"}), timeout=10
    )
    assert answer.status == 400
    assert b"<Code>EntityTooLarge</Code>" in answer.body
    assert b"<ProposedSize>1000000000000</ProposedSize>" in answer.body
    assert f"<MaxSizeAllowed>{MAX_BODY_BYTES}</MaxSizeAllowed>".encode() in answer.body


def test_the_default_limit_is_64_mib(endpoint, bucket):
    assert MAX_BODY_BYTES == 64 * 1024 * 1024
    url = f"{endpoint.url}/{bucket}/limit.bin"
    headers = signed_headers("PUT", url, "s3", b"")
    answer = exchange(url, request_bytes("PUT", url, {**headers, "Content-Length": str(MAX_BODY_BYTES + 1)}))
    assert answer.status == 400 and b"EntityTooLarge" in answer.body


def test_an_expected_body_over_the_limit_is_not_invited(endpoint, bucket):
    """With Expect: 100-continue the answer comes first, not "100 Continue" (which asks for the body)."""
    url = f"{endpoint.url}/{bucket}/expected.bin"
    headers = {
        **signed_headers("PUT", url, "s3", b""),
        "Content-Length": str(MAX_BODY_BYTES + 1),
        "Expect": "100-continue",
    }
    answer = exchange(url, request_bytes("PUT", url, headers))
    assert answer.status == 400 and b"EntityTooLarge" in answer.body


def test_boto3_uploads_with_expect_continue_still_work(small):
    s3 = small.client("s3")
    name = "transport-expect-" + secrets.token_hex(4)
    s3.create_bucket(Bucket=name)
    body = secrets.token_bytes(SMALL_LIMIT - 1)  # large enough for botocore to send Expect: 100-continue
    s3.put_object(Bucket=name, Key="fits.bin", Body=body)
    assert s3.get_object(Bucket=name, Key="fits.bin")["Body"].read() == body


def test_a_json_service_answers_413_to_a_body_over_the_limit(endpoint):
    url = endpoint.url + "/"
    headers = {
        "X-Amz-Target": "AWSCognitoIdentityService.ListIdentityPools",
        "Content-Type": "application/x-amz-json-1.1",
        "Content-Length": str(MAX_BODY_BYTES + 1),
    }
    answer = exchange(url, request_bytes("POST", url, headers))
    assert answer.status == 413
    assert b"RequestEntityTooLarge" in answer.body


def test_a_chunked_body_over_the_limit_is_refused_as_it_streams(small):
    s3 = small.client("s3")
    name = "transport-small-" + secrets.token_hex(4)
    s3.create_bucket(Bucket=name)
    url = f"{small.url}/{name}/big.bin"
    body = secrets.token_bytes(SMALL_LIMIT + 1)
    headers = signed_headers("PUT", url, "s3", body)
    answer = exchange(
        url, [request_bytes("PUT", url, {**headers, "Transfer-Encoding": "chunked"}), chunked(body, 4096)]
    )
    assert answer.status == 400 and b"<Code>EntityTooLarge</Code>" in answer.body
    assert "Contents" not in s3.list_objects_v2(Bucket=name)
    # Up to the limit, chunked bodies are stored whole.
    fits = body[:SMALL_LIMIT]
    headers = signed_headers("PUT", url, "s3", fits)
    answer = exchange(
        url, request_bytes("PUT", url, {**headers, "Transfer-Encoding": "chunked"}, chunked(fits, 4096))
    )
    assert answer.status == 200, answer.text
    assert s3.get_object(Bucket=name, Key="big.bin")["Body"].read() == fits


def test_boto3_sees_entity_too_large_over_the_limit(small):
    s3 = small.client("s3")
    name = "transport-boto-" + secrets.token_hex(4)
    s3.create_bucket(Bucket=name)
    with pytest.raises(ClientError) as raised:
        s3.put_object(Bucket=name, Key="big.bin", Body=b"x" * (SMALL_LIMIT + 1))
    assert raised.value.response["Error"]["Code"] == "EntityTooLarge"
    s3.put_object(Bucket=name, Key="fits.bin", Body=b"x" * SMALL_LIMIT)
    assert s3.head_object(Bucket=name, Key="fits.bin")["ContentLength"] == SMALL_LIMIT


def _s3_error_of(endpoint, bucket: str, key: str) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        endpoint.client("s3").head_object(Bucket=bucket, Key=key)
    error = raised.value.response["Error"]
    return error["Code"], error.get("Message", "")

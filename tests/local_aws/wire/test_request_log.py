"""The local AWS's request log (``python -m helpers.local_aws``, ``make lab``): service, operation, status
and AWS's error code, never a key, token, signature or query string."""

from __future__ import annotations

import signal
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import ClientError

from helpers.local_aws.request_log import RequestFacts, error_code_of, line
from tests.support.course_pool import admin_client, course_pool
from tests.support.processes import LineReader, start_module

LINE = r"local AWS \d\d:\d\d:\d\d "


@pytest.fixture(scope="module")
def logged() -> Iterator[tuple[str, LineReader]]:
    """A local AWS of its own, with its log (standard error) merged into the output read here."""
    process = start_module("helpers.local_aws", "--port", "0")
    reader = LineReader(process.stdout)
    try:
        url = reader.wait_for(lambda text: text.startswith("http://"), timeout=60)
        yield url, reader
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


def test_each_line_names_service_operation_status_and_error_code_and_no_secret(logged):
    url, reader = logged
    s3 = admin_client(url, "s3")
    s3.create_bucket(Bucket="logged-blog")
    s3.put_object(Bucket="logged-blog", Key="comments/first.txt", Body=b"a comment")
    pool = course_pool(url, "logged-blog")
    guest = pool.credentials()
    as_guest = pool.client("s3", guest)
    assert as_guest.get_object(Bucket="logged-blog", Key="comments/first.txt")["Body"].read() == b"a comment"
    with pytest.raises(ClientError) as denied:
        as_guest.put_object(Bucket="logged-blog", Key=f"comments/{guest['IdentityId']}/x.txt", Body=b"x")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    presigned = pool.client("s3", guest, signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": "logged-blog", "Key": "comments/first.txt"}
    )
    with urllib.request.urlopen(presigned, timeout=10) as answer:
        assert answer.read() == b"a comment"
    with pytest.raises(ClientError):  # a wrong secret: refused by the front door, attributed all the same
        pool.client("dynamodb", {**guest, "SecretKey": "wrong"}).list_tables()
    member = pool.credentials("ana")  # signed in at the stand-in Login with Amazon
    pool.client("s3", member).put_object(
        Bucket="logged-blog", Key=f"comments/{member['IdentityId']}/x.txt", Body=b"x"
    )
    with urllib.request.urlopen(url + "/_local_aws/status?after=all", timeout=10) as answer:
        assert answer.status == 200
    reader.wait_for(lambda text: text.endswith("GET /_local_aws/status 200"), timeout=15)

    logged_lines = [text for text in reader.lines if text.startswith("local AWS ")]
    tails = [text.split(" ", 3)[3] for text in logged_lines]
    for expected in [
        "s3 CreateBucket 200",
        "s3 PutObject 200",
        "cognito-identity CreateIdentityPool 200",
        "iam CreateRole 200",
        "cognito-identity GetId 200",
        "cognito-identity GetCredentialsForIdentity 200",
        "s3 GetObject 200",
        "s3 PutObject 403 AccessDenied",
        "dynamodb ListTables 400 InvalidSignatureException",
        "POST /_local_aws/providers/www.amazon.com/token 200",
        "GET /_local_aws/status 200",
    ]:
        assert expected in tails, (expected, tails)
    assert tails.count("s3 GetObject 200") == 2  # the client's and the presigned URL's
    secrets_sent = [
        guest["AccessKeyId"],
        guest["SecretKey"],
        guest["SessionToken"],
        guest["IdentityId"],
        member["SessionToken"],
        member["SecretKey"],
        member["IdentityId"],
        parse_qs(urlsplit(presigned).query)["X-Amz-Signature"][0],
        "testing",
        "X-Amz-",
        "Signature=",
        "Credential=",
        "?",
        "comments/",
    ]
    for text in logged_lines:
        assert not [secret for secret in secrets_sent if secret in text], text


@pytest.mark.parametrize(
    ("facts", "status", "expected"),
    [
        (RequestFacts("s3", "PutObject", "AccessDenied"), 403, "s3 PutObject 403 AccessDenied"),
        (RequestFacts("cognito-identity", "GetId"), 200, "cognito-identity GetId 200"),
        (
            RequestFacts("cognito-identity", None, "UnknownOperationException"),
            400,
            "cognito-identity - 400 UnknownOperationException",
        ),
        (None, 404, "GET /_local_aws/status 404"),
    ],
)
def test_line_format(facts, status, expected):
    assert line("GET", "/_local_aws/status?X-Amz-Signature=abc", status, facts) == expected


def test_a_malformed_request_has_a_line_too():
    assert line(None, None, 400, None) == "(malformed request) 400"


@pytest.mark.parametrize(
    ("headers", "body", "code"),
    [
        (
            [("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/")],
            b"",
            "ResourceNotFoundException",
        ),
        ([], b"<Error><Code>NoSuchKey</Code><Message>The key</Message></Error>", "NoSuchKey"),
        (
            [],
            b"<ErrorResponse><Error><Code>InvalidIdentityToken</Code></Error></ErrorResponse>",
            "InvalidIdentityToken",
        ),
        (
            [],
            b'{"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"}',
            "ResourceNotFoundException",
        ),
        ([], b'{"message": "no code here"}', None),
        ([], b"<Error><Code>AKIA/secret token</Code></Error>", None),  # never anything but a code
        ([], b"", None),
    ],
)
def test_error_codes_are_read_from_the_answer(headers, body, code):
    assert error_code_of(headers, body) == code


def test_an_s3_request_is_mapped_once_for_authorization_and_the_log(monkeypatch):
    """The log names an S3 operation from the mapping authorization made (kept on the envelope)."""
    from werkzeug.test import EnvironBuilder

    from helpers.local_aws import request_log
    from helpers.local_aws.authorization import s3 as s3_mapping
    from helpers.local_aws.wire.envelope import ANONYMOUS, RequestEnvelope
    from helpers.local_aws.wire.services import ServiceCatalog

    environ = EnvironBuilder(path="/bench/comments/1.txt", headers={"Host": "127.0.0.1:4566"}).get_environ()
    envelope = RequestEnvelope(
        "s3", "rest-xml", None, "us-east-1", ANONYMOUS, b"", "GET", ServiceCatalog().fronted["s3"]
    )
    assert request_log.operation_of(environ, envelope) == "GetObject"  # mapped here: nothing had
    mapped = envelope.s3_mapping
    assert mapped is not None and mapped.operation == "GetObject"

    def mapped_again(*args, **kwargs):
        raise AssertionError("the request was mapped a second time")

    monkeypatch.setattr(s3_mapping, "map_s3_request", mapped_again)
    assert request_log.operation_of(environ, envelope) == "GetObject"
    assert envelope.s3_mapping is mapped

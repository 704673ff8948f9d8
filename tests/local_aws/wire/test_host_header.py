"""DNS rebinding: every request must name this machine's loopback (or the address the local AWS was
given) in ``Host``, AWS API requests as much as the administrative endpoints, whatever their signature."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest

from helpers.local_aws.host_header import REFUSAL, addressed_here
from tests.support.raw_http import exchange, request_bytes, signed_headers


def sent_as(endpoint, host: str, method: str, path: str, service: str, body: bytes = b"", **headers: str):
    """``method path`` to the local AWS, with ``Host: host``, signed for that host as the administrator."""
    url = f"http://{host}{path}"
    signed = signed_headers(method, url, service, body, headers) if service else dict(headers)
    signed["Content-Length"] = str(len(body))
    return exchange(endpoint.url, request_bytes(method, url, signed, body))


@pytest.fixture(scope="module")
def bucket(endpoint) -> str:
    name = "host-" + secrets.token_hex(4)
    endpoint.client("s3").create_bucket(Bucket=name)
    endpoint.client("s3").put_object(Bucket=name, Key="note.txt", Body=b"kept")
    return name


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}"])
def test_aws_api_requests_addressed_to_another_name_are_refused_even_when_correctly_signed(
    endpoint, bucket, host
):
    host = host.format(port=endpoint.url.rsplit(":", 1)[1])
    target = "DynamoDB_20120810.ListTables"
    for answer in [
        sent_as(endpoint, host, "GET", f"/{bucket}/note.txt", "s3"),
        sent_as(endpoint, host, "PUT", f"/{bucket}/note.txt", "s3", b"overwritten"),
        sent_as(endpoint, host, "GET", "/?Action=GetCallerIdentity&Version=2011-06-15", "sts"),
        sent_as(endpoint, host, "POST", "/", "dynamodb", b"{}", **{"X-Amz-Target": target}),
        sent_as(  # unsigned, as a browser app's guest sign-in is
            endpoint,
            host,
            "POST",
            "/",
            "",
            b'{"IdentityPoolId": "us-east-1:00000000-0000-0000-0000-000000000000"}',
            **{"X-Amz-Target": "AWSCognitoIdentityService.GetId"},
        ),
    ]:
        assert answer.status == 403, answer.text
        assert json.loads(answer.body) == {"message": REFUSAL}
        assert "access-control-allow-origin" not in answer.headers
    assert endpoint.client("s3").get_object(Bucket=bucket, Key="note.txt")["Body"].read() == b"kept"


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "127.0.0.1", "[::1]:{port}"])
def test_loopback_names_are_served(endpoint, bucket, host):
    answer = sent_as(
        endpoint, host.format(port=endpoint.url.rsplit(":", 1)[1]), "GET", f"/{bucket}/note.txt", "s3"
    )
    assert answer.status == 200 and answer.body == b"kept", answer.text


def test_a_bucket_under_localhost_is_served_virtual_hosted(endpoint, bucket):
    """RFC 6761 keeps every ``*.localhost`` name on loopback; the JavaScript SDK addresses S3 so."""
    answer = sent_as(
        endpoint, f"{bucket}.localhost:{endpoint.url.rsplit(':', 1)[1]}", "GET", "/note.txt", "s3"
    )
    assert answer.status == 200 and answer.body == b"kept", answer.text


class _Socket:
    def __init__(self, address: str) -> None:
        self.address = address

    def getsockname(self) -> tuple[str, int]:
        return (self.address, 5000)


def environ(host: str | None, bound: str = "127.0.0.1", arrived_on: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"SERVER_NAME": bound}
    if host is not None:
        found["HTTP_HOST"] = host
    if arrived_on is not None:
        found["werkzeug.socket"] = _Socket(arrived_on)
    return found


@pytest.mark.parametrize(
    ("host", "bound", "arrived_on", "served"),
    [
        ("127.0.0.1:5000", "127.0.0.1", None, True),
        ("127.9.9.9", "127.0.0.1", None, True),
        ("[::1]:5000", "127.0.0.1", None, True),
        ("a.b.localhost:5000", "127.0.0.1", None, True),
        ("localhost.", "127.0.0.1", None, True),
        ("LOCALHOST:5000", "127.0.0.1", None, True),
        ("localhost.evil.example", "127.0.0.1", None, False),
        ("evillocalhost", "127.0.0.1", None, False),
        ("10.0.0.1:5000", "127.0.0.1", None, False),
        ("", "127.0.0.1", None, False),
        (None, "127.0.0.1", None, False),
        # started with --host 192.168.1.5: that address, and loopback
        ("192.168.1.5:5000", "192.168.1.5", None, True),
        ("192.168.1.6:5000", "192.168.1.5", None, False),
        ("lab.example:5000", "192.168.1.5", None, False),
        # started with --host 0.0.0.0: the address each request arrived on
        ("192.168.1.5:5000", "0.0.0.0", "192.168.1.5", True),
        ("192.168.1.6:5000", "0.0.0.0", "192.168.1.5", False),
        ("0.0.0.0:5000", "0.0.0.0", "192.168.1.5", False),
        ("evil.example", "0.0.0.0", "192.168.1.5", False),
        ("[fe80::1]:5000", "::", "fe80::1", True),
    ],
)
def test_which_hosts_are_served(host, bound, arrived_on, served):
    assert addressed_here(environ(host, bound, arrived_on)) is served

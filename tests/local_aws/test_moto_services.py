"""moto's handlers called without its Flask layer answer exactly as moto's Flask apps do.

Each request is sent twice, in-process, to moto's own Flask app for the service and to
:class:`~helpers.local_aws.moto_services.MotoServiceApp`: status, headers and body must agree, except
for what differs between any two answers (request ids, dates) and the CORS headers flask-cors adds,
which the local AWS's cross-origin edge replaces on every answer.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.test import EnvironBuilder, run_wsgi_app

from helpers.local_aws.moto_services import MotoServiceApp, MotoServices, plain_answer

# moto reads the account and region from the scope; it checks no signature (the front door does).
SIGNED_BY = (
    "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, "
    "SignedHeaders=host, Signature=00"
)
_VARYING_HEADERS = {"date", "x-amzn-requestid", "x-amz-request-id", "x-amz-id-2", "x-amz-crc32"}
_VARYING_XML = re.compile(rb"<(RequestId|HostId)>[^<]*</\1>")


@pytest.fixture(scope="module")
def moto() -> MotoServices:
    return MotoServices(DomainDispatcherApplication(create_backend_app))


def answer(app: Any, service: str, method: str, path: str, body: bytes = b"", **headers: str) -> tuple:
    environ = EnvironBuilder(
        path=path,
        method=method,
        headers={"Host": "127.0.0.1:5000", "Authorization": SIGNED_BY.format(service=service), **headers},
        data=body,
    ).get_environ()
    app_iter, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    content = b"".join(app_iter)
    kept = sorted(
        (name.lower(), value)
        for name, value in response_headers.items()
        if name.lower() not in _VARYING_HEADERS and not name.lower().startswith("access-control-")
    )
    return status, kept, _VARYING_XML.sub(rb"<\1/>", content)


def both(moto: MotoServices, service: str, *request: Any, **headers: str) -> tuple:
    """The answer of moto's Flask app and of the direct handler call to a request that changes nothing;
    asserts they agree."""
    direct = moto.app(service)
    assert isinstance(direct, MotoServiceApp)
    flask_answer = answer(direct.flask_app, service, *request, **headers)
    direct_answer = answer(direct, service, *request, **headers)
    assert direct_answer == flask_answer
    return direct_answer


def once(moto: MotoServices, service: str, *request: Any, **headers: str) -> tuple:
    """The direct handler call's answer to a request that changes moto's state (sent once)."""
    status, headers_, body = answer(moto.app(service), service, *request, **headers)
    assert status == "200 OK", body
    return status, headers_, body


def dynamodb(moto: MotoServices, operation: str, payload: dict[str, Any], send: Any = both) -> tuple:
    return send(
        moto,
        "dynamodb",
        "POST",
        "/",
        json.dumps(payload).encode(),
        **{"X-Amz-Target": f"DynamoDB_20120810.{operation}", "Content-Type": "application/x-amz-json-1.0"},
    )


def test_dynamodb_answers_agree(moto):
    table = f"moto-services-{uuid.uuid4().hex[:8]}"
    key = {"id": {"S": "a"}}
    dynamodb(
        moto,
        "CreateTable",
        {
            "TableName": table,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
        send=once,
    )
    dynamodb(moto, "PutItem", {"TableName": table, "Item": {**key, "n": {"N": "1"}}}, send=once)
    status, _, body = dynamodb(moto, "GetItem", {"TableName": table, "Key": key})
    assert status == "200 OK" and json.loads(body) == {"Item": {**key, "n": {"N": "1"}}}
    status, _, body = dynamodb(moto, "GetItem", {"TableName": f"{table}-missing", "Key": key})
    assert status.startswith("400") and b"ResourceNotFoundException" in body


def test_s3_answers_agree(moto):
    bucket = f"moto-services-{uuid.uuid4().hex[:8]}"
    once(moto, "s3", "PUT", f"/{bucket}")
    once(moto, "s3", "PUT", f"/{bucket}/comments/a%20b.txt", b"a comment", **{"Content-Type": "text/plain"})
    status, _, body = both(moto, "s3", "GET", f"/{bucket}/comments/a%20b.txt")
    assert (status, body) == ("200 OK", b"a comment")
    status, headers, body = both(moto, "s3", "HEAD", f"/{bucket}/comments/a%20b.txt")
    assert status == "200 OK" and ("content-length", "9") in headers and body == b""
    status, _, body = both(moto, "s3", "GET", f"/{bucket}/comments/missing.txt")
    assert status.startswith("404") and b"<Code>NoSuchKey</Code>" in body
    status, _, body = both(moto, "s3", "GET", f"/{bucket}-missing")
    assert status.startswith("404") and b"<Code>NoSuchBucket</Code>" in body


def test_a_path_or_method_no_rule_serves_gets_the_same_error(moto):
    status, _, _ = both(moto, "dynamodb", "GET", "/no/such/path")
    assert status.startswith("404")
    status, _, _ = both(moto, "s3", "TRACE", "/bucket")
    assert status.startswith("405")


# --- the answer written out directly, against the Flask Response it stands for ---------------------------

HANDLER_ANSWERS = [
    (200, {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "r1"}, '{"Item": {}}'),
    (200, {"content-type": "text/plain", "content-length": "999", "ETag": '"e"'}, b"a comment"),  # replaced
    (200, {"Content-Length": "1", "content-length": "2", "x-a": "b"}, b"abc"),  # the second one dropped
    (200, {}, "caf\u00e9"),  # no type: Flask's default, the text encoded as UTF-8
    (200, {"x-amz-meta-n": 7}, b""),  # an integer header
    (400, {}, "The specified bucket is not valid."),
    (404, {"Content-Type": "application/xml"}, b"<Error><Code>NoSuchKey</Code></Error>"),
    (201, {"X-Amz-Id-2": "id"}, ""),
    (500, {"Content-Type": "application/json"}, "{}"),
]


def flask_answer(status: Any, headers: Any, content: Any) -> tuple:
    from flask import Response

    captured: dict[str, Any] = {}
    environ = EnvironBuilder(path="/", method="GET").get_environ()
    response = Response(response=content, status=status, headers=headers)
    body = b"".join(response(environ, lambda line, sent: captured.update(line=line, headers=sent)))
    return captured["line"], list(captured["headers"]), body


@pytest.mark.parametrize(("status", "headers", "content"), HANDLER_ANSWERS)
def test_a_plain_answer_is_what_flask_response_sends(status: int, headers: dict, content: Any) -> None:
    captured: dict[str, Any] = {}
    answer = plain_answer(
        status, dict(headers), content, lambda line, sent: captured.update(line=line, headers=sent)
    )
    assert answer is not None
    assert (captured["line"], captured["headers"], b"".join(answer)) == flask_answer(status, headers, content)


@pytest.mark.parametrize(
    ("status", "headers", "content"),
    [
        (204, {}, b""),  # werkzeug sends no Content-Length
        (304, {"ETag": '"e"'}, b""),  # nor entity headers
        (302, {"Location": "/other path"}, b""),  # a Location werkzeug turns into a URI
        (200, {"Content-Location": "/caf\u00e9"}, b""),
        (200, {"x-list": ["a", "b"]}, b""),  # a list: one header per value
        (200, {"x-bad": "a\r\nSet-Cookie: b"}, b""),  # werkzeug refuses it
        (200, {}, iter([b"streamed"])),  # a body that is not text or bytes
        ("200 OK", {}, b""),
        (299, {}, b""),  # no standard reason
    ],
)
def test_other_answers_are_left_to_flask_response(status: Any, headers: dict, content: Any) -> None:
    started: list[Any] = []
    assert plain_answer(status, headers, content, lambda *args: started.append(args)) is None
    assert started == []

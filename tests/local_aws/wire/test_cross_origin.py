"""CORS as each endpoint answers it: S3 by the bucket's configuration, the other AWS services and the
stand-in providers open to every origin (the administrative endpoints: see test_admin_endpoints)."""

from __future__ import annotations

import secrets

import pytest
from botocore.credentials import Credentials

from helpers.local_aws.s3.cors import NOT_ALLOWED, NOT_ENABLED, CorsRule, wildcard_match
from tests.support.raw_http import exchange, request_bytes, signed_headers

PAGE = "http://localhost:8000"
ELSEWHERE = "http://elsewhere.example"


@pytest.fixture(scope="module")
def buckets(endpoint) -> dict[str, str]:
    s3 = endpoint.client("s3")
    shared, closed = "cors-" + secrets.token_hex(4), "no-cors-" + secrets.token_hex(4)
    for name in (shared, closed):
        s3.create_bucket(Bucket=name)
        s3.put_object(Bucket=name, Key="comments/first.txt", Body=b"hello")
    s3.put_bucket_cors(
        Bucket=shared,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": ["http://localhost:*"],
                    "AllowedMethods": ["GET", "PUT", "HEAD"],
                    "AllowedHeaders": ["Content-Type", "x-amz-*"],
                    "ExposeHeaders": ["ETag", "x-amz-request-id"],
                    "MaxAgeSeconds": 600,
                },
                {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
            ]
        },
    )
    return {"shared": shared, "closed": closed}


def preflight(endpoint, path: str, origin: str | None, method: str | None, headers: str | None = None):
    request = {}
    if origin:
        request["Origin"] = origin
    if method:
        request["Access-Control-Request-Method"] = method
    if headers:
        request["Access-Control-Request-Headers"] = headers
    return exchange(endpoint.url, request_bytes("OPTIONS", endpoint.url + path, request))


def signed(endpoint, method: str, path: str, origin: str, body: bytes = b""):
    url = endpoint.url + path
    headers = {**signed_headers(method, url, "s3", body), "Origin": origin, "Content-Length": str(len(body))}
    return exchange(url, request_bytes(method, url, headers, body))


def cors_headers(answer) -> dict[str, str]:
    return {name: value for name, value in answer.headers.items() if name.startswith("access-control-")}


# -- S3: the bucket's configuration decides ------------------------------------------------------------


def test_a_preflight_to_an_existing_object_passes_when_the_bucket_allows_the_page(endpoint, buckets):
    answer = preflight(endpoint, f"/{buckets['shared']}/comments/first.txt", PAGE, "GET")
    assert answer.status == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == PAGE
    assert answer.headers["access-control-allow-methods"] == "GET, PUT, HEAD"
    assert answer.headers["access-control-expose-headers"] == "ETag, x-amz-request-id"
    assert answer.headers["access-control-max-age"] == "600"
    assert answer.headers["access-control-allow-credentials"] == "true"
    assert "Origin" in answer.headers["vary"]


def test_requested_headers_match_case_insensitively_with_wildcards(endpoint, buckets):
    answer = preflight(
        endpoint, f"/{buckets['shared']}/new.txt", PAGE, "PUT", "CONTENT-TYPE, x-amz-meta-note"
    )
    assert answer.status == 200, answer.text
    assert answer.headers["access-control-allow-headers"] == "content-type, x-amz-meta-note"


@pytest.mark.parametrize(
    ("origin", "method", "headers"),
    [
        (PAGE, "DELETE", None),  # no rule allows the method
        (PAGE, "PUT", "authorization"),  # nor the header
        (ELSEWHERE, "PUT", None),  # the second rule allows only GET
        ("http://localhost.evil.example", "PUT", None),  # the wildcard does not cross into the host
    ],
)
def test_a_preflight_no_rule_allows_is_refused_as_s3_refuses_it(endpoint, buckets, origin, method, headers):
    answer = preflight(endpoint, f"/{buckets['shared']}/comments/first.txt", origin, method, headers)
    assert answer.status == 403
    assert b"<Code>AccessForbidden</Code>" in answer.body
    assert f"<Message>{NOT_ALLOWED}</Message>".encode() in answer.body
    assert b"evalution" in answer.body  # S3's own spelling
    assert f"<Method>{method}</Method>".encode() in answer.body
    assert b"<ResourceType>OBJECT</ResourceType>" in answer.body
    assert not cors_headers(answer)


def test_a_rule_for_every_origin_answers_a_star(endpoint, buckets):
    answer = preflight(endpoint, f"/{buckets['shared']}/comments/first.txt", ELSEWHERE, "GET")
    assert answer.status == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in answer.headers


def test_a_bucket_without_cors_refuses_every_preflight(endpoint, buckets):
    for path, resource in [
        (f"/{buckets['closed']}/comments/first.txt", "OBJECT"),
        (f"/{buckets['closed']}/new-key.txt", "OBJECT"),
        (f"/{buckets['closed']}", "BUCKET"),
    ]:
        answer = preflight(endpoint, path, PAGE, "PUT", "content-type")
        assert answer.status == 403, path
        assert f"<Message>{NOT_ENABLED}</Message>".encode() in answer.body
        assert f"<ResourceType>{resource}</ResourceType>".encode() in answer.body
        assert not cors_headers(answer)


def test_malformed_preflights(endpoint, buckets):
    path = f"/{buckets['shared']}/comments/first.txt"
    no_origin = preflight(endpoint, path, None, "GET")
    assert no_origin.status == 400 and b"Origin request header needed" in no_origin.body
    no_method = preflight(endpoint, path, PAGE, None)
    assert no_method.status == 400 and b"Access-Control-Request-Method" in no_method.body
    no_bucket = preflight(endpoint, "/no-such-bucket-" + secrets.token_hex(4) + "/x", PAGE, "GET")
    assert no_bucket.status == 403 and not cors_headers(no_bucket)


def test_actual_answers_carry_the_matching_rules_headers(endpoint, buckets):
    path = f"/{buckets['shared']}/comments/first.txt"
    mine = signed(endpoint, "GET", path, PAGE)
    assert mine.status == 200 and mine.body == b"hello"
    assert mine.headers["access-control-allow-origin"] == PAGE
    assert mine.headers["access-control-expose-headers"] == "ETag, x-amz-request-id"
    other = signed(endpoint, "GET", path, ELSEWHERE)
    assert other.headers["access-control-allow-origin"] == "*"
    # A PUT from an origin no rule allows to PUT is served (CORS is the browser's to enforce), but its
    # answer carries no CORS headers, so the page cannot read it.
    put = signed(endpoint, "PUT", f"/{buckets['shared']}/from-elsewhere.txt", ELSEWHERE, b"x")
    assert put.status == 200 and not cors_headers(put)


def test_a_bucket_without_cors_sends_no_cors_headers(endpoint, buckets):
    """moto's flask-cors used to add Access-Control-Allow-Origin: * to every S3 answer."""
    answer = signed(endpoint, "GET", f"/{buckets['closed']}/comments/first.txt", PAGE)
    assert answer.status == 200
    assert not cors_headers(answer)
    missing = signed(endpoint, "GET", f"/{buckets['closed']}/missing.txt", PAGE)
    assert missing.status == 404 and not cors_headers(missing)


def test_error_answers_carry_cors_headers_too(endpoint, buckets):
    answer = signed(endpoint, "GET", f"/{buckets['shared']}/missing.txt", PAGE)
    assert answer.status == 404
    assert answer.headers["access-control-allow-origin"] == PAGE


def test_a_configuration_change_applies_to_the_next_preflight(endpoint):
    s3 = endpoint.client("s3")
    name = "cors-change-" + secrets.token_hex(4)
    s3.create_bucket(Bucket=name)
    assert preflight(endpoint, f"/{name}/a.txt", PAGE, "PUT").status == 403
    s3.put_bucket_cors(
        Bucket=name, CORSConfiguration={"CORSRules": [{"AllowedOrigins": [PAGE], "AllowedMethods": ["PUT"]}]}
    )
    assert preflight(endpoint, f"/{name}/a.txt", PAGE, "PUT").status == 200
    s3.delete_bucket_cors(Bucket=name)
    refused = preflight(endpoint, f"/{name}/a.txt", PAGE, "PUT")
    assert refused.status == 403 and NOT_ENABLED.encode() in refused.body


def test_boto3_reads_back_the_configuration_the_preflights_follow(endpoint, buckets):
    rules = endpoint.client("s3").get_bucket_cors(Bucket=buckets["shared"])["CORSRules"]
    parsed = [CorsRule.from_api(rule) for rule in rules]
    assert parsed[0].matching_origin(PAGE) == "http://localhost:*"
    assert parsed[0].allows_headers(["content-type", "x-amz-date"])
    assert not parsed[0].allows_headers(["authorization"])


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("*", "http://a", True),
        ("http://*.example.com", "http://www.example.com", True),
        ("http://*.example.com", "https://www.example.com", False),
        ("http://*.example.com", "http://.example.com", True),
        ("http://localhost:*", "http://localhost:8000", True),
        ("http://localhost:*", "http://localhostx", False),
        ("http://a.example", "http://a.example.evil", False),
    ],
)
def test_origin_wildcards(pattern, value, expected):
    assert wildcard_match(pattern, value) is expected


# -- the other AWS services and the stand-in providers: every origin ---------------------------------------


def test_json_services_answer_preflights_for_any_origin(endpoint):
    answer = preflight(endpoint, "/", ELSEWHERE, "POST", "content-type,x-amz-target,x-amz-user-agent")
    assert answer.status == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "x-amz-target" in answer.headers["access-control-allow-headers"]
    assert "x-amzn-RequestId" in answer.headers["access-control-expose-headers"]


def test_an_unsigned_get_id_from_another_origin_is_readable(endpoint):
    pool_id = endpoint.client("cognito-identity").create_identity_pool(
        IdentityPoolName="cors", AllowUnauthenticatedIdentities=True, AllowClassicFlow=False
    )["IdentityPoolId"]
    body = f'{{"IdentityPoolId": "{pool_id}"}}'.encode()
    headers = {
        "Origin": ELSEWHERE,
        "X-Amz-Target": "AWSCognitoIdentityService.GetId",
        "Content-Type": "application/x-amz-json-1.1",
        "Content-Length": str(len(body)),
    }
    answer = exchange(endpoint.url, request_bytes("POST", endpoint.url + "/", headers, body))
    assert answer.status == 200, answer.text
    assert b"IdentityId" in answer.body
    assert answer.headers["access-control-allow-origin"] == "*"


def test_stand_in_providers_are_open_to_browser_apps(endpoint):
    path = "/_local_aws/providers/www.amazon.com/token"
    answer = preflight(endpoint, path, ELSEWHERE, "POST", "content-type")
    assert answer.status == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    body = b'{"user": "ana", "client_id": "web"}'
    headers = {"Origin": ELSEWHERE, "Content-Type": "application/json", "Content-Length": str(len(body))}
    token = exchange(endpoint.url, request_bytes("POST", endpoint.url + path, headers, body))
    assert token.status == 200 and b"access_token" in token.body
    assert token.headers["access-control-allow-origin"] == "*"


# -- answered requests: the service the front door attributed them to decides ------------------------------


def virtual_hosted(endpoint, bucket: str, method: str, key: str, headers: dict[str, str]):
    """A request to ``<bucket>.localhost:<port>/<key>`` (as the JavaScript SDK addresses S3 when given
    ``http://localhost:<port>``), sent to the local AWS's own address."""
    port = endpoint.url.rsplit(":", 1)[1]
    url = f"http://{bucket}.localhost:{port}/{key}"
    if method != "OPTIONS":
        headers = {**signed_headers(method, url, "s3"), **headers}
    return exchange(endpoint.url, request_bytes(method, url, headers))


def test_a_virtual_hosted_bucket_follows_the_rules_of_the_bucket_its_host_names(endpoint, buckets):
    """The host names the bucket, as S3 (and moto) read it: the path's first segment is part of the key.
    Sorted by its path, ``comments/first.txt`` would have been bucket ``comments``, with no rules."""
    mine = virtual_hosted(endpoint, buckets["shared"], "GET", "comments/first.txt", {"Origin": PAGE})
    assert mine.status == 200 and mine.body == b"hello", mine.text
    assert mine.headers["access-control-allow-origin"] == PAGE
    closed = virtual_hosted(endpoint, buckets["closed"], "GET", "comments/first.txt", {"Origin": PAGE})
    assert closed.status == 200 and not cors_headers(closed)
    asked = {"Origin": PAGE, "Access-Control-Request-Method": "PUT"}
    assert virtual_hosted(endpoint, buckets["shared"], "OPTIONS", "comments/x.txt", asked).status == 200
    assert virtual_hosted(endpoint, buckets["closed"], "OPTIONS", "comments/x.txt", asked).status == 403


def test_a_query_request_on_a_bucket_path_is_answered_with_the_services_headers(endpoint, buckets):
    """The front door attributes an unsigned ``Action=AssumeRoleWithWebIdentity`` to STS whatever the
    path; its answer is STS's, open to every origin. Sorted by its path, it would have taken the rules
    of the bucket ``closed`` (none)."""
    path = f"/{buckets['closed']}?Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
    query = (
        "&RoleArn=arn:aws:iam::123456789012:role/nobody&RoleSessionName=page&WebIdentityToken=not-a-token"
    )
    url = endpoint.url + path + query
    answer = exchange(url, request_bytes("GET", url, {"Origin": PAGE}))
    assert b"<ErrorResponse" in answer.body and b"sts.amazonaws.com" in answer.body, answer.text
    assert answer.headers["access-control-allow-origin"] == "*"


def test_s3_refusals_carry_the_buckets_rules_and_other_services_refusals_the_open_headers(endpoint, buckets):
    """S3 sends a matching rule's headers on its errors too, so a page can read why it was refused."""
    url = f"{endpoint.url}/{buckets['shared']}/comments/first.txt"
    wrong = Credentials("testing", "not-the-secret")
    headers = {**signed_headers("GET", url, "s3", credentials=wrong), "Origin": PAGE}
    refused = exchange(url, request_bytes("GET", url, headers))
    assert refused.status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in refused.body
    assert refused.headers["access-control-allow-origin"] == PAGE
    closed_url = f"{endpoint.url}/{buckets['closed']}/comments/first.txt"
    headers = {**signed_headers("GET", closed_url, "s3", credentials=wrong), "Origin": PAGE}
    closed = exchange(closed_url, request_bytes("GET", closed_url, headers))
    assert closed.status == 403 and not cors_headers(closed)
    body = b"{}"
    target = {"X-Amz-Target": "DynamoDB_20120810.ListTables"}
    headers = {
        **signed_headers("POST", endpoint.url + "/", "dynamodb", body, target, wrong),
        "Origin": PAGE,
        "Content-Type": "application/x-amz-json-1.0",
        "Content-Length": "2",
    }
    table = exchange(endpoint.url, request_bytes("POST", endpoint.url + "/", headers, body))
    assert table.status == 400 and b"InvalidSignatureException" in table.body, table.text
    assert table.headers["access-control-allow-origin"] == "*"

"""The local AWS's own endpoints: sane clock values only, no CORS, loopback Host and a JSON content type
for changes, and one reset for moto and the layers together."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers.local_aws import clock
from helpers.local_aws.control import MAX_OFFSET_SECONDS
from helpers.local_aws.host_header import host_name, is_loopback
from tests.support import sessions
from tests.support.local_aws_fixtures import create_role, trust_policy
from tests.support.raw_http import SeparateLocalAWS, exchange, request_bytes, separate_local_aws

JSON = {"Content-Type": "application/json"}


def post(url: str, body: bytes, headers: dict[str, str] | None = None):
    headers = {**JSON, **(headers or {}), "Content-Length": str(len(body))}
    return exchange(url, request_bytes("POST", url, headers, body))


def get(url: str, headers: dict[str, str] | None = None):
    return exchange(url, request_bytes("GET", url, headers or {}))


def guest_sign_in(url: str, name: str) -> dict[str, str]:
    """A pool with a guest role; the guest's credentials (as a browser app gets them)."""

    def client(service: str, **extra):
        return sessions.client(
            service,
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1}, **extra),
        )

    ci = client("cognito-identity")
    pool_id = ci.create_identity_pool(
        IdentityPoolName=name, AllowUnauthenticatedIdentities=True, AllowClassicFlow=False
    )["IdentityPoolId"]
    role = create_role(client("iam"), name, trust_policy(pool_id, "unauthenticated"))
    ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"unauthenticated": role})
    public = client("cognito-identity", signature_version=UNSIGNED)
    identity_id = public.get_id(IdentityPoolId=pool_id)["IdentityId"]
    credentials = public.get_credentials_for_identity(IdentityId=identity_id)["Credentials"]
    return {"pool_id": pool_id, "role": role, **credentials}


def caller_arn(url: str, credentials: dict[str, str]) -> str:
    sts = sessions.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretKey"],
        aws_session_token=credentials["SessionToken"],
        config=Config(retries={"max_attempts": 1}),
    )
    return sts.get_caller_identity()["Arn"]


# -- the clock ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"advance": NaN}',
        b'{"advance": Infinity}',
        b'{"advance": -Infinity}',
        b'{"advance": 1e400}',
        b'{"advance": -1e12}',
        b'{"advance": -1}',
        b'{"advance": 1e12}',
        b'{"advance": true}',
        b'{"advance": "3600"}',
        b'{"advance": null}',
        b'{"advance": [1]}',
        b'{"reset": "yes"}',
        b'{"advance": 60, "reset": true}',
        b'{"advance": 60, "extra": 1}',
        b"[]",
        b"{}",
        b"not json",
        b'{"advance": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
    ids=lambda body: body[:30].decode(),
)
def test_insane_clock_orders_get_400_and_change_nothing(endpoint, body):
    before = clock.read(endpoint.url)["offset_seconds"]
    answer = post(endpoint.url + "/_local_aws/clock", body)
    assert answer.status in (400, 413), answer.text
    assert "message" in json.loads(answer.body)
    assert clock.read(endpoint.url)["offset_seconds"] == before


def test_the_clock_cannot_run_too_far_ahead(endpoint):
    clock.reset(endpoint.url)
    step = 10 * 366 * 86_400
    for _ in range(MAX_OFFSET_SECONDS // step):
        clock.advance(step, endpoint.url)
    answer = post(endpoint.url + "/_local_aws/clock", json.dumps({"advance": step}).encode())
    assert answer.status == 400
    assert clock.read(endpoint.url)["offset_seconds"] <= MAX_OFFSET_SECONDS
    clock.reset(endpoint.url)


def test_the_python_helper_cannot_send_nan(endpoint):
    with pytest.raises(Exception) as raised:
        clock.advance(float("nan"), endpoint.url)
    assert getattr(raised.value, "code", None) == 400


def test_after_a_nan_order_issued_credentials_still_work(endpoint):
    """A NaN offset made every request with issued credentials answer 500 until the clock was reset."""
    credentials = guest_sign_in(endpoint.url, "nan-" + secrets.token_hex(4))
    assert post(endpoint.url + "/_local_aws/clock", b'{"advance": NaN}').status == 400
    assert post(endpoint.url + "/_local_aws/clock", b'{"advance": 1e400}').status == 400
    assert caller_arn(endpoint.url, credentials).endswith("/CognitoIdentityCredentials")


# -- the guard ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_a_change_without_a_json_content_type_gets_415(endpoint, content_type):
    """What a cross-site page may send without a preflight: a form or text/plain POST."""
    before = clock.read(endpoint.url)["offset_seconds"]
    body = b'{"advance": 3600}'
    headers = {"Content-Length": str(len(body))}
    if content_type:
        headers["Content-Type"] = content_type
    for path in ("/_local_aws/clock", "/moto-api/reset", "/moto-api/reset-auth", "/moto-api/seed?a=42"):
        answer = exchange(endpoint.url, request_bytes("POST", endpoint.url + path, headers, body))
        assert answer.status == 415, (path, answer.text)
    assert clock.read(endpoint.url)["offset_seconds"] == before


def test_moto_endpoints_that_change_state_on_get_need_json_too(endpoint):
    """moto's seed, static results, transitions and recorder change state on any method: an <img> tag
    on a web page could send such a GET."""
    for path in ("/moto-api/seed?a=42", "/moto-api/recorder/start-recording", "/moto-api/reset"):
        assert get(endpoint.url + path).status == 415, path
    assert get(endpoint.url + "/moto-api/data.json").status == 200


def test_moto_data_answers_after_a_bucket_with_objects_is_deleted(endpoint):
    """moto keeps tracking a deleted bucket's objects, whose ``status`` asks for the bucket: moto's own
    data.json then fails with a 500 (the course's clean-up deletes its bucket)."""
    s3, bucket = endpoint.client("s3"), f"deleted-{secrets.token_hex(4)}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="comments/1.txt", Body=b"hello")
    s3.delete_object(Bucket=bucket, Key="comments/1.txt")
    s3.delete_bucket(Bucket=bucket)
    answer = get(endpoint.url + "/moto-api/data.json")
    assert answer.status == 200, answer.body[-300:]
    data = json.loads(answer.body)
    # moto still tracks both; the object is shown without the attribute it cannot read.
    assert bucket in {entry.get("name") for entry in data["s3"]["FakeBucket"]}
    assert any(entry.get("name") == "comments/1.txt" for entry in data["s3"]["FakeKey"])


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:5000", "127.0.0.1.evil.example", "10.0.0.1", ""]
)
def test_a_foreign_host_header_gets_403(endpoint, host):
    """DNS rebinding: a page whose name now resolves to 127.0.0.1 still sends its own name as Host."""
    before = clock.read(endpoint.url)["offset_seconds"]
    for method, path, body in [
        ("GET", "/_local_aws/status", b""),
        ("GET", "/_local_aws/clock", b""),
        ("POST", "/_local_aws/clock", b'{"advance": 3600}'),
        ("POST", "/moto-api/reset", b"{}"),
        ("GET", "/moto-api/data.json", b""),
    ]:
        headers = {"Host": host, **JSON, "Content-Length": str(len(body))}
        answer = exchange(endpoint.url, request_bytes(method, endpoint.url + path, headers, body))
        assert answer.status == 403, (path, answer.text)
        assert "access-control-allow-origin" not in answer.headers
    assert clock.read(endpoint.url)["offset_seconds"] == before


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.1:5000", "localhost:8", "LOCALHOST", "[::1]:5000", "127.1.2.3"]
)
def test_loopback_host_headers_pass(host):
    assert is_loopback(host_name(host))


@pytest.mark.parametrize(
    "path", ["/_local_aws/status", "/_local_aws/clock", "/moto-api/data.json", "/moto-api/reset"]
)
def test_administrative_endpoints_send_no_cors_and_refuse_preflights(endpoint, path):
    origin = {"Origin": "http://localhost:3000"}
    if not path.endswith("reset"):
        answer = get(endpoint.url + path, origin)
        assert answer.status == 200
        assert not [name for name in answer.headers if name.startswith("access-control-")]
    preflight = {
        **origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    answer = exchange(endpoint.url, request_bytes("OPTIONS", endpoint.url + path, preflight))
    assert answer.status == 403
    assert not [name for name in answer.headers if name.startswith("access-control-")]


def test_the_status_and_clock_take_only_their_methods(endpoint):
    answer = exchange(endpoint.url, request_bytes("DELETE", endpoint.url + "/_local_aws/clock", JSON))
    assert answer.status == 405
    assert post(endpoint.url + "/_local_aws/status", b"{}").status == 405


# -- one reset, in a local AWS of its own (moto's state is per process) ----------------------------------


@pytest.fixture(scope="module")
def separate() -> Iterator[SeparateLocalAWS]:
    yield from separate_local_aws()


def test_one_reset_resets_moto_and_the_layers(separate):
    url = separate.url
    admin = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    s3 = admin.client("s3", endpoint_url=url)
    s3.create_bucket(Bucket="reset-me")
    credentials = guest_sign_in(url, "reset-me")
    assert caller_arn(url, credentials).startswith("arn:aws:sts::123456789012:assumed-role/reset-me/")
    token = json.loads(
        post(url + "/_local_aws/providers/www.amazon.com/token", b'{"user": "ana", "client_id": "app"}').body
    )["access_token"]
    clock.advance(3600, url)

    answer = post(url + "/moto-api/reset", b"{}")
    assert answer.status == 200, answer.text

    ci = admin.client("cognito-identity", endpoint_url=url)
    with pytest.raises(ClientError) as raised:
        ci.describe_identity_pool(IdentityPoolId=credentials["pool_id"])
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert ci.list_identity_pools(MaxResults=60)["IdentityPools"] == []
    assert s3.list_buckets()["Buckets"] == []
    assert admin.client("iam", endpoint_url=url).list_roles()["Roles"] == []
    assert clock.read(url)["offset_seconds"] == 0
    try:  # the issued keys are forgotten: no longer the assumed role
        assert "assumed-role" not in caller_arn(url, credentials)
    except ClientError:
        pass
    info = get(url + "/_local_aws/providers/www.amazon.com/auth/o2/tokeninfo?access_token=" + token)
    assert info.status == 400 and b"invalid_token" in info.body


def test_a_cross_site_simple_post_cannot_reset(separate):
    url = separate.url
    s3 = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    ).client("s3", endpoint_url=url)
    s3.create_bucket(Bucket="survives")
    answer = exchange(
        url,
        request_bytes(
            "POST",
            url + "/moto-api/reset",
            {"Origin": "http://evil.example", "Content-Type": "text/plain", "Content-Length": "2"},
            b"{}",
        ),
    )
    assert answer.status == 415
    assert "survives" in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]

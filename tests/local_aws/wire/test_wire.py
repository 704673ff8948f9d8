"""Any client works: the identity-pool flows over plain HTTP, and no malformed input ever gets a 500."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import botocore.session
import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.support.local_aws_fixtures import create_role, trust_policy

MODEL = botocore.session.get_session().get_service_model("cognito-identity")


def call(url: str, operation: str, body: object, signed: bool = False) -> tuple[int, dict]:
    """One cognito-identity call as any HTTP client makes it (optionally signed with botocore's SigV4)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {
        "X-Amz-Target": f"AWSCognitoIdentityService.{operation}",
        "Content-Type": "application/x-amz-json-1.1",
    }
    if signed:
        request = AWSRequest("POST", url + "/", data=data, headers=headers)
        SigV4Auth(Credentials("testing", "testing"), "cognito-identity", "us-east-1").add_auth(request)
        headers = dict(request.headers.items())
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url + "/", data, headers, method="POST"), timeout=10
        ) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_guest_then_signed_requests_over_plain_http(endpoint):
    """The blog post's flow from a client that is not boto3: JSON over HTTP, then a hand-signed S3 GET."""
    url = endpoint.url
    status, pool = call(
        url,
        "CreateIdentityPool",
        {"IdentityPoolName": "http", "AllowUnauthenticatedIdentities": True, "AllowClassicFlow": True},
        signed=True,
    )
    assert status == 200
    pool_id = pool["IdentityPoolId"]
    iam = endpoint.client("iam")
    role = create_role(
        iam,
        "http-guest",
        trust_policy(pool_id, "unauthenticated"),
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::http-bucket/*"}
            ],
        },
    )
    assert (
        call(
            url,
            "SetIdentityPoolRoles",
            {"IdentityPoolId": pool_id, "Roles": {"unauthenticated": role}},
            signed=True,
        )[0]
        == 200
    )
    endpoint.client("s3").create_bucket(Bucket="http-bucket")
    endpoint.client("s3").put_object(Bucket="http-bucket", Key="a.txt", Body=b"over http")

    status, got = call(url, "GetId", {"IdentityPoolId": pool_id})
    assert status == 200
    status, answer = call(url, "GetCredentialsForIdentity", {"IdentityId": got["IdentityId"]})
    assert status == 200 and answer["IdentityId"] == got["IdentityId"]
    credentials = answer["Credentials"]
    # epoch seconds on the wire (the Cognito Identity API Reference)
    assert isinstance(credentials["Expiration"], (int, float))

    request = AWSRequest("GET", f"{url}/http-bucket/a.txt")
    S3SigV4Auth(  # S3 requires x-amz-content-sha256, which S3SigV4Auth adds
        Credentials(credentials["AccessKeyId"], credentials["SecretKey"], credentials["SessionToken"]),
        "s3",
        "us-east-1",
    ).add_auth(request)
    with urllib.request.urlopen(
        urllib.request.Request(request.url, headers=dict(request.headers.items())), timeout=10
    ) as answer:
        assert answer.read() == b"over http"
    request = AWSRequest("PUT", f"{url}/http-bucket/b.txt", data=b"no")
    S3SigV4Auth(
        Credentials(credentials["AccessKeyId"], credentials["SecretKey"], credentials["SessionToken"]),
        "s3",
        "us-east-1",
    ).add_auth(request)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(
            urllib.request.Request(
                request.url, data=b"no", method="PUT", headers=dict(request.headers.items())
            ),
            timeout=10,
        )
    assert refused.value.code == 403 and b"<Code>AccessDenied</Code>" in refused.value.read()

    # Basic flow over plain HTTP: GetOpenIdToken, then an unsigned form POST to STS.
    status, token = call(url, "GetOpenIdToken", {"IdentityId": got["IdentityId"]})
    assert status == 200
    form = urllib.parse.urlencode(
        {
            "Action": "AssumeRoleWithWebIdentity",
            "Version": "2011-06-15",
            "RoleArn": role,
            "RoleSessionName": "plain-http",
            "WebIdentityToken": token["Token"],
        }
    ).encode()
    with urllib.request.urlopen(
        urllib.request.Request(url + "/", form, {"Content-Type": "application/x-www-form-urlencoded"}),
        timeout=10,
    ) as answer:
        assert b"<Provider>cognito-identity.amazonaws.com</Provider>" in answer.read()


def _bad_values(shape) -> list[object]:
    kind = shape.type_name
    if kind == "string":
        return [None, 7, "", "x" * 60000, "bad value!", ["list"]]
    if kind in ("integer", "long"):
        return ["seven", -1, 10**12, 1.5, True]
    if kind == "boolean":
        return ["true", 0]
    if kind == "map":
        return ["map", [], {"k" * 200: "v"}, {f"k{i}": "v" for i in range(60)}]
    if kind == "list":
        return ["list", {}, [None], list(range(70))]
    if kind == "structure":
        return [[], "structure", {"Unknown": 1}]
    return [object.__name__]


@pytest.mark.parametrize("operation", sorted(MODEL.operation_names))
def test_no_malformed_input_gets_a_server_error(endpoint, operation):
    """For every operation: an empty body, junk JSON, and each member set to wrong or out-of-range values."""
    shape = MODEL.operation_model(operation).input_shape
    bodies: list[object] = [b"", b"{", b"[]", b"null", {}]
    for member, member_shape in shape.members.items():
        bodies += [{member: value} for value in _bad_values(member_shape)]
    for body in bodies:
        status, answer = call(endpoint.url, operation, body, signed=True)
        assert status < 500, (operation, body if len(str(body)) < 200 else str(body)[:200], answer)
        # A few odd values are valid (1.5 for an integer is truncated, as AWS's Coral does).
        assert status == 200 or answer.get("__type"), (operation, answer)


def test_several_processes_signing_in_at_once_share_one_state(endpoint):
    """Several kernels (processes) using one local AWS: each login still gets exactly one identity."""
    status, pool = call(
        endpoint.url,
        "CreateIdentityPool",
        {
            "IdentityPoolName": "shared",
            "AllowUnauthenticatedIdentities": True,
            "CognitoIdentityProviders": [],
            "DeveloperProviderName": "login.course",
        },
        signed=True,
    )
    assert status == 200
    idp = endpoint.client("cognito-idp")
    from tests.support.local_aws_fixtures import create_user_pool

    users = create_user_pool(idp, "shared")
    endpoint.client("cognito-identity").update_identity_pool(
        IdentityPoolId=pool["IdentityPoolId"],
        IdentityPoolName="shared",
        AllowUnauthenticatedIdentities=True,
        CognitoIdentityProviders=[{"ProviderName": users.provider_name, "ClientId": users.client_id}],
    )
    tokens = [users.sign_in(idp, f"p{n}")["id"] for n in range(3)]
    script = (
        "import json, sys, boto3\n"
        "from botocore import UNSIGNED\nfrom botocore.config import Config\n"
        "url, pool, provider, tokens = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])\n"
        "c = boto3.session.Session().client('cognito-identity', region_name='us-east-1', endpoint_url=url,"
        " config=Config(signature_version=UNSIGNED))\n"
        "print(json.dumps([c.get_id(IdentityPoolId=pool, Logins={provider: t})['IdentityId']"
        " for _ in range(5) for t in tokens]))\n"
    )
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                script,
                endpoint.url,
                pool["IdentityPoolId"],
                users.provider_name,
                json.dumps(tokens),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [json.loads(p.communicate(timeout=120)[0]) for p in processes]
    per_token = [
        {ids[i] for ids in results for i in range(n, len(ids), len(tokens))} for n in range(len(tokens))
    ]
    assert all(len(ids) == 1 for ids in per_token), per_token
    assert len(set.union(*per_token)) == len(tokens)


def test_a_browser_app_on_another_origin_may_read_every_answer(endpoint):
    """CORS: the JavaScript SDK in a page served elsewhere reads the answers of every layer."""
    origin = "http://localhost:3000"
    preflight = urllib.request.Request(
        endpoint.url + "/",
        method="OPTIONS",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-user-agent",
        },
    )
    with urllib.request.urlopen(preflight, timeout=10) as answer:
        assert answer.headers["Access-Control-Allow-Origin"] == "*"  # as AWS's public endpoints answer
        assert "x-amz-target" in answer.headers["Access-Control-Allow-Headers"].lower()
    requests = [
        urllib.request.Request(
            endpoint.url + "/",
            data=b'{"IdentityPoolId": "us-east-1:nope"}',
            method="POST",
            headers={
                "Origin": origin,
                "X-Amz-Target": "AWSCognitoIdentityService.GetId",
                "Content-Type": "application/x-amz-json-1.1",
            },
        ),
        urllib.request.Request(endpoint.url + "/.well-known/jwks_uri", headers={"Origin": origin}),
        urllib.request.Request(endpoint.url + "/_local_aws/providers", headers={"Origin": origin}),
    ]
    for request in requests:
        try:
            answer = urllib.request.urlopen(request, timeout=10)
        except urllib.error.HTTPError as error:
            answer = error
        with answer:
            assert answer.headers["Access-Control-Allow-Origin"] == "*", request.full_url
            assert "x-amzn-ErrorType" in answer.headers["Access-Control-Expose-Headers"]

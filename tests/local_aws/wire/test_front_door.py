"""The front door: every request authenticated, attributed once, and refused as AWS refuses it.

Each bypass found when the local AWS was tried as an attacker, through boto3 and through raw HTTP.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from helpers.local_aws import clock
from tests.local_aws.authorization.test_enforcement import denied, guest_credentials, member_credentials
from tests.support import sessions
from tests.support.pools import PoolSetup, identity_pool

SUB = "${cognito-identity.amazonaws.com:sub}"
BUCKET, TABLE = "door-blog", "DoorProfiles"  # moto's backends are shared by the run: names of our own

ADMIN = Credentials("testing", "testing")


def send(
    url: str, method: str = "GET", body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body or None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def signed(
    url: str,
    method: str,
    service: str,
    credentials: Credentials = ADMIN,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    scope_service: str | None = None,
) -> tuple[str, dict[str, str]]:
    request = AWSRequest(method, url, data=body, headers=headers or {})
    signer = S3SigV4Auth if service == "s3" else SigV4Auth
    signer(credentials, scope_service or service, "us-east-1").add_auth(request)
    return request.url, {k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}


def code_of(body: bytes) -> str:
    text = body.decode()
    if text.lstrip().startswith("{"):
        return json.loads(text)["__type"].rsplit("#", 1)[-1]
    return text.split("<Code>", 1)[1].split("</Code>", 1)[0]


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"].get("Message", "")


@pytest.fixture(scope="module")
def blog(endpoint) -> PoolSetup:
    """The course's blog: guests read comments, members write under their own identity id."""
    admin_s3 = endpoint.client("s3")
    admin_s3.create_bucket(Bucket=BUCKET)
    admin_s3.put_object(Bucket=BUCKET, Key="comments/first.txt", Body=b"hello")
    endpoint.client("dynamodb").create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    read = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::{BUCKET}/comments/*"}
    guest = {"Version": "2012-10-17", "Statement": [read]}
    member = {
        "Version": "2012-10-17",
        "Statement": [
            read,
            {
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/comments/{SUB}/*",
            },
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                "Resource": f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}",
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [SUB]}},
            },
        ],
    }
    return identity_pool(endpoint, "door", permissions={"unauthenticated": guest, "authenticated": member})


@pytest.fixture(scope="module")
def pool(endpoint):
    return endpoint.client("cognito-identity").create_identity_pool(
        IdentityPoolName="front-door", AllowUnauthenticatedIdentities=True, AllowClassicFlow=False
    )["IdentityPoolId"]


def client(endpoint, service: str, key: str = "testing", secret: str = "testing", **config: Any) -> Any:
    return sessions.client(
        service,
        region_name="us-east-1",
        endpoint_url=endpoint.url,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}, **config),
    )


# --- anything not signed with a known key is refused ------------------------------------------------------


def test_unsigned_administrative_calls_are_refused(endpoint, blog, pool):
    assert error_of(endpoint.unsigned("s3").list_buckets)[0] == "AccessDenied"
    assert error_of(endpoint.unsigned("s3").list_objects_v2, Bucket=BUCKET)[0] == "AccessDenied"
    assert error_of(endpoint.unsigned("dynamodb").scan, TableName=TABLE) == (
        "MissingAuthenticationTokenException",
        "Request is missing Authentication Token",
    )
    assert error_of(endpoint.unsigned("iam").list_roles)[0] == "MissingAuthenticationToken"
    assert error_of(endpoint.unsigned("sts").get_caller_identity)[0] == "MissingAuthenticationToken"
    code, _ = error_of(endpoint.unsigned().delete_identity_pool, IdentityPoolId=pool)
    assert code == "MissingAuthenticationTokenException"
    assert endpoint.client("cognito-identity").describe_identity_pool(IdentityPoolId=pool)
    # ... while what AWS serves unsigned still works.
    assert endpoint.unsigned().get_id(IdentityPoolId=pool)["IdentityId"].startswith("us-east-1:")


def test_unsigned_raw_http_is_refused(endpoint, blog):
    status, body = send(endpoint.url + "/")
    assert (status, code_of(body)) == (403, "AccessDenied")
    status, body = send(f"{endpoint.url}/{BUCKET}/comments/first.txt", "DELETE")
    assert (status, code_of(body)) == (403, "AccessDenied")
    assert endpoint.client("s3").get_object(Bucket=BUCKET, Key="comments/first.txt")
    status, body = send(
        endpoint.url + "/",
        "POST",
        b'{"TableName": "DoorProfiles"}',
        {"X-Amz-Target": "DynamoDB_20120810.Scan", "Content-Type": "application/x-amz-json-1.0"},
    )
    assert (status, code_of(body)) == (400, "MissingAuthenticationTokenException")


def test_a_made_up_key_is_refused_and_the_local_key_is_named(endpoint):
    code, message = error_of(client(endpoint, "s3", "AKIAMADEUP0000000000").list_buckets)
    assert code == "InvalidAccessKeyId"
    assert message.startswith("The AWS Access Key Id you provided does not exist in our records.")
    assert "'testing'" in message
    code, message = error_of(client(endpoint, "dynamodb", "AKIAMADEUP0000000000").list_tables)
    assert code == "UnrecognizedClientException"
    assert message.startswith("The security token included in the request is invalid.")
    assert error_of(client(endpoint, "sts", "AKIAMADEUP0000000000").get_caller_identity)[0] == (
        "InvalidClientTokenId"
    )
    code, _ = error_of(client(endpoint, "cognito-identity", "AKIAMADEUP").list_identity_pools, MaxResults=5)
    assert code == "UnrecognizedClientException"


def test_a_garbage_authorization_header_is_refused(endpoint):
    for headers in ({"Authorization": "x"}, {"Authorization": "AWS4-HMAC-SHA256 x"}):
        status, body = send(endpoint.url + "/", headers=headers)
        assert status == 400, body
        status, body = send(
            endpoint.url + "/",
            "POST",
            b"{}",
            {
                **headers,
                "X-Amz-Target": "DynamoDB_20120810.ListTables",
                "Content-Type": "application/x-amz-json-1.0",
            },
        )
        assert (status, code_of(body)) == (400, "IncompleteSignatureException")


def test_the_right_key_id_with_a_wrong_secret_is_refused(endpoint):
    assert error_of(client(endpoint, "s3", secret="guess").list_buckets)[0] == "SignatureDoesNotMatch"
    code, message = error_of(client(endpoint, "dynamodb", secret="guess").list_tables)
    assert code == "InvalidSignatureException"
    assert message.startswith(
        "The request signature we calculated does not match the signature you provided."
    )
    assert error_of(client(endpoint, "iam", secret="guess").list_roles)[0] == "SignatureDoesNotMatch"


def test_a_read_only_links_key_and_token_cannot_sign_a_write(endpoint, blog):
    identity_id, credentials = member_credentials(endpoint, blog, "linker")
    reader = endpoint.with_credentials("s3", credentials)
    link = reader.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "comments/first.txt"})
    assert send(link)[0] == 200
    stolen = Credentials(credentials["AccessKeyId"], "made-up-secret", credentials["SessionToken"])
    url, headers = signed(
        f"{endpoint.url}/{BUCKET}/comments/{identity_id}/forged.txt", "PUT", "s3", stolen, b"forged"
    )
    status, body = send(url, "PUT", b"forged", headers)
    assert (status, code_of(body)) == (403, "SignatureDoesNotMatch")
    forger = sessions.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint.url,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key="made-up-secret",
        aws_session_token=credentials["SessionToken"],
    )
    key = f"comments/{identity_id}/forged.txt"
    assert error_of(forger.put_object, Bucket=BUCKET, Key=key, Body=b"x")[0] == "SignatureDoesNotMatch"
    assert error_of(endpoint.client("s3").head_object, Bucket=BUCKET, Key=key)[0] == "404"


def test_a_tampered_signed_request_is_refused(endpoint, blog):
    url, headers = signed(f"{endpoint.url}/{BUCKET}/comments/tamper.txt", "PUT", "s3", body=b"signed body")
    status, body = send(url, "PUT", b"other body!", headers)
    assert (status, code_of(body)) == (400, "XAmzContentSHA256Mismatch")
    status, body = send(url.replace("tamper.txt", "other.txt"), "PUT", b"signed body", headers)
    assert (status, code_of(body)) == (403, "SignatureDoesNotMatch")
    assert send(url, "PUT", b"signed body", headers)[0] == 200
    url, headers = signed(
        endpoint.url + "/",
        "POST",
        "dynamodb",
        body=b'{"TableName": "DoorProfiles"}',
        headers={
            "X-Amz-Target": "DynamoDB_20120810.DescribeTable",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    headers["X-Amz-Target"] = "DynamoDB_20120810.DeleteTable"
    status, body = send(url, "POST", b'{"TableName": "DoorProfiles"}', headers)
    assert (status, code_of(body)) == (400, "InvalidSignatureException")
    assert endpoint.client("dynamodb").describe_table(TableName=TABLE)


def test_a_replayed_expired_presigned_link_is_refused(endpoint, blog):
    s3 = client(endpoint, "s3", signature_version="s3v4")
    link = s3.generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": "comments/first.txt"}, ExpiresIn=60
    )
    assert send(link) == (200, b"hello")
    time.sleep(1.1)  # the clock change must come after the link's second (see Clock.local_time_of)
    clock.advance(120, endpoint.url)
    try:
        status, body = send(link)
        assert (status, code_of(body)) == (403, "AccessDenied")
        assert b"Request has expired" in body
        fresh = s3.generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": "comments/first.txt"}
        )
        assert send(fresh) == (200, b"hello")  # signed after the clock moved: as fresh as ever
    finally:
        clock.reset(endpoint.url)


def test_a_scope_naming_dynamodb_cannot_delete_an_s3_object(endpoint, blog):
    endpoint.client("s3").put_object(Bucket=BUCKET, Key="comments/victim.txt", Body=b"v")
    url, headers = signed(f"{endpoint.url}/{BUCKET}/comments/victim.txt", "DELETE", "dynamodb")
    status, body = send(url, "DELETE", headers=headers)
    assert (status, code_of(body)) == (400, "UnknownOperationException")
    _, credentials = member_credentials(endpoint, blog, "scope-trickster")
    member = Credentials(credentials["AccessKeyId"], credentials["SecretKey"], credentials["SessionToken"])
    url, headers = signed(f"{endpoint.url}/{BUCKET}/comments/victim.txt", "DELETE", "dynamodb", member)
    headers["X-Amz-Target"] = "DynamoDB_20120810.GetItem"
    status, body = send(url, "DELETE", headers=headers)
    assert status == 400 and code_of(body) in ("UnknownOperationException", "InvalidSignatureException")
    assert endpoint.client("s3").get_object(Bucket=BUCKET, Key="comments/victim.txt")["Body"].read() == b"v"


def test_sigv4a_and_presigned_style_queries_without_a_signature_are_refused(endpoint, blog):
    endpoint.client("s3").put_object(Bucket=BUCKET, Key="comments/keep.txt", Body=b"k")
    sigv4a = (
        "AWS4-ECDSA-P256-SHA256 Credential=testing/20261129/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045"
    )
    status, body = send(
        f"{endpoint.url}/{BUCKET}/comments/keep.txt",
        "DELETE",
        headers={"Authorization": sigv4a, "X-Amz-Region-Set": "*", "X-Amz-Date": "20261129T000000Z"},
    )
    assert (status, code_of(body)) == (400, "InvalidRequest")
    for query in (
        "X-Amz-Credential=testing%2F20261129%2Fus-east-1%2Fdynamodb%2Faws4_request",
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=testing%2F20261129%2Fus-east-1%2Fs3%2Faws4_request",
        "X-Amz-Security-Token=abc",
    ):
        status, body = send(f"{endpoint.url}/{BUCKET}/comments/keep.txt?{query}", "DELETE")
        assert status == 400, (query, body)
    url, headers = signed(
        f"{endpoint.url}/{BUCKET}/comments/keep.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256", "DELETE", "s3"
    )
    status, body = send(url, "DELETE", headers=headers)
    assert (status, code_of(body)) == (400, "InvalidArgument")  # two auth mechanisms
    assert endpoint.client("s3").get_object(Bucket=BUCKET, Key="comments/keep.txt")["Body"].read() == b"k"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_cognito_identity_answers_only_post(endpoint, pool, method):
    body = json.dumps({"IdentityPoolId": pool}).encode()
    headers = {
        "X-Amz-Target": "AWSCognitoIdentityService.GetId",
        "Content-Type": "application/x-amz-json-1.1",
    }
    status, answer = send(endpoint.url + "/", method, body if method != "GET" else b"", headers)
    assert (status, code_of(answer)) == (400, "UnknownOperationException")
    url, signed_headers = signed(endpoint.url + "/", method, "cognito-identity", body=body, headers=headers)
    status, answer = send(url, method, body, signed_headers)
    assert (status, code_of(answer)) == (400, "UnknownOperationException")


def test_a_policy_change_signed_for_IAM_in_capitals_is_refused(endpoint, blog):
    body = (
        b"Action=DeleteRolePolicy&Version=2010-05-08&RoleName=door-member&PolicyName=door-member-permissions"
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    url, signed_headers = signed(
        endpoint.url + "/", "POST", "iam", body=body, headers=headers, scope_service="IAM"
    )
    status, answer = send(url, "POST", body, signed_headers)
    assert (status, code_of(answer)) == (403, "SignatureDoesNotMatch")
    assert b"Credential should be scoped to correct service: &apos;iam&apos;" in answer or b"'iam'" in answer
    assert endpoint.client("iam").list_role_policies(RoleName="door-member")["PolicyNames"] == [
        "door-member-permissions"
    ]


def test_a_revoked_permission_stops_working_at_once(endpoint, blog):
    identity_id, credentials = member_credentials(endpoint, blog, "revoked")
    table = endpoint.with_credentials("dynamodb", credentials)
    table.put_item(TableName=TABLE, Item={"userId": {"S": identity_id}})
    iam = endpoint.client("iam")
    names = iam.list_role_policies(RoleName="door-member")["PolicyNames"]
    saved = {n: iam.get_role_policy(RoleName="door-member", PolicyName=n)["PolicyDocument"] for n in names}
    try:
        for name in names:
            iam.delete_role_policy(RoleName="door-member", PolicyName=name)
        assert denied(table.put_item, TableName=TABLE, Item={"userId": {"S": identity_id}})[0] == (
            "AccessDeniedException"
        )
    finally:
        for name, document in saved.items():
            iam.put_role_policy(RoleName="door-member", PolicyName=name, PolicyDocument=json.dumps(document))
    table.put_item(TableName=TABLE, Item={"userId": {"S": identity_id}})


def test_a_recreated_table_with_another_partition_key_is_authorized_by_its_new_key(endpoint, blog):
    identity_id, credentials = member_credentials(endpoint, blog, "partitioned")
    table = endpoint.with_credentials("dynamodb", credentials)
    table.put_item(TableName=TABLE, Item={"userId": {"S": identity_id}})  # caches the key schema
    admin = endpoint.client("dynamodb")
    admin.delete_table(TableName=TABLE)
    admin.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "owner", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "owner", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        item = {"owner": {"S": "us-east-1:someone-else"}, "userId": {"S": identity_id}}
        assert denied(table.put_item, TableName=TABLE, Item=item)[0] == "AccessDeniedException"
        table.put_item(TableName=TABLE, Item={"owner": {"S": identity_id}})
    finally:
        admin.delete_table(TableName=TABLE)
        admin.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )


def test_guests_and_members_do_exactly_what_their_roles_allow_over_raw_http(endpoint, blog):
    _, guest = guest_credentials(endpoint, blog)
    as_guest = Credentials(guest["AccessKeyId"], guest["SecretKey"], guest["SessionToken"])
    url, headers = signed(f"{endpoint.url}/{BUCKET}/comments/first.txt", "GET", "s3", as_guest)
    assert send(url, headers=headers) == (200, b"hello")
    url, headers = signed(f"{endpoint.url}/{BUCKET}/comments/x.txt", "PUT", "s3", as_guest, b"no")
    status, body = send(url, "PUT", b"no", headers)
    assert (status, code_of(body)) == (403, "AccessDenied")
    identity_id, member = member_credentials(endpoint, blog, "raw-writer")
    as_member = Credentials(member["AccessKeyId"], member["SecretKey"], member["SessionToken"])
    url, headers = signed(
        f"{endpoint.url}/{BUCKET}/comments/{identity_id}/ok.txt", "PUT", "s3", as_member, b"ok"
    )
    assert send(url, "PUT", b"ok", headers)[0] == 200
    url, headers = signed(
        f"{endpoint.url}/{BUCKET}/comments/{identity_id}0/no.txt", "PUT", "s3", as_member, b"no"
    )
    assert send(url, "PUT", b"no", headers)[0] == 403
    url, headers = signed(f"{endpoint.url}/{BUCKET}/comments/first.txt", "DELETE", "s3", as_member)
    assert send(url, "DELETE", headers=headers)[0] == 403


def test_anonymous_s3_reads_need_a_bucket_policy_for_everyone(endpoint):
    admin = endpoint.client("s3")
    admin.create_bucket(Bucket="public-pages")
    admin.put_object(Bucket="public-pages", Key="index.html", Body=b"<p>hi</p>")
    admin.put_object(Bucket="public-pages", Key="private/notes.txt", Body=b"secret")
    anonymous = endpoint.unsigned("s3")
    assert error_of(anonymous.get_object, Bucket="public-pages", Key="index.html")[0] == "AccessDenied"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::public-pages/*",
            },
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::public-pages/private/*",
            },
        ],
    }
    admin.put_bucket_policy(Bucket="public-pages", Policy=json.dumps(policy))
    assert anonymous.get_object(Bucket="public-pages", Key="index.html")["Body"].read() == b"<p>hi</p>"
    assert error_of(anonymous.get_object, Bucket="public-pages", Key="private/notes.txt")[0] == "AccessDenied"
    assert (
        error_of(anonymous.put_object, Bucket="public-pages", Key="index.html", Body=b"x")[0]
        == "AccessDenied"
    )
    assert error_of(anonymous.list_objects_v2, Bucket="public-pages")[0] == "AccessDenied"
    admin.delete_bucket_policy(Bucket="public-pages")
    assert error_of(anonymous.get_object, Bucket="public-pages", Key="index.html")[0] == "AccessDenied"


def test_json_and_query_wire_rules(endpoint):
    json_headers = {"Content-Type": "application/x-amz-json-1.0"}
    for target in ("DynamoDB_20120810", "DynamoDB_20120810.NoSuchThing", "NoSuchService.ListTables"):
        url, headers = signed(
            endpoint.url + "/",
            "POST",
            "dynamodb",
            body=b"{}",
            headers={**json_headers, "X-Amz-Target": target},
        )
        status, body = send(url, "POST", b"{}", headers)
        assert (status, code_of(body)) == (400, "UnknownOperationException"), target
    for payload in (b"\xff\xfe{}", b"[" * 100000 + b"]" * 100000, b"{" + b'"a":{' * 200 + b"}" * 201):
        url, headers = signed(
            endpoint.url + "/",
            "POST",
            "dynamodb",
            body=payload,
            headers={**json_headers, "X-Amz-Target": "DynamoDB_20120810.ListTables"},
        )
        status, body = send(url, "POST", payload, headers)
        assert (status, code_of(body)) == (400, "SerializationException")
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    url, headers = signed(
        endpoint.url + "/", "POST", "sts", body=b"Action=NoSuchAction&Version=2011-06-15", headers=form
    )
    status, body = send(url, "POST", b"Action=NoSuchAction&Version=2011-06-15", headers)
    assert (status, code_of(body)) == (400, "InvalidAction")


def test_an_administrator_token_is_refused(endpoint):
    s3 = sessions.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        aws_session_token="not-for-long-term-keys",
    )
    assert error_of(s3.list_buckets)[0] == "InvalidToken"


def test_the_status_endpoint_prints_the_routing_table(endpoint):
    status = json.loads(send(endpoint.url + "/_local_aws/status")[1])
    routes = {
        (route["service"], tuple(route["operations"]) if route["operations"] != "*" else "*"): route
        for route in status["routes"]
    }
    assert routes[("cognito-identity", "*")] == {
        "service": "cognito-identity",
        "operations": "*",
        "layers": ["CognitoIdentityLayer"],
        "moto": False,
        "observers": [],
    }
    assert routes[("sts", ("AssumeRoleWithWebIdentity",))]["moto"] is False


def test_unsigned_streaming_and_signed_chunks(endpoint):
    """S3's chunked upload: every chunk's signature checked; a forged chunk refused, nothing stored."""
    import hashlib

    from helpers.local_aws.wire import sigv4

    endpoint.client("s3").create_bucket(Bucket="chunks")
    data = [b"a" * 8192, b"tail"]

    def upload(key: str, secret_for_chunks: str) -> tuple[int, bytes]:
        amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        host = endpoint.url.split("//", 1)[1]
        claims_headers = {
            "Host": host,
            "X-Amz-Date": amz_date,
            "X-Amz-Content-Sha256": sigv4.STREAMING_PAYLOAD,
            "X-Amz-Decoded-Content-Length": str(sum(map(len, data))),
            "Content-Encoding": "aws-chunked",
            "Content-Type": "text/plain",  # urllib would otherwise send a form content type
        }
        request = AWSRequest("PUT", f"{endpoint.url}/chunks/{key}", headers=claims_headers)

        class StreamingAuth(S3SigV4Auth):  # botocore's S3 signer, declaring the streaming payload
            def payload(self, request: Any) -> str:
                return sigv4.STREAMING_PAYLOAD

        StreamingAuth(ADMIN, "s3", "us-east-1").add_auth(request)
        headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
        seed = headers["Authorization"].rsplit("Signature=", 1)[1]
        scope = f"{amz_date[:8]}/us-east-1/s3/aws4_request"
        chunk_key = sigv4.signing_key(secret_for_chunks, amz_date[:8], "us-east-1", "s3")
        previous, body = seed, b""
        for chunk in [*data, b""]:
            text = "\n".join(
                [
                    "AWS4-HMAC-SHA256-PAYLOAD",
                    amz_date,
                    scope,
                    previous,
                    sigv4.EMPTY_SHA256,
                    hashlib.sha256(chunk).hexdigest(),
                ]
            )
            previous = sigv4.sign(chunk_key, text)
            body += f"{len(chunk):x};chunk-signature={previous}\r\n".encode() + chunk + b"\r\n"
        headers["Content-Length"] = str(len(body))
        return send(f"{endpoint.url}/chunks/{key}", "PUT", body, headers)

    assert upload("good.txt", "testing")[0] == 200
    assert endpoint.client("s3").get_object(Bucket="chunks", Key="good.txt")["Body"].read() == b"".join(data)
    status, body = upload("forged.txt", "not-the-secret")
    assert (status, code_of(body)) == (403, "SignatureDoesNotMatch")
    assert error_of(endpoint.client("s3").head_object, Bucket="chunks", Key="forged.txt")[0] == "404"


def test_the_trust_policy_guard_cannot_be_skipped_with_an_upper_case_scope(endpoint):
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ],
    }
    body = urllib.parse.urlencode(
        {
            "Action": "CreateRole",
            "Version": "2010-05-08",
            "RoleName": "any-pool-may-assume",
            "AssumeRolePolicyDocument": json.dumps(document),
        }
    ).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    for scope, expected in (("IAM", "SignatureDoesNotMatch"), ("iam", "MalformedPolicyDocument")):
        url, signed_headers = signed(
            endpoint.url + "/", "POST", "iam", body=body, headers=headers, scope_service=scope
        )
        status, answer = send(url, "POST", body, signed_headers)
        assert code_of(answer) == expected, scope
    assert error_of(endpoint.client("iam").get_role, RoleName="any-pool-may-assume")[0] == "NoSuchEntity"


def test_the_administrator_key_pair_is_configurable():
    from helpers.local_aws import LocalAWS, make_app
    from helpers.local_aws.wire.authentication import AdministratorKeys

    with LocalAWS(app=make_app(AdministratorKeys("LOCALADMIN", "local-secret"))) as aws:

        def sts(key: str, secret: str) -> Any:
            return sessions.client(
                "sts",
                region_name="us-east-1",
                endpoint_url=aws.url,
                aws_access_key_id=key,
                aws_secret_access_key=secret,
            )

        assert sts("LOCALADMIN", "local-secret").get_caller_identity()["Account"] == "123456789012"
        code, message = error_of(sts("testing", "testing").get_caller_identity)
        assert code == "InvalidClientTokenId" and "'LOCALADMIN'" in message


def test_a_user_pools_public_keys_are_served_unsigned_and_nothing_else_there(endpoint):
    pool_id = endpoint.client("cognito-idp").create_user_pool(PoolName="front-door-keys")["UserPool"]["Id"]
    status, body = send(f"{endpoint.url}/{pool_id}/.well-known/jwks.json")
    assert status == 200 and json.loads(body)["keys"]
    status, body = send(f"{endpoint.url}/{pool_id}/.well-known/jwks.json", "POST", b"{}")
    assert status in (400, 403)


def test_presigned_sts_calls_verify_with_the_method_they_were_signed_for(endpoint):
    sts = client(endpoint, "sts")
    status, body = send(sts.generate_presigned_url("get_caller_identity", HttpMethod="GET"))
    assert status == 200 and b"<Account>123456789012</Account>" in body
    # botocore signs a query operation's presigned URL for POST unless told otherwise; AWS would not
    # accept that signature for a GET either.
    status, body = send(sts.generate_presigned_url("get_caller_identity"))
    assert (status, code_of(body)) == (403, "SignatureDoesNotMatch")


def test_browser_post_uploads_are_verified(endpoint):
    admin = client(endpoint, "s3", signature_version="s3v4")
    admin.create_bucket(Bucket="post-uploads")
    post = admin.generate_presigned_post("post-uploads", "uploads/${filename}", ExpiresIn=60)

    def upload(fields: dict[str, str]) -> tuple[int, bytes]:
        boundary = "----front-door"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
            "Content-Type: text/plain\r\n\r\nuploaded\r\n".encode()
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return send(post["url"], "POST", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    forged = {**post["fields"], "x-amz-signature": "0" * 64}
    status, body = upload(forged)
    assert (status, code_of(body)) == (403, "SignatureDoesNotMatch")
    assert upload(post["fields"])[0] in (200, 204)
    assert admin.get_object(Bucket="post-uploads", Key="uploads/a.txt")["Body"].read() == b"uploaded"


def test_made_up_keys_and_wrong_secrets_over_raw_http(endpoint, blog):
    made_up = Credentials("AKIAMADEUP0000000000", "whatever")
    wrong_secret = Credentials("testing", "not-testing")
    for credentials, s3_code, json_code in (
        (made_up, "InvalidAccessKeyId", "UnrecognizedClientException"),
        (wrong_secret, "SignatureDoesNotMatch", "InvalidSignatureException"),
    ):
        url, headers = signed(f"{endpoint.url}/{BUCKET}/comments/first.txt", "DELETE", "s3", credentials)
        status, body = send(url, "DELETE", headers=headers)
        assert (status, code_of(body)) == (403, s3_code)
        payload = json.dumps({"TableName": TABLE}).encode()
        target = {
            "X-Amz-Target": "DynamoDB_20120810.DeleteTable",
            "Content-Type": "application/x-amz-json-1.0",
        }
        url, headers = signed(endpoint.url + "/", "POST", "dynamodb", credentials, payload, target)
        status, body = send(url, "POST", payload, headers)
        assert (status, code_of(body)) == (400, json_code)
    assert endpoint.client("s3").get_object(Bucket=BUCKET, Key="comments/first.txt")
    assert endpoint.client("dynamodb").describe_table(TableName=TABLE)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Amz-Date": "20261399T999999Z"},
        {"X-Amz-Date": "yesterday"},
        {"X-Amz-Date": "20261129T000000Z", "X-Amz-Content-Sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
    ],
)
def test_malformed_signing_material_is_answered_4xx(endpoint, headers):
    authorization = (
        "AWS4-HMAC-SHA256 Credential=testing/20261129/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
    )
    status, body = send(
        f"{endpoint.url}/{BUCKET}/x",
        "PUT",
        b"5;chunk-signature=zz\r\n",
        {"Authorization": authorization, **headers},
    )
    assert 400 <= status < 500, body
    for query in (
        "AWSAccessKeyId=testing&Signature=x&Expires=99999999999999999999",
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb&X-Amz-Date=x&X-Amz-Expires=-1",
    ):
        status, body = send(f"{endpoint.url}/{BUCKET}/x?{query}")
        assert 400 <= status < 500, (query, body)

"""The authorization mapping, fed with real requests that botocore builds and signs.

Each request is captured just before botocore would send it (``before-send``), turned into a WSGI environ
as the local AWS's server would see it, and mapped. Denials are parsed back with botocore's own parsers,
and sent through a client, to prove boto3 raises ``ClientError`` with AWS's code and message.
"""

from __future__ import annotations

import io
import json
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import botocore.parsers
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError
from werkzeug.test import EnvironBuilder

from helpers.local_aws.authorization import (
    AuthorizationRequest,
    MappedOperation,
    access_denied_message,
    dynamodb_access_denied,
    dynamodb_expired_token,
    dynamodb_unrecognized_client,
    extract_signing,
    json_access_denied,
    map_dynamodb_request,
    map_s3_request,
    s3_access_denied,
    s3_access_denied_plain,
    s3_expired_token,
    s3_invalid_token,
    s3_location,
)
from helpers.local_aws.authorization.s3 import SUBRESOURCES, virtual_host_bucket
from tests.support import sessions

ENDPOINT = "http://127.0.0.1:4566"
ACCESS_KEY_ID = "ASIAISSUEDTOIDENTITY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+/="
ACCOUNT_ID = "123456789012"
CALLER = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/Cognito_PhotosAuth_Role/CognitoIdentityCredentials"
IDENTITY_KEY = "us-east-1:1234abcd-12ab-34cd-56ef-1234567890ab/photo.jpg"


class _Captured(Exception):
    def __init__(self, request: AWSPreparedRequest) -> None:
        self.request = request


def _client(service: str, **config: Any) -> Any:
    return sessions.client(
        service,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key="secret",
        aws_session_token=SESSION_TOKEN,
        region_name="us-east-1",
        endpoint_url=ENDPOINT,
        config=Config(**config) if config else None,
    )


def _capture(client: Any, operation: str, **params: Any) -> AWSPreparedRequest:
    """The signed request botocore would send for ``client.<operation>(**params)``."""

    def stop(request: AWSPreparedRequest, **_: Any) -> None:
        raise _Captured(request)

    handler_id = client.meta.events.register("before-send", stop)
    try:
        getattr(client, operation)(**params)
    except _Captured as captured:
        return captured.request
    finally:
        client.meta.events.unregister("before-send", stop, unique_id=handler_id)
    raise AssertionError("the request was not captured")


def _environ(
    method: str, url: str, headers: dict[str, Any] | None = None, body: bytes = b""
) -> dict[str, Any]:
    """The WSGI environ werkzeug's server builds: the raw path kept in RAW_URI, PATH_INFO decoded."""
    parts = urlsplit(url)
    plain_headers = {
        name: value.decode() if isinstance(value, bytes) else value for name, value in (headers or {}).items()
    }
    plain_headers.setdefault("Host", parts.netloc)
    environ = EnvironBuilder(
        path=parts.path or "/",
        base_url=f"{parts.scheme}://{parts.netloc}",
        query_string=parts.query,
        method=method,
        headers=plain_headers,
        data=body,
    ).get_environ()
    environ["RAW_URI"] = environ["REQUEST_URI"] = parts.path + (f"?{parts.query}" if parts.query else "")
    environ["REMOTE_ADDR"] = "127.0.0.1"
    return environ


def _request_environ(request: AWSPreparedRequest) -> tuple[dict[str, Any], bytes]:
    body = request.body or b""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    return _environ(request.method, request.url, dict(request.headers), body), body


def _map_s3(operation: str, **params: Any) -> MappedOperation:
    environ, body = _request_environ(_capture(_client("s3"), operation, **params))
    return map_s3_request(environ, body)


def _checks(mapped: MappedOperation) -> list[tuple[str, list[str]]]:
    return [(r.action, r.resources) for r in mapped.requests]


# --- signing -------------------------------------------------------------------------------------------


def test_sigv4_authorization_header_gives_key_scope_and_token() -> None:
    environ, _ = _request_environ(_capture(_client("s3"), "list_buckets"))
    signing = extract_signing(environ)
    assert signing is not None
    assert (signing.mechanism, signing.access_key_id, signing.service, signing.region) == (
        "sigv4-header",
        ACCESS_KEY_ID,
        "s3",
        "us-east-1",
    )
    assert signing.security_token == SESSION_TOKEN
    assert signing.signed_at is not None and not signing.malformed and not signing.conflicting


def test_sigv4_presigned_url() -> None:
    client = _client("s3", signature_version="s3v4")
    url = client.generate_presigned_url("get_object", Params={"Bucket": "photos", "Key": IDENTITY_KEY})
    signing = extract_signing(_environ("GET", url))
    assert signing is not None
    assert (signing.mechanism, signing.access_key_id, signing.service, signing.region) == (
        "sigv4-query",
        ACCESS_KEY_ID,
        "s3",
        "us-east-1",
    )
    assert signing.security_token == SESSION_TOKEN
    assert signing.expires == "3600"


def test_default_presigned_url() -> None:
    url = _client("s3").generate_presigned_url("get_object", Params={"Bucket": "photos", "Key": IDENTITY_KEY})
    signing = extract_signing(_environ("GET", url))
    assert signing is not None
    # botocore's default for S3 presigning (no signature_version configured) is SigV2 query authentication.
    assert signing.mechanism == "sigv2-query"
    assert (signing.access_key_id, signing.service, signing.security_token) == (
        ACCESS_KEY_ID,
        "s3",
        SESSION_TOKEN,
    )


def test_sigv2_authorization_header() -> None:
    environ = _environ(
        "GET",
        f"{ENDPOINT}/photos/a",
        {"Authorization": "AWS AKIDV2:c2lnbmF0dXJl", "x-amz-security-token": "t"},
    )
    signing = extract_signing(environ)
    assert signing is not None
    assert (signing.mechanism, signing.access_key_id, signing.service, signing.security_token) == (
        "sigv2-header",
        "AKIDV2",
        "s3",
        "t",
    )


def test_dynamodb_request_scope() -> None:
    request = _capture(_client("dynamodb"), "list_tables")
    signing = extract_signing(_request_environ(request)[0])
    assert signing is not None
    assert (signing.access_key_id, signing.service, signing.region) == (
        ACCESS_KEY_ID,
        "dynamodb",
        "us-east-1",
    )


def test_unsigned_request_is_none() -> None:
    assert extract_signing(_environ("GET", f"{ENDPOINT}/photos/a")) is None


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1, Signature=x"}, ""),
        ({"Authorization": "Bearer something"}, ""),
        ({"X-Amz-Security-Token": "token-without-signature"}, ""),
        ({}, "X-Amz-Signature=abc"),
        ({}, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=garbled"),
    ],
)
def test_unreadable_authentication_is_malformed_not_unsigned(headers: dict[str, str], query: str) -> None:
    signing = extract_signing(_environ("GET", f"{ENDPOINT}/photos/a?{query}", headers))
    assert signing is not None and signing.malformed and signing.access_key_id is None


def test_two_mechanisms_are_conflicting() -> None:
    url = _client("s3", signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": "b", "Key": "k"}
    )
    environ = _environ(
        "GET", url, {"Authorization": "AWS4-HMAC-SHA256 Credential=OTHER/20261126/us-east-1/s3/aws4_request"}
    )
    signing = extract_signing(environ)
    assert signing is not None and signing.conflicting and signing.access_key_id == "OTHER"


def test_browser_post_upload_fields() -> None:
    post = _client("s3", signature_version="s3v4").generate_presigned_post("photos", "uploads/${filename}")
    fields = {**post["fields"], "key": "uploads/${filename}"}
    builder = EnvironBuilder(
        path="/photos",
        base_url=ENDPOINT,
        method="POST",
        data={**fields, "file": (io.BytesIO(b"x"), "a.txt")},
    )
    environ = builder.get_environ()
    body = environ["wsgi.input"].read()
    signing = extract_signing(environ, body)
    assert signing is not None
    assert (signing.mechanism, signing.access_key_id, signing.security_token) == (
        "post-form",
        ACCESS_KEY_ID,
        SESSION_TOKEN,
    )
    assert map_s3_request(environ, body).unmapped_reason == "browser-based POST uploads are not supported"


# --- S3 operations -------------------------------------------------------------------------------------

BUCKET_ARN = "arn:aws:s3:::photos"
OBJECT_ARN = f"arn:aws:s3:::photos/{IDENTITY_KEY}"


@pytest.mark.parametrize(
    ("operation", "params", "expected_operation", "expected"),
    [
        ("list_buckets", {}, "ListBuckets", [("s3:ListAllMyBuckets", ["*"])]),
        ("create_bucket", {"Bucket": "photos"}, "CreateBucket", [("s3:CreateBucket", [BUCKET_ARN])]),
        ("delete_bucket", {"Bucket": "photos"}, "DeleteBucket", [("s3:DeleteBucket", [BUCKET_ARN])]),
        ("head_bucket", {"Bucket": "photos"}, "HeadBucket", [("s3:ListBucket", [BUCKET_ARN])]),
        ("list_objects", {"Bucket": "photos"}, "ListObjects", [("s3:ListBucket", [BUCKET_ARN])]),
        ("list_objects_v2", {"Bucket": "photos"}, "ListObjectsV2", [("s3:ListBucket", [BUCKET_ARN])]),
        (
            "get_bucket_location",
            {"Bucket": "photos"},
            "GetBucketLocation",
            [("s3:GetBucketLocation", [BUCKET_ARN])],
        ),
        (
            "get_bucket_policy",
            {"Bucket": "photos"},
            "GetBucketPolicy",
            [("s3:GetBucketPolicy", [BUCKET_ARN])],
        ),
        (
            "put_bucket_policy",
            {"Bucket": "photos", "Policy": "{}"},
            "PutBucketPolicy",
            [("s3:PutBucketPolicy", [BUCKET_ARN])],
        ),
        (
            "delete_bucket_policy",
            {"Bucket": "photos"},
            "DeleteBucketPolicy",
            [("s3:DeleteBucketPolicy", [BUCKET_ARN])],
        ),
        (
            "delete_bucket_cors",
            {"Bucket": "photos"},
            "DeleteBucketCors",
            [("s3:PutBucketCORS", [BUCKET_ARN])],
        ),
        (
            "list_multipart_uploads",
            {"Bucket": "photos"},
            "ListMultipartUploads",
            [("s3:ListBucketMultipartUploads", [BUCKET_ARN])],
        ),
        (
            "list_object_versions",
            {"Bucket": "photos"},
            "ListObjectVersions",
            [("s3:ListBucketVersions", [BUCKET_ARN])],
        ),
        (
            "get_object",
            {"Bucket": "photos", "Key": IDENTITY_KEY},
            "GetObject",
            [("s3:GetObject", [OBJECT_ARN])],
        ),
        (
            "get_object",
            {"Bucket": "photos", "Key": IDENTITY_KEY, "VersionId": "v1"},
            "GetObject",
            [("s3:GetObjectVersion", [OBJECT_ARN])],
        ),
        (
            "head_object",
            {"Bucket": "photos", "Key": IDENTITY_KEY},
            "HeadObject",
            [("s3:GetObject", [OBJECT_ARN])],
        ),
        (
            "put_object",
            {"Bucket": "photos", "Key": IDENTITY_KEY, "Body": b"jpeg"},
            "PutObject",
            [("s3:PutObject", [OBJECT_ARN])],
        ),
        (
            "delete_object",
            {"Bucket": "photos", "Key": IDENTITY_KEY},
            "DeleteObject",
            [("s3:DeleteObject", [OBJECT_ARN])],
        ),
        (
            "delete_object",
            {"Bucket": "photos", "Key": IDENTITY_KEY, "VersionId": "v1"},
            "DeleteObject",
            [("s3:DeleteObjectVersion", [OBJECT_ARN])],
        ),
        (
            "get_object_tagging",
            {"Bucket": "photos", "Key": IDENTITY_KEY},
            "GetObjectTagging",
            [("s3:GetObjectTagging", [OBJECT_ARN])],
        ),
        (
            "delete_object_tagging",
            {"Bucket": "photos", "Key": IDENTITY_KEY},
            "DeleteObjectTagging",
            [("s3:DeleteObjectTagging", [OBJECT_ARN])],
        ),
        (
            "get_object_acl",
            {"Bucket": "photos", "Key": IDENTITY_KEY},
            "GetObjectAcl",
            [("s3:GetObjectAcl", [OBJECT_ARN])],
        ),
        (
            "get_object_attributes",
            {"Bucket": "photos", "Key": IDENTITY_KEY, "ObjectAttributes": ["ETag"]},
            "GetObjectAttributes",
            [("s3:GetObject", [OBJECT_ARN]), ("s3:GetObjectAttributes", [OBJECT_ARN])],
        ),
        (
            "create_multipart_upload",
            {"Bucket": "photos", "Key": IDENTITY_KEY},
            "CreateMultipartUpload",
            [("s3:PutObject", [OBJECT_ARN])],
        ),
        (
            "upload_part",
            {"Bucket": "photos", "Key": IDENTITY_KEY, "UploadId": "u1", "PartNumber": 1, "Body": b"x"},
            "UploadPart",
            [("s3:PutObject", [OBJECT_ARN])],
        ),
        (
            "complete_multipart_upload",
            {
                "Bucket": "photos",
                "Key": IDENTITY_KEY,
                "UploadId": "u1",
                "MultipartUpload": {"Parts": [{"ETag": '"e"', "PartNumber": 1}]},
            },
            "CompleteMultipartUpload",
            [("s3:PutObject", [OBJECT_ARN])],
        ),
        (
            "abort_multipart_upload",
            {"Bucket": "photos", "Key": IDENTITY_KEY, "UploadId": "u1"},
            "AbortMultipartUpload",
            [("s3:AbortMultipartUpload", [OBJECT_ARN])],
        ),
        (
            "list_parts",
            {"Bucket": "photos", "Key": IDENTITY_KEY, "UploadId": "u1"},
            "ListParts",
            [("s3:ListMultipartUploadParts", [OBJECT_ARN])],
        ),
    ],
)
def test_s3_operation_mapping(
    operation: str, params: dict[str, Any], expected_operation: str, expected: list[tuple[str, list[str]]]
) -> None:
    mapped = _map_s3(operation, **params)
    assert mapped.is_mapped, mapped.unmapped_reason
    assert mapped.operation == expected_operation
    assert _checks(mapped) == expected
    assert all(r.service == "s3" and isinstance(r, AuthorizationRequest) for r in mapped.requests)


def test_list_objects_condition_keys() -> None:
    mapped = _map_s3(
        "list_objects_v2", Bucket="photos", Prefix="us-east-1:1234abcd/", Delimiter="/", MaxKeys=10
    )
    context = mapped.requests[0].context
    assert context["s3:prefix"] == "us-east-1:1234abcd/"
    assert context["s3:delimiter"] == "/"
    assert context["s3:max-keys"] == "10"
    assert context["s3:authType"] == "REST-HEADER"
    assert context["s3:signatureversion"] == "AWS4-HMAC-SHA256"
    assert context["aws:SecureTransport"] == "false"
    assert context["aws:RequestedRegion"] == "us-east-1"


def test_list_without_prefix_has_no_prefix_key() -> None:
    assert "s3:prefix" not in _map_s3("list_objects_v2", Bucket="photos").requests[0].context


def test_copy_object_needs_put_on_destination_and_get_on_source() -> None:
    source_key = "us-east-1:abcd/a b+c.jpg"
    mapped = _map_s3(
        "copy_object", Bucket="photos", Key=IDENTITY_KEY, CopySource={"Bucket": "src", "Key": source_key}
    )
    assert mapped.operation == "CopyObject"
    assert _checks(mapped) == [
        ("s3:PutObject", [OBJECT_ARN]),
        ("s3:GetObject", [f"arn:aws:s3:::src/{source_key}"]),
    ]
    assert mapped.requests[0].context["s3:x-amz-copy-source"] == f"src/{source_key}"
    assert not mapped.independent


def test_copy_of_a_version_needs_get_object_version() -> None:
    mapped = _map_s3(
        "copy_object", Bucket="photos", Key="k", CopySource={"Bucket": "src", "Key": "a", "VersionId": "v9"}
    )
    assert mapped.requests[1].action == "s3:GetObjectVersion"
    assert mapped.requests[1].context["s3:versionid"] == "v9"


def test_upload_part_copy() -> None:
    mapped = _map_s3(
        "upload_part_copy", Bucket="photos", Key="k", UploadId="u", PartNumber=2, CopySource="src/a b"
    )
    assert mapped.operation == "UploadPartCopy"
    assert _checks(mapped) == [
        ("s3:PutObject", ["arn:aws:s3:::photos/k"]),
        ("s3:GetObject", ["arn:aws:s3:::src/a b"]),
    ]


def test_delete_objects_authorizes_each_key() -> None:
    mapped = _map_s3(
        "delete_objects",
        Bucket="photos",
        Delete={"Objects": [{"Key": IDENTITY_KEY}, {"Key": "a & <b>.txt", "VersionId": "v2"}], "Quiet": True},
    )
    assert mapped.operation == "DeleteObjects" and mapped.independent
    assert _checks(mapped) == [
        ("s3:DeleteObject", [OBJECT_ARN]),
        ("s3:DeleteObjectVersion", ["arn:aws:s3:::photos/a & <b>.txt"]),
    ]
    assert mapped.requests[1].context["s3:versionid"] == "v2"


def test_put_object_tagging_condition_keys() -> None:
    mapped = _map_s3(
        "put_object_tagging",
        Bucket="photos",
        Key=IDENTITY_KEY,
        Tagging={"TagSet": [{"Key": "owner", "Value": "me"}, {"Key": "kind", "Value": "photo"}]},
    )
    assert _checks(mapped) == [("s3:PutObjectTagging", [OBJECT_ARN])]
    context = mapped.requests[0].context
    assert context["s3:RequestObjectTagKeys"] == ["owner", "kind"]
    assert context["s3:RequestObjectTag/owner"] == "me"


def test_put_object_header_condition_keys() -> None:
    mapped = _map_s3(
        "put_object",
        Bucket="photos",
        Key="k",
        Body=b"x",
        ACL="public-read",
        Tagging="a=1&b=two",
        ServerSideEncryption="AES256",
        StorageClass="STANDARD_IA",
    )
    context = mapped.requests[0].context
    assert context["s3:x-amz-acl"] == "public-read"
    assert context["s3:x-amz-server-side-encryption"] == "AES256"
    assert context["s3:x-amz-storage-class"] == "STANDARD_IA"
    assert context["s3:RequestObjectTagKeys"] == ["a", "b"]
    assert context["s3:RequestObjectTag/b"] == "two"


def test_create_bucket_location_constraint() -> None:
    mapped = _map_s3(
        "create_bucket", Bucket="photos", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    assert mapped.requests[0].context["s3:LocationConstraint"] == "eu-west-1"


@pytest.mark.parametrize(
    "key",
    [
        IDENTITY_KEY,
        "us-east-1:1234abcd/my photo (1).jpg",
        "us-east-1:1234abcd/a+b=c@d,e;f&g$h!.txt",
        "us-east-1:1234abcd/100%25 real %41.txt",
        "us-east-1:1234abcd/été/日本語 ✓.txt",
        "a//double/slash/",
        "tilde~and?question#hash",
    ],
)
def test_keys_are_decoded_exactly_once(key: str) -> None:
    mapped = _map_s3("get_object", Bucket="photos", Key=key)
    assert _checks(mapped) == [("s3:GetObject", [f"arn:aws:s3:::photos/{key}"])]
    url = _client("s3", signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": "photos", "Key": key}
    )
    assert s3_location(_environ("GET", url)) == ("photos", key)


@pytest.mark.parametrize("config", [{"signature_version": "s3v4"}, {}])
def test_presigned_get_object(config: dict[str, str]) -> None:
    url = _client("s3", **config).generate_presigned_url(
        "get_object", Params={"Bucket": "photos", "Key": IDENTITY_KEY}
    )
    mapped = map_s3_request(_environ("GET", url))
    assert mapped.operation == "GetObject"
    assert _checks(mapped) == [("s3:GetObject", [OBJECT_ARN])]
    assert mapped.requests[0].context["s3:authType"] == "REST-QUERY-STRING"


@pytest.mark.parametrize(
    ("host", "path", "expected"),
    [
        ("photos.s3.amazonaws.com", f"/{IDENTITY_KEY}", ("photos", IDENTITY_KEY)),
        ("photos.s3.us-east-1.amazonaws.com", "/", ("photos", None)),
        ("photos.localhost:4566", "/a%20b", ("photos", "a b")),
        ("s3.us-east-1.amazonaws.com", "/photos/a%3Ab", ("photos", "a:b")),
        ("localhost:4566", "/photos/", ("photos", None)),
        ("127.0.0.1:4566", "/", (None, None)),
        ("[::1]:4566", "/photos/k", ("photos", "k")),
    ],
)
def test_path_and_virtual_host_style(host: str, path: str, expected: tuple[str | None, str | None]) -> None:
    assert s3_location(_environ("GET", f"http://{host}{path}")) == expected


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:4566",
        "localhost",
        "localhost:4566",
        "photos.localhost:4566",
        "s3.amazonaws.com",
        "photos.s3.amazonaws.com",
        "photos.s3.eu-west-1.amazonaws.com",
        "s3.eu-west-1.amazonaws.com",
        "s3-fips.us-gov-west-1.amazonaws.com",
        "my.bucket.s3.amazonaws.com",
        "[::1]:4566",
        "moto",
        "moto.svc.cluster.local:5000",
        "www.example.com",
        "photos.example.com:8080",
        "10.0.0.7",
    ],
)
def test_virtual_host_detection_agrees_with_moto(host: str) -> None:
    from moto.s3.responses import S3Response
    from moto.s3.utils import bucket_name_from_url

    moto_virtual = S3Response.subdomain_based_buckets(
        SimpleNamespace(headers={"host": host}, url=f"http://{host}/")
    )
    mine = virtual_host_bucket(host)
    assert (mine is not None) == bool(moto_virtual)
    if moto_virtual:
        assert mine == (bucket_name_from_url(f"http://{host}/") or "")


def test_virtual_host_detection_follows_moto_settings_changed_later(monkeypatch) -> None:
    """The answer for a host is remembered, but never past a change of moto's S3 host settings."""
    assert virtual_host_bucket("photos.example.com") == "photos"
    monkeypatch.setenv("MOTO_S3_CUSTOM_ENDPOINTS", "http://photos.example.com")
    assert virtual_host_bucket("photos.example.com") is None
    monkeypatch.delenv("MOTO_S3_CUSTOM_ENDPOINTS")
    monkeypatch.setenv("S3_IGNORE_SUBDOMAIN_BUCKETNAME", "true")
    assert virtual_host_bucket("photos.example.com") is None
    monkeypatch.delenv("S3_IGNORE_SUBDOMAIN_BUCKETNAME")
    assert virtual_host_bucket("photos.example.com") == "photos"


def test_every_botocore_subresource_is_known() -> None:
    model = sessions.client("s3", region_name="us-east-1").meta.service_model
    for name in model.operation_names:
        uri = model.operation_model(name).http["requestUri"]
        if "?" in uri:
            for part in uri.split("?", 1)[1].split("&"):
                assert part.split("=")[0] in SUBRESOURCES, (name, uri)


@pytest.mark.parametrize(
    ("method", "url", "body", "reason_part"),
    [
        ("GET", "/photos?policy&acl", b"", "more than one S3 subresource"),
        ("PUT", "/photos?requestPayment", b"<x/>", "not supported"),
        ("GET", "/photos/k?select&select-type=2", b"", "not supported"),
        ("GET", "/photos/k?retention", b"", "not supported"),
        ("PUT", "/photos/k?uploadId=u", b"x", "uploadId and partNumber"),
        ("PUT", "/photos/k?partNumber=1", b"x", "uploadId and partNumber"),
        ("POST", "/photos?delete", b'<!DOCTYPE x [<!ENTITY a "b">]><Delete/>', "well-formed"),
        ("POST", "/photos?delete", b"<Delete><Object></Object></Delete>", "no <Key>"),
        ("POST", "/photos/k?uploads", b"data", "takes no body"),
        ("PUT", "/", b"", "service root"),
        ("GET", "/v20180820/accesspoint", b"", "S3 Control"),
        ("GET", "/bad%2Fbucket/k", b"", "valid bucket"),
        ("OPTIONS", "/photos/k", b"", "not supported"),
    ],
)
def test_unmapped_requests_say_why(method: str, url: str, body: bytes, reason_part: str) -> None:
    mapped = map_s3_request(_environ(method, ENDPOINT + url, body=body), body)
    assert not mapped.is_mapped and not mapped.requests
    assert reason_part in (mapped.unmapped_reason or "")


# --- DynamoDB ------------------------------------------------------------------------------------------

TABLE_ARN = f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/Comments"
IDENTITY_ID = "us-east-1:1234abcd-12ab-34cd-56ef-1234567890ab"


def _partition_key_of(table_name: str, index_name: str | None = None) -> str | None:
    return {
        ("Comments", None): "IdentityId",
        ("Comments", "ByPhoto"): "PhotoId",
        ("Photos", None): "PhotoId",
    }.get((table_name, index_name))


def _map_dynamodb(
    operation: str, partition_key_of: Any = _partition_key_of, **params: Any
) -> MappedOperation:
    environ, body = _request_environ(_capture(_client("dynamodb"), operation, **params))
    return map_dynamodb_request(environ, body, account_id=ACCOUNT_ID, partition_key_of=partition_key_of)


def test_get_item() -> None:
    mapped = _map_dynamodb(
        "get_item",
        TableName="Comments",
        Key={"IdentityId": {"S": IDENTITY_ID}, "CommentId": {"S": "c1"}},
        ProjectionExpression="#t, Likes.#n",
        ExpressionAttributeNames={"#t": "Text", "#n": "count"},
    )
    assert mapped.operation == "GetItem"
    [request] = mapped.requests
    assert (request.action, request.resources) == ("dynamodb:GetItem", [TABLE_ARN])
    assert request.context["dynamodb:LeadingKeys"] == [IDENTITY_ID]
    assert request.context["dynamodb:Attributes"] == ["CommentId", "IdentityId", "Likes", "Text"]
    assert request.context["dynamodb:Select"] == "SPECIFIC_ATTRIBUTES"


def test_put_item() -> None:
    mapped = _map_dynamodb(
        "put_item",
        TableName="Comments",
        Item={"IdentityId": {"S": IDENTITY_ID}, "CommentId": {"S": "c1"}, "Text": {"S": "hi"}},
        ReturnValues="ALL_OLD",
    )
    [request] = mapped.requests
    assert (request.action, request.resources) == ("dynamodb:PutItem", [TABLE_ARN])
    assert request.context["dynamodb:LeadingKeys"] == [IDENTITY_ID]
    assert request.context["dynamodb:Attributes"] == ["CommentId", "IdentityId", "Text"]
    assert request.context["dynamodb:ReturnValues"] == "ALL_OLD"


def test_update_item_attributes_come_from_the_update_expression() -> None:
    mapped = _map_dynamodb(
        "update_item",
        TableName="Comments",
        Key={"IdentityId": {"S": IDENTITY_ID}, "CommentId": {"S": "c1"}},
        UpdateExpression="SET #t = :t, Likes = if_not_exists(Likes, :zero) + :one REMOVE Draft[0]",
        ExpressionAttributeNames={"#t": "Text"},
        ExpressionAttributeValues={":t": {"S": "x"}, ":zero": {"N": "0"}, ":one": {"N": "1"}},
    )
    context = mapped.requests[0].context
    assert context["dynamodb:Attributes"] == ["CommentId", "Draft", "IdentityId", "Likes", "Text"]
    assert context["dynamodb:LeadingKeys"] == [IDENTITY_ID]


def test_delete_item() -> None:
    mapped = _map_dynamodb("delete_item", TableName="Comments", Key={"IdentityId": {"S": IDENTITY_ID}})
    assert _checks(mapped) == [("dynamodb:DeleteItem", [TABLE_ARN])]
    assert mapped.requests[0].context["dynamodb:LeadingKeys"] == [IDENTITY_ID]


def test_query_leading_keys_from_the_key_condition() -> None:
    mapped = _map_dynamodb(
        "query",
        TableName="Comments",
        KeyConditionExpression="#pk = :id AND begins_with(CommentId, :prefix)",
        ExpressionAttributeNames={"#pk": "IdentityId"},
        ExpressionAttributeValues={":id": {"S": IDENTITY_ID}, ":prefix": {"S": "2026"}},
    )
    context = mapped.requests[0].context
    assert _checks(mapped) == [("dynamodb:Query", [TABLE_ARN])]
    assert context["dynamodb:LeadingKeys"] == [IDENTITY_ID]
    assert context["dynamodb:Select"] == "ALL_ATTRIBUTES"
    assert context["dynamodb:Attributes"] == ["CommentId", "IdentityId"]


def test_query_on_an_index() -> None:
    mapped = _map_dynamodb(
        "query",
        TableName="Comments",
        IndexName="ByPhoto",
        KeyConditionExpression=":p = PhotoId",
        ExpressionAttributeValues={":p": {"N": "42"}},
    )
    context = mapped.requests[0].context
    assert _checks(mapped) == [("dynamodb:Query", [f"{TABLE_ARN}/index/ByPhoto"])]
    assert context["dynamodb:LeadingKeys"] == ["42"]
    assert context["dynamodb:Select"] == "ALL_PROJECTED_ATTRIBUTES"


def test_scan_has_no_leading_keys() -> None:
    mapped = _map_dynamodb("scan", TableName="Comments", Select="COUNT")
    context = mapped.requests[0].context
    assert _checks(mapped) == [("dynamodb:Scan", [TABLE_ARN])]
    assert "dynamodb:LeadingKeys" not in context and context["dynamodb:Select"] == "COUNT"


def test_batch_operations_give_one_request_per_table() -> None:
    mapped = _map_dynamodb(
        "batch_get_item",
        RequestItems={
            "Comments": {"Keys": [{"IdentityId": {"S": "a"}}, {"IdentityId": {"S": "b"}}]},
            "Photos": {"Keys": [{"PhotoId": {"N": "7"}}], "ProjectionExpression": "Title"},
        },
    )
    assert _checks(mapped) == [
        ("dynamodb:BatchGetItem", [TABLE_ARN]),
        ("dynamodb:BatchGetItem", [f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/Photos"]),
    ]
    assert mapped.requests[0].context["dynamodb:LeadingKeys"] == ["a", "b"]
    assert mapped.requests[1].context["dynamodb:Attributes"] == ["PhotoId", "Title"]
    written = _map_dynamodb(
        "batch_write_item",
        RequestItems={
            "Comments": [
                {"PutRequest": {"Item": {"IdentityId": {"S": "a"}, "Text": {"S": "t"}}}},
                {"DeleteRequest": {"Key": {"IdentityId": {"S": "c"}}}},
            ]
        },
    )
    assert _checks(written) == [("dynamodb:BatchWriteItem", [TABLE_ARN])]
    assert written.requests[0].context["dynamodb:LeadingKeys"] == ["a", "c"]


def test_transactions_are_authorized_per_item() -> None:
    mapped = _map_dynamodb(
        "transact_write_items",
        TransactItems=[
            {"Put": {"TableName": "Comments", "Item": {"IdentityId": {"S": "a"}}}},
            {
                "ConditionCheck": {
                    "TableName": "Photos",
                    "Key": {"PhotoId": {"N": "1"}},
                    "ConditionExpression": "attribute_exists(PhotoId)",
                }
            },
        ],
    )
    assert [r.action for r in mapped.requests] == ["dynamodb:PutItem", "dynamodb:ConditionCheckItem"]
    assert mapped.requests[1].context["dynamodb:EnclosingOperation"] == "TransactWriteItems"


def test_list_tables_and_table_operations() -> None:
    assert _checks(_map_dynamodb("list_tables")) == [
        ("dynamodb:ListTables", [f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/*"])
    ]
    assert _checks(_map_dynamodb("describe_table", TableName="Comments")) == [
        ("dynamodb:DescribeTable", [TABLE_ARN])
    ]
    assert _checks(_map_dynamodb("describe_limits")) == [("dynamodb:DescribeLimits", ["*"])]


def test_table_arn_as_table_name() -> None:
    mapped = _map_dynamodb("get_item", TableName=TABLE_ARN, Key={"IdentityId": {"S": "a"}})
    assert _checks(mapped) == [("dynamodb:GetItem", [TABLE_ARN])]
    assert mapped.requests[0].context["dynamodb:LeadingKeys"] == ["a"]


def test_unknown_partition_key_leaves_leading_keys_out() -> None:
    mapped = _map_dynamodb(
        "get_item", partition_key_of=lambda *_: None, TableName="Other", Key={"K": {"S": "a"}}
    )
    assert "dynamodb:LeadingKeys" not in mapped.requests[0].context


@pytest.mark.parametrize(
    ("target", "body", "reason_part"),
    [
        ("DynamoDB_20120810.ExecuteStatement", b'{"Statement": "SELECT * FROM Comments"}', "PartiQL"),
        ("DynamoDB_20120810.GetItem", b"{not json", "not JSON"),
        ("DynamoDB_20120810.GetItem", b'{"TableName": "Comments"}', "needs a Key"),
        ("DynamoDB_20120810.GetItem", b'{"TableName": "a/b", "Key": {"K": {"S": "x"}}}', "not a valid table"),
        ("DynamoDB_20120810.Query", b'{"TableName": "Comments", "KeyConditionExpression": "#x = :v"}', "#x"),
        ("DynamoDBStreams_20120810.GetRecords", b"{}", "not a DynamoDB"),
    ],
)
def test_unmapped_dynamodb_requests(target: str, body: bytes, reason_part: str) -> None:
    environ = _environ("POST", ENDPOINT + "/", {"X-Amz-Target": target}, body)
    mapped = map_dynamodb_request(environ, body, account_id=ACCOUNT_ID, partition_key_of=_partition_key_of)
    assert not mapped.is_mapped and reason_part in (mapped.unmapped_reason or "")


# --- denials: what boto3 makes of them -------------------------------------------------------------------


def _parse(protocol: str, service: str, operation: str, denial: Any) -> dict[str, Any]:
    model = sessions.client(service, region_name="us-east-1").meta.service_model
    response = {"status_code": denial.status, "headers": dict(denial.headers), "body": denial.body}
    return botocore.parsers.create_parser(protocol).parse(
        response, model.operation_model(operation).output_shape
    )


def _raise_through_client(client: Any, operation: str, denial: Any, **params: Any) -> ClientError:
    """Send ``denial`` back as the answer to a real client call; return the ClientError it raises."""

    class Raw:
        def stream(self, **_: Any) -> Any:
            yield denial.body

    def answer(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, denial.status, dict(denial.headers), Raw())

    client.meta.events.register("before-send", answer)
    with pytest.raises(ClientError) as raised:
        getattr(client, operation)(**params)
    return raised.value


@pytest.mark.parametrize(
    ("reason", "ending"),
    [
        (
            "no identity-based policy allows",
            "because no identity-based policy allows the s3:PutObject action",
        ),
        ("no session policy allows", "because no session policy allows the s3:PutObject action"),
        ("explicit deny in an identity-based policy", "with an explicit deny in an identity-based policy"),
        ("explicit deny in a session policy", "with an explicit deny in a session policy"),
    ],
)
def test_s3_access_denied_is_parsed_as_access_denied(reason: Any, ending: str) -> None:
    resource = f"arn:aws:s3:::photos/{IDENTITY_KEY}"
    denial = s3_access_denied(CALLER, "s3:PutObject", resource, reason, method="PUT")
    expected = f'User: {CALLER} is not authorized to perform: s3:PutObject on resource: "{resource}" {ending}'
    parsed = _parse("rest-xml", "s3", "PutObject", denial)
    assert denial.status == 403 and denial.status_line == "403 Forbidden"
    assert parsed["Error"]["Code"] == "AccessDenied"
    assert parsed["Error"]["Message"] == expected
    error = _raise_through_client(
        _client("s3", retries={"max_attempts": 1}),
        "put_object",
        denial,
        Bucket="photos",
        Key=IDENTITY_KEY,
        Body=b"x",
    )
    assert error.response["Error"]["Code"] == "AccessDenied"
    assert error.response["Error"]["Message"] == expected
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_s3_message_escapes_xml_and_omits_star_resources() -> None:
    denial = s3_access_denied(
        CALLER, "s3:GetObject", "arn:aws:s3:::photos/a&<b>", "no identity-based policy allows"
    )
    assert b"a&amp;&lt;b&gt;" in denial.body
    assert _parse("rest-xml", "s3", "GetObject", denial)["Error"]["Message"].endswith(
        'resource: "arn:aws:s3:::photos/a&<b>" '
        "because no identity-based policy allows the s3:GetObject action"
    )
    assert access_denied_message(CALLER, "s3:ListAllMyBuckets", "*", "no identity-based policy allows") == (
        f"User: {CALLER} is not authorized to perform: s3:ListAllMyBuckets "
        "because no identity-based policy allows the s3:ListAllMyBuckets action"
    )


def test_head_denial_has_no_body_so_boto3_reports_403() -> None:
    denial = s3_access_denied(
        CALLER, "s3:GetObject", OBJECT_ARN, "no identity-based policy allows", method="HEAD"
    )
    assert denial.status == 403 and denial.body == b""
    error = _raise_through_client(
        _client("s3", retries={"max_attempts": 1}), "head_object", denial, Bucket="photos", Key=IDENTITY_KEY
    )
    assert error.response["Error"]["Code"] == "403"


@pytest.mark.parametrize(
    ("denial", "status", "code", "message"),
    [
        (s3_expired_token(), 400, "ExpiredToken", "The provided token has expired."),
        (s3_invalid_token(), 400, "InvalidToken", "The provided token is malformed or otherwise invalid."),
        (s3_access_denied_plain(), 403, "AccessDenied", "Access Denied"),
    ],
)
def test_s3_token_errors(denial: Any, status: int, code: str, message: str) -> None:
    parsed = _parse("rest-xml", "s3", "GetObject", denial)
    assert denial.status == status
    assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == (code, message)


def test_expired_token_can_echo_the_token() -> None:
    assert b"<Token-0>tok&amp;en</Token-0>" in s3_expired_token(token="tok&en").body


def test_dynamodb_access_denied_is_parsed_as_access_denied_exception() -> None:
    denial = dynamodb_access_denied(CALLER, "dynamodb:PutItem", TABLE_ARN, "no identity-based policy allows")
    expected = (
        f"User: {CALLER} is not authorized to perform: dynamodb:PutItem on resource: {TABLE_ARN} "
        "because no identity-based policy allows the dynamodb:PutItem action"
    )
    assert json.loads(denial.body) == {
        "__type": "com.amazon.coral.service#AccessDeniedException",
        "Message": expected,
    }
    parsed = _parse("json", "dynamodb", "PutItem", denial)
    assert denial.status == 400
    assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == ("AccessDeniedException", expected)
    error = _raise_through_client(
        _client("dynamodb", retries={"max_attempts": 1}),
        "put_item",
        denial,
        TableName="Comments",
        Item={"IdentityId": {"S": IDENTITY_ID}},
    )
    assert error.response["Error"]["Code"] == "AccessDeniedException"
    assert error.response["Error"]["Message"] == expected


@pytest.mark.parametrize(
    ("denial", "code", "message"),
    [
        (
            dynamodb_expired_token(),
            "ExpiredTokenException",
            "The security token included in the request is expired",
        ),
        (
            dynamodb_unrecognized_client(),
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ),
    ],
)
def test_dynamodb_token_errors(denial: Any, code: str, message: str) -> None:
    error = _raise_through_client(_client("dynamodb", retries={"max_attempts": 1}), "list_tables", denial)
    assert denial.status == 400
    assert (error.response["Error"]["Code"], error.response["Error"]["Message"]) == (code, message)


def test_generic_json_access_denied() -> None:
    denial = json_access_denied(
        CALLER,
        "cognito-identity:DescribeIdentityPool",
        "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/x",
        "explicit deny in a session policy",
    )
    parsed = _parse("json", "cognito-identity", "DescribeIdentityPool", denial)
    assert parsed["Error"]["Code"] == "AccessDeniedException"
    assert parsed["Error"]["Message"].endswith("with an explicit deny in a session policy")


def test_select_object_content_needs_get_object() -> None:
    mapped = _map_s3(
        "select_object_content",
        Bucket="photos",
        Key=IDENTITY_KEY,
        Expression="SELECT * FROM S3Object",
        ExpressionType="SQL",
        InputSerialization={"CSV": {}},
        OutputSerialization={"CSV": {}},
    )
    assert mapped.operation == "SelectObjectContent"
    assert _checks(mapped) == [("s3:GetObject", [OBJECT_ARN])]


def test_virtual_host_request_maps_like_path_style() -> None:
    environ = _environ("PUT", "http://photos.s3.amazonaws.com/us-east-1%3A1234abcd/a%20b.jpg", body=b"x")
    mapped = map_s3_request(environ, b"x")
    assert mapped.operation == "PutObject"
    assert _checks(mapped) == [("s3:PutObject", ["arn:aws:s3:::photos/us-east-1:1234abcd/a b.jpg"])]

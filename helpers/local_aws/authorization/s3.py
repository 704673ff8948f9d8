"""Amazon S3 requests as IAM sees them: the actions, resource ARNs and condition keys of each operation.

Sources: "Actions, resources, and condition keys for Amazon S3" (Service Authorization Reference) and
"Required permissions for Amazon S3 API operations" (Amazon S3 User Guide), which the operations'
own API Reference pages repeat (HeadBucket needs ``s3:ListBucket``; CopyObject ``s3:GetObject`` on the
source and ``s3:PutObject`` on the destination; DeleteObjects ``s3:DeleteObject`` per key).

The operation is chosen exactly as moto's S3 backend chooses it (``moto/s3/responses.py``, 5.2.5), so
that what is authorized is what moto then does: the bucket from the host or the first path segment, the
key percent-decoded once from the raw request path, the operation from the method and the query
string's subresource. A request whose query names two subresources, or one this module does not map for
its method, is returned unmapped, to be denied; it is never guessed.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlparse

from .request import AuthorizationRequest, ContextValue, MappedOperation, global_context, header, unmapped
from .signing import SigningInfo, extract_signing

SERVICE = "s3"

#: Every query-string subresource that selects an S3 operation (botocore's S3 model plus moto's
#: dispatch). ``versionId`` and ``partNumber`` only qualify an operation, so they are not here.
SUBRESOURCES = frozenset(
    {
        "abac",
        "accelerate",
        "acl",
        "analytics",
        "annotation",
        "attributes",
        "cors",
        "delete",
        "encryption",
        "intelligent-tiering",
        "inventory",
        "legal-hold",
        "lifecycle",
        "list-type",
        "location",
        "logging",
        "metadataAnnotationTable",
        "metadataConfiguration",
        "metadataInventoryTable",
        "metadataJournalTable",
        "metadataTable",
        "metrics",
        "notification",
        "object-lock",
        "ownershipControls",
        "policy",
        "policyStatus",
        "publicAccessBlock",
        "renameObject",
        "replication",
        "requestPayment",
        "restore",
        "retention",
        "select",
        "select-type",
        "session",
        "tagging",
        "torrent",
        "uploadId",
        "uploads",
        "versioning",
        "versions",
        "website",
    }
)

# (operation, IAM action) per subresource, for the subresources moto implements for that method.
# ``None`` is the operation without a subresource.
_BUCKET_GET = {
    None: ("ListObjects", "s3:ListBucket"),
    "list-type": ("ListObjectsV2", "s3:ListBucket"),
    "uploads": ("ListMultipartUploads", "s3:ListBucketMultipartUploads"),
    "location": ("GetBucketLocation", "s3:GetBucketLocation"),
    "policy": ("GetBucketPolicy", "s3:GetBucketPolicy"),
    "policyStatus": ("GetBucketPolicyStatus", "s3:GetBucketPolicyStatus"),
    "acl": ("GetBucketAcl", "s3:GetBucketAcl"),
    "tagging": ("GetBucketTagging", "s3:GetBucketTagging"),
    "versioning": ("GetBucketVersioning", "s3:GetBucketVersioning"),
    "versions": ("ListObjectVersions", "s3:ListBucketVersions"),
    "cors": ("GetBucketCors", "s3:GetBucketCORS"),
    "lifecycle": ("GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"),
    "website": ("GetBucketWebsite", "s3:GetBucketWebsite"),
    "logging": ("GetBucketLogging", "s3:GetBucketLogging"),
    "notification": ("GetBucketNotificationConfiguration", "s3:GetBucketNotification"),
    "encryption": ("GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    "publicAccessBlock": ("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    "ownershipControls": ("GetBucketOwnershipControls", "s3:GetBucketOwnershipControls"),
    "object-lock": ("GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration"),
    "accelerate": ("GetBucketAccelerateConfiguration", "s3:GetAccelerateConfiguration"),
    "replication": ("GetBucketReplication", "s3:GetReplicationConfiguration"),
}
_BUCKET_PUT = {
    None: ("CreateBucket", "s3:CreateBucket"),
    "policy": ("PutBucketPolicy", "s3:PutBucketPolicy"),
    "acl": ("PutBucketAcl", "s3:PutBucketAcl"),
    "tagging": ("PutBucketTagging", "s3:PutBucketTagging"),
    "versioning": ("PutBucketVersioning", "s3:PutBucketVersioning"),
    "cors": ("PutBucketCors", "s3:PutBucketCORS"),
    "lifecycle": ("PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"),
    "website": ("PutBucketWebsite", "s3:PutBucketWebsite"),
    "logging": ("PutBucketLogging", "s3:PutBucketLogging"),
    "notification": ("PutBucketNotificationConfiguration", "s3:PutBucketNotification"),
    "encryption": ("PutBucketEncryption", "s3:PutEncryptionConfiguration"),
    "publicAccessBlock": ("PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
    "ownershipControls": ("PutBucketOwnershipControls", "s3:PutBucketOwnershipControls"),
    "object-lock": ("PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration"),
    "accelerate": ("PutBucketAccelerateConfiguration", "s3:PutAccelerateConfiguration"),
    "replication": ("PutBucketReplication", "s3:PutReplicationConfiguration"),
}
# Deleting a bucket's sub-configuration is authorized by the action that writes it (API Reference:
# DeleteBucketCors needs s3:PutBucketCORS, DeleteBucketTagging s3:PutBucketTagging, ...).
_BUCKET_DELETE = {
    None: ("DeleteBucket", "s3:DeleteBucket"),
    "policy": ("DeleteBucketPolicy", "s3:DeleteBucketPolicy"),
    "tagging": ("DeleteBucketTagging", "s3:PutBucketTagging"),
    "website": ("DeleteBucketWebsite", "s3:DeleteBucketWebsite"),
    "cors": ("DeleteBucketCors", "s3:PutBucketCORS"),
    "lifecycle": ("DeleteBucketLifecycle", "s3:PutLifecycleConfiguration"),
    "publicAccessBlock": ("DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
    "encryption": ("DeleteBucketEncryption", "s3:PutEncryptionConfiguration"),
    "replication": ("DeleteBucketReplication", "s3:PutReplicationConfiguration"),
    "ownershipControls": ("DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls"),
}
# Object operations: (operation, action, action when the request names a versionId).
_OBJECT_GET = {
    None: ("GetObject", "s3:GetObject", "s3:GetObjectVersion"),
    "uploadId": ("ListParts", "s3:ListMultipartUploadParts", "s3:ListMultipartUploadParts"),
    "acl": ("GetObjectAcl", "s3:GetObjectAcl", "s3:GetObjectVersionAcl"),
    "tagging": ("GetObjectTagging", "s3:GetObjectTagging", "s3:GetObjectVersionTagging"),
    "legal-hold": ("GetObjectLegalHold", "s3:GetObjectLegalHold", "s3:GetObjectLegalHold"),
}
_OBJECT_PUT = {
    None: ("PutObject", "s3:PutObject", "s3:PutObject"),
    "retention": ("PutObjectRetention", "s3:PutObjectRetention", "s3:PutObjectRetention"),
    "legal-hold": ("PutObjectLegalHold", "s3:PutObjectLegalHold", "s3:PutObjectLegalHold"),
    "acl": ("PutObjectAcl", "s3:PutObjectAcl", "s3:PutObjectVersionAcl"),
    "tagging": ("PutObjectTagging", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"),
}
_OBJECT_DELETE = {
    None: ("DeleteObject", "s3:DeleteObject", "s3:DeleteObjectVersion"),
    "uploadId": ("AbortMultipartUpload", "s3:AbortMultipartUpload", "s3:AbortMultipartUpload"),
    "tagging": ("DeleteObjectTagging", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"),
}
_OBJECT_POST = {
    "uploads": ("CreateMultipartUpload", "s3:PutObject", "s3:PutObject"),
    "uploadId": ("CompleteMultipartUpload", "s3:PutObject", "s3:PutObject"),
    "restore": ("RestoreObject", "s3:RestoreObject", "s3:RestoreObject"),
    "select": ("SelectObjectContent", "s3:GetObject", "s3:GetObject"),
}

#: Request headers that S3 exposes as condition keys of the same name (``s3:x-amz-acl``, ...).
_HEADER_KEYS = (
    "x-amz-acl",
    "x-amz-grant-full-control",
    "x-amz-grant-read",
    "x-amz-grant-read-acp",
    "x-amz-grant-write",
    "x-amz-grant-write-acp",
    "x-amz-server-side-encryption",
    "x-amz-server-side-encryption-aws-kms-key-id",
    "x-amz-storage-class",
    "x-amz-metadata-directive",
    "x-amz-copy-source",
    "x-amz-website-redirect-location",
    "x-amz-object-ownership",
)
#: Object Lock headers, whose condition keys drop the ``x-amz-`` prefix.
_OBJECT_LOCK_KEYS = {
    "x-amz-object-lock-mode": "s3:object-lock-mode",
    "x-amz-object-lock-retain-until-date": "s3:object-lock-retain-until-date",
    "x-amz-object-lock-legal-hold": "s3:object-lock-legal-hold",
}
#: Bucket names as S3 has ever accepted them (legacy us-east-1 names allowed capitals and underscores).
_BUCKET_NAME = re.compile(r"[A-Za-z0-9._-]{1,255}")
_S3_HOST = re.compile(r"s3[\.\-](?:(?:dualstack|fips)[\.\-])?([^.]*)\.amazonaws\.com")
_ALT_DOMAIN_SUFFIXES = (
    "c2s.ic.gov",
    "sc2s.sgov.gov",
    "cloud.adc-e.uk",
    "csp.hci.ic.gov",
    "amazonaws.com.cn",
    "amazonaws.eu",
)
_IPV4_START = re.compile(r"((25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)(\.|$)){4}")


def bucket_arn(bucket: str, partition: str = "aws") -> str:
    return f"arn:{partition}:s3:::{bucket}"


def object_arn(bucket: str, key: str, partition: str = "aws") -> str:
    return f"arn:{partition}:s3:::{bucket}/{key}"


def _host(environ: dict[str, Any]) -> str:
    host = header(environ, "Host")
    if host:
        return host
    name, port = str(environ.get("SERVER_NAME", "")), str(environ.get("SERVER_PORT", ""))
    return f"{name}:{port}" if port else name


def virtual_host_bucket(host: str) -> str | None:
    """The bucket named by a virtual-hosted-style ``host``, or ``None`` for a path-style request.

    Mirrors moto's ``S3Response.subdomain_based_buckets`` and ``bucket_name_from_url``: IP addresses,
    ``localhost*``, single-label hosts and ``s3[.-]<region>.amazonaws.com`` are path style (which is what
    boto3 uses with ``endpoint_url="http://127.0.0.1:PORT"``); ``bucket.s3.amazonaws.com`` and
    ``bucket.anything.else`` name the bucket in their first label. moto's ``S3_IGNORE_SUBDOMAIN_BUCKETNAME``
    and ``MOTO_S3_CUSTOM_ENDPOINTS`` settings are honoured (read on every call, so a change applies at
    once; the answer for a host and those settings is remembered).
    """
    return _virtual_host_bucket(
        host,
        os.environ.get("S3_IGNORE_SUBDOMAIN_BUCKETNAME", ""),
        os.environ.get("MOTO_S3_CUSTOM_ENDPOINTS", ""),
    )


@lru_cache(maxsize=256)
def _virtual_host_bucket(host: str, ignore_subdomains: str, custom: str) -> str | None:
    if ignore_subdomains in ("1", "true"):
        return None
    custom_endpoints = [e for e in custom.split(",") if e]
    if not host or any(host in endpoint for endpoint in custom_endpoints):
        return None
    if (
        host.startswith(("localhost", "localstack", "host.docker.internal"))
        or re.match(r"^[^.]+$", host)
        or re.match(r"^.*\.svc\.cluster\.local:?\d*$", host)
    ):
        return None
    plain = re.match(r"^([^\[\]:]+)(:\d+)?$", host)
    if plain and _IPV4_START.match(plain.group(1)):
        return None
    if re.match(r"^\[(.+)\](:\d+)?$", host):
        return None  # an IPv6 literal
    if host == "s3.amazonaws.com" or _S3_HOST.match(host):
        return None
    if any(
        re.match(r"s3[\.\-](?:(?:dualstack|fips)[\.\-])?([^.]*)\." + re.escape(s), host)
        for s in _ALT_DOMAIN_SUFFIXES
    ):
        return None
    domain = host[4:] if host.startswith("www.") else host
    if "amazonaws.com" in domain:
        match = re.search(r"(.+)\.s3(.*)\.amazonaws.com", domain)
        return match.group(1) if match else ""
    return domain.split(".")[0] if "." in domain else ""


def raw_path(environ: dict[str, Any]) -> str:
    """The request path as the client sent it, still percent-encoded.

    The WSGI server keeps it in ``RAW_URI``/``REQUEST_URI`` (werkzeug sets both); ``PATH_INFO`` is already
    decoded, and decoding that again would turn a key's ``%25`` into a second round of escapes.
    """
    raw = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")
    if raw:
        parsed = urlparse(raw)
        path = parsed.path if parsed.scheme else raw.split("?", 1)[0]
    else:
        # PATH_INFO is a "bytes as latin-1" string (PEP 3333): re-encode it to get the raw form back.
        path = quote(str(environ.get("PATH_INFO", "")).encode("latin-1"), safe="/")
    if not path:
        return "/"
    return path if path.startswith("/") else f"/{path}"


def s3_location(environ: dict[str, Any]) -> tuple[str | None, str | None]:
    """``(bucket, key)`` addressed by an S3 request; ``key`` is ``None`` for bucket-level requests and
    both are ``None`` for the service root. The key is percent-decoded exactly once, so identity ids
    (``us-east-1:1234abcd-...``), spaces and non-ASCII characters come out as the client meant them.
    A bucket name that S3 could never have is returned as ``""``."""
    path = raw_path(environ)
    bucket = virtual_host_bucket(_host(environ))
    if bucket is not None:
        return (bucket if _BUCKET_NAME.fullmatch(bucket) else ""), (unquote(path)[1:] or None)
    first, _, rest = path[1:].partition("/")
    if not first:
        return None, None
    # moto takes the bucket from the raw path undecoded; a bucket name never needs escaping.
    if not _BUCKET_NAME.fullmatch(first):
        return "", None
    return first, (unquote(rest) or None)


def _query(environ: dict[str, Any]) -> dict[str, list[str]]:
    return parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _parse_xml(body: bytes) -> Any:
    """Parse a small XML request body, namespace-free; ``None`` if it is not well-formed.

    Document type declarations are refused outright: S3 request bodies never have one, and refusing
    them rules out entity-expansion attacks whatever the expat version.
    """
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        return None
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root


def _common_context(environ: dict[str, Any], signing: SigningInfo | None) -> dict[str, ContextValue]:
    """Condition keys every S3 request has ("Condition keys for Amazon S3")."""
    context = global_context(environ, signing.region if signing else None)
    if signing is not None and signing.mechanism is not None:
        context["s3:authType"] = {
            "sigv4-header": "REST-HEADER",
            "sigv2-header": "REST-HEADER",
            "sigv4-query": "REST-QUERY-STRING",
            "sigv2-query": "REST-QUERY-STRING",
            "post-form": "POST",
        }[signing.mechanism]
        context["s3:signatureversion"] = (
            "AWS" if signing.mechanism.startswith("sigv2") else "AWS4-HMAC-SHA256"
        )
    content_sha256 = header(environ, "X-Amz-Content-SHA256")
    if content_sha256 is not None:
        context["s3:x-amz-content-sha256"] = content_sha256
    return context


def _header_context(environ: dict[str, Any]) -> dict[str, ContextValue]:
    """Condition keys taken from request headers of writes (ACL grants, encryption, Object Lock)."""
    context: dict[str, ContextValue] = {}
    for name in _HEADER_KEYS:
        value = header(environ, name)
        if value is not None:
            context[f"s3:{name}"] = value
    copy_source = context.get("s3:x-amz-copy-source")
    if isinstance(copy_source, str):
        # Policies write the copy source as "bucket/key" (S3 User Guide, "Bucket policy examples"),
        # while the header is percent-encoded and may start with "/" and end with "?versionId=".
        context["s3:x-amz-copy-source"] = unquote(urlparse(copy_source).path).lstrip("/")
    for name, key in _OBJECT_LOCK_KEYS.items():
        value = header(environ, name)
        if value is not None:
            context[key] = value
    return context


def _tag_context(tags: list[tuple[str, str]]) -> dict[str, ContextValue]:
    """``s3:RequestObjectTagKeys`` and ``s3:RequestObjectTag/<key>`` for the tags a request sets."""
    context: dict[str, ContextValue] = {"s3:RequestObjectTagKeys": [name for name, _ in tags]}
    for name, value in tags:
        context[f"s3:RequestObjectTag/{name}"] = value
    return context


def _subresource(query: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """The single subresource a query selects, as ``(name, None)``, or ``(None, reason)`` if ambiguous."""
    # SelectObjectContent is "?select&select-type=2": the second name qualifies the first.
    names = sorted(
        name for name in query if name in SUBRESOURCES and not (name == "select-type" and "select" in query)
    )
    if len(names) > 1:
        return None, f"the query string names more than one S3 subresource: {', '.join(names)}"
    return (names[0] if names else None), None


def map_s3_request(
    environ: dict[str, Any], body: bytes = b"", signing: SigningInfo | None = None, partition: str = "aws"
) -> MappedOperation:
    """Map an S3 request (WSGI environ and body) to the IAM checks it needs.

    ``signing`` defaults to :func:`~.signing.extract_signing` of the request; it supplies
    ``s3:authType``, ``s3:signatureversion`` and ``aws:RequestedRegion``.
    """
    if signing is None:
        signing = extract_signing(environ, body)
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()
    path = raw_path(environ)
    if path.startswith("/v20180820/") or "s3-control" in _host(environ):
        return unmapped(SERVICE, "S3 Control requests are not S3 requests")
    bucket, key = s3_location(environ)
    context = _common_context(environ, signing)
    if bucket is None:
        if method == "GET":
            return MappedOperation(
                SERVICE, "ListBuckets", [AuthorizationRequest(SERVICE, "s3:ListAllMyBuckets", ["*"], context)]
            )
        return unmapped(SERVICE, f"{method} on the S3 service root is not an S3 operation")
    if not bucket:
        return unmapped(SERVICE, "the request does not name a valid bucket")
    query = _query(environ)
    subresource, ambiguity = _subresource(query)
    if ambiguity:
        return unmapped(SERVICE, ambiguity)
    if key is None:
        return _map_bucket_request(environ, body, method, bucket, subresource, query, context, partition)
    return _map_object_request(environ, body, method, bucket, key, subresource, query, context, partition)


def _map_bucket_request(
    environ: dict[str, Any],
    body: bytes,
    method: str,
    bucket: str,
    subresource: str | None,
    query: dict[str, list[str]],
    context: dict[str, ContextValue],
    partition: str,
) -> MappedOperation:
    arn = bucket_arn(bucket, partition)
    if method == "HEAD":
        # moto answers every HEAD on a bucket with HeadBucket, whatever the query string says.
        return MappedOperation(
            SERVICE, "HeadBucket", [AuthorizationRequest(SERVICE, "s3:ListBucket", [arn], context)]
        )
    if method == "POST":
        if subresource == "delete":
            return _map_delete_objects(body, bucket, context, partition)
        if subresource is None:
            return unmapped(SERVICE, "browser-based POST uploads are not supported", "PostObject")
        return unmapped(SERVICE, f"POST ?{subresource} on a bucket is not supported")
    table = {"GET": _BUCKET_GET, "PUT": _BUCKET_PUT, "DELETE": _BUCKET_DELETE}.get(method)
    if table is None:
        return unmapped(SERVICE, f"{method} on a bucket is not supported")
    if subresource == "list-type" and _first(query, "list-type") != "2":
        return unmapped(SERVICE, "list-type must be 2")
    if subresource not in table:
        return unmapped(SERVICE, f"{method} ?{subresource} on a bucket is not supported")
    operation, action = table[subresource]
    context = dict(context)
    if action in ("s3:ListBucket", "s3:ListBucketVersions"):
        for parameter in ("prefix", "delimiter", "max-keys"):
            value = _first(query, parameter)
            if value is not None:
                context[f"s3:{parameter}"] = value
    elif operation == "CreateBucket":
        context.update(_header_context(environ))
        if body.strip():
            root = _parse_xml(body)
            if root is None:
                return unmapped(SERVICE, "the CreateBucket body is not well-formed XML", operation)
            constraint = root.findtext("LocationConstraint")
            if constraint:
                context["s3:LocationConstraint"] = constraint
    elif operation in ("PutBucketAcl",):
        context.update(_header_context(environ))
    return MappedOperation(SERVICE, operation, [AuthorizationRequest(SERVICE, action, [arn], context)])


def _map_delete_objects(
    body: bytes, bucket: str, context: dict[str, ContextValue], partition: str
) -> MappedOperation:
    root = _parse_xml(body)
    if root is None or root.tag != "Delete":
        return unmapped(
            SERVICE, "the DeleteObjects body is not a well-formed <Delete> document", "DeleteObjects"
        )
    requests = []
    for entry in root.findall("Object"):
        key = entry.findtext("Key")
        if key is None:
            return unmapped(SERVICE, "a DeleteObjects <Object> has no <Key>", "DeleteObjects")
        version_id = entry.findtext("VersionId")
        entry_context = dict(context)
        if version_id is not None:
            entry_context["s3:versionid"] = version_id
        action = "s3:DeleteObjectVersion" if version_id is not None else "s3:DeleteObject"
        requests.append(
            AuthorizationRequest(SERVICE, action, [object_arn(bucket, key, partition)], entry_context)
        )
    return MappedOperation(SERVICE, "DeleteObjects", requests, independent=True)


def _copy_source(environ: dict[str, Any], partition: str) -> tuple[str, str | None] | None:
    """``(source object ARN, versionId)`` of ``x-amz-copy-source``, parsed as moto parses it."""
    value = header(environ, "x-amz-copy-source")
    if value is None:
        return None
    parsed = urlparse(value)
    source_bucket, _, source_key = unquote(parsed.path).lstrip("/").partition("/")
    if not _BUCKET_NAME.fullmatch(source_bucket) or not source_key:
        return None
    version_id = _first(parse_qs(parsed.query), "versionId")
    return object_arn(source_bucket, source_key, partition), version_id


def _map_object_request(
    environ: dict[str, Any],
    body: bytes,
    method: str,
    bucket: str,
    key: str,
    subresource: str | None,
    query: dict[str, list[str]],
    context: dict[str, ContextValue],
    partition: str,
) -> MappedOperation:
    arn = object_arn(bucket, key, partition)
    version_id = _first(query, "versionId")
    context = dict(context)
    if version_id is not None:
        context["s3:versionid"] = version_id
    if method == "HEAD":
        # moto answers every HEAD on an object with HeadObject, whatever the query string says.
        action = "s3:GetObjectVersion" if version_id is not None else "s3:GetObject"
        return MappedOperation(SERVICE, "HeadObject", [AuthorizationRequest(SERVICE, action, [arn], context)])
    if method == "PUT" and ("uploadId" in query or "partNumber" in query):
        if subresource != "uploadId" or "partNumber" not in query:
            return unmapped(SERVICE, "a part upload needs both uploadId and partNumber")
        return _map_write_with_source(environ, "UploadPart", arn, context, partition)
    if method == "PUT" and subresource is None:
        context.update(_header_context(environ))
        tagging = header(environ, "x-amz-tagging")
        if tagging is not None:
            tags = [(name, values[0]) for name, values in parse_qs(tagging, keep_blank_values=True).items()]
            context.update(_tag_context(tags))
        return _map_write_with_source(environ, "PutObject", arn, context, partition)
    if method == "GET" and subresource == "attributes":
        # GetObjectAttributes needs both the read action and the attributes action (API Reference).
        actions = (
            ("s3:GetObjectVersion", "s3:GetObjectVersionAttributes")
            if version_id is not None
            else ("s3:GetObject", "s3:GetObjectAttributes")
        )
        return MappedOperation(
            SERVICE,
            "GetObjectAttributes",
            [AuthorizationRequest(SERVICE, a, [arn], context) for a in actions],
        )
    if method == "POST" and subresource == "uploads" and body:
        return unmapped(SERVICE, "CreateMultipartUpload takes no body", "CreateMultipartUpload")
    table = {"GET": _OBJECT_GET, "PUT": _OBJECT_PUT, "DELETE": _OBJECT_DELETE, "POST": _OBJECT_POST}.get(
        method
    )
    if table is None:
        return unmapped(SERVICE, f"{method} on an object is not supported")
    if subresource not in table:
        return unmapped(SERVICE, f"{method} ?{subresource} on an object is not supported")
    operation, action, version_action = table[subresource]
    action = version_action if version_id is not None else action
    if operation == "PutObjectTagging":
        root = _parse_xml(body)
        if root is None or root.tag != "Tagging":
            return unmapped(
                SERVICE, "the PutObjectTagging body is not a well-formed <Tagging> document", operation
            )
        tags = [(tag.findtext("Key") or "", tag.findtext("Value") or "") for tag in root.iter("Tag")]
        context.update(_tag_context(tags))
    elif operation in ("PutObjectAcl", "CreateMultipartUpload"):
        context.update(_header_context(environ))
    return MappedOperation(SERVICE, operation, [AuthorizationRequest(SERVICE, action, [arn], context)])


def _map_write_with_source(
    environ: dict[str, Any], operation: str, arn: str, context: dict[str, ContextValue], partition: str
) -> MappedOperation:
    """PutObject/UploadPart, or CopyObject/UploadPartCopy when ``x-amz-copy-source`` is present: those
    need ``s3:PutObject`` on the destination and ``s3:GetObject`` (``s3:GetObjectVersion`` for a
    versioned source) on the source."""
    requests = [AuthorizationRequest(SERVICE, "s3:PutObject", [arn], context)]
    if header(environ, "x-amz-copy-source") is None:
        return MappedOperation(SERVICE, operation, requests)
    operation = "CopyObject" if operation == "PutObject" else "UploadPartCopy"
    source = _copy_source(environ, partition)
    if source is None:
        return unmapped(SERVICE, "x-amz-copy-source does not name a bucket and key", operation)
    source_arn, source_version = source
    source_context = {k: v for k, v in context.items() if k != "s3:versionid"}
    if source_version is not None:
        source_context["s3:versionid"] = source_version
    action = "s3:GetObjectVersion" if source_version is not None else "s3:GetObject"
    requests.append(AuthorizationRequest(SERVICE, action, [source_arn], source_context))
    return MappedOperation(SERVICE, operation, requests)

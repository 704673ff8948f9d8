"""Enforcing IAM for requests signed with credentials the local AWS issued to identity-pool users.

Every such request is checked before moto sees it: the session token must be the one issued with the
key, the credentials must not have expired (by the local AWS's clock), and the request, mapped to its
IAM action, resources and condition keys (:mod:`.s3`, :mod:`.dynamodb`, or generically from the
operation name), must be allowed by the role's policies intersected with the session's policies
(:mod:`helpers.iam_policy`). Denials are answered in the service's own wire format with AWS's wording.

It reads who asked from the request the front door parsed and authenticated (:mod:`..front_door`):
the administrator's requests pass unchanged; anonymous S3 requests are checked against the bucket
policy; other anonymous requests only reach it for operations AWS serves unsigned.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..clock import Clock
from ..constants import ACCOUNT_ID
from ..iam.roles import RoleDirectory
from ..issued_credentials import CredentialsRegistry, IssuedCredentials
from ..query_protocol import xml_error
from ..wire.envelope import RequestEnvelope, envelope_of
from .denials import (
    Denial,
    DenialReason,
    access_denied_message,
    dynamodb_access_denied,
    dynamodb_expired_token,
    dynamodb_unrecognized_client,
    json_access_denied,
    json_error,
    s3_access_denied,
    s3_access_denied_plain,
    s3_expired_token,
    s3_invalid_token,
)
from .dynamodb import map_dynamodb_request
from .request import AuthorizationRequest, MappedOperation
from .s3 import map_s3_request, s3_location

if TYPE_CHECKING:
    from helpers.iam_policy import Decision

#: Operations every caller may perform without any permission (IAM User Guide, GetCallerIdentity).
NO_PERMISSION_NEEDED = {("sts", "GetCallerIdentity")}
_QUERY_NAMESPACES = {
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
}


class EnforcementLayer:
    """Authorization of the request the front door parsed: the administrator passes; credentials the
    local AWS issued are checked against their role's and session's policies; anonymous S3 requests
    against the bucket policy (other anonymous requests reached here only for operations AWS serves
    unsigned)."""

    def __init__(self, registry: CredentialsRegistry, clock: Clock, roles: RoleDirectory) -> None:
        self.registry = registry
        self.clock = clock
        self.roles = roles
        self.internal = roles.internal
        self._partition_keys: dict[tuple[str, str], str | None] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        envelope = envelope_of(environ)
        if envelope is None or envelope.principal.kind == "administrator":
            return None
        if envelope.principal.is_anonymous:
            if envelope.service != "s3":
                return None
            denial = self.check_anonymous_s3(environ, envelope)
        else:
            credentials = envelope.principal.credentials
            denial = self.check(environ, envelope, credentials)
            if denial is None and (envelope.service, envelope.operation) == ("sts", "GetCallerIdentity"):
                return _caller_identity(start_response, credentials)
        if denial is None:
            return None
        return denial.send(start_response, envelope.method)

    def check(
        self, environ: dict[str, Any], envelope: RequestEnvelope, credentials: IssuedCredentials
    ) -> Denial | None:
        service, protocol, method = envelope.service, envelope.protocol, envelope.method
        if envelope.signing is None or envelope.signing.security_token != credentials.session_token:
            return _invalid_token(protocol, service, method)
        if self.clock.now() >= credentials.expiration:
            return _expired(protocol, service, method)
        mapped = self.map(environ, envelope)
        if mapped is None:
            return None
        if not mapped.is_mapped:
            action = f"{service}:{mapped.operation or 'UnknownOperation'}"
            return _denial(
                protocol,
                service,
                method,
                credentials.caller_arn,
                action,
                "*",
                "no identity-based policy allows",
                note=f"The local AWS cannot authorize this request: {mapped.unmapped_reason}.",
            )
        from helpers.iam_policy import Request, evaluate

        role = self.roles.get(credentials.role_arn)
        identity_policies = role.policies if role else {}  # a deleted role's sessions can do nothing
        # DeleteObjects is authorized key by key on AWS and denied keys are reported inside a 200 answer;
        # here the whole request is denied when any key is (a simplification, stricter than AWS).
        for needed in mapped.requests:
            decision = evaluate(
                Request(needed.action, needed.resources, context=self._context(credentials, needed)),
                identity_policies,
                session_policies=credentials.session_policies or None,
            )
            if not decision.allowed:
                denied = first_denied(decision)
                return _denial(
                    protocol,
                    service,
                    method,
                    credentials.caller_arn,
                    needed.action,
                    denied.resource,
                    _reason(denied),
                )
        return None

    def check_anonymous_s3(self, environ: dict[str, Any], envelope: RequestEnvelope) -> Denial | None:
        """An unsigned S3 request: allowed only when the bucket policy allows it for everyone
        (``"Principal": "*"``), as S3 evaluates anonymous requests ("Bucket policy examples", S3 User
        Guide). The answer to anyone else is S3's reason-less ``AccessDenied``."""
        from helpers.iam_policy import Principal, Request, evaluate_trust_policy

        from .signing import SigningInfo

        mapped = map_s3_request(environ, envelope.body, SigningInfo(None, None, region=envelope.region))
        if not mapped.is_mapped or not mapped.requests:
            return s3_access_denied_plain(method=envelope.method)
        bucket, _ = s3_location(environ)
        policy = self._bucket_policy(bucket) if bucket else None
        if policy is None:
            return s3_access_denied_plain(method=envelope.method)
        now = self.clock.now_datetime()
        anonymous = Principal("AWS", ("anonymous",))
        for needed in mapped.requests:
            context = {
                "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "aws:EpochTime": str(int(now.timestamp())),
                **needed.context,
            }
            try:
                decision = evaluate_trust_policy(
                    Request(needed.action, needed.resources, anonymous, context), policy, "bucket policy"
                )
            except ValueError:  # a policy moto stored but IAM's grammar refuses: allows nothing
                return s3_access_denied_plain(method=envelope.method)
            if not decision.allowed:
                return s3_access_denied_plain(method=envelope.method)
        return None

    def _bucket_policy(self, bucket: str) -> str | None:
        """The bucket's policy as S3 holds it now (read on each anonymous request: never stale)."""
        s3 = self.internal.client("s3")
        try:
            return s3.get_bucket_policy(Bucket=bucket)["Policy"]
        except Exception:  # noqa: BLE001 - no bucket or no policy: nothing allows anonymous access
            return None

    def reset(self) -> None:
        """Forget every cached key schema (the local AWS's reset)."""
        with self._lock:
            self._partition_keys.clear()

    def forget_key_schema(self, envelope: RequestEnvelope) -> None:
        """Observer of CreateTable/DeleteTable/UpdateTable...: the table's key schema may have changed."""
        with self._lock:
            self._partition_keys.clear()

    def map(self, environ: dict[str, Any], envelope: RequestEnvelope) -> MappedOperation | None:
        service, signing = envelope.service, envelope.signing
        if service == "s3":
            envelope.s3_mapping = map_s3_request(environ, envelope.body, signing)
            return envelope.s3_mapping
        if service == "dynamodb":
            return map_dynamodb_request(
                environ,
                envelope.body,
                account_id=ACCOUNT_ID,
                signing=signing,
                document=envelope.document,
                partition_key_of=lambda table, index=None: self._partition_key(envelope.region, table, index),
            )
        operation = envelope.operation
        if operation is None:
            from .request import unmapped

            return unmapped(service, "the request names no operation")
        if (service, operation) in NO_PERMISSION_NEEDED:
            return None
        return MappedOperation(
            service, operation, [AuthorizationRequest(service, f"{service}:{operation}", ["*"])]
        )

    def _partition_key(self, region: str, table: str, index: str | None = None) -> str | None:
        key = (region, f"{table}/{index or ''}")
        if key not in self._partition_keys:
            try:
                description = self.internal.client("dynamodb", region).describe_table(TableName=table)[
                    "Table"
                ]
            except Exception:  # noqa: BLE001 - no such table: moto answers the request itself
                return None
            schema = description["KeySchema"]
            if index:
                indexes = description.get("GlobalSecondaryIndexes", []) + description.get(
                    "LocalSecondaryIndexes", []
                )
                schema = next((i["KeySchema"] for i in indexes if i["IndexName"] == index), schema)
            self._partition_keys[key] = next(
                (k["AttributeName"] for k in schema if k["KeyType"] == "HASH"), None
            )
        return self._partition_keys[key]

    def _context(self, credentials: IssuedCredentials, needed: AuthorizationRequest) -> dict[str, Any]:
        now = self.clock.now_datetime()
        return {
            **credentials.request_context(),
            "aws:PrincipalArn": credentials.role_arn,
            "aws:userid": credentials.assumed_role_id,
            "aws:PrincipalAccount": ACCOUNT_ID,
            "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "aws:EpochTime": str(int(now.timestamp())),
            **needed.context,
        }


def _caller_identity(start_response: Any, credentials: IssuedCredentials) -> list[bytes]:
    """STS GetCallerIdentity for a session the local AWS opened (moto does not know its keys)."""
    from ..query_protocol import element, xml_answer

    return xml_answer(
        start_response,
        "GetCallerIdentity",
        _QUERY_NAMESPACES["sts"],
        element("Arn", credentials.caller_arn)
        + element("UserId", credentials.assumed_role_id)
        + element("Account", credentials.caller_arn.split(":")[4]),
    )


def first_denied(decision: Decision) -> Decision:
    """The decision the denial names: for a request naming several resources, the first resource denied
    (its ARN and its reason); otherwise the decision itself."""
    return next((one for one in decision.per_resource if not one.allowed), decision)


def _reason(decision: Any) -> DenialReason:
    if decision.reason == "explicit deny":
        kinds = {ref.kind for ref in decision.deciding_statements}
        return (
            "explicit deny in a session policy"
            if kinds == {"session"}
            else "explicit deny in an identity-based policy"
        )
    if decision.reason == "implicit deny: no session policy allows":
        return "no session policy allows"
    return "no identity-based policy allows"


def _denial(
    protocol: str,
    service: str,
    method: str,
    caller: str,
    action: str,
    resource: str,
    reason: DenialReason,
    note: str | None = None,
) -> Denial:
    """AWS's access denial for the request's protocol; ``note`` (the local AWS's own sentence) follows
    AWS's message in the JSON services' answers, which carry it as text."""
    if protocol == "rest-xml":
        return s3_access_denied(caller, action, resource, reason, method=method)
    if service == "dynamodb":
        return dynamodb_access_denied(caller, action, resource, reason, note=note)
    if protocol == "json":
        return json_access_denied(caller, action, resource, reason, note=note)
    message = access_denied_message(caller, action, resource, reason)
    return _query_denial(service, "AccessDenied", message, 403)


def _query_denial(service: str, code: str, message: str, status: int) -> Denial:
    captured: dict[str, Any] = {}

    def start_response(status_line: str, headers: list[tuple[str, str]]) -> None:
        captured["status"], captured["headers"] = status_line, headers

    body = b"".join(
        xml_error(
            start_response,
            _QUERY_NAMESPACES.get(service, "https://amazonaws.com/doc/"),
            code,
            message,
            status,
        )
    )
    return Denial(status, captured["headers"], body)


def _expired(protocol: str, service: str, method: str) -> Denial:
    if protocol == "rest-xml":
        return s3_expired_token(method=method)
    if service == "dynamodb":
        return dynamodb_expired_token()
    if protocol == "json":
        return json_error("ExpiredTokenException", "The security token included in the request is expired")
    return _query_denial(
        service, "ExpiredToken", "The security token included in the request is expired", 400
    )


def _invalid_token(protocol: str, service: str, method: str) -> Denial:
    if protocol == "rest-xml":
        return s3_invalid_token(method=method)
    if service == "dynamodb":
        return dynamodb_unrecognized_client()
    if protocol == "json":
        return json_error(
            "UnrecognizedClientException", "The security token included in the request is invalid."
        )
    return _query_denial(
        service, "InvalidClientTokenId", "The security token included in the request is invalid.", 403
    )

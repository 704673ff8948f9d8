"""Enforcing IAM for requests signed with credentials the local AWS issued to identity-pool users.

Every such request is checked before moto sees it: the session token must be the one issued with the
key, the credentials must not have expired (by the local AWS's clock), and the request, mapped to its
IAM action, resources and condition keys (:mod:`.s3`, :mod:`.dynamodb`, or generically from the
operation name), must be allowed by the role's policies intersected with the session's policies
(:mod:`helpers.iam_policy`). Denials are answered in the service's own wire format with AWS's wording.
Requests signed with any other key (the administrator's) pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..clock import Clock
from ..constants import ACCOUNT_ID
from ..iam.roles import RoleDirectory
from ..issued_credentials import CredentialsRegistry, IssuedCredentials
from ..query_protocol import query_parameters, read_body, xml_error
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
    s3_expired_token,
    s3_invalid_token,
)
from .dynamodb import map_dynamodb_request
from .request import AuthorizationRequest, MappedOperation
from .s3 import map_s3_request
from .signing import SigningInfo, extract_signing

#: Operations every caller may perform without any permission (IAM User Guide, GetCallerIdentity).
NO_PERMISSION_NEEDED = {("sts", "GetCallerIdentity")}
_QUERY_NAMESPACES = {
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
}


class EnforcementLayer:
    def __init__(self, registry: CredentialsRegistry, clock: Clock, roles: RoleDirectory) -> None:
        self.registry = registry
        self.clock = clock
        self.roles = roles
        self.internal = roles.internal
        self._partition_keys: dict[tuple[str, str], str | None] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        path = environ.get("PATH_INFO", "")
        if path.startswith(("/moto-api", "/_local_aws")):
            return None
        body = read_body(environ)
        signing = extract_signing(environ, body)
        if signing is None or not signing.access_key_id:
            return None
        credentials = self.registry.get(signing.access_key_id)
        if credentials is None:
            return None
        denial = self.check(environ, body, signing, credentials)
        if denial is None:
            if signing.service == "sts" and _operation_name(environ, "query") == "GetCallerIdentity":
                return _caller_identity(start_response, credentials)
            return None
        start_response(denial.status_line, denial.headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [denial.body]

    def check(
        self, environ: dict[str, Any], body: bytes, signing: SigningInfo, credentials: IssuedCredentials
    ) -> Denial | None:
        service = signing.service or ""
        protocol = _protocol(environ, service)
        method = str(environ.get("REQUEST_METHOD", "GET"))
        if signing.security_token != credentials.session_token:
            return _invalid_token(protocol, service, method)
        if self.clock.now() >= credentials.expiration:
            return _expired(protocol, service, method)
        mapped = self.map(environ, body, signing, service, protocol)
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
                resource = (
                    next((r for r, d in decision.per_resource if not d.allowed), needed.resources[0])
                    if getattr(decision, "per_resource", None)
                    else needed.resources[0]
                )
                return _denial(
                    protocol,
                    service,
                    method,
                    credentials.caller_arn,
                    needed.action,
                    resource,
                    _reason(decision),
                )
        return None

    def map(
        self, environ: dict[str, Any], body: bytes, signing: SigningInfo, service: str, protocol: str
    ) -> MappedOperation | None:
        if service == "s3":
            return map_s3_request(environ, body, signing)
        if service == "dynamodb":
            return map_dynamodb_request(
                environ,
                body,
                account_id=ACCOUNT_ID,
                signing=signing,
                partition_key_of=lambda table, index=None: self._partition_key(
                    signing.region or "us-east-1", table, index
                ),
            )
        operation = _operation_name(environ, protocol)
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
            **credentials.context,
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


def _protocol(environ: dict[str, Any], service: str) -> str:
    if service == "s3":
        return "rest-xml"
    if environ.get("HTTP_X_AMZ_TARGET"):
        return "json"
    return "query"


def _operation_name(environ: dict[str, Any], protocol: str) -> str | None:
    if protocol == "json":
        return environ["HTTP_X_AMZ_TARGET"].rsplit(".", 1)[-1] or None
    return (query_parameters(environ) or {}).get("Action")


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
    if protocol == "rest-xml":
        denial = s3_access_denied(caller, action, resource, reason, method=method)
    elif service == "dynamodb":
        denial = dynamodb_access_denied(caller, action, resource, reason)
    elif protocol == "json":
        denial = json_access_denied(caller, action, resource, reason)
    else:
        message = access_denied_message(caller, action, resource, reason)
        return _query_denial(service, "AccessDenied", message, 403)
    if note is None:
        return denial
    return (
        denial._replace(body=denial.body.replace(b"action", b"action. " + note.encode(), 1))
        if protocol == "json" or service == "dynamodb"
        else denial
    )


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

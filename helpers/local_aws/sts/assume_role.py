"""STS ``AssumeRole`` as AWS answers it: the role's trust policy decides, and the credentials work.

moto answered every ``AssumeRole`` with credentials, whatever the role's trust policy said (the course's
roles trust only ``cognito-identity.amazonaws.com`` web identities) and whatever ``DurationSeconds`` asked
for, and the local AWS then refused those credentials everywhere (``InvalidClientTokenId``): moto's keys
are not the local AWS's. Here the request is checked against STS's model (``DurationSeconds`` from 900 to
43,200), the role's trust policy must allow ``sts:AssumeRole`` for the caller ("AssumeRole", AWS STS API
Reference: "The trust policy ... specifies who can assume the role"; a principal of the account's root
stands for every identity of the account), the duration must be within the role's maximum session
duration, and the session is one the local AWS opens, so its credentials are checked against the role's
policies like any other.

Callers: the local administrator, who acts for the account (``arn:aws:iam::<account>:root``) and whom
``GetCallerIdentity`` names ``user/moto``. A session the local AWS issued needs ``sts:AssumeRole`` in its
role's policies first, which the enforcement layer decides before this layer is asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..constants import ACCOUNT_ID
from ..issued_credentials import RoleSessions
from ..query_protocol import xml_answer, xml_error
from ..wire.envelope import RequestEnvelope, envelope_of
from .sessions import DEFAULT_DURATION, STSError, check_duration, session_elements, session_policies
from .web_identity import NAMESPACE

#: How GetCallerIdentity names the local administrator (moto's answer for its keys).
ADMINISTRATOR_ARN = f"arn:aws:sts::{ACCOUNT_ID}:user/moto"


def caller_of(envelope: RequestEnvelope) -> tuple[str, tuple[str, ...]]:
    """The caller's ARN, as AWS's messages name it, and every name a trust policy may know it by."""
    credentials = envelope.principal.credentials
    if credentials is not None:  # a session the local AWS opened
        return credentials.caller_arn, (credentials.caller_arn, credentials.role_arn)
    return ADMINISTRATOR_ARN, (f"arn:aws:iam::{ACCOUNT_ID}:root", f"arn:aws:iam::{ACCOUNT_ID}:user/moto")


class AssumeRoleLayer:
    def __init__(self, role_sessions: RoleSessions) -> None:
        self.role_sessions = role_sessions

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        envelope = envelope_of(environ)
        if envelope is None or (envelope.service, envelope.operation) != ("sts", "AssumeRole"):
            return None
        try:
            return xml_answer(start_response, "AssumeRole", NAMESPACE, self.AssumeRole(envelope))
        except STSError as error:
            return xml_error(start_response, NAMESPACE, error.code, error.message, error.status)

    def AssumeRole(self, envelope: RequestEnvelope) -> str:  # noqa: N802 - the operation's name
        from helpers.iam_policy import Principal, Request, evaluate_trust_policy

        from ..service_models import service_model
        from ..validation import ValidationError, validate_query_input

        try:
            params = validate_query_input(service_model("sts"), "AssumeRole", dict(envelope.params or {}))
        except ValidationError as error:
            raise STSError(error.code, error.message or "") from None
        role_arn, caller = params["RoleArn"], caller_of(envelope)
        denied = STSError(
            "AccessDenied",
            f"User: {caller[0]} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
            403,
        )
        role = self.role_sessions.roles.get(role_arn)
        if role is None:
            raise denied
        request = Request("sts:AssumeRole", role_arn, principal=Principal("AWS", caller[1]))
        if not evaluate_trust_policy(request, role.trust_policy).allowed:
            raise denied
        duration = params.get("DurationSeconds") or DEFAULT_DURATION
        check_duration(duration, role.max_session_duration)
        credentials = self.role_sessions.open(
            role, duration, session_name=params["RoleSessionName"], session_policies=session_policies(params)
        )
        return session_elements(credentials)

"""What STS's two role-session operations share (``AssumeRole``, ``AssumeRoleWithWebIdentity``): the checks
of the session asked for, and the elements of the answer that describe it."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from ..issued_credentials import IssuedCredentials
from ..query_protocol import element

#: STS's default session length ("DurationSeconds", AWS STS API Reference, AssumeRole and
#: AssumeRoleWithWebIdentity: "By default, the value is set to 3600 seconds").
DEFAULT_DURATION = 3600


class STSError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def check_duration(duration: int, max_session_duration: int) -> None:
    """STS's refusal of a session longer than the role allows."""
    if duration > max_session_duration:
        raise STSError(
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        )


def session_policies(params: dict[str, Any]) -> dict[str, str]:
    """The request's session policy (``Policy``), by name, after checking that it is JSON."""
    if not params.get("Policy"):
        return {}
    try:
        json.loads(params["Policy"])
    except ValueError:
        raise STSError("MalformedPolicyDocument", "The policy is not in the valid JSON format.") from None
    return {"session policy": params["Policy"]}


def session_elements(credentials: IssuedCredentials) -> str:
    """``<AssumedRoleUser>`` and ``<Credentials>`` of an answer, for a session the local AWS opened."""
    expiration = datetime.fromtimestamp(credentials.expiration, tz=timezone.utc)
    return (
        "<AssumedRoleUser>"
        + element("Arn", credentials.caller_arn)
        + element("AssumedRoleId", credentials.assumed_role_id)
        + "</AssumedRoleUser>"
        + "<Credentials>"
        + element("AccessKeyId", credentials.access_key_id)
        + element("SecretAccessKey", credentials.secret_access_key)
        + element("SessionToken", credentials.session_token)
        + element("Expiration", expiration.strftime("%Y-%m-%dT%H:%M:%SZ"))
        + "</Credentials>"
    )

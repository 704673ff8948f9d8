"""Credentials the local AWS issues to identity-pool users, and what they are limited by.

Keys are minted by moto's STS (an in-process AssumeRole as the administrator), so moto itself knows
the assumed role (GetCallerIdentity answers with it). The local AWS keeps what moto does not: the
session policies, the web-identity context keys for policy variables, and an expiry by the local
AWS's clock. Requests signed with these keys are authorised by :mod:`helpers.iam_policy`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .clock import Clock
from .internal import InternalAWS

SESSION_NAME = "CognitoIdentityCredentials"  # [§8]
ENHANCED_FLOW_SECONDS = 3600  # "valid for one hour" [§3]


@dataclass(frozen=True, repr=False)
class IssuedCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: float  # epoch seconds by the local AWS's clock
    role_arn: str
    caller_arn: str  # arn:aws:sts::<account>:assumed-role/<role>/<session name>
    assumed_role_id: str
    session_policies: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)  # condition keys: aud, sub, amr, ...

    @property
    def expiration_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.expiration, tz=timezone.utc)

    def __repr__(self) -> str:  # never the secret or the token
        return (
            f"IssuedCredentials(access_key_id={self.access_key_id[:4]}****, caller_arn={self.caller_arn!r})"
        )


class CredentialsRegistry:
    """Every key the local AWS issued, by access key id."""

    def __init__(self) -> None:
        self._by_key: dict[str, IssuedCredentials] = {}
        self._lock = threading.Lock()

    def add(self, credentials: IssuedCredentials) -> None:
        with self._lock:
            self._by_key[credentials.access_key_id] = credentials

    def get(self, access_key_id: str) -> IssuedCredentials | None:
        return self._by_key.get(access_key_id)


class RoleSessions:
    """Reads roles from IAM and opens sessions on them, as STS does for Cognito."""

    def __init__(self, internal: InternalAWS, registry: CredentialsRegistry, clock: Clock) -> None:
        self.internal = internal
        self.registry = registry
        self.clock = clock

    def role(self, role_arn: str) -> dict[str, Any] | None:
        """IAM's description of the role, or ``None`` when there is no such role."""
        from botocore.exceptions import ClientError

        if ":role/" not in role_arn:
            return None
        try:
            role = self.internal.client("iam").get_role(RoleName=role_arn.rsplit("/", 1)[-1])["Role"]
        except ClientError:
            return None
        return role if role["Arn"] == role_arn else None  # same name under another path or account

    def trust_policy(self, role_arn: str) -> dict[str, Any] | None:
        """The role's trust policy, or ``None`` when the role does not exist."""
        role = self.role(role_arn)
        if role is None:
            return None
        document = role["AssumeRolePolicyDocument"]
        return json.loads(document) if isinstance(document, str) else document

    def max_session_duration(self, role_arn: str) -> int:
        role = self.role(role_arn)
        return int(role.get("MaxSessionDuration", 3600)) if role else 3600

    def open(
        self,
        role_arn: str,
        duration: int,
        session_name: str = SESSION_NAME,
        session_policies: dict[str, str] | None = None,
        context: dict[str, Any] | None = None,
    ) -> IssuedCredentials:
        answer = self.internal.client("sts").assume_role(
            RoleArn=role_arn, RoleSessionName=session_name, DurationSeconds=duration
        )
        keys = answer["Credentials"]
        credentials = IssuedCredentials(
            access_key_id=keys["AccessKeyId"],
            secret_access_key=keys["SecretAccessKey"],
            session_token=keys["SessionToken"],
            expiration=self.clock.now() + duration,
            role_arn=role_arn,
            caller_arn=answer["AssumedRoleUser"]["Arn"],
            assumed_role_id=answer["AssumedRoleUser"]["AssumedRoleId"],
            session_policies=dict(session_policies or {}),
            context=dict(context or {}),
        )
        self.registry.add(credentials)
        return credentials

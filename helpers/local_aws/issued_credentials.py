"""Credentials the local AWS issues to identity-pool users, and what they are limited by.

Each session records what AWS would know about it: the role, the session policies, the web-identity
context keys for policy variables, and an expiry by the local AWS's clock. Requests signed with these
keys are authorised by :mod:`helpers.iam_policy` (see ``authorization.enforcement``).
"""

from __future__ import annotations

import base64
import secrets
import string
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .clock import Clock
from .iam.roles import Role, RoleDirectory

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

    def reset(self) -> None:
        """Forget every key (the local AWS's reset)."""
        with self._lock:
            self._by_key.clear()


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


class RoleSessions:
    """Opens sessions on roles, as STS does for Cognito: ``ASIA`` keys, a session token, an expiry.

    The keys are minted here rather than by a round trip through moto's STS: nothing in moto needs to
    know them (its own IAM enforcement is off), and the local AWS answers GetCallerIdentity for them.
    """

    def __init__(self, roles: RoleDirectory, registry: CredentialsRegistry, clock: Clock) -> None:
        self.roles = roles
        self.registry = registry
        self.clock = clock

    def open(
        self,
        role: Role,
        duration: int,
        session_name: str = SESSION_NAME,
        session_policies: dict[str, str] | None = None,
        context: dict[str, Any] | None = None,
    ) -> IssuedCredentials:
        account = role.arn.split(":")[4]
        role_name = role.arn.rsplit("/", 1)[-1]
        credentials = IssuedCredentials(
            access_key_id="ASIA" + _random(string.ascii_uppercase + string.digits, 16),
            secret_access_key=_random(string.ascii_letters + string.digits + "+/", 40),
            session_token=base64.b64encode(secrets.token_bytes(240)).decode(),
            expiration=self.clock.now() + duration,
            role_arn=role.arn,
            caller_arn=f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}",
            assumed_role_id=f"{role.role_id}:{session_name}",
            session_policies=dict(session_policies or {}),
            context=dict(context or {}),
        )
        self.registry.add(credentials)
        return credentials

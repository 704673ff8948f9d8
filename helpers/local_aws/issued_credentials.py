"""Credentials the local AWS issues to identity-pool users, and what they are limited by.

Each session records what AWS would know about it: the role, the session policies, the web-identity
context keys for policy variables, and an expiry by the local AWS's clock. Requests signed with these
keys are authorised by :mod:`helpers.iam_policy` (see ``authorization.enforcement``).
"""

from __future__ import annotations

import base64
import heapq
import secrets
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .clock import Clock
from .iam.roles import Role, RoleDirectory

SESSION_NAME = "CognitoIdentityCredentials"  # GetCredentialsForIdentity's sessions are named so
# "valid for one hour" ("Identity pools authentication flow", Cognito Developer Guide)
ENHANCED_FLOW_SECONDS = 3600


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
    session_tags: dict[str, str] = field(default_factory=dict)  # read as aws:PrincipalTag/<key>

    def request_context(self) -> dict[str, Any]:
        """The condition keys every request signed with these keys carries: the web identity's keys
        and the session tags as ``aws:PrincipalTag/<key>`` (IAM User Guide, "Passing session tags in
        AWS STS": session tags are principal tags for the session's lifetime)."""
        return {
            **self.context,
            **{f"aws:PrincipalTag/{key}": value for key, value in self.session_tags.items()},
        }

    @property
    def expiration_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.expiration, tz=timezone.utc)

    def __repr__(self) -> str:  # never the secret or the token
        return (
            f"IssuedCredentials(access_key_id={self.access_key_id[:4]}****, caller_arn={self.caller_arn!r})"
        )


class CredentialsRegistry:
    """Every key the local AWS issued, by access key id, until some time after it expired.

    AWS's temporary credentials carry their own expiry (the session token), so AWS keeps nothing per
    issued key; the local AWS looks keys up here, and would grow by one record per sign-in for as long
    as it runs. So expired credentials are forgotten, lazily: when a new key is added and more than
    ``keep`` keys are held, every key expired by then (by the local clock) is moved to a bounded list of
    recently expired keys (the ``recently_expired`` latest), which still answer as before:
    ``ExpiredToken`` (or, if the clock is put back, as valid again). A key that has left that list too is
    unknown. AWS answers ``ExpiredToken`` for an expired session token however old; the local AWS does so
    for the last ``recently_expired`` forgotten keys only (a documented difference: memory stays flat).
    Below ``keep`` keys nothing is forgotten, so a notebook's few keys behave exactly as they always did.
    """

    KEEP = 1000
    RECENTLY_EXPIRED = 1000

    def __init__(self, keep: int = KEEP, recently_expired: int = RECENTLY_EXPIRED) -> None:
        self._by_key: dict[str, IssuedCredentials] = {}
        self._expiring: list[tuple[float, str]] = []  # heap of (expiration, access key id)
        self._recently_expired: OrderedDict[str, IssuedCredentials] = OrderedDict()
        self._keep = keep
        self._recently_expired_size = recently_expired
        self._lock = threading.Lock()

    def add(self, credentials: IssuedCredentials, now: float | None = None) -> None:
        """Hold ``credentials``; with ``now`` (the local clock), forget what has expired if the registry is
        over ``keep`` keys."""
        with self._lock:
            self._by_key[credentials.access_key_id] = credentials
            heapq.heappush(self._expiring, (credentials.expiration, credentials.access_key_id))
            if now is not None and len(self._by_key) > self._keep:
                self._forget_expired(now)

    def get(self, access_key_id: str) -> IssuedCredentials | None:
        found = self._by_key.get(access_key_id)
        return found if found is not None else self._recently_expired.get(access_key_id)

    def __len__(self) -> int:
        """How many keys are held (recently expired ones not counted)."""
        return len(self._by_key)

    def _forget_expired(self, now: float) -> None:
        while self._expiring and self._expiring[0][0] <= now:
            _, key = heapq.heappop(self._expiring)
            credentials = self._by_key.get(key)
            if credentials is None:
                continue
            # Into the recent list before out of the registry: a concurrent get() always finds it.
            self._recently_expired[key] = credentials
            del self._by_key[key]
            if len(self._recently_expired) > self._recently_expired_size:
                self._recently_expired.popitem(last=False)

    def reset(self) -> None:
        """Forget every key, expired or not, recently expired ones too (the local AWS's reset)."""
        with self._lock:
            self._by_key.clear()
            self._expiring.clear()
            self._recently_expired.clear()


def _access_key_id() -> str:
    """``ASIA`` and 16 base32 characters (A-Z, 2-7), the shape of AWS's temporary access key ids."""
    return "ASIA" + base64.b32encode(secrets.token_bytes(10)).decode()


def _secret_access_key() -> str:
    """40 characters of A-Z, a-z, 0-9, ``+`` and ``/``, as AWS's secret access keys."""
    return base64.b64encode(secrets.token_bytes(30)).decode()


def _shared(text: str) -> str:
    return sys.intern(text) if type(text) is str else text


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
        session_tags: dict[str, str] | None = None,
    ) -> IssuedCredentials:
        account = role.arn.split(":")[4]
        role_name = role.arn.rsplit("/", 1)[-1]
        credentials = IssuedCredentials(
            access_key_id=_access_key_id(),
            secret_access_key=_secret_access_key(),
            session_token=base64.b64encode(secrets.token_bytes(240)).decode(),
            expiration=self.clock.now() + duration,
            role_arn=role.arn,
            caller_arn=f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}",
            assumed_role_id=f"{role.role_id}:{session_name}",
            # One copy of each policy text for all sessions (every guest gets the same two).
            session_policies={name: _shared(text) for name, text in (session_policies or {}).items()},
            context=dict(context or {}),
            session_tags=dict(session_tags or {}),
        )
        self.registry.add(credentials, now=self.clock.now())
        return credentials

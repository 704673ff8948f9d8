"""IAM roles as the identity-pool layer needs them: trust policy, session limit, permission policies.

Read from moto's IAM in-process and cached per role; the cache is dropped whenever an IAM request
that may change something passes through the local AWS (:class:`IamChangeWatch`), so a trust or
permission change takes effect on the next request, as on AWS (minus its eventual consistency).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from ..internal import InternalAWS


@dataclass(frozen=True)
class Role:
    arn: str
    role_id: str
    trust_policy: dict[str, Any]
    max_session_duration: int
    policies: dict[str, str] = field(default_factory=dict)  # name -> JSON document (inline and attached)


def _document(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


class RoleDirectory:
    def __init__(self, internal: InternalAWS) -> None:
        self.internal = internal
        self._roles: dict[str, Role | None] = {}
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._roles.clear()

    def get(self, role_arn: str) -> Role | None:
        """The role, or ``None`` when no role has this ARN (same name under another path does not count)."""
        with self._lock:
            if role_arn in self._roles:
                return self._roles[role_arn]
        role = self._read(role_arn)
        with self._lock:
            self._roles[role_arn] = role
        return role

    def _read(self, role_arn: str) -> Role | None:
        if ":role/" not in role_arn:
            return None
        iam = self.internal.client("iam")
        name = role_arn.rsplit("/", 1)[-1]
        try:
            described = iam.get_role(RoleName=name)["Role"]
            if described["Arn"] != role_arn:
                return None
            policies = {
                policy: _document(iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"])
                for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]
            }
            for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
                arn = attached["PolicyArn"]
                version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
                document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"][
                    "Document"
                ]
                policies[attached["PolicyName"]] = _document(document)
        except iam.exceptions.NoSuchEntityException:
            return None
        trust = described["AssumeRolePolicyDocument"]
        return Role(
            arn=role_arn,
            role_id=described["RoleId"],
            trust_policy=json.loads(trust) if isinstance(trust, str) else trust,
            max_session_duration=int(described.get("MaxSessionDuration", 3600)),
            policies=policies,
        )


class IamChangeWatch:
    """Drops the role cache after IAM answered an operation that may change something.

    It follows the operation the front door parsed (any IAM operation but ``Get*``/``List*``), never
    the text of the request's headers.
    """

    def __init__(self, roles: RoleDirectory) -> None:
        self.roles = roles

    def observe(self, envelope: Any) -> None:
        operation = envelope.operation or ""
        if envelope.service == "iam" and not operation.startswith(("Get", "List")):
            self.roles.invalidate()

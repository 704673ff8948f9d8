"""IAM's rule for identity-pool roles: no trust policy that any identity pool could assume ("Role trust and
permissions", Cognito Developer Guide).

Since 2024 (after CVE-2024-28056), IAM refuses to create or update a trust policy that lets the
``cognito-identity.amazonaws.com`` principal assume a role without a condition ("IAM requires that
roles for identity pools have at least one trust policy condition", identity pools security best
practices). moto accepts anything, even a document that is not JSON, so this layer checks CreateRole and
UpdateAssumeRolePolicy first.
The exact IAM error text is UNCONFIRMED; the code is IAM's usual one for a refused policy document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..query_protocol import xml_error
from ..wire.envelope import envelope_of

NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/"
COGNITO_PRINCIPAL = "cognito-identity.amazonaws.com"
MESSAGE = (
    "Trust policy for the cognito-identity.amazonaws.com principal must include a condition "
    "(for example on cognito-identity.amazonaws.com:aud) "
    "so that only your identity pools can assume the role."
)


#: IAM's answer to a policy document that is not JSON (as the AWS CLI and terraform print it:
#: "MalformedPolicyDocument: This policy contains invalid Json").
INVALID_JSON = "This policy contains invalid Json"


def unconditioned_cognito_statements(document: Any) -> list[int]:
    """Indexes of Allow statements that let the Cognito principal in without any condition."""
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    found = []
    for index, statement in enumerate(statements):
        if (
            not isinstance(statement, dict)
            or statement.get("Effect") != "Allow"
            or statement.get("Condition")
        ):
            continue
        principal = statement.get("Principal")
        federated = principal.get("Federated") if isinstance(principal, dict) else None
        names = [federated] if isinstance(federated, str) else list(federated or [])
        if COGNITO_PRINCIPAL in names:
            found.append(index)
    return found


class TrustPolicyGuard:
    """Routed IAM CreateRole and UpdateAssumeRolePolicy (the operation the front door parsed)."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        envelope = envelope_of(environ)
        if envelope is None or envelope.service != "iam":
            return None
        params = envelope.params
        if not params or envelope.operation not in ("CreateRole", "UpdateAssumeRolePolicy"):
            return None
        raw = params.get("AssumeRolePolicyDocument") or params.get("PolicyDocument") or ""
        try:
            document = json.loads(raw)
        except ValueError:  # moto took any text as a policy; IAM's words for this refusal
            return xml_error(start_response, NAMESPACE, "MalformedPolicyDocument", INVALID_JSON)
        if unconditioned_cognito_statements(document):
            return xml_error(start_response, NAMESPACE, "MalformedPolicyDocument", MESSAGE)
        return None

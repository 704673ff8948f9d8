"""The course's own IAM policy evaluator: allow/deny decisions that explain themselves.

Used by the local AWS to authorise every request signed with identity pool credentials, and from the
notebooks to show *why* a request is allowed or denied::

    from helpers.iam_policy import Request, evaluate
    decision = evaluate(Request("s3:GetObject", "arn:aws:s3:::bucket/key"), [policy_json])
    print(decision.explain())

It follows AWS's documented evaluation logic and condition operator reference; see
:mod:`helpers.iam_policy.evaluation` for the choices made where the documentation leaves room.
"""

from .conditions import ConditionOutcome, ConditionResult, evaluate_conditions
from .evaluation import (
    Decision,
    Policy,
    PolicyError,
    PolicyLike,
    Principal,
    Request,
    Statement,
    StatementRef,
    StatementResult,
    cognito_web_identity_request,
    evaluate,
    evaluate_statement,
    evaluate_trust_policy,
    tag_session_request,
)
from .matching import action_matches, arn_like, normalize_context, resolve, resource_matches

__all__ = [
    "ConditionOutcome",
    "ConditionResult",
    "Decision",
    "Policy",
    "PolicyError",
    "PolicyLike",
    "Principal",
    "Request",
    "Statement",
    "StatementRef",
    "StatementResult",
    "action_matches",
    "arn_like",
    "cognito_web_identity_request",
    "evaluate",
    "evaluate_conditions",
    "evaluate_statement",
    "evaluate_trust_policy",
    "normalize_context",
    "resolve",
    "resource_matches",
    "tag_session_request",
]

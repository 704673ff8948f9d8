"""The decision-only path (``statement_applies``, ``conditions_match``) against the explained one.

Every test in this folder already runs under the cross-check of ``conftest.py``; the cases here are the
corners where deciding without explaining is easiest to get wrong (a condition that stops early, an
invalid or missing value, a negated element, a policy without statements), each decided both ways.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from helpers.iam_policy import Policy, Principal, Request, evaluate, evaluate_trust_policy, evaluation
from helpers.iam_policy.conditions import conditions_match, evaluate_conditions
from helpers.iam_policy.evaluation import evaluate_statement, statement_applies
from helpers.iam_policy.matching import normalize_context

V12 = "2012-10-17"
BUCKET = "arn:aws:s3:::bucket"


@pytest.fixture(autouse=True)
def decisions_match_their_explanations() -> Iterator[None]:
    """Overrides the folder's cross-check here: these tests compare both paths themselves, and one of
    them checks that deciding alone works nothing out (the cross-check would work it out)."""
    yield


CONDITION_BLOCKS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"Null": {"a:b": "maybe"}}, {}),  # an invalid Null value
    ({"Null": {"a:b": []}}, {}),  # no Null value at all
    ({"Null": {"a:b": ["true", "false"]}}, {"a:b": "x"}),
    ({"Null": {"a:b": "false"}}, {"a:b": "x"}),
    ({"IfExists": {"a:b": "x"}}, {"a:b": "x"}),  # not an operator
    ({"ForSomeValues:StringEquals": {"a:b": "x"}}, {"a:b": "x"}),
    ({"StringEquals": {}}, {"a:b": "x"}),  # no keys
    ({"StringEquals": "a:b"}, {"a:b": "x"}),  # not an object
    ({"StringEquals": {"a:b": {"nested": 1}}}, {"a:b": "x"}),  # a value that is no string
    ({"NumericLessThan": {"a:n": "ten"}}, {"a:n": "3"}),  # an invalid policy value
    ({"NumericLessThan": {"a:n": "10"}}, {"a:n": "three"}),  # an invalid request value
    ({"StringEquals": {"a:b": "${aws:username}"}}, {"a:b": "x"}),  # a variable without a value
    ({"StringEquals": {"a:b": "${aws:username}"}}, {"a:b": "x", "aws:username": "x"}),
    ({"StringNotEquals": {"a:b": "x"}}, {}),  # negated, key absent
    ({"StringLikeIfExists": {"a:b": "x*"}}, {}),
    ({"ForAllValues:StringEquals": {"a:b": ["x"]}}, {}),
    ({"ForAnyValue:StringEquals": {"a:b": ["x"]}}, {}),
    ({"ForAllValues:StringNotEquals": {"a:b": ["x"]}}, {"a:b": ["y", "z"]}),
    ({"ForAnyValue:StringNotLike": {"a:b": ["x*"]}}, {"a:b": ["xa", "y"]}),
    # the first pair fails, the second is invalid: both paths must say "no match" without raising
    ({"StringEquals": {"a:b": "y"}, "Bool": {"a:c": "perhaps"}}, {"a:b": "x", "a:c": "true"}),
    ({"StringEquals": {"a:b": "x"}, "Bool": {"a:c": "true"}}, {"a:b": "x", "a:c": "true"}),
    ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113.9"}),
    (
        {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2026-11-29T10:00:00Z"},
    ),
]


@pytest.mark.parametrize(("block", "context"), CONDITION_BLOCKS)
@pytest.mark.parametrize("variables", [True, False])
def test_conditions_match_is_the_explained_outcome(
    block: dict[str, Any], context: dict[str, Any], variables: bool
) -> None:
    normalized = normalize_context(context)
    explained = evaluate_conditions(block, normalized, variables=variables).matched
    assert conditions_match(block, normalized, variables=variables) is explained


STATEMENTS: list[tuple[str, dict[str, Any], Request]] = [
    (
        "identity",
        {"Effect": "Allow", "NotAction": "s3:Put*", "Resource": "*"},
        Request("s3:GetObject", BUCKET),
    ),
    (
        "identity",
        {"Effect": "Allow", "NotAction": "s3:Get*", "Resource": "*"},
        Request("s3:GetObject", BUCKET),
    ),
    (
        "identity",
        {"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET}/private/*"},
        Request("s3:GetObject", f"{BUCKET}/private/k"),
    ),
    (
        "identity",
        {"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET}/private/*"},
        Request("s3:GetObject", f"{BUCKET}/public/k"),
    ),
    (
        "identity",
        {"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET}/${{aws:username}}/*"},
        Request("s3:GetObject", f"{BUCKET}/x/k"),
    ),  # unresolved under NotResource: excludes nothing
    ("identity", {"Effect": "Allow", "Action": "s3:*"}, Request("s3:GetObject", BUCKET)),  # no Resource
    ("trust", {"Effect": "Allow", "Action": "sts:AssumeRole"}, Request("sts:AssumeRole")),  # no Principal
    (
        "trust",
        {"Effect": "Allow", "Principal": {"Service": "EC2.amazonaws.com"}, "Action": "sts:AssumeRole"},
        Request("sts:AssumeRole", principal=Principal.service("ec2.amazonaws.com")),
    ),
    (
        "resource",
        {"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*"},
        Request("s3:GetObject", BUCKET, Principal.aws("arn:aws:iam::111122223333:role/r")),
    ),
    (
        "resource",
        {"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*"},
        Request("s3:GetObject", BUCKET),
    ),  # anonymous
]


@pytest.mark.parametrize(("kind", "statement", "request_"), STATEMENTS)
def test_statement_applies_is_the_explained_result(
    kind: str, statement: dict[str, Any], request_: Request
) -> None:
    policy = Policy.parse({"Version": V12, "Statement": [statement]})
    (parsed,) = policy.statements
    explained = evaluate_statement(parsed, policy, kind, request_).applies
    assert statement_applies(parsed, policy, kind, request_) is explained


def test_a_session_policy_without_statements_allows_nothing_on_both_paths() -> None:
    decision = evaluate(
        Request("s3:GetObject", BUCKET),
        [{"Version": V12, "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}],
        session_policies=[{"Version": V12, "Statement": []}],
    )
    assert not decision.allowed and decision.reason == "implicit deny: no session policy allows"
    assert not any(result.applies for result in decision.results if result.ref.kind == "session")
    assert decision.explain().startswith("DENY s3:GetObject on arn:aws:s3:::bucket: implicit deny")


def test_deciding_builds_no_explanation_until_one_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    explained: list[str] = []

    def counted(statement: Any, *args: Any) -> Any:
        explained.append(statement.effect)
        return evaluate_statement(statement, *args)

    monkeypatch.setattr(evaluation, "evaluate_statement", counted)
    policy = {
        "Version": V12,
        "Statement": [
            {"Effect": "Allow", "Action": "*"},
            {"Effect": "Deny", "Action": "s3:Put*", "Resource": "*"},
        ],
    }
    decision = evaluate(Request("s3:GetObject", BUCKET), [policy])
    assert not decision.allowed and explained == []  # decided, nothing explained
    assert (
        decision.explain().splitlines()[0]
        == f"DENY s3:GetObject on {BUCKET}: implicit deny: no statement allows"
    )
    decision.explain(verbose=True)
    assert explained == ["Allow", "Deny"]  # worked out once, on first use, then kept
    assert decision.results[0].failure == "no Resource or NotResource element: statement ignored"


def test_a_trust_decision_explains_itself_lazily_too() -> None:
    trust = {
        "Version": V12,
        "Statement": {
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "pool"}},
        },
    }
    request = Request(
        "sts:AssumeRoleWithWebIdentity",
        principal=Principal.federated("cognito-identity.amazonaws.com"),
        context={"cognito-identity.amazonaws.com:aud": "other"},
    )
    decision = evaluate_trust_policy(request, trust)
    assert not decision.allowed
    assert "request 'other' vs policy ['pool'] -> false" in decision.explain()

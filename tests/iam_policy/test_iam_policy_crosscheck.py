"""Cross-check :mod:`helpers.iam_policy` against an independent evaluator, ``principalmapper`` (PMapper).

Each case is an identity-based policy set and one request, evaluated by both: the course's
``evaluate(...)`` and PMapper's local policy simulation
(``principalmapper.querying.local_policy_simulation.policy_has_matching_statement``: an explicit Deny in
any policy denies, otherwise an Allow allows). The test asserts that the two agree, and that both give
the decision written in the case (the expectation from AWS's documentation).

Only behaviour that PMapper 1.1.5 implements as AWS documents it is cross-checked. Left out on purpose
(PMapper is wrong or silent there; the course's own table in ``test_iam_policy.py`` beside this file covers
them):

* ``Principal``/``NotPrincipal``, resource-based policies, permissions boundaries and session
  policies: PMapper's identity-policy check ignores Principal, and its resource-policy check needs a
  graph ``Node``.
* Resource case: PMapper matches Resource ARNs case-insensitively (``re.IGNORECASE``); AWS compares
  them case-sensitively.
* Policy variables beyond a plain ``${key}`` in Resource: PMapper substitutes variables in every policy
  version (also ``2008-10-17``, where they are literal text), not in Condition values, has no
  ``${key, 'default'}``, and turns a ``*`` inside a substituted value into a wildcard.
* ``StringNotLike`` (and ``ArnNot*`` on invalid ARNs) with the key absent: PMapper returns false; AWS
  makes negated operators true for a missing key.
* ``Numeric*IfExists``, ``Date*IfExists`` and ``IpAddressIfExists`` with the key *present*: PMapper
  compares the block name exactly, so ``NumericLessThanIfExists`` never matches and
  ``IpAddressIfExists`` is evaluated as ``NotIpAddress``. (Their missing-key case is cross-checked.)
* ``ForAnyValue``/``ForAllValues`` with Numeric, Date, Bool, IpAddress or Arn operators (same
  exact-name comparison: the value is never compared), and ``ForAnyValue:StringNotEquals``/
  ``StringNotLike`` (PMapper tests the whole value list at once instead of "some value matches none").
* Dates without a time zone (PMapper builds naive datetimes and then fails comparing them with aware
  ones), numbers PMapper's ``ast.literal_eval`` cannot read (``"010"``), empty-string context values
  (skipped by PMapper's set operators), plain operators on multivalued keys (not defined by AWS).
* ``ArnLike`` patterns with fewer than six ARN parts (PMapper matches the whole string, AWS each part)
  or differing only in case (PMapper ignores case; AWS documents Arn* as case-sensitive).
* Several values for one ``Date*`` key (PMapper returns after the first value instead of ORing them),
  JSON ``true``/numbers as condition values (PMapper compares ``True == "true"`` or crashes in
  ``ast.literal_eval``), and ``Null`` on an empty multivalued key.
* Regular-expression characters (``+ ( ) [ ] |``) in Resource or ``StringLike`` patterns (PMapper does
  not escape them), ``${*}``/``${?}``/``${$}``, and variable names spelled in another case.
* Statements without Resource/NotResource (PMapper lets them match; IAM refuses such policies) and
  unknown condition operators (PMapper ignores the block; the course's evaluator does not match).
"""

from __future__ import annotations

import collections
import collections.abc
import os
from dataclasses import dataclass, field
from typing import Any

import pytest

from helpers.iam_policy import Request, evaluate

# PMapper 1.1.5 does ``from collections import Mapping, MutableMapping`` (removed in Python 3.10).
_SHIMMED = [name for name in ("Mapping", "MutableMapping", "Sequence") if not hasattr(collections, name)]
for _name in _SHIMMED:
    setattr(collections, _name, getattr(collections.abc, _name))

if os.environ.get("CI") == "true":
    # A declared test dependency: in CI its absence (or a broken import) fails the run instead of skipping.
    try:
        import principalmapper.querying.local_policy_simulation  # noqa: F401
    except ImportError as error:
        pytest.fail(f"principalmapper is a declared test dependency but cannot be imported: {error}")
pytest.importorskip("principalmapper")

from principalmapper.common import Policy as PMapperPolicy  # noqa: E402
from principalmapper.querying.local_policy_simulation import policy_has_matching_statement  # noqa: E402
from principalmapper.util.case_insensitive_dict import CaseInsensitiveDict  # noqa: E402

for _name in _SHIMMED:  # PMapper has bound the names it needs; leave collections as Python has it
    delattr(collections, _name)

V12 = "2012-10-17"
BUCKET = "arn:aws:s3:::course-bucket"
OBJECT = f"{BUCKET}/notes/a.txt"
K_AMR = "cognito-identity.amazonaws.com:amr"
K_SUB = "cognito-identity.amazonaws.com:sub"
SUB = "us-east-1:0f3a5c9e-1111-2222-3333-444455556666"
AMR_AUTH = ["authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc", "cognito-idp:sub"]
NOW = "2024-06-01T12:00:00Z"


def stmt(effect: str = "Allow", action: Any = "*", resource: Any = "*", condition: Any = None, **not_: Any):
    """A statement; ``NotAction=...``/``NotResource=...`` replace Action/Resource."""
    statement: dict[str, Any] = {"Effect": effect, "Action": action, "Resource": resource}
    for name, value in not_.items():
        del statement[name[3:]]
        statement[name] = value
    if condition is not None:
        statement["Condition"] = condition
    return statement


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": V12, "Statement": list(statements)}


def allow_if(condition: dict[str, Any], action: str = "s3:GetObject") -> list[dict[str, Any]]:
    return [doc(stmt("Allow", action, "*", condition))]


@dataclass
class Case:
    id: str
    policies: list[dict[str, Any]]
    action: str
    resource: str
    allowed: bool  # what AWS documents; both evaluators must give it
    context: dict[str, Any] = field(default_factory=dict)


def c(id: str, policies, action: str, resource: str, allowed: bool, context: dict[str, Any] | None = None):
    return Case(id, policies, action, resource, allowed, context or {})


def cond(id: str, condition: dict[str, Any], allowed: bool, context: dict[str, Any] | None = None) -> Case:
    return Case(id, allow_if(condition), "s3:GetObject", OBJECT, allowed, context or {})


DENY_INSECURE = stmt("Deny", "*", "*", {"Bool": {"aws:SecureTransport": "false"}})
DENY_OUTSIDE_RANGE = stmt("Deny", "s3:*", "*", {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})

CASES = [
    # --- Action / NotAction, wildcards * and ?, case-insensitive action names
    c("action-exact", [doc(stmt(action="s3:GetObject", resource=OBJECT))], "s3:GetObject", OBJECT, True),
    c("action-other", [doc(stmt(action="s3:GetObject", resource=OBJECT))], "s3:PutObject", OBJECT, False),
    c("action-case", [doc(stmt(action="S3:getobject", resource=OBJECT))], "s3:GetObject", OBJECT, True),
    c("action-star-prefix", [doc(stmt(action="s3:Get*"))], "s3:GetObjectAcl", OBJECT, True),
    c("action-star-miss", [doc(stmt(action="s3:Get*"))], "s3:PutObject", OBJECT, False),
    c("action-star-all", [doc(stmt(action="*"))], "cognito-identity:GetId", "*", True),
    c("action-qmark", [doc(stmt(action="s3:?etObject"))], "s3:GetObject", OBJECT, True),
    c("action-qmark-one-char", [doc(stmt(action="s3:Get?Object"))], "s3:GetObject", OBJECT, False),
    c("action-list", [doc(stmt(action=["sqs:*", "s3:List*"]))], "s3:ListBucket", BUCKET, True),
    c("notaction-allows-rest", [doc(stmt(NotAction="iam:*"))], "s3:GetObject", OBJECT, True),
    c("notaction-excludes", [doc(stmt(NotAction=["iam:*", "sts:*"]))], "iam:CreateUser", "*", False),
    # --- Resource / NotResource, wildcards
    c("resource-star-object", [doc(stmt(resource=f"{BUCKET}/*"))], "s3:GetObject", OBJECT, True),
    c("resource-star-not-bucket", [doc(stmt(resource=f"{BUCKET}/*"))], "s3:ListBucket", BUCKET, False),
    c("resource-star-crosses-slash", [doc(stmt(resource=f"{BUCKET}/*.txt"))], "s3:GetObject", OBJECT, True),
    c("resource-qmark", [doc(stmt(resource="arn:aws:s3:::bucket-?"))], "s3:ListBucket",
      "arn:aws:s3:::bucket-a", True),
    c("resource-qmark-one-char", [doc(stmt(resource="arn:aws:s3:::bucket-?"))], "s3:ListBucket",
      "arn:aws:s3:::bucket-ab", False),
    c("resource-list", [doc(stmt(resource=["arn:aws:s3:::x", f"{BUCKET}/notes/*"]))], "s3:GetObject",
      OBJECT, True),
    c("resource-other-bucket", [doc(stmt(resource=f"{BUCKET}/*"))], "s3:GetObject", "arn:aws:s3:::x/a",
      False),
    c("notresource-allows-rest", [doc(stmt(NotResource="arn:aws:s3:::secret/*"))], "s3:GetObject", OBJECT,
      True),
    c("notresource-excludes", [doc(stmt(NotResource=["arn:aws:s3:::secret/*", f"{BUCKET}/notes/*"]))],
      "s3:GetObject", OBJECT, False),
    # --- explicit deny overrides allow (same policy, other policy, Deny with NotResource)
    c("deny-overrides", [doc(stmt(action="s3:*"), stmt("Deny", "s3:Get*", f"{BUCKET}/*"))],
      "s3:GetObject", OBJECT, False),
    c("deny-other-action", [doc(stmt(action="s3:*"), stmt("Deny", "s3:Delete*"))], "s3:GetObject", OBJECT,
      True),
    c("deny-in-second-policy", [doc(stmt()), doc(stmt("Deny", "s3:GetObject", OBJECT))],
      "s3:GetObject", OBJECT, False),
    c("deny-notresource-inside", [doc(stmt(), stmt("Deny", "s3:*", NotResource=f"{BUCKET}/*"))],
      "s3:GetObject", OBJECT, True),
    c("deny-notresource-outside", [doc(stmt(), stmt("Deny", "s3:*", NotResource=f"{BUCKET}/*"))],
      "s3:GetObject", "arn:aws:s3:::other/a", False),
    c("deny-notaction", [doc(stmt(), stmt("Deny", NotAction="s3:Get*"))], "s3:PutObject", OBJECT, False),
    c("deny-only", [doc(stmt("Deny", "iam:*"))], "s3:GetObject", OBJECT, False),
    # --- policy variables in Resource (plain ${key} with a value; a colon inside the key)
    c("var-username", [doc(stmt(resource=f"{BUCKET}/home/${{aws:username}}/*"))], "s3:GetObject",
      f"{BUCKET}/home/alice/x", True, {"aws:username": "alice"}),
    c("var-username-other", [doc(stmt(resource=f"{BUCKET}/home/${{aws:username}}/*"))], "s3:GetObject",
      f"{BUCKET}/home/bob/x", False, {"aws:username": "alice"}),
    # PMapper reaches "no match" here by comparing the literal text ${aws:username}; AWS (and the course's
    # evaluator) because a variable without a value matches nothing. Same decision, different route.
    c("var-missing", [doc(stmt(resource=f"{BUCKET}/home/${{aws:username}}/*"))], "s3:GetObject",
      f"{BUCKET}/home/alice/x", False),
    Case("var-cognito-sub", [doc(stmt(resource=f"{BUCKET}/${{{K_SUB}}}/*"))], "s3:GetObject",
         f"{BUCKET}/{SUB}/a.txt", True, {K_SUB: SUB}),
    Case("var-cognito-sub-other", [doc(stmt(resource=f"{BUCKET}/${{{K_SUB}}}/*"))], "s3:GetObject",
         f"{BUCKET}/us-east-1:someone-else/a.txt", False, {K_SUB: SUB}),
    # --- String operators
    cond("streq-match", {"StringEquals": {"aws:PrincipalTag/team": "blue"}}, True,
         {"aws:PrincipalTag/team": "blue"}),
    cond("streq-mismatch", {"StringEquals": {"aws:PrincipalTag/team": "blue"}}, False,
         {"aws:PrincipalTag/team": "red"}),
    cond("streq-case-sensitive-value", {"StringEquals": {"s3:prefix": "Home"}}, False, {"s3:prefix": "home"}),
    cond("streq-key-case-insensitive", {"StringEquals": {"aws:PrincipalTag/Team": "blue"}}, True,
         {"aws:principaltag/team": "blue"}),
    cond("streq-missing-key", {"StringEquals": {"aws:PrincipalTag/team": "blue"}}, False),
    cond("streq-values-ored", {"StringEquals": {"s3:prefix": ["a", "b", "c"]}}, True, {"s3:prefix": "b"}),
    cond("streq-keys-anded", {"StringEquals": {"s3:prefix": "a", "s3:delimiter": "/"}}, False,
         {"s3:prefix": "a", "s3:delimiter": "|"}),
    cond("streq-ignorecase", {"StringEqualsIgnoreCase": {"s3:prefix": "HOME"}}, True, {"s3:prefix": "home"}),
    cond("strlike-star", {"StringLike": {"s3:prefix": "projects/*"}}, True, {"s3:prefix": "projects/x/y"}),
    cond("strlike-qmark", {"StringLike": {"s3:prefix": "v?"}}, False, {"s3:prefix": "v10"}),
    cond("strlike-missing-key", {"StringLike": {"s3:prefix": "*"}}, False),
    cond("strlike-dot-literal", {"StringLike": {"s3:prefix": "a.b"}}, False, {"s3:prefix": "axb"}),
    cond("strnoteq-differs", {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}, True,
         {"aws:RequestedRegion": "us-east-1"}),
    cond("strnoteq-equal", {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}, False,
         {"aws:RequestedRegion": "us-east-1"}),
    cond("strnoteq-missing-key", {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}, True),
    cond("strnotlike-present", {"StringNotLike": {"s3:prefix": "private/*"}}, True,
         {"s3:prefix": "public/a"}),
    cond("strnotlike-matches", {"StringNotLike": {"s3:prefix": "private/*"}}, False,
         {"s3:prefix": "private/a"}),
    cond("strnotlike-ifexists-missing", {"StringNotLikeIfExists": {"s3:prefix": "private/*"}}, True),
    cond("strnoteq-ifexists-present", {"StringNotEqualsIfExists": {"s3:prefix": "a"}}, False,
         {"s3:prefix": "a"}),
    cond("streq-ifexists-missing", {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}}, True),
    cond("streq-ifexists-present-mismatch", {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}}, False,
         {"ec2:InstanceType": "m5.large"}),
    cond("streq-ifexists-present-match", {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}}, True,
         {"ec2:InstanceType": "t3.micro"}),
    # --- ForAnyValue / ForAllValues on a multivalued key, including the missing key
    cond("anyvalue-match", {"ForAnyValue:StringEquals": {K_AMR: "authenticated"}}, True, {K_AMR: AMR_AUTH}),
    cond("anyvalue-no-match", {"ForAnyValue:StringEquals": {K_AMR: "authenticated"}}, False,
         {K_AMR: ["unauthenticated"]}),
    cond("anyvalue-missing-key", {"ForAnyValue:StringEquals": {K_AMR: "authenticated"}}, False),
    cond("anyvalue-like", {"ForAnyValue:StringLike": {K_AMR: "cognito-idp.*"}}, True, {K_AMR: AMR_AUTH}),
    cond("allvalues-subset", {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team", "cost"]}}, True,
         {"aws:TagKeys": ["env", "team"]}),
    cond("allvalues-outside", {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}, False,
         {"aws:TagKeys": ["env", "owner"]}),
    cond("allvalues-missing-key", {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}, True),
    cond("allvalues-like", {"ForAllValues:StringLike": {"aws:TagKeys": ["env*", "team"]}}, True,
         {"aws:TagKeys": ["env-name", "team"]}),
    cond("allvalues-noteq", {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["admin"]}}, False,
         {"aws:TagKeys": ["env", "admin"]}),
    cond("allvalues-noteq-none-listed", {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["admin"]}}, True,
         {"aws:TagKeys": ["env", "team"]}),
    cond("allvalues-notlike", {"ForAllValues:StringNotLike": {"aws:TagKeys": "aws:*"}}, True,
         {"aws:TagKeys": ["env", "team"]}),
    cond("allvalues-ignorecase", {"ForAllValues:StringEqualsIgnoreCase": {"aws:TagKeys": ["ENV"]}}, True,
         {"aws:TagKeys": ["env", "Env"]}),
    # --- Bool
    cond("bool-true", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, True,
         {"aws:MultiFactorAuthPresent": "true"}),
    cond("bool-false", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, False,
         {"aws:MultiFactorAuthPresent": "false"}),
    cond("bool-missing-key", {"Bool": {"aws:SecureTransport": "true"}}, False),
    cond("bool-ifexists-missing", {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}, True),
    cond("bool-ifexists-false", {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}, False,
         {"aws:MultiFactorAuthPresent": "false"}),
    # --- Numeric
    cond("num-lt", {"NumericLessThan": {"s3:max-keys": "100"}}, True, {"s3:max-keys": "10"}),
    cond("num-lt-equal", {"NumericLessThan": {"s3:max-keys": "100"}}, False, {"s3:max-keys": "100"}),
    cond("num-gte", {"NumericGreaterThanEquals": {"aws:MultiFactorAuthAge": "3600"}}, True,
         {"aws:MultiFactorAuthAge": "3600"}),
    cond("num-eq-decimal", {"NumericEquals": {"s3:max-keys": "1.5"}}, True, {"s3:max-keys": "1.50"}),
    cond("num-noteq-missing", {"NumericNotEquals": {"s3:max-keys": "5"}}, True),
    cond("num-noteq-values-nored", {"NumericNotEquals": {"s3:max-keys": ["10", "11"]}}, False,
         {"s3:max-keys": "11"}),
    cond("num-lt-missing", {"NumericLessThan": {"s3:max-keys": "100"}}, False),
    cond("num-lt-ifexists-missing", {"NumericLessThanIfExists": {"s3:max-keys": "100"}}, True),
    # --- Date (ISO 8601 with a zone, epoch seconds)
    cond("date-gt", {"DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}, True,
         {"aws:CurrentTime": NOW}),
    cond("date-lt", {"DateLessThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}, False,
         {"aws:CurrentTime": NOW}),
    cond("date-epoch-context", {"DateLessThan": {"aws:EpochTime": "2024-01-01T00:00:00Z"}}, True,
         {"aws:EpochTime": "1700000000"}),
    cond("date-missing-key", {"DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}, False),
    cond("date-equals-epoch", {"DateEquals": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}, True,
         {"aws:CurrentTime": "1704067200"}),
    cond("date-offset", {"DateLessThanEquals": {"aws:CurrentTime": "2024-06-01T13:00:00+01:00"}}, True,
         {"aws:CurrentTime": NOW}),
    cond("date-noteq-missing", {"DateNotEquals": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}, True),
    cond("date-ifexists-missing", {"DateLessThanIfExists": {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}},
         True),
    # --- IpAddress / NotIpAddress
    cond("ip-in", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, True, {"aws:SourceIp": "203.0.113.7"}),
    cond("ip-out", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, False,
         {"aws:SourceIp": "198.51.100.1"}),
    cond("ip-list", {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}}, True,
         {"aws:SourceIp": "198.51.100.1"}),
    cond("ip-v6", {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}, True, {"aws:SourceIp": "2001:db8:1::5"}),
    cond("ip-missing-key", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, False),
    cond("notip-out", {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, True,
         {"aws:SourceIp": "10.0.0.1"}),
    cond("notip-in", {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, False,
         {"aws:SourceIp": "203.0.113.9"}),
    cond("notip-missing-key", {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, True),
    c("deny-notip-outside", [doc(stmt(), DENY_OUTSIDE_RANGE)], "s3:GetObject", OBJECT, False,
      {"aws:SourceIp": "192.0.2.1"}),
    c("deny-notip-inside", [doc(stmt(), DENY_OUTSIDE_RANGE)], "s3:GetObject", OBJECT, True,
      {"aws:SourceIp": "203.0.113.50"}),
    # --- Null
    cond("null-true-absent", {"Null": {"aws:TokenIssueTime": "true"}}, True),
    cond("null-true-present", {"Null": {"aws:TokenIssueTime": "true"}}, False, {"aws:TokenIssueTime": NOW}),
    cond("null-false-present", {"Null": {"aws:TokenIssueTime": "false"}}, True, {"aws:TokenIssueTime": NOW}),
    cond("null-false-absent", {"Null": {"aws:TokenIssueTime": "false"}}, False),
    cond("null-keys-anded", {"Null": {"aws:TokenIssueTime": "false", "aws:username": "true"}}, True,
         {"aws:TokenIssueTime": NOW}),
    # --- ArnLike with full six-part patterns
    cond("arnlike-match", {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Cognito_*"}}, True,
         {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Cognito_Auth"}),
    cond("arnlike-other-account", {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}},
         False,
         {"aws:PrincipalArn": "arn:aws:iam::444455556666:role/Cognito_Auth"}),
    cond("arnlike-any-account-qmark", {"ArnLike": {"aws:SourceArn": "arn:aws:iam::*:role/?"}}, True,
         {"aws:SourceArn": "arn:aws:iam::111122223333:role/R"}),
    cond("arnnotlike-present", {"ArnNotLike": {"aws:SourceArn": "arn:aws:iam::*:role/A*"}}, True,
         {"aws:SourceArn": "arn:aws:iam::111122223333:role/R"}),
    cond("arnnotequals-missing", {"ArnNotEquals": {"aws:SourceArn": "arn:aws:iam::111122223333:role/A"}},
         True),
    cond("binary-equals", {"BinaryEquals": {"s3:x-amz-content": "QmluYXJ5"}}, True,
         {"s3:x-amz-content": "QmluYXJ5"}),
    # --- several operators in one block are ANDed; a conditional Deny
    cond("operators-anded",
         {"Bool": {"aws:SecureTransport": "true"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, False,
         {"aws:SecureTransport": "true", "aws:SourceIp": "192.0.2.1"}),
    Case("deny-conditional-applies", [doc(stmt(), DENY_INSECURE)],
         "s3:GetObject", OBJECT, False, {"aws:SecureTransport": "false"}),
    Case("deny-conditional-not-met", [doc(stmt(), DENY_INSECURE)],
         "s3:GetObject", OBJECT, True, {"aws:SecureTransport": "true"}),
]


def pmapper_allowed(case: Case) -> bool:
    """PMapper's decision over identity-based policies: an explicit Deny wins, then any Allow allows."""
    policies = [
        PMapperPolicy(f"arn:aws:iam::111122223333:policy/crosscheck-{i}", f"crosscheck-{i}", document)
        for i, document in enumerate(case.policies)
    ]
    context = CaseInsensitiveDict(case.context)

    def matches(effect: str) -> bool:
        return any(
            policy_has_matching_statement(policy, effect, case.action, case.resource, context)
            for policy in policies
        )

    return not matches("Deny") and matches("Allow")


def test_case_ids_are_unique_and_enough():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 30
    assert {case.allowed for case in CASES} == {True, False}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_agrees_with_principalmapper(case: Case):
    ours = evaluate(Request(case.action, case.resource, context=case.context), case.policies)
    theirs = pmapper_allowed(case)
    assert ours.allowed == theirs, (
        f"disagreement: helpers.iam_policy allowed={ours.allowed}, principalmapper allowed={theirs}\n"
        f"{ours.explain(verbose=True)}"
    )
    assert ours.allowed == case.allowed, ours.explain(verbose=True)

"""Tests for the course's IAM policy evaluator (:mod:`helpers.iam_policy`).

The table ``CASES`` pairs policies with a request and asserts the exact decision *and* its reason; the
cases marked "AWS docs" reproduce examples from AWS's documentation (page cited in the comment).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from helpers.iam_policy import (
    Decision,
    Policy,
    PolicyError,
    Principal,
    Request,
    arn_like,
    cognito_web_identity_request,
    evaluate,
    evaluate_trust_policy,
    normalize_context,
    resolve,
)

V12 = "2012-10-17"
POOL = "us-east-1:12345678-corner-cafe-123456790ab"
OTHER_POOL = "us-east-1:99999999-aaaa-bbbb-cccc-000000000000"
SUB = "us-east-1:0f3a5c9e-1111-2222-3333-444455556666"
OTHER_SUB = "us-east-1:7d1b2a3c-9999-8888-7777-666655554444"
ROLE = "arn:aws:iam::111122223333:role/Cognito_Unauth"
SESSION = "arn:aws:sts::111122223333:assumed-role/Cognito_Unauth/CognitoIdentityCredentials"
K_SUB = "cognito-identity.amazonaws.com:sub"
K_AUD = "cognito-identity.amazonaws.com:aud"
K_AMR = "cognito-identity.amazonaws.com:amr"

ALLOWED = "allowed by identity-based policy"
NO_ALLOW = "implicit deny: no statement allows"
EXPLICIT = "explicit deny"


def stmt(effect: str = "Allow", action: Any = "*", resource: Any = "*", condition: Any = None, **extra: Any):
    statement: dict[str, Any] = {"Effect": effect, "Action": action}
    if resource is not None:
        statement["Resource"] = resource
    if condition is not None:
        statement["Condition"] = condition
    for name, value in extra.items():
        statement[name] = value
        if name.startswith("Not") and name[3:] in statement:  # NotAction replaces Action, etc.
            del statement[name[3:]]
    return statement


def doc(*statements: dict[str, Any], version: str | None = V12) -> dict[str, Any]:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document["Version"] = version
    return document


def allow(action: Any = "*", resource: Any = "*", condition: Any = None, version: str | None = V12):
    return doc(stmt("Allow", action, resource, condition), version=version)


def cond(action: str, condition: Any, context: dict[str, Any] | None = None, resource: str = "*"):
    """(identity policy with one conditional Allow, request) for the operator cases."""
    return [allow(action, "*", condition)], Request(action, resource, context=context or {})


@dataclass
class Case:
    id: str
    request: Request
    allowed: bool
    reason: str
    identity: Any = None
    session: Any = None
    boundary: Any = None
    resource_policy: Any = None
    trust: Any = None
    explains: str | None = None  # a phrase the verbose explanation must contain

    def run(self) -> Decision:
        if self.trust is not None:
            return evaluate_trust_policy(self.request, self.trust)
        return evaluate(
            self.request,
            self.identity,
            session_policies=self.session,
            resource_policy=self.resource_policy,
            permissions_boundary=self.boundary,
        )


def op_case(
    id: str,
    condition: dict[str, Any],
    context: dict[str, Any] | None,
    allowed: bool,
    explains: str | None = None,
    action: str = "s3:ListBucket",
) -> Case:
    identity, request = cond(action, condition, context)
    return Case(id, request, allowed, ALLOWED if allowed else NO_ALLOW, identity, explains=explains)


# --- AWS documentation examples -------------------------------------------------------------------

# AWS docs: Cognito developer guide, "IAM roles" > access policies, per-identity S3 prefix
# (https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html).
COGNITO_S3 = {
    "Version": V12,
    "Statement": [
        {
            "Action": ["s3:ListBucket"],
            "Effect": "Allow",
            "Resource": ["arn:aws:s3:::mybucket"],
            "Condition": {"StringLike": {"s3:prefix": ["${cognito-identity.amazonaws.com:sub}/*"]}},
        },
        {
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Effect": "Allow",
            "Resource": ["arn:aws:s3:::mybucket/${cognito-identity.amazonaws.com:sub}/*"],
        },
    ],
}

# AWS docs: Cognito developer guide "IAM roles" (fine-grained DynamoDB access) and DynamoDB developer
# guide "Using IAM policy conditions for fine-grained access control" (dynamodb:LeadingKeys).
DYNAMO_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem"]
DYNAMO_TABLE = "arn:aws:dynamodb:us-west-2:123456789012:table/MyTable"
COGNITO_DYNAMO = allow(
    DYNAMO_ACTIONS,
    [DYNAMO_TABLE],
    {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}},
)

# AWS docs: Cognito developer guide "Role trust and permissions" (unauthenticated role trust policy)
# (https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html).
UNAUTH_TRUST = {
    "Version": V12,
    "Statement": [
        {
            "Sid": "",
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {K_AUD: POOL},
                "ForAnyValue:StringLike": {K_AMR: "unauthenticated"},
            },
        }
    ],
}


def trust_with(condition: dict[str, Any], principal: Any = None) -> dict[str, Any]:
    return doc(
        {
            "Effect": "Allow",
            "Principal": principal or {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }
    )


def s3(action: str, key: str, **context: Any) -> Request:
    return Request(action, f"arn:aws:s3:::mybucket/{key}", context={K_SUB: SUB, **context})


def ddb(action: str, keys: list[str] | None) -> Request:
    context: dict[str, Any] = {K_SUB: SUB}
    if keys is not None:
        context["dynamodb:LeadingKeys"] = keys
    return Request(action, DYNAMO_TABLE, context=context)


FACEBOOK_AMR = ["authenticated", "graph.facebook.com", "graph.facebook.com:1234:5678"]

DOC_CASES = [
    Case("cognito-s3-own-prefix", s3("s3:GetObject", f"{SUB}/photo.jpg"), True, ALLOWED, [COGNITO_S3]),
    Case("cognito-s3-put-own-prefix", s3("s3:PutObject", f"{SUB}/a/b.txt"), True, ALLOWED, [COGNITO_S3]),
    Case(
        "cognito-s3-other-identity",
        s3("s3:GetObject", f"{OTHER_SUB}/photo.jpg"),
        False,
        NO_ALLOW,
        [COGNITO_S3],
    ),
    Case(
        "cognito-s3-list-own-prefix",
        Request("s3:ListBucket", "arn:aws:s3:::mybucket", context={K_SUB: SUB, "s3:prefix": f"{SUB}/"}),
        True,
        ALLOWED,
        [COGNITO_S3],
    ),
    Case(
        "cognito-s3-list-bucket-root",
        Request("s3:ListBucket", "arn:aws:s3:::mybucket", context={K_SUB: SUB, "s3:prefix": ""}),
        False,
        NO_ALLOW,
        [COGNITO_S3],
    ),
    Case(
        "cognito-s3-no-sub-in-context",
        Request("s3:GetObject", f"arn:aws:s3:::mybucket/{SUB}/photo.jpg"),
        False,
        NO_ALLOW,
        [COGNITO_S3],
        explains="no value for cognito-identity.amazonaws.com:sub",
    ),
    Case("dynamodb-leadingkeys-own", ddb("dynamodb:GetItem", [SUB]), True, ALLOWED, [COGNITO_DYNAMO]),
    Case(
        "dynamodb-leadingkeys-other", ddb("dynamodb:GetItem", [OTHER_SUB]), False, NO_ALLOW, [COGNITO_DYNAMO]
    ),
    Case(
        "dynamodb-leadingkeys-batch-mixed",
        ddb("dynamodb:BatchGetItem", [SUB, OTHER_SUB]),
        False,
        NO_ALLOW,
        [COGNITO_DYNAMO],
    ),
    # AWS docs (IAM "Multivalued context key examples"): "The ForAllValues set operator also returns true
    # if there are no context keys in the request" -- a request without LeadingKeys is allowed.
    Case(
        "pitfall-forallvalues-missing-key",
        ddb("dynamodb:Query", None),
        True,
        ALLOWED,
        [COGNITO_DYNAMO],
        explains="ForAllValues over no values is true",
    ),
    # ...and the documented fix: a Null check that the key exists.
    Case(
        "forallvalues-with-null-guard",
        ddb("dynamodb:Query", None),
        False,
        NO_ALLOW,
        [
            allow(
                DYNAMO_ACTIONS,
                DYNAMO_TABLE,
                {
                    "ForAllValues:StringEquals": {
                        "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]
                    },
                    "Null": {"dynamodb:LeadingKeys": "false"},
                },
            )
        ],
    ),
    Case(
        "trust-unauthenticated-allowed",
        cognito_web_identity_request(POOL, SUB, ["unauthenticated"], ROLE),
        True,
        "allowed by trust policy",
        trust=UNAUTH_TRUST,
    ),
    Case(
        "trust-authenticated-on-unauth-role",
        cognito_web_identity_request(POOL, SUB, FACEBOOK_AMR, ROLE),
        False,
        NO_ALLOW,
        trust=UNAUTH_TRUST,
        explains="ForAnyValue:StringLike cognito-identity.amazonaws.com:amr",
    ),
    Case(
        "trust-other-pool-aud",
        cognito_web_identity_request(OTHER_POOL, SUB, ["unauthenticated"], ROLE),
        False,
        NO_ALLOW,
        trust=UNAUTH_TRUST,
    ),
    Case(
        "trust-wrong-federated-principal",
        Request(
            "sts:AssumeRoleWithWebIdentity",
            ROLE,
            Principal.federated("accounts.google.com"),
            {K_AUD: POOL, K_AMR: ["unauthenticated"]},
        ),
        False,
        NO_ALLOW,
        trust=UNAUTH_TRUST,
        explains="Principal does not match Federated:accounts.google.com",
    ),
    Case(
        "trust-wrong-action",
        Request("sts:AssumeRole", ROLE, Principal.federated("cognito-identity.amazonaws.com"), {K_AUD: POOL}),
        False,
        NO_ALLOW,
        trust=UNAUTH_TRUST,
    ),
    # AWS docs (same page): a role only for users who signed in with Facebook.
    Case(
        "trust-facebook-amr",
        cognito_web_identity_request(POOL, SUB, FACEBOOK_AMR, ROLE),
        True,
        "allowed by trust policy",
        trust=trust_with(
            {"StringEquals": {K_AUD: POOL}, "ForAnyValue:StringLike": {K_AMR: "graph.facebook.com"}}
        ),
    ),
    # Pitfall: StringLike on aud with "us-east-1:*" admits every identity pool of the region.
    Case(
        "pitfall-aud-stringlike-any-pool",
        cognito_web_identity_request(OTHER_POOL, SUB, ["unauthenticated"], ROLE),
        True,
        "allowed by trust policy",
        trust=trust_with({"StringLike": {K_AUD: "us-east-1:*"}}),
    ),
    # Pitfall: without the trailing slash, the prefix of identity "id1" also covers "id10/...".
    Case(
        "pitfall-prefix-without-slash",
        Request("s3:ListBucket", "arn:aws:s3:::mybucket", context={K_SUB: "id1", "s3:prefix": "id10/secret"}),
        True,
        ALLOWED,
        [allow("s3:ListBucket", "arn:aws:s3:::mybucket", {"StringLike": {"s3:prefix": "${" + K_SUB + "}*"}})],
    ),
    Case(
        "prefix-with-slash",
        Request("s3:ListBucket", "arn:aws:s3:::mybucket", context={K_SUB: "id1", "s3:prefix": "id10/secret"}),
        False,
        NO_ALLOW,
        [
            allow(
                "s3:ListBucket", "arn:aws:s3:::mybucket", {"StringLike": {"s3:prefix": "${" + K_SUB + "}/*"}}
            )
        ],
    ),
    # AWS docs (IAM "Condition operators", Boolean): deny requests not sent over TLS.
    Case(
        "deny-insecure-transport",
        Request("s3:GetObject", "arn:aws:s3:::b/k", context={"aws:SecureTransport": False}),
        False,
        EXPLICIT,
        [allow("s3:*"), doc(stmt("Deny", "s3:*", "*", {"Bool": {"aws:SecureTransport": "false"}}))],
    ),
    # AWS docs (IAM "Multivalued context key examples"): ForAllValues:StringLike on aws:TagKeys.
    op_case(
        "tagkeys-forallvalues-like",
        {"ForAllValues:StringLike": {"aws:TagKeys": ["key1*"]}},
        {"aws:TagKeys": ["key1a", "key1b"]},
        True,
    ),
    op_case(
        "tagkeys-forallvalues-one-outside",
        {"ForAllValues:StringLike": {"aws:TagKeys": ["key1*"]}},
        {"aws:TagKeys": ["key1a", "key2"]},
        False,
    ),
]

# --- condition operators --------------------------------------------------------------------------

# One line per case in iam_policy_operator_cases.json: the condition block, the request context, the
# expected decision and (optionally) a phrase the explanation must contain.
OPERATOR_CASES = [
    op_case(row["id"], row["condition"], row["context"], row["allowed"], row.get("explains"))
    for row in json.loads((Path(__file__).parent / "iam_policy_operator_cases.json").read_text())
]

# --- elements, variables, evaluation logic --------------------------------------------------------

ANY_ALLOW = allow("*")
BUCKET_ALLOW = allow("s3:*", "arn:aws:s3:::bucket/*")
USER_PREFIX = "arn:aws:s3:::bucket/${aws:username}/*"

LOGIC_CASES = [
    Case(
        "explicit-deny-beats-allow",
        Request("s3:DeleteObject", "arn:aws:s3:::bucket/k"),
        False,
        EXPLICIT,
        [BUCKET_ALLOW, doc(stmt("Deny", "s3:Delete*", "*", Sid="NoDelete"))],
        explains="Sid='NoDelete'",
    ),
    Case("no-policies-implicit-deny", Request("s3:GetObject", "arn:aws:s3:::bucket/k"), False, NO_ALLOW, []),
    Case(
        "action-case-insensitive",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        True,
        ALLOWED,
        [allow("S3:getobject", "arn:aws:s3:::bucket/*")],
    ),
    Case(
        "action-wildcards",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        True,
        ALLOWED,
        [allow(["s3:Put*", "s3:?etObj*"], "arn:aws:s3:::bucket/*")],
    ),
    Case("action-other-service", Request("s3:GetObject", "*"), False, NO_ALLOW, [allow("s3x:*")]),
    Case(
        "resource-case-sensitive",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        False,
        NO_ALLOW,
        [allow("s3:GetObject", "arn:aws:s3:::Bucket/*")],
    ),
    Case(
        "resource-star-crosses-colons",
        Request("dynamodb:GetItem", DYNAMO_TABLE),
        True,
        ALLOWED,
        [allow("dynamodb:*", "arn:aws:dynamodb:*")],
    ),
    Case(
        "resource-question-mark",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k10"),
        False,
        NO_ALLOW,
        [allow("s3:GetObject", "arn:aws:s3:::bucket/k?")],
    ),
    Case(
        "resource-default-star-needs-star",
        Request("sts:GetCallerIdentity"),
        False,
        NO_ALLOW,
        [allow("sts:*", "arn:aws:sts::*")],
    ),
    Case(
        "notaction-allows-others",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        True,
        ALLOWED,
        [doc(stmt("Allow", resource="*", NotAction="iam:*"))],
    ),
    Case(
        "notaction-excludes",
        Request("iam:CreateUser", "*"),
        False,
        NO_ALLOW,
        [doc(stmt("Allow", resource="*", NotAction=["iam:*", "sts:*"]))],
        explains="NotAction 'iam:*' excludes",
    ),
    Case(
        "notresource-deny-outside",
        Request("s3:GetObject", "arn:aws:s3:::other/k"),
        False,
        EXPLICIT,
        [
            ANY_ALLOW,
            doc(stmt("Deny", "s3:*", None, NotResource=["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"])),
        ],
    ),
    Case(
        "notresource-deny-inside",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        True,
        ALLOWED,
        [ANY_ALLOW, doc(stmt("Deny", "s3:*", None, NotResource="arn:aws:s3:::bucket/*"))],
    ),
    Case(
        "statement-without-resource-ignored",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        False,
        NO_ALLOW,
        [doc(stmt("Allow", "s3:*", None))],
        explains="no Resource or NotResource element",
    ),
    Case(
        "deny-with-unknown-operator-does-not-apply",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        True,
        ALLOWED,
        [ANY_ALLOW, doc(stmt("Deny", "*", "*", {"StringEqualsMaybe": {"aws:username": "x"}}))],
    ),
    Case(
        "deny-with-invalid-number-does-not-apply",
        Request("s3:ListBucket", "*", context={"s3:max-keys": "x"}),
        True,
        ALLOWED,
        [ANY_ALLOW, doc(stmt("Deny", "*", "*", {"NumericGreaterThan": {"s3:max-keys": "100"}}))],
    ),
    # Session policies: the session gets the intersection with the identity policies.
    Case(
        "session-intersection-allows",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        True,
        ALLOWED,
        [BUCKET_ALLOW],
        session=[allow("s3:GetObject", "*")],
    ),
    Case(
        "session-intersection-denies",
        Request("s3:PutObject", "arn:aws:s3:::bucket/k"),
        False,
        "implicit deny: no session policy allows",
        [BUCKET_ALLOW],
        session=[allow("s3:GetObject", "*")],
    ),
    Case(
        "session-policies-union",
        Request("s3:PutObject", "arn:aws:s3:::bucket/k"),
        True,
        ALLOWED,
        [BUCKET_ALLOW],
        session={"inline": allow("s3:GetObject"), "managed": allow("s3:PutObject")},
    ),
    Case(
        "session-alone-grants-nothing",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        False,
        NO_ALLOW,
        [],
        session=[ANY_ALLOW],
    ),
    Case(
        "session-explicit-deny",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        False,
        EXPLICIT,
        [ANY_ALLOW],
        session=[ANY_ALLOW, doc(stmt("Deny", "s3:GetObject"))],
    ),
    Case(
        "boundary-limits",
        Request("iam:CreateUser", "*"),
        False,
        "implicit deny: permissions boundary does not allow",
        [ANY_ALLOW],
        boundary=allow("s3:*"),
    ),
    Case(
        "boundary-allows",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        True,
        ALLOWED,
        [ANY_ALLOW],
        boundary=allow("s3:*"),
    ),
    # Resource-based policies.
    Case(
        "resource-policy-grants-role",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k", Principal.aws(SESSION, ROLE)),
        True,
        "allowed by resource-based policy",
        [],
        resource_policy=doc(stmt("Allow", "s3:GetObject", "arn:aws:s3:::bucket/*", Principal={"AWS": ROLE})),
    ),
    Case(
        "resource-policy-account-root",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k", Principal.aws(SESSION)),
        True,
        "allowed by resource-based policy",
        [],
        resource_policy=doc(
            stmt(
                "Allow",
                "s3:GetObject",
                "arn:aws:s3:::bucket/*",
                Principal={"AWS": "arn:aws:iam::111122223333:root"},
            )
        ),
    ),
    Case(
        "resource-policy-other-principal",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k", Principal.aws(SESSION)),
        False,
        NO_ALLOW,
        [],
        resource_policy=doc(
            stmt(
                "Allow",
                "s3:GetObject",
                "arn:aws:s3:::bucket/*",
                Principal={"AWS": "arn:aws:iam::444455556666:root"},
            )
        ),
    ),
    Case(
        "resource-policy-notprincipal-deny",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k", Principal.aws(SESSION)),
        False,
        EXPLICIT,
        [ANY_ALLOW],
        resource_policy=doc(
            stmt("Deny", "s3:*", "*", NotPrincipal={"AWS": "arn:aws:iam::444455556666:root"})
        ),
    ),
    Case(
        "resource-policy-star-admits-anonymous",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        True,
        "allowed by resource-based policy",
        [],
        resource_policy=doc(stmt("Allow", "s3:GetObject", "arn:aws:s3:::bucket/*", Principal="*")),
    ),
    # Policy variables.
    Case(
        "variable-aws-username",
        Request("s3:GetObject", "arn:aws:s3:::bucket/alice/k", context={"aws:username": "alice"}),
        True,
        ALLOWED,
        [allow("s3:GetObject", USER_PREFIX)],
    ),
    Case(
        "variable-default-used",
        Request("s3:GetObject", "arn:aws:s3:::bucket/anonymous/k"),
        True,
        ALLOWED,
        [allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:username, 'anonymous'}/*")],
    ),
    Case(
        "variable-default-ignored-when-present",
        Request("s3:GetObject", "arn:aws:s3:::bucket/anonymous/k", context={"aws:username": "alice"}),
        False,
        NO_ALLOW,
        [allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:username, 'anonymous'}/*")],
    ),
    Case(
        "variable-principal-tag",
        Request("s3:GetObject", "arn:aws:s3:::bucket/blue/k", context={"aws:PrincipalTag/team": "blue"}),
        True,
        ALLOWED,
        [allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*")],
    ),
    Case(
        "variable-literal-in-version-2008",
        Request("s3:GetObject", "arn:aws:s3:::bucket/alice/k", context={"aws:username": "alice"}),
        False,
        NO_ALLOW,
        [allow("s3:GetObject", USER_PREFIX, version="2008-10-17")],
    ),
    Case(
        "variable-literal-without-version",
        Request("s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/k", context={"aws:username": "alice"}),
        True,
        ALLOWED,
        [allow("s3:GetObject", USER_PREFIX, version=None)],
    ),
    Case(
        "variable-special-star-is-literal",
        Request("s3:GetObject", "arn:aws:s3:::bucket/anything"),
        False,
        NO_ALLOW,
        [allow("s3:GetObject", "arn:aws:s3:::bucket/${*}")],
    ),
    Case(
        "variable-special-star-matches-star",
        Request("s3:GetObject", "arn:aws:s3:::bucket/*"),
        True,
        ALLOWED,
        [allow("s3:GetObject", "arn:aws:s3:::bucket/${*}")],
    ),
    Case(
        "variable-special-dollar-and-question",
        Request("s3:ListBucket", "*", context={"ex:price": "$5?"}),
        True,
        ALLOWED,
        [allow("s3:ListBucket", "*", {"StringLike": {"ex:price": "${$}5${?}"}})],
    ),
    Case(
        "variable-no-value-stringequals",
        Request("s3:ListBucket", "*", context={"ex:owner": "alice"}),
        False,
        NO_ALLOW,
        [allow("s3:ListBucket", "*", {"StringEquals": {"ex:owner": "${aws:username}"}})],
    ),
    Case(
        "variable-no-value-stringnotequals",
        Request("s3:ListBucket", "*", context={"ex:owner": "alice"}),
        True,
        ALLOWED,
        [allow("s3:ListBucket", "*", {"StringNotEquals": {"ex:owner": "${aws:username}"}})],
    ),
    Case(
        "variable-single-valued-amr",
        Request(
            "s3:GetObject", "arn:aws:s3:::bucket/unauthenticated/k", context={K_AMR: ["unauthenticated"]}
        ),
        True,
        ALLOWED,
        [allow("s3:GetObject", "arn:aws:s3:::bucket/${cognito-identity.amazonaws.com:amr}/*")],
    ),
    Case(
        "variable-multivalued-amr-unresolved",
        Request("s3:GetObject", "arn:aws:s3:::bucket/authenticated/k", context={K_AMR: FACEBOOK_AMR}),
        False,
        NO_ALLOW,
        [allow("s3:GetObject", "arn:aws:s3:::bucket/${cognito-identity.amazonaws.com:amr}/*")],
    ),
    Case(
        "variable-aud-in-condition",
        Request("s3:ListBucket", "*", context={K_AUD: POOL, "ex:pool": POOL}),
        True,
        ALLOWED,
        [allow("s3:ListBucket", "*", {"StringEquals": {"ex:pool": "${cognito-identity.amazonaws.com:aud}"}})],
    ),
    # Document shapes.
    Case(
        "json-string-single-statement",
        Request("s3:GetObject", "arn:aws:s3:::bucket/k"),
        True,
        ALLOWED,
        [
            json.dumps(
                {"Version": V12, "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}
            )
        ],
    ),
    Case(
        "multi-resource-one-denied",
        Request("s3:CopyObject", ["arn:aws:s3:::bucket/a", "arn:aws:s3:::other/b"]),
        False,
        f"arn:aws:s3:::other/b: {NO_ALLOW}",
        [BUCKET_ALLOW],
    ),
]

CASES = DOC_CASES + OPERATOR_CASES + LOGIC_CASES


def test_case_ids_are_unique_and_plenty() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 45


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_policy_case(case: Case) -> None:
    decision = case.run()
    explanation = decision.explain(verbose=True)
    assert decision.allowed is case.allowed, explanation
    assert decision.reason == case.reason, explanation
    if case.explains is not None:
        assert case.explains in explanation


# --- explanations ---------------------------------------------------------------------------------


def test_explain_allow_names_deciding_statement_and_resolved_variable() -> None:
    decision = evaluate(s3("s3:GetObject", f"{SUB}/photo.jpg"), {"CognitoS3": COGNITO_S3})
    assert decision.deciding_statements == decision.matched_statements
    (ref,) = decision.deciding_statements
    assert (ref.kind, ref.policy, ref.index, ref.effect) == ("identity", "CognitoS3", 1, "Allow")
    lines = decision.explain().splitlines()
    assert lines[0] == f"ALLOW s3:GetObject on arn:aws:s3:::mybucket/{SUB}/photo.jpg: {ALLOWED}"
    assert lines[1] == "  decided by identity policy 'CognitoS3' statement #1 (Allow)"
    assert f"-> 'arn:aws:s3:::mybucket/{SUB}/*' matches" in decision.explain()


def test_explain_explicit_deny_lists_the_deny_with_sid() -> None:
    policies = [
        ANY_ALLOW,
        doc(stmt("Deny", "s3:*", "*", {"Bool": {"aws:SecureTransport": "false"}}, Sid="TLS")),
    ]
    decision = evaluate(
        Request("s3:GetObject", "arn:aws:s3:::b/k", context={"aws:SecureTransport": "false"}), policies
    )
    assert [str(ref) for ref in decision.deciding_statements] == [
        "identity policy 'identity[1]' statement #0 Sid='TLS' (Deny)"
    ]
    assert len(decision.matched_statements) == 2  # the Allow applied too, the Deny won
    text = decision.explain()
    assert text.startswith("DENY s3:GetObject on arn:aws:s3:::b/k: explicit deny\n")
    assert "Bool aws:SecureTransport: request 'false' vs policy ['false'] -> true" in text


def test_explain_implicit_deny_says_why_each_allow_failed() -> None:
    decision = evaluate_trust_policy(cognito_web_identity_request(POOL, SUB, FACEBOOK_AMR), UNAUTH_TRUST)
    assert decision.deciding_statements == () and decision.matched_statements == ()
    lines = decision.explain().splitlines()
    assert lines[0] == f"DENY sts:AssumeRoleWithWebIdentity on *: {NO_ALLOW}"
    assert lines[1] == (
        "  trust policy 'trust' statement #0 (Allow): does not apply: ForAnyValue:StringLike "
        f"{K_AMR}: request {FACEBOOK_AMR!r} vs policy ['unauthenticated'] -> false"
    )


def test_explain_unknown_operator_is_the_failure() -> None:
    policies, request = cond(
        "s3:ListBucket", {"StringEquals": {"a:b": "x"}, "Foo": {"a:b": "x"}}, {"a:b": "x"}
    )
    decision = evaluate(request, policies)
    (result,) = decision.results
    assert result.failure == "unknown condition operator 'Foo': statement does not match"
    assert "StringEquals a:b: request 'x' vs policy ['x'] -> true" in result.reasons


def test_explain_missing_variable_in_resource() -> None:
    decision = evaluate(Request("s3:GetObject", "arn:aws:s3:::bucket/x/k"), [allow("s3:*", USER_PREFIX)])
    assert decision.results[0].failure == (
        "Resource ['arn:aws:s3:::bucket/${aws:username}/*' (no value for aws:username)] "
        "does not match 'arn:aws:s3:::bucket/x/k'"
    )


def test_explain_multi_resource_has_one_section_per_resource() -> None:
    decision = evaluate(
        Request("s3:CopyObject", ["arn:aws:s3:::bucket/a", "arn:aws:s3:::other/b"]), [BUCKET_ALLOW]
    )
    assert [d.allowed for d in decision.per_resource] == [True, False]
    sections = decision.explain().split("\n\n")
    assert sections[0].startswith("ALLOW s3:CopyObject on arn:aws:s3:::bucket/a")
    assert sections[1].startswith("DENY s3:CopyObject on arn:aws:s3:::other/b")


# --- parsing and matching units -------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        "{not json",
        {"Version": V12},
        {"Version": "2020-01-01", "Statement": []},
        doc({"Effect": "allow", "Action": "*", "Resource": "*"}),
        doc({"Effect": "Allow", "Resource": "*"}),
        doc({"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"}),
        doc({"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "x"}),
        doc({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": ["StringEquals"]}),
        doc({"Effect": "Allow", "Action": 5, "Resource": "*"}),
    ],
)
def test_malformed_policies_are_rejected(document: Any) -> None:
    with pytest.raises(PolicyError):
        Policy.parse(document)


def test_context_normalisation() -> None:
    context = normalize_context(
        {"AWS:SecureTransport": True, "Cognito-Identity.amazonaws.com:AMR": ["a", "b"], "x": None}
    )
    assert context == {"aws:securetransport": ("true",), "cognito-identity.amazonaws.com:amr": ("a", "b")}


def test_resolve_default_with_escaped_quote_and_braces() -> None:
    resolved = resolve("${aws:username, 'it''s {me}'}", {}, variables=True)
    assert resolved.ok and resolved.literal() == "it's {me}"
    assert resolve("${aws:username}", {}, variables=False).literal() == "${aws:username}"
    assert resolve("${ aws:UserName }", {"aws:username": ("bob",)}, variables=True).literal() == "bob"


def test_arn_like_keeps_colons_of_the_resource_part() -> None:
    pattern = resolve("arn:aws:s3:::bucket/${" + K_SUB + "}/*", {K_SUB: (SUB,)}, variables=True)
    assert arn_like(pattern, f"arn:aws:s3:::bucket/{SUB}/photo.jpg")
    assert not arn_like(pattern, f"arn:aws:s3:::bucket/{OTHER_SUB}/photo.jpg")

"""IAM refuses trust policies that would let any identity pool assume a role ("Role trust and permissions",
Cognito Developer Guide; CVE-2024-28056)."""

from __future__ import annotations

import json

from tests.support.local_aws_fixtures import error_of, trust_policy

OPEN_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
        }
    ],
}


def test_create_role_without_a_condition_is_refused(endpoint):
    iam = endpoint.client("iam")
    code, message = error_of(
        iam.create_role, RoleName="open", AssumeRolePolicyDocument=json.dumps(OPEN_TRUST)
    )
    assert code == "MalformedPolicyDocument"
    assert "must include a condition" in message
    assert error_of(iam.get_role, RoleName="open")[0] == "NoSuchEntity"  # nothing was created


def test_update_to_a_policy_without_a_condition_is_refused(endpoint):
    iam = endpoint.client("iam")
    pool_id = "us-east-1:11111111-2222-3333-4444-555555555555"
    iam.create_role(
        RoleName="guarded", AssumeRolePolicyDocument=json.dumps(trust_policy(pool_id, "authenticated"))
    )
    code, _ = error_of(
        iam.update_assume_role_policy, RoleName="guarded", PolicyDocument=json.dumps(OPEN_TRUST)
    )
    assert code == "MalformedPolicyDocument"
    kept = iam.get_role(RoleName="guarded")["Role"]["AssumeRolePolicyDocument"]
    assert kept["Statement"][0]["Condition"]["StringEquals"]["cognito-identity.amazonaws.com:aud"] == pool_id


def test_other_principals_and_conditioned_policies_pass(endpoint):
    iam = endpoint.client("iam")
    lambda_trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.create_role(RoleName="function", AssumeRolePolicyDocument=json.dumps(lambda_trust))
    iam.create_role(
        RoleName="pool-role",
        AssumeRolePolicyDocument=json.dumps(
            trust_policy("us-east-1:11111111-2222-3333-4444-555555555555", "unauthenticated")
        ),
    )
    assert {r["RoleName"] for r in iam.list_roles()["Roles"]} >= {"function", "pool-role"}


def test_a_trust_policy_that_is_not_json_is_refused_and_nothing_is_created(endpoint):
    iam = endpoint.client("iam")
    refused = error_of(iam.create_role, RoleName="not-json", AssumeRolePolicyDocument="notjson")
    assert refused == ("MalformedPolicyDocument", "This policy contains invalid Json")
    assert error_of(iam.get_role, RoleName="not-json")[0] == "NoSuchEntity"

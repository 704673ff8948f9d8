"""STS AssumeRole: the role's trust policy decides, DurationSeconds is checked, and the credentials work
(moto gave credentials for any role, which the local AWS then refused everywhere)."""

from __future__ import annotations

import pytest

from tests.support.local_aws_fixtures import create_role, error_of, trust_policy

ACCOUNT_ROOT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}
READ_NOTES = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assume-notes/*"}],
}


@pytest.fixture(scope="module")
def roles(endpoint) -> dict[str, str]:
    s3 = endpoint.client("s3")
    s3.create_bucket(Bucket="assume-notes")
    s3.put_object(Bucket="assume-notes", Key="note.txt", Body=b"kept")
    iam = endpoint.client("iam")
    return {
        "account": create_role(iam, "assume-by-account", ACCOUNT_ROOT, READ_NOTES),
        "cognito": create_role(iam, "assume-by-cognito", trust_policy("us-east-1:pool", "authenticated")),
    }


def test_a_role_that_trusts_only_cognito_cannot_be_assumed_by_the_administrator(endpoint, roles):
    sts = endpoint.client("sts")
    refused = error_of(sts.assume_role, RoleArn=roles["cognito"], RoleSessionName="admin")
    assert refused == (
        "AccessDenied",
        "User: arn:aws:sts::123456789012:user/moto is not authorized to perform: sts:AssumeRole on "
        f"resource: {roles['cognito']}",
    )
    unknown = "arn:aws:iam::123456789012:role/no-such-role"
    assert error_of(sts.assume_role, RoleArn=unknown, RoleSessionName="admin")[0] == "AccessDenied"


def test_a_role_that_trusts_the_account_gives_credentials_limited_by_its_policy(endpoint, roles):
    answer = endpoint.client("sts").assume_role(RoleArn=roles["account"], RoleSessionName="reader")
    credentials = answer["Credentials"]
    assert (
        answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/assume-by-account/reader"
    )
    session = {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }
    identity = endpoint.client("sts", **session).get_caller_identity()
    assert identity["Arn"] == answer["AssumedRoleUser"]["Arn"]
    s3 = endpoint.client("s3", **session)
    assert s3.get_object(Bucket="assume-notes", Key="note.txt")["Body"].read() == b"kept"
    assert error_of(s3.put_object, Bucket="assume-notes", Key="new.txt", Body=b"x")[0] == "AccessDenied"


def test_the_duration_is_checked_against_sts_and_the_role(endpoint, roles):
    sts = endpoint.client("sts")
    code, message = error_of(
        sts.assume_role, RoleArn=roles["account"], RoleSessionName="reader", DurationSeconds=99999
    )
    assert code == "ValidationError" and "Member must have value less than or equal to 43200" in message
    assert error_of(
        sts.assume_role, RoleArn=roles["account"], RoleSessionName="reader", DurationSeconds=7200
    ) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )

"""helpers.access_by_attribute: notebook 10's set-up makes its pools and the teams' data, tagged, again
and again the same, refuses names that are not the course's, and reports access truthfully.

The local AWS stands in for a real account (the target says "aws"). moto's IAM, S3 and DynamoDB are
shared by every local AWS in the process, so each test removes what it made (``course.clean_up``).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import jwt
import pytest
from botocore.exceptions import ClientError

from helpers import access_by_attribute as abac
from helpers import course
from helpers.local_aws import ACCOUNT_ID
from helpers.target import Target
from tests.support.course_accounts import target
from tests.support.local_aws_fixtures import REGION


def id_claims(aws: Target, teams: abac.Teams, username: str, client_id: str | None = None) -> dict[str, Any]:
    tokens = aws.session.client("cognito-idp").admin_initiate_auth(
        UserPoolId=teams.user_pool.user_pool_id,
        ClientId=client_id or teams.user_pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": teams.passwords[username]},
    )["AuthenticationResult"]
    return jwt.decode(tokens["IdToken"], options={"verify_signature": False})


def test_set_up_makes_the_notebooks_resources_tagged_and_again_the_same(account):
    made = abac.set_up(account)
    again = abac.set_up(account)
    assert again == made  # idempotent: same pools, client, bucket and table
    assert again.passwords != made.passwords  # fresh passwords on every set-up, never shown
    ci = account.session.client("cognito-identity")
    pool = ci.describe_identity_pool(IdentityPoolId=made.identity_pool_id)
    assert pool["IdentityPoolName"] == abac.IDENTITY_POOL_NAME
    assert pool["AllowUnauthenticatedIdentities"] is False and pool["AllowClassicFlow"] is False
    assert pool["DeveloperProviderName"] == abac.DEVELOPER_PROVIDER
    assert pool["CognitoIdentityProviders"][0]["ClientId"] == made.user_pool.client_id
    assert pool["IdentityPoolTags"] == course.TAGS
    # Each user in their team, read by the app client; the second client reads no custom attribute.
    assert {
        name: id_claims(account, again, name)["custom:team"] for name in abac.TEAM_USERS
    } == abac.TEAM_USERS
    assert "custom:team" not in id_claims(account, again, "rosa", again.default_reads_client_id)
    s3, dynamodb = account.session.client("s3"), account.session.client("dynamodb")
    for team in abac.TEAMS:
        body = s3.get_object(Bucket=made.bucket, Key=f"teams/{team}/plan.txt")["Body"].read()
        assert body == f"The {team} team's plan".encode()
        item = dynamodb.get_item(TableName=made.table, Key={"team": {"S": team}})["Item"]
        assert item["note"]["S"] == f"The {team} team's note"
    listed = {str(resource) for resource in course.course_resources(account)}
    assert {
        f"identity pool {abac.IDENTITY_POOL_NAME}",
        f"user pool {abac.USER_POOL_NAME}",
        f"DynamoDB table {abac.TABLE}",
        f"S3 bucket {made.bucket}",
    } <= listed


def test_set_up_puts_a_moved_user_back_in_their_team(account):
    made = abac.set_up(account)
    account.session.client("cognito-idp").admin_update_user_attributes(
        UserPoolId=made.user_pool.user_pool_id,
        Username="bruno",
        UserAttributes=[{"Name": abac.TEAM_ATTRIBUTE, "Value": "green"}],
    )
    again = abac.set_up(account)
    assert id_claims(account, again, "bruno")["custom:team"] == "blue"


def test_the_identity_pool_follows_a_user_pool_made_anew(account):
    made = abac.set_up(account)
    account.session.client("cognito-idp").delete_user_pool(UserPoolId=made.user_pool.user_pool_id)
    again = abac.set_up(account)
    assert again.identity_pool_id == made.identity_pool_id
    assert again.user_pool.client_id != made.user_pool.client_id
    pool = account.session.client("cognito-identity").describe_identity_pool(
        IdentityPoolId=again.identity_pool_id
    )
    assert pool["CognitoIdentityProviders"][0]["ClientId"] == again.user_pool.client_id
    assert pool["DeveloperProviderName"] == abac.DEVELOPER_PROVIDER
    assert pool["IdentityPoolTags"] == course.TAGS


@pytest.mark.parametrize("kind", ["IAM role", "S3 bucket", "DynamoDB table"])
def test_set_up_refuses_untagged_resources_with_its_names_and_changes_nothing(account, kind):
    iam, s3, dynamodb = (account.session.client(name) for name in ("iam", "s3", "dynamodb"))
    bucket = abac.teams_bucket(account)
    if kind == "IAM role":
        iam.create_role(
            RoleName=abac.AUTHENTICATED_ROLE,
            AssumeRolePolicyDocument=json.dumps(
                course.trust_policy("us-east-1:99999999-8888-7777-6666-555555555555", "authenticated")
            ),
        )
        name = abac.AUTHENTICATED_ROLE
    elif kind == "S3 bucket":
        s3.create_bucket(Bucket=bucket)
        name = bucket
    else:
        dynamodb.create_table(
            TableName=abac.TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        name = abac.TABLE
    try:
        with pytest.raises(course.NotCreatedByTheCourse) as refused:
            abac.set_up(account)
        assert (refused.value.kind, refused.value.name) == (kind, name)
        assert course.course_resources(account) == []  # nothing was made before the refusal
    finally:
        if kind == "IAM role":
            iam.delete_role(RoleName=name)
        elif kind == "S3 bucket":
            s3.delete_bucket(Bucket=bucket)
        else:
            dynamodb.delete_table(TableName=name)


def test_team_access_reports_what_aws_allows_and_raises_any_other_error(account):
    made = abac.set_up(account)
    everything = {team: "S3 allowed, DynamoDB allowed" for team in abac.TEAMS}
    assert abac.team_access(account.session, made) == everything  # the administrator reads it all
    s3 = account.session.client("s3")
    s3.delete_object(Bucket=made.bucket, Key="teams/green/plan.txt")
    with pytest.raises(ClientError) as raised:  # not a denial: never reported as one
        abac.team_access(account.session, made)
    assert raised.value.response["Error"]["Code"] == "NoSuchKey"


def test_team_access_reports_denials_of_a_session_with_the_team_tag(account):
    """End to end as notebook 10 does it: the team policy on the pool's role, the tag map, one user."""
    made = abac.set_up(account)
    tag = "${aws:PrincipalTag/team}"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{made.bucket}/teams/{tag}/*",
            }
        ],
    }
    trust = course.trust_policy(made.identity_pool_id, "authenticated")
    trust["Statement"][0]["Action"] = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
    role = course.ensure_role(account, abac.AUTHENTICATED_ROLE, trust, policy)
    ci = account.session.client("cognito-identity")
    ci.set_identity_pool_roles(IdentityPoolId=made.identity_pool_id, Roles={"authenticated": role})
    ci.set_principal_tag_attribute_map(
        IdentityPoolId=made.identity_pool_id,
        IdentityProviderName=made.user_pool.provider_name,
        PrincipalTags={"team": abac.TEAM_ATTRIBUTE},
    )
    tokens = account.session.client("cognito-idp").admin_initiate_auth(
        UserPoolId=made.user_pool.user_pool_id,
        ClientId=made.user_pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bruno", "PASSWORD": made.passwords["bruno"]},
    )["AuthenticationResult"]
    logins = {made.user_pool.provider_name: tokens["IdToken"]}
    identity_id = ci.get_id(IdentityPoolId=made.identity_pool_id, Logins=logins)["IdentityId"]
    credentials = ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )
    assert abac.team_access(session, made) == {
        "red": "S3 denied, DynamoDB denied",
        "blue": "S3 allowed, DynamoDB denied",
        "green": "S3 denied, DynamoDB denied",
    }


def test_wait_for_iam_waits_only_on_aws_own_endpoints(endpoint, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    abac.wait_for_iam(target(endpoint))
    assert slept == []
    real = Target("aws", boto3.Session(region_name=REGION), REGION, ACCOUNT_ID, None)
    abac.wait_for_iam(real, 7.0)
    assert slept == [7.0]

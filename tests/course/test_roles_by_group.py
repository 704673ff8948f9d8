"""helpers.roles_by_group: notebook 09's set-up makes what the lesson stands on, the same on every run,
tagged for the clean-up, and never changes a role the course did not create.

The local AWS stands in for a real account (the target says "aws"), as in test_course_set_up.py; moto's
IAM, S3 and user pools are shared by every local AWS in the process, so each test removes what it made.
"""

from __future__ import annotations

import json
import time

import pytest

from helpers import course, roles_by_group
from helpers.display import jwt_parts
from helpers.iam_policy import Request, cognito_web_identity_request, evaluate, evaluate_trust_policy
from helpers.target import Target
from tests.support.course_accounts import target
from tests.support.local_aws_fixtures import REGION

SOMEONE_ELSES_POOL = "us-east-1:99999999-8888-7777-6666-555555555555"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[Target]:
    """The targets ``set_up`` asks IAM to settle on (course.wait_for_iam, which sleeps on AWS itself)."""
    asked: list[Target] = []
    monkeypatch.setattr(course, "wait_for_iam", asked.append)
    return asked


def groups_of(aws: Target, made: roles_by_group.GroupsCourse, user: str) -> list[str]:
    idp = aws.session.client("cognito-idp")
    found = idp.admin_list_groups_for_user(UserPoolId=made.user_pool.user_pool_id, Username=user)["Groups"]
    return sorted(group["GroupName"] for group in found)


def team_of(aws: Target, made: roles_by_group.GroupsCourse, user: str) -> str | None:
    idp = aws.session.client("cognito-idp")
    attributes = idp.admin_get_user(UserPoolId=made.user_pool.user_pool_id, Username=user)["UserAttributes"]
    return next((a["Value"] for a in attributes if a["Name"] == "custom:team"), None)


def id_token(aws: Target, made: roles_by_group.GroupsCourse, user: str) -> str:
    answer = aws.session.client("cognito-idp").admin_initiate_auth(
        UserPoolId=made.user_pool.user_pool_id,
        ClientId=made.user_pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": made.passwords[user]},
    )
    return answer["AuthenticationResult"]["IdToken"]


def test_set_up_makes_everything_tagged_and_the_clean_up_deletes_all_of_it(account, waits):
    made = roles_by_group.set_up(account)
    assert waits == [account]  # new roles: IAM is let settle once
    assert set(made.passwords) == set(roles_by_group.USERS)
    assert "passwords" not in repr(made)  # never shown by accident
    listed = [str(resource) for resource in course.course_resources(account)]
    assert listed == [
        "identity pool CourseGroupsPool",
        "user pool CourseGroupsUsers",
        *(f"IAM role {name}" for name in sorted(roles_by_group.ROLE_NAMES)),
        f"S3 bucket {made.bucket}",
    ]
    iam = account.session.client("iam")
    for name in roles_by_group.ROLE_NAMES:
        assert iam.get_role(RoleName=name)["Role"]["Path"] == course.IAM_PATH
    assert course.clean_up(account) == listed
    assert course.course_resources(account) == []


def test_set_up_again_changes_nothing_visible_and_puts_the_users_back(account, waits):
    made = roles_by_group.set_up(account)
    idp = account.session.client("cognito-idp")
    ci = account.session.client("cognito-identity")
    pool_id = made.user_pool.user_pool_id
    # What a run of the notebook (or a learner) leaves behind:
    idp.create_group(UserPoolId=pool_id, GroupName="editors", RoleArn=made.editor_role_arn, Precedence=1)
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="nadia", GroupName="editors")
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="erin", UserAttributes=[{"Name": "custom:team", "Value": "support"}]
    )
    ci.update_identity_pool(
        IdentityPoolId=made.identity_pool_id,
        IdentityPoolName=roles_by_group.IDENTITY_POOL_NAME,
        AllowUnauthenticatedIdentities=False,
        AllowClassicFlow=True,
        IdentityPoolTags=course.TAGS,
    )
    account.session.client("iam").update_assume_role_policy(
        RoleName=roles_by_group.READER_ROLE,
        PolicyDocument=json.dumps(course.trust_policy(SOMEONE_ELSES_POOL, "authenticated")),
    )
    waits.clear()
    again = roles_by_group.set_up(account)

    assert waits == []  # no new role, no wait
    assert (again.user_pool, again.identity_pool_id, again.bucket) == (
        made.user_pool,
        made.identity_pool_id,
        made.bucket,
    )
    assert again.reader_role_arn == made.reader_role_arn
    for user, team in roles_by_group.USERS.items():
        assert groups_of(account, again, user) == []
        assert team_of(account, again, user) == team
    pool = ci.describe_identity_pool(IdentityPoolId=again.identity_pool_id)
    assert {key: pool.get(key) for key in roles_by_group.identity_pool_settings(again.user_pool)} == (
        roles_by_group.identity_pool_settings(again.user_pool)
    )
    trust = account.session.client("iam").get_role(RoleName=roles_by_group.READER_ROLE)["Role"]
    assert trust["AssumeRolePolicyDocument"] == course.trust_policy(again.identity_pool_id, "authenticated")
    assert [len(ci.list_identity_pools(MaxResults=60)["IdentityPools"])] == [1]


@pytest.mark.parametrize("kind", ["local", "aws"])
def test_set_up_sleeps_only_on_aws_itself(endpoint, account, monkeypatch, kind):
    """Not on the local AWS, nor on an account at a local endpoint (the stand-in of the real-AWS tests)."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    roles_by_group.set_up(target(endpoint, kind))
    assert slept == []


def test_set_up_refuses_an_untagged_role_with_one_of_its_names_and_changes_nothing(account):
    iam = account.session.client("iam")
    iam.create_role(
        RoleName=roles_by_group.EDITOR_ROLE,
        AssumeRolePolicyDocument=json.dumps(course.trust_policy(SOMEONE_ELSES_POOL, "authenticated")),
    )
    try:
        with pytest.raises(course.NotCreatedByTheCourse) as refused:
            roles_by_group.set_up(account)
        assert (refused.value.kind, refused.value.name) == ("IAM role", roles_by_group.EDITOR_ROLE)
        assert course.course_resources(account) == []  # nothing was made: no pool, no bucket, no role
        role = iam.get_role(RoleName=roles_by_group.EDITOR_ROLE)["Role"]
        assert role["AssumeRolePolicyDocument"] == course.trust_policy(SOMEONE_ELSES_POOL, "authenticated")
        assert iam.list_role_policies(RoleName=roles_by_group.EDITOR_ROLE)["PolicyNames"] == []
    finally:
        iam.delete_role(RoleName=roles_by_group.EDITOR_ROLE)


def test_each_role_trusts_only_this_pool_and_only_its_kind_of_identity(account):
    made = roles_by_group.set_up(account)
    iam = account.session.client("iam")
    kinds = {
        roles_by_group.EDITOR_ROLE: "authenticated",
        roles_by_group.READER_ROLE: "authenticated",
        roles_by_group.AUTHENTICATED_ROLE: "authenticated",
        roles_by_group.UNAUTHENTICATED_ROLE: "unauthenticated",
    }
    for name, kind in kinds.items():
        trust = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
        other = "unauthenticated" if kind == "authenticated" else "authenticated"
        identity = f"{REGION}:00000000-0000-0000-0000-000000000000"
        assert evaluate_trust_policy(
            cognito_web_identity_request(made.identity_pool_id, identity, [kind]), trust
        ).allowed
        assert not evaluate_trust_policy(
            cognito_web_identity_request(made.identity_pool_id, identity, [other]), trust
        ).allowed
        assert not evaluate_trust_policy(
            cognito_web_identity_request(SOMEONE_ELSES_POOL, identity, [kind]), trust
        ).allowed


def test_the_editor_may_moderate_and_the_reader_only_read(account):
    made = roles_by_group.set_up(account)
    iam = account.session.client("iam")

    def allowed(role: str, action: str, key: str) -> bool:
        policy = iam.get_role_policy(RoleName=role, PolicyName="permissions")["PolicyDocument"]
        return evaluate(Request(action, f"arn:aws:s3:::{made.bucket}/{key}"), policy).allowed

    spam, note = roles_by_group.SPAM_COMMENT, f"{roles_by_group.MODERATION_PREFIX}spam.txt"
    for role in roles_by_group.ROLE_NAMES:
        assert allowed(role, "s3:GetObject", "comments/welcome.txt")
    assert allowed(roles_by_group.EDITOR_ROLE, "s3:DeleteObject", spam)
    assert allowed(roles_by_group.EDITOR_ROLE, "s3:PutObject", note)
    for role in set(roles_by_group.ROLE_NAMES) - {roles_by_group.EDITOR_ROLE}:
        assert not allowed(role, "s3:DeleteObject", spam)
        assert not allowed(role, "s3:PutObject", note)
    s3 = account.session.client("s3")
    assert s3.get_object(Bucket=made.bucket, Key=spam)["Body"].read()


def test_users_sign_in_with_their_team_and_no_group_and_cannot_write_their_team(account):
    made = roles_by_group.set_up(account)
    idp = account.session.client("cognito-idp")
    client = idp.describe_user_pool_client(
        UserPoolId=made.user_pool.user_pool_id, ClientId=made.user_pool.client_id
    )["UserPoolClient"]
    assert "ALLOW_ADMIN_USER_PASSWORD_AUTH" in client["ExplicitAuthFlows"]
    assert "custom:team" not in client["WriteAttributes"]
    for user, team in roles_by_group.USERS.items():
        _, claims = jwt_parts(id_token(account, made, user))
        assert claims.get("custom:team") == team
        assert "cognito:groups" not in claims


def test_the_pool_trusts_the_app_client_so_a_user_gets_the_authenticated_role(account):
    made = roles_by_group.set_up(account)
    ci = account.session.client("cognito-identity")
    ci.set_identity_pool_roles(
        IdentityPoolId=made.identity_pool_id,
        Roles={
            "authenticated": made.authenticated_role_arn,
            "unauthenticated": made.unauthenticated_role_arn,
        },
    )
    logins = {made.user_pool.provider_name: id_token(account, made, "reed")}
    identity_id = ci.get_id(IdentityPoolId=made.identity_pool_id, Logins=logins)["IdentityId"]
    credentials = ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    sts = account.session.client(
        "sts",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretKey"],
        aws_session_token=credentials["SessionToken"],
    )
    assert sts.get_caller_identity()["Arn"].split("/")[1] == roles_by_group.AUTHENTICATED_ROLE
    assert made.role_mapping_key == f"{made.user_pool.provider_name}:{made.user_pool.client_id}"

"""helpers.course: what the course creates, and that it never changes what it did not create.

The local AWS stands in for a real account (the target says "aws"). moto's IAM, S3 and DynamoDB are
shared by every local AWS in the process, so each test removes what it made.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpers import course
from helpers.target import Target
from tests.support.course_accounts import target
from tests.support.local_aws_fixtures import trust_policy

SOMEONE_ELSES_POOL = "us-east-1:99999999-8888-7777-6666-555555555555"


def someone_elses_role(iam: Any) -> None:
    """What the Cognito console leaves for a pool called MyApplicationPool: the course's role name."""
    iam.create_role(
        RoleName=course.UNAUTHENTICATED_ROLE,
        Path="/service-role/",
        AssumeRolePolicyDocument=json.dumps(trust_policy(SOMEONE_ELSES_POOL, "unauthenticated")),
    )
    iam.put_role_policy(
        RoleName=course.UNAUTHENTICATED_ROLE,
        PolicyName="mine",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "mobileanalytics:*", "Resource": "*"}],
            }
        ),
    )


def someone_elses_bucket(s3: Any, bucket: str) -> None:
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="comments/welcome.txt", Body=b"My own welcome, not the course's.")


def someone_elses_table(dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName=course.PROFILES_TABLE,
        KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.put_item(TableName=course.PROFILES_TABLE, Item={"userId": {"S": "me"}})


def snapshot(aws: Target) -> dict[str, Any]:
    """Everything set_up could touch, read back as plain data."""
    iam, s3, dynamodb = (aws.session.client(name) for name in ("iam", "s3", "dynamodb"))
    ci = aws.session.client("cognito-identity")
    state: dict[str, Any] = {
        "identity pools": ci.list_identity_pools(MaxResults=60)["IdentityPools"],
        "user pools": [
            p["Name"] for p in aws.session.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
        ],
    }
    for name in (course.UNAUTHENTICATED_ROLE, course.AUTHENTICATED_ROLE):
        try:
            role = iam.get_role(RoleName=name)["Role"]
        except iam.exceptions.NoSuchEntityException:
            continue
        state[name] = {
            "trust": role["AssumeRolePolicyDocument"],
            "path": role["Path"],
            "tags": iam.list_role_tags(RoleName=name)["Tags"],
            "policies": {
                policy: iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
                for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]
            },
        }
    bucket = course.blog_bucket(aws)
    if bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        objects = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
        state[bucket] = {
            item["Key"]: s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in objects
        }
        try:
            state[bucket + " cors"] = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
        except s3.exceptions.ClientError as error:
            state[bucket + " cors"] = error.response["Error"]["Code"]
    if course.PROFILES_TABLE in dynamodb.list_tables()["TableNames"]:
        table = dynamodb.describe_table(TableName=course.PROFILES_TABLE)["Table"]
        state["table"] = {
            "keys": table["KeySchema"],
            "tags": dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"],
            "items": dynamodb.scan(TableName=course.PROFILES_TABLE)["Items"],
        }
    return state


@pytest.mark.parametrize("kind", ["IAM role", "S3 bucket", "DynamoDB table"])
def test_set_up_refuses_untagged_resources_with_the_courses_names_and_changes_nothing(account, kind):
    iam, s3, dynamodb = (account.session.client(name) for name in ("iam", "s3", "dynamodb"))
    bucket = course.blog_bucket(account)
    make, name = {
        "IAM role": (lambda: someone_elses_role(iam), course.UNAUTHENTICATED_ROLE),
        "S3 bucket": (lambda: someone_elses_bucket(s3, bucket), bucket),
        "DynamoDB table": (lambda: someone_elses_table(dynamodb), course.PROFILES_TABLE),
    }[kind]
    make()
    try:
        before = snapshot(account)
        with pytest.raises(course.NotCreatedByTheCourse) as refused:
            course.set_up(account)
        assert (refused.value.kind, refused.value.name) == (kind, name)
        assert name in str(refused.value) and "changes nothing" in str(refused.value)
        assert snapshot(account) == before
        assert course.clean_up(account) == []  # not the course's: the clean-up leaves it too
        assert snapshot(account) == before
    finally:
        if kind == "IAM role":
            iam.delete_role_policy(RoleName=name, PolicyName="mine")
            iam.delete_role(RoleName=name)
        elif kind == "S3 bucket":
            s3.delete_object(Bucket=bucket, Key="comments/welcome.txt")
            s3.delete_bucket(Bucket=bucket)
        else:
            dynamodb.delete_table(TableName=name)


def test_a_refused_role_is_not_removed_by_the_notebooks_remove_role_either(account):
    iam = account.session.client("iam")
    someone_elses_role(iam)
    try:
        before = snapshot(account)
        with pytest.raises(course.NotCreatedByTheCourse):
            course.remove_role(account, course.UNAUTHENTICATED_ROLE)
        assert snapshot(account) == before
    finally:
        iam.delete_role_policy(RoleName=course.UNAUTHENTICATED_ROLE, PolicyName="mine")
        iam.delete_role(RoleName=course.UNAUTHENTICATED_ROLE)


def test_set_up_makes_the_course_and_clean_up_lists_and_deletes_all_of_it(account):
    made = course.set_up(account)
    course.ensure_user_pool(account)
    again = course.set_up(account)
    assert again == made  # idempotent
    s3 = account.session.client("s3")
    assert s3.get_bucket_cors(Bucket=made.bucket)["CORSRules"] == course.BLOG_CORS["CORSRules"]
    listed = [str(resource) for resource in course.course_resources(account)]
    assert listed == [
        "identity pool MyApplicationPool",
        "user pool MyApplicationUsers",
        f"IAM role {course.AUTHENTICATED_ROLE}",
        f"IAM role {course.UNAUTHENTICATED_ROLE}",
        f"DynamoDB table {course.PROFILES_TABLE}",
        f"S3 bucket {made.bucket}",
    ]
    assert course.clean_up(account) == listed
    assert course.course_resources(account) == []


def test_forget_users_deletes_only_those_users_identities(endpoint, account):
    local = target(endpoint, "local")
    made = course.set_up(local)
    ci = local.session.client("cognito-identity")

    def identity_of(user: str) -> str:
        token = course.login_with_amazon_token(local, user)
        return ci.get_id(IdentityPoolId=made.identity_pool_id, Logins={"www.amazon.com": token})["IdentityId"]

    kept, forgotten = identity_of("chen"), identity_of("ana")
    guest = ci.get_id(IdentityPoolId=made.identity_pool_id)["IdentityId"]
    assert course.forget_users(local, made.identity_pool_id, ["ana"]) == ["ana"]
    remaining = {
        i["IdentityId"]
        for i in ci.list_identities(IdentityPoolId=made.identity_pool_id, MaxResults=60)["Identities"]
    }
    assert forgotten not in remaining and {kept, guest} <= remaining
    assert identity_of("chen") == kept and identity_of("ana") != forgotten


def test_clean_up_finds_every_tagged_table_and_course_bucket_and_leaves_untagged_ones(account):
    dynamodb, s3, iam = (account.session.client(name) for name in ("dynamodb", "s3", "iam"))
    tag = [{"Key": course.TAG_KEY, "Value": course.TAG_VALUE}]
    key = {
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    dynamodb.create_table(TableName="LabNotes", Tags=tag, **key)
    dynamodb.create_table(TableName="SomeoneElses", **key)
    ours, theirs = course.course_bucket(account, "lab"), course.course_bucket(account, "untagged")
    for bucket in (ours, theirs):
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="a.txt", Body=b"a")
    s3.put_bucket_tagging(Bucket=ours, Tagging={"TagSet": tag})
    trust = json.dumps(course.trust_policy("us-east-1:00000000-0000-0000-0000-000000000000", "authenticated"))
    iam.create_role(RoleName="LabRole", Path=course.IAM_PATH, AssumeRolePolicyDocument=trust, Tags=tag)
    policy = iam.create_policy(
        PolicyName="LabReadOnly",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            }
        ),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="LabRole", PolicyArn=policy)
    try:
        assert course.clean_up(account) == [
            "IAM role LabRole",
            "DynamoDB table LabNotes",
            f"S3 bucket {ours}",
        ]
        assert "SomeoneElses" in dynamodb.list_tables()["TableNames"]
        assert theirs in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    finally:
        dynamodb.delete_table(TableName="SomeoneElses")
        s3.delete_object(Bucket=theirs, Key="a.txt")
        s3.delete_bucket(Bucket=theirs)
        iam.delete_policy(PolicyArn=policy)

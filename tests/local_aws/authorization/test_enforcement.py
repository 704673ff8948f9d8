"""Credentials from an identity pool are really limited by the role's policies (and the guest scope-down)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from helpers.local_aws import clock
from tests.support.pools import PoolSetup, identity_pool

SUB = "${cognito-identity.amazonaws.com:sub}"
CALLER = "arn:aws:sts::123456789012:assumed-role/{role}/CognitoIdentityCredentials"


def denied(call, *args, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"].get("Message", "")


@pytest.fixture(scope="module")
def blog(endpoint) -> PoolSetup:
    """The blog of the course: guests read comments, signed-in users write under their own identity id."""
    admin_s3 = endpoint.client("s3")
    admin_s3.create_bucket(Bucket="blog")
    admin_s3.put_object(Bucket="blog", Key="comments/first.txt", Body=b"hello")
    dynamodb = endpoint.client("dynamodb")
    dynamodb.create_table(
        TableName="Profiles",
        KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    read = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::blog/comments/*"}
    guest = {
        "Version": "2012-10-17",
        "Statement": [read, {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}],
    }
    member = {
        "Version": "2012-10-17",
        "Statement": [
            read,
            {
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::blog/comments/{SUB}/*",
            },
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/Profiles",
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [SUB]}},
            },
        ],
    }
    return identity_pool(
        endpoint, "blog", classic=True, permissions={"unauthenticated": guest, "authenticated": member}
    )


def guest_credentials(endpoint, blog) -> tuple[str, dict]:
    public = endpoint.unsigned()
    identity_id = public.get_id(IdentityPoolId=blog.pool_id)["IdentityId"]
    return identity_id, public.get_credentials_for_identity(IdentityId=identity_id)["Credentials"]


def member_credentials(endpoint, blog, name: str) -> tuple[str, dict]:
    public = endpoint.unsigned()
    logins = blog.logins(name)
    identity_id = public.get_id(IdentityPoolId=blog.pool_id, Logins=logins)["IdentityId"]
    return identity_id, public.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)[
        "Credentials"
    ]


def test_guests_read_comments_but_cannot_post(endpoint, blog):
    _, credentials = guest_credentials(endpoint, blog)
    s3 = endpoint.with_credentials("s3", credentials)
    assert s3.get_object(Bucket="blog", Key="comments/first.txt")["Body"].read() == b"hello"
    assert denied(s3.put_object, Bucket="blog", Key="comments/spam.txt", Body=b"x") == (
        "AccessDenied",
        f"User: {CALLER.format(role='blog-guest')} is not authorized to perform: s3:PutObject on resource: "
        '"arn:aws:s3:::blog/comments/spam.txt" '
        "because no identity-based policy allows the s3:PutObject action",
    )
    assert denied(s3.list_objects_v2, Bucket="blog")[0] == "AccessDenied"


def test_members_post_only_under_their_own_identity_id(endpoint, blog):
    identity_id, credentials = member_credentials(endpoint, blog, "writer")
    s3 = endpoint.with_credentials("s3", credentials)
    s3.put_object(Bucket="blog", Key=f"comments/{identity_id}/1.txt", Body=b"mine")
    assert (
        endpoint.client("s3").get_object(Bucket="blog", Key=f"comments/{identity_id}/1.txt")["Body"].read()
        == b"mine"
    )
    other, _ = member_credentials(endpoint, blog, "someone-else")
    code, message = denied(s3.put_object, Bucket="blog", Key=f"comments/{other}/1.txt", Body=b"not mine")
    assert code == "AccessDenied" and f"comments/{other}/1.txt" in message
    # The trailing slash matters: a prefix that merely starts with the id is another user's.
    assert (
        denied(s3.put_object, Bucket="blog", Key=f"comments/{identity_id}0/1.txt", Body=b"x")[0]
        == "AccessDenied"
    )


def test_dynamodb_leading_keys_limit_items_to_the_users_own(endpoint, blog):
    identity_id, credentials = member_credentials(endpoint, blog, "profiled")
    table = endpoint.with_credentials("dynamodb", credentials)
    table.put_item(TableName="Profiles", Item={"userId": {"S": identity_id}, "name": {"S": "Ana"}})
    assert (
        table.get_item(TableName="Profiles", Key={"userId": {"S": identity_id}})["Item"]["name"]["S"] == "Ana"
    )
    code, message = denied(table.put_item, TableName="Profiles", Item={"userId": {"S": "someone"}})
    assert code == "AccessDeniedException"
    assert message == (
        f"User: {CALLER.format(role='blog-member')} is not authorized to perform: "
        "dynamodb:PutItem on resource: "
        "arn:aws:dynamodb:us-east-1:123456789012:table/Profiles because no identity-based policy allows the "
        "dynamodb:PutItem action"
    )


def test_a_request_the_local_aws_cannot_authorize_is_denied_in_an_answer_clients_can_read(endpoint, blog):
    """PartiQL and a GetItem without its Key cannot be mapped to IAM's actions and resources: the denial
    says why after AWS's sentence, and its length and checksum (``x-amz-crc32``) are those of the body, so
    botocore reads it at once (it retried a body that did not match its checksum, then gave up)."""
    _, credentials = member_credentials(endpoint, blog, "partiql")
    dynamodb = endpoint.with_credentials("dynamodb", credentials)
    code, message = denied(dynamodb.execute_statement, Statement='SELECT * FROM "Profiles"')
    assert code == "AccessDeniedException"
    assert message.endswith(
        "because no identity-based policy allows the dynamodb:ExecuteStatement action. "
        "The local AWS cannot authorize this request: PartiQL statements are not supported."
    )
    code, message = denied(dynamodb.get_item, TableName="Profiles", Key={})
    assert code == "AccessDeniedException"
    assert message.endswith("The local AWS cannot authorize this request: GetItem: it needs a Key.")


def test_guest_credentials_are_scoped_down_by_the_session_policy(endpoint, blog):
    """The guest role allows iam:ListRoles, but AWS's guest session policies do not include IAM ("Role trust
    and permissions", Cognito Developer Guide)."""
    _, credentials = guest_credentials(endpoint, blog)
    code, message = denied(endpoint.with_credentials("iam", credentials).list_roles)
    assert code == "AccessDenied"
    assert message.endswith("because no session policy allows the iam:ListRoles action")


def test_basic_flow_credentials_have_no_scope_down(endpoint, blog):
    public = endpoint.unsigned()
    identity_id = public.get_id(IdentityPoolId=blog.pool_id)["IdentityId"]
    token = public.get_open_id_token(IdentityId=identity_id)["Token"]
    answer = endpoint.unsigned("sts").assume_role_with_web_identity(
        RoleArn=blog.guest, RoleSessionName="classic", WebIdentityToken=token
    )
    credentials = {**answer["Credentials"], "SecretKey": answer["Credentials"]["SecretAccessKey"]}
    roles = endpoint.with_credentials("iam", credentials).list_roles()["Roles"]
    assert {"blog-guest", "blog-member"} <= {role["RoleName"] for role in roles}


def test_caller_identity_needs_no_permission(endpoint, blog):
    _, credentials = guest_credentials(endpoint, blog)
    assert endpoint.with_credentials("sts", credentials).get_caller_identity()["Arn"] == CALLER.format(
        role="blog-guest"
    )


def test_a_policy_change_takes_effect_for_existing_credentials(endpoint, blog):
    _, credentials = guest_credentials(endpoint, blog)
    s3 = endpoint.with_credentials("s3", credentials)
    assert denied(s3.list_objects_v2, Bucket="blog")[0] == "AccessDenied"
    iam = endpoint.client("iam")
    iam.put_role_policy(
        RoleName="blog-guest",
        PolicyName="list",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:ListBucket",
                        "Resource": "arn:aws:s3:::blog",
                        "Condition": {"StringLike": {"s3:prefix": "comments/*"}},
                    }
                ],
            }
        ),
    )
    try:
        assert s3.list_objects_v2(Bucket="blog", Prefix="comments/")["KeyCount"] >= 1
        assert denied(s3.list_objects_v2, Bucket="blog", Prefix="private/")[0] == "AccessDenied"
    finally:
        iam.delete_role_policy(RoleName="blog-guest", PolicyName="list")
    assert denied(s3.list_objects_v2, Bucket="blog", Prefix="comments/")[0] == "AccessDenied"


def test_a_wrong_session_token_is_refused(endpoint, blog):
    _, credentials = guest_credentials(endpoint, blog)
    s3 = endpoint.with_credentials("s3", {**credentials, "SessionToken": "forged"})
    assert denied(s3.get_object, Bucket="blog", Key="comments/first.txt") == (
        "InvalidToken",
        "The provided token is malformed or otherwise invalid.",
    )


def test_the_administrator_is_not_limited(endpoint, blog):
    s3 = endpoint.client("s3")
    s3.put_object(Bucket="blog", Key="admin/notes.txt", Body=b"ok")
    assert s3.get_object(Bucket="blog", Key="admin/notes.txt")["Body"].read() == b"ok"


def test_expired_credentials_are_refused_as_aws_refuses_them(endpoint, blog):
    """Last in the module: it moves this local AWS's clock past the credentials' hour."""
    identity_id, credentials = member_credentials(endpoint, blog, "late")
    s3 = endpoint.with_credentials("s3", credentials)
    table = endpoint.with_credentials("dynamodb", credentials)
    s3.get_object(Bucket="blog", Key="comments/first.txt")
    clock.advance(3601, endpoint.url)
    assert denied(s3.get_object, Bucket="blog", Key="comments/first.txt") == (
        "ExpiredToken",
        "The provided token has expired.",
    )
    assert denied(table.get_item, TableName="Profiles", Key={"userId": {"S": identity_id}}) == (
        "ExpiredTokenException",
        "The security token included in the request is expired",
    )


def test_a_denial_names_the_first_resource_denied_and_its_reason():
    """A request naming several resources (a copy names its source and destination) is denied for the
    first resource denied, with that resource's reason, not the combined one."""
    from helpers.iam_policy import Request, evaluate
    from helpers.local_aws.authorization.enforcement import _reason, first_denied

    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::private/*"},
        ],
    }
    resources = ["arn:aws:s3:::public/a", "arn:aws:s3:::private/b", "arn:aws:s3:::other/c"]
    decision = evaluate(Request("s3:CopyObject", resources), [policy])
    denied = first_denied(decision)
    assert (denied.resource, _reason(denied)) == (
        "arn:aws:s3:::private/b",
        "explicit deny in an identity-based policy",
    )
    single = evaluate(Request("s3:GetObject", "arn:aws:s3:::private/b"), [policy])
    assert first_denied(single) is single

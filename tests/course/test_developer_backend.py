"""helpers.developer_backend: notebook 08's pool and roles (made, reset, refused when not the course's), the
backend's password table, its HTTP sign-in, and the whole developer flow through it.

The local AWS stands in for a real account (the target says "aws"); moto's IAM and S3 are shared by every
local AWS in the process, so each test removes what the course made (``course.clean_up``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from helpers import course, developer_backend
from helpers.developer_backend import Backend, PasswordTable, SignInRefused, sign_in_at
from helpers.target import Target
from tests.support.local_aws_fixtures import REGION


def identities_of(aws: Target, pool_id: str) -> list[str]:
    ci = aws.session.client("cognito-identity")
    return [i["IdentityId"] for i in ci.list_identities(IdentityPoolId=pool_id, MaxResults=60)["Identities"]]


def pools_named(aws: Target, name: str) -> list[str]:
    pools = aws.session.client("cognito-identity").list_identity_pools(MaxResults=60)["IdentityPools"]
    return [pool["IdentityPoolId"] for pool in pools if pool["IdentityPoolName"] == name]


def role_exists(aws: Target, name: str) -> bool:
    iam = aws.session.client("iam")
    try:
        iam.get_role(RoleName=name)
    except iam.exceptions.NoSuchEntityException:
        return False
    return True


# -- set_up ---------------------------------------------------------------------------------------------


def test_set_up_makes_the_pool_and_its_roles_tagged_for_the_clean_up(account):
    pool = developer_backend.set_up(account)
    ci, iam = account.session.client("cognito-identity"), account.session.client("iam")
    described = ci.describe_identity_pool(IdentityPoolId=pool.identity_pool_id)
    assert described["IdentityPoolName"] == "CourseDeveloperPool"
    assert described["DeveloperProviderName"] == "login.blog.example"
    assert described["AllowClassicFlow"] is False and described["AllowUnauthenticatedIdentities"] is True
    assert described["IdentityPoolTags"] == course.TAGS
    assert ci.get_identity_pool_roles(IdentityPoolId=pool.identity_pool_id)["Roles"] == {
        "unauthenticated": pool.unauthenticated_role_arn,
        "authenticated": pool.authenticated_role_arn,
    }
    for name, amr in (
        ("Cognito_CourseDeveloperPoolUnauth_Role", "unauthenticated"),
        ("Cognito_CourseDeveloperPoolAuth_Role", "authenticated"),
    ):
        role = iam.get_role(RoleName=name)["Role"]
        assert role["Path"] == course.IAM_PATH
        assert role["AssumeRolePolicyDocument"] == course.trust_policy(pool.identity_pool_id, amr)
        assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []  # inline only
    assert pool.bucket == course.blog_bucket(account)
    listed = {str(resource) for resource in course.course_resources(account)}
    assert {
        "identity pool CourseDeveloperPool",
        "IAM role Cognito_CourseDeveloperPoolUnauth_Role",
        "IAM role Cognito_CourseDeveloperPoolAuth_Role",
    } <= listed


def test_set_up_again_keeps_the_pool_turns_the_basic_flow_off_and_forgets_every_identity(account, endpoint):
    pool = developer_backend.set_up(account)
    ci = account.session.client("cognito-identity")
    settings = ci.describe_identity_pool(IdentityPoolId=pool.identity_pool_id)
    settings.pop("ResponseMetadata")
    ci.update_identity_pool(**{**settings, "AllowClassicFlow": True})  # what notebook 08 does
    ana = ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool.identity_pool_id, Logins={"login.blog.example": "ana"}
    )["IdentityId"]
    public = endpoint.unsigned()
    for _ in range(61):  # more than one page of ListIdentities and one DeleteIdentities call
        public.get_id(IdentityPoolId=pool.identity_pool_id)

    again = developer_backend.set_up(account)

    assert again == pool and pools_named(account, "CourseDeveloperPool") == [pool.identity_pool_id]
    described = ci.describe_identity_pool(IdentityPoolId=pool.identity_pool_id)
    assert described["AllowClassicFlow"] is False and described["IdentityPoolTags"] == course.TAGS
    assert identities_of(account, pool.identity_pool_id) == []
    assert (
        ci.get_open_id_token_for_developer_identity(
            IdentityPoolId=pool.identity_pool_id, Logins={"login.blog.example": "ana"}
        )["IdentityId"]
        != ana
    )


def test_set_up_refuses_an_untagged_pool_of_that_name_and_changes_nothing(account):
    ci = account.session.client("cognito-identity")
    theirs = ci.create_identity_pool(
        IdentityPoolName="CourseDeveloperPool", AllowUnauthenticatedIdentities=False
    )
    try:
        with pytest.raises(course.NotCreatedByTheCourse, match="identity pool CourseDeveloperPool"):
            developer_backend.set_up(account)
        assert pools_named(account, "CourseDeveloperPool") == [theirs["IdentityPoolId"]]
        assert not role_exists(account, developer_backend.AUTHENTICATED_ROLE)
        described = ci.describe_identity_pool(IdentityPoolId=theirs["IdentityPoolId"])
        assert "DeveloperProviderName" not in described and "IdentityPoolTags" not in described
    finally:
        ci.delete_identity_pool(IdentityPoolId=theirs["IdentityPoolId"])


def test_set_up_refuses_an_untagged_role_of_that_name_and_changes_nothing(account):
    iam = account.session.client("iam")
    iam.create_role(
        RoleName=developer_backend.AUTHENTICATED_ROLE,
        AssumeRolePolicyDocument=json.dumps(course.trust_policy(f"{REGION}:someone-elses", "authenticated")),
    )
    try:
        with pytest.raises(course.NotCreatedByTheCourse, match=developer_backend.AUTHENTICATED_ROLE):
            developer_backend.set_up(account)
        assert pools_named(account, "CourseDeveloperPool") == []
        assert not role_exists(account, developer_backend.UNAUTHENTICATED_ROLE)
    finally:
        iam.delete_role(RoleName=developer_backend.AUTHENTICATED_ROLE)


# -- the backend's own users ------------------------------------------------------------------------------


def test_password_table_checks_passwords_and_keeps_only_salted_hashes():
    table = PasswordTable({"ana": "same password", "ben": "same password"})
    assert table.check("ana", "same password") and table.check("ben", "same password")
    assert not table.check("ana", "Same password") and not table.check("ana", "")
    assert not table.check("nobody", "same password") and "nobody" not in table
    stored = table._hashes
    assert stored["ana"] != stored["ben"]  # a salt of its own: equal passwords do not look equal
    assert "same password" not in repr(table) and repr(table) == "PasswordTable(2 users)"
    table.add("ana", "a new one")
    assert table.check("ana", "a new one") and not table.check("ana", "same password")


# -- the backend over HTTP ---------------------------------------------------------------------------


def post(url: str, body: bytes, method: str = "POST") -> tuple[int, dict[str, Any], dict[str, str]]:
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error), dict(error.headers)


@pytest.fixture
def fake_backend():
    """A backend whose sign-in is a stand-in for Cognito: it records who was let in."""
    users = PasswordTable({"ana": "right"})
    let_in: list[str] = []

    def sign_in(username: str, password: str) -> dict[str, Any]:
        if not users.check(username, password):
            raise SignInRefused("Incorrect username or password.")
        let_in.append(username)
        return {"IdentityId": f"{REGION}:{username}", "Token": f"token-of-{username}", "ResponseMetadata": {}}

    with Backend(sign_in) as backend:
        yield backend, let_in


def test_backend_answers_a_sign_in_with_the_identity_and_token_only(fake_backend):
    backend, let_in = fake_backend
    assert backend.url.startswith("http://127.0.0.1:")
    status, body, headers = post(f"{backend.url}/sign-in", b'{"username": "ana", "password": "right"}')
    assert status == 200 and body == {"IdentityId": f"{REGION}:ana", "Token": "token-of-ana"}
    assert headers["Cache-Control"] == "no-store" and headers["Content-Type"] == "application/json"
    assert sign_in_at(backend.url, "ana", "right") == body
    assert let_in == ["ana", "ana"]


def test_backend_refuses_wrong_passwords_and_bad_requests(fake_backend):
    backend, let_in = fake_backend
    status, body, _ = post(f"{backend.url}/sign-in", b'{"username": "ana", "password": "wrong"}')
    assert (status, body) == (401, {"message": "Incorrect username or password."})
    with pytest.raises(SignInRefused, match="^Incorrect username or password.$"):
        sign_in_at(backend.url, "nobody", "right")
    for bad in (
        b"not json",
        b"[]",
        b'{"username": "ana"}',
        b'{"username": "ana", "password": 1}',
        b'{"username": "", "password": "right"}',
    ):
        status, body, _ = post(f"{backend.url}/sign-in", bad)
        assert status == 400 and body == {"message": "Send a JSON object with a username and a password."}
    assert post(f"{backend.url}/sign-in", b"", method="PUT")[0] == 405
    assert post(f"{backend.url}/elsewhere", b"{}")[0] == 404
    assert let_in == []


def test_a_stopped_backend_answers_no_more():
    backend = Backend(lambda username, password: {}).start()
    url = backend.url
    backend.stop()
    with pytest.raises(urllib.error.URLError):
        sign_in_at(url, "ana", "right")


# -- the whole flow, as notebook 08 runs it ---------------------------------------------------------------


def test_the_developer_flow_through_the_backend(account, endpoint):
    pool = developer_backend.set_up(account)
    cognito_identity = account.session.client("cognito-identity")  # the administrator's, in the backend
    users = PasswordTable({"ana": "right"})

    def sign_in(username: str, password: str) -> dict[str, Any]:
        if not users.check(username, password):
            raise SignInRefused("Incorrect username or password.")
        return cognito_identity.get_open_id_token_for_developer_identity(
            IdentityPoolId=pool.identity_pool_id, Logins={developer_backend.DEVELOPER_PROVIDER: username}
        )

    with Backend(sign_in) as backend:
        with pytest.raises(SignInRefused):
            sign_in_at(backend.url, "ana", "wrong")
        assert identities_of(account, pool.identity_pool_id) == []  # refused before AWS heard of it
        signed_in = sign_in_at(backend.url, "ana", "right")
    public = endpoint.unsigned()
    credentials = public.get_credentials_for_identity(
        IdentityId=signed_in["IdentityId"],
        Logins={developer_backend.COGNITO_TOKEN_KEY: signed_in["Token"]},
    )["Credentials"]
    caller = endpoint.with_credentials("sts", credentials).get_caller_identity()["Arn"]
    assert caller.endswith(f":assumed-role/{developer_backend.AUTHENTICATED_ROLE}/CognitoIdentityCredentials")
    assert identities_of(account, pool.identity_pool_id) == [signed_in["IdentityId"]]

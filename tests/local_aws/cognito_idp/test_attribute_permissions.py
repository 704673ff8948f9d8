"""A user changes, or signs up with, only the attributes their app client may write (``WriteAttributes``),
and an app client's ID tokens carry only the custom attributes it may read (``ReadAttributes``).

moto lets ``UpdateUserAttributes`` and ``SignUp`` write any attribute; AWS refuses what the app client may not
write with ``NotAuthorizedException: A client attempted to write unauthorized attribute`` (Amazon Cognito API
Reference, ``CreateUserPoolClient``, ``WriteAttributes``). A claim that decides access (attributes for access
control, role mapping rules) must be one the user cannot edit. moto also puts every custom attribute in every
ID token; without ``ReadAttributes`` a client reads only the standard attributes (same page,
``ReadAttributes``).
"""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from tests.support.local_aws_fixtures import UserPool, error_of

REFUSED = ("NotAuthorizedException", "A client attempted to write unauthorized attribute")


@pytest.fixture(scope="module")
def users(endpoint) -> dict[str, Any]:
    """A user pool with the custom attribute ``team``, one app client that names no WriteAttributes and
    one that may write ``custom:team``."""
    idp = endpoint.client("cognito-idp")
    pool_id = idp.create_user_pool(
        PoolName="attribute-permissions",
        Schema=[{"Name": "team", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]

    def client(name: str, **settings: Any) -> UserPool:
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=name,
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
            **settings,
        )["UserPoolClient"]["ClientId"]
        return UserPool(pool_id, client_id, f"cognito-idp.us-east-1.amazonaws.com/{pool_id}")

    return {
        "idp": idp,
        "pool_id": pool_id,
        "default": client("default"),
        "team-writer": client("team-writer", WriteAttributes=["custom:team", "email"]),
        "team-reader": client("team-reader", ReadAttributes=["custom:team", "email"]),
        "email-reader": client("email-reader", ReadAttributes=["email"]),
    }


def team_of(users: dict[str, Any], username: str) -> str | None:
    answer = users["idp"].admin_get_user(UserPoolId=users["pool_id"], Username=username)
    return {a["Name"]: a["Value"] for a in answer["UserAttributes"]}.get("custom:team")


def set_team(users: dict[str, Any], username: str, team: str) -> None:
    users["idp"].admin_update_user_attributes(
        UserPoolId=users["pool_id"],
        Username=username,
        UserAttributes=[{"Name": "custom:team", "Value": team}],
    )


def test_a_client_without_write_attributes_lets_users_write_standard_attributes_only(users):
    idp, client = users["idp"], users["default"]
    access = client.sign_in(idp, "rosa")["access"]
    set_team(users, "rosa", "red")  # the administrator may (AdminUpdateUserAttributes)
    refused = error_of(
        idp.update_user_attributes,
        AccessToken=access,
        UserAttributes=[{"Name": "custom:team", "Value": "blue"}],
    )
    assert refused == REFUSED
    assert team_of(users, "rosa") == "red"
    # One unwritable attribute refuses the whole request: nothing of it is written.
    assert (
        error_of(
            idp.update_user_attributes,
            AccessToken=access,
            UserAttributes=[{"Name": "nickname", "Value": "Ro"}, {"Name": "custom:team", "Value": "blue"}],
        )
        == REFUSED
    )
    answer = idp.admin_get_user(UserPoolId=users["pool_id"], Username="rosa")
    assert "nickname" not in {a["Name"] for a in answer["UserAttributes"]}
    assert team_of(users, "rosa") == "red"
    # Standard attributes are the default write permissions; *_verified are not among them.
    idp.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "nickname", "Value": "Ro"}])
    assert (
        error_of(
            idp.update_user_attributes,
            AccessToken=access,
            UserAttributes=[{"Name": "email_verified", "Value": "true"}],
        )
        == REFUSED
    )


def test_a_client_with_write_attributes_lets_users_write_exactly_those(users):
    idp, client = users["idp"], users["team-writer"]
    access = client.sign_in(idp, "bruno")["access"]
    set_team(users, "bruno", "blue")
    idp.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "custom:team", "Value": "green"}])
    assert team_of(users, "bruno") == "green"
    assert (
        error_of(
            idp.update_user_attributes,
            AccessToken=access,
            UserAttributes=[{"Name": "nickname", "Value": "B"}],
        )
        == REFUSED
    )


def sign_up(endpoint, users: dict[str, Any], client: str, username: str, *attributes: tuple[str, str]) -> Any:
    """SignUp as an app does it: unsigned, with the app client's id."""
    return endpoint.unsigned("cognito-idp").sign_up(
        ClientId=users[client].client_id,
        Username=username,
        Password="Sign-up-passw0rd!",
        UserAttributes=[{"Name": name, "Value": value} for name, value in attributes],
    )


def exists(users: dict[str, Any], username: str) -> bool:
    names = [user["Username"] for user in users["idp"].list_users(UserPoolId=users["pool_id"])["Users"]]
    return username in names


def test_sign_up_sets_only_attributes_the_app_client_may_write(endpoint, users):
    """A self-service sign-up is a write by the app client too (a sign-up that set ``email_verified`` got
    the same refusal, aws/aws-sdk-js#3603): it cannot put the new user in a team of their choosing."""
    refused = error_of(
        sign_up, endpoint, users, "default", "mallory", ("email", "m@example.com"), ("custom:team", "red")
    )
    assert refused == REFUSED
    assert error_of(sign_up, endpoint, users, "default", "mallory", ("email_verified", "true")) == REFUSED
    assert not exists(users, "mallory")  # refused before anything was created

    sign_up(endpoint, users, "default", "noor", ("email", "noor@example.com"))  # standard: the default
    assert exists(users, "noor") and team_of(users, "noor") is None
    sign_up(endpoint, users, "team-writer", "tove", ("custom:team", "green"))
    assert team_of(users, "tove") == "green"
    assert error_of(sign_up, endpoint, users, "team-writer", "ugo", ("nickname", "U")) == REFUSED
    assert not exists(users, "ugo")


def test_sign_up_with_an_unknown_app_client_is_answered_as_before(endpoint, users):
    code, _ = error_of(
        endpoint.unsigned("cognito-idp").sign_up,
        ClientId="nosuchclient0000000000000",
        Username="vera",
        Password="Sign-up-passw0rd!",
        UserAttributes=[{"Name": "custom:team", "Value": "red"}],
    )
    assert code == "ResourceNotFoundException"


def test_a_token_the_local_aws_did_not_issue_is_refused_without_being_echoed(users):
    idp = users["idp"]
    refused = error_of(
        idp.update_user_attributes,
        AccessToken="not-a-token",
        UserAttributes=[{"Name": "custom:team", "Value": "blue"}],
    )
    assert refused == ("NotAuthorizedException", "Invalid Access Token")
    assert error_of(idp.global_sign_out, AccessToken="not-a-token") == refused  # moto echoed the token


def test_id_tokens_carry_the_custom_attributes_the_client_may_read_and_no_other(users):
    set_team(users, "rosa", "red")
    id_claims = {
        kind: jwt.decode(users[kind].sign_in(users["idp"], "rosa")["id"], options={"verify_signature": False})
        for kind in ("team-reader", "email-reader", "default")
    }
    assert id_claims["team-reader"]["custom:team"] == "red"
    assert "custom:team" not in id_claims["email-reader"]
    assert "custom:team" not in id_claims["default"]  # no ReadAttributes: standard attributes only
    # The user still has the attribute; only the tokens of clients that may not read it lack it.
    assert team_of(users, "rosa") == "red"
    assert all(claims["token_use"] == "id" and claims["sub"] for claims in id_claims.values())


def test_id_tokens_carry_the_standard_attributes_by_default_and_only_those_named_otherwise(users):
    """Without ``ReadAttributes`` a client reads the standard attributes and the two ``*_verified`` flags
    (booleans in the token, as in AWS's example ID token); with them, exactly those it names."""
    idp = users["idp"]
    users["default"].sign_in(idp, "sam")
    idp.admin_update_user_attributes(
        UserPoolId=users["pool_id"],
        Username="sam",
        UserAttributes=[
            {"Name": "email", "Value": "sam@example.com"},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": "Sam"},
            {"Name": "custom:team", "Value": "blue"},
        ],
    )

    def claims(kind: str) -> dict[str, Any]:
        token = users[kind].sign_in(idp, "sam")["id"]
        return jwt.decode(token, options={"verify_signature": False})

    default = claims("default")
    assert (default["email"], default["email_verified"], default["name"]) == ("sam@example.com", True, "Sam")
    assert "custom:team" not in default
    email_only = claims("email-reader")  # ReadAttributes: email
    assert email_only["email"] == "sam@example.com"
    assert not {"name", "email_verified", "custom:team"} & set(email_only)
    team = claims("team-reader")  # ReadAttributes: custom:team, email
    assert (team["custom:team"], team["email"]) == ("blue", "sam@example.com") and "name" not in team

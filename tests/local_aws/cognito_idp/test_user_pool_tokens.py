"""User pool tokens signed by the local AWS with a key of its own run, never moto's packaged key.

moto's private key ships inside its package (``moto/cognitoidp/resources/jwks-private.json.gz``): a
token signed with it must get nothing from an identity pool. Tokens from a real sign-in carry the
run's ``kid``, verify against the pool's ``/.well-known/jwks.json``, work end to end and come back to
the user pool's own operations (GetUser, GlobalSignOut, refresh). ID tokens carry ``cognito:roles``
and ``cognito:preferred_role`` as AWS issues them (Amazon Cognito API Reference, CreateGroup,
``Precedence``), and identity pools' Token role mappings read them from the token.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

import jwt
import pytest
from moto.utilities.utils import load_resource

from tests.support.local_aws_fixtures import create_role, create_user_pool, error_of, trust_policy
from tests.support.pools import PoolSetup, identity_pool

NOT_VERIFIED = ("NotAuthorizedException", "Invalid login token. Couldn't verify signed token.")


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def fetch(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture(scope="module")
def setup(endpoint) -> PoolSetup:
    return identity_pool(endpoint, "tokens", guests=False)


def moto_signed(claims: dict[str, Any]) -> str:
    """A token signed with the private key moto ships in its package (kid ``dummy``, as moto signs)."""
    private = jwt.algorithms.RSAAlgorithm.from_jwk(
        json.dumps(load_resource("cognitoidp/resources/jwks-private.json"))
    )
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": "dummy"})


def test_a_token_signed_with_motos_packaged_key_is_refused(setup, endpoint):
    users = setup.users
    now = int(time.time())
    forged = moto_signed(
        {
            "iss": f"https://{users.provider_name}",
            "aud": users.client_id,
            "sub": str(uuid.uuid4()),  # a user who does not exist
            "token_use": "id",
            "cognito:username": "nobody",
            "iat": now,
            "auth_time": now,
            "exp": now + 3600,
        }
    )
    assert (
        error_of(
            endpoint.unsigned().get_id, IdentityPoolId=setup.pool_id, Logins={users.provider_name: forged}
        )
        == NOT_VERIFIED
    )
    # The same claims re-signed by moto's key under the local key's kid: still refused (bad signature).
    kid = jwt.get_unverified_header(users.sign_in(setup.idp, "kid-source")["id"])["kid"]
    private = jwt.algorithms.RSAAlgorithm.from_jwk(
        json.dumps(load_resource("cognitoidp/resources/jwks-private.json"))
    )
    under_our_kid = jwt.encode(claims_of(forged), private, algorithm="RS256", headers={"kid": kid})
    assert (
        error_of(
            endpoint.unsigned().get_id,
            IdentityPoolId=setup.pool_id,
            Logins={users.provider_name: under_our_kid},
        )
        == NOT_VERIFIED
    )


def test_a_real_sign_in_works_end_to_end(setup, endpoint):
    users, public = setup.users, endpoint.unsigned()
    token = users.sign_in(setup.idp, "ada")["id"]
    logins = {users.provider_name: token}
    identity_id = public.get_id(IdentityPoolId=setup.pool_id, Logins=logins)["IdentityId"]
    credentials = public.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    caller = endpoint.with_credentials("sts", credentials).get_caller_identity()["Arn"]
    assert caller.split("/")[1] == "tokens-member"


def test_tokens_carry_the_local_key_served_at_the_pools_jwks(setup, endpoint):
    users = setup.users
    tokens = users.sign_in(setup.idp, "grace")
    status, jwks = fetch(f"{endpoint.url}/{users.pool_id}/.well-known/jwks.json")
    assert status == 200
    kids = [key["kid"] for key in jwks["keys"]]
    assert "dummy" not in kids  # moto's packaged key is not served
    for token in tokens.values():
        header = jwt.get_unverified_header(token)
        assert header["alg"] == "RS256" and header["kid"] in kids
        key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == header["kid"])).key
        claims = jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False})
        assert claims["iss"] == f"https://{users.provider_name}"
    assert claims_of(tokens["id"])["aud"] == users.client_id
    assert claims_of(tokens["access"])["client_id"] == users.client_id
    status, discovery = fetch(f"{endpoint.url}/{users.pool_id}/.well-known/openid-configuration")
    assert status == 200 and discovery["issuer"] == f"https://{users.provider_name}"
    assert discovery["jwks_uri"] == f"{endpoint.url}/{users.pool_id}/.well-known/jwks.json"
    assert fetch(f"{endpoint.url}/us-east-1_NoSuchPool/.well-known/jwks.json")[0] == 404


def test_the_user_pool_takes_its_re_signed_tokens_back(setup, endpoint):
    idp, users = setup.idp, setup.users
    users.sign_in(idp, "hopper")
    result = idp.admin_initiate_auth(
        UserPoolId=users.pool_id,
        ClientId=users.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "hopper", "PASSWORD": "Passw0rd!-long"},
    )["AuthenticationResult"]
    public_idp = endpoint.unsigned("cognito-idp")
    assert public_idp.get_user(AccessToken=result["AccessToken"])["Username"] == "hopper"
    refreshed = idp.admin_initiate_auth(
        UserPoolId=users.pool_id,
        ClientId=users.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
    )["AuthenticationResult"]
    assert jwt.get_unverified_header(refreshed["IdToken"])["kid"] != "dummy"
    assert endpoint.unsigned().get_id(
        IdentityPoolId=setup.pool_id, Logins={users.provider_name: refreshed["IdToken"]}
    )
    assert public_idp.get_user(AccessToken=refreshed["AccessToken"])["Username"] == "hopper"
    public_idp.global_sign_out(AccessToken=refreshed["AccessToken"])
    assert error_of(public_idp.get_user, AccessToken=refreshed["AccessToken"])[0] == "NotAuthorizedException"
    # A forged access token for the same user is refused by the user pool too.
    forged = moto_signed({**claims_of(result["AccessToken"]), "jti": str(uuid.uuid4())})
    assert error_of(public_idp.get_user, AccessToken=forged)[0] == "NotAuthorizedException"


def test_id_tokens_carry_roles_and_the_preferred_role(endpoint):
    idp = endpoint.client("cognito-idp")
    users = create_user_pool(idp, "groups")
    editors, readers, auditors = (f"arn:aws:iam::123456789012:role/{name}" for name in ("ed", "rd", "au"))
    idp.create_group(GroupName="editors", UserPoolId=users.pool_id, RoleArn=editors, Precedence=1)
    idp.create_group(GroupName="readers", UserPoolId=users.pool_id, RoleArn=readers, Precedence=5)
    idp.create_group(GroupName="auditors", UserPoolId=users.pool_id, RoleArn=auditors, Precedence=5)
    idp.create_group(GroupName="no-role", UserPoolId=users.pool_id, Precedence=0)
    idp.create_group(GroupName="unranked", UserPoolId=users.pool_id, RoleArn=auditors)

    def id_claims(user: str, groups: list[str]) -> dict[str, Any]:
        users.sign_in(idp, user)
        for group in groups:
            idp.admin_add_user_to_group(UserPoolId=users.pool_id, Username=user, GroupName=group)
        return claims_of(users.sign_in(idp, user)["id"])

    both = id_claims("both", ["editors", "readers", "no-role"])
    assert sorted(both["cognito:groups"]) == ["editors", "no-role", "readers"]
    assert sorted(both["cognito:roles"]) == sorted([editors, readers])
    assert both["cognito:preferred_role"] == editors  # the lowest Precedence with a role
    tie = id_claims("tie", ["readers", "auditors"])
    assert sorted(tie["cognito:roles"]) == sorted([readers, auditors])
    assert "cognito:preferred_role" not in tie  # same Precedence, different roles
    unranked = id_claims("unranked", ["unranked", "readers"])
    assert unranked["cognito:preferred_role"] == readers  # a group without Precedence ranks last
    bare = id_claims("bare", ["no-role"])
    assert "cognito:roles" not in bare and "cognito:preferred_role" not in bare
    assert "cognito:roles" not in claims_of(users.sign_in(idp, "both")["access"])


def test_token_role_mappings_read_the_roles_from_the_token(endpoint):
    """The identity pool reads cognito:preferred_role from the token, not from the pool's groups today."""
    pool = identity_pool(endpoint, "token-mapped", guests=False)
    ci, idp, users, pool_id, member = pool.ci, pool.idp, pool.users, pool.pool_id, pool.member
    iam = endpoint.client("iam")
    editors = create_role(iam, "token-mapped-editors", trust_policy(pool_id, "authenticated"))
    readers = create_role(iam, "token-mapped-readers", trust_policy(pool_id, "authenticated"))
    idp.create_group(GroupName="staff", UserPoolId=users.pool_id, RoleArn=editors, Precedence=1)
    ci.set_identity_pool_roles(
        IdentityPoolId=pool_id,
        Roles={"authenticated": member},
        RoleMappings={
            f"{users.provider_name}:{users.client_id}": {"Type": "Token", "AmbiguousRoleResolution": "Deny"}
        },
    )
    users.sign_in(idp, "kim")
    idp.admin_add_user_to_group(UserPoolId=users.pool_id, Username="kim", GroupName="staff")
    logins = {users.provider_name: users.sign_in(idp, "kim")["id"]}
    idp.update_group(GroupName="staff", UserPoolId=users.pool_id, RoleArn=readers)  # after the sign-in
    public = endpoint.unsigned()
    identity_id = public.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    credentials = public.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    caller = endpoint.with_credentials("sts", credentials).get_caller_identity()["Arn"]
    assert caller.split("/")[1] == "token-mapped-editors"  # the role the token names
    fresh = {users.provider_name: users.sign_in(idp, "kim")["id"]}
    credentials = public.get_credentials_for_identity(IdentityId=identity_id, Logins=fresh)["Credentials"]
    caller = endpoint.with_credentials("sts", credentials).get_caller_identity()["Arn"]
    assert caller.split("/")[1] == "token-mapped-readers"  # a new sign-in carries the new role

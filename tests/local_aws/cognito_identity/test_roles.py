"""Roles and role mappings: stored and validated with AWS's errors; linking rules ("Identity pools
authentication flow", Cognito Developer Guide; "Switching unauthenticated users to authenticated users",
Cognito Developer Guide; "Using role-based access control", Cognito Developer Guide)."""

from __future__ import annotations

import pytest

from tests.support.local_aws_fixtures import error_of
from tests.support.pools import PoolSetup, identity_pool


@pytest.fixture(scope="module")
def setup(endpoint) -> PoolSetup:
    return identity_pool(endpoint, "roles", classic=True)

def test_role_mappings_are_validated_and_stored(setup):
    ci, users, pool_id, roles = setup.ci, setup.users, setup.pool_id, setup.roles
    key = f"{users.provider_name}:{users.client_id}"
    mapping = {key: {"Type": "Token", "AmbiguousRoleResolution": "Deny"}}
    try:
        ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles=roles, RoleMappings=mapping)
        assert ci.get_identity_pool_roles(IdentityPoolId=pool_id)["RoleMappings"] == mapping
        # The basic flow is refused for a pool with role mappings ("Identity pools authentication flow",
        # Cognito Developer Guide).
        public = setup.ci
        identity_id = public.get_id(IdentityPoolId=pool_id)["IdentityId"]
        assert error_of(public.get_open_id_token, IdentityId=identity_id) == (
            "InvalidParameterException",
            "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow.",
        )
    finally:
        ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles=roles)
    assert "RoleMappings" not in ci.get_identity_pool_roles(IdentityPoolId=pool_id)


def test_role_mapping_for_an_unconfigured_provider(setup):
    ci, pool_id = setup.ci, setup.pool_id
    assert error_of(
        ci.set_identity_pool_roles,
        IdentityPoolId=pool_id,
        Roles=setup.roles,
        RoleMappings={
            "graph.facebook.com": {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}
        },
    ) == (
        "InvalidParameterException",
        "graph.facebook.com is not a valid RoleMapping ProviderName or is not a configured provider.",
    )


def test_invalid_role_arn_and_keys(setup):
    ci, pool_id = setup.ci, setup.pool_id
    code, _ = error_of(ci.set_identity_pool_roles, IdentityPoolId=pool_id, Roles={"authenticated": "x" * 25})
    assert code == "InvalidParameterException"
    code, message = error_of(
        ci.set_identity_pool_roles,
        IdentityPoolId=pool_id,
        Roles={"administrator": setup.roles["authenticated"]},
    )
    assert code == "ValidationException" and "'roles'" in message
    # Nothing changed.
    assert ci.get_identity_pool_roles(IdentityPoolId=pool_id)["Roles"] == setup.roles


def test_a_second_user_of_the_same_provider_is_refused(setup, endpoint):
    """Without one of the identity's own logins the call is refused before any linking rule applies
    (the conflict of two users of one provider:
    tests/local_aws/identity_providers/test_identity_providers.py)."""
    users, idp, pool_id = setup.users, setup.idp, setup.pool_id
    public = endpoint.unsigned()
    first = {users.provider_name: users.sign_in(idp, "first-user")["id"]}
    identity_id = public.get_id(IdentityPoolId=pool_id, Logins=first)["IdentityId"]
    public.get_credentials_for_identity(IdentityId=identity_id, Logins=first)
    second = {users.provider_name: users.sign_in(idp, "second-user")["id"]}
    assert error_of(public.get_credentials_for_identity, IdentityId=identity_id, Logins=second) == (
        "NotAuthorizedException",
        "Logins don't match. Please include at least one valid login for this identity or identity pool.",
    )
    # Still one login, and the second user has no identity yet.
    assert setup.ci.describe_identity(IdentityId=identity_id)["Logins"] == [users.provider_name]
    assert public.get_id(IdentityPoolId=pool_id, Logins=second)["IdentityId"] != identity_id


def test_custom_role_arn_other_than_the_pools_role_is_refused(setup, endpoint):
    """UNCONFIRMED for pools with default roles only; chosen: only the role the pool would give."""
    public = endpoint.unsigned()
    identity_id = public.get_id(IdentityPoolId=setup.pool_id)["IdentityId"]
    other = setup.roles["authenticated"]
    assert error_of(public.get_credentials_for_identity, IdentityId=identity_id, CustomRoleArn=other) == (
        "NotAuthorizedException",
        f"Access to Role '{other}' is forbidden.",
    )
    same = setup.roles["unauthenticated"]
    assert (
        public.get_credentials_for_identity(IdentityId=identity_id, CustomRoleArn=same)["IdentityId"]
        == identity_id
    )


def test_identity_of_another_region_is_not_found(setup, endpoint):
    identity_id = endpoint.unsigned().get_id(IdentityPoolId=setup.pool_id)["IdentityId"]
    elsewhere = endpoint.client("cognito-identity", region="eu-west-1")
    assert error_of(elsewhere.describe_identity, IdentityId=identity_id) == (
        "ResourceNotFoundException",
        f"Identity '{identity_id}' not found.",
    )

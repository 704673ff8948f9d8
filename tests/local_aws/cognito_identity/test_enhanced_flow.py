"""Enhanced flow: GetCredentialsForIdentity: real STS credentials for the role the pool selects ("Identity
pools authentication flow", Cognito Developer Guide; GetCredentialsForIdentity, Cognito Identity API
Reference)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.local_aws_fixtures import create_role, error_of, trust_policy
from tests.support.pools import PoolSetup, identity_pool


@pytest.fixture(scope="module")
def pool(endpoint) -> PoolSetup:
    return identity_pool(endpoint, "enhanced")

def test_roles_round_trip(pool):
    answer = pool.ci.get_identity_pool_roles(IdentityPoolId=pool.pool_id)
    assert answer["IdentityPoolId"] == pool.pool_id
    assert answer["Roles"] == pool.roles


def test_guest_credentials_are_for_the_guest_role(pool, endpoint):
    public = endpoint.unsigned()
    identity_id = public.get_id(IdentityPoolId=pool.pool_id)["IdentityId"]
    answer = public.get_credentials_for_identity(IdentityId=identity_id)
    credentials = answer["Credentials"]
    assert answer["IdentityId"] == identity_id
    assert credentials["AccessKeyId"].startswith("ASIA")
    lifetime = credentials["Expiration"] - datetime.now(timezone.utc)
    assert timedelta(minutes=59) < lifetime <= timedelta(hours=1)
    caller = endpoint.with_credentials("sts", credentials).get_caller_identity()
    assert caller["Arn"] == "arn:aws:sts::123456789012:assumed-role/enhanced-guest/CognitoIdentityCredentials"


def test_signed_in_credentials_are_for_the_authenticated_role(pool, endpoint):
    public = endpoint.unsigned()
    users, idp = pool.users, pool.idp
    logins = {users.provider_name: users.sign_in(idp, "member")["id"]}
    identity_id = public.get_id(IdentityPoolId=pool.pool_id, Logins=logins)["IdentityId"]
    credentials = public.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    caller = endpoint.with_credentials("sts", credentials).get_caller_identity()
    assert (
        caller["Arn"] == "arn:aws:sts::123456789012:assumed-role/enhanced-member/CognitoIdentityCredentials"
    )


def test_no_role_for_the_identity_type(endpoint):
    ci = endpoint.client("cognito-identity")
    pool_id = ci.create_identity_pool(IdentityPoolName="roleless", AllowUnauthenticatedIdentities=True)[
        "IdentityPoolId"
    ]
    public = endpoint.unsigned()
    identity_id = public.get_id(IdentityPoolId=pool_id)["IdentityId"]
    assert error_of(public.get_credentials_for_identity, IdentityId=identity_id) == (
        "InvalidIdentityPoolConfigurationException",
        "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
    )


@pytest.mark.parametrize(
    "case",
    ["another pool's aud", "authenticated amr only", "role does not exist"],
)
def test_trust_policy_refusal_is_an_invalid_configuration(endpoint, case):
    ci = endpoint.client("cognito-identity")
    iam = endpoint.client("iam")
    pool_id = ci.create_identity_pool(IdentityPoolName="untrusted", AllowUnauthenticatedIdentities=True)[
        "IdentityPoolId"
    ]
    name = f"untrusted-{abs(hash(case))}"
    if case == "another pool's aud":
        role = create_role(
            iam, name, trust_policy("us-east-1:00000000-0000-0000-0000-000000000000", "unauthenticated")
        )
    elif case == "authenticated amr only":
        role = create_role(iam, name, trust_policy(pool_id, "authenticated"))
    else:
        role = f"arn:aws:iam::123456789012:role/{name}"
    ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"unauthenticated": role})
    public = endpoint.unsigned()
    identity_id = public.get_id(IdentityPoolId=pool_id)["IdentityId"]
    code, message = error_of(public.get_credentials_for_identity, IdentityId=identity_id)
    assert (code, message) == (
        "InvalidIdentityPoolConfigurationException",
        "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
    )


def test_a_refused_sign_in_changes_nothing(pool, endpoint):
    """A sign-in the trust policy refuses must not link the login to the guest identity."""
    ci, users, idp = pool.ci, pool.users, pool.idp
    iam = endpoint.client("iam")
    # Temporarily trust only another pool for signed-in users.
    iam.update_assume_role_policy(
        RoleName="enhanced-member",
        PolicyDocument=json.dumps(
            trust_policy("us-east-1:00000000-0000-0000-0000-000000000000", "authenticated")
        ),
    )
    try:
        public = endpoint.unsigned()
        guest_id = public.get_id(IdentityPoolId=pool.pool_id)["IdentityId"]
        logins = {users.provider_name: users.sign_in(idp, "refused")["id"]}
        code, _ = error_of(public.get_credentials_for_identity, IdentityId=guest_id, Logins=logins)
        assert code == "InvalidIdentityPoolConfigurationException"
        assert "Logins" not in ci.describe_identity(IdentityId=guest_id)
    finally:
        iam.update_assume_role_policy(
            RoleName="enhanced-member",
            PolicyDocument=json.dumps(trust_policy(pool.pool_id, "authenticated")),
        )

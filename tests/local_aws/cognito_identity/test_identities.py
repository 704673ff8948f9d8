"""Identities: stable ids per login, a new id per guest, linking, merging, listing, deleting (GetId, Cognito
Identity API Reference; "Switching unauthenticated users to authenticated users", Cognito Developer Guide)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.local_aws_fixtures import error_of
from tests.support.pools import PoolSetup, identity_pool

IDENTITY_ID = re.compile(r"^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def setup(endpoint) -> PoolSetup:
    return identity_pool(endpoint, "identities")

def test_guests_get_a_new_id_per_call(setup, endpoint):
    pool_id = setup.pool_id
    public = endpoint.unsigned()
    first = public.get_id(IdentityPoolId=pool_id)["IdentityId"]
    second = public.get_id(IdentityPoolId=pool_id)["IdentityId"]
    assert IDENTITY_ID.match(first) and IDENTITY_ID.match(second)
    assert first != second


def test_the_same_login_gets_the_same_id_every_time(setup, endpoint):
    idp, users, pool_id = setup.idp, setup.users, setup.pool_id
    public = endpoint.unsigned()
    first = public.get_id(
        IdentityPoolId=pool_id, Logins={users.provider_name: users.sign_in(idp, "ana")["id"]}
    )
    again = public.get_id(
        IdentityPoolId=pool_id, Logins={users.provider_name: users.sign_in(idp, "ana")["id"]}
    )
    other = public.get_id(
        IdentityPoolId=pool_id, Logins={users.provider_name: users.sign_in(idp, "ben")["id"]}
    )
    assert first["IdentityId"] == again["IdentityId"] != other["IdentityId"]


def test_guests_refused_when_the_pool_disallows_them(endpoint):
    ci = endpoint.client("cognito-identity")
    pool_id = ci.create_identity_pool(IdentityPoolName="members-only", AllowUnauthenticatedIdentities=False)[
        "IdentityPoolId"
    ]
    assert error_of(endpoint.unsigned().get_id, IdentityPoolId=pool_id) == (
        "NotAuthorizedException",
        "Unauthenticated access is not supported for this identity pool.",
    )


def test_a_guest_signing_in_with_a_new_login_keeps_its_id(setup, endpoint):
    ci, idp, users, pool_id = setup.ci, setup.idp, setup.users, setup.pool_id
    public = endpoint.unsigned()
    guest_id = public.get_id(IdentityPoolId=pool_id)["IdentityId"]
    assert "Logins" not in ci.describe_identity(IdentityId=guest_id)
    answer = public.get_credentials_for_identity(
        IdentityId=guest_id, Logins={users.provider_name: users.sign_in(idp, "carla")["id"]}
    )
    assert answer["IdentityId"] == guest_id
    assert ci.describe_identity(IdentityId=guest_id)["Logins"] == [users.provider_name]
    # From now on the login finds this identity.
    assert (
        public.get_id(
            IdentityPoolId=pool_id, Logins={users.provider_name: users.sign_in(idp, "carla")["id"]}
        )["IdentityId"]
        == guest_id
    )
    # And it no longer gets guest credentials.
    assert error_of(public.get_credentials_for_identity, IdentityId=guest_id) == (
        "NotAuthorizedException",
        f"Access to Identity '{guest_id}' is forbidden.",
    )


def test_a_guest_signing_in_with_a_known_login_is_merged_into_its_identity(setup, endpoint):
    ci, idp, users, pool_id = setup.ci, setup.idp, setup.users, setup.pool_id
    public = endpoint.unsigned()
    logins = {users.provider_name: users.sign_in(idp, "dora")["id"]}
    member_id = public.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    guest_id = public.get_id(IdentityPoolId=pool_id)["IdentityId"]
    answer = public.get_credentials_for_identity(IdentityId=guest_id, Logins=logins)
    assert answer["IdentityId"] == member_id  # the client must adopt the id the response returns
    assert error_of(public.get_credentials_for_identity, IdentityId=guest_id) == (
        "NotAuthorizedException",
        f"Access to Identity '{guest_id}' is forbidden.",
    )
    listed = ci.list_identities(IdentityPoolId=pool_id, MaxResults=60)["Identities"]
    assert guest_id in {i["IdentityId"] for i in listed}
    shown = ci.list_identities(IdentityPoolId=pool_id, MaxResults=60, HideDisabled=True)["Identities"]
    assert guest_id not in {i["IdentityId"] for i in shown} and member_id in {i["IdentityId"] for i in shown}


def test_describe_and_delete_identities(setup, endpoint):
    ci, idp, users, pool_id = setup.ci, setup.idp, setup.users, setup.pool_id
    public = endpoint.unsigned()
    logins = {users.provider_name: users.sign_in(idp, "emil")["id"]}
    identity_id = public.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    described = ci.describe_identity(IdentityId=identity_id)
    assert described["Logins"] == [users.provider_name]
    assert described["CreationDate"] <= described["LastModifiedDate"]
    assert ci.delete_identities(IdentityIdsToDelete=[identity_id])["UnprocessedIdentityIds"] == []
    assert error_of(ci.describe_identity, IdentityId=identity_id) == (
        "ResourceNotFoundException",
        f"Identity '{identity_id}' not found.",
    )
    # The login is free again: the next sign-in makes a new identity.
    assert public.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"] != identity_id


def test_eight_threads_signing_in_at_once_get_one_id_per_login(setup, endpoint):
    idp, users, pool_id = setup.idp, setup.users, setup.pool_id
    tokens = {name: users.sign_in(idp, name)["id"] for name in ("t1", "t2")}

    def sign_in(n: int) -> tuple[str, str]:
        name = "t1" if n % 2 else "t2"
        client = endpoint.unsigned()
        return name, client.get_id(IdentityPoolId=pool_id, Logins={users.provider_name: tokens[name]})[
            "IdentityId"
        ]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(sign_in, range(32)))
    ids = {name: {identity for n, identity in results if n == name} for name in tokens}
    assert len(ids["t1"]) == 1 and len(ids["t2"]) == 1 and ids["t1"] != ids["t2"]

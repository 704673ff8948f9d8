"""The linking rules on the identity store alone (no HTTP): plan, check, apply; a refusal changes nothing."""

from __future__ import annotations

import copy

import pytest

from helpers.local_aws.cognito_identity import exceptions as errors
from helpers.local_aws.cognito_identity.linking import IdentityStore
from helpers.local_aws.cognito_identity.records import IdentityPool, VerifiedLogin

GOOGLE, AMAZON = "accounts.google.com", "www.amazon.com"
POOL = IdentityPool(
    "us-east-1:00000000-0000-0000-0000-000000000001",
    "linking",
    True,
    "123456789012",
    "us-east-1",
    supported_login_providers={GOOGLE: "app", AMAZON: "app"},
)


@pytest.fixture()
def store() -> IdentityStore:
    ticks = iter(range(1, 1000))
    return IdentityStore("us-east-1", lambda: float(next(ticks)))


def sign_up(store: IdentityStore, *logins: VerifiedLogin) -> str:
    return store.apply(store.plan_get_id(POOL, list(logins))).identity.identity_id


def snapshot(store: IdentityStore) -> tuple:
    return copy.deepcopy(store.identities), dict(store.login_index)


@pytest.mark.parametrize("attacker_signed_up", [False, True], ids=["would-link", "would-merge"])
def test_a_foreign_login_on_an_authenticated_identity_is_refused(store, attacker_signed_up):
    victim = sign_up(store, VerifiedLogin(GOOGLE, "victim"))
    attacker = VerifiedLogin(AMAZON, "attacker")
    if attacker_signed_up:
        sign_up(store, attacker)
    before = snapshot(store)
    with pytest.raises(errors.NotAuthorizedException, match="Logins don't match"):
        store.plan_sign_in(POOL, victim, [attacker])
    assert snapshot(store) == before


def test_own_login_plus_a_new_one_links_it(store):
    own = VerifiedLogin(GOOGLE, "ana")
    identity_id = sign_up(store, own)
    resolved = store.apply(store.plan_sign_in(POOL, identity_id, [own, VerifiedLogin(AMAZON, "ana")]))
    assert resolved.identity.identity_id == identity_id
    assert resolved.identity.logins == {GOOGLE: "ana", AMAZON: "ana"}


def test_own_login_plus_another_identitys_merges_them_into_the_oldest(store):
    google, amazon = VerifiedLogin(GOOGLE, "ben"), VerifiedLogin(AMAZON, "ben")
    first, second = sign_up(store, google), sign_up(store, amazon)
    resolved = store.apply(store.plan_sign_in(POOL, second, [amazon, google]))
    assert resolved.identity.identity_id == first
    assert store.identities[second].merged_into == first
    assert store.owner_of(POOL, AMAZON, "ben") == first


def test_a_guest_is_absorbed_by_the_logins_identity(store):
    login = VerifiedLogin(GOOGLE, "cleo")
    member = sign_up(store, login)
    guest = sign_up(store)
    assert store.apply(store.plan_sign_in(POOL, guest, [login])).identity.identity_id == member
    assert store.identities[guest].disabled

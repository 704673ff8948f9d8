"""Sign-in rules: an authenticated identity answers only a call presenting one of its own logins.

"you must pass at least one valid token for a login already associated with that identity" (Amazon
Cognito Developer Guide, "Identity pools (federated identities) authentication flow",
https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html). The takeover this
rule stops: an attacker who knows a victim's identity id (it is no secret) presents their own login from
a second provider on it, to get the victim's credentials and to link or merge their login into it.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import identity_providers as idp
from tests.support import sessions
from tests.support.local_aws_fixtures import REGION, error_of
from tests.support.pools import PoolSetup, identity_pool

GOOGLE, AMAZON = "accounts.google.com", "www.amazon.com"
CLIENTS = {GOOGLE: "web-rules.apps.googleusercontent.com", AMAZON: "amzn1.application-oa2-client.rules"}
LOGINS_DO_NOT_MATCH = (
    "NotAuthorizedException",
    "Logins don't match. Please include at least one valid login for this identity or identity pool.",
)
_numbers = itertools.count()
# The stand-in providers know five test users (ana, ben, chen, dara, eve); each test has its own pool.


@pytest.fixture()
def pool(endpoint) -> PoolSetup:
    """A fresh pool trusting Google and Login with Amazon, guests allowed, both flows on."""
    number = next(_numbers)
    pool = identity_pool(
        endpoint, f"sign-in-rules-{number}", classic=True, user_pool=False, providers=CLIENTS
    )
    return pool


def login(endpoint: Any, provider: str, user: str) -> dict[str, str]:
    return {provider: idp.login_token(provider, user, CLIENTS[provider], endpoint_url=endpoint.url)}


def state(endpoint: Any, pool_id: str) -> dict[str, Any]:
    """Every identity of the pool as ListIdentities shows it (disabled ones included)."""
    listed = endpoint.client("cognito-identity").list_identities(IdentityPoolId=pool_id, MaxResults=60)
    shown = endpoint.client("cognito-identity").list_identities(
        IdentityPoolId=pool_id, MaxResults=60, HideDisabled=True
    )
    enabled = {i["IdentityId"] for i in shown["Identities"]}
    return {
        i["IdentityId"]: (sorted(i.get("Logins", [])), i["LastModifiedDate"], i["IdentityId"] in enabled)
        for i in listed["Identities"]
    }


def attempts(public: Any, identity_id: str, logins: dict[str, str]) -> list[tuple[str, str]]:
    """The takeover through each public call that names an identity."""
    return [
        error_of(public.get_credentials_for_identity, IdentityId=identity_id, Logins=logins),
        error_of(public.get_open_id_token, IdentityId=identity_id, Logins=logins),
    ]


def test_takeover_with_a_login_never_seen_is_refused(pool, endpoint):
    """(a) The attacker's login would be linked to the victim's identity: refused, nothing changes."""
    public = endpoint.unsigned()
    victim = login(endpoint, GOOGLE, "ana")
    victim_id = public.get_id(IdentityPoolId=pool.pool_id, Logins=victim)["IdentityId"]
    before = state(endpoint, pool.pool_id)

    assert attempts(public, victim_id, login(endpoint, AMAZON, "ben")) == [LOGINS_DO_NOT_MATCH] * 2

    assert state(endpoint, pool.pool_id) == before  # no identity created, linked, merged or touched
    ci = endpoint.client("cognito-identity")
    assert ci.describe_identity(IdentityId=victim_id)["Logins"] == [GOOGLE]
    # The attacker's login was not linked: on its own it finds a new identity, not the victim's.
    attacker_id = public.get_id(IdentityPoolId=pool.pool_id, Logins=login(endpoint, AMAZON, "ben"))[
        "IdentityId"
    ]
    assert attacker_id != victim_id
    # The victim's next sign-in lands on its own id.
    assert public.get_id(IdentityPoolId=pool.pool_id, Logins=victim)["IdentityId"] == victim_id
    assert public.get_credentials_for_identity(IdentityId=victim_id, Logins=victim)["IdentityId"] == victim_id


def test_takeover_by_an_attacker_with_an_identity_is_refused(pool, endpoint):
    """(b) The attacker's login has an identity: the two would be merged. Refused, nothing changes."""
    public = endpoint.unsigned()
    victim = login(endpoint, GOOGLE, "ana")
    attacker = login(endpoint, AMAZON, "ben")
    victim_id = public.get_id(IdentityPoolId=pool.pool_id, Logins=victim)["IdentityId"]
    attacker_id = public.get_id(IdentityPoolId=pool.pool_id, Logins=attacker)["IdentityId"]
    before = state(endpoint, pool.pool_id)

    assert attempts(public, victim_id, attacker) == [LOGINS_DO_NOT_MATCH] * 2

    assert state(endpoint, pool.pool_id) == before  # both still enabled, their logins and dates as they were
    ci = endpoint.client("cognito-identity")
    assert ci.describe_identity(IdentityId=victim_id)["Logins"] == [GOOGLE]
    assert ci.describe_identity(IdentityId=attacker_id)["Logins"] == [AMAZON]
    assert public.get_id(IdentityPoolId=pool.pool_id, Logins=victim)["IdentityId"] == victim_id
    assert public.get_credentials_for_identity(IdentityId=victim_id, Logins=victim)["IdentityId"] == victim_id
    assert public.get_open_id_token(IdentityId=victim_id, Logins=victim)["IdentityId"] == victim_id
    assert public.get_id(IdentityPoolId=pool.pool_id, Logins=attacker)["IdentityId"] == attacker_id


def test_no_logins_on_an_authenticated_identity_is_refused(pool, endpoint):
    """Without logins the victim's id gets no guest credentials either."""
    public = endpoint.unsigned()
    victim_id = public.get_id(IdentityPoolId=pool.pool_id, Logins=login(endpoint, GOOGLE, "ana"))[
        "IdentityId"
    ]
    forbidden = ("NotAuthorizedException", f"Access to Identity '{victim_id}' is forbidden.")
    assert error_of(public.get_credentials_for_identity, IdentityId=victim_id) == forbidden
    assert error_of(public.get_open_id_token, IdentityId=victim_id) == forbidden


def test_a_guest_links_a_login_then_an_identity_links_a_second_provider(pool, endpoint):
    """Legitimate links: a guest signs in (keeps its id); then its own login plus a new one."""
    public = endpoint.unsigned()
    ci = endpoint.client("cognito-identity")
    guest_id = public.get_id(IdentityPoolId=pool.pool_id)["IdentityId"]
    google = login(endpoint, GOOGLE, "chen")
    assert public.get_credentials_for_identity(IdentityId=guest_id, Logins=google)["IdentityId"] == guest_id
    assert ci.describe_identity(IdentityId=guest_id)["Logins"] == [GOOGLE]

    amazon = login(endpoint, AMAZON, "chen")
    answer = public.get_open_id_token(IdentityId=guest_id, Logins={**google, **amazon})
    assert answer["IdentityId"] == guest_id
    assert ci.describe_identity(IdentityId=guest_id)["Logins"] == [GOOGLE, AMAZON]
    # Each login alone now finds the identity, and proves it.
    assert public.get_id(IdentityPoolId=pool.pool_id, Logins=amazon)["IdentityId"] == guest_id
    assert public.get_credentials_for_identity(IdentityId=guest_id, Logins=amazon)["IdentityId"] == guest_id


def test_an_identity_presenting_its_own_login_merges_another_identitys(pool, endpoint):
    """Legitimate merge: the caller holds both identities' logins, and proves the named one."""
    public = endpoint.unsigned()
    ci = endpoint.client("cognito-identity")
    google = login(endpoint, GOOGLE, "dara")
    amazon = login(endpoint, AMAZON, "dara")
    first = public.get_id(IdentityPoolId=pool.pool_id, Logins=google)["IdentityId"]
    second = public.get_id(IdentityPoolId=pool.pool_id, Logins=amazon)["IdentityId"]

    merged = public.get_credentials_for_identity(IdentityId=second, Logins={**amazon, **google})["IdentityId"]

    assert merged == first  # the older identity survives, as GetId merges (UNCONFIRMED which one)
    assert ci.describe_identity(IdentityId=first)["Logins"] == [GOOGLE, AMAZON]
    assert error_of(public.get_credentials_for_identity, IdentityId=second, Logins=amazon) == (
        "NotAuthorizedException",
        f"Access to Identity '{second}' is forbidden.",
    )
    assert public.get_id(IdentityPoolId=pool.pool_id, Logins=amazon)["IdentityId"] == first
    assert state(endpoint, pool.pool_id)[second][2] is False  # disabled, still listed


def test_a_21st_linked_login_is_a_conflict_in_every_call_and_changes_nothing(endpoint):
    """At most 20 logins per identity ("The number of linked logins is limited to 20",
    MergeDeveloperIdentities' API reference). Every call that links answers ResourceConflictException,
    an error all of them model (GetCredentialsForIdentity and GetOpenIdToken model no
    LimitExceededException, and botocore retries that code as throttling), at once and unchanged."""
    developer = "login.limits"
    setup = identity_pool(
        endpoint, "sign-in-rules-limit", classic=True, user_pool=False, providers=CLIENTS, developer=developer
    )
    public = endpoint.unsigned()
    google = login(endpoint, GOOGLE, "eve")
    full = public.get_id(IdentityPoolId=setup.pool_id, Logins=google)["IdentityId"]
    for n in range(19):  # the back end links 19 of its users: 20 logins with Google's
        setup.ci.get_open_id_token_for_developer_identity(
            IdentityPoolId=setup.pool_id, IdentityId=full, Logins={developer: f"eve-{n}"}
        )
    before = state(endpoint, setup.pool_id)
    one_more = {**google, **login(endpoint, AMAZON, "eve")}
    too_many = ("ResourceConflictException", "An identity can be linked to at most 20 logins.")

    # A client that retries as apps' SDKs do ("standard" mode retries throttling codes).
    retrying = sessions.client(
        "cognito-identity",
        region_name=REGION,
        endpoint_url=endpoint.url,
        config=Config(signature_version=UNSIGNED, retries={"mode": "standard", "max_attempts": 3}),
    )
    for call in (retrying.get_credentials_for_identity, retrying.get_open_id_token):
        with pytest.raises(ClientError) as refused:
            call(IdentityId=full, Logins=one_more)
        error = refused.value.response["Error"]
        assert (error["Code"], error["Message"]) == too_many
        assert refused.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert error_of(public.get_id, IdentityPoolId=setup.pool_id, Logins=one_more) == too_many
    assert (
        error_of(
            setup.ci.get_open_id_token_for_developer_identity,
            IdentityPoolId=setup.pool_id,
            IdentityId=full,
            Logins={developer: "eve-19"},
        )
        == too_many
    )
    assert state(endpoint, setup.pool_id) == before

"""Role mappings decide the signed-in user's role: Token and Rules types, AmbiguousRoleResolution ("Using
role-based access control", Cognito Developer Guide)."""

from __future__ import annotations

import pytest

from helpers.local_aws.cognito_identity.exceptions import AMBIGUOUS_ROLE_MAPPING_DENIED as DENIED_MESSAGE
from helpers.local_aws.cognito_identity.records import IdentityPool, VerifiedLogin
from helpers.local_aws.cognito_identity.role_mapping import rule_matches, select_role
from tests.support.local_aws_fixtures import create_role, error_of, trust_policy
from tests.support.pools import identity_pool

ROLE = "arn:aws:iam::123456789012:role/{}"
PROVIDER = "cognito-idp.us-east-1.amazonaws.com/us-east-1_pool"


def pool_with(mapping: dict | None, default_authenticated: bool = True) -> IdentityPool:
    pool = IdentityPool(
        "us-east-1:p",
        "p",
        True,
        "123456789012",
        "us-east-1",
        cognito_identity_providers=[{"ProviderName": PROVIDER, "ClientId": "app"}],
    )
    pool.roles = {"unauthenticated": ROLE.format("guest")}
    if default_authenticated:
        pool.roles["authenticated"] = ROLE.format("member")
    if mapping:
        pool.role_mappings = {f"{PROVIDER}:app": mapping}
    return pool


def login(**claims) -> VerifiedLogin:
    return VerifiedLogin(PROVIDER, "user", (), {"aud": "app", **claims})


def decide(mapping, claims, custom=None, default_authenticated=True) -> str:
    try:
        return select_role(pool_with(mapping, default_authenticated), [login(**claims)], custom).rsplit(
            "/", 1
        )[1]
    except Exception as error:  # noqa: BLE001 - the decision table records the refusal itself
        return f"{type(error).__name__}: {error}"


TOKEN_DENY = {"Type": "Token", "AmbiguousRoleResolution": "Deny"}
TOKEN_DEFAULT = {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}
ROLES = {"cognito:roles": [ROLE.format("editors"), ROLE.format("readers")]}


@pytest.mark.parametrize(
    ("mapping", "claims", "custom", "expected"),
    [
        (None, {}, None, "member"),  # no mapping: the default authenticated role
        (TOKEN_DEFAULT, {"cognito:preferred_role": ROLE.format("editors"), **ROLES}, None, "editors"),
        (TOKEN_DEFAULT, ROLES, None, "member"),  # no preferred role (a precedence tie): ambiguous
        (TOKEN_DENY, ROLES, None, f"NotAuthorizedException: {DENIED_MESSAGE}"),
        (TOKEN_DENY, {}, None, f"NotAuthorizedException: {DENIED_MESSAGE}"),  # no groups at all
        (TOKEN_DENY, ROLES, ROLE.format("readers"), "readers"),  # a custom role among cognito:roles
        (
            TOKEN_DENY,
            ROLES,
            ROLE.format("admins"),
            f"NotAuthorizedException: Access to Role '{ROLE.format('admins')}' is forbidden.",
        ),
    ],
)
def test_token_mapping_decisions(mapping, claims, custom, expected):
    assert decide(mapping, claims, custom) == expected


def rules(*rules: tuple[str, str, str, str], ambiguous: str = "Deny") -> dict:
    return {
        "Type": "Rules",
        "AmbiguousRoleResolution": ambiguous,
        "RulesConfiguration": {
            "Rules": [
                {"Claim": claim, "MatchType": match, "Value": value, "RoleARN": ROLE.format(role)}
                for claim, match, value, role in rules
            ]
        },
    }


@pytest.mark.parametrize(
    ("mapping", "claims", "custom", "expected"),
    [
        (rules(("custom:dept", "Equals", "sales", "sales")), {"custom:dept": "sales"}, None, "sales"),
        (
            rules(("custom:dept", "Equals", "sales", "sales")),
            {"custom:dept": "Sales"},
            None,
            f"NotAuthorizedException: {DENIED_MESSAGE}",
        ),  # values are case-sensitive
        (rules(("email", "Contains", "@example.com", "staff")), {"email": "ana@example.com"}, None, "staff"),
        (rules(("email", "StartsWith", "admin", "admins")), {"email": "admin@example.com"}, None, "admins"),
        (
            rules(("cognito:groups", "Contains", "editors", "editors")),
            {"cognito:groups": ["readers", "editors"]},
            None,
            "editors",
        ),
        # First match wins, in order.
        (
            rules(("email", "Contains", "@", "first"), ("email", "Contains", "@", "second")),
            {"email": "a@b"},
            None,
            "first",
        ),
        # A custom role that a matching rule names overrides the order.
        (
            rules(("email", "Contains", "@", "first"), ("email", "Contains", "@", "second")),
            {"email": "a@b"},
            ROLE.format("second"),
            "second",
        ),
        (
            rules(("email", "Contains", "@", "first")),
            {"email": "a@b"},
            ROLE.format("other"),
            f"NotAuthorizedException: Access to Role '{ROLE.format('other')}' is forbidden.",
        ),
        # NotEqual on a missing claim is skipped (so the next rule decides), not a match ("Using role-based
        # access control", Cognito Developer Guide; pitfall 5).
        (
            rules(("custom:tier", "NotEqual", "free", "paid"), ("email", "Contains", "@", "fallback")),
            {"email": "a@b"},
            None,
            "fallback",
        ),
        (rules(("custom:tier", "NotEqual", "free", "paid")), {"custom:tier": "gold"}, None, "paid"),
        (
            rules(("custom:tier", "NotEqual", "free", "paid")),
            {"custom:tier": "free"},
            None,
            f"NotAuthorizedException: {DENIED_MESSAGE}",
        ),
        # Nothing matches: AmbiguousRoleResolution.
        (rules(("email", "Equals", "x", "x"), ambiguous="AuthenticatedRole"), {"email": "y"}, None, "member"),
        (
            rules(("email", "Equals", "x", "x")),
            {"email": "y"},
            None,
            f"NotAuthorizedException: {DENIED_MESSAGE}",
        ),
    ],
)
def test_rules_mapping_decisions(mapping, claims, custom, expected):
    assert decide(mapping, claims, custom) == expected


def test_ambiguous_with_no_default_role_is_an_invalid_configuration():
    assert decide(TOKEN_DEFAULT, {}, default_authenticated=False).startswith(
        "InvalidIdentityPoolConfigurationException"
    )


def test_guests_always_get_the_unauthenticated_role():
    assert select_role(pool_with(TOKEN_DENY), [], None) == ROLE.format("guest")


def test_not_equal_is_skipped_only_when_the_claim_is_missing():
    rule = {"Claim": "custom:tier", "MatchType": "NotEqual", "Value": "free"}
    assert rule_matches(rule, {}) is None
    assert rule_matches(rule, {"custom:tier": "gold"}) is True


def test_token_mapping_end_to_end_with_user_pool_groups(endpoint):
    """Groups with IAM roles and precedence in the user pool decide the role through the local AWS."""
    pool = identity_pool(endpoint, "mapped", guests=False)
    ci, idp, users, pool_id, member = pool.ci, pool.idp, pool.users, pool.pool_id, pool.member
    iam = endpoint.client("iam")
    editors = create_role(iam, "mapped-editors", trust_policy(pool_id, "authenticated"))
    readers = create_role(iam, "mapped-readers", trust_policy(pool_id, "authenticated"))
    idp.create_group(GroupName="editors", UserPoolId=users.pool_id, RoleArn=editors, Precedence=1)
    idp.create_group(GroupName="readers", UserPoolId=users.pool_id, RoleArn=readers, Precedence=5)
    ci.set_identity_pool_roles(
        IdentityPoolId=pool_id,
        Roles={"authenticated": member},
        RoleMappings={f"{users.provider_name}:{users.client_id}": TOKEN_DENY},
    )
    public = endpoint.unsigned()

    def role_of(user: str, groups: list[str], **extra) -> str:
        users.sign_in(idp, user)
        for group in groups:
            idp.admin_add_user_to_group(UserPoolId=users.pool_id, Username=user, GroupName=group)
        logins = {users.provider_name: users.sign_in(idp, user)["id"]}
        identity_id = public.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
        credentials = public.get_credentials_for_identity(IdentityId=identity_id, Logins=logins, **extra)
        caller = endpoint.with_credentials("sts", credentials["Credentials"]).get_caller_identity()["Arn"]
        return caller.split("/")[1]

    assert role_of("both", ["editors", "readers"]) == "mapped-editors"  # lowest precedence wins
    assert role_of("reader", ["readers"]) == "mapped-readers"
    assert role_of("chooser", ["editors", "readers"], CustomRoleArn=readers) == "mapped-readers"
    users.sign_in(idp, "nobody")
    logins = {users.provider_name: users.sign_in(idp, "nobody")["id"]}
    identity_id = public.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    assert error_of(public.get_credentials_for_identity, IdentityId=identity_id, Logins=logins) == (
        "NotAuthorizedException",
        DENIED_MESSAGE,
    )

"""Developer-authenticated identities: the backend's token, both flows with it, lookup, merge, unlink (the
Cognito Identity API Reference; "Identity pools authentication flow", Cognito Developer Guide;
GetOpenIdToken, Cognito Identity API Reference; "Switching unauthenticated users to authenticated users",
Cognito Developer Guide)."""

from __future__ import annotations

import base64
import json

import jwt
import pytest
from botocore.config import Config

from tests.support import sessions
from tests.support.local_aws_fixtures import error_of
from tests.support.pools import PoolSetup, identity_pool

DEVELOPER = "login.course"
DEVELOPER_TOKEN_KEY = "cognito-identity.amazonaws.com"


@pytest.fixture(scope="module")
def setup(endpoint) -> PoolSetup:
    return identity_pool(endpoint, "developers", classic=True, developer=DEVELOPER)

def developer_token(setup, user: str, **options) -> dict:
    """What the app's backend does after signing its user in: ask Cognito for the user's token."""
    return setup.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=setup.pool_id, Logins={DEVELOPER: user, **options.pop("logins", {})}, **options
    )


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def lookup(setup, **query) -> dict:
    return setup.ci.lookup_developer_identity(IdentityPoolId=setup.pool_id, **query)


# -- GetOpenIdTokenForDeveloperIdentity -------------------------------------------------------------


def test_a_developer_user_gets_one_identity_and_a_15_minute_token(setup):
    first = developer_token(setup, "ana")
    again = developer_token(setup, "ana")
    other = developer_token(setup, "ben")
    assert first["IdentityId"] == again["IdentityId"] != other["IdentityId"]
    claims = claims_of(first["Token"])
    assert claims["sub"] == first["IdentityId"] and claims["aud"] == setup.pool_id
    assert claims["amr"] == ["authenticated", DEVELOPER, f"{DEVELOPER}:{setup.pool_id}:ana"]
    assert claims["exp"] - claims["iat"] == 900
    assert setup.ci.describe_identity(IdentityId=first["IdentityId"])["Logins"] == [DEVELOPER]


def test_token_duration_and_principal_tags(setup, endpoint):
    answer = developer_token(setup, "cleo", TokenDuration=86400, PrincipalTags={"team": "blue"})
    claims = claims_of(answer["Token"])
    assert claims["exp"] - claims["iat"] == 86400
    assert claims["https://aws.amazon.com/tags"] == {"principal_tags": {"team": ["blue"]}}
    # boto3 checks the range itself; a client that does not gets the service's ValidationException.
    unchecked = sessions.client(
        "cognito-identity",
        region_name="us-east-1",
        endpoint_url=endpoint.url,
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    for duration in (0, 86401):
        code, message = error_of(
            unchecked.get_open_id_token_for_developer_identity,
            IdentityPoolId=setup.pool_id,
            Logins={DEVELOPER: "cleo"},
            TokenDuration=duration,
        )
        assert code == "ValidationException" and "'tokenDuration'" in message, message


def test_the_operation_needs_aws_credentials(setup, endpoint):
    assert error_of(
        endpoint.unsigned().get_open_id_token_for_developer_identity,
        IdentityPoolId=setup.pool_id,
        Logins={DEVELOPER: "ana"},
    ) == ("MissingAuthenticationTokenException", "Missing Authentication Token")


def test_an_unknown_developer_provider_or_none_is_refused(setup, endpoint):
    ci = setup.ci
    unsupported = (
        "NotAuthorizedException",
        "This identity pool does not support the specified developer provider",
    )
    assert (
        error_of(
            ci.get_open_id_token_for_developer_identity,
            IdentityPoolId=setup.pool_id,
            Logins={"login.elsewhere": "ana"},
        )
        == unsupported
    )
    no_developer = ci.create_identity_pool(
        IdentityPoolName="no-developer", AllowUnauthenticatedIdentities=True
    )
    assert (
        error_of(
            ci.get_open_id_token_for_developer_identity,
            IdentityPoolId=no_developer["IdentityPoolId"],
            Logins={DEVELOPER: "ana"},
        )
        == unsupported
    )
    token = setup.users.sign_in(setup.idp, "no-developer-entry")["id"]
    assert error_of(
        ci.get_open_id_token_for_developer_identity,
        IdentityPoolId=setup.pool_id,
        Logins={setup.users.provider_name: token},
    ) == ("InvalidParameterException", "Logins must contain the developer provider of this identity pool.")
    missing = "us-east-1:00000000-0000-0000-0000-000000000000"
    assert error_of(
        ci.get_open_id_token_for_developer_identity, IdentityPoolId=missing, Logins={DEVELOPER: "ana"}
    ) == ("ResourceNotFoundException", f"IdentityPool '{missing}' not found.")


def test_linking_a_developer_user_to_an_existing_identity(setup, endpoint):
    ci, public = setup.ci, endpoint.unsigned()
    guest_id = public.get_id(IdentityPoolId=setup.pool_id)["IdentityId"]
    assert developer_token(setup, "gina", IdentityId=guest_id)["IdentityId"] == guest_id
    assert ci.describe_identity(IdentityId=guest_id)["Logins"] == [DEVELOPER]
    # A second developer user may join the same identity; a user registered elsewhere may not.
    assert developer_token(setup, "gina-work", IdentityId=guest_id)["IdentityId"] == guest_id
    other_guest = public.get_id(IdentityPoolId=setup.pool_id)["IdentityId"]
    assert error_of(developer_token, setup, "gina", IdentityId=other_guest) == (
        "DeveloperUserAlreadyRegisteredException",
        "The provided developer user identifier is already registered with Cognito under a different "
        "identity ID.",
    )
    assert "Logins" not in ci.describe_identity(IdentityId=other_guest)  # the refusal changed nothing
    assert lookup(setup, IdentityId=guest_id)["DeveloperUserIdentifierList"] == ["gina", "gina-work"]
    assert error_of(developer_token, setup, "gina", IdentityId="us-east-1:0000")[0] == (
        "ResourceNotFoundException"
    )


def test_a_public_login_in_the_same_call_is_linked_too(setup, endpoint):
    ci, users, public = setup.ci, setup.users, endpoint.unsigned()
    id_token = users.sign_in(setup.idp, "hana")["id"]
    answer = developer_token(setup, "hana", logins={users.provider_name: id_token})
    identity_id = answer["IdentityId"]
    assert claims_of(answer["Token"])["amr"][:3] == [
        "authenticated",
        DEVELOPER,
        f"{DEVELOPER}:{setup.pool_id}:hana",
    ]
    assert users.provider_name in claims_of(answer["Token"])["amr"]
    assert ci.describe_identity(IdentityId=identity_id)["Logins"] == sorted([DEVELOPER, users.provider_name])
    assert (
        public.get_id(IdentityPoolId=setup.pool_id, Logins={users.provider_name: id_token})["IdentityId"]
        == identity_id
    )
    # ("Switching unauthenticated users to authenticated users", Cognito Developer Guide): the developer
    # provider name never appears in the public calls' Logins.
    unsupported = ("NotAuthorizedException", "Token is not from a supported provider of this identity pool.")
    assert error_of(public.get_id, IdentityPoolId=setup.pool_id, Logins={DEVELOPER: "hana"}) == unsupported
    assert (
        error_of(public.get_open_id_token, IdentityId=identity_id, Logins={DEVELOPER: "hana"}) == unsupported
    )
    # The backend may still sign the developer user in (our reading of "Switching unauthenticated users to
    # authenticated users", Cognito Developer Guide).
    assert developer_token(setup, "hana")["IdentityId"] == identity_id


# -- the developer token in the enhanced and basic flows -----------------------------------------


def test_enhanced_flow_with_the_developer_token(setup, endpoint):
    answer = developer_token(setup, "ivan")
    public = endpoint.unsigned()
    got = public.get_credentials_for_identity(
        IdentityId=answer["IdentityId"], Logins={DEVELOPER_TOKEN_KEY: answer["Token"]}
    )
    assert got["IdentityId"] == answer["IdentityId"]
    caller = endpoint.with_credentials("sts", got["Credentials"]).get_caller_identity()
    assert caller["Arn"].endswith(":assumed-role/developers-member/CognitoIdentityCredentials")
    # The token also finds its identity with GetId, and an authenticated identity gets nothing without it.
    assert (
        public.get_id(IdentityPoolId=setup.pool_id, Logins={DEVELOPER_TOKEN_KEY: answer["Token"]})[
            "IdentityId"
        ]
        == answer["IdentityId"]
    )
    assert error_of(public.get_credentials_for_identity, IdentityId=answer["IdentityId"]) == (
        "NotAuthorizedException",
        f"Access to Identity '{answer['IdentityId']}' is forbidden.",
    )
    assert setup.ci.describe_identity(IdentityId=answer["IdentityId"])["Logins"] == [DEVELOPER]


def test_basic_flow_with_the_developer_token(setup, endpoint):
    answer = developer_token(setup, "jana", TokenDuration=1200)
    claims = claims_of(answer["Token"])
    assert claims["exp"] - claims["iat"] == 1200
    assumed = endpoint.unsigned("sts").assume_role_with_web_identity(
        RoleArn=setup.member, RoleSessionName="jana", WebIdentityToken=answer["Token"]
    )
    assert assumed["SubjectFromWebIdentityToken"] == answer["IdentityId"]
    assert assumed["Audience"] == setup.pool_id
    assert assumed["AssumedRoleUser"]["Arn"].endswith(":assumed-role/developers-member/jana")


def test_a_developer_token_proves_only_its_own_identity(setup, endpoint):
    public = endpoint.unsigned()
    karl = developer_token(setup, "karl")
    lena = developer_token(setup, "lena")
    assert error_of(
        public.get_credentials_for_identity,
        IdentityId=lena["IdentityId"],
        Logins={DEVELOPER_TOKEN_KEY: karl["Token"]},
    ) == (
        "NotAuthorizedException",
        "Logins don't match. Please include at least one valid login for this identity or identity pool.",
    )
    header, payload, signature = karl["Token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = lena["IdentityId"]  # karl's signature over a payload that names lena's identity
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    forged = ".".join([header, payload, signature])
    assert error_of(
        public.get_credentials_for_identity,
        IdentityId=karl["IdentityId"],
        Logins={DEVELOPER_TOKEN_KEY: forged},
    ) == ("NotAuthorizedException", "Invalid login token. Couldn't verify signed token.")
    # A guest's GetOpenIdToken token is no developer login.
    guest_id = public.get_id(IdentityPoolId=setup.pool_id)["IdentityId"]
    guest_token = public.get_open_id_token(IdentityId=guest_id)["Token"]
    assert error_of(
        public.get_credentials_for_identity, IdentityId=guest_id, Logins={DEVELOPER_TOKEN_KEY: guest_token}
    ) == ("NotAuthorizedException", "Token is not from a supported provider of this identity pool.")


# -- LookupDeveloperIdentity ---------------------------------------------------------------------


def test_lookup_both_ways(setup):
    identity_id = developer_token(setup, "mia")["IdentityId"]
    for user in ("mia-2", "mia-3"):
        developer_token(setup, user, IdentityId=identity_id)
    by_user = lookup(setup, DeveloperUserIdentifier="mia")
    assert by_user["IdentityId"] == identity_id and by_user["DeveloperUserIdentifierList"] == ["mia"]
    page = lookup(setup, IdentityId=identity_id, MaxResults=2)
    assert page["DeveloperUserIdentifierList"] == ["mia", "mia-2"]
    rest = lookup(setup, IdentityId=identity_id, MaxResults=2, NextToken=page["NextToken"])
    assert rest["DeveloperUserIdentifierList"] == ["mia-3"] and "NextToken" not in rest
    both = lookup(setup, IdentityId=identity_id, DeveloperUserIdentifier="mia-3")
    assert both["IdentityId"] == identity_id and both["DeveloperUserIdentifierList"] == ["mia-3"]


def test_lookup_errors(setup):
    ana_id = developer_token(setup, "ana")["IdentityId"]
    ci = setup.ci
    assert error_of(lookup, setup, IdentityId=ana_id, DeveloperUserIdentifier="ben") == (
        "ResourceConflictException",
        f"DeveloperUserIdentifier 'ben' is not linked to identity '{ana_id}'.",
    )
    assert error_of(lookup, setup) == (
        "InvalidParameterException",
        "Either IdentityId or DeveloperUserIdentifier must not be null.",
    )
    assert error_of(lookup, setup, DeveloperUserIdentifier="nobody") == (
        "ResourceNotFoundException",
        "DeveloperUserIdentifier 'nobody' not found.",
    )
    assert error_of(lookup, setup, IdentityId="us-east-1:0000") == (
        "ResourceNotFoundException",
        "Identity 'us-east-1:0000' not found.",
    )
    missing = "us-east-1:00000000-0000-0000-0000-000000000000"
    assert error_of(ci.lookup_developer_identity, IdentityPoolId=missing, IdentityId=ana_id) == (
        "ResourceNotFoundException",
        f"IdentityPool '{missing}' not found.",
    )


# -- MergeDeveloperIdentities --------------------------------------------------------------------


def merge(setup, source: str, destination: str, provider: str = DEVELOPER) -> dict:
    return setup.ci.merge_developer_identities(
        SourceUserIdentifier=source,
        DestinationUserIdentifier=destination,
        DeveloperProviderName=provider,
        IdentityPoolId=setup.pool_id,
    )


def test_merge_moves_the_source_into_the_destination(setup, endpoint):
    ci, public = setup.ci, endpoint.unsigned()
    source = developer_token(setup, "nina-old")
    destination = developer_token(setup, "nina")
    assert merge(setup, "nina-old", "nina")["IdentityId"] == destination["IdentityId"]
    assert lookup(setup, DeveloperUserIdentifier="nina-old")["IdentityId"] == destination["IdentityId"]
    assert developer_token(setup, "nina-old")["IdentityId"] == destination["IdentityId"]
    assert lookup(setup, IdentityId=destination["IdentityId"])["DeveloperUserIdentifierList"] == [
        "nina",
        "nina-old",
    ]
    # The source identity is disabled, even for a token issued to it before the merge.
    assert error_of(
        public.get_credentials_for_identity,
        IdentityId=source["IdentityId"],
        Logins={DEVELOPER_TOKEN_KEY: source["Token"]},
    ) == ("NotAuthorizedException", f"Access to Identity '{source['IdentityId']}' is forbidden.")
    shown = ci.list_identities(IdentityPoolId=setup.pool_id, MaxResults=60, HideDisabled=True)
    assert source["IdentityId"] not in {i["IdentityId"] for i in shown["Identities"]}


def test_merge_errors_change_nothing(setup):
    ci, users, idp = setup.ci, setup.users, setup.idp
    assert error_of(merge, setup, "ana", "ben", provider="login.elsewhere") == (
        "NotAuthorizedException",
        "This identity pool does not support the specified developer provider",
    )
    assert error_of(merge, setup, "nobody", "ben") == (
        "ResourceNotFoundException",
        "DeveloperUserIdentifier 'nobody' not found.",
    )
    # Both linked to the user pool, as different users.
    olga = developer_token(setup, "olga", logins={users.provider_name: users.sign_in(idp, "olga")["id"]})
    pia = developer_token(setup, "pia", logins={users.provider_name: users.sign_in(idp, "pia")["id"]})
    assert error_of(merge, setup, "olga", "pia") == (
        "ResourceConflictException",
        f"Identity '{pia['IdentityId']}' is already linked to a different {users.provider_name} login.",
    )
    assert lookup(setup, DeveloperUserIdentifier="olga")["IdentityId"] == olga["IdentityId"]
    assert ci.describe_identity(IdentityId=olga["IdentityId"])["Logins"] == sorted(
        [DEVELOPER, users.provider_name]
    )
    # At most 20 linked logins together.
    big = developer_token(setup, "quinn-0")["IdentityId"]
    for n in range(1, 11):
        developer_token(setup, f"quinn-{n}", IdentityId=big)
    small = developer_token(setup, "rosa-0")["IdentityId"]
    for n in range(1, 10):
        developer_token(setup, f"rosa-{n}", IdentityId=small)
    assert error_of(merge, setup, "rosa-0", "quinn-0") == (
        "ResourceConflictException",
        "An identity can be linked to at most 20 logins.",
    )
    assert len(lookup(setup, IdentityId=small)["DeveloperUserIdentifierList"]) == 10
    unlink_developer(setup, small, "rosa-9")  # 11 + 9 fit
    assert merge(setup, "rosa-1", "quinn-0")["IdentityId"] == big
    assert len(lookup(setup, IdentityId=big)["DeveloperUserIdentifierList"]) == 20
    assert error_of(developer_token, setup, "quinn-extra", IdentityId=big) == (
        "ResourceConflictException",
        "An identity can be linked to at most 20 logins.",
    )
    assert error_of(lookup, setup, DeveloperUserIdentifier="quinn-extra")[0] == "ResourceNotFoundException"


# -- UnlinkDeveloperIdentity and UnlinkIdentity --------------------------------------------------


def unlink_developer(setup, identity_id: str, user: str, provider: str = DEVELOPER) -> dict:
    return setup.ci.unlink_developer_identity(
        IdentityId=identity_id,
        IdentityPoolId=setup.pool_id,
        DeveloperProviderName=provider,
        DeveloperUserIdentifier=user,
    )


def test_unlink_developer_identity(setup, endpoint):
    ci, public = setup.ci, endpoint.unsigned()
    sam = developer_token(setup, "sam")
    developer_token(setup, "sam-2", IdentityId=sam["IdentityId"])
    unlink_developer(setup, sam["IdentityId"], "sam-2")
    assert lookup(setup, IdentityId=sam["IdentityId"])["DeveloperUserIdentifierList"] == ["sam"]
    assert developer_token(setup, "sam-2")["IdentityId"] != sam["IdentityId"]  # a new identity next time
    # Without any login left the identity is inaccessible, even for a token issued before.
    unlink_developer(setup, sam["IdentityId"], "sam")
    assert "Logins" not in ci.describe_identity(IdentityId=sam["IdentityId"])
    forbidden = ("NotAuthorizedException", f"Access to Identity '{sam['IdentityId']}' is forbidden.")
    assert error_of(public.get_credentials_for_identity, IdentityId=sam["IdentityId"]) == forbidden
    assert (
        error_of(
            public.get_credentials_for_identity,
            IdentityId=sam["IdentityId"],
            Logins={DEVELOPER_TOKEN_KEY: sam["Token"]},
        )
        == forbidden
    )
    assert error_of(developer_token, setup, "sam-3", IdentityId=sam["IdentityId"]) == forbidden
    assert developer_token(setup, "sam")["IdentityId"] != sam["IdentityId"]


def test_unlink_developer_identity_errors(setup):
    ana_id = developer_token(setup, "ana")["IdentityId"]
    assert error_of(unlink_developer, setup, ana_id, "ana", provider="login.elsewhere") == (
        "NotAuthorizedException",
        "This identity pool does not support the specified developer provider",
    )
    assert error_of(unlink_developer, setup, ana_id, "ben") == (
        "ResourceConflictException",
        f"DeveloperUserIdentifier 'ben' is not linked to identity '{ana_id}'.",
    )
    assert error_of(unlink_developer, setup, ana_id, "nobody") == (
        "ResourceNotFoundException",
        "DeveloperUserIdentifier 'nobody' not found.",
    )
    assert error_of(unlink_developer, setup, "us-east-1:0000", "ana") == (
        "ResourceNotFoundException",
        "Identity 'us-east-1:0000' not found.",
    )
    assert lookup(setup, DeveloperUserIdentifier="ana")["IdentityId"] == ana_id


def test_unlink_identity(setup, endpoint):
    ci, users, idp, public = setup.ci, setup.users, setup.idp, endpoint.unsigned()
    id_token = users.sign_in(idp, "tara")["id"]
    tara = developer_token(setup, "tara", logins={users.provider_name: id_token})
    identity_id = tara["IdentityId"]
    mismatch = (
        "NotAuthorizedException",
        "Logins don't match. Please include at least one valid login for this identity or identity pool.",
    )
    someone_else = users.sign_in(idp, "uma")["id"]
    public.get_id(IdentityPoolId=setup.pool_id, Logins={users.provider_name: someone_else})
    assert (
        error_of(
            public.unlink_identity,
            IdentityId=identity_id,
            Logins={users.provider_name: someone_else},
            LoginsToRemove=[users.provider_name],
        )
        == mismatch
    )
    assert (
        error_of(
            public.unlink_identity, IdentityId=identity_id, Logins={}, LoginsToRemove=[users.provider_name]
        )
        == mismatch
    )
    assert error_of(
        public.unlink_identity,
        IdentityId=identity_id,
        Logins={users.provider_name: id_token},
        LoginsToRemove=[DEVELOPER],
    ) == ("InvalidParameterException", "Developer users can only be unlinked with UnlinkDeveloperIdentity.")
    assert error_of(
        public.unlink_identity,
        IdentityId=identity_id,
        Logins={users.provider_name: id_token},
        LoginsToRemove=["accounts.google.com"],
    ) == (
        "ResourceConflictException",
        f"Identity '{identity_id}' is not linked to a accounts.google.com login.",
    )
    # The developer token proves the identity too.
    public.unlink_identity(
        IdentityId=identity_id,
        Logins={DEVELOPER_TOKEN_KEY: tara["Token"]},
        LoginsToRemove=[users.provider_name],
    )
    assert ci.describe_identity(IdentityId=identity_id)["Logins"] == [DEVELOPER]
    assert (
        public.get_id(IdentityPoolId=setup.pool_id, Logins={users.provider_name: id_token})["IdentityId"]
        != identity_id
    )


def test_unlinking_the_last_login_makes_the_identity_inaccessible(setup, endpoint):
    users, idp, public = setup.users, setup.idp, endpoint.unsigned()
    logins = {users.provider_name: users.sign_in(idp, "vera")["id"]}
    identity_id = public.get_id(IdentityPoolId=setup.pool_id, Logins=logins)["IdentityId"]
    assert public.unlink_identity(IdentityId=identity_id, Logins=logins, LoginsToRemove=[users.provider_name])
    forbidden = ("NotAuthorizedException", f"Access to Identity '{identity_id}' is forbidden.")
    assert error_of(public.get_credentials_for_identity, IdentityId=identity_id) == forbidden
    assert error_of(public.get_open_id_token, IdentityId=identity_id, Logins=logins) == forbidden
    assert (
        error_of(public.unlink_identity, IdentityId=identity_id, Logins=logins, LoginsToRemove=[])
        == forbidden
    )
    assert error_of(
        public.unlink_identity, IdentityId="us-east-1:0000", Logins=logins, LoginsToRemove=[]
    ) == ("ResourceNotFoundException", "Identity 'us-east-1:0000' not found.")

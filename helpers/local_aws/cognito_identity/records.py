"""The records of Amazon Cognito identity pools: pools, identities, verified logins, sign-in plans.

Plain data and the constants of the service (provider names, limits, id and page-token shapes); every
other module of :mod:`helpers.local_aws.cognito_identity` imports its data from here, and this module
imports none of them but :mod:`.exceptions` and :mod:`.principal_tags` (leaves).

AWS pages cited by short name in brackets: *API reference* (Amazon Cognito Federated Identities API
Reference, https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/), and in the Amazon Cognito
Developer Guide (https://docs.aws.amazon.com/cognito/latest/developerguide/<page>.html):
*authentication flow* (authentication-flow), *role trust* (role-trust-and-permissions), *quotas*
(limits).
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..iam.oidc_providers import provider_name
from . import exceptions as errors
from . import principal_tags

#: SupportedLoginProviders keys the service knows [API reference].
PUBLIC_PROVIDERS = (
    "graph.facebook.com",
    "accounts.google.com",
    "appleid.apple.com",
    "www.amazon.com",
    "api.twitter.com",
    "www.digits.com",
)
#: The Logins key of tokens from GetOpenIdTokenForDeveloperIdentity [authentication flow].
DEVELOPER_LOGIN_KEY = "cognito-identity.amazonaws.com"
USER_POOL_PROVIDER = re.compile(
    r"cognito-idp\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/(?P<pool>[\w-]+_[0-9a-zA-Z]+)"
)
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+")

MAX_POOLS_PER_REGION = 1000  # [quotas], not adjustable
MAX_LINKED_LOGINS = 20  # [API reference], MergeDeveloperIdentities


@dataclass
class IdentityPool:
    identity_pool_id: str
    identity_pool_name: str
    allow_unauthenticated_identities: bool
    account_id: str
    region: str
    # None = not sent: the pool then behaves as allowed (aws-cli #7652, Feb 2023). UNCONFIRMED today.
    allow_classic_flow: bool | None = None
    supported_login_providers: dict[str, str] = field(default_factory=dict)
    developer_provider_name: str | None = None
    open_id_connect_provider_arns: list[str] = field(default_factory=list)
    cognito_identity_providers: list[dict[str, Any]] = field(default_factory=list)
    saml_provider_arns: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    role_mappings: dict[str, dict[str, Any]] = field(default_factory=dict)
    # IdentityProviderName -> its attributes-for-access-control map (SetPrincipalTagAttributeMap).
    principal_tag_maps: dict[str, principal_tags.PrincipalTagMap] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return (
            f"arn:aws:cognito-identity:{self.region}:{self.account_id}:identitypool/{self.identity_pool_id}"
        )

    @property
    def classic_flow_allowed(self) -> bool:
        return self.allow_classic_flow is not False

    def configured_providers(self) -> set[str]:
        """Every Logins key this pool accepts."""
        names = set(self.supported_login_providers)
        names.update(p["ProviderName"] for p in self.cognito_identity_providers)
        # OpenID Connect providers are configured by ARN; tokens come under the issuer's host/path
        # (Developer Guide, open-id: "OpenID Connect providers").
        names.update(filter(None, map(provider_name, self.open_id_connect_provider_arns)))
        names.update(self.saml_provider_arns)
        if self.developer_provider_name:
            names.add(DEVELOPER_LOGIN_KEY)
        return names


@dataclass(frozen=True)
class VerifiedLogin:
    """A login whose token the service has checked."""

    provider: str  # the Logins key
    subject: str  # who the token is about, stable for the provider
    amr: tuple[str, ...] = ()  # what this login adds to the OpenID token's amr after "authenticated"
    claims: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Identity:
    identity_id: str
    identity_pool_id: str
    creation_date: float
    last_modified_date: float
    logins: dict[str, str] = field(default_factory=dict)  # provider -> subject
    merged_into: str | None = None  # set when another identity absorbed this one
    # Developer provider name -> developer user identifiers: one identity may have several [DEV, MODEL].
    developer_users: dict[str, list[str]] = field(default_factory=dict)
    # Set when its last login was unlinked: "the Cognito identity becomes inaccessible" [API reference].
    inaccessible: bool = False

    @property
    def disabled(self) -> bool:
        return self.merged_into is not None

    @property
    def authenticated(self) -> bool:
        return bool(self.logins) or any(self.developer_users.values())

    @property
    def linked_providers(self) -> list[str]:
        """DescribeIdentity's ``Logins``: provider names, the developer provider's included (UNCONFIRMED)."""
        return sorted({*self.logins, *(name for name, users in self.developer_users.items() if users)})

    @property
    def linked_login_count(self) -> int:
        return len(self.logins) + sum(len(users) for users in self.developer_users.values())


@dataclass(frozen=True)
class ResolvedIdentity:
    """Which identity a call acts for, after linking or merging the call's logins [authentication flow]."""

    identity: Identity
    logins: tuple[VerifiedLogin, ...]

    @property
    def amr(self) -> list[str]:
        return self.amr_for(self.logins)

    @staticmethod
    def amr_for(logins: tuple[VerifiedLogin, ...] | list[VerifiedLogin]) -> list[str]:
        """``["unauthenticated"]``, or ``["authenticated", <provider>, <provider's subject>, ...]``
        [role trust]."""
        if not logins:
            return ["unauthenticated"]
        values = ["authenticated"]
        for login in logins:
            values.extend(value for value in login.amr if value not in values)
        return values


@dataclass
class Resolution:
    """What a sign-in will do, worked out (and checked) before anything changes."""

    pool: IdentityPool
    survivor: Identity | None  # None: a new identity
    absorbed: list[Identity]  # identities merged into the survivor and disabled
    logins: list[VerifiedLogin]
    combined: dict[str, str] = field(default_factory=dict)  # provider -> subject, to link to the survivor
    developer_users: list[str] = field(default_factory=list)  # developer user ids to link to the survivor
    new_identity_id: str | None = None

    @property
    def identity_id(self) -> str:
        if self.survivor is not None:
            return self.survivor.identity_id
        if self.new_identity_id is None:
            self.new_identity_id = make_identity_id(self.pool.region)
        return self.new_identity_id

    @property
    def amr(self) -> list[str]:
        return ResolvedIdentity.amr_for(self.logins)


def make_identity_id(region: str) -> str:
    # Only the model's pattern is promised (newer ids are not v4 UUIDs).
    return f"{region}:{uuid.uuid4()}"


def page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def page_offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        kind, value = base64.urlsafe_b64decode(token.encode()).decode().split(":")
        if kind == "offset" and int(value) >= 0:
            return int(value)
    except (ValueError, UnicodeDecodeError):
        pass
    raise errors.invalid_next_token()

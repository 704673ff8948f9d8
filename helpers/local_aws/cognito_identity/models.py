"""Amazon Cognito identity pools as plain Python: pools, identities, linked logins, roles.

One :class:`CognitoIdentityBackend` per account and region, methods named after the operations,
returning data (dataclasses) and raising the exceptions of :mod:`.exceptions`; the wire format lives in
:mod:`.responses`. Behaviour follows ``../shared/docs/cognito-identity-behaviour.md`` (sections in
brackets below); ``UNCONFIRMED`` marks choices no public source settles.

Logins reach the backend already verified (:class:`VerifiedLogin`, see :mod:`.logins`): the backend
decides which identity they belong to, never whether a token is genuine.
"""

from __future__ import annotations

import base64
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..guest_session_policy import session_policies as guest_session_policies
from ..iam.oidc_providers import provider_name
from ..issued_credentials import ENHANCED_FLOW_SECONDS, IssuedCredentials, RoleSessions
from . import exceptions as errors
from . import principal_tags
from .open_id_token import (
    DEVELOPER_TOKEN_MAX_SECONDS,
    DEVELOPER_TOKEN_SECONDS,
    OPEN_ID_TOKEN_SECONDS,
    OpenIdTokenSigner,
)

#: SupportedLoginProviders keys the service knows [§1].
PUBLIC_PROVIDERS = (
    "graph.facebook.com",
    "accounts.google.com",
    "appleid.apple.com",
    "www.amazon.com",
    "api.twitter.com",
    "www.digits.com",
)
#: The Logins key of tokens from GetOpenIdTokenForDeveloperIdentity [§3].
DEVELOPER_LOGIN_KEY = "cognito-identity.amazonaws.com"
USER_POOL_PROVIDER = re.compile(
    r"cognito-idp\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/(?P<pool>[\w-]+_[0-9a-zA-Z]+)"
)
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+")

MAX_POOLS_PER_REGION = 1000  # [§10], not adjustable
MAX_LINKED_LOGINS = 20  # [§7]


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
        # OpenID Connect providers are configured by ARN; tokens come under the issuer's host/path [§7].
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
    # Set when its last login was unlinked: "the Cognito identity becomes inaccessible" [§1].
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
    """Which identity a call acts for, after linking or merging the call's logins [§6]."""

    identity: Identity
    logins: tuple[VerifiedLogin, ...]

    @property
    def amr(self) -> list[str]:
        return self.amr_for(self.logins)

    @staticmethod
    def amr_for(logins: tuple[VerifiedLogin, ...] | list[VerifiedLogin]) -> list[str]:
        """``["unauthenticated"]``, or ``["authenticated", <provider>, <provider's subject>, ...]`` [§4]."""
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
            self.new_identity_id = _new_identity_id(self.pool.region)
        return self.new_identity_id

    @property
    def amr(self) -> list[str]:
        return ResolvedIdentity.amr_for(self.logins)


def _new_identity_id(region: str) -> str:
    # Only the model's pattern is promised ([§2]: newer ids are not v4 UUIDs).
    return f"{region}:{uuid.uuid4()}"


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _page_offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        kind, value = base64.urlsafe_b64decode(token.encode()).decode().split(":")
        if kind == "offset" and int(value) >= 0:
            return int(value)
    except (ValueError, UnicodeDecodeError):
        pass
    # UNCONFIRMED wording: AWS answers a forged NextToken with an InvalidParameterException.
    raise errors.InvalidParameterException("Invalid NextToken.")


class LoginsVerifier(Protocol):
    def verify(self, pool: IdentityPool, logins: dict[str, str], now: float) -> list[VerifiedLogin]: ...


@dataclass
class Collaborators:
    """What the service uses outside itself: the clock, token checks, STS and its own signing key."""

    now: Callable[[], float]
    logins: LoginsVerifier
    role_sessions: RoleSessions
    signer: OpenIdTokenSigner


class CognitoIdentityBackend:
    """The identity pools and identities of one account in one region."""

    def __init__(self, account_id: str, region: str, collaborators: Collaborators) -> None:
        self.account_id = account_id
        self.region = region
        self.collaborators = collaborators
        self.now = collaborators.now
        self.pools: dict[str, IdentityPool] = {}
        self.identities: dict[str, Identity] = {}
        # (pool id, provider, subject) -> identity id: the same login always finds the same identity.
        self.login_index: dict[tuple[str, str, str], str] = {}
        self.lock = threading.RLock()

    # -- identity pools ---------------------------------------------------------------------------

    def create_identity_pool(
        self, identity_pool_name: str, allow_unauthenticated_identities: bool, **options: Any
    ) -> IdentityPool:
        with self.lock:
            if len(self.pools) >= MAX_POOLS_PER_REGION:
                raise errors.LimitExceededException(
                    f"Exceeded the maximum number of identity pools ({MAX_POOLS_PER_REGION}) "
                    "for this account."
                )  # UNCONFIRMED wording
            pool = IdentityPool(
                identity_pool_id=f"{self.region}:{uuid.uuid4()}",
                identity_pool_name=identity_pool_name,
                allow_unauthenticated_identities=allow_unauthenticated_identities,
                account_id=self.account_id,
                region=self.region,
            )
            self._configure(pool, options)
            pool.tags = dict(options.get("tags") or {})
            self.pools[pool.identity_pool_id] = pool
            return pool

    def _configure(self, pool: IdentityPool, options: dict[str, Any]) -> None:
        """Check and apply the optional settings shared by Create and Update; all-or-nothing."""
        providers = dict(options.get("supported_login_providers") or {})
        for name in providers:
            if name not in PUBLIC_PROVIDERS:
                # UNCONFIRMED wording; the key set is the model's documented list [§1].
                raise errors.InvalidParameterException(f"{name} is not a valid supported login provider.")
        user_pools = [dict(p) for p in options.get("cognito_identity_providers") or []]
        for provider in user_pools:
            if not USER_POOL_PROVIDER.fullmatch(provider.get("ProviderName", "")):
                raise errors.InvalidParameterException(  # UNCONFIRMED wording
                    f"Invalid Cognito Identity Provider: {provider.get('ProviderName')}"
                )
            provider.setdefault("ServerSideTokenCheck", False)
        developer = options.get("developer_provider_name")
        if pool.developer_provider_name and developer and developer != pool.developer_provider_name:
            # [§1] "cannot be changed once set"; the wording is UNCONFIRMED.
            raise errors.InvalidParameterException(
                "Cannot change the DeveloperProviderName of an identity pool."
            )
        pool.allow_classic_flow = options.get("allow_classic_flow")
        pool.supported_login_providers = providers
        pool.developer_provider_name = developer or pool.developer_provider_name
        pool.open_id_connect_provider_arns = list(options.get("open_id_connect_provider_arns") or [])
        pool.cognito_identity_providers = user_pools
        pool.saml_provider_arns = list(options.get("saml_provider_arns") or [])

    def describe_identity_pool(self, identity_pool_id: str) -> IdentityPool:
        pool = self.pools.get(identity_pool_id)
        if pool is None:
            raise errors.pool_not_found(identity_pool_id)
        return pool

    def update_identity_pool(
        self,
        identity_pool_id: str,
        identity_pool_name: str,
        allow_unauthenticated_identities: bool,
        **options: Any,
    ) -> IdentityPool:
        """Full replacement: whatever is not sent goes back to its default [§1]."""
        with self.lock:
            pool = self.describe_identity_pool(identity_pool_id)
            updated = IdentityPool(**{**pool.__dict__})
            updated.identity_pool_name = identity_pool_name
            updated.allow_unauthenticated_identities = allow_unauthenticated_identities
            self._configure(updated, options)
            # UNCONFIRMED: tags follow the same rule as every other field (unsent = cleared).
            updated.tags = dict(options.get("tags") or {})
            self._check_role_mappings(updated, updated.role_mappings)
            self.pools[identity_pool_id] = updated
            return updated

    def delete_identity_pool(self, identity_pool_id: str) -> None:
        with self.lock:
            self.describe_identity_pool(identity_pool_id)
            del self.pools[identity_pool_id]
            for identity_id in [
                i for i, x in self.identities.items() if x.identity_pool_id == identity_pool_id
            ]:
                del self.identities[identity_id]
            for key in [k for k in self.login_index if k[0] == identity_pool_id]:
                del self.login_index[key]

    def list_identity_pools(
        self, max_results: int, next_token: str | None = None
    ) -> tuple[list[IdentityPool], str | None]:
        with self.lock:
            pools = list(self.pools.values())
        start = _page_offset(next_token)
        page = pools[start : start + max_results]
        following = start + max_results
        return page, (_page_token(following) if following < len(pools) else None)

    # -- tags -------------------------------------------------------------------------------------

    def pool_by_arn(self, resource_arn: str) -> IdentityPool:
        for pool in self.pools.values():
            if pool.arn == resource_arn:
                return pool
        raise errors.ResourceNotFoundException(f"{resource_arn} not found.")  # UNCONFIRMED wording

    def tag_resource(self, resource_arn: str, tags: dict[str, str]) -> None:
        with self.lock:
            pool = self.pool_by_arn(resource_arn)
            if len({**pool.tags, **tags}) > 50:
                raise errors.InvalidParameterException(
                    "An identity pool can have at most 50 tags."
                )  # UNCONFIRMED
            pool.tags.update(tags)

    def untag_resource(self, resource_arn: str, tag_keys: list[str]) -> None:
        with self.lock:
            pool = self.pool_by_arn(resource_arn)
            for key in tag_keys:
                pool.tags.pop(key, None)

    def list_tags_for_resource(self, resource_arn: str) -> dict[str, str]:
        return dict(self.pool_by_arn(resource_arn).tags)

    # -- roles ------------------------------------------------------------------------------------

    def set_identity_pool_roles(
        self,
        identity_pool_id: str,
        roles: dict[str, str],
        role_mappings: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        with self.lock:
            pool = self.describe_identity_pool(identity_pool_id)
            for arn in roles.values():
                if not ROLE_ARN.fullmatch(arn):
                    raise errors.InvalidParameterException(f"Invalid role ARN: {arn}")  # UNCONFIRMED wording
            mappings = {k: dict(v) for k, v in (role_mappings or {}).items()}
            self._check_role_mappings(pool, mappings)
            pool.roles = dict(roles)
            pool.role_mappings = mappings

    def _check_role_mappings(self, pool: IdentityPool, mappings: dict[str, dict[str, Any]]) -> None:
        configured = pool.configured_providers()
        for provider, mapping in mappings.items():
            # Keys may add ":<app client id>" to a user pool provider name [§9].
            if provider not in configured and provider.rsplit(":", 1)[0] not in configured:
                raise errors.InvalidParameterException(
                    f"{provider} is not a valid RoleMapping ProviderName or is not a configured provider."
                )
            if mapping.get("Type") and not mapping.get("AmbiguousRoleResolution"):
                raise errors.InvalidParameterException(  # UNCONFIRMED wording; required per [§9]
                    "AmbiguousRoleResolution must be specified when the role mapping Type is specified."
                )
            if mapping.get("Type") == "Rules":
                rules = (mapping.get("RulesConfiguration") or {}).get("Rules") or []
                if not rules:
                    raise errors.InvalidParameterException(  # UNCONFIRMED wording
                        "RulesConfiguration is required when the role mapping Type is Rules."
                    )
                if len(rules) > 25:  # [§9]: 25 rules per provider, not adjustable
                    raise errors.InvalidParameterException(
                        "A role mapping can have at most 25 rules."
                    )  # UNCONFIRMED
                for rule in rules:
                    if not ROLE_ARN.fullmatch(rule.get("RoleARN", "")):
                        raise errors.InvalidParameterException(f"Invalid role ARN: {rule.get('RoleARN')}")

    def get_identity_pool_roles(self, identity_pool_id: str) -> IdentityPool:
        return self.describe_identity_pool(identity_pool_id)

    # -- attributes for access control --------------------------------------------------------------

    @staticmethod
    def _check_tag_provider(pool: IdentityPool, identity_provider_name: str) -> None:
        configured = pool.configured_providers() - {DEVELOPER_LOGIN_KEY}
        # As for RoleMappings, a user pool may be named with ":<app client id>" (UNCONFIRMED).
        if identity_provider_name not in configured and (
            identity_provider_name.rsplit(":", 1)[0] not in configured
        ):
            raise errors.provider_not_configured(identity_provider_name)

    def set_principal_tag_attribute_map(
        self,
        identity_pool_id: str,
        identity_provider_name: str,
        use_defaults: bool | None = None,
        tags: dict[str, str] | None = None,
    ) -> principal_tags.PrincipalTagMap:
        """Which claims of this provider's tokens become session tags; echoed back as stored."""
        with self.lock:
            pool = self.describe_identity_pool(identity_pool_id)
            self._check_tag_provider(pool, identity_provider_name)
            tag_map = principal_tags.checked_map(use_defaults, tags)
            pool.principal_tag_maps[identity_provider_name] = tag_map
            return tag_map

    def get_principal_tag_attribute_map(
        self, identity_pool_id: str, identity_provider_name: str
    ) -> principal_tags.PrincipalTagMap:
        with self.lock:
            pool = self.describe_identity_pool(identity_pool_id)
            self._check_tag_provider(pool, identity_provider_name)
            tag_map = pool.principal_tag_maps.get(identity_provider_name)
            if tag_map is None:
                raise errors.principal_tag_map_not_found(identity_pool_id, identity_provider_name)
            return tag_map

    @staticmethod
    def session_tags(
        pool: IdentityPool, logins: tuple[VerifiedLogin, ...] | list[VerifiedLogin]
    ) -> dict[str, str]:
        """The principal tags a sign-in with these logins puts on its session: a developer token's own
        ``PrincipalTags``, and each other login's claims under its provider's map."""
        found = []
        for login in logins:
            if login.provider == DEVELOPER_LOGIN_KEY:
                found.append(principal_tags.from_token_claim(login.claims.get("principal_tags") or {}))
                continue
            key = login.provider
            if key.startswith("cognito-idp.") and isinstance(login.claims.get("aud"), str):
                key = f"{login.provider}:{login.claims['aud']}"
            tag_map = pool.principal_tag_maps.get(key) or pool.principal_tag_maps.get(login.provider)
            found.append(principal_tags.tags_for_login(tag_map, login.provider, login.claims))
        return principal_tags.merged(found)

    # -- identities -------------------------------------------------------------------------------

    def _identity(self, identity_id: str) -> Identity:
        identity = self.identities.get(identity_id)
        if identity is None or identity.identity_pool_id not in self.pools:
            raise errors.identity_not_found(identity_id)
        return identity

    def _new_identity(self, pool: IdentityPool, identity_id: str | None = None) -> Identity:
        now = self.now()
        identity = Identity(identity_id or _new_identity_id(self.region), pool.identity_pool_id, now, now)
        self.identities[identity.identity_id] = identity
        return identity

    def _owners(self, pool: IdentityPool, logins: list[VerifiedLogin]) -> list[Identity]:
        found: dict[str, Identity] = {}
        for login in logins:
            if login.provider == DEVELOPER_LOGIN_KEY:
                owner = self._developer_token_owner(pool, login)
            else:
                owner = self.login_index.get((pool.identity_pool_id, login.provider, login.subject))
            if owner is not None:
                found[owner] = self.identities[owner]
        return list(found.values())

    def _plan_get_id(self, pool: IdentityPool, logins: list[VerifiedLogin]) -> Resolution:
        """GetId: a new guest identity per call without logins; the login's own identity with them [§2]."""
        if not logins:
            if not pool.allow_unauthenticated_identities:
                raise errors.unauthenticated_not_supported()
            return Resolution(pool, None, [], [])
        owners = self._owners(pool, logins)
        if not owners:
            return self._checked(Resolution(pool, None, [], logins))
        # Logins of several identities in one call link them: the oldest keeps the others' logins.
        survivor = min(owners, key=lambda i: (i.creation_date, i.identity_id))
        return self._checked(Resolution(pool, survivor, [o for o in owners if o is not survivor], logins))

    def _plan_resolve(
        self, identity_id: str, logins: list[VerifiedLogin], vouched: bool = False
    ) -> Resolution:
        """GetCredentialsForIdentity and GetOpenIdToken: which identity the call acts for [§6].

        An authenticated identity answers only a call that presents at least one of its own logins:
        "you must pass at least one valid token for a login already associated with that identity"
        (Amazon Cognito Developer Guide, "Identity pools (federated identities) authentication flow",
        https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html); anything
        else is "Logins don't match" and changes nothing. Otherwise logins no identity has yet are
        linked to this one (a guest becomes authenticated and keeps its id), and a login that belongs
        to another identity merges the two: a guest is absorbed by the login's identity
        (amplify-js#6616); an authenticated identity and the other one are merged as GetId merges the
        identities of one call's logins, the oldest surviving (UNCONFIRMED: AWS does not say which).
        ``vouched``: the caller is the app's back end, signed with AWS credentials
        (GetOpenIdTokenForDeveloperIdentity), which may "link new logins ... to an existing
        authenticated/unauthenticated identity" (its API reference).
        """
        identity = self._identity(identity_id)
        pool = self.pools[identity.identity_pool_id]
        if identity.disabled or identity.inaccessible:
            raise errors.identity_forbidden(identity_id)
        if any(login.provider == DEVELOPER_LOGIN_KEY and login.subject != identity_id for login in logins):
            # A developer token proves only the identity it was issued to (UNCONFIRMED: AWS's answer).
            raise errors.logins_do_not_match()
        if not logins:
            if identity.authenticated:
                # A signed-in identity gets no guest credentials [§6]; the wording is the one seen for
                # that case (amazon-cognito-ios#13), its trigger UNCONFIRMED.
                raise errors.identity_forbidden(identity_id)
            if not pool.allow_unauthenticated_identities:
                raise errors.unauthenticated_not_supported()
            return Resolution(pool, identity, [], [])
        if (
            identity.authenticated
            and not vouched
            and not any(self._proves(pool, identity, login) for login in logins)
        ):
            # Someone else's login (never seen, or another identity's) on this identity's id: no link,
            # no merge, no credentials.
            raise errors.logins_do_not_match()
        owners = [o for o in self._owners(pool, logins) if o is not identity]
        if not owners:
            return self._checked(Resolution(pool, identity, [], logins))
        if identity.authenticated:
            candidates = [identity, *owners]
            survivor = min(candidates, key=lambda i: (i.creation_date, i.identity_id))
            absorbed = [o for o in candidates if o is not survivor]
            return self._checked(Resolution(pool, survivor, absorbed, logins))
        # The identity that already owns the login survives; the guest is disabled (amplify-js#6616).
        survivor = min(owners, key=lambda i: (i.creation_date, i.identity_id))
        absorbed = [identity, *[o for o in owners if o is not survivor]]
        return self._checked(Resolution(pool, survivor, absorbed, logins))

    def _checked(self, plan: Resolution) -> Resolution:
        """Refuse a plan that would break the linking rules, before anything changes."""
        linked = dict(plan.survivor.logins) if plan.survivor else {}
        developer = plan.pool.developer_provider_name
        linked_users = list(plan.survivor.developer_users.get(developer or "", [])) if plan.survivor else []
        incoming: dict[str, str] = {}
        incoming_users: list[str] = []
        for other in plan.absorbed:
            incoming.update(other.logins)
            incoming_users.extend(other.developer_users.get(developer or "", []))
        for login in plan.logins:
            if login.provider == DEVELOPER_LOGIN_KEY:
                continue  # a developer token proves an identity; it is not a login to link
            if developer and login.provider == developer:
                incoming_users.append(login.subject)  # one identity may have several developer users
            else:
                incoming[login.provider] = login.subject
        for provider, subject in incoming.items():
            if linked.get(provider, subject) != subject:
                # One login per provider per identity [§6]; the wording is UNCONFIRMED.
                raise errors.ResourceConflictException(
                    f"Identity '{plan.identity_id}' is already linked to a different {provider} login."
                )
        users = list(dict.fromkeys([*linked_users, *incoming_users]))
        if len({**linked, **incoming}) + len(users) > MAX_LINKED_LOGINS:
            raise errors.LimitExceededException(  # UNCONFIRMED wording
                f"An identity can be linked to at most {MAX_LINKED_LOGINS} logins."
            )
        plan.combined = incoming
        plan.developer_users = [user for user in users if user not in linked_users]
        return plan

    def _apply(self, plan: Resolution) -> ResolvedIdentity:
        survivor = plan.survivor or self._new_identity(plan.pool, plan.identity_id)
        now = self.now()
        for provider, subject in plan.combined.items():
            if survivor.logins.get(provider) != subject:
                survivor.logins[provider] = subject
                self.login_index[(survivor.identity_pool_id, provider, subject)] = survivor.identity_id
                survivor.last_modified_date = now
        if plan.developer_users and plan.pool.developer_provider_name:
            developer = plan.pool.developer_provider_name
            survivor.developer_users.setdefault(developer, []).extend(plan.developer_users)
            for user in plan.developer_users:
                self.login_index[(survivor.identity_pool_id, developer, user)] = survivor.identity_id
            survivor.last_modified_date = now
        for other in plan.absorbed:
            other.logins = {}
            other.developer_users = {}
            other.merged_into = survivor.identity_id
            other.last_modified_date = now
        return ResolvedIdentity(survivor, tuple(plan.logins))

    def get_id(self, identity_pool_id: str, logins: list[VerifiedLogin]) -> ResolvedIdentity:
        with self.lock:
            return self._apply(self._plan_get_id(self.describe_identity_pool(identity_pool_id), logins))

    def resolve(self, identity_id: str, logins: list[VerifiedLogin]) -> ResolvedIdentity:
        with self.lock:
            return self._apply(self._plan_resolve(identity_id, logins))

    def describe_identity(self, identity_id: str) -> Identity:
        with self.lock:
            return self._identity(identity_id)

    def list_identities(
        self,
        identity_pool_id: str,
        max_results: int,
        next_token: str | None = None,
        hide_disabled: bool = False,
    ) -> tuple[list[Identity], str | None]:
        with self.lock:
            self.describe_identity_pool(identity_pool_id)
            found = [
                i
                for i in self.identities.values()
                if i.identity_pool_id == identity_pool_id and not (hide_disabled and i.disabled)
            ]
        start = _page_offset(next_token)
        following = start + max_results
        return found[start:following], (_page_token(following) if following < len(found) else None)

    def delete_identities(self, identity_ids: list[str]) -> list[dict[str, str]]:
        """Deletes what exists; unknown ids are not reported (the model lists only AccessDenied and
        InternalServerError as per-identity errors; UNCONFIRMED)."""
        with self.lock:
            for identity_id in identity_ids:
                identity = self.identities.pop(identity_id, None)
                if identity is None:
                    continue
                for provider, subject in identity.logins.items():
                    self.login_index.pop((identity.identity_pool_id, provider, subject), None)
                for provider, users in identity.developer_users.items():
                    for user in users:
                        self.login_index.pop((identity.identity_pool_id, provider, user), None)
        return []

    # -- signing in -------------------------------------------------------------------------------

    def _verified(self, pool: IdentityPool, logins: dict[str, str] | None) -> list[VerifiedLogin]:
        return self.collaborators.logins.verify(pool, dict(logins or {}), self.now())

    def get_id_for_logins(self, identity_pool_id: str, logins: dict[str, str] | None) -> ResolvedIdentity:
        """GetId: check the tokens, then find or create the identity [§2]."""
        pool = self.describe_identity_pool(identity_pool_id)
        return self.get_id(identity_pool_id, self._verified(pool, logins))

    def _identity_pool_of(self, identity_id: str) -> IdentityPool:
        with self.lock:
            return self.pools[self._identity(identity_id).identity_pool_id]

    def role_for(self, pool: IdentityPool, logins: list[VerifiedLogin], custom_role_arn: str | None) -> str:
        """The role the pool gives a sign-in with these logins (enhanced flow): default roles, or the
        pool's role mappings for the login's provider [§3, §9]."""
        from .role_mapping import select_role

        return select_role(pool, logins, custom_role_arn)

    def get_credentials_for_identity(
        self, identity_id: str, logins: dict[str, str] | None = None, custom_role_arn: str | None = None
    ) -> tuple[ResolvedIdentity, IssuedCredentials]:
        """Enhanced flow: credentials for the role the pool selects, valid one hour [§3, §8].

        Guests' credentials carry AWS's guest session policies [§5]. A role that does not exist, or
        whose trust policy refuses this pool's token, makes the pool's configuration invalid [§3].
        """
        from helpers.iam_policy import (
            cognito_web_identity_request,
            evaluate_trust_policy,
            tag_session_request,
        )

        verified = self._verified(self._identity_pool_of(identity_id), logins)
        sessions = self.collaborators.role_sessions
        with self.lock:
            # Everything is checked before the sign-in changes anything (links, merges).
            plan = self._plan_resolve(identity_id, verified)
            pool = plan.pool
            role_arn = self.role_for(pool, plan.logins, custom_role_arn)
            role = sessions.roles.get(role_arn)
            if role is None:
                raise errors.InvalidIdentityPoolConfigurationException()
            request = cognito_web_identity_request(
                pool.identity_pool_id, plan.identity_id, plan.amr, role_arn
            )
            if not evaluate_trust_policy(request, role.trust_policy).allowed:
                raise errors.InvalidIdentityPoolConfigurationException()
            tags = self.session_tags(pool, plan.logins)
            # Tags need sts:TagSession in the trust policy too ("Using attributes for access control
            # with Amazon Cognito identity pools"). UNCONFIRMED: that AWS answers its refusal like any
            # other trust failure of the enhanced flow, with InvalidIdentityPoolConfigurationException.
            if (
                tags
                and not evaluate_trust_policy(tag_session_request(request, tags), role.trust_policy).allowed
            ):
                raise errors.InvalidIdentityPoolConfigurationException()
            resolved = self._apply(plan)
        credentials = sessions.open(
            role,
            ENHANCED_FLOW_SECONDS,
            session_policies=guest_session_policies() if not resolved.logins else None,
            context=dict(request.context),
            session_tags=tags,
        )
        return resolved, credentials

    def get_open_id_token(
        self, identity_id: str, logins: dict[str, str] | None = None
    ) -> tuple[ResolvedIdentity, str]:
        """Basic flow, step two: a Cognito OpenID token for the identity, valid 10 minutes [§3, §4]."""
        pool = self._identity_pool_of(identity_id)
        if not pool.classic_flow_allowed:
            raise errors.InvalidParameterException(
                "Basic (classic) flow is not enabled, please use enhanced flow."
            )
        if pool.role_mappings:
            raise errors.InvalidParameterException(
                "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow."
            )
        resolved = self.resolve(identity_id, self._verified(pool, logins))
        # The token carries the session tags for STS ("https://aws.amazon.com/tags", [§4]).
        token = self.collaborators.signer.issue(
            pool.identity_pool_id,
            resolved.identity.identity_id,
            resolved.amr,
            self.now(),
            OPEN_ID_TOKEN_SECONDS,
            pool.arn,
            self.session_tags(pool, resolved.logins) or None,
        )
        return resolved, token

    # -- developer-authenticated identities [§1, §3, §4, §6; DEV] ---------------------------------

    def _identity_in(self, pool: IdentityPool, identity_id: str) -> Identity:
        identity = self._identity(identity_id)
        if identity.identity_pool_id != pool.identity_pool_id:
            raise errors.identity_not_found(identity_id)
        return identity

    @staticmethod
    def _check_developer_provider(pool: IdentityPool, developer_provider_name: str) -> None:
        if not pool.developer_provider_name or developer_provider_name != pool.developer_provider_name:
            raise errors.developer_provider_not_supported()

    def _developer_user_owner(self, pool: IdentityPool, developer_user_identifier: str) -> Identity:
        key = (pool.identity_pool_id, pool.developer_provider_name or "", developer_user_identifier)
        owner = self.login_index.get(key) if pool.developer_provider_name else None
        if owner is None:
            raise errors.developer_user_not_found(developer_user_identifier)
        return self.identities[owner]

    def _developer_token_owner(self, pool: IdentityPool, login: VerifiedLogin) -> str:
        """The identity a developer token in ``Logins`` proves: the one it was issued to (its ``sub``),
        as long as the developer user it names is still linked to that identity (not unlinked, not
        merged away); otherwise the token proves nothing (UNCONFIRMED: AWS's exact checks)."""
        user = login.claims.get("developer_user_identifier")
        owner = self.login_index.get((pool.identity_pool_id, pool.developer_provider_name or "", user))
        if owner is None or owner != login.subject:
            raise errors.logins_do_not_match()
        return owner

    def _developer_login(
        self, pool: IdentityPool, logins: dict[str, str]
    ) -> tuple[VerifiedLogin, dict[str, str]]:
        """Split GetOpenIdTokenForDeveloperIdentity's Logins into its one developer user and the public
        providers' tokens. Keys the pool does not configure as public providers are developer providers."""
        public_names = pool.configured_providers() - {DEVELOPER_LOGIN_KEY}
        developer = {name: user for name, user in logins.items() if name not in public_names}
        if not developer:
            raise errors.InvalidParameterException(  # UNCONFIRMED wording
                "Logins must contain the developer provider of this identity pool."
            )
        name = pool.developer_provider_name
        if name is None or set(developer) != {name}:
            raise errors.developer_provider_not_supported()
        user = developer[name]
        login = VerifiedLogin(name, user, (name, f"{name}:{pool.identity_pool_id}:{user}"))  # amr [§4]
        return login, {key: token for key, token in logins.items() if key in public_names}

    def get_open_id_token_for_developer_identity(
        self,
        identity_pool_id: str,
        logins: dict[str, str],
        identity_id: str | None = None,
        principal_tags: dict[str, str] | None = None,
        token_duration: int | None = None,
    ) -> tuple[ResolvedIdentity, str]:
        """The developer flow's first step, called by the app's backend with AWS credentials [§3].

        ``Logins`` holds ``{<DeveloperProviderName>: <developer user identifier>}`` and optionally public
        providers' tokens, which are linked too. Without ``IdentityId`` the developer user's identity is
        found or created; with it the developer user is linked to that identity, unless the user is
        already registered to another one. The token lasts ``TokenDuration`` seconds (default 15 min,
        at most 24 h) and carries ``PrincipalTags`` [§4].

        Not refused for an identity that has external logins: [§6] keeps the developer provider name
        out of the public calls' Logins (GetId, GetOpenIdToken: "Token is not from a supported
        provider"), while the API reference lets this call "link new logins ... to an existing
        authenticated/unauthenticated identity" (our reading; UNCONFIRMED).
        """
        pool = self.describe_identity_pool(identity_pool_id)
        lifetime = DEVELOPER_TOKEN_SECONDS if token_duration is None else int(token_duration)
        if not 1 <= lifetime <= DEVELOPER_TOKEN_MAX_SECONDS:
            raise errors.InvalidParameterException(  # UNCONFIRMED wording; the wire validates it first
                f"TokenDuration must be between 1 and {DEVELOPER_TOKEN_MAX_SECONDS} seconds."
            )
        tags = dict(principal_tags or {})
        if len(tags) > 50:
            raise errors.InvalidParameterException("At most 50 PrincipalTags are allowed.")  # UNCONFIRMED
        developer, public = self._developer_login(pool, dict(logins or {}))
        verified = [developer, *self._verified(pool, public)]
        with self.lock:
            try:
                if identity_id is None:
                    plan = self._plan_get_id(pool, verified)
                else:
                    identity = self._identity_in(pool, identity_id)
                    key = (pool.identity_pool_id, developer.provider, developer.subject)
                    owner = self.login_index.get(key)
                    if owner is not None and owner != identity.identity_id:
                        raise errors.developer_user_already_registered()
                    plan = self._plan_resolve(identity_id, verified, vouched=True)
            except errors.LimitExceededException as error:
                # The operation models no LimitExceededException; a conflict is its nearest error.
                raise errors.ResourceConflictException(error.message) from None
            resolved = self._apply(plan)
        token = self.collaborators.signer.issue(
            pool.identity_pool_id,
            resolved.identity.identity_id,
            resolved.amr,
            self.now(),
            lifetime,
            pool.arn,
            tags or None,
        )
        return resolved, token

    def lookup_developer_identity(
        self,
        identity_pool_id: str,
        identity_id: str | None = None,
        developer_user_identifier: str | None = None,
        max_results: int = 60,
        next_token: str | None = None,
    ) -> tuple[str, list[str], str | None]:
        """``(IdentityId, DeveloperUserIdentifierList, NextToken)``: the identity of a developer user,
        or the developer users of an identity; both given must match (ResourceConflict) [§1]."""
        with self.lock:
            pool = self.describe_identity_pool(identity_pool_id)
            if identity_id is None and developer_user_identifier is None:
                # The API reference's sentence; the exact message is UNCONFIRMED.
                raise errors.InvalidParameterException(
                    "Either IdentityId or DeveloperUserIdentifier must not be null."
                )
            if developer_user_identifier is not None:
                owner = self._developer_user_owner(pool, developer_user_identifier)
                if identity_id is not None and owner.identity_id != identity_id:
                    raise errors.developer_user_not_linked(developer_user_identifier, identity_id)
                return owner.identity_id, [developer_user_identifier], None
            assert identity_id is not None
            identity = self._identity_in(pool, identity_id)
            # An identity without developer users answers an empty list (UNCONFIRMED).
            users = list(identity.developer_users.get(pool.developer_provider_name or "", []))
        start = _page_offset(next_token)
        following = start + max_results
        token = _page_token(following) if following < len(users) else None
        return identity_id, users[start:following], token

    def merge_developer_identities(
        self,
        source_user_identifier: str,
        destination_user_identifier: str,
        developer_provider_name: str,
        identity_pool_id: str,
    ) -> Identity:
        """The source user's identity is merged into the destination user's, which is returned [§1].

        Its logins and developer users move over and it is disabled, as in an implicit merge [§6].
        Refused (ResourceConflict) when both are linked to one public provider as different users, or
        when they would have more than 20 linked logins together: the operation models no
        LimitExceededException (UNCONFIRMED: which error AWS uses for the limit).
        """
        with self.lock:
            pool = self.describe_identity_pool(identity_pool_id)
            self._check_developer_provider(pool, developer_provider_name)
            source = self._developer_user_owner(pool, source_user_identifier)
            destination = self._developer_user_owner(pool, destination_user_identifier)
            if source is destination:
                return destination  # already one identity (UNCONFIRMED: AWS may refuse instead)
            try:
                plan = self._checked(Resolution(pool, destination, [source], []))
            except errors.LimitExceededException as error:
                raise errors.ResourceConflictException(error.message) from None
            return self._apply(plan).identity

    def _after_unlink(self, identity: Identity) -> None:
        identity.last_modified_date = self.now()
        if not identity.authenticated:
            # "becomes inaccessible" [§1]: from now on every call naming it gets "Access to Identity
            # '<id>' is forbidden." (our reading; it must not fall back to guest access).
            identity.inaccessible = True

    def unlink_developer_identity(
        self,
        identity_id: str,
        identity_pool_id: str,
        developer_provider_name: str,
        developer_user_identifier: str,
    ) -> None:
        """Unlinks a developer user; next time it is seen it gets a new identity [§1]."""
        with self.lock:
            pool = self.describe_identity_pool(identity_pool_id)
            identity = self._identity_in(pool, identity_id)
            self._check_developer_provider(pool, developer_provider_name)
            if self._developer_user_owner(pool, developer_user_identifier) is not identity:
                raise errors.developer_user_not_linked(developer_user_identifier, identity_id)
            users = identity.developer_users[developer_provider_name]
            users.remove(developer_user_identifier)
            if not users:
                del identity.developer_users[developer_provider_name]
            del self.login_index[(pool.identity_pool_id, developer_provider_name, developer_user_identifier)]
            self._after_unlink(identity)

    def _proves(self, pool: IdentityPool, identity: Identity, login: VerifiedLogin) -> bool:
        if login.provider == DEVELOPER_LOGIN_KEY:
            user = login.claims.get("developer_user_identifier")
            owner = self.login_index.get((pool.identity_pool_id, pool.developer_provider_name or "", user))
            return login.subject == identity.identity_id == owner
        if pool.developer_provider_name and login.provider == pool.developer_provider_name:
            return login.subject in identity.developer_users.get(login.provider, [])
        return identity.logins.get(login.provider) == login.subject

    def unlink_identity(self, identity_id: str, logins: dict[str, str], logins_to_remove: list[str]) -> None:
        """UnlinkIdentity (public): the caller proves with ``Logins`` that the identity is theirs, then
        the providers in ``LoginsToRemove`` are unlinked; without logins left it is inaccessible [§1].

        UNCONFIRMED: a provider that is not linked is a ResourceConflict; developer users are unlinked
        only by UnlinkDeveloperIdentity (InvalidParameter).
        """
        pool = self._identity_pool_of(identity_id)
        verified = self._verified(pool, logins)
        with self.lock:
            identity = self._identity(identity_id)
            if identity.disabled or identity.inaccessible:
                raise errors.identity_forbidden(identity_id)
            # "Please include at least one valid login for this identity" [§6].
            if not any(self._proves(pool, identity, login) for login in verified):
                raise errors.logins_do_not_match()
            for provider in logins_to_remove:
                if provider in (pool.developer_provider_name, DEVELOPER_LOGIN_KEY):
                    raise errors.InvalidParameterException(
                        "Developer users can only be unlinked with UnlinkDeveloperIdentity."
                    )
                if provider not in identity.logins:
                    raise errors.ResourceConflictException(
                        f"Identity '{identity_id}' is not linked to a {provider} login."
                    )
            if not logins_to_remove:
                return
            for provider in dict.fromkeys(logins_to_remove):
                subject = identity.logins.pop(provider)
                self.login_index.pop((pool.identity_pool_id, provider, subject), None)
            self._after_unlink(identity)


class CognitoIdentityBackends:
    """All backends of one local AWS, created on first use per account and region."""

    def __init__(self, collaborators: Collaborators) -> None:
        self.collaborators = collaborators
        self._backends: dict[tuple[str, str], CognitoIdentityBackend] = {}
        self._lock = threading.Lock()

    def get(self, account_id: str, region: str) -> CognitoIdentityBackend:
        with self._lock:
            key = (account_id, region)
            if key not in self._backends:
                self._backends[key] = CognitoIdentityBackend(account_id, region, self.collaborators)
            return self._backends[key]

    def reset(self) -> None:
        """Forget every identity pool and identity (the local AWS's reset)."""
        with self._lock:
            self._backends.clear()

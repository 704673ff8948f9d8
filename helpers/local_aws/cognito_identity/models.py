"""Amazon Cognito identity pools as plain Python: the backend, one method per operation.

One :class:`CognitoIdentityBackend` per account and region; each public method is named after the
operation it serves (``get_id`` for GetId), returns data (the records of :mod:`.records`) and raises the
exceptions of :mod:`.exceptions`; the wire format lives in :mod:`.responses`. Identities and the linking
rules live in :mod:`.linking`, the developer operations in :mod:`.developer_identities`, role selection
in :mod:`.role_mapping`, principal tags in :mod:`.principal_tags`. ``UNCONFIRMED`` marks choices no
public source settles.

Logins reach the backend's decisions verified (:class:`~.records.VerifiedLogin`, by the collaborators'
Logins checker): the backend decides which identity they belong to, never whether a token is genuine.
Credentials are opened by :class:`..issued_credentials.RoleSessions` (the local AWS mints them itself;
moto's STS is not involved).

AWS pages cited by short name in brackets: *API reference* (Amazon Cognito Federated Identities API
Reference, https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/), and in the Amazon Cognito
Developer Guide (https://docs.aws.amazon.com/cognito/latest/developerguide/<page>.html):
*authentication flow* (authentication-flow), *role trust* (role-trust-and-permissions), *IAM roles*
(iam-roles), *role-based access control* (role-based-access-control), *quotas* (limits).
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from ..guest_session_policy import session_policies as guest_session_policies
from ..issued_credentials import ENHANCED_FLOW_SECONDS, IssuedCredentials
from . import exceptions as errors
from . import principal_tags
from .collaborators import Collaborators, LoginsVerifier
from .developer_identities import DeveloperIdentities
from .linking import IdentityStore
from .open_id_token import OPEN_ID_TOKEN_SECONDS
from .records import (
    DEVELOPER_LOGIN_KEY,
    MAX_POOLS_PER_REGION,
    PUBLIC_PROVIDERS,
    ROLE_ARN,
    USER_POOL_PROVIDER,
    Identity,
    IdentityPool,
    ResolvedIdentity,
    VerifiedLogin,
    page_offset,
    page_token,
)
from .role_mapping import select_role

__all__ = [  # what other modules of the local AWS import from here
    "DEVELOPER_LOGIN_KEY",
    "PUBLIC_PROVIDERS",
    "USER_POOL_PROVIDER",
    "CognitoIdentityBackend",
    "CognitoIdentityBackends",
    "Collaborators",
    "IdentityPool",
    "LoginsVerifier",
    "VerifiedLogin",
]

MAX_RULES_PER_MAPPING = 25  # [role-based access control]: not adjustable
MAX_POOL_TAGS = 50


class CognitoIdentityBackend(DeveloperIdentities):
    """The identity pools and identities of one account in one region."""

    def __init__(self, account_id: str, region: str, collaborators: Collaborators) -> None:
        self.account_id = account_id
        self.region = region
        self.collaborators = collaborators
        self.now = collaborators.now
        self.pools: dict[str, IdentityPool] = {}
        self.store = IdentityStore(region, collaborators.now)
        self.lock = threading.RLock()

    # -- identity pools ---------------------------------------------------------------------------

    def create_identity_pool(
        self, identity_pool_name: str, allow_unauthenticated_identities: bool, **options: Any
    ) -> IdentityPool:
        with self.lock:
            if len(self.pools) >= MAX_POOLS_PER_REGION:
                raise errors.too_many_pools(MAX_POOLS_PER_REGION)
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
                raise errors.not_a_supported_login_provider(name)
        user_pools = [dict(p) for p in options.get("cognito_identity_providers") or []]
        for provider in user_pools:
            if not USER_POOL_PROVIDER.fullmatch(provider.get("ProviderName", "")):
                raise errors.invalid_user_pool_provider(provider.get("ProviderName"))
            provider.setdefault("ServerSideTokenCheck", False)
        developer = options.get("developer_provider_name")
        if pool.developer_provider_name and developer and developer != pool.developer_provider_name:
            raise errors.developer_provider_name_fixed()
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
        """Full replacement: whatever is not sent goes back to its default [API reference]."""
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
            self.store.forget_pool(identity_pool_id)

    def list_identity_pools(
        self, max_results: int, next_token: str | None = None
    ) -> tuple[list[IdentityPool], str | None]:
        with self.lock:
            pools = list(self.pools.values())
        start = page_offset(next_token)
        page = pools[start : start + max_results]
        following = start + max_results
        return page, (page_token(following) if following < len(pools) else None)

    # -- tags -------------------------------------------------------------------------------------

    def _pool_by_arn(self, resource_arn: str) -> IdentityPool:
        for pool in self.pools.values():
            if pool.arn == resource_arn:
                return pool
        raise errors.resource_not_found(resource_arn)

    def tag_resource(self, resource_arn: str, tags: dict[str, str]) -> None:
        with self.lock:
            pool = self._pool_by_arn(resource_arn)
            if len({**pool.tags, **tags}) > MAX_POOL_TAGS:
                raise errors.too_many_tags()
            pool.tags.update(tags)

    def untag_resource(self, resource_arn: str, tag_keys: list[str]) -> None:
        with self.lock:
            pool = self._pool_by_arn(resource_arn)
            for key in tag_keys:
                pool.tags.pop(key, None)

    def list_tags_for_resource(self, resource_arn: str) -> dict[str, str]:
        return dict(self._pool_by_arn(resource_arn).tags)

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
                    raise errors.invalid_role_arn(arn)
            mappings = {k: dict(v) for k, v in (role_mappings or {}).items()}
            self._check_role_mappings(pool, mappings)
            pool.roles = dict(roles)
            pool.role_mappings = mappings

    @staticmethod
    def _check_role_mappings(pool: IdentityPool, mappings: dict[str, dict[str, Any]]) -> None:
        configured = pool.configured_providers()
        for provider, mapping in mappings.items():
            # Keys may add ":<app client id>" to a user pool provider name [role-based access control]
            if provider not in configured and provider.rsplit(":", 1)[0] not in configured:
                raise errors.not_a_role_mapping_provider(provider)
            if mapping.get("Type") and not mapping.get("AmbiguousRoleResolution"):
                raise errors.ambiguous_role_resolution_required()
            if mapping.get("Type") == "Rules":
                rules = (mapping.get("RulesConfiguration") or {}).get("Rules") or []
                if not rules:
                    raise errors.rules_configuration_required()
                if len(rules) > MAX_RULES_PER_MAPPING:
                    raise errors.too_many_rules(MAX_RULES_PER_MAPPING)
                for rule in rules:
                    if not ROLE_ARN.fullmatch(rule.get("RoleARN", "")):
                        raise errors.invalid_role_arn(rule.get("RoleARN"))

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
    def _session_tags(
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

    def describe_identity(self, identity_id: str) -> Identity:
        with self.lock:
            return self.store.get(identity_id)

    def list_identities(
        self,
        identity_pool_id: str,
        max_results: int,
        next_token: str | None = None,
        hide_disabled: bool = False,
    ) -> tuple[list[Identity], str | None]:
        with self.lock:
            self.describe_identity_pool(identity_pool_id)
            found = self.store.of_pool(identity_pool_id, hide_disabled)
        start = page_offset(next_token)
        following = start + max_results
        return found[start:following], (page_token(following) if following < len(found) else None)

    def delete_identities(self, identity_ids: list[str]) -> list[dict[str, str]]:
        """Deletes what exists; unknown ids are not reported (the model lists only AccessDenied and
        InternalServerError as per-identity errors; UNCONFIRMED)."""
        with self.lock:
            self.store.delete(identity_ids)
        return []

    # -- signing in -------------------------------------------------------------------------------

    def verified_logins(self, pool: IdentityPool, logins: dict[str, str] | None) -> list[VerifiedLogin]:
        """The call's Logins checked by the collaborators' token checker; one bad token fails the call."""
        return self.collaborators.logins.verify(pool, dict(logins or {}), self.now())

    def _pool_of(self, identity_id: str) -> IdentityPool:
        with self.lock:
            return self.describe_identity_pool(self.store.get(identity_id).identity_pool_id)

    def get_id(self, identity_pool_id: str, logins: dict[str, str] | None = None) -> ResolvedIdentity:
        """GetId: check the tokens, then find or create the identity [authentication flow]."""
        pool = self.describe_identity_pool(identity_pool_id)
        verified = self.verified_logins(pool, logins)
        with self.lock:
            return self.store.apply(self.store.plan_get_id(pool, verified))

    def get_credentials_for_identity(
        self, identity_id: str, logins: dict[str, str] | None = None, custom_role_arn: str | None = None
    ) -> tuple[ResolvedIdentity, IssuedCredentials]:
        """Enhanced flow: credentials for the role the pool selects, valid one hour [authentication flow].

        Guests' credentials carry AWS's guest session policies [IAM roles]. A role that does not exist,
        or whose trust policy refuses this pool's token (or the session tags), makes the pool's
        configuration invalid [authentication flow]. The session is opened by the local AWS's role
        sessions.
        """
        from helpers.iam_policy import (
            cognito_web_identity_request,
            evaluate_trust_policy,
            tag_session_request,
        )

        pool = self._pool_of(identity_id)
        verified = self.verified_logins(pool, logins)
        sessions = self.collaborators.role_sessions
        with self.lock:
            # Everything is checked before the sign-in changes anything (links, merges).
            plan = self.store.plan_sign_in(pool, identity_id, verified)
            role_arn = select_role(pool, plan.logins, custom_role_arn)
            role = sessions.roles.get(role_arn)
            if role is None:
                raise errors.InvalidIdentityPoolConfigurationException()
            request = cognito_web_identity_request(
                pool.identity_pool_id, plan.identity_id, plan.amr, role_arn
            )
            if not evaluate_trust_policy(request, role.trust_policy).allowed:
                raise errors.InvalidIdentityPoolConfigurationException()
            tags = self._session_tags(pool, plan.logins)
            # Tags need sts:TagSession in the trust policy too ("Using attributes for access control
            # with Amazon Cognito identity pools"). UNCONFIRMED: that AWS answers its refusal like any
            # other trust failure of the enhanced flow, with InvalidIdentityPoolConfigurationException.
            if (
                tags
                and not evaluate_trust_policy(tag_session_request(request, tags), role.trust_policy).allowed
            ):
                raise errors.InvalidIdentityPoolConfigurationException()
            resolved = self.store.apply(plan)
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
        """Basic flow, step two: a Cognito OpenID token for the identity, valid 10 minutes
        [authentication flow; role trust].

        The token carries the session tags for STS in its ``https://aws.amazon.com/tags`` claim.
        """
        pool = self._pool_of(identity_id)
        if not pool.classic_flow_allowed:
            raise errors.basic_flow_disabled()
        if pool.role_mappings:
            raise errors.basic_flow_with_role_mappings()
        verified = self.verified_logins(pool, logins)
        with self.lock:
            resolved = self.store.apply(self.store.plan_sign_in(pool, identity_id, verified))
        token = self.collaborators.signer.issue(
            pool.identity_pool_id,
            resolved.identity.identity_id,
            resolved.amr,
            self.now(),
            OPEN_ID_TOKEN_SECONDS,
            pool.arn,
            self._session_tags(pool, resolved.logins) or None,
        )
        return resolved, token

    def unlink_identity(self, identity_id: str, logins: dict[str, str], logins_to_remove: list[str]) -> None:
        """UnlinkIdentity (public): the caller proves with ``Logins`` that the identity is theirs, then
        the providers in ``LoginsToRemove`` are unlinked; without logins left it is inaccessible
        [API reference].

        UNCONFIRMED: a provider that is not linked is a ResourceConflict; developer users are unlinked
        only by UnlinkDeveloperIdentity (InvalidParameter).
        """
        pool = self._pool_of(identity_id)
        verified = self.verified_logins(pool, logins)
        with self.lock:
            identity = self.store.get(identity_id)
            if identity.disabled or identity.inaccessible:
                raise errors.identity_forbidden(identity_id)
            # "Please include at least one valid login for this identity" [authentication flow].
            if not any(self.store.proves(pool, identity, login) for login in verified):
                raise errors.logins_do_not_match()
            for provider in logins_to_remove:
                if provider in (pool.developer_provider_name, DEVELOPER_LOGIN_KEY):
                    raise errors.developer_users_unlinked_separately()
                if provider not in identity.logins:
                    raise errors.login_not_linked(identity_id, provider)
            if logins_to_remove:
                self.store.unlink_logins(pool, identity, logins_to_remove)


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

"""Developer-authenticated identities: the operations an app's own back end calls with AWS credentials.

GetOpenIdTokenForDeveloperIdentity, LookupDeveloperIdentity, MergeDeveloperIdentities and
UnlinkDeveloperIdentity (Amazon Cognito Developer Guide, "Developer-authenticated identities",
https://docs.aws.amazon.com/cognito/latest/developerguide/developer-authenticated-identities.html).
The backend of :mod:`.models` inherits them; they use its pools, its identity store and its lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from . import exceptions as errors
from .collaborators import Collaborators
from .linking import IdentityStore
from .open_id_token import DEVELOPER_TOKEN_MAX_SECONDS, DEVELOPER_TOKEN_SECONDS
from .records import (
    DEVELOPER_LOGIN_KEY,
    Identity,
    IdentityPool,
    ResolvedIdentity,
    VerifiedLogin,
    page_offset,
    page_token,
)


class DeveloperIdentities:
    """The developer operations; the backend provides the attributes declared here."""

    store: IdentityStore
    lock: threading.RLock
    collaborators: Collaborators
    now: Callable[[], float]
    describe_identity_pool: Callable[[str], IdentityPool]
    verified_logins: Callable[[IdentityPool, dict[str, str] | None], list[VerifiedLogin]]

    @staticmethod
    def _check_developer_provider(pool: IdentityPool, developer_provider_name: str) -> None:
        if not pool.developer_provider_name or developer_provider_name != pool.developer_provider_name:
            raise errors.developer_provider_not_supported()

    @staticmethod
    def _developer_login(pool: IdentityPool, logins: dict[str, str]) -> tuple[VerifiedLogin, dict[str, str]]:
        """Split GetOpenIdTokenForDeveloperIdentity's Logins into its one developer user and the public
        providers' tokens. Keys the pool does not configure as public providers are developer providers."""
        public_names = pool.configured_providers() - {DEVELOPER_LOGIN_KEY}
        developer = {name: user for name, user in logins.items() if name not in public_names}
        if not developer:
            raise errors.developer_provider_missing()
        name = pool.developer_provider_name
        if name is None or set(developer) != {name}:
            raise errors.developer_provider_not_supported()
        user = developer[name]
        # The amr of a developer login: "<provider>" and "<provider>:<poolId>:<user>".
        login = VerifiedLogin(name, user, (name, f"{name}:{pool.identity_pool_id}:{user}"))
        return login, {key: token for key, token in logins.items() if key in public_names}

    def get_open_id_token_for_developer_identity(
        self,
        identity_pool_id: str,
        logins: dict[str, str],
        identity_id: str | None = None,
        principal_tags: dict[str, str] | None = None,
        token_duration: int | None = None,
    ) -> tuple[ResolvedIdentity, str]:
        """The developer flow's first step, called by the app's backend with AWS credentials.

        ``Logins`` holds ``{<DeveloperProviderName>: <developer user identifier>}`` and optionally public
        providers' tokens, which are linked too. Without ``IdentityId`` the developer user's identity is
        found or created; with it the developer user is linked to that identity, unless the user is
        already registered to another one. The token lasts ``TokenDuration`` seconds (default 15 min,
        at most 24 h) and carries ``PrincipalTags`` (its ``https://aws.amazon.com/tags`` claim).

        Not refused for an identity that has external logins: the authentication-flow page keeps the
        developer provider name out of the public calls' Logins (GetId, GetOpenIdToken), while the API
        reference lets this call "link new logins ... to an existing authenticated/unauthenticated
        identity" (our reading; UNCONFIRMED).
        """
        pool = self.describe_identity_pool(identity_pool_id)
        lifetime = DEVELOPER_TOKEN_SECONDS if token_duration is None else int(token_duration)
        if not 1 <= lifetime <= DEVELOPER_TOKEN_MAX_SECONDS:
            raise errors.token_duration_out_of_range(DEVELOPER_TOKEN_MAX_SECONDS)
        tags = dict(principal_tags or {})
        if len(tags) > 50:
            raise errors.too_many_principal_tags()
        developer, public = self._developer_login(pool, dict(logins or {}))
        verified = [developer, *self.verified_logins(pool, public)]
        with self.lock:
            if identity_id is None:
                plan = self.store.plan_get_id(pool, verified)
            else:
                identity = self.store.in_pool(pool, identity_id)
                owner = self.store.owner_of(pool, developer.provider, developer.subject)
                if owner is not None and owner != identity.identity_id:
                    raise errors.developer_user_already_registered()
                plan = self.store.plan_sign_in(pool, identity_id, verified, vouched=True)
            resolved = self.store.apply(plan)
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
        or the developer users of an identity; both given must match (ResourceConflict)."""
        with self.lock:
            pool = self.describe_identity_pool(identity_pool_id)
            if identity_id is None and developer_user_identifier is None:
                raise errors.identity_or_developer_user_required()
            if developer_user_identifier is not None:
                owner = self.store.developer_user_owner(pool, developer_user_identifier)
                if identity_id is not None and owner.identity_id != identity_id:
                    raise errors.developer_user_not_linked(developer_user_identifier, identity_id)
                return owner.identity_id, [developer_user_identifier], None
            assert identity_id is not None
            identity = self.store.in_pool(pool, identity_id)
            # An identity without developer users answers an empty list (UNCONFIRMED).
            users = list(identity.developer_users.get(pool.developer_provider_name or "", []))
        start = page_offset(next_token)
        following = start + max_results
        token = page_token(following) if following < len(users) else None
        return identity_id, users[start:following], token

    def merge_developer_identities(
        self,
        source_user_identifier: str,
        destination_user_identifier: str,
        developer_provider_name: str,
        identity_pool_id: str,
    ) -> Identity:
        """The source user's identity is merged into the destination user's, which is returned.

        Its logins and developer users move over and it is disabled, as in an implicit merge.
        Refused (ResourceConflict) when both are linked to one public provider as different users, or
        when they would have more than 20 linked logins together (UNCONFIRMED: which error AWS uses for
        the limit).
        """
        with self.lock:
            pool = self.describe_identity_pool(identity_pool_id)
            self._check_developer_provider(pool, developer_provider_name)
            source = self.store.developer_user_owner(pool, source_user_identifier)
            destination = self.store.developer_user_owner(pool, destination_user_identifier)
            if source is destination:
                return destination  # already one identity (UNCONFIRMED: AWS may refuse instead)
            return self.store.apply(self.store.plan_merge(pool, destination, source)).identity

    def unlink_developer_identity(
        self,
        identity_id: str,
        identity_pool_id: str,
        developer_provider_name: str,
        developer_user_identifier: str,
    ) -> None:
        """Unlinks a developer user; next time it is seen it gets a new identity."""
        with self.lock:
            pool = self.describe_identity_pool(identity_pool_id)
            identity = self.store.in_pool(pool, identity_id)
            self._check_developer_provider(pool, developer_provider_name)
            if self.store.developer_user_owner(pool, developer_user_identifier) is not identity:
                raise errors.developer_user_not_linked(developer_user_identifier, identity_id)
            self.store.unlink_developer_user(
                pool, identity, developer_provider_name, developer_user_identifier
            )

"""The identities of one account and region, and the rules that link logins to them.

An :class:`IdentityStore` owns the identities and the login index (pool, provider, subject → identity),
so the same login always finds the same identity. A sign-in is worked out in three steps, so that a
refused sign-in changes nothing: **plan** (which identity the call acts for, which it absorbs),
**check** (the linking rules: one login per provider, at most 20 linked logins) and **apply**.

The rules (Amazon Cognito Developer Guide, "Identity pools (federated identities) authentication flow",
https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html):

* GetId without logins creates a guest identity per call; with logins it finds or creates the logins'
  identity, and logins of several identities in one call merge them (the oldest survives).
* GetCredentialsForIdentity and GetOpenIdToken on an authenticated identity must present "at least one
  valid token for a login already associated with that identity"; otherwise "Logins don't match" and
  nothing changes. New logins are linked; another identity's login merges the two.
"""

from __future__ import annotations

from collections.abc import Callable

from . import exceptions as errors
from .records import (
    DEVELOPER_LOGIN_KEY,
    MAX_LINKED_LOGINS,
    Identity,
    IdentityPool,
    Resolution,
    ResolvedIdentity,
    VerifiedLogin,
    make_identity_id,
)


def _oldest(identities: list[Identity]) -> Identity:
    return min(identities, key=lambda i: (i.creation_date, i.identity_id))


class IdentityStore:
    """Identities and the login index of one backend; callers hold the backend's lock."""

    def __init__(self, region: str, now: Callable[[], float]) -> None:
        self.region = region
        self.now = now
        self.identities: dict[str, Identity] = {}
        # (pool id, provider, subject) -> identity id; developer users under the developer provider name.
        self.login_index: dict[tuple[str, str, str], str] = {}

    # -- reading ----------------------------------------------------------------------------------

    def get(self, identity_id: str) -> Identity:
        identity = self.identities.get(identity_id)
        if identity is None:
            raise errors.identity_not_found(identity_id)
        return identity

    def in_pool(self, pool: IdentityPool, identity_id: str) -> Identity:
        identity = self.get(identity_id)
        if identity.identity_pool_id != pool.identity_pool_id:
            raise errors.identity_not_found(identity_id)
        return identity

    def of_pool(self, identity_pool_id: str, hide_disabled: bool = False) -> list[Identity]:
        return [
            i
            for i in self.identities.values()
            if i.identity_pool_id == identity_pool_id and not (hide_disabled and i.disabled)
        ]

    def owner_of(self, pool: IdentityPool, provider: str, subject: str | None) -> str | None:
        return self.login_index.get((pool.identity_pool_id, provider, subject or ""))

    def developer_user_owner(self, pool: IdentityPool, developer_user_identifier: str) -> Identity:
        owner = (
            self.owner_of(pool, pool.developer_provider_name, developer_user_identifier)
            if pool.developer_provider_name
            else None
        )
        if owner is None:
            raise errors.developer_user_not_found(developer_user_identifier)
        return self.identities[owner]

    def developer_token_owner(self, pool: IdentityPool, login: VerifiedLogin) -> str:
        """The identity a developer token in ``Logins`` proves: the one it was issued to (its ``sub``),
        as long as the developer user it names is still linked to that identity (not unlinked, not
        merged away); otherwise the token proves nothing (UNCONFIRMED: AWS's exact checks)."""
        user = login.claims.get("developer_user_identifier")
        owner = self.owner_of(pool, pool.developer_provider_name or "", user)
        if owner is None or owner != login.subject:
            raise errors.logins_do_not_match()
        return owner

    def proves(self, pool: IdentityPool, identity: Identity, login: VerifiedLogin) -> bool:
        """Whether ``login`` is one of the identity's own: "a login already associated with that identity"."""
        if login.provider == DEVELOPER_LOGIN_KEY:
            user = login.claims.get("developer_user_identifier")
            owner = self.owner_of(pool, pool.developer_provider_name or "", user)
            return login.subject == identity.identity_id == owner
        if pool.developer_provider_name and login.provider == pool.developer_provider_name:
            return login.subject in identity.developer_users.get(login.provider, [])
        return identity.logins.get(login.provider) == login.subject

    def _owners(self, pool: IdentityPool, logins: list[VerifiedLogin]) -> list[Identity]:
        found: dict[str, Identity] = {}
        for login in logins:
            if login.provider == DEVELOPER_LOGIN_KEY:
                owner: str | None = self.developer_token_owner(pool, login)
            else:
                owner = self.owner_of(pool, login.provider, login.subject)
            if owner is not None:
                found[owner] = self.identities[owner]
        return list(found.values())

    # -- plan ---------------------------------------------------------------------------------------

    def plan_get_id(self, pool: IdentityPool, logins: list[VerifiedLogin]) -> Resolution:
        """GetId: a new guest identity per call without logins; the logins' own identity with them."""
        if not logins:
            if not pool.allow_unauthenticated_identities:
                raise errors.unauthenticated_not_supported()
            return Resolution(pool, None, [], [])
        owners = self._owners(pool, logins)
        if not owners:
            return self.checked(Resolution(pool, None, [], logins))
        survivor = _oldest(owners)
        return self.checked(Resolution(pool, survivor, [o for o in owners if o is not survivor], logins))

    def plan_sign_in(
        self, pool: IdentityPool, identity_id: str, logins: list[VerifiedLogin], vouched: bool = False
    ) -> Resolution:
        """GetCredentialsForIdentity and GetOpenIdToken: which identity the call acts for.

        An authenticated identity answers only a call that presents at least one of its own logins;
        anything else is "Logins don't match" and changes nothing. Otherwise logins no identity has yet
        are linked to this one (a guest becomes authenticated and keeps its id), and a login that
        belongs to another identity merges the two: a guest is absorbed by the login's identity
        (amplify-js#6616); an authenticated identity and the other one are merged as GetId merges the
        identities of one call's logins, the oldest surviving (UNCONFIRMED: AWS does not say which).
        ``vouched``: the caller is the app's back end, signed with AWS credentials
        (GetOpenIdTokenForDeveloperIdentity), which may "link new logins ... to an existing
        authenticated/unauthenticated identity" (its API reference).
        """
        identity = self.in_pool(pool, identity_id)
        if identity.disabled or identity.inaccessible:
            raise errors.identity_forbidden(identity_id)
        if any(login.provider == DEVELOPER_LOGIN_KEY and login.subject != identity_id for login in logins):
            # A developer token proves only the identity it was issued to (UNCONFIRMED: AWS's answer).
            raise errors.logins_do_not_match()
        if not logins:
            if identity.authenticated:
                # A signed-in identity gets no guest credentials; the wording is the one seen for that
                # case (amazon-cognito-ios#13), its trigger UNCONFIRMED.
                raise errors.identity_forbidden(identity_id)
            if not pool.allow_unauthenticated_identities:
                raise errors.unauthenticated_not_supported()
            return Resolution(pool, identity, [], [])
        if (
            identity.authenticated
            and not vouched
            and not any(self.proves(pool, identity, login) for login in logins)
        ):
            # Someone else's login (never seen, or another identity's) on this identity's id: no link,
            # no merge, no credentials.
            raise errors.logins_do_not_match()
        owners = [o for o in self._owners(pool, logins) if o is not identity]
        if not owners:
            return self.checked(Resolution(pool, identity, [], logins))
        if identity.authenticated:
            candidates = [identity, *owners]
            survivor = _oldest(candidates)
            return self.checked(
                Resolution(pool, survivor, [o for o in candidates if o is not survivor], logins)
            )
        # The identity that already owns the login survives; the guest is disabled (amplify-js#6616).
        survivor = _oldest(owners)
        absorbed = [identity, *[o for o in owners if o is not survivor]]
        return self.checked(Resolution(pool, survivor, absorbed, logins))

    def plan_merge(self, pool: IdentityPool, destination: Identity, source: Identity) -> Resolution:
        """MergeDeveloperIdentities: the source identity into the destination."""
        return self.checked(Resolution(pool, destination, [source], []))

    # -- check --------------------------------------------------------------------------------------

    def checked(self, plan: Resolution) -> Resolution:
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
                raise errors.already_linked(plan.identity_id, provider)
        users = list(dict.fromkeys([*linked_users, *incoming_users]))
        if len({**linked, **incoming}) + len(users) > MAX_LINKED_LOGINS:
            raise errors.too_many_linked_logins(MAX_LINKED_LOGINS)
        plan.combined = incoming
        plan.developer_users = [user for user in users if user not in linked_users]
        return plan

    # -- apply --------------------------------------------------------------------------------------

    def _new(self, pool: IdentityPool, identity_id: str | None = None) -> Identity:
        now = self.now()
        identity = Identity(identity_id or make_identity_id(self.region), pool.identity_pool_id, now, now)
        self.identities[identity.identity_id] = identity
        return identity

    def apply(self, plan: Resolution) -> ResolvedIdentity:
        survivor = plan.survivor or self._new(plan.pool, plan.identity_id)
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

    # -- unlinking and deleting ---------------------------------------------------------------------

    def _after_unlink(self, identity: Identity) -> None:
        identity.last_modified_date = self.now()
        if not identity.authenticated:
            # "becomes inaccessible": from now on every call naming it gets "Access to Identity '<id>'
            # is forbidden." (our reading; it must not fall back to guest access).
            identity.inaccessible = True

    def unlink_logins(self, pool: IdentityPool, identity: Identity, providers: list[str]) -> None:
        for provider in dict.fromkeys(providers):
            subject = identity.logins.pop(provider)
            self.login_index.pop((pool.identity_pool_id, provider, subject), None)
        self._after_unlink(identity)

    def unlink_developer_user(self, pool: IdentityPool, identity: Identity, provider: str, user: str) -> None:
        users = identity.developer_users[provider]
        users.remove(user)
        if not users:
            del identity.developer_users[provider]
        del self.login_index[(pool.identity_pool_id, provider, user)]
        self._after_unlink(identity)

    def delete(self, identity_ids: list[str]) -> None:
        """Deletes what exists; unknown ids are skipped."""
        for identity_id in identity_ids:
            identity = self.identities.pop(identity_id, None)
            if identity is None:
                continue
            for provider, subject in identity.logins.items():
                self.login_index.pop((identity.identity_pool_id, provider, subject), None)
            for provider, users in identity.developer_users.items():
                for user in users:
                    self.login_index.pop((identity.identity_pool_id, provider, user), None)

    def forget_pool(self, identity_pool_id: str) -> None:
        for identity_id in [i for i, x in self.identities.items() if x.identity_pool_id == identity_pool_id]:
            del self.identities[identity_id]
        for key in [k for k in self.login_index if k[0] == identity_pool_id]:
            del self.login_index[key]

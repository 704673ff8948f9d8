"""One factory for what most tests of identity pools start from: a pool with its roles.

:func:`identity_pool` creates an identity pool on a test's local AWS, its guest and signed-in roles
trusting it with the course's own trust policy (``helpers.course.trust_policy``), and, unless told
otherwise, a user pool the identity pool trusts. Each test says only what is special about its pool.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from tests.support.local_aws_fixtures import Endpoint, UserPool, create_role, create_user_pool, trust_policy

GUEST, MEMBER = "unauthenticated", "authenticated"
#: The role names' suffixes: ``<pool name>-guest`` and ``<pool name>-member``.
ROLE_SUFFIX = {GUEST: "guest", MEMBER: "member"}


@dataclass(frozen=True)
class PoolSetup:
    """An identity pool on ``endpoint``, its roles by kind and, if it trusts one, its user pool."""

    endpoint: Endpoint
    name: str
    pool_id: str
    roles: dict[str, str]
    users: UserPool | None
    ci: Any
    idp: Any
    iam: Any

    @property
    def guest(self) -> str:
        """The unauthenticated role's ARN."""
        return self.roles[GUEST]

    @property
    def member(self) -> str:
        """The authenticated role's ARN."""
        return self.roles[MEMBER]

    @property
    def url(self) -> str:
        return self.endpoint.url

    @property
    def provider(self) -> str:
        """The Logins key of the pool's user pool."""
        return self.user_pool.provider_name

    @property
    def user_pool(self) -> UserPool:
        assert self.users is not None, f"identity pool {self.name} trusts no user pool"
        return self.users

    def sign_in(self, username: str) -> dict[str, str]:
        """``username``'s user pool tokens (``id`` and ``access``), the user created on first use."""
        return self.user_pool.sign_in(self.idp, username)

    def logins(self, username: str) -> dict[str, str]:
        """A Logins map with ``username``'s user pool ID token."""
        return {self.user_pool.provider_name: self.sign_in(username)["id"]}


def identity_pool(
    endpoint: Endpoint,
    name: str,
    *,
    classic: bool = False,
    guests: bool = True,
    user_pool: bool | UserPool = True,
    developer: str | None = None,
    providers: Mapping[str, str] | None = None,
    oidc: Collection[str] = (),
    roles: Collection[str] | None = None,
    role_names: Mapping[str, str] | None = None,
    permissions: Mapping[str, dict[str, Any]] | None = None,
    tag_session: bool = False,
    extra_trust: Mapping[str, Any] | None = None,
) -> PoolSetup:
    """An identity pool named ``name`` on ``endpoint``, with its roles set as the pool's roles.

    ``classic`` turns the basic flow on. ``guests`` allows unauthenticated identities and, unless
    ``roles`` names the kinds to create, gives the pool a guest role besides the signed-in one.
    ``user_pool``: a user pool of the same name that the identity pool trusts, or the one given, or
    none (False). ``developer``, ``providers`` (SupportedLoginProviders) and ``oidc`` (provider ARNs)
    add the other kinds of login.

    Each role, ``<name>-guest`` or ``<name>-member`` unless ``role_names`` names it, trusts the pool by
    the course's trust policy, plus ``sts:TagSession`` with ``tag_session`` and the ``extra_trust``
    conditions; ``permissions[kind]``, if given, is its inline policy.
    """
    ci = endpoint.client("cognito-identity")
    idp = endpoint.client("cognito-idp")
    users = create_user_pool(idp, name) if user_pool is True else (user_pool or None)
    settings: dict[str, Any] = {
        "IdentityPoolName": name,
        "AllowUnauthenticatedIdentities": guests,
        "AllowClassicFlow": classic,
    }
    if developer is not None:
        settings["DeveloperProviderName"] = developer
    if users is not None:
        login = {"ProviderName": users.provider_name, "ClientId": users.client_id}
        settings["CognitoIdentityProviders"] = [login]
    if providers:
        settings["SupportedLoginProviders"] = dict(providers)
    if oidc:
        settings["OpenIdConnectProviderARNs"] = list(oidc)
    pool_id = ci.create_identity_pool(**settings)["IdentityPoolId"]
    kinds = roles if roles is not None else ((GUEST, MEMBER) if guests else (MEMBER,))
    iam = endpoint.client("iam")
    arns = {}
    for kind in kinds:
        trust = trust_policy(pool_id, kind, **(extra_trust or {}))
        if tag_session:
            trust["Statement"][0]["Action"] = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
        role_name = (role_names or {}).get(kind, f"{name}-{ROLE_SUFFIX[kind]}")
        arns[kind] = create_role(iam, role_name, trust, (permissions or {}).get(kind))
    if arns:
        ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles=arns)
    return PoolSetup(endpoint, name, pool_id, arns, users, ci, idp, iam)

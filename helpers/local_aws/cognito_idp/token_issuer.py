"""User pool tokens as the local AWS issues them: moto's claims, the local key, AWS's role claims.

moto answers the token-issuing operations with JWTs signed by its packaged key. :class:`TokenIssuer`
re-signs each ID and access token with the run's :class:`~.signing_key.UserPoolSigningKey`, keeping
moto's claims but stamping ``iat``, ``auth_time`` and ``exp`` by the local AWS's (movable) clock, and
adds to ID tokens what AWS's carry when the user's groups have IAM roles (Amazon Cognito API Reference,
``CreateGroup``, ``Precedence``; Developer Guide, "Adding groups to a user pool"):

* ``cognito:roles``: the roles of all the user's groups;
* ``cognito:preferred_role``: the role of the group with the lowest ``Precedence`` (a group without one
  ranks after every group with one); when several groups share the lowest value with different roles,
  the claim is left out.

and puts in ID tokens exactly the user's attributes the app client may read: moto puts every custom
attribute in, and no standard attribute the client's ``ReadAttributes`` does not name, while AWS's
tokens carry the standard ones by default (:mod:`.attribute_permissions`).

moto looks access tokens up by value (``GetUser``, ``GlobalSignOut`` and the other operations that take
an ``AccessToken``), so the issuer remembers which of moto's tokens each re-signed access token stands
for; :meth:`TokenIssuer.original_access_token` translates on the way in. moto's own tokens never leave
the local AWS.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .attribute_permissions import readable_claims, unreadable_claims
from .signing_key import UserPoolSigningKey

#: ``group_roles(user_pool_id, group)`` → the group's role ARN and precedence (``None`` when unset).
GroupRoles = Callable[[str, str], "tuple[str | None, int | None]"]
#: ``read_attributes(user_pool_id, client_id)`` → the app client's ``ReadAttributes`` (``None``: unset).
ReadAttributes = Callable[[str, str], "list[str] | None"]
#: ``user_attributes(user_pool_id, username)`` → the user's attributes, name → value (``None``: no user).
UserAttributes = Callable[[str, str], "dict[str, str] | None"]

_NO_PRECEDENCE = 2**31  # the maximum Precedence is 2^31-1: a group without one ranks after them all


def roles_claims(groups: list[tuple[str | None, int | None]]) -> dict[str, Any]:
    """``cognito:roles`` and ``cognito:preferred_role`` for a user whose groups have these
    (role, precedence) pairs."""
    ranked = [
        (_NO_PRECEDENCE if precedence is None else precedence, role) for role, precedence in groups if role
    ]
    if not ranked:
        return {}
    claims: dict[str, Any] = {"cognito:roles": sorted({role for _, role in ranked})}
    lowest = min(precedence for precedence, _ in ranked)
    preferred = {role for precedence, role in ranked if precedence == lowest}
    if len(preferred) == 1:
        claims["cognito:preferred_role"] = preferred.pop()
    return claims


class TokenIssuer:
    """Re-signs moto's user pool tokens for one local AWS, and remembers moto's access tokens."""

    def __init__(
        self,
        key: UserPoolSigningKey,
        now: Callable[[], float],
        group_roles: GroupRoles,
        read_attributes: ReadAttributes | None = None,
        user_attributes: UserAttributes | None = None,
    ) -> None:
        self.key = key
        self._now = now
        self._group_roles = group_roles
        self._read_attributes = read_attributes
        self._user_attributes = user_attributes
        self._lock = threading.Lock()
        self._moto_access_tokens: dict[str, str] = {}

    def reissue(self, result: dict[str, Any]) -> dict[str, Any]:
        """An ``AuthenticationResult`` with its ``IdToken`` and ``AccessToken`` re-signed."""
        reissued = dict(result)
        if isinstance(result.get("IdToken"), str):
            reissued["IdToken"] = self._resign(result["IdToken"], id_token=True)
        if isinstance(result.get("AccessToken"), str):
            token = self._resign(result["AccessToken"], id_token=False)
            with self._lock:
                self._moto_access_tokens[token] = result["AccessToken"]
            reissued["AccessToken"] = token
        return reissued

    def original_access_token(self, token: str) -> str | None:
        """moto's access token that ``token`` (one this issuer signed) stands for, else ``None``."""
        with self._lock:
            return self._moto_access_tokens.get(token)

    def reset(self) -> None:
        with self._lock:
            self._moto_access_tokens.clear()

    def _resign(self, moto_token: str, *, id_token: bool) -> str:
        import jwt

        # moto's own answer, read in-process: its signature is moto's packaged key, nothing to check.
        claims = jwt.decode(moto_token, options={"verify_signature": False})
        issued = int(self._now())
        shift = issued - int(claims.get("iat", issued))
        for name in ("iat", "auth_time", "exp"):
            if isinstance(claims.get(name), int):
                claims[name] += shift
        if id_token and claims.get("cognito:groups"):
            claims.update(self._roles_of(claims))
        if id_token and self._read_attributes is not None:
            user_pool_id = str(claims.get("iss", "")).rsplit("/", 1)[-1]
            readable = self._read_attributes(user_pool_id, str(claims.get("aud", "")))
            for name in unreadable_claims(claims, readable):
                del claims[name]
            if self._user_attributes is not None and isinstance(claims.get("cognito:username"), str):
                attributes = self._user_attributes(user_pool_id, claims["cognito:username"]) or {}
                claims.update(readable_claims(attributes, readable))
        return self.key.sign(claims)

    def _roles_of(self, claims: dict[str, Any]) -> dict[str, Any]:
        user_pool_id = str(claims.get("iss", "")).rsplit("/", 1)[-1]
        return roles_claims([self._group_roles(user_pool_id, group) for group in claims["cognito:groups"]])

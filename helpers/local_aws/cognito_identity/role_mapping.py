"""Role-based access control: which role a signed-in user gets from the pool's RoleMappings.

A mapping belongs to one provider (user pools: ``cognito-idp.<region>.amazonaws.com/<poolId>:<appClientId>``,
other providers by their Logins key) and has a type:

* ``Token``: the user pool ID token's ``cognito:preferred_role`` (the group with the lowest precedence)
  decides; a ``CustomRoleArn`` is allowed only when it is in ``cognito:roles``.
* ``Rules``: ``{Claim, MatchType, Value, RoleARN}`` in order, the first match wins (a ``CustomRoleArn``
  that a matching rule names is taken instead); ``NotEqual`` on a missing claim is skipped.

When neither decides, ``AmbiguousRoleResolution`` does: ``AuthenticatedRole`` (the pool's default
authenticated role) or ``Deny``. Guests always get the unauthenticated role.
Source: Amazon Cognito Developer Guide, "Role-based access control".
"""

from __future__ import annotations

from typing import Any

from . import exceptions as errors
from .records import IdentityPool, VerifiedLogin


def mapping_key(login: VerifiedLogin) -> str:
    """The RoleMappings key of a login: user pools add the app client id (the token's ``aud``)."""
    if login.provider.startswith("cognito-idp.") and isinstance(login.claims.get("aud"), str):
        return f"{login.provider}:{login.claims['aud']}"
    return login.provider


def _mapping_for(
    pool: IdentityPool, logins: list[VerifiedLogin]
) -> tuple[dict[str, Any], VerifiedLogin] | None:
    # UNCONFIRMED: with several logins, the first login (in request order) that has a mapping decides.
    for login in logins:
        for key in (mapping_key(login), login.provider):
            mapping = pool.role_mappings.get(key)
            if mapping and mapping.get("Type"):
                return mapping, login
    return None


def _values(claim: Any) -> list[str]:
    # Multi-valued claims (cognito:groups) match when any value does (UNCONFIRMED for lists).
    if isinstance(claim, list):
        return [str(value) for value in claim]
    return [str(claim).lower() if isinstance(claim, bool) else str(claim)]


def rule_matches(rule: dict[str, Any], claims: dict[str, Any]) -> bool | None:
    """True or False; ``None`` when the rule is skipped (NotEqual on a missing claim)."""
    claim_name, match, value = rule.get("Claim"), rule.get("MatchType"), rule.get("Value", "")
    if claim_name not in claims:
        return None if match == "NotEqual" else False
    values = _values(claims[claim_name])
    if match == "Equals":
        return value in values
    if match == "Contains":
        return any(value in candidate for candidate in values)
    if match == "StartsWith":
        return any(candidate.startswith(value) for candidate in values)
    if match == "NotEqual":
        return value not in values
    return False


def _ambiguous(pool: IdentityPool, mapping: dict[str, Any]) -> str:
    if mapping.get("AmbiguousRoleResolution") == "Deny":
        raise errors.ambiguous_role_mapping_denied()
    role = pool.roles.get("authenticated")
    if role is None:
        raise errors.InvalidIdentityPoolConfigurationException()
    return role


def select_role(pool: IdentityPool, logins: list[VerifiedLogin], custom_role_arn: str | None) -> str:
    """The role ARN for a sign-in with these (verified) logins, or AWS's refusal."""
    if not logins:
        role = pool.roles.get("unauthenticated")
        if role is None:
            raise errors.InvalidIdentityPoolConfigurationException()
        return _only_default(role, custom_role_arn)
    found = _mapping_for(pool, logins)
    if found is None:
        role = pool.roles.get("authenticated")
        if role is None:
            raise errors.InvalidIdentityPoolConfigurationException()
        return _only_default(role, custom_role_arn)
    mapping, login = found
    claims = login.claims
    if mapping["Type"] == "Token":
        if custom_role_arn:
            if custom_role_arn in _values(claims.get("cognito:roles", [])):
                return custom_role_arn
            # The custom role must be one of the user's roles, otherwise access is denied.
            raise errors.role_forbidden(custom_role_arn)
        preferred = claims.get("cognito:preferred_role")
        return preferred if isinstance(preferred, str) and preferred else _ambiguous(pool, mapping)
    rules = (mapping.get("RulesConfiguration") or {}).get("Rules") or []
    matching = [rule["RoleARN"] for rule in rules if rule_matches(rule, claims)]
    if custom_role_arn and custom_role_arn in matching:
        return custom_role_arn
    if custom_role_arn:
        raise errors.role_forbidden(custom_role_arn)
    return matching[0] if matching else _ambiguous(pool, mapping)


def _only_default(role: str, custom_role_arn: str | None) -> str:
    if custom_role_arn and custom_role_arn != role:
        # UNCONFIRMED: with default roles only, a CustomRoleArn other than the default role is refused.
        raise errors.role_forbidden(custom_role_arn)
    return role

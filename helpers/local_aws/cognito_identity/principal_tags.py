"""Attributes for access control: the principal tags an identity pool puts on a user's session.

Per provider the pool keeps a map ``{tag key: claim name}`` (SetPrincipalTagAttributeMap) or uses the
provider's defaults (``UseDefaults``). When credentials are issued, each tag takes the value of the
user's claim, and IAM policies read it as ``aws:PrincipalTag/<key>``; the role's trust policy must then
allow ``sts:TagSession`` too. Developer providers pass their own tags (GetOpenIdTokenForDeveloperIdentity's
``PrincipalTags``), carried in the OpenID token's ``https://aws.amazon.com/tags`` claim.

Sources: Amazon Cognito Developer Guide, "Attributes for access control"
(https://docs.aws.amazon.com/cognito/latest/developerguide/attributes-for-access-control.html), "Using
attributes for access control with Amazon Cognito identity pools"
(https://docs.aws.amazon.com/cognito/latest/developerguide/using-afac-with-cognito-identity-pools.html)
and "Default provider mappings"
(https://docs.aws.amazon.com/cognito/latest/developerguide/provider-mappings.html).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import exceptions as errors

#: "Default provider mappings": which claims the defaults read, per provider (token kind in brackets):
#: user pools, Google, Apple and OIDC providers ``aud`` and ``sub`` (ID token); Facebook ``aud`` and
#: ``sub`` (access token); Login with Amazon ``aud`` and ``user_id``. The API reference calls them
#: "username and clientID"; the TAG KEY NAMES below are UNCONFIRMED (no public page shows them):
#: ``client`` for the app's client id and ``username`` for the user.
DEFAULT_CLAIMS = {"client": "aud", "username": "sub"}
DEFAULT_CLAIMS_BY_PROVIDER = {"www.amazon.com": {"client": "aud", "username": "user_id"}}

MAX_TAG_KEY = 128  # "a maximum length of 128 characters"
MAX_CLAIM_NAME = 256  # "Attribute names have a maximum of 256 characters"
MAX_CLAIM_BYTES = 460  # "the aggregated character limit for all attributes is 460 bytes"


@dataclass
class PrincipalTagMap:
    """One provider's SetPrincipalTagAttributeMap: defaults, or ``{tag key: claim name}``."""

    use_defaults: bool = False
    principal_tags: dict[str, str] = field(default_factory=dict)


def default_claims(provider: str) -> dict[str, str]:
    return dict(DEFAULT_CLAIMS_BY_PROVIDER.get(provider, DEFAULT_CLAIMS))


def checked_map(use_defaults: bool | None, principal_tags: dict[str, str] | None) -> PrincipalTagMap:
    """The map SetPrincipalTagAttributeMap stores, or AWS's refusal of its limits."""
    tags = dict(principal_tags or {})
    for key, claim in tags.items():
        if len(key) > MAX_TAG_KEY or len(claim) > MAX_CLAIM_NAME:
            raise errors.principal_tag_limits(MAX_TAG_KEY, MAX_CLAIM_NAME)
    if sum(len(claim.encode()) for claim in tags.values()) > MAX_CLAIM_BYTES:
        raise errors.principal_tag_claims_too_long(MAX_CLAIM_BYTES)
    return PrincipalTagMap(bool(use_defaults), tags)


def _claim_text(value: Any) -> str | None:
    # A tag has one string value; a multi-valued or structured claim gives no tag (UNCONFIRMED).
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def tags_for_login(tag_map: PrincipalTagMap | None, provider: str, claims: dict[str, Any]) -> dict[str, str]:
    """The tags one login gets under its provider's map; claims the token lacks give no tag."""
    if tag_map is None:
        return {}
    wanted = default_claims(provider) if tag_map.use_defaults else tag_map.principal_tags
    tags = {}
    for key, claim in wanted.items():
        value = _claim_text(claims.get(claim))
        if value is not None:
            tags[key] = value
    return tags


def merged(tag_sets: Iterable[dict[str, str]]) -> dict[str, str]:
    """One session's tags from several logins; the first login naming a key wins (UNCONFIRMED)."""
    tags: dict[str, str] = {}
    for one in tag_sets:
        for key, value in one.items():
            tags.setdefault(key, value)
    return tags


def from_token_claim(principal_tags: dict[str, Any]) -> dict[str, str]:
    """``{"k": ["v"]}`` of the OpenID token's ``https://aws.amazon.com/tags`` claim, as session tags."""
    tags = {}
    for key, values in (principal_tags or {}).items():
        value = values[0] if isinstance(values, list) and values else values
        if isinstance(value, str):
            tags[str(key)] = value
    return tags

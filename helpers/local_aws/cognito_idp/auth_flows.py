"""Which sign-in flows an app client allows (``ExplicitAuthFlows``).

moto signs a user in with any ``AuthFlow`` through any app client. AWS allows only the flows the client's
``ExplicitAuthFlows`` name: "If you don't specify a value for ExplicitAuthFlows, your app client supports
ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH" (Amazon Cognito API Reference,
``CreateUserPoolClient``, ``ExplicitAuthFlows``). The names without ``ALLOW_`` are the deprecated ones that
the ``ALLOW_`` names replace; with them, SRP and refresh-token sign-ins were always allowed (UNCONFIRMED
today; the most plausible reading of the old names, which named only the extra flows).
"""

from __future__ import annotations

#: What a client that names no ``ExplicitAuthFlows`` allows.
DEFAULT_FLOWS = frozenset({"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"})
#: The deprecated names (without ``ALLOW_``).
LEGACY_FLOWS = frozenset({"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"})

#: For each ``AuthFlow`` of ``InitiateAuth`` and ``AdminInitiateAuth``, the settings that allow it.
ALLOWED_BY: dict[str, frozenset[str]] = {
    "USER_PASSWORD_AUTH": frozenset({"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"}),
    "ADMIN_USER_PASSWORD_AUTH": frozenset({"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}),
    "ADMIN_NO_SRP_AUTH": frozenset({"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}),
    "USER_SRP_AUTH": frozenset({"ALLOW_USER_SRP_AUTH"}),
    "REFRESH_TOKEN_AUTH": frozenset({"ALLOW_REFRESH_TOKEN_AUTH"}),
    "REFRESH_TOKEN": frozenset({"ALLOW_REFRESH_TOKEN_AUTH"}),
    "CUSTOM_AUTH": frozenset({"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"}),
    "USER_AUTH": frozenset({"ALLOW_USER_AUTH"}),
}


def allows(auth_flow: str, explicit_auth_flows: list[str] | None) -> bool:
    """Whether a client with these ``ExplicitAuthFlows`` (``None`` or empty: never specified) allows
    ``auth_flow``. A flow AWS does not define is allowed here: moto answers it as AWS does."""
    needed = ALLOWED_BY.get(auth_flow)
    if needed is None:
        return True
    allowed = set(explicit_auth_flows or DEFAULT_FLOWS)
    if allowed & LEGACY_FLOWS:
        allowed |= {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    return bool(allowed & needed)

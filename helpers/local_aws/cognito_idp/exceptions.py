"""The user pool errors the local AWS writes itself (moto answers the rest): AWS's codes and messages."""

from __future__ import annotations

from ..wire.errors import Denial, json_error, json_namespace


def unauthorized_attribute_write() -> Denial:
    """An app client's user tried to write an attribute the client may not write
    (:mod:`.attribute_permissions`)."""
    return json_error(
        "NotAuthorizedException",
        "A client attempted to write unauthorized attribute",
        namespace=json_namespace("cognito-idp"),
    )


def auth_flow_not_enabled(auth_flow: str) -> Denial:
    """A sign-in with a flow the app client's ``ExplicitAuthFlows`` do not allow (:mod:`.auth_flows`).
    AWS's words for a password flow are seen in its answers ("USER_PASSWORD_AUTH flow not enabled for this
    client"; for the administrator's flow, "Auth flow not enabled for this client"); for the others the
    same pattern is UNCONFIRMED."""
    if auth_flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        message = "Auth flow not enabled for this client"
    else:
        message = f"{auth_flow} flow not enabled for this client"
    return json_error("InvalidParameterException", message, namespace=json_namespace("cognito-idp"))


def code_mismatch() -> Denial:
    """A confirmation code that is not the one sent to the user (:mod:`.confirmation_codes`)."""
    return json_error(
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
        namespace=json_namespace("cognito-idp"),
    )


def no_verified_contact() -> Denial:
    """``ForgotPassword`` for a user with nowhere to send the code (:mod:`.confirmation_codes`)."""
    return json_error(
        "InvalidParameterException",
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
        namespace=json_namespace("cognito-idp"),
    )


def invalid_access_token() -> Denial:
    """An ``AccessToken`` the user pool never issued (AWS's words for it, as SDK users quote them)."""
    return json_error(
        "NotAuthorizedException", "Invalid Access Token", namespace=json_namespace("cognito-idp")
    )

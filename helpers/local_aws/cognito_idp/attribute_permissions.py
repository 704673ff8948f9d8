"""App clients' write permissions on user attributes, which moto's cognito-idp does not check.

An app client's ``WriteAttributes`` lists the attributes its users may set on themselves: "After your
user authenticates in your app, their access token authorizes them to set or modify their own attribute
value for any attribute in this list. When you don't specify the WriteAttributes for your app client,
your app can write the values of the Standard attributes of your user pool" (Amazon Cognito user pools
API Reference, ``UserPoolClientType``,
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html).
It matters beyond the user pool: identity pools map roles from ID token claims, and a claim users can
edit lets "any end user assume your role" (Developer Guide, "Using role-based access control").

:class:`AttributeWritePermissionsLayer` refuses ``UpdateUserAttributes`` when the access token's app
client may not write one of the attributes, with AWS's answer: ``NotAuthorizedException`` "A client
attempted to write unauthorized attribute" (seen from AWS in aws/aws-sdk-js#1319,
amazon-archives/amazon-cognito-identity-js#397 and aws-amplify/amplify-js#5345). The administrator's
operations (``AdminUpdateUserAttributes``...) are not limited by app clients, as on AWS. ``SignUp``
through an app client is not checked here (moto accepts its attributes as they come).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..wire.envelope import StartResponse, envelope_of
from ..wire.errors import json_error, json_namespace
from .token_issuer import TokenIssuer

UNAUTHORIZED_ATTRIBUTE = "A client attempted to write unauthorized attribute"

#: ``write_attributes(user_pool_id, client_id)`` → the app client's ``WriteAttributes`` (``None``: unset).
WriteAttributes = Callable[[str, str], "list[str] | None"]


def may_write(write_attributes: list[str] | None, attribute: str) -> bool:
    """Whether users of an app client with these ``WriteAttributes`` may set ``attribute`` themselves.

    Unset (or empty): the standard attributes only, so no ``custom:`` attribute and no ``dev:``
    (developer-only) attribute.
    """
    if write_attributes:
        return attribute in write_attributes
    return not attribute.startswith(("custom:", "dev:"))


class AttributeWritePermissionsLayer:
    """Refuses a user's ``UpdateUserAttributes`` for attributes their app client may not write.

    Only access tokens this local AWS issued (``issuer``) are checked; any other token goes on to moto,
    which refuses it as AWS does.
    """

    def __init__(self, issuer: TokenIssuer, write_attributes: WriteAttributes) -> None:
        self.issuer = issuer
        self._write_attributes = write_attributes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        envelope = envelope_of(environ)
        if envelope is None or envelope.operation != "UpdateUserAttributes":
            return None
        document = envelope.document
        if not isinstance(document, dict) or not isinstance(document.get("AccessToken"), str):
            return None
        token = document["AccessToken"]
        if self.issuer.original_access_token(token) is None:
            return None
        import jwt

        # A token this local AWS signed and still knows: its claims need no second check here.
        claims = jwt.decode(token, options={"verify_signature": False})
        user_pool_id = str(claims.get("iss", "")).rsplit("/", 1)[-1]
        allowed = self._write_attributes(user_pool_id, str(claims.get("client_id", "")))
        attributes = document.get("UserAttributes")
        if not isinstance(attributes, list):
            return None  # malformed: moto answers it with AWS's validation error
        names = [item.get("Name") for item in attributes if isinstance(item, dict)]
        if all(isinstance(name, str) and may_write(allowed, name) for name in names):
            return None
        denial = json_error(
            "NotAuthorizedException", UNAUTHORIZED_ATTRIBUTE, namespace=json_namespace("cognito-idp")
        )
        return denial.send(start_response, environ.get("REQUEST_METHOD", "POST"))

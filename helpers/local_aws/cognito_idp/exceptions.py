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

"""Which user attributes an app client may write (``WriteAttributes``) and read (``ReadAttributes``).

moto lets a user change any of their attributes with their access token (``UpdateUserAttributes``), and sign
up with any (``SignUp``). AWS checks the attributes against the app client the token was issued for, or that
signs the user up: "After your user authenticates in your app, their access token authorizes them to set or
modify their own attribute value for any attribute in this list. When you don't specify the WriteAttributes
for your app client, your app can write the values of the Standard attributes of your user pool" (Amazon
Cognito API Reference, ``CreateUserPoolClient``, ``WriteAttributes``). Anything else is refused with
``NotAuthorizedException: A client attempted to write unauthorized attribute`` (seen for
``UpdateUserAttributes`` in aws/aws-sdk-js#1319 and amazon-archives/amazon-cognito-identity-js#397, for
``SignUp`` with a custom attribute in aws/aws-sdk-js#1084). This matters to attributes for access control: a
claim that decides access must be one the user cannot edit.

Reading: "When you don't specify the ReadAttributes for your app client, your app can read the values of
email_verified, phone_number_verified, and the standard attributes of your user pool" (same page,
``ReadAttributes``), so a custom attribute reaches the app, and its ID tokens, only if the client's
``ReadAttributes`` name it. moto puts every custom attribute in every ID token; :func:`unreadable_claims`
names those the token issuer takes out again. moto puts in no standard attribute unless ``ReadAttributes``
names it, while AWS's ID tokens carry them by default: :func:`readable_claims` gives the claims the token
issuer adds.

``email_verified`` and ``phone_number_verified`` are not among the standard attributes a client writes by
default (the ``ReadAttributes`` text names them apart from "the standard attributes"; a sign-up that set
``email_verified`` got the same refusal, aws/aws-sdk-js#3603).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: The standard attributes of a user pool (Amazon Cognito Developer Guide, "Working with user
#: attributes", "Standard attributes"), without ``sub``, which no one writes.
STANDARD_ATTRIBUTES = frozenset(
    {
        "address",
        "birthdate",
        "email",
        "family_name",
        "gender",
        "given_name",
        "locale",
        "middle_name",
        "name",
        "nickname",
        "phone_number",
        "picture",
        "preferred_username",
        "profile",
        "updated_at",
        "website",
        "zoneinfo",
    }
)


def unwritable(names: Iterable[str], write_attributes: list[str] | None) -> list[str]:
    """The attributes among ``names`` that an app client with these ``WriteAttributes`` (``None`` or
    empty: never specified) may not write for its users."""
    allowed = set(write_attributes) if write_attributes else STANDARD_ATTRIBUTES
    return [name for name in names if name not in allowed]


#: What an app client that names no ``ReadAttributes`` reads besides the standard attributes.
VERIFIED_FLAGS = frozenset({"email_verified", "phone_number_verified"})


def readable_claims(attributes: Mapping[str, str], read_attributes: list[str] | None) -> dict[str, Any]:
    """The ID token claims for a user's ``attributes`` (name → value, as ``AdminGetUser`` lists them) that
    an app client with these ``ReadAttributes`` (``None`` or empty: the standard attributes and the two
    ``*_verified`` flags) may read. ``sub`` is a claim of its own already. The flags are booleans, as in
    AWS's example ID token ("Understanding the identity (ID) token", Amazon Cognito Developer Guide); every
    other value stays the attribute's string. (UNCONFIRMED: whether AWS gives ``updated_at`` as a number
    and ``address`` as an object there; no notebook sets either.)"""
    allowed = set(read_attributes) if read_attributes else STANDARD_ATTRIBUTES | VERIFIED_FLAGS
    return {
        name: (value == "true" if name in VERIFIED_FLAGS else value)
        for name, value in attributes.items()
        if name in allowed and name != "sub"
    }


def unreadable_claims(claims: Mapping[str, Any], read_attributes: list[str] | None) -> list[str]:
    """The custom attributes among an ID token's ``claims`` that an app client with these
    ``ReadAttributes`` (``None`` or empty: never specified) may not read."""
    allowed = set(read_attributes or ())
    return [name for name in claims if name.startswith("custom:") and name not in allowed]

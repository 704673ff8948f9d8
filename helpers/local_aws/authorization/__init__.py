"""Authorization of requests signed with credentials the local AWS issued to identity-pool users.

Turns an HTTP request into what IAM evaluates (:mod:`.request`), reads who signed it (:mod:`.signing`),
maps S3 and DynamoDB operations to actions, resources and condition keys (:mod:`.s3`, :mod:`.dynamodb`)
and answers denials in each service's wire format (:mod:`.denials`). Policy evaluation itself lives in
``helpers.iam_policy``.
"""

from .denials import (
    Denial,
    DenialReason,
    access_denied_message,
    dynamodb_access_denied,
    dynamodb_expired_token,
    dynamodb_unrecognized_client,
    json_access_denied,
    json_error,
    s3_access_denied,
    s3_access_denied_plain,
    s3_error,
    s3_expired_token,
    s3_invalid_token,
)
from .dynamodb import PartitionKeyOf, map_dynamodb_request
from .request import AuthorizationRequest, MappedOperation
from .s3 import map_s3_request, s3_location
from .signing import SigningInfo, extract_signing

__all__ = [
    "AuthorizationRequest",
    "Denial",
    "DenialReason",
    "MappedOperation",
    "PartitionKeyOf",
    "SigningInfo",
    "access_denied_message",
    "dynamodb_access_denied",
    "dynamodb_expired_token",
    "dynamodb_unrecognized_client",
    "extract_signing",
    "json_access_denied",
    "json_error",
    "map_dynamodb_request",
    "map_s3_request",
    "s3_access_denied",
    "s3_access_denied_plain",
    "s3_error",
    "s3_expired_token",
    "s3_invalid_token",
    "s3_location",
]

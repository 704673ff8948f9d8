"""Amazon Cognito identity pools' errors: one class per AWS error code, carrying AWS's message.

Messages are AWS's own where they are known (``../shared/docs/cognito-identity-behaviour.md`` names the
source of each); ``UNCONFIRMED`` marks wording no public source shows.
"""

from __future__ import annotations


class CognitoIdentityError(Exception):
    """An error answered as ``{"__type": code, "message": message}`` with HTTP ``status``."""

    code = "InternalErrorException"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationException(CognitoIdentityError):
    code = "ValidationException"


class SerializationException(CognitoIdentityError):
    code = "SerializationException"


class InvalidParameterException(CognitoIdentityError):
    code = "InvalidParameterException"


class NotAuthorizedException(CognitoIdentityError):
    code = "NotAuthorizedException"


class ResourceNotFoundException(CognitoIdentityError):
    code = "ResourceNotFoundException"


class ResourceConflictException(CognitoIdentityError):
    code = "ResourceConflictException"


class LimitExceededException(CognitoIdentityError):
    code = "LimitExceededException"


class InvalidIdentityPoolConfigurationException(CognitoIdentityError):
    code = "InvalidIdentityPoolConfigurationException"

    def __init__(
        self, message: str = "Invalid identity pool configuration. Check assigned IAM roles for this pool."
    ) -> None:
        super().__init__(message)


class DeveloperUserAlreadyRegisteredException(CognitoIdentityError):
    code = "DeveloperUserAlreadyRegisteredException"


class InternalErrorException(CognitoIdentityError):
    code = "InternalErrorException"
    status = 500


class UnknownOperationException(CognitoIdentityError):
    code = "UnknownOperationException"


class MissingAuthenticationTokenException(CognitoIdentityError):
    """A signed-only operation called without a signature (the wording AWS's JSON services use)."""

    code = "MissingAuthenticationTokenException"
    status = 403

    def __init__(self, message: str = "Missing Authentication Token") -> None:
        super().__init__(message)


def pool_not_found(identity_pool_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"IdentityPool '{identity_pool_id}' not found.")


def identity_not_found(identity_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Identity '{identity_id}' not found.")


def identity_forbidden(identity_id: str) -> NotAuthorizedException:
    return NotAuthorizedException(f"Access to Identity '{identity_id}' is forbidden.")


def unauthenticated_not_supported() -> NotAuthorizedException:
    return NotAuthorizedException("Unauthenticated access is not supported for this identity pool.")


def logins_do_not_match() -> NotAuthorizedException:
    return NotAuthorizedException(
        "Logins don't match. Please include at least one valid login for this identity or identity pool."
    )

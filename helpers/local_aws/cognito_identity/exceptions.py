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


def developer_provider_not_supported() -> NotAuthorizedException:
    """A developer provider name the pool does not have (danilop/LambdAuth#32). The code is UNCONFIRMED:
    NotAuthorizedException, because the service refuses every other provider the pool does not support
    ("Token is not from a supported provider of this identity pool.") with that code."""
    return NotAuthorizedException("This identity pool does not support the specified developer provider")


def developer_user_already_registered() -> DeveloperUserAlreadyRegisteredException:
    # The model's description of the error, used as its message (UNCONFIRMED wording).
    return DeveloperUserAlreadyRegisteredException(
        "The provided developer user identifier is already registered with Cognito under a different "
        "identity ID."
    )


def developer_user_not_found(developer_user_identifier: str) -> ResourceNotFoundException:
    # UNCONFIRMED wording, in the style of "Identity '<id>' not found.".
    return ResourceNotFoundException(f"DeveloperUserIdentifier '{developer_user_identifier}' not found.")


def developer_user_not_linked(developer_user_identifier: str, identity_id: str) -> ResourceConflictException:
    # UNCONFIRMED wording.
    return ResourceConflictException(
        f"DeveloperUserIdentifier '{developer_user_identifier}' is not linked to identity '{identity_id}'."
    )


def provider_not_configured(identity_provider_name: str) -> InvalidParameterException:
    # UNCONFIRMED wording, in the style of the RoleMappings refusal (aws/aws-cdk#22951).
    return InvalidParameterException(f"{identity_provider_name} is not a configured provider.")


def principal_tag_map_not_found(
    identity_pool_id: str, identity_provider_name: str
) -> ResourceNotFoundException:
    # UNCONFIRMED: AWS's answer for a provider without a map (code and wording).
    return ResourceNotFoundException(
        f"No principal tag attribute map for {identity_provider_name} in identity pool {identity_pool_id}."
    )

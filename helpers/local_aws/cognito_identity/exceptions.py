"""Amazon Cognito identity pools' errors: one class per AWS error code, carrying AWS's message.

Messages are AWS's own where they are known: the Cognito Identity API Reference's error lists, and AWS's
answers as SDK and application issues quote them (named beside a message where it matters);
``UNCONFIRMED`` marks wording no public source shows.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import id_tokens as refused
from ..id_tokens import IdTokenRejected


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


def invalid_next_token() -> InvalidParameterException:
    # UNCONFIRMED wording: AWS answers a forged NextToken with an InvalidParameterException.
    return InvalidParameterException("Invalid NextToken.")


# -- identity pools ---------------------------------------------------------------------------------


def too_many_pools(limit: int) -> LimitExceededException:
    # UNCONFIRMED wording; the quota (1,000 per account and Region, not adjustable) is AWS's.
    return LimitExceededException(
        f"Exceeded the maximum number of identity pools ({limit}) for this account."
    )


def not_a_supported_login_provider(name: str) -> InvalidParameterException:
    # UNCONFIRMED wording; the key set is the model's documented list.
    return InvalidParameterException(f"{name} is not a valid supported login provider.")


def invalid_user_pool_provider(name: object) -> InvalidParameterException:
    return InvalidParameterException(f"Invalid Cognito Identity Provider: {name}")  # UNCONFIRMED wording


def developer_provider_name_fixed() -> InvalidParameterException:
    # "cannot be changed once set" (CreateIdentityPool's API reference); the wording is UNCONFIRMED.
    return InvalidParameterException("Cannot change the DeveloperProviderName of an identity pool.")


def resource_not_found(resource_arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"{resource_arn} not found.")  # UNCONFIRMED wording


def too_many_tags() -> InvalidParameterException:
    return InvalidParameterException("An identity pool can have at most 50 tags.")  # UNCONFIRMED wording


# -- roles and role mappings ------------------------------------------------------------------------


def invalid_role_arn(arn: object) -> InvalidParameterException:
    return InvalidParameterException(f"Invalid role ARN: {arn}")  # UNCONFIRMED wording


def not_a_role_mapping_provider(provider: str) -> InvalidParameterException:
    # Seen from AWS (aws/aws-cdk#22951).
    return InvalidParameterException(
        f"{provider} is not a valid RoleMapping ProviderName or is not a configured provider."
    )


def ambiguous_role_resolution_required() -> InvalidParameterException:
    return InvalidParameterException(  # UNCONFIRMED wording; the field is required with Type
        "AmbiguousRoleResolution must be specified when the role mapping Type is specified."
    )


def rules_configuration_required() -> InvalidParameterException:
    return InvalidParameterException(  # UNCONFIRMED wording
        "RulesConfiguration is required when the role mapping Type is Rules."
    )


def too_many_rules(limit: int) -> InvalidParameterException:
    return InvalidParameterException(f"A role mapping can have at most {limit} rules.")  # UNCONFIRMED


#: Seen from AWS (aws-amplify/amplify-js#8644); the code is UNCONFIRMED.
AMBIGUOUS_ROLE_MAPPING_DENIED = "The ambiguous role mapping rules denied this request"


def ambiguous_role_mapping_denied() -> NotAuthorizedException:
    return NotAuthorizedException(AMBIGUOUS_ROLE_MAPPING_DENIED)


def role_forbidden(role_arn: str) -> NotAuthorizedException:
    # Seen for a role the pool may not pass (danilop/LambdAuth#40); used for a CustomRoleArn the
    # mappings do not allow (UNCONFIRMED).
    return NotAuthorizedException(f"Access to Role '{role_arn}' is forbidden.")


# -- signing in -------------------------------------------------------------------------------------


def already_linked(identity_id: str, provider: str) -> ResourceConflictException:
    # One login per provider per identity (the authentication-flow page); the wording is UNCONFIRMED.
    return ResourceConflictException(
        f"Identity '{identity_id}' is already linked to a different {provider} login."
    )


def too_many_linked_logins(limit: int) -> ResourceConflictException:
    """ "The number of linked logins is limited to 20" (MergeDeveloperIdentities' API reference).

    UNCONFIRMED: AWS's code and wording. ResourceConflictException is the linking error that every
    operation that links models (GetId, GetCredentialsForIdentity, GetOpenIdToken, the developer
    operations); GetCredentialsForIdentity and GetOpenIdToken model no LimitExceededException, and the
    SDKs retry that code as throttling, which a refusal that cannot change must not cause.
    """
    return ResourceConflictException(f"An identity can be linked to at most {limit} logins.")


def basic_flow_disabled() -> InvalidParameterException:
    return InvalidParameterException("Basic (classic) flow is not enabled, please use enhanced flow.")


def basic_flow_with_role_mappings() -> InvalidParameterException:
    return InvalidParameterException(
        "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow."
    )


def developer_users_unlinked_separately() -> InvalidParameterException:
    return InvalidParameterException(  # UNCONFIRMED wording
        "Developer users can only be unlinked with UnlinkDeveloperIdentity."
    )


def login_not_linked(identity_id: str, provider: str) -> ResourceConflictException:
    return ResourceConflictException(
        f"Identity '{identity_id}' is not linked to a {provider} login."
    )  # UNCONFIRMED


# -- developer-authenticated identities -------------------------------------------------------------


def token_duration_out_of_range(maximum: int) -> InvalidParameterException:
    # UNCONFIRMED wording; the wire validates the range first.
    return InvalidParameterException(f"TokenDuration must be between 1 and {maximum} seconds.")


def too_many_principal_tags() -> InvalidParameterException:
    return InvalidParameterException("At most 50 PrincipalTags are allowed.")  # UNCONFIRMED wording


def developer_provider_missing() -> InvalidParameterException:
    return InvalidParameterException(  # UNCONFIRMED wording
        "Logins must contain the developer provider of this identity pool."
    )


def identity_or_developer_user_required() -> InvalidParameterException:
    # The API reference's sentence; the exact message is UNCONFIRMED.
    return InvalidParameterException("Either IdentityId or DeveloperUserIdentifier must not be null.")


# -- attributes for access control ------------------------------------------------------------------


def principal_tag_limits(max_key: int, max_claim: int) -> InvalidParameterException:
    return InvalidParameterException(  # UNCONFIRMED wording; the limits are the AFAC page's
        f"Principal tag keys can be at most {max_key} characters and attribute names at most {max_claim}."
    )


def principal_tag_claims_too_long(max_bytes: int) -> InvalidParameterException:
    return InvalidParameterException(  # UNCONFIRMED wording
        f"The attribute names of a principal tag map can be at most {max_bytes} bytes together."
    )


# -- the wire ---------------------------------------------------------------------------------------


def operation_not_built(operation: str) -> InvalidParameterException:
    return InvalidParameterException(f"{operation} is not supported by the local AWS yet.")


# Refused login tokens: the token checker's typed reasons (``..id_tokens``) in identity pools' words.


def not_supported() -> NotAuthorizedException:
    return NotAuthorizedException("Token is not from a supported provider of this identity pool.")


def no_identity_providers(identity_pool_id: str) -> NotAuthorizedException:
    return NotAuthorizedException(
        f"Identity pool - {identity_pool_id} does not have identity providers configured."
    )


def invalid_access_token() -> NotAuthorizedException:
    # UNCONFIRMED wording: no public source shows Cognito's answer to an access token the provider
    # does not recognise; this keeps the "Invalid login token." prefix of every token failure ("Identity
    # pools authentication flow", Cognito Developer Guide).
    return NotAuthorizedException("Invalid login token. Couldn't verify access token with the provider.")


def not_an_id_token() -> NotAuthorizedException:
    return NotAuthorizedException("Invalid login token. Not a valid OpenId Connect identity token.")


def not_verified() -> NotAuthorizedException:
    return NotAuthorizedException("Invalid login token. Couldn't verify signed token.")


def expired(now: float, exp: float) -> NotAuthorizedException:
    return NotAuthorizedException(f"Invalid login token. Token expired: {int(now)} >= {int(exp)}")


def _missing_claim(error: IdTokenRejected) -> NotAuthorizedException:
    # Seen for aud (amazon-cognito-identity-js#7); the same form for other claims is UNCONFIRMED.
    return NotAuthorizedException(f"Invalid login token. Missing a required claim: {error.detail}")


def _thumbprint(error: IdTokenRejected) -> NotAuthorizedException:
    # UNCONFIRMED for identity pools: STS's message for the same check, with Cognito's prefix.
    return NotAuthorizedException(
        "Invalid login token. OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"
    )


#: The identity pools' words for each reason the token checker refuses a login token ("Identity pools
# authentication flow", Cognito Developer Guide). The
#: wording for a token not yet valid, an unknown key and a disallowed ``alg`` is UNCONFIRMED (the
#: signature message); a wrong audience is AWS's answer for a client id the pool does not configure.
REFUSALS: dict[type[IdTokenRejected], Callable[[IdTokenRejected], NotAuthorizedException]] = {
    refused.Malformed: lambda error: not_an_id_token(),
    refused.WrongTokenUse: lambda error: not_an_id_token(),  # an access token where an ID token is expected
    refused.WrongIssuer: lambda error: NotAuthorizedException(
        "Invalid login token. Issuer doesn't match providerName"
    ),
    refused.AlgorithmNotAllowed: lambda error: not_verified(),
    refused.UnknownKey: lambda error: not_verified(),
    refused.BadSignature: lambda error: not_verified(),
    refused.NotYetValid: lambda error: not_verified(),
    refused.Expired: lambda error: expired(error.now or 0, error.exp or 0),
    refused.MissingClaim: _missing_claim,
    refused.WrongAudience: lambda error: not_supported(),
    refused.WrongThumbprint: _thumbprint,
}


def refusal(error: IdTokenRejected) -> NotAuthorizedException:
    """AWS's ``NotAuthorizedException`` for a refused login token, from :data:`REFUSALS`."""
    for kind in type(error).__mro__:
        if kind in REFUSALS:
            return REFUSALS[kind](error)
    return not_verified()

"""The cognito-identity wire protocol: JSON 1.1 requests in, the backend's data out as AWS's JSON.

Every ``X-Amz-Target: AWSCognitoIdentityService.<Operation>`` request is answered here (moto's own
cognito-identity never sees one). Input is validated against botocore's service model first, so
malformed input gets AWS's ``ValidationException``/``SerializationException`` and never reaches the
backend; errors are ``{"__type": code, "message": ...}`` with ``x-amzn-ErrorType`` (AWS's JSON 1.1 protocol).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from typing import Any

from ..constants import ACCOUNT_ID
from ..wire.envelope import RequestEnvelope, envelope_of
from . import exceptions as errors
from .models import CognitoIdentityBackend, CognitoIdentityBackends, Identity, IdentityPool
from .principal_tags import PrincipalTagMap

TARGET_PREFIX = "AWSCognitoIdentityService."
#: Callable without a signature (as the API reference marks them); the others need SigV4 credentials.
PUBLIC_OPERATIONS = {"GetId", "GetCredentialsForIdentity", "GetOpenIdToken", "UnlinkIdentity"}


def _pool_json(pool: IdentityPool) -> dict[str, Any]:
    """The IdentityPool shape; unset optional members are left out, as AWS leaves them out."""
    body: dict[str, Any] = {
        "IdentityPoolId": pool.identity_pool_id,
        "IdentityPoolName": pool.identity_pool_name,
        "AllowUnauthenticatedIdentities": pool.allow_unauthenticated_identities,
    }
    if pool.allow_classic_flow is not None:
        body["AllowClassicFlow"] = pool.allow_classic_flow
    if pool.supported_login_providers:
        body["SupportedLoginProviders"] = dict(pool.supported_login_providers)
    if pool.developer_provider_name:
        body["DeveloperProviderName"] = pool.developer_provider_name
    if pool.open_id_connect_provider_arns:
        body["OpenIdConnectProviderARNs"] = list(pool.open_id_connect_provider_arns)
    if pool.cognito_identity_providers:
        body["CognitoIdentityProviders"] = [dict(p) for p in pool.cognito_identity_providers]
    if pool.saml_provider_arns:
        body["SamlProviderARNs"] = list(pool.saml_provider_arns)
    if pool.tags:
        body["IdentityPoolTags"] = dict(pool.tags)
    return body


def _identity_json(identity: Identity) -> dict[str, Any]:
    body: dict[str, Any] = {
        "IdentityId": identity.identity_id,
        "CreationDate": identity.creation_date,
        "LastModifiedDate": identity.last_modified_date,
    }
    if identity.linked_providers:
        body["Logins"] = identity.linked_providers
    return body


def _tag_map_json(p: dict[str, Any], tag_map: PrincipalTagMap) -> dict[str, Any]:
    return {
        "IdentityPoolId": p["IdentityPoolId"],
        "IdentityProviderName": p["IdentityProviderName"],
        "UseDefaults": tag_map.use_defaults,
        "PrincipalTags": dict(tag_map.principal_tags),
    }


def _pool_options(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "allow_classic_flow": params.get("AllowClassicFlow"),
        "supported_login_providers": params.get("SupportedLoginProviders"),
        "developer_provider_name": params.get("DeveloperProviderName"),
        "open_id_connect_provider_arns": params.get("OpenIdConnectProviderARNs"),
        "cognito_identity_providers": params.get("CognitoIdentityProviders"),
        "saml_provider_arns": params.get("SamlProviderARNs"),
        "tags": params.get("IdentityPoolTags"),
    }


class CognitoIdentityResponses:
    """One method per operation: read the validated parameters, call the backend, shape the answer."""

    def __init__(self, backend: CognitoIdentityBackend) -> None:
        self.backend = backend

    def create_identity_pool(self, p: dict[str, Any]) -> dict[str, Any]:
        pool = self.backend.create_identity_pool(
            p["IdentityPoolName"], p["AllowUnauthenticatedIdentities"], **_pool_options(p)
        )
        return _pool_json(pool)

    def describe_identity_pool(self, p: dict[str, Any]) -> dict[str, Any]:
        return _pool_json(self.backend.describe_identity_pool(p["IdentityPoolId"]))

    def update_identity_pool(self, p: dict[str, Any]) -> dict[str, Any]:
        pool = self.backend.update_identity_pool(
            p["IdentityPoolId"],
            p["IdentityPoolName"],
            p["AllowUnauthenticatedIdentities"],
            **_pool_options(p),
        )
        return _pool_json(pool)

    def delete_identity_pool(self, p: dict[str, Any]) -> dict[str, Any]:
        self.backend.delete_identity_pool(p["IdentityPoolId"])
        return {}

    def list_identity_pools(self, p: dict[str, Any]) -> dict[str, Any]:
        pools, token = self.backend.list_identity_pools(int(p["MaxResults"]), p.get("NextToken"))
        body: dict[str, Any] = {
            "IdentityPools": [
                {"IdentityPoolId": pool.identity_pool_id, "IdentityPoolName": pool.identity_pool_name}
                for pool in pools
            ]
        }
        if token:
            body["NextToken"] = token
        return body

    def tag_resource(self, p: dict[str, Any]) -> dict[str, Any]:
        self.backend.tag_resource(p["ResourceArn"], p["Tags"])
        return {}

    def untag_resource(self, p: dict[str, Any]) -> dict[str, Any]:
        self.backend.untag_resource(p["ResourceArn"], p["TagKeys"])
        return {}

    def list_tags_for_resource(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"Tags": self.backend.list_tags_for_resource(p["ResourceArn"])}

    def set_identity_pool_roles(self, p: dict[str, Any]) -> dict[str, Any]:
        self.backend.set_identity_pool_roles(p["IdentityPoolId"], p["Roles"], p.get("RoleMappings"))
        return {}

    def get_identity_pool_roles(self, p: dict[str, Any]) -> dict[str, Any]:
        pool = self.backend.get_identity_pool_roles(p["IdentityPoolId"])
        body: dict[str, Any] = {"IdentityPoolId": pool.identity_pool_id, "Roles": dict(pool.roles)}
        if pool.role_mappings:
            body["RoleMappings"] = pool.role_mappings
        return body

    def set_principal_tag_attribute_map(self, p: dict[str, Any]) -> dict[str, Any]:
        tag_map = self.backend.set_principal_tag_attribute_map(
            p["IdentityPoolId"], p["IdentityProviderName"], p.get("UseDefaults"), p.get("PrincipalTags")
        )
        return _tag_map_json(p, tag_map)

    def get_principal_tag_attribute_map(self, p: dict[str, Any]) -> dict[str, Any]:
        tag_map = self.backend.get_principal_tag_attribute_map(p["IdentityPoolId"], p["IdentityProviderName"])
        return _tag_map_json(p, tag_map)

    def get_id(self, p: dict[str, Any]) -> dict[str, Any]:
        resolved = self.backend.get_id(p["IdentityPoolId"], p.get("Logins"))
        return {"IdentityId": resolved.identity.identity_id}

    def get_credentials_for_identity(self, p: dict[str, Any]) -> dict[str, Any]:
        resolved, credentials = self.backend.get_credentials_for_identity(
            p["IdentityId"], p.get("Logins"), p.get("CustomRoleArn")
        )
        return {
            "IdentityId": resolved.identity.identity_id,
            "Credentials": {
                "AccessKeyId": credentials.access_key_id,
                "SecretKey": credentials.secret_access_key,
                "SessionToken": credentials.session_token,
                "Expiration": credentials.expiration,
            },
        }

    def get_open_id_token(self, p: dict[str, Any]) -> dict[str, Any]:
        resolved, token = self.backend.get_open_id_token(p["IdentityId"], p.get("Logins"))
        return {"IdentityId": resolved.identity.identity_id, "Token": token}

    def describe_identity(self, p: dict[str, Any]) -> dict[str, Any]:
        return _identity_json(self.backend.describe_identity(p["IdentityId"]))

    def list_identities(self, p: dict[str, Any]) -> dict[str, Any]:
        identities, token = self.backend.list_identities(
            p["IdentityPoolId"], int(p["MaxResults"]), p.get("NextToken"), bool(p.get("HideDisabled"))
        )
        body: dict[str, Any] = {
            "IdentityPoolId": p["IdentityPoolId"],
            "Identities": [_identity_json(identity) for identity in identities],
        }
        if token:
            body["NextToken"] = token
        return body

    def delete_identities(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"UnprocessedIdentityIds": self.backend.delete_identities(p["IdentityIdsToDelete"])}

    def get_open_id_token_for_developer_identity(self, p: dict[str, Any]) -> dict[str, Any]:
        duration = p.get("TokenDuration")
        resolved, token = self.backend.get_open_id_token_for_developer_identity(
            p["IdentityPoolId"],
            p["Logins"],
            p.get("IdentityId"),
            p.get("PrincipalTags"),
            None if duration is None else int(duration),
        )
        return {"IdentityId": resolved.identity.identity_id, "Token": token}

    def lookup_developer_identity(self, p: dict[str, Any]) -> dict[str, Any]:
        identity_id, users, token = self.backend.lookup_developer_identity(
            p["IdentityPoolId"],
            p.get("IdentityId"),
            p.get("DeveloperUserIdentifier"),
            int(p.get("MaxResults") or 60),
            p.get("NextToken"),
        )
        body: dict[str, Any] = {"IdentityId": identity_id, "DeveloperUserIdentifierList": users}
        if token:
            body["NextToken"] = token
        return body

    def merge_developer_identities(self, p: dict[str, Any]) -> dict[str, Any]:
        identity = self.backend.merge_developer_identities(
            p["SourceUserIdentifier"],
            p["DestinationUserIdentifier"],
            p["DeveloperProviderName"],
            p["IdentityPoolId"],
        )
        return {"IdentityId": identity.identity_id}

    def unlink_developer_identity(self, p: dict[str, Any]) -> dict[str, Any]:
        self.backend.unlink_developer_identity(
            p["IdentityId"], p["IdentityPoolId"], p["DeveloperProviderName"], p["DeveloperUserIdentifier"]
        )
        return {}

    def unlink_identity(self, p: dict[str, Any]) -> dict[str, Any]:
        self.backend.unlink_identity(p["IdentityId"], p["Logins"], p["LoginsToRemove"])
        return {}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class CognitoIdentityLayer:
    """The WSGI layer answering every ``AWSCognitoIdentityService.*`` request."""

    def __init__(self, backends: CognitoIdentityBackends) -> None:
        self.backends = backends
        self._model: Any = None

    def _service_model(self) -> Any:
        if self._model is None:
            from ..service_models import service_model

            self._model = service_model("cognito-identity")
        return self._model

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        envelope = envelope_of(environ)
        if envelope is None or envelope.service != "cognito-identity" or envelope.operation is None:
            return None
        try:
            body = self.handle(envelope.operation, envelope)
            return _answer(start_response, "200 OK", body)
        except errors.CognitoIdentityError as error:
            status = f"{error.status} {'Bad Request' if error.status == 400 else 'Error'}"
            payload = {"__type": error.code, "message": error.message}
            return _answer(start_response, status, payload, [("x-amzn-ErrorType", f"{error.code}:")])

    def handle(self, operation: str, envelope: RequestEnvelope) -> dict[str, Any]:
        """Answer ``operation`` of a request the front door parsed, authenticated and attributed.

        The front door has already refused unknown operations, unsigned calls of operations that need
        a signature, and bodies that are not JSON.
        """
        from ..validation import ValidationError, validate_input

        model = self._service_model()
        if operation not in model.operation_names:
            raise errors.UnknownOperationException("")
        if operation not in PUBLIC_OPERATIONS and envelope.principal.is_anonymous:
            raise errors.MissingAuthenticationTokenException()
        params = envelope.document if envelope.document is not None else {}
        if not isinstance(params, dict):
            raise errors.SerializationException("")
        try:
            validate_input(model, operation, params)
        except ValidationError as error:
            exception = (
                errors.ValidationException
                if error.code == "ValidationException"
                else errors.SerializationException
            )
            raise exception(error.message or "") from None
        backend = self.backends.get(ACCOUNT_ID, envelope.region)
        handler = getattr(CognitoIdentityResponses(backend), _snake(operation), None)
        if handler is None:
            # Not built yet: say so in AWS's shape rather than fall through to moto's incomplete model.
            raise errors.operation_not_built(operation)
        return handler(params)


def _answer(
    start_response: Any,
    status: str,
    payload: dict[str, Any],
    extra_headers: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    body = json.dumps(payload).encode()
    headers = [
        ("Content-Type", "application/x-amz-json-1.1"),
        ("Content-Length", str(len(body))),
        ("x-amzn-RequestId", str(uuid.uuid4())),
        *(extra_headers or []),
    ]
    start_response(status, headers)
    return [body]

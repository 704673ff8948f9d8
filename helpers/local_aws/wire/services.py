"""What botocore's service models say about each service the local AWS fronts.

Everything the front door needs to attribute a request comes from the models botocore ships (the same
models every SDK is generated from), never from a hand-written list: the wire protocol
(``metadata.protocol``), the signing name (``metadata.signingName``, else ``endpointPrefix``), the JSON
target prefix (``metadata.targetPrefix``), the operation names, and which operations AWS serves without
a signature (``"authtype": "none"`` or ``"auth": ["smithy.api#noAuth"]``; for example cognito-identity
``GetId`` and STS ``AssumeRoleWithWebIdentity``: "Amazon Cognito signed versus unsigned APIs", Amazon
Cognito Developer Guide).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from ..service_models import service_model

#: The services the course uses, whose models are read at start-up so unsigned requests (which carry
#: no credential scope) can be attributed by their target prefix or query action. A signed request for
#: another service moto serves is attributed by its scope and looked up on first use.
FRONTED_SERVICES = ("s3", "dynamodb", "iam", "sts", "cognito-identity", "cognito-idp")


@dataclass(frozen=True)
class ServiceDescription:
    """One service as its botocore model describes it."""

    name: str  # botocore's service name, which is also moto's backend name for the fronted services
    signing_name: str
    protocol: str  # "json", "query", "rest-xml", "rest-json", "ec2"
    target_prefix: str | None
    json_version: str | None
    api_version: str
    operations: frozenset[str]
    unsigned_operations: frozenset[str]

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` of a JSON-protocol answer (``application/x-amz-json-1.0`` for DynamoDB)."""
        return f"application/x-amz-json-{self.json_version or '1.1'}"


def _unsigned(operation: Any) -> bool:
    raw = operation._operation_model if hasattr(operation, "_operation_model") else {}
    return operation.auth_type == "none" or "smithy.api#noAuth" in (raw.get("auth") or [])


def describe(model: Any) -> ServiceDescription:
    """A :class:`ServiceDescription` of a ``botocore.model.ServiceModel``."""
    metadata = model.metadata
    operations = frozenset(model.operation_names)
    return ServiceDescription(
        name=model.service_name,
        signing_name=metadata.get("signingName") or metadata["endpointPrefix"],
        protocol=metadata["protocol"],
        target_prefix=metadata.get("targetPrefix"),
        json_version=metadata.get("jsonVersion"),
        api_version=metadata.get("apiVersion", ""),
        operations=operations,
        unsigned_operations=frozenset(o for o in operations if _unsigned(model.operation_model(o))),
    )


@cache
def described(service_name: str) -> ServiceDescription:
    """The :class:`ServiceDescription` of botocore's model of ``service_name``, made once per process (every
    local AWS in it shares it). Raises botocore's ``UnknownServiceError`` for a name it has no model of."""
    return describe(service_model(service_name))


class ServiceCatalog:
    """The fronted services by signing name, by JSON target prefix, and their unsigned query actions."""

    def __init__(self, services: tuple[str, ...] = FRONTED_SERVICES) -> None:
        self._names = services
        self._extra: dict[str, ServiceDescription | None] = {}
        self._lock = threading.Lock()

    @cached_property
    def fronted(self) -> dict[str, ServiceDescription]:
        """The fronted services by signing name."""
        described_services = (described(name) for name in self._names)
        return {service.signing_name: service for service in described_services}

    @cached_property
    def by_target_prefix(self) -> dict[str, ServiceDescription]:
        return {s.target_prefix: s for s in self.fronted.values() if s.target_prefix}

    @cached_property
    def unsigned_query_actions(self) -> dict[str, ServiceDescription]:
        """Query-protocol operations served unsigned, by action name (STS AssumeRoleWithWebIdentity...)."""
        found: dict[str, ServiceDescription] = {}
        for service in self.fronted.values():
            if service.protocol == "query":
                found.update({operation: service for operation in service.unsigned_operations})
        return found

    def by_signing_name(self, signing_name: str) -> ServiceDescription | None:
        """The service a credential scope names (exactly, as AWS compares it), or ``None``."""
        service = self.fronted.get(signing_name)
        if service is not None:
            return service
        with self._lock:
            if signing_name not in self._extra:
                self._extra[signing_name] = self._load(signing_name)
            return self._extra[signing_name]

    def _load(self, signing_name: str) -> ServiceDescription | None:
        from botocore.exceptions import UnknownServiceError

        if not signing_name or signing_name != signing_name.lower():
            return None
        try:
            service = described(signing_name)
        except (UnknownServiceError, ValueError):
            return None
        return service if service.signing_name == signing_name else None

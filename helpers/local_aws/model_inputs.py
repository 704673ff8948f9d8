"""Requests for moto's services checked against botocore's model first, answered with AWS's errors.

moto reads a request's members as it finds them: a missing ``Key`` (DynamoDB ``GetItem``), a string where
a map belongs (cognito-idp ``InitiateAuth``'s ``AuthParameters``), ``MaxItems=abc`` (IAM ``ListRoles``)
raised inside moto and came back as HTTP 500. AWS refuses such a request before running it, with the
errors :mod:`.validation` writes: ``SerializationException`` for a value of the wrong type, else one
``ValidationException`` listing every violated constraint (``ValidationError`` for query services such as
IAM). Each service names the latter its own way:

* DynamoDB: ``com.amazon.coral.validate#ValidationException`` (the ``__type`` of DynamoDB's own answers,
  as clients quote them);
* cognito-idp: ``InvalidParameterException`` with the same text (``SignUp`` answers "1 validation error
  detected: Value at 'password' failed to satisfy constraint: ...", as apps quote it; Amplify's users
  meet "Value null at 'clientId' failed to satisfy constraint: Member must not be null");
* IAM: ``ValidationError`` in IAM's XML.

DynamoDB's expressions are checked too: a ``#name`` or ``:value`` placeholder that the request does not
define is refused as DynamoDB refuses it ("Invalid UpdateExpression: An expression attribute name used in
the document path is not defined; attribute name: #a"; for values "An expression attribute value used in
expression is not defined; attribute value: :v"); moto crashed on the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .service_models import service_model
from .validation import SERIALIZATION_EXCEPTION, ValidationError, validate_input, validate_query_input
from .wire.envelope import RequestEnvelope, StartResponse, envelope_of
from .wire.errors import WireError

#: The services this layer checks (moto answers them; the identity pool and STS layers check their own).
SERVICES = frozenset({"dynamodb", "cognito-idp", "iam"})


def refusal(envelope: RequestEnvelope) -> WireError | None:
    """AWS's error for ``envelope``'s input, or ``None`` when the model accepts it."""
    model = service_model(envelope.description.name)
    try:
        if envelope.protocol == "json":
            validate_input(model, envelope.operation, envelope.document)
        else:
            validate_query_input(model, envelope.operation, envelope.params or {})
    except ValidationError as error:
        return _named_for(envelope.service, error)
    if envelope.service == "dynamodb" and isinstance(envelope.document, dict):
        message = undefined_placeholder(envelope.document)
        if message is not None:
            return _named_for("dynamodb", ValidationError("ValidationException", message))
    return None


#: DynamoDB's expression members, in the order they are checked.
EXPRESSIONS = (
    "KeyConditionExpression",
    "UpdateExpression",
    "ConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
)
_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")


def undefined_placeholder(document: dict[str, Any]) -> str | None:
    """DynamoDB's message for the first expression placeholder ``document`` does not define, else ``None``."""
    names = document.get("ExpressionAttributeNames") or {}
    values = document.get("ExpressionAttributeValues") or {}
    for member in EXPRESSIONS:
        expression = document.get(member)
        if not isinstance(expression, str):
            continue
        for token in _PLACEHOLDER.findall(expression):
            if token.startswith("#") and token not in names:
                return (
                    f"Invalid {member}: An expression attribute name used in the document path is not "
                    f"defined; attribute name: {token}"
                )
            if token.startswith(":") and token not in values:
                return (
                    f"Invalid {member}: An expression attribute value used in expression is not defined; "
                    f"attribute value: {token}"
                )
    return None


def _named_for(service: str, error: ValidationError) -> WireError:
    code, message = error.code, error.message or ""
    if service == "cognito-idp" and code != SERIALIZATION_EXCEPTION:
        code = "InvalidParameterException"
    wire_error = WireError.same(code, message)
    if service == "dynamodb" and code != SERIALIZATION_EXCEPTION:
        wire_error.json_namespace = "com.amazon.coral.validate"
    return wire_error


class ModelInputsLayer:
    """Answers a request whose input the service's model refuses; declines (``None``) every other."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        envelope = envelope_of(environ)
        if envelope is None or envelope.service not in SERVICES or envelope.operation is None:
            return None
        error = refusal(envelope)
        if error is None:
            return None
        return envelope.error_answer(error).send(start_response, envelope.method)

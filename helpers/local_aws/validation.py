"""Input validation against botocore's service model, answering with the errors AWS itself returns.

AWS's Coral-based services check a request in two steps, and so does this module:

1. **Deserialisation**: a value of the wrong JSON type anywhere in the input (a string where a structure,
   list, boolean or number is expected, a list where a string is expected, a body that is not a JSON
   object) fails the whole request with ``SerializationException``. JSON 1.1 services answer
   ``{"__type":"com.amazon.coral.service#SerializationException"}``; the message is Coral's
   deserialiser text where it is known, else ``None`` (see ``_type_error``). Unknown members are ignored.
2. **Constraints**: every violation of ``required``, ``min``/``max`` (length or value), ``pattern`` and
   ``enum`` is collected into one ``ValidationException`` (``ValidationError`` for query services such
   as STS), e.g. ``2 validation errors detected: Value '' at 'identityId' failed to satisfy constraint:
   Member must have length greater than or equal to 1; Value '' at 'identityId' failed to satisfy
   constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+``.

Message formats and their public sources:

- paths: member names with the first letter lowercased (``identityPoolName``, ``sAMLOptions``), nested
  with dots; list elements ``tags.1.member.key`` (1-based); map values ``requestItems.users.member.keys``
  (moto's DynamoDB tests; terraform-provider-aws#41023; awslabs/coldsnap#378; opensearch in
  ministryofjustice/cloud-platform-infrastructure#4097).
- values: strings in single quotes and in full, numbers quoted (``Value '0'``), ``null`` unquoted, lists
  ``'[a, b]'`` and maps ``'{k=v}'`` as Java prints them; a value whose shape is ``sensitive`` is left out:
  ``Value at 'password'`` (massif-press/compcon#1951, moto's KMS).
- list and map elements that are not structures are reported once for the whole container with every
  constraint of the element shape: ``Member must satisfy constraint: [...]``, ``Map keys must satisfy
  constraint: [...]``, ``Map value must satisfy constraint: [Member must have length less than or equal
  to 50000, Member must have length greater than or equal to 1]`` (cognito-identity in
  aws/aws-sdk-cpp#1085 and aws/aws-cdk#31795; appleboy/lambda-action#83; boto/boto3#2601).
- several failures of one member are separate errors, joined with ``"; "`` (o3de/o3de#7037,
  newscorpaus/consigliere#18).

AWS's order of errors is not stable (the same GetId request listed length before pattern in o3de#7037
and pattern before length in o3de#16314; aws-sdk-cpp#1085 listed ``logins`` before ``identityId``).
This module uses the order of members in the shape and, per member: max, min, pattern, enum.

Java regular expressions from the models are matched as Java's ``Matcher.matches()`` does (a full match,
ASCII ``\\w``/``\\d``/``\\s``, Unicode ``\\p{..}`` categories, surrogate pairs), see ``_java_regex``.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import sys
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from botocore.model import (
    ListShape,
    MapShape,
    OperationNotFoundError,
    ServiceModel,
    Shape,
    StructureShape,
)

SERIALIZATION_EXCEPTION = "SerializationException"
VALIDATION_EXCEPTION = "ValidationException"
#: Query services (STS, IAM) name the same constraint error differently (AWSCore.jl#38, nixops#328).
QUERY_VALIDATION_ERROR = "ValidationError"
UNKNOWN_OPERATION_EXCEPTION = "UnknownOperationException"

# UNCONFIRMED: Coral reports at most 10 violations (the DynamoDB emulator dynalite stops at 10).
_MAX_REPORTED = 10
# Input nested deeper than this is refused rather than risking a RecursionError (never a crash).
# UNCONFIRMED: AWS's own limit and error for deep nesting of these shapes is not known.
_MAX_DEPTH = 100

_INT_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_NUMBER_TYPES = frozenset({"integer", "long", "double", "float"})


class ValidationError(Exception):
    """A request AWS refuses before running the operation: ``code`` is AWS's error code, ``message`` its text.

    Both are what the wire layer sends back with HTTP 400 (``__type``/``message`` for JSON services,
    ``<Code>``/``<Message>`` for query services). ``message`` is ``None`` where AWS sends none.
    """

    status = 400

    def __init__(self, code: str, message: str | None) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


def _input_shape(
    model: ServiceModel, operation_name: str, unknown_code: str, message: str | None
) -> Shape | None:
    try:
        return model.operation_model(operation_name).input_shape
    except OperationNotFoundError:
        raise ValidationError(unknown_code, message) from None


# --------------------------------------------------------------------------------------------------
# JSON protocols
# --------------------------------------------------------------------------------------------------


def validate_input(service_model: ServiceModel, operation_name: str, params: object) -> None:
    """Check the decoded JSON body ``params`` of ``operation_name`` as AWS's JSON services do.

    Raises :class:`ValidationError` with ``SerializationException`` for the first value of a wrong type,
    else ``ValidationException`` listing every constraint violation, else returns. Unknown members are
    ignored and ``null`` counts as absent, as in AWS's JSON protocols. ``None`` (an empty body) is read
    as ``{}``. An operation the model does not know gives ``UnknownOperationException`` (Coral's answer
    to an unknown ``X-Amz-Target``).
    """
    shape = _input_shape(service_model, operation_name, UNKNOWN_OPERATION_EXCEPTION, None)
    if params is None:
        params = {}
    if shape is None:
        if not isinstance(params, dict):
            raise ValidationError(SERIALIZATION_EXCEPTION, _type_error("structure", params))
        return
    try:
        _check_json_type(shape, params, 0)
        errors: list[str] = []
        _check(shape, params, "", errors, 0, own=True)
    except RecursionError:
        raise ValidationError(SERIALIZATION_EXCEPTION, None) from None
    _raise_constraint_errors(errors, VALIDATION_EXCEPTION)


def _raise_constraint_errors(errors: list[str], code: str) -> None:
    if not errors:
        return
    shown = errors[:_MAX_REPORTED]
    plural = "s" if len(shown) > 1 else ""
    raise ValidationError(code, f"{len(shown)} validation error{plural} detected: {'; '.join(shown)}")


def _java_class(value: object) -> str:
    if isinstance(value, bool):
        return "java.lang.Boolean"
    if isinstance(value, str):
        return "java.lang.String"
    return "com.amazon.coral.value.json.numbers.TruncatingBigNumber"


def _type_error(type_name: str, value: object) -> str | None:
    """Coral's JSON deserialiser message for ``value`` where a ``type_name`` shape is expected.

    Texts of the older Coral JSON deserialiser, as reproduced by the DynamoDB emulator dynalite
    (``validations.js``). cognito-identity is known to answer a list inside a string map with
    "Start of list found where not expected" (aws/aws-sdk-js-v3#2831) and cognito-idp a string where a
    map is expected with "Expected map or null" (aws-amplify/amplify-js#4738).
    """
    # UNCONFIRMED: the other texts for cognito-identity, and the final "." of "Start of structure or map
    # found where not expected." (newer Coral stacks say e.g. "NUMBER_VALUE cannot be converted to
    # String"). Clients act on the code; the brief allowed an empty message, a known text helps more.
    if isinstance(value, list):
        return None if type_name == "list" else "Start of list found where not expected"
    if isinstance(value, dict):
        if type_name in ("structure", "map"):
            return None
        return "Start of structure or map found where not expected."
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN/Infinity are not JSON; Coral's parser rejects them without a known message
    if type_name == "list":
        return "Expected list or null"
    if type_name == "map":
        return "Expected map or null"
    if type_name == "structure":
        return "Expected null"
    java_type = {
        "string": "String",
        "boolean": "Boolean",
        "integer": "Integer",
        "long": "Long",
        "double": "Double",
        "float": "Float",
    }.get(type_name)
    if type_name == "timestamp":
        return f"class {_java_class(value)} can not be converted to milliseconds since epoch"
    if type_name == "blob":
        return f"class {_java_class(value)} can not be converted to a Blob"
    if java_type is None or value is None:
        return None
    return f"class {_java_class(value)} can not be converted to an {java_type}"


def _is_json_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return not (isinstance(value, float) and not math.isfinite(value))


def _blob_error(value: str) -> str | None:
    """Coral's message for a string that is not valid base64 (dynalite), or ``None`` if it is valid."""
    if len(value) % 4:
        return (
            f"'{value}' can not be converted to a Blob: Base64 encoded length is expected a multiple "
            f"of 4 bytes but found: {len(value)}"
        )
    bad = re.search(r"[^A-Za-z0-9+/=]|=[^=]", value)
    if bad:
        return f"'{value}' can not be converted to a Blob: Invalid Base64 character: '{bad.group()[0]}'"
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return f"'{value}' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"
    return None


def _json_type_error(shape: Shape, value: object) -> tuple[bool, str | None]:
    """``(True, None)`` if ``value`` has the JSON type of ``shape``, else ``(False, Coral's message)``."""
    type_name = shape.type_name
    if type_name in ("structure", "map"):
        ok = isinstance(value, dict)
    elif type_name == "list":
        ok = isinstance(value, list)
    elif type_name == "string":
        ok = isinstance(value, str)
    elif type_name == "boolean":
        # UNCONFIRMED: older Coral also accepted "true"/"false" strings; refused here so that the
        # emulated service never receives a truthy "false".
        ok = isinstance(value, bool)
    elif type_name in _NUMBER_TYPES:
        # A JSON number with a fraction is accepted for integers: Coral truncates it (dynalite).
        ok = _is_json_number(value)
    elif type_name == "timestamp":
        ok = _is_json_number(value) or (
            isinstance(value, str) and shape.serialization.get("timestampFormat") in ("iso8601", "rfc822")
        )
    elif type_name == "blob":
        if isinstance(value, str):
            message = _blob_error(value)
            return message is None, message
        ok = False
    else:  # a type this module does not know: accept rather than refuse a valid request
        ok = True
    return (True, None) if ok else (False, _type_error(type_name, value))


def _check_json_type(shape: Shape, value: object, depth: int) -> None:
    if value is None or shape.metadata.get("document"):
        return
    if depth > _MAX_DEPTH:
        raise ValidationError(SERIALIZATION_EXCEPTION, None)
    ok, message = _json_type_error(shape, value)
    if not ok:
        raise ValidationError(SERIALIZATION_EXCEPTION, message)
    if isinstance(shape, StructureShape):
        assert isinstance(value, dict)
        for name, member in shape.members.items():
            _check_json_type(member, value.get(_wire_name(name, member)), depth + 1)
    elif isinstance(shape, ListShape):
        assert isinstance(value, list)
        for item in value:
            _check_json_type(shape.member, item, depth + 1)
    elif isinstance(shape, MapShape):
        assert isinstance(value, dict)
        for key, item in value.items():
            if not isinstance(key, str):  # only possible for params built in Python, not from JSON
                raise ValidationError(SERIALIZATION_EXCEPTION, None)
            _check_json_type(shape.value, item, depth + 1)


def _wire_name(name: str, member: Shape) -> str:
    return member.serialization.get("name", name)


# --------------------------------------------------------------------------------------------------
# Constraints (shared by the JSON and query protocols: values are already of the right type here)
# --------------------------------------------------------------------------------------------------


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _number_text(shape: Shape, bound: float) -> str:
    # Java prints a double bound as "1.0" (LocalStack's copy of a Lambda message: "... to 1.0").
    if shape.type_name in ("double", "float"):
        return repr(float(bound))
    return str(bound)


def _constraints(shape: Shape) -> list[tuple[str, Any]]:
    """``(kind, bound)`` pairs declared on ``shape``, in the order AWS lists them: max, min, pattern, enum."""
    meta = shape.metadata
    kinds: list[tuple[str, Any]] = []
    if shape.type_name in _NUMBER_TYPES:
        for key in ("max", "min"):
            if key in meta:
                kinds.append(("value_" + key, meta[key]))
        return kinds
    if shape.type_name in ("string", "blob", "list", "map"):
        for key in ("max", "min"):
            if key in meta:
                kinds.append(("length_" + key, meta[key]))
    if shape.type_name == "string":
        if "pattern" in meta:
            kinds.append(("pattern", meta["pattern"]))
        if getattr(shape, "enum", None):
            kinds.append(("enum", shape.enum))
    return kinds


def _constraint_text(shape: Shape, kind: str, bound: Any) -> str:
    if kind == "length_max":
        return f"Member must have length less than or equal to {bound}"
    if kind == "length_min":
        return f"Member must have length greater than or equal to {bound}"
    if kind == "value_max":
        return f"Member must have value less than or equal to {_number_text(shape, bound)}"
    if kind == "value_min":
        return f"Member must have value greater than or equal to {_number_text(shape, bound)}"
    if kind == "pattern":
        return f"Member must satisfy regular expression pattern: {bound}"
    # UNCONFIRMED: enum values in model order (Coral prints a set; moto's copies use model order).
    return f"Member must satisfy enum value set: [{', '.join(bound)}]"


def _length(shape: Shape, value: object) -> int:
    if shape.type_name == "blob":
        return len(_blob_bytes(value))
    # Strings count code points (Python's len), lists elements, maps entries.
    return len(value)  # type: ignore[arg-type]


def _blob_bytes(value: object) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return base64.b64decode(str(value))


def _numeric(shape: Shape, value: Any) -> float:
    """The number Coral reads from ``value``: integers truncated and clamped to their Java type (dynalite)."""
    if shape.type_name in ("double", "float"):
        try:
            return float(value)
        except OverflowError:  # a JSON integer with hundreds of digits
            return math.inf if value > 0 else -math.inf
    low, high = _INT_RANGES.get(shape.type_name, (-math.inf, math.inf))
    return min(max(math.floor(value), low), high)


def _fails(shape: Shape, kind: str, bound: Any, value: object) -> bool:
    if kind == "length_max":
        return _length(shape, value) > bound
    if kind == "length_min":
        return _length(shape, value) < bound
    if kind == "value_max":
        return _numeric(shape, value) > bound
    if kind == "value_min":
        return _numeric(shape, value) < bound
    if kind == "pattern":
        regex = _java_regex(bound)
        return regex is not None and regex.fullmatch(value) is None  # type: ignore[arg-type]
    return value not in bound


def _own_failures(shape: Shape, value: object) -> list[str]:
    return [
        _constraint_text(shape, kind, bound)
        for kind, bound in _constraints(shape)
        if _fails(shape, kind, bound, value)
    ]


def _java_text(shape: Shape | None, value: object) -> str:
    """``value`` as Java's ``toString`` prints it inside AWS's messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if shape is not None and shape.type_name == "blob":
        size = len(_blob_bytes(value))
        return f"java.nio.HeapByteBuffer[pos=0 lim={size} cap={size}]"  # dynalite
    if shape is not None and shape.type_name in _NUMBER_TYPES and isinstance(value, (int, float)):
        number = _numeric(shape, value)
        return repr(number) if isinstance(number, float) else str(number)
    if isinstance(value, list):
        member = shape.member if isinstance(shape, ListShape) else None
        return "[" + ", ".join(_java_text(member, item) for item in value) + "]"
    if isinstance(value, dict):
        if isinstance(shape, MapShape):
            return "{" + ", ".join(f"{k}={_java_text(shape.value, v)}" for k, v in value.items()) + "}"
        # UNCONFIRMED: Coral prints a structure as its Java object (e.g. "...PhysicalTable@cdda30d" in
        # boto/boto3#2601); shown here as its members, like a map.
        members = shape.members if isinstance(shape, StructureShape) else {}
        parts = []
        for name, member in members.items():
            if _wire_name(name, member) in value and value[_wire_name(name, member)] is not None:
                parts.append(f"{name}={_java_text(member, value[_wire_name(name, member)])}")
        return "{" + ", ".join(parts) + "}"
    return str(value)


def _failure(shape: Shape, value: object, path: str, text: str) -> str:
    if value is None:
        shown = "Value null"
    elif shape.metadata.get("sensitive"):
        shown = "Value"  # AWS never echoes a sensitive value: "Value at 'password' failed ..."
    else:
        shown = f"Value '{_java_text(shape, value)}'"
    return f"{shown} at '{path}' failed to satisfy constraint: {text}"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _check(shape: Shape, value: object, path: str, errors: list[str], depth: int, own: bool) -> None:
    """Append to ``errors`` every violation in ``value`` (not ``None``) at ``path``.

    ``own`` is False for a list or map nested in a container: the container already reported its
    constraints in one "Member must satisfy constraint: [...]" error.
    """
    if shape.metadata.get("document"):
        return
    if depth > _MAX_DEPTH:
        raise ValidationError(SERIALIZATION_EXCEPTION, None)
    if own:
        errors.extend(_failure(shape, value, path, text) for text in _own_failures(shape, value))
    if isinstance(shape, StructureShape):
        assert isinstance(value, dict)
        required = set(shape.required_members)
        for name, member in shape.members.items():
            item = value.get(_wire_name(name, member))
            item_path = _join(path, _lower_first(name))
            if item is None:
                if name in required:
                    errors.append(_failure(member, None, item_path, "Member must not be null"))
                continue
            _check(member, item, item_path, errors, depth + 1, own=True)
    elif isinstance(shape, ListShape):
        assert isinstance(value, list)
        _check_elements(
            shape.member,
            list(enumerate(value, 1)),
            shape,
            value,
            path,
            errors,
            depth,
            "Member must satisfy constraint",
        )
    elif isinstance(shape, MapShape):
        assert isinstance(value, dict)
        if any(_own_failures(shape.key, key) for key in value):
            texts = ", ".join(_constraint_text(shape.key, k, b) for k, b in _constraints(shape.key))
            errors.append(_failure(shape, value, path, f"Map keys must satisfy constraint: [{texts}]"))
        _check_elements(
            shape.value,
            list(value.items()),
            shape,
            value,
            path,
            errors,
            depth,
            "Map value must satisfy constraint",
        )


def _check_elements(
    element: Shape,
    items: list[tuple[object, object]],
    container: Shape,
    value: object,
    path: str,
    errors: list[str],
    depth: int,
    intro: str,
) -> None:
    """Violations inside a list's elements or a map's values (``items`` are (index or key, element))."""
    if isinstance(element, StructureShape):
        # Structures are checked member by member: 'tags.1.member.key', 'requestItems.users.member.keys'.
        for label, item in items:
            item_path = f"{path}.{label}.member"
            if item is None:
                # UNCONFIRMED: a null element inside a list or map of structures.
                errors.append(_failure(element, None, item_path, "Member must not be null"))
            else:
                _check(element, item, item_path, errors, depth + 1, own=True)
        return
    has_null = any(item is None for _, item in items)
    if has_null or any(_own_failures(element, item) for _, item in items if item is not None):
        texts = [_constraint_text(element, k, b) for k, b in _constraints(element)]
        if has_null:  # UNCONFIRMED: Lambda lists "Member must not be null" last (appleboy/lambda-action#83)
            texts.append("Member must not be null")
        errors.append(_failure(container, value, path, f"{intro}: [{', '.join(texts)}]"))
    if isinstance(element, (ListShape, MapShape)):
        for label, item in items:
            if item is not None:  # UNCONFIRMED: paths below a nested list or map
                _check(element, item, f"{path}.{label}.member", errors, depth + 1, own=False)


# --------------------------------------------------------------------------------------------------
# Query protocol (STS, IAM)
# --------------------------------------------------------------------------------------------------

_MISSING = object()
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")


class _QueryTypeError(Exception):
    pass


def validate_query_input(
    service_model: ServiceModel, operation_name: str, params: Mapping[str, str | Sequence[str]]
) -> dict[str, Any]:
    """Parse and check the flat ``Key=value`` parameters of a query-protocol request (STS, IAM).

    Returns the input as botocore would have built it (typed values, nested lists and structures, keyed
    by member name), or raises :class:`ValidationError`: code ``ValidationError`` (query services' name
    for it; STS: ``Value 'a:b' at 'roleSessionName' failed to satisfy constraint: ...``, AWSCore.jl#38)
    with the same messages as :func:`validate_input`. ``Action``, ``Version`` and unknown keys are ignored.
    An unknown operation gives ``InvalidAction``.
    """
    version = service_model.api_version
    # UNCONFIRMED: STS's text for an unknown Action.
    shape = _input_shape(
        service_model,
        operation_name,
        "InvalidAction",
        f"Could not find operation {operation_name} for version {version}",
    )
    flat = {str(key): _query_text(value) for key, value in params.items()}
    if shape is None:
        return {}
    try:
        parsed = _from_query(shape, flat, "")
    except _QueryTypeError:
        # UNCONFIRMED: what STS answers for a value it cannot convert (e.g. DurationSeconds=abc); found
        # no public example. The code of its validation errors is used, without a message.
        raise ValidationError(QUERY_VALIDATION_ERROR, None) from None
    result = parsed if isinstance(parsed, dict) else {}
    errors: list[str] = []
    _check(shape, result, "", errors, 0, own=True)
    _raise_constraint_errors(errors, QUERY_VALIDATION_ERROR)
    return result


def _query_text(value: object) -> str:
    # A repeated key (a list from urllib.parse.parse_qs) counts once, with its first value.
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return value if isinstance(value, str) else str(value)


def _query_name(name: str, member: Shape) -> str:
    return member.serialization.get("name", name)


def _indexed(flat: Mapping[str, str], prefix: str) -> list[int]:
    """The 1-based indexes N present in keys ``prefix.N`` or ``prefix.N.something``."""
    indexes = set()
    start = prefix + "."
    for key in flat:
        if key.startswith(start):
            head = key[len(start) :].split(".", 1)[0]
            if head.isascii() and head.isdigit() and len(head) < 10:  # not "²", not 5,000 digits
                indexes.add(int(head))
    return sorted(indexes)


def _from_query(shape: Shape, flat: Mapping[str, str], prefix: str) -> Any:
    """The value of ``shape`` serialised under ``prefix`` (botocore's QuerySerializer, reversed)."""
    if isinstance(shape, StructureShape):
        result: dict[str, Any] = {}
        for name, member in shape.members.items():
            value = _from_query(member, flat, _join(prefix, _query_name(name, member)))
            if value is not _MISSING:
                result[name] = value
        if result or not prefix or any(key.startswith(prefix + ".") for key in flat):
            return result
        return _MISSING
    if isinstance(shape, ListShape):
        if flat.get(prefix) == "":  # botocore sends "Name=" for an empty list
            return []
        if shape.serialization.get("flattened"):
            base = prefix
        else:
            base = f"{prefix}.{shape.member.serialization.get('name', 'member')}"
        indexes = _indexed(flat, base)
        if not indexes:
            return _MISSING
        items = [_from_query(shape.member, flat, f"{base}.{i}") for i in indexes]
        return [None if item is _MISSING else item for item in items]
    if isinstance(shape, MapShape):
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        indexes = _indexed(flat, base)
        if not indexes:
            return {} if flat.get(prefix) == "" else _MISSING
        result = {}
        for i in indexes:
            key = flat.get(f"{base}.{i}.{key_name}")
            if key is None:
                raise _QueryTypeError(prefix)
            item = _from_query(shape.value, flat, f"{base}.{i}.{value_name}")
            result[key] = None if item is _MISSING else item
        return result
    if prefix not in flat:
        return _MISSING
    return _query_scalar(shape, flat[prefix])


def _query_scalar(shape: Shape, text: str) -> Any:
    type_name = shape.type_name
    if type_name in ("integer", "long"):
        if not _INTEGER_TEXT.fullmatch(text):
            raise _QueryTypeError(text)
        return int(text)
    if type_name in ("double", "float"):
        try:
            number = float(text)
        except ValueError:
            raise _QueryTypeError(text) from None
        if not math.isfinite(number):
            raise _QueryTypeError(text)
        return number
    if type_name == "boolean":
        if text.lower() not in ("true", "false"):
            raise _QueryTypeError(text)
        return text.lower() == "true"
    if type_name == "timestamp":
        try:
            if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
                return datetime.fromtimestamp(float(text), tz=timezone.utc)
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except (ValueError, OverflowError, OSError):
            raise _QueryTypeError(text) from None
    if type_name == "blob":
        if _blob_error(text):
            raise _QueryTypeError(text)
        return base64.b64decode(text)
    return text


# --------------------------------------------------------------------------------------------------
# Java regular expressions
# --------------------------------------------------------------------------------------------------

# Java's POSIX classes are US-ASCII unless UNICODE_CHARACTER_CLASS is set (java.util.regex.Pattern).
_POSIX: dict[str, list[tuple[int, int]]] = {
    "Lower": [(0x61, 0x7A)],
    "Upper": [(0x41, 0x5A)],
    "ASCII": [(0x00, 0x7F)],
    "Alpha": [(0x41, 0x5A), (0x61, 0x7A)],
    "Digit": [(0x30, 0x39)],
    "Alnum": [(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)],
    "Punct": [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)],
    "Graph": [(0x21, 0x7E)],
    "Print": [(0x20, 0x7E)],
    "Blank": [(0x09, 0x09), (0x20, 0x20)],
    "Cntrl": [(0x00, 0x1F), (0x7F, 0x7F)],
    "XDigit": [(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)],
    "Space": [(0x09, 0x0D), (0x20, 0x20)],
    "all": [(0, sys.maxunicode)],
}
_HORIZONTAL_SPACE = [
    (0x09, 0x09),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x180E, 0x180E),
    (0x2000, 0x200A),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
]
# The Unicode White_Space property (Java's \p{IsWhite_Space}).
_WHITE_SPACE = [
    (0x09, 0x0D),
    (0x20, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
]
# Java's "." stops at every line terminator, Python's only at "\n".
_JAVA_DOT = r"[^\n\r\x85\u2028\u2029]"
_CLASS_SHORTHANDS = frozenset("wWdDsShHpP")
_INLINE_FLAGS = re.compile(r"\(\?([idmsuxU]*)(?:-([idmsuxU]*))?\)")
_ANCHOR_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d*))?\}|[*+?]")


class _UnsupportedRegex(Exception):
    pass


@lru_cache(maxsize=1)
def _unicode_categories() -> dict[str, list[tuple[int, int]]]:
    """Code point ranges of every two-letter Unicode general category (built once, about 0.2 s)."""
    ranges: dict[str, list[tuple[int, int]]] = {}
    category = unicodedata.category
    start, current = 0, category("\x00")
    for code_point in range(1, sys.maxunicode + 1):
        name = category(chr(code_point))
        if name != current:
            ranges.setdefault(current, []).append((start, code_point - 1))
            start, current = code_point, name
    ranges.setdefault(current, []).append((start, sys.maxunicode))
    return ranges


def _property_ranges(name: str) -> list[tuple[int, int]]:
    """Ranges of Java's ``\\p{name}``: POSIX class, general category (``L``, ``Lu``, ``IsL``) or others."""
    if name in _POSIX:
        return _POSIX[name]
    if name in ("IsWhite_Space", "IsWhiteSpace", "IsWhitespace"):
        return _WHITE_SPACE
    categories = _unicode_categories()
    if name == "LD":  # Java: letter or digit
        return sorted(r for cat, rs in categories.items() if cat[0] == "L" or cat == "Nd" for r in rs)
    if name.startswith("Is") and len(name) in (3, 4):
        name = name[2:]
    if len(name) == 1 and name.isupper():
        picked = sorted(r for cat, rs in categories.items() if cat[0] == name for r in rs)
        if picked:
            return picked
    if name in categories:
        return categories[name]
    raise _UnsupportedRegex(name)  # e.g. scripts, blocks, IsAlphabetic: left unchecked


def _complement(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    result, next_start = [], 0
    for low, high in sorted(ranges):
        if low > next_start:
            result.append((next_start, low - 1))
        next_start = max(next_start, high + 1)
    if next_start <= sys.maxunicode:
        result.append((next_start, sys.maxunicode))
    return result


def _code_point(code_point: int) -> str:
    return f"\\U{code_point:08x}"


def _class_body(ranges: list[tuple[int, int]]) -> str:
    return "".join(
        _code_point(low) if low == high else f"{_code_point(low)}-{_code_point(high)}" for low, high in ranges
    )


def _hex(text: str, width: int) -> str:
    if (width and len(text) != width) or not text or not all(c in "0123456789abcdefABCDEF" for c in text):
        raise _UnsupportedRegex(text)
    return text


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """The Python form of the escape sequence at ``pattern[i]`` (a backslash), and the index after it."""
    if i + 1 >= len(pattern):
        raise _UnsupportedRegex(pattern)
    escape = pattern[i + 1]
    if escape in "pP":
        if pattern.startswith("{", i + 2):
            end = pattern.find("}", i + 3)
            if end < 0:
                raise _UnsupportedRegex(pattern)
            name, after = pattern[i + 3 : end], end + 1
        else:
            name, after = pattern[i + 2 : i + 3], i + 3
        ranges = _property_ranges(name)
        body = _class_body(_complement(ranges) if escape == "P" else ranges)
        return (body if in_class else f"[{body}]"), after
    if escape == "u":
        code_point, after = int(_hex(pattern[i + 2 : i + 6], 4), 16), i + 6
        # Java reads a UTF-16 surrogate pair written as two escapes as one code point.
        low = pattern[after + 2 : after + 6] if pattern.startswith("\\u", after) else ""
        if 0xD800 <= code_point <= 0xDBFF and len(low) == 4 and 0xDC00 <= int(_hex(low, 4), 16) <= 0xDFFF:
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (int(low, 16) - 0xDC00)
            after += 6
        return _code_point(code_point), after
    if escape == "x" and pattern.startswith("{", i + 2):
        end = pattern.find("}", i + 3)
        if end < 0:
            raise _UnsupportedRegex(pattern)
        return _code_point(int(_hex(pattern[i + 3 : end], 0), 16)), end + 1
    if escape == "Q":
        end = pattern.find("\\E", i + 2)
        end = len(pattern) if end < 0 else end
        return re.escape(pattern[i + 2 : end]), end + 2
    if escape == "h":
        body = _class_body(_HORIZONTAL_SPACE)
        return (body if in_class else f"[{body}]"), i + 2
    if escape in "zZ" and not in_class:
        return (r"\Z" if escape == "z" else r"(?=(?:\r\n|[\n\r\x85\u2028\u2029])?\Z)"), i + 2
    if escape == "e":
        return r"\x1b", i + 2
    return pattern[i : i + 2], i + 2


def _translate(pattern: str) -> str:
    """``pattern`` (java.util.regex syntax) in Python ``re`` syntax, for use with ``re.ASCII``."""
    out: list[str] = []
    in_class = False
    # Per open group, how many scoped-flag groups "(?i:" must be closed with it (Java's mid-pattern "(?i)").
    pending = [0]
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            letter = pattern[i + 1 : i + 2]
            text, i = _escape(pattern, i, in_class)
            out.append(text)
            # Java reads "-" after a class shorthand as a literal ("[\w-_]"); Python refuses the range.
            if in_class and letter in _CLASS_SHORTHANDS and pattern.startswith("-", i):
                out.append(r"\-")
                i += 1
            continue
        if in_class:
            if char == "[" or pattern.startswith("&&", i):
                raise _UnsupportedRegex(pattern)  # Java's class union or intersection
            if char == "]":
                in_class = False
            out.append("\\" + char if char in "&~|" else char)  # Python warns on "&&", "~~", "||"
            i += 1
            continue
        if char == "[":
            in_class = True
            out.append(char)
            i += 1
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            continue
        flags = _INLINE_FLAGS.match(pattern, i)
        if flags:
            on, off = (flags.group(1) or "").replace("u", ""), (flags.group(2) or "").replace("u", "")
            if set(on + off) & set("dU"):
                raise _UnsupportedRegex(pattern)
            if i == 0:
                out.append(f"(?{on})" if on and not off else "")
                if off:
                    raise _UnsupportedRegex(pattern)
            elif on or off:
                # Python only takes global flags at the very start: scope them to the rest of the group.
                out.append(f"(?{on}{'-' + off if off else ''}:")
                pending[-1] += 1
            i = flags.end()
            continue
        if char == "(":
            pending.append(0)
            if pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
                out.append("(?P<")  # Java's named group
                i += 3
                continue
            out.append(char)
        elif char == ")":
            if len(pending) == 1:
                raise _UnsupportedRegex(pattern)
            out.append(")" * pending.pop() + ")")
        elif char == ".":
            out.append(_JAVA_DOT)
        elif char in "^$":
            out.append(char)
            # Java accepts a quantified anchor ("${1,4096}"): with a minimum of 1 it is the anchor itself.
            quantifier = _ANCHOR_QUANTIFIER.match(pattern, i + 1)
            if quantifier:
                minimum = 1 if quantifier.group() == "+" else int(quantifier.group(1) or 0)
                if minimum == 0:
                    out.pop()
                i = quantifier.end()
                continue
        else:
            out.append(char)
        i += 1
    if len(pending) != 1:
        raise _UnsupportedRegex(pattern)
    return "".join(out) + ")" * pending[0]


_regex_lock = threading.Lock()
_regex_cache: dict[str, re.Pattern[str] | None] = {}


def _java_regex(pattern: str) -> re.Pattern[str] | None:
    """The compiled Python equivalent of a model's Java ``pattern``, or ``None`` if it cannot be translated.

    ``None`` means the pattern is not checked: a local AWS that let an odd value through is better
    than one that refuses valid requests. Every pattern of cognito-identity, sts and dynamodb translates.
    """
    with _regex_lock:
        if pattern in _regex_cache:
            return _regex_cache[pattern]
    try:
        compiled: re.Pattern[str] | None = re.compile(_translate(pattern), re.ASCII)
    except (_UnsupportedRegex, re.error, ValueError, OverflowError):
        compiled = None
    with _regex_lock:
        _regex_cache[pattern] = compiled
    return compiled


def pattern_supported(pattern: str) -> bool:
    """Whether a model's Java ``pattern`` is enforced (it translates to Python), for tests and diagnostics."""
    return _java_regex(pattern) is not None

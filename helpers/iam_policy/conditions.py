"""The ``Condition`` element: operators, ``...IfExists``, ``Null`` and the ``ForAnyValue``/``ForAllValues``
set operators, each result carrying a one-line explanation.

Semantics follow https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html:

* operators in a block are ANDed, keys under one operator are ANDed, values for one key are ORed;
  for a negated operator (``StringNotEquals``, ``NotIpAddress``, ...) the values are NORed
  ("true only if the request value matches none of them");
* a key absent from the request makes the condition false, except that negated operators are then
  *true* ("If the policy condition requires the key be not matched ... and the right key is not
  present, the condition is true"), ``...IfExists`` is true, ``ForAllValues`` is true and ``Null``
  tests presence itself;
* condition keys are case-insensitive (the context is looked up lower-cased); String values are
  case-sensitive except for the ``...IgnoreCase`` operators.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from .matching import Context, Resolved, arn_like, glob_match, resolve

__all__ = [
    "ConditionOutcome",
    "ConditionResult",
    "OPERATORS",
    "conditions_match",
    "evaluate_conditions",
    "parse_operator",
]


class _InvalidValue(Exception):
    """A value the operator cannot interpret (``'ten'`` for NumericLessThan): the condition is false."""


@dataclass(frozen=True)
class _Family:
    """How one base operator compares a request value with a policy value."""

    kind: str  # shown in "invalid <kind> value" explanations
    parse_request: Callable[[str], Any]
    parse_policy: Callable[[Resolved], Any]
    compare: Callable[[Any, Any], bool]
    variables: bool  # AWS: policy variables are supported for String, ARN and Bool operators only
    wildcards: bool  # whether ``*``/``?`` in the policy value are wildcards


def _text(value: str) -> str:
    return value


def _decimal(value: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise _InvalidValue(value) from None
    if not number.is_finite():
        raise _InvalidValue(value)
    return number


_EPOCH = re.compile(r"[+-]?\d+(\.\d+)?")


def _date(value: str) -> datetime:
    """ISO 8601 (``2024-01-31``, ``2024-01-31T12:00:00Z``, with offsets) or epoch seconds; naive is UTC."""
    text = value.strip()
    try:
        if _EPOCH.fullmatch(text):
            return datetime.fromtimestamp(float(text), tz=timezone.utc)
        if text[-1:] in "zZ":
            text = text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
    except (ValueError, OverflowError, OSError):
        raise _InvalidValue(value) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise _InvalidValue(value)
    return lowered == "true"


def _binary(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _InvalidValue(value) from None


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        raise _InvalidValue(value) from None


def _network(value: Resolved) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        # strict=False: "203.0.113.7/24" is accepted as 203.0.113.0/24; a bare address is a /32 (/128).
        return ipaddress.ip_network(value.literal().strip(), strict=False)
    except ValueError:
        raise _InvalidValue(value.source) from None


def _literal(parse: Callable[[str], Any]) -> Callable[[Resolved], Any]:
    return lambda resolved: parse(resolved.literal())


_STRING_EQUALS = _Family("string", _text, Resolved.literal, lambda r, p: r == p, True, False)
_STRING_EQUALS_IC = _Family(
    "string", str.casefold, lambda v: v.literal().casefold(), lambda r, p: r == p, True, False
)
_STRING_LIKE = _Family("string", _text, lambda v: v.tokens, lambda r, p: glob_match(p, r), True, True)
_ARN_LIKE = _Family("ARN", _text, lambda v: v, lambda r, p: arn_like(p, r), True, True)
_BOOL = _Family("boolean", _bool, _literal(_bool), lambda r, p: r == p, True, False)
_BINARY = _Family("base64 binary", _binary, _literal(_binary), lambda r, p: r == p, False, False)
_IP = _Family("IP address", _ip, _network, lambda r, p: r in p, False, False)


def _numeric(compare: Callable[[Decimal, Decimal], bool]) -> _Family:
    return _Family("numeric", _decimal, _literal(_decimal), compare, False, False)


def _dated(compare: Callable[[datetime, datetime], bool]) -> _Family:
    return _Family("date", _date, _literal(_date), compare, False, False)


#: Base operator name -> (comparison family, negated). ``Null`` is handled separately.
OPERATORS: dict[str, tuple[_Family, bool]] = {
    "StringEquals": (_STRING_EQUALS, False),
    "StringNotEquals": (_STRING_EQUALS, True),
    "StringEqualsIgnoreCase": (_STRING_EQUALS_IC, False),
    "StringNotEqualsIgnoreCase": (_STRING_EQUALS_IC, True),
    "StringLike": (_STRING_LIKE, False),
    "StringNotLike": (_STRING_LIKE, True),
    "NumericEquals": (_numeric(lambda r, p: r == p), False),
    "NumericNotEquals": (_numeric(lambda r, p: r == p), True),
    "NumericLessThan": (_numeric(lambda r, p: r < p), False),
    "NumericLessThanEquals": (_numeric(lambda r, p: r <= p), False),
    "NumericGreaterThan": (_numeric(lambda r, p: r > p), False),
    "NumericGreaterThanEquals": (_numeric(lambda r, p: r >= p), False),
    "DateEquals": (_dated(lambda r, p: r == p), False),
    "DateNotEquals": (_dated(lambda r, p: r == p), True),
    "DateLessThan": (_dated(lambda r, p: r < p), False),
    "DateLessThanEquals": (_dated(lambda r, p: r <= p), False),
    "DateGreaterThan": (_dated(lambda r, p: r > p), False),
    "DateGreaterThanEquals": (_dated(lambda r, p: r >= p), False),
    "Bool": (_BOOL, False),
    "BinaryEquals": (_BINARY, False),
    "IpAddress": (_IP, False),
    "NotIpAddress": (_IP, True),
    # AWS documents ArnEquals/ArnLike (and their negations) as the same segment-wise wildcard match.
    "ArnEquals": (_ARN_LIKE, False),
    "ArnLike": (_ARN_LIKE, False),
    "ArnNotEquals": (_ARN_LIKE, True),
    "ArnNotLike": (_ARN_LIKE, True),
}

_SET_OPERATORS = ("ForAnyValue", "ForAllValues")


@dataclass(frozen=True)
class _Operator:
    name: str  # as written in the policy
    base: str
    set_operator: str | None
    if_exists: bool


def parse_operator(name: str) -> _Operator | None:
    """Split ``ForAnyValue:StringLikeIfExists`` into its parts; ``None`` for an unknown operator.

    Choice: operator names are matched exactly as AWS spells them (case-sensitive); anything else is
    unknown, and an unknown operator makes the statement not match (never a silent pass). ``Null``
    takes neither a set operator nor ``IfExists``.
    """
    set_operator = None
    rest = name
    if ":" in name:
        set_operator, rest = name.split(":", 1)
        if set_operator not in _SET_OPERATORS:
            return None
    if_exists = rest.endswith("IfExists") and rest != "IfExists"
    base = rest[: -len("IfExists")] if if_exists else rest
    if base == "Null":
        return None if (set_operator or if_exists) else _Operator(name, base, None, False)
    if base not in OPERATORS:
        return None
    return _Operator(name, base, set_operator, if_exists)


@dataclass(frozen=True)
class ConditionOutcome:
    """The result for one (operator, key) pair, with the sentence that explains it."""

    operator: str
    key: str
    matched: bool
    explanation: str


@dataclass(frozen=True)
class ConditionResult:
    """All outcomes of a ``Condition`` block; it matches only if every outcome matched."""

    outcomes: tuple[ConditionOutcome, ...]

    @property
    def matched(self) -> bool:
        return all(outcome.matched for outcome in self.outcomes)


def _policy_values(raw: Any) -> list[str] | None:
    """Condition values may be a scalar or a list; JSON booleans/numbers are written as text."""
    items = raw if isinstance(raw, list) else [raw]
    values: list[str] = []
    for item in items:
        if isinstance(item, bool):
            values.append("true" if item else "false")
        elif isinstance(item, (str, int, float)):
            values.append(str(item))
        else:
            return None
    return values


def _show(values: tuple[str, ...] | list[str]) -> str:
    return repr(values[0]) if len(values) == 1 else repr(list(values))


def _evaluate_null(op: _Operator, key: str, raw: Any, context: Context) -> ConditionOutcome:
    # AWS: Null "true" means the key is absent (or its value is null), "false" that it is present.
    values = _policy_values(raw)
    present = bool(context.get(key.lower()))
    state = "present" if present else "absent"
    try:
        expected = [_bool(value) for value in values or []]
    except _InvalidValue as error:
        return ConditionOutcome(op.name, key, False, f"{op.name} {key}: invalid Null value {error} -> false")
    if not expected:
        return ConditionOutcome(op.name, key, False, f"{op.name} {key}: no usable policy value -> false")
    matched = any(want_absent != present for want_absent in expected)
    return ConditionOutcome(
        op.name, key, matched, f"{op.name} {key}: key {state}, policy {_show(values or [])} -> {_tf(matched)}"
    )


def _tf(value: bool) -> str:
    return "true" if value else "false"


@dataclass(frozen=True)
class _KeyVerdict:
    """What comparing one (operator, key) pair found: the decision, and the facts an explanation shows.

    Deciding and explaining are split so that the local AWS, which needs only the decision on every
    request, never formats a sentence (:func:`conditions_match`); :func:`_evaluate_key` formats it.
    """

    matched: bool
    absent_because: str | None = None  # the key is absent: the rule that decided
    problem: str | None = None  # "not a list" or the invalid value's explanation
    request_values: tuple[str, ...] = ()
    resolved: tuple[Resolved, ...] = ()


def _compare_key(op: _Operator, key: str, raw: Any, context: Context, variables: bool) -> _KeyVerdict:
    family, negated = OPERATORS[op.base]
    request_values = context.get(key.lower()) or ()
    raw_values = _policy_values(raw)
    if raw_values is None:
        return _KeyVerdict(False, problem="condition value is not a string/list")

    if not request_values:
        # Missing (or empty multivalued) key: the exceptions to "no value, no match" come first.
        if op.if_exists:
            return _KeyVerdict(True, absent_because="...IfExists")
        if op.set_operator == "ForAllValues":
            return _KeyVerdict(True, absent_because="ForAllValues over no values is true")
        if op.set_operator == "ForAnyValue":
            return _KeyVerdict(False, absent_because="ForAnyValue needs at least one value")
        if negated:
            return _KeyVerdict(True, absent_because="negated operator")
        return _KeyVerdict(False, absent_because="no value to compare")

    resolved = tuple(
        resolve(value, context, variables=variables and family.variables, wildcards=family.wildcards)
        for value in raw_values
    )
    try:
        # Parse everything first so an invalid value fails the condition whatever the order of values.
        # An unresolved policy variable has "no equal or like value": it is skipped, never matched.
        policy = [family.parse_policy(value) for value in resolved if value.ok]
        request = [family.parse_request(value) for value in request_values]
    except _InvalidValue as error:
        return _KeyVerdict(False, problem=f"invalid {family.kind} value {str(error)!r}")

    hits = [any(family.compare(value, p) for p in policy) for value in request]
    if op.set_operator == "ForAllValues":
        # every request value must match one policy value (negated: must match none)
        matched = all(not hit for hit in hits) if negated else all(hits)
    elif op.set_operator == "ForAnyValue":
        # at least one request value matches (negated: at least one request value matches none)
        matched = any(not hit for hit in hits) if negated else any(hits)
    else:
        # Choice: a plain operator on a multivalued key behaves like ForAnyValue (negated: like "none of
        # the request values matches"), which coincides with AWS for the usual single-valued keys.
        matched = not any(hits) if negated else any(hits)
    return _KeyVerdict(matched, request_values=request_values, resolved=resolved)


def _evaluate_key(op: _Operator, key: str, raw: Any, context: Context, variables: bool) -> ConditionOutcome:
    verdict = _compare_key(op, key, raw, context, variables)
    label = f"{op.name} {key}"
    if verdict.problem is not None:
        explanation = f"{label}: {verdict.problem} -> false"
    elif verdict.absent_because is not None:
        explanation = f"{label}: key absent from request ({verdict.absent_because}) -> {_tf(verdict.matched)}"
    else:
        shown = ", ".join(value.display() for value in verdict.resolved)
        explanation = (
            f"{label}: request {_show(verdict.request_values)} vs policy [{shown}] -> {_tf(verdict.matched)}"
        )
    return ConditionOutcome(op.name, key, verdict.matched, explanation)


def _null_matches(key: str, raw: Any, context: Context) -> bool | None:
    """``Null``'s decision; ``None`` when the policy gives no usable value (an invalid one or none)."""
    present = bool(context.get(key.lower()))
    try:
        expected = [_bool(value) for value in _policy_values(raw) or []]
    except _InvalidValue:
        return None
    return any(want_absent != present for want_absent in expected) if expected else None


def conditions_match(block: Mapping[str, Any] | None, context: Context, *, variables: bool) -> bool:
    """Whether a ``Condition`` block matches: the decision of :func:`evaluate_conditions` alone.

    The same rules, without the explanations, and stopping at the first (operator, key) pair that does
    not match: the local AWS asks this on every request it authorises and needs only the answer.
    """
    for name, keys in (block or {}).items():
        op = parse_operator(name)
        if op is None or not isinstance(keys, Mapping) or not keys:
            return False
        for key, raw in keys.items():
            if op.base == "Null":
                if not _null_matches(key, raw, context):
                    return False
            elif not _compare_key(op, key, raw, context, variables).matched:
                return False
    return True


def evaluate_conditions(
    block: Mapping[str, Any] | None, context: Context, *, variables: bool
) -> ConditionResult:
    """Evaluate a statement's ``Condition`` block against a normalised request context.

    ``variables`` enables ``${...}`` substitution (policy Version 2012-10-17). Every (operator, key)
    pair is evaluated so that the explanation is complete; the block matches only if all do.
    """
    outcomes: list[ConditionOutcome] = []
    for name, keys in (block or {}).items():
        op = parse_operator(name)
        if op is None:
            outcomes.append(
                ConditionOutcome(
                    name, "", False, f"unknown condition operator {name!r}: statement does not match"
                )
            )
            continue
        if not isinstance(keys, Mapping) or not keys:
            outcomes.append(
                ConditionOutcome(name, "", False, f"{name}: expected an object of condition keys -> false")
            )
            continue
        for key, raw in keys.items():
            if op.base == "Null":
                outcomes.append(_evaluate_null(op, key, raw, context))
            else:
                outcomes.append(_evaluate_key(op, key, raw, context, variables))
    return ConditionResult(tuple(outcomes))

"""Pattern matching for IAM policies: wildcards, policy variables, ARNs, actions and resources.

A policy string is first *resolved* into a sequence of tokens (literal text and the wildcards ``*`` and
``?``), substituting policy variables from the request context on the way. Matching then works on the
tokens, so that a value that came from a variable (or from ``${*}``, ``${?}``, ``${$}``) is always
literal: a ``*`` in a principal tag never becomes a wildcard.

References:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "POLICY_VERSION_WITH_VARIABLES",
    "Context",
    "Resolved",
    "action_matches",
    "arn_like",
    "glob_match",
    "normalize_context",
    "resolve",
    "resource_matches",
]

#: Policy variables are only substituted in policies of this version; in "2008-10-17" policies (and
#: policies without a Version) ``${aws:username}`` is the literal text ``${aws:username}``.
POLICY_VERSION_WITH_VARIABLES = "2012-10-17"

#: A request context normalised for lookup: lower-cased key -> tuple of values (condition keys are
#: case-insensitive; values keep their case).
Context = Mapping[str, tuple[str, ...]]

STAR = "\x00*"  # token for the multi-character wildcard (never produced by text: NUL is not in policies)
QMARK = "\x00?"  # token for the single-character wildcard

# ${*}, ${?} and ${$} stand for the literal characters themselves.
_SPECIAL_VARIABLES = {"*": "*", "?": "?", "$": "$"}


def normalize_context(context: Mapping[str, object] | None) -> dict[str, tuple[str, ...]]:
    """Lower-case the keys and turn every value into a tuple of strings.

    ``None`` means "not present"; a list is a multivalued key (``cognito-identity.amazonaws.com:amr``);
    booleans become ``"true"``/``"false"`` as AWS renders them in the request context.
    """
    normalized: dict[str, tuple[str, ...]] = {}
    for key, value in (context or {}).items():
        if value is None:
            continue
        if type(value) is str:  # the common case, as _to_text would give it
            normalized[key.lower()] = (value,)
            continue
        items = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
        normalized[key.lower()] = tuple(_to_text(item) for item in items)
    return normalized


def _to_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


@dataclass(frozen=True)
class Resolved:
    """A policy string after variable substitution.

    ``tokens`` are literal strings or the ``STAR``/``QMARK`` markers; ``unresolved`` names the
    variables that had neither a value in the request context nor a default.
    """

    source: str
    tokens: tuple[str, ...]
    unresolved: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.unresolved

    def literal(self) -> str:
        """The resolved text with wildcards as plain characters (for ``StringEquals`` and friends)."""
        return "".join("*" if t == STAR else "?" if t == QMARK else t for t in self.tokens)

    def display(self) -> str:
        """How the resolved value is shown in explanations."""
        if self.unresolved:
            return f"{self.source!r} (no value for {', '.join(self.unresolved)})"
        text = self.literal()
        return repr(text) if text == self.source else f"{self.source!r} -> {text!r}"


def resolve(text: str, context: Context, *, variables: bool, wildcards: bool = True) -> Resolved:
    """Split ``text`` into literal and wildcard tokens, substituting ``${...}`` policy variables.

    * ``variables`` is true only for policies with Version ``2012-10-17`` (AWS: with an older version
      the variable is literal text).
    * A variable takes the context value of its key (looked up case-insensitively), else its default
      (``${aws:username, 'anonymous'}``; ``''`` inside the quotes is one quote). A multivalued key with
      exactly one value substitutes that value; with several values (or none) the variable is unresolved,
      because IAM cannot pick one (AWS: multivalued keys cannot be used as policy variables).
    * Unresolved variables make the whole value not match (AWS, "Policy variables with no value": the
      value is effectively null, so there is no equal or like value); callers check ``Resolved.ok``.
    * A ``${`` that is not a well-formed variable is kept as literal text (choice: IAM would reject the
      document when it is stored, so this only matters for hand-made documents).
    """
    pieces, constant = _parse(text, variables, wildcards)
    if constant is not None:  # no policy variable: the same answer for every request
        return constant
    tokens: list[str] = []
    unresolved: list[str] = []
    literal: list[str] = []
    for piece in pieces:
        if isinstance(piece, _Variable):
            values = context.get(piece.key)
            if values is not None and len(values) == 1:
                literal.append(values[0])
            elif piece.default is not None:
                literal.append(piece.default)
            else:
                unresolved.append(piece.name)
        elif isinstance(piece, _Wildcard):
            if literal:
                tokens.append("".join(literal))
                literal.clear()
            tokens.append(piece.token)
        else:
            literal.append(piece)
    if literal:
        tokens.append("".join(literal))
    return Resolved(text, tuple(tokens), tuple(unresolved))


@dataclass(frozen=True)
class _Variable:
    """A ``${name}`` or ``${name, 'default'}`` in a policy string; ``key`` is the name lower-cased."""

    name: str
    key: str
    default: str | None


@dataclass(frozen=True)
class _Wildcard:
    token: str  # STAR or QMARK


_Piece = str | _Variable | _Wildcard


# Parsing a policy string is the same work for every request: it is done once per (text, flags) and
# kept (bounded, least recently used out first); only the substitution of variables is per request.
# Everything kept is immutable, so a caller cannot change what another request sees.
@lru_cache(maxsize=8192)
def _parse(text: str, variables: bool, wildcards: bool) -> tuple[tuple[_Piece, ...], Resolved | None]:
    """``text`` as literal text, wildcards and variables, and its :class:`Resolved` if it has no variable."""
    pieces: list[_Piece] = []
    literal: list[str] = []
    has_variable = False

    def flush() -> None:
        if literal:
            pieces.append("".join(literal))
            literal.clear()

    i = 0
    while i < len(text):
        if variables and text.startswith("${", i):
            parsed = _parse_variable(text, i + 2)
            if parsed is not None:
                name, default, end = parsed
                if name in _SPECIAL_VARIABLES:
                    literal.append(_SPECIAL_VARIABLES[name])
                else:
                    flush()
                    pieces.append(_Variable(name, name.lower(), default))
                    has_variable = True
                i = end
                continue
        char = text[i]
        if wildcards and char in "*?":
            flush()
            pieces.append(_Wildcard(STAR if char == "*" else QMARK))
        else:
            literal.append(char)
        i += 1
    flush()
    if has_variable:
        return tuple(pieces), None
    tokens = tuple(piece.token if isinstance(piece, _Wildcard) else piece for piece in pieces)
    return (), Resolved(text, tokens)


def _parse_variable(text: str, start: int) -> tuple[str, str | None, int] | None:
    """Parse ``name}`` or ``name, 'default'}`` from ``start``; return (name, default, index after ``}``)."""
    close = text.find("}", start)
    comma = text.find(",", start)
    if close == -1:
        return None
    if comma == -1 or comma > close:
        name = text[start:close].strip()
        return (name, None, close + 1) if name else None
    name = text[start:comma].strip()
    i = comma + 1
    while i < len(text) and text[i] == " ":
        i += 1
    if not name or i >= len(text) or text[i] != "'":
        return None
    i += 1
    default: list[str] = []
    while i < len(text):
        if text[i] == "'":
            if text.startswith("''", i):  # a doubled quote is one literal quote
                default.append("'")
                i += 2
                continue
            i += 1
            while i < len(text) and text[i] == " ":
                i += 1
            if i < len(text) and text[i] == "}":
                return name, "".join(default), i + 1
            return None
        default.append(text[i])
        i += 1
    return None


@lru_cache(maxsize=4096)
def _compile(tokens: tuple[str, ...], ignore_case: bool) -> re.Pattern[str]:
    parts = [".*" if t == STAR else "." if t == QMARK else re.escape(t) for t in tokens]
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob_match(tokens: Sequence[str], value: str, *, ignore_case: bool = False) -> bool:
    """Whole-string match: ``*`` is any run of characters (including ``:`` and ``/``), ``?`` exactly one."""
    return _compile(tuple(tokens), ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """Action names match case-insensitively, with ``*`` and ``?`` wildcards, service prefix included.

    AWS: "the prefix and the action name are case insensitive" (IAM JSON policy elements: Action).
    Actions never contain policy variables.
    """
    return _action_pattern(pattern).fullmatch(action) is not None


@lru_cache(maxsize=8192)
def _action_pattern(pattern: str) -> re.Pattern[str]:
    return _compile(resolve(pattern, {}, variables=False).tokens, True)


def resource_matches(resolved: Resolved, resource: str) -> bool:
    """Resource ARNs match case-sensitively as one string with ``*`` and ``?`` wildcards.

    Choice, documented: AWS recommends keeping wildcards within one colon-separated segment but states
    that "if the * wildcard is the last character of a resource ARN segment, it can expand to match
    beyond the colon boundaries", and that ``*`` expands over ``/``. Matching the whole ARN as one
    string (``*`` crosses ``:`` and ``/``) is the documented superset and what the service does for
    ``arn:aws:s3:::bucket*``-style patterns; segment-wise matching is used only by the Arn* condition
    operators, where AWS documents it explicitly.
    """
    return resolved.ok and glob_match(resolved.tokens, resource)


def _split_tokens(tokens: Sequence[str], separator: str, maxsplit: int) -> list[list[str]]:
    """Split a token sequence on ``separator`` in literal text, at most ``maxsplit`` times."""
    segments: list[list[str]] = [[]]
    for token in tokens:
        if token in (STAR, QMARK):
            segments[-1].append(token)
            continue
        pieces = token.split(separator, maxsplit - (len(segments) - 1))
        for index, piece in enumerate(pieces):
            if index:
                segments.append([])
            if piece:
                segments[-1].append(piece)
    return segments


def arn_like(resolved: Resolved, arn: str) -> bool:
    """``ArnLike``/``ArnEquals``: each of the six colon-delimited ARN parts is matched separately.

    AWS: "Each of the six colon-delimited components of the ARN is checked separately and each can
    include multi-character match wildcards (*) or single-character match wildcards (?)." The resource
    part (the sixth) keeps any further colons, so ``${cognito-identity.amazonaws.com:sub}`` (which
    contains a colon) may appear there. A value that does not have six parts is not an ARN and does not
    match.
    """
    if not resolved.ok:
        return False
    request_parts = arn.split(":", 5)
    policy_parts = _split_tokens(resolved.tokens, ":", 5)
    if len(request_parts) != 6 or len(policy_parts) != 6:
        return False
    return all(glob_match(p, r) for p, r in zip(policy_parts, request_parts, strict=True))

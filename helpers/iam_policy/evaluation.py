"""Policies, statements, requests and the allow/deny decision.

The decision follows AWS's policy evaluation logic for a request inside one account
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), without
organisations (SCPs/RCPs are not modelled):

1. an explicit ``Deny`` in any supplied policy wins;
2. an ``Allow`` in the resource-based policy allows (the flowchart's shortcut);
3. otherwise an identity-based policy must allow, then the permissions boundary (if any) must allow,
   then the session policies (if any) must allow -- the effective permissions are the intersection;
4. anything else is an implicit deny.

Choices where the documentation leaves room (each also noted where it is made):

* Session policies: the inline ``Policy`` and the managed ``PolicyArns`` of one AssumeRole* call form
  one session policy *set*; the set allows an action when any of its policies allows it (their
  union), and the session's permissions are the intersection of that set with the identity-based
  policies. An explicit deny in any session policy denies.
* A resource-based policy's allow is not limited by session policies or a boundary here. AWS applies
  that shortcut when the policy names the session (or ``*``); when it names the role ARN instead, the
  session policy does limit it. The local AWS names no sessions, so the distinction is not modelled.
* ``{"AWS": "*"}`` is treated like ``"*"`` (AWS documents them as equivalent: every principal,
  anonymous ones included). Principal ARNs are compared exactly, except that an account id or
  ``arn:aws:iam::<account>:root`` stands for every principal of that account; ``Service`` and
  ``Federated`` names compare case-insensitively. Partial wildcards in Principal are not supported by
  AWS and are compared literally here.
* The ``Principal`` element is checked only for resource-based and trust policies (IAM refuses it in
  identity-based policies).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from .conditions import conditions_match, evaluate_conditions
from .matching import (
    POLICY_VERSION_WITH_VARIABLES,
    Context,
    action_matches,
    normalize_context,
    resolve,
    resource_matches,
)

__all__ = [
    "Decision",
    "Policy",
    "PolicyError",
    "PolicyLike",
    "Principal",
    "Request",
    "Statement",
    "StatementRef",
    "StatementResult",
    "cognito_web_identity_request",
    "evaluate",
    "evaluate_statement",
    "evaluate_trust_policy",
    "statement_applies",
]

_VERSIONS = (POLICY_VERSION_WITH_VARIABLES, "2008-10-17")
_PRINCIPAL_KINDS = ("resource", "trust")  # kinds whose statements name a Principal


class PolicyError(ValueError):
    """The policy document is not valid policy grammar (IAM would refuse to store it)."""


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Statement:
    """One statement of a policy, validated but otherwise kept as written."""

    index: int
    effect: str
    sid: str | None
    element: Mapping[str, Any]

    @classmethod
    def parse(cls, index: int, raw: Any) -> Statement:
        if not isinstance(raw, Mapping):
            raise PolicyError(f"statement {index} is not an object")
        effect = raw.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise PolicyError(f"statement {index}: Effect must be 'Allow' or 'Deny', not {effect!r}")
        for one, other in (
            ("Action", "NotAction"),
            ("Resource", "NotResource"),
            ("Principal", "NotPrincipal"),
        ):
            if one in raw and other in raw:
                raise PolicyError(f"statement {index}: {one} and {other} cannot both be present")
        if "Action" not in raw and "NotAction" not in raw:
            raise PolicyError(f"statement {index}: Action or NotAction is required")
        for name in ("Action", "NotAction", "Resource", "NotResource"):
            if name in raw and not all(isinstance(item, str) for item in _as_list(raw[name])):
                raise PolicyError(f"statement {index}: {name} must be a string or a list of strings")
        if "Condition" in raw and not isinstance(raw["Condition"], Mapping):
            raise PolicyError(f"statement {index}: Condition must be an object")
        sid = raw.get("Sid")
        return cls(index, effect, sid if sid else None, raw)


@dataclass(frozen=True)
class Policy:
    """A parsed policy document with a name used in explanations."""

    name: str
    version: str | None
    statements: tuple[Statement, ...]
    document: Mapping[str, Any] = field(repr=False)

    @classmethod
    def parse(cls, document: PolicyLike, name: str = "policy") -> Policy:
        """Accept a JSON string, a dict or a ``Policy``; ``Statement`` may be one object or a list."""
        if isinstance(document, Policy):
            return document
        if isinstance(document, (str, bytes)):
            try:
                document = json.loads(document)
            except json.JSONDecodeError as error:
                raise PolicyError(f"{name}: not JSON ({error})") from None
        if not isinstance(document, Mapping) or "Statement" not in document:
            raise PolicyError(f"{name}: a policy is an object with a Statement element")
        version = document.get("Version")
        if version is not None and version not in _VERSIONS:
            raise PolicyError(f"{name}: unknown Version {version!r}")
        raw_statements = document["Statement"]
        statements = tuple(Statement.parse(i, raw) for i, raw in enumerate(_as_list(raw_statements)))
        return cls(name, version, statements, document)

    @property
    def variables_enabled(self) -> bool:
        """AWS: policy variables need ``"Version": "2012-10-17"``; otherwise ``${...}`` is literal text."""
        return self.version == POLICY_VERSION_WITH_VARIABLES


PolicyLike = Policy | str | bytes | Mapping[str, Any]


_ACCOUNT_ROOT = re.compile(r"^(?:arn:[^:]+:iam::)?(\d{12})(?::root)?$")


@dataclass(frozen=True)
class Principal:
    """Who makes the request, as resource-based and trust policies see it.

    ``type`` is the Principal element key (``"AWS"``, ``"Federated"``, ``"Service"``,
    ``"CanonicalUser"``); ``identifiers`` are every name the principal answers to (a role session can
    list the session ARN and the role ARN).
    """

    type: str
    identifiers: tuple[str, ...]

    @classmethod
    def federated(cls, provider: str) -> Principal:
        return cls("Federated", (provider,))

    @classmethod
    def aws(cls, *arns: str) -> Principal:
        return cls("AWS", tuple(arns))

    @classmethod
    def service(cls, name: str) -> Principal:
        return cls("Service", (name,))

    def __str__(self) -> str:
        return f"{self.type}:{'|'.join(self.identifiers)}"


def _principal_id_matches(kind: str, pattern: str, identifier: str) -> bool:
    if pattern == "*":
        return True
    if kind == "AWS":
        account = _ACCOUNT_ROOT.match(pattern)
        if account:  # an account id or its root ARN means every principal of the account
            parts = identifier.split(":")
            return identifier == account.group(1) or (len(parts) > 4 and parts[4] == account.group(1))
        return pattern == identifier
    if kind in ("Service", "Federated"):
        return pattern.lower() == identifier.lower()
    return pattern == identifier


def _principal_matches(element: Any, principal: Principal | None) -> bool:
    if element == "*":
        return True
    if not isinstance(element, Mapping):
        return False
    for kind, ids in element.items():
        patterns = _as_list(ids)
        if kind == "AWS" and "*" in patterns:  # documented as equivalent to "Principal": "*"
            return True
        if principal is None or kind != principal.type:
            continue
        if any(_principal_id_matches(kind, p, i) for p in patterns for i in principal.identifiers):
            return True
    return False


@dataclass(frozen=True, init=False)
class Request:
    """One authorisation request: action, resource ARN(s), principal and condition context.

    ``resource`` defaults to ``"*"``, the resource of actions without resource-level permissions (a
    statement then needs ``"Resource": "*"``). ``context`` maps condition keys (case-insensitive) to a
    string or a list of strings for multivalued keys such as ``cognito-identity.amazonaws.com:amr``.
    """

    action: str
    resources: tuple[str, ...]
    principal: Principal | None
    context: Mapping[str, tuple[str, ...]]

    def __init__(
        self,
        action: str,
        resource: str | Sequence[str] = "*",
        principal: Principal | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        resources = (resource,) if isinstance(resource, str) else tuple(resource)
        if not resources:
            raise ValueError("a request needs at least one resource")
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "resources", resources)
        object.__setattr__(self, "principal", principal)
        object.__setattr__(self, "context", normalize_context(context))

    @property
    def resource(self) -> str:
        return self.resources[0]


def cognito_web_identity_request(
    identity_pool_id: str,
    identity_id: str,
    amr: Sequence[str],
    role_arn: str = "*",
    provider: str = "cognito-identity.amazonaws.com",
) -> Request:
    """The ``sts:AssumeRoleWithWebIdentity`` request an identity pool token makes against a trust policy.

    Context keys as Cognito documents them: ``<provider>:aud`` is the identity pool id, ``:sub`` the
    identity id and ``:amr`` the multivalued authentication methods (``["unauthenticated"]`` or
    ``["authenticated", "<provider>", "<provider>:<app>:<user>"]``).
    """
    return Request(
        "sts:AssumeRoleWithWebIdentity",
        role_arn,
        Principal.federated(provider),
        {f"{provider}:aud": identity_pool_id, f"{provider}:sub": identity_id, f"{provider}:amr": list(amr)},
    )


def tag_session_request(request: Request, tags: Mapping[str, str]) -> Request:
    """The ``sts:TagSession`` request that passing ``tags`` with ``request`` (an AssumeRole* request)
    makes against the same trust policy: "the role's trust policy must allow sts:TagSession" for session
    tags, with ``aws:RequestTag/<key>`` and ``aws:TagKeys`` as condition keys (IAM User Guide, "Passing
    session tags in AWS STS", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html)."""
    context: dict[str, Any] = {key: list(values) for key, values in request.context.items()}
    context.update({f"aws:RequestTag/{key}": value for key, value in tags.items()})
    context["aws:TagKeys"] = list(tags)
    return Request("sts:TagSession", request.resources, request.principal, context)


@dataclass(frozen=True)
class StatementRef:
    """Names a statement in explanations: policy kind and name, index and Sid."""

    kind: str
    policy: str
    index: int
    sid: str | None
    effect: str

    def __str__(self) -> str:
        sid = f" Sid={self.sid!r}" if self.sid else ""
        return f"{self.kind} policy {self.policy!r} statement #{self.index}{sid} ({self.effect})"


@dataclass(frozen=True)
class StatementResult:
    """Whether a statement applies to the request, and the element-by-element reasons."""

    ref: StatementRef
    applies: bool
    reasons: tuple[str, ...]
    failure: str | None = None  # the reason that made it not apply


def _match_actions(statement: Statement, action: str) -> tuple[bool, str]:
    negated = "Action" not in statement.element
    value = statement.element["NotAction" if negated else "Action"]
    # Keyed by the patterns' text, not the (possibly mutable) list: the same answer for the same text.
    return _action_outcome(tuple(value) if isinstance(value, list) else (value,), action, negated)


@lru_cache(maxsize=4096)
def _action_outcome(patterns: tuple[str, ...], action: str, negated: bool) -> tuple[bool, str]:
    hit = next((p for p in patterns if action_matches(p, action)), None)
    if not negated:
        if hit is not None:
            return True, f"Action {hit!r} matches {action!r}"
        return False, f"Action {list(patterns)!r} does not match {action!r}"
    if hit is not None:
        return False, f"NotAction {hit!r} excludes {action!r}"
    return True, f"NotAction {list(patterns)!r} does not exclude {action!r}"


def _match_resources(
    statement: Statement, policy: Policy, resource: str, context: Context
) -> tuple[bool, str]:
    negated = "NotResource" in statement.element
    patterns = _as_list(statement.element["NotResource" if negated else "Resource"])
    resolved = [resolve(p, context, variables=policy.variables_enabled) for p in patterns]
    hit = next((r for r in resolved if resource_matches(r, resource)), None)
    # A pattern whose variable has no value matches nothing (AWS, "Policy variables with no value"):
    # it cannot grant under Resource, and under NotResource it does not exclude.
    shown = ", ".join(r.display() for r in resolved)
    if not negated:
        if hit is not None:
            return True, f"Resource {hit.display()} matches {resource!r}"
        return False, f"Resource [{shown}] does not match {resource!r}"
    if hit is not None:
        return False, f"NotResource {hit.display()} excludes {resource!r}"
    return True, f"NotResource [{shown}] does not exclude {resource!r}"


def evaluate_statement(
    statement: Statement, policy: Policy, kind: str, request: Request, resource: str | None = None
) -> StatementResult:
    """Decide whether one statement applies: Principal (resource/trust kinds), Action, Resource, Condition.

    Elements are checked in that order and the first that fails ends the check; its reason is kept.
    """
    ref = StatementRef(kind, policy.name, statement.index, statement.sid, statement.effect)
    resource = request.resource if resource is None else resource
    element = statement.element
    reasons: list[str] = []

    def result(applies: bool, failure: str | None = None) -> StatementResult:
        if not applies and failure is None:
            failure = reasons[-1]
        return StatementResult(ref, applies, tuple(reasons), failure)

    if kind in _PRINCIPAL_KINDS:
        if "Principal" in element:
            ok = _principal_matches(element["Principal"], request.principal)
            reasons.append(
                f"Principal {'matches' if ok else 'does not match'} {request.principal or 'anonymous'}"
            )
        elif "NotPrincipal" in element:
            ok = not _principal_matches(element["NotPrincipal"], request.principal)
            reasons.append(
                f"NotPrincipal {'does not list' if ok else 'lists'} {request.principal or 'anonymous'}"
            )
        else:
            ok = False
            reasons.append(f"no Principal element: a {kind} policy statement applies to no one")
        if not ok:
            return result(False)

    ok, reason = _match_actions(statement, request.action)
    reasons.append(reason)
    if not ok:
        return result(False)

    if "Resource" in element or "NotResource" in element:
        ok, reason = _match_resources(statement, policy, resource, request.context)
        reasons.append(reason)
        if not ok:
            return result(False)
    elif kind != "trust":
        # IAM refuses such identity/resource policies; never let one grant or deny anything here.
        reasons.append("no Resource or NotResource element: statement ignored")
        return result(False)

    if "Condition" in element:
        conditions = evaluate_conditions(
            element["Condition"], request.context, variables=policy.variables_enabled
        )
        reasons.extend(outcome.explanation for outcome in conditions.outcomes)
        if not conditions.matched:
            return result(False, next(o.explanation for o in conditions.outcomes if not o.matched))
    return result(True)


def statement_applies(
    statement: Statement, policy: Policy, kind: str, request: Request, resource: str | None = None
) -> bool:
    """Whether one statement applies: :func:`evaluate_statement`'s ``applies`` without its reasons.

    The same checks in the same order, stopping at the first that fails and formatting nothing: the
    local AWS decides every request it authorises this way and explains only when asked.
    """
    element = statement.element
    if kind in _PRINCIPAL_KINDS:
        if "Principal" in element:
            if not _principal_matches(element["Principal"], request.principal):
                return False
        elif "NotPrincipal" in element:
            if _principal_matches(element["NotPrincipal"], request.principal):
                return False
        else:
            return False
    if not _match_actions(statement, request.action)[0]:
        return False
    if "Resource" in element or "NotResource" in element:
        negated = "NotResource" in element
        resource = request.resource if resource is None else resource
        variables = policy.variables_enabled
        hit = any(
            resource_matches(resolve(pattern, request.context, variables=variables), resource)
            for pattern in _as_list(element["NotResource" if negated else "Resource"])
        )
        if hit == negated:
            return False
    elif kind != "trust":
        return False
    if "Condition" in element:
        return conditions_match(element["Condition"], request.context, variables=policy.variables_enabled)
    return True


@dataclass(frozen=True)
class Decision:
    """The outcome of :func:`evaluate`, with everything needed to explain it.

    ``reason`` is one of ``"explicit deny"``, ``"allowed by identity-based policy"``,
    ``"allowed by resource-based policy"``, ``"allowed by trust policy"``,
    ``"implicit deny: no statement allows"``, ``"implicit deny: permissions boundary does not allow"``,
    ``"implicit deny: no session policy allows"`` (prefixed by the resource when a request names several).
    ``matched_statements`` are all statements that applied (allows and denies); ``deciding_statements``
    the ones the decision rests on (the denies for an explicit deny, the allows otherwise).
    ``results`` (every statement's reasons) are worked out on first use by ``explained_by``: deciding
    needs none of them, and the local AWS decides every request it authorises. They are worked out from
    the policies as they are then: a policy dict changed after deciding is explained as changed.
    """

    allowed: bool
    reason: str
    action: str
    resource: str
    matched_statements: tuple[StatementRef, ...] = ()
    deciding_statements: tuple[StatementRef, ...] = ()
    per_resource: tuple[Decision, ...] = field(default=(), repr=False)
    explained_by: Callable[[], tuple[StatementResult, ...]] | None = field(
        default=None, repr=False, compare=False
    )

    @cached_property
    def results(self) -> tuple[StatementResult, ...]:
        """Every statement's :class:`StatementResult`, in policy order (each resource's in turn)."""
        if self.per_resource:
            return tuple(result for decision in self.per_resource for result in decision.results)
        return self.explained_by() if self.explained_by is not None else ()

    def explain(self, verbose: bool = False) -> str:
        """The verdict, the deciding statements and why; ``verbose`` adds every statement's reasons."""
        if self.per_resource:
            return "\n\n".join(d.explain(verbose) for d in self.per_resource)
        verdict = "ALLOW" if self.allowed else "DENY"
        lines = [f"{verdict} {self.action} on {self.resource}: {self.reason}"]
        lines += [f"  decided by {ref}" for ref in self.deciding_statements]
        for result in self.results:
            status = "applies" if result.applies else "does not apply"
            if verbose or result.ref in self.deciding_statements:
                lines.append(f"  {result.ref}: {status}")
                lines += [f"    - {reason}" for reason in result.reasons]
            elif not self.allowed and result.ref.effect == "Allow":
                # For a denial, say why each Allow statement failed to help (its failing element).
                why = f": {result.failure}" if result.failure else ""
                lines.append(f"  {result.ref}: {status}{why}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()


def _named(
    policies: Iterable[PolicyLike] | Mapping[str, PolicyLike] | PolicyLike | None, kind: str
) -> list[Policy]:
    """Parse a list (or a name -> document mapping) of policies, naming unnamed ones ``<kind>[i]``."""
    if policies is None:
        return []
    if isinstance(policies, (Policy, str, bytes)) or (
        isinstance(policies, Mapping) and "Statement" in policies
    ):
        policies = [policies]
    if isinstance(policies, Mapping):
        return [_parse(doc, str(name)) for name, doc in policies.items()]
    return [_parse(doc, f"{kind}[{i}]") for i, doc in enumerate(policies)]


def _parse(document: PolicyLike, name: str) -> Policy:
    """``Policy.parse``, parsing each JSON text once: the local AWS evaluates the same role and session
    policy texts on every request. Only texts are kept (immutable); a dict may change between calls."""
    if isinstance(document, (str, bytes)):
        return _parse_text(document, name)
    return Policy.parse(document, name)


@lru_cache(maxsize=1024)
def _parse_text(document: str | bytes, name: str) -> Policy:
    # The parsed statements stay inside the evaluator (a Decision holds references, never them).
    return Policy.parse(document, name)


def _verdict(
    applied: Sequence[StatementRef], present: set[str]
) -> tuple[bool, str, tuple[StatementRef, ...]]:
    """Allowed or not, why, and the statements the decision rests on, from the statements that apply
    (``present``: the kinds of policy the request was evaluated against)."""

    def allows(kind: str) -> tuple[StatementRef, ...]:
        return tuple(ref for ref in applied if ref.kind == kind and ref.effect == "Allow")

    denies = tuple(ref for ref in applied if ref.effect == "Deny")
    if denies:
        return False, "explicit deny", denies
    for kind, label in (("trust", "trust policy"), ("resource", "resource-based policy")):
        if allows(kind):
            return True, f"allowed by {label}", allows(kind)
    if not allows("identity"):
        return False, "implicit deny: no statement allows", ()
    if "boundary" in present and not allows("boundary"):
        return False, "implicit deny: permissions boundary does not allow", ()
    if "session" in present and not allows("session"):
        return False, "implicit deny: no session policy allows", ()
    deciding = allows("identity") + allows("boundary") + allows("session")
    return True, "allowed by identity-based policy", deciding


def _decide_one(request: Request, resource: str, groups: list[tuple[str, list[Policy]]]) -> Decision:
    applied = tuple(
        StatementRef(kind, policy.name, statement.index, statement.sid, statement.effect)
        for kind, policies in groups
        for policy in policies
        for statement in policy.statements
        if statement_applies(statement, policy, kind, request, resource)
    )
    allowed, reason, deciding = _verdict(applied, {kind for kind, policies in groups if policies})

    def explained() -> tuple[StatementResult, ...]:
        return tuple(
            evaluate_statement(statement, policy, kind, request, resource)
            for kind, policies in groups
            for policy in policies
            for statement in policy.statements
        )

    return Decision(allowed, reason, request.action, resource, applied, deciding, explained_by=explained)


def _decide(request: Request, groups: list[tuple[str, list[Policy]]]) -> Decision:
    decisions = [_decide_one(request, resource, groups) for resource in request.resources]
    if len(decisions) == 1:
        return decisions[0]
    # Several resources (e.g. a copy): each is authorised on its own and all must be allowed.
    first_denied = next((d for d in decisions if not d.allowed), None)
    chosen = first_denied or decisions[0]
    reason = f"{chosen.resource}: {chosen.reason}" if first_denied else "allowed for every resource"
    return Decision(
        first_denied is None,
        reason,
        request.action,
        ", ".join(request.resources),
        tuple(ref for d in decisions for ref in d.matched_statements),
        chosen.deciding_statements,
        tuple(decisions),
    )


def evaluate(
    request: Request,
    identity_policies: Iterable[PolicyLike] | Mapping[str, PolicyLike] | PolicyLike | None = None,
    *,
    session_policies: Iterable[PolicyLike] | Mapping[str, PolicyLike] | PolicyLike | None = None,
    resource_policy: PolicyLike | None = None,
    permissions_boundary: PolicyLike | None = None,
) -> Decision:
    """Decide a request the way AWS does within one account (see the module docstring).

    ``identity_policies`` and ``session_policies`` accept a list of documents (named ``identity[0]``,
    ...) or a ``{name: document}`` mapping. ``session_policies`` ``None`` or empty means the session has
    no session policy (no restriction); otherwise the session policies together (their union) must
    allow, as must the identity-based policies: explicit deny anywhere wins.
    """
    if not isinstance(request, Request):
        raise TypeError(f"evaluate() takes a Request first, not {type(request).__name__}")
    groups = [
        ("identity", _named(identity_policies, "identity")),
        ("session", _named(session_policies, "session")),
        ("boundary", _named(permissions_boundary, "boundary")),
        ("resource", _named(resource_policy, "resource")),
    ]
    return _decide(request, groups)


def evaluate_trust_policy(request: Request, trust_policy: PolicyLike, name: str = "trust") -> Decision:
    """Decide whether a role's trust policy lets ``request.principal`` perform ``request.action``.

    Used for ``sts:AssumeRoleWithWebIdentity`` by ``{"Federated": "cognito-identity.amazonaws.com"}``
    (see :func:`cognito_web_identity_request`): the trust policy alone decides (there are no caller
    identity policies for a web identity); statements need a matching ``Principal``; ``Resource`` is
    normally absent and then not checked.
    """
    if not isinstance(request, Request):
        raise TypeError(f"evaluate_trust_policy() takes a Request first, not {type(request).__name__}")
    return _decide(request, [("trust", [_parse(trust_policy, name)])])

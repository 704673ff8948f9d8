"""Every decision made twice: the decision-only path against the explained one.

:func:`helpers.iam_policy.evaluate` decides with ``statement_applies`` (no explanation is built) and
explains on demand with ``evaluate_statement``. The two must never disagree. While
:func:`decisions_checked_against_explanations` is active, every decision the evaluator makes (the
policy tests' own, and the local AWS's on every request it authorises, in this process) is decided a
second time from the explained statement results, and any difference is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from helpers.iam_policy import evaluation


def explained_verdict(decision: evaluation.Decision, present: set[str]) -> tuple[Any, ...]:
    """The decision as the explaining path gives it: from the statement results that apply
    (``present``: the kinds of policy the request was evaluated against)."""
    applied = tuple(result.ref for result in decision.results if result.applies)
    allowed, reason, deciding = evaluation._verdict(applied, present)
    return allowed, reason, applied, deciding


def fast_verdict(decision: evaluation.Decision) -> tuple[Any, ...]:
    return decision.allowed, decision.reason, decision.matched_statements, decision.deciding_statements


@contextmanager
def decisions_checked_against_explanations() -> Iterator[list[str]]:
    """Check every single-resource decision made inside the block; yields the list of mismatches."""
    mismatches: list[str] = []
    decide_one = evaluation._decide_one

    def checked(request: evaluation.Request, resource: str, groups: list[Any]) -> evaluation.Decision:
        decision = decide_one(request, resource, groups)
        explained = explained_verdict(decision, {kind for kind, policies in groups if policies})
        if fast_verdict(decision) != explained:
            mismatches.append(
                f"{request.action} on {resource}: decided {fast_verdict(decision)}, explained {explained}"
            )
        return decision

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(evaluation, "_decide_one", checked)
        yield mismatches

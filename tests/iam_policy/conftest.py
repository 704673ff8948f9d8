from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.iam_policy.explained_decisions import decisions_checked_against_explanations


@pytest.fixture(autouse=True)
def decisions_match_their_explanations() -> Iterator[None]:
    """Every decision a policy test makes is also made by the explaining path, and must agree."""
    with decisions_checked_against_explanations() as mismatches:
        yield
    assert not mismatches, "\n".join(mismatches)

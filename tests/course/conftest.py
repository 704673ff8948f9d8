"""Fixtures the course's tests share (tests/support/course_accounts.py)."""

from tests.support.course_accounts import account  # noqa: F401 - a fixture, used by name

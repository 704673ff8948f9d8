"""Fixtures shared by the tests (the repository's root conftest.py starts the run's local AWS)."""

from tests.support.local_aws_fixtures import endpoint  # noqa: F401  (a fixture: pytest finds it here)

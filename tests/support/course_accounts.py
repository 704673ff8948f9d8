"""A course target on a test's local AWS, standing in for a real account ("aws" at the local endpoint)
or as the local AWS ("local"), and a fixture that gives each test one without the course in it."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from helpers import course
from helpers.local_aws import ACCOUNT_ID
from helpers.sessions import boto3_session
from helpers.target import Target
from tests.support.local_aws_fixtures import REGION


@functools.cache
def session() -> boto3.Session:
    """The tests' one Session on a target: it loads botocore's service data once per process (a new
    Session loads it again for its first client of each service, about ten times a client's own cost)."""
    return boto3_session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)


def target(endpoint: Any, kind: str = "aws") -> Target:
    return Target(kind, session(), REGION, ACCOUNT_ID, endpoint.url)


@pytest.fixture
def account(endpoint: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Target]:
    """A target with none of the course's resources in it (earlier tests' or notebooks' are removed),
    and none left behind."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint.url)
    aws = target(endpoint)
    course.clean_up(aws)
    yield aws
    course.clean_up(aws)

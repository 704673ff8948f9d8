"""``helpers.connect()``: the local AWS by default, real AWS only by explicit opt-in naming the account."""

from __future__ import annotations

import os
from collections.abc import Iterator

import boto3
import pytest

from helpers import RealAWSNotAllowed, connect, target
from helpers.local_aws import ACCOUNT_ID

NOTHING_LISTENS = "http://127.0.0.1:9"  # the discard port: any request sent there fails to connect


@pytest.fixture(autouse=True)
def restored_environment() -> Iterator[None]:
    """connect() changes os.environ on purpose (so bare boto3 clients follow); undo it after each test."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
    boto3.DEFAULT_SESSION = None


def test_local_is_the_default_and_uses_aws_endpoint_url(local_aws_url, capsys):
    chosen = connect()
    assert chosen.kind == "local" and chosen.is_local
    assert chosen.endpoint_url == local_aws_url
    assert capsys.readouterr().out.strip() == (
        f"Target: local AWS at {local_aws_url} (region us-east-1, account ********9012)"
    )
    assert chosen.session.client("sts").get_caller_identity()["Account"] == ACCOUNT_ID
    # Bare clients follow the same environment.
    assert boto3.client("s3").meta.endpoint_url == local_aws_url


def test_local_without_an_endpoint_starts_one_in_this_process(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    monkeypatch.setenv("AWS_PROFILE", "someone-real")
    chosen = connect(quiet=True)
    assert chosen.endpoint_url.startswith("http://127.0.0.1:")
    assert chosen.endpoint_url == target._in_process.url
    assert os.environ["AWS_ENDPOINT_URL"] == chosen.endpoint_url
    assert "AWS_PROFILE" not in os.environ  # a real profile is never mixed with the local AWS
    assert boto3.client("sts").get_caller_identity()["Account"] == ACCOUNT_ID
    # A second call reuses the same local AWS.
    assert connect(quiet=True).endpoint_url == chosen.endpoint_url


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_real_aws_refuses_without_the_opt_in_and_says_how(monkeypatch, how):
    monkeypatch.setenv("AWS_ENDPOINT_URL", NOTHING_LISTENS)
    monkeypatch.delenv("COURSE_AWS_ACCOUNT_ID", raising=False)
    if how == "environment":
        monkeypatch.setenv("COURSE_TARGET", "aws")
    with pytest.raises(RealAWSNotAllowed) as refused:
        connect("aws" if how == "argument" else None)
    message = str(refused.value)
    assert "COURSE_AWS_ACCOUNT_ID is not set" in message
    assert "export COURSE_TARGET=aws COURSE_AWS_ACCOUNT_ID=" in message
    assert "restart the kernel" in message
    # Refused before any request: a request to NOTHING_LISTENS would have raised a connection error instead.


def test_real_aws_refuses_a_malformed_account_id(monkeypatch):
    monkeypatch.setenv("COURSE_AWS_ACCOUNT_ID", "my-account")
    with pytest.raises(RealAWSNotAllowed, match="must be a 12-digit account id"):
        connect("aws")


def test_real_aws_refuses_credentials_of_another_account(monkeypatch):
    monkeypatch.setenv("COURSE_AWS_ACCOUNT_ID", "111122223333")
    with pytest.raises(RealAWSNotAllowed) as refused:
        connect("aws")
    message = str(refused.value)
    assert "********9012" in message and "********3333" in message
    assert ACCOUNT_ID not in message and "111122223333" not in message


def test_real_aws_refuses_without_a_region(monkeypatch):
    monkeypatch.setenv("COURSE_AWS_ACCOUNT_ID", ACCOUNT_ID)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    with pytest.raises(RealAWSNotAllowed, match="explicit region"):
        connect("aws")


def test_real_aws_with_the_opt_in(monkeypatch, capsys):
    """The local AWS stands in for the account here: its credentials belong to ACCOUNT_ID."""
    monkeypatch.setenv("COURSE_AWS_ACCOUNT_ID", ACCOUNT_ID)
    chosen = connect("aws")
    assert chosen.kind == "aws" and not chosen.is_local
    assert chosen.account_id == ACCOUNT_ID
    assert capsys.readouterr().out.strip().startswith("Target: REAL AWS account ********9012 in us-east-1")


@pytest.mark.parametrize("variable", ["AWS_REGION", "AWS_DEFAULT_REGION"])
def test_real_aws_takes_the_region_from_either_variable_and_says_which(monkeypatch, capsys, variable):
    monkeypatch.setenv("COURSE_AWS_ACCOUNT_ID", ACCOUNT_ID)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv(variable, "us-east-1")
    chosen = connect("aws")
    assert chosen.region == "us-east-1" and chosen.session.region_name == "us-east-1"
    assert capsys.readouterr().out.strip() == (
        f"Target: REAL AWS account ********9012 in us-east-1 (region from {variable})"
    )


def test_unknown_target_is_an_error():
    with pytest.raises(ValueError, match="unknown target 'staging'"):
        connect("staging")


def test_local_signs_with_the_local_administrators_keys_never_ambient_ones(monkeypatch, local_aws_url):
    """A learner's real keys in the environment must not sign local requests (the local AWS would
    refuse them now that it checks signatures)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLEARNERKEY00")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    chosen = connect(quiet=True)
    frozen = chosen.session.get_credentials().get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == ("testing", "testing", None)
    assert chosen.session.client("sts").get_caller_identity()["Account"] == ACCOUNT_ID


def test_a_targets_client_is_made_once_per_service_and_answers(local_aws_url):
    chosen = connect(quiet=True)
    sts = chosen.client("sts")
    assert chosen.client("sts") is sts and chosen.client("iam") is not sts
    assert sts.get_caller_identity()["Account"] == ACCOUNT_ID
    other = connect(quiet=True)  # another target (another session) has clients of its own
    assert other.client("sts") is not sts
    same = target.Target(chosen.kind, chosen.session, chosen.region, chosen.account_id, chosen.endpoint_url)
    assert same == chosen  # the clients made are not part of what a target is

"""Credentials the local AWS issues: their shape, and expired ones forgotten (memory stays flat).

The registry forgets keys expired by the local clock once it holds more than ``keep`` keys; the last
``recently_expired`` forgotten keys still answer ``ExpiredToken`` as AWS does. Further back a key is
unknown (a documented difference from AWS, whose session tokens carry their own expiry).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from helpers.local_aws import LocalAWS, clock, make_app
from helpers.local_aws.issued_credentials import (
    CredentialsRegistry,
    IssuedCredentials,
    _access_key_id,
    _secret_access_key,
)
from tests.support.local_aws_fixtures import Endpoint
from tests.support.pools import PoolSetup, identity_pool


def test_keys_have_aws_shapes_and_do_not_repeat() -> None:
    keys = {_access_key_id() for _ in range(2000)}
    secrets = {_secret_access_key() for _ in range(2000)}
    assert len(keys) == len(secrets) == 2000
    assert all(re.fullmatch(r"ASIA[A-Z2-7]{16}", key) for key in keys)
    assert all(re.fullmatch(r"[A-Za-z0-9+/]{40}", secret) for secret in secrets)


def _issued(number: int, expiration: float) -> IssuedCredentials:
    return IssuedCredentials(
        access_key_id=f"ASIA{number:016d}",
        secret_access_key="s" * 40,
        session_token="t",
        expiration=expiration,
        role_arn="arn:aws:iam::123456789012:role/guest",
        caller_arn="arn:aws:sts::123456789012:assumed-role/guest/CognitoIdentityCredentials",
        assumed_role_id="AROA:CognitoIdentityCredentials",
    )


def test_expired_keys_are_forgotten_when_the_registry_grows() -> None:
    registry = CredentialsRegistry(keep=3, recently_expired=2)
    expired = [_issued(n, expiration=10.0) for n in range(3)]
    for credentials in expired:
        registry.add(credentials, now=11.0)  # expired, but not over `keep` yet: all held
    assert len(registry) == 3 and all(registry.get(c.access_key_id) is c for c in expired)
    fresh = _issued(3, expiration=100.0)
    registry.add(fresh, now=11.0)  # over `keep`: every expired key leaves the registry
    assert len(registry) == 1 and registry.get(fresh.access_key_id) is fresh
    # The two most recently forgotten still answer as expired; the oldest is unknown.
    assert registry.get(expired[0].access_key_id) is None
    assert [registry.get(c.access_key_id) for c in expired[1:]] == expired[1:]


def test_unexpired_keys_are_never_forgotten() -> None:
    registry = CredentialsRegistry(keep=2, recently_expired=0)
    held = [_issued(n, expiration=100.0 + n) for n in range(6)]
    for credentials in held:
        registry.add(credentials, now=50.0)
    assert len(registry) == 6 and all(registry.get(c.access_key_id) is c for c in held)
    registry.add(_issued(6, expiration=200.0), now=102.5)  # the first three have expired by now
    assert [registry.get(c.access_key_id) for c in held] == [None] * 3 + held[3:]


def test_reset_forgets_every_key_recently_expired_ones_too() -> None:
    registry = CredentialsRegistry(keep=1, recently_expired=5)
    registry.add(_issued(0, expiration=10.0), now=5.0)
    registry.add(_issued(1, expiration=20.0), now=15.0)  # key 0 moves to the recently expired
    assert registry.get(_issued(0, 0).access_key_id) is not None
    registry.reset()
    assert len(registry) == 0
    assert [registry.get(_issued(n, 0).access_key_id) for n in (0, 1)] == [None, None]


#: This module's local AWS forgets expired keys once it holds more than three (the default, a thousand,
#: would take a thousand sign-ins to reach).
KEEP = 3


@pytest.fixture(scope="module")
def registry() -> CredentialsRegistry:
    return CredentialsRegistry(keep=KEEP, recently_expired=2)


@pytest.fixture(scope="module")
def endpoint(registry: CredentialsRegistry) -> Iterator[Endpoint]:
    """A local AWS of this module's own, holding the keys it issues in :func:`registry`."""
    with LocalAWS(port=0, app=make_app(credentials=registry)) as server:
        yield Endpoint(server)


@pytest.fixture(scope="module")
def guest_pool(endpoint) -> PoolSetup:
    s3 = endpoint.client("s3")
    s3.create_bucket(Bucket="forgetful")
    s3.put_object(Bucket="forgetful", Key="comments/1.txt", Body=b"hello")
    read = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::forgetful/comments/*"}
        ],
    }
    only_guests = {"roles": ["unauthenticated"], "permissions": {"unauthenticated": read}}
    return identity_pool(endpoint, "forgetful", user_pool=False, **only_guests)


def _guest_credentials(public, pool: PoolSetup) -> dict:
    identity_id = public.get_id(IdentityPoolId=pool.pool_id)["IdentityId"]
    return public.get_credentials_for_identity(IdentityId=identity_id)["Credentials"]


def test_a_forgotten_expired_key_still_answers_expired_token(endpoint, registry, guest_pool) -> None:
    """Moves this module's local AWS's clock: keep it last in the module."""
    public = endpoint.unsigned()
    credentials = _guest_credentials(public, guest_pool)
    s3 = endpoint.with_credentials("s3", credentials)
    assert s3.get_object(Bucket="forgetful", Key="comments/1.txt")["Body"].read() == b"hello"
    clock.advance(3601, endpoint.url)
    for _ in range(KEEP):  # enough sign-ins to go over `keep` once
        _guest_credentials(public, guest_pool)
    assert len(registry) == KEEP  # of KEEP + 1 keys, the expired one was forgotten ...
    with pytest.raises(ClientError) as raised:  # ... and is still answered as AWS answers it
        s3.get_object(Bucket="forgetful", Key="comments/1.txt")
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ExpiredToken", "The provided token has expired.")
    token = base64.b64decode(credentials["SessionToken"])
    assert len(token) == 240

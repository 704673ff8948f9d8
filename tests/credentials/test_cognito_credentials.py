"""The boto3 credential provider for identity pools, against the local AWS (and its caches, offline)."""

from __future__ import annotations

import json
import logging
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from helpers.cognito_credentials import (
    ANONYMOUS,
    METHOD,
    CognitoIdentityCredentials,
    CognitoIdentityError,
    CognitoIdentityRefreshableCredentials,
    InMemoryIdentityIdCache,
    JsonFileIdentityIdCache,
    identity_id_cache_key,
)
from helpers.local_aws import ACCOUNT_ID, LocalAWS, clock
from tests.support.local_aws_fixtures import Endpoint
from tests.support.pools import PoolSetup, identity_pool

SUB = "${cognito-identity.amazonaws.com:sub}"
# Names unique to this module: moto's state (S3, IAM) is shared by every LocalAWS in one process.
BUCKET = "provider-photos"
CLASSIC = "provider-classic"
CLOCKED = "provider-clocked"


def permissions(bucket: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Guests read ``public/``; signed-in users write under ``private/<their identity id>/``."""
    guest = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/public/*"}
        ],
    }
    member = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/private/{SUB}/*",
            }
        ],
    }
    return guest, member


def create_app(endpoint: Endpoint, name: str, classic: bool = False) -> PoolSetup:
    """A bucket, a user pool and an identity pool with a guest and a signed-in role."""
    endpoint.client("s3").create_bucket(Bucket=name)
    endpoint.client("s3").put_object(Bucket=name, Key="public/hello.txt", Body=b"hello")
    guest, member = permissions(name)
    return identity_pool(
        endpoint, name, classic=classic, permissions={"unauthenticated": guest, "authenticated": member}
    )


@pytest.fixture(scope="module")
def app(endpoint: Endpoint) -> PoolSetup:
    """The enhanced-flow app; its pool has the basic flow turned off, as new pools should ("Security best
    practices for Amazon Cognito identity pools", Cognito Developer Guide)."""
    return create_app(endpoint, BUCKET)


@pytest.fixture(scope="module")
def classic_app(endpoint: Endpoint) -> PoolSetup:
    return create_app(endpoint, CLASSIC, classic=True)


def provider(app: PoolSetup, **options: Any) -> CognitoIdentityCredentials:
    return CognitoIdentityCredentials(app.pool_id, endpoint_url=app.url, **options)


def count_calls(credentials: CognitoIdentityCredentials) -> Counter[str]:
    """Every identity pool and STS call the provider makes, by operation."""
    calls: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    credentials.cognito_identity.meta.events.register("before-call.cognito-identity", count)
    credentials.sts.meta.events.register("before-call.sts", count)
    return calls


def refused(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    return raised.value.response["Error"]["Code"]


def client(credentials: CognitoIdentityCredentials, service: str, app: PoolSetup) -> Any:
    """A client of the provider's session, sent to the app's own local AWS (not the run's shared one)."""
    return credentials.session.client(service, endpoint_url=app.url)


def role_of(credentials: CognitoIdentityCredentials, app: PoolSetup) -> str:
    """The role name in the caller ARN ``arn:aws:sts::<account>:assumed-role/<role>/<session>``."""
    return client(credentials, "sts", app).get_caller_identity()["Arn"].split("/")[1]


# -- guest, sign-in, sign-out ------------------------------------------------------------------------


def test_guest_then_signed_in_keeps_the_identity_id_while_role_and_permissions_change(app):
    credentials = provider(app)
    calls = count_calls(credentials)
    s3 = client(credentials, "s3", app)
    assert s3.get_object(Bucket=BUCKET, Key="public/hello.txt")["Body"].read() == b"hello"
    guest_id = credentials.identity_id
    assert refused(s3.put_object, Bucket=BUCKET, Key=f"private/{guest_id}/a.txt", Body=b"x") == "AccessDenied"
    assert role_of(credentials, app) == f"{BUCKET}-guest"
    assert calls == {"GetId": 1, "GetCredentialsForIdentity": 1}

    credentials.set_logins({app.provider: app.sign_in("ana")["id"]})
    s3.put_object(Bucket=BUCKET, Key=f"private/{guest_id}/a.txt", Body=b"mine")  # the same client
    assert credentials.identity_id == guest_id  # the login was linked to the guest identity
    assert role_of(credentials, app) == f"{BUCKET}-member"
    assert calls == {"GetId": 1, "GetCredentialsForIdentity": 2}
    assert credentials.fetcher.login_providers == [app.provider]


def test_refresh_fetches_at_once_and_login_functions_are_called_each_time(app):
    tokens = []

    def id_token() -> str:
        tokens.append(app.sign_in("bea")["id"])
        return tokens[-1]

    credentials = provider(app, logins={app.provider: id_token})
    calls = count_calls(credentials)
    first = credentials.identity_id
    credentials.refresh()
    assert credentials.identity_id == first
    assert len(tokens) == 2 and calls == {"GetId": 1, "GetCredentialsForIdentity": 2}


def test_sign_out_makes_the_next_use_a_new_guest(app):
    cache = InMemoryIdentityIdCache()
    credentials = provider(app, cache=cache)
    s3 = client(credentials, "s3", app)
    guest_id = credentials.identity_id
    credentials.set_logins({app.provider: app.sign_in("carl")["id"]}, user_identifier="carl")
    s3.put_object(Bucket=BUCKET, Key=f"private/{guest_id}/b.txt", Body=b"x")
    assert cache.get(identity_id_cache_key(app.pool_id, "carl")) == guest_id
    assert cache.get(identity_id_cache_key(app.pool_id, ANONYMOUS)) is None  # no longer a guest id

    credentials.sign_out()
    assert refused(s3.put_object, Bucket=BUCKET, Key=f"private/{guest_id}/c.txt", Body=b"x") == "AccessDenied"
    new_guest = credentials.identity_id
    assert new_guest != guest_id
    assert role_of(credentials, app) == f"{BUCKET}-guest"
    assert credentials.fetcher.login_providers == []
    assert cache.get(identity_id_cache_key(app.pool_id, "carl")) is None
    assert cache.get(identity_id_cache_key(app.pool_id, ANONYMOUS)) == new_guest


def test_eight_threads_cause_exactly_one_fetch(app):
    credentials = provider(app)
    calls = count_calls(credentials)
    # A slow answer makes sure all eight threads arrive while the first fetch is in flight.
    credentials.cognito_identity.meta.events.register(
        "before-call.cognito-identity.GetCredentialsForIdentity", lambda **_: time.sleep(0.3)
    )
    s3 = client(credentials, "s3", app)  # clients are thread-safe; sessions are not
    barrier = threading.Barrier(8)
    bodies: list[bytes] = []

    def read() -> None:
        barrier.wait()
        bodies.append(s3.get_object(Bucket=BUCKET, Key="public/hello.txt")["Body"].read())

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert bodies == [b"hello"] * 8
    assert calls == {"GetId": 1, "GetCredentialsForIdentity": 1}


# -- identity ids: merges, stale ids, caches ---------------------------------------------------------


def test_a_merge_makes_the_provider_adopt_the_logins_identity(app, endpoint):
    token = app.sign_in("dora")["id"]
    existing = provider(app, logins={app.provider: token}).identity_id  # signed in elsewhere first

    cache = InMemoryIdentityIdCache()
    credentials = provider(app, cache=cache)
    guest_id = credentials.identity_id
    assert guest_id != existing
    credentials.set_logins({app.provider: token}, user_identifier="dora")
    assert credentials.identity_id == existing
    assert cache.get(identity_id_cache_key(app.pool_id, "dora")) == existing
    assert cache.get(identity_id_cache_key(app.pool_id, ANONYMOUS)) is None
    client(credentials, "s3", app).put_object(Bucket=BUCKET, Key=f"private/{existing}/m.txt", Body=b"x")
    # The guest identity was merged into the existing one and disabled ("Switching unauthenticated users to
    # authenticated users", Cognito Developer Guide).
    assert refused(endpoint.unsigned().get_credentials_for_identity, IdentityId=guest_id) == (
        "NotAuthorizedException"
    )


def test_a_stale_cached_identity_id_is_forgotten_and_replaced_once(app, endpoint):
    stale = endpoint.unsigned().get_id(IdentityPoolId=app.pool_id)["IdentityId"]
    endpoint.client("cognito-identity").delete_identities(IdentityIdsToDelete=[stale])
    cache = InMemoryIdentityIdCache()
    key = identity_id_cache_key(app.pool_id, ANONYMOUS)
    cache.set(key, stale)
    credentials = provider(app, cache=cache)
    calls = count_calls(credentials)
    fresh = credentials.identity_id
    assert fresh != stale and cache.get(key) == fresh
    assert calls == {"GetCredentialsForIdentity": 2, "GetId": 1}


def test_a_json_file_cache_keeps_the_guest_identity_across_runs(app, tmp_path):
    path = tmp_path / "identity-ids.json"
    first = provider(app, cache=JsonFileIdentityIdCache(path)).identity_id
    assert json.loads(path.read_text()) == {identity_id_cache_key(app.pool_id, ANONYMOUS): first}
    again = provider(app, cache=JsonFileIdentityIdCache(path))
    calls = count_calls(again)
    assert again.identity_id == first
    assert calls == {"GetCredentialsForIdentity": 1}  # no GetId


def test_a_cache_that_cannot_be_written_does_not_stop_credentials(app, tmp_path, caplog):
    (tmp_path / "file").write_text("not a folder")
    credentials = provider(app, cache=JsonFileIdentityIdCache(tmp_path / "file" / "ids.json"))
    assert credentials.identity_id.startswith("us-east-1:")
    assert "Could not write the identity id cache" in caplog.text


# -- flows and errors --------------------------------------------------------------------------------


def test_the_basic_flow_with_a_role_chosen_by_the_app(classic_app):
    credentials = provider(classic_app, role_arn=classic_app.guest, account_id=ACCOUNT_ID)
    calls = count_calls(credentials)
    s3 = client(credentials, "s3", classic_app)
    assert s3.get_object(Bucket=CLASSIC, Key="public/hello.txt")["Body"].read() == b"hello"
    assert calls == {"GetId": 1, "GetOpenIdToken": 1, "AssumeRoleWithWebIdentity": 1}
    identity_id = credentials.identity_id
    caller = client(credentials, "sts", classic_app).get_caller_identity()["Arn"]
    assert caller == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{CLASSIC}-guest/web-identity"

    credentials.set_logins(
        {classic_app.provider: classic_app.sign_in("eve")["id"]}, classic_app.member
    )
    s3.put_object(Bucket=CLASSIC, Key=f"private/{identity_id}/e.txt", Body=b"x")
    assert credentials.identity_id == identity_id
    assert role_of(credentials, classic_app) == f"{CLASSIC}-member"
    assert credentials.fetcher.flow == "basic"


def test_the_basic_flow_is_refused_cleanly_when_the_pool_disables_it(app):
    credentials = provider(app, role_arn=app.guest)
    with pytest.raises(CognitoIdentityError) as raised:
        client(credentials, "s3", app).get_object(Bucket=BUCKET, Key="public/hello.txt")
    error = raised.value
    assert (error.operation, error.code, error.aws_message) == (
        "GetOpenIdToken",
        "InvalidParameterException",
        "Basic (classic) flow is not enabled, please use enhanced flow.",
    )
    assert str(error) == (
        "Error when retrieving credentials from cognito-identity-pool: GetOpenIdToken failed with "
        "InvalidParameterException: Basic (classic) flow is not enabled, please use enhanced flow."
    )


def test_not_authorized_is_a_clear_error_without_the_token(app):
    access_token = app.sign_in("fay")["access"]  # an access token where an ID token belongs
    credentials = provider(app, logins={app.provider: access_token})
    with pytest.raises(CognitoIdentityError) as raised:
        client(credentials, "s3", app).get_object(Bucket=BUCKET, Key="public/hello.txt")
    error = raised.value
    assert (error.operation, error.code, error.aws_message) == (
        "GetId",
        "NotAuthorizedException",
        "Invalid login token. Not a valid OpenId Connect identity token.",
    )
    shown = [str(error), repr(error), repr(error.args), repr(error.kwargs)]
    shown.append("".join(traceback.format_exception(error)))
    assert not any(access_token in text for text in shown)


def test_a_pool_without_guests_refuses_the_guest_clearly(endpoint):
    pool_id = endpoint.client("cognito-identity").create_identity_pool(
        IdentityPoolName="members-only", AllowUnauthenticatedIdentities=False, AllowClassicFlow=False
    )["IdentityPoolId"]
    with pytest.raises(CognitoIdentityError) as raised:
        CognitoIdentityCredentials(pool_id, endpoint_url=endpoint.url).identity_id  # noqa: B018
    assert raised.value.code == "NotAuthorizedException"
    assert raised.value.aws_message == "Unauthenticated access is not supported for this identity pool."


def test_no_ambient_keys_are_needed_and_identity_pool_calls_are_unsigned(app, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    credentials = provider(app)
    signed: list[bool] = []
    credentials.cognito_identity.meta.events.register(
        "before-send.cognito-identity", lambda request, **_: signed.append("Authorization" in request.headers)
    )
    assert client(credentials, "s3", app).get_object(Bucket=BUCKET, Key="public/hello.txt")
    assert signed == [False, False]
    assert credentials.session.get_credentials().method == METHOD


def test_the_provider_comes_before_environment_keys(app):
    # The run exports the local administrator's keys (conftest.py); the pool's credentials must win.
    credentials = provider(app)
    assert credentials.session.get_credentials().method == METHOD
    assert role_of(credentials, app) == f"{BUCKET}-guest"


def test_no_secret_in_any_string_form_or_log(app, caplog):
    caplog.set_level(logging.DEBUG, logger="helpers.cognito_credentials")
    token = app.sign_in("gus")["id"]
    credentials = provider(app)
    assert credentials.identity_id
    credentials.set_logins({app.provider: token}, user_identifier="gus")
    credentials.refresh()
    frozen = credentials.session.get_credentials().get_frozen_credentials()
    secrets = [frozen.access_key, frozen.secret_key, frozen.token, token]
    assert all(secrets)
    objects = [
        credentials,
        credentials.provider,
        credentials.credentials,
        credentials.fetcher,
        credentials.fetcher.cache,
        credentials.session,
        credentials.session.get_credentials(),
        frozen,
    ]
    shown = [form(thing) for thing in objects for form in (str, repr, format, "{!r}".format)]
    shown += [record.getMessage() for record in caplog.records if record.name.startswith("helpers.")]
    assert any("Identity id" in text or "GetCredentialsForIdentity" in text for text in shown)
    for text in shown:
        for secret in secrets:
            assert secret not in text


# -- refresh windows, on a local AWS of their own whose clock moves ----------------------------------


class LocalClock:
    """The local AWS's time for botocore's refresh decision: real time plus the offset we moved it by.

    The offset is tracked here, so botocore's frequent time checks make no HTTP call.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.offset = float(clock.read(url)["offset_seconds"])

    def advance(self, seconds: float) -> None:
        self.offset = float(clock.advance(seconds, self.url)["offset_seconds"])

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + timedelta(seconds=self.offset)


@pytest.fixture
def moving_clock_app() -> Iterator[PoolSetup]:
    with LocalAWS(port=0) as server:
        yield create_app(Endpoint(server), CLOCKED)


def read_in_threads(s3: Any, count: int = 8) -> None:
    barrier = threading.Barrier(count)

    def read() -> None:
        barrier.wait()
        s3.get_object(Bucket=CLOCKED, Key="public/hello.txt")

    threads = [threading.Thread(target=read) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_the_advisory_and_mandatory_windows_each_trigger_exactly_one_refresh(moving_clock_app):
    local = LocalClock(moving_clock_app.url)
    credentials = provider(moving_clock_app, time_fetcher=local.now)
    calls = count_calls(credentials)
    s3 = client(credentials, "s3", moving_clock_app)
    read_in_threads(s3)
    first_expiry = credentials.expiration
    assert first_expiry is not None and calls["GetCredentialsForIdentity"] == 1
    assert 3590 <= (first_expiry - local.now()).total_seconds() <= 3600  # an hour, by the local clock

    local.advance(3600 - 14 * 60)  # 14 minutes left: inside the advisory window only
    assert credentials.credentials.refresh_needed(15 * 60) and not credentials.credentials.refresh_needed(
        10 * 60
    )
    read_in_threads(s3)
    read_in_threads(s3)
    assert calls["GetCredentialsForIdentity"] == 2
    second_expiry = credentials.expiration
    assert second_expiry - first_expiry >= timedelta(seconds=3600 - 14 * 60 - 5)

    local.advance(3600 - 9 * 60)  # 9 minutes left: the mandatory window
    assert credentials.credentials.refresh_needed(10 * 60)
    read_in_threads(s3)
    read_in_threads(s3)
    assert calls["GetCredentialsForIdentity"] == 3
    assert credentials.expiration - second_expiry >= timedelta(seconds=3600 - 9 * 60 - 5)
    assert calls["GetId"] == 1


# -- the pieces alone --------------------------------------------------------------------------------


def fake_issuer(lifetime: timedelta, now: Any) -> tuple[list[int], Any]:
    fetched: list[int] = []

    def fetch() -> dict[str, str]:
        fetched.append(1)
        return {
            "access_key": f"AKIA{len(fetched)}",
            "secret_key": "s3cr3t",
            "token": "t0k3n",
            "expiry_time": (now() + lifetime).isoformat(),
        }

    return fetched, fetch


def test_refresh_windows_are_botocores_fifteen_and_ten_minutes():
    moment = [datetime(2030, 1, 1, tzinfo=timezone.utc)]
    fetched, fetch = fake_issuer(timedelta(hours=1), lambda: moment[0])
    credentials = CognitoIdentityRefreshableCredentials(fetch, time_fetcher=lambda: moment[0])
    assert credentials.expiry_time is None and not fetched  # deferred: nothing before first use
    credentials.get_frozen_credentials()
    moment[0] += timedelta(minutes=44)
    credentials.get_frozen_credentials()
    assert len(fetched) == 1
    moment[0] += timedelta(minutes=2)  # 14 minutes left
    credentials.get_frozen_credentials()
    assert len(fetched) == 2


def test_expire_during_a_fetch_still_forces_the_next_refresh():
    now = lambda: datetime.now(timezone.utc)  # noqa: E731
    fetched, issue = fake_issuer(timedelta(hours=1), now)

    def fetch() -> dict[str, str]:
        if not fetched:
            credentials.expire()  # a sign-in arrives while the first fetch is in flight
        return issue()

    credentials = CognitoIdentityRefreshableCredentials(fetch)
    credentials.get_frozen_credentials()
    credentials.get_frozen_credentials()
    credentials.get_frozen_credentials()
    assert len(fetched) == 2


def test_identity_id_cache_keys_are_the_v3_sdks():
    assert identity_id_cache_key("us-east-1:abc", ANONYMOUS) == (
        "aws:cognito-identity-credentials:us-east-1:abc:ANONYMOUS"
    )


@pytest.mark.parametrize("make", [InMemoryIdentityIdCache, "json"])
def test_caches_get_set_and_remove(make, tmp_path):
    cache = JsonFileIdentityIdCache(tmp_path / "ids.json") if make == "json" else make()
    assert cache.get("k") is None
    cache.set("k", "us-east-1:1")
    cache.set("other", "us-east-1:2")
    assert cache.get("k") == "us-east-1:1"
    cache.remove("k")
    cache.remove("k")  # removing twice is fine
    assert cache.get("k") is None and cache.get("other") == "us-east-1:2"


def test_the_json_file_cache_replaces_the_file_atomically(tmp_path, monkeypatch):
    path = tmp_path / "ids.json"
    cache = JsonFileIdentityIdCache(path)
    cache.set("k", "us-east-1:1")
    replaced: list[tuple[str, str]] = []
    real_replace = __import__("os").replace

    def replace(source: str, target: Any) -> None:
        replaced.append((str(source), str(target)))
        real_replace(source, target)

    monkeypatch.setattr("helpers.cognito_credentials.os.replace", replace)
    cache.set("k", "us-east-1:2")
    ((source, target),) = replaced
    assert target == str(path) and source != target and source.startswith(str(tmp_path))

    def crash(source: str, target: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("helpers.cognito_credentials.os.replace", crash)
    with pytest.raises(OSError):
        cache.set("k", "us-east-1:3")
    assert json.loads(path.read_text()) == {"k": "us-east-1:2"}  # the old file, whole
    assert [p.name for p in tmp_path.iterdir()] == ["ids.json"]  # no temporary file left behind


@pytest.mark.parametrize("content", ['{"k": "us-east-1:1"', "[1, 2]", "\x00\xff", '{"k": 3}'])
def test_a_corrupted_json_file_cache_counts_as_empty_and_is_rewritten(tmp_path, content):
    path = tmp_path / "ids.json"
    path.write_text(content, encoding="latin-1")
    cache = JsonFileIdentityIdCache(path)
    assert cache.get("k") is None
    cache.set("k", "us-east-1:9")
    assert json.loads(path.read_text()) == {"k": "us-east-1:9"}

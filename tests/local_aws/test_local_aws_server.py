"""``python -m helpers.local_aws``: prints its URL first, answers several services, binds only its host."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config

from helpers.local_aws import STATUS_PATH, LocalAWS
from tests.support.processes import LineReader, start_module

URL = re.compile(r"^http://127\.0\.0\.1:(\d+)$")


def client(service: str, url: str):
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def refuses(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        try:
            sock.connect((host, port))
        except (ConnectionRefusedError, OSError):
            return True
        return False


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[subprocess.Popen, str]]:
    process = start_module("helpers.local_aws", "--port", "0", merge=False)
    try:
        first = LineReader(process.stdout).wait_for(lambda line: True, timeout=30)
        yield process, first
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_prints_its_url_as_the_first_line(served):
    _, first = served
    assert URL.match(first), first


def test_answers_boto3_calls_for_several_services(served):
    _, url = served
    assert client("sts", url).get_caller_identity()["Account"] == "123456789012"

    s3 = client("s3", url)
    s3.create_bucket(Bucket="server-test")
    s3.put_object(Bucket="server-test", Key="a/b.txt", Body=b"hello")
    assert s3.get_object(Bucket="server-test", Key="a/b.txt")["Body"].read() == b"hello"

    iam = client("iam", url)
    iam.create_role(
        RoleName="server-test",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    assert iam.get_role(RoleName="server-test")["Role"]["Arn"] == "arn:aws:iam::123456789012:role/server-test"

    dynamodb = client("dynamodb", url)
    dynamodb.create_table(
        TableName="server-test",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert dynamodb.list_tables()["TableNames"] == ["server-test"]

    idp = client("cognito-idp", url)
    pool = idp.create_user_pool(PoolName="server-test")["UserPool"]
    assert pool["Name"] == "server-test"


def test_serves_its_own_status_document(served):
    _, url = served
    with urllib.request.urlopen(url + STATUS_PATH, timeout=5) as answer:
        status = json.load(answer)
    assert status["service"] == "local-aws"
    assert status["moto"]


def test_is_not_reachable_on_other_addresses(served):
    _, url = served
    port = int(URL.match(url).group(1))
    assert not refuses("127.0.0.1", port)
    # 127.0.0.2 is also this machine (all of 127.0.0.0/8 is loopback): only the bound address answers.
    assert refuses("127.0.0.2", port)
    assert refuses("::1", port)


def test_binds_only_the_host_it_is_given():
    with LocalAWS(host="127.0.0.2", port=0) as aws:
        assert aws.url.startswith("http://127.0.0.2:")
        assert client("sts", aws.url).get_caller_identity()["Account"] == "123456789012"
        assert refuses("127.0.0.1", aws.port)


def test_says_so_when_the_port_is_taken():
    with LocalAWS(port=0) as taken:
        process = start_module("helpers.local_aws", "--port", str(taken.port))
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    assert f"Port {taken.port} is in use" in output


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_stops_cleanly_on_interrupt(stop_signal):
    process = start_module("helpers.local_aws", "--port", "0", merge=False)
    url = LineReader(process.stdout).wait_for(lambda line: True, timeout=30)
    port = int(URL.match(url).group(1))
    process.send_signal(stop_signal)
    assert process.wait(timeout=15) == 0
    assert refuses("127.0.0.1", port)


def _serving(app):
    """A :class:`ConnectionThreadsServer` for ``app`` on a free loopback port, served in the background."""
    import threading

    from helpers.local_aws.server import ConnectionThreadsServer, RequestHandler

    server = ConnectionThreadsServer("127.0.0.1", 0, app, handler=RequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def test_connections_are_served_by_threads_that_wait_for_the_next_one():
    import threading

    served_by: list[threading.Thread] = []  # the thread objects themselves: identities never reused

    def app(environ, start_response):
        served_by.append(threading.current_thread())
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    server, url = _serving(app)
    try:
        for _ in range(20):
            with urllib.request.urlopen(url, timeout=10) as answer:
                assert answer.read() == b"ok"
            # The answer is read before its thread is back waiting; give it that moment (a loaded
            # machine may be slow to), so that the next connection finds a waiting thread.
            deadline = time.monotonic() + 2
            while server._waiting == 0 and time.monotonic() < deadline:
                time.sleep(0.001)
    finally:
        server.shutdown()
        server.server_close()
    # One connection at a time: the thread that served one serves the next.
    assert len(served_by) == 20 and len(set(served_by)) == 1


def test_concurrent_connections_never_wait_for_a_busy_thread():
    import threading
    from concurrent.futures import ThreadPoolExecutor

    together = threading.Barrier(8, timeout=10)

    def app(environ, start_response):
        together.wait()  # answers only once all eight requests are being served at the same time
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    server, url = _serving(app)

    def fetch(_: int) -> bytes:
        with urllib.request.urlopen(url, timeout=20) as answer:
            return answer.read()

    try:
        for _ in range(3):  # again once threads are waiting from the round before
            with ThreadPoolExecutor(8) as pool:
                assert list(pool.map(fetch, range(8))) == [b"ok"] * 8
            together.reset()
    finally:
        server.shutdown()
        server.server_close()


def test_the_course_helpers_load_moto_only_when_a_local_aws_is_used():
    """A kernel that points its clients at a local AWS elsewhere (``make lab``'s, or a real account)
    imports the course's helpers without moto's server, which costs about 0.3 s of CPU per process."""
    code = """
import sys
import helpers, helpers.course, helpers.display, helpers.login_panel, helpers.security_lab
assert "moto" not in sys.modules, "moto loaded by importing the helpers"
try:
    helpers.local_aws.NoSuchThing
except AttributeError as error:
    assert "NoSuchThing" in str(error)
else:
    raise AssertionError("an unknown name must be an AttributeError")
from helpers.local_aws import LocalAWS
assert "moto" in sys.modules and LocalAWS.__name__ == "LocalAWS"
"""
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)

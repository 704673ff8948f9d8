"""``make lab`` runs ``python -m helpers.lab``: the local AWS and JupyterLab, stopped together by Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import time
import urllib.request
from pathlib import Path

import boto3
import pytest

from tests.support.processes import LineReader, alive, descendants, start_module

pytestmark = pytest.mark.slow

TOKEN = "lab-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_api(port: int, path: str, method: str = "GET", body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.load(answer)


def wait_for_jupyter(port: int, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return jupyter_api(port, "/api/status")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def test_lab_starts_both_and_ctrl_c_leaves_no_process(tmp_path):
    lab_port = free_port()
    env = dict(
        os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime")
    )
    env.pop("AWS_ENDPOINT_URL", None)  # the lab must export its own
    lab = start_module(
        "helpers.lab",
        "--port",
        str(lab_port),
        "--aws-port",
        "0",
        "--",
        "--no-browser",
        f"--IdentityProvider.token={TOKEN}",
        env=env,
    )
    output = LineReader(lab.stdout)
    try:
        aws_url = output.wait_for(lambda line: line.startswith("Local AWS: "), timeout=60).split(": ", 1)[1]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", aws_url)
        # The blog's page, on an origin of its own, configured for the course the lab set up.
        page_url = output.wait_for(lambda line: line.startswith("Blog page: "), timeout=60).split(": ", 1)[1]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", page_url) and not page_url.startswith(aws_url + "/")
        with urllib.request.urlopen(page_url + "config.json", timeout=10) as answer:
            page_config = json.load(answer)
        assert page_config["endpoint"] == aws_url and page_config["identityPoolId"].startswith("us-east-1:")
        assert page_config["loginWithAmazon"]["redirectUri"] == page_url

        status = wait_for_jupyter(lab_port)
        assert "started" in status

        sts = boto3.client(
            "sts",
            endpoint_url=aws_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        assert sts.get_caller_identity()["Account"] == "123456789012"

        # A kernel started by JupyterLab inherits the local AWS's URL, region and dummy credentials.
        kernel = jupyter_api(lab_port, "/api/kernels", "POST", {"name": "python3"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            kernel_pids = {
                pid for pid in descendants(lab.pid) if "ipykernel" in Path(f"/proc/{pid}/cmdline").read_text()
            }
            if kernel_pids:
                break
            time.sleep(0.5)
        assert kernel_pids, f"kernel {kernel['id']} did not start"
        kernel_env = environment_of(next(iter(kernel_pids)))
        assert kernel_env["AWS_ENDPOINT_URL"] == aws_url
        assert kernel_env["AWS_DEFAULT_REGION"] == "us-east-1"
        assert kernel_env["AWS_ACCESS_KEY_ID"] == "testing"
        assert kernel_env["COURSE_BLOG_PAGE_URL"] == page_url

        tree = descendants(lab.pid) | {lab.pid}
        assert len(tree) >= 3, "expected the launcher, JupyterLab and a kernel"
    finally:
        lab.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
        code = lab.wait(timeout=60)

    assert code == 0
    time.sleep(0.5)
    assert alive(tree) == set(), "processes left behind after Ctrl-C"
    for port in (lab_port, int(aws_url.rsplit(":", 1)[1]), int(page_url.rstrip("/").rsplit(":", 1)[1])):
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers"

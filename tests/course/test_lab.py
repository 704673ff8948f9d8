"""``make lab`` runs ``python -m helpers.lab``: what a learner sees and gets, and Ctrl-C stopping it all.

The launcher is started once, as ``make lab`` starts it. The test reads the address it prints (with
JupyterLab's token, as a learner copies it) and checks: the local AWS and the blog's page on an origin of
its own, configured for the course; JupyterLab's page configuration turns the news prompt off; a kernel
JupyterLab starts inherits the local AWS's URL, region and dummy keys, and its channels open as a notebook
tab opens them. Then Ctrl-C: the launcher exits 0, no process is left and no port still answers, and
every warning the terminal showed is one the README's troubleshooting section explains.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from tornado.websocket import websocket_connect

from tests.support.processes import REPO_ROOT, LineReader, alive, descendants, start_module

pytestmark = pytest.mark.slow

# A distinctive part of each Jupyter warning a learner may still see, as the README quotes it.
EXPLAINED = (
    "is not trusted",
    "Kernel is running over TCP without encryption",
    "404 GET /api/contents/",
)
WARNING = re.compile(r"^\[W |WARNING")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, method: str = "GET", body: bytes | None = None) -> bytes:
    request = urllib.request.Request(url, method=method, data=body)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.read()


def get_when_up(url: str, timeout: float = 60) -> bytes:
    """``get``, retried while the server that printed its address is not yet accepting connections."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return get(url)
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def troubleshooting_section() -> str:
    readme = (REPO_ROOT / "README.md").read_text()
    return readme.split("## Troubleshooting", 1)[1].split("\n## ", 1)[0]


async def open_kernel_channels(url: str) -> None:
    connection = await websocket_connect(url)
    await asyncio.sleep(1)
    connection.close()


def kernel_processes(lab_pid: int, timeout: float = 60) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = {
            pid for pid in descendants(lab_pid) if "ipykernel" in Path(f"/proc/{pid}/cmdline").read_text()
        }
        if found:
            return found
        time.sleep(0.5)
    return set()


def test_make_lab_starts_everything_shows_only_explained_warnings_and_ctrl_c_leaves_nothing(tmp_path: Path):
    port = free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
    )
    env.pop("AWS_ENDPOINT_URL", None)  # the lab must export its own
    lab = start_module("helpers.lab", "--port", str(port), "--", "--no-browser", env=env)
    output = LineReader(lab.stdout)
    tree: set[int] = set()
    try:
        aws_url = output.wait_for(lambda line: line.startswith("Local AWS: "), timeout=60).split(": ", 1)[1]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", aws_url)
        # The blog's page, on an origin of its own, configured for the course the lab set up.
        page_url = output.wait_for(lambda line: line.startswith("Blog page: "), timeout=60).split(": ", 1)[1]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", page_url) and not page_url.startswith(aws_url + "/")
        page_config = json.loads(get(page_url + "config.json"))
        assert page_config["endpoint"] == aws_url and page_config["identityPoolId"].startswith("us-east-1:")
        assert page_config["loginWithAmazon"]["redirectUri"] == page_url

        address = output.wait_for(lambda line: f":{port}/lab?token=" in line, timeout=90).strip()
        token = address.split("token=", 1)[1]
        page = get_when_up(address).decode()
        config = json.loads(
            re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)[
                1
            ]
        )
        assert config["news"] == {"disabled": True}  # so JupyterLab never asks to fetch news

        sts = boto3.client(
            "sts",
            endpoint_url=aws_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        assert sts.get_caller_identity()["Account"] == "123456789012"

        # A kernel started by JupyterLab inherits the local AWS's URL, region and dummy credentials.
        kernel = json.loads(get(f"http://127.0.0.1:{port}/api/kernels?token={token}", "POST", b"{}"))
        kernel_pids = kernel_processes(lab.pid)
        assert kernel_pids, f"kernel {kernel['id']} did not start"
        kernel_env = environment_of(next(iter(kernel_pids)))
        assert kernel_env["AWS_ENDPOINT_URL"] == aws_url
        assert kernel_env["AWS_DEFAULT_REGION"] == "us-east-1"
        assert kernel_env["AWS_ACCESS_KEY_ID"] == "testing"
        assert kernel_env["COURSE_BLOG_PAGE_URL"] == page_url
        # Its channels, opened as a notebook tab opens them (the tab names its session).
        session = uuid.uuid4().hex
        channels = (
            f"ws://127.0.0.1:{port}/api/kernels/{kernel['id']}/channels?session_id={session}&token={token}"
        )
        asyncio.run(open_kernel_channels(channels))

        tree = descendants(lab.pid) | {lab.pid}
        assert len(tree) >= 3, "expected the launcher, JupyterLab and a kernel"
    finally:
        lab.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
        code = lab.wait(timeout=60)
    assert code == 0

    try:  # everything the terminal showed, up to the end
        output.wait_for(lambda line: False, timeout=15)
    except EOFError:
        pass
    time.sleep(0.5)
    assert alive(tree) == set(), "processes left behind after Ctrl-C"
    for used in (port, int(aws_url.rsplit(":", 1)[1]), int(page_url.rstrip("/").rsplit(":", 1)[1])):
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", used)) != 0, f"port {used} still answers"

    lines = output.lines
    assert not any(line.startswith("[I ") for line in lines), "info lines are shown"
    assert not any("BuildBackendWarning" in line or "websocket_ping_timeout" in line for line in lines)
    warnings = [line for line in lines if WARNING.search(line)]
    unexplained = [line for line in warnings if not any(part in line for part in EXPLAINED)]
    assert unexplained == []
    section = troubleshooting_section()
    for part in EXPLAINED:
        assert part in section, f"the README's troubleshooting section does not explain {part!r}"

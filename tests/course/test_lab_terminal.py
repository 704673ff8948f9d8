"""What `make lab` shows a learner: the address to open, no news prompt, and only explained warnings.

``python -m helpers.lab`` is started as ``make lab`` starts it; the test reads the token from the URL it
prints (as a learner copies it), checks JupyterLab's page configuration turns the news prompt off,
starts a kernel and opens its websocket as a notebook tab does, then stops the lab with Ctrl-C. Every
warning the terminal showed must be one the README's troubleshooting section explains.
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

import pytest
from tornado.websocket import websocket_connect

from tests.support.processes import REPO_ROOT, LineReader, start_module

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


def troubleshooting_section() -> str:
    readme = (REPO_ROOT / "README.md").read_text()
    return readme.split("## Troubleshooting", 1)[1].split("\n## ", 1)[0]


async def open_kernel_channels(url: str) -> None:
    connection = await websocket_connect(url)
    await asyncio.sleep(1)
    connection.close()


def test_make_lab_shows_the_address_no_news_prompt_and_only_explained_warnings(tmp_path: Path):
    port = free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
    )
    env.pop("AWS_ENDPOINT_URL", None)
    lab = start_module("helpers.lab", "--port", str(port), "--", "--no-browser", env=env)
    output = LineReader(lab.stdout)
    try:
        output.wait_for(lambda line: line.startswith("Local AWS: "), timeout=60)
        address = output.wait_for(lambda line: f":{port}/lab?token=" in line, timeout=90).strip()
        token = address.split("token=", 1)[1]

        page = get_when_up(address).decode()
        config = json.loads(
            re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)[
                1
            ]
        )
        assert config["news"] == {"disabled": True}  # so JupyterLab never asks to fetch news

        kernel = json.loads(get(f"http://127.0.0.1:{port}/api/kernels?token={token}", "POST", b"{}"))
        session = uuid.uuid4().hex  # a notebook tab names its session, as JupyterLab's front end does
        channels = (
            f"ws://127.0.0.1:{port}/api/kernels/{kernel['id']}/channels?session_id={session}&token={token}"
        )
        asyncio.run(open_kernel_channels(channels))
    finally:
        lab.send_signal(signal.SIGINT)
        assert lab.wait(timeout=60) == 0
    try:  # everything the terminal showed, up to the end
        output.wait_for(lambda line: False, timeout=15)
    except EOFError:
        pass
    lines = output.lines

    assert not any(line.startswith("[I ") for line in lines), "info lines are shown"
    assert not any("BuildBackendWarning" in line or "websocket_ping_timeout" in line for line in lines)
    warnings = [line for line in lines if WARNING.search(line)]
    unexplained = [line for line in warnings if not any(part in line for part in EXPLAINED)]
    assert unexplained == []
    section = troubleshooting_section()
    for part in EXPLAINED:
        assert part in section, f"the README's troubleshooting section does not explain {part!r}"

"""Debian's Chromium for the browser tests, driven by Playwright through ``executable_path``.

Playwright never downloads a browser of its own here (``playwright install`` needs the network). As root
in a sandbox with no route to the internet: no sandbox, no GPU, and no background connections (they
would be refused, many at a time).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium(what: str = "the browser test") -> Path:
    """Chromium's path; without it the test skips, except under ``CI=true``, where it fails."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (`apt-get install chromium`; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; {what} must run in CI")
        pytest.skip(message)
    pytest.importorskip("playwright.sync_api")
    return CHROMIUM

"""Debian's Chromium for the browser tests, driven by Playwright through ``executable_path``.

Every browser test runs headless, so it uses Chromium's headless shell (Debian's
``chromium-headless-shell``, which ``.ci/run`` installs): the same Blink and V8 as the browser, without the
browser's windows and user interface, and what Playwright itself runs for headless tests. It draws the same
pages for less CPU than the whole browser in headless mode (the site test: 20 s of machine time instead of
33 s; ``benchmarks/test_suite.py`` prints the run's). Where only the whole browser is installed
(``chromium``), the tests use that.

Playwright never downloads a browser of its own here (``playwright install`` needs the network). As root
in a sandbox with no route to the internet: no sandbox, no GPU, and no background connections (they
would be refused, many at a time).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")
WHOLE_BROWSER = Path("/usr/bin/chromium")
CHROMIUM = HEADLESS_SHELL if HEADLESS_SHELL.exists() or not WHOLE_BROWSER.exists() else WHOLE_BROWSER
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
        message = (
            f"{HEADLESS_SHELL} is missing (`apt-get install chromium-headless-shell`; .ci/run installs it)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; {what} must run in CI")
        pytest.skip(message)
    pytest.importorskip("playwright.sync_api")
    return CHROMIUM

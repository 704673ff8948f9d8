"""pytest configuration for the whole repository: one local AWS per run, shared by tests and notebooks.

``pytest_configure`` starts the local AWS in this process on a free loopback port and exports its URL
(with a region and the local administrator's dummy credentials), so every notebook kernel nbval starts
inherits it, exactly as under ``make lab``.
"""

from __future__ import annotations

import os

import pytest

from helpers import local_aws

_server: local_aws.LocalAWS | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _server
    if hasattr(config, "workerinput"):  # an xdist worker inherits the controller's environment
        return
    _server = local_aws.LocalAWS(port=0).start()
    for name in ("COURSE_TARGET", "COURSE_AWS_ACCOUNT_ID"):  # tests and notebooks run locally
        os.environ.pop(name, None)
    local_aws.export_client_environment(_server.url)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _server is not None:
        _server.stop()


def pytest_collectstart(collector: pytest.Collector) -> None:
    # Warnings on stderr carry per-run temporary paths; compare stdout, results and errors only.
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)


@pytest.fixture(scope="session")
def local_aws_url() -> str:
    """The URL of the run's local AWS."""
    assert _server is not None
    return _server.url

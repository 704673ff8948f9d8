"""pytest configuration for the whole repository: one local AWS per test process, and notebook kernels
that start their own, as on Binder.

``pytest_configure`` starts a local AWS in this process on a free loopback port and exports its URL (with
a region and the local administrator's dummy credentials) for the tests. Under pytest-xdist (``make test``
runs ``-n``) each worker is such a process with its own local AWS, and the controller, which runs no test,
starts none.

Strict nbval starts each notebook's kernel in a plain Jupyter environment (no ``AWS_*``, ``COURSE_*`` or
``BOTO_*`` variables), as Binder or a JupyterHub server starts it: ``helpers.connect()`` then starts a local
AWS inside the kernel, so every notebook is validated on a local AWS of its own, whatever else runs beside
it. (``make lab``'s way, one local AWS whose URL every kernel inherits, is what the browser test runs.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from nbval.plugin import IPyNbFile

from helpers import local_aws
from tests.support.plain_jupyter import plain_jupyter_environment

# How the run is spread over xdist's workers; the lowest-versions job, started early to work beside the rest.
pytest_plugins = ["tests.support.distribution", "tests.support.lowest_versions"]

_server: local_aws.LocalAWS | None = None


def _is_xdist_controller(config: pytest.Config) -> bool:
    return getattr(config.option, "dist", "no") != "no" and not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    global _server
    if _is_xdist_controller(config):
        return
    _server = local_aws.LocalAWS(port=0).start()
    for name in ("COURSE_TARGET", "COURSE_AWS_ACCOUNT_ID"):  # tests run locally
        os.environ.pop(name, None)
    local_aws.export_client_environment(_server.url)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _server is not None:
        _server.stop()


def pytest_collectstart(collector: pytest.Collector) -> None:
    # Warnings on stderr carry per-run temporary paths; compare stdout, results and errors only.
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    # nbval starts a notebook's kernel while setting up its first cell, with this process's environment.
    if isinstance(item.parent, IPyNbFile) and item.parent.kernel is None:
        with plain_jupyter_environment():
            return (yield)
    return (yield)


@pytest.fixture(scope="session")
def local_aws_url() -> str:
    """The URL of this process's local AWS."""
    assert _server is not None
    return _server.url

"""How a run is spread over pytest-xdist's workers (``make test`` runs ``-n 3 --dist loadfile``).

As with xdist's own ``loadfile``, every test file is one unit that a single worker runs in file order (its
module fixtures, such as its own local AWS, are set up once), and so is every notebook under strict nbval
(its cells share one kernel and run in order). Two kinds of file are split, so that the notebook runs
spread over the workers: the files whose tests each run one notebook in a kernel of their own
(``PER_NOTEBOOK``), one unit per notebook; and the browser test, if ``BROWSER_LABS`` says so, in parts
each with a JupyterLab and a Chromium of its own.

Units start longest first (the browser, the site and the programs that start for seconds, then the
notebook runs, then the rest in collection order; ``--no-loadscope-reorder`` keeps that order), so that no
long unit is left to start at the end. Without xdist nothing is split and only the order applies.

xdist's ``--dist loadgroup`` with ``xdist_group`` marks would say the same, but with pytest 9.2 it groups
nothing (pytest-dev/pytest-xdist#1386): the scheduler below reads the units from the tests' ids instead.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

#: Files whose tests each run one notebook (parametrized by its file name) and share only a cheap fixture.
PER_NOTEBOOK = ("tests/course/test_notebooks_real_aws_mode.py",)
#: The browser test: one JupyterLab and one Chromium per unit. One unit: a second lab costs about as much
#: CPU time as it saves wall time on two cores, and the browser test starts first anyway.
BROWSER = "tests/course/test_browser.py"
BROWSER_LABS = 1
#: Files that start other programs for many seconds; they go first, in this order.
FIRST = (
    BROWSER,
    "tests/project/test_site.py",
    "tests/course/test_blog_page.py",
    "tests/course/test_lab.py",
    "tests/local_aws/wire/test_browser_cross_origin.py",
)
_NOTEBOOK_PARAMETER = re.compile(r"\[(\d\d_[^\]]*\.ipynb)\]$")


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def notebook_of(nodeid: str) -> str | None:
    """The notebook a test runs, when it is parametrized by one (``test_x[00_setup-check.ipynb]``)."""
    found = _NOTEBOOK_PARAMETER.search(nodeid)
    return found[1] if found else None


def unit_of(nodeid: str, browser_notebooks: list[str]) -> str:
    """The unit a test runs in: its file (a notebook, for nbval's cells), or a part of a split file."""
    file, notebook = file_of(nodeid), notebook_of(nodeid)
    if file in PER_NOTEBOOK and notebook:
        return f"{file}::{notebook}"
    if file == BROWSER and notebook in browser_notebooks:
        part = browser_notebooks.index(notebook) * BROWSER_LABS // len(browser_notebooks)
        return f"{file}::part-{part + 1}-of-{BROWSER_LABS}"
    return file


def rank(nodeid: str) -> int:
    file = file_of(nodeid)
    if file in FIRST:
        return FIRST.index(file)
    if file.endswith(".ipynb") or file in PER_NOTEBOOK:
        return len(FIRST)
    return len(FIRST) + 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: rank(item.nodeid))  # stable: collection order within a rank


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        """``loadfile``, with the per-notebook files split by notebook and the browser test in parts."""

        browser_notebooks: list[str] = []

        def schedule(self) -> None:
            if self.collection is None and self.registered_collections:
                ids = next(iter(self.registered_collections.values()))
                notebooks = {notebook_of(nodeid) for nodeid in ids if file_of(nodeid) == BROWSER}
                self.browser_notebooks = sorted(notebooks - {None})
            super().schedule()

        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid, self.browser_notebooks)

    return CourseScheduling(config, log)

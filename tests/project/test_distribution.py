"""How make test runs pytest: its environment, and how it spreads the run over xdist's workers
(tests/support/distribution.py): what stays together."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.support.distribution import BROWSER, rank, unit_of

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = ["00_setup-check.ipynb", "02_identity-pool.ipynb", "13_cleanup.ipynb"]


def test_a_notebooks_cells_and_a_modules_tests_stay_in_one_unit():
    cells = [f"notebooks/00_setup-check.ipynb::Cell {number}" for number in range(3)]
    assert {unit_of(cell, NOTEBOOKS) for cell in cells} == {"notebooks/00_setup-check.ipynb"}
    tests = ["tests/local_aws/test_memory.py::test_a", "tests/local_aws/test_memory.py::test_b[x]"]
    assert {unit_of(test, NOTEBOOKS) for test in tests} == {"tests/local_aws/test_memory.py"}
    # A notebook name as a parameter splits nothing outside the per-notebook files.
    parametrized = "tests/course/test_notebooks.py::test_notebook_is_stored_executed_and_safe"
    assert unit_of(f"{parametrized}[00_setup-check.ipynb]", NOTEBOOKS) == "tests/course/test_notebooks.py"


def test_real_aws_mode_runs_spread_one_notebook_each():
    test = "tests/course/test_notebooks_real_aws_mode.py::test_notebook_runs_with_the_real_aws_target"
    units = {unit_of(f"{test}[{name}]", NOTEBOOKS) for name in NOTEBOOKS}
    assert len(units) == len(NOTEBOOKS)


def test_the_browser_test_is_one_unit_per_lab_and_goes_first():
    test = f"{BROWSER}::test_notebook_runs_in_jupyterlab_in_a_browser"
    units = {unit_of(f"{test}[{name}]", NOTEBOOKS) for name in NOTEBOOKS}
    assert len(units) == 1
    assert rank(f"{test}[00_setup-check.ipynb]") < rank("notebooks/00_setup-check.ipynb::Cell 0")
    assert rank("notebooks/00_setup-check.ipynb::Cell 0") < rank("tests/local_aws/test_memory.py::test_a")


def test_make_test_uses_the_scheduler_that_knows_these_units():
    options = re.search(r"^PYTEST_XDIST\s*:?=(.*)$", (REPO / "Makefile").read_text(), re.MULTILINE)
    assert options, "the Makefile names make test's xdist options in PYTEST_XDIST"
    assert "--dist loadfile" in options[1] and "--no-loadscope-reorder" in options[1]
    assert "$(PYTEST_XDIST)" in (REPO / "Makefile").read_text()


def test_make_test_writes_bytecode_even_where_the_environment_says_not_to():
    """Each of the run's Python processes reads the course's modules and the rewritten tests compiled once."""
    makefile = (REPO / "Makefile").read_text()
    environment = re.search(r"^PYTEST_ENV\s*:?=(.*)$", makefile, re.MULTILINE)
    assert environment, "the Makefile names the environment of make test's pytest in PYTEST_ENV"
    assert shlex.split(environment[1]) == ["PYTHONDONTWRITEBYTECODE="]  # empty: Python writes bytecode
    assert "\t$(PYTEST_ENV) $(PY) -m pytest $(PYTEST_XDIST)" in makefile

"""Every notebook runs where only the project is installed: no `make lab`, no local AWS started for it.

This is how Binder, a JupyterHub server or a classroom image runs the course (``pip install`` of the
project, then a plain Jupyter server, one learner per server): the kernel has no ``AWS_ENDPOINT_URL``
and no AWS settings at all, and ``helpers.connect()`` starts a local AWS inside the kernel.

Strict nbval is what runs every notebook that way: the root conftest starts each notebook's kernel in
such a plain environment, so each notebook is validated, output by output, on a local AWS its own kernel
started. The tests below show the two halves of that: nbval's kernels see no AWS or course variable (a
probe notebook whose stored output says so passes strict nbval, which compares it), and a notebook run in
such a kernel says it talks to a local AWS that is not the one this pytest run started.
"""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.support.plain_jupyter import PREFIXES, plain_environment

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SET_UP_CHECK = REPO / "notebooks" / "00_setup-check.ipynb"
TARGET_LINE = re.compile(r"Target: local AWS at (http://127\.0\.0\.1:\d+)")
#: A probe notebook's one cell: the AWS and course variables its kernel sees (stored output: none).
PROBE_SOURCE = f"""import os
print(sorted(name for name in os.environ if name.startswith({PREFIXES!r})))"""


def stream_text(notebook: nbformat.NotebookNode) -> str:
    return "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream"
    )


def test_a_notebook_in_a_plain_kernel_uses_a_local_aws_of_its_own(local_aws_url: str):
    notebook = nbformat.read(SET_UP_CHECK, as_version=4)
    folder = {"metadata": {"path": str(SET_UP_CHECK.parent)}}
    client = NotebookClient(notebook, kernel_name="python3", timeout=300, resources=folder)
    client.execute(env=plain_environment())  # raises CellExecutionError on an unexpected error

    targets = set(TARGET_LINE.findall(stream_text(notebook)))
    assert len(targets) == 1, f"expected one local AWS target line, saw {targets}"
    assert targets != {local_aws_url}, "the kernel used this run's local AWS, not one of its own"


def probe_notebook(folder: Path) -> Path:
    """A notebook whose stored output says its kernel sees no AWS or course variable."""
    cell = nbformat.v4.new_code_cell(PROBE_SOURCE, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="[]\n")]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    # Beside the course's notebooks, so the kernel runs where theirs do (the name is in .gitignore).
    path = folder / f".nbval-probe-{uuid.uuid4().hex}.ipynb"
    nbformat.write(notebook, path)
    return path


def test_strict_nbvals_kernels_see_no_aws_or_course_variable():
    """The run's conftest exports its local AWS's URL and keys for the tests; nbval's kernels get none."""
    probe = probe_notebook(REPO / "notebooks")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(probe)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
        assert "1 passed" in result.stdout
    finally:
        probe.unlink(missing_ok=True)

"""Every notebook runs where only the project is installed: no `make lab`, no local AWS started for it.

This is how Binder, a JupyterHub server or a classroom image runs the course (``pip install`` of the
project, then a plain Jupyter server, one learner per server): the kernel has no ``AWS_ENDPOINT_URL``
and no AWS settings at all, and ``helpers.connect()`` starts a local AWS inside the kernel. Each
notebook is run top to bottom in a fresh kernel with such an environment (cells tagged
``raises-exception`` may raise; any other error fails), and must say it talks to a local AWS that is
not the one this pytest run started.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TARGET_LINE = re.compile(r"Target: local AWS at (http://127\.0\.0\.1:\d+)")


def plain_jupyter_environment() -> dict[str, str]:
    """This process's environment without anything that points at AWS or a course target."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "COURSE_", "BOTO_")) and name != "JPY_SESSION_NAME"
    }


def stream_text(notebook: nbformat.NotebookNode) -> str:
    return "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_with_a_local_aws_started_in_its_kernel(path: Path, local_aws_url: str):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(env=plain_jupyter_environment())  # raises CellExecutionError on an unexpected error

    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.strip():
            assert cell.execution_count is not None, f"cell did not run: {cell.source[:60]!r}"
    targets = set(TARGET_LINE.findall(stream_text(notebook)))
    if "helpers.connect(" in "".join(cell.source for cell in notebook.cells if cell.cell_type == "code"):
        assert len(targets) == 1, f"expected one local AWS target line, saw {targets}"
        assert targets != {local_aws_url}, "the kernel used this run's local AWS, not one of its own"

"""The stored notebooks are documentation: executed, safe to publish, and really checked by strict nbval."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SECRET = re.compile(r"(ASIA|AKIA)[A-Z0-9]{16}|['\"]?SecretKey['\"]?\s*[:=]\s*['\"][A-Za-z0-9/+=]{20,}")


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks/NN_name.ipynb found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_executed_and_safe(path: Path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    titles = [
        cell for cell in notebook.cells if cell.cell_type == "markdown" and cell.source.startswith("# ")
    ]
    assert len(titles) == 1, "one '# ' title per notebook"
    for cell in code_cells(notebook):
        assert cell.execution_count is not None, f"unexecuted code cell: {cell.source[:60]!r}"
        if "raises-exception" in cell.metadata.get("tags", []):
            assert any(output.output_type == "error" for output in cell.outputs), (
                f"raises-exception cell stores no error: {cell.source[:60]!r}"
            )
    outputs = json.dumps([cell.get("outputs", []) for cell in notebook.cells])
    assert not SECRET.search(outputs), "stored outputs show credentials"


def run_pytest_on(notebook: Path) -> subprocess.CompletedProcess:
    """pytest with the repository's own configuration (strict nbval and its sanitize file) on one notebook."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            "pyproject.toml",
            "--rootdir",
            ".",
            "-p",
            "no:cacheprovider",
            "-q",
            str(notebook),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_strict_nbval_fails_a_notebook_whose_stored_output_was_edited():
    source = REPO / "notebooks" / "00_setup-check.ipynb"
    # Beside the original, so the notebook runs from the same folder it expects.
    copy = source.with_name(f".nbval-probe-{uuid.uuid4().hex}.ipynb")
    try:
        copy.write_bytes(source.read_bytes())
        unedited = run_pytest_on(copy)
        assert unedited.returncode == 0, unedited.stdout[-3000:]

        notebook = nbformat.read(copy, as_version=4)
        edited = 0
        for cell in code_cells(notebook):
            for output in cell.outputs:
                if output.output_type == "stream" and "Account: " in output.text:
                    output.text = output.text.replace("Account: ", "Account number: ")
                    edited += 1
        assert edited == 1
        nbformat.write(notebook, copy)
        result = run_pytest_on(copy)
        assert result.returncode == 1, result.stdout[-3000:]
        assert "Account number: " in result.stdout and "1 failed" in result.stdout
    finally:
        copy.unlink(missing_ok=True)


def test_repository_configuration_runs_strict_nbval():
    addopts = (REPO / "pyproject.toml").read_text()
    assert "--nbval --nbval-current-env --nbval-sanitize-with nbval-sanitize.cfg" in addopts
    assert "--nbval-lax" not in addopts

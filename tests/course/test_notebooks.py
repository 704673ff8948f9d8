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

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
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
    """One stored output edited, and strict nbval fails that cell alone, showing the edit (the unedited
    notebook passes: nbval's own run of notebooks/ in the same ``make test``)."""
    source = REPO / "notebooks" / "00_setup-check.ipynb"
    # Beside the original, so the notebook runs from the same folder it expects.
    copy = source.with_name(f".nbval-probe-{uuid.uuid4().hex}.ipynb")
    try:
        copy.write_bytes(source.read_bytes())
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
        # Only the edited cell fails: every other cell of the copy runs and matches.
        assert "Account number: " in result.stdout
        assert re.search(r"\b1 failed, [1-9]\d* passed", result.stdout), result.stdout[-3000:]
    finally:
        copy.unlink(missing_ok=True)


def test_repository_configuration_runs_strict_nbval():
    addopts = (REPO / "pyproject.toml").read_text()
    assert "--nbval --nbval-current-env --nbval-sanitize-with nbval-sanitize.cfg" in addopts
    assert "--nbval-lax" not in addopts


# --- Reading well: what a stored notebook shows a reader --------------------------------------------

#: A filesystem path of the machine that executed the notebook (a virtualenv, a home, a temp folder).
MACHINE_PATH = re.compile(r"(/(home|Users|root|work|tmp|usr|opt|var)/[\w.-]+/|site-packages|[A-Z]:\\\\)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
MAX_TRACEBACK_LINES = 3  # %xmode Minimal: the error's name and message, nothing else


def stored_outputs(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [output for cell in notebook.cells for output in cell.get("outputs", [])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_show_no_machine_paths_and_short_tracebacks(path: Path):
    notebook = nbformat.read(path, as_version=4)
    for output in stored_outputs(notebook):
        text = json.dumps(output)
        assert not MACHINE_PATH.search(text), (
            f"a path of the executing machine: {MACHINE_PATH.search(text)[0]}"
        )
        if output.output_type == "error":
            lines = ANSI.sub("", "\n".join(output.traceback)).strip().splitlines()
            assert len(lines) <= MAX_TRACEBACK_LINES, f"{len(lines)}-line traceback: {lines[:3]}"
            assert lines[-1].startswith(f"{output.ename}: "), lines
            assert not any(ANSI.search(frame) and "File " in frame for frame in output.traceback)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_sets_minimal_tracebacks_before_its_first_error(path: Path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in code_cells(notebook)]
    first_error = next(
        (i for i, cell in enumerate(code) if any(o.output_type == "error" for o in cell.outputs)), None
    )
    if first_error is not None:
        assert any("%xmode Minimal" in cell.source for cell in code[: first_error + 1])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ends_with_resources_and_references_with_aws_links(path: Path):
    notebook = nbformat.read(path, as_version=4)
    last = notebook.cells[-1]
    assert last.cell_type == "markdown" and last.source.startswith("## Resources and references")
    links = re.findall(r"\]\((https://[^)\s]+)\)", last.source)
    assert any(re.match(r"https://(docs\.aws\.amazon\.com|aws\.amazon\.com)/", link) for link in links), links


def test_the_machine_path_check_catches_what_it_is_for():
    assert MACHINE_PATH.search("/work/main/.venv/lib/python3.11/site-packages/botocore/client.py")
    assert MACHINE_PATH.search("File /home/ana/project/helpers/course.py:12")
    assert not MACHINE_PATH.search("arn:aws:s3:::cognito-course-blog/comments/us-east-1:x/hello.txt")


def test_only_the_set_up_check_guards_the_helpers_import():
    guards = [path.name for path in NOTEBOOKS if "except ModuleNotFoundError" in path.read_text()]
    assert guards == ["00_setup-check.ipynb"]


def test_notebook_06_run_twice_shows_the_same_identity_id_for_the_same_user():
    """The lesson of notebook 06 is that a login keeps its identity ID; a re-run must not contradict it."""
    from nbclient import NotebookClient

    path = REPO / "notebooks" / "06_identity-id.ipynb"
    shown = []
    for _ in range(2):
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        ).execute()
        text = "".join(o.get("text", "") for o in stored_outputs(notebook) if o.output_type == "stream")
        shown.append(re.findall(r"identity ID: (\S+)", text))
    assert len(shown[0]) == 1 and re.fullmatch(r"[a-z]{2}-[a-z]+-\d:[0-9a-f-]{36}", shown[0][0]), shown
    assert shown[0] == shown[1]


def test_the_only_html_output_stored_is_notebook_05s_frame_and_there_is_no_javascript():
    """What the README says to a reader whom Jupyter asks to trust a notebook."""
    found = [
        (path.name, mime)
        for path in NOTEBOOKS
        for output in stored_outputs(nbformat.read(path, as_version=4))
        for mime in output.get("data", {})
        if mime in ("text/html", "application/javascript")
    ]
    assert found == [("05_blog-in-the-browser.ipynb", "text/html")], found
    frame = next(
        output["data"]["text/html"]
        for output in stored_outputs(nbformat.read(REPO / "notebooks" / found[0][0], as_version=4))
        if "text/html" in output.get("data", {})
    )
    assert frame.strip().startswith("<iframe")

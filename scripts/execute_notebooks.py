"""Execute notebooks in place against a fresh local AWS and store normalised outputs.

    python scripts/execute_notebooks.py notebooks/*.ipynb

Each notebook runs in its own folder (as in JupyterLab and nbval), cells tagged ``raises-exception`` may
raise, any other error stops with a non-zero exit. Outputs are kept with their execution counts;
volatile metadata (per-cell execution timings, widget state) is dropped, as ``nbstripout --keep-output
--keep-count`` would, so a re-run changes only what really changed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers import local_aws


def normalise(notebook: nbformat.NotebookNode) -> None:
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)


def execute(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    normalise(notebook)
    nbformat.write(notebook, path)


def _server() -> local_aws.LocalAWS:
    """Port 5000 when it is free, so stored outputs show the same URL run after run (nbval ignores it)."""
    try:
        return local_aws.LocalAWS(port=5000)
    except (OSError, SystemExit):
        return local_aws.LocalAWS(port=0)


def main(paths: list[str]) -> int:
    with _server() as aws:
        for name in ("COURSE_TARGET", "COURSE_AWS_ACCOUNT_ID"):  # stored outputs come from the local AWS
            os.environ.pop(name, None)
        local_aws.export_client_environment(aws.url)
        for path in paths:
            print(f"executing {path}", flush=True)
            execute(Path(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The layering written down as import-linter contracts (``[tool.importlinter]`` in pyproject.toml) holds:
no import circle inside the identity-pool service, its model never imports the wire layer, and the
course's modules reach the local AWS only through ``helpers.local_aws``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def lint_imports() -> str:
    beside_python = Path(sys.executable).with_name("lint-imports")
    found = str(beside_python) if beside_python.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is missing: install the test dependencies (import-linter)"
    return found


def test_import_contracts_are_kept():
    # This checkout's helpers, whatever an editable install elsewhere points at.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [lint_imports(), "--no-cache"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout

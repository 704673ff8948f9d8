"""Exit 0 when the running Python already satisfies the project (used by the Makefile).

Satisfied means: this repository's ``helpers`` is what ``import helpers`` finds (an editable install of
this checkout) and every dependency in pyproject.toml is installed at an allowed version. Anything
else (including an error here) exits 1, and the Makefile then sets up ``.venv`` instead.
"""

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    try:
        spec = importlib.util.find_spec("helpers")
        if spec is None or spec.origin is None or Path(spec.origin).resolve().parent != REPO / "helpers":
            return 1
        from helpers.setup_check import check_requirements

        checks = check_requirements()
        return 0 if checks and all(check.ok for check in checks) else 1
    except Exception:
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""Wall time of validating the notebooks with strict nbval, all together and one by one.

    python benchmarks/notebooks.py

Runs ``pytest`` with the repository's configuration (each run starts its own local AWS, as ``make test``
does), first on every notebook at once, then on each notebook alone.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def validate(*paths: Path) -> tuple[float, int]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *map(str, paths)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, result.returncode


def main() -> int:
    notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    seconds, code = validate(*notebooks)
    print(f"all {len(notebooks)} notebooks: {seconds:.1f} s ({'passed' if code == 0 else 'FAILED'})")
    worst = code
    for notebook in notebooks:
        seconds, code = validate(notebook)
        worst = worst or code
        print(f"  {notebook.name}: {seconds:.1f} s ({'passed' if code == 0 else 'FAILED'})")
    return worst


if __name__ == "__main__":
    sys.exit(main())

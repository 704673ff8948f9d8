"""Wall time of validating the notebooks with strict nbval, all together and one by one.

    python benchmarks/notebooks.py

Runs ``pytest`` with the repository's configuration (each run starts its own local AWS, as ``make test``
does), first on every notebook at once, then on each notebook alone. A notebook that fails is reported
(with pytest's summary of what failed) and the others are still timed; the exit status is non-zero if
any run failed, so ``make benchmark`` goes on to the next benchmark and fails at the end.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # nbval colours its failure lines
TIMEOUT = 900  # seconds for one pytest run: a hung kernel must not stop the benchmark


def validate(*paths: Path) -> tuple[float, int, str]:
    """Seconds, pytest's exit status, and its summary lines of what failed (empty if nothing did)."""
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider", *map(str, paths)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, 1, f"no result after {TIMEOUT} s"
    seconds = time.perf_counter() - started
    failed = [line for line in result.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    if result.returncode and not failed:  # e.g. a collection error: the last lines say what happened
        failed = (result.stdout + result.stderr).strip().splitlines()[-3:]
    return seconds, result.returncode, "\n".join(failed)


def _show(name: str, seconds: float, code: int, failed: str) -> None:
    print(f"{name}: {seconds:.1f} s ({'passed' if code == 0 else 'FAILED'})")
    for line in failed.splitlines():
        print(f"      {_ANSI_COLOUR.sub('', line)[:200]}")


def main() -> int:
    notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    seconds, code, failed = validate(*notebooks)
    _show(f"all {len(notebooks)} notebooks", seconds, code, failed)
    worst = code
    for notebook in notebooks:
        seconds, code, failed = validate(notebook)
        worst = worst or code
        _show(f"  {notebook.name}", seconds, code, failed)
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())

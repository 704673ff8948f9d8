"""Wall time of validating the notebooks with strict nbval, all together and one by one.

    python benchmarks/notebooks.py

Runs ``pytest`` with the repository's configuration (each notebook's kernel starts its own local AWS,
as under ``make test``), first on every notebook at once with ``make test``'s worker processes (the
Makefile's ``PYTEST_XDIST``), then on each notebook alone in one process. Each line gives the wall time
and the CPU time it took (pytest's and its kernels'). Target (issue 14): the whole course validates in at
most 60 s on 2 cores. A notebook that fails is reported (with pytest's summary of what failed) and the
others are still timed; the exit status is non-zero if any run failed, so ``make benchmark`` goes on to
the next benchmark and fails at the end.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from measuring import cpu_seconds, make_test_environment, make_test_options

REPO = Path(__file__).resolve().parent.parent
_ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # nbval colours its failure lines
TIMEOUT = 900  # seconds for one pytest run: a hung kernel must not stop the benchmark


def validate(*paths: Path, options: tuple[str, ...] = ()) -> tuple[float, float, int, str]:
    """Seconds, CPU seconds, pytest's exit status, and its summary lines of what failed (or nothing)."""
    started, cpu = time.perf_counter(), cpu_seconds()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider", *options]
            + [str(path) for path in paths],
            cwd=REPO,
            env={**os.environ, **make_test_environment()},  # as under `make test`
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, cpu_seconds() - cpu, 1, f"no result after {TIMEOUT} s"
    seconds = time.perf_counter() - started
    failed = [line for line in result.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    if result.returncode and not failed:  # e.g. a collection error: the last lines say what happened
        failed = (result.stdout + result.stderr).strip().splitlines()[-3:]
    return seconds, cpu_seconds() - cpu, result.returncode, "\n".join(failed)


def _show(name: str, seconds: float, cpu: float, code: int, failed: str) -> None:
    print(f"{name}: {seconds:.1f} s, CPU {cpu:.1f} s ({'passed' if code == 0 else 'FAILED'})")
    for line in failed.splitlines():
        print(f"      {_ANSI_COLOUR.sub('', line)[:200]}")


def main() -> int:
    notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    options = tuple(make_test_options())
    seconds, cpu, code, failed = validate(*notebooks, options=options)
    _show(f"all {len(notebooks)} notebooks ({' '.join(options)})", seconds, cpu, code, failed)
    worst = code
    for notebook in notebooks:
        seconds, cpu, code, failed = validate(notebook)
        worst = worst or code
        _show(f"  {notebook.name}", seconds, cpu, code, failed)
    load = os.getloadavg()[0]
    print(f"on {os.cpu_count()} cores; load average at the end {load:.1f} (target: 60 s for all)")
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())

"""What the benchmarks that run ``make test``'s pytest share: its options and environment, and the CPU time
a run took.

Imported by the scripts beside it (``python benchmarks/<name>.py`` puts this folder first on the path).
"""

from __future__ import annotations

import os
import re
import resource
import shlex
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def make_test_options() -> list[str]:
    """The pytest options ``make test`` adds (the Makefile's ``PYTEST_XDIST``)."""
    found = re.search(r"^PYTEST_XDIST\s*:?=(.*)$", (REPO / "Makefile").read_text(), re.MULTILINE)
    if not found:
        raise SystemExit("no PYTEST_XDIST line in the Makefile: update benchmarks/measuring.py")
    return shlex.split(found[1])


def make_test_environment() -> dict[str, str]:
    """The environment variables ``make test`` sets for pytest (the Makefile's ``PYTEST_ENV``)."""
    found = re.search(r"^PYTEST_ENV\s*:?=(.*)$", (REPO / "Makefile").read_text(), re.MULTILINE)
    if not found:
        raise SystemExit("no PYTEST_ENV line in the Makefile: update benchmarks/measuring.py")
    return dict(assignment.split("=", 1) for assignment in shlex.split(found[1]))


def cpu_seconds() -> float:
    """User and system time of this process's child processes that have ended (and of theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_cpu_seconds() -> float | None:
    """CPU time the whole machine has spent busy (user, nice, system, softirq) since boot, or ``None``
    where there is no ``/proc/stat``."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, _irq, softirq = (int(value) for value in fields[1:8])
    return (user + nice + system + softirq) / os.sysconf("SC_CLK_TCK")


def reference_seconds(iterations: int = 10_000_000) -> float:
    """CPU time of a fixed pure-Python loop: how fast this machine runs Python right now. A virtual
    machine's speed drifts with what else its host runs (the same suite took a fifth more CPU time an hour
    later, and so did this loop), so a run's times are read against it."""
    started = time.process_time()
    total = 0
    for number in range(iterations):
        total += number
    return time.process_time() - started

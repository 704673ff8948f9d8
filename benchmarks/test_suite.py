"""Wall time of the test suite as ``make test`` runs it, per folder of ``tests/`` and in total.

    python benchmarks/test_suite.py [--without-slow] [-- more pytest arguments]

Runs what ``make test`` runs: ``ruff check .``, then one ``pytest`` over the configured testpaths (``tests``
and the notebooks under strict nbval) with the Makefile's ``PYTEST_XDIST`` options (worker processes) and
``PYTEST_ENV`` environment, with ``--junitxml`` so that each test's time (set-up, call and tear-down) is added
up by the folder it is in. Prints ruff's time, each folder's time (summed over the workers, so the folders add
up to more than the wall time) and share, the same by top folder, pytest's wall time, the total, and the CPU
time the run took: its own and its child processes' (``getrusage``), and, on Linux, the whole machine's while
it ran (``/proc/stat``), which is what two cores must share. The two differ by the processes that outlive
their parent and are reaped by init, whose time ``getrusage`` never sees (Chromium's renderers, about 25 s of
the run), and by anything else the machine was doing (the load average before the run says). Last, the
CPU time of a fixed Python loop before the run: a virtual machine's speed drifts with its host, so compare
runs made at the same speed.
``--without-slow`` leaves out the tests marked ``slow`` or ``browser`` (the lowest-versions run, notebook
runs, JupyterLab, the browser and site tests), to time the rest alone; ``-- -m "slow or browser"`` times those
alone. Target (issue 11): ``make test`` at most 150 s on 2 cores. Nothing is asserted about time; the script
fails only if ruff or pytest fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

from measuring import (
    cpu_seconds,
    machine_cpu_seconds,
    make_test_environment,
    make_test_options,
    reference_seconds,
)

REPO = Path(__file__).resolve().parent.parent


def folder_of(classname: str, file: str | None) -> str:
    """The folder a test is in (``tests/local_aws/wire``), or ``notebooks`` for nbval's cells."""
    path = file or classname.replace(".", "/")
    if path.endswith(".ipynb") or path.startswith("notebooks"):
        return "notebooks"
    parts = Path(path).parts
    return "/".join(parts[:-1]) if path.endswith(".py") else "/".join(parts[:-1]) or path


def times_by_file(junit: Path) -> dict[str, float]:
    """Each test file's time (set-up, calls, tear-down of its tests); nbval's cells by notebook."""
    files: dict[str, float] = defaultdict(float)
    for case in ElementTree.parse(junit).iter("testcase"):
        files[case.get("file") or case.get("classname", "").replace(".", "/")] += float(case.get("time", 0))
    return dict(files)


def slowest(files: dict[str, float], count: int = 8) -> list[tuple[str, float]]:
    return sorted(files.items(), key=lambda item: -item[1])[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without-slow", action="store_true", help="leave out tests marked slow or browser")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    options = parser.parse_args()
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    # This checkout's helpers, and the Makefile's PYTEST_ENV (bytecode written), as under `make test`.
    env = {**os.environ, "PYTHONPATH": path, **make_test_environment()}

    load_before = os.getloadavg()[0]  # other work on the machine slows the run: say how much there was
    reference = reference_seconds()  # and how fast the machine runs Python today
    machine_before = machine_cpu_seconds()
    started = time.perf_counter()
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "-q", "."], cwd=REPO, env=env)
    ruff_time = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as scratch:
        junit = Path(scratch) / "suite.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rfE",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
        ]
        command += ["-o", "junit_family=xunit1"]  # xunit1 records each test's file
        command += make_test_options()
        if options.without_slow:
            command += ["-m", "not slow and not browser"]
        command += options.pytest_args
        began = time.perf_counter()
        pytest_run = subprocess.run(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
        pytest_time = time.perf_counter() - began
        lines = pytest_run.stdout.strip().splitlines() or ["(no output)"]
        summary = lines[-1]
        failures = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
        files = times_by_file(junit) if junit.exists() else {}
    folders: dict[str, float] = defaultdict(float)
    for file, seconds in files.items():
        folders[folder_of(file, file)] += seconds

    print(f"{'ruff check .':<40} {ruff_time:7.2f} s")
    for folder, seconds in sorted(folders.items(), key=lambda item: -item[1]):
        print(f"{folder:<40} {seconds:7.1f} s  {100 * seconds / pytest_time:5.1f} %")
    tops: dict[str, float] = defaultdict(float)
    for folder, seconds in folders.items():
        tops["/".join(folder.split("/")[:2])] += seconds
    print("by top folder: " + ", ".join(f"{top} {seconds:.0f} s" for top, seconds in sorted(tops.items())))
    print("slowest files: " + ", ".join(f"{file} {seconds:.0f} s" for file, seconds in slowest(files)))
    counted = sum(folders.values())
    print(f"{'tests summed over the workers':<40} {counted:7.1f} s  ({counted / pytest_time:.1f} x wall)")
    print(f"{'pytest wall time':<40} {pytest_time:7.1f} s  {summary}")
    for line in failures:  # what failed, so that a slow run is not mistaken for a good one
        print(f"  {line[:200]}")
    total = ruff_time + pytest_time
    print(f"{'total (make test without set-up)':<40} {total:7.1f} s  (target: 150 s)")
    cpu = cpu_seconds()
    print(f"{'CPU time (user + system, with children)':<40} {cpu:7.1f} s  {cpu / total:.2f} cores busy")
    machine_after = machine_cpu_seconds()
    if machine_before is not None and machine_after is not None:
        machine = machine_after - machine_before
        print(f"{'CPU time of the whole machine':<40} {machine:7.1f} s  {machine / total:.2f} cores busy")
    load_after = os.getloadavg()[0]
    print(f"on {os.cpu_count()} cores; load average before the run {load_before:.1f}, after {load_after:.1f}")
    print(f"machine speed: a fixed Python loop took {reference:.2f} s of CPU before the run")
    return 1 if ruff.returncode or pytest_run.returncode else 0


if __name__ == "__main__":
    sys.exit(main())

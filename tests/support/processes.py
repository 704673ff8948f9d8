"""Starting and watching the project's command-line programs from tests."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from helpers.lab import REPO_ROOT, descendants, is_alive  # noqa: F401  (re-exported for the tests)


class LineReader:
    """Reads a process's output on a thread, so tests can wait for a line without blocking forever."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, predicate: Callable[[str], bool], timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching line within {timeout} s; saw: {self.lines[-20:]}")
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise EOFError(f"the process closed its output; saw: {self.lines[-20:]}")
            self.lines.append(line)
            if predicate(line):
                return line


def start_module(
    module: str, *args: str, env: dict[str, str] | None = None, merge: bool = True
) -> subprocess.Popen:
    """``python -m module args`` from the repository root, as text; stderr merged into stdout or discarded."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=Path(REPO_ROOT),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge else subprocess.DEVNULL,
        text=True,
    )


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` that still run."""
    return {pid for pid in pids if is_alive(pid)}

"""Tools for the watch and serve tests: waiting on a condition, the real command in a subprocess."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

NOW = "2026-11-20T12:00+00:00"

DEADLINE = 20.0  # generous for a loaded 2-core machine; the waits end as soon as the condition holds

W47 = "checkins/2026/2026-W47-alice.md"

def wait_until(condition: Callable[[], object], timeout: float = DEADLINE, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)

class Command:
    """`journal …` in a subprocess, its output collected line by line on a thread."""

    def __init__(self, *args: str | Path) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "journal", *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8",
            # A command that does not end is made to print where each of its threads is (SIGABRT).
            env={**os.environ, "PYTHONFAULTHANDLER": "1"},
            # A shell that starts jobs in the background may have them ignore SIGINT.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def count(self, pattern: str) -> int:
        return sum(1 for line in list(self.lines) if re.search(pattern, line))

    def wait_for(self, pattern: str, at_least: int = 1) -> None:
        def seen() -> bool:
            if self.proc.poll() is not None and self.count(pattern) < at_least:
                raise AssertionError(f"exited {self.proc.returncode} before {pattern!r}:\n{self.output}")
            return self.count(pattern) >= at_least
        try:
            wait_until(seen, what=repr(pattern))
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- output so far ---\n{self.output}") from None

    def interrupt(self, sig: int = signal.SIGINT) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(DEADLINE)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
            self.proc.wait(DEADLINE)
            self._reader.join(DEADLINE)
            raise AssertionError(f"still running {DEADLINE} s after signal {sig}:\n{self.output}") from None
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self._reader.join(DEADLINE)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

def page(root: Path, name: str = "periods/2026-W47.html") -> str:
    try:
        return (root / "site" / name).read_text(encoding="utf-8")
    except OSError:
        return ""  # between the two renames of a build's swap

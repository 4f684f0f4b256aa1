"""The ``searcher`` command run as a user runs it, in a process of its own: the one helper every test
that starts it uses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def searcher_command(*args: str) -> list[str]:
    """The command line: this interpreter, so the checkout's own code and virtual environment run."""
    return [sys.executable, "-m", "searcher", *args]


def searcher_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment, with no progress bars (they would fill the captured output)."""
    return {**os.environ, "SEARCHER_PROGRESS": "0", **(env or {})}


def run_searcher(
    *args: str, env: dict[str, str] | None = None, cwd: Path | str | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Runs the command to its end; its output captured as text, its exit status left to the test."""
    return subprocess.run(
        searcher_command(*args),
        capture_output=True,
        text=True,
        check=False,
        env=searcher_environment(env),
        cwd=cwd,
        timeout=timeout,
    )


def start_searcher(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Starts the command and returns at once (to signal, kill or read it while it runs)."""
    return subprocess.Popen(
        searcher_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=searcher_environment(env),
    )

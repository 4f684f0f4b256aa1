"""The ``searcher`` command run as a user runs it, in a process of its own: the one helper every test
and benchmark that starts it uses, ``searcher serve`` on a free port included."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPResponse
from pathlib import Path


def searcher_command(*args: str) -> list[str]:
    """The command line: this interpreter, so the checkout's own code and virtual environment run."""
    return [sys.executable, "-m", "searcher", *args]


def searcher_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment, with no progress bars (they would fill the captured output)."""
    return {**os.environ, "SEARCHER_PROGRESS": "0", **(env or {})}


def run_searcher(
    *args: str, env: dict[str, str] | None = None, cwd: Path | str | None = None, timeout: float | None = 600
) -> subprocess.CompletedProcess[str]:
    """Runs the command to its end (``timeout=None``: however long it takes); its output captured as
    text, its exit status left to the caller."""
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


class ServerDidNotAnswer(AssertionError):
    """A server that exited, or did not answer in time, before it served a page (a test failure)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 180) -> HTTPResponse:
    """The first answer of ``url``, asked every 50 ms while ``process`` (the server) runs: a server is
    up in a second or two, and a test waiting half a second more for each one adds up over the suite."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise ServerDidNotAnswer(f"server exited with status {process.returncode}: {output}")
        try:
            return urllib.request.urlopen(url, timeout=5)
        except urllib.error.HTTPError as error:
            raise ServerDidNotAnswer(f"{url} answered {error.code}") from None
        except OSError:
            time.sleep(0.05)
    raise ServerDidNotAnswer(f"{url} did not answer in {seconds} s")


def start_server(
    index_dir: Path, *options: str, env: dict[str, str] | None = None, seconds: float = 180
) -> tuple[subprocess.Popen[str], str]:
    """``searcher serve`` of ``index_dir`` on a free port, once its API answers: the process and its
    base URL. Its output goes to a file (``server_log``), never to a pipe nobody reads, which would
    stall the server once full; one that does not answer raises ``ServerDidNotAnswer`` with that log."""
    port = free_port()
    log = tempfile.NamedTemporaryFile("w", prefix="searcher-serve-", suffix=".log", delete=False)  # noqa: SIM115
    server = subprocess.Popen(
        searcher_command("serve", "--index-dir", str(index_dir), "--port", str(port), *options),
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env=searcher_environment(env),
    )
    server.log_path = log.name  # type: ignore[attr-defined]
    log.close()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/api/search?per_page=1", server, seconds)
    except ServerDidNotAnswer as error:
        server.kill()
        server.wait()
        raise ServerDidNotAnswer(f"{error}\n{server_log(server)}") from None
    return server, base


def server_log(server: subprocess.Popen) -> str:
    """The end of what a server started by ``start_server`` wrote: its tracebacks when a request failed."""
    return Path(server.log_path).read_text(errors="replace")[-4000:]  # type: ignore[attr-defined]


def stop_server(server: subprocess.Popen) -> None:
    """Ends a server started by ``start_server`` and removes its log."""
    server.terminate()
    server.wait(timeout=30)
    Path(server.log_path).unlink(missing_ok=True)  # type: ignore[attr-defined]


@contextmanager
def served_in_this_process(index_dir: Path) -> Iterator[str]:
    """The app on ``index_dir`` served by waitress (4 threads) on a free port, in a thread of this
    process (a browser test's server): its base URL while the block runs."""
    import waitress

    from searcher import create_app

    wsgi = waitress.create_server(
        create_app({"INDEX_DIR": str(index_dir)}), host="127.0.0.1", port=0, threads=4
    )
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{wsgi.effective_port}"
    finally:
        wsgi.close()

"""`searcher demo` and `searcher serve` as a user runs them: a real process on a free port."""

import os
import subprocess
import sys

from .searcher_cli import free_port, wait_for


def test_demo_builds_the_sample_index_and_serves_it_with_waitress(tmp_path, sample_index):
    index_dir = tmp_path / "demo"
    index_dir.mkdir()
    # reuse the session's NER cache so the test does not pay for spaCy twice
    (index_dir / "annotations.sqlite").write_bytes((sample_index / "annotations.sqlite").read_bytes())
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "searcher", "demo", "--port", str(port), "--index-dir", str(index_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "SEARCHER_PROGRESS": "0"},
    )
    try:
        response = wait_for(f"http://127.0.0.1:{port}/?q=tram", process)
        assert response.status == 200
        assert response.headers["Server"] == "newsfacets"  # waitress, not the development server
        page = response.read().decode()
        assert "river tram" in page.lower()
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert "33 indexed" in output and f"Serving the index at {index_dir}" in output
    assert "0 problems" in output and "problem " not in output, output  # the package's own files are not read

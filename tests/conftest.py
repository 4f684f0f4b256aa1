import os
import shutil
from pathlib import Path

import pytest

from index.build import BuildOptions, rebuild
from searcher import create_app

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "index" / "samples"
CORPORA = ROOT.parent / "shared" / "corpora"
SEEDS = CORPORA / "seeds"
REUTERS = CORPORA / "reuters21578.jsonl"

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed articles not found at {SEEDS}")
needs_reuters = pytest.mark.skipif(not REUTERS.is_file(), reason=f"Reuters-21578 not found at {REUTERS}")


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """The bundled sample articles, indexed once for the whole session (read-only for tests)."""
    index_dir = tmp_path_factory.mktemp("sample-index")
    report = rebuild([str(SAMPLES)], index_dir, BuildOptions(progress=False))
    assert report.indexed == 31, report
    return index_dir


@pytest.fixture
def writable_index(sample_index, tmp_path) -> Path:
    """A copy of the sample index (with its NER cache) that a test may change."""
    target = tmp_path / "index"
    shutil.copytree(sample_index, target, symlinks=True)
    return target


@pytest.fixture
def app(sample_index):
    return create_app({"TESTING": True, "INDEX_DIR": str(sample_index)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(autouse=True)
def _no_index_dir_from_environment(monkeypatch):
    monkeypatch.delenv("SEARCHER_INDEX_DIR", raising=False)
    os.environ.setdefault("SEARCHER_PROGRESS", "0")

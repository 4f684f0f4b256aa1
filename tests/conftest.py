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
CHROMIUM = "/usr/bin/chromium"

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed articles not found at {SEEDS}")
needs_reuters = pytest.mark.skipif(not REUTERS.is_file(), reason=f"Reuters-21578 not found at {REUTERS}")


@pytest.fixture(scope="session", autouse=True)
def _spacy_pipelines_loaded_once():
    """Builds in this process load each spaCy pipeline once for the session, not once per build (0.5 to
    1 s each, paid by dozens of tests' small builds): the same pipeline, loaded as a build loads it.
    A load that fails is not kept, so its error is raised again for the next build too."""
    from index.entities import NerPipeline

    load = NerPipeline.load
    loaded: dict[str, NerPipeline] = {}

    def load_once(cls, name: str) -> NerPipeline:
        if name not in loaded:
            loaded[name] = load(name)
        return loaded[name]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(NerPipeline, "load", classmethod(load_once))
        yield


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """The bundled sample articles, indexed once for the whole session (read-only for tests)."""
    index_dir = tmp_path_factory.mktemp("sample-index")
    report = rebuild([str(SAMPLES)], index_dir, BuildOptions(progress=False))
    assert report.indexed == 33, report
    return index_dir


@pytest.fixture(scope="session")
def reuters_slice_index(tmp_path_factory) -> Path:
    """Every tenth Reuters article (about 2,150, spread over the whole corpus), indexed once for the
    session (read-only for tests)."""
    if not REUTERS.is_file():
        pytest.skip(f"Reuters-21578 not found at {REUTERS}")
    folder = tmp_path_factory.mktemp("reuters-slice")
    lines = REUTERS.read_text(encoding="utf-8").splitlines()[::10]
    (folder / "reuters-slice.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_dir = folder / "index"
    report = rebuild([str(folder / "reuters-slice.jsonl")], index_dir, BuildOptions(progress=False))
    assert report.indexed > 2000, report
    return index_dir


REUTERS_HEAD_ARTICLES = 1000  # they hold 22 stories of several versions


@pytest.fixture(scope="session")
def reuters_head_index(tmp_path_factory) -> Path:
    """The first thousand Reuters articles, indexed once for the session (read-only for tests: copy it
    to change it; its ``annotations.sqlite`` warms the NER of any build of some of them). Two modules'
    tests of stories each built this same index cold, a minute or more of NER each."""
    if not REUTERS.is_file():
        pytest.skip(f"Reuters-21578 not found at {REUTERS}")
    folder = tmp_path_factory.mktemp("reuters-head")
    lines = REUTERS.read_text(encoding="utf-8").splitlines()[:REUTERS_HEAD_ARTICLES]
    (folder / "reuters.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rebuild([str(folder / "reuters.jsonl")], folder / "index", BuildOptions(progress=False))
    return folder / "index"


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


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture(scope="session")
def opensearch_cluster(tmp_path_factory):
    """A real 3-node OpenSearch cluster on 127.0.0.1, started once per test run (opensearch/run-local)."""
    from tests.opensearch_cluster import LocalCluster, missing_tools

    reason = missing_tools()
    if reason:
        pytest.skip(reason)
    cluster = LocalCluster(tmp_path_factory.mktemp("opensearch"), nodes=3)
    try:
        cluster.start()
    except Exception as error:
        cluster.stop()
        pytest.fail(
            f"the local OpenSearch cluster did not start: {error} "
            f"{getattr(error, 'stderr', '')}; logs in {cluster.data}"
        )
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def opensearch_samples_app(opensearch_cluster, sample_index, tmp_path_factory):
    """The samples, prepared as for Whoosh (the NER cache reused), loaded into the cluster (3 shards,
    1 replica), and an app searching them there."""
    from tests.opensearch_cluster import index_on_both, opensearch_config

    index_dir = tmp_path_factory.mktemp("os-samples")
    url, alias = ",".join(opensearch_cluster.urls), "newsfacets-samples"
    assert index_on_both([str(SAMPLES)], index_dir, opensearch_cluster.urls, alias, sample_index) == 33
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **opensearch_config(url, alias)})


@pytest.fixture(scope="session")
def opensearch_reuters(opensearch_cluster, reuters_slice_index, tmp_path_factory) -> tuple[Path, str]:
    """The Reuters slice rebuilt with the OpenSearch writer (the slice index's NER cache reused), once for
    the session (read-only for tests): the index dir, which is the Whoosh index, and the alias on the
    cluster that holds the same articles. Two modules each loaded the same slice into the cluster."""
    from tests.opensearch_cluster import index_on_both

    folder, alias = tmp_path_factory.mktemp("os-reuters"), "newsfacets-reuters"
    source = reuters_slice_index.parent / "reuters-slice.jsonl"
    assert index_on_both([str(source)], folder, opensearch_cluster.urls, alias, reuters_slice_index) > 2000
    return folder, alias

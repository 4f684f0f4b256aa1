"""``searcher stories join|split|list|undo`` end to end: the two seed write-ups of one meeting, which no
automatic rule joins (README, "Versions of one story"), joined by a reader; a Reuters near-copy pair
split; the corrections seen by the CLI, the API and the article page at once, and kept by rebuilds."""

from __future__ import annotations

import shutil
import threading

import pytest

from index.build import BuildOptions, add, rebuild, remove
from index.stages.stories import story_ids
from index.store import require_current_generation
from index.story_corrections import STORY_CORRECTIONS_FILE
from searcher import create_app

from .conftest import SEEDS, needs_seeds
from .searcher_cli import run_searcher


@pytest.fixture(scope="module")
def seeds_built(tmp_path_factory):
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    index_dir = tmp_path_factory.mktemp("seed-stories") / "index"
    report = rebuild([str(SEEDS)], index_dir, BuildOptions(progress=False))
    assert report.indexed == 2, report
    return index_dir


@pytest.fixture
def seeds_index(seeds_built, tmp_path):
    """A copy of the seeds' index a test may correct."""
    target = tmp_path / "index"
    shutil.copytree(seeds_built, target, symlinks=True)
    return target


def stories(index_dir, *args: str):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    return app.test_cli_runner().invoke(args=["stories", *args, "--index-dir", str(index_dir)])


def bolton(index_dir) -> tuple[int, list[int]]:
    """A search for "Bolton" through the API: the stories found and each hit's versions."""
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    data = client.get("/api/search?q=Bolton").get_json()
    assert data["counts"] == "stories" and data["articles"] == 2
    return data["total"], sorted(hit["versions"] for hit in data["hits"])


def seed_ids(index_dir) -> list[str]:
    return sorted(story_ids(require_current_generation(index_dir)))


@needs_seeds
def test_join_makes_the_seeds_one_story_and_undo_makes_them_two(seeds_index):
    first, second = seed_ids(seeds_index)
    assert bolton(seeds_index) == (2, [1, 1])
    client = create_app({"TESTING": True, "INDEX_DIR": str(seeds_index)}).test_client()
    alone = [v["id"] for v in client.get(f"/api/articles/{first}").get_json()["versions"]]
    assert alone == [first]  # and the app holds the generation open: the join must reach it

    joined = stories(seeds_index, "join", first, second)
    assert joined.exit_code == 0, joined.output
    assert "has 2 versions" in joined.output
    assert bolton(seeds_index) == (1, [2])
    versions = client.get(f"/api/articles/{first}").get_json()["versions"]  # the same app: no restart
    assert sorted((v["id"], v["joined_by_reader"]) for v in versions) == [(first, False), (second, True)]
    listed = stories(seeds_index, "list")
    assert f'1. join "{first}" "{second}"' in listed.output

    undone = stories(seeds_index, "undo")
    assert undone.exit_code == 0 and "took back: join" in undone.output
    assert bolton(seeds_index) == (2, [1, 1])
    assert [v["id"] for v in client.get(f"/api/articles/{first}").get_json()["versions"]] == [first]


@needs_seeds
def test_the_cli_search_shows_the_joined_story_and_a_rebuild_keeps_it(seeds_index):
    first, second = seed_ids(seeds_index)
    joined = run_searcher("stories", "join", first, second, "--index-dir", str(seeds_index))
    assert joined.returncode == 0, joined.stderr
    found = run_searcher("search", "Bolton", "--index-dir", str(seeds_index))
    assert found.returncode == 0, found.stderr
    assert "1 story (2 articles)" in found.stdout, found.stdout
    assert "2 versions" in found.stdout

    before = require_current_generation(seeds_index)
    rebuilt = run_searcher("index", "rebuild", str(SEEDS), "--index-dir", str(seeds_index), "--quiet")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert require_current_generation(seeds_index) != before
    assert bolton(seeds_index) == (1, [2])
    assert (seeds_index / STORY_CORRECTIONS_FILE).read_text(encoding="utf-8").count("join") >= 2


@needs_seeds
def test_mistakes_are_refused_by_name_and_change_nothing(seeds_index):
    first, second = seed_ids(seeds_index)
    unknown = stories(seeds_index, "join", first, "no-such-article")
    assert unknown.exit_code != 0 and "no article 'no-such-article'" in unknown.output
    alone = stories(seeds_index, "join", first, first)
    assert alone.exit_code != 0 and "two different articles" in alone.output
    lonely = stories(seeds_index, "split", first)
    assert lonely.exit_code != 0 and "alone in its story already" in lonely.output
    assert not (seeds_index / STORY_CORRECTIONS_FILE).exists()

    assert stories(seeds_index, "join", first, second).exit_code == 0
    again = stories(seeds_index, "join", second, first)
    assert again.exit_code != 0 and "already one story" in again.output
    path = seeds_index / STORY_CORRECTIONS_FILE
    before = path.read_text(encoding="utf-8")
    path.write_text(before + 'joint "x" "y"\n', encoding="utf-8")
    line = len(before.splitlines()) + 1
    broken = stories(seeds_index, "join", first, second)
    assert (
        broken.exit_code != 0 and f"{STORY_CORRECTIONS_FILE}:{line}: a rule starts with join" in broken.output
    )
    assert path.read_text(encoding="utf-8") == before + 'joint "x" "y"\n'
    served = (
        create_app({"TESTING": True, "INDEX_DIR": str(seeds_index)}).test_client().get("/api/search?q=Bolton")
    )
    assert served.status_code == 503 and f"{STORY_CORRECTIONS_FILE}:{line}" in served.get_json()["error"]


@needs_seeds
def test_a_join_whose_article_is_gone_is_listed_not_an_error(seeds_index):
    first, second = seed_ids(seeds_index)
    assert stories(seeds_index, "join", first, second).exit_code == 0
    remove([second], seeds_index, BuildOptions(progress=False))
    assert seed_ids(seeds_index) == [first]
    listed = stories(seeds_index, "list")
    assert listed.exit_code == 0 and f"(not in the index: {second})" in listed.output
    add([str(SEEDS)], seeds_index, BuildOptions(progress=False))
    assert bolton(seeds_index) == (1, [2])


@pytest.fixture(scope="module")
def reuters_index(reuters_head_index, tmp_path_factory):
    """A copy of the first thousand Reuters articles' index (they hold stories of two versions) that the
    tests correct."""
    index_dir = tmp_path_factory.mktemp("reuters-story-split") / "index"
    shutil.copytree(reuters_head_index, index_dir, symlinks=True)
    return index_dir


def test_split_takes_a_near_copy_out_of_its_story(reuters_index):
    automatic = story_ids(require_current_generation(reuters_index))
    members: dict[str, list[str]] = {}
    for article_id, story in automatic.items():
        members.setdefault(story, []).append(article_id)
    earliest, later = next(ids for ids in members.values() if len(ids) == 2)
    client = create_app({"TESTING": True, "INDEX_DIR": str(reuters_index)}).test_client()
    assert {v["id"] for v in client.get(f"/api/articles/{later}").get_json()["versions"]} == {earliest, later}
    try:
        split = stories(reuters_index, "split", later)
        assert split.exit_code == 0, split.output
        assert [v["id"] for v in client.get(f"/api/articles/{later}").get_json()["versions"]] == [later]
        assert [v["id"] for v in client.get(f"/api/articles/{earliest}").get_json()["versions"]] == [earliest]
        every = client.get("/api/search?collapse=true&per_page=1").get_json()
        assert every["total"] == len(members) + 1
    finally:
        stories(reuters_index, "undo")
    assert client.get("/api/search?collapse=true&per_page=1").get_json()["total"] == len(members)


@pytest.fixture
def seeds_server(seeds_index):
    import waitress

    app = create_app({"INDEX_DIR": str(seeds_index)})
    wsgi = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{wsgi.effective_port}"
    wsgi.close()


@needs_seeds
@pytest.mark.browser
def test_the_article_page_says_which_version_a_reader_joined(page, seeds_index, seeds_server):
    first, second = seed_ids(seeds_index)
    assert stories(seeds_index, "join", first, second).exit_code == 0
    page.goto(f"{seeds_server}/article/{first}")
    assert page.locator(".story-versions h2").inner_text() == "2 versions of this story"
    joined = page.locator(".story-versions li.joined-by-reader")
    assert joined.count() == 1
    assert "joined by a reader" in joined.inner_text()
    assert page.locator(".story-versions li:not(.joined-by-reader) strong").inner_text() == "This version"

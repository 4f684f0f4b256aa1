"""Versions of one story on the seed articles, through the API and in Chromium.

The two seeds report the same event (Bolton in Moscow, a Trump-Putin meeting planned in Paris) in two
different write-ups: they share almost no five-word runs, and the "same event" rule finds their names
alike but not their words (TF-IDF cosine 0.34 indexed alone, 0.497 with Reuters, under the 0.5 that
Reuters measurements set: README, "Versions of one story"), so they are two stories. Looser rules that
would join them (rare-name containment or Jaccard, shared rare people, a background IDF) were measured
on Reuters on 2026-11-26 and were about half right in the band they open, so none was landed. A re-run
of a seed by another outlet (its photo caption and subscription line gone, a sentence added, as wire
copy is re-run) is a version of it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from index.build import BuildOptions, rebuild
from index.stages.stories import SIMILAR_JACCARD, shingles
from searcher import create_app

from .conftest import SEEDS, needs_seeds
from .searcher_cli import served_in_this_process

pytestmark = needs_seeds

SCREENSHOTS = Path(os.environ["SEARCHER_SCREENSHOTS"]) if os.environ.get("SEARCHER_SCREENSHOTS") else None
ADDED = "The Kremlin did not say how long the two leaders would meet."


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def re_run(seed: Path) -> dict:
    """The seed as another outlet ran it: the same copy without its caption and sign-off, one
    sentence added at the end."""
    title, _, body = seed.read_text(encoding="utf-8").strip().partition("\n")
    kept = [line for line in body.splitlines() if "PHOTO:" not in line and "Telegram" not in line]
    return {
        "id": "moscow-meeting",
        "title": title.strip(),
        "body": "\n".join(kept).strip() + "\n\n" + ADDED,
        "source": "Wire Reprint",
    }


@pytest.fixture(scope="module")
def seeds_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed-versions")
    first = next(f for f in seed_files() if "PHOTO:" in f.read_text(encoding="utf-8"))
    (folder / "reprint.jsonl").write_text(json.dumps(re_run(first)) + "\n", encoding="utf-8")
    index_dir = folder / "index"
    paths = [str(path) for path in seed_files()] + [str(folder / "reprint.jsonl")]
    report = rebuild(paths, index_dir, BuildOptions(progress=False))
    assert report.indexed == 3, report
    return index_dir


def test_the_two_seeds_are_two_write_ups_not_versions():
    first, second = (shingles(path.read_text(encoding="utf-8")) for path in seed_files())
    assert len(first & second) / len(first | second) < SIMILAR_JACCARD / 10


def test_bolton_shows_the_seed_and_its_re_run_as_one_story_with_two_versions(seeds_index):
    client = create_app({"TESTING": True, "INDEX_DIR": str(seeds_index)}).test_client()
    data = client.get("/api/search?q=Bolton").get_json()
    assert (data["total"], data["articles"], data["counts"]) == (2, 3, "stories")
    versions = sorted(hit["versions"] for hit in data["hits"])
    assert versions == [1, 2]
    grouped = next(hit for hit in data["hits"] if hit["versions"] == 2)
    other = grouped["other_versions"][0]
    reprint = "wire-reprint/moscow-meeting"
    assert reprint in {grouped["id"], other["id"]}
    every = client.get("/api/search?q=Bolton&collapse=false").get_json()
    assert every["total"] == 3 and every["counts"] == "articles"
    seed_id = grouped["id"] if grouped["id"] != reprint else other["id"]
    diff = client.get(f"/api/articles/{seed_id}/diff/{reprint}").get_json()
    assert [line["text"] for line in diff["sentences"] if line["kind"] == "added"] == [ADDED]


@pytest.fixture(scope="module")
def seeds_server(seeds_index):
    with served_in_this_process(seeds_index) as base:
        yield base


def snap(page, name: str) -> None:
    if SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_versions_in_the_browser(page, seeds_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(seeds_server + "/?q=Bolton")
    assert "2 stories (3 articles)" in page.locator(".summary p").inner_text()
    versions = page.locator("details.versions")
    assert versions.count() == 1
    assert not versions.locator("ul").is_visible()
    versions.locator("summary").click()
    assert versions.locator("summary").inner_text() == "2 versions"
    assert versions.locator("li a").is_visible()
    assert fits_the_width(page)
    snap(page, f"stories-results-{width}")

    page.get_by_role("link", name="Show every version").click()
    page.wait_for_load_state()
    assert "3 articles" in page.locator(".summary p").inner_text()
    assert page.locator("details.versions").count() == 0 and "collapse=false" in page.url
    page.get_by_role("link", name="Group versions of a story").click()
    page.wait_for_load_state()
    assert "2 stories" in page.locator(".summary p").inner_text()

    page.locator("details.versions summary").click()
    page.locator("details.versions li a").click()
    page.wait_for_load_state()
    assert page.locator(".story-versions h2").inner_text() == "2 versions of this story"
    assert page.locator(".story-versions li").count() == 2
    assert fits_the_width(page)
    snap(page, f"stories-article-{width}")
    page.get_by_role("link", name="What differs").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "What differs between two versions"
    assert page.locator(".diff-sentences li.added, .diff-sentences li.removed").count() >= 1
    assert ADDED in page.locator(".diff-sentences").inner_text()
    assert fits_the_width(page)
    snap(page, f"stories-diff-{width}")

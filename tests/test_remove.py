"""Issue 17, item 3: `searcher index remove ID...` and `searcher index add --prune`, with the same atomic
switch to a new generation as `add`."""

import json
import os
import signal
import subprocess
import sys

from index import store
from index.build import BuildOptions, add, index_stats, rebuild, remove
from searcher import create_app

from .test_build import cli

QUIET = BuildOptions(progress=False)
REMOVED = "nordic-wire/nordicwire-017"


def api(index_dir, **params):
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    return client, client.get("/api/search", query_string=params).json


def person_count(data, name):
    return next((v["count"] for v in data["facets"]["person"] if v["value"] == name), 0)


def test_remove_takes_articles_out_of_text_facets_and_stats(writable_index):
    client, before = api(writable_index, q="ferry")
    assert REMOVED in [hit["id"] for hit in before["hits"]]
    old_generation = store.current_generation(writable_index)
    result = cli("index", "remove", REMOVED, "--index-dir", str(writable_index))
    assert result.returncode == 0, result.stderr
    assert "0 articles read: 0 indexed, 0 updated, 0 unchanged, 0 skipped; 1 removed" in result.stdout
    assert f"removed  {REMOVED}" in result.stderr
    assert store.current_generation(writable_index) != old_generation and old_generation.is_dir()

    client, after = api(writable_index, q="ferry")
    assert REMOVED not in [hit["id"] for hit in after["hits"]]
    assert after["total"] == before["total"] - 1
    assert person_count(after, "Henrik Vallo") == person_count(before, "Henrik Vallo") - 1
    assert client.get(f"/api/articles/{REMOVED}").status_code == 404
    stats = index_stats(writable_index)
    assert stats["articles"] == 32
    assert (stats["published_first"], stats["published_last"]) == ("2024-01-08", "2024-06-20")
    generation = store.current_generation(writable_index)
    assert REMOVED not in json.loads((generation / "fingerprints.json").read_text())
    assert REMOVED not in json.loads((generation / "origins.json").read_text())["articles"]


def test_removing_an_unknown_id_says_so_and_changes_nothing(writable_index):
    before = store.current_generation(writable_index)
    result = cli("index", "remove", "no/such-article", "--index-dir", str(writable_index))
    assert result.returncode == 1
    assert "no/such-article: no article with this id in the index" in result.stderr
    assert "nothing was removed" in result.stderr
    assert store.current_generation(writable_index) == before
    report = remove(["no/such-article", REMOVED], writable_index, QUIET)
    assert report.removed == [REMOVED] and len(report.problems) == 1


def test_add_prune_removes_articles_whose_file_or_entry_is_gone(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Port reopens\n\nThe port reopened on Monday.")
    (folder / "b.jsonl").write_text(
        json.dumps({"id": 1, "title": "Dam vote", "body": "The council voted on the dam."})
        + "\n"
        + json.dumps({"id": 2, "title": "Bridge closes", "body": "The bridge closed for repairs."})
        + "\n"
    )
    (folder / "c.jsonl").write_text(
        json.dumps({"id": 1, "title": "Tram", "body": "Trams return to the city."})
        + "\n"
        + json.dumps({"id": 2, "title": "Bus", "body": "Buses run late."})
        + "\n"
    )
    index_dir = tmp_path / "index"
    rebuild([str(folder)], index_dir, QUIET)
    assert index_stats(index_dir)["articles"] == 5

    (folder / "a.txt").unlink()
    (folder / "b.jsonl").write_text(
        json.dumps({"id": 1, "title": "Dam vote", "body": "The council voted on the dam."}) + "\n"
    )
    # c.jsonl loses an entry but gains a line that cannot be read: that line may be the entry, so it stays
    (folder / "c.jsonl").write_text(
        json.dumps({"id": 1, "title": "Tram", "body": "Trams return to the city."}) + "\n{broken\n"
    )
    report = add([str(folder)], index_dir, QUIET)
    assert report.removed == [] and index_stats(index_dir)["articles"] == 5  # without --prune nothing goes

    result = cli("index", "add", str(folder), "--prune", "--index-dir", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert "2 articles read: 0 indexed, 0 updated, 2 unchanged, 0 skipped; 2 removed" in result.stdout
    assert (
        f"(read from {folder / 'a.txt'})" in result.stderr
        and f"(read from {folder / 'b.jsonl'})" in result.stderr
    )
    assert index_stats(index_dir)["articles"] == 3
    _, data = api(index_dir, q="bridge OR port OR bus")
    assert [hit["title"] for hit in data["hits"]] == ["Bus"]


def test_a_killed_remove_leaves_the_previous_index_whole(writable_index):
    before = store.current_generation(writable_index)
    process = subprocess.Popen(
        [sys.executable, "-m", "searcher", "index", "remove", REMOVED, "--index-dir", str(writable_index)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SEARCHER_PROGRESS": "0", "SEARCHER_PAUSE_AT": "switch"},
    )
    assert process.stderr.readline().strip() == "paused at switch"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert store.current_generation(writable_index) == before
    assert index_stats(writable_index)["articles"] == 33
    report = remove([REMOVED], writable_index, QUIET)  # the next one takes the lock and succeeds
    assert report.removed == [REMOVED] and index_stats(writable_index)["articles"] == 32


def test_prune_keeps_an_article_whose_source_moved_it_to_another_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    record = json.dumps(
        {"id": 7, "source": "Wire A", "title": "Dam vote", "body": "The council voted on the dam."}
    )
    (folder / "january.jsonl").write_text(record + "\n")
    index_dir = tmp_path / "index"
    rebuild([str(folder)], index_dir, QUIET)
    (folder / "january.jsonl").rename(folder / "archive.jsonl")
    report = add([str(folder)], index_dir, QUIET, prune=True)
    assert (report.unchanged, report.removed) == (1, [])
    assert index_stats(index_dir)["articles"] == 1

"""Ingestion an archivist can trust (issue 19): identities, odd fields, encodings, dates and reports."""

import json
import re

from index.articles import Article, Problem, scoped_article_id, url_article_id
from index.build import BuildOptions, add, rebuild
from index.readers import read_paths
from searcher import create_app

QUIET = BuildOptions(progress=False)
URL_SAFE_ID = re.compile(r"[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)?")


def read(*paths):
    items = list(read_paths([str(p) for p in paths]))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


def write_jsonl(path, *records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def search_ids(index_dir, query):
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    return [hit["id"] for hit in client.get("/api/search", query_string={"q": query}).json["hits"]]


# 1. identity: an article's own id within its source


def test_own_ids_are_scoped_by_source_or_file_and_url_safe(tmp_path):
    assert scoped_article_id("1", "Wire A", "a.jsonl") == "wire-a/1"
    assert scoped_article_id("1", "Wire A", "a.jsonl") != scoped_article_id("1", "Wire B", "a.jsonl")
    assert scoped_article_id(" 1", "WIRE  A", "other.jsonl") == "wire-a/1"  # the same source, another file
    in_file = scoped_article_id("1", None, str(tmp_path / "a.jsonl"))
    assert in_file != scoped_article_id("1", None, str(tmp_path / "sub" / "a.jsonl"))
    assert in_file.startswith("a-jsonl-") and in_file.endswith("/1")
    odd = scoped_article_id("story 1/2?x=<b>", "Zürich Post", "a.jsonl")
    assert odd.startswith("zurich-post/story-1-2-x-b-") and URL_SAFE_ID.fullmatch(odd)
    assert scoped_article_id("story 1/2", "S", "a") != scoped_article_id("story-1-2", "S", "a")
    assert scoped_article_id("https://x.example/a?b=1", "S", "a") == url_article_id("https://x.example/a?b=1")
    assert scoped_article_id("..", "S", "a") != "s/.."


def test_an_id_reused_by_another_source_never_overwrites(tmp_path):
    index_dir = tmp_path / "index"
    wire_a = write_jsonl(tmp_path / "wire-a.jsonl", {"id": 1, "title": "Bundesbank holds rates",
                                                     "body": "The Bundesbank held its rates.", "source": "Wire A"})
    wire_b = write_jsonl(tmp_path / "wire-b.jsonl", {"id": 1, "title": "Nairobi hosts talks",
                                                     "body": "Nairobi hosted the talks.", "source": "Wire B"})
    rebuild([str(wire_a)], index_dir, QUIET)
    report = add([str(wire_b)], index_dir, QUIET)
    assert (report.indexed, report.updated) == (1, 0)
    assert search_ids(index_dir, "Bundesbank") == ["wire-a/1"]
    assert search_ids(index_dir, "Nairobi") == ["wire-b/1"]

    # a changed article from the same source is an update, wherever it is read from
    write_jsonl(tmp_path / "wire-a-corrected.jsonl", {"id": 1, "title": "Bundesbank holds rates",
                                                      "body": "The Bundesbank held its rates again.",
                                                      "source": "Wire A"})
    report = add([str(tmp_path / "wire-a-corrected.jsonl")], index_dir, QUIET)
    assert (report.indexed, report.updated) == (0, 1)
    assert any("read before from" in p.message and "wire-a.jsonl" in p.message for p in report.warnings)
    assert search_ids(index_dir, "again") == ["wire-a/1"]


def test_every_reader_gives_url_safe_ids_that_open_the_article_page(sample_index):
    client = create_app({"TESTING": True, "INDEX_DIR": str(sample_index)}).test_client()
    hits = client.get("/api/search", query_string={"per_page": 100}).json["hits"]
    assert len(hits) == 31
    for hit in hits:
        assert URL_SAFE_ID.fullmatch(hit["id"]), hit["id"]
        assert client.get(f"/article/{hit['id']}").status_code == 200

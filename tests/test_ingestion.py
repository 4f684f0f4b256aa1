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


# 2. oddly shaped optional fields; 4. a JSON list with a byte-order mark


def test_author_source_and_published_fields_of_any_shape(tmp_path):
    from index.readers.fields import author_field, published_field, source_field

    assert author_field({"name": "Jane Roe", "email": "j@x"}) == ("Jane Roe", None)
    assert author_field(["Jane Roe", {"name": "Max Mustermann"}]) == ("Jane Roe, Max Mustermann", None)
    assert author_field({"email": "j@x"})[0] is None and "author" in author_field({"email": "j@x"})[1]
    assert source_field({"id": None, "name": "The Verge"}) == ("The Verge", None)
    assert source_field({"id": "the-verge"}) == ("the-verge", None)
    assert published_field(1709856000)[0].isoformat() == "2024-03-08T00:00:00"
    assert published_field(1709856000123)[0].isoformat() == "2024-03-08T00:00:00.123000"
    assert published_field("1709856000")[0].isoformat() == "2024-03-08T00:00:00"
    assert published_field({"$date": "2024-03-08T00:00:00Z"})[0].isoformat() == "2024-03-08T00:00:00"
    for not_a_date in (True, {"when": "soon"}, 2024, [1, 2]):
        found, problem = published_field(not_a_date)
        assert found is None and "indexed without a date" in problem, not_a_date


def test_a_newsapi_style_export_indexes_every_article(tmp_path):
    path = tmp_path / "newsapi.json"
    path.write_text(json.dumps([
        {"source": {"id": None, "name": "Example Times"}, "author": {"name": "Jane Roe"},
         "title": "Harbour reopens", "body": "The harbour reopened on Monday.", "url": "https://t.example/1",
         "published": 1709856000},
        {"source": {"id": "wire"}, "author": ["A. One", "B. Two"], "title": "Port strike ends",
         "body": "Dockers went back to work.", "published": True},
        {"id": 3, "title": "Odd url", "body": "A story with a list for a url.", "url": ["x"], "published": {"x": 1}},
    ]))
    articles, problems = read(path)
    assert [a.title for a in articles] == ["Harbour reopens", "Port strike ends", "Odd url"]
    first, second, third = articles
    assert (first.source, first.author, first.published.date().isoformat()) == ("Example Times", "Jane Roe",
                                                                                 "2024-03-08")
    assert (second.source, second.author, second.published) == ("wire", "A. One, B. Two", None)
    assert third.url is None
    assert not [p for p in problems if p.skipped]
    assert sum("indexed without a date" in p.message for p in problems) == 2
    assert any(p.where == f"{path}[3]" and "'url'" in p.message for p in problems)


def test_a_json_list_with_a_byte_order_mark_is_one_document(tmp_path):
    records = [{"id": "a", "title": "First", "body": "One."}, {"id": "b", "title": "Second", "body": "Two."}]
    text = json.dumps(records, indent=2)
    (tmp_path / "utf8.json").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "utf16.json").write_bytes(text.encode("utf-16"))  # with its byte-order mark
    (tmp_path / "lines.jsonl").write_bytes("\n".join(json.dumps(r) for r in records).encode("utf-16"))
    articles, problems = read(tmp_path / "utf8.json", tmp_path / "utf16.json", tmp_path / "lines.jsonl")
    assert [a.title for a in articles] == ["First", "Second"] * 3
    assert not problems

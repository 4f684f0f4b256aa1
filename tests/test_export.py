"""Exports (CSV, JSON Lines) and Atom feeds of any search."""

import csv
import io
import json
import re
import subprocess
import sys
import tracemalloc

import feedparser
import pytest

from searcher import create_app
from searcher.export import spreadsheet_safe


def index_add(path, index_dir) -> None:
    """`searcher index add PATH` through the command line, as a user adds articles."""
    build = subprocess.run(
        [sys.executable, "-m", "searcher", "index", "add", str(path), "--index-dir", str(index_dir)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr


def api_ids(client, query_string: str) -> list[str]:
    data = client.get(
        f"/api/search?{query_string}&per_page=100&collapse=false"
    ).json  # exports give every version
    assert data["total"] <= 100
    return [hit["id"] for hit in data["hits"]]


def test_spreadsheet_safe_cells():
    for dangerous in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(dangerous) == "'" + dangerous
    assert spreadsheet_safe("Oil prices rise") == "Oil prices rise"


def test_csv_export_holds_every_match_in_the_search_order(client):
    response = client.get("/export.csv?q=ferry&not_place=Helsinki&per_page=1&page=2")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["id"] for row in rows] == api_ids(client, "q=ferry&not_place=Helsinki")  # every page, not one
    henrik = next(row for row in rows if "Henrik Vallo" in row["people"])
    assert henrik["published"] and henrik["countries"]


def test_jsonl_export_and_the_cli_give_the_same_matches(client, runner):
    lines = client.get("/export.jsonl?person=Mara+Lindqvist&sort=oldest").get_data(as_text=True).splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == api_ids(client, "person=Mara+Lindqvist&sort=oldest")
    assert all("Mara Lindqvist" in r["people"] for r in records)
    result = runner.invoke(
        args=["search", "--person", "Mara Lindqvist", "--sort", "oldest", "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [r["id"] for r in records]


def test_a_bad_parameter_is_refused_before_the_download(client):
    response = client.get("/export.csv?from=03/01/1987")
    assert response.status_code == 400 and "from" in response.get_data(as_text=True)


@pytest.mark.slow
def test_article_text_cannot_become_a_spreadsheet_formula(writable_index, tmp_path):
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(
        json.dumps(
            {
                "id": "formula-1",
                "title": '=HYPERLINK("http://evil.example","click")',
                "body": "Quokkaville harbour at Tallinn was idle on Monday.",
                "source": "@Wire",
                "published": "2024-05-02",
            }
        )
        + "\n"
    )
    index_add(hostile, writable_index)
    client = create_app({"TESTING": True, "INDEX_DIR": str(writable_index)}).test_client()
    rows = list(csv.reader(io.StringIO(client.get("/export.csv?q=quokkaville").get_data(as_text=True))))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","click")' and rows[1][3] == "'@Wire"


def test_the_feed_is_valid_atom_with_stable_entries(client):
    first = client.get("/feed?person=Mara+Lindqvist&sort=relevance")
    assert first.status_code == 200 and first.mimetype == "application/atom+xml"
    parsed = feedparser.parse(first.get_data())
    assert not parsed.bozo, parsed.bozo_exception
    ids = [entry.id for entry in parsed.entries]
    assert len(ids) == len(api_ids(client, "person=Mara+Lindqvist")) and len(set(ids)) == len(ids)
    dates = [entry.published for entry in parsed.entries if "published" in entry]
    assert dates == sorted(dates, reverse=True)  # newest first, whatever the page's sort
    assert "Mara Lindqvist" in parsed.feed.title
    again = feedparser.parse(client.get("/feed?person=Mara+Lindqvist").get_data())
    assert [entry.id for entry in again.entries] == ids


@pytest.mark.slow
def test_the_feed_learns_of_new_matches_after_index_add(writable_index, tmp_path):
    client = create_app({"TESTING": True, "INDEX_DIR": str(writable_index)}).test_client()
    before = feedparser.parse(client.get("/feed?q=ferry").get_data())
    story = tmp_path / "new.jsonl"
    story.write_text(
        json.dumps(
            {
                "id": "ferry-new",
                "title": "Night ferry to Riga resumes",
                "body": "The night ferry from Tallinn to Riga resumed on Friday.",
                "source": "Nordic Wire",
                "published": "2030-01-05T08:00:00",
            }
        )
        + "\n"
    )
    index_add(story, writable_index)
    after = feedparser.parse(client.get("/feed?q=ferry").get_data())
    assert len(after.entries) == len(before.entries) + 1
    assert after.entries[0].title == "Night ferry to Riga resumes"
    assert {e.id for e in before.entries} < {e.id for e in after.entries}


def streamed_export(client) -> tuple[int, int, int]:
    """Streams ``/export.jsonl`` of everything: its lines, its bytes and the peak memory traced."""
    client.get("/api/search?q=oil")  # the index is open before measuring
    tracemalloc.start()
    response = client.get("/export.jsonl", buffered=False)
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n" if isinstance(chunk, bytes) else "\n")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return lines, size, peak


@pytest.mark.slow
def test_an_export_streams_in_bounded_memory(reuters_slice_index):
    client = create_app({"TESTING": True, "INDEX_DIR": str(reuters_slice_index)}).test_client()
    lines, size, peak = streamed_export(client)
    total = client.get("/api/search?per_page=1").json["articles"]  # every version, as exports give
    assert lines == total > 2000
    print(f"\nexport of {lines} articles: {size / 1e6:.1f} MB streamed, peak {peak / 1e6:.2f} MB traced")
    assert peak < size / 2  # the export is never held whole


def test_the_search_page_offers_its_export_and_its_feed(client):
    html = client.get("/?q=ferry&person=Henrik+Vallo&page=1").get_data(as_text=True).replace("&amp;", "&")
    downloads = re.search(r'<p class="downloads">(.*?)</p>', html, re.DOTALL).group(1)
    links = {text: href for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', downloads)}
    assert links == {
        "CSV": "/export.csv?q=ferry&person=Henrik+Vallo",
        "JSON Lines": "/export.jsonl?q=ferry&person=Henrik+Vallo",
        "Atom feed": "/feed?q=ferry&person=Henrik+Vallo",
    }
    assert (
        '<link rel="alternate" type="application/atom+xml"' in html
        and 'href="/feed?q=ferry&person=Henrik+Vallo"' in html
    )
    rows = list(csv.DictReader(io.StringIO(client.get(links["CSV"]).get_data(as_text=True))))
    assert len(rows) == client.get("/api/search?q=ferry&person=Henrik+Vallo").get_json()["articles"]


def test_an_untitled_article_is_called_the_same_in_exports_as_in_the_api():
    from searcher.export import export_fields

    assert export_fields({"id": "wire/1", "title": ""})["title"] == "(untitled)"
    assert export_fields({"id": "wire/1"})["title"] == "(untitled)"
    assert export_fields({"id": "wire/1", "title": "Ferry strike"})["title"] == "Ferry strike"

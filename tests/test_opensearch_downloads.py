"""Exports, feeds, entity pages and readers' corrections on the OpenSearch backend: the tests of
test_export.py, test_entities.py and test_aliases.py run again with the samples on the local 3-node
cluster, and the two engines' answers compared. Ranking may differ between the two BM25s, so exports
sorted by relevance are compared as sets; by date, in order."""

import csv
import io
import json
import shutil

import feedparser
import pytest

from searcher import create_app

from .test_aliases import test_corrections_apply_at_once_and_undo_restores  # noqa: F401
from .test_entities import (  # noqa: F401 - collected again here, with this module's fixtures
    test_entity_marks_and_facet_values_link_to_entity_pages,
    test_the_api_describes_an_entity,
    test_the_page_shows_the_entity_and_links_to_its_search,
)
from .test_export import (  # noqa: F401
    streamed_export,
    test_a_bad_parameter_is_refused_before_the_download,
    test_csv_export_holds_every_match_in_the_search_order,
    test_jsonl_export_and_the_cli_give_the_same_matches,
    test_the_feed_is_valid_atom_with_stable_entries,
    test_the_search_page_offers_its_export_and_its_feed,
)
from .test_opensearch_contract import answers_agree


@pytest.fixture
def app(opensearch_samples_app):
    return opensearch_samples_app


@pytest.fixture
def writable_index(opensearch_samples_app, tmp_path, monkeypatch):
    """A copy of the OpenSearch app's index dir (its corrections are read from there), with the
    environment choosing the cluster: an app created on it in a test searches OpenSearch."""
    target = tmp_path / "index"
    shutil.copytree(opensearch_samples_app.config["INDEX_DIR"], target, symlinks=True)
    for name in ("BACKEND", "OPENSEARCH_URL", "OPENSEARCH_INDEX"):
        monkeypatch.setenv(f"SEARCHER_{name}", opensearch_samples_app.config[name])
    return target


@pytest.fixture
def whoosh_client(sample_index):
    return create_app({"TESTING": True, "INDEX_DIR": str(sample_index)}).test_client()


EXPORTS = [
    "",
    "sort=oldest",
    "q=ferry",
    "q=ferry&sort=newest",
    "person=Mara+Lindqvist&sort=oldest",
    "q=-ferry&not_country=Finland",
    "country=Finland&from=2024-02",
    'q=person:"mara+lindqvist"+OR+tram',
]


@pytest.mark.parametrize("query_string", EXPORTS)
def test_exports_are_the_same_on_both_engines(client, whoosh_client, query_string):
    whoosh = [
        json.loads(line)
        for line in whoosh_client.get(f"/export.jsonl?{query_string}").get_data(True).splitlines()
    ]
    found = [
        json.loads(line) for line in client.get(f"/export.jsonl?{query_string}").get_data(True).splitlines()
    ]
    assert whoosh, query_string
    rows = list(csv.DictReader(io.StringIO(client.get(f"/export.csv?{query_string}").get_data(as_text=True))))
    assert [row["id"] for row in rows] == [r["id"] for r in found]
    if "q=" in query_string and "sort=" not in query_string:  # by relevance: each BM25 its own order
        whoosh, found = sorted(whoosh, key=lambda r: r["id"]), sorted(found, key=lambda r: r["id"])
    assert found == whoosh


def test_an_export_pages_through_every_match(client, monkeypatch):
    """Pages of two articles: the point in time and search_after go through all of them, in order."""
    from searcher import opensearch_backend

    everything = [json.loads(line)["id"] for line in client.get("/export.jsonl").get_data(True).splitlines()]
    monkeypatch.setattr(opensearch_backend, "EXPORT_PAGE", 2)
    paged = [json.loads(line)["id"] for line in client.get("/export.jsonl").get_data(True).splitlines()]
    assert paged == everything and len(everything) == client.get("/api/search").get_json()["total"] == 33


def test_the_feed_is_the_same_on_both_engines(client, whoosh_client):
    for query_string in ("", "q=ferry", "person=Mara+Lindqvist"):
        ours = feedparser.parse(client.get(f"/feed?{query_string}").get_data())
        theirs = feedparser.parse(whoosh_client.get(f"/feed?{query_string}").get_data())
        assert not ours.bozo and [e.id for e in ours.entries] == [e.id for e in theirs.entries] != []


@pytest.mark.parametrize(
    "facet, name",
    [
        ("person", "Mara Lindqvist"),
        ("person", "henrik vallo"),
        ("place", "Helsinki"),
        ("country", "Finland"),
        ("org", "Meridian Bank"),
    ],
)
def test_entity_pages_are_the_same_on_both_engines(client, whoosh_client, facet, name):
    url = f"/api/entities/{facet}/{name}"
    ours, theirs = client.get(url), whoosh_client.get(url)
    assert ours.status_code == theirs.status_code == 200, (ours.data[:200], theirs.data[:200])
    assert ours.get_json() == theirs.get_json()


def test_corrections_give_the_same_answers_on_both_engines(writable_index, sample_index, tmp_path):
    """The same aliases.txt beside both engines' indexes: the same facets, filters, hits and entity pages."""
    whoosh_dir = tmp_path / "whoosh"
    shutil.copytree(sample_index, whoosh_dir, symlinks=True)
    rules = (
        'merge person "Mara Lindqvist" into "Henrik Vallo"\n'
        'rename place "Helsinki" to "Helsingfors"\n'
        'drop org "Meridian Bank"\n'
    )
    for folder in (writable_index, whoosh_dir):
        (folder / "aliases.txt").write_text(rules)
    ours = create_app({"TESTING": True, "INDEX_DIR": str(writable_index)}).test_client()
    theirs = create_app({"TESTING": True, "INDEX_DIR": str(whoosh_dir), "BACKEND": "whoosh"}).test_client()
    queries = [
        "",
        "person=Henrik+Vallo",
        "person=Mara+Lindqvist",
        "place=Helsingfors&sort=oldest",
        "not_person=Henrik+Vallo",
        "q=ferry&person=henrik+vallo",
        'q=person:"Henrik+Vallo"',
        "q=person:vallo",
        "q=place:helsingfors",
        "org=Meridian+Bank",
    ]
    pages = ["/api/entities/person/Henrik%20Vallo", "/api/entities/place/Helsingfors"]
    answers_agree(theirs, ours, queries, [*pages, "/api/articles/nordic-wire/nordicwire-017"])
    assert ours.get("/api/entities/org/Meridian%20Bank").status_code == 404
    export = [
        json.loads(line) for line in ours.get("/export.jsonl?person=Henrik+Vallo").get_data(True).splitlines()
    ]
    assert export and all(
        "Henrik Vallo" in r["people"] and "Mara Lindqvist" not in r["people"] for r in export
    )


@pytest.mark.slow
def test_an_export_of_the_reuters_slice_streams_in_bounded_memory(reuters_on_opensearch, monkeypatch):
    """Memory is bounded by a page of the point-in-time reads (EXPORT_PAGE articles), not by the export:
    with pages of 25, the peak stays under half of what is streamed."""
    from searcher import opensearch_backend

    monkeypatch.setattr(opensearch_backend, "EXPORT_PAGE", 25)
    client = reuters_on_opensearch
    lines, size, peak = streamed_export(client)
    total = client.get("/api/search?per_page=1").json["articles"]  # every version, as exports give
    assert lines == total > 2000
    print(
        f"\nOpenSearch export of {lines} articles: {size / 1e6:.1f} MB streamed, peak {peak / 1e6:.2f} MB traced"
    )
    assert peak < size / 2  # the export is never held whole


@pytest.fixture(scope="module")
def reuters_on_opensearch(opensearch_cluster, opensearch_reuters):
    """A client of the Reuters slice on the cluster (conftest's session fixture)."""
    folder, alias = opensearch_reuters
    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(folder),
            "BACKEND": "opensearch",
            "OPENSEARCH_URL": ",".join(opensearch_cluster.urls),
            "OPENSEARCH_INDEX": alias,
        }
    )
    return app.test_client()

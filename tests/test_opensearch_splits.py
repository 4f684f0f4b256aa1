"""Readers' splits of a wrong merge (``searcher entities split``) on OpenSearch: the same aliases.txt
beside a Whoosh index and an OpenSearch one of the samples gives the same facets, filters, hits,
articles, entity pages and exports on both engines."""

import json
import shutil

import pytest

from .opensearch_cluster import clients_of_both
from .test_opensearch_contract import answers_agree

SPLIT = 'split person "Priya Desai" written "Dr Desai" to "Raj Desai"\n'


@pytest.fixture
def both_with_a_split(opensearch_samples_app, sample_index, tmp_path, monkeypatch):
    """Clients of both engines over the samples, each index dir holding the split rule."""
    opensearch_dir, whoosh_dir = tmp_path / "opensearch", tmp_path / "whoosh"
    shutil.copytree(opensearch_samples_app.config["INDEX_DIR"], opensearch_dir, symlinks=True)
    shutil.copytree(sample_index, whoosh_dir, symlinks=True)
    for folder in (opensearch_dir, whoosh_dir):
        (folder / "aliases.txt").write_text(SPLIT, encoding="utf-8")
    config = opensearch_samples_app.config
    return clients_of_both(whoosh_dir, opensearch_dir, config["OPENSEARCH_URL"], config["OPENSEARCH_INDEX"])


def test_a_split_gives_the_same_answers_on_both_engines(both_with_a_split):
    whoosh, opensearch = both_with_a_split
    raj = whoosh.get("/api/search?person=Raj+Desai&per_page=100").get_json()
    priya = whoosh.get("/api/search?person=Priya+Desai&per_page=100").get_json()
    assert raj["total"] > 0 and priya["total"] > 0  # the split moved some articles, not all
    queries = [
        "",
        "person=Raj+Desai",
        "person=Priya+Desai",
        "person=Raj+Desai&person=Priya+Desai&all=person",
        "not_person=Raj+Desai",
        "q=person:desai",
        'q=person:"raj+desai"',
        "q=person:raj*",
        "q=Desai&sort=oldest",
        "collapse=false&person=Raj+Desai",
    ]
    articles = [f"/api/articles/{hit['id']}" for hit in raj["hits"] + priya["hits"]]
    for query_string, found, expected in answers_agree(whoosh, opensearch, queries, articles):
        if "sort=oldest" in query_string or "person=" in query_string:  # the hits' people, as corrected
            assert {h["id"]: h["people"] for h in found["hits"]} == {
                h["id"]: h["people"] for h in expected["hits"]
            }
    for url in ("/api/entities/person/Raj%20Desai", "/api/entities/person/Priya%20Desai"):
        assert opensearch.get(url).get_json() == whoosh.get(url).get_json(), url

    def exported(client) -> list[dict]:
        lines = client.get("/export.jsonl?person=Raj+Desai&sort=oldest").get_data(True).splitlines()
        return [json.loads(line) for line in lines]

    assert exported(opensearch) == exported(whoosh) != []
    assert all("Raj Desai" in record["people"] for record in exported(opensearch))

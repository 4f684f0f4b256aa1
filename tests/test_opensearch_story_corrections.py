"""Readers' joins and splits of stories on OpenSearch: the samples, re-runs of two of them and the
seeds loaded into Whoosh and a real 3-node cluster; ``searcher stories join|split|undo`` run with the
OpenSearch backend rewrite the ``story`` field of the documents they move, so collapse, "N versions"
and every count agree with Whoosh's (which applies ``stories.txt`` when it reads) after each step."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from index.build import BuildOptions, rebuild
from searcher import create_app

from .conftest import SAMPLES, SEEDS, needs_seeds
from .test_opensearch_contract import comparable
from .test_opensearch_stories import re_run

pytestmark = needs_seeds
ALIAS = "newsfacets-story-fix"
QUERIES = ["per_page=100&sort=oldest", "q=Bolton&sort=oldest", "q=ferry&sort=oldest", "q=spokesperson"]


@pytest.fixture(scope="module")
def engines(opensearch_cluster, sample_index, tmp_path_factory):
    """(index dir, Whoosh app, OpenSearch app, the re-run pair's ids) over the same articles."""
    from searcher.opensearch_backend import OpenSearchWriter

    samples = create_app({"TESTING": True, "INDEX_DIR": str(sample_index)}).test_client()
    dated = [
        h for h in samples.get("/api/search?per_page=100&sort=oldest").get_json()["hits"] if h["published"]
    ]
    folder = tmp_path_factory.mktemp("os-story-fix")
    originals = [samples.get(f"/api/articles/{hit['id']}").get_json() for hit in dated[:2]]
    re_runs = [re_run(article, 3) for article in originals]
    (folder / "re-runs.jsonl").write_text("".join(json.dumps(a) + "\n" for a in re_runs), encoding="utf-8")
    index_dir = folder / "index"
    index_dir.mkdir()
    shutil.copy(sample_index / "annotations.sqlite", index_dir / "annotations.sqlite")
    writer = OpenSearchWriter(opensearch_cluster.urls, ALIAS, shards=3, replicas=1, index_dir=index_dir)
    paths = [str(SAMPLES), str(folder / "re-runs.jsonl"), str(SEEDS)]
    rebuild(paths, index_dir, replace(BuildOptions(progress=False), also_write=writer))
    assert writer.loaded == 33 + 2 + 2
    config = {"TESTING": True, "INDEX_DIR": str(index_dir)}
    opensearch = create_app(
        {
            **config,
            "BACKEND": "opensearch",
            "OPENSEARCH_URL": ",".join(opensearch_cluster.urls),
            "OPENSEARCH_INDEX": ALIAS,
        }
    )
    re_run_id = "wire-reprint/" + re_runs[0]["id"]
    return index_dir, create_app(config), opensearch, (originals[0]["id"], re_run_id)


def same_on_both(engines) -> dict:
    """Every query's answer, the same on both engines; Whoosh's, by query."""
    _, whoosh, opensearch, _ = engines
    answers = {}
    for query in QUERIES:
        first, second = (
            app.test_client().get(f"/api/search?{query}").get_json() for app in (whoosh, opensearch)
        )
        assert (second["total"], second["articles"]) == (first["total"], first["articles"]), query
        if "sort=oldest" in query:
            assert [(h["id"], h["versions"]) for h in second["hits"]] == [
                (h["id"], h["versions"]) for h in first["hits"]
            ]
        assert comparable(second) == comparable(first), query
        answers[query] = first
    return answers


def stories(engines, *args: str):
    index_dir, _, opensearch, _ = engines
    result = opensearch.test_cli_runner().invoke(args=["stories", *args, "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.output
    return result.output


def seed_ids(engines) -> list[str]:
    _, whoosh, _, _ = engines
    hits = whoosh.test_client().get("/api/search?q=Bolton&collapse=false").get_json()["hits"]
    return sorted(hit["id"] for hit in hits)


def test_join_split_and_undo_agree_on_both_engines(engines):
    _, whoosh, opensearch, (original, reprint) = engines
    start = same_on_both(engines)
    assert start["q=Bolton&sort=oldest"]["total"] == 2
    first, second = seed_ids(engines)

    assert "updated the story of 1 article in OpenSearch" in stories(engines, "join", first, second)
    joined = same_on_both(engines)
    assert (
        joined["q=Bolton&sort=oldest"]["total"],
        joined["q=Bolton&sort=oldest"]["hits"][0]["versions"],
    ) == (1, 2)
    for app in (whoosh, opensearch):
        versions = app.test_client().get(f"/api/articles/{first}").get_json()["versions"]
        assert sorted((v["id"], v["joined_by_reader"]) for v in versions) == [(first, False), (second, True)]

    everything = start["per_page=100&sort=oldest"]["total"]
    stories(engines, "split", reprint)
    assert same_on_both(engines)["per_page=100&sort=oldest"]["total"] == everything - 1 + 1
    for app in (whoosh, opensearch):
        versions = app.test_client().get(f"/api/articles/{original}").get_json()["versions"]
        assert [v["id"] for v in versions] == [original]

    stories(engines, "undo")
    stories(engines, "undo")
    end = same_on_both(engines)
    assert end["q=Bolton&sort=oldest"]["total"] == 2
    assert end["per_page=100&sort=oldest"]["total"] == everything


def test_a_rewritten_document_keeps_what_queries_match_and_its_normalization_inputs(
    engines, opensearch_cluster
):
    from searcher.opensearch_backend import client_for

    first, second = seed_ids(engines)
    stories(engines, "join", second, first)  # the first seed's document is the one rewritten
    try:
        client = client_for(opensearch_cluster.urls)
        found = client.get(index=ALIAS, id=first, stored_fields="ner_input")
        assert found["fields"]["ner_input"][0]
        _, _, opensearch, _ = engines
        hits = opensearch.test_client().get("/api/search?q=Bolton&collapse=false").get_json()["hits"]
        assert sorted(hit["id"] for hit in hits) == [first, second]
        assert (
            client.get(index=ALIAS, id=first)["_source"]["story"]
            == client.get(index=ALIAS, id=second)["_source"]["story"]
        )
    finally:
        stories(engines, "undo")

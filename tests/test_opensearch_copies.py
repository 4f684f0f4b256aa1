"""Exact copies on both engines: an article seen twice is indexed once, and the copy's id still answers
with the article kept, on Whoosh and on a real 3-node OpenSearch cluster alike, after a rebuild and
after an add that finds another copy."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from index.build import BuildOptions, add, rebuild
from searcher import create_app

ALIAS = "newsfacets-copies"
KEPT = {
    "id": "a1",
    "title": "Dam vote delayed",
    "body": "The council of Tallinn voted on Tuesday to delay the dam until the spring.",
    "source": "Wire",
}
OTHER = {
    "id": "a3",
    "title": "Ferry fares rise",
    "body": "Ferry fares between Helsinki and Tallinn rise by a tenth from March.",
    "source": "Wire",
}


def write_jsonl(path, *records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def engines(opensearch_cluster, sample_index, tmp_path_factory):
    """Whoosh and OpenSearch clients over the same build: a rebuild that meets one copy of "wire/a1"
    (``wire/a2``), then an add that meets another (``wire/b7``, the same text in capitals)."""
    from searcher.opensearch_backend import OpenSearchWriter, client_for

    folder = tmp_path_factory.mktemp("os-copies")
    index_dir = folder / "index"
    index_dir.mkdir()
    shutil.copy(sample_index / "annotations.sqlite", index_dir / "annotations.sqlite")
    writer = OpenSearchWriter(opensearch_cluster.urls, ALIAS, shards=3, replicas=1, index_dir=index_dir)
    options = replace(BuildOptions(progress=False), also_write=writer)
    wire = write_jsonl(folder / "wire.jsonl", KEPT, {**KEPT, "id": "a2"}, OTHER)
    report = rebuild([wire], index_dir, options)
    assert (report.indexed, len(report.skipped), writer.loaded) == (2, 1, 2), report
    later = write_jsonl(folder / "later.jsonl", {**KEPT, "id": "b7", "title": "DAM VOTE DELAYED"})
    report = add([later], index_dir, options)
    assert (report.indexed, len(report.skipped)) == (0, 1), report
    whoosh = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    opensearch = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "BACKEND": "opensearch",
            "OPENSEARCH_URL": ",".join(opensearch_cluster.urls),
            "OPENSEARCH_INDEX": ALIAS,
        }
    )
    yield {"whoosh": whoosh.test_client(), "opensearch": opensearch.test_client()}
    client_for(opensearch_cluster.urls).indices.delete(index=f"{ALIAS}-*", ignore_unavailable=True)


@pytest.mark.parametrize("engine", ["whoosh", "opensearch"])
@pytest.mark.parametrize("asked", ["wire/a2", "a2", "wire/b7", "b7"])
def test_a_copy_s_id_gives_the_article_kept(engines, engine, asked):
    answer = engines[engine].get(f"/api/articles/{asked}")
    assert answer.status_code == 200, answer.data[:300]
    assert answer.json["id"] == "wire/a1" and answer.json["title"] == KEPT["title"]


@pytest.mark.parametrize("engine", ["whoosh", "opensearch"])
def test_a_copy_s_page_redirects_to_the_article_kept(engines, engine):
    page = engines[engine].get("/article/wire/a2")
    assert page.status_code == 302 and page.headers["Location"].endswith("/article/wire/a1")


def test_both_engines_answer_a_copy_s_id_alike(engines):
    """The same article for every copy id, and the copies themselves are no articles of the search."""
    for asked in ("wire/a2", "wire/b7", "a2"):
        whoosh, opensearch = (engines[e].get(f"/api/articles/{asked}").json for e in ("whoosh", "opensearch"))
        related = ("related",)  # ranked by each engine's own "more like this"
        assert {k: v for k, v in opensearch.items() if k not in related} == {
            k: v for k, v in whoosh.items() if k not in related
        }
    totals = {e: engines[e].get("/api/search?q=dam").json["total"] for e in engines}
    assert totals == {"whoosh": 1, "opensearch": 1}
    for engine in engines.values():
        assert engine.get("/api/articles/wire/a9").status_code == 404  # no article, no copy


def test_a_removed_article_and_its_copies_are_gone_on_both_engines(
    opensearch_cluster, sample_index, tmp_path
):
    """``searcher index remove`` (and ``add --prune``) take the article off the cluster too, and with it
    the ids of its copies, as on Whoosh."""
    from index.build import remove
    from searcher.opensearch_backend import OpenSearchWriter, client_for

    alias = f"{ALIAS}-removal"
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    shutil.copy(sample_index / "annotations.sqlite", index_dir / "annotations.sqlite")
    writer = OpenSearchWriter(opensearch_cluster.urls, alias, shards=3, replicas=1, index_dir=index_dir)
    options = replace(BuildOptions(progress=False), also_write=writer)
    rebuild([write_jsonl(tmp_path / "wire.jsonl", KEPT, {**KEPT, "id": "a2"}, OTHER)], index_dir, options)
    report = remove(["wire/a1"], index_dir, options)
    assert report.removed == ["wire/a1"], report
    try:
        clients = {
            "whoosh": create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client(),
            "opensearch": create_app(
                {
                    "TESTING": True,
                    "INDEX_DIR": str(index_dir),
                    "BACKEND": "opensearch",
                    "OPENSEARCH_URL": ",".join(opensearch_cluster.urls),
                    "OPENSEARCH_INDEX": alias,
                }
            ).test_client(),
        }
        for engine, client in clients.items():
            for gone in ("wire/a1", "wire/a2", "a2"):
                assert client.get(f"/api/articles/{gone}").status_code == 404, (engine, gone)
            everything = client.get("/api/search").json
            assert (everything["total"], [hit["id"] for hit in everything["hits"]]) == (1, ["wire/a3"]), (
                engine
            )
            assert client.get("/api/search?q=dam").json["total"] == 0, engine
    finally:
        client_for(opensearch_cluster.urls).indices.delete(index=f"{alias}-*", ignore_unavailable=True)

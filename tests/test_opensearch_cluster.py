"""The cluster mode under a failure: an index of 3 shards and 1 replica on 3 real nodes keeps answering,
with the same totals, while one node is killed with SIGKILL; the node rejoins after a restart."""

import os
import shutil
import signal
import threading
import time
from dataclasses import replace

import pytest

from index.build import BuildOptions, rebuild
from searcher.opensearch_backend import OpenSearchIndex, OpenSearchWriter, client_for
from searcher.params import params_from_args

from .conftest import SAMPLES

ALIAS = "newsfacets-failover"
QUERIES = ["", "q=ferry", "person=Mara+Lindqvist", "q=ferry+OR+tram&not_country=Finland", "q=Solst*"]
SEARCHING_SECONDS = 12


@pytest.fixture(scope="module")
def loaded(opensearch_cluster, sample_index, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("os-failover")
    shutil.copy(sample_index / "annotations.sqlite", index_dir / "annotations.sqlite")
    writer = OpenSearchWriter(opensearch_cluster.urls, ALIAS, shards=3, replicas=1)
    rebuild([str(SAMPLES)], index_dir, replace(BuildOptions(progress=False), also_write=writer))
    client = client_for(opensearch_cluster.urls)
    client.cluster.health(index=ALIAS, wait_for_status="green")
    return opensearch_cluster


def parsed(query_string: str):
    from urllib.parse import parse_qsl

    from werkzeug.datastructures import MultiDict

    return params_from_args(MultiDict(parse_qsl(query_string)))


def test_searches_answer_through_a_killed_node_and_it_rejoins(loaded):
    cluster = loaded
    index = OpenSearchIndex(cluster.urls, ALIAS)
    client = client_for(cluster.urls)
    layout = client.cat.shards(index=ALIAS, format="json")
    assert len({s["shard"] for s in layout}) == 3 and len(layout) == 6  # 3 primaries, 3 replicas
    assert {s["node"] for s in layout} == {f"node-{i}" for i in range(3)}
    expected = {q: index.search(parsed(q)).total for q in QUERIES}
    assert all(expected.values())

    answers, failures = [], []
    stop = threading.Event()

    def search_continuously() -> None:
        while not stop.is_set():
            for query in QUERIES:
                try:
                    answers.append((query, index.search(parsed(query)).total))
                except Exception as error:
                    failures.append((query, repr(error)))

    searcher = threading.Thread(target=search_continuously)
    searcher.start()
    time.sleep(2)
    victim = 2
    os.kill(cluster.pid(victim), signal.SIGKILL)
    killed_at = len(answers)
    time.sleep(SEARCHING_SECONDS)
    # On a loaded machine a search can take a second: keep going until 20 have answered since the kill.
    deadline = time.monotonic() + 120
    while len(answers) - killed_at <= 20 and not failures and time.monotonic() < deadline:
        time.sleep(0.5)
    stop.set()
    searcher.join(timeout=120)

    assert not failures, failures[:5]
    assert len(answers) - killed_at > 20, "the client kept searching after the kill"
    assert [(q, t) for q, t in answers if t != expected[q]] == []
    survivor = client_for(cluster.urls[:victim])
    health = survivor.cluster.health(index=ALIAS)
    assert health["status"] in ("green", "yellow") and health["number_of_nodes"] == 2

    cluster.start(only=victim)  # waits until the cluster is green with 3 nodes
    health = client.cluster.health(index=ALIAS, wait_for_status="green", wait_for_nodes="3")
    assert health["status"] == "green" and health["number_of_nodes"] == 3
    assert {q: index.search(parsed(q)).total for q in QUERIES} == expected


def test_an_answer_with_a_failed_shard_is_an_error_not_a_partial_result():
    from searcher.engine import ClusterError
    from searcher.opensearch_backend import whole

    complete = {"_shards": {"total": 3, "successful": 3, "failed": 0}, "hits": {"total": {"value": 9}}}
    assert whole(complete) is complete
    partial = {
        "_shards": {
            "total": 3,
            "successful": 2,
            "failed": 1,
            "failures": [
                {"shard": 0, "reason": {"type": "circuit_breaking_exception", "reason": "Data too large"}}
            ],
        },
        "hits": {"total": {"value": 6}},
    }
    with pytest.raises(ClusterError, match="1 of 3 OpenSearch shards failed: Data too large"):
        whole(partial)


def test_a_search_the_cluster_refuses_answers_503_saying_why(loaded):
    """With the request memory limit below what any aggregation needs, every shard refuses: the API and
    the page answer 503 with OpenSearch's reason, never 200 with what was left, nor a bare 500."""
    from searcher import create_app

    client = client_for(loaded.urls)
    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": "/nonexistent",
            "BACKEND": "opensearch",
            "OPENSEARCH_URL": ",".join(loaded.urls),
            "OPENSEARCH_INDEX": ALIAS,
        }
    ).test_client()
    assert app.get("/api/search?q=ferry").status_code == 200
    client.cluster.put_settings(body={"transient": {"indices.breaker.request.limit": "1kb"}})
    try:
        api = app.get("/api/search?q=ferry")
        page = app.get("/?q=ferry")
    finally:
        client.cluster.put_settings(body={"transient": {"indices.breaker.request.limit": None}})
    assert api.status_code == 503 and "Data too large" in api.get_json()["error"], api.get_json()
    assert page.status_code == 503 and "could not answer in full" in page.get_data(as_text=True)
    assert app.get("/api/search?q=ferry").status_code == 200

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

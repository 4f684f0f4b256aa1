"""`searcher index rebuild|add|stats --backend opensearch` against the local cluster: a rebuild swaps the
alias to a new index and deletes the old one, a failed rebuild leaves the alias where it was, and add
updates in place."""

import json
import shutil

import pytest

from searcher import create_app
from searcher.opensearch_backend import client_for

from .conftest import SAMPLES

ALIAS = "newsfacets-cli"


@pytest.fixture
def cli(opensearch_cluster, sample_index, tmp_path):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    shutil.copy(sample_index / "annotations.sqlite", index_dir / "annotations.sqlite")  # NER stays warm
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    flags = [
        "--backend",
        "opensearch",
        "--opensearch-url",
        ",".join(opensearch_cluster.urls),
        "--opensearch-index",
        ALIAS,
    ]

    def run(*args, config=None):
        app.config.update(config or {})
        return app.test_cli_runner().invoke(args=[*args, *flags])

    yield run
    client = client_for(opensearch_cluster.urls)
    client.indices.delete(index=f"{ALIAS}-*", ignore_unavailable=True)


def articles_behind(cluster, alias) -> tuple[str, int]:
    client = client_for(cluster.urls)
    index = next(iter(client.indices.get_alias(name=alias)))
    return index, client.count(index=alias)["count"]


def test_rebuild_add_and_stats(cli, opensearch_cluster):
    files = sorted(str(p) for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))
    result = cli("index", "rebuild", *files[:6])
    assert result.exit_code == 0, result.output
    first, count = articles_behind(opensearch_cluster, ALIAS)
    assert count == 6

    result = cli("index", "add", str(SAMPLES))  # the six again (unchanged) and the other 27
    assert result.exit_code == 0, result.output
    assert "27 indexed" in result.output and "6 unchanged" in result.output
    assert articles_behind(opensearch_cluster, ALIAS) == (first, 33)  # in place: the same index

    result = cli("index", "stats", "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["articles"] == 33 and stats["generation"] == first and stats["nodes"] == 3
    assert stats["facet_values"]["person"] > 5 and stats["published_first"] == "2024-01-08"

    result = cli("index", "rebuild", str(SAMPLES))
    assert result.exit_code == 0, result.output
    second, count = articles_behind(opensearch_cluster, ALIAS)
    assert second != first and count == 33
    left = client_for(opensearch_cluster.urls).indices.get(index=f"{ALIAS}-*")
    assert sorted(left) == sorted([second, f"{second}-words"])  # the old index was deleted after the switch


def test_a_failed_rebuild_leaves_the_alias_on_the_old_index(cli, opensearch_cluster):
    assert cli("index", "rebuild", str(SAMPLES)).exit_code == 0
    before = articles_behind(opensearch_cluster, ALIAS)
    result = cli(
        "index", "rebuild", str(SAMPLES), config={"OPENSEARCH_SHARDS": 2000}
    )  # the cluster refuses it
    assert result.exit_code == 1
    assert "could not take the articles" in result.output and f"{ALIAS!r} is unchanged" in result.output
    assert articles_behind(opensearch_cluster, ALIAS) == before
    assert sorted(client_for(opensearch_cluster.urls).indices.get(index=f"{ALIAS}-*")) == sorted(
        [before[0], f"{before[0]}-words"]
    )  # nothing of the failed rebuild is left


def test_stats_without_an_index_says_to_rebuild(cli):
    result = cli("index", "stats")
    assert result.exit_code == 1 and "run `searcher index rebuild --backend opensearch`" in result.output


SPLIT_ALIAS = "newsfacets-split"


@pytest.fixture(scope="module")
def split_adds(opensearch_cluster, sample_index, tmp_path_factory):
    """Two machines, each with a copy of the index dir after a first rebuild, add disjoint halves of
    the samples at the same time (two `searcher index add` processes); an app searching the result."""
    import subprocess
    import sys

    tmp_path = tmp_path_factory.mktemp("split-adds")
    machine_a, machine_b = tmp_path / "machine-a", tmp_path / "machine-b"
    machine_a.mkdir()
    shutil.copy(sample_index / "annotations.sqlite", machine_a / "annotations.sqlite")
    flags = ["--backend", "opensearch", "--opensearch-url", ",".join(opensearch_cluster.urls)]
    flags += ["--opensearch-index", SPLIT_ALIAS, "--quiet"]
    searcher = [sys.executable, "-m", "searcher", "index"]
    first = sorted(p for p in SAMPLES.iterdir() if p.suffix == ".txt")[:2]
    subprocess.run(
        [*searcher, "rebuild", *map(str, first), "--index-dir", str(machine_a), *flags], check=True
    )
    shutil.copytree(machine_a, machine_b, symlinks=True)
    rest = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html", ".jsonl", ".rss", ".atom"))
    rest = [p for p in rest if p not in first]
    halves = {machine_a: rest[0::2], machine_b: rest[1::2]}
    adds = [
        subprocess.Popen(
            [*searcher, "add", *map(str, files), "--index-dir", str(folder), *flags],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder, files in halves.items()
    ]
    for add in adds:
        _, err = add.communicate(timeout=600)
        assert add.returncode == 0, err
    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(machine_a),
            "BACKEND": "opensearch",
            "OPENSEARCH_URL": ",".join(opensearch_cluster.urls),
            "OPENSEARCH_INDEX": SPLIT_ALIAS,
        }
    )
    yield app.test_client()
    client_for(opensearch_cluster.urls).indices.delete(index=f"{SPLIT_ALIAS}-*", ignore_unavailable=True)


def test_two_adds_at_once_on_disjoint_halves_end_with_the_union(split_adds, opensearch_cluster, sample_index):
    """The cluster holds every article, and the words and places' countries both adds brought (each
    merged by the cluster, not read and written back by one add over the other's)."""
    from index import store
    from index.schema import WORDS_FILE
    from searcher.opensearch_backend import OpenSearchIndex, read_words

    client = client_for(opensearch_cluster.urls)
    index, count = articles_behind(opensearch_cluster, SPLIT_ALIAS)
    union = {
        h["_id"]
        for h in client.search(index=SPLIT_ALIAS, body={"size": 100, "_source": False})["hits"]["hits"]
    }
    whoosh = create_app({"TESTING": True, "INDEX_DIR": str(sample_index)}).test_client()
    single = {h["id"] for h in whoosh.get("/api/search?per_page=100").get_json()["hits"]}
    assert count == len(single) == 33  # every sample article, once
    assert union == single  # the same articles as a single rebuild of every file

    expected_words = store.read_json(store.current_generation(sample_index) / WORDS_FILE)
    assert dict(read_words(client, index)) == expected_words  # neither add's counts were lost
    countries = OpenSearchIndex(opensearch_cluster.urls, SPLIT_ALIAS).generation().countries
    expected_places = store.read_json(store.current_generation(sample_index) / "places.json")
    assert {p: c for p, c in countries.items() if c} == {p: c for p, c in expected_places.items() if c}


def test_split_adds_give_the_facets_of_a_single_rebuild(split_adds, sample_index):
    from .test_opensearch_contract import comparable

    whoosh = create_app({"TESTING": True, "INDEX_DIR": str(sample_index)}).test_client()
    split = comparable(split_adds.get("/api/search?per_page=100").get_json())["facets"]
    assert split == comparable(whoosh.get("/api/search?per_page=100").get_json())["facets"]


def test_counts_merged_by_the_cluster_lose_nothing_to_concurrent_adds(cli, opensearch_cluster):
    """Many writers adding to the same counts at once: the cluster's script sums them all."""
    from concurrent.futures import ThreadPoolExecutor

    from searcher.opensearch_backend import OpenSearchWriter, read_words

    assert cli("index", "rebuild", str(sorted(SAMPLES.glob("*.txt"))[0])).exit_code == 0
    index, _ = articles_behind(opensearch_cluster, ALIAS)
    writers = [OpenSearchWriter(opensearch_cluster.urls, ALIAS) for _ in range(4)]

    def add_many(writer):
        for _ in range(10):
            writer.merge_into_side_document(index, "words", {"zzyzx": 1, "quokka": 2}, add=True)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(add_many, writers))
    counts = read_words(client_for(opensearch_cluster.urls), index)
    assert counts["zzyzx"] == 40 and counts["quokka"] == 80


def test_an_index_loaded_with_other_stems_is_refused_saying_to_rebuild(cli, opensearch_cluster, tmp_path):
    """An index whose mapping does not record this version's words (loaded before they were stemmed by
    Porter's rules in full), or records an older version: searches answer 503 saying to rebuild, and
    `add` refuses it before it reads any article, as for a Whoosh index; a rebuild loads it again."""
    from searcher.opensearch_backend import WORDS_META, WORDS_VERSION

    files = sorted(str(p) for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))
    assert cli("index", "rebuild", *files[:3]).exit_code == 0
    client = client_for(opensearch_cluster.urls)
    index, count = articles_behind(opensearch_cluster, ALIAS)
    meta = client.indices.get_mapping(index=index)[index]["mappings"]["_meta"]
    assert meta[WORDS_META] == WORDS_VERSION

    def search_status() -> tuple[int, dict]:
        config = {"TESTING": True, "INDEX_DIR": str(tmp_path), "BACKEND": "opensearch"}
        config |= {"OPENSEARCH_URL": opensearch_cluster.urls[0], "OPENSEARCH_INDEX": ALIAS}
        response = create_app(config).test_client().get("/api/search?q=ferry")
        return response.status_code, response.json

    assert search_status()[0] == 200
    porter = f"the OpenSearch index {index!r} was built before words were stemmed by Porter's rules in full"
    phrases = (
        f"the OpenSearch index {index!r} was built before a phrase matched its words with the words left out"
    )
    # loaded before the version was recorded; before Porter's rules; before words kept their places
    for old, refusal in ((None, porter), (WORDS_VERSION - 2, porter), (WORDS_VERSION - 1, phrases)):
        client.indices.put_mapping(index=index, body={"_meta": {**meta, WORDS_META: old}})
        status, answer = search_status()
        assert status == 503 and refusal in answer["error"] and "searcher index rebuild" in answer["error"]
        result = cli("index", "add", *files[3:6])
        assert result.exit_code == 1 and refusal in result.output, result.output
        assert "articles read" not in result.output  # refused up front, not after reading the files
        assert articles_behind(opensearch_cluster, ALIAS) == (index, count)
    assert cli("index", "rebuild", *files[:3]).exit_code == 0
    assert search_status()[0] == 200

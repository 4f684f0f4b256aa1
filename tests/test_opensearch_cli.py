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

"""The dateline and the time of publication on the OpenSearch backend, as on Whoosh (``test_dateline.py``)."""

import pytest

from tests.opensearch_cluster import clients_of_both, index_on_both
from tests.test_dateline import write_dateline_corpus


@pytest.fixture(scope="module")
def both_clients(opensearch_cluster, tmp_path_factory):
    from index.build import BuildOptions, rebuild

    folder = tmp_path_factory.mktemp("os-datelines")
    paths = write_dateline_corpus(folder)
    warm = folder / "warm"
    warm.mkdir()
    rebuild(paths, warm, BuildOptions(progress=False))  # the NER cache both engines' build reuses
    alias = "newsfacets-datelines"
    assert index_on_both(paths, folder / "index", opensearch_cluster.urls, alias, warm) == 5
    return clients_of_both(folder / "index", folder / "index", ",".join(opensearch_cluster.urls), alias)


def test_both_engines_find_an_article_by_its_dateline_alone_and_show_it(both_clients):
    for client in both_clients:
        answer = client.get("/api/search", query_string={"q": "quillmouth", "collapse": "false"}).get_json()
        assert {hit["id"] for hit in answer["hits"]} == {"test-wire/q-1", "test-wire/q-2"}
        article = client.get("/api/articles/test-wire/q-1").get_json()
        assert (article["dateline"], article["published_at"]) == (
            "QUILLMOUTH, April 2",
            "1987-04-02T09:15:00",
        )
        page = client.get("/article/test-wire/q-1").get_data(as_text=True)
        assert '<span class="dateline">QUILLMOUTH, April 2</span>' in page
        assert '<time datetime="1987-04-02T09:15:00">1987-04-02 09:15</time>' in page

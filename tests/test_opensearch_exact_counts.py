"""Story counts on OpenSearch are exact, not the cardinality aggregation's estimate.

OpenSearch's cardinality keeps 25 bits of each value's MurmurHash3 below its precision threshold, so two
story ids sharing those bits count as one. At Reuters 16x (11,000 stories of several versions) that
happened on every large total. The corpus here makes it happen on purpose: 120 invented stories of two
versions each, two of them named by ids whose hashes share the 25 bits. Whoosh counts 120 stories; the
cardinality alone says 119 (checked first, so the test shows the condition it is about)."""

from __future__ import annotations

import importlib.util
import json
import random
from datetime import datetime, timedelta

import pytest

from searcher.opensearch_backend import client_for
from searcher.opensearch_counting import (
    EXACT_FROM,
    HASH_BITS,
    STORY_IDS_A_REQUEST,
    kept_bits,
    listed_story_ids,
    listing_groups,
    merged_stories,
    murmur3_h1,
    period_filter,
    sharing_groups,
    story_listing_size,
)

from .conftest import ROOT
from .opensearch_cluster import clients_of_both, index_on_both
from .test_opensearch_contract import comparable

STORIES = 120  # above EXACT_FROM: the total is listed, while the months' buckets are corrected
SOURCE = "Collision Wire"
SCOPE = "collision-wire"  # the article ids' scope for SOURCE (index.articles.source_scope)


def own_ids_of_stories(count: int) -> list[str]:
    """``count`` own ids for the first versions of the stories: two whose story ids' hashes share the
    bits the cardinality keeps, the rest sharing them with none."""
    seen: dict[int, str] = {}
    for number in range(1_000_000):
        own_id = f"c{number}"
        bits = kept_bits(f"{SCOPE}/{own_id}")
        if bits in seen:
            pair = [seen[bits], own_id]
            break
        seen[bits] = own_id
    rest = [own_id for own_id in seen.values() if own_id not in pair][: count - 2]
    return pair + rest


def invented_text(rng: random.Random, words: int) -> str:
    syllables = ["ka", "lo", "mer", "tan", "vi", "sol", "dre", "pu", "nak", "eth", "ram", "qui", "bo", "zel"]
    made = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))) for _ in range(words)]
    sentences = [" ".join(made[i : i + 12]).capitalize() + "." for i in range(0, words, 12)]
    return " ".join(sentences)


def colliding_corpus(count: int) -> list[dict]:
    """``count`` stories of two versions: an article and its update a day later, same text and a
    sentence more (index/stages/stories.py groups them)."""
    rng = random.Random(20261126)
    start = datetime(2024, 3, 1, 9, 0)
    articles = []
    for number, own_id in enumerate(own_ids_of_stories(count)):
        published = start + timedelta(days=3 * number)
        title = invented_text(rng, 6).rstrip(".")
        body = invented_text(rng, 72)
        articles.append(
            {"id": own_id, "title": title, "body": body, "published": published.isoformat(), "source": SOURCE}
        )
        articles.append(
            {
                "id": f"{own_id}-update",
                "title": title,
                "body": body + " " + invented_text(rng, 12),
                "published": (published + timedelta(days=1)).isoformat(),
                "source": SOURCE,
            }
        )
    return articles


def test_murmur3_gives_opensearch_hash():
    # MurmurHash3_x64_128("foo", seed 0), first half, as Lucene, Guava and mmh3 give it (signed there)
    assert murmur3_h1(b"foo") == -2129773440516405919 % 2**64
    assert murmur3_h1(b"") == 0
    long_key = b"a key longer than sixteen bytes, so blocks and a tail"
    assert murmur3_h1(long_key) != murmur3_h1(long_key[:-1])
    assert kept_bits("wire-a/1") == murmur3_h1(b"wire-a/1") >> (64 - HASH_BITS)


def test_sharing_groups_and_the_stories_a_cardinality_merged():
    own_ids = own_ids_of_stories(STORIES)
    story_ids = [f"{SCOPE}/{own_id}" for own_id in own_ids]
    assert len(set(own_ids)) == STORIES
    assert sharing_groups(story_ids) == [frozenset(story_ids[:2])]  # that pair, and no other
    groups = [frozenset({"a", "b", "c"}), frozenset({"d", "e"})]
    assert merged_stories({"a", "b", "c", "d", "x"}, groups) == 2
    assert merged_stories({"a", "d", "x"}, groups) == 0
    assert merged_stories(set(), []) == 0


def test_listing_groups_fill_requests_in_order_and_leave_out_too_large():
    assert listing_groups([10, 20, 30, 15], 40) == [[0, 1], [2], [3]]
    assert listing_groups([50, 10], 40) == [[1]]  # 50 is paged through instead
    assert listing_groups([], 40) == []
    sizes = [story_listing_size(n) for n in (100, 11_000, 30_000, 46_000)]
    assert all(size <= STORY_IDS_A_REQUEST for size in sizes[:3]) and sizes[3] > STORY_IDS_A_REQUEST
    assert story_listing_size(11_000) > 11_000 * 1.05  # room for HyperLogLog's error


def test_story_ids_listed_only_when_none_was_left_out():
    listed = {
        "buckets": [{"key": "a", "doc_count": 2}, {"key": "b", "doc_count": 3}],
        "sum_other_doc_count": 0,
    }
    assert listed_story_ids(listed) == ["a", "b"]
    assert listed_story_ids({**listed, "sum_other_doc_count": 4}) is None


def test_period_filter_spans_a_day_a_month_or_a_year():
    def span(start: str, unit: str) -> tuple[str, str]:
        key = int((datetime.fromisoformat(start) - datetime(1970, 1, 1)).total_seconds() * 1000)
        found = period_filter(key, unit)["range"]["published"]
        assert found["format"] == "epoch_millis"
        return tuple(
            (datetime(1970, 1, 1) + timedelta(milliseconds=found[end])).isoformat() for end in ("gte", "lt")
        )

    assert span("1987-02-28", "day") == ("1987-02-28T00:00:00", "1987-03-01T00:00:00")
    assert span("1987-12-01", "month") == ("1987-12-01T00:00:00", "1988-01-01T00:00:00")
    assert span("1987-01-01", "year") == ("1987-01-01T00:00:00", "1988-01-01T00:00:00")


@pytest.fixture(scope="module")
def colliding_on_both(opensearch_cluster, sample_index, tmp_path_factory):
    folder = tmp_path_factory.mktemp("os-exact")
    corpus = folder / "colliding.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in colliding_corpus(STORIES)), encoding="utf-8")
    index_dir, alias = folder / "index", "newsfacets-exact"
    indexed = index_on_both([str(corpus)], index_dir, opensearch_cluster.urls, alias, sample_index)
    assert indexed == 2 * STORIES
    whoosh, opensearch = clients_of_both(index_dir, index_dir, ",".join(opensearch_cluster.urls), alias)
    return whoosh, opensearch, client_for(opensearch_cluster.urls), alias


def test_cardinality_alone_counts_the_colliding_stories_once(colliding_on_both):
    *_, client, alias = colliding_on_both
    body = {"size": 0, "aggs": {"s": {"cardinality": {"field": "story", "precision_threshold": 40_000}}}}
    assert client.search(index=alias, body=body)["aggregations"]["s"]["value"] == STORIES - 1


def stats_of_both(clients) -> tuple[dict, dict]:
    """`searcher index stats --json` of the Whoosh and the OpenSearch app, the same keys compared: the
    articles, stories, distinct values of each facet, the top ones and dates."""
    stats = []
    for client in clients:
        result = client.application.test_cli_runner().invoke(args=["index", "stats", "--json"])
        assert result.exit_code == 0, result.output
        stats.append(json.loads(result.output))
    on_whoosh, on_opensearch = stats
    for key in ("articles", "stories", "facet_values", "top_values", "published_first", "published_last"):
        assert on_opensearch[key] == on_whoosh[key], key
    return on_whoosh, on_opensearch


def test_index_stats_count_the_stories_exactly_as_whoosh_does(colliding_on_both):
    """`searcher index stats` says STORIES stories on both engines, where the cardinality says one
    fewer (``test_cardinality_alone_counts_the_colliding_stories_once``)."""
    whoosh, opensearch, *_ = colliding_on_both
    on_whoosh, on_opensearch = stats_of_both((whoosh, opensearch))
    assert on_opensearch["stories"] == on_whoosh["stories"] == STORIES
    assert on_whoosh["articles"] == 2 * STORIES


@pytest.mark.parametrize("query", ["", "sort=oldest", "page=3", "per_page=5&sort=newest"])
def test_story_totals_and_counts_are_exact(colliding_on_both, query):
    """The total (listed: more than EXACT_FROM stories), the language's count (listed) and the month
    holding both colliding stories (a small bucket, given back the story its cardinality merged)."""
    whoosh, opensearch, *_ = colliding_on_both
    on_whoosh = whoosh.get(f"/api/search?{query}").get_json()
    on_opensearch = opensearch.get(f"/api/search?{query}").get_json()
    assert on_whoosh["total"] == STORIES > EXACT_FROM
    assert on_opensearch["total"] == on_whoosh["total"]
    assert on_opensearch["articles"] == on_whoosh["articles"] == 2 * STORIES
    assert comparable(on_opensearch) == comparable(on_whoosh)  # every count; ties at a list's cut aside


def test_counts_within_a_selection_are_exact(colliding_on_both):
    """A facet counted within another's selection, and the chosen value's own count."""
    whoosh, opensearch, *_ = colliding_on_both
    language = whoosh.get("/api/search").get_json()["facets"]["language"][0]["value"]
    for query in (f"language={language}", f"not_language={language}", f"language={language}&sort=oldest"):
        on_whoosh = whoosh.get(f"/api/search?{query}").get_json()
        on_opensearch = opensearch.get(f"/api/search?{query}").get_json()
        assert comparable(on_opensearch) == comparable(on_whoosh)


def test_bench_records_both_totals_and_the_counts_that_differ():
    spec = importlib.util.spec_from_file_location("bench_opensearch", ROOT / "bench" / "opensearch.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    answer = {
        "total": 15877,
        "articles": 21269,
        "facets": {
            "place": [{"value": "United States", "count": 5000, "selected": False}],
            "published": [{"value": "1987-03", "count": 8000}],
        },
    }
    whoosh = bench.answer_counts(answer)
    other = bench.answer_counts(
        {
            **answer,
            "total": 15878,
            "facets": {
                "place": [{"value": "United States", "count": 5001}, {"value": "Japan", "count": 3}],
                "published": [{"value": "1987-03", "count": 8000}],
            },
        }
    )
    assert bench.count_differences(whoosh, whoosh) == {}
    assert bench.count_differences(whoosh, other) == {
        "total": {"whoosh": 15877, "opensearch": 15878},
        "facets": {
            "place": {
                "Japan": {"whoosh": 0, "opensearch": 3},
                "United States": {"whoosh": 5000, "opensearch": 5001},
            }
        },
    }
    differing = bench.differing_counts({"": whoosh, "q=oil": whoosh}, {"": other, "q=oil": whoosh})
    assert list(differing) == [""]
    # values tied at the cut of a full list: each engine keeps its own, and that is no difference
    cut_whoosh = {"facets": {"org": {"A": 9, "B": 2, "C": 2}}, "total": 5}
    cut_opensearch = {"facets": {"org": {"A": 9, "B": 2, "D": 2}}, "total": 5}
    assert bench.count_differences(cut_whoosh, cut_opensearch) == {}
    lower = {"facets": {"org": {"A": 9, "B": 2, "D": 1}}, "total": 5}
    assert bench.count_differences(cut_whoosh, lower)["facets"]["org"] == {
        "C": {"whoosh": 2, "opensearch": 0},
        "D": {"whoosh": 0, "opensearch": 1},
    }

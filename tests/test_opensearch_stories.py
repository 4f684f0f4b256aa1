"""Versions of one story on OpenSearch: the same corpus (the samples, re-runs of some of them by
another outlet, and the seed articles) indexed into Whoosh and into a real 3-node cluster, searched
with versions collapsed. Totals, hits, "N versions", the versions listed and every count (facets,
histogram, matched values) must be the same on both engines."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import quote

import pytest

from index.build import BuildOptions, add, rebuild
from searcher import create_app
from searcher.opensearch_backend import (
    FACET_SIZE,
    STORY_FLAG,
    bucket_count,
    client_for,
    multi_version_stories,
    ranked_by_stories,
)

from .conftest import SAMPLES, SEEDS
from .opensearch_cluster import clients_of_both, index_on_both
from .test_opensearch_contract import QUERIES, comparable
from .test_opensearch_exact_counts import stats_of_both

# a person only the re-run names: excluding her must leave out the original version too
ADDED = (
    "A spokesperson said more details would follow later in the week. "
    "Maren Holt, who chairs the board, said the plan was sound."
)
RE_RUNS = 8  # samples run again by another outlet: stories of two versions


def re_run(article: dict, hours: int) -> dict:
    """An article as another outlet ran it ``hours`` later: the same copy with a sentence added."""
    published = datetime.fromisoformat(article["published"]) + timedelta(hours=hours)
    return {
        "id": "re-run-" + article["id"].rsplit("/", 1)[-1],
        "title": article["title"],
        "body": article["body"] + "\n\n" + ADDED,
        "published": published.isoformat(),
        "source": "Wire Reprint",
    }


@pytest.fixture(scope="module")
def stories_on_both(opensearch_cluster, sample_index, tmp_path_factory):
    """Whoosh (the index dir) and OpenSearch clients over the same articles, several of them in
    stories of two versions."""
    samples = create_app({"TESTING": True, "INDEX_DIR": str(sample_index)}).test_client()
    dated = [
        h for h in samples.get("/api/search?per_page=100&sort=oldest").get_json()["hits"] if h["published"]
    ]
    folder = tmp_path_factory.mktemp("os-stories")
    re_runs = []
    for number, hit in enumerate(dated[::3][:RE_RUNS]):
        article = samples.get(f"/api/articles/{hit['id']}").get_json()
        re_runs.append(re_run(article, 3 if number % 2 else 26))  # half of them the next day
    (folder / "re-runs.jsonl").write_text("".join(json.dumps(a) + "\n" for a in re_runs), encoding="utf-8")
    index_dir, alias = folder / "index", "newsfacets-stories"
    paths = [str(SAMPLES), str(folder / "re-runs.jsonl")] + ([str(SEEDS)] if SEEDS.is_dir() else [])
    indexed = index_on_both(paths, index_dir, opensearch_cluster.urls, alias, sample_index)
    assert indexed == 33 + RE_RUNS + (2 if SEEDS.is_dir() else 0)
    return clients_of_both(index_dir, index_dir, ",".join(opensearch_cluster.urls), alias)


@pytest.fixture(scope="module")
def re_runs_added(opensearch_cluster, sample_index, tmp_path_factory):
    """The samples and seeds rebuilt, then the re-runs of some samples added: each re-run a second
    version of a story the cluster held with one (Whoosh and OpenSearch clients, and the alias)."""
    from searcher.opensearch_backend import OpenSearchWriter

    samples = create_app({"TESTING": True, "INDEX_DIR": str(sample_index)}).test_client()
    dated = [
        h for h in samples.get("/api/search?per_page=100&sort=oldest").get_json()["hits"] if h["published"]
    ]
    folder = tmp_path_factory.mktemp("os-stories-added")
    re_runs = [re_run(samples.get(f"/api/articles/{h['id']}").get_json(), 3) for h in dated[::3][:RE_RUNS]]
    (folder / "re-runs.jsonl").write_text("".join(json.dumps(a) + "\n" for a in re_runs), encoding="utf-8")
    index_dir, alias = folder / "index", "newsfacets-stories-added"
    index_dir.mkdir()
    shutil.copy(sample_index / "annotations.sqlite", index_dir / "annotations.sqlite")
    writer = OpenSearchWriter(opensearch_cluster.urls, alias, shards=3, replicas=1, index_dir=index_dir)
    options = replace(BuildOptions(progress=False), also_write=writer)
    rebuild([str(SAMPLES)] + ([str(SEEDS)] if SEEDS.is_dir() else []), index_dir, options)
    add([str(folder / "re-runs.jsonl")], index_dir, options)
    whoosh, opensearch = clients_of_both(index_dir, index_dir, ",".join(opensearch_cluster.urls), alias)
    return whoosh, opensearch, alias


def collapsed(client, query_string: str) -> dict:
    response = client.get(f"/api/search?{query_string}")
    assert response.status_code == 200, (query_string, response.data[:300])
    data = response.get_json()
    assert data["collapse"] is True and data["counts"] == "stories"
    return data


def versions_of(data: dict) -> dict:
    """Each hit's story, "N versions" and the other versions listed (ids, oldest first)."""
    return {
        hit["id"]: (hit["story"], hit["versions"], [v["id"] for v in hit["other_versions"]])
        for hit in data["hits"]
    }


def test_the_corpus_has_stories_of_several_versions(stories_on_both):
    whoosh, _ = stories_on_both
    data = collapsed(whoosh, "per_page=100")
    assert data["articles"] - data["total"] == RE_RUNS  # the two seeds stay two stories (README)
    assert sum(1 for hit in data["hits"] if hit["versions"] == 2) == RE_RUNS
    over_two_days = [
        hit for hit in data["hits"] if {v["published"] for v in hit["other_versions"]} - {hit["published"]}
    ]
    assert len(over_two_days) >= RE_RUNS // 2 and data["published_unit"] == "month"


def test_an_excluded_value_leaves_out_every_version_of_its_story_on_both_engines(stories_on_both):
    """Counting stories, a person only one version names leaves the whole story out when excluded: on
    both engines, the same stories, totals, counts and "+N"; and with her and without her add up."""
    whoosh, opensearch = stories_on_both
    everything = collapsed(whoosh, "per_page=100")
    cases = []
    for hit in everything["hits"]:
        ids = [hit["id"], *(version["id"] for version in hit["other_versions"])]
        people = [set(whoosh.get(f"/api/articles/{quote(i)}").get_json()["people"]) for i in ids]
        cases += [(value, hit["story"]) for value in sorted(set.union(*people) - set.intersection(*people))]
    assert cases  # the re-runs name Maren Holt, the originals do not
    country = everything["facets"]["country"][0]["value"]  # checked: each other country says what it adds
    for value, story in cases[:4]:
        for query_string in (
            f"not_person={quote(value)}&per_page=100",
            f"not_person={quote(value)}&country={quote(country)}&q=said",
        ):
            answers = [collapsed(client, query_string) for client in (whoosh, opensearch)]
            for data in answers:
                assert story not in {hit["story"] for hit in data["hits"]}, (value, query_string)
            assert comparable(answers[1]) == comparable(answers[0]), query_string
        holding = collapsed(whoosh, f"person={quote(value)}")["total"]
        without = collapsed(opensearch, f"not_person={quote(value)}")
        assert without["total"] + holding == everything["total"], value
        assert [v["count"] for v in without["facets"]["person"] if v["excluded"]] == [holding]


def test_a_value_s_count_and_its_exclusion_add_up_to_the_total_on_both_engines(stories_on_both):
    """Counting stories, a value's count and the stories left by excluding it make the search's total,
    on both engines, with the same answers: the exclusion looks only at the versions the search finds,
    as the count does. So a story whose re-run (the only version naming Maren Holt) was published the
    next day stays in a search that ends the day before, excluding her."""
    whoosh, opensearch = stories_on_both
    everything = collapsed(whoosh, "per_page=100")
    next_day = [
        (hit["story"], version["published"][:10])
        for hit in everything["hits"]
        for version in hit["other_versions"]
        if version["published"][:10] < hit["published"][:10]
    ]
    assert next_day
    story, day = next_day[0]
    holt = quote("Maren Holt")
    for client in (whoosh, opensearch):
        kept = collapsed(client, f"to={day}&not_person={holt}&per_page=100")
        assert story in {hit["story"] for hit in kept["hits"]}
    for search in (f"to={day}", "q=said&sort=newest", f"q=board&from={day}&sort=newest"):
        totals = [collapsed(client, f"{search}&per_page=100") for client in (whoosh, opensearch)]
        assert comparable(totals[1]) == comparable(totals[0]), search
        total = totals[0]["total"]
        checked = 0
        for facet in ("person", "org", "country"):
            values = [item for item in totals[0]["facets"][facet] if not item["selected"]][:6]
            values += [item for item in totals[0]["facets"][facet] if item["value"] == "Maren Holt"]
            for item in values:
                excluding = f"{search}&not_{facet}={quote(item['value'])}&per_page=100"
                answers = [collapsed(client, excluding) for client in (whoosh, opensearch)]
                assert item["count"] + answers[0]["total"] == total, (search, facet, item)
                assert comparable(answers[1]) == comparable(answers[0]), excluding
                checked += 1
        assert checked >= 6, search


def test_index_stats_are_the_same_on_both_engines(stories_on_both):
    """`searcher index stats` over the same files: the same articles, stories (the re-runs counted with
    their originals), distinct values of each facet, top values and dates."""
    on_whoosh, _ = stats_of_both(stories_on_both)
    assert on_whoosh["stories"] == on_whoosh["articles"] - RE_RUNS
    assert min(on_whoosh["facet_values"][facet] for facet in ("person", "place", "country", "org")) > 3


@pytest.mark.parametrize(
    "query_string",
    [*QUERIES, "q=Bolton", "q=spokesperson", "per_page=5&page=3", "q=ferry&sort=oldest&per_page=3&page=2"],
)
def test_collapsed_answers_are_the_same_on_both_engines(stories_on_both, query_string):
    whoosh, opensearch = (collapsed(client, query_string) for client in stories_on_both)
    ranked = "q=" in query_string and "sort=" not in query_string
    assert (opensearch["total"], opensearch["articles"]) == (whoosh["total"], whoosh["articles"])
    if ranked and whoosh["total"] > whoosh["per_page"]:
        # one page of a longer ranked list: the two BM25s may put different stories on it
        whoosh["hits"], opensearch["hits"] = [], []
    elif ranked:  # every story on the page, each led by its best-ranked version: compare the stories
        assert sorted(h["story"] for h in opensearch["hits"]) == sorted(h["story"] for h in whoosh["hits"])
        assert sorted(h["versions"] for h in opensearch["hits"]) == sorted(
            h["versions"] for h in whoosh["hits"]
        )
        whoosh["hits"], opensearch["hits"] = [], []
    else:  # by date: the same versions lead the same stories, in the same order
        assert [h["id"] for h in opensearch["hits"]] == [h["id"] for h in whoosh["hits"]]
        assert versions_of(opensearch) == versions_of(whoosh)
    assert comparable(opensearch) == comparable(whoosh)


def test_collapse_false_lists_every_article_on_opensearch(stories_on_both):
    whoosh, opensearch = stories_on_both
    every = opensearch.get("/api/search?per_page=100&collapse=false").get_json()
    grouped = collapsed(opensearch, "per_page=100")
    assert every["counts"] == "articles" and every["total"] == grouped["articles"] > grouped["total"]
    assert sorted(h["id"] for h in every["hits"]) == sorted(
        h["id"] for h in whoosh.get("/api/search?per_page=100&collapse=false").get_json()["hits"]
    )


def test_the_results_page_shows_versions_on_opensearch(stories_on_both):
    _, opensearch = stories_on_both
    page = opensearch.get("/?per_page=100").get_data(as_text=True)
    assert "Counts are stories" in page and page.count('<details class="versions">') == RE_RUNS


def test_more_like_this_leaves_out_the_article_s_own_versions_on_both_engines(stories_on_both):
    """An article's own versions are listed as its versions, never as articles like it: on both
    engines the same versions, and none of them among the related articles (which each engine ranks
    by its own "more like this")."""
    whoosh, _ = stories_on_both
    re_runs = [hit for hit in collapsed(whoosh, "per_page=100")["hits"] if hit["versions"] == 2]
    assert len(re_runs) == RE_RUNS
    listed = [0, 0]  # articles each engine found like them
    for hit in re_runs:
        answers = [engine.get(f"/api/articles/{hit['id']}").get_json() for engine in stories_on_both]
        assert answers[0]["versions"] == answers[1]["versions"]
        versions = {version["id"] for version in answers[0]["versions"]}
        assert len(versions) == 2 and hit["id"] in versions
        for number, answer in enumerate(answers):
            related = {article["id"] for article in answer["related"]}
            assert not related & versions, (number, hit["id"], related & versions)
            listed[number] += len(related)
    assert min(listed) >= RE_RUNS, listed


def terms_answer(buckets: list[tuple[str, int, int, int]], left_out: int) -> dict:
    """A terms aggregation's answer as OpenSearch gives it, listed by articles: each bucket (value,
    articles, articles of stories with several versions, distinct stories among those)."""
    return {
        "sum_other_doc_count": left_out,
        "buckets": [
            {"key": key, "doc_count": n, "stories": {"doc_count": flagged, "distinct": {"value": distinct}}}
            for key, n, flagged, distinct in buckets
        ],
    }


def test_a_bucket_counts_one_story_an_article_plus_the_distinct_stories_of_the_others():
    assert bucket_count({"doc_count": 10, "stories": {"doc_count": 4, "distinct": {"value": 2}}}) == 8
    assert bucket_count({"doc_count": 10, "stories": {"doc_count": 0, "distinct": {"value": 0}}}) == 10
    assert bucket_count({"doc_count": 10}) == 10  # no story counting: articles


def test_only_stories_of_two_versions_or_more_are_flagged():
    stories = [("a", "a"), ("b", "a"), ("c", None), ("d", "d"), ("e", "d"), ("f", "d")]
    items = [SimpleNamespace(article=SimpleNamespace(id=i), story=story) for i, story in stories]
    assert multi_version_stories(items) == {"a", "d"}


def test_values_are_ranked_by_stories_then_by_value_and_cut():
    answer = terms_answer([("oil", 9, 0, 0), ("gas", 8, 6, 1), ("tin", 5, 0, 0)], left_out=0)
    assert ranked_by_stories(answer, size=2)
    assert [(b["key"], bucket_count(b)) for b in answer["buckets"]] == [("oil", 9), ("tin", 5)]


def test_a_cut_the_listed_values_cannot_vouch_for_asks_for_every_value():
    # a value left out holds at most 5 articles, so at most 5 stories; one of 5 sorts after "ash"
    # (articles tie by value) but may sort before "zinc", the third by stories
    unsure = terms_answer([("oil", 9, 0, 0), ("zinc", 8, 4, 1), ("ash", 5, 0, 0)], left_out=4)
    assert not ranked_by_stories(unsure, size=3)
    assert [b["key"] for b in unsure["buckets"]] == ["oil", "ash", "zinc"]
    # ... the cut has more stories than any value left out can hold
    sure = terms_answer([("oil", 9, 0, 0), ("gas", 8, 0, 0), ("tin", 5, 0, 0)], left_out=4)
    assert ranked_by_stories(sure, size=2)
    # ... or as many and sorts before every value left out (they come after "tin" by value)
    tied = terms_answer([("oil", 9, 0, 0), ("gas", 8, 4, 1), ("ash", 5, 0, 0)], left_out=4)
    assert ranked_by_stories(tied, size=2) and [b["key"] for b in tied["buckets"]] == ["oil", "ash"]
    assert ranked_by_stories(terms_answer([("oil", 3, 3, 1)], left_out=0), size=FACET_SIZE)


def test_the_flag_marks_exactly_the_articles_of_stories_with_several_versions(
    stories_on_both, opensearch_cluster
):
    whoosh, _ = stories_on_both
    grouped = collapsed(whoosh, "per_page=100")
    several = sum(hit["versions"] for hit in grouped["hits"] if hit["versions"] > 1)
    client = client_for(opensearch_cluster.urls)
    flagged = client.count(index="newsfacets-stories", body={"query": {"term": {STORY_FLAG: True}}})["count"]
    assert flagged == several == 2 * RE_RUNS


@pytest.mark.parametrize(
    "query_string", ["per_page=100&sort=oldest", "q=spokesperson&sort=oldest", "q=ferry"]
)
def test_an_add_of_new_versions_keeps_story_counts_the_same_on_both_engines(
    re_runs_added, opensearch_cluster, query_string
):
    whoosh, opensearch, alias = re_runs_added
    first, second = (collapsed(client, query_string) for client in (whoosh, opensearch))
    if query_string.startswith("per_page"):  # every re-run a second version of its story
        assert first["articles"] - first["total"] == RE_RUNS
    assert (second["total"], second["articles"]) == (first["total"], first["articles"])
    assert comparable(second) == comparable(first)
    client = client_for(opensearch_cluster.urls)
    assert client.count(index=alias, body={"query": {"term": {STORY_FLAG: True}}})["count"] == 2 * RE_RUNS

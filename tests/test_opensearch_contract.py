"""One contract, two engines: the bundled samples indexed into Whoosh and into a real 3-node
OpenSearch cluster give the same API answers. Ranking may differ between the two BM25s, so hits are
compared as sets (and in order where the order is by date)."""

import json
import re
from urllib.parse import unquote_plus

import pytest

from searcher.search import FACET_LIMIT, FACET_MAX

QUERIES = [
    "",
    "q=ferry",
    "q=ferry+strike",
    "q=striking",
    "q=strike",
    'q="electric+buses"',
    "q=ferry+OR+tram",
    "q=-ferry",
    "q=title:tram",
    "q=Solst*",
    "q=ferry+-strike",
    "q=NOT+ferry",
    "q=*",
    "q=oil+-*",
    'q="bank+of+england"',
    'q="bank+england"',
    'q="wind+auction"~3',
    "q=Helsinki+wind",
    "q=(ferry+OR+tram)+-strike",
    "person=Mara+Lindqvist",
    "person=Mara+Lindqvist&person=Henrik+Vallo",
    "person=Mara+Lindqvist&person=Henrik+Vallo&all=person",
    "person=Mara+Lindqvist&place=Tallinn",
    "not_person=Mara+Lindqvist",
    "country=Finland",
    "place=Helsinki",
    "person=mara+lindqvist",
    "org=Meridian+Bank&not_country=Finland",
    "mentioned=2024",
    "mentioned=2024-03",
    "not_mentioned=2024",
    "from=2024-02&to=2024-02&sort=oldest",
    "from=2024",
    "to=2024-03&sort=newest",
    "q=ferry&person=Mara+Lindqvist",
    'q=ferry+person:"Mara+Lindqvist"',
    'q=ferry+-person:"Mara+Lindqvist"',
    'q=person:"mara+LINDQVIST"',
    "q=person:mara*",
    "q=person:lindqvist",
    "q=country:finland",
    "q=place:helsinki+OR+place:tallinn",
    'q=NOT+(ferry+person:"Mara+Lindqvist")',
    "q=person:nobody+at+all",
    "q=org:bank",
    "q=ORG:meridian",
    "q=mentioned:2024-03",
    "q=source:nowhere",
    "per_page=10&page=2",
    "per_page=10&page=4",
    "per_page=5&page=3&sort=oldest",
    "q=the",
    'q="unbalanced',
    "q=AND",
    "q=title:",
    "q=((",
    "q=a+NOT",
    "q=person:",
    "q=Lindqvst",
    "q=Lindqvst+ferry",
    "q=Reyez",
    "q=ferri&person=Mara+Lindqvist",
    "q=%F0%9F%98%80",  # a query with no word to search matches nothing, on both engines
    "q=!!!",
    'q=""',
    "q=?",
    "org=no+such+organization&not_person=nobody+at+all",  # said plainly, on both engines
    "org=MERIDIAN+BANK",
    "language=zu",
    "q=Rhone",  # accents folded both ways, on both engines
    "q=rh%C3%B4ne",
    "q=telepherique",
    "q=t%C3%A9l%C3%A9*",
    'q="du+Rhone"',
    # typed fields, read as their filters are (tests/test_typed_fields.py)
    "q=published:[2024-02-01+TO+2024-03-31]",
    "q=ferry+published:[2024-02+TO+*]",
    "q=published:>%3D2024-02-14",
    "q=published:<2024-03",
    "q=published:2024-3",
    "q=-published:[2024-03+TO+2024-04]",
    "q=ferry+published:soon",
    "q=mentioned:[2024-03+TO+2024-04]",
    "q=mentioned:[2024-03-15+TO+*]",
    "q=published:*",
    "q=-published:[*+TO+*]",
    "q=mentioned:*",
    'q=source:"nordic+wire"',
    "q=source:NORD*",
    'q=ferry+-source:"NORDIC+WIRE"',
    'q=place:"HELSINKI"',
    'q=-person:"Mara+Lindqvist"',
    'q=org:"meridian+bank"',
    'q=org:"no+such+org"',
]


@pytest.fixture(scope="module")
def opensearch_app(opensearch_samples_app):
    return opensearch_samples_app


def answer(client, query_string: str) -> dict:
    """The API's answer with every version shown (collapsed answers: ``test_opensearch_stories.py``)."""
    response = client.get(f"/api/search?{query_string}{'&' if query_string else ''}collapse=false")
    assert response.status_code == 200, (query_string, response.data[:300])
    return response.get_json()


def answers_agree(whoosh, opensearch, query_strings: list[str], urls: list[str] = ()) -> list[tuple]:
    """Both engines' answers agree (``comparable``, every hit listed) on each query string, and their
    JSON at each of ``urls`` is the same (more like this aside: each engine ranks its own): the
    answers, (query string, found, expected), for checks of the caller's own."""
    answers = []
    for query_string in query_strings:
        expected = whoosh.get(f"/api/search?{query_string}&per_page=100").get_json()
        found = opensearch.get(f"/api/search?{query_string}&per_page=100").get_json()
        assert comparable(found) == comparable(expected), query_string
        answers.append((query_string, found, expected))
    for url in urls:
        mine, others = opensearch.get(url).get_json(), whoosh.get(url).get_json()
        mine.pop("related", None), others.pop("related", None)
        assert mine == others, url
    return answers


def comparable(data: dict) -> dict:
    """What both engines must agree on: totals, the hits as a set, every facet's values and counts
    (with their selected/excluded flags), the countries' places, the histogram, the matched values and
    the suggestion. Where a list is cut (a facet's first FACET_MAX values, a country's first places),
    values tied with the last one listed may differ: each engine breaks ties its own way."""
    facets = {}
    places = [v for v in data["facets"]["place"] if not (v["selected"] or v["excluded"])]
    place_cut = min(v["count"] for v in places) if len(data["facets"]["place"]) >= FACET_MAX else 0
    for facet, values in data["facets"].items():
        if facet == "published":
            facets[facet] = values
            continue
        listed = [v for v in values if not (v["selected"] or v["excluded"])]
        facets[facet] = sorted(
            (
                v["value"],
                v["count"],
                v["selected"],
                v["excluded"],
                v.get("country"),
                tuple(
                    sorted(
                        (p["value"], p["count"])
                        for p in untied(v.get("places", []), FACET_LIMIT)
                        if p["count"] > place_cut
                    )
                ),
            )
            for v in untied(listed, FACET_MAX, len(values)) + [v for v in values if v not in listed]
        )
    return {
        "total": data["total"],
        "suggestion": data["suggestion"],
        "pages": data["pages"],
        "hits": sorted(str(h["id"]) for h in data["hits"]),
        "facets": facets,
        "published_unit": data["published_unit"],
        "searchable": data["searchable"],
        "not_in_index": data["not_in_index"],
        "matched": [
            (m["field"], m["typed"], sorted(map(tuple, (v.values() for v in m["values"]))))
            for m in data["matched"]
        ],
    }


def untied(values: list[dict], limit: int, length: int | None = None) -> list[dict]:
    """The values of a list cut at ``limit`` (``length`` long with its chosen values) that are not tied
    with its last one."""
    if (length or len(values)) < limit or not values:
        return values
    last = min(v["count"] for v in values)
    return [v for v in values if v["count"] > last]


@pytest.mark.parametrize("query_string", QUERIES)
def test_same_answers_on_both_engines(client, opensearch_app, query_string):
    whoosh = answer(client, query_string)
    opensearch = answer(opensearch_app.test_client(), query_string)
    ranked = "q=" in query_string and "sort=" not in query_string
    if ranked and whoosh["total"] > whoosh["per_page"]:
        # one page of a longer ranked list: the two BM25s may put different articles on it
        whoosh["hits"], opensearch["hits"] = [{"id": len(whoosh["hits"])}], [{"id": len(opensearch["hits"])}]
    assert comparable(opensearch) == comparable(whoosh)
    if not ranked:  # ordered by date (ties by the order written): the same hits in the same order
        assert [h["id"] for h in opensearch["hits"]] == [h["id"] for h in whoosh["hits"]]


def test_snippets_mark_the_words_and_keep_only_mark(opensearch_app):
    data = answer(opensearch_app.test_client(), "q=ferry+strike")
    assert data["total"] > 0
    for hit in data["hits"]:
        assert "<mark>" in hit["snippet"]
        assert "<" not in hit["snippet"].replace("<mark>", "").replace("</mark>", "")


def test_article_page_and_more_like_this(client, opensearch_app):
    hit = answer(client, "q=ferry")["hits"][0]
    whoosh = client.get(f"/api/articles/{hit['id']}").get_json()
    opensearch = opensearch_app.test_client().get(f"/api/articles/{hit['id']}").get_json()
    assert {k: v for k, v in opensearch.items() if k != "related"} == {
        k: v for k, v in whoosh.items() if k != "related"
    }
    assert opensearch["related"] and hit["id"] not in {r["id"] for r in opensearch["related"]}
    assert opensearch_app.test_client().get("/api/articles/no-such-article").status_code == 404
    page = opensearch_app.test_client().get(f"/article/{hit['id']}")
    whoosh_page = client.get(f"/article/{hit['id']}")
    assert page.status_code == 200
    # the same entities marked, each linked to its entity page on both engines
    marks = re.compile(rb'class="mention mention-(\w+)" href="/\w+/([^"]*)"')

    def marked(html: bytes) -> list[tuple[str, str]]:
        return [(facet.decode(), unquote_plus(value.decode())) for facet, value in marks.findall(html)]

    assert marked(page.data) == marked(whoosh_page.data) != []


def test_pages_render_on_opensearch(opensearch_app):
    page = opensearch_app.test_client().get("/?q=ferry&person=Mara+Lindqvist")
    assert page.status_code == 200
    assert b"Mara Lindqvist" in page.data


@pytest.mark.parametrize(
    "query_string",
    [
        "q=source:nordik",
        'q=-source:"nowhere+at+all"',
        'q=person:"Nobody+At+All"',
        'q=-org:"no+such+org"',
        "q=published:[2024-03+TO+2024-02]",
        "q=ferry+published:soon",
        "q=mentioned:[soon+TO+*]",
    ],
)
def test_a_typed_field_that_finds_nothing_says_so_on_both_engines(client, opensearch_app, query_string):
    whoosh = answer(client, query_string)
    opensearch = answer(opensearch_app.test_client(), query_string)
    assert whoosh["notice"] and opensearch["notice"] == whoosh["notice"]
    assert comparable(opensearch) == comparable(whoosh)


@pytest.fixture(scope="module")
def reuters_on_both(opensearch_cluster, opensearch_reuters):
    """The Reuters slice on both engines (conftest's session fixture): the index dir, which is the
    Whoosh index, and clients of both."""
    from .opensearch_cluster import clients_of_both

    folder, alias = opensearch_reuters
    return folder, *clients_of_both(folder, folder, ",".join(opensearch_cluster.urls), alias)


def test_same_answers_on_the_reuters_slice(reuters_on_both):
    """The benchmark's query mix (and some more) over 2,150 real articles: every answer the same."""
    import json
    from urllib.parse import urlencode

    from bench.run import query_mix
    from index import store

    folder, whoosh, opensearch = reuters_on_both
    generation = store.current_generation(folder)
    vocabulary = json.loads((generation / "vocabulary.json").read_text())
    meta = json.loads((generation / "meta.json").read_text())
    queries = [
        urlencode(q.params) for q in query_mix(vocabulary, meta["published_first"], meta["published_last"])
    ]
    queries += [
        "q=person:baker",
        "q=org:opec*",
        "q=oil+-crude",
        "q=wheat+OR+corn",
        "q=coffee&country=Brazil",
        "q=gold&all=country&country=Canada&country=United+States",
        "mentioned=1987-03",
        "q=Reagn",
        "q=volker",
        "q=shares&sort=oldest&page=3",
        "q=tonnes&per_page=100",
        "org=OPEC",  # an acronym: the value it stands for (the build merged them)
        "q=org:opec",
        "not_org=OPEC&q=oil",
        "q=crude+org:opec&org=OPEC",
        "q=cocoa+source:reuters",
        "q=cocoa+published:[1987-03-01+TO+1987-03-31]",
        "q=cocoa+published:>%3D1987-03-01",
        "q=mentioned:[1987-03-15+TO+1987-04-10]",
        'q=place:"U.S."',
        'q=country:"u.s."+oil',
        'q=org:"Bank+of+England"',
        'q=-person:"James+Baker"+oil',
        # phrases: the stop words' places kept, never across a sentence end
        'q="bank+of+england"',
        'q="bank+england"',
        'q="oil+prices"',
        'q="price+of+oil"',
        'q="rate+of+interest"',
        'q="prime+minister"',
        'q="oil+prices"~3',
        'q=title:"of+the+oil"',
    ]
    differ = []
    for query_string in queries:
        expected, found = answer(whoosh, query_string), answer(opensearch, query_string)
        ranked = (
            "q=" in query_string
            and not re.search(r"(^|&)q=(&|$)", query_string)
            and "sort=" not in query_string
        )
        if ranked and expected["total"] > expected["per_page"]:
            expected["hits"], found["hits"] = [{"id": len(expected["hits"])}], [{"id": len(found["hits"])}]
        if comparable(found) != comparable(expected):
            differ.append(query_string)
    assert len(queries) > 60 and differ == []


@pytest.mark.parametrize("words", [["ferry"], ["strike"], ["ferry", "tram"], ["bank"]])
def test_lone_exclusions_give_the_same_answers_on_both_engines(client, opensearch_app, words):
    """``-word`` and ``NOT word`` alone are everything but those words, on both engines alike."""
    everything = answer(client, "per_page=100")["total"]
    containing = answer(client, "q=" + "+OR+".join(words) + "&per_page=100")["total"]
    dash = "+".join(f"-{w}" for w in words)
    spelled = "+".join(f"NOT+{w}" for w in words)
    found = {
        (engine, form): answer(app_client, f"q={form}&per_page=100&sort=newest")
        for engine, app_client in (("whoosh", client), ("opensearch", opensearch_app.test_client()))
        for form in (dash, spelled)
    }
    totals = {key: data["total"] for key, data in found.items()}
    assert set(totals.values()) == {everything - containing} and 0 < containing < everything, totals
    hit_lists = {key: [h["id"] for h in data["hits"]] for key, data in found.items()}
    assert len({tuple(ids) for ids in hit_lists.values()}) == 1, hit_lists
    facets = {json.dumps(comparable(data)["facets"], sort_keys=True) for data in found.values()}
    assert len(facets) == 1  # the same values and counts (ties in a list's order aside)


def test_the_acronym_rule_both_engines_share():
    from index.normalize import acronym_expansion

    named = [
        ("Organisation of Petroleum Exporting Countries", 40),
        ("Oil Price Exchange Council", 3),
        ("OPEC Secretariat", 9),
        ("Securities and Exchange Commission", 12),
        ("Ohio Power Electric Company", 0),  # named by no article: no candidate
    ]
    assert acronym_expansion("OPEC", named) == "Organisation of Petroleum Exporting Countries"
    assert acronym_expansion("O.P.E.C.", named) == "Organisation of Petroleum Exporting Countries"
    assert acronym_expansion("SEC", named) == "Securities and Exchange Commission"
    assert acronym_expansion("opec", named) is None  # not written as an acronym
    assert acronym_expansion("QXZW", named) is None  # spells nothing
    tied = [("Sea Export Council", 2), ("Swiss Equity Club", 2)]
    assert acronym_expansion("SEC", tied) == "Sea Export Council"  # a tie: the first alphabetically
    assert acronym_expansion("SEC", list(reversed(tied))) == "Sea Export Council"


def test_an_acronym_finds_the_same_value_on_both_engines(client, opensearch_app):
    """``org=ACRONYM``, ``q=org:acronym``, its exclusion and its entity page find the value whose
    initials spell it (the build merges an acronym into its expansion) on both engines alike."""
    from index.columns import facet_key
    from index.normalize import initials

    opensearch = opensearch_app.test_client()
    orgs = answer(client, "per_page=1")["facets"]["org"]
    keys = {facet_key(v["value"]) for v in orgs}
    named = next(
        v
        for v in orgs
        if " " in v["value"]
        and 2 <= len(initials(v["value"])) <= 6
        and initials(v["value"]).lower() not in keys
    )
    acronym = initials(named["value"]).upper()
    for query_string in (
        f"org={acronym}",
        f"q=org:{acronym.lower()}",
        f"not_org={acronym}",
        f"q=org:{acronym}+OR+ferry",
        f"org={acronym}&org=no+such+organization",
        f"org={acronym.lower()}",  # an acronym in any case is the value it stands for
        f"not_org={acronym.lower()}",
    ):
        whoosh, found = answer(client, query_string), answer(opensearch, query_string)
        assert comparable(found) == comparable(whoosh), query_string
    assert answer(opensearch, f"org={acronym}")["total"] == named["count"] > 0
    assert answer(opensearch, f"org={acronym.lower()}")["total"] == named["count"]
    assert answer(opensearch, f"org={acronym.lower()}")["not_in_index"] == []
    chosen = [v for v in answer(opensearch, f"org={acronym}")["facets"]["org"] if v["selected"]]
    assert [v["value"] for v in chosen] == [named["value"]]
    for app_client in (client, opensearch):
        entity = app_client.get(f"/api/entities/org/{acronym}")
        assert entity.status_code == 200 and entity.get_json()["value"] == named["value"]
        assert app_client.get(f"/org/{acronym}").status_code == 200
        assert app_client.get(f"/org/{acronym.lower()}").status_code == 200
        assert answer(app_client, "org=QXZW")["total"] == 0  # spells nothing


def test_an_index_built_before_accents_were_folded_is_refused_clearly(opensearch_cluster):
    """An index whose analysis does not fold accents holds "zürich" where queries look for "zurich":
    it is refused with a message to rebuild, not searched with answers that miss accented words."""
    from index.store import NoIndexError
    from searcher.opensearch_backend import ANALYSIS, OpenSearchIndex, client_for

    client = client_for(opensearch_cluster.urls)
    old_analysis = json.loads(json.dumps(ANALYSIS))
    old_analysis["analyzer"]["whoosh_stem"]["filter"] = ["lowercase", "porter_stem"]
    index, alias = "newsfacets-before-folding-1", "newsfacets-before-folding"
    client.indices.create(index=index, body={"settings": {"analysis": old_analysis}, "aliases": {alias: {}}})
    try:
        with pytest.raises(NoIndexError, match="rebuild"):
            OpenSearchIndex(opensearch_cluster.urls, alias).generation()
    finally:
        client.indices.delete(index=index)


def test_the_body_s_highlighter_query_keeps_only_the_body_s_words_on_the_title():
    """The body is not indexed: its highlighter's query is written on the title (analysed alike), and
    keeps only what a query on the body would mark."""
    from searcher.opensearch_backend import HIGHLIGHT_SCHEMA, body_highlight_query, parse, to_dsl

    def highlighted(q: str) -> dict:
        return body_highlight_query(to_dsl(parse(q, HIGHLIGHT_SCHEMA)[0], terms=False))

    assert highlighted("body:ferry") == {"match": {"title": {"query": "ferry", "operator": "and"}}}
    assert highlighted('body:"ferry strike"') == {
        "match_phrase": {"title": {"query": "ferry strike", "slop": 0}}
    }
    assert highlighted("title:ferry") == {"match_none": {}}
    assert highlighted("person:volcker") == {"match_none": {}}
    both = json.dumps(highlighted("ferry -strike"))
    assert '"body"' not in both and "ferry" in both and "strike" in both  # a must_not: not marked
    assert highlighted("ferry")["bool"]["should"].count({"match_none": {}}) >= 1  # the title's leaf


def test_snippets_mark_the_body_s_words_and_no_other_field_s(opensearch_app):
    """The body's words are marked in it, a phrase's where they stand together; a word searched in
    the title only, or a facet's, marks nothing (as when the highlighter required the body's field)."""
    words = re.compile(r"<mark>(.*?)</mark>")
    ferry = answer(opensearch_app.test_client(), "q=ferry")
    assert ferry["hits"] and all(
        {w.lower() for w in words.findall(h["snippet"])} <= {"ferry", "ferries"} and "<mark>" in h["snippet"]
        for h in ferry["hits"]
    )
    in_title = answer(opensearch_app.test_client(), "q=title:ferry")
    assert in_title["hits"] and not any("<mark>" in h["snippet"] for h in in_title["hits"])

"""The country facet's tree on a real index of Reuters articles: a place is listed under the one country
its value has, and is never counted above that country, whatever the search."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index import store
from searcher import create_app

from .conftest import needs_reuters
from .test_properties import draw_pool, get, oracle, searches, slow_examples

pytestmark = [needs_reuters, pytest.mark.slow]


@pytest.fixture(scope="module")
def reuters_places(reuters_slice_index):
    app = create_app({"TESTING": True, "INDEX_DIR": str(reuters_slice_index)})
    generation = store.require_current_generation(reuters_slice_index)
    countries = json.loads((generation / "places.json").read_text(encoding="utf-8"))
    return app, oracle(reuters_slice_index), countries, generation


def test_every_article_holding_a_place_is_in_its_country(reuters_places):
    _, _, countries, generation = reuters_places
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(generation)
    with ix.searcher() as searcher:
        pairs = [
            (name, country)
            for stored in searcher.all_stored_fields()
            for name, country in json.loads(stored["entities"])["places"]
        ]
    ix.close()
    assert len(pairs) > 1000
    wrong = [(name, country, countries[name]) for name, country in pairs if countries[name] != country]
    assert wrong == []


def test_no_place_is_counted_above_its_country(reuters_places):
    app, articles, countries, _ = reuters_places
    client = app.test_client()
    values, words = draw_pool(articles)
    # the words of the place names most likely to mislead: those also in another country's values
    place_words = sorted(
        {
            word.casefold()
            for name, country in countries.items()
            if country and name != country
            for word in name.replace(",", " ").split()
            if word.isalpha() and len(word) > 3
        }
    )[:200]

    @slow_examples(40)
    @given(searches(values, words), st.lists(st.sampled_from(place_words), max_size=1))
    def check(pairs, place_word):
        # a place chosen counts the place facet without that choice (what a click on another would
        # give) and the countries with it: two different sets of articles, so none is chosen here
        pairs = [(k, v) for k, v in pairs if k not in ("place", "not_place") and (k, v) != ("all", "place")]
        if place_word:
            pairs = [(k, v) for k, v in pairs if k != "q"] + [("q", place_word[0])]
        data = get(client, pairs)
        for country in data["facets"]["country"]:
            for place in country.get("places", []):
                assert place["country"] == country["value"], (pairs, place)
                assert place["count"] <= country["count"], (pairs, country["value"], place)

    check()

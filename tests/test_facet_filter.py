"""The facet boxes: finding a facet's values by typed letters, on the server, over all of its values."""

from collections import Counter

import numpy as np

from index.columns import FacetColumn, facet_key
from searcher import search
from searcher.facet_filter import matching_counts


def column(values):
    empty = np.zeros(1, dtype=np.int64)
    return FacetColumn(values, empty, empty.astype(np.int32), empty.astype(np.int32))


def test_fold_ignores_case_accents_and_spacing():
    assert facet_key("Zürich") == facet_key("ZURICH") == "zurich"
    assert facet_key("  São   Paulo ") == "sao paulo"
    assert facet_key("Alcântara") == "alcantara"


def test_matching_counts_keeps_the_values_the_search_has_that_contain_the_letters():
    counts = Counter({"Zürich": 3, "Zug": 2, "Bern": 0, "Basel": 5})
    assert matching_counts(counts, "zurich") == Counter({"Zürich": 3})
    assert matching_counts(counts, "Z") == Counter({"Zürich": 3, "Zug": 2})
    assert matching_counts(counts, "ern") == Counter()  # Bern has no article in this search


def test_typed_letters_find_a_word_start_or_the_initials_not_letters_inside_a_word():
    from searcher.facet_filter import finds

    for typed, value in [
        ("volck", "Paul Volcker"),
        ("paul vol", "Paul Volcker"),
        ("twa", "Trans World Airlines"),
        ("ALCANT", "Alcântara"),
        ("neill", "Sean O'Neill"),
        ("hq", "Harbor-Quay Lines"),
    ]:
        assert finds(typed, value), (typed, value)
    for typed, value in [("twa", "Norsoft Software Inc"), ("olck", "Paul Volcker"), ("", "Paul Volcker")]:
        assert not finds(typed, value), (typed, value)


def facet_section(client, url, facet):
    html = client.get(url).get_data(as_text=True)
    start = html.index(f'id="found-{facet}"')
    return html[start : html.index("</section>", start)]


def test_the_page_finds_values_past_the_ones_it_lists(client, monkeypatch):
    monkeypatch.setattr(search, "FACET_MAX", 3)
    assert "person=Wanjiru+Kamau" not in facet_section(client, "/", "person")
    found = facet_section(client, "/?person_filter=wanjiru", "person")
    assert "person=Wanjiru+Kamau" in found and "1 matching “wanjiru”" in found
    assert "person=Mara+Lindqvist" not in found


def test_the_page_finds_accented_values_and_clicking_one_ends_the_finding(client):
    places = facet_section(client, "/?place_filter=ALCANT", "place")
    assert 'href="/?place=Alc%C3%A2ntara"' in places and "place=Helsinki" not in places
    assert "person=Mara+Lindqvist" in facet_section(client, "/?place_filter=ALCANT", "person")
    html = facet_section(client, "/?place_filter=nowhere-at-all", "place")
    assert "No places match “nowhere-at-all” in these results." in html


def test_the_api_finds_a_facets_values_for_the_current_search(client):
    data = client.get("/api/facets/person?contains=LINDQ").get_json()
    assert data == {
        "facet": "person",
        "contains": "LINDQ",
        "matching": 1,
        "values": [{"value": "Mara Lindqvist", "count": 8, "selected": False, "excluded": False}],
    }
    narrowed = client.get("/api/facets/person?contains=lindq&q=wind").get_json()
    with_her = client.get("/api/search?q=wind&person=Mara+Lindqvist").get_json()["total"]
    assert narrowed["values"][0]["count"] == with_her < 8
    assert client.get("/api/facets/nope?contains=a").status_code == 404
    assert client.get("/api/facets/person?contains=" + "a" * 101).status_code == 400

"""Answers that must be true on the sample index: each test is a symptom once seen, checked on the
API, the page and the command line."""

import json
import re
from urllib.parse import unquote

import pytest

from searcher import search as search_module


def api(client, query_string: str) -> dict:
    response = client.get(f"/api/search?{query_string}")
    assert response.status_code == 200, response.json
    return response.json


def page_ids(client, query_string: str) -> tuple[int, list[str]]:
    """The total and the article ids a search page shows."""
    html = client.get(f"/?{query_string}").get_data(as_text=True)
    total = int(re.search(r"<strong>([\d,]+)</strong> (?:article|stor)", html).group(1).replace(",", ""))
    return total, [unquote(i) for i in re.findall(r'<h3><a href="/article/([^"?]+)', html)]


def cli_json(runner, *args: str) -> dict:
    result = runner.invoke(args=["search", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ids(data: dict) -> list[str]:
    return [hit["id"] for hit in data["hits"]]


@pytest.mark.parametrize(
    "query_string, cli_args",
    [
        ("q=ferry&person=Nobody+Here", ["ferry", "--person", "Nobody Here"]),
        ("q=ferry&person=Lucia+Ferraro", ["ferry", "--person", "Lucia Ferraro"]),  # exists, never with ferry
        ("q=org:xyzzy+ferry", ["org:xyzzy", "ferry"]),
        ("q=ferry+person:xyzzy", ["ferry", "person:xyzzy"]),
        ("q=person:xyzzy", ["person:xyzzy"]),
        ("q=ferry&from=1990&to=1990", ["ferry", "--from", "1990", "--to", "1990"]),
    ],
)
def test_a_filter_that_matches_nothing_shows_nothing(client, runner, query_string, cli_args):
    data = api(client, query_string)
    assert data["total"] == 0 and data["hits"] == []
    assert page_ids(client, query_string) == (0, [])
    cli = cli_json(runner, *cli_args)
    assert cli["total"] == 0 and cli["hits"] == []


def test_page_api_and_cli_agree(client, runner):
    data = api(client, "q=ferry&not_place=Helsinki&per_page=20")
    assert data["total"] > 0
    assert page_ids(client, "q=ferry&not_place=Helsinki") == (data["total"], ids(data))
    assert ids(cli_json(runner, "ferry", "--not-place", "Helsinki")) == ids(data)


def test_a_surname_in_a_facet_field_finds_the_person(client, runner):
    full = api(client, "person=Mara+Lindqvist")
    typed = api(client, "q=person:lindqvist")
    assert typed["total"] == full["total"] > 0
    assert typed["matched"] == [
        {
            "field": "person",
            "typed": "lindqvist",
            "more": 0,
            "values": [{"value": "Mara Lindqvist", "count": full["total"]}],
        }
    ]
    html = client.get("/?q=person:lindqvist").get_data(as_text=True)
    matched = re.search(r'<p class="matched">(.*?)</p>', html, re.DOTALL).group(1)
    assert "<code>person:lindqvist</code> matched" in matched and "Mara Lindqvist</a> (8)" in matched
    # a quoted full name stays exact, and a part of a word is not a word
    assert api(client, 'q=person:"Mara Lindqvist"')["total"] == full["total"]
    assert api(client, 'q=person:"Lindqvist Mara"')["total"] == 0
    assert api(client, "q=person:lindq")["total"] == 0
    result = runner.invoke(args=["search", "person:lindqvist"])
    assert "person:lindqvist matched Mara Lindqvist" in result.stdout


def test_a_prefix_in_a_facet_field_matches_any_word_of_a_name(client):
    assert api(client, "q=person:lindq*")["total"] == api(client, "person=Mara+Lindqvist")["total"]
    assert api(client, "q=org:harb*")["total"] == api(client, "org=Green+Harbor+Alliance")["total"] > 0


def test_field_names_and_values_in_any_case_and_accent(client):
    assert api(client, "q=ORG:%22meridian+bank%22")["total"] == api(client, "org=Meridian+Bank")["total"] > 0
    assert api(client, "q=Country:finland")["total"] == api(client, "country=Finland")["total"] > 0
    assert api(client, "q=PLACE:h%C3%A9lsinki")["total"] == api(client, "place=Helsinki")["total"]


def test_a_fields_other_names_are_read_as_it_and_other_names_are_said(client):
    """``people:`` was searched as the word "people" and ``orgs:opec`` found nothing, both silently."""
    for typed, meant in [
        ("People:lindqvist", "person:lindqvist"),
        ("orgs:%22meridian+bank%22", "org=Meridian+Bank"),
    ]:
        data = api(client, f"q={typed}")
        assert data["total"] == api(client, meant if "=" in meant else f"q={meant}")["total"] > 0, typed
        assert "as “person:”" in data["notice"] or "as “org:”" in data["notice"]
    data = api(client, "q=foo:ferry")
    assert ids(data) == ids(api(client, "q=ferry")) and "“foo:” is no field" in data["notice"]
    for wrong in ("mentioned:2024-13", "mentioned:soon"):
        data = api(client, f"q={wrong}")
        assert data["total"] == 0 and f"“{wrong}”: a mentioned date is" in data["notice"], wrong
    assert api(client, "q=mentioned:2024-03")["notice"] is None


def test_mentioned_periods_unquoted_as_the_readme_writes_them(client):
    month = api(client, "mentioned=2024-03")["total"]
    assert month > 0
    assert api(client, "q=mentioned:2024-03")["total"] == month
    assert api(client, "q=mentioned:2024-3")["total"] == month
    assert api(client, "q=mentioned:2024-*")["total"] == api(client, "mentioned=2024")["total"]


def test_a_hyphenated_word_is_not_a_negation(client):
    assert api(client, "q=offshore-wind")["total"] == api(client, "q=offshore+wind")["total"] > 0


def test_match_everything_wildcards_are_the_empty_query(client):
    everything = api(client, "")["total"]
    assert api(client, "q=*")["total"] == everything
    assert api(client, "q=ferry+-*")["total"] == 0


def test_a_wildcard_before_a_word_is_searched_without_it_and_says_so(client):
    """``*erry`` once walked the whole word list and matched stems ("*ing" found "king", not the words
    stemmed to lose "-ing"): it is the word without its wildcard, with a notice, on every engine."""
    for typed, searched in [("*erry", "erry"), ("ferry -*strike", "ferry -strike"), ("?erry*", "erry*")]:
        data, plain = api(client, f"q={typed}"), api(client, f"q={searched}")
        assert ids(data) == ids(plain) and data["total"] == plain["total"], typed
        assert (
            "before a word's first letter" in data["notice"] and f"searched as “{searched}”" in data["notice"]
        )
    assert api(client, "q=ferry+-*strike")["total"] < api(client, "q=ferry")["total"]


def test_mentioned_year_counts_predict_the_click(client):
    data = api(client, "")
    for item in data["facets"]["mentioned"]:
        assert api(client, f"mentioned={item['value']}")["total"] == item["count"], item


@pytest.mark.parametrize("collapse", ["true", "false"])
@pytest.mark.parametrize("facet", ["person", "place", "country", "org", "mentioned"])
def test_once_a_value_is_checked_each_other_value_says_what_checking_it_adds(client, facet, collapse):
    """Checking a second value of a facet widens the results ("any of"): the number beside each
    unchecked value is how many results the click adds, on the API, the page and the command line."""
    first = api(client, f"collapse={collapse}")["facets"][facet][0]["value"]
    search = f"collapse={collapse}&{facet}={first}"
    data = api(client, search)
    others = [item for item in data["facets"][facet] if not item["selected"]]
    assert others and all("adds" in item for item in others)
    assert "adds" not in next(item for item in data["facets"][facet] if item["selected"])
    assert any(item["adds"] < item["count"] for item in others)  # else the test shows nothing
    for item in others[:10]:
        clicked = api(client, f"{search}&{facet}={item['value']}")
        assert clicked["total"] == data["total"] + item["adds"], item
    html = client.get(f"/?{search}").get_data(as_text=True)
    assert f'<span class="visually-hidden">adds </span>+{others[0]["adds"]}</span>' in html
    if facet != "mentioned":  # "all of" narrows instead: the counts are what a click gives, no "adds"
        narrowing = api(client, f"{search}&all={facet}")
        assert all("adds" not in item for item in narrowing["facets"][facet])


def test_exclusions_inside_a_facet_are_kept_in_its_counts(client):
    data = api(client, "not_country=Finland")
    assert data["total"] > 0
    for item in data["facets"]["country"]:
        if item["excluded"]:
            continue
        clicked = api(client, f"not_country=Finland&country={item['value']}")
        assert clicked["total"] == item["count"], item


def test_all_of_selects_articles_with_every_value(client):
    any_of = api(client, "person=Mara+Lindqvist&person=Henrik+Vallo")
    all_of = api(client, "person=Mara+Lindqvist&person=Henrik+Vallo&all=person")
    alone = [api(client, "person=Mara+Lindqvist"), api(client, "person=Henrik+Vallo")]
    both = set(ids(api(client, "person=Mara+Lindqvist&per_page=100"))) & set(
        ids(api(client, "person=Henrik+Vallo&per_page=100"))
    )
    assert any_of["total"] > max(a["total"] for a in alone) > all_of["total"] == len(both) > 0
    assert set(ids(all_of)) == both
    # in "all of" mode a value's count is what adding it gives
    for item in api(client, "person=Mara+Lindqvist&all=person")["facets"]["person"][:8]:
        if not item["selected"]:
            clicked = api(client, f"person=Mara+Lindqvist&all=person&person={item['value']}")
            assert clicked["total"] == item["count"], item


def test_a_selected_value_shows_selected_with_its_true_count_in_any_spelling(client, monkeypatch):
    monkeypatch.setattr(search_module, "FACET_MAX", 1)  # the value is beyond the listed ones
    data = api(client, "person=henrik+vallo")
    people = {item["value"]: item for item in data["facets"]["person"]}
    assert "henrik vallo" not in people
    assert people["Henrik Vallo"]["selected"] and people["Henrik Vallo"]["count"] == data["total"] == 4
    excluded = api(client, "not_person=HENRIK+VALLO")
    item = next(i for i in excluded["facets"]["person"] if i["value"] == "Henrik Vallo")
    assert item["excluded"] and item["count"] == 4
    # its chip and its facet entry both remove it
    html = client.get("/?person=henrik+vallo").get_data(as_text=True)
    assert 'href="/"' in html.replace("&amp;", "&") or 'href="/?"' in html


def test_the_api_refuses_parameters_it_does_not_know(client):
    response = client.get("/api/search?q=ferry&per-page=5")
    assert response.status_code == 400
    assert response.json["parameter"] == "per-page"


def test_cli_and_api_page_sizes_agree(client, runner):
    assert cli_json(runner)["per_page"] == api(client, "")["per_page"] == 20


def test_the_page_says_any_of_or_all_of_where_the_choice_is_made(client):
    html = client.get("/?person=Mara+Lindqvist&person=Henrik+Vallo").get_data(as_text=True)
    chips = re.search(r'<li class="chip-group">(.*?)</li>', html, re.DOTALL).group(1)
    assert "People (any of):" in chips and '<span class="joiner">or</span>' in chips
    people = html[html.index('id="facet-person"') :]
    mode = re.search(r'<p class="match-mode">(.*?)</p>', people, re.DOTALL).group(1)
    assert "<strong>any</strong>" in mode
    all_of = re.search(r'<a href="([^"]+)">all of them</a>', mode).group(1).replace("&amp;", "&")
    assert "all=person" in all_of
    html = client.get(all_of).get_data(as_text=True)
    assert "People (all of):" in html and '<span class="joiner">and</span>' in html
    total = int(re.search(r"<strong>([\d,]+)</strong> (?:article|stor)", html).group(1))
    assert total == api(client, "person=Mara+Lindqvist&person=Henrik+Vallo&all=person")["total"]

import pytest

from .conftest import SEEDS, needs_seeds


def search(client, query_string):
    response = client.get(f"/api/search?{query_string}")
    assert response.status_code == 200, response.json
    assert response.content_type == "application/json"
    return response.json


def test_contract_shape(client):
    data = search(client, "q=ferry+strike")
    assert set(data) >= {"query", "total", "page", "per_page", "suggestion", "hits", "facets"}
    assert (
        data["query"] == "ferry strike"
        and data["total"] == 4
        and data["page"] == 1
        and data["per_page"] == 20
    )
    hit = data["hits"][0]
    assert set(hit) >= {"id", "title", "published", "source", "url", "snippet", "people", "places", "orgs"}
    assert "<mark>" in hit["snippet"]
    assert set(data["facets"]) >= {"person", "place", "org", "published", "mentioned"}
    person = data["facets"]["person"][0]
    assert set(person) >= {"value", "count", "selected", "excluded"}
    assert data["facets"]["place"][0]["country"]


def test_words_are_anded_and_stemmed(client):
    assert search(client, "q=ferry")["total"] > search(client, "q=ferry+strike")["total"] > 0
    assert search(client, "q=striking")["total"] == search(client, "q=strike")["total"]


def test_phrases_or_not_and_fields(client):
    assert search(client, 'q="electric+buses"')["total"] >= 2
    assert search(client, "q=ferry+OR+tram")["total"] > search(client, "q=ferry")["total"]
    everything = search(client, "q=")["total"]
    assert search(client, "q=-ferry")["total"] == everything - search(client, "q=ferry")["total"]
    lindqvist = search(client, "person=Mara+Lindqvist")["total"]
    assert lindqvist >= 7
    assert search(client, 'q=person:"Mara+Lindqvist"')["total"] == lindqvist
    assert search(client, "q=title:tram")["total"] >= 2
    assert search(client, "q=Solst*")["total"] >= 4


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "title:", "((", "a NOT", "*", "person:"])
def test_malformed_queries_never_error(client, query):
    search(client, f"q={query}")


def test_spelling_suggestion(client):
    assert search(client, "q=Lindqvst")["suggestion"] == "lindqvist"


def test_empty_query_browses_newest_first(client):
    data = search(client, "per_page=100")
    assert data["total"] == 33
    dates = [h["published"] for h in data["hits"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)
    assert dates[: len(dated)] == dated  # undated articles come last


def test_facet_selection_or_within_and_across(client):
    one = search(client, "person=Mara+Lindqvist")
    both = search(client, "person=Mara+Lindqvist&person=Henrik+Vallo")
    assert both["total"] > one["total"]
    # the person facet's own counts ignore its own selection
    counts = {v["value"]: v["count"] for v in one["facets"]["person"]}
    assert counts["Henrik Vallo"] == 4
    assert next(v for v in one["facets"]["person"] if v["value"] == "Mara Lindqvist")["selected"]
    narrowed = search(client, "person=Mara+Lindqvist&place=Tallinn")
    assert narrowed["total"] < one["total"]


def test_exclusion_and_country_rollup(client):
    everything = search(client, "")["total"]
    without = search(client, "not_person=Mara+Lindqvist")
    assert without["total"] == everything - search(client, "person=Mara+Lindqvist")["total"]
    assert next(v for v in without["facets"]["person"] if v["value"] == "Mara Lindqvist")["excluded"]
    finland = search(client, "country=Finland")
    assert finland["total"] >= search(client, "place=Helsinki")["total"]


def test_date_range_and_sort(client):
    data = search(client, "from=2024-02&to=2024-02&sort=oldest")
    assert data["total"] >= 4
    dates = [h["published"] for h in data["hits"]]
    assert all(d.startswith("2024-02") for d in dates) and dates == sorted(dates)
    assert search(client, "from=2024")["facets"]["published"][0]["value"].startswith("2024")


def test_paging(client):
    first = search(client, "per_page=10&page=1")
    second = search(client, "per_page=10&page=2")
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    assert search(client, "per_page=10&page=99")["hits"] == []


@pytest.mark.parametrize(
    "query_string, parameter",
    [
        ("from=2024-13", "from"),
        ("to=yesterday", "to"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("per_page=100000", "per_page"),
        ("sort=random", "sort"),
        ("from=2024-05&to=2024-01", "from"),
        ("q=" + "a" * 2000, "q"),
        ("mentioned=next+week", "mentioned"),
        ("mentioned=1987-13", "mentioned"),
        ("not_mentioned=2024-02-30", "not_mentioned"),
        ("language=xx", "language"),
        ("not_language=english", "not_language"),
        ("q=&q=oil", "q"),
        ("sort=newest&sort=oldest", "sort"),
        ("per_page=5&per_page=10", "per_page"),
    ],
)
def test_bad_parameters_get_400_naming_them(client, query_string, parameter):
    response = client.get(f"/api/search?{query_string}")
    assert response.status_code == 400
    assert response.json["parameter"] == parameter and response.json["error"]


@pytest.mark.parametrize("path", ["/", "/export.csv", "/export.jsonl", "/feed"])
@pytest.mark.parametrize(
    "query_string, parameter",
    [("per_page=lots", "per_page"), ("mentioned=next+week", "mentioned"), ("language=xx", "language")],
)
def test_every_page_refuses_what_the_api_refuses(client, path, query_string, parameter):
    response = client.get(f"{path}?{query_string}")
    assert response.status_code == 400
    assert f"“{parameter}”" in response.get_data(as_text=True)


def test_valid_mentioned_and_language_values_are_read_as_the_index_holds_them(client):
    assert search(client, "mentioned=2024-3")["total"] == search(client, "mentioned=2024-03")["total"] > 0
    assert search(client, "language=EN")["total"] == search(client, "language=en")["total"] > 0


def test_article_endpoint(client):
    data = client.get("/api/articles/nordic-wire/nordicwire-017").json
    assert data["title"] == "Ferry strike ends with pay deal"
    assert "Henrik Vallo" in data["people"]
    assert any(p["value"] == "Helsinki" and p["country"] == "Finland" for p in data["places"])
    assert "2024-02-25" in data["mentioned"]
    assert client.get("/api/articles/no-such-article").status_code == 404


def test_no_index_is_a_clear_503(tmp_path):
    from searcher import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path)}).test_client()
    response = client.get("/api/search")
    assert response.status_code == 503 and "no index at" in response.json["error"]
    assert client.get("/").status_code == 503


def test_search_command(runner, sample_index):
    result = runner.invoke(
        args=["search", "ferry", "--person", "Henrik Vallo", "--index-dir", str(sample_index)]
    )
    assert result.exit_code == 0, result.output
    assert "articles" in result.output and "Ferry strike ends with pay deal" in result.output
    result = runner.invoke(args=["search", "--from", "2024-99", "--index-dir", str(sample_index)])
    assert result.exit_code == 2 and "--from" in result.output
    result = runner.invoke(args=["search", "ferry", "--json", "--index-dir", str(sample_index)])
    import json

    assert json.loads(result.stdout)["total"] == search(runner.app.test_client(), "q=ferry")["total"]
    assert f"searching the index at {sample_index}" in result.stderr


def test_pages_render(client):
    page = client.get("/?q=ferry&person=Henrik+Vallo").get_data(as_text=True)
    assert "Henrik Vallo" in page and "chip" in page and "<mark>" in page
    article = client.get("/article/nordic-wire/nordicwire-017").get_data(as_text=True)
    assert 'class="mention mention-person"' in article and "More like this" in article
    assert client.get("/article/nope").status_code == 404
    assert client.get("/?page=0").status_code == 400


def test_places_roll_up_by_country(client):
    data = search(client, "q=tram")
    countries = {c["value"]: c for c in data["facets"]["country"]}
    portugal = countries["Portugal"]
    assert portugal["places"][0]["value"] == "Lisbon"
    assert all(p["country"] == "Portugal" for p in portugal["places"])
    assert portugal["count"] >= portugal["places"][0]["count"] > 0
    assert search(client, "country=Portugal")["total"] >= search(client, "place=Lisbon")["total"]


@needs_seeds
def test_did_you_mean_on_the_seed_articles(tmp_path):
    from index.build import BuildOptions, rebuild
    from searcher import create_app

    rebuild([str(SEEDS)], tmp_path, BuildOptions(progress=False))
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path)}).test_client()
    assert search(client, "q=Puttin")["suggestion"] == "putin"
    assert search(client, "q=misiles")["suggestion"] == "missiles"
    assert search(client, "q=Puttin+AND+Trump")["suggestion"] == "putin AND Trump"
    assert search(client, "q=Putin")["suggestion"] is None


def test_huge_wildcard_expansion_is_capped(client, monkeypatch):
    from searcher import backend

    expanded = search(client, "q=s*")["total"]
    assert expanded > 10
    monkeypatch.setattr(backend, "MAX_WILDCARD_TERMS", 3)
    assert search(client, "q=s*")["total"] < expanded  # searched as the plain word instead


def hit_ids(data):
    return [hit["id"] for hit in data["hits"]]


def test_facets_in_the_query_syntax_match_the_facet_filters(client):
    """person:, place:, country: and org: are answered from the facet columns: typed in the query they
    find, rank and exclude exactly what the facet parameters do."""
    with_words = search(client, "q=ferry&person=Mara+Lindqvist")
    typed = search(client, 'q=ferry+person:"Mara+Lindqvist"')
    assert typed["total"] == with_words["total"] > 0
    assert hit_ids(typed) == hit_ids(with_words)  # ranked by the words, the same hits in the same order
    assert (
        search(client, 'q=ferry+-person:"Mara+Lindqvist"')["total"]
        == (search(client, "q=ferry&not_person=Mara+Lindqvist")["total"])
    )
    assert (
        search(client, 'q=person:"mara+LINDQVIST"')["total"]
        == search(client, "person=Mara+Lindqvist")["total"]
    )
    assert (
        search(client, "person=mara+lindqvist")["total"] == search(client, "person=Mara+Lindqvist")["total"]
    )
    assert search(client, "q=person:mara*")["total"] == search(client, "person=Mara+Lindqvist")["total"]
    assert search(client, "q=country:finland")["total"] == search(client, "country=Finland")["total"] > 0
    assert (
        search(client, "q=place:helsinki+OR+place:tallinn")["total"]
        == (search(client, "place=Helsinki&place=Tallinn")["total"])
    )
    everything = search(client, "")["total"]
    assert search(client, 'q=NOT+(ferry+person:"Mara+Lindqvist")')["total"] == everything - typed["total"]
    assert search(client, "q=person:nobody+at+all")["total"] == 0


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("get", "/api/nope", 404),
        ("get", "/api", 404),
        ("get", "/api/search/extra", 404),
        ("post", "/api/search", 405),
        ("delete", "/api/articles/x", 405),
        ("put", "/api/facets/person", 405),
        ("get", "/api/articles/no-such-article", 404),
        ("get", "/api/facets/nope", 404),
    ],
)
def test_every_api_error_is_json(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.content_type == "application/json"
    assert response.get_json()["error"]
    if status == 405:
        assert "GET" in response.headers["Allow"]


def test_page_errors_stay_html(client):
    for response in (client.get("/nope"), client.post("/")):
        assert response.status_code in (404, 405) and response.content_type.startswith("text/html")
    assert "GET" in client.post("/").headers["Allow"]


@pytest.mark.parametrize("query", ["😀", "?", "!!!", "...", "(((", '""'])
def test_a_query_with_no_word_matches_nothing_and_says_so(client, query):
    everything = search(client, "q=")["total"]
    data = client.get("/api/search", query_string={"q": query}).json
    assert everything > 0 and data["total"] == 0 and data["hits"] == []
    assert data["searchable"] is False and "no word that can be searched" in data["notice"]
    page = client.get("/", query_string={"q": query}).get_data(as_text=True)
    assert "no word that can be searched" in page and "No article matches a query with no word" in page
    export = client.get("/export.jsonl", query_string={"q": query}).get_data(as_text=True)
    assert export.strip() == ""


def test_a_query_with_a_word_or_the_browsing_star_is_searchable(client):
    for query in ("ferry", "*", "", "ferry!"):
        data = client.get("/api/search", query_string={"q": query}).json
        assert data["searchable"] is True and data["total"] > 0, query


@pytest.mark.parametrize(
    "query", ["the", "The", "a of", "to be or not to be", '"the of"', "-the", "title:the"]
)
def test_a_query_of_stop_words_alone_matches_nothing_and_says_so(client, runner, query):
    data = client.get("/api/search", query_string={"q": query}).json
    assert data["total"] == 0 and data["hits"] == [] and data["searchable"] is False
    assert "too common to be searched" in data["notice"]
    page = client.get("/", query_string={"q": query}).get_data(as_text=True)
    assert "too common to be searched" in page and "No article matches a query with no word" in page
    result = runner.invoke(args=["search", "--", query])
    assert result.exit_code == 0, result.output
    assert "0 articles" in result.output and "too common to be searched" in result.output
    for searchable in ("the ferry", "the*", "ferry"):  # a word beside them, or a wildcard, is searched
        data = client.get("/api/search", query_string={"q": searchable}).json
        assert data["searchable"] is True and data["total"] > 0 and data["notice"] is None, searchable
    # beside other words they are left out, as the title and body leave them out (OpenSearch, which
    # searches every language's field, once asked for "the" in Romanian text and found nothing)
    ferry = client.get("/api/search", query_string={"q": "ferry"}).json["total"]
    for beside in ("the ferry", "ferry of the", "ferry -the", "the AND ferry"):
        assert client.get("/api/search", query_string={"q": beside}).json["total"] == ferry, beside


def test_a_word_finds_its_forms_with_a_doubled_consonant(client):
    """Porter's rule undoubles the consonant "-ing" and "-ed" leave: "bid" finds "opened bidding" (a
    sample that never writes "bid"), and "bid", "bids" and "bidding" find the same articles."""
    found = {
        word: client.get("/api/search", query_string={"q": word, "collapse": "false", "per_page": 100}).json
        for word in ("bid", "bids", "bidding")
    }
    titles = {word: {hit["title"] for hit in data["hits"]} for word, data in found.items()}
    assert any(title.startswith("Helsinki opens Baltic wind auction") for title in titles["bid"])
    assert len(titles["bid"]) >= 2 and titles["bid"] == titles["bids"] == titles["bidding"]
    assert found["bid"]["total"] == found["bidding"]["total"] == len(titles["bid"])


def test_a_language_filter_says_how_many_undetermined_articles_it_leaves_out(client):
    english = client.get("/api/search?language=en").json
    left_out = english["undetermined_left_out"]
    assert left_out > 0  # a sample too short for the detector to be sure of
    both = client.get("/api/search?language=en&language=und").json
    assert english["total"] + left_out == both["total"] and both["undetermined_left_out"] == 0
    assert client.get("/api/search").json["undetermined_left_out"] == 0  # no language selected
    page = client.get("/?language=en").get_data(as_text=True)
    assert (
        f"The language filter leaves out {left_out} stor" in page and "language=en&amp;language=und" in page
    )
    assert "undetermined-left-out" not in client.get("/?language=en&language=und").get_data(as_text=True)


def test_the_command_line_says_a_query_has_no_word(runner, sample_index):
    result = runner.invoke(args=["search", "!!!", "--index-dir", str(sample_index)])
    assert result.exit_code == 0, result.output
    assert "0 articles" in result.output and "no word that can be searched" in result.output
    result = runner.invoke(args=["search", "--mentioned", "next week", "--index-dir", str(sample_index)])
    assert result.exit_code == 2 and "--mentioned" in result.output


@pytest.mark.parametrize(
    "spellings",
    [
        ("Rhône", "Rhone", "rhone", "RHÔNE"),
        ("téléphérique", "telepherique", "Téléphérique"),
        ("télé*", "tele*"),
        ('"du Rhône"', '"du Rhone"'),
        ("élections", "elections"),
    ],
)
def test_words_match_with_and_without_their_accents(client, spellings):
    totals = {q: client.get("/api/search", query_string={"q": q}).json["total"] for q in spellings}
    assert len(set(totals.values())) == 1 and totals[spellings[0]] > 0, totals


def test_the_highlight_marks_the_accented_word_a_plain_query_found(client):
    hits = client.get("/api/search", query_string={"q": "telepherique"}).json["hits"]
    assert hits and all("<mark>téléphérique</mark>" in hit["snippet"] for hit in hits)


def test_did_you_mean_offers_the_word_without_its_accents(client):
    data = client.get("/api/search", query_string={"q": "Rhnoe"}).json
    assert data["total"] == 0 and data["suggestion"] == "rhone"
    assert client.get("/api/search", query_string={"q": data["suggestion"]}).json["total"] > 0


def test_a_facet_value_in_another_case_or_as_a_lower_case_acronym_finds_the_index_value(client):
    from index.normalize import initials

    orgs = search(client, "per_page=1")["facets"]["org"]
    named = next(v for v in orgs if " " in v["value"] and 2 <= len(initials(v["value"])) <= 6)
    for given in (named["value"].lower(), named["value"].upper(), initials(named["value"]).lower()):
        data = client.get("/api/search", query_string={"org": given}).json
        chosen = [v["value"] for v in data["facets"]["org"] if v["selected"]]
        assert data["total"] == named["count"] and chosen == [named["value"]], given
        assert data["not_in_index"] == []
        assert client.get(f"/org/{given}").status_code == 200, given


def test_a_facet_value_the_index_does_not_hold_is_said_plainly(client, runner, sample_index):
    data = client.get("/api/search?org=no+such+organization&not_person=Nobody+Here").json
    assert data["total"] == 0
    assert {(item["facet"], item["value"]) for item in data["not_in_index"]} == {
        ("org", "no such organization"),
        ("person", "Nobody Here"),
    }
    assert all("holds no" in item["message"] for item in data["not_in_index"])
    page = client.get("/?org=no+such+organization").get_data(as_text=True)
    assert "The index holds no organization “no such organization”" in page
    result = runner.invoke(args=["search", "--org", "no such organization", "--index-dir", str(sample_index)])
    assert "The index holds no organization “no such organization”" in result.output

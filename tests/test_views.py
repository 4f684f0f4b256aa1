import re

from werkzeug.datastructures import MultiDict

from searcher.views import url_with


def test_facet_links_add_and_remove_values_and_reset_the_page(app):
    args = MultiDict([("q", "ferry"), ("person", "A"), ("page", "3")])
    with app.test_request_context():
        assert url_with(args, add={"person": "B"}) == "/?q=ferry&person=A&person=B"
        assert url_with(args, remove={"person": "A"}) == "/?q=ferry"
        assert url_with(args, replace={"q": "tram"}) == "/?person=A&q=tram"


def test_dates_mentioned_are_grouped_by_year_most_mentioned_first():
    from searcher.search import FacetValue
    from searcher.views import mentioned_by_year

    def value(v, count, **flags):
        return FacetValue("mentioned", v, count, **flags)

    grouped = mentioned_by_year(
        [
            value("1914", 3),
            value("1958-09", 3),
            value("1987", 1827),
            value("1987-03", 3675),
            value("1987-01", 896, selected=True),
            value("1986", 2828),
        ]
    )
    assert [year.value for year in grouped.years] == ["1987", "1986", "1914", "1958"]
    assert (grouped.first, grouped.last) == ("1914", "1987")
    year = grouped.years[0]
    assert year.count == 1827 and [m.label for m in year.months] == ["Jan", "Mar"]
    assert year.months[0].selected is True
    lone = grouped.years[3]
    assert lone.count is None and [m.value for m in lone.months] == ["1958-09"]
    empty = mentioned_by_year([])
    assert (empty.years, empty.first, empty.last) == ([], None, None)
    # a selected value in another form (typed in the URL) stands on its own
    odd = mentioned_by_year(
        [value("0", 0, selected=True), value("1987-13", 0), value("1987-03-05", 0), value("1987-03", 4)]
    )
    assert [year.value for year in odd.years] == ["1987", "0", "1987-03-05", "1987-13"]
    assert (odd.first, odd.last) == ("1987", "1987") and odd.years[1].selected is True


def test_the_page_shows_mentioned_dates_by_year_with_the_span(client):
    html = client.get("/").get_data(as_text=True)
    section = html[html.index('id="found-mentioned"') :]
    section = section[: section.index("</section>")]
    assert "2024 – 2027 · 3 years, most mentioned first" in section
    assert (
        section.index('href="/?mentioned=2024"')
        < section.index('aria-label="Feb 2024"')
        < section.index('aria-label="Sep 2024"')
    )


def test_clear_all_takes_off_every_facet_value_exclusion_and_date(app):
    from searcher.views import clear_all_url

    args = MultiDict(
        [
            *[("q", "oil"), ("person", "A"), ("not_org", "B"), ("mentioned", "1987"), ("country", "Japan")],
            *[
                ("not_mentioned", "1986"),
                ("from", "1987"),
                ("to", "1988"),
                ("sort", "newest"),
                ("all", "person"),
            ],
            *[
                ("place", "Tokyo"),
                ("not_place", "Osaka"),
                ("org", "OPEC"),
                ("not_person", "C"),
                ("page", "2"),
            ],
        ]
    )
    with app.test_request_context():
        assert clear_all_url(args, "oil") == "/?sort=newest&all=person&q=oil"
        assert clear_all_url(MultiDict([("person", "A")]), "") == "/"


def test_the_sidebar_lists_every_facet_in_order_with_its_switch(app):
    from index.facets import FACETS
    from searcher.params import params_from_args
    from searcher.search import run_search
    from searcher.views import search_index, sidebar_facets

    args = MultiDict([("person", "Mara Lindqvist"), ("all", "person"), ("country", "Finland")])
    with app.test_request_context():
        params = params_from_args(args)
        results = run_search(search_index(), params)
        sections = sidebar_facets(results, params, {})
    assert [s.facet for s in sections] == list(FACETS)
    by_name = {s.facet.name: s for s in sections}
    assert (by_name["person"].match_mode, by_name["person"].chosen) == ("all", 1)
    assert (by_name["country"].match_mode, by_name["country"].chosen) == ("any", 1)
    assert by_name["country"].values == results.facets["country"]
    assert by_name["mentioned"].match_mode is None and by_name["mentioned"].span is not None
    assert [year.value for year in by_name["mentioned"].values] == [
        y.value for y in by_name["mentioned"].span.years
    ]


def test_hits_are_numbered_from_the_page_s_first_one(client):
    html = client.get("/?per_page=5&page=2").get_data(as_text=True)
    assert '<ol class="hits" start="6">' in html


def test_the_page_shows_the_sidebar_headings_and_the_clear_all_link(client):
    from index.facets import FACETS

    html = client.get("/?q=ferry&person=Mara+Lindqvist&from=2024").get_data(as_text=True)
    headings = [html.index(f'<h2 id="facet-{facet.name}">{facet.heading}</h2>') for facet in FACETS]
    assert headings == sorted(headings)
    assert '<a class="clear" href="/?q=ferry">Clear all</a>' in html


def test_forms_carry_the_search_s_other_parameters():
    from searcher.views import form_fields

    args = MultiDict([("q", "oil"), ("person", "A"), ("person", "B"), ("sort", "newest"), ("page", "3")])
    args.add("person_filter", "vol")
    assert form_fields(args, "sort") == [("q", "oil"), ("person", "A"), ("person", "B")]
    assert form_fields(args, "q") == [("person", "A"), ("person", "B"), ("sort", "newest")]
    assert form_fields(args) == [("q", "oil"), ("person", "A"), ("person", "B"), ("sort", "newest")]
    assert form_fields(None, "q") == form_fields(MultiDict(), "q") == []


def test_the_sort_and_date_forms_keep_the_search(client):
    html = client.get("/?q=ferry&person=Mara+Lindqvist&sort=newest&from=2024&page=1").get_data(as_text=True)
    sort_form = html[
        html.index('<form class="sort"') : html.index("</form>", html.index('<form class="sort"'))
    ]
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', sort_form)
    assert hidden == [("q", "ferry"), ("person", "Mara Lindqvist"), ("from", "2024")]
    dates = html[
        html.index('<form class="daterange"') : html.index("</form>", html.index('<form class="daterange"'))
    ]
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', dates)
    assert hidden == [("q", "ferry"), ("person", "Mara Lindqvist"), ("sort", "newest")]


def test_a_facet_neither_of_entities_nor_of_dates_is_listed_as_it_comes(monkeypatch):
    from index.facets import Facet
    from searcher import views
    from searcher.params import SearchParams
    from searcher.search import FacetValue, SearchResults

    language = Facet("language", "Languages", "language", "languages", entity=False)
    monkeypatch.setattr(views, "FACETS", (language,))
    values = [FacetValue("language", "en", 3), FacetValue("language", "de", 1)]
    results = SearchResults(
        query="",
        total=4,
        page=1,
        per_page=20,
        pages=1,
        sort="relevance",
        suggestion=None,
        match_all=[],
        matched=[],
        published_unit="month",
        published=[],
        hits=[],
        facets={"language": values},
    )
    [section] = views.sidebar_facets(results, SearchParams(), {})
    assert (section.facet, section.values, section.match_mode, section.span) == (language, values, None, None)


def test_a_hit_s_tag_says_narrow_only_where_the_click_narrows():
    """Under "any of", a tag of a facet with a value checked adds its articles (F8: "Narrow the results
    to Ronald Reagan" took Volcker's 113 stories to 604); under "all of", or with none checked, it narrows."""
    from searcher.params import SearchParams
    from searcher.views import tag_title

    volcker = {"person": ("Paul Volcker",)}
    any_of = SearchParams(selected=volcker)
    assert tag_title(any_of, "person", "Ronald Reagan") == (
        "Add Ronald Reagan: results with any of Paul Volcker or Ronald Reagan"
    )
    assert tag_title(any_of, "person", "paul volcker") == "paul volcker is already checked"
    assert tag_title(any_of, "place", "Tokyo") == "Narrow the results to Tokyo"
    all_of = SearchParams(selected=volcker, match_all=frozenset({"person"}))
    assert tag_title(all_of, "person", "Ronald Reagan") == "Narrow the results to Ronald Reagan"
    assert tag_title(SearchParams(), "org", "Fed") == "Narrow the results to Fed"
    two = SearchParams(selected={"org": ("IMF", "OPEC")})
    assert tag_title(two, "org", "Fed") == "Add Fed: results with any of IMF, OPEC or Fed"

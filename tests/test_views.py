from werkzeug.datastructures import MultiDict

from searcher.views import url_with


def test_facet_links_add_and_remove_values_and_reset_the_page(app):
    args = MultiDict([("q", "ferry"), ("person", "A"), ("page", "3")])
    with app.test_request_context():
        assert url_with(args, add={"person": "B"}) == "/?q=ferry&person=A&person=B"
        assert url_with(args, remove={"person": "A"}) == "/?q=ferry"
        assert url_with(args, replace={"q": "tram"}) == "/?person=A&q=tram"


def test_dates_mentioned_are_grouped_by_year_most_mentioned_first():
    from searcher.views import mentioned_by_year

    def value(v, count, **flags):
        return {"value": v, "count": count, "selected": False, "excluded": False, **flags}

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
    assert [year["value"] for year in grouped["years"]] == ["1987", "1986", "1914", "1958"]
    assert (grouped["first"], grouped["last"]) == ("1914", "1987")
    year = grouped["years"][0]
    assert year["count"] == 1827 and [m["label"] for m in year["months"]] == ["Jan", "Mar"]
    assert year["months"][0]["selected"] is True
    lone = grouped["years"][3]
    assert lone["count"] is None and [m["value"] for m in lone["months"]] == ["1958-09"]
    assert mentioned_by_year([]) == {"years": [], "first": None, "last": None}
    # a selected value in another form (typed in the URL) stands on its own
    odd = mentioned_by_year(
        [value("0", 0, selected=True), value("1987-13", 0), value("1987-03-05", 0), value("1987-03", 4)]
    )
    assert [year["value"] for year in odd["years"]] == ["1987", "0", "1987-03-05", "1987-13"]
    assert (odd["first"], odd["last"]) == ("1987", "1987") and odd["years"][1]["selected"] is True


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

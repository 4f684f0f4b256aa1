"""The search page's answers to what a reader types: bad dates, pages past the end, the way back."""

from datetime import datetime

import pytest

from searcher.params import ParamError, parse_date_bound


@pytest.mark.parametrize(
    "typed, start, end",
    [
        ("2024", "2024-01-01", "2025-01-01"),
        ("2024-3", "2024-03-01", "2024-04-01"),
        ("2024-3-1", "2024-03-01", "2024-03-02"),
        ("2024/03/01", "2024-03-01", "2024-03-02"),
        ("2024.3.1", "2024-03-01", "2024-03-02"),
        ("25/12/2024", "2024-12-25", "2024-12-26"),  # only the day can be 25
        ("12/25/2024", "2024-12-25", "2024-12-26"),
        (" 2024-12-31 ", "2024-12-31", "2025-01-01"),
    ],
)
def test_dates_in_the_forms_readers_type(typed, start, end):
    assert parse_date_bound(typed, "from", end=False) == datetime.fromisoformat(start)
    assert parse_date_bound(typed, "to", end=True) == datetime.fromisoformat(end)


@pytest.mark.parametrize(
    "typed, says",
    [
        ("03/01/2024", "could be day or month first: write 2024-03-01 or 2024-01-03"),
        ("2024-13-1", "month must be in 1..12"),
        ("2024-02-30", "day is out of range"),
        ("2024-3/1", "is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("yesterday", "is not a date"),
    ],
)
def test_dates_that_are_not_dates_say_why(typed, says):
    with pytest.raises(ParamError, match=r".*") as error:
        parse_date_bound(typed, "from", end=False)
    assert says in error.value.message and error.value.parameter == "from"


def test_a_bad_date_is_shown_on_the_search_page_with_the_search_kept(client):
    response = client.get("/?q=ferry&person=Henrik+Vallo&from=03/01/2024&to=2024-12")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="form-problems" role="alert"' in html and "could be day or month first" in html
    assert 'value="03/01/2024"' in html and 'aria-invalid="true"' in html  # the field keeps what was typed
    assert (
        'value="ferry"' in html
        and '<span class="chip-facet">People:</span>' in html
        and "<span>Henrik Vallo</span>" in html
        and "Published … – 2024-12" in html
    )
    kept = client.get("/api/search?q=ferry&person=Henrik+Vallo&to=2024-12").get_json()["total"]
    assert f"<strong>{kept:,}</strong>" in html  # the search ran without the bad date
    assert 'class="hit"' in html
    # links on the page do not carry the bad date on
    assert (
        "03%2F01%2F2024" not in html
        and 'name="from" value="03/01/2024"' not in html.split('class="daterange"')[0]
    )


def test_a_date_in_a_common_form_narrows_the_search(client):
    assert client.get("/?from=2024-3-1&to=2024-3-31").status_code == 200
    typed = client.get("/api/search?from=2024-3-1&to=2024-3-31").get_json()["total"]
    assert typed == client.get("/api/search?from=2024-03-01&to=2024-03-31").get_json()["total"] > 0


@pytest.mark.parametrize("page", [5, 13, 5000, 10_000, 10_001, 99_999, 10**17])
def test_every_page_past_the_end_says_so_and_links_to_the_last(client, page):
    """One rule for every page number past the end, however large (99999 was a 400, 5000 a 200)."""
    response = client.get(f"/?q=ferry&per_page=2&page={page}")
    html = response.get_data(as_text=True)
    last = client.get("/api/search?q=ferry&per_page=2").get_json()["pages"]
    assert 2 < last < 5
    assert response.status_code == 200
    assert f"Page {page:,} is past the end: the last page is {last}." in html
    assert f'href="/?q=ferry&amp;per_page=2&amp;page={last}">Go to page {last}</a>' in html
    assert 'class="hit"' not in html and "No articles match" not in html
    data = client.get(f"/api/search?q=ferry&per_page=2&page={page}").get_json()
    assert data["page"] == page and data["hits"] == [] and data["pages"] == last


def test_the_last_page_and_bad_page_numbers(client):
    last = client.get("/api/search?q=ferry&per_page=2").get_json()["pages"]
    html = client.get(f"/?q=ferry&per_page=2&page={last}").get_data(as_text=True)
    assert "past the end" not in html and 'class="hit"' in html and f"Page {last} of {last}" in html
    one_page = client.get("/?q=ferry&page=2").get_data(as_text=True)
    assert "these articles fit on one page" in one_page and ">Go to the results</a>" in one_page
    assert "No articles match" in client.get("/?q=zzzzqqq&page=3").get_data(as_text=True)
    for bad in ("0", "-1", "x", "1.5", "²", "٣", "9" * 19, "9" * 5000):
        assert client.get(f"/?page={bad}").status_code == 400
        assert client.get(f"/api/search?page={bad}").get_json()["parameter"] == "page"


def test_an_article_opened_from_results_links_back_to_them(client):
    import html
    import re

    search = "/?q=ferry&person=Henrik+Vallo&per_page=2&page=2"
    page = client.get(search).get_data(as_text=True)
    link = html.unescape(re.search(r'<h3><a href="([^"]+)"', page).group(1))
    assert "back=" in link
    article = client.get(link).get_data(as_text=True)
    back = html.unescape(
        re.search(r'<p class="back"><a href="([^"]+)">← Back to results</a>', article).group(1)
    )
    assert back == search
    # "More like this" keeps the way back too
    related = html.unescape(re.search(r'<ul class="related"><li><a href="([^"]+)"', article).group(1))
    assert "← Back to results" in client.get(related).get_data(as_text=True)


@pytest.mark.parametrize(
    "back, expected",
    [
        ("q%3Dtram%26evil%3D1", "/?q=tram"),  # unknown keys are dropped: only ever our search page
        ("", "/"),
    ],
)
def test_the_way_back_is_always_our_search_page(client, back, expected):
    article = client.get(f"/article/nordic-wire/nordicwire-017?back={back}").get_data(as_text=True)
    assert f'<p class="back"><a href="{expected}">← Back to results</a>' in article


@pytest.mark.parametrize(
    "back",
    [
        "page%3Dx",
        "from%3D2024-99",
        "q%3D" + "a" * 9000,
        "foo%3Dbar",
        "javascript%3Aalert(1)",
        "%2F%2Fevil.example",
    ],
)
def test_a_way_back_that_is_not_a_valid_search_is_not_offered(client, back):
    article = client.get(f"/article/nordic-wire/nordicwire-017?back={back}").get_data(as_text=True)
    assert '<p class="back"><a href="/">← All articles</a>' in article and "Back to results" not in article


def test_a_wildcard_too_broad_says_so_on_the_page_and_in_the_api(client, monkeypatch):
    """``s*`` matches more words than a search expands (200 on Reuters; the samples' 33 articles hold
    fewer, so the limit is lowered here): the reader is told which term and what to do, not shown 0
    results as if nothing matched."""
    from searcher import backend

    monkeypatch.setattr(backend, "MAX_WILDCARD_TERMS", 20)
    answer = client.get("/api/search?q=s*").get_json()
    assert answer["notice"].startswith("“s*” matches more than 20 words, too many to search")
    assert "type more letters before the *" in answer["notice"]
    page = client.get("/?q=s*").get_data(as_text=True)
    assert 'class="query-notice"' in page and "“s*” matches more than 20 words" in page
    narrow = client.get("/api/search?q=stri*").get_json()  # a wildcard that is searched says nothing
    assert narrow["notice"] is None and narrow["total"] > 0


def test_the_command_line_says_when_a_wildcard_was_not_searched(runner, sample_index, monkeypatch):
    from searcher import backend

    monkeypatch.setattr(backend, "MAX_WILDCARD_TERMS", 20)
    result = runner.invoke(args=["search", "s*", "--index-dir", str(sample_index)])
    assert result.exit_code == 0, result.output
    assert "“s*” matches more than 20 words, too many to search" in result.output
    searched = runner.invoke(args=["search", "stri*", "--index-dir", str(sample_index)])
    assert searched.exit_code == 0 and "too many to search" not in searched.output


def test_too_many_wildcards_are_named_in_the_api(client):
    answer = client.get("/api/search?q=oil* gas* ship* port* strike*").get_json()
    assert answer["notice"].startswith("The query has 5 wildcards (oil*, gas*, ship*, port*, strike*)")
    # counted as typed: the German and French fields' stemmed copies ("ga*" of "gas*") are no more
    four = client.get("/api/search?q=oil* OR gas* OR ship* OR strike*").get_json()
    assert four["notice"] is None and four["total"] > 0

"""The search page's answers to what a reader types: bad dates, pages past the end, the way back."""

from datetime import datetime

import pytest

from searcher.params import ParamError, parse_date_bound


@pytest.mark.parametrize("typed, start, end", [
    ("2024", "2024-01-01", "2025-01-01"),
    ("2024-3", "2024-03-01", "2024-04-01"),
    ("2024-3-1", "2024-03-01", "2024-03-02"),
    ("2024/03/01", "2024-03-01", "2024-03-02"),
    ("2024.3.1", "2024-03-01", "2024-03-02"),
    ("25/12/2024", "2024-12-25", "2024-12-26"),  # only the day can be 25
    ("12/25/2024", "2024-12-25", "2024-12-26"),
    (" 2024-12-31 ", "2024-12-31", "2025-01-01"),
])
def test_dates_in_the_forms_readers_type(typed, start, end):
    assert parse_date_bound(typed, "from", end=False) == datetime.fromisoformat(start)
    assert parse_date_bound(typed, "to", end=True) == datetime.fromisoformat(end)


@pytest.mark.parametrize("typed, says", [
    ("03/01/2024", "could be day or month first: write 2024-03-01 or 2024-01-03"),
    ("2024-13-1", "month must be in 1..12"),
    ("2024-02-30", "day is out of range"),
    ("2024-3/1", "is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("yesterday", "is not a date"),
])
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
    assert 'value="ferry"' in html and "People: Henrik Vallo" in html and "Published … – 2024-12" in html
    kept = client.get("/api/search?q=ferry&person=Henrik+Vallo&to=2024-12").get_json()["total"]
    assert f"<strong>{kept:,}</strong>" in html  # the search ran without the bad date
    assert 'class="hit"' in html
    # links on the page do not carry the bad date on
    assert "03%2F01%2F2024" not in html and 'name="from" value="03/01/2024"' not in html.split('class="daterange"')[0]


def test_a_date_in_a_common_form_narrows_the_search(client):
    assert client.get("/?from=2024-3-1&to=2024-3-31").status_code == 200
    typed = client.get("/api/search?from=2024-3-1&to=2024-3-31").get_json()["total"]
    assert typed == client.get("/api/search?from=2024-03-01&to=2024-03-31").get_json()["total"] > 0

"""Fields typed in the query box that once found nothing, or the wrong articles, without a word of why:
dates (``published:[1987-03-01 TO 1987-03-31]``, ``published:>=1987-03``, ``mentioned:[… TO …]``),
sources in any case (``source:reuters``), quoted facet values (``place:"U.S."``) and quoted exclusions
alone (``-person:"Paul Volcker"``). The Reuters property (typed = filtered) is in test_properties.py;
both engines' answers in test_opensearch_contract.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.query import And, DateRange, Every, Not, Term

from index.schema import build_schema, query_schema
from searcher.params import parse_date_bound
from searcher.query import parse_query, refusal_notice
from searcher.sources import unknown_sources_notice
from searcher.typed_dates import Period, mentioned_term_runs, typed_period
from searcher.typed_values import FacetValue

SCHEMA = query_schema(build_schema())


def parsed(text: str):
    return parse_query(text, SCHEMA, lambda query: None)[0]


def notice(text: str) -> str | None:
    return refusal_notice(text, SCHEMA, lambda query: None)


def published(start: str | None, stop: str | None) -> DateRange:
    """What ``from=start&to=stop`` selects, as a query."""
    return DateRange(
        "published",
        parse_date_bound(start, "from", end=False) if start else None,
        parse_date_bound(stop, "to", end=True) if stop else None,
        endexcl=True,
    )


WRITTEN = {
    "year": lambda day: f"{day.year}",
    "month": lambda day: f"{day.year}-{day.month}",
    "padded month": lambda day: f"{day:%Y-%m}",
    "day": lambda day: day.isoformat(),
    "slashed day": lambda day: f"{day.year}/{day.month}/{day.day}",
}
DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(st.tuples(DAYS, DAYS).map(sorted), st.sampled_from(list(WRITTEN)), st.sampled_from(list(WRITTEN)))
def test_a_typed_range_is_what_from_and_to_select(bounds, first_unit, last_unit):
    first, last = WRITTEN[first_unit](bounds[0]), WRITTEN[last_unit](bounds[1])
    expected = published(first, last)
    if expected.start >= expected.end:  # "[1987-03-05 TO 1987]" is empty: said, not searched
        assert "ends before it starts" in notice(f"published:[{first} TO {last}]")
        return
    for typed in (f"[{first} TO {last}]", f"[{first} to {last}]", f"[ {first}  TO  {last} ]"):
        assert parsed(f"published:{typed}") == expected, typed
        assert notice(f"published:{typed}") is None, typed
    assert parsed(f"published:[{first} TO *]") == parsed(f"published:>={first}") == published(first, None)
    assert parsed(f"published:[* TO {last}]") == parsed(f"published:<={last}") == published(None, last)
    assert parsed(f"published:{first}") == published(first, first)  # a day, a month, a year


def test_typed_dates_that_did_not_work():
    """Each found nothing, silently, or (``1987-3``) the whole year."""
    march = published("1987-03", "1987-03")
    assert parsed("published:[1987-03-01 TO 1987-03-31]") == march
    assert parsed("published:1987-3") == march
    assert parsed('published:"1987-03"') == march
    assert parsed("published:1987-03*") == march
    assert parsed("published:{1987-02 TO 1987-04}") == march  # the ends left out
    assert parsed("published:[1987-03 TO 1987-04}") == march
    assert parsed("published:>1987-02") == published("1987-03", None)
    assert parsed("published:<1987-04") == published(None, "1987-03")
    assert parsed("PUBLISHED:[1987-03 TO 1987-03]") == march


@pytest.mark.parametrize(
    "typed",
    [
        "published:soon",
        "published:1987-13",
        "published:[1987-02-30 TO 1987-03]",
        "published:[soon TO *]",
        "published:>=later",
        "mentioned:[1987 TO next]",
    ],
)
def test_a_typed_date_that_is_no_date_matches_nothing_and_says_so(typed):
    said = notice(f"cocoa {typed}")
    assert said is not None and f"“{typed}”" in said and "no article matches it" in said
    # matches nothing: not dropped from the query, which searched "cocoa" alone
    query = parsed(f"cocoa {typed}")
    assert Term("mentioned", "unreadable") in list(query.leaves()), query


def test_a_range_that_ends_before_it_starts_says_so():
    assert notice("published:[1987-04 TO 1987-03]") == (
        "“published:[1987-04 TO 1987-03]” ends before it starts: no article matches it."
    )


MENTIONED_TERMS = st.one_of(
    DAYS.map(lambda day: (day.isoformat(), day, day + timedelta(days=1))),
    DAYS.map(lambda day: (f"{day:%Y-%m}", day.replace(day=1), month_after(day))),
    DAYS.map(lambda day: (f"{day.year}", date(day.year, 1, 1), date(day.year + 1, 1, 1))),
)


def month_after(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


@given(st.tuples(DAYS, DAYS).map(sorted), st.booleans(), st.booleans(), MENTIONED_TERMS)
def test_a_mentioned_range_finds_the_dates_wholly_within_it(bounds, open_start, open_stop, mentioned):
    """A mentioned date's terms (its year, month and day) fall in one of the range's runs exactly when
    the date's period lies within the range: ``[1987-03-15 TO 1987-04-10]`` finds March 20 and April 2,
    not "April 1987" nor "1987"."""
    period = Period(None if open_start else bounds[0], None if open_stop else bounds[1])
    term, first_day, after_last = mentioned
    within = (period.start is None or period.start <= first_day) and (
        period.stop is None or after_last <= period.stop
    )
    runs = mentioned_term_runs(period)
    assert any(first <= term and (last is None or term <= last) for first, last in runs) == within
    assert all(last is None or first <= last for first, last in runs)


def test_typed_period_reads_what_from_and_to_read():
    assert typed_period("1987-3") == Period(date(1987, 3, 1), date(1987, 4, 1))
    assert typed_period("[1987 TO *]") == Period(date(1987, 1, 1), None)
    assert typed_period("<1987-03-05") == Period(None, date(1987, 3, 5))
    assert typed_period("25/12/1987") == Period(date(1987, 12, 25), date(1987, 12, 26))
    assert typed_period("*") == typed_period("[* TO *]") == Period(None, None)
    for wrong in ("03/01/1987", "soon", "", "[1987-13 TO *]", "1987-02-29", "87"):
        assert typed_period(wrong) is None, wrong


def test_a_quoted_facet_value_is_the_value_a_word_every_value_holding_it():
    assert parsed('place:"Zurich"') == FacetValue("place", "Zurich")
    assert parsed('org:"AT&T"') == FacetValue("org", "AT&T")
    assert parsed('org:"Bank of England"') == FacetValue("org", "Bank of England")  # its "of" was dropped
    assert parsed("place:zurich") == Term("place", "zurich")  # not a FacetValue: every value holding it
    # split at its space, an exclusion alone was "NOT person:\"paul NOT volcker\""
    assert parsed('-person:"Paul Volcker"') == And([Every(), Not(FacetValue("person", "Paul Volcker"))])


def test_an_unknown_source_is_named_with_the_close_ones():
    sources = ["Nordic Wire", "The Harbour Post"]
    assert unknown_sources_notice(parsed("source:tass"), sources) == (
        "The index holds no source “tass” (in any case): no article matches it. "
        "Its sources: Nordic Wire, The Harbour Post."
    )
    assert "Did you mean “Nordic Wire”?" in unknown_sources_notice(parsed('source:"nordic wir"'), sources)
    assert "excluding it leaves nothing out" in unknown_sources_notice(parsed("oil -source:x"), sources)
    assert unknown_sources_notice(parsed('source:"NORDIC WIRE"'), sources) is None
    assert unknown_sources_notice(parsed("source:nord*"), sources) is None


# the sample index ----------------------------------------------------------------------------------


def hits(client, query_string: str) -> tuple[int, list[str], str | None]:
    data = client.get(f"/api/search?{query_string}&collapse=false&per_page=100&sort=newest").get_json()
    return data["total"], [hit["id"] for hit in data["hits"]], data["notice"]


@pytest.mark.parametrize(
    ("typed", "filtered"),
    [
        ("q=published:[2024-02-01+TO+2024-03-31]", "from=2024-02-01&to=2024-03-31"),
        ("q=published:[2024-02+TO+*]", "from=2024-02"),
        ("q=published:>%3D2024-02-14", "from=2024-02-14"),
        ("q=published:<2024-03", "to=2024-02"),
        ("q=published:2024-3", "from=2024-03&to=2024-03"),
        ("q=ferry+published:[2024+TO+2024]", "q=ferry&from=2024&to=2024"),
        ("q=mentioned:[2024-03+TO+2024-04]", "mentioned=2024-03&mentioned=2024-04"),
        ("q=mentioned:2024-3", "mentioned=2024-03"),
        ('q=place:"HELSINKI"', "place=Helsinki"),
        ('q=person:"mara+lindqvist"', "person=Mara+Lindqvist"),
        ('q=-person:"Mara+Lindqvist"', "not_person=Mara+Lindqvist"),
        ('q=ferry+-person:"Mara+Lindqvist"', "q=ferry&not_person=Mara+Lindqvist"),
    ],
)
def test_a_typed_field_finds_what_the_filter_finds(client, typed, filtered):
    total, found, said = hits(client, typed)
    assert (total, found) == hits(client, filtered)[:2] and said is None


def test_a_source_in_any_case(client):
    total, found, said = hits(client, 'q=source:"Nordic+Wire"')
    assert total == 8 and said is None
    for typed in ('q=source:"nordic+wire"', 'q=source:"NORDIC+WIRE"', "q=source:nord*"):
        assert hits(client, typed) == (total, found, None), typed
    everything = hits(client, "")[0]
    assert hits(client, 'q=-source:"nordic+wire"')[0] == everything - total


def test_an_unknown_source_or_value_is_said_not_a_silent_zero(client):
    total, _, said = hits(client, "q=source:nordik")
    assert total == 0 and said == (
        "The index holds no source “nordik” (in any case): no article matches it. Did you mean “Nordic Wire”?"
    )
    total, _, said = hits(client, 'q=person:"Nobody+At+All"')
    assert total == 0 and said == (
        "The index holds no person “Nobody At All” (in any case or accent form): no article matches it."
    )
    total, _, said = hits(client, "q=ferry+published:[2024-03+TO+2024-02]")
    assert total == 0 and "ends before it starts" in said


def test_typed_dates_on_the_page(client):
    """The page says what the API says, above the results."""
    page = client.get("/?q=published:soon").get_data(as_text=True)
    assert "“published:soon”: a publication date is a year, a month or a day" in page


def test_the_search_page_says_how_to_write_typed_fields(client):
    page = client.get("/?q=oil").get_data(as_text=True)
    for shown in (
        "published:[1987-03-01 TO 1987-03-31]",
        "published:&gt;=1987-03-01",
        "source:reuters",
        'place:"U.S."',
    ):
        assert shown in page, shown


def test_a_quoted_word_that_is_no_value_says_the_word_finds_the_values_holding_it():
    from searcher.typed_values import unknown_values_notice

    held = {("person", "Paul Volcker")}

    def holds(facet, value):
        return (facet, value) in held

    assert unknown_values_notice(parsed('person:"volcker"'), holds) == (
        "The index holds no person “volcker” (in any case or accent form): no article matches it. "
        "Without quotes, person:volcker finds every person with the word “volcker” in its name."
    )
    assert unknown_values_notice(parsed('person:"Paul Volcker" -org:"xyz"'), holds) == (
        "The index holds no organization “xyz” (in any case or accent form): excluding it leaves nothing out."
    )
    assert unknown_values_notice(parsed('language:"xx"'), holds).endswith("no article matches it.")


def test_any_date_is_every_dated_article(client):
    """``published:*`` (or ``[* TO *]``) is every dated article, ``-published:*`` the undated ones: 8 of the
    33 samples have no date."""
    dated, _, said = hits(client, "q=published:*")
    assert (dated, said) == (25, None)
    assert hits(client, "q=published:[*+TO+*]")[0] == 25
    assert hits(client, "q=-published:*")[0] == 8
    assert hits(client, "q=mentioned:*")[0] == hits(client, "q=mentioned:[*+TO+*]")[0] > 0


def test_a_range_before_the_first_day_finds_nothing():
    """It raised inside the parser, and the query was searched as the plain words "0001" and "01"."""
    assert parsed("mentioned:<0001") == Term("mentioned", "unreadable")

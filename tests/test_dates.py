import re
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.dates import date_levels, resolve_mentioned_date

PUBLISHED = datetime(2018, 10, 23, 9, 0)


def test_mentioned_dates_resolve_against_publication():
    assert resolve_mentioned_date("Nov 11", PUBLISHED) == "2018-11-11"
    assert resolve_mentioned_date("11 November", PUBLISHED) == "2018-11-11"
    assert resolve_mentioned_date("next month", PUBLISHED) == "2018-11"
    assert resolve_mentioned_date("2016", PUBLISHED) == "2016"
    assert resolve_mentioned_date("Feb 20", datetime(1987, 2, 26)) == "1987-02-20"
    assert resolve_mentioned_date("Jan 5", datetime(1987, 12, 30)) == "1988-01-05"


def test_durations_and_undated_relative_dates_are_not_dates():
    assert resolve_mentioned_date("three years", PUBLISHED) is None
    assert resolve_mentioned_date("the end of World War I", PUBLISHED) is None
    assert resolve_mentioned_date("next month", None) is None
    assert resolve_mentioned_date("March 1987", None) == "1987-03"


def test_date_levels():
    assert date_levels("2018-11-11") == ["2018", "2018-11", "2018-11-11"]
    assert date_levels("2018") == ["2018"]


RELATIVE_TEXTS = [
    "Tuesday",
    "last Friday",
    "LATE FRIDAY",
    "early today",
    "yesterday",
    "next week",
    "the last week",
    "last month",
    "next year",
    "this year",
    "last November",
    "next March",
    "a year ago",
    "January a year ago",
    "last November 3",
    "June this year",
    "the end of next week",
    "next Tuesday's",
    "1300 EST/1800 gmt today",
    "February this year",
]


@pytest.mark.parametrize("text", RELATIVE_TEXTS)
def test_relative_dates_from_the_shared_cache_match_a_direct_parse(text):
    from datetime import timedelta
    from random import Random

    from index import dates

    rng = Random(text)
    for _ in range(4):
        published = datetime(1984, 1, 1) + timedelta(days=rng.randrange(0, 6000), hours=rng.randrange(24))
        direct = dates._parse.__wrapped__(text, published.replace(hour=0, minute=0, second=0, microsecond=0))
        assert dates._parse_relative(text, published) == direct, published
    # 29 February and the last days of a month
    for day in (datetime(1988, 2, 29, 10), datetime(1987, 3, 31), datetime(1987, 12, 31, 23)):
        direct = dates._parse.__wrapped__(text, day.replace(hour=0))
        assert dates._parse_relative(text, day) == direct, day


@pytest.mark.parametrize(
    ("before", "number", "after"),
    [
        ("Oil prices rose (NRKI ", "1821", ")"),  # wire codes
        ("said today (NYFD ", "2044", ")"),
        ("an announcement at ", "1530", " EST/2030 GMT"),  # times of day
        ("the accident occurred at ", "1850", " GMT."),
        ("DOWN 370 POINTS TO ", "1876", ""),  # an index level
        ("its first departmental computer, the CYBER ", "1809", " model"),
        ("prices at levels of ", "1821", " "),  # a weak lead, far from publication
    ],
)
def test_a_bare_number_out_of_a_date_context_is_no_year(before, number, after):
    assert resolve_mentioned_date(number, datetime(1987, 4, 1), before, after) is None


@pytest.mark.parametrize(
    ("before", "number", "after"),
    [
        ("debentures due ", "2017", "."),  # a strong lead: any year
        ("SOGENAL, founded in ", "1881", " and"),
        ("the lowest since ", "1985", ","),
        ("in the first half of ", "1987", ","),  # a weak lead, near publication
        ("growth.\n    ", "1986", " net profit rose"),  # a year-ish word after it
        ("from March ", "1988", ""),
    ],
)
def test_a_bare_number_in_a_date_context_is_a_year(before, number, after):
    assert resolve_mentioned_date(number, datetime(1987, 4, 1), before, after) == number


@given(st.integers(min_value=1800, max_value=2200), st.text(max_size=30), st.text(max_size=20))
def test_a_bare_number_before_a_time_zone_is_never_a_year(year, before, zone_free_text):
    assert (
        resolve_mentioned_date(str(year), datetime(1987, 4, 1), before + " in ", f" GMT {zone_free_text}")
        is None
    )


def test_the_sentence_s_tense_says_which_year_a_month_without_one_is():
    from index.dates import tense_of_context

    assert tense_of_context("Ministers reaffirmed the ", " Louvre accord to hold currencies") == "past"
    assert tense_of_context("The ", " contract rose 2 cents") == "future"  # a market's month to come
    assert tense_of_context("the current pact, which expires in ", ". The new accord") == "future"
    assert tense_of_context("Talks with creditors broke down last year and in ", ".") == "past"
    assert (
        tense_of_context("The deficit narrowed to 10.69 mln U.S. Dlrs in May from 79 mln in ", "") == "past"
    )
    assert tense_of_context("Senator Proxmire promised to return the issues in ", ".") == "future"
    assert tense_of_context("the decline was due to the closure of accounts in ", "") == "past"
    assert tense_of_context("output of the late (October-", "-December) crop will decline") == "future"
    assert tense_of_context("It will. Prices climbed in ", " and fell after") == "past"  # its own sentence
    assert tense_of_context("It said. Output in ", " was steady") is None  # the sentence before says nothing
    assert tense_of_context("Output in ", " was steady") is None


@pytest.mark.parametrize(
    "before, after, tense",
    [
        ("The two sides met in ", " to discuss the debt", "past"),
        ("Talks began in ", " and broke down", "past"),
        ("The company took a charge in ", ".", "past"),
        ("The accord, struck in ", ", still holds", "past"),
        ("Prices fell in ", " and recovered", "past"),
        ("They cut rates in ", ".", "past"),  # a past spelled as its present, after its subject
        ("It will cut output in ", ".", "future"),  # the present after "will"
        ("It plans to cut output in ", ".", "future"),  # an infinitive
        ("A rate cut in ", ".", None),  # a noun
        ("The meeting will be held in ", ".", "future"),  # what is to be done
        ("The company said in ", " it would sell the unit", "past"),  # said then
        ("The company said exports in ", " rose", None),  # what was said says nothing of when
        ("In ", " they agreed to cut output", "past"),  # a date opening its clause: the verb after it
        ("Reuters said. In ", ", the bank lost money", "past"),
        ("In ", " output will rise", "future"),
        ("The board bought 25,000 tonnes for ", " shipment", "future"),  # a market's month to come
        ("A house bought 600 contracts of ", " soymeal", "future"),
        ("Speculators bought March soymeal and sold ", ", looking for", None),  # what was sold
        ("The princess went to Saudi Arabia in ", ".", "past"),  # "to" a place, not a verb
        ("The marketing year began ", " 1", "past"),
        ("They must raise 1,005.2 billion won by the ", " deadline", None),  # a currency
    ],
)
def test_irregular_past_tenses_say_past_as_verbs_in_ed_do(before, after, tense):
    from index.dates import tense_of_context

    assert tense_of_context(before, after) == tense


def test_a_month_after_an_irregular_past_is_its_previous_occurrence():
    october = datetime(1987, 10, 20)  # the closest year alone would make each February 1988
    assert resolve_mentioned_date("February", october, "The ministers met in ", " in Paris") == "1987-02"
    assert resolve_mentioned_date("February", october, "In ", " they agreed on quotas") == "1987-02"
    assert resolve_mentioned_date("February", october, "Reaffirming the ", " accord they set") == "1987-02"
    assert resolve_mentioned_date("February", october, "Output in ", " was steady") == "1988-02"


def test_a_month_without_a_year_takes_the_year_its_sentence_speaks_of():
    october, march = datetime(1987, 10, 20), datetime(1987, 3, 17)
    # closest-year alone would make these February 1988 and October 1986
    assert (
        resolve_mentioned_date("February", october, "Ministers reaffirmed the ", " Louvre accord")
        == "1987-02"
    )
    assert resolve_mentioned_date("October", march, "the pact, which expires in ", ".") == "1987-10"
    assert (
        resolve_mentioned_date("September", march, "sentiment had received a boost in ", " when") == "1986-09"
    )
    # no tense, or a month near publication: the closest year, as before
    assert resolve_mentioned_date("February", october, "Output in ", " was steady") == "1988-02"
    assert resolve_mentioned_date("January", march, "Talks will resume in ", ".") == "1987-01"
    assert resolve_mentioned_date("February", october) == "1988-02"  # no sentence given


MONTH_SPELLINGS = [
    "January",
    "jan",
    "Feb.",
    "MARCH",
    "Apr",
    "May",
    "june",
    "Jul.",
    "Aug",
    "Sept.",
    "Sep",
    "oct",
    "Nov",
    "December",
]


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(MONTH_SPELLINGS),
    st.integers(1, 31),
    st.integers(1800, 2099),
    st.sampled_from(
        [
            "{y}",
            "{m}",
            "{m} {y}",
            "{m}, {y}",
            "{m} {d}",
            "{m} {d}th",
            "{m} {d}, {y}",
            "{m} {d} {y}",
            "{d} {m}",
            "{d} {m} {y}",
        ]
    ),
)
def test_simple_dates_are_read_as_dateparser_reads_them(month, day, year, shape):
    from index.dates import FIXED_BASE, _parse, in_simple_form, simple_date

    text = shape.format(m=month, d=day, y=year)
    assert in_simple_form(text), text
    assert simple_date(text) == _parse(text, FIXED_BASE), text


def test_a_date_in_no_simple_form_is_left_to_dateparser():
    from index.dates import in_simple_form

    for text in (
        "late March",
        "the week ended February 22",
        "March/April",
        "fiscal 1988",
        "March 164.6",
        "May 0",
        "January 32",
    ):
        assert not in_simple_form(text), text


@pytest.mark.parametrize(
    "text, before, resolved",
    [
        ("Tuesday", "The minister will travel to Quito", "1987-03-10"),
        ("Thursday", "Talks between the two unions are scheduled to resume", "1987-03-12"),
        ("Tuesday", "The minister said on", "1987-03-03"),
        ("Friday", "The strike at the Tarvik docks ended", "1987-03-06"),
        ("Sunday morning", "Elections in the province will be held on", "1987-03-15"),
        ("last Tuesday", "The minister will say what he agreed", "1987-03-03"),
    ],
)
def test_a_weekday_alone_is_the_next_one_when_its_sentence_speaks_of_the_future(text, before, resolved):
    """Published on Monday 9 March 1987: "will travel to Quito Tuesday" is the next day, where the past
    Tuesday (3 March), which no sentence meant, was given; "said on Tuesday" stays the past one."""
    assert resolve_mentioned_date(text, datetime(1987, 3, 9, 14, 0), before, ".") == resolved


@pytest.mark.parametrize(
    "text, published, resolved",
    [
        ("last week", datetime(1987, 2, 26), "1987-02"),  # reuters-60: was 1987-02-19, a day it never names
        ("next week", datetime(1987, 2, 26), "1987"),  # reuters-28: 2-8 March, or from the 26th: 1987
        ("last week", datetime(1987, 4, 3), "1987"),  # reuters-12837: 23-29 March, or up to 3 April
        ("next week's", datetime(1987, 4, 3), "1987-04"),  # reuters-12791: 6-12 April
        ("this week", datetime(1987, 3, 11), "1987-03"),
        ("last week", datetime(1987, 1, 2), None),  # 22-28 December 1986, or up to 2 January 1987
    ],
)
def test_a_week_is_no_day_but_the_month_or_year_that_surely_holds_it(text, published, resolved):
    assert resolve_mentioned_date(text, published, "The ministers met ", " to talk.") == resolved


WEEK_TEXTS = [
    "last week",
    "next week",
    "this week",
    "last week's",
    "next week's",
    "the last week",
    "the next week",
]


@given(
    text=st.sampled_from(WEEK_TEXTS),
    published=st.datetimes(min_value=datetime(1850, 1, 1), max_value=datetime(2150, 12, 31)),
)
@settings(max_examples=150, deadline=None)
def test_a_week_resolves_to_a_period_holding_every_day_of_it(text, published):
    """Whatever the publication date, a week is no day, and every day of the calendar week it names (and
    every day between that week and the publication) falls in the period given."""
    from datetime import timedelta

    resolved = resolve_mentioned_date(text, published, "", "")
    assert resolved is None or len(resolved) <= 7
    offset = 7 if "next" in text else -7 if "last" in text else 0
    named = published.date() + timedelta(days=offset)
    monday = named - timedelta(days=named.weekday())
    days = [monday + timedelta(days=n) for n in range(7)] + [published.date()]
    if resolved is not None:
        assert all(day.isoformat().startswith(resolved) for day in days), (resolved, days)


DAY_WORDS = {
    "today",
    "tomorrow",
    "yesterday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}
NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
DATE_PIECES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "last",
                "next",
                "this",
                "the",
                "early",
                "late",
                "on",
                "week",
                "week's",
                "month",
                "year",
                "weekend",
            ]
        ),
        st.sampled_from(sorted(DAY_WORDS)),
        st.sampled_from(["January", "Feb", "March", "APRIL", "May", "Dec", "OCT", "Mch", "JLY"]),
        st.sampled_from(NUMBER_WORDS),
        st.integers(1, 31).map(str),
        st.integers(1800, 2100).map(str),
    ),
    min_size=1,
    max_size=4,
)


@given(
    pieces=DATE_PIECES,
    published=st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2050, 12, 31)),
)
@settings(max_examples=300, deadline=None)
def test_a_day_comes_from_a_day_number_or_a_word_that_names_a_day(pieces, published):
    """A day-level mentioned date is one the text says: its day number is in it (as a figure or a word:
    "May one"), or a word names the day (today, yesterday, tomorrow, a weekday). "Last week" names none."""
    text = " ".join(pieces)
    resolved = resolve_mentioned_date(text, published, "Officials said ", " the talks went on.")
    if resolved is None or len(resolved) < 10:
        return
    day = int(resolved[8:])
    words = set(re.findall(r"[a-z]+|\d+", text.lower()))
    named = str(day) in words or (day <= len(NUMBER_WORDS) and NUMBER_WORDS[day - 1] in words)
    assert named or words & DAY_WORDS, (text, published, resolved)


@pytest.mark.parametrize(
    "text, before, after",
    [
        # untitled Reuters price tables (F3): contract months and prices read as dates
        ("OCT7 1869", "MAR8 97 UNCH ", " OFF 4\nDEC7 1224 UP 4"),
        ("DEC7 1884", "SEP7 6465 OFF 17 MAR8 16561 UP 19\n", " UP 8 JUN8 11439 UP 47"),
        ("DEC7 2010", "SEP7 1984 OFF 5\n", " OFF 5\nMAR8 UNTRD"),
        ("MAY 1922", "N.Y. COCOA 1200 RING - APRIL 7\n", " (1934)\nJLY 1956 (1967)"),
        ("May 2056", "Mch 2036 (2043)\n", " (2063)\nJLY UNQ (unq )"),
        ("1838", "OPEN INTEREST\nOCT ", " 171 230"),
        ("Jan 1325", "COFFEE\n", " 1330 1330 1316 628"),
        ("MAY7", "LIVE CATTLE\n", " 4676 OFF 238"),
    ],
)
def test_figures_in_a_price_table_s_row_are_no_dates(text, before, after):
    assert resolve_mentioned_date(text, datetime(1987, 4, 7, 12), before, after) is None


@pytest.mark.parametrize(
    "text, before, after, resolved",
    [
        ("March 1987", "a new tranche of the agency's ", " 8.50 pct 12 year issue.", "1987-03"),
        ("1986", "Japan GNP rises 2.5 pct in calendar ", " (4.7 pct in 1985) - official", "1986"),
        ("August 1986", "Share adjusted for ", " 100 pct stock dividend.", "1986-08"),
        ("Feb 1987", "MONEY SUPPLY\n", " Feb 1986 Jan 1987", "1987-02"),  # a header of dates
        ("APRIL 7", "N.Y. COCOA 1200 RING - ", "\nMAY 1922 (1934)", "1987-04-07"),
    ],
)
def test_a_year_followed_by_figures_in_prose_or_a_header_stays_a_date(text, before, after, resolved):
    assert resolve_mentioned_date(text, datetime(1987, 4, 7, 12), before, after) == resolved


@given(
    month=st.sampled_from(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "JLY", "AUG", "SEP", "OCT", "NOV", "DEC"]
    ),
    digit=st.integers(0, 9),
    figure=st.integers(1000, 2999),
    change=st.sampled_from(["OFF", "UP", "UNCH", ""]),
    moved=st.integers(0, 999),
)
@settings(max_examples=100, deadline=None)
def test_no_row_of_a_price_table_gives_a_date(month, digit, figure, change, moved):
    """A contract month with its year digit ("DEC7") and a figure after a month followed by more
    figures ("MAY 1922 (1934)") are cells of a table, whatever the numbers."""
    published = datetime(1987, 4, 7)
    row_after = f" {change} {moved}\n"
    assert resolve_mentioned_date(f"{month}{digit} {figure}", published, "TABLE\n", row_after) is None
    assert resolve_mentioned_date(f"{month} {figure}", published, "TABLE\n", f" ({moved})\n") is None


def test_a_relative_text_without_a_date_is_read_by_dateparser_once():
    """dateparser finds no date in "later this year" on any day: the build asks it once, not once for
    each day the corpus publishes on. A text with a number in it is asked again each time."""
    from index import dates

    calls = []
    real = dates._parse

    def counted(text, base):
        calls.append(text)
        return real(text, base)

    dates._NO_DATE_AT_ANY_BASE.clear()
    try:
        dates._parse = counted
        for day in range(1, 20):
            published = datetime(1987, 3, day)
            assert resolve_mentioned_date("later this year", published) is None
            assert resolve_mentioned_date("later this year 12", published) is None
    finally:
        dates._parse = real
    assert calls.count("later this year") == 1
    assert calls.count("later this year 12") > 1

from datetime import datetime

import pytest

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

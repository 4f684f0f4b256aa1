from datetime import datetime

from index.dates import date_levels, parse_published, resolve_mentioned_date

PUBLISHED = datetime(2018, 10, 23, 9, 0)


def test_publication_dates():
    assert parse_published("1987-02-26T15:01:01") == datetime(1987, 2, 26, 15, 1, 1)
    assert parse_published("Tue, 23 Oct 2018 10:00:00 +0800") == datetime(2018, 10, 23, 2, 0)
    assert parse_published("2024-01-15T08:30:00Z") == datetime(2024, 1, 15, 8, 30)
    assert parse_published("not a date") is None


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

"""The publication-date histogram: every period of the span, empty ones too."""

from collections import Counter

from searcher.search import Bar, bar_level, histogram, periods


def test_months_without_articles_are_drawn_as_empty():
    unit, buckets = histogram(Counter({"1987-02-10": 1, "1987-06-01": 2, "1987-06-20": 1, "1987-10-05": 3}))
    assert unit == "month"
    assert [b.value for b in buckets] == [f"1987-{m:02d}" for m in range(2, 11)]
    assert [b.count for b in buckets] == [1, 0, 0, 0, 3, 0, 0, 0, 3]


def test_days_without_articles_are_drawn_as_empty():
    unit, buckets = histogram(Counter({"1987-03-01": 5, "1987-03-07": 1, "1987-03-11": 2}))
    assert unit == "day"
    assert len(buckets) == 11 and buckets[7] == Bar("1987-03-08", 0, 0)
    assert sum(b.count for b in buckets) == 8


def test_bar_heights_are_steps_of_five_percent_of_the_highest():
    _, buckets = histogram(Counter({"1987-03-01": 40, "1987-03-02": 1, "1987-03-03": 20, "1987-03-05": 39}))
    assert [(b.count, b.level) for b in buckets] == [(40, 100), (1, 5), (20, 50), (0, 0), (39, 100)]
    assert bar_level(0, 40) == 0 and bar_level(3, 0) == 0  # no articles, no bar
    assert bar_level(21, 40) == 55  # rounded up to the next step: a bar is never drawn shorter
    assert [b.as_json() for b in buckets[:2]] == [
        {"value": "1987-03-01", "count": 40},
        {"value": "1987-03-02", "count": 1},
    ]


def test_periods_cross_years_and_leap_days():
    from datetime import date

    assert periods(date(1986, 11, 3), date(1987, 2, 1), "month") == [
        "1986-11",
        "1986-12",
        "1987-01",
        "1987-02",
    ]
    assert periods(date(1988, 2, 28), date(1988, 3, 1), "day") == ["1988-02-28", "1988-02-29", "1988-03-01"]
    assert periods(date(1914, 5, 1), date(1918, 1, 1), "year") == ["1914", "1915", "1916", "1917", "1918"]
    assert histogram(Counter()) == ("month", [])


def test_the_page_draws_one_slot_per_period(client):
    import re

    data = client.get("/api/search").get_json()
    html = client.get("/").get_data(as_text=True)
    histogram_html = html[
        html.index('<ol class="histogram"') : html.index("</ol>", html.index('<ol class="histogram"'))
    ]
    assert histogram_html.count("<li") == len(data["facets"]["published"])
    empty = sum(1 for b in data["facets"]["published"] if b["count"] == 0)
    assert len(re.findall(r'<li class="no-articles"', histogram_html)) == empty


def test_the_page_draws_each_bar_at_the_height_computed_for_it(client):
    import re

    data = client.get("/api/search").get_json()
    html = client.get("/").get_data(as_text=True)
    histogram_html = html[
        html.index('<ol class="histogram"') : html.index("</ol>", html.index('<ol class="histogram"'))
    ]
    bars = data["facets"]["published"]
    peak = max(b["count"] for b in bars)
    drawn = [int(level) for level in re.findall(r'<span class="bar h(\d+)">', histogram_html)]
    assert drawn == [bar_level(b["count"], peak) for b in bars if b["count"]]
    assert max(drawn) == 100 and min(drawn) >= 5

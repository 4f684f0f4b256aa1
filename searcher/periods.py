"""The periods the publication-date histogram counts by, chosen from the span of the days it covers:
one definition for the histogram and for the backends that count stories per period."""

from __future__ import annotations

from datetime import date

# unit -> how many characters of an ISO day ("1987-03-02") name its period
PERIOD_WIDTH = {"year": 4, "month": 7, "day": 10}


def histogram_unit(first_day: str, last_day: str) -> str:
    """Years over three years of days, months over two months, else days."""
    span = (date.fromisoformat(last_day) - date.fromisoformat(first_day)).days
    return "year" if span > 3 * 366 else "month" if span > 62 else "day"

"""Dates typed in the query box: ``published:`` and ``mentioned:`` with a day, a month, a year or a range
of them, read by the rules the ``from`` and ``to`` filters follow (``params.parse_date_bound``).

Whoosh's own reading of a date field missed most of what a reader types: the range's "TO" was dropped
as a stop word before the parser saw it (``published:[1987-03-01 TO 1987-03-31]`` found nothing),
``published:>=1987-03-01`` and ``[1987-03 TO *]`` found nothing, and ``published:1987-3`` was the whole
of 1987. Here a typed date becomes one token, ``published:1987-03-01..1987-04-01`` (the first day, then
the day after the last; either may be left open), before the query is parsed, and ``TypedDatePlugin``
makes that token the query both engines run: a range of publication times, or the mentioned dates'
terms that lie within the range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from whoosh.qparser import syntax
from whoosh.query import DateRange, Or, Term, TermRange

from .params import ParamError, parse_date_bound
from .parser_nodes import FieldNodePlugin

DATE_FIELDS = ("published", "mentioned")
DATE_NOUNS = {"published": "publication date", "mentioned": "mentioned date"}

# A date field and what is typed after it: a range up to its closing bracket, a comparison, a quoted
# value or a word. Field names are in lower case by then (``prepare_query_text``).
_TYPED_DATE = re.compile(
    r"(?<![\w:])(published|mentioned):("
    r"[\[{][^\]}]*[\]}]?"  # [1987-03 TO 1987-04], {1987 TO *}
    r"|(?:>=|=>|<=|=<|>|<)[^\s()]*"  # >=1987-03-01
    r'|"[^"]*"?'  # "1987-03"
    r"|[^\s()]+"  # 1987-03
    r")",
    re.IGNORECASE,
)
_RANGE = re.compile(r"([\[{])\s*(\S*?)\s+to\s+(\S*?)\s*([\]}])|([\[{])\s*(\S*?)\s*([\]}])", re.IGNORECASE)
_COMPARISON = re.compile(r"(>=|=>|<=|=<|>|<)\s*(\S+)")
_OPEN = ("", "*")
PERIOD_TOKEN = re.compile(r"(\d{4}-\d\d-\d\d)?\.\.(\d{4}-\d\d-\d\d)?")
UNREADABLE = "unreadable"  # the token a date that cannot be read becomes
# What such a date matches: nothing, on both engines (no mentioned date is a word). Not NullQuery,
# which Whoosh drops from an And: "cocoa published:soon" found every article on cocoa.
NO_DATE = Term("mentioned", UNREADABLE)


@dataclass(frozen=True)
class Period:
    """The days from ``start`` up to, not including, ``stop``; None leaves that end open."""

    start: date | None
    stop: date | None

    @property
    def token(self) -> str:
        """The period as one word of the query: ``1987-03-01..1987-04-01``, ``1987-03-01..``."""
        return f"{self.start.isoformat() if self.start else ''}..{self.stop.isoformat() if self.stop else ''}"

    @property
    def is_empty(self) -> bool:
        return self.start is not None and self.stop is not None and self.start >= self.stop

    @classmethod
    def from_token(cls, token: str) -> Period | None:
        match = PERIOD_TOKEN.fullmatch(token)
        if match is None:
            return None
        start, stop = (date.fromisoformat(part) if part else None for part in match.groups())
        return cls(start, stop)


def _bound(text: str, end: bool) -> date | None:
    """The first day of the period ``text`` names, or (``end``) the day after its last."""
    return parse_date_bound(text.rstrip("*").rstrip("-"), "q", end=end).date()


def typed_period(value: str) -> Period | None:
    """The days a value typed after ``published:`` or ``mentioned:`` names, as ``from`` and ``to`` read
    them: a day, month or year (``1987-03-17``, ``1987-3``, ``1987``, ``1987-*``); a range with ends
    included (``[1987-03-01 TO 1987-03-31]``) or left out (``{1987-02 TO 1987-04}``), either end open
    (``[1987-03 TO *]``); a comparison (``>=1987-03-01``, ``<1987``). None when it is no date."""
    text = value.strip().strip('"').strip()
    try:
        if match := _RANGE.fullmatch(text):
            if match.group(5):  # no "TO": "[1987-03]" is the month
                return typed_period(match.group(6))
            opening, first, last, closing = match.group(1, 2, 3, 4)
            start = None if first in _OPEN else _bound(first, end=opening == "{")
            stop = None if last in _OPEN else _bound(last, end=closing == "]")
            return Period(start, stop)
        if match := _COMPARISON.fullmatch(text):
            relation, bound = match.groups()
            if ">" in relation:
                return Period(_bound(bound, end="=" not in relation), None)
            return Period(None, _bound(bound, end="=" in relation))
        if text == "*":  # any date: every dated article
            return Period(None, None)
        if not text:
            return None
        return Period(_bound(text, end=False), _bound(text, end=True))
    except ParamError:
        return None


def typed_dates_as_tokens(text: str) -> str:
    """The query with each typed date written as one token (``Period.token``; ``unreadable`` for what
    is no date), so no later step splits it or drops its "TO"."""

    def token(match: re.Match[str]) -> str:
        field, value = match.group(1).lower(), match.group(2)
        period = typed_period(value)
        return f"{field}:{period.token if period and not period.is_empty else UNREADABLE}"

    return _TYPED_DATE.sub(token, text)


def typed_dates_notice(text: str) -> str | None:
    """What the page says of each typed date that is no date, or a range that ends before it starts:
    it matches nothing, as ``?from=soon`` is refused naming the parameter."""
    problems = []
    for match in _TYPED_DATE.finditer(text):
        field, typed = match.group(1).lower(), match.group(0)
        period = typed_period(match.group(2))
        if period is None:
            problems.append(
                f"“{typed}”: a {DATE_NOUNS[field]} is a year, a month or a day that exists, or a range of "
                f"them ({field}:1987, {field}:1987-03, {field}:1987-03-17, {field}:[1987-03-01 TO 1987-03-31], "
                f"{field}:[1987-03 TO *], {field}:>=1987-03-01); no article matches it."
            )
        elif period.is_empty:
            problems.append(f"“{typed}” ends before it starts: no article matches it.")
    return " ".join(problems) or None


def published_within(period: Period) -> Any:
    """The articles published within the period, as ``from`` and ``to`` select them; with both ends
    open, every dated article (Whoosh reads a range open at both ends as every article)."""
    first = period.start or (date.min if period.stop is None else None)
    start, stop = (
        datetime.combine(day, datetime.min.time()) if day else None for day in (first, period.stop)
    )
    return DateRange("published", start, stop, endexcl=True)


def mentioned_within(period: Period) -> Any:
    """The articles mentioning a day, or a whole month or year, within the period: the index holds
    each mentioned date as terms of its year, month and day (``1987``, ``1987-03``, ``1987-03-17``),
    so the period is cut into runs of days, months and years whose terms sort together."""
    ranges = [TermRange("mentioned", first, last) for first, last in mentioned_term_runs(period)]
    if not ranges:  # before the first day there is
        return NO_DATE
    return ranges[0] if len(ranges) == 1 else Or(ranges)


def mentioned_term_runs(period: Period) -> list[tuple[str, str | None]]:
    """The first and last terms (inclusive; None: no last) of the runs of mentioned-date terms naming a
    day, a month or a year wholly within ``period``."""
    day = period.start or date(1, 1, 1)
    stop = period.stop
    runs: list[tuple[str, str | None]] = []
    while stop is None or day < stop:
        if day.month == 1 and day.day == 1 and (stop is None or stop.year > day.year):
            if stop is None:
                runs.append((f"{day.year:04d}", None))
                break
            runs.append((f"{day.year:04d}", f"{stop.year - 1:04d}-12-31"))
            day = date(stop.year, 1, 1)
        elif day.day == 1 and (stop is None or (stop.year, stop.month) > (day.year, day.month)):
            last_month = 12 if stop is None or stop.year > day.year else stop.month - 1
            runs.append((f"{day:%Y-%m}", f"{day.year:04d}-{last_month:02d}-31"))
            day = date(day.year + 1, 1, 1) if last_month == 12 else date(day.year, last_month + 1, 1)
        else:
            next_month = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            last = min(next_month, stop) if stop else next_month
            runs.append((day.isoformat(), (last - timedelta(days=1)).isoformat()))
            day = last
    return runs


class PeriodNode(syntax.WordNode):
    """A date field's value in the parsed query: the days it names, or nothing."""

    def query(self, parser: Any) -> Any:
        # a token, or a value inside a group: published:(1987-03 OR 1987-05)
        period = Period.from_token(self.text) or typed_period(self.text)
        if period is None or period.is_empty:
            return NO_DATE
        return mentioned_within(period) if self.fieldname == "mentioned" else published_within(period)


class TypedDatePlugin(FieldNodePlugin):
    """Reads the words of the date fields (``typed_dates_as_tokens`` wrote them) as periods."""

    def replacement(self, node: Any) -> Any | None:
        if type(node) is syntax.WordNode and node.fieldname in DATE_FIELDS:
            return PeriodNode(node.text)
        return None

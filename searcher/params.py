"""Request parameters, validated once: the page, the API and the CLI all build a SearchParams."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from index.facets import ENTITY_FACETS, FACET_NAMES
from index.language import UNDETERMINED, language_name

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

FACETS = FACET_NAMES  # defined in index/facets.py
ALL_OF_FACETS = ENTITY_FACETS  # facets whose selected values can be ANDed
MAX_PARAMETERS = 60  # refused before any work: a page has far fewer
MAX_QUERY_STRING_CHARS = 8000
SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_QUERY_CHARS = 1000
MAX_VALUES = 50
DEFAULT_PER_PAGE = 20
# parameters that take one value: a second one is refused rather than silently dropped
SINGLE_VALUED = ("q", "from", "to", "sort", "page", "per_page", "collapse")
KNOWN_PARAMETERS = frozenset(
    ["q", "from", "to", "sort", "page", "per_page", "all", "organization", "collapse"]
    + list(FACETS)
    + [f"not_{facet}" for facet in FACETS]
)


class ParamError(ValueError):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    selected: dict[str, tuple[str, ...]] = field(default_factory=dict)
    excluded: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: datetime | None = None
    date_to: datetime | None = None  # exclusive end
    date_from_text: str = ""
    date_to_text: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    # facets whose selected values must all be in an article ("all of"); the others take any of them
    match_all: frozenset[str] = frozenset()
    # one hit per story (versions of it grouped), or every article
    collapse: bool = True


def parse_date_bound(value: str, parameter: str, end: bool) -> datetime:
    """'2018', '2018-10' or '2018-10-23' (also '2018-3-1', '2018/03/01', '2018.3.1', and a day-first or
    month-first date such as '25/12/2018' when the order is plain from the numbers); as an end bound,
    the first moment after that span."""
    text = value.strip()
    match = re.fullmatch(r"(\d{4})(?:([-/.])(\d{1,2})(?:\2(\d{1,2}))?)?", text)
    if match:
        year_text, month_text, day_text = match.group(1), match.group(3), match.group(4)
    else:
        match = re.fullmatch(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})", text)
        if not match:
            raise ParamError(parameter, f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        first, second = int(match.group(1)), int(match.group(3))
        if first <= 12 and second <= 12 and first != second:
            raise ParamError(
                parameter,
                f"{value!r} could be day or month first: write "
                f"{match.group(4)}-{first:02d}-{second:02d} or "
                f"{match.group(4)}-{second:02d}-{first:02d}",
            )
        month_text, day_text = (
            (match.group(1), match.group(3)) if first <= 12 else (match.group(3), match.group(1))
        )
        year_text = match.group(4)
    year, month, day = int(year_text), int(month_text or 1), int(day_text or 1)
    if not 1 <= year <= 9998:  # the end of 9999 is past the last date Python can hold
        raise ParamError(parameter, f"{value!r} is out of range (years 0001 to 9998)")
    try:
        start = date(year, month, day)
    except ValueError as error:
        raise ParamError(parameter, f"{value!r} is not a date ({error})") from None
    if not end:
        return datetime.combine(start, datetime.min.time())
    if day_text:
        stop = start + timedelta(days=1)
    elif month_text:
        stop = date(year + (month == 12), month % 12 + 1, 1)
    else:
        stop = date(year + 1, 1, 1)
    return datetime.combine(stop, datetime.min.time())


def parse_int(value: str | None, parameter: str, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ParamError(parameter, f"{value!r} is not a whole number") from None
    if not low <= number <= high:
        raise ParamError(parameter, f"must be from {low} to {high}, not {number}")
    return number


def parse_mentioned_value(value: str, parameter: str) -> str:
    """A mentioned date to filter by, as the index holds it: '1987', '1987-03' or '1987-03-02' (a month
    or day of one digit is padded: '1987-3' is '1987-03'); anything else is refused, naming ``parameter``."""
    text = value.strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if not match:
        raise ParamError(parameter, f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
    try:
        date(max(year, 1), month, day)
    except ValueError as error:
        raise ParamError(parameter, f"{value!r} is not a date ({error})") from None
    return "-".join([match.group(1), *(part.zfill(2) for part in match.group(2, 3) if part)])


def parse_language_value(value: str, parameter: str) -> str:
    """A language facet value: an ISO 639 code the Unicode CLDR names ("de"), or "und" (undetermined),
    in lower case; anything else is refused, naming ``parameter``."""
    code = value.strip().lower()
    if code != UNDETERMINED and language_name(code) == code:
        raise ParamError(parameter, f"{value!r} is not a language code (such as en, de, fr, or und)")
    return code


FACET_VALUE_PARSERS = {"mentioned": parse_mentioned_value, "language": parse_language_value}


def single_value(args: MultiDict[str, str], parameter: str) -> str | None:
    """The one value of a single-valued parameter; given twice (``q=&q=oil``), it is refused."""
    values = args.getlist(parameter)
    if len(values) > 1:
        raise ParamError(parameter, f"given {len(values)} times; give it once")
    return values[0] if values else None


TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


def parse_bool(value: str | None, parameter: str, default: bool) -> bool:
    """``true``/``false`` (also 1/0, yes/no, on/off, any case); absent or empty is the default."""
    if value is None or not value.strip():
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ParamError(parameter, f"{value!r} is not true or false")


def params_from_args(args: MultiDict[str, str], strict: bool = False) -> SearchParams:
    """``args`` is a werkzeug MultiDict (or anything with ``get`` and ``getlist``). ``strict`` (the
    API) refuses parameters it does not know, so a misspelt ``per-page`` is not silently ignored."""
    items = list(args.items(multi=True)) if hasattr(args, "items") else []
    if strict:
        unknown = sorted({key for key, _ in items if key.strip() and key not in KNOWN_PARAMETERS})
        if unknown:
            raise ParamError(unknown[0], f"unknown parameter; known: {', '.join(sorted(KNOWN_PARAMETERS))}")
    if len(items) > MAX_PARAMETERS:
        raise ParamError("query string", f"more than {MAX_PARAMETERS} parameters")
    if sum(len(k) + len(v) for k, v in items) > MAX_QUERY_STRING_CHARS:
        raise ParamError("query string", f"longer than {MAX_QUERY_STRING_CHARS} characters")
    for parameter in SINGLE_VALUED:
        single_value(args, parameter)
    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise ParamError("q", f"query is longer than {MAX_QUERY_CHARS} characters")
    selected: dict[str, tuple[str, ...]] = {}
    excluded: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        for target, name in ((selected, facet), (excluded, f"not_{facet}")):
            values = tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
            if len(values) > MAX_VALUES:
                raise ParamError(name, f"at most {MAX_VALUES} values")
            if any(len(v) > 200 for v in values):
                raise ParamError(name, "a value is longer than 200 characters")
            if facet in FACET_VALUE_PARSERS:
                values = tuple(dict.fromkeys(FACET_VALUE_PARSERS[facet](v, name) for v in values))
            if values:
                target[facet] = values
    if "org" not in selected and args.getlist("organization"):
        selected["org"] = tuple(args.getlist("organization"))
    date_from_text = (args.get("from") or "").strip()
    date_to_text = (args.get("to") or "").strip()
    date_from = parse_date_bound(date_from_text, "from", end=False) if date_from_text else None
    date_to = parse_date_bound(date_to_text, "to", end=True) if date_to_text else None
    if date_from and date_to and date_from >= date_to:
        raise ParamError("from", "'from' is after 'to'")
    sort = (args.get("sort") or "relevance").strip()
    if sort not in SORTS:
        raise ParamError("sort", f"must be one of {', '.join(SORTS)}")
    page = parse_int(args.get("page"), "page", 1, 1, 10_000)
    per_page = parse_int(args.get("per_page"), "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    match_all = frozenset(v.strip() for v in args.getlist("all") if v.strip())
    if match_all - set(ALL_OF_FACETS):
        raise ParamError("all", f"names the facets whose values must all match: {', '.join(ALL_OF_FACETS)}")
    collapse = parse_bool(args.get("collapse"), "collapse", True)
    return SearchParams(
        q=q,
        selected=selected,
        excluded=excluded,
        date_from=date_from,
        date_to=date_to,
        date_from_text=date_from_text,
        date_to_text=date_to_text,
        sort=sort,
        page=page,
        per_page=per_page,
        match_all=match_all,
        collapse=collapse,
    )

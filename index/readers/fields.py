"""Optional metadata as exports really give it: authors and sources as objects or lists, dates as epoch
numbers. Each function returns what could be read and, when something could not, why (for a warning)."""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable
from datetime import UTC, datetime

import dateparser

NAME_KEYS = ("name", "title", "full_name", "fullname", "display_name", "id")
# Epoch numbers: seconds up to this value (the year 5138), milliseconds above it.
LARGEST_EPOCH_SECONDS = 10**11
SMALLEST_EPOCH = 100_000  # 1970-01-02: below it a number is a year or a count, not an instant


def name_of(value: object) -> str | None:
    """A person's or a source's name: a string, a number, or an object's ``name`` (or title, or id)."""
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        for key in NAME_KEYS:
            found = name_of(value.get(key)) if not isinstance(value.get(key), (dict, list)) else None
            if found:
                return found
    return None


EMAIL = re.compile(r"<?\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b>?")


def author_name(text: str | None) -> str | None:
    """An author without e-mail addresses: "jroe@example.com (Jane Roe)" and "Jane Roe <jroe@example.com>"
    -> "Jane Roe"; an address alone is no name."""
    if not text:
        return None
    bracketed = re.fullmatch(r"\s*\S+@\S+\s*\((.+)\)\s*", text)
    if bracketed:
        text = bracketed.group(1)
    name = " ".join(EMAIL.sub(" ", text).replace("()", " ").split()).strip(" ,;()")
    return name or None


def author_field(value: object) -> tuple[str | None, str | None]:
    """An author as a string, an object with a name, or a list of either (names joined with ", ")."""
    if value is None or value == "" or value == []:
        return None, None
    items = value if isinstance(value, list) else [value]
    names = [name_of(item) for item in items]
    names = [author_name(name) if name else None for name in names]
    found = ", ".join(dict.fromkeys(name for name in names if name))
    if None in names:
        return found or None, f"field 'author': could not read a name in {describe(value)}"
    return found or None, None


def source_field(value: object) -> tuple[str | None, str | None]:
    """A source as a string or an object with a name (NewsAPI: ``{"id": ..., "name": ...}``)."""
    if value is None or value == "":
        return None, None
    found = name_of(value)
    if found is None:
        return None, f"field 'source': could not read a name in {describe(value)}"
    return found, None


NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.-])")


def parse_publication_date(text: str, order: str | None = None) -> tuple[datetime | None, str | None]:
    """A publication date by the rule every reader follows: the date and time the source wrote, in the
    source's own zone (a UTC offset is read and not applied: "2024-03-10T23:30-05:00" is 10 March,
    23:30). ``03/04/2024`` is read in ``order`` ("DMY" or "MDY", learnt from the source's other dates);
    without it, month first, with a note saying the order was ambiguous."""
    text = " ".join(text.split())
    if not text:
        return None, None
    note = None
    parsed = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        numeric = NUMERIC_DATE.search(text)
        settings = {"PREFER_DAY_OF_MONTH": "first"}
        if numeric:
            found = numeric_order(numeric)
            settings["DATE_ORDER"] = found if found in ("DMY", "MDY") else order or "MDY"
            if found is None and order is None:
                note = (
                    f"day and month order of {text[:40]!r} is ambiguous and the source's other dates do not "
                    f"settle it; read month first"
                )
        parsed = dateparser.parse(text, settings=settings)
    if parsed is None or not 1800 <= parsed.year <= 2200:
        return None, f"unreadable 'published' date {text[:40]!r}; indexed without a date"
    return parsed.replace(tzinfo=None), note


def numeric_order(match: re.Match) -> str | None:
    """ "DMY" for 13/04/2024, "MDY" for 04/13/2024, "same" for 04/04/2024, None when either order reads."""
    first, second = int(match.group(1)), int(match.group(3))
    if first > 12 >= second:
        return "DMY"
    if second > 12 >= first:
        return "MDY"
    return "same" if first == second else None


def source_date_order(texts: Iterable[str]) -> str | None:
    """The day/month order a source's numeric dates settle: one of them with a day above 12 says which."""
    orders = {numeric_order(match) for text in texts for match in NUMERIC_DATE.finditer(text)}
    settled = orders & {"DMY", "MDY"}
    return settled.pop() if len(settled) == 1 else None


def published_field(value: object, order: str | None = None) -> tuple[datetime | None, str | None]:
    """A publication date: a date string, epoch seconds or milliseconds (a number or digits), or a
    MongoDB-style ``{"$date": ...}``. Anything else is reported and the article goes in undated."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dict) and "$date" in value:
        inner = value["$date"]
        if isinstance(inner, dict) and "$numberLong" in inner:
            inner = inner["$numberLong"]
        found, _ = published_field(inner)
        if found is not None:
            return found, None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) in (10, 13):
        value = int(value.strip())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        found = from_epoch(value)
        return (
            found,
            None
            if found
            else f"unreadable 'published' date {value!r} (not epoch seconds or "
            "milliseconds); indexed without a date",
        )
    if isinstance(value, str):
        return parse_publication_date(value, order)
    return None, f"unreadable 'published' date {describe(value)}; indexed without a date"


def from_epoch(number: float) -> datetime | None:
    """Epoch seconds or milliseconds; a small number (a year such as 2024, a count) is not a date."""
    if abs(number) < SMALLEST_EPOCH:
        return None
    seconds = number / 1000 if abs(number) >= LARGEST_EPOCH_SECONDS else number
    try:
        when = datetime.fromtimestamp(seconds, tz=UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None
    return when if 1800 <= when.year <= 2200 else None


def describe(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}{'…' if len(text) > 40 else ''}"

"""Optional metadata as exports really give it: authors and sources as objects or lists, dates as epoch
numbers. Each function returns what could be read and, when something could not, why (for a warning)."""

from __future__ import annotations

from datetime import datetime, timezone

from ..dates import parse_published

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


def author_field(value: object) -> tuple[str | None, str | None]:
    """An author as a string, an object with a name, or a list of either (names joined with ", ")."""
    if value is None or value == "" or value == []:
        return None, None
    items = value if isinstance(value, list) else [value]
    names = [name_of(item) for item in items]
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


def published_field(value: object) -> tuple[datetime | None, str | None]:
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
        return found, None if found else f"unreadable 'published' date {value!r} (not epoch seconds or " \
            "milliseconds); indexed without a date"
    if isinstance(value, str):
        found = parse_published(value)
        if found is None:
            return None, f"unreadable 'published' date {value[:40]!r}; indexed without a date"
        return found, None
    return None, f"unreadable 'published' date {describe(value)}; indexed without a date"


def from_epoch(number: float) -> datetime | None:
    """Epoch seconds or milliseconds; a small number (a year such as 2024, a count) is not a date."""
    if abs(number) < SMALLEST_EPOCH:
        return None
    seconds = number / 1000 if abs(number) >= LARGEST_EPOCH_SECONDS else number
    try:
        when = datetime.fromtimestamp(seconds, tz=timezone.utc).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None
    return when if 1800 <= when.year <= 2200 else None


def describe(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}{'…' if len(text) > 40 else ''}"

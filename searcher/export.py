"""Searches as files: every match as CSV or JSON Lines, and the newest matches as an Atom feed.

Pure formatting over the records ``SearchIndex.all_matches`` streams; the routes are in downloads.py
and the command line's ``searcher search --format``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, cast, overload
from urllib.parse import quote
from xml.etree import ElementTree

EXPORT_COLUMNS = (
    "id",
    "title",
    "published",
    "source",
    "url",
    "language",
    "people",
    "places",
    "countries",
    "orgs",
)
LIST_SEPARATOR = "; "
# A cell a spreadsheet would read as a formula starts with one of these (OWASP's CSV injection advice)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def spreadsheet_safe(value: str) -> str:
    """A cell no spreadsheet runs: text that would start a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def export_fields(record: dict[str, Any]) -> dict[str, str]:
    """One match as flat text fields: lists joined, the date as ISO 8601."""
    published = record.get("published")
    fields = {
        "id": record["id"],
        "title": record.get("title") or "(untitled)",  # as the API and the pages call it
        "published": published.isoformat() if published else "",
        "source": record.get("source") or "",
        "url": record.get("url") or "",
        "language": record.get("language") or "",
    }
    for name in ("people", "places", "countries", "orgs"):
        fields[name] = LIST_SEPARATOR.join(record.get(name) or [])
    return fields


def csv_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A header, then a CSV line per record, made as the records come (memory stays flat)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for record in records:
        fields = export_fields(record)
        writer.writerow([spreadsheet_safe(fields[column]) for column in EXPORT_COLUMNS])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def jsonl_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        published = record.get("published")
        yield (
            json.dumps(
                {**record, "published": published.isoformat() if published else None}, ensure_ascii=False
            )
            + "\n"
        )


def entry_id(article_id: str) -> str:
    """A stable Atom entry id: the same article is the same entry in every fetch of every feed."""
    return "tag:newsfacets,2026:article:" + quote(article_id, safe="")


def atom_feed(
    title: str,
    feed_url: str,
    search_url: str,
    article_url: Callable[[str], str],
    records: Iterable[dict[str, Any]],
    built: datetime,
) -> bytes:
    """An Atom 1.0 feed of ``records`` (newest first). ``article_url(id)`` gives an entry's link.
    The feed's ``updated`` is its newest entry's date, else when the index was built."""
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    ElementTree.SubElement(feed, f"{{{ATOM}}}title").text = title
    ElementTree.SubElement(feed, f"{{{ATOM}}}id").text = "tag:newsfacets,2026:search:" + quote(
        search_url, safe=""
    )
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=feed_url)
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=search_url)
    updated = ElementTree.SubElement(feed, f"{{{ATOM}}}updated")
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    ElementTree.SubElement(author, f"{{{ATOM}}}name").text = "Newsfacets"
    newest = None
    for record in records:
        when = _utc(record.get("published")) or _utc(built)
        newest = max(newest, when) if newest else when
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        if record.get("language") and record["language"] != "und":  # the entry's language, for readers
            entry.set(XML_LANG, record["language"])
        ElementTree.SubElement(entry, f"{{{ATOM}}}title").text = record.get("title") or "(untitled)"
        ElementTree.SubElement(entry, f"{{{ATOM}}}id").text = entry_id(record["id"])
        ElementTree.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=article_url(record["id"]))
        ElementTree.SubElement(entry, f"{{{ATOM}}}updated").text = when.isoformat()
        if record.get("published"):
            ElementTree.SubElement(entry, f"{{{ATOM}}}published").text = when.isoformat()
        names = record.get("people", [])[:5] + record.get("places", [])[:5] + record.get("orgs", [])[:5]
        summary = (
            (record.get("source") or "")
            + (" — " if record.get("source") and names else "")
            + ", ".join(names)
        )
        if summary:
            ElementTree.SubElement(entry, f"{{{ATOM}}}summary").text = summary
    updated.text = (newest or _utc(built)).isoformat()
    return cast(bytes, ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True))


@overload
def _utc(when: datetime) -> datetime: ...
@overload
def _utc(when: datetime | None) -> datetime | None: ...
def _utc(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)

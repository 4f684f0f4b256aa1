"""RSS and Atom feeds: every entry is an article."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from ..articles import (
    IS_URL,
    Article,
    Problem,
    content_hash,
    record_article_id,
    scoped_article_id,
    url_article_id,
)
from .fields import author_name, parse_publication_date, source_date_order
from .html import html_to_text


def entry_published(entry: Any, order: str | None = None) -> tuple[datetime | None, str | None]:
    """The entry's date as written, by the rule every reader follows (fields.parse_publication_date);
    feedparser's own reading (converted to UTC) only when ours finds none."""
    for key in ("published", "updated", "created"):
        raw = dict.get(entry, key)  # not entry.get: feedparser would map a missing "published" to "updated"
        if raw:
            found, note = parse_publication_date(raw, order)
            if found is not None:
                return found, note
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).replace(tzinfo=None), None
    return None, None


XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")


def read_feed(text: str, where: str) -> Iterator[Article | Problem]:
    # The text is decoded already (honouring the declared encoding): feedparser must not decode it again.
    text = XML_ENCODING.sub(r'\1"utf-8"', text, count=1)
    parsed = feedparser.parse(text, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        reason = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
        yield Problem(where, f"not an RSS or Atom feed, or a feed with no entries{reason}")
        return
    source = (parsed.feed.get("title") or "").strip() or None
    channel_link = (parsed.feed.get("link") or "").strip()
    order = source_date_order(
        dict.get(entry, key) or "" for entry in parsed.entries for key in ("published", "updated")
    )
    for number, entry in enumerate(parsed.entries, start=1):
        entry_where = f"{where}#entry{number}"
        title = html_to_text(entry.get("title") or "")
        body = best_entry_text(entry)
        if not title and not body:
            yield Problem(entry_where, "feed entry has no text")
            continue
        url = entry_url(entry, channel_link)
        own_id = (entry.get("id") or "").strip()
        detail = entry.get("author_detail") or {}
        published, note = entry_published(entry, order)
        if note:
            yield Problem(entry_where, note, skipped=False)
        yield Article(
            title=title,
            body=body,
            origin=entry_where,
            id=entry_id(own_id, url, source, where, title, body),
            url=url,
            author=author_name(detail.get("name") or entry.get("author")),
            source=source,
            published=published,
        )


def best_entry_text(entry: Any) -> str:
    """The longest text an entry has: its content, unless that is empty, out of line (``src=``) or a
    "Read more" teaser shorter than its summary (RSS ``description``)."""
    candidates = [item.get("value") or "" for item in entry.get("content") or []]
    candidates.append(entry.get("summary") or "")
    texts = [html_to_text(markup) for markup in candidates if markup.strip()]
    return max(texts, key=len, default="")


def entry_url(entry: Any, channel_link: str) -> str | None:
    """The entry's link, a relative one resolved against the channel's link; a guid that is not a URL
    (feedparser takes a guid for the link when there is none) is no link."""
    link: str = (entry.get("link") or "").strip()
    if not link or (entry.get("guidislink") and link == entry.get("id") and not IS_URL.match(link)):
        return None
    if IS_URL.match(link):
        return link
    if channel_link and IS_URL.match(channel_link):
        return urljoin(channel_link, link)
    return None


def entry_id(own_id: str, url: str | None, source: str | None, where: str, title: str, body: str) -> str:
    """An entry's guid within its feed's source; without one, its link and its text (feeds often give
    several entries one link); else its file and text."""
    if own_id:
        return scoped_article_id(own_id, source, where)
    if url:
        return url_article_id(url, text=content_hash(title, body))
    return record_article_id(where, title, body)

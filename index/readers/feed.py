"""RSS and Atom feeds: every entry is an article."""

from __future__ import annotations

import calendar
import html
import re
from collections.abc import Iterator
from datetime import datetime, timezone

import feedparser
import lxml.html
from lxml import etree

from ..articles import Article, Problem, record_article_id, scoped_article_id, url_article_id
from ..dates import parse_published

BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre")


def html_to_text(markup: str) -> str:
    """A feed entry's HTML content as plain text, one paragraph a block element."""
    if "<" not in markup:
        return html.unescape(markup).strip()
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", markup).strip()
    for element in root.iter(*BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    text = root.text_content()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.split("\n"))).strip()


def entry_published(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc).replace(tzinfo=None)
    for key in ("published", "updated"):
        if entry.get(key):
            return parse_published(entry[key])
    return None


def read_feed(text: str, where: str) -> Iterator[Article | Problem]:
    parsed = feedparser.parse(text, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        reason = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
        yield Problem(where, f"not an RSS or Atom feed, or a feed with no entries{reason}")
        return
    source = (parsed.feed.get("title") or "").strip() or None
    for number, entry in enumerate(parsed.entries, start=1):
        entry_where = f"{where}#entry{number}"
        title = html_to_text(entry.get("title") or "")
        contents = entry.get("content") or []
        markup = contents[0].get("value", "") if contents else entry.get("summary", "")
        body = html_to_text(markup or "")
        if not title and not body:
            yield Problem(entry_where, "feed entry has no text")
            continue
        url = (entry.get("link") or "").strip() or None
        own_id = (entry.get("id") or "").strip()
        yield Article(
            title=title,
            body=body,
            origin=entry_where,
            id=entry_id(own_id, url, source, where, title, body),
            url=url,
            author=(entry.get("author") or "").strip() or None,
            source=source,
            published=entry_published(entry),
        )


def entry_id(own_id: str, url: str | None, source: str | None, where: str, title: str, body: str) -> str:
    """An entry's guid within its feed's source, else its link, else its file and text."""
    if own_id:
        return scoped_article_id(own_id, source, where)
    if url:
        return url_article_id(url)
    return record_article_id(where, title, body)

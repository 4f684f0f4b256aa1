"""Saved news pages: trafilatura finds the article's main text and its metadata, leaving navigation,
ads and comments out."""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from typing import cast

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Document

from ..articles import Article, Problem, file_article_id, url_article_id
from .fields import author_name, parse_publication_date, source_date_order


@functools.cache
def quiet_extractor_logs() -> None:
    """trafilatura logs its own doubts about pages at WARNING; ours are reported as problems instead.
    Set on the first page read, not on import."""
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("htmldate").setLevel(logging.ERROR)


BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre")
NOT_TEXT = ("script", "style", "noscript", "template", "iframe", "object")
# A body with a closing tag of an HTML element, a line break tag or a non-breaking space entity is HTML;
# an opening tag alone is not (Reuters writes company names as "<Strong Point Inc>" and "<P.W. Stephens>").
HTML_MARKUP = re.compile(
    r"</(p|div|span|a|script|style|li|ul|ol|h[1-6]|table|td|tr|em|strong|b|i|article|"
    r"section|iframe|blockquote|figure|noscript)\s*>|<br\s*/?>|&nbsp;",
    re.IGNORECASE,
)


def extract_page(markup: str, with_metadata: bool = True) -> Document | None:
    """trafilatura's main-text extraction, as every reader of HTML uses it: no comments, tables kept."""
    quiet_extractor_logs()
    return cast(
        Document | None,
        trafilatura.bare_extraction(  # a Document: as_dict is not asked for
            markup,
            with_metadata=with_metadata,
            include_comments=False,
            include_tables=True,
            # only dates the page states; never a guess from today's date or the file
            date_extraction_params={"extensive_search": False, "original_date": True},
        ),
    )


def looks_like_html(text: str) -> bool:
    return HTML_MARKUP.search(text[:100_000]) is not None


def html_body_text(markup: str) -> str:
    """A body given as HTML (a JSON export's ``body``): its main text by the extraction used for saved
    pages, or, when that finds none (a fragment too short to call an article), its text without tags."""
    try:
        document = extract_page(f"<html><body><article>{markup}</article></body></html>", with_metadata=False)
    except Exception:
        document = None
    text = (document.as_dict().get("text") or "").strip() if document is not None else ""
    return text or html_to_text(markup)


def html_to_text(markup: str) -> str:
    """HTML as plain text, one paragraph a block element, scripts and styles left out."""
    if "<" not in markup:
        return html.unescape(markup).strip()
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", markup).strip()
    for element in list(root.iter(*NOT_TEXT)):
        element.drop_tree()
    for element in root.iter(*BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    text = root.text_content().replace("\xa0", " ")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.split("\n"))).strip()


# Where pages state their publication time, best first; htmldate (in trafilatura) reads them too, but
# keeps only the day, so its day is in whatever zone the page wrote.
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
    "sailthru.date",
    "parsely-pub-date",
)
JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{4,60})"')


def stated_publication_time(markup: str) -> str | None:
    """The publication time a page's metadata states, as written (meta tags, then JSON-LD)."""
    head = markup[:200_000]
    found: dict[str, str] = {}
    for tag in re.finditer(r"<meta\b[^>]*>", head, re.IGNORECASE):
        attributes = {
            k.lower(): v for k, _, v in re.findall(r"""([\w:.-]+)\s*=\s*(["'])(.*?)\2""", tag.group(0))
        }
        key = (
            attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or ""
        ).lower()
        if key in PUBLISHED_META and attributes.get("content", "").strip():
            found.setdefault(key, html.unescape(attributes["content"]))
    for key in PUBLISHED_META:
        if key in found:
            return found[key]
    json_ld = JSON_LD_PUBLISHED.search(head)
    return json_ld.group(1) if json_ld else None


def page_published(markup: str, extracted: str | None) -> tuple[datetime | None, str | None]:
    """The page's date by the rule every reader follows: the time its metadata states, as written;
    else the day trafilatura found. A day/month order the page leaves ambiguous is settled by the
    page's other numeric dates, or noted."""
    stated = stated_publication_time(markup)
    if stated:
        order = source_date_order([markup[:500_000]])
        found, note = parse_publication_date(stated, order)
        if found is not None:
            return found, note
    return (parse_publication_date(extracted)[0], None) if extracted else (None, None)


def read_html(text: str, where: str) -> Iterator[Article | Problem]:
    try:
        document = extract_page(text)
    except Exception as error:
        yield Problem(where, f"could not parse HTML: {type(error).__name__}: {error}")
        return
    if document is None:
        yield Problem(where, "no article text found in the page")
        return
    found = document.as_dict()
    title = (found.get("title") or "").strip()
    body = (found.get("text") or "").strip()
    if title and body.startswith(title):
        body = body[len(title) :].lstrip()
    if not body and not title:
        yield Problem(where, "no article text found in the page")
        return
    url = (found.get("url") or "").strip() or None
    published, note = page_published(text, found.get("date"))
    if note:
        yield Problem(where, note, skipped=False)
    yield Article(
        title=title,
        body=body,
        origin=where,
        id=url_article_id(url) if url else file_article_id(where),
        url=url,
        author=author_name(found.get("author")),
        source=(found.get("sitename") or "").strip() or None,
        published=published,
    )

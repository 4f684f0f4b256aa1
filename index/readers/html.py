"""Saved news pages: trafilatura finds the article's main text and its metadata, leaving navigation,
ads and comments out."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import trafilatura

from ..articles import Article, Problem, file_article_id, url_article_id
from ..dates import parse_published

# trafilatura logs its own doubts about pages at WARNING; ours are reported as problems instead.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def read_html(text: str, where: str) -> Iterator[Article | Problem]:
    try:
        document = trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            # only dates the page states; never a guess from today's date or the file
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as error:  # noqa: BLE001 - trafilatura raises many kinds on malformed pages
        yield Problem(where, f"could not parse HTML: {type(error).__name__}: {error}")
        return
    if document is None:
        yield Problem(where, "no article text found in the page")
        return
    found = document.as_dict()
    title = (found.get("title") or "").strip()
    body = (found.get("text") or "").strip()
    if title and body.startswith(title):
        body = body[len(title):].lstrip()
    if not body and not title:
        yield Problem(where, "no article text found in the page")
        return
    url = (found.get("url") or "").strip() or None
    yield Article(
        title=title,
        body=body,
        origin=where,
        id=url_article_id(url) if url else file_article_id(where),
        url=url,
        author=(found.get("author") or "").strip() or None,
        source=(found.get("sitename") or "").strip() or None,
        published=parse_published(found["date"]) if found.get("date") else None,
    )

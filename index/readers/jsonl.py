"""JSON Lines (one article an object a line), or a JSON file holding one object or a list of them.

Fields: ``id``, ``title``, ``body`` (``title`` or ``body`` required), ``published``, ``source``, ``url``,
``author``, and ``dateline`` (Reuters-21578 carries one).
"""

from __future__ import annotations

import codecs
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet

from ..articles import (
    Article,
    Problem,
    record_article_id,
    scoped_article_id,
    titled_article_id,
    url_article_id,
)
from .fields import author_field, describe, published_field, source_date_order, source_field
from .html import html_body_text, looks_like_html

TEXT_FIELDS = ("id", "title", "body", "source", "url", "author", "dateline", "published")
REQUIRED_SHAPE = ("id", "title", "body")  # the article's identity and text: unreadable, it is left out


PUBLISHED_TEXT = re.compile(rb'"published"\s*:\s*"([^"]{1,60})"')


def read_json_records(data: bytes, where: str) -> Iterator[Article | Problem]:
    data = without_byte_order_mark(data)
    order = source_date_order(m.decode("utf-8", "replace") for m in PUBLISHED_TEXT.findall(data))
    records = list(json_records(data, where))
    shared = shared_titles(record for _, record in records if not isinstance(record, Problem))
    for record_where, record in records:
        if isinstance(record, Problem):
            yield record
        else:
            yield from article_from_record(record, record_where, where, order, shared)


def json_records(data: bytes, where: str) -> Iterator[tuple[str, object]]:
    """(where, record) for each record of a JSON document or each line of JSON Lines; (where, Problem)
    for a line that is not JSON."""
    stripped = data.lstrip()
    if where.lower().endswith(".json") and stripped[:1] in (b"[", b"{"):
        try:
            whole = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            whole = None  # not one JSON document: read it as JSON Lines below
        if isinstance(whole, list):
            for number, record in enumerate(whole, start=1):
                yield f"{where}[{number}]", record
            return
        if isinstance(whole, dict):
            yield where, whole
            return
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        if not raw_line.strip():
            continue
        line_where = f"{where}:{number}"
        try:
            line = raw_line.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            yield line_where, Problem(line_where, f"not valid UTF-8 at byte {error.start}")
            continue
        try:
            yield line_where, json.loads(line)
        except json.JSONDecodeError as error:
            yield line_where, Problem(line_where, f"invalid JSON: {error.msg} (column {error.colno})")


def title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def shared_titles(records: Iterable[object]) -> set[str]:
    """Titles that more than one record without an id or URL carries: those records cannot be known by
    their title."""
    counts = Counter(
        title_key(record["title"])
        for record in records
        if isinstance(record, dict)
        and isinstance(record.get("title"), str)
        and record["title"].strip()
        and not record.get("id")
        and not record.get("url")
    )
    return {title for title, count in counts.items() if count > 1}


def without_byte_order_mark(data: bytes) -> bytes:
    """UTF-8 bytes without a byte-order mark: a UTF-8 one dropped, UTF-16 text (which a mark announces)
    re-encoded, so a list exported with a mark is still read as one JSON document."""
    for mark, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(mark):
            body = data[len(mark) :]
            return body if encoding == "utf-8" else body.decode(encoding, errors="replace").encode("utf-8")
    return data


def article_from_record(
    record: object, where: str, path: str, order: str | None = None, shared: AbstractSet[str] = frozenset()
) -> Iterator[Article | Problem]:
    """The article in one JSON record, preceded by a problem for anything that had to be left out.

    ``id``, ``title`` and ``body`` must be text (or numbers); an optional field of another shape is read as
    far as it can be (an author object's name) and otherwise left out with a warning, never the article."""
    if not isinstance(record, dict):
        yield Problem(where, f"expected a JSON object, found {type(record).__name__}")
        return
    values: dict[str, str | None] = {}
    for name in TEXT_FIELDS:
        value = record.get(name)
        if value is None or value == "":
            values[name] = None
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            values[name] = str(value)
        elif name in REQUIRED_SHAPE:
            yield Problem(where, f"field {name!r} should be a string, found {type(value).__name__}")
            return
        else:
            values[name] = None
            if name not in ("author", "source", "published"):
                yield Problem(
                    where,
                    f"field {name!r} should be a string, found {describe(value)}; left out",
                    skipped=False,
                )
    title = (values["title"] or "").strip()
    body = (values["body"] or "").strip()
    if looks_like_html(body):
        body = html_body_text(body)
    if not title and not body:
        yield Problem(where, "article has no text (neither 'title' nor 'body')")
        return
    author, author_problem = author_field(record.get("author"))
    source, source_problem = source_field(record.get("source"))
    published, published_problem = published_field(record.get("published"), order)
    for problem in (author_problem, source_problem, published_problem):
        if problem:
            yield Problem(where, problem, skipped=False)
    values["source"] = source
    yield Article(
        title=title,
        body=body,
        origin=where,
        id=record_id(values, path, title, body, title_key(title) in shared),
        url=values["url"],
        author=author,
        source=source,
        published=published,
        dateline=values["dateline"],
    )


def record_id(values: dict[str, str | None], path: str, title: str, body: str, title_shared: bool) -> str:
    """Its own id within its source (or file), else its URL, else its file and title (so an edited body
    is an update), else, when its title is empty or shared with another such record of the file, its file
    and text."""
    if values["id"] and values["id"].strip():
        return scoped_article_id(values["id"], values["source"], path)
    if values["url"] and values["url"].strip():
        return url_article_id(values["url"])
    if title and not title_shared:
        return titled_article_id(path, title)
    return record_article_id(path, title, body)

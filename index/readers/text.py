"""Plain text articles: the first non-empty line is the title, the rest is the body."""

from __future__ import annotations

from collections.abc import Iterator

from ..articles import Article, Problem, file_article_id


def split_title_and_body(text: str) -> tuple[str, str]:
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.strip():
            return line.strip(), "\n".join(lines[number + 1 :]).strip()
    return "", ""


def read_text(text: str, where: str) -> Iterator[Article | Problem]:
    title, body = split_title_and_body(text)
    if not title and not body:
        yield Problem(where, "empty article (no text)")
        return
    yield Article(title=title, body=body, origin=where, id=file_article_id(where), source=None)

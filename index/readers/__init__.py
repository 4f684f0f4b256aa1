"""Readers turn files into articles. Each returns articles and problems; none of them prints.

``read_paths`` walks files and folders and hands each file to the reader for its extension.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from ..articles import Article, Problem
from .decode import decode_bytes
from .feed import read_feed
from .html import read_html
from .jsonl import read_json_records
from .text import read_text

READERS = {
    ".txt": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".jsonl": read_json_records,
    ".json": read_json_records,
    ".xml": read_feed,
    ".rss": read_feed,
    ".atom": read_feed,
}

# Files larger than this are not read at all: nothing a newsroom calls an article is this big,
# and reading it whole would cost memory out of proportion.
MAX_FILE_BYTES = 512 * 1024 * 1024
# Longer than any news article (a novel is about 500,000 characters); keeps a pathological input
# from costing minutes and gigabytes in cleaning, indexing and the article page.
MAX_ARTICLE_CHARS = 5_000_000


def list_article_files(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Problem]]:
    """Every readable file under ``paths`` (folders recursively, symlinked folders not followed)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = 0
            for folder, subfolders, names in os.walk(path, followlinks=False):
                subfolders.sort()
                for name in sorted(names):
                    if name.startswith("."):
                        continue
                    candidate = Path(folder, name)
                    if candidate.suffix.lower() in READERS:  # other files in a folder are not articles
                        files.append(candidate)
                        found += 1
            if not found:
                problems.append(Problem(str(path), "folder holds no article files"))
        elif path.is_file():
            if path.suffix.lower() in READERS:
                files.append(path)
            else:
                problems.append(
                    Problem(str(path), f"unknown file type {path.suffix or '(none)'!r}; "
                            f"we read {', '.join(sorted(READERS))}")
                )
        elif path.exists():
            problems.append(Problem(str(path), "not a regular file or folder"))
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    return files, problems


def read_file(path: Path) -> Iterator[Article | Problem]:
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield Problem(where, f"file is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit")
            return
        data = path.read_bytes()
    except OSError as error:
        yield Problem(where, f"cannot read file: {error.strerror or error}")
        return
    reader = READERS[path.suffix.lower()]
    if reader is read_json_records:
        # JSON Lines are decoded line by line, so one bad line does not cost the file.
        yield from reader(data, where)
        return
    text, problem = decode_bytes(data, where)
    if problem:
        yield problem
    if text is None:
        return
    yield from reader(text, where)


def read_paths(paths: Iterable[str | os.PathLike]) -> Iterator[Article | Problem]:
    files, problems = list_article_files(paths)
    yield from problems
    for path in files:
        for item in read_file(path):
            if isinstance(item, Article) and len(item.body) > MAX_ARTICLE_CHARS:
                yield Problem(item.origin, f"article is {len(item.body) / 2**20:.1f} MB; its first "
                              f"{MAX_ARTICLE_CHARS:,} characters are indexed", skipped=False)
                item = replace(item, body=truncate_at_space(item.body, MAX_ARTICLE_CHARS))
            yield item


def truncate_at_space(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at the last whitespace so no word is split."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit - 1000, limit)
    return text[:cut if cut > 0 else limit]

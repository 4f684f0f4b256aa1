"""Readers turn files into articles. Each returns articles and problems; none of them prints.

``read_paths`` walks files and folders and hands each file to the reader for its extension.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..articles import Article, Problem
from .decode import decode_bytes
from .feed import read_feed
from .html import read_html
from .jsonl import read_json_records
from .text import read_text

READERS: dict[str, Callable[[Any, str], Iterator[Article | Problem]]] = {
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
    """Every article file under ``paths`` (folders recursively), and a problem naming each file or folder
    found there that is not read, with the reason. A path given by name is read whatever it is called."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = 0
            for folder, subfolders, names in os.walk(path, followlinks=False):
                followed = []
                for name in sorted(subfolders):
                    reason = folder_skip_reason(Path(folder, name))
                    if reason:
                        problems.append(Problem(str(Path(folder, name)), reason))
                    else:
                        followed.append(name)
                subfolders[:] = followed
                for name in sorted(names):
                    candidate = Path(folder, name)
                    reason = file_skip_reason(candidate)
                    if reason:
                        problems.append(Problem(str(candidate), reason))
                    else:
                        files.append(candidate)
                        found += 1
            if not found:
                problems.append(Problem(str(path), "folder holds no article files"))
        elif path.is_file():
            reason = unsupported_type(path) or too_large(path)
            if reason:
                problems.append(Problem(str(path), reason))
            else:
                files.append(path)
        elif path.exists():
            problems.append(Problem(str(path), "not a regular file or folder"))
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    return files, problems


def folder_skip_reason(path: Path) -> str | None:
    """Why a folder met while walking is not entered, or None. Symlinked folders are not followed: one
    pointing back up would loop, and one pointing elsewhere would index files outside what was named."""
    if path.name.startswith("."):
        return "hidden folder, not read"
    if path.is_symlink():
        target = path.resolve()
        if target == path.parent.resolve() or target in path.parent.resolve().parents:
            return f"symlink loop (points back to {target}), not followed"
        return f"symlinked folder (to {target}), not followed; name it to read it"
    return None


def file_skip_reason(path: Path) -> str | None:
    """Why a file met while walking a folder is not read, or None."""
    if path.name.startswith("."):
        return "hidden file, not read"
    if path.is_symlink():
        try:
            path.stat()
        except OSError as error:
            return "symlink loop, not read" if error.errno == errno.ELOOP else "broken symlink, not read"
    if not path.is_file():
        return "not a regular file, not read"
    return unsupported_type(path) or too_large(path)


def unsupported_type(path: Path) -> str | None:
    if path.suffix.lower() in READERS:
        return None
    return (
        f"unsupported file type {path.suffix or '(none)'!r}, not read; we read {', '.join(sorted(READERS))}"
    )


def too_large(path: Path) -> str | None:
    try:
        size = path.stat().st_size
    except OSError:
        return None  # reading it will say what is wrong
    return file_too_large(size)


def file_too_large(size: int) -> str | None:
    if size <= MAX_FILE_BYTES:
        return None
    return f"file is {size / 2**20:,.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit, not read"


def read_file(path: Path) -> Iterator[Article | Problem]:
    where = str(path)
    try:
        reason = file_too_large(path.stat().st_size)  # grown since it was listed
        if reason:
            yield Problem(where, reason)
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
                yield Problem(
                    item.origin,
                    f"article is {len(item.body) / 2**20:.1f} MB; its first "
                    f"{MAX_ARTICLE_CHARS:,} characters are indexed",
                    skipped=False,
                )
                item = replace(item, body=truncate_at_space(item.body, MAX_ARTICLE_CHARS))
            yield item


def truncate_at_space(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at the last whitespace so no word is split."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit - 1000, limit)
    return text[: cut if cut > 0 else limit]

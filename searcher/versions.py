"""What differs between two versions of a story: their sentences, matched with ``difflib``."""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import Any

from index.clean import reflow_hard_wrapped

from .engine import SearchBackend
from .search import version_data


@cache
def _segmenter() -> Any:
    """pysbd's English rules, made on first use (not at import)."""
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def sentences(body: str) -> list[str]:
    """The body's sentences, whitespace made single: paragraphs first (lines hard-wrapped mid-sentence
    joined again, as cleaning does), then pysbd's sentence boundaries, which know abbreviations — a
    break after every full stop before a capital made "…after U.S. Treasury Secretary James Baker
    said…" three sentences. Punctuation alone (a stray ";") is no sentence."""
    found = []
    for paragraph in re.split(r"\n\s*\n|\n", reflow_hard_wrapped(body)):
        if not paragraph.strip():
            continue
        for sentence in _segmenter().segment(paragraph):
            text = " ".join(sentence.split())
            if any(char.isalnum() for char in text):
                found.append(text)
    return found


def sentence_diff(first: str, second: str) -> list[dict[str, str]]:
    """The sentences of two bodies in reading order, each ``same``, ``removed`` (only in the first) or
    ``added`` (only in the second)."""
    old, new = sentences(first), sentences(second)
    lines: list[dict[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            lines += [{"kind": "same", "text": text} for text in old[old_start:old_end]]
            continue
        lines += [{"kind": "removed", "text": text} for text in old[old_start:old_end]]
        lines += [{"kind": "added", "text": text} for text in new[new_start:new_end]]
    return lines


def diff_data(index: SearchBackend, article_id: str, other_id: str) -> dict[str, Any] | None:
    """Two articles and what differs between them, sentence by sentence (None if either is missing)."""
    first, second = index.article(article_id), index.article(other_id)
    if first is None or second is None:
        return None
    lines = sentence_diff(first.get("body") or "", second.get("body") or "")
    counts = {kind: sum(1 for line in lines if line["kind"] == kind) for kind in ("same", "added", "removed")}
    return {
        "first": version_data(_listed(first)),
        "second": version_data(_listed(second)),
        "title_changed": (first.get("title") or "") != (second.get("title") or ""),
        **counts,
        "sentences": lines,
    }


def _listed(stored: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": stored["id"],
        "title": stored.get("title") or "(untitled)",
        "published": stored.get("published"),
        "source": stored.get("source") or "",
    }

"""Stage 1, read: every article of the input once (a repeated id or text is skipped, with why), and
which articles of the index leave (asked to be removed, or pruned because their file no longer holds them)."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..articles import Article, Problem
from ..readers import read_paths
from .identity import ArticleFiles, Origins, origin_file, text_key
from .report import BuildReport


@dataclass
class ReadArticles:
    """The articles of one build's input, once each, and what ``--prune`` needs to know about the files."""

    articles: list[Article] = field(default_factory=list)
    ids_by_file: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # every article read
    files_with_problems: set[str] = field(default_factory=set)
    copies: dict[str, str] = field(default_factory=dict)  # a skipped exact copy's id -> the id kept


def read_articles(
    paths: Iterable[str], report: BuildReport, found: ReadArticles | None = None
) -> list[Article]:
    """Every article under ``paths`` once: a repeated id or a repeated text is reported and skipped.
    ``found``, when given, also gets what was read from which file."""
    seen_ids: dict[str, str] = {}
    seen_texts: dict[str, Article] = {}
    found = found if found is not None else ReadArticles()
    article_file = ArticleFiles()
    for item in read_paths(paths):
        if isinstance(item, Problem):
            if item.skipped:
                report.problems.append(item)
                found.files_with_problems.add(str(Path(origin_file(item.where)).resolve()))
            else:
                report.warnings.append(item)
            continue
        report.read += 1
        found.ids_by_file[article_file(item)].add(item.id)
        key = text_key(item)
        if item.id in seen_ids:
            report.skipped.append(Problem(item.origin, f"same id as {seen_ids[item.id]} (indexed once)"))
            continue
        if key in seen_texts:
            report.skipped.append(
                Problem(item.origin, f"same text as {seen_texts[key].origin} (indexed once)")
            )
            found.copies[item.id] = seen_texts[key].id
            continue
        seen_ids[item.id] = item.origin
        seen_texts[key] = item
        found.articles.append(item)
    return found.articles


def skip_copies_in_index(
    articles: list[Article],
    stored: Origins,
    leaving: set[str],
    report: BuildReport,
    copies: dict[str, str] | None = None,
) -> list[Article]:
    """Articles whose exact text (case and spacing aside) an article of the index already holds under
    another id are copies: reported and left out (and put in ``copies`` under the id that holds the
    text). Articles this build re-reads or removes do not count."""
    holders = {key: doc_id for doc_id, key in stored.texts.items() if doc_id not in leaving}
    kept = []
    for article in articles:
        holder = holders.get(text_key(article))
        if holder is not None and holder != article.id:
            report.skipped.append(
                Problem(
                    article.origin, f"same text as article {holder}, already in the index (not indexed again)"
                )
            )
            if copies is not None:
                copies[article.id] = holder
        else:
            kept.append(article)
    return kept


def pruned_ids(stored: Origins, read: ReadArticles) -> set[str]:
    """Articles of the index whose file is gone, or whose file this build read whole and found without
    them (a deleted JSON Lines entry). A file with a line or entry that could not be read loses nothing:
    the unreadable part may be the article."""
    gone = set()
    for doc_id, path in stored.files.items():
        if path in read.ids_by_file:
            if doc_id not in read.ids_by_file[path] and path not in read.files_with_problems:
                gone.add(doc_id)
        elif not os.path.lexists(path):
            gone.add(doc_id)
    return gone


def removed_ids(wanted: Iterable[str], stored: dict[str, str], report: BuildReport) -> set[str]:
    """The ids asked to be removed that the index holds; each other one is a problem naming it."""
    found = set()
    for doc_id in dict.fromkeys(wanted):
        if doc_id in stored:
            found.add(doc_id)
        else:
            report.problems.append(Problem(doc_id, "no article with this id in the index (nothing removed)"))
    return found

"""What identifies an article across builds: the file it came from, its text key, and the
generation's ``origins.json`` that records both (and the language detected) for every article."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .. import store
from ..articles import Article, content_hash
from ..language import UNDETERMINED

ORIGIN_PLACE = re.compile(r"(:\d+|#entry\d+|\[\d+\])$")  # a line, a feed entry, an item of a list


def origin_file(origin: str) -> str:
    return ORIGIN_PLACE.sub("", origin)


def article_file(article: Article) -> str:
    """The absolute path of the file an article was read from."""
    return str(Path(origin_file(article.origin)).resolve())


class ArticleFiles:
    """``article_file`` resolving each file once: the articles of one file share its path, and resolving
    it (a system call per part of the path) cost more than the rest of reading a JSON Lines entry.
    One per build, so a file moved or a link changed between builds is seen."""

    def __init__(self) -> None:
        self._resolved: dict[str, str] = {}

    def __call__(self, article: Article) -> str:
        name = origin_file(article.origin)
        resolved = self._resolved.get(name)
        if resolved is None:
            resolved = self._resolved[name] = str(Path(name).resolve())
        return resolved


def text_key(article: Article) -> str:
    """Two articles with this key hold the same text (case and spacing aside): one is a copy."""
    return content_hash(article.title.casefold(), " ".join(article.body.split()).casefold())[:20]


ORIGINS_FILE = "origins.json"


@dataclass
class Origins:
    """For each article of a generation, the file it was read from and its text key: what ``add`` needs
    to tell an update from a copy, and ``--prune`` to find articles whose file is gone."""

    files: dict[str, str] = field(default_factory=dict)  # id -> absolute path
    texts: dict[str, str] = field(default_factory=dict)  # id -> text_key
    languages: dict[str, str] = field(default_factory=dict)  # id -> ISO 639 code, or UNDETERMINED
    pipelines: dict[str, str] = field(default_factory=dict)  # id -> the NER pipeline that read it, "" none
    # the id of an exact copy skipped at index time -> the id of the article indexed with its text, so
    # the copy's id still finds it
    copies: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, generation: Path | None) -> Origins:
        data = store.read_json(generation / ORIGINS_FILE, {}) if generation else {}
        paths = data.get("files", [])
        origins = cls()
        for doc_id, (file_number, key, *rest) in data.get("articles", {}).items():
            origins.files[doc_id] = paths[file_number]
            origins.texts[doc_id] = key
            if rest and rest[0]:
                origins.languages[doc_id] = rest[0]
            if len(rest) > 1:
                origins.pipelines[doc_id] = rest[1]
        origins.copies = dict(data.get("copies", {}))
        return origins

    def record(
        self, article: Article, language: str | None = None, pipeline: str = "", file: str | None = None
    ) -> None:
        """``file``: the article's ``article_file``, when the caller has resolved it already."""
        self.files[article.id] = file or article_file(article)
        self.texts[article.id] = text_key(article)
        self.languages[article.id] = language or UNDETERMINED
        self.pipelines[article.id] = pipeline
        self.copies.pop(article.id, None)  # an article of its own now: no longer a copy

    def record_copies(self, copies: dict[str, str]) -> dict[str, str]:
        """Copies skipped by this build, each under the id of the article holding its text; a copy of an
        article that is itself a copy goes to the article indexed. Returns those recorded (each to the
        article indexed): what another engine is told of this build's copies."""
        recorded = {}
        for copy_id, holder in copies.items():
            if copy_id not in self.files:
                recorded[copy_id] = self.copies[copy_id] = self.copies.get(holder, holder)
        return {copy_id: holder for copy_id, holder in recorded.items() if holder in self.files}

    def forget(self, doc_id: str) -> None:
        self.files.pop(doc_id, None)
        self.texts.pop(doc_id, None)
        self.languages.pop(doc_id, None)
        self.pipelines.pop(doc_id, None)
        self.copies = {copy: holder for copy, holder in self.copies.items() if holder != doc_id}

    def entities_by_language(self) -> dict[str, dict[str, int]]:
        """Per language, how many articles a pipeline read and how many none could (no pipeline was
        configured for their language): what ``index stats`` says. Articles recorded before this was
        kept are in neither."""
        counts: dict[str, Counter[str]] = {"with_entities": Counter(), "without_entities": Counter()}
        for doc_id, pipeline in self.pipelines.items():
            language = self.languages.get(doc_id, UNDETERMINED)
            counts["with_entities" if pipeline else "without_entities"][language] += 1
        return {kind: dict(counter.most_common()) for kind, counter in counts.items()}

    def languages_by_text(self) -> dict[str, str]:
        """Languages already detected, by text key: a rebuild of unchanged texts need not detect again."""
        return {
            self.texts[doc_id]: language
            for doc_id, language in self.languages.items()
            if doc_id in self.texts
        }

    def save(self, generation: Path) -> None:
        numbers: dict[str, int] = {}
        articles = {
            doc_id: [
                numbers.setdefault(path, len(numbers)),
                self.texts.get(doc_id, ""),
                self.languages.get(doc_id, ""),
                self.pipelines.get(doc_id, ""),
            ]
            for doc_id, path in self.files.items()
        }
        copies = {copy: holder for copy, holder in self.copies.items() if holder in self.files}
        store.write_json_atomic(
            generation / ORIGINS_FILE, {"files": list(numbers), "articles": articles, "copies": copies}
        )


def copy_aliases(generation: Path) -> dict[str, str]:
    """The ids of a generation's skipped exact copies -> the ids of the articles indexed with their text."""
    return dict(store.read_json(generation / ORIGINS_FILE, {}).get("copies", {}))

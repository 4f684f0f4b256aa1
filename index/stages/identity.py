"""What identifies an article across builds: the file it came from, its text key, and the
generation's ``origins.json`` that records both (and the language detected) for every article."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import store
from ..articles import Article, content_hash


def origin_file(origin: str) -> str:
    return re.sub(r"(:\d+|#entry\d+|\[\d+\])$", "", origin)


def article_file(article: Article) -> str:
    """The absolute path of the file an article was read from."""
    return str(Path(origin_file(article.origin)).resolve())


def text_key(article: Article) -> str:
    """Two articles with this key hold the same text (case and spacing aside): one is a copy."""
    return content_hash(article.title.casefold(), " ".join(article.body.split()).casefold())[:20]


ORIGINS_FILE = "origins.json"
UNDETERMINED = "und"  # ISO 639-2: the detector was not sure (so it need not run again on the same text)


@dataclass
class Origins:
    """For each article of a generation, the file it was read from and its text key: what ``add`` needs
    to tell an update from a copy, and ``--prune`` to find articles whose file is gone."""

    files: dict[str, str] = field(default_factory=dict)  # id -> absolute path
    texts: dict[str, str] = field(default_factory=dict)  # id -> text_key
    languages: dict[str, str] = field(default_factory=dict)  # id -> ISO 639 code, or UNDETERMINED

    @classmethod
    def load(cls, generation: Path | None) -> Origins:
        data = store.read_json(generation / ORIGINS_FILE, {}) if generation else {}
        paths = data.get("files", [])
        origins = cls()
        for doc_id, (file_number, key, *language) in data.get("articles", {}).items():
            origins.files[doc_id] = paths[file_number]
            origins.texts[doc_id] = key
            if language and language[0]:
                origins.languages[doc_id] = language[0]
        return origins

    def record(self, article: Article, language: str | None = None) -> None:
        self.files[article.id] = article_file(article)
        self.texts[article.id] = text_key(article)
        self.languages[article.id] = language or UNDETERMINED

    def forget(self, doc_id: str) -> None:
        self.files.pop(doc_id, None)
        self.texts.pop(doc_id, None)
        self.languages.pop(doc_id, None)

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
            ]
            for doc_id, path in self.files.items()
        }
        store.write_json_atomic(generation / ORIGINS_FILE, {"files": list(numbers), "articles": articles})

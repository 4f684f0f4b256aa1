"""Raw NER mentions cached by a hash of the text the model saw and the pipeline's name and version,
so a rebuild of unchanged articles, or an ``add`` of articles already seen, does not run spaCy again."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .articles import Mention


def version_from_meta(meta: Mapping[str, Any], name: str) -> str:
    """A spaCy pipeline's name and version as its meta.json gives them ("en_core_web_sm-3.8.0"): what
    the cache is keyed by, and what ``meta.json`` and ``index stats`` report."""
    return f"{meta.get('lang', 'xx')}_{meta.get('name', name)}-{meta.get('version', '0')}"


def cache_key(pipeline_version: str, text: str) -> str:
    return hashlib.sha1(f"{pipeline_version}\x00{text}".encode("utf-8", "surrogatepass")).hexdigest()


class AnnotationCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS mentions (key TEXT PRIMARY KEY, data TEXT NOT NULL)")

    def get_many(self, keys: Iterable[str]) -> dict[str, list[Mention]]:
        keys = list(keys)
        found: dict[str, list[Mention]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, data in self._db.execute(
                f"SELECT key, data FROM mentions WHERE key IN ({marks})", chunk
            ):
                found[key] = [Mention(*row) for row in json.loads(data)]
        return found

    def get_many_as_json(self, keys: Iterable[str]) -> dict[str, str]:
        """The mentions of each key as the cache stores them, ``[[text, label, start, end], ...]`` in
        JSON, unparsed: for a copy of them written elsewhere (the OpenSearch backend's documents)."""
        keys = list(keys)
        found: dict[str, str] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self._db.execute(f"SELECT key, data FROM mentions WHERE key IN ({marks})", chunk))
        return found

    def put_many(self, items: Iterable[tuple[str, list[Mention]]]) -> None:
        rows = [
            (key, json.dumps([[m.text, m.label, m.start, m.end] for m in mentions]))
            for key, mentions in items
        ]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO mentions (key, data) VALUES (?, ?)", rows)

    def close(self) -> None:
        self._db.close()

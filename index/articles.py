"""The plain data the indexer passes around: articles, problems with input, and entities."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Article:
    """One news article as read from a file, before cleaning."""

    title: str
    body: str
    origin: str  # where it came from: "path" or "path:line", for messages
    id: str = ""
    url: str | None = None
    author: str | None = None
    source: str | None = None
    published: datetime | None = None
    dateline: str | None = None

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.body)


def content_hash(*parts: str) -> str:
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def file_article_id(path: str) -> str:
    """A file that holds one article is known by its absolute path, so an edited file updates in place."""
    return "file:" + str(Path(path).resolve())


def record_article_id(path: str, title: str, body: str) -> str:
    """An article without an id or URL in a file of many: its file's path plus a hash of its text."""
    return f"{file_article_id(path)}#{content_hash(title, body)[:16]}"


@dataclass(frozen=True)
class Problem:
    """Something in the input that could not be read as given; ``where`` names the file or file:line."""

    where: str
    message: str
    skipped: bool = True  # False: handled (for example truncated), the article still goes in

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Mention:
    """A raw entity span as the NER model found it, in the text given to the model."""

    text: str
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class Place:
    name: str
    country: str | None = None


@dataclass
class Entities:
    """An article's facet values after normalization, and where each was mentioned in the body."""

    people: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    mentioned: list[str] = field(default_factory=list)  # ISO dates at their precision: 2018, 2018-11, 2018-11-11
    # one-word names the text itself shows are people ("Mr Putin", "Bolton said"): kept without a full name
    confirmed_people: set[str] = field(default_factory=set)
    # (start, end, facet, value) offsets into the cleaned body
    spans: list[tuple[int, int, str, str]] = field(default_factory=list)

    @property
    def countries(self) -> list[str]:
        return sorted({p.country for p in self.places if p.country})

"""The plain data the indexer passes around: articles, problems with input, and entities."""

from __future__ import annotations

import hashlib
import re
import unicodedata
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


# Article ids appear in URLs (/article/<id>): they hold only these characters, "/" between a scope and an id.
ID_CHARACTERS = re.compile(r"[A-Za-z0-9._~-]{1,100}")
NOT_SLUG = re.compile(r"[^a-z0-9]+")
IS_URL = re.compile(r"https?://\S+$", re.IGNORECASE)


def short_hash(text: str, length: int = 8) -> str:
    return content_hash(text)[:length]


def slug(text: str, limit: int = 60) -> str:
    """Lower-case ASCII letters and digits joined by "-": "Wire A" -> "wire-a", "Zürich Post" -> "zurich-post"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:limit].strip("-")


def url_safe(text: str) -> str:
    """``text`` itself when it is already safe in a URL path segment, else its slug plus a hash of it
    (so two different texts never share a result)."""
    text = text.strip()
    if ID_CHARACTERS.fullmatch(text) and text.strip(".") and not text.startswith("."):
        return text
    return "-".join(part for part in (slug(text), short_hash(text)) if part)


def source_scope(source: str | None, path: str) -> str:
    """Where an article's own id is unique: its source (case, spacing and punctuation aside), else its file.

    Exports numbered 1...N are common, so id 1 of "Wire A" and id 1 of "Wire B" are two articles."""
    name = slug(source or "")
    if name:
        return name
    resolved = str(Path(path).resolve())
    return f"{slug(Path(path).name, 40) or 'file'}-{short_hash(resolved)}"


def scoped_article_id(own_id: str, source: str | None, path: str) -> str:
    """An article that carries its own id: that id within its source (``"wire-a/1"``). An id that is a URL
    names the article wherever it comes from."""
    own_id = own_id.strip()
    if IS_URL.match(own_id):
        return url_article_id(own_id)
    return f"{source_scope(source, path)}/{url_safe(own_id)}"


def url_article_id(url: str, text: str = "") -> str:
    """An article known by its URL, anywhere: the URL's readable part and a hash of the whole URL (and of
    ``text``, for articles known by their URL and text together)."""
    readable = re.sub(r"^https?://(www\.)?", "", url.strip(), flags=re.IGNORECASE)
    return f"{slug(readable, 70) or 'url'}-{short_hash(url.strip() + (' ' + text if text else ''))}"


def file_article_id(path: str) -> str:
    """A file that holds one article is known by its absolute path, so an edited file updates in place."""
    resolved = str(Path(path).resolve())
    return f"{slug(Path(path).name, 70) or 'file'}-{short_hash(resolved)}"


def titled_article_id(path: str, title: str) -> str:
    """An entry without an id or URL, with a title no other such entry of its file has: its file and
    title, so a corrected body updates it in place."""
    key = " ".join(title.split()).casefold()
    return f"{source_scope(None, path)}/{slug(key, 50) or 'title'}-{short_hash(key)}"


def record_article_id(path: str, title: str, body: str) -> str:
    """An article without an id or URL in a file of many: its file and a hash of its text."""
    return f"{source_scope(None, path)}/text-{content_hash(title, body)[:16]}"


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
    mentioned: list[str] = field(
        default_factory=list
    )  # ISO dates at their precision: 2018, 2018-11, 2018-11-11
    # names the text itself shows are people ("Mr Putin", "Bolton said"): a lone one is kept without a
    # full name, and a longer one is marked for the corpus (``unmarked_place_names``)
    confirmed_people: set[str] = field(default_factory=set)
    # (start, end, facet, value) offsets into the cleaned body
    spans: list[tuple[int, int, str, str]] = field(default_factory=list)

    @property
    def countries(self) -> list[str]:
        return sorted({p.country for p in self.places if p.country})

"""The one place that knows which engine answers: the interface every search backend implements, and
the choice of backend by configuration.

The shared code (search.py, the views, the API and the CLI) builds ``SearchParams`` and asks a backend
for ``RawResults``; what a search means stays there. Each engine translates it: ``backend.SearchIndex``
(Whoosh and NumPy facet columns, embedded, the default) and ``opensearch_backend.OpenSearchIndex`` (an
OpenSearch 2.x cluster).
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import Any, cast

from .backend import EntityProfile, RawResults, SearchIndex
from .params import SearchParams

BACKENDS = ("whoosh", "opensearch")
DEFAULT_OPENSEARCH_URL = "http://127.0.0.1:9200"
DEFAULT_OPENSEARCH_INDEX = "newsfacets"


class SearchBackend(ABC):
    """What the searcher asks of an engine: a search, an article, articles like it, and the current
    snapshot (``generation()``: what the index holds now, with ``countries``, place -> country)."""

    @abstractmethod
    def search(self, params: SearchParams) -> RawResults: ...

    @abstractmethod
    def article(self, article_id: str) -> dict | None: ...

    @abstractmethod
    def more_like_this(self, article_id: str, count: int = 5) -> list[dict]: ...

    @abstractmethod
    def ids_with_own_id(self, own_id: str) -> list[str]:
        """The ids of the articles whose own id within their source is ``own_id`` (``"wire-a/1"`` for
        ``"1"``), so that an id given as its export wrote it still finds the article."""

    @abstractmethod
    def generation(self) -> Any: ...

    # What an engine may not offer (both here do): the shared code asks, and says so when the answer is no.
    def all_matches(self, params: SearchParams) -> Iterator[dict]:
        """Every match of a search, in its order (exports and feeds)."""
        raise NotAvailableError(f"exports and feeds are not available on the {self.engine_name} backend yet")

    def entity(self, facet: str, name: str) -> EntityProfile | None:
        """One entity across the archive (entity pages)."""
        raise NotAvailableError(f"entity pages are not available on the {self.engine_name} backend yet")

    engine_name = "this"


class NotAvailableError(RuntimeError):
    """A feature the configured search engine does not offer (yet); a 501 naming it, never a crash."""


SearchBackend.register(SearchIndex)


class ClusterError(RuntimeError):
    """The search cluster could not do what was asked (down, refused the request)."""


class ConfigError(ValueError):
    """A backend setting that cannot be used, with the setting's name."""


def backend_name(value: str | None) -> str:
    """``whoosh`` (the default) or ``opensearch``, in any case; anything else is refused by name."""
    name = (value or "whoosh").strip().lower()
    if name not in BACKENDS:
        raise ConfigError(f"BACKEND must be one of {', '.join(BACKENDS)}, not {value!r}")
    return name


def node_urls(value: str | None) -> list[str]:
    """``http://a:9200, http://b:9200`` -> the node URLs, each with a scheme; empty parts are dropped."""
    urls = [part.strip().rstrip("/") for part in (value or DEFAULT_OPENSEARCH_URL).split(",") if part.strip()]
    if not urls:
        raise ConfigError("OPENSEARCH_URL names no node")
    return [url if "://" in url else f"http://{url}" for url in urls]


def config_from_environment(config: Mapping) -> dict:
    """The backend settings of an app config with the environment's on top: SEARCHER_BACKEND,
    SEARCHER_OPENSEARCH_URL, SEARCHER_OPENSEARCH_INDEX."""
    settings = {name: config.get(name) for name in ("BACKEND", "OPENSEARCH_URL", "OPENSEARCH_INDEX")}
    for name in settings:
        if os.environ.get(f"SEARCHER_{name}"):
            settings[name] = os.environ[f"SEARCHER_{name}"]
    return settings


def open_backend(config: Mapping) -> SearchBackend:
    """The backend an app's config names: Whoosh at INDEX_DIR, or the OpenSearch cluster at
    OPENSEARCH_URL holding the alias OPENSEARCH_INDEX."""
    if backend_name(config.get("BACKEND")) == "opensearch":
        from .opensearch_backend import OpenSearchIndex

        return OpenSearchIndex(
            node_urls(config.get("OPENSEARCH_URL")),
            config.get("OPENSEARCH_INDEX") or DEFAULT_OPENSEARCH_INDEX,
            config.get("INDEX_DIR"),  # readers' corrections (aliases.txt) are read from there
        )
    return cast(SearchBackend, SearchIndex(config["INDEX_DIR"]))  # registered as one below the class

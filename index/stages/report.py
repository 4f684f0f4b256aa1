"""What a build did, and how it was asked to run: the report every stage adds to."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..articles import Problem

if TYPE_CHECKING:
    from .prepare import PreparedArticle


@dataclass
class BuildReport:
    """What a build did. Every article read is counted once: ``read`` = ``indexed`` + ``updated`` +
    ``unchanged`` + ``len(skipped)``. ``removed`` are articles the new index no longer holds (not read,
    so not in that sum); ``problems`` are input that could not be read as an article at all (a file, a
    line, an entry), ``warnings`` what was read with a caveat."""

    index_dir: Path
    generation: Path | None = None
    pipeline: str = ""
    read: int = 0
    indexed: int = 0  # new articles
    updated: int = 0
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)  # articles read and not indexed, each with why
    removed: list[str] = field(default_factory=list)  # ids
    removed_from: dict[str, str] = field(default_factory=dict)  # id -> the file it was read from, where known
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ner_articles: int = 0  # articles that went through spaCy (the rest came from the cache)
    languages: Counter = field(default_factory=Counter)  # of the articles this build read and kept
    with_entities: Counter = field(default_factory=Counter)  # language -> articles a pipeline read
    without_entities: Counter = field(default_factory=Counter)  # language -> articles no pipeline reads
    total_articles: int = 0
    seconds: float = 0.0

    phases: dict[str, float] = field(default_factory=dict)  # seconds spent in each stage
    # source -> (line, rule) -> articles it was removed from: what cleaning dropped stays findable
    boilerplate: dict[str, Counter] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.total_articles > 0 or bool(self.removed)

    @property
    def adds_up(self) -> bool:
        return self.read == self.indexed + self.updated + self.unchanged + len(self.skipped)

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.phases[phase] = self.phases.get(phase, 0.0) + time.monotonic() - started


@dataclass(frozen=True)
class BuildOptions:
    pipeline: str | None = None
    pipelines: Mapping[str, str] = field(default_factory=dict)  # language -> pipeline (pipelines.py)
    processes: int | None = None
    batch_size: int = 64
    progress: bool = True
    # Another index written beside this one (the OpenSearch backend): called with the articles written,
    # cleaned, annotated and normalized, whether this is an add, the exact copies this build skipped (a
    # copy's id -> the id of the article indexed with its text) and the ids of the articles it removed;
    # an error leaves the old index live.
    also_write: Callable[[list[PreparedArticle], bool, dict[str, str], list[str]], None] | None = None

"""The live generation a build compares with or builds on, and the baseline a new generation starts from.

A rebuild only compares with the live generation (what is new, updated, unchanged or gone); add and
remove copy it and start from what it holds, minus the articles they replace or remove.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import store
from ..articles import Problem
from ..schema import WORDS_FILE, document_words, entities_from_json, outdated_index_message, searchable_body
from ..whoosh_files import open_index
from .identity import Origins
from .metadata import count_vocabulary
from .report import BuildReport


@dataclass
class LiveGeneration:
    """What a build reads from the live generation (nothing when there is none)."""

    generation: Path | None = None
    fingerprints: dict[str, str] = field(default_factory=dict)  # id -> fingerprint
    origins: Origins = field(default_factory=Origins)
    boilerplate: dict[str, list[str]] = field(default_factory=dict)  # source -> recurring line keys
    vocabulary: dict[str, dict[str, int]] = field(default_factory=dict)  # facet -> value -> articles
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def compared_with(cls, generation: Path | None) -> LiveGeneration:
        """What a rebuild compares its articles with: their fingerprints and origins (and languages)."""
        if generation is None:
            return cls()
        return cls(generation, store.read_json(generation / "fingerprints.json"), Origins.load(generation))

    @classmethod
    def built_on(cls, generation: Path) -> LiveGeneration:
        """Everything add and remove start from."""
        return cls(
            generation,
            store.read_json(generation / "fingerprints.json"),
            Origins.load(generation),
            store.read_json(generation / "boilerplate.json"),
            store.read_json(generation / "vocabulary.json"),
            store.read_json(generation / store.META),
        )

    def known_values(self) -> dict[str, Counter]:
        """Facet value counts, for the corpus-wide normalization of the articles added to them."""
        return {facet: Counter(values) for facet, values in self.vocabulary.items()}

    def baseline_without(self, copy: Path, replaced: list[str], leaving: set[str]) -> Baseline:
        """What ``copy`` (of this generation) holds once the ``replaced`` articles are deleted from it."""
        assert self.generation is not None  # add and remove refuse a missing or damaged index
        old_documents = stored_documents(copy, replaced)
        vocabulary = self.known_values()
        old_entities = (entities_from_json(document["entities"]) for document in old_documents)
        for facet, counts in count_vocabulary(old_entities).items():
            vocabulary.setdefault(facet, Counter()).subtract(counts)
        words = Counter(store.read_json(self.generation / WORDS_FILE))
        words.subtract(
            document_words(
                f"{d.get('title', '')} {searchable_body(d.get('dateline'), d.get('body', ''))}"
                for d in old_documents
            )
        )
        origins = self.origins
        for doc_id in leaving:
            origins.forget(doc_id)
        return Baseline(
            previous=self.generation,
            replaced=replaced,
            leaving=leaving,
            vocabulary=vocabulary,
            words=words,
            fingerprints={k: v for k, v in self.fingerprints.items() if k not in leaving},
            origins=origins,
            meta=self.meta,
        )


@dataclass
class Baseline:
    """What a new generation holds before this build's articles are written: nothing for a rebuild; for
    add and remove, the live generation's articles minus those replaced or leaving."""

    previous: Path | None = None  # the generation copied, whose columns and places the new one continues
    replaced: list[str] = field(default_factory=list)  # ids deleted from the copy (updated or leaving)
    leaving: set[str] = field(default_factory=set)
    vocabulary: dict[str, Counter] = field(default_factory=dict)
    words: Counter = field(default_factory=Counter)
    fingerprints: dict[str, str] = field(default_factory=dict)
    origins: Origins = field(default_factory=Origins)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def incremental(self) -> bool:
        return self.previous is not None


def replaceable_live_generation(index_dir: Path, report: BuildReport) -> Path | None:
    """The live generation a rebuild compares with, verified byte for byte; a damaged one is replaced,
    with a warning, and nothing is read from it."""
    previous = store.current_generation(index_dir)
    if previous is None:
        return None
    problems = store.damaged_files(previous, checksums=True)
    if not problems:
        return previous
    report.warnings.append(
        Problem(str(previous), f"damaged ({'; '.join(problems)}); this rebuild replaces it", skipped=False)
    )
    return None


def verified_live_generation(index_dir: Path) -> Path:
    """The live generation add and remove build on, verified byte for byte: a missing or damaged one is
    refused (they would build on it)."""
    previous = store.current_generation(index_dir)
    if previous is None:
        raise store.NoIndexError(f"no index at {index_dir} to add to; run `searcher index rebuild` first")
    problems = store.damaged_files(previous, checksums=True)
    if problems:
        raise store.DamagedIndexError(store.damage_message(previous, problems))
    ix = open_index(previous)
    outdated = outdated_index_message(previous, ix.schema)  # add would write words search cannot read
    ix.close()
    if outdated:
        raise store.NoIndexError(outdated)
    return previous


def stored_documents(generation: Path, ids: list[str]) -> list[dict[str, Any]]:
    """The stored fields of the documents with these ids (titles, bodies, entities as JSON)."""
    if not ids:
        return []
    ix = open_index(generation)
    found = []
    with ix.searcher() as searcher:
        for doc_id in ids:
            stored = searcher.document(id=doc_id)
            if stored:
                found.append(stored)
    ix.close()
    return found

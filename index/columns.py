"""Facet columns kept beside the Whoosh index: each article's facet values as small integers.

Whoosh counts facets by walking Python objects for every hit (about 0.25 s for 300 hits in a
20,000-article index). Here each facet is a compressed-sparse-row table, article number -> value ids,
so counting every facet of any set of hits is one NumPy ``bincount``. Publication times and the
live (not deleted) articles are columns too, so date filters, date sorting and the date histogram
never touch Whoosh.

Article numbers are Whoosh's document numbers; the columns are written after each commit, from the
ids Whoosh reports, so they always line up with the segment they sit beside.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .articles import Entities
from .facets import FACET_NAMES
from .language import UNDETERMINED
from .store import write_json_atomic

FACETS = FACET_NAMES  # defined in facets.py
ARRAYS_FILE = "columns.npz"
VALUES_FILE = "columns.json"
UNDATED = np.iinfo(np.int64).min  # sorts after every date when newest comes first
EPOCH = datetime(1970, 1, 1)


def facet_row(entities: Entities, language: str | None = None) -> dict[str, list[str]]:
    """The values an article counts under in each facet (mentioned dates by month; its language, an
    ISO 639 code, or ``und`` when the detector was not sure)."""
    return {
        "person": list(dict.fromkeys(entities.people)),
        "place": list(dict.fromkeys(p.name for p in entities.places)),
        "country": sorted({p.country for p in entities.places if p.country}),
        "org": list(dict.fromkeys(entities.orgs)),
        "mentioned": mentioned_periods(entities.mentioned),
        "language": [language or UNDETERMINED],
    }


def mentioned_periods(mentioned: Iterable[str]) -> list[str]:
    """The years and months an article's mentioned dates fall in: "1987-03-02" counts under "1987"
    and "1987-03". A year's count is every article mentioning any date in it, which is what the
    ``mentioned=1987`` filter matches."""
    return sorted({m[:4] for m in mentioned} | {m[:7] for m in mentioned if len(m) >= 7})


def facet_key(value: str) -> str:
    """How a typed or linked facet value is matched: case and accents ignored ("zurich" is "Zürich"),
    commas as spaces (the query parser's keyword fields split on commas)."""
    if value.isascii():  # nothing to fold: most values, the fast way
        return " ".join(value.casefold().replace(",", " ").split())
    decomposed = unicodedata.normalize("NFKD", value.casefold().replace(",", " "))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def timestamp(when: datetime | None) -> int:
    if when is None:
        return int(UNDATED)
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return int((when - EPOCH).total_seconds())


@dataclass
class FacetColumn:
    values: list[str]  # value id -> value
    starts: np.ndarray  # article n's value ids are ids[starts[n]:starts[n + 1]]
    ids: np.ndarray
    owners: np.ndarray  # the article each entry of ids belongs to
    _by_key: dict[str, list[int]] | None = field(default=None, repr=False)  # facet_key -> value ids
    _by_word: dict[str, list[int]] | None = field(default=None, repr=False)  # a word of the key -> value ids

    def row(self, docnum: int) -> list[str]:
        return [self.values[i] for i in self.ids[self.starts[docnum] : self.starts[docnum + 1]]]

    def value_ids(self, key: str, prefix: bool = False) -> list[int]:
        """The ids of the values whose ``facet_key`` is ``key`` (or, with ``prefix``, starts with it)."""
        if self._by_key is None:
            by_key: dict[str, list[int]] = {}
            for value_id, value in enumerate(self.values):
                by_key.setdefault(facet_key(value), []).append(value_id)
            self._by_key = by_key
        if not prefix:
            return self._by_key.get(key, [])
        return [i for k, ids in self._by_key.items() if k.startswith(key) for i in ids]

    def value_ids_by_word(self, word: str, prefix: bool = False) -> list[int]:
        """The ids of the values one of whose words is ``word`` (or, with ``prefix``, starts with it):
        "volcker" finds "Paul Volcker", "bol" as a prefix finds "John Bolton" and "Boliden AB"."""
        if self._by_word is None:
            by_word: dict[str, list[int]] = {}
            for value_id, value in enumerate(self.values):
                for part in dict.fromkeys(facet_key(value).split()):
                    by_word.setdefault(part, []).append(value_id)
            self._by_word = by_word
        if not prefix:
            return list(self._by_word.get(word, []))
        return sorted({i for w, ids in self._by_word.items() if w.startswith(word) for i in ids})

    def articles_with(self, value_ids: list[int], size: int) -> np.ndarray:
        """A true/false array over the ``size`` articles: those holding any of ``value_ids``."""
        mask = np.zeros(size, dtype=bool)
        if len(value_ids) == 1:
            mask[self.owners[self.ids == value_ids[0]]] = True
        elif value_ids:
            mask[self.owners[np.isin(self.ids, value_ids)]] = True
        return mask

    def with_aliases(self, mapping: Mapping[str, str | None]) -> FacetColumn:
        """A new column in which each value of ``mapping`` becomes its target (None: gone)."""
        values: list[str] = []
        new_id: dict[str, int] = {}
        remap = np.full(len(self.values) + 1, -1, dtype=np.int64)
        for old, value in enumerate(self.values):
            target = mapping.get(value, value)
            if target is not None:
                remap[old] = new_id.setdefault(target, len(values))
                if remap[old] == len(values):
                    values.append(target)
        ids = remap[self.ids] if len(self.ids) else self.ids.astype(np.int64)
        owners = self.owners
        keep = ids >= 0
        # an article holding two values merged into one holds it once
        pairs = (
            np.unique(np.stack([owners[keep].astype(np.int64), ids[keep]]), axis=1)
            if keep.any()
            else np.zeros((2, 0), dtype=np.int64)
        )
        owners, ids = pairs[0], pairs[1]
        starts = np.zeros(len(self.starts), dtype=np.int64)
        np.add.at(starts, owners + 1, 1)
        return FacetColumn(values, np.cumsum(starts), ids.astype(np.int32), owners.astype(np.int32))

    def counts(self, mask: np.ndarray) -> dict[str, int]:
        """How many articles in ``mask`` have each value (values with none left out)."""
        counted = np.bincount(self.ids[mask[self.owners]], minlength=len(self.values))
        found = np.flatnonzero(counted)
        return {self.values[i]: int(counted[i]) for i in found}


@dataclass
class Columns:
    facets: dict[str, FacetColumn]
    published: np.ndarray  # seconds since 1970, UNDATED when the article has no date
    live: np.ndarray  # False for deleted (replaced) documents

    @property
    def size(self) -> int:
        return len(self.live)

    @classmethod
    def load(cls, directory: Path) -> Columns:
        arrays = np.load(Path(directory) / ARRAYS_FILE)
        values = json.loads((Path(directory) / VALUES_FILE).read_text(encoding="utf-8"))
        facets = {}
        for facet in FACETS:
            if f"{facet}_starts" not in arrays and facet == "language":
                # a generation written before the language facet: its articles have no value there
                # (an empty column) until a rebuild
                starts = np.zeros(len(arrays["live"]) + 1, dtype=np.int64)
                facets[facet] = FacetColumn([], starts, np.zeros(0, np.int32), np.zeros(0, np.int32))
                continue
            starts = arrays[f"{facet}_starts"]
            owners = np.repeat(np.arange(len(starts) - 1, dtype=np.int32), np.diff(starts))
            facets[facet] = FacetColumn(values[facet], starts, arrays[f"{facet}_ids"], owners)
        return cls(facets=facets, published=arrays["published"], live=arrays["live"])

    def row(self, docnum: int) -> dict[str, list[str]]:
        return {facet: column.row(docnum) for facet, column in self.facets.items()}

    def with_aliases(self, aliases: Mapping[str, Mapping[str, str | None]]) -> Columns:
        """These columns with readers' corrections applied: a value renamed or merged into another
        (articles holding either count once), or dropped from its facet."""
        facets = dict(self.facets)
        for facet, mapping in aliases.items():
            if mapping and facet in facets:
                facets[facet] = facets[facet].with_aliases(mapping)
        return Columns(facets=facets, published=self.published, live=self.live)


def write_columns(
    directory: Path, rows: Iterable[Mapping[str, list[str]] | None], published: Iterable[int]
) -> None:
    """One row per document number in order; None marks a deleted document."""
    vocabularies: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    starts: dict[str, list[int]] = {facet: [0] for facet in FACETS}
    ids: dict[str, list[int]] = {facet: [] for facet in FACETS}
    live = []
    for row in rows:
        live.append(row is not None)
        for facet in FACETS:
            vocabulary = vocabularies[facet]
            for value in (row or {}).get(facet, ()):
                ids[facet].append(vocabulary.setdefault(value, len(vocabulary)))
            starts[facet].append(len(ids[facet]))
    arrays: dict[str, np.ndarray[Any, Any]] = {
        "live": np.array(live, dtype=bool),
        "published": np.array(list(published), dtype=np.int64),
    }
    if len(arrays["published"]) != len(live):
        raise ValueError("one publication time per document is needed")
    for facet in FACETS:
        arrays[f"{facet}_starts"] = np.array(starts[facet], dtype=np.int64)
        arrays[f"{facet}_ids"] = np.array(ids[facet], dtype=np.int32)
    directory = Path(directory)
    # written beside and renamed: the old generation's files are hard links that must not change
    partial = directory / (ARRAYS_FILE + ".partial")
    with open(partial, "wb") as handle:
        np.savez(handle, **arrays)  # type: ignore[arg-type]  # numpy's stub reads any ** as allow_pickle
    os.replace(partial, directory / ARRAYS_FILE)
    write_json_atomic(directory / VALUES_FILE, {facet: list(vocabularies[facet]) for facet in FACETS})


def append_columns(
    previous: Path,
    directory: Path,
    live: np.ndarray,
    rows: list[Mapping[str, list[str]] | None],
    published: list[int],
) -> None:
    """The columns of an add, from the previous generation's arrays without walking its rows: its
    documents keep their numbers (those no longer ``live`` emptied), and ``rows`` and ``published``
    follow them. The arrays are those ``write_columns`` writes over every row: values numbered in the
    order live rows first hold them, values no live row holds gone."""
    arrays = np.load(Path(previous) / ARRAYS_FILE)
    old_values = json.loads((Path(previous) / VALUES_FILE).read_text(encoding="utf-8"))
    old_size = len(arrays["live"])
    if len(live) != old_size + len(rows) or len(published) != len(rows):
        raise ValueError("one row and one publication time per new document is needed")
    old_live = live[:old_size]
    out: dict[str, np.ndarray[Any, Any]] = {
        "live": np.asarray(live, dtype=bool),
        "published": np.concatenate(
            [np.where(old_live, arrays["published"], UNDATED), np.array(published, dtype=np.int64)]
        ).astype(np.int64),
    }
    vocabularies = {}
    for facet in FACETS:
        starts, ids = arrays[f"{facet}_starts"], arrays[f"{facet}_ids"].astype(np.int64)
        counts = np.diff(starts)
        kept = old_live[np.repeat(np.arange(old_size), counts)]
        values = list(old_values[facet])
        number = {value: i for i, value in enumerate(values)}
        new_ids: list[int] = []
        new_counts = []
        for row in rows:
            held = (row or {}).get(facet, ())
            new_ids.extend(number.setdefault(value, len(number)) for value in held)
            new_counts.append(len(held))
        values.extend(list(number)[len(values) :])
        every = np.concatenate([ids[kept], np.array(new_ids, dtype=np.int64)])
        # numbered again by first holder, as write_columns numbers them
        distinct, first = np.unique(every, return_index=True)
        in_order = distinct[np.argsort(first, kind="stable")]
        renumber = np.zeros(len(values), dtype=np.int64)
        renumber[in_order] = np.arange(len(in_order))
        every_counts = np.concatenate([np.where(old_live, counts, 0), np.array(new_counts, dtype=np.int64)])
        out[f"{facet}_starts"] = np.concatenate([[0], np.cumsum(every_counts)]).astype(np.int64)
        out[f"{facet}_ids"] = renumber[every].astype(np.int32)
        vocabularies[facet] = [values[i] for i in in_order.tolist()]
    partial = Path(directory) / (ARRAYS_FILE + ".partial")
    with open(partial, "wb") as handle:
        np.savez(handle, **out)  # type: ignore[arg-type]  # numpy's stub reads any ** as allow_pickle
    os.replace(partial, Path(directory) / ARRAYS_FILE)
    write_json_atomic(Path(directory) / VALUES_FILE, vocabularies)

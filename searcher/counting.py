"""Counting a search's results, and putting them in date order, from arrays made once per generation.

A search counts every facet, the days of the date histogram and the total over the set of articles
it matched (a true/false array over document numbers). ``ArticleCounting`` counts articles
(``collapse=false``); ``StoryCounting`` counts stories, each story once however many of its versions
matched. Both read only arrays that do not change while a generation is live — each article's story,
its day, the facet columns, the archive in date order — so the cost of a search grows with the
articles it touches, never with a Python loop over them.

Most stories have one version: an article alone in its story counts as itself, so stories are
counted as articles are, less the repeats among the few articles that share a story with another.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from datetime import date, timedelta
from typing import TypeVar

import numpy as np

from index.columns import UNDATED, Columns, FacetColumn

T = TypeVar("T")

EPOCH_DAY = date(1970, 1, 1)
SECONDS_A_DAY = 86400


def entries_of(starts: np.ndarray, docnums: np.ndarray) -> np.ndarray:
    """The positions, in a compressed-sparse-row table (article ``n``'s entries at
    ``starts[n]:starts[n + 1]``), of the entries of ``docnums``, in order."""
    begins = starts[docnums]
    lengths = starts[docnums + 1] - begins
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    # entry j of article k's run is begins[k] + j: each run's start, shifted by where the run begins
    shift = np.repeat(begins - (np.cumsum(lengths) - lengths), lengths)
    return shift + np.arange(total, dtype=np.int64)


def date_order(published: np.ndarray, newest: bool) -> np.ndarray:
    """Every document number, newest (or oldest) first, undated ones last, ties by number."""
    key = np.where(published == UNDATED, np.iinfo(np.int64).max, -published if newest else published)
    return np.argsort(key, kind="stable")


def first_rows(keys: np.ndarray) -> np.ndarray:
    """True at the first row of each run of equal values in a sorted array."""
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return first


class GenerationArrays:
    """What counting and date order read of one generation, made on first use and kept while it is
    live; one of these is shared by the generation's article and story counting."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.live_counts: dict[str, np.ndarray] = {}  # facet -> articles holding each value id
        self.orders: dict[bool, np.ndarray] = {}  # newest -> every document number in that order
        self.days: tuple[np.ndarray, np.ndarray] | None = None
        self.labels: dict[int, str] = {}  # day number -> "1987-03-02"
        self.shared_entries: dict[str, np.ndarray] = {}
        self.versions: tuple[np.ndarray, np.ndarray] | None = None
        self.periods: dict[int, tuple[np.ndarray, list[str]]] = {}  # label width -> periods of days


class ArticleCounting:
    """What a search counts when every article is a hit of its own (``collapse=false``), over one
    generation's columns. The masks it is given hold live articles only (every search's do)."""

    def __init__(self, columns: Columns, arrays: GenerationArrays | None = None) -> None:
        self.columns = columns
        self.arrays = arrays or GenerationArrays()

    def count(self, mask: np.ndarray) -> int:
        return int(np.count_nonzero(mask))

    def beyond(self, mask: np.ndarray, present: np.ndarray) -> np.ndarray:
        """The articles of ``mask`` that would be new to the results ``present``."""
        new: np.ndarray = mask & ~present
        return new

    def whole_stories(self, mask: np.ndarray) -> np.ndarray:
        """What an exclusion of the articles in ``mask`` leaves out: those articles (each its own story)."""
        return mask

    def value_counts(self, facet: str, mask: np.ndarray) -> dict[str, int]:
        """How many of the articles in ``mask`` hold each value of ``facet`` (values with none left out)."""
        counted = self.value_id_counts(facet, mask)
        values = self.columns.facets[facet].values
        found = np.flatnonzero(counted)
        return dict(zip([values[i] for i in found.tolist()], counted[found].tolist(), strict=True))

    def value_id_counts(self, facet: str, mask: np.ndarray) -> np.ndarray:
        """Articles of ``mask`` per value id. A mask of more than half the archive is counted as the
        archive's counts less those of the articles it leaves out, so no search reads more than half
        of a facet's entries."""
        column = self.columns.facets[facet]
        width = len(column.values)
        if 2 * int(np.count_nonzero(mask)) <= len(mask):
            return np.bincount(column.ids[entries_of(column.starts, np.flatnonzero(mask))], minlength=width)
        left_out = entries_of(column.starts, np.flatnonzero(self.columns.live & ~mask))
        return self._everything(facet, column) - np.bincount(column.ids[left_out], minlength=width)

    def _everything(self, facet: str, column: FacetColumn) -> np.ndarray:
        arrays = self.arrays
        with arrays.lock:
            if facet not in arrays.live_counts:
                held = column.ids[entries_of(column.starts, np.flatnonzero(self.columns.live))]
                arrays.live_counts[facet] = np.bincount(held, minlength=len(column.values))
            return arrays.live_counts[facet]

    def published_days(self, mask: np.ndarray) -> Counter[str]:
        """How many of the articles in ``mask`` were published on each day: {"1987-03-02": 41, ...}."""
        day_of, _ = self.days()
        picked = day_of[mask]
        return self.day_counter(np.bincount(picked[picked >= 0], minlength=len(self.days()[1])))

    def days(self) -> tuple[np.ndarray, np.ndarray]:
        """Each document's day as a number into the archive's distinct days (-1 when undated), and
        those days (days since 1970, ascending)."""
        arrays = self.arrays
        with arrays.lock:
            if arrays.days is None:
                published = self.columns.published
                dated = published != UNDATED
                distinct, numbers = np.unique(published[dated] // SECONDS_A_DAY, return_inverse=True)
                day_of = np.full(len(published), -1, dtype=np.int64)
                day_of[dated] = numbers
                arrays.days = day_of, distinct
            return arrays.days

    def day_counter(self, counted: np.ndarray) -> Counter[str]:
        """Counts per day number as {"1987-03-02": 41, ...}, days with none left out."""
        found = np.flatnonzero(counted)
        return Counter(dict(zip(self.day_labels(found), counted[found].tolist(), strict=True)))

    def day_labels(self, numbers: np.ndarray) -> list[str]:
        """Day numbers as "1987-03-02", each made once per generation."""
        distinct = self.days()[1]
        labels = []
        for number in numbers.tolist():
            label = self.arrays.labels.get(number)
            if label is None:
                label = (EPOCH_DAY + timedelta(days=int(distinct[number]))).isoformat()
                self.arrays.labels[number] = label  # a dict's item assignment is atomic
            labels.append(label)
        return labels

    def order(self, newest: bool) -> np.ndarray:
        """Every document number, newest (or oldest) first, undated ones last, ties by number; sorted
        once per generation."""
        arrays = self.arrays
        with arrays.lock:
            if newest not in arrays.orders:
                arrays.orders[newest] = date_order(self.columns.published, newest)
            return arrays.orders[newest]

    def by_date(self, mask: np.ndarray, newest: bool) -> np.ndarray:
        """The document numbers in ``mask``, newest (or oldest) first, undated ones last, ties by number."""
        order = self.order(newest)
        found: np.ndarray = order[mask[order]]
        return found


class StoryCounting(ArticleCounting):
    """What a search counts when versions are collapsed: stories. A value's count is the stories
    having at least one version in the set with that value (what a click on it leaves); a day's count,
    the stories with a version published that day."""

    def __init__(
        self, columns: Columns, story_of: np.ndarray, names: list[str], arrays: GenerationArrays | None = None
    ) -> None:
        super().__init__(columns, arrays)
        self.story_of = story_of  # document number -> story number
        self.names = names  # story number -> story id
        live_versions = np.bincount(story_of[columns.live], minlength=len(names))
        # the live articles whose story has another live version: the only ones counted apart
        self.shared = columns.live & (live_versions[story_of] > 1)
        self.shared_docs = np.flatnonzero(self.shared)

    @classmethod
    def for_documents(
        cls,
        columns: Columns,
        doc_ids: list[str],
        stories: dict[str, str],
        arrays: GenerationArrays | None = None,
    ) -> StoryCounting:
        """``doc_ids`` in document-number order; an article the table does not name (a generation
        built before stories) is a story of its own."""
        numbers: dict[str, int] = {}
        story_of = np.fromiter(
            (numbers.setdefault(stories.get(doc_id, doc_id), len(numbers)) for doc_id in doc_ids),
            dtype=np.int64,
            count=len(doc_ids),
        )
        return cls(columns, story_of, list(numbers), arrays)

    def _shared_in(self, mask: np.ndarray) -> np.ndarray:
        found: np.ndarray = self.shared_docs[mask[self.shared_docs]]
        return found

    def count(self, mask: np.ndarray) -> int:
        shared = self._shared_in(mask)
        return super().count(mask) - len(shared) + len(np.unique(self.story_of[shared]))

    def beyond(self, mask: np.ndarray, present: np.ndarray) -> np.ndarray:
        """The articles of ``mask`` whose story the results ``present`` do not hold yet: a version of
        a story already listed adds nothing."""
        new = super().beyond(mask, present)
        listed = np.unique(self.story_of[self._shared_in(present)])
        if len(listed):
            shared = self._shared_in(new)
            new[shared[np.isin(self.story_of[shared], listed)]] = False
        return new

    def whole_stories(self, mask: np.ndarray) -> np.ndarray:
        """``mask`` with every live version of each story it has a version of: what an exclusion leaves
        out when stories are counted (``mask``: the versions within the search holding the excluded
        value; their stories go whole)."""
        stories = np.unique(self.story_of[self._shared_in(mask)])
        if not len(stories):
            return mask
        spread = mask.copy()
        spread[self.shared_docs[np.isin(self.story_of[self.shared_docs], stories)]] = True
        return spread

    def value_id_counts(self, facet: str, mask: np.ndarray) -> np.ndarray:
        """The articles' counts, less the repeats of a value among versions of one story."""
        counted = super().value_id_counts(facet, mask)
        column = self.columns.facets[facet]
        entries = self.entries_of_shared(facet, column)
        entries = entries[mask[column.owners[entries]]]
        if not len(entries):
            return counted
        width = len(column.values)
        ids = column.ids[entries].astype(np.int64)
        once = np.unique(self.story_of[column.owners[entries]] * width + ids) % width
        return counted - np.bincount(ids, minlength=width) + np.bincount(once, minlength=width)

    def entries_of_shared(self, facet: str, column: FacetColumn) -> np.ndarray:
        """The positions of the entries, in one facet's column, of the articles that share a story."""
        arrays = self.arrays
        with arrays.lock:
            if facet not in arrays.shared_entries:
                arrays.shared_entries[facet] = entries_of(column.starts, self.shared_docs)
            return arrays.shared_entries[facet]

    def published_days(self, mask: np.ndarray) -> Counter[str]:
        day_of, distinct = self.days()
        picked = day_of[mask]
        counted = np.bincount(picked[picked >= 0], minlength=len(distinct))
        shared = self._shared_in(mask)
        shared = shared[day_of[shared] >= 0]
        if len(shared):
            days = day_of[shared]
            once = np.unique(days * len(self.names) + self.story_of[shared]) // len(self.names)
            counted = counted - np.bincount(days, minlength=len(distinct))
            counted += np.bincount(once, minlength=len(distinct))
        return self.day_counter(counted)

    def period_counts(self, mask: np.ndarray, width: int) -> Counter[str]:
        """The stories in ``mask`` per period ("1987-03" for ``width`` 7, "1987" for 4): a story with
        versions on several days of one period counts once in it, as a click on the period finds it."""
        day_of, _ = self.days()
        period_of_day, labels = self.periods(width)
        picked = day_of[mask]
        counted = np.bincount(period_of_day[picked[picked >= 0]], minlength=len(labels))
        shared = self._shared_in(mask)
        shared = shared[day_of[shared] >= 0]
        if len(shared):
            periods = period_of_day[day_of[shared]]
            once = np.unique(self.story_of[shared] * len(labels) + periods) % len(labels)
            counted = counted - np.bincount(periods, minlength=len(labels))
            counted += np.bincount(once, minlength=len(labels))
        return Counter({labels[i]: int(counted[i]) for i in np.flatnonzero(counted).tolist()})

    def periods(self, width: int) -> tuple[np.ndarray, list[str]]:
        """Each distinct day's period number, and the periods' names, for names ``width`` long."""
        distinct = self.days()[1]  # before the lock, which days() takes too
        arrays = self.arrays
        with arrays.lock:
            if width not in arrays.periods:
                names = [(EPOCH_DAY + timedelta(days=int(day))).isoformat()[:width] for day in distinct]
                labels, period_of_day = np.unique(np.array(names, dtype=object), return_inverse=True)
                arrays.periods[width] = period_of_day.astype(np.int64), labels.tolist()
            return arrays.periods[width]

    def first_of_each(self, ordered: np.ndarray) -> np.ndarray:
        """The first document of each story in ``ordered`` (document numbers), in that order."""
        first = ~self.shared[ordered]
        at = np.flatnonzero(~first)
        if len(at):
            _, firsts = np.unique(self.story_of[ordered[at]], return_index=True)  # first occurrences
            first[at[firsts]] = True
        leaders: np.ndarray = ordered[first]
        return leaders

    def best_of_each(self, docnums: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Of scored documents, each story's best: the highest score, a tie to the lower number —
        the version that comes first in the ranking."""
        shared = self.shared[docnums]
        at = np.flatnonzero(shared)
        if not len(at):
            return docnums, scores
        by_story = at[np.lexsort((docnums[at], -scores[at], self.story_of[docnums[at]]))]
        keep = ~shared
        keep[by_story[first_rows(self.story_of[docnums[by_story]])]] = True
        return docnums[keep], scores[keep]

    def story_id(self, docnum: int) -> str:
        return self.names[int(self.story_of[docnum])]

    def versions(self, docnum: int, mask: np.ndarray) -> list[int]:
        """The versions of ``docnum``'s story in ``mask`` (itself included when in it), oldest first."""
        if not self.shared[docnum]:
            return [docnum] if mask[docnum] else []
        members, stories = self._versions_by_story()
        story = self.story_of[docnum]
        found = members[np.searchsorted(stories, story) : np.searchsorted(stories, story, side="right")]
        versions: list[int] = found[mask[found]].tolist()
        return versions

    def _versions_by_story(self) -> tuple[np.ndarray, np.ndarray]:
        """The articles that share a story, by story and then oldest first, and their stories."""
        oldest = self.order(newest=False)
        arrays = self.arrays
        with arrays.lock:
            if arrays.versions is None:
                rank = np.empty(len(oldest), dtype=np.int64)
                rank[oldest] = np.arange(len(oldest))
                docs = self.shared_docs
                members = docs[np.lexsort((rank[docs], self.story_of[docs]))]
                arrays.versions = members, self.story_of[members]
            return arrays.versions


def first_of_each_story(items: Iterable[T], story: Callable[[T], Hashable]) -> list[T]:
    """``items`` less the later ones of a story already listed: a list of an entity's latest articles
    shows each story once, by its first version in the list."""
    seen: set[Hashable] = set()
    kept = []
    for item in items:
        key = story(item)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept

"""The known words within a few edits of a word: the candidates of "did you mean".

A Levenshtein automaton walked over the sorted word list (Whoosh's ``ListCorrector``) costs time in
proportion to the word's length: a made-up word of 999 letters took seconds and held a server thread.
Here every known word is a vector of letter counts, and one NumPy pass over them keeps only the words
whose letters differ by at most ``reach`` (a lower bound of the edit distance); the exact distance is
computed for those few. The cost is the vocabulary's, whatever the length of the word asked about.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_SLOT = {char: slot for slot, char in enumerate(_ALPHABET)}
_OTHER = len(_ALPHABET)  # every other character shares one slot: the bound stays a lower bound


def letter_counts(word: str) -> np.ndarray:
    """How many times each letter (and digit; any other character in one shared slot) is in ``word``."""
    counts = np.zeros(len(_ALPHABET) + 1, dtype=np.int32)
    for char in word:
        counts[_SLOT.get(char, _OTHER)] += 1
    return counts


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance; with ``limit``, any distance above it is reported as ``limit + 1`` as soon
    as every path through the table exceeds it."""
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1] if limit is None else min(previous[-1], limit + 1)


class WordNeighbours:
    """The words of a vocabulary within ``reach`` edits of a given word, in time independent of its
    length (see the module's docstring)."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = sorted(words, key=len)  # by length: the words of a few lengths are one slice
        lengths = np.array([len(word) for word in self.words], dtype=np.int64)
        self.longest = int(lengths[-1]) if len(lengths) else 0
        self._starts = np.searchsorted(lengths, np.arange(self.longest + 2))
        counts = np.zeros((len(self.words), len(_ALPHABET) + 1), dtype=np.int8)
        for row, word in enumerate(self.words):
            for char in word:
                slot = _SLOT.get(char, _OTHER)
                counts[row, slot] = min(int(counts[row, slot]) + 1, 127)
        self._counts = counts

    def within(self, word: str, reach: int) -> list[str]:
        """The known words at most ``reach`` edits from ``word`` (itself included when known)."""
        if not self.words or len(word) > self.longest + reach:
            return []
        first = int(self._starts[max(len(word) - reach, 0)])
        last = int(self._starts[min(len(word) + reach + 1, self.longest + 1)])
        wanted = np.minimum(letter_counts(word), 127).astype(np.int8)
        difference = self._counts[first:last] - wanted
        more = np.maximum(difference, 0).sum(axis=1, dtype=np.int32)
        fewer = np.maximum(-difference, 0).sum(axis=1, dtype=np.int32)
        near = first + np.flatnonzero(np.maximum(more, fewer) <= reach)
        return [
            self.words[row] for row in near.tolist() if edit_distance(word, self.words[row], reach) <= reach
        ]


_cache_lock = threading.Lock()
_cached: list[tuple[Sequence[str], WordNeighbours]] = []
_CACHED_VOCABULARIES = 4  # a few generations (and engines) live at once; older ones are dropped


def neighbours_of(words: Sequence[str]) -> WordNeighbours:
    """The ``WordNeighbours`` of a vocabulary, built once per list object (a generation reads its word
    list once and keeps it)."""
    with _cache_lock:
        for known, neighbours in _cached:
            if known is words:
                return neighbours
        neighbours = WordNeighbours(words)
        _cached.insert(0, (words, neighbours))
        del _cached[_CACHED_VOCABULARIES:]
        return neighbours

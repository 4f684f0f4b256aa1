"""Relevance ranking of a whole result set at once, with Whoosh's own scores.

Whoosh ranks by stepping its matcher tree through every matching document in Python and scoring
each: at 340,000 articles a common word costs it a quarter of a second. Here the same tree, built by
Whoosh for the same query and segment, is evaluated over whole posting lists with NumPy: each
term's BM25F score from its postings' weights and the field lengths, in the same floating-point
operations Whoosh makes, summed in the order its tree sums them (an intersection adds its two
sides, a union adds them where both match). So the order is Whoosh's to the last bit, ties going
to the lower document number as in Whoosh. A tree holding any other kind of matcher (wildcards
over many terms, boosts, other weightings) is not evaluated here: the caller lets Whoosh rank it.
"""

from __future__ import annotations

import io
import pickle
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import IntersectionMatcher, ListMatcher, NullMatcherClass, UnionMatcher
from whoosh.matching.wrappers import FilterMatcher, WrappingMatcher
from whoosh.query.spans import SpanNear2
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25FScorer

from .phrases import OffsetPhraseMatcher, phrase_offsets

Scored = tuple[np.ndarray, np.ndarray]  # sorted document numbers of one segment, and their scores
PhraseKey = tuple[str, tuple[bytes, ...], tuple[int, ...], int]  # field, words as indexed, offsets, slop
PhraseMatches = dict[PhraseKey, np.ndarray]  # the articles (true/false over all) a phrase matched


def phrase_key(schema: Any, phrase: Any) -> PhraseKey | None:
    """What identifies a phrase query and the matcher Whoosh builds for it."""
    if phrase.fieldname not in schema:
        return None
    try:
        words = tuple(schema[phrase.fieldname].to_bytes(word) for word in phrase.words)
    except ValueError:
        return None
    return phrase.fieldname, words, phrase_offsets(phrase), phrase.slop


def _matcher_phrase_key(matcher: Any) -> PhraseKey | None:
    terms = []
    for sub in matcher.ms:
        while type(sub) is FilterMatcher:
            sub = sub.child
        term = sub.term() if hasattr(sub, "term") else None
        if term is None:
            return None
        terms.append(term)
    if not terms or len({field for field, _ in terms}) != 1:
        return None
    offsets = getattr(matcher, "offsets", None) or tuple(range(len(terms)))
    return terms[0][0], tuple(text for _, text in terms), tuple(offsets), matcher.slop


POSTINGS_CACHE_BYTES = 64 * 2**20  # decoded posting lists kept per generation
CACHED_POSTINGS = 4096  # a posting list shorter than this is decoded each time (a few blocks)
_BLOCK_LENGTH = struct.Struct("!i")  # Whoosh's read_int
_HEADER_BYTES = 128  # a block's pickled header (six numbers) fits in this
Postings = tuple[np.ndarray, np.ndarray]  # one segment's posting list: document numbers, weights


def decode_postings(matcher: W3LeafMatcher) -> Postings:
    """A whole posting list (one term in one segment) as arrays: its document numbers, ascending,
    and their weights. Whoosh's matcher reads a block's header through four method calls and a
    pickle read a byte at a time; here each block is read straight from the mapped file, with the
    same ``zlib`` and ``pickle`` decoding of its data as Whoosh's ``_read_data``."""
    blocks = mapped_blocks(matcher)
    if blocks is None:  # not a mapped file: Whoosh's own stepping
        return _stepped_postings(matcher)
    ids, weights = [], []
    for count, block in blocks:
        ids.append(_block_ids(block[0], matcher._byteids))
        weights.append(_block_weights(block[1], count))
    return np.concatenate(ids), np.concatenate(weights)


def mapped_blocks(matcher: W3LeafMatcher) -> list[tuple[int, tuple[Any, ...]]] | None:
    """Each block of a posting list read from the mapped file: its posting count and its data tuple
    (ids, weights, values), as Whoosh's ``_read_data`` decodes it. None when the postings are not
    in a mapped file, or a header is not what Whoosh 2.7.4 writes."""
    buffer = getattr(matcher._postfile, "_buf", None)
    if buffer is None:
        return None
    position = matcher._baseoffset
    blocks = []
    while True:
        (length,) = _BLOCK_LENGTH.unpack_from(buffer, position)
        start = position + _BLOCK_LENGTH.size
        header = io.BytesIO(buffer[start : start + _HEADER_BYTES])
        try:
            count, _, _, compression, _, _ = pickle.load(header)
        except (EOFError, pickle.UnpicklingError, TypeError, ValueError):
            return None
        data = buffer[start + header.tell() : start + abs(length)]
        blocks.append((count, pickle.loads(zlib.decompress(data) if compression else data)))
        if length < 0:  # the last block
            return blocks
        position = start + abs(length)


def _block_ids(stored: Any, byteids: Any) -> np.ndarray:
    """A block's document numbers: Whoosh stores them as gaps (added up one by one in a generator
    by Whoosh; a cumulative sum here), or as they are for byte ids."""
    ids = np.asarray(stored, dtype=np.int64)
    return ids if byteids else np.cumsum(ids)


def _block_weights(stored: Any, count: int) -> np.ndarray:
    """A block's weights as Whoosh's ``_read_weights`` reads them: none stored means 1.0 each, one
    number the same weight for all."""
    if stored is None:
        return np.ones(count)
    if isinstance(stored, float):
        return np.full(count, stored)
    return np.asarray(stored, dtype=np.float64)


def _stepped_postings(matcher: W3LeafMatcher) -> Postings:
    matcher.reset()
    id_blocks, weight_blocks = [], []
    while matcher.is_active():
        id_blocks.append(block_ids(matcher))
        matcher._read_weights()
        weight_blocks.append(np.asarray(matcher._weights, dtype=np.float64))
        matcher._next_block()
    if not id_blocks:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)


class PostingsCache:
    """The generation's longest posting lists, decoded: a frequent word ("said" is in 70% of
    Reuters) costs a few hundred blocks of ``zlib`` and ``pickle`` each time it is read, and both the
    term filter and ranking read it. Kept until ``POSTINGS_CACHE_BYTES`` are used, the least recently
    used going first; a list shorter than ``CACHED_POSTINGS`` is decoded each time."""

    def __init__(self, limit: int = POSTINGS_CACHE_BYTES) -> None:
        self.limit = limit
        self.used = 0
        self._lists: OrderedDict[tuple[int, str, bytes], Postings] = OrderedDict()
        self._lock = threading.Lock()

    def postings(self, offset: int, fieldname: str, text: bytes, matcher: W3LeafMatcher) -> Postings:
        """The posting list of ``text`` in ``fieldname`` of the segment starting at document
        ``offset``, read through ``matcher`` (that segment's postings of the term) when not kept."""
        key = (offset, fieldname, text)
        with self._lock:
            found = self._lists.get(key)
            if found is not None:
                self._lists.move_to_end(key)
                return found
        ids, weights = decode_postings(matcher)
        if len(ids) < CACHED_POSTINGS:
            return ids, weights
        narrow = weights.astype(np.float32)
        kept = (
            ids.astype(np.int32) if len(ids) and ids[-1] < 2**31 else ids,
            narrow if np.array_equal(narrow, weights) else weights,  # term frequencies are exact in 32 bits
        )
        size = kept[0].nbytes + kept[1].nbytes
        with self._lock:
            if key not in self._lists and size <= self.limit:
                self._lists[key] = kept
                self.used += size
                while self.used > self.limit:
                    _, (old_ids, old_weights) = self._lists.popitem(last=False)
                    self.used -= old_ids.nbytes + old_weights.nbytes
        return ids, weights


class NotVectorizable(Exception):
    """The matcher tree holds something this module does not evaluate."""


class FieldLengths:
    """Each segment's field lengths as Whoosh's scorer reads them (``doc_field_length(n, field, 1)``;
    0 for an empty field, which no posting of it can come from), read once per generation and field:
    they do not change while a generation is live."""

    def __init__(self) -> None:
        self._arrays: dict[tuple[int, str], np.ndarray] = {}
        self._lock = threading.Lock()

    def of(self, segment: int, reader: Any, fieldname: str) -> np.ndarray:
        key = (segment, fieldname)
        with self._lock:
            if key not in self._arrays:
                length = reader.doc_field_length
                self._arrays[key] = np.fromiter(
                    (length(n, fieldname, 1) or 0 for n in range(reader.doc_count_all())),
                    dtype=np.int32,
                    count=reader.doc_count_all(),
                )
            return self._arrays[key]


def ranked_docnums(
    searcher: Any,
    query: Any,
    candidates: np.ndarray,
    limit: int | None,
    lengths: FieldLengths,
    phrases: PhraseMatches | None = None,
    postings: PostingsCache | None = None,
) -> list[int] | None:
    """The document numbers among ``candidates`` (a true/false array; every one of them matches
    ``query``), best first by Whoosh's score for ``query``, the first ``limit`` of them (all with
    None). None when the query's matchers are not ones evaluated here. ``phrases`` holds the
    articles phrases of the query are already known to match."""
    scored = scored_docnums(searcher, query, candidates, lengths, phrases, postings)
    if scored is None:
        return None
    return best_first(*scored, limit)


def scored_docnums(
    searcher: Any,
    query: Any,
    candidates: np.ndarray,
    lengths: FieldLengths,
    phrases: PhraseMatches | None = None,
    postings: PostingsCache | None = None,
) -> Scored | None:
    """Every document number among ``candidates`` that ``query`` matches, ascending, with Whoosh's
    score for it; None when the query's matchers are not ones evaluated here."""
    context = searcher.context()
    docnums, scores = [], []
    try:
        for segment, (subsearcher, offset) in enumerate(searcher.leaf_searchers()):
            matcher = query.matcher(subsearcher, context)
            place = Segment(
                subsearcher, segment, offset, lengths, phrases or {}, postings or PostingsCache(0)
            )
            ids, values = _evaluate(matcher, place)
            docnums.append(ids + offset)
            scores.append(values)
    except NotVectorizable:
        return None
    found = np.concatenate(docnums) if docnums else np.zeros(0, dtype=np.int64)
    score = np.concatenate(scores) if scores else np.zeros(0)
    keep = candidates[found]
    return found[keep], score[keep]


def best_first(found: np.ndarray, score: np.ndarray, limit: int | None) -> list[int]:
    """Scored document numbers, best first, ties to the lower number as in Whoosh; the first ``limit``
    of them (all with None)."""
    if limit is not None and limit < len(found):
        # only those scoring at least the limit-th best can be shown; ties at that score all stay,
        # so the lower document numbers among them win as in Whoosh
        threshold = np.partition(score, len(score) - limit)[len(score) - limit]
        near = score >= threshold
        found, score = found[near], score[near]
    order = np.lexsort((found, -score))
    if limit is not None:
        order = order[:limit]
    ranked: list[int] = found[order].tolist()
    return ranked


@dataclass(frozen=True)
class Segment:
    searcher: Any
    number: int
    offset: int
    lengths: FieldLengths
    phrases: PhraseMatches
    postings: PostingsCache


def _evaluate(matcher: Any, place: Segment) -> Scored:
    kind = type(matcher)
    if kind is W3LeafMatcher or kind is ListMatcher:
        return _leaf(matcher, place)
    if kind is FilterMatcher:
        ids, scores = _evaluate(matcher.child, place)
        listed = np.isin(ids, np.fromiter(matcher._ids, dtype=np.int64))
        keep = ~listed if matcher._exclude else listed
        return ids[keep], scores[keep]
    if kind is IntersectionMatcher:
        a_ids, a_scores = _evaluate(matcher.a, place)
        b_ids, b_scores = _evaluate(matcher.b, place)
        ids, in_a, in_b = np.intersect1d(a_ids, b_ids, assume_unique=True, return_indices=True)
        return ids, a_scores[in_a] + b_scores[in_b]
    if kind is UnionMatcher:
        a_ids, a_scores = _evaluate(matcher.a, place)
        b_ids, b_scores = _evaluate(matcher.b, place)
        ids = sorted_union(a_ids, b_ids)
        scores = np.zeros(len(ids))
        scores[np.searchsorted(ids, a_ids)] = a_scores
        scores[np.searchsorted(ids, b_ids)] += b_scores  # 0.0 + b is b: one side alone scores itself
        return ids, scores
    if kind is SpanNear2.SpanNear2Matcher or kind is OffsetPhraseMatcher:
        # a phrase: the documents whose positions fit (found by Whoosh, when the search has not
        # already found them), scored as its intersection of words
        key = _matcher_phrase_key(matcher)
        known = place.phrases.get(key) if key is not None else None
        if known is None:  # before the words are read: that rewinds the matchers the phrase steps
            end = place.offset + place.searcher.doc_count_all()
            known = np.zeros(end, dtype=bool)
            known[np.fromiter(matcher.all_ids(), dtype=np.int64) + place.offset] = True
        ids, scores = _evaluate(matcher.child, place)
        keep = known[place.offset : place.offset + place.searcher.doc_count_all()][ids]
        return ids[keep], scores[keep]
    if kind is WrappingMatcher and matcher.boost == 1.0:
        return _evaluate(matcher.child, place)
    if isinstance(matcher, NullMatcherClass):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    raise NotVectorizable(kind.__name__)


def _leaf(matcher: Any, place: Segment) -> Scored:
    scorer = matcher._scorer if type(matcher) is ListMatcher else matcher.scorer
    if type(scorer) is not BM25FScorer or matcher.term() is None:
        raise NotVectorizable(type(scorer).__name__)
    if type(matcher) is ListMatcher:
        ids = np.asarray(matcher._ids, dtype=np.int64)
        if matcher._all_weights:
            weights = np.full(len(ids), float(matcher._all_weights))
        elif matcher._weights:
            weights = np.asarray(matcher._weights, dtype=np.float64)
        else:
            weights = np.ones(len(ids))
    else:
        fieldname, text = matcher.term()
        ids, weights = place.postings.postings(place.offset, fieldname, text, matcher)
        ids, weights = ids.astype(np.int64, copy=False), weights.astype(np.float64, copy=False)
    fieldname = matcher.term()[0]
    field_length = place.lengths.of(place.number, place.searcher.reader(), fieldname)[ids]
    return ids, bm25(scorer.idf, weights, field_length, scorer.avgfl, scorer.B, scorer.K1)


def block_ids(matcher: W3LeafMatcher) -> np.ndarray:
    """The document numbers of a posting matcher's current block. Whoosh stores them as gaps and
    adds them up one by one in a generator; a cumulative sum gives the same numbers at once."""
    if matcher._data is None:
        matcher._read_data()
    stored = matcher._data[0]
    if matcher._byteids:
        return np.asarray(stored, dtype=np.int64)
    return np.cumsum(np.asarray(stored, dtype=np.int64))


def sorted_union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The union of two sorted arrays of distinct numbers (``np.union1d`` hashes; this sorts)."""
    both = np.concatenate((a, b))
    both.sort()
    if len(both) < 2:
        return both
    return both[np.concatenate(([True], both[1:] != both[:-1]))]


def bm25(idf: float, tf: np.ndarray, fl: np.ndarray, avgfl: float, B: float, K1: float) -> np.ndarray:
    """``whoosh.scoring.bm25`` over arrays: the same operations in the same order, so the same floats."""
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


def phrase_documents(searcher: Any, schema: Any, phrase: Any) -> np.ndarray | None:
    """The document numbers where ``phrase``'s words stand at their offsets (one after another for
    Whoosh's own ``Phrase``), as its matcher finds them (slop 1), from whole posting lists: the
    documents holding every word first, then their positions, decoded only there. None for a phrase it does not take (another slop, a field
    without positions, postings of another kind): Whoosh matches those."""
    if phrase.slop != 1 or phrase.fieldname not in schema:
        return None
    field = schema[phrase.fieldname]
    if not field.format or not field.format.supports("positions"):
        return None
    try:
        words = [field.to_bytes(word) for word in phrase.words]
    except ValueError:
        return np.zeros(0, dtype=np.int64)
    decode = field.format.decode_positions
    offsets = phrase_offsets(phrase)
    found = []
    for reader, offset in searcher.reader().leaf_readers():
        postings: list[tuple[np.ndarray, list[Any]]] = []
        for word in words:
            try:
                matcher = reader.postings(phrase.fieldname, word)
            except (TermNotFound, KeyError):
                postings = []
                break
            listed = _ids_and_values(matcher)
            if listed is None:
                return None
            postings.append(listed)
        if not postings:
            continue
        candidates = postings[0][0]
        for ids, _ in postings[1:]:
            candidates = np.intersect1d(candidates, ids, assume_unique=True)
        where = [np.searchsorted(ids, candidates).tolist() for ids, _ in postings]
        kept = []
        for n, docnum in enumerate(candidates.tolist()):
            starts = set(decode(postings[0][1][where[0][n]]))
            for i in range(1, len(postings)):
                if not starts:
                    break
                starts &= {position - offsets[i] for position in decode(postings[i][1][where[i][n]])}
            if starts:
                kept.append(docnum)
        found.append(np.array(kept, dtype=np.int64) + offset)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _ids_and_values(matcher: Any) -> tuple[np.ndarray, list[Any]] | None:
    while type(matcher) is FilterMatcher and matcher._exclude:
        matcher = matcher.child  # deleted documents: the live column drops them
    if type(matcher) is ListMatcher:
        if matcher._values is None:
            return None
        return np.asarray(matcher._ids, dtype=np.int64), list(matcher._values)
    if type(matcher) is not W3LeafMatcher:
        return None
    fixed = matcher._fixedsize
    blocks = mapped_blocks(matcher) if fixed is None or fixed < 0 else None
    if blocks is not None:  # values stored one per posting, as positions are
        ids = [_block_ids(block[0], matcher._byteids) for _, block in blocks]
        return np.concatenate(ids), [value for _, block in blocks for value in block[2]]
    matcher.reset()
    id_blocks: list[np.ndarray] = []
    values: list[Any] = []
    while matcher.is_active():
        id_blocks.append(block_ids(matcher))
        matcher._read_values()
        values.extend(matcher._values)
        matcher._next_block()
    return (np.concatenate(id_blocks) if id_blocks else np.zeros(0, dtype=np.int64)), values

"""Versions of one story: near-duplicate articles (re-sends, updates, the same wire copy run by two
outlets) grouped at index time under one story id.

Each article's title and body become a set of shingles (runs of five words, case and punctuation
aside) and a MinHash signature of them (``datasketch``); locality-sensitive hashing over the
signatures finds the candidates, and a candidate is a version when the two texts are close enough
(``SIMILAR_JACCARD``, or ``CONTAINED`` for an update that adds paragraphs to a shorter text) and were
published within ``WINDOW`` of each other. Articles are taken in order of publication, so a story is
named by its earliest version; a new article joins the story of its closest earlier version and never
moves an article that is already grouped, so ``index add`` only hashes the new articles and story ids
stay stable. Two texts of the same build are compared by their exact Jaccard similarity; a new text
and one of the previous generation by the estimate their signatures give. The signatures live in the
generation (``stories.npz``) for the next ``add``, and a rebuild reuses the signature of every text it
already hashed.

Two write-ups of one event (the same news told by two outlets in their own words) share few runs of
words, so a second rule groups them: two articles published within ``EVENT_WINDOW`` of each other (or
both undated), whose content words are alike (TF-IDF cosine at least ``EVENT_COSINE``) and that name
at least ``EVENT_SHARED`` of the same rare people, organizations or places (in at most
``RARE_SHARE`` of the archive's articles, or ``RARE_ARTICLES``) are one story. Recurring reports
(the Fed's daily reserve operations, weekly money supply) share their words and their common names
("Fed", "U.S.") but not rare ones, and fall outside the window. The words and names of each article
are kept in the table too, so ``index add`` compares a new article with the archive's without
reading them again. Thresholds and what they find on Reuters are in the README ("Versions of one
story").
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
import re
import sys
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, overload

import numpy as np

from ..columns import UNDATED, timestamp
from ..story_corrections import apply_story_rules, read_story_rules
from .workers import MapAhead

STORIES_FILE = "stories.npz"
SHINGLE_WORDS = 5
PERMUTATIONS = 64  # 256 bytes of signature per article
SIMILAR_JACCARD = 0.4  # shared shingles over all shingles of the two: measured on Reuters (README)
CONTAINED = 0.8  # ... or the share of the shorter text's shingles found in the longer one
CANDIDATE_JACCARD = 0.25  # what LSH looks for: low enough to find a short text inside a long one
MIN_SHINGLES = 30  # shorter texts are tables and one-line notices: alike by template, not by story
WINDOW_SECONDS = 3 * 86400  # versions of one story are published within three days of each other
WORD = re.compile(r"\w+")
CONTENT_WORD = re.compile(r"[^\W\d_]{3,}")
RECURRING_GAP_SECONDS = 12 * 3600  # versions further apart must share a rare name (is_recurring_report)
EVENT_WINDOW_SECONDS = 2 * 86400  # two write-ups of one event appear within two days of each other
EVENT_COSINE = 0.5  # TF-IDF cosine of the two articles' content words
EVENT_SHARED = 3  # rare names both articles hold
RARE_SHARE = 0.002  # a name in at most this share of the archive's articles is rare ...
RARE_ARTICLES = 20  # ... or in at most this many (in a small archive every name is rare)
EVENT_WORDS = 100  # the most frequent content words of an article kept for the comparison
FEATURE_SEPARATOR, GROUP_SEPARATOR, ARTICLE_SEPARATOR = "\x1f", "\x1d", "\x1e"


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The runs of ``size`` consecutive words of ``text``, case and punctuation aside."""
    words = WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def story_text(title: str, body: str) -> str:
    return f"{title}\n{body}"


def signatures(shingle_sets: Sequence[set[str]]) -> np.ndarray:
    """One MinHash signature (``PERMUTATIONS`` unsigned 32-bit values) per set of shingles."""
    if not shingle_sets:
        return np.zeros((0, PERMUTATIONS), dtype=np.uint32)
    from datasketch import MinHash  # here, not at import: it loads SciPy (2 s), which a search never needs

    hashed = MinHash.bulk(
        ([s.encode("utf-8") for s in shingled] for shingled in shingle_sets),
        num_perm=PERMUTATIONS,
        hashfunc=zlib.crc32,  # stable across processes, and a tenth of SHA-1's time
    )
    return np.array([h.hashvalues for h in hashed], dtype=np.uint32)


@functools.cache
def _empty_minhash() -> Any:
    """The MinHash each signature starts from, its permutations drawn once a process (``MinHash.bulk``
    copies one the same way)."""
    from datasketch import MinHash

    return MinHash(num_perm=PERMUTATIONS, hashfunc=zlib.crc32)


def signature_of(shingled: set[str]) -> np.ndarray:
    """``signatures([shingled])[0]``, without drawing the permutations again for each text."""
    minhash = _empty_minhash().copy()
    minhash.update_batch([s.encode("utf-8") for s in shingled])
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


@dataclass(frozen=True)
class TextFeatures:
    """What grouping reads of an article's text: its shingle count, its signature (None where the
    previous generation's is reused) and its content words."""

    size: int
    signature: np.ndarray | None
    words: dict[str, int]


def text_features(title: str, body: str, with_signature: bool = True) -> TextFeatures:
    text = story_text(title, body)
    shingled = shingles(text)
    return TextFeatures(
        len(shingled), signature_of(shingled) if with_signature else None, content_words(text)
    )


def _text_features_of(work: tuple[str, str, bool]) -> TextFeatures:
    return text_features(*work)


class TextFeaturesAhead:
    """``text_features`` of a big rebuild's articles, in a forked process started before the normalize
    stage: their text is final then, and on two cores it takes the time the write leaves while the
    corpus-wide rules run. The stories stage then only compares. ``hashed``: the texts (by fingerprint)
    whose signature the previous generation holds."""

    def __init__(self, prepared: Sequence[Any], hashed: AbstractSet[str]) -> None:
        work = [(item.title, item.body, item.fingerprint not in hashed) for item in prepared]
        self._map = MapAhead(_text_features_of, work, processes=1)

    def get(self) -> list[TextFeatures]:
        return self._map.get()

    def abandon(self) -> None:
        self._map.abandon()


def hashed_keys(generation: Path | None) -> frozenset[str]:
    """The keys of the texts whose signatures a generation's table holds (those a rebuild reuses)."""
    path = Path(generation) / STORIES_FILE if generation else None
    if path is None or not path.is_file():
        return frozenset()
    with np.load(path) as arrays:
        signatures = arrays["signatures"]
        if signatures.ndim != 2 or signatures.shape[1] != PERMUTATIONS:
            return frozenset()
        return frozenset(arrays["keys"].tolist())


def exact_jaccard(first: set[str], second: set[str]) -> float:
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def estimated_jaccard(first: np.ndarray, second: np.ndarray) -> float:
    return float(np.mean(first == second))


def containment(jaccard: float, first_size: int, second_size: int) -> float:
    """The share of the smaller set found in the larger, from their Jaccard similarity and sizes:
    |A ∩ B| = J (|A| + |B|) / (1 + J)."""
    smaller = min(first_size, second_size)
    if smaller <= 0:
        return 0.0
    return min(1.0, jaccard * (first_size + second_size) / ((1 + jaccard) * smaller))


def within_window(first: int, second: int) -> bool:
    """Publication times (``columns.timestamp``) close enough for two versions; an undated article
    cannot be told apart by date, so its text alone decides."""
    return first == UNDATED or second == UNDATED or abs(first - second) <= WINDOW_SECONDS


def are_versions(
    jaccard: float, first_size: int, second_size: int, first_time: int, second_time: int
) -> bool:
    """Whether two texts, with these shingle counts and publication times, are versions of one story."""
    if min(first_size, second_size) < MIN_SHINGLES or not within_window(first_time, second_time):
        return False
    return jaccard >= SIMILAR_JACCARD or containment(jaccard, first_size, second_size) >= CONTAINED


@functools.cache
def stop_words() -> frozenset[str]:
    """spaCy's English stop words: in a small archive IDF cannot tell "said" from "Bolton". Read from
    their module alone where spaCy is not loaded yet: importing the package costs a process that never
    runs NER (a warm rebuild's) over half a second."""
    if "spacy" not in sys.modules:
        spec = importlib.util.find_spec("spacy")  # finds the package without running it
        path = (
            Path(next(iter(spec.submodule_search_locations or [])), "lang", "en", "stop_words.py")
            if spec
            else None
        )
        if path is not None and path.is_file():
            module_spec = importlib.util.spec_from_file_location("_spacy_english_stop_words", path)
            if module_spec is not None and module_spec.loader is not None:
                module = importlib.util.module_from_spec(module_spec)
                module_spec.loader.exec_module(module)
                return frozenset(module.STOP_WORDS)
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def content_words(text: str, keep: int = EVENT_WORDS) -> dict[str, int]:
    """The ``keep`` most frequent content words of ``text`` (lower case, three letters or more, no
    digits, no stop words) with their counts."""
    stops = stop_words()
    words = Counter(w for w in CONTENT_WORD.findall(text.casefold()) if w not in stops)
    return dict(words.most_common(keep))


def entity_names(people: Iterable[str], places: Iterable[str], orgs: Iterable[str]) -> frozenset[str]:
    """An article's people, places and organizations as one set, each name tagged with its facet."""
    return frozenset(
        [f"person:{p}" for p in people] + [f"place:{p}" for p in places] + [f"org:{o}" for o in orgs]
    )


@dataclass(frozen=True)
class EventFeatures:
    """What the "same event" rule compares of an article: its names and its content words."""

    names: frozenset[str] = frozenset()
    words: dict[str, int] = field(default_factory=dict)

    def encode(self) -> str:
        words = FEATURE_SEPARATOR.join(f"{w}:{n}" for w, n in self.words.items())
        return FEATURE_SEPARATOR.join(sorted(self.names)) + GROUP_SEPARATOR + words

    @classmethod
    def decode(cls, text: str) -> EventFeatures:
        words = text.partition(GROUP_SEPARATOR)[2]
        counts = {}
        for entry in words.split(FEATURE_SEPARATOR) if words else ():
            word, _, count = entry.rpartition(":")
            counts[word] = int(count)
        return cls(encoded_names(text), counts)


def encoded_names(text: str) -> frozenset[str]:
    """The names of an encoded ``EventFeatures``, without decoding its words (most of it)."""
    return frozenset(text.partition(GROUP_SEPARATOR)[0].split(FEATURE_SEPARATOR)) - {""}


class StoredEvents(Sequence[EventFeatures]):
    """A story table's names and words, one ``EventFeatures`` an article, each kept as the table stores it
    (encoded) until asked for: an ``add`` compares a few hundred articles with the archive's and need
    not decode the other twenty thousand, nor encode them again to save the table."""

    def __init__(self, items: Iterable[EventFeatures | str] = ()) -> None:
        self._items: list[EventFeatures | str] = list(items)

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> EventFeatures: ...

    @overload
    def __getitem__(self, index: slice) -> list[EventFeatures]: ...

    def __getitem__(self, index: int | slice) -> EventFeatures | list[EventFeatures]:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        item = self._items[index]
        if isinstance(item, str):
            item = self._items[index] = EventFeatures.decode(item)
        return item

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def names(self, index: int) -> frozenset[str]:
        item = self._items[index]
        return encoded_names(item) if isinstance(item, str) else item.names

    def select(self, rows: Iterable[int]) -> StoredEvents:
        return StoredEvents(self._items[n] for n in rows)

    def extended(self, more: Iterable[EventFeatures]) -> StoredEvents:
        return StoredEvents([*self._items, *more])

    def encoded(self) -> Iterator[str]:
        for item in self._items:
            yield item if isinstance(item, str) else item.encode()


@dataclass
class EventCounts:
    """In how many articles of a table each name and each content word appears (what makes a name rare
    and a word's IDF), kept in the table: an ``add`` updates them rather than counting the archive."""

    names: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, features: Iterable[EventFeatures]) -> EventCounts:
        counts = cls()
        for item in features:
            counts.names.update(item.names)
            counts.words.update(item.words.keys())
        return counts

    def plus(self, features: Iterable[EventFeatures]) -> EventCounts:
        more = EventCounts.of(features)
        return EventCounts(self.names + more.names, self.words + more.words)

    def minus(self, features: Iterable[EventFeatures]) -> EventCounts:
        less = EventCounts.of(features)
        return EventCounts(self.names - less.names, self.words - less.words)  # only counts above 0 stay


def within_event_window(first: int, second: int) -> bool:
    """Publication times close enough for two write-ups of one event. Two undated articles (a folder
    of text files) cannot be told apart by date, so their words and names decide; an undated article
    is never matched with a dated one, since the date is what keeps recurring reports apart."""
    if first == UNDATED or second == UNDATED:
        return first == second
    return abs(first - second) <= EVENT_WINDOW_SECONDS


def is_same_event(cosine: float, shared_rare_names: int, first_time: int, second_time: int) -> bool:
    """Whether two articles, this alike in words and sharing this many rare names, report one event."""
    return (
        shared_rare_names >= EVENT_SHARED
        and cosine >= EVENT_COSINE
        and within_event_window(first_time, second_time)
    )


def is_recurring_report(first_time: int, second_time: int, shared_names: tuple[int, int]) -> bool:
    """Whether two near-identical texts are two issues of a recurring report rather than versions of
    one story: published more than ``RECURRING_GAP`` apart, naming the same things (``shared_names``:
    how many names, how many of them rare), none of them rare. The Fed's daily "adds reserves via
    customer repurchases" or the Bank of England's money market forecast are one template filled in
    each day around one common name; a story updated the next day names its own companies, people or
    places. Texts that name nothing in common are judged by their words alone."""
    if first_time == UNDATED or second_time == UNDATED:
        return False
    shared, rare = shared_names
    return abs(first_time - second_time) > RECURRING_GAP_SECONDS and shared > 0 and rare == 0


def rare_limit(articles: int) -> float:
    """The most articles a rare name may appear in, in an archive of ``articles``."""
    return max(RARE_ARTICLES, RARE_SHARE * articles)


class EventMatcher:
    """The archive's document counts of names and words, and which articles hold each rare name: it
    finds the earlier articles sharing enough rare names with one and scores them by TF-IDF cosine."""

    def __init__(self, features: Sequence[EventFeatures], counts: EventCounts | None = None) -> None:
        """``counts``: the document counts of ``features``, when known (else they are counted here)."""
        self.features = features if isinstance(features, StoredEvents) else StoredEvents(features)
        self.counts = counts if counts is not None else EventCounts.of(features)
        self.name_counts, self.word_counts = self.counts.names, self.counts.words
        self.limit = rare_limit(len(features))
        self.holders: dict[str, list[int]] = {}
        self._vectors: dict[int, tuple[dict[str, float], float]] = {}

    def rare_names(self, row: int) -> list[str]:
        return [name for name in self.features.names(row) if self.name_counts[name] <= self.limit]

    def add(self, row: int) -> None:
        """Make ``row`` a candidate for the articles compared after it."""
        for name in self.rare_names(row):
            self.holders.setdefault(name, []).append(row)

    def shared_names(self, first: int, second: int) -> tuple[int, int]:
        """How many names two rows share, and how many of those are rare."""
        shared = self.features.names(first) & self.features.names(second)
        return len(shared), sum(1 for name in shared if self.name_counts[name] <= self.limit)

    def sharing(self, row: int) -> Counter[int]:
        """The rows added so far, with how many of ``row``'s rare names each holds."""
        return Counter(other for name in self.rare_names(row) for other in self.holders.get(name, ()))

    def vector(self, row: int) -> tuple[dict[str, float], float]:
        """TF-IDF weights of a row's words (sublinear term frequency, smoothed IDF) and their norm."""
        if row not in self._vectors:
            total = len(self.features)
            weights = {
                word: (1 + math.log(count)) * (math.log((1 + total) / (1 + self.word_counts[word])) + 1)
                for word, count in self.features[row].words.items()
            }
            self._vectors[row] = weights, math.sqrt(sum(w * w for w in weights.values()))
        return self._vectors[row]

    def cosine(self, first: int, second: int) -> float:
        (a, a_norm), (b, b_norm) = self.vector(first), self.vector(second)
        if not a_norm or not b_norm:
            return 0.0
        if len(a) > len(b):
            a, b = b, a
        return sum(weight * b[word] for word, weight in a.items() if word in b) / (a_norm * b_norm)


@dataclass
class StoryTable:
    """Every live article's story id, with what grouping a new article needs: its signature, shingle
    count and publication time, and the key of the text they were computed from."""

    ids: list[str] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    published: list[int] = field(default_factory=list)
    signatures: np.ndarray = field(default_factory=lambda: np.zeros((0, PERMUTATIONS), dtype=np.uint32))
    events: StoredEvents = field(default_factory=StoredEvents)  # names and words, for the "same event" rule
    counts: EventCounts | None = None  # of ``events``, when known

    def story_of(self) -> dict[str, str]:
        return dict(zip(self.ids, self.stories, strict=True))

    def without(self, leaving: Iterable[str]) -> StoryTable:
        gone = set(leaving)
        keep = [n for n, doc_id in enumerate(self.ids) if doc_id not in gone]
        counts = self.counts
        if counts is not None and len(keep) < len(self.ids):
            kept = set(keep)
            counts = counts.minus(self.events[n] for n in range(len(self.ids)) if n not in kept)
        return StoryTable(
            ids=[self.ids[n] for n in keep],
            stories=[self.stories[n] for n in keep],
            keys=[self.keys[n] for n in keep],
            sizes=[self.sizes[n] for n in keep],
            published=[self.published[n] for n in keep],
            signatures=self.signatures[keep] if keep else np.zeros((0, PERMUTATIONS), dtype=np.uint32),
            events=self.events.select(keep),
            counts=counts,
        )

    def groups(self) -> dict[str, list[str]]:
        """Story id -> the ids of its versions."""
        found: dict[str, list[str]] = {}
        for doc_id, story in zip(self.ids, self.stories, strict=True):
            found.setdefault(story, []).append(doc_id)
        return found

    def save(self, generation: Path) -> None:
        """Written beside and renamed: an ``add`` starts from hard links to the old generation's files."""
        partial = Path(generation) / (STORIES_FILE + ".partial")
        counts = self.counts if self.counts is not None else EventCounts.of(self.events)
        with open(partial, "wb") as handle:
            save_npz_fast(  # ids and keys compress; the signatures, being random, do not
                handle,
                ids=np.array(self.ids, dtype=str),
                stories=np.array(self.stories, dtype=str),
                keys=np.array(self.keys, dtype=str),
                sizes=np.array(self.sizes, dtype=np.int32),
                published=np.array(self.published, dtype=np.int64),
                signatures=self.signatures.astype(np.uint32),
                events=encoded_text(ARTICLE_SEPARATOR.join(self.events.encoded())),
                name_counts_keys=encoded_text(FEATURE_SEPARATOR.join(counts.names)),
                name_counts=np.array(list(counts.names.values()), dtype=np.int64),
                word_counts_keys=encoded_text(FEATURE_SEPARATOR.join(counts.words)),
                word_counts=np.array(list(counts.words.values()), dtype=np.int64),
            )
        os.replace(partial, Path(generation) / STORIES_FILE)

    @classmethod
    def load(cls, generation: Path | None) -> StoryTable:
        """The generation's table; empty when there is none (a generation built before stories)."""
        path = Path(generation) / STORIES_FILE if generation else None
        if path is None or not path.is_file():
            return cls()
        arrays = np.load(path)
        signatures = arrays["signatures"]
        if signatures.ndim != 2 or signatures.shape[1] != PERMUTATIONS:
            return cls()  # another signature length: nothing to compare with, every text is hashed again
        ids = arrays["ids"].tolist()
        events = StoredEvents([EventFeatures()] * len(ids))  # written before the rule: no names, no words
        counts = None
        if "events" in arrays.files and ids:
            encoded = arrays["events"].tobytes().decode("utf-8").split(ARTICLE_SEPARATOR)
            if len(encoded) == len(ids):
                events = StoredEvents(encoded)
                counts = stored_counts(arrays)
        return cls(
            ids=ids,
            stories=arrays["stories"].tolist(),
            keys=arrays["keys"].tolist(),
            sizes=arrays["sizes"].tolist(),
            published=arrays["published"].tolist(),
            signatures=signatures,
            events=events,
            counts=counts,
        )


def encoded_text(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def stored_counts(arrays: Any) -> EventCounts | None:
    """The table's document counts of names and words; None for a table written without them."""
    if not {"name_counts_keys", "name_counts", "word_counts_keys", "word_counts"} <= set(arrays.files):
        return None
    found = []
    for kind in ("name", "word"):
        text = arrays[f"{kind}_counts_keys"].tobytes().decode("utf-8")
        keys = text.split(FEATURE_SEPARATOR) if text else []
        values = arrays[f"{kind}_counts"].tolist()
        if len(keys) != len(values):
            return None
        found.append(Counter(dict(zip(keys, values, strict=True))))
    return EventCounts(*found)


def save_npz_fast(handle: Any, **arrays: np.ndarray) -> None:
    """``np.savez_compressed`` at zlib's fastest level: what ``np.load`` reads, in half the CPU time
    (1.1 -> 0.5 s for Reuters' table, which every ``add`` writes again) for a file 11% bigger."""
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


@dataclass(frozen=True)
class StoryInput:
    """What grouping reads of an article: its id, the key of its text, the text, its date, and its
    names and content words."""

    id: str
    key: str
    text: str
    published: datetime | None
    events: EventFeatures = EventFeatures()
    features: TextFeatures | None = None  # of ``text``, when computed ahead (``TextFeaturesAhead``)


def assign_stories(
    previous: StoryTable, articles: Sequence[StoryInput], cache: StoryTable | None = None
) -> StoryTable:
    """``previous`` (the articles already grouped, which keep their stories) with ``articles`` added,
    each joining the story of its closest earlier version or starting its own. ``cache``: a table whose
    signatures may be reused for texts with the same key (a rebuild's previous generation)."""
    cached: dict[str, int] = {}
    if cache is not None:
        cached = {key: n for n, key in enumerate(cache.keys)}
    ordered = sorted(articles, key=lambda a: (a.published is None, timestamp(a.published), a.id))
    sizes = [0] * len(ordered)
    new_signatures = np.zeros((len(ordered), PERMUTATIONS), dtype=np.uint32)
    to_hash: list[int] = []
    # this build's texts are at hand: two of them are compared by their exact Jaccard similarity (the
    # shingles of a text whose features were computed ahead are made when it is first compared)
    shingle_sets = ShingleSets([article.text for article in ordered])
    for n, article in enumerate(ordered):
        features = article.features
        sizes[n] = features.size if features is not None else len(shingle_sets[n])
        if cache is not None and article.key in cached:
            new_signatures[n] = cache.signatures[cached[article.key]]
        elif features is not None and features.signature is not None:
            new_signatures[n] = features.signature
        else:
            to_hash.append(n)
    if to_hash:
        new_signatures[to_hash] = signatures([shingle_sets[n] for n in to_hash])

    table = StoryTable(
        ids=list(previous.ids),
        stories=list(previous.stories),
        keys=list(previous.keys),
        sizes=list(previous.sizes),
        published=list(previous.published),
        signatures=np.concatenate([previous.signatures, new_signatures]).astype(np.uint32),
        events=previous.events.extended(article.events for article in ordered),
    )
    counts = previous.counts.plus(a.events for a in ordered) if previous.counts is not None else None
    events = EventMatcher(table.events, counts)
    table.counts = events.counts
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=PERMUTATIONS)  # this call's articles
    earlier = EarlierBands(
        previous.signatures, np.array(previous.sizes, dtype=np.int64) >= MIN_SHINGLES, lsh.hashranges
    )
    for n in range(len(previous.ids)):
        events.add(n)
    offset = len(previous.ids)
    for n, article in enumerate(ordered):
        row = offset + n
        when = timestamp(article.published)
        minhash = _lean(new_signatures[n])
        story = article.id
        if sizes[n] >= MIN_SHINGLES:
            best = -1.0
            for candidate in sorted(earlier.candidates(new_signatures[n]).union(lsh.query(minhash))):
                if candidate >= offset:
                    jaccard = exact_jaccard(shingle_sets[candidate - offset], shingle_sets[n])
                else:  # an article of the previous generation: its signature is all that is kept
                    jaccard = estimated_jaccard(table.signatures[candidate], new_signatures[n])
                if (
                    jaccard > best
                    and are_versions(
                        jaccard, table.sizes[candidate], sizes[n], table.published[candidate], when
                    )
                    and not is_recurring_report(
                        table.published[candidate], when, events.shared_names(candidate, row)
                    )
                ):
                    best, story = jaccard, table.stories[candidate]
            lsh.insert(row, minhash, check_duplication=False)
        if story == article.id:
            story = _same_event_story(table, events, row, article.id, when)
        events.add(row)
        table.ids.append(article.id)
        table.stories.append(story)
        table.keys.append(article.key)
        table.sizes.append(sizes[n])
        table.published.append(when)
    return table


class ShingleSets:
    """The shingles of each of ``texts``, made when first asked for, then kept."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = texts
        self._made: dict[int, set[str]] = {}

    def __getitem__(self, row: int) -> set[str]:
        found = self._made.get(row)
        if found is None:
            found = self._made[row] = shingles(self._texts[row])
        return found


class EarlierBands:
    """The LSH bands of the articles grouped before this call, each band's keys sorted once with NumPy.

    An ``add`` of a few hundred articles used to insert all 20,000 earlier signatures into an LSH before
    querying it, which took longer than the rest of grouping. Looking a new article's bands up in these
    sorted arrays finds the same candidates: the rows sharing at least one whole band with it."""

    def __init__(
        self, signatures: np.ndarray, eligible: np.ndarray, hashranges: Sequence[tuple[int, int]]
    ) -> None:
        rows = np.flatnonzero(eligible)
        self.empty = not len(rows)  # a rebuild's: twenty searches of empty bands per article, spared
        self.hashranges = list(hashranges)
        self.bands: list[tuple[np.ndarray, np.ndarray]] = []
        for start, end in self.hashranges:
            keys = _band_keys(signatures.reshape(-1, PERMUTATIONS)[rows, start:end])
            order = np.argsort(keys, kind="stable")
            self.bands.append((keys[order], rows[order]))

    def candidates(self, signature: np.ndarray) -> set[int]:
        found: set[int] = set()
        if self.empty:
            return found
        for (keys, rows), (start, end) in zip(self.bands, self.hashranges, strict=True):
            key = _band_keys(signature[None, start:end])
            low, high = np.searchsorted(keys, key, "left")[0], np.searchsorted(keys, key, "right")[0]
            found.update(rows[low:high].tolist())
        return found


def _band_keys(band: np.ndarray) -> np.ndarray:
    """Each row's band values as one sortable key (their bytes)."""
    values = np.ascontiguousarray(band, dtype=np.uint32)
    return values.view(np.dtype((np.void, values.shape[1] * 4))).ravel()


def _same_event_story(table: StoryTable, events: EventMatcher, row: int, article_id: str, when: int) -> str:
    """The story of the earlier article reporting the same event as ``row`` (the most alike in
    words), or the article's own id when there is none."""
    story, best = article_id, -1.0
    for other, shared in events.sharing(row).items():
        if shared < EVENT_SHARED or not within_event_window(table.published[other], when):
            continue
        cosine = events.cosine(row, other)
        if cosine > best and is_same_event(cosine, shared, table.published[other], when):
            best, story = cosine, table.stories[other]
    return story


def _lean(values: np.ndarray) -> Any:
    from datasketch import LeanMinHash

    return LeanMinHash(seed=1, hashvalues=values.astype(np.uint64), scheme="affine32")


def group_for_build(
    previous_generation: Path | None,
    written: Sequence[Any],
    leaving: Iterable[str],
    incremental: bool,
    features: Sequence[TextFeatures] | None = None,
) -> StoryTable:
    """The story table of a new generation. ``written`` are the build's prepared articles (``stages.prepare.
    PreparedArticle``: cleaned title and body, fingerprint); an ``add`` keeps the previous generation's
    stories, less the articles ``leaving`` it or written again, and groups the written ones into them;
    a rebuild groups everything afresh, reusing the signatures of texts the previous generation hashed.
    ``features``: the text features of ``written``, if computed ahead (``TextFeaturesAhead``)."""
    old = StoryTable.load(previous_generation)
    ahead: Sequence[TextFeatures | None] = features if features is not None else [None] * len(written)
    inputs = [
        StoryInput(
            item.article.id,
            item.fingerprint,
            story_text(item.title, item.body),
            item.article.published,
            event_features(item, found.words if found is not None else None),
            found,
        )
        for item, found in zip(written, ahead, strict=True)
    ]
    if incremental:
        return assign_stories(old.without(set(leaving) | {i.id for i in inputs}), inputs)
    return assign_stories(StoryTable(), inputs, cache=old)


def corrected_story_of(table: StoryTable, index_dir: Path) -> dict[str, str]:
    """Article id -> story id with the readers' corrections (``stories.txt`` in the index dir) applied
    after the automatic grouping: what the build writes into an engine that stores each article's story.
    The table itself keeps the automatic grouping, so the next ``add`` groups against it and ``undo``
    takes back only what a rule changed."""
    return apply_story_rules(table.story_of(), read_story_rules(index_dir))


def event_features(item: Any, words: dict[str, int] | None = None) -> EventFeatures:
    """A prepared article's names (after normalization) and content words (``words``, if found already)."""
    names = frozenset[str]()
    if item.entities is not None:
        entities = item.entities
        names = entity_names(entities.people, (p.name for p in entities.places), entities.orgs)
    return EventFeatures(
        names, words if words is not None else content_words(story_text(item.title, item.body))
    )


def story_ids(generation: Path) -> dict[str, str]:
    """Article id -> story id, read without the signatures (what the searcher needs)."""
    path = Path(generation) / STORIES_FILE
    if not path.is_file():
        return {}
    arrays = np.load(path)
    return dict(zip(arrays["ids"].tolist(), arrays["stories"].tolist(), strict=True))

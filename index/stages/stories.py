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
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from ..columns import UNDATED, timestamp

STORIES_FILE = "stories.npz"
SHINGLE_WORDS = 5
PERMUTATIONS = 64  # 256 bytes of signature per article
SIMILAR_JACCARD = 0.4  # shared shingles over all shingles of the two: measured on Reuters (README)
CONTAINED = 0.8  # ... or the share of the shorter text's shingles found in the longer one
CANDIDATE_JACCARD = 0.25  # what LSH looks for: low enough to find a short text inside a long one
MIN_SHINGLES = 30  # shorter texts are tables and one-line notices: alike by template, not by story
WINDOW_SECONDS = 3 * 86400  # versions of one story are published within three days of each other
WORD = re.compile(r"\w+")


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
    hashed = MinHash.bulk(
        ([s.encode("utf-8") for s in shingled] for shingled in shingle_sets),
        num_perm=PERMUTATIONS,
        hashfunc=zlib.crc32,  # stable across processes, and a tenth of SHA-1's time
    )
    return np.array([h.hashvalues for h in hashed], dtype=np.uint32)


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

    def story_of(self) -> dict[str, str]:
        return dict(zip(self.ids, self.stories, strict=True))

    def without(self, leaving: Iterable[str]) -> StoryTable:
        gone = set(leaving)
        keep = [n for n, doc_id in enumerate(self.ids) if doc_id not in gone]
        return StoryTable(
            ids=[self.ids[n] for n in keep],
            stories=[self.stories[n] for n in keep],
            keys=[self.keys[n] for n in keep],
            sizes=[self.sizes[n] for n in keep],
            published=[self.published[n] for n in keep],
            signatures=self.signatures[keep] if keep else np.zeros((0, PERMUTATIONS), dtype=np.uint32),
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
        with open(partial, "wb") as handle:
            np.savez_compressed(  # ids and keys compress; the signatures, being random, do not
                handle,
                ids=np.array(self.ids, dtype=str),
                stories=np.array(self.stories, dtype=str),
                keys=np.array(self.keys, dtype=str),
                sizes=np.array(self.sizes, dtype=np.int32),
                published=np.array(self.published, dtype=np.int64),
                signatures=self.signatures.astype(np.uint32),
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
        return cls(
            ids=arrays["ids"].tolist(),
            stories=arrays["stories"].tolist(),
            keys=arrays["keys"].tolist(),
            sizes=arrays["sizes"].tolist(),
            published=arrays["published"].tolist(),
            signatures=signatures,
        )


@dataclass(frozen=True)
class StoryInput:
    """What grouping reads of an article: its id, the key of its text, the text and its date."""

    id: str
    key: str
    text: str
    published: datetime | None


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
    # this build's texts are at hand: two of them are compared by their exact Jaccard similarity
    shingle_sets = [shingles(article.text) for article in ordered]
    for n, article in enumerate(ordered):
        sizes[n] = len(shingle_sets[n])
        if cache is not None and article.key in cached:
            new_signatures[n] = cache.signatures[cached[article.key]]
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
    )
    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=PERMUTATIONS)
    with lsh.insertion_session() as session:
        for n in range(len(previous.ids)):
            if previous.sizes[n] >= MIN_SHINGLES:
                session.insert(n, _lean(previous.signatures[n]), check_duplication=False)
    offset = len(previous.ids)
    for n, article in enumerate(ordered):
        row = offset + n
        when = timestamp(article.published)
        minhash = _lean(new_signatures[n])
        story = article.id
        if sizes[n] >= MIN_SHINGLES:
            best = -1.0
            for candidate in lsh.query(minhash):
                if candidate >= offset:
                    jaccard = exact_jaccard(shingle_sets[candidate - offset], shingle_sets[n])
                else:  # an article of the previous generation: its signature is all that is kept
                    jaccard = estimated_jaccard(table.signatures[candidate], new_signatures[n])
                if jaccard > best and are_versions(
                    jaccard, table.sizes[candidate], sizes[n], table.published[candidate], when
                ):
                    best, story = jaccard, table.stories[candidate]
            lsh.insert(row, minhash, check_duplication=False)
        table.ids.append(article.id)
        table.stories.append(story)
        table.keys.append(article.key)
        table.sizes.append(sizes[n])
        table.published.append(when)
    return table


def _lean(values: np.ndarray) -> Any:
    return LeanMinHash(seed=1, hashvalues=values.astype(np.uint64), scheme="affine32")


def group_for_build(
    previous_generation: Path | None, written: Sequence[Any], leaving: Iterable[str], incremental: bool
) -> StoryTable:
    """The story table of a new generation. ``written`` are the build's prepared articles (``stages.prepare.
    PreparedArticle``: cleaned title and body, fingerprint); an ``add`` keeps the previous generation's
    stories, less the articles ``leaving`` it or written again, and groups the written ones into them;
    a rebuild groups everything afresh, reusing the signatures of texts the previous generation hashed."""
    old = StoryTable.load(previous_generation)
    inputs = [
        StoryInput(
            item.article.id, item.fingerprint, story_text(item.title, item.body), item.article.published
        )
        for item in written
    ]
    if incremental:
        return assign_stories(old.without(set(leaving) | {i.id for i in inputs}), inputs)
    return assign_stories(StoryTable(), inputs, cache=old)


def story_ids(generation: Path) -> dict[str, str]:
    """Article id -> story id, read without the signatures (what the searcher needs)."""
    path = Path(generation) / STORIES_FILE
    if not path.is_file():
        return {}
    arrays = np.load(path)
    return dict(zip(arrays["ids"].tolist(), arrays["stories"].tolist(), strict=True))

"""Wire headlines in capitals ("OPEC MAY HAVE TO CUT OUTPUT") read in title case on the page, with
their acronyms kept: "OPEC May Have To Cut Output", not "Opec May Have...".

Which words are acronyms is learnt from the archive itself: a word the mixed-case text of the index
writes in capitals about as often as in lower case ("OPEC", "US", "GATT"), or that the facet values
write in capitals and the text never in lower case. "MAY" is "may" in running text, so it is a word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .backend import Generation

MIN_HEADLINE_LETTERS = 12  # "IBM" alone is a name, not a shouted headline
ACRONYM_SHARE = 0.1  # in capitals at least once for every ten times in lower case: US 25%, MAY 4.5%
WORD = re.compile(r"[A-Za-z]{2,}")
CAPITALS_LINE = re.compile(r"^[^a-z\n]*$", re.MULTILINE)  # a line without a lower-case letter
PART = re.compile(r"([^-/]+)")


def find_acronyms(texts: Iterable[str], facet_values: Iterable[str] = ()) -> frozenset[str]:
    """The words written as acronyms in ``texts`` (mixed-case article text; lines without a lower-case
    letter, such as tables and headlines, are not evidence) and in ``facet_values``."""
    words: Counter[str] = Counter()
    for text in texts:
        words.update(WORD.findall(CAPITALS_LINE.sub("", text)))
    capitals: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for word, count in words.items():
        if word.isupper():
            capitals[word] += count
        elif word.islower() or word[1:].islower():
            lower[word.upper()] += count
    # a value all in capitals and of several words ("NEW YORK", from a shouted headline) is no evidence
    in_facets = {
        word
        for value in facet_values
        if len(value.split()) == 1 or not value.isupper()
        for word in WORD.findall(value)
        if word.isupper()
    }
    found = {word for word, count in capitals.items() if count >= 2 and count >= ACRONYM_SHARE * lower[word]}
    found |= {word for word in in_facets if lower[word] == 0 or capitals[word] >= ACRONYM_SHARE * lower[word]}
    return frozenset(found)


def headline_case(title: str, acronyms: frozenset[str] | set[str] = frozenset()) -> str:
    """An all-capitals headline in title case, keeping ``acronyms`` and words with dots or digits
    ("U.S.", "1987"); any other title unchanged."""
    letters = [c for c in title if c.isalpha()]
    if len(letters) <= MIN_HEADLINE_LETTERS or not all(c.isupper() for c in letters):
        return title

    def part_case(part: str) -> str:
        core = part.strip("'\"()[],.;:!?")
        if not core or core.startswith("<") or "." in core or core.split("'")[0] in acronyms:
            return part  # tickers (<IBM>), "U.S.", acronyms
        if core[0].isdigit():
            return part.lower()  # 4TH -> 4th
        if any(c.isdigit() for c in core):
            return part  # M3, F16
        first = next((i for i, c in enumerate(part) if c.isalpha()), None)
        return part if first is None else part[: first + 1] + part[first + 1 :].lower()

    return " ".join(
        "".join(part_case(p) if p not in "-/" else p for p in PART.split(word) if p) for word in title.split()
    )


SAMPLE_ARTICLES = 2500  # evidence enough for the words of headlines, in well under a second
SAMPLE_CHARS = 2000
_cache: dict[str, frozenset[str]] = {}


def index_acronyms(generation: Generation) -> frozenset[str]:
    """The acronyms of one index generation (a ``backend.Generation``), learnt once from an even sample
    of its articles' text and from its facet values."""
    key = str(generation.path)
    if key not in _cache:
        live = [int(n) for n in generation.columns.live.nonzero()[0]]
        sample = live[:: max(1, len(live) // SAMPLE_ARTICLES)]
        texts = ((generation.searcher.stored_fields(n).get("body") or "")[:SAMPLE_CHARS] for n in sample)
        values = [
            value
            for facet in ("person", "place", "country", "org")
            for value in generation.columns.facets[facet].values
        ]
        if len(_cache) > 4:
            _cache.clear()
        _cache[key] = find_acronyms(texts, values)
    return _cache[key]

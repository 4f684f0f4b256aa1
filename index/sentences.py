"""Where a text's sentences end, as the index reads them: a phrase is matched within one sentence.

The text fields' tokenizer (``schema.SentenceTokenizer``) and the fast writer's analysis
(``segment_writer.TextAnalysis``) both leave ``SENTENCE_GAP`` positions between the sentences these
spans give, so no phrase (slop up to ``MAX_PHRASE_SLOP``) runs from one sentence into the next, and the
OpenSearch backend writes its words one sentence a value with the same gap between them.
"""

from __future__ import annotations

import re

SENTENCE_GAP = 100  # positions between sentences (OpenSearch's own position_increment_gap between values)
MAX_PHRASE_SLOP = SENTENCE_GAP // 2  # a phrase's slop is at most this: it cannot reach the next sentence

# A sentence end: a line break (a paragraph: the cleaned body holds one a line), or . ! ? (then any
# closing quotes or brackets) and a space before a capital letter (after any opening quotes). The
# word before the stop says whether it is an abbreviation (``_is_abbreviation``).
# (One character class first: the regular expression engine skips to those characters, 4 times faster.)
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=\n)\s*|[.!?\"')\]’”»]*\s+(?=[\"'(\[‘“«]*([^\W\d_])))")
_WORD_BEFORE = re.compile(r"\w+(?:\.\w+)*\Z")
_LONGEST_WORD_LOOKED_AT = 40  # characters before a stop searched for the word it ends
# Abbreviations written with a stop before a name or a capitalised word: "Mr. Baker", "Corp. Chairman"
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "prof",
        "gov",
        "sen",
        "rep",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "messrs",
        "mt",
        "ft",
        "co",
        "corp",
        "inc",
        "ltd",
        "bros",
        "no",
        "vs",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)


def _is_abbreviation(word: str) -> bool:
    """A word whose stop ends no sentence: an initial ("F."), one with stops inside ("U.S."), a title."""
    with_stops = "." in word and not word.replace(".", "").isdigit()  # "U.S.", not "3.5."
    return len(word) == 1 or with_stops or word.lower() in ABBREVIATIONS


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) character spans of ``text``'s sentences, in order, covering the whole text
    between the sentence ends (a span may hold no word). A sentence end is never inside a word."""
    spans = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if "\n" not in end.group(0):
            letter = end.group(1)
            if letter is None or not letter.isupper():
                continue
            word = _WORD_BEFORE.search(text, max(0, end.start() - _LONGEST_WORD_LOOKED_AT), end.start())
            if word is not None and _is_abbreviation(word.group(0)):
                continue
        spans.append((start, end.start()))
        start = end.end()
    spans.append((start, len(text)))
    return spans

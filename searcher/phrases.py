"""A quoted phrase as the index holds its words: each word at its place, the stop words' places kept.

The text fields keep every word's position, a dropped stop word's too (``index.schema``), so
"Bank of England" holds "bank" and "england" two positions apart. Whoosh's ``Phrase`` only knows
adjacent words: ``"bank of england"`` became "bank england" and found both. ``OffsetPhrase`` is a
``Phrase`` that also knows each word's offset from the first, as the field's analyzer reads the
phrase, and matches only where the words stand at those offsets (with ``slop`` > 1, as OpenSearch's
sloppy phrase matches: ``phrase_spans``). ``OffsetPhrasePlugin`` makes the query
parser build it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from whoosh import matching
from whoosh.qparser import PhrasePlugin
from whoosh.qparser.common import attach
from whoosh.qparser.taggers import RegexTagger
from whoosh.query import NullQuery, Phrase, QueryError, Term
from whoosh.query.spans import Span, SpanNear2

from index.sentences import MAX_PHRASE_SLOP


def phrase_offsets(phrase: Any) -> tuple[int, ...]:
    """Each word's position after the first word's: a Whoosh ``Phrase`` (adjacent words) or ours."""
    offsets = getattr(phrase, "offsets", None)
    return tuple(offsets) if offsets is not None else tuple(range(len(phrase.words)))


class OffsetPhrase(Phrase):
    """Whoosh's ``Phrase``, its words at ``offsets`` from the first (``(0, 2)``: one position between
    them, where the phrase had a stop word). Without offsets, the words are adjacent."""

    def __init__(
        self,
        fieldname: str,
        words: list[str],
        slop: int = 1,
        boost: float = 1.0,
        char_ranges: list[Any] | None = None,
        offsets: Sequence[int] | None = None,
    ) -> None:
        super().__init__(fieldname, words, slop=slop, boost=boost, char_ranges=char_ranges)
        self.offsets = tuple(offsets) if offsets is not None else tuple(range(len(words)))
        if len(self.offsets) != len(words) or list(self.offsets) != sorted(self.offsets):
            raise ValueError(f"offsets: one a word, in order (got {self.offsets} for {words})")

    def __eq__(self, other: object) -> bool:
        return bool(super().__eq__(other)) and self.offsets == getattr(other, "offsets", None)

    def __hash__(self) -> int:
        return int(super().__hash__()) ^ hash(self.offsets)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fieldname!r}, {self.words!r}, offsets={self.offsets}, slop={self.slop}, boost={self.boost:f})"

    def normalize(self) -> Any:
        if not self.words:
            return NullQuery
        if len(self.words) == 1:
            term = Term(self.fieldname, self.words[0])
            if self.char_ranges:
                term.startchar, term.endchar = self.char_ranges[0]
            return term
        return OffsetPhrase(
            self.fieldname, list(self.words), self.slop, self.boost, self.char_ranges, self.offsets
        )

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            raise QueryError(f"Phrase search: {fieldname!r} field has no positions")
        reader = searcher.reader()
        terms = []
        for word in self.words:
            try:
                text = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, text) not in reader:
                return matching.NullMatcher()  # a word the field never holds: no document
            terms.append(Term(fieldname, text))
        found = OffsetPhraseMatcher(
            [term.matcher(searcher, context) for term in terms], self.offsets, self.slop
        )
        return matching.WrappingMatcher(found, boost=self.boost) if self.boost != 1.0 else found


def phrase_spans(positions: Sequence[Sequence[int]], offsets: Sequence[int], slop: int = 1) -> list[Span]:
    """Where a phrase stands among its words' sorted ``positions`` (one list a word): a span from its
    first position to its last for each match. With ``slop`` 1, each word ``i`` at ``offsets[i]`` from
    the first; with more, as OpenSearch's (Lucene's) sloppy phrase matches: the words at distinct
    positions, each position less its word's offset all within ``slop - 1`` of each other (a word may
    stand a little out of its place, even before the word it follows in the phrase)."""
    if slop <= 1:
        return _exact_spans(positions, offsets)
    reach = slop - 1
    shifted = sorted((p - offset, word, p) for word, offset in enumerate(offsets) for p in positions[word])
    found = set()
    for first, (low, _, _) in enumerate(shifted):
        options: list[list[int]] = [[] for _ in offsets]
        for value, word, p in shifted[first:]:
            if value > low + reach:
                break
            options[word].append(p)
        chosen = _distinct_choice(options)
        if chosen is not None:
            found.add((min(chosen), max(chosen)))
    return [Span(start, end) for start, end in sorted(found)]


def _distinct_choice(options: list[list[int]], taken: tuple[int, ...] = ()) -> tuple[int, ...] | None:
    """A position for each word from its ``options``, no two alike (a repeated word: two places)."""
    if len(taken) == len(options):
        return taken
    for p in options[len(taken)]:
        if p not in taken:
            chosen = _distinct_choice(options, (*taken, p))
            if chosen is not None:
                return chosen
    return None


def _exact_spans(positions: Sequence[Sequence[int]], offsets: Sequence[int]) -> list[Span]:
    starts = set(positions[0])
    for word in range(1, len(positions)):
        starts &= {p - offsets[word] for p in positions[word]}
        if not starts:
            return []
    return [Span(start, start + offsets[-1]) for start in sorted(starts)]


class OffsetPhraseMatcher(SpanNear2.SpanNear2Matcher):
    """Whoosh's phrase matcher (``SpanNear2``'s) with the words at given offsets, a slop as Lucene's."""

    def __init__(self, ms: list[Any], offsets: Sequence[int], slop: int = 1) -> None:
        self.offsets = tuple(offsets)  # before Whoosh's init, which looks for the first match
        super().__init__(ms, slop=slop, ordered=True, mindist=1)

    def copy(self) -> OffsetPhraseMatcher:
        return OffsetPhraseMatcher([m.copy() for m in self.ms], self.offsets, self.slop)

    def _get_spans(self) -> list[Span]:
        positions = [sorted(span.start for span in m.spans()) for m in self.ms]
        return phrase_spans(positions, self.offsets, self.slop)


class OffsetPhrasePlugin(PhrasePlugin):
    """Whoosh's ``PhrasePlugin`` building ``OffsetPhrase``: the phrase's words and their offsets as the
    field's analyzer reads them (``"bank of england"`` is "bank" then "england" two positions on), its
    slop at most ``MAX_PHRASE_SLOP`` (a phrase stays within a sentence)."""

    class PhraseNode(PhrasePlugin.PhraseNode):
        def query(self, parser: Any) -> Any:
            fieldname = self.fieldname or parser.fieldname
            field = parser.schema[fieldname] if parser.schema and fieldname in parser.schema else None
            if field is None or not field.analyzer:
                return super().query(parser)
            start = self.textstartchar
            tokens = [
                (token.text, token.pos, (start + token.startchar, start + token.endchar))
                for token in field.tokenize(self.text, mode="query", chars=True, positions=True)
            ]
            first = tokens[0][1] if tokens else 0
            phrase = OffsetPhrase(
                fieldname,
                [text for text, _, _ in tokens],
                slop=min(self.slop, MAX_PHRASE_SLOP),
                boost=self.boost,
                char_ranges=[chars for _, _, chars in tokens],
                offsets=[position - first for _, position, _ in tokens],
            )
            return attach(phrase, self)

    class PhraseTagger(RegexTagger):
        def create(self, parser: Any, match: Any) -> Any:
            slop = match.group("slop")
            return OffsetPhrasePlugin.PhraseNode(
                match.group("text"), match.start("text"), int(slop) if slop else 1
            )

    def taggers(self, parser: Any) -> list[tuple[Any, int]]:
        return [(self.PhraseTagger(self.expr), 0)]


def use_offset_phrases(parser: Any) -> Any:
    """``parser`` with its phrases read by ``OffsetPhrasePlugin``."""
    parser.remove_plugin_class(PhrasePlugin)
    parser.add_plugin(OffsetPhrasePlugin())
    return parser

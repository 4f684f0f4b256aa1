"""A quoted phrase matches an article iff its text holds the phrase's words in order, each stop word of
the phrase standing for one word of the text (stop words are not indexed: "bank of england" finds
"Bank in England"), within one sentence: checked by hypothesis on real indexes written by our writer,
and on the words the OpenSearch backend writes."""

import itertools
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.query import Phrase

from index.schema import build_schema, english_stem, outdated_index_message, query_schema
from index.segment_writer import FastSegmentWriter
from index.sentences import MAX_PHRASE_SLOP, SENTENCE_GAP, sentence_spans
from searcher.opensearch_backend import GAP_WORD, phrase_text, to_dsl, whoosh_terms
from searcher.phrases import OffsetPhrase, phrase_offsets, phrase_spans
from searcher.query import parse_query
from searcher.ranking import phrase_documents

from .old_analyzers import english_text_analyzer_renumbering

CONTENT = ["bank", "banks", "England", "oil", "prices", "price", "minister", "rose"]
STOPS = ["of", "the", "in", "and", "to"]
VOCABULARY = CONTENT + STOPS


def indexed(word: str) -> str | None:
    """What the index holds for one of the vocabulary's words: its stem, or None for a stop word."""
    word = word.lower()
    return None if word in STOPS else english_stem(word)


@st.composite
def articles(draw):
    """An article's body and, apart, its sentences as lists of words: sentences end at . ! ? before a
    capital and at line breaks; a stop before a small letter ends none."""
    written, sentences = [], []
    for n, words in enumerate(
        draw(st.lists(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=8), min_size=1, max_size=5))
    ):
        words = list(words)
        ends = draw(st.sampled_from(["stop", "line", "no end"])) if n else "stop"
        if ends == "no end":
            written.append(". ")  # "... bank. oil": a stop, then a small letter: one sentence
            words[0] = words[0].lower()
            sentences[-1].extend(words)
        else:
            if n:
                written.append(
                    draw(st.sampled_from([". ", "! ", "? ", '." ', "\n", ".\n"])) if ends == "stop" else "\n"
                )
            words[0] = words[0].capitalize()
            sentences.append(list(words))
        inside = draw(
            st.lists(st.sampled_from([" ", ", ", " - ", "; "]), min_size=len(words), max_size=len(words))
        )
        written.append("".join(word + gap for word, gap in zip(words, [*inside[:-1], ""], strict=True)))
    return "".join(written) + ".", sentences


def phrase_found(sentences: list[list[str]], phrase: list[str], slop: int) -> bool:
    """The rule, from the words alone: the phrase's indexed words in one sentence, each at its place in
    the phrase; with a slop, at distinct places whose distances from their places in the phrase are
    all within ``slop - 1`` of each other (OpenSearch's sloppy phrase)."""
    kept = [(place, indexed(word)) for place, word in enumerate(phrase) if indexed(word)]
    if not kept:
        return False
    for sentence in sentences:
        terms = [indexed(word) for word in sentence]
        where = [[i for i, term in enumerate(terms) if term == word] for _, word in kept]
        for chosen in itertools.product(*where):
            moved = [p - place for p, (place, _) in zip(chosen, kept, strict=True)]
            if len(set(chosen)) == len(chosen) and max(moved) - min(moved) <= slop - 1:
                return True
    return False


def lucene_positions(values: list[str]) -> dict[str, set[int]]:
    """The positions OpenSearch gives a ``*_terms`` field's words (values ``SENTENCE_GAP`` apart, the
    ``GAP_WORD`` dropped keeping its place), as its indexing chain numbers them."""
    found: dict[str, set[int]] = {}
    position = -1
    for n, value in enumerate(values):
        position += SENTENCE_GAP if n else 0
        for word in value.split():
            position += 1
            if word != GAP_WORD:
                found.setdefault(word, set()).add(position)
    return found


def exact_phrase_in(positions: dict[str, set[int]], words: list[str], offsets: tuple[int, ...]) -> bool:
    starts = positions.get(words[0], set())
    for word, offset in zip(words, offsets, strict=True):
        starts = starts & {p - offset for p in positions.get(word, set())}
    return bool(starts)


def write_index(folder: str, bodies: list[str]):
    ix = whoosh_index.create_in(folder, build_schema())
    writer = FastSegmentWriter(ix)
    for n, body in enumerate(bodies):
        writer.add_document(id=f"a{n}", title="Note", body=body)
    writer.commit(merge=False)
    return ix


PHRASES = st.tuples(
    st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=4), st.sampled_from([1, 1, 1, 2, 3])
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(articles(), min_size=1, max_size=6), st.lists(PHRASES, min_size=1, max_size=5))
def test_a_phrase_matches_its_words_at_their_places_within_a_sentence(texts, phrases):
    with tempfile.TemporaryDirectory() as folder:
        ix = write_index(folder, [body for body, _ in texts])
        schema = query_schema(ix.schema)
        with ix.searcher() as searcher:
            for words, slop in phrases:
                typed = f'body:"{" ".join(words)}"' + (f"~{slop}" if slop > 1 else "")
                query = parse_query(typed, schema, lambda q: None)[0]
                expected = {
                    n for n, (_, sentences) in enumerate(texts) if phrase_found(sentences, words, slop)
                }
                found = set(searcher.search(query, limit=None).docs())
                assert found == expected, (typed, query, texts)
                if isinstance(query, Phrase) and slop == 1:  # the search's own pass over the postings
                    assert set(phrase_documents(searcher, ix.schema, query).tolist()) == expected, typed


@settings(max_examples=300, deadline=None)
@given(articles(), st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=4))
def test_opensearch_terms_hold_a_phrase_where_whoosh_does(text, words):
    """The ``*_terms`` values (``whoosh_terms``), numbered as OpenSearch numbers them, hold an exact
    phrase (``phrase_text``: its words, ``GAP_WORD`` for each stop word) in the same articles."""
    body, sentences = text
    query = parse_query(f'body:"{" ".join(words)}"', query_schema(build_schema()), lambda q: None)[0]
    if not isinstance(query, Phrase):
        return
    placed = phrase_text(query.words, phrase_offsets(query)).split()
    offsets = tuple(n for n, word in enumerate(placed) if word != GAP_WORD)
    found = exact_phrase_in(lucene_positions(whoosh_terms(body)), query.words, offsets)
    assert found == phrase_found(sentences, words, 1), (body, words, whoosh_terms(body))


def test_bank_of_england_is_not_bank_england():
    """The case found on Reuters: "bank england" found every "Bank of England" (199 articles, none
    writing "bank england"), and phrases ran across sentence ends."""
    bodies = [
        "The Bank of England said it would act.",
        "A bank in England lent more.",  # stop words are not indexed: "in" stands where "of" stood
        "He said the bank england plan was new.",
        "They went to the bank. England won.",
        "They went to the bank.\nEngland won.",
        "Loans from the bank, England said.",
    ]
    with tempfile.TemporaryDirectory() as folder:
        ix = write_index(folder, bodies)
        schema = query_schema(ix.schema)
        with ix.searcher() as searcher:

            def found(typed: str) -> set[int]:
                return set(searcher.search(parse_query(typed, schema, lambda q: None)[0], limit=None).docs())

            assert found('"bank of england"') == {0, 1}
            assert found('"bank england"') == {2, 5}
            assert found('"bank england"~2') == {0, 1, 2, 5}  # slop still reaches over the stop word
            # as on OpenSearch: swapping two words next to each other takes 2 moves, over a stop word 3
            assert found('"england bank"~3') == {2, 5}
            assert found('"england bank"~4') == {0, 1, 2, 5}
            assert found('"bank england"~40') == {0, 1, 2, 5}  # never into the next sentence
            assert found('"bank england"~1000') == {0, 1, 2, 5}  # a slop is at most MAX_PHRASE_SLOP


def test_a_phrase_s_offsets_come_from_the_field_s_analyzer():
    schema = query_schema(build_schema(["de"]))
    query = parse_query('"bank of the england" "price"~9000', schema, lambda q: None)[0]
    phrases = [leaf for leaf in query.leaves() if isinstance(leaf, OffsetPhrase)]
    assert {(p.fieldname, p.words[0], p.offsets) for p in phrases} == {
        ("title", "bank", (0, 3)),
        ("body", "bank", (0, 3)),
        ("text_de", "bank", (0, 3)),
    }
    dsl = to_dsl(next(p for p in phrases if p.fieldname == "body"), terms=True)
    assert dsl == {"match_phrase": {"body_terms": {"query": "bank _ _ england", "slop": 0}}}
    # a typed stop inside a phrase ("U.S. Treasury") is no sentence end: the query is one sentence
    us = parse_query('body:"the U.S. Treasury"', schema, lambda q: None)[0]
    assert us.offsets == (0, 1)
    assert parse_query('body:"oil price"~9000', schema, lambda q: None)[0].slop == MAX_PHRASE_SLOP


def test_phrase_spans_hold_each_word_at_its_offset_or_within_the_slop():
    assert [(s.start, s.end) for s in phrase_spans([[1, 7], [3, 8], [4]], (0, 2, 3))] == [(1, 4)]
    assert phrase_spans([[1], [2]], (0, 2)) == []
    assert [(s.start, s.end) for s in phrase_spans([[1], [4]], (0, 2), slop=2)] == [(1, 4)]
    assert [(s.start, s.end) for s in phrase_spans([[5], [4]], (0, 1), slop=3)] == [
        (4, 5)
    ]  # swapped: 2 moves
    assert phrase_spans([[5], [4]], (0, 1), slop=2) == []
    assert phrase_spans([[3], [3]], (0, 1), slop=5) == []  # one word cannot stand for two


def test_sentences_end_at_stops_before_capitals_not_after_abbreviations():
    text = "Mr. Baker of the U.S. Treasury said. Prices rose! Oil fell 3.5. Then\nnext. lower F. Kennedy"
    sentences = [text[start:end] for start, end in sentence_spans(text)]
    assert sentences == [
        "Mr. Baker of the U.S. Treasury said",
        "Prices rose",
        "Oil fell 3.5",
        "Then",
        "next. lower F. Kennedy",
    ]


def test_an_index_with_renumbered_positions_must_be_rebuilt():
    from whoosh.fields import TEXT, Schema

    message = outdated_index_message("gen", Schema(body=TEXT(analyzer=english_text_analyzer_renumbering())))
    assert (
        message is not None and "“bank england” finding “Bank of England”" in message and "rebuild" in message
    )
    assert outdated_index_message("gen", build_schema()) is None

"""Snippets begin and end on whole words, however the analyzer splits a word into tokens."""

import re

from hypothesis import given
from hypothesis import strategies as st
from whoosh.highlight import highlight

from index.schema import english_text_analyzer
from searcher.backend import (
    MAX_WORD_WIDENING,
    SNIPPET_FORMATTER,
    SNIPPET_FRAGMENTER,
    SNIPPET_SCORER,
    SNIPPET_WINDOW,
    body_snippet,
    whole_words_span,
)


def snippet(text: str, words: set[str]) -> str:
    analyzer = english_text_analyzer()
    return highlight(
        text, words, analyzer, SNIPPET_FRAGMENTER, SNIPPET_FORMATTER, top=2, scorer=SNIPPET_SCORER
    )


def test_a_possessive_before_the_fragment_is_not_cut_to_its_s():
    filler = " ".join(["Harbour officials of Tarvik said"] * 3)
    # the fragment's context begins somewhere before the match: move the possessive through every offset
    for gap in range(0, 60, 3):
        text = f"{filler} last December's grain {'x' * gap} accord would lift wheat prices and steady the market."
        marked = snippet(text, {"wheat"})
        assert marked.split()[0] in text.split(), marked


def test_a_hyphenated_word_is_kept_whole():
    text = "The ministry in Orlavik signed a long-term supply pact for cobalt with three mining houses."
    start = text.index("term")
    assert whole_words_span(text, start, start + 4) == (text.index("long-term"), text.index(" supply"))


def test_widening_stops_at_its_limit_in_text_without_spaces():
    text = "x" * 200
    assert whole_words_span(text, 100, 110) == (100 - MAX_WORD_WIDENING, 110 + MAX_WORD_WIDENING)


@given(
    st.lists(
        st.sampled_from(["oil", "price's", "long-term", "O'Neill", "Tarvik,", "(gold)", "and"]), min_size=1
    ),
    st.data(),
)
def test_a_widened_span_starts_and_ends_at_a_word_boundary(words, data):
    text = " ".join(words)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    new_start, new_end = whole_words_span(text, start, end)
    assert new_start <= start and new_end >= end
    assert new_start == 0 or text[new_start - 1] == " "
    assert new_end == len(text) or text[new_end] == " "


@given(st.integers(0, 400), st.integers(0, 300))
def test_a_long_bodys_snippet_ends_on_whole_words_at_the_windows_edge(lead, tail):
    """A long body is searched in a window around the first match: the window's edge once cut a
    fragment mid-word ("…demonstrates a willingne"). Each fragment shown is whole words of the body."""
    words = [
        "the",
        "harbour",
        "board",
        "of",
        "Tarvik",
        "reviewed",
        "its",
        "willingness",
        "to",
        "lease",
        "cranes",
        "and",
        "berths",
    ]
    body = " ".join(words[i % len(words)] for i in range(lead))
    body += " harbour " + " ".join(words[(i * 7) % len(words)] for i in range(tail + SNIPPET_WINDOW // 5))
    assert len(body) > SNIPPET_WINDOW
    marked = body_snippet(body, {"harbour"}, english_text_analyzer())
    for fragment in re.sub(r"</?mark[^>]*>", "", marked).split(" … "):
        start = body.find(fragment)
        assert start >= 0, fragment
        end = start + len(fragment)
        assert start == 0 or not body[start - 1].isalnum(), fragment
        assert end == len(body) or not body[end].isalnum(), fragment

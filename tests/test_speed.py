"""The shortcuts taken for speed give exactly what the slow ways give."""

import numpy as np
import pytest

from searcher.backend import (
    SearchIndex,
    _term_mask,
    clean_snippet,
    snippet_cleaner,
    snippet_for,
)

from .conftest import needs_reuters


@pytest.mark.parametrize(
    "snippet",
    [
        "Oil <mark>prices</mark> rose … the <mark>cartel</mark> said",
        "&lt;Strong Point Inc&gt; said A &amp; B's \"offer\"",
        "a\xa0b\tc\nd é 中 \ufeff \u2028",
        "carriage\r\nreturn",  # html5lib turns CR LF into LF
        "form\x0cfeed",  # a control character html5lib replaces
        "nul\x00byte",
        "bare & ampersand",
        "&nbsp; &#39; &quot;",
        "<mark>unclosed",
        "</mark>closed first<mark>",
        "<mark><mark>nested</mark></mark>",
        "<script>alert(1)</script> <b>bold</b>",
        "<mark class='x'>attribute</mark>",
        "astral \U0001f600 and noncharacter \ufdd0 \uffff",
        "c1 control \x85 and \x9f",
        "",
    ],
)
def test_clean_snippet_is_what_bleach_gives(snippet):
    assert clean_snippet(snippet) == snippet_cleaner().clean(snippet)


def test_clean_snippet_passes_a_highlighted_snippet_through_without_bleach(monkeypatch):
    import searcher.backend as backend

    monkeypatch.setattr(backend, "snippet_cleaner", lambda: pytest.fail("bleach was called"))
    assert clean_snippet("A &amp; B <mark>oil</mark>") == "A &amp; B <mark>oil</mark>"


@needs_reuters
def test_snippets_of_every_reuters_article_are_what_bleach_gives(reuters_slice_index):
    generation = SearchIndex(reuters_slice_index).generation()
    searcher = generation.searcher
    checked = 0
    for docnum in np.flatnonzero(generation.columns.live).tolist():
        body = searcher.stored_fields(docnum).get("body") or ""
        for words in ({"oil", "price"}, {"said"}, {"bank", "rate"}):
            snippet = snippet_for(generation, body, words) or body[:240]
            assert clean_snippet(snippet) == snippet_cleaner().clean(snippet), (docnum, snippet)
            checked += 1
    assert checked > 6000


@needs_reuters
def test_term_masks_read_by_blocks_are_whooshs_postings(reuters_slice_index):
    generation = SearchIndex(reuters_slice_index).generation()
    reader = generation.searcher.reader()
    live = generation.columns.live
    checked = 0
    for field in ("title", "body", "mentioned", "source"):
        for n, term in enumerate(reader.lexicon(field)):
            if n % 7:
                continue
            whoosh = np.zeros(generation.columns.size, dtype=bool)
            whoosh[np.fromiter(reader.postings(field, term).all_ids(), dtype=np.int64)] = True
            ours = _term_mask(generation, field, term)
            assert np.array_equal(whoosh & live, ours & live), (field, term)
            checked += 1
    assert checked > 1000

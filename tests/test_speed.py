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
        'Oil <mark class=" 0">prices</mark> rose … the <mark class=" 1">cartel</mark> said',
        '<mark class="x" id="y">two attributes</mark>',
        '<mark class=" 0">unclosed',
        '&lt;Strong Point Inc&gt; said A &amp; B\'s "offer"',
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


def test_clean_snippet_takes_a_highlighted_snippet_without_bleach(monkeypatch):
    import searcher.backend as backend

    monkeypatch.setattr(backend, "snippet_cleaner", lambda: pytest.fail("bleach was called"))
    assert clean_snippet('A &amp; B <mark class=" 0">oil</mark>') == "A &amp; B <mark>oil</mark>"


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


@needs_reuters
def test_posting_lists_read_from_the_map_are_whooshs(reuters_slice_index, monkeypatch):
    """Every block read straight from the mapped file gives Whoosh's document numbers and weights, and
    the cache of decoded lists, however small, gives them back unchanged."""
    import searcher.ranking as ranking

    monkeypatch.setattr(ranking, "CACHED_POSTINGS", 1)  # every list is kept ...
    cache = ranking.PostingsCache(limit=20_000)  # ... in a cache that must let most of them go
    generation = SearchIndex(reuters_slice_index).generation()
    checked = 0
    for leaf, offset in generation.searcher.reader().leaf_readers():
        for field in ("title", "body"):
            for n, term in enumerate(leaf.lexicon(field)):
                if n % 5:
                    continue
                whoosh = leaf.postings(field, term)
                ids, weights = [], []
                while whoosh.is_active():
                    ids.append(whoosh.id())
                    weights.append(whoosh.weight())
                    whoosh.next()
                for _ in range(2):  # decoded, then (when kept) from the cache
                    ours = cache.postings(offset, field, term, leaf.postings(field, term))
                    assert ours[0].tolist() == ids and ours[1].tolist() == weights, (field, term)
                assert cache.used <= cache.limit
                checked += 1
    assert checked > 1000 and cache.used > 0


RANKED_QUERIES = [
    "oil",
    "said",
    "oil prices",
    "stock market",
    "bank loans brazil",
    '"interest rates"',
    '"crude oil" prices',
    "title:oil",
    "opec*",
    "cocoa prices tonnes",
    "nothingxyz",
]


@needs_reuters
@pytest.mark.parametrize("text", RANKED_QUERIES)
def test_numpy_ranking_is_whooshs_full_ranking(reuters_slice_index, text):
    from searcher.backend import matching_articles, ranking_query
    from searcher.ranking import ranked_docnums

    index = SearchIndex(reuters_slice_index)
    generation = index.generation()
    query, _ = index.parse(generation, text)
    ranked = ranking_query(query)
    matches = matching_articles(generation, query)
    ours = ranked_docnums(generation.searcher, ranked, matches, None, generation.field_lengths)
    whoosh = [hit.docnum for hit in generation.searcher.search(ranked, limit=None)]
    assert ours == whoosh
    for limit in (1, 10, 25):
        assert (
            ranked_docnums(generation.searcher, ranked, matches, limit, generation.field_lengths)
            == whoosh[:limit]
        )
    # within a filter (every other match): Whoosh's ranking of the allowed articles
    allowed = np.zeros_like(matches)
    allowed[np.flatnonzero(matches)[::2]] = True
    filtered = ranked_docnums(generation.searcher, ranked, allowed, 10, generation.field_lengths)
    kept = set(np.flatnonzero(allowed).tolist())
    assert (
        filtered == [hit.docnum for hit in generation.searcher.search(ranked, limit=None, filter=kept)][:10]
    )


@needs_reuters
def test_a_query_numpy_does_not_rank_is_left_to_whoosh(reuters_slice_index):
    from searcher.backend import matching_articles, ranking_query
    from searcher.ranking import ranked_docnums

    index = SearchIndex(reuters_slice_index)
    generation = index.generation()
    query, _ = index.parse(generation, "oil^2 prices")  # a boost: not evaluated with NumPy
    matches = matching_articles(generation, query)
    assert (
        ranked_docnums(generation.searcher, ranking_query(query), matches, 10, generation.field_lengths)
        is None
    )


@needs_reuters
def test_pages_follow_the_export_order(reuters_slice_index):
    """Whoosh's top-k skips blocks by an estimate and could leave a better match off page 1 ("oil
    prices" at 21,000 articles); pages now hold the articles of the full ranking, as exports do."""
    from searcher import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(reuters_slice_index)}).test_client()
    for text in ("oil prices", "stock market", '"interest rates"'):
        paged = []
        for page in (1, 2, 3):
            paged += [hit["id"] for hit in client.get(f"/api/search?q={text}&page={page}").get_json()["hits"]]
        exported = [
            row["id"] for row in map_json_lines(client.get(f"/export.jsonl?q={text}").get_data(as_text=True))
        ]
        assert paged == exported[: len(paged)], text


def map_json_lines(text):
    import json

    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _columns_files(directory):
    import json

    from index.columns import ARRAYS_FILE, VALUES_FILE

    arrays = np.load(directory / ARRAYS_FILE)
    return {name: arrays[name] for name in arrays.files}, json.loads((directory / VALUES_FILE).read_text())


@pytest.mark.parametrize("seed", range(40))
def test_columns_appended_by_an_add_are_those_written_whole(tmp_path, seed):
    """An add extends the previous columns (some of its rows now deleted) with the new rows: the
    files are exactly those write_columns gives for every row at once."""
    import random

    from index.columns import FACETS, append_columns, write_columns

    rng = random.Random(seed)
    names = [f"value {n}" for n in range(12)]

    def row():
        return {facet: rng.sample(names, rng.randint(0, 4)) for facet in FACETS}

    old_rows = [row() if rng.random() > 0.2 else None for _ in range(rng.randint(0, 30))]
    old_published = [rng.randint(0, 10**9) if r else -(2**63) for r in old_rows]
    new_rows = [row() if rng.random() > 0.1 else None for _ in range(rng.randint(0, 10))]
    new_published = [rng.randint(0, 10**9) if r else -(2**63) for r in new_rows]
    still_live = [r is not None and rng.random() > 0.3 for r in old_rows]
    previous, appended, whole = (tmp_path / name for name in ("previous", "appended", "whole"))
    for folder in (previous, appended, whole):
        folder.mkdir()
    write_columns(previous, old_rows, old_published)
    live = np.array(still_live + [r is not None for r in new_rows], dtype=bool)
    append_columns(previous, appended, live, new_rows, new_published)
    every_row = [r if keep else None for r, keep in zip(old_rows, still_live, strict=True)] + new_rows
    every_time = [t if keep else -(2**63) for t, keep in zip(old_published, still_live, strict=True)]
    write_columns(whole, every_row, every_time + new_published)
    (ours, our_values), (expected, expected_values) = _columns_files(appended), _columns_files(whole)
    assert our_values == expected_values
    assert set(ours) == set(expected)
    for name in expected:
        assert ours[name].dtype == expected[name].dtype, name
        assert np.array_equal(ours[name], expected[name]), name


@needs_reuters
def test_phrases_matched_from_posting_lists_are_whooshs(reuters_slice_index):
    """Phrases of two to four words taken from the articles themselves (and a few that match nothing),
    in the title and the body: the documents found are those Whoosh's span matcher finds."""
    from whoosh.query import Phrase

    from searcher.ranking import phrase_documents

    generation = SearchIndex(reuters_slice_index).generation()
    searcher, live = generation.searcher, generation.columns.live
    analyzer = generation.schema["body"].analyzer
    phrases = [["bank", "of", "england"], ["nothingxyz", "oil"], ["oil", "oil"]]
    for docnum in np.flatnonzero(live)[::40].tolist():
        words = [token.text for token in analyzer((searcher.stored_fields(docnum).get("body") or "")[:400])]
        phrases += [words[i : i + 2 + i % 3] for i in range(0, max(0, len(words) - 4), 9)]
    checked = 0
    for words in phrases:
        for field in ("title", "body"):
            phrase = Phrase(field, words)
            ours = phrase_documents(searcher, generation.schema, phrase)
            assert ours is not None
            whoosh = np.fromiter(searcher.docs_for_query(phrase), dtype=np.int64)
            assert set(ours[live[ours]].tolist()) == set(whoosh[live[whoosh]].tolist()), (field, words)
            checked += 1
    assert checked > 300
    assert phrase_documents(searcher, generation.schema, Phrase("body", ["oil", "prices"], slop=3)) is None

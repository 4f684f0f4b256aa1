"""One Whoosh searcher per thread per generation, and concurrent answers equal to serial ones."""

import gc
import itertools
import json
import os
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from index import store
from searcher.backend import SearchIndex, snippet_for
from searcher.params import params_from_args
from searcher.search import run_search

from .conftest import needs_reuters


def test_each_thread_gets_its_own_searcher_closed_with_the_generation(sample_index):
    generation = SearchIndex(sample_index).generation()
    mine = generation.searcher
    assert generation.searcher is mine
    theirs = []
    threads = [
        threading.Thread(target=lambda: theirs.append((generation.searcher, generation.searcher)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(first is second for first, second in theirs)  # one per thread, kept
    assert len({id(mine), *(id(first) for first, _ in theirs)}) == 4  # never shared
    generation.close()
    assert mine.is_closed and all(first.is_closed for first, _ in theirs)


def test_every_threads_searcher_reads_a_segment_through_one_shared_map(sample_index):
    """A map per searcher counted every page read once per thread in the server's resident memory."""
    generation = SearchIndex(sample_index).generation()
    threads = [threading.Thread(target=lambda g=generation: g.searcher.doc_count()) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(generation._searchers) == 9  # the generation's own, and one for each thread
    segments = [os.path.realpath(path) for path in generation.path.glob("*.seg")]
    mapped = Path("/proc/self/maps").read_text().splitlines()
    assert segments and all(
        sum(line.endswith(" " + segment) for line in mapped) == 1 for segment in segments
    ), [line for line in mapped if ".seg" in line]
    generation.close()
    del generation, threads
    gc.collect()  # closed searchers' files still hold views of the map until they are collected
    mapped = Path("/proc/self/maps").read_text().splitlines()
    assert not [line for line in mapped if any(line.endswith(" " + segment) for segment in segments)]


def test_the_same_request_gets_the_same_snippet(sample_index):
    """Whoosh breaks a tie between fragments by memory address; ours goes to the earlier fragment."""
    generation = SearchIndex(sample_index).generation()
    filler = " ".join(["the quay was quiet that week"] * 12)
    body = f"First harbour story line. {filler} Second harbour story line. {filler} Third harbour line."
    snippets = {snippet_for(generation, body, {"harbour"}) for _ in range(30)}
    assert len(snippets) == 1
    (snippet,) = snippets
    assert snippet.startswith("First <mark") and "Second <mark" in snippet and "Third" not in snippet


def query_mix(index_dir: Path, count: int, seed: int = 14) -> list[MultiDict]:
    """Words of the index, two-word queries, facet filters, sorts and deep pages."""
    generation = store.current_generation(index_dir)
    words = sorted(store.read_json(generation / "words.json"))
    vocabulary = store.read_json(generation / "vocabulary.json")
    rng = random.Random(seed)
    queries = []
    for n in range(count):
        args = [("q", " ".join(rng.sample(words, 1 + n % 2)) if n % 5 else rng.choice(words)[:3] + "*")]
        facet = ("person", "place", "org", "country")[n % 4]
        if n % 3 == 0 and vocabulary.get(facet):
            args.append((facet, rng.choice(list(vocabulary[facet]))))
            args[0] = ("q", "")
        args += [("sort", ("relevance", "newest", "oldest")[n % 3]), ("page", str(1 + n % 2))]
        queries.append(MultiDict(args))
    return queries


def answer(index: SearchIndex, args: MultiDict) -> str:
    return json.dumps(run_search(index, params_from_args(args)), sort_keys=True, default=str)


def assert_concurrent_answers_equal_serial(
    index_dir: Path, queries: list[MultiDict], threads: int = 8
) -> None:
    serial = [answer(SearchIndex(index_dir), args) for args in queries]
    assert len(set(serial)) > len(queries) // 2  # the mix asks different things
    index = SearchIndex(index_dir)  # one index for all threads, as a server has
    order = list(itertools.chain.from_iterable([range(len(queries))] * 3))
    random.Random(1).shuffle(order)
    with ThreadPoolExecutor(threads) as pool:
        concurrent = list(pool.map(lambda n: (n, answer(index, queries[n])), order))
    wrong = [queries[n] for n, got in concurrent if got != serial[n]]
    assert not wrong, f"{len(wrong)} of {len(concurrent)} concurrent answers differ, e.g. {wrong[0]}"
    assert len(index.generation()._searchers) == threads  # one searcher per thread that asked


def test_concurrent_answers_equal_serial_ones_on_the_samples(sample_index):
    assert_concurrent_answers_equal_serial(sample_index, query_mix(sample_index, 120))


@needs_reuters
@pytest.mark.slow
def test_concurrent_answers_equal_serial_ones_on_reuters(reuters_slice_index):
    assert_concurrent_answers_equal_serial(reuters_slice_index, query_mix(reuters_slice_index, 150))

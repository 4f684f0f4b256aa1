"""The candidates of "did you mean": every known word within reach, at a cost a long made-up word
cannot blow up."""

from __future__ import annotations

import random
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.spelling import WordNeighbours, edit_distance

words = st.text(alphabet="abcdeé1-", min_size=1, max_size=9)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=60, unique=True), words, st.integers(min_value=0, max_value=2))
def test_neighbours_are_exactly_the_words_within_reach(vocabulary, word, reach):
    expected = sorted(known for known in vocabulary if edit_distance(word, known) <= reach)
    assert sorted(WordNeighbours(vocabulary).within(word, reach)) == expected


@given(words, words, st.integers(min_value=0, max_value=3))
def test_a_limited_edit_distance_is_exact_up_to_its_limit(a, b, limit):
    assert edit_distance(a, b, limit) == min(edit_distance(a, b), limit + 1)


def nonsense(length: int, seed: int) -> str:
    chosen = random.Random(seed)
    return "".join(chosen.choice("bcdfghjklmnpqrstvwxz") for _ in range(length))


def slowest_of_fastest(client, query: str, runs: int = 5) -> float:
    """The fastest of a few runs: what the query costs, less the machine's other work."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/api/search", query_string={"q": query})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return min(times)


def test_a_long_nonsense_word_costs_about_what_a_short_one_does(client):
    client.get("/api/search", query_string={"q": "ferry"})  # the word list and its vectors are read once
    short = slowest_of_fastest(client, nonsense(10, 1))
    long = slowest_of_fastest(client, nonsense(999, 2))
    assert long < 4 * short + 0.02, (short, long)

"""Random queries and parameters: every answer is a 200 or a 400 that names the parameter, quickly."""

import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher.params import FACETS

SYNTAX = [
    *list("*?:()[]{}\"'-+~^<>&|\\/!.,;=%#@$"),
    "AND",
    "OR",
    "NOT",
    "TO",
    " ",
    "title:",
    "person:",
    "body:",
]
WORDS = [
    "tram",
    "helsinki",
    "wind",
    "lindqvist",
    "port",
    "strike",
    "2024",
    "oil",
    "Ω",
    "ß",
    "\u0000",
    "\ud7ff",
]
SECONDS = 10  # per request, on a page of the sample index; real answers take milliseconds

query_text = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.one_of(st.sampled_from(SYNTAX), st.sampled_from(WORDS), st.text(max_size=8)), max_size=40
    ).map("".join),
    st.lists(st.sampled_from(WORDS), max_size=12).map(lambda ws: " ".join(w + "*" for w in ws)),
)
value = st.one_of(
    st.text(max_size=40), st.sampled_from(["Helsinki", "Finland", "Aino Lindqvist", "2024-03", ""])
)
date_text = st.one_of(
    st.text(max_size=12),
    st.dates().map(str),
    st.sampled_from(["2024", "2024-02", "2024-13", "0000-01-01", "9999-12-31"]),
)
number_text = st.one_of(st.integers(-5, 10**9).map(str), st.text(max_size=6))
parameters = st.lists(
    st.one_of(
        st.tuples(st.just("q"), query_text),
        st.tuples(st.sampled_from([*FACETS, *(f"not_{f}" for f in FACETS), "organization"]), value),
        st.tuples(st.sampled_from(["from", "to"]), date_text),
        st.tuples(st.sampled_from(["page", "per_page"]), number_text),
        st.tuples(
            st.just("sort"),
            st.one_of(st.sampled_from(["relevance", "newest", "oldest"]), st.text(max_size=8)),
        ),
        st.tuples(st.text(max_size=10), st.text(max_size=10)),
    ),
    max_size=12,
)


def query_string(pairs) -> str:
    # surrogates cannot be sent in a URL; everything else goes through as the browser would send it
    return urlencode([(k.encode("utf-8", "replace"), v.encode("utf-8", "replace")) for k, v in pairs])


def check(client, path: str) -> None:
    started = time.monotonic()
    response = client.get(path)
    elapsed = time.monotonic() - started
    assert response.status_code in (200, 400), (
        path,
        response.status_code,
        response.get_data(as_text=True)[:500],
    )
    assert elapsed < SECONDS, (path, elapsed)
    if path.startswith("/api/") and response.status_code == 400:
        body = response.get_json()
        assert body["error"] and body["parameter"], body


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=parameters)
def test_api_search_answers_200_or_400(client, pairs):
    check(client, "/api/search?" + query_string(pairs))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=parameters)
def test_search_page_answers_200_or_400(client, pairs):
    check(client, "/?" + query_string(pairs))


@pytest.mark.parametrize(
    "q",
    [
        "*a*",
        "*",
        "**",
        "?",
        "*?*?*",
        " ".join(f"{c}*" for c in "abcdefghijklmnopqrstuvwxyz"),
        "*e* *a* *o* *i*",
        "a* OR b* OR c* OR d* OR e* OR f*",
        "title:* body:*",
        "(((((((((((a)))))))))))",
        '"' * 99,
        "NOT NOT NOT",
        "-",
        "--a",
        "person:*",
        "~2",
        "a~5",
        "[a TO z]",
        "helsinki^100000",
    ],
)
def test_wildcard_floods_and_odd_syntax_are_bounded(client, q):
    check(client, "/api/search?" + urlencode({"q": q}))
    check(client, "/?" + urlencode({"q": q}))

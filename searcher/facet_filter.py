"""Finding a facet's values by a few typed letters.

The page lists a facet's 200 most frequent values; a reader looking for one further down types part of
the start of a word of its name, or its initials. The match runs on the server over every value the
current search has, ignoring case and accents ("zurich" finds Zürich, "volck" finds Paul Volcker, "twa"
Trans World Airlines), so it works without the page's script and finds values the page never listed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

from werkzeug.datastructures import MultiDict

from index.columns import facet_key

from .engine import SearchBackend
from .params import FACETS, ParamError, SearchParams
from .search import facet_values

FILTER_SUFFIX = "_filter"  # the page's parameter: person_filter=volck
MAX_FILTER_CHARS = 100


def finds(typed: str, value: str) -> bool:
    """Whether what a reader typed in a facet's box finds a value: the letters begin one of its words
    ("volck" Paul Volcker, "paul vol" too), case and accents ignored, or they are its words' initials
    ("twa" Trans World Airlines). Letters inside a word find nothing: "twa" listed 28 software firms
    before Trans World Airlines."""
    needle, key = facet_key(typed), facet_key(value)
    if not needle:
        return False
    words = [word for word in re.split(r"\W+", key) if word]
    if f" {needle}" in f" {key}" or any(word.startswith(needle) for word in words):
        return True
    initials = "".join(word[0] for word in words)
    return len(needle) >= 2 and " " not in needle and initials.startswith(needle)


def matching_counts(counts: Counter[str], contains: str) -> Counter[str]:
    """The values of ``counts`` (a facet's counts for the current search) that what was typed finds
    (``finds``)."""
    return Counter({value: count for value, count in counts.items() if count > 0 and finds(contains, value)})


def split_filter_args(args: MultiDict[str, str]) -> tuple[MultiDict[str, str], dict[str, str]]:
    """The request's parameters without the facet filters, and the filters: {"person": "volck"}."""
    filters: dict[str, str] = {}
    kept = []
    for key, value in args.items(multi=True):
        facet = key[: -len(FILTER_SUFFIX)] if key.endswith(FILTER_SUFFIX) else None
        if facet in FACETS:
            text = value.strip()
            if len(text) > MAX_FILTER_CHARS:
                raise ParamError(key, f"longer than {MAX_FILTER_CHARS} characters")
            if text:
                filters[facet] = text
        else:
            kept.append((key, value))
    return MultiDict(kept), filters


def filtered_facets(
    index: SearchBackend, params: SearchParams, filters: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """For each filtered facet, its matching values as the page and the API show facet values, and how
    many matched in all: {"person": {"contains": "volck", "matching": 1, "values": [...]}}."""
    if not filters:
        return {}
    raw = index.search(replace(params, page=1, per_page=1))  # the counts; one hit is the least it ranks
    generation = index.generation()
    found = {}
    for facet, contains in filters.items():
        counts = matching_counts(raw.facet_counts[facet], contains)
        # the selected and excluded values stay listed (facet_values adds them), found or not
        found[facet] = {
            "contains": contains,
            "matching": len(counts),
            "values": facet_values(facet, counts, raw.chosen[facet], generation.countries),
        }
    return found

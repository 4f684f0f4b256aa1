"""Exact story counts on OpenSearch: where its cardinality aggregation errs, and how it is corrected.

A story count is a bucket's articles minus the extra versions; the distinct stories of several versions
are first counted with the cardinality aggregation (``counting_stories`` in opensearch_backend.py). That
count is an estimate at every size. Below its precision threshold it keeps 25 bits of each story id's
MurmurHash3 (``HASH_BITS``) and answers by linear counting, ``round(m * ln(m / empty slots))`` with
m = 2**25: two stories whose hashes share those bits count once, and the formula adds about n**2 / 2**26
for collisions it expects, which rounds away only while n is below about 5,800. Above the threshold it
is HyperLogLog++. At Reuters 16x (11,000 stories of several versions, 1.8 pairs expected to share their
bits) the largest totals came out a few stories off.

So a search corrects it in two ways (``OpenSearchIndex.count_stories_exactly``):

- a bucket whose cardinality reaches ``EXACT_FROM`` is counted again by listing its stories' ids (a
  terms aggregation, paged with a composite one when too many for one request);
- below that, the formula's bias rounds away and only shared hash bits can make it err: the stories of
  several versions matching the search's query (before any facet selection: every bucket is within it)
  are listed, their hashes computed here (``murmur3_h1``, the function OpenSearch uses), and when some
  share their bits (``sharing_groups``), each smaller bucket holding several of them gets back the
  stories the cardinality merged (``merged_stories``).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import mmh3

HASH_BITS = 25  # what the cardinality's linear counting keeps of a value's 64-bit hash (OpenSearch's P2)
EXACT_FROM = 100  # distinct stories from which a bucket is listed (its formula's bias is 0.0001 there)
STORY_IDS_A_REQUEST = 50_000  # story ids listed a request (the cluster's search.max_buckets: 65,535)
STORY_IDS_A_PAGE = 10_000  # story ids a page, for a bucket too large for one listing
# story ids whose hash bits are kept between searches: hashing here takes about 10 microseconds an id
# (0.12 s for the 11,000 stories of several versions of Reuters 16x), a lookup a seventh of that;
# 200,000 ids are about 30 MB
HASHES_KEPT = 200_000
MASK = (1 << 64) - 1
EPOCH = datetime(1970, 1, 1)


def murmur3_h1(data: bytes, seed: int = 0) -> int:
    """The first 64 bits of MurmurHash3 x64 128, unsigned: what OpenSearch's cardinality hashes a keyword
    with (``MurmurHash3.hash128(bytes, 0).h1``), from ``mmh3`` (h1 is the low half of its 128 bits)."""
    return int(mmh3.hash128(data, seed, True, False)) & MASK


@functools.lru_cache(maxsize=HASHES_KEPT)
def kept_bits(story_id: str) -> int:
    """The bits of a story id's hash the cardinality keeps below its threshold: two ids with the same
    may count once. (With its lowest bits zero it also keeps a run length, so sharing these bits is
    necessary for two ids to count once, not always sufficient: a group may hold a story too many.)"""
    return murmur3_h1(story_id.encode("utf-8")) >> (64 - HASH_BITS)


def sharing_groups(story_ids: list[str]) -> list[frozenset[str]]:
    """The groups of two or more of ``story_ids`` whose hashes share the bits the cardinality keeps."""
    by_bits: dict[int, set[str]] = defaultdict(set)
    for story_id in story_ids:
        by_bits[kept_bits(story_id)].add(story_id)
    return [frozenset(group) for group in by_bits.values() if len(group) > 1]


def merged_stories(present: set[str], groups: list[frozenset[str]]) -> int:
    """How many of a bucket's stories its cardinality counted as another: ``present`` are the bucket's
    stories among the ``groups``; the cardinality counted each group present once."""
    return sum(max(0, len(present & group) - 1) for group in groups)


def story_listing_size(estimate: int) -> int:
    """How many story ids to list for a bucket whose cardinality said ``estimate``: room above it for
    the estimate's error (HyperLogLog's is about 1.6% at the buckets' precision, far less at the
    total's). A listing that still cannot hold them all says so, and the bucket is paged through."""
    return estimate + estimate // 10 + 50


def listing_groups(sizes: list[int], limit: int) -> list[list[int]]:
    """The positions of ``sizes`` in requests of at most ``limit`` listed ids each, in order; a size
    above ``limit`` is in none (its bucket is paged through instead)."""
    groups: list[list[int]] = []
    room = 0
    for position, size in enumerate(sizes):
        if size > limit:
            continue
        if not groups or size > room:
            groups.append([])
            room = limit
        groups[-1].append(position)
        room -= size
    return groups


def story_ids_aggregation(
    filters: list[dict[str, Any]], several: dict[str, Any], size: int, only: list[str] | None = None
) -> dict[str, Any]:
    """The ids of the stories of several versions (``several``: the flag's filter) within ``filters``,
    up to ``size`` of them (every shard offers as many, so none is cut while they are fewer); with
    ``only``, just those among them."""
    terms: dict[str, Any] = {"field": "story", "size": size, "shard_size": size}
    if only is not None:
        terms["include"] = only
    return {"filter": {"bool": {"filter": [*filters, several]}}, "aggs": {"ids": {"terms": terms}}}


def listed_story_ids(ids: dict[str, Any]) -> list[str] | None:
    """The story ids a terms answer of ``story_ids_aggregation`` listed, when it listed every one (no
    article left out of its buckets); None when it was cut."""
    if ids.get("sum_other_doc_count"):
        return None
    return [bucket["key"] for bucket in ids["buckets"]]


def period_filter(start_ms: int, unit: str) -> dict[str, Any]:
    """The articles published in the day, month or year that starts at ``start_ms`` (a date histogram's
    key: milliseconds since 1970, UTC)."""
    start = EPOCH + timedelta(milliseconds=start_ms)
    if unit == "day":
        end = start + timedelta(days=1)
    elif unit == "month":
        end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    else:
        end = start.replace(year=start.year + 1)
    return {
        "range": {
            "published": {
                "gte": round((start - EPOCH).total_seconds() * 1000),
                "lt": round((end - EPOCH).total_seconds() * 1000),
                "format": "epoch_millis",
            }
        }
    }

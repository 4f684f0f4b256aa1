"""What a search means: parameters in, one plain dict out. The page renders it, the API serializes it,
the CLI prints it."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from index.language import UNDETERMINED, language_name

from .backend import ChosenValue, RawResults
from .engine import SearchBackend
from .params import FACETS, SearchParams

FACET_LIMIT = 10
FACET_MAX = 200


def web_link(url: str | None) -> str | None:
    """An article's own URL, only when it is an http(s) address: never javascript:, data: or the like."""
    if not url:
        return None
    parsed = urlsplit(url.strip())
    return url.strip() if parsed.scheme.lower() in ("http", "https") and parsed.netloc else None


def histogram(counts: Counter[str]) -> tuple[str, list[dict[str, Any]]]:
    """Publication dates bucketed by years, months or days, whichever suits the span; every period of
    the span is there, those without articles with a count of 0, so the bars sit on a true time axis."""
    if not counts:
        return "month", []
    days = sorted(counts)
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    span = (last - first).days
    unit, width = ("year", 4) if span > 3 * 366 else ("month", 7) if span > 62 else ("day", 10)
    buckets: Counter[str] = Counter()
    for day, count in counts.items():
        buckets[day[:width]] += count
    return unit, [{"value": value, "count": buckets[value]} for value in periods(first, last, unit)]


def periods(first: date, last: date, unit: str) -> list[str]:
    """Every year, month or day from ``first`` to ``last``: "1987-02", "1987-03", ..."""
    if unit == "year":
        return [f"{year:04d}" for year in range(first.year, last.year + 1)]
    if unit == "month":
        return [
            f"{month // 12:04d}-{month % 12 + 1:02d}"
            for month in range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
        ]
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def facet_values(
    facet: str, counts: Counter[str], chosen: list[ChosenValue], countries: dict[str, Any]
) -> list[dict[str, Any]]:
    """A facet's values, most frequent first (mentioned periods in date order), each with the count a
    click on it gives; every selected or excluded value is listed, flagged, with its true count."""
    states = {item.value: item for item in chosen}

    def entry(value: str, count: int) -> dict[str, Any]:
        state = states.get(value)
        item = {
            "value": value,
            "count": count,
            "selected": bool(state and not state.excluded),
            "excluded": bool(state and state.excluded),
        }
        if facet == "place":
            item["country"] = countries.get(value)
        if facet == "language":
            item["label"] = language_name(value)
        return item

    values = [entry(value, count) for value, count in counts.most_common(FACET_MAX) if count > 0]
    shown = {v["value"] for v in values}
    values.extend(entry(item.value, item.count) for item in chosen if item.value not in shown)
    if facet == "mentioned":
        values.sort(key=lambda v: v["value"])
    return values


def roll_up_places(facets: dict[str, Any]) -> None:
    """Each country lists its places with their counts: France (2) › Paris (2)."""
    by_country: dict[str, list[dict[str, Any]]] = {}
    for place in facets["place"]:
        if place.get("country") and place["country"] != place["value"]:
            by_country.setdefault(place["country"], []).append(place)
    for country in facets["country"]:
        country["places"] = by_country.get(country["value"], [])[:FACET_LIMIT]


def run_search(index: SearchBackend, params: SearchParams) -> dict[str, Any]:
    raw: RawResults = index.search(params)
    countries = index.generation().countries
    facets = {
        facet: facet_values(facet, raw.facet_counts[facet], raw.chosen[facet], countries) for facet in FACETS
    }
    roll_up_places(facets)
    unit, published = histogram(raw.published_counts)
    facets["published"] = published
    return {
        "query": params.q,
        "total": raw.total,
        "page": params.page,
        "per_page": params.per_page,
        "pages": max(1, -(-raw.total // params.per_page)),
        "sort": params.sort,
        "suggestion": raw.suggestion,
        "match_all": sorted(params.match_all),
        "matched": [
            {
                "field": m.field,
                "typed": m.typed,
                "more": m.more,
                "values": [{"value": value, "count": count} for value, count in m.values],
            }
            for m in raw.matched
        ],
        "published_unit": unit,
        "hits": [
            {
                "id": hit.id,
                "title": hit.title,
                "published": hit.published.date().isoformat() if hit.published else None,
                "source": hit.source,
                "url": web_link(hit.url),
                "snippet": hit.snippet,
                "people": hit.people,
                "places": [name for name, _ in hit.places],
                "orgs": hit.orgs,
                "language": hit.language,
            }
            for hit in raw.hits
        ],
        "facets": facets,
    }


def article_data(index: SearchBackend, article_id: str) -> dict[str, Any] | None:
    stored = index.article(article_id)
    if stored is None:
        return None
    entities = stored["entities"]
    published = stored.get("published")
    return {
        "id": stored["id"],
        "title": stored.get("title") or "(untitled)",
        "body": stored.get("body") or "",
        "published": published.date().isoformat() if published else None,
        "source": stored.get("source") or None,
        "url": web_link(stored.get("url")),
        "author": stored.get("author"),
        "people": entities["people"],
        "places": [{"value": n, "country": c} for n, c in entities["places"]],
        "orgs": entities["orgs"],
        "mentioned": entities["mentioned"],
        "language": stored.get("language") or UNDETERMINED,
        "spans": entities["spans"],
        "related": [
            {
                "id": r["id"],
                "title": r["title"],
                "published": r["published"].date().isoformat() if r["published"] else None,
            }
            for r in index.more_like_this(article_id)
        ],
    }


def body_segments(body: str, spans: list[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """The body cut into plain text and entity mentions, for the article page to mark and link."""
    segments, position = [], 0
    for start, end, facet, value in sorted(spans):
        if start < position or end > len(body) or start >= end:
            continue
        if start > position:
            segments.append({"text": body[position:start]})
        segments.append({"text": body[start:end], "facet": facet, "value": value})
        position = end
    segments.append({"text": body[position:]})
    return segments


def bar_level(count: int, peak: int) -> int:
    """A bar's height in 5% steps (the stylesheet's classes h0 … h100): no inline style under our CSP."""
    return 0 if not peak or not count else max(5, int(-(-count * 20 // peak)) * 5)


def monthly_timeline(published: Counter[str]) -> list[dict[str, Any]]:
    """Articles by month over the whole span, empty months included, each with its bar level."""
    if not published:
        return []
    days = sorted(published)
    months: Counter[str] = Counter()
    for day, count in published.items():
        months[day[:7]] += count
    span = periods(date.fromisoformat(days[0]), date.fromisoformat(days[-1]), "month")
    peak = max(months.values())
    return [
        {"value": month, "count": months[month], "level": bar_level(months[month], peak)} for month in span
    ]


def entity_data(index: SearchBackend, facet: str, name: str) -> dict[str, Any] | None:
    """One entity's page and API answer: its count, timeline, telling companions, latest articles and
    the ways it is written."""
    profile = index.entity(facet, name)
    if profile is None:
        return None
    return {
        "facet": facet,
        "value": profile.value,
        "total": profile.total,
        "timeline": monthly_timeline(profile.published),
        "undated": profile.total - sum(profile.published.values()),
        "companions": {
            other: [{"value": value, "count": count} for value, count in values]
            for other, values in profile.companions.items()
        },
        "latest": [
            {
                "id": hit.id,
                "title": hit.title,
                "published": hit.published.date().isoformat() if hit.published else None,
                "source": hit.source,
            }
            for hit in profile.latest
        ],
        "written_as": [{"text": text, "mentions": count} for text, count in profile.spellings],
        "also_known_as": profile.merged,
    }

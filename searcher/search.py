"""What a search means: parameters in, one ``SearchResults`` out. The page renders it, the API serializes
it (``as_json``), the CLI prints it. What the pages draw (bar heights) is computed here, not in templates."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from index.columns import facet_key
from index.facets import FACET_BY_NAME
from index.language import UNDETERMINED, language_name
from index.schema import COLUMN_FACETS

from .backend import ChosenValue, RawResults
from .engine import SearchBackend
from .params import FACETS, SearchParams
from .periods import PERIOD_WIDTH, histogram_unit

FACET_LIMIT = 10
FACET_MAX = 200


def web_link(url: str | None) -> str | None:
    """An article's own URL, only when it is an http(s) address: never javascript:, data: or the like."""
    if not url:
        return None
    parsed = urlsplit(url.strip())
    return url.strip() if parsed.scheme.lower() in ("http", "https") and parsed.netloc else None


@dataclass(frozen=True)
class Bar:
    """One period of a histogram: its articles, and its bar's height in 5% steps of the highest."""

    value: str  # "1987", "1987-03" or "1987-03-02"
    count: int
    level: int  # the stylesheet's classes h0 … h100: no inline style under our CSP

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count}


def histogram(counts: Counter[str], period_counts: Counter[str] | None = None) -> tuple[str, list[Bar]]:
    """Publication dates bucketed by years, months or days, whichever suits the span; every period of
    the span is there, those without articles with a count of 0, so the bars sit on a true time axis.

    ``counts`` counts per day. ``period_counts``, when given, counts per period of the unit the span
    calls for: stories, which a month counts once however many of its days they were published on."""
    if not counts:
        return "month", []
    days = sorted(counts)
    unit = histogram_unit(days[0], days[-1])
    width = PERIOD_WIDTH[unit]
    buckets: Counter[str] = Counter()
    if period_counts is not None and unit != "day":
        buckets.update(period_counts)
    else:
        for day, count in counts.items():
            buckets[day[:width]] += count
    return unit, bars(buckets, periods(date.fromisoformat(days[0]), date.fromisoformat(days[-1]), unit))


def bars(counts: Counter[str], span: list[str]) -> list[Bar]:
    """A bar for every period of ``span``, each with its count and its height against the highest."""
    peak = max((counts[value] for value in span), default=0)
    return [Bar(value, counts[value], bar_level(counts[value], peak)) for value in span]


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


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet as the page lists it and the API gives it, with the count a click on it
    gives and whether the search selects or excludes it."""

    facet: str
    value: str
    count: int
    selected: bool = False
    excluded: bool = False
    country: str | None = None  # a place's country
    places: tuple[FacetValue, ...] | None = None  # a country's places, once rolled up
    label: str | None = None  # how the page names it, where not as it is: a language, "German (de)"
    # what checking it would add to the results, once its facet has a value checked (checking
    # another then widens them: the results grow by this many, not to ``count``)
    adds: int | None = None

    def as_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "value": self.value,
            "count": self.count,
            "selected": self.selected,
            "excluded": self.excluded,
        }
        if self.facet == "place":
            item["country"] = self.country
        if self.places is not None:
            item["places"] = [place.as_json() for place in self.places]
        if self.label is not None:
            item["label"] = self.label
        if self.adds is not None:
            item["adds"] = self.adds
        return item


def facet_values(
    facet: str,
    counts: Counter[str],
    chosen: list[ChosenValue],
    countries: dict[str, Any],
    adds: Counter[str] | None = None,
) -> list[FacetValue]:
    """A facet's values, most frequent first (mentioned periods in date order), each with the count a
    click on it gives; every selected or excluded value is listed, flagged, with its true count. When
    ``adds`` is given (the facet has a value checked), each unchecked value also says what checking it
    would add."""
    states = {item.value: item for item in chosen}

    def entry(value: str, count: int) -> FacetValue:
        state = states.get(value)
        return FacetValue(
            facet,
            value,
            count,
            selected=bool(state and not state.excluded),
            excluded=bool(state and state.excluded),
            country=countries.get(value) if facet == "place" else None,
            label=language_name(value) if facet == "language" else None,
            adds=adds.get(value, 0) if adds is not None and state is None else None,
        )

    values = [entry(value, count) for value, count in counts.most_common(FACET_MAX) if count > 0]
    shown = {v.value for v in values}
    values.extend(entry(item.value, item.count) for item in chosen if item.value not in shown)
    if facet == "mentioned":
        values.sort(key=lambda v: v.value)
    return values


def roll_up_places(facets: dict[str, list[FacetValue]]) -> None:
    """Each country lists its places with their counts: France (2) › Paris (2)."""
    by_country: dict[str, list[FacetValue]] = {}
    for place in facets["place"]:
        if place.country and place.country != place.value:
            by_country.setdefault(place.country, []).append(place)
    facets["country"] = [
        replace(country, places=tuple(by_country.get(country.value, [])[:FACET_LIMIT]))
        for country in facets["country"]
    ]


@dataclass(frozen=True)
class MatchedValue:
    value: str
    count: int


@dataclass(frozen=True)
class Matched:
    """What one word typed in a facet field matched: ``person:volcker`` -> Paul Volcker (107)."""

    field: str
    typed: str
    more: int  # values matched beyond those listed
    values: tuple[MatchedValue, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "typed": self.typed,
            "more": self.more,
            "values": [{"value": v.value, "count": v.count} for v in self.values],
        }


@dataclass(frozen=True)
class ResultHit:
    """One article of a page of results."""

    id: str
    title: str
    published: str | None  # its day, "1987-03-02"
    source: str
    url: str | None  # only an http(s) address
    snippet: str  # HTML, with <mark>
    people: list[str]
    places: list[str]
    orgs: list[str]
    story: str = ""  # the id of the story it is a version of
    versions: int | None = None  # collapsed: the story's versions among the matches, itself included
    other_versions: list[dict[str, Any]] = field(default_factory=list)  # collapsed: the others
    language: str = "und"  # ISO 639 code, "und" when not sure
    published_at: str | None = None  # its time, "1987-03-02T14:07:35", when the source gave one

    def as_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "published": self.published,
            "published_at": self.published_at,
            "source": self.source,
            "url": self.url,
            "snippet": self.snippet,
            "people": self.people,
            "places": self.places,
            "orgs": self.orgs,
            "story": self.story or self.id,
            "language": self.language,
        }
        if self.versions is not None:
            item.update(versions=self.versions, other_versions=self.other_versions)
        return item


@dataclass(frozen=True)
class UnknownValue:
    """A facet value a search selects or excludes that names no value of the index (``org=zzz``): it
    matches no article, and the page, the API and the CLI say so rather than show a count of 0."""

    facet: str
    value: str
    excluded: bool

    @property
    def message(self) -> str:
        noun = FACET_BY_NAME[self.facet].noun
        effect = "excluding it leaves nothing out" if self.excluded else "no article matches it"
        return f"The index holds no {noun} “{self.value}” (in any case or accent form): {effect}."


def values_not_in_index(
    chosen: dict[str, list[ChosenValue]], value_counts: Callable[[str], Mapping[str, int]]
) -> list[UnknownValue]:
    """The chosen values of the column facets (people, places, countries, organizations, languages)
    that ``value_counts`` (the index's values of a facet) holds under no spelling: the engines resolve
    a value given in another case, without its accents or as an acronym to the index's own first
    (``canonical_values``), so one left as given is not in the index."""
    unknown = []
    for facet in COLUMN_FACETS:
        if not chosen.get(facet):
            continue
        keys = {facet_key(value) for value in value_counts(facet)}
        unknown += [
            UnknownValue(facet, item.value, item.excluded)
            for item in chosen[facet]
            if facet_key(item.value) not in keys
        ]
    return unknown


@dataclass(frozen=True)
class SearchResults:
    """What a search found, for the page to render, the API to serialize (``as_json``) and the CLI to
    print: one page of hits, every facet's values and the publication-date histogram."""

    query: str
    total: int
    page: int
    per_page: int
    pages: int
    sort: str
    suggestion: str | None
    match_all: list[str]
    matched: list[Matched]
    published_unit: str  # the histogram's periods: "year", "month" or "day"
    published: list[Bar]
    hits: list[ResultHit]
    facets: dict[str, list[FacetValue]]
    collapse: bool = False  # versions of a story collapsed into one hit
    counts: str = "articles"  # what total and every count count: "stories" or "articles"
    articles: int = 0  # the articles matched, every version
    notice: str | None = None  # why the words were not searched as typed (a wildcard too broad)
    # the selected or excluded values the index holds no value of, in any case or accent form
    not_in_index: list[UnknownValue] = field(default_factory=list)
    # False for a query with no word to search (``😀``, ``!!!``, stop words alone: ``the``): it matched
    # nothing, and ``notice`` says why
    searchable: bool = True

    @property
    def undetermined_left_out(self) -> int:
        """With a language selected, the articles of undetermined language (flashes of a headline alone,
        tables of figures: too little text for the detector to be sure) the selection leaves out within
        the other filters: what checking Undetermined would add. 0 when no language is selected or
        Undetermined is selected or excluded."""
        languages = self.facets.get("language", [])
        undetermined = next((v for v in languages if v.value == UNDETERMINED), None)
        if undetermined is None or undetermined.selected or undetermined.excluded:
            return 0
        if not any(v.selected for v in languages):
            return 0
        return undetermined.count if undetermined.adds is None else undetermined.adds

    @property
    def first_number(self) -> int:
        """The number of the page's first hit among all the results (21 on page 2 of 20 a page)."""
        return (self.page - 1) * self.per_page + 1

    def as_json(self) -> dict[str, Any]:
        """The API's answer (the histogram is the facet ``published`` there)."""
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "sort": self.sort,
            "suggestion": self.suggestion,
            "notice": self.notice,
            "searchable": self.searchable,
            "undetermined_left_out": self.undetermined_left_out,
            "not_in_index": [
                {"facet": item.facet, "value": item.value, "message": item.message}
                for item in self.not_in_index
            ],
            "match_all": self.match_all,
            "matched": [m.as_json() for m in self.matched],
            "published_unit": self.published_unit,
            "collapse": self.collapse,
            "counts": self.counts,
            "articles": self.articles,
            "hits": [hit.as_json() for hit in self.hits],
            "facets": {
                **{facet: [v.as_json() for v in values] for facet, values in self.facets.items()},
                "published": [bar.as_json() for bar in self.published],
            },
        }


def run_search(index: SearchBackend, params: SearchParams) -> SearchResults:
    raw: RawResults = index.search(params)
    countries = index.generation().countries
    facets = {
        facet: facet_values(
            facet, raw.facet_counts[facet], raw.chosen[facet], countries, raw.facet_adds.get(facet)
        )
        for facet in FACETS
    }
    roll_up_places(facets)
    unit, published = histogram(raw.published_counts, raw.published_periods)
    return SearchResults(
        query=params.q,
        total=raw.total,
        page=params.page,
        per_page=params.per_page,
        pages=max(1, -(-raw.total // params.per_page)),
        sort=params.sort,
        suggestion=raw.suggestion,
        notice=raw.notice,
        searchable=raw.searchable,
        match_all=sorted(params.match_all),
        matched=[
            Matched(m.field, m.typed, m.more, tuple(MatchedValue(value, count) for value, count in m.values))
            for m in raw.matched
        ],
        published_unit=unit,
        published=published,
        hits=[
            ResultHit(
                id=hit.id,
                title=hit.title,
                published=hit.published.date().isoformat() if hit.published else None,
                published_at=published_at(hit.published),
                source=hit.source,
                url=web_link(hit.url),
                snippet=hit.snippet,
                people=hit.people,
                places=[name for name, _ in hit.places],
                orgs=hit.orgs,
                story=hit.story or hit.id,
                versions=1 + len(hit.versions) if raw.collapsed else None,
                other_versions=[version_data(v) for v in hit.versions],
                language=hit.language,
            )
            for hit in raw.hits
        ],
        facets=facets,
        collapse=raw.collapsed,
        not_in_index=values_not_in_index(raw.chosen, index.generation().value_counts),
        counts="stories" if raw.collapsed else "articles",
        articles=raw.total if raw.articles is None else raw.articles,
    )


MIDNIGHT = time(0)


def published_at(published: datetime | None) -> str | None:
    """The time of publication as ISO 8601 ("1987-04-02T13:05:00") when the source gave a time of
    day; None for an undated article and for a date alone (read as midnight: a source that gives only
    days has every article at 00:00, which says nothing of their order)."""
    if published is None or published.time() == MIDNIGHT:
        return None
    return published.isoformat(timespec="seconds")


def published_label(item: dict[str, Any]) -> str | None:
    """When an article (``article_data``, ``version_data``) was published, as a page shows it: its
    day, and its time when known ("1987-04-02 13:05", seconds only when they are not 0)."""
    at = item.get("published_at")
    if not at:
        return item.get("published")
    day, _, clock = at.partition("T")
    return f"{day} {clock[:5] if clock.endswith(':00') else clock}"


def version_data(version: dict[str, Any]) -> dict[str, Any]:
    """One version of a story as the page and the API list it: its day, and its time when known
    (``published_at``) so two versions of one day are told apart."""
    published = version.get("published")
    data = {
        "id": version["id"],
        "title": version["title"],
        "published": published.date().isoformat() if published else None,
        "published_at": published_at(published),
        "source": version.get("source") or None,
    }
    if "joined_by_reader" in version:  # the article page's list: in the story by a reader's join
        data["joined_by_reader"] = bool(version["joined_by_reader"])
    return data


def story_versions(index: SearchBackend, article_id: str) -> list[dict[str, Any]]:
    """Every version of the article's story, itself included, oldest first (none on an engine that
    does not group versions yet)."""
    versions = getattr(index, "story_versions", None)
    return [version_data(v) for v in versions(article_id)] if versions else []


class AmbiguousArticleId(LookupError):
    """An id given without its source that several sources use: the ids it could mean."""

    def __init__(self, article_id: str, candidates: list[str]) -> None:
        super().__init__(f"{len(candidates)} articles have the id {article_id!r}: {', '.join(candidates)}")
        self.candidates = candidates


def resolve_article_id(index: SearchBackend, article_id: str) -> str | None:
    """The id of the article ``article_id`` names: itself, or, when no article has it, the one article
    whose own id within its source is ``article_id`` (an export's ``1`` is stored as ``<source>/1``).
    None when no article matches; ``AmbiguousArticleId`` when several sources use that id."""
    if index.article(article_id) is not None:
        return article_id
    candidates = index.ids_with_own_id(article_id)
    if len(candidates) > 1:
        raise AmbiguousArticleId(article_id, candidates)
    return candidates[0] if candidates else None


def article_data(index: SearchBackend, article_id: str) -> dict[str, Any] | None:
    """The article with this id, or with this own id within its source (see ``resolve_article_id``)."""
    stored = index.article(article_id)
    if stored is None:
        resolved = resolve_article_id(index, article_id)
        stored = index.article(resolved) if resolved else None
    if stored is None:
        return None
    entities = stored["entities"]
    published = stored.get("published")
    return {
        "id": stored["id"],
        "title": stored.get("title") or "(untitled)",
        "body": stored.get("body") or "",
        "dateline": display_dateline(stored.get("dateline")),
        "published": published.date().isoformat() if published else None,
        "published_at": published_at(published),
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
            for r in index.more_like_this(stored["id"])
        ],
        "versions": story_versions(index, stored["id"]),
    }


def display_dateline(dateline: str | None) -> str | None:
    """A dateline as a newspaper sets it before the first paragraph: "BRUSSELS, March 17 -" ->
    "BRUSSELS, March 17" (the page draws the dash); None when there is none."""
    text = " ".join((dateline or "").split()).rstrip(" -–—:")
    return text or None


SENTENCE_END = re.compile(r"[.!?:;\"”’')\]]\s*$")
CONTINUATION_START = re.compile(r"\s*(?:[a-z]|\.{2,}|…|[,;)])")
SHORTEST_WRAPPED_LINE = 40  # shorter lines ("nine mths", "two 10.50/8.50") are table rows and headings
TABLE_ROW = re.compile(r"\S {3,}\S|\t")  # columns set apart by runs of spaces: a line of its own


def breaks_mid_sentence(line: str, following: str) -> bool:
    """Whether the line break between ``line`` and ``following`` falls inside a sentence: a wire break
    the cleaning left ("OPEC believes\n...The world", "without restrictions\nand should"), not the
    start of a paragraph. ``line`` does not end a sentence, ``following`` opens in lower case or with
    an ellipsis, and neither is blank or a table row; an indented line starts a paragraph. ``line`` is
    as long as a wire line at least, and not in capitals: short lines of figures are tables."""
    return (
        len(line.strip()) >= SHORTEST_WRAPPED_LINE
        and any(char.islower() for char in line)  # not an all-capitals heading ("LONDON DEPOSITS -APRIL 7")
        and bool(following.strip())
        and following[:1] not in (" ", "\t")
        and not SENTENCE_END.search(line)
        and bool(CONTINUATION_START.match(following))
        and not TABLE_ROW.search(line.strip())
        and not TABLE_ROW.search(following.strip())
    )


def joined_lines(body: str) -> str:
    """``body`` with each line break inside a sentence (``breaks_mid_sentence``) made a space: the text
    as it reads, of the same length, so entity offsets into the stored body still point at their words."""
    lines = body.split("\n")
    out = [lines[0]]
    for line, following in itertools.pairwise(lines):
        out.append(" " if breaks_mid_sentence(line, following) else "\n")
        out.append(following)
    return "".join(out)


def body_paragraphs(body: str, spans: list[tuple[int, int, str, str]]) -> list[list[dict[str, Any]]]:
    """The body as the article page sets it: paragraphs (the lines of the stored body, a break inside a
    sentence joined), each cut into plain text and entity mentions (``body_segments``); a mention that
    ran over a paragraph break is marked in both."""
    paragraphs: list[list[dict[str, Any]]] = [[]]
    for segment in body_segments(joined_lines(body), spans):
        pieces = segment["text"].split("\n")
        for number, piece in enumerate(pieces):
            if number:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append({**segment, "text": piece})
    return [paragraph for paragraph in paragraphs if any(s["text"].strip() for s in paragraph)]


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
    return [{"value": bar.value, "count": bar.count, "level": bar.level} for bar in bars(months, span)]


def entity_data(index: SearchBackend, facet: str, name: str) -> dict[str, Any] | None:
    """One entity's page and API answer: its count, timeline, telling companions, latest articles, the
    ways it is written, and for a place its country."""
    profile = index.entity(facet, name)
    if profile is None:
        return None
    return {
        "facet": facet,
        "value": profile.value,
        # the country a place is in (None for a region or an unknown place); a country is its own
        "country": index.generation().countries.get(profile.value) if facet == "place" else None,
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

"""The only module of the searcher that knows Whoosh: queries in, hit data and doc ids out.

It follows the index's ``current`` generation and reopens when a rebuild or add switches it, so a
running server picks up a new index without a restart.
"""

from __future__ import annotations

import json
import re
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import bleach
import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.highlight import BasicFragmentScorer, ContextFragmenter, HtmlFormatter, highlight
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, AndMaybe, AndNot, Every, Not, Or, Phrase, Prefix, Require, Term
from whoosh.reading import TermNotFound

from index import store
from index.aliases import ALIASES_FILE, AliasRule, read_rules, spelling_key, split_values, value_map
from index.columns import UNDATED, Columns, FacetColumn, facet_key, timestamp
from index.facets import ENTITY_FACETS
from index.language import UNDETERMINED
from index.normalize import acronym_expansion, acronym_in_any_case
from index.schema import COLUMN_FACETS, WORDS_FILE, is_language_field, outdated_index_message, query_schema
from index.stages.identity import copy_aliases
from index.stages.stories import story_ids
from index.story_corrections import (
    StoryRule,
    apply_story_rules,
    joined_by_readers,
    read_story_rules,
    story_rules_version,
)
from index.whoosh_files import open_index

from .counting import ArticleCounting, StoryCounting, first_of_each_story
from .params import FACETS, SearchParams
from .periods import PERIOD_WIDTH, histogram_unit
from .query import (
    WildcardRefusal,
    different_wildcards,
    has_words_to_search,
    joined_notices,
    parse_query,
    refusal_notice,
)
from .ranking import (
    FieldLengths,
    PhraseMatches,
    PostingsCache,
    best_first,
    phrase_documents,
    phrase_key,
    scored_docnums,
)
from .selection import Condition, FacetSelection, SelectionPlan
from .sources import SOURCE_FIELD, is_typed_source, sources_named, unknown_sources_notice
from .spelling import edit_distance, neighbours_of
from .typed_values import FacetValue, unknown_values_notice

MAX_WILDCARD_TERMS = 200
RARE_WORD_ARTICLES = 20  # a word in fewer articles than this may be a misspelling of a frequent one
MORE_FREQUENT_BY = 20  # ... when a word one edit away is in this many times as many articles
MAX_WILDCARD_WORDS = 4
EPOCH_DAY = date(1970, 1, 1)
SNIPPET_WINDOW = 1500  # characters of a long body searched for a snippet
MAX_WORD_WIDENING = 40  # characters a fragment may grow by to take in the rest of a cut word
SNIPPET_FORMATTER = HtmlFormatter(tagname="mark", classname="", termclass="", between=" … ")


class EarlierFragmentScorer(BasicFragmentScorer):
    """Whoosh's fragment score, a tie going to the earlier fragment. Whoosh breaks ties by memory
    address (``Fragment.__lt__`` compares ``id()``), so the same request could get another snippet."""

    def __call__(self, fragment: Any) -> float:
        return super().__call__(fragment) - fragment.startchar / (fragment.startchar + 1)


SNIPPET_SCORER = EarlierFragmentScorer()


def whole_words_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` widened to whole words: the analyzer splits "December's" and "long-term" into
    two tokens, so a fragment may begin at "s" or "term". Widens by at most MAX_WORD_WIDENING characters
    each way, so a long run of characters without a space cannot make a snippet a page long."""
    floor, ceiling = max(0, start - MAX_WORD_WIDENING), min(len(text), end + MAX_WORD_WIDENING)
    while start > floor and not text[start - 1].isspace():
        start -= 1
    while end < ceiling and not text[end].isspace():
        end += 1
    return start, end


class WholeWordFragmenter(ContextFragmenter):
    """Whoosh's context fragments, each beginning and ending on whole words."""

    def fragment_tokens(self, text: str, tokens: Any) -> Any:
        for fragment in super().fragment_tokens(text, tokens):
            fragment.startchar, fragment.endchar = whole_words_span(
                text, fragment.startchar, fragment.endchar
            )
            yield fragment


SNIPPET_FRAGMENTER = WholeWordFragmenter(maxchars=220, surround=60)


@dataclass
class Hit:
    id: str
    title: str
    published: datetime | None
    source: str
    url: str | None
    snippet: str
    people: list[str]
    places: list[list]
    orgs: list[str]
    language: str = UNDETERMINED  # ISO 639 code
    story: str = ""  # the id of the story it is a version of
    versions: list[dict] = field(default_factory=list)  # with collapse: the story's other matching versions


@dataclass(frozen=True)
class ChosenValue:
    """A value the search selects or excludes, under the name the index gives it, with its true count:
    for a selected value, the articles it gives within the other filters; for an excluded one, the
    articles its exclusion removes."""

    value: str
    count: int
    excluded: bool


@dataclass(frozen=True)
class MatchedValues:
    """What one word typed in a facet field matched: ``person:volcker`` -> Paul Volcker (107)."""

    field: str
    typed: str
    values: list[tuple[str, int]]  # (value, articles of the results holding it), most first
    more: int  # values matched beyond those listed


@dataclass
class EntityProfile:
    facet: str
    value: str
    total: int
    published: Counter  # articles by publication day
    companions: dict[str, list[tuple[str, int]]]  # facet -> (value, articles with both), most telling first
    latest: list[Hit]
    spellings: list[tuple[str, int]]  # how the articles wrote it, most used first
    merged: list[str]  # values readers' corrections merged into it


@dataclass
class RawResults:
    total: int
    hits: list[Hit]
    facet_counts: dict[str, Counter]
    published_counts: Counter
    suggestion: str | None
    query_used: str
    chosen: dict[str, list[ChosenValue]]
    matched: list[MatchedValues]
    collapsed: bool = False  # one hit per story, and every count counts stories
    articles: int | None = None  # the articles matched (every version), when the total counts stories
    # stories per period of the histogram's unit (months, years), when they count stories: a story
    # published over several days of one month counts once in it
    published_periods: Counter | None = None
    notice: str | None = None  # why the words were not searched as typed (a wildcard too broad)
    searchable: bool = True  # False: the query has no word to search (``has_words_to_search``)
    # facet -> what checking each unchecked value would add, for a facet whose "any of" selection
    # holds a value (checking another widens the results): searcher/selection.py
    facet_adds: dict[str, Counter] = field(default_factory=dict)


class Generation:
    """One opened generation: the Whoosh index for text, the facet columns for counting and filtering."""

    def __init__(
        self,
        path: Path,
        aliases: dict[str, dict[str, str | None]] | None = None,
        aliases_version: object = None,
        splits: list[AliasRule] | None = None,
        story_rules: list[StoryRule] | None = None,
    ) -> None:
        store.verify_generation(path)  # a damaged generation is refused, naming the file and the fix
        self.path = path
        self.aliases = aliases or {}  # readers' corrections: facet -> value -> new value (None: dropped)
        self.aliases_version = aliases_version
        self.splits = splits or []  # readers' splits of wrong merges, per article (by how it wrote the value)
        self.story_rules = story_rules or []  # readers' joins and splits of stories (stories.txt)
        self.automatic_stories: dict[str, str] = {}  # article id -> story id before the readers' rules
        self.ix = open_index(path)
        self.schema = self.ix.schema  # Whoosh rereads the schema from disk at every .schema
        outdated = outdated_index_message(path, self.schema)
        if outdated:
            self.ix.close()
            raise store.NoIndexError(outdated)
        self.query_schema = query_schema(self.schema)
        with self.ix.reader() as reader:
            indexed = set(reader.indexed_field_names())
            # the sources the articles come from, as they are written: ``source:`` names them in any case
            self.sources = sorted(filter(None, reader.field_terms("source"))) if "source" in indexed else []
        # the language fields this generation holds terms in: a query searches them beside title and body
        self.text_fields = [
            "title",
            "body",
            *(name for name in self.schema.names() if is_language_field(name) and name in indexed),
        ]
        self._searchers: list = []  # every thread's, closed with the generation
        self._thread = threading.local()
        self._closer = weakref.finalize(self, _close_searchers, self._searchers, self.ix)
        self._open_searcher()  # now, so a generation that cannot be read fails here
        try:
            self.columns = Columns.load(path).with_aliases(self.aliases)
        except (OSError, KeyError, ValueError) as error:
            self.close()
            raise store.NoIndexError(
                f"the index at {path} has no facet columns (built by an older version); "
                f"run `searcher index rebuild` ({error})"
            ) from error
        self.countries = store.read_json(path / "places.json")
        self.field_lengths = FieldLengths()  # what relevance ranking reads, once per generation
        self.postings = PostingsCache()  # the longest posting lists, decoded
        if self.splits:
            self.columns = self._split_columns()
        self._words: tuple[list[str], dict[str, int]] | None = None
        self._value_counts: dict[str, dict[str, int]] = {}
        self._counts_lock = threading.Lock()
        self._articles = ArticleCounting(self.columns)
        self._stories: StoryCounting | None = None
        self._ids_by_own_id: dict[str, list[str]] | None = None
        self.copies = copy_aliases(path)  # a skipped exact copy's id -> the id of the article kept

    def articles(self) -> ArticleCounting:
        """Counting and date order of this generation's articles."""
        return self._articles

    def stories(self) -> StoryCounting:
        """Each document's story, read on the first search of the generation that needs it."""
        with self._counts_lock:
            if self._stories is None:
                with self.ix.reader() as reader:
                    doc_ids = list(reader.column_reader("id"))
                self.automatic_stories = story_ids(self.path)
                self._stories = StoryCounting.for_documents(
                    self.columns,
                    doc_ids,
                    apply_story_rules(self.automatic_stories, self.story_rules),
                    self._articles.arrays,
                )
            return self._stories

    def counting(self, collapse: bool) -> ArticleCounting:
        """What a search counts: stories when versions are collapsed, else articles."""
        return self.stories() if collapse else self._articles

    def ids_by_own_id(self) -> dict[str, list[str]]:
        """Each article's own id (the part after its source, ``"1"`` of ``"wire-a/1"``) -> the ids that
        end with it: how an id given without its source is found. Read on the first such lookup."""
        with self._counts_lock:
            if self._ids_by_own_id is None:
                by_own: dict[str, list[str]] = {}
                with self.ix.reader() as reader:
                    for doc_id in [*reader.column_reader("id"), *self.copies]:
                        if "/" in doc_id:
                            by_own.setdefault(doc_id.rsplit("/", 1)[1], []).append(doc_id)
                self._ids_by_own_id = by_own
            return self._ids_by_own_id

    def words(self) -> tuple[list[str], dict[str, int]]:
        """The words spelling suggestions are drawn from, sorted, with how many articles each is in:
        the titles' and bodies' words, weighed up by the facet values they are part of (a name a
        reader may misspell counts as often as articles name it). Read on the first suggestion."""
        if self._words is None:
            counts = Counter(store.read_json(self.path / WORDS_FILE))
            for facet in ENTITY_FACETS:
                for value, count in self.value_counts(facet).items():
                    for word in set(facet_key(value).split()):
                        if len(word) >= 3 and word.isalpha() and word.isascii():
                            counts[word] += count
            self._words = sorted(counts), dict(counts)
        return self._words

    def corrected(self, facet: str, values: Iterable[str]) -> list[str]:
        """Stored facet values with the readers' corrections applied (renamed, merged, dropped)."""
        mapping = self.aliases.get(facet)
        if not mapping:
            return list(values)
        out = (mapping.get(value, value) for value in values)
        return list(dict.fromkeys(value for value in out if value is not None))

    def corrected_places(self, places: Iterable[list]) -> list[list]:
        """Stored [place, country] pairs with the corrections applied; a renamed place takes the
        country its new name has in the index, if any."""
        mapping = self.aliases.get("place", {})
        found: dict[str, list] = {}
        for name, country in places:
            new = mapping.get(name, name)
            if new is not None and new not in found:
                found[new] = [new, country if new == name else self.countries.get(new, country)]
        return list(found.values())

    def corrected_entities(self, entities: dict, body: str | None = None) -> dict:
        """An article's stored entities (display lists and mention spans) with the corrections applied;
        with its ``body``, also the splits (which read how the article wrote each value)."""
        if self.splits and body is not None:
            return self._split_entities(self.corrected_entities(entities), body)
        if not self.aliases:
            return entities
        facet_of = {"people": "person", "orgs": "org"}
        fixed = dict(entities)
        for key, facet in facet_of.items():
            fixed[key] = self.corrected(facet, entities.get(key, []))
        fixed["places"] = self.corrected_places(entities.get("places", []))
        spans = []
        for start, end, facet, value in entities.get("spans", []):
            new = self.aliases.get(facet, {}).get(value, value)
            if new is not None:
                spans.append([start, end, facet, new])
        fixed["spans"] = spans
        return fixed

    @staticmethod
    def article_spellings(entities: dict, body: str, facet: str) -> dict[str, set[str]]:
        """Each value of one facet in an article -> the keys of the ways the article wrote it."""
        found: dict[str, set[str]] = {}
        for start, end, span_facet, value in entities.get("spans", []):
            if span_facet == facet and 0 <= start < end <= len(body):
                found.setdefault(value, set()).add(spelling_key(body[start:end]))
        return found

    def _split_entities(self, entities: dict, body: str) -> dict:
        listed_as = {"person": "people", "org": "orgs"}
        fixed = dict(entities)
        spans = [list(span) for span in entities.get("spans", [])]
        for facet, listed in listed_as.items():
            rules = [rule for rule in self.splits if rule.facet == facet]
            if not rules:
                continue
            spellings = self.article_spellings(entities, body, facet)
            fixed[listed], moved = split_values(entities.get(listed, []), spellings, rules)
            for span in spans:
                start, end, span_facet, value = span
                if span_facet == facet and 0 <= start < end <= len(body):
                    span[3] = moved.get((value, spelling_key(body[start:end])), value)
        fixed["spans"] = spans
        return fixed

    def _split_columns(self) -> Columns:
        """The facet columns with the splits applied to the articles holding a split value."""
        columns = self.columns
        facets = dict(columns.facets)
        for facet in sorted({rule.facet for rule in self.splits}):
            rules = [rule for rule in self.splits if rule.facet == facet]
            column = facets[facet]
            ids = [i for rule in rules for i in column.value_ids(facet_key(rule.value))]
            rows = {}
            for docnum in np.flatnonzero(column.articles_with(ids, columns.size) & columns.live).tolist():
                stored = self.searcher.stored_fields(docnum)
                entities = self.corrected_entities(json.loads(stored["entities"]))
                spellings = self.article_spellings(entities, stored.get("body") or "", facet)
                rows[docnum] = split_values(column.row(docnum), spellings, rules)[0]
            facets[facet] = column_with_rows(column, rows)
        return Columns(facets=facets, published=columns.published, live=columns.live)

    def merged_into(self, facet: str, value: str) -> list[str]:
        """The values the corrections turned into ``value``: what the entity page calls "also known as"."""
        return sorted(
            old for old, new in self.aliases.get(facet, {}).items() if new == value and old != value
        )

    def value_counts(self, facet: str) -> dict[str, int]:
        """How many live articles hold each value of a facet, counted once per generation."""
        with self._counts_lock:
            if facet not in self._value_counts:
                self._value_counts[facet] = self.columns.facets[facet].counts(self.columns.live)
            return self._value_counts[facet]

    @property
    def searcher(self) -> Any:
        """This thread's Whoosh searcher: Whoosh wants one per thread (its readers keep positions in
        the files they read). Opened on a thread's first request to this generation."""
        searcher = getattr(self._thread, "searcher", None)
        return self._open_searcher() if searcher is None else searcher

    def _open_searcher(self) -> Any:
        searcher = self._thread.searcher = self.ix.searcher()
        self._searchers.append(searcher)  # list.append is atomic
        return searcher

    def close(self) -> None:
        self._closer()


def _close_searchers(searchers: list[Any], ix: Any) -> None:
    """When a generation is closed, or collected once the last request on it lets go of it."""
    for searcher in searchers:
        searcher.close()
    searchers.clear()
    ix.close()


class SearchIndex:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._generation: Generation | None = None
        self._lock = threading.Lock()

    def generation(self) -> Generation:
        path = store.require_current_generation(self.index_dir)
        aliases_file = self.index_dir / ALIASES_FILE
        try:
            aliases_version: object = aliases_file.stat().st_mtime_ns
        except FileNotFoundError:
            aliases_version = None
        story_version = story_rules_version(self.index_dir)
        version = (aliases_version, story_version)
        with self._lock:
            current = self._generation
            if current is None or current.path != path or current.aliases_version != version:
                # The old generation is not closed here: requests still running hold it and finish
                # on it; its files close when the last of them lets go of it. A change to the
                # readers' corrections reopens the same generation with them.
                rules = read_rules(self.index_dir) if aliases_version is not None else []
                splits = [rule for rule in rules if rule.action == "split"]
                story_rules = read_story_rules(self.index_dir) if story_version is not None else []
                current = self._generation = Generation(path, value_map(rules), version, splits, story_rules)
            return current

    # queries -----------------------------------------------------------------------------------
    def parse(self, generation: Generation, text: str) -> tuple[Any, str]:
        """The user's words as a query (the searcher's one parse); a wildcard Whoosh would expand too
        far is searched as plain words."""
        return parse_query(text, generation.query_schema, lambda query: _too_wide(query, generation))

    def _filtered(
        self, generation: Generation, params: SearchParams
    ) -> tuple[Any, str, np.ndarray, SelectionPlan, ConditionMasks, np.ndarray, PhraseMatches]:
        """The parsed query, the articles its words and dates allow, the facet selections' plan and
        their masks, the articles that pass them all, and the articles each phrase of the query matched."""
        query, used = self.parse(generation, params.q)
        phrases: PhraseMatches = {}
        base = matching_articles(generation, query, phrases) & date_mask(generation.columns, params)
        plan = SelectionPlan.from_params(params)
        masks = ConditionMasks(generation, generation.counting(params.collapse))
        final = masks.narrowed(base, plan.hits())
        return query, used, base, plan, masks, final, phrases

    def search(self, params: SearchParams) -> RawResults:
        generation = self.generation()
        query, used, base, plan, masks, final, phrases = self._filtered(generation, params)
        units = generation.counting(params.collapse)
        total = units.count(final)

        counts, chosen, adds = {}, {}, {}
        for facet in FACETS:  # what each count is taken within: searcher/selection.py
            counting = masks.narrowed(base, plan.counted_over(facet))
            counts[facet] = Counter(units.value_counts(facet, counting))
            if plan.selections[facet].widens:
                new = units.beyond(masks.narrowed(base, plan.widening(facet)), final)
                adds[facet] = Counter(units.value_counts(facet, new))

            def within(excluded: bool, facet: str = facet) -> np.ndarray:
                return masks.narrowed(base, plan.chosen_within(facet, excluded))

            chosen[facet] = chosen_values(plan.selections[facet], counts[facet], within, masks)
        published = units.published_days(final)
        periods = None
        if isinstance(units, StoryCounting) and published:
            unit = histogram_unit(min(published), max(published))
            if unit != "day":
                periods = units.period_counts(final, PERIOD_WIDTH[unit])

        first = (params.page - 1) * params.per_page
        ranked = ranking_query(query)  # what Whoosh sees of the query: its words
        if total == 0 or first >= total:
            docnums = []
        elif params.q and params.sort == "relevance" and not isinstance(ranked, Every):
            narrowed = plan.narrows or bool(params.date_from or params.date_to) or ranked is not query
            docnums = self._ranked_page(generation, ranked, final, units, params, phrases, narrowed)
        else:
            ordered = units.by_date(final, newest=params.sort != "oldest")
            if isinstance(units, StoryCounting):
                ordered = units.first_of_each(ordered)
            docnums = ordered[first : first + params.per_page].tolist()
        words = query_words(generation, ranked) if params.q else set()
        hits = [self._hit(generation, docnum, words) for docnum in docnums]
        stories = generation.stories()
        for hit, docnum in zip(hits, docnums, strict=True):
            hit.story = stories.story_id(docnum)
            if params.collapse:  # the story's other versions among the matches, oldest first
                hit.versions = [
                    _version(generation, n) for n in stories.versions(docnum, final) if n != docnum
                ]

        suggestion = self.suggestion(generation, params, used, total, plan, masks) if params.q else None
        return RawResults(
            total=total,
            hits=hits,
            facet_counts=counts,
            facet_adds=adds,
            published_counts=published,
            published_periods=periods,
            suggestion=suggestion,
            query_used=used,
            chosen=chosen,
            matched=matched_values(generation, query, final, units=units),
            collapsed=params.collapse,
            articles=int(final.sum()),
            notice=joined_notices(
                refusal_notice(params.q, generation.query_schema, lambda q: _too_wide(q, generation)),
                unknown_sources_notice(query, generation.sources),
                unknown_values_notice(
                    query, lambda facet, value: bool(typed_value_ids(generation, FacetValue(facet, value)))
                ),
            ),
            searchable=has_words_to_search(params.q),
        )

    @staticmethod
    def _ranked_page(
        generation: Generation,
        ranked: Any,
        final: np.ndarray,
        units: ArticleCounting,
        params: SearchParams,
        phrases: PhraseMatches,
        narrowed: bool,
    ) -> list[int]:
        """The page's hits by relevance: Whoosh's score for the query's words, over the articles the
        whole search allows (its facet-column part, facet and date filters); collapsed, each story
        once, by its best-ranked version."""
        first, wanted = (params.page - 1) * params.per_page, params.page * params.per_page
        collapsed = isinstance(units, StoryCounting)
        scored = scored_docnums(
            generation.searcher, ranked, final, generation.field_lengths, phrases, generation.postings
        )
        if scored is not None:
            if isinstance(units, StoryCounting):
                scored = units.best_of_each(*scored)
            return best_first(*scored, wanted)[first:]
        # a query NumPy does not rank: Whoosh ranks it, one match at a time, within the articles
        # allowed (never empty here: Whoosh would read an empty set as no filter at all)
        allowed = set(np.flatnonzero(final).tolist()) if narrowed or collapsed else None
        limit = wanted
        while True:  # collapsed: rank more articles until the page's stories are all found
            order = [hit.docnum for hit in generation.searcher.search(ranked, limit=limit, filter=allowed)]
            if not isinstance(units, StoryCounting):
                return order[first:]
            leaders: list[int] = units.first_of_each(np.array(order, dtype=np.int64)).tolist()
            if len(leaders) >= wanted or len(order) < limit:
                return leaders[first:wanted]
            limit *= 4

    def story_versions(self, article_id: str) -> list[dict]:
        """Every version of an article's story the index holds (itself included), oldest first."""
        generation = self.generation()
        docnum = generation.searcher.document_number(id=article_id)
        if docnum is None:
            return []
        versions = [
            _version(generation, n) for n in generation.stories().versions(docnum, generation.columns.live)
        ]
        joined = joined_by_readers(generation.automatic_stories, article_id, [v["id"] for v in versions])
        return [{**version, "joined_by_reader": version["id"] in joined} for version in versions]

    def all_matches(self, params: SearchParams) -> Iterator[dict]:
        """Every article the search matches (not one page), in the search's order, one stored record at
        a time: what an export streams. Relevance orders by Whoosh's score over all the matches."""
        generation = self.generation()
        query, _, _, _, _, final, _ = self._filtered(generation, params)
        ranked = ranking_query(query)
        if not final.any():
            return
        if params.q and params.sort == "relevance" and not isinstance(ranked, Every):
            allowed = set(np.flatnonzero(final).tolist())
            docnums = [hit.docnum for hit in generation.searcher.search(ranked, limit=None, filter=allowed)]
        else:
            docnums = generation.articles().by_date(final, newest=params.sort != "oldest").tolist()
        for docnum in docnums:
            stored = generation.searcher.stored_fields(docnum)
            entities = generation.corrected_entities(json.loads(stored["entities"]), stored.get("body") or "")
            yield {
                "id": stored["id"],
                "title": stored.get("title") or "",
                "published": stored.get("published"),
                "source": stored.get("source") or "",
                "url": stored.get("url"),
                "people": entities["people"],
                "places": [name for name, _ in entities["places"]],
                "countries": sorted({c for _, c in entities["places"] if c}),
                "orgs": entities["orgs"],
                "language": stored.get("language") or UNDETERMINED,
            }

    def entity(self, facet: str, name: str, related: int = 12, latest: int = 10) -> EntityProfile | None:
        """One person, place, country or organization across the archive: how many articles name it,
        when (articles by publication day), the values of the other facets found with it more often
        than chance, its latest articles and the spellings the articles use for it. None when the
        index holds no such value."""
        generation = self.generation()
        columns = generation.columns
        column = columns.facets[facet]
        ids = value_ids_or_acronym(column, name, columns.live)
        if not ids:
            return None
        mask = column.articles_with(ids, columns.size) & columns.live
        total, everything = int(mask.sum()), int(columns.live.sum())
        companions = {}
        articles = generation.articles()
        for other in ENTITY_FACETS:
            inside = articles.value_counts(other, mask)
            overall = generation.value_counts(other)
            scored = [
                (association(inside[value], total, overall[value], everything), value, inside[value])
                for value in inside
                if not (other == facet and value in {column.values[i] for i in ids})
            ]
            companions[other] = [
                (value, count)
                for score, value, count in sorted(scored, key=lambda x: (-x[0], x[1]))
                if score > 0
            ][:related]
        newest = articles.by_date(mask, newest=True)[: max(latest, SPELLING_SAMPLE)].tolist()
        story_of = generation.stories().story_of
        newest_stories = first_of_each_story(newest, lambda docnum: int(story_of[docnum]))
        latest_hits = [self._hit(generation, docnum, set()) for docnum in newest_stories[:latest]]
        values = [column.values[i] for i in ids]
        value = max(values, key=lambda v: column_count(generation, facet, v))
        return EntityProfile(
            facet=facet,
            value=value,
            merged=generation.merged_into(facet, value),
            total=total,
            published=articles.published_days(mask),
            companions=companions,
            latest=latest_hits,
            spellings=entity_spellings(generation, facet, set(values), newest[:SPELLING_SAMPLE]),
        )

    def suggestion(
        self,
        generation: Generation,
        params: SearchParams,
        used: str,
        total: int,
        plan: SelectionPlan,
        masks: ConditionMasks,
    ) -> str | None:
        """A correction of the query, offered only when it finds more than the user's words did, within
        the same filters (the search's own, not built again), counted as ``total`` was: stories when
        versions are collapsed (a count of articles would beat a count of stories of the same matches)."""
        corrected = self.corrected_words(generation, used)
        if not corrected or corrected.lower() == used.lower():
            return None
        better_query, _ = self.parse(generation, corrected)
        found = masks.narrowed(
            matching_articles(generation, better_query) & date_mask(generation.columns, params), plan.hits()
        )
        return corrected if generation.counting(params.collapse).count(found) > max(total, 0) else None

    @staticmethod
    def _hit(generation: Generation, docnum: int, words: set[str]) -> Hit:
        stored = generation.searcher.stored_fields(docnum)
        body = stored.get("body") or ""
        data = generation.corrected_entities(json.loads(stored["entities"]), body)
        snippet = snippet_for(generation, body, words) if words else ""
        if not snippet:
            snippet = _escape(body[:240]) + ("…" if len(body) > 240 else "")
        return Hit(
            id=stored["id"],
            title=stored.get("title") or "(untitled)",
            published=stored.get("published"),
            source=stored.get("source") or "",
            url=stored.get("url"),
            snippet=clean_snippet(snippet),
            people=data["people"],
            places=data["places"],
            orgs=data["orgs"],
            language=stored.get("language") or UNDETERMINED,
        )

    @staticmethod
    def corrected_words(generation: Generation, text: str) -> str:
        """Each word the index does not know, or knows but rarely beside a far more frequent near
        neighbour, replaced by the closest such word (fewest edits, then the most frequent):
        "Puttin" -> "putin", "Reagn" -> "reagan", "volker" (1 article) -> "volcker" (107)."""
        ordered, counts = generation.words()
        neighbours = neighbours_of(ordered)

        def better(match: re.Match) -> str:
            word = match.group(0)
            lowered = word.lower()
            own = counts.get(lowered, 0)
            if len(lowered) < 3 or word in ("AND", "OR", "NOT", "TO") or own >= RARE_WORD_ARTICLES:
                return word
            reach = 1 if len(lowered) <= 4 else 2
            candidates = [
                (edit_distance(lowered, c), -counts.get(c, 0), c)
                for c in neighbours.within(lowered, reach)
                if c != lowered
            ]
            if own:  # a known word gives way only to a near neighbour far more frequent than it
                close = 1 if len(lowered) < 8 else 2
                candidates = [c for c in candidates if c[0] <= close and -c[1] >= MORE_FREQUENT_BY * own]
            return min(candidates)[2] if candidates else word

        return re.sub(r"(?<![:\w])[A-Za-z]+(?![:\w*])", better, text)

    def article(self, article_id: str) -> dict | None:
        generation = self.generation()
        stored = generation.searcher.document(id=article_id)
        if stored is None and article_id in generation.copies:  # an exact copy: the article kept
            stored = generation.searcher.document(id=generation.copies[article_id])
        if stored is None:
            return None
        stored = dict(stored)
        stored["entities"] = generation.corrected_entities(
            json.loads(stored["entities"]), stored.get("body") or ""
        )
        return stored

    def ids_with_own_id(self, own_id: str) -> list[str]:
        """The ids of the articles whose own id, within their source, is ``own_id``."""
        return sorted(self.generation().ids_by_own_id().get(own_id, []))

    def more_like_this(self, article_id: str, count: int = 5) -> list[dict]:
        generation = self.generation()
        searcher = generation.searcher
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return []
        stories = generation.stories()
        story = stories.story_id(docnum)
        # the article's own versions are listed as versions, not as articles like it
        results = searcher.more_like(docnum, "body", top=count + MORE_LIKE_THIS_SLACK)
        others = [hit for hit in results if stories.story_id(hit.docnum) != story]
        return [
            {"id": hit["id"], "title": hit["title"] or "(untitled)", "published": hit.get("published")}
            for hit in others[:count]
        ]


MORE_LIKE_THIS_SLACK = 20  # more similar articles read than shown: some are versions of the same story
SPELLING_SAMPLE = 200  # articles read for the ways an entity is written


def column_count(generation: Generation, facet: str, value: str) -> int:
    return generation.value_counts(facet).get(value, 0)


def association(together: int, articles: int, overall: int, everything: int) -> float:
    """How much more often than chance a value turns up in an entity's ``articles`` (``together`` of
    them) given it is in ``overall`` of ``everything``: Dunning's log-likelihood ratio (G²), signed, so a
    value found with the entity no more than chance predicts scores 0 or less. Unlike a raw count it
    does not just repeat the archive's most frequent names; unlike a plain ratio it does not crown a
    name seen once."""
    if together < 2 or articles >= everything:
        return 0.0
    expected = articles * overall / everything
    if together <= expected:
        return 0.0
    cells = [
        (together, expected),
        (articles - together, articles - expected),
        (overall - together, overall - expected),
        (everything - articles - overall + together, everything - articles - overall + expected),
    ]
    return 2.0 * sum(
        observed * np.log(observed / wanted) for observed, wanted in cells if observed > 0 and wanted > 0
    )


def entity_spellings(
    generation: Generation, facet: str, values: set[str], docnums: list[int]
) -> list[tuple[str, int]]:
    """The ways articles wrote an entity ("Mr Volcker", "Volcker", "Paul Volcker"), from the mention
    spans of up to SPELLING_SAMPLE of its articles, most used first."""
    written: Counter = Counter()
    for docnum in docnums:
        stored = generation.searcher.stored_fields(docnum)
        body = stored.get("body") or ""
        for start, end, span_facet, value in generation.corrected_entities(
            json.loads(stored["entities"]), body
        )["spans"]:
            if span_facet == facet and value in values and 0 <= start < end <= len(body):
                written[" ".join(body[start:end].split())] += 1
    return written.most_common(12)


def matching_articles(generation: Generation, query: Any, phrases: PhraseMatches | None = None) -> np.ndarray:
    """A true/false array over document numbers: the live articles the query matches. The articles
    each phrase matched are noted in ``phrases``, for ranking to use rather than match them again."""
    return _matches(generation, query, phrases) & generation.columns.live


def _matches(generation: Generation, query: Any, phrases: PhraseMatches | None = None) -> np.ndarray:
    # And, Or and Not of single terms (what most queries are) combine as arrays, and the column
    # facets are answered from the facet columns; anything else (phrases, wildcards, ranges) is
    # left to Whoosh, for that part of the query only.
    size = generation.columns.size
    if isinstance(query, Every):
        return np.ones(size, dtype=bool)
    if _is_column_facet(query):
        return _column_mask(generation, query)
    if is_typed_source(query):
        return _sources_mask(generation, query)
    if isinstance(query, Term):
        return _term_mask(generation, query.fieldname, query.text)
    if isinstance(query, (And, Or)) and query.subqueries:
        parts = [_matches(generation, sub, phrases) for sub in query.subqueries]
        return np.logical_and.reduce(parts) if isinstance(query, And) else np.logical_or.reduce(parts)
    if isinstance(query, Not):
        return ~_matches(generation, query.query, phrases)
    if isinstance(query, (AndNot, AndMaybe, Require)):  # "a -b", "+a b", "a ANDMAYBE b"
        first = _matches(generation, query.a, phrases)
        if isinstance(query, AndNot):
            return first & ~_matches(generation, query.b, phrases)
        return first & _matches(generation, query.b, phrases) if isinstance(query, Require) else first
    mask = np.zeros(size, dtype=bool)
    found = (
        phrase_documents(generation.searcher, generation.schema, query) if isinstance(query, Phrase) else None
    )
    if found is None:
        found = np.fromiter(generation.searcher.docs_for_query(query), dtype=np.int64)
    mask[found] = True
    if phrases is not None and isinstance(query, Phrase):
        key = phrase_key(generation.schema, query)
        if key is not None:
            phrases[key] = mask
    return mask


def _term_mask(generation: Generation, fieldname: str, text: Any) -> np.ndarray:
    mask = np.zeros(generation.columns.size, dtype=bool)
    for leaf, offset in generation.searcher.reader().leaf_readers():
        try:
            postings = leaf.postings(fieldname, text)
        except (TermNotFound, KeyError, ValueError):
            continue
        mask[posting_ids(postings, generation.postings, offset) + offset] = True
    return mask


def posting_ids(postings: Any, cache: PostingsCache | None = None, offset: int = 0) -> np.ndarray:
    """The document numbers of one segment's posting list (the segment starting at document
    ``offset``), as an array. Whoosh's own ``all_ids`` makes two method calls a posting (0.1 s for
    "said" at 340,000 articles); its block matcher's blocks are decoded whole here, or taken from
    the generation's ``cache`` of long lists. Deleted documents may be among them (the live column
    drops them); any other matcher goes through ``all_ids``."""
    if isinstance(postings, FilterMatcher) and postings._exclude:
        postings = postings.child  # Whoosh's filter of deleted documents: the live column does that
    if type(postings) is not W3LeafMatcher or postings.term() is None:
        return np.fromiter(postings.all_ids(), dtype=np.int64)
    fieldname, text = postings.term()
    ids = (cache or PostingsCache(0)).postings(offset, fieldname, text, postings)[0]
    return ids.astype(np.int64, copy=False)


def _is_column_facet(query: Any) -> bool:
    return query.is_leaf() and getattr(query, "fieldname", None) in COLUMN_FACETS


def _sources_mask(generation: Generation, query: Any) -> np.ndarray:
    """A ``source:`` term or prefix: the articles of the sources it names in any case."""
    masks = [
        _term_mask(generation, SOURCE_FIELD, source) for source in sources_named(query, generation.sources)
    ]
    return np.logical_or.reduce(masks) if masks else np.zeros(generation.columns.size, dtype=bool)


def _matched_apart(query: Any) -> bool:
    """A leaf Whoosh does not rank, as it does not match it: a column facet, a source in any case."""
    return _is_column_facet(query) or is_typed_source(query)


def _column_mask(generation: Generation, query: Any) -> np.ndarray:
    """A person:, place:, country: or org: term or prefix, from the facet columns; other wildcards and
    fuzzy terms are not offered on facets and match nothing."""
    column = generation.columns.facets[query.fieldname]
    return column.articles_with(typed_value_ids(generation, query), generation.columns.size)


def typed_value_ids(generation: Generation, query: Any) -> list[int]:
    """The values a facet term typed in the query stands for. A name of several words
    (``person:"Paul Volcker"``) is that value exactly; a single word (``person:volcker``) is every value
    holding it as a whole word; a prefix (``person:bol*``) every value with a word starting so. Case
    and accents never matter."""
    if not isinstance(query, (Term, Prefix)):
        return []
    column = generation.columns.facets[query.fieldname]
    if isinstance(query, FacetValue):  # "place:\"Zurich\"": that value, as ?place=Zurich finds it
        return value_ids_or_acronym(column, str(query.text), generation.columns.live)
    key = facet_key(str(query.text))
    if " " in key:
        return column.value_ids(key, prefix=isinstance(query, Prefix))
    found = column.value_ids_by_word(key, prefix=isinstance(query, Prefix))
    if isinstance(query, Term) and key.isalpha():  # "org:opec": also the value whose initials spell it
        acronym = value_ids_or_acronym(column, key.upper(), generation.columns.live)
        found += [i for i in acronym if i not in found]
    return found


def matched_values(
    generation: Generation,
    query: Any,
    results: np.ndarray,
    listed: int = 10,
    units: ArticleCounting | None = None,
) -> list[MatchedValues]:
    """For each single word or prefix typed in a facet field, the values it matched, with how many of
    the results hold each: so the page can say what ``person:volcker`` was taken to mean."""
    found = []
    seen = set()
    for leaf in query.leaves() if not query.is_leaf() else [query]:
        if not _is_column_facet(leaf) or (leaf.fieldname, str(leaf.text), type(leaf)) in seen:
            continue
        seen.add((leaf.fieldname, str(leaf.text), type(leaf)))
        if isinstance(leaf, FacetValue) or (isinstance(leaf, Term) and " " in facet_key(str(leaf.text))):
            continue  # a full name, or a value in quotes, is taken as it is
        column = generation.columns.facets[leaf.fieldname]
        ids = typed_value_ids(generation, leaf)
        counted = (units or generation.articles()).value_counts(leaf.fieldname, results) if ids else {}
        values = sorted(
            ((column.values[i], counted.get(column.values[i], 0)) for i in ids),
            key=lambda pair: (-pair[1], pair[0]),
        )
        typed = str(leaf.text) + ("*" if isinstance(leaf, Prefix) else "")
        found.append(MatchedValues(leaf.fieldname, typed, values[:listed], max(0, len(values) - listed)))
    return found


def _column_value_mask(generation: Generation, facet: str, value: str) -> np.ndarray:
    column = generation.columns.facets[facet]
    ids = value_ids_or_acronym(column, value, generation.columns.live)
    return column.articles_with(ids, generation.columns.size)


def _mentions_column_facet(query: Any) -> bool:
    return _matched_apart(query) or any(_mentions_column_facet(sub) for sub in query.children())


def ranking_query(query: Any) -> Any:
    """The query Whoosh ranks by: its column-facet and source parts (which Whoosh does not hold, or
    holds in one case only) replaced by Every(). It matches at least what the query does, so with the
    exact matches as its filter it ranks the same articles by the same words."""
    if _matched_apart(query):
        return Every()
    if isinstance(query, Not):
        return Every() if _mentions_column_facet(query.query) else query
    if isinstance(query, AndNot) and _mentions_column_facet(query.b):
        return ranking_query(query.a)
    if not _mentions_column_facet(query):
        return query
    return query.apply(ranking_query)


class ConditionMasks:
    """The articles each list of ``Condition`` of one search allows (searcher/selection.py says which
    apply where), each value's and each selection's mask computed once."""

    def __init__(self, generation: Generation, units: ArticleCounting | None = None) -> None:
        self.generation = generation
        self.units = units or generation.articles()  # counting stories, an exclusion takes whole stories
        self._values: dict[tuple[str, str], np.ndarray] = {}
        self._selections: dict[Condition, np.ndarray] = {}

    def value(self, facet: str, value: str) -> np.ndarray:
        """The articles holding ``value`` of ``facet`` (read-only: shared by every condition naming it)."""
        key = (facet, value)
        if key not in self._values:
            self._values[key] = _value_mask(self.generation, facet, value)
        return self._values[key]

    def selected(self, condition: Condition) -> np.ndarray:
        """The articles ``condition``'s selection allows: all of its ``all_of``, any of its ``any_of``
        (read-only, shared)."""
        selection = condition.selection()
        if selection not in self._selections:
            mask = np.ones(self.generation.columns.size, dtype=bool)
            for value in selection.all_of:
                mask &= self.value(condition.facet, value)
            if selection.any_of:
                mask &= np.logical_or.reduce([self.value(condition.facet, v) for v in selection.any_of])
            self._selections[selection] = mask
        return self._selections[selection]

    def narrowed(self, mask: np.ndarray, conditions: Iterable[Condition]) -> np.ndarray:
        """A copy of ``mask`` (the query's and dates' articles) keeping what ``conditions`` allow: the
        articles their selections allow, less those holding an excluded value — counting stories, every
        version of a story one of whose versions so selected holds one — and those holding an
        ``outside`` value."""
        conditions = list(conditions)
        narrowed = mask.copy()
        for condition in conditions:
            if condition.all_of or condition.any_of:
                narrowed &= self.selected(condition)
        excluded = [self.value(c.facet, value) for c in conditions for value in c.none_of]
        if excluded:
            holding = narrowed & np.logical_or.reduce(excluded)
            narrowed &= ~self.units.whole_stories(holding)
        for condition in conditions:
            for value in condition.outside:
                narrowed &= ~self.value(condition.facet, value)
        return narrowed


def chosen_values(
    selection: FacetSelection,
    counts: Counter,
    within: Callable[[bool], np.ndarray],
    masks: ConditionMasks,
) -> list[ChosenValue]:
    """The selected and excluded values under the names the index gives them ("ronald reagan" is
    Ronald Reagan), each with its true count, whether or not it is among the most frequent: a selected
    value's from ``counts``, else counted within ``within(excluded)`` (an excluded value's: the stories
    its exclusion leaves out, those with a version there holding it)."""
    chosen: dict[str, ChosenValue] = {}
    facet = selection.facet
    for given, excluded in selection.given():
        for value in canonical_values(masks.generation, facet, given):
            if value in chosen:
                continue
            if not excluded and value in counts:
                count = counts[value]
            else:
                count = masks.units.count(masks.value(facet, value) & within(excluded))
            chosen[value] = ChosenValue(value, count, excluded)
    return list(chosen.values())


def canonical_values(generation: Generation, facet: str, given: str) -> list[str]:
    """The index's own spelling of a value given in any case or accent form; the value itself when the
    index holds no such value (a mentioned day, or a name not in the index)."""
    if facet not in COLUMN_FACETS and facet != "mentioned":
        return [given]
    column = generation.columns.facets[facet]
    found = [column.values[i] for i in value_ids_or_acronym(column, given, generation.columns.live)]
    return found or [given]


def value_ids_or_acronym(column: FacetColumn, given: str, live: np.ndarray | None = None) -> list[int]:
    """The ids of the values ``given`` names in any case or accent form; else, for an acronym in any case
    ("OPEC", "opec": ``acronym_in_any_case``),
    the value it stands for (``acronym_expansion``: the rule the OpenSearch backend follows too),
    counted over the ``live`` articles."""
    found = column.value_ids(facet_key(given))
    acronym = acronym_in_any_case(given)
    if found or acronym is None:
        return found
    held = column.ids if live is None else column.ids[live[column.owners]]
    named = np.bincount(held, minlength=len(column.values)).tolist()
    expansion = acronym_expansion(acronym, zip(column.values, named, strict=True))
    return [] if expansion is None else [column.values.index(expansion)]


def _value_mask(generation: Generation, facet: str, value: str) -> np.ndarray:
    if facet in COLUMN_FACETS:
        return _column_value_mask(generation, facet, value)
    return _term_mask(generation, facet, _term_text(facet, value))


def date_mask(columns: Columns, params: SearchParams) -> np.ndarray:
    mask = np.ones(columns.size, dtype=bool)
    if params.date_from or params.date_to:
        mask &= columns.published != UNDATED
        if params.date_from:
            mask &= columns.published >= timestamp(params.date_from)
        if params.date_to:
            mask &= columns.published < timestamp(params.date_to)
    return mask


def published_days(columns: Columns, mask: np.ndarray) -> Counter:
    """How many of the articles in ``mask`` were published on each day: {"1987-03-02": 41, ...}."""
    seconds = columns.published[mask]
    days, counts = np.unique(seconds[seconds != UNDATED] // 86400, return_counts=True)
    return Counter(
        {
            (EPOCH_DAY + timedelta(days=int(day))).isoformat(): int(count)
            for day, count in zip(days, counts, strict=False)
        }
    )


def query_words(generation: Generation, ranked: Any) -> set[str]:
    """The indexed (stemmed) words of the query's text fields, wildcards expanded: what snippets mark.
    ``ranked`` is the query as Whoosh sees it (``ranking_query``)."""
    reader = generation.searcher.reader()
    terms = ranked.existing_terms(reader, phrases=True, expand=True)
    return {
        text.decode("utf-8") if isinstance(text, bytes) else text
        for field, text in terms
        if field in ("body", "title")
    }


def snippet_for(generation: Generation, body: str, words: set[str]) -> str:
    """Up to two fragments of ``body`` around the query's words, the words in <mark>.

    Long bodies are cut to a window around the first place a word may start (a stem is nearly always
    the start of the word it came from), so a page of hits does not analyze whole long articles.
    """
    return body_snippet(body, words, generation.schema["body"].analyzer)


def body_snippet(body: str, words: set[str], analyzer: Any) -> str:
    """``snippet_for`` with the body's analyzer: the window is widened to whole words at both ends,
    else a fragment ending at the window's edge ended mid-word ("…demonstrates a willingne")."""
    text = body
    if len(body) > SNIPPET_WINDOW:
        starts = re.compile(
            "|".join(r"\b" + re.escape(w[: max(3, len(w) - 1)]) for w in sorted(words)), re.IGNORECASE
        )
        found = starts.search(body)
        if found:
            begin = max(0, found.start() - SNIPPET_WINDOW // 4)
            begin, end = whole_words_span(body, begin, min(len(body), begin + SNIPPET_WINDOW))
            text = body[begin:end]
    marked = highlight(
        text, words, analyzer, SNIPPET_FRAGMENTER, SNIPPET_FORMATTER, top=2, scorer=SNIPPET_SCORER
    )
    if not marked and text is not body:
        marked = highlight(
            body, words, analyzer, SNIPPET_FRAGMENTER, SNIPPET_FORMATTER, top=2, scorer=SNIPPET_SCORER
        )
    return marked


_cleaners = threading.local()
# What bleach (html5lib) passes through as it is: tab, newline, printable characters, no C1 controls,
# no noncharacters, nothing beyond the Basic Multilingual Plane; "&" only in the entities the
# highlighter writes; no tag but the highlighter's <mark class="..."> (bleach drops the class) and </mark>.
_HIGHLIGHTED_TEXT = re.compile(
    r'(?:[\t\n\x20-\x25\x27-\x3b\x3d\x3f-\x7e\xa0-\ufdcf\ufdf0-\ufffd]|&(?:amp|lt|gt);|<mark(?: class="[ \w-]*")?>|</mark>)*'
)
_MARK_TAG = re.compile(r"<mark(?: class=\"[ \w-]*\")?>|</mark>")


def clean_snippet(snippet: str) -> str:
    """A snippet with every tag but <mark> gone and no attributes, as bleach gives it. For a
    highlighter's snippet (text escaped, <mark class="..."> around words) that is the snippet with the
    classes dropped, made here at a tenth of bleach's cost; anything else goes through bleach."""
    if _HIGHLIGHTED_TEXT.fullmatch(snippet):
        tags = ["</mark>" if tag == "</mark>" else "<mark>" for tag in _MARK_TAG.findall(snippet)]
        if tags == ["<mark>", "</mark>"] * (len(tags) // 2):
            return _MARK_TAG.sub(lambda tag: "</mark>" if tag.group(0) == "</mark>" else "<mark>", snippet)
    return snippet_cleaner().clean(snippet)


def snippet_cleaner() -> bleach.Cleaner:
    """Snippets keep only <mark>; one bleach Cleaner per thread (building one costs more than using it)."""
    cleaner = getattr(_cleaners, "cleaner", None)
    if cleaner is None:
        cleaner = _cleaners.cleaner = bleach.Cleaner(tags={"mark"}, attributes={}, strip=True)
    return cleaner


def _term_text(facet: str, value: str) -> str:
    return value if facet == "mentioned" else value.lower().replace(",", " ").strip()


def _too_wide(query: Any, generation: Generation) -> WildcardRefusal | None:
    """More than MAX_WILDCARD_WORDS wildcards, or one that would expand to more than MAX_WILDCARD_TERMS
    terms, is refused (the query is searched as plain words): each costs a pass over the word list."""
    reader = generation.searcher.reader()
    wildcards = [
        sub
        for sub in ranking_query(query).leaves()  # column facets' wildcards never reach Whoosh
        if sub.__class__.__name__ in ("Wildcard", "Prefix", "Regex", "FuzzyTerm")
    ]
    if different_wildcards(wildcards) > MAX_WILDCARD_WORDS:
        return WildcardRefusal(tuple(wildcards), MAX_WILDCARD_WORDS)
    for sub in wildcards:
        for expanded, _ in enumerate(sub._btexts(reader), start=1):
            if expanded > MAX_WILDCARD_TERMS:
                return WildcardRefusal((sub,), MAX_WILDCARD_TERMS, too_broad=True)
    return None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _version(generation: Generation, docnum: int) -> dict:
    """What a list of a story's versions shows of one: id, title, date and source."""
    stored = generation.searcher.stored_fields(docnum)
    return {
        "id": stored["id"],
        "title": stored.get("title") or "(untitled)",
        "published": stored.get("published"),
        "source": stored.get("source") or "",
    }


def column_with_rows(column: FacetColumn, rows: dict[int, list[str]]) -> FacetColumn:
    """``column`` with the values of the articles in ``rows`` replaced (new values added at the end)."""
    if not rows:
        return column
    values = list(column.values)
    value_id = {value: n for n, value in enumerate(values)}
    keep = ~np.isin(column.owners, list(rows))
    owners, ids = [column.owners[keep].astype(np.int64)], [column.ids[keep].astype(np.int64)]
    for docnum, row in rows.items():
        for value in row:
            if value not in value_id:
                value_id[value] = len(values)
                values.append(value)
        owners.append(np.full(len(row), docnum, dtype=np.int64))
        ids.append(np.array([value_id[value] for value in row], dtype=np.int64))
    all_owners, all_ids = np.concatenate(owners), np.concatenate(ids)
    order = np.argsort(all_owners, kind="stable")
    all_owners, all_ids = all_owners[order], all_ids[order]
    starts = np.zeros(len(column.starts), dtype=np.int64)
    np.add.at(starts, all_owners + 1, 1)
    return FacetColumn(values, np.cumsum(starts), all_ids.astype(np.int32), all_owners.astype(np.int32))

"""The only module of the searcher that knows Whoosh: queries in, hit data and doc ids out.

It follows the index's ``current`` generation and reopens when a rebuild or add switches it, so a
running server picks up a new index without a restart.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import bleach
from whoosh import index as whoosh_index
from whoosh import qparser, sorting
from whoosh.highlight import ContextFragmenter, HtmlFormatter
from whoosh.query import And, DateRange, Every, Not, NullQuery, Or, Term

from index import store

from .params import FACETS, SearchParams

MAX_WILDCARD_TERMS = 200


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


@dataclass
class RawResults:
    total: int
    hits: list[Hit]
    facet_counts: dict[str, Counter]
    published_counts: Counter
    suggestion: str | None
    query_used: str


class Generation:
    """One opened generation: the Whoosh index plus per-document facet values for fast counting."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ix = whoosh_index.open_dir(path)
        self.searcher = self.ix.searcher()
        self.values: dict[str, list[tuple[str, ...]]] = {f: [] for f in FACETS}
        self.published: list[datetime | None] = []
        self.countries = store.read_json(path / "places.json", {})
        reader = self.searcher.reader()
        for docnum in range(reader.doc_count_all()):
            stored = reader.stored_fields(docnum) if not reader.is_deleted(docnum) else None
            data = json.loads(stored["entities"]) if stored else {"people": [], "places": [], "orgs": [],
                                                                   "mentioned": []}
            self.values["person"].append(tuple(data["people"]))
            self.values["place"].append(tuple(p[0] for p in data["places"]))
            self.values["country"].append(tuple(sorted({p[1] for p in data["places"] if p[1]})))
            self.values["org"].append(tuple(data["orgs"]))
            self.values["mentioned"].append(tuple(sorted({m[:7] for m in data["mentioned"]})))
            self.published.append(stored.get("published") if stored else None)

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()


class SearchIndex:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._generation: Generation | None = None
        self._lock = threading.Lock()

    def generation(self) -> Generation:
        path = store.require_current_generation(self.index_dir)
        with self._lock:
            if self._generation is None or self._generation.path != path:
                old, self._generation = self._generation, Generation(path)
                if old is not None:
                    old.close()
            return self._generation

    # queries -----------------------------------------------------------------------------------
    def parse(self, generation: Generation, text: str):
        """The user's words as a query; anything the parser cannot take is searched as plain words."""
        if not text.strip():
            return Every(), ""
        parser = qparser.MultifieldParser(["title", "body"], generation.ix.schema, group=qparser.AndGroup)
        parser.add_plugin(qparser.PlusMinusPlugin())
        words = text.split()
        if all(word.startswith("-") and len(word) > 1 for word in words):
            text = " ".join(f"NOT {word[1:]}" for word in words)  # only exclusions: everything but those
        try:
            query = parser.parse(text)
        except Exception:  # noqa: BLE001 - whoosh raises assorted errors on malformed syntax
            query = None
        if isinstance(query, Not) or (isinstance(query, And) and all(isinstance(q, Not) for q in query.subqueries)):
            return And([Every(), query]), text
        if query is None or query is NullQuery or _too_wide(query, generation):
            words = " ".join("".join(c if c.isalnum() else " " for c in text).split())
            plain = qparser.MultifieldParser(["title", "body"], generation.ix.schema, group=qparser.AndGroup)
            plain.remove_plugin_class(qparser.WildcardPlugin)
            return (plain.parse(words) if words else Every()), words
        return query, text

    def filters(self, params: SearchParams, skip: str | None = None):
        parts = []
        for facet, values in params.selected.items():
            if facet != skip:
                parts.append(Or([_term(facet, v) for v in values]))
        for facet, values in params.excluded.items():
            parts.extend(Not(_term(facet, v)) for v in values)
        if params.date_from or params.date_to:
            parts.append(DateRange("published", params.date_from, params.date_to, endexcl=True))
        return parts

    def search(self, params: SearchParams, snippet_count: int | None = None) -> RawResults:
        generation = self.generation()
        searcher = generation.searcher
        query, used = self.parse(generation, params.q)
        all_filters = self.filters(params)
        filtered = _with_filters(query, all_filters)
        sortedby = None
        if params.sort in ("newest", "oldest") or not params.q:
            by_date = sorting.FieldFacet("published", reverse=params.sort != "oldest")
            # indexes built before the "dated" field existed sort undated articles wherever Whoosh puts them
            sortedby = (sorting.MultiFacet([sorting.FieldFacet("dated", reverse=True), by_date])
                        if "dated" in generation.ix.schema else by_date)
        page = searcher.search_page(filtered, params.page, pagelen=params.per_page, sortedby=sortedby, terms=True)
        page.results.fragmenter = ContextFragmenter(maxchars=220, surround=60)
        page.results.formatter = HtmlFormatter(tagname="mark", classname="", termclass="", between=" … ")
        hits = []
        for hit in (page if params.page <= page.pagecount else []):  # past the last page: no hits
            data = json.loads(hit["entities"])
            snippet = hit.highlights("body", top=2) if params.q else ""
            if not snippet:
                snippet = _escape(hit["body"][:240]) + ("…" if len(hit["body"]) > 240 else "")
            hits.append(Hit(
                id=hit["id"], title=hit["title"] or "(untitled)", published=hit.get("published"),
                source=hit.get("source") or "", url=hit.get("url"),
                snippet=bleach.clean(snippet, tags={"mark"}, attributes={}, strip=True),
                people=data["people"], places=data["places"], orgs=data["orgs"],
            ))
        total = page.total
        counts = {}
        for facet in FACETS:
            docs = searcher.docs_for_query(_with_filters(query, self.filters(params, skip=facet)))
            counter = Counter()
            column = generation.values[facet]
            for docnum in docs:
                counter.update(column[docnum])
            counts[facet] = counter
        published = Counter()
        for docnum in searcher.docs_for_query(filtered):
            when = generation.published[docnum]
            if when is not None:
                published[when.date().isoformat()] += 1
        suggestion = None
        if params.q and total < 3:
            # offered only when the corrected words find more than the user's did
            corrected = self.corrected_words(generation, used)
            if corrected and corrected.lower() != used.lower():
                better_query, _ = self.parse(generation, corrected)
                if len(searcher.search(better_query, limit=1)) > total:
                    suggestion = corrected
        return RawResults(total=total, hits=hits, facet_counts=counts, published_counts=published,
                          suggestion=suggestion, query_used=used)

    @staticmethod
    def corrected_words(generation: Generation, text: str) -> str:
        """Each word the index does not know replaced by the closest one it does (fewest edits, then the
        most frequent): "Puttin" -> "putin", "misiles" -> "missiles"."""
        searcher = generation.searcher
        reader = searcher.reader()

        fields = [f for f in ("spell_body", "spell_title", "body", "title") if f in set(reader.indexed_field_names())]

        def known(word: str) -> bool:
            return any(reader.frequency(f, word) for f in fields)

        def better(match: re.Match) -> str:
            word = match.group(0)
            lowered = word.lower()
            if len(lowered) < 3 or word in ("AND", "OR", "NOT", "TO") or known(lowered):
                return word
            candidates = set(searcher.suggest("body", lowered, limit=8, maxdist=2))
            candidates |= set(searcher.suggest("title", lowered, limit=8, maxdist=2))
            if not candidates:
                return word
            return min(candidates, key=lambda c: (edit_distance(lowered, c), -reader.doc_frequency("body", c), c))

        return re.sub(r"(?<![:\w])[A-Za-z]+(?![:\w*])", better, text)

    def article(self, article_id: str) -> dict | None:
        generation = self.generation()
        stored = generation.searcher.document(id=article_id)
        if stored is None:
            return None
        stored = dict(stored)
        stored["entities"] = json.loads(stored["entities"])
        return stored

    def more_like_this(self, article_id: str, count: int = 5) -> list[dict]:
        generation = self.generation()
        searcher = generation.searcher
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return []
        results = searcher.more_like(docnum, "body", top=count)
        return [{"id": hit["id"], "title": hit["title"] or "(untitled)", "published": hit.get("published")}
                for hit in results]


def _with_filters(query, filters: list):
    return And([query, *filters]) if filters else query


def _term(facet: str, value: str):
    return Term(facet, value if facet == "mentioned" else value.lower().replace(",", " ").strip())


def _too_wide(query, generation: Generation) -> bool:
    """A wildcard that would expand to more than MAX_WILDCARD_TERMS terms is refused (searched as words)."""
    reader = generation.searcher.reader()
    for sub in query.leaves():
        if sub.__class__.__name__ in ("Wildcard", "Prefix", "Regex", "FuzzyTerm"):
            for expanded, _ in enumerate(sub._btexts(reader), start=1):
                if expanded > MAX_WILDCARD_TERMS:
                    return True
    return False


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

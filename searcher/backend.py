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
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import bleach
import numpy as np
from whoosh import index as whoosh_index
from whoosh import qparser
from whoosh.highlight import BasicFragmentScorer, ContextFragmenter, HtmlFormatter, highlight
from whoosh.query import And, AndMaybe, AndNot, Every, Not, NullQuery, Or, Prefix, Require, Term
from whoosh.reading import TermNotFound
from whoosh.spelling import ListCorrector

from index import store
from index.columns import UNDATED, Columns, facet_key, timestamp
from index.schema import COLUMN_FACETS, WORDS_FILE, query_schema
from index.whoosh_files import read_index_files_in_place

from .params import FACETS, SearchParams

read_index_files_in_place()  # no heap copy of every index file the server opens

MAX_WILDCARD_TERMS = 200
MAX_WILDCARD_WORDS = 4
EPOCH_DAY = date(1970, 1, 1)
SNIPPET_WINDOW = 1500  # characters of a long body searched for a snippet
SNIPPET_FRAGMENTER = ContextFragmenter(maxchars=220, surround=60)
SNIPPET_FORMATTER = HtmlFormatter(tagname="mark", classname="", termclass="", between=" … ")


class EarlierFragmentScorer(BasicFragmentScorer):
    """Whoosh's fragment score, a tie going to the earlier fragment. Whoosh breaks ties by memory
    address (``Fragment.__lt__`` compares ``id()``), so the same request could get another snippet."""

    def __call__(self, fragment) -> float:
        return super().__call__(fragment) - fragment.startchar / (fragment.startchar + 1)


SNIPPET_SCORER = EarlierFragmentScorer()


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
    """One opened generation: the Whoosh index for text, the facet columns for counting and filtering."""

    def __init__(self, path: Path) -> None:
        store.verify_generation(path)  # a damaged generation is refused, naming the file and the fix
        self.path = path
        self.ix = whoosh_index.open_dir(path)
        self.schema = self.ix.schema  # Whoosh rereads the schema from disk at every .schema
        self.query_schema = query_schema(self.schema)
        self._searchers: list = []  # every thread's, closed with the generation
        self._thread = threading.local()
        self._closer = weakref.finalize(self, _close_searchers, self._searchers, self.ix)
        self._open_searcher()  # now, so a generation that cannot be read fails here
        try:
            self.columns = Columns.load(path)
        except (OSError, KeyError, ValueError) as error:
            self.close()
            raise store.NoIndexError(
                f"the index at {path} has no facet columns (built by an older version); "
                f"run `searcher index rebuild` ({error})") from error
        self.countries = store.read_json(path / "places.json")
        self._words: tuple[list[str], dict[str, int]] | None = None

    def words(self) -> tuple[list[str], dict[str, int]]:
        """The index's words, sorted, and how many articles each is in: read on the first misspelling."""
        if self._words is None:
            counts = store.read_json(self.path / WORDS_FILE)
            self._words = sorted(counts), counts
        return self._words

    @property
    def searcher(self):
        """This thread's Whoosh searcher: Whoosh wants one per thread (its readers keep positions in
        the files they read). Opened on a thread's first request to this generation."""
        searcher = getattr(self._thread, "searcher", None)
        return self._open_searcher() if searcher is None else searcher

    def _open_searcher(self):
        searcher = self._thread.searcher = self.ix.searcher()
        self._searchers.append(searcher)  # list.append is atomic
        return searcher

    def close(self) -> None:
        self._closer()


def _close_searchers(searchers: list, ix) -> None:
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
        with self._lock:
            if self._generation is None or self._generation.path != path:
                # The old generation is not closed here: requests still running hold it and finish
                # on it; its files close when the last of them lets go of it.
                self._generation = Generation(path)
            return self._generation

    # queries -----------------------------------------------------------------------------------
    def parse(self, generation: Generation, text: str):
        """The user's words as a query; anything the parser cannot take is searched as plain words."""
        if not text.strip():
            return Every(), ""
        parser = qparser.MultifieldParser(["title", "body"], generation.query_schema, group=qparser.AndGroup)
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
            plain = qparser.MultifieldParser(["title", "body"], generation.query_schema, group=qparser.AndGroup)
            for plugin in (qparser.WildcardPlugin, qparser.OperatorsPlugin):  # AND, OR, NOT as plain words
                plain.remove_plugin_class(plugin)
            return (plain.parse(words) if words else Every()), words
        return query, text

    def search(self, params: SearchParams) -> RawResults:
        generation = self.generation()
        searcher, columns = generation.searcher, generation.columns
        query, used = self.parse(generation, params.q)
        base = matching_articles(generation, query) & date_mask(columns, params)
        facet_masks = {facet: facet_mask(generation, facet, params) for facet in FACETS
                       if params.selected.get(facet) or params.excluded.get(facet)}
        final = base.copy()
        for mask in facet_masks.values():
            final &= mask
        total = int(final.sum())

        counts = {}
        for facet in FACETS:
            # each facet's counts ignore its own selection, so its other values stay clickable
            others = base.copy()
            for other, mask in facet_masks.items():
                if other != facet:
                    others &= mask
            counts[facet] = Counter(columns.facets[facet].counts(others))
        published = published_days(columns, final)

        first = (params.page - 1) * params.per_page
        ranked = ranking_query(query)  # what Whoosh sees of the query: its words
        if params.q and params.sort == "relevance":
            # Whoosh ranks by the words; the facet columns' part of the query, the facet and the date
            # filters are applied as the set of articles allowed
            narrowed = facet_masks or params.date_from or params.date_to or ranked is not query
            allowed = set(np.flatnonzero(final).tolist()) if narrowed else None
            results = searcher.search(ranked, limit=first + params.per_page, filter=allowed)
            docnums = [hit.docnum for hit in results][first:]
        else:
            docnums = by_date(columns, final, newest=params.sort != "oldest")[first:first + params.per_page]
        words = query_words(generation, ranked) if params.q else set()
        hits = [self._hit(generation, docnum, words) for docnum in docnums]

        suggestion = None
        if params.q and total < 3:
            # offered only when the corrected words find more than the user's did
            corrected = self.corrected_words(generation, used)
            if corrected and corrected.lower() != used.lower():
                better_query, _ = self.parse(generation, corrected)
                if int(matching_articles(generation, better_query).sum()) > total:
                    suggestion = corrected
        return RawResults(total=total, hits=hits, facet_counts=counts, published_counts=published,
                          suggestion=suggestion, query_used=used)

    @staticmethod
    def _hit(generation: Generation, docnum: int, words: set[str]) -> Hit:
        stored = generation.searcher.stored_fields(docnum)
        data = json.loads(stored["entities"])
        body = stored.get("body") or ""
        snippet = snippet_for(generation, body, words) if words else ""
        if not snippet:
            snippet = _escape(body[:240]) + ("…" if len(body) > 240 else "")
        return Hit(
            id=stored["id"], title=stored.get("title") or "(untitled)", published=stored.get("published"),
            source=stored.get("source") or "", url=stored.get("url"),
            snippet=snippet_cleaner().clean(snippet),
            people=data["people"], places=data["places"], orgs=data["orgs"],
        )

    @staticmethod
    def corrected_words(generation: Generation, text: str) -> str:
        """Each word the index does not know replaced by the closest one it does (fewest edits, then the
        most frequent): "Puttin" -> "putin", "misiles" -> "missiles"."""
        ordered, counts = generation.words()
        corrector = ListCorrector(ordered)

        def better(match: re.Match) -> str:
            word = match.group(0)
            lowered = word.lower()
            if len(lowered) < 3 or word in ("AND", "OR", "NOT", "TO") or lowered in counts:
                return word
            candidates = corrector.suggest(lowered, limit=16, maxdist=2)
            if not candidates:
                return word
            return min(candidates, key=lambda c: (edit_distance(lowered, c), -counts.get(c, 0), c))

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


def matching_articles(generation: Generation, query) -> np.ndarray:
    """A true/false array over document numbers: the live articles the query matches."""
    return _matches(generation, query) & generation.columns.live


def _matches(generation: Generation, query) -> np.ndarray:
    # And, Or and Not of single terms (what most queries are) combine as arrays, and the column
    # facets are answered from the facet columns; anything else (phrases, wildcards, ranges) is
    # left to Whoosh, for that part of the query only.
    size = generation.columns.size
    if isinstance(query, Every):
        return np.ones(size, dtype=bool)
    if _is_column_facet(query):
        return _column_mask(generation, query)
    if isinstance(query, Term):
        return _term_mask(generation, query.fieldname, query.text)
    if isinstance(query, (And, Or)) and query.subqueries:
        parts = [_matches(generation, sub) for sub in query.subqueries]
        return np.logical_and.reduce(parts) if isinstance(query, And) else np.logical_or.reduce(parts)
    if isinstance(query, Not):
        return ~_matches(generation, query.query)
    if isinstance(query, (AndNot, AndMaybe, Require)):  # "a -b", "+a b", "a ANDMAYBE b"
        first = _matches(generation, query.a)
        if isinstance(query, AndNot):
            return first & ~_matches(generation, query.b)
        return first & _matches(generation, query.b) if isinstance(query, Require) else first
    mask = np.zeros(size, dtype=bool)
    mask[np.fromiter(generation.searcher.docs_for_query(query), dtype=np.int64)] = True
    return mask


def _term_mask(generation: Generation, fieldname: str, text) -> np.ndarray:
    mask = np.zeros(generation.columns.size, dtype=bool)
    try:
        postings = generation.searcher.reader().postings(fieldname, text)
    except (TermNotFound, KeyError, ValueError):
        return mask
    mask[np.fromiter(postings.all_ids(), dtype=np.int64)] = True
    return mask


def _is_column_facet(query) -> bool:
    return query.is_leaf() and getattr(query, "fieldname", None) in COLUMN_FACETS


def _column_mask(generation: Generation, query) -> np.ndarray:
    """A person:, place:, country: or org: term or prefix (jo*), from the facet columns; other
    wildcards and fuzzy terms are not offered on facets and match nothing."""
    if not isinstance(query, (Term, Prefix)):
        return np.zeros(generation.columns.size, dtype=bool)
    return _column_value_mask(generation, query.fieldname, str(query.text), prefix=isinstance(query, Prefix))


def _column_value_mask(generation: Generation, facet: str, value: str, prefix: bool = False) -> np.ndarray:
    column = generation.columns.facets[facet]
    return column.articles_with(column.value_ids(facet_key(value), prefix=prefix), generation.columns.size)


def _mentions_column_facet(query) -> bool:
    return _is_column_facet(query) or any(_mentions_column_facet(sub) for sub in query.children())


def ranking_query(query):
    """The query Whoosh ranks by: its column-facet parts (which Whoosh does not hold) replaced by
    Every(). It matches at least what the query does, so with the exact matches as its filter it
    ranks the same articles by the same words."""
    if _is_column_facet(query):
        return Every()
    if isinstance(query, Not):
        return Every() if _mentions_column_facet(query.query) else query
    if isinstance(query, AndNot) and _mentions_column_facet(query.b):
        return ranking_query(query.a)
    if not _mentions_column_facet(query):
        return query
    return query.apply(ranking_query)


def facet_mask(generation: Generation, facet: str, params: SearchParams) -> np.ndarray:
    """Articles with any selected value of ``facet`` (all when none is) and none of its excluded ones."""
    selected = params.selected.get(facet, ())
    mask = np.ones(generation.columns.size, dtype=bool)
    if selected:
        mask = np.logical_or.reduce([_value_mask(generation, facet, v) for v in selected])
    for value in params.excluded.get(facet, ()):
        mask &= ~_value_mask(generation, facet, value)
    return mask


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
    return Counter({(EPOCH_DAY + timedelta(days=int(day))).isoformat(): int(count) for day, count in zip(days, counts)})


def by_date(columns: Columns, mask: np.ndarray, newest: bool) -> list[int]:
    """Document numbers in ``mask``, newest (or oldest) first, undated ones last, ties by number."""
    docnums = np.flatnonzero(mask)
    when = columns.published[docnums]
    key = np.where(when == UNDATED, np.iinfo(np.int64).max, -when if newest else when)
    return docnums[np.argsort(key, kind="stable")].tolist()


def query_words(generation: Generation, ranked) -> set[str]:
    """The indexed (stemmed) words of the query's text fields, wildcards expanded: what snippets mark.
    ``ranked`` is the query as Whoosh sees it (``ranking_query``)."""
    reader = generation.searcher.reader()
    terms = ranked.existing_terms(reader, phrases=True, expand=True)
    return {text.decode("utf-8") if isinstance(text, bytes) else text
            for field, text in terms if field in ("body", "title")}


def snippet_for(generation: Generation, body: str, words: set[str]) -> str:
    """Up to two fragments of ``body`` around the query's words, the words in <mark>.

    Long bodies are cut to a window around the first place a word may start (a stem is nearly always
    the start of the word it came from), so a page of hits does not analyze whole long articles.
    """
    analyzer = generation.schema["body"].analyzer
    text = body
    if len(body) > SNIPPET_WINDOW:
        starts = re.compile("|".join(r"\b" + re.escape(w[: max(3, len(w) - 1)]) for w in sorted(words)), re.IGNORECASE)
        found = starts.search(body)
        if found:
            begin = max(0, found.start() - SNIPPET_WINDOW // 4)
            text = body[begin:begin + SNIPPET_WINDOW]
    marked = highlight(text, words, analyzer, SNIPPET_FRAGMENTER, SNIPPET_FORMATTER, top=2,
                           scorer=SNIPPET_SCORER)
    if not marked and text is not body:
        marked = highlight(body, words, analyzer, SNIPPET_FRAGMENTER, SNIPPET_FORMATTER, top=2,
                           scorer=SNIPPET_SCORER)
    return marked


_cleaners = threading.local()


def snippet_cleaner() -> bleach.Cleaner:
    """Snippets keep only <mark>; one bleach Cleaner per thread (building one costs more than using it)."""
    cleaner = getattr(_cleaners, "cleaner", None)
    if cleaner is None:
        cleaner = _cleaners.cleaner = bleach.Cleaner(tags={"mark"}, attributes={}, strip=True)
    return cleaner


def _term_text(facet: str, value: str) -> str:
    return value if facet == "mentioned" else value.lower().replace(",", " ").strip()


def _too_wide(query, generation: Generation) -> bool:
    """More than MAX_WILDCARD_WORDS wildcards, or one that would expand to more than MAX_WILDCARD_TERMS
    terms, is refused (the query is searched as plain words): each costs a pass over the word list."""
    reader = generation.searcher.reader()
    wildcards = [sub for sub in ranking_query(query).leaves()  # column facets' wildcards never reach Whoosh
                 if sub.__class__.__name__ in ("Wildcard", "Prefix", "Regex", "FuzzyTerm")]
    if len({getattr(sub, "text", None) for sub in wildcards}) > MAX_WILDCARD_WORDS:
        return True
    for sub in wildcards:
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

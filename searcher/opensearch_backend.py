"""The OpenSearch backend: the same searches, facets and pages as the Whoosh one, on a cluster.

The user's words are parsed by the same Whoosh query parser as the embedded backend (so the syntax is
one), then the parsed query is translated into OpenSearch's query DSL. Facets follow the post_filter
pattern: the query and dates make the base, every facet's selection narrows the hits, and each facet is
counted within the other facets' selections and its own exclusions (an aggregation per facet).

Articles are written by ``write_prepared`` (a hook of ``index.build``): prepared, annotated and
normalized in Python exactly as for Whoosh, then bulk-loaded; a rebuild loads a new index and switches
the alias to it in one step.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import HTTP_EXCEPTIONS, NotFoundError, TransportError
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from whoosh.analysis import STOP_WORDS, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.fields import TEXT
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    DateRange,
    Every,
    Not,
    NullQuery,
    NumericRange,
    Or,
    Phrase,
    Prefix,
    Require,
    Term,
    TermRange,
    Wildcard,
)

from index import store
from index.aliases import ALIASES_FILE, AliasRule, read_rules, split_values, value_map
from index.cache import AnnotationCache, cache_key
from index.columns import facet_key, facet_row
from index.entities import mentioned_levels
from index.facets import ENTITY_FACETS
from index.language import UNDETERMINED
from index.normalize import acronym_expansion, acronym_in_any_case
from index.schema import (
    COLUMN_FACETS,
    PHRASES_CHANGE,
    STEMMED_LANGUAGES,
    build_schema,
    document_words,
    english_stem,
    entities_json,
    fold_accents,
    language_field,
    query_schema,
    searchable_body,
)
from index.sentences import SENTENCE_GAP, sentence_spans
from index.stages.prepare import annotated_entities
from index.stages.stories import story_ids
from index.story_corrections import joined_by_readers

from .backend import (
    MAX_WILDCARD_WORDS,
    SPELLING_SAMPLE,
    ChosenValue,
    EntityProfile,
    Generation,
    Hit,
    MatchedValues,
    RawResults,
    SearchIndex,
    _escape,
    association,
    snippet_cleaner,
)
from .counting import first_of_each_story
from .engine import ClusterError, SearchBackend
from .opensearch_counting import (
    EXACT_FROM,
    STORY_IDS_A_PAGE,
    STORY_IDS_A_REQUEST,
    listed_story_ids,
    listing_groups,
    merged_stories,
    period_filter,
    sharing_groups,
    story_ids_aggregation,
    story_listing_size,
)
from .opensearch_normalize import (
    encode_ner_input,
    ner_input_of,
    normalization_turn,
    normalize_union,
    stored_articles,
)
from .params import FACETS, SearchParams
from .periods import histogram_unit
from .phrases import phrase_offsets
from .query import (
    WildcardRefusal,
    different_wildcards,
    has_words_to_search,
    joined_notices,
    parse_query,
    refusal_notice,
)
from .selection import Condition, FacetSelection, SelectionPlan, selections_of
from .sources import is_typed_source, typed_sources, unknown_sources_notice
from .typed_values import FacetValue, unknown_values_notice

FACET_SIZE = 200  # values counted a facet (search.FACET_MAX lists as many)
SHARD_SIZE = 5000  # values each shard offers a count: counts stay exact for the values listed
FACET_AHEAD = 50  # values listed beyond a facet's 200 by articles, so that its 200 by stories are among them
MAX_RESULT_WINDOW = 10_000 * 100  # the deepest page the parameters allow (page 10,000 of 100)
EXPORT_PAGE = 500  # articles an export reads a request
# Distinct stories are first counted with OpenSearch's cardinality aggregation, an estimate at every
# size; a search then makes them exact (searcher/opensearch_counting.py). The total's cardinality gets
# the largest threshold (40,000), each facet value and day 500 (a threshold that high in each bucket
# passes the cluster's request memory limit: a 2,150-article slice of Reuters asked for 300 MB).
# A story count is the bucket's articles minus the extra versions: the articles of a story with one
# version count one each (their ``doc_count``), and only the articles flagged ``multi_version_story``
# (those of a story of two versions or more) go through the cardinality. A document without the flag
# (loaded by an older version) is counted by the cardinality too, so a count stays exact either way.
STORY_FLAG = "multi_version_story"
SEVERAL_VERSIONS = {"bool": {"must_not": [{"term": {STORY_FLAG: False}}]}}  # flagged, or no flag
TOTAL_STORY_PRECISION = 40_000
STORY_PRECISION = 500
VERSIONS_LISTED = 100  # a hit's other matching versions listed (OpenSearch's inner_hits allow 100)
VERSION_FIELDS = ["id", "title", "published", "source"]
# what a hit shows (``hit_from``): the rest of a document (its facets' copies of the entities, its
# fingerprint, author, order) is not fetched
HIT_FIELDS = ["id", "title", "published", "source", "url", "entities", "body", "language", "story"]
OLDEST_FIRST = [{"published": {"order": "asc", "missing": "_last"}}, {"order": "asc"}]
BULK_CHUNK = 1000  # articles a bulk request (about 3 MB of Reuters)
BULK_THREADS = 3  # bulk requests in flight: one a node of a 3-node cluster
TERMS_AT_ONCE = 10_000  # ids a terms query names (OpenSearch refuses more than 65,536)

log = logging.getLogger(__name__)


def unstemmed_query_schema():
    """The Whoosh backend's query schema with the text fields' words left unstemmed: the parser reads
    the syntax as it does there, and OpenSearch stems the words as it stems the index."""
    schema = query_schema(build_schema(STEMMED_LANGUAGES))
    for name in ("title", "body"):
        schema.remove(name)
        # a phrase's words at their places (``phrases.OffsetPhrase``), stop words' places kept
        schema.add(name, TEXT(analyzer=RegexTokenizer() | LowercaseFilter() | StopFilter(renumber=False)))
    return schema


QUERY_SCHEMA = query_schema(build_schema(STEMMED_LANGUAGES))  # the Whoosh backend's, every language field
HIGHLIGHT_SCHEMA = unstemmed_query_schema()
WHOOSH_STEMMER = build_schema()["body"].analyzer
# Whoosh's per-language fields (``schema.language_field``): an article in one of these languages also
# carries its words as that language's Whoosh stemmer gives them, in ``text_<language>_terms``
LANGUAGE_FIELDS = [language_field(language) for language in STEMMED_LANGUAGES]
TEXT_FIELDS = ["title", "body", *LANGUAGE_FIELDS]  # what the user's words are searched in


WHOOSH_WORD = re.compile(r"\w+(?:\.?\w+)*")  # Whoosh's RegexTokenizer's words (its group made silent)
STEMS_KEPT = 500_000  # distinct words whose stems are remembered (a few tens of MB at most)


class WhooshStems(dict):
    """A word (lower case) -> its stem as Whoosh's StemmingAnalyzer indexes it: "" for the words it
    drops (stop words, one letter). Each word is stemmed once."""

    def __missing__(self, word: str) -> str:
        if len(self) > STEMS_KEPT:
            self.clear()
        stemmed = self[word] = "" if len(word) < 2 or word in STOP_WORDS else english_stem(word)
        return stemmed


_stems = WhooshStems()


GAP_WORD = "_"  # a dropped word's place in a ``*_terms`` field: its analyzer drops it, keeping the place


def whoosh_terms(text: str) -> list[str]:
    """A text's words as the Whoosh index holds them (``index.schema.english_stem``), a sentence a
    value, each dropped word's place held by ``GAP_WORD``: matched by the ``*_terms`` fields (values
    ``SENTENCE_GAP`` positions apart), so a query, a phrase too, finds exactly the articles it finds on
    Whoosh. What ``WHOOSH_STEMMER`` gives — its words, each lower-cased and its accents folded, stop
    words and one-letter words dropped, the rest stemmed, each at its position — without its token
    objects and chained generators, which were most of the load's Python time."""
    sentences = []
    for start, end in sentence_spans(text):
        words = folded_lower_words(WHOOSH_WORD.findall(text, start, end))
        sentence = " ".join(_stems[word] or GAP_WORD for word in words).strip(f" {GAP_WORD}")
        if sentence:
            sentences.append(sentence)
    return sentences


def terms_by_sentence(tokens: Iterable[Any]) -> list[str]:
    """An analyzer's tokens (with positions) as ``whoosh_terms`` writes words: a sentence a value, a
    dropped word's place held by ``GAP_WORD``."""
    sentences: list[list[str]] = []
    last = None
    for token in tokens:
        skipped = token.pos - last - 1 if last is not None else SENTENCE_GAP
        if skipped >= SENTENCE_GAP:
            sentences.append([])
        else:
            sentences[-1].extend([GAP_WORD] * skipped)
        sentences[-1].append(token.text)
        last = token.pos
    return [" ".join(words) for words in sentences]


def phrase_text(words: list[str], offsets: tuple[int, ...]) -> str:
    """A phrase's words with ``GAP_WORD`` where its stop words were: "bank _ england"."""
    placed = [GAP_WORD] * (offsets[-1] + 1 if offsets else 0)
    for word, offset in zip(words, offsets, strict=True):
        placed[offset] = word
    return " ".join(placed)


def folded_lower_words(words: list[str]) -> list[str]:
    """Each word in lower case, its accents folded (as the Whoosh schema's text analyzer reads it),
    in one pass over them all joined by a space: lower-casing and folding go character by character
    (a final sigma too: a space ends a word either way), and a space is neither in a word nor made by
    folding, so splitting at spaces gives the words back. The words are found first, in the text as
    written: folding a loose accent away before would join the letters on either side of it."""
    return fold_accents(" ".join(words).lower()).split(" ") if words else []


WHOOSH_EPOCH = datetime(1, 1, 1)

# Whoosh's StemmingAnalyzer, in OpenSearch's terms: its words (\w+(\.?\w+)*), lower case, its stop words
# and one-letter words dropped, each leaving its place (``GAP_WORD``, dropped by ``whoosh_gaps``), then
# Lucene's Porter stemmer. Used to highlight the body (on the title, where the highlighter's query is
# written: ``body_highlight_query``); queries match the ``*_terms`` fields, which hold the words stemmed
# by Whoosh itself (its Porter differs from Lucene's on many words). Sentence ends leave no gap here: a
# phrase a hit holds is marked where it stands, and also where its words run across a sentence end.
_STOPS = "|".join(sorted(STOP_WORDS, key=len, reverse=True))
ANALYSIS = {
    "char_filter": {
        "whoosh_stops": {
            "type": "pattern_replace",
            "flags": "CASE_INSENSITIVE|UNICODE_CHARACTER_CLASS",
            "pattern": rf"(?<![\w.])(?:{_STOPS}|\w)(?!\w|\.\w)",
            "replacement": GAP_WORD,
        }
    },
    "filter": {"whoosh_gaps": {"type": "stop", "stopwords": [GAP_WORD], "ignore_case": False}},
    "tokenizer": {
        "whoosh_words": {
            "type": "pattern",
            "pattern": r"\w+(?:\.?\w+)*",
            "group": 0,
            "flags": "UNICODE_CHARACTER_CLASS",
        }
    },
    "analyzer": {
        "whoosh_stem": {
            "type": "custom",
            "char_filter": ["whoosh_stops"],
            "tokenizer": "whoosh_words",
            "filter": ["whoosh_gaps", "lowercase", "asciifolding", "porter_stem"],  # "Zürich" is "zurich"
        },
        # the ``*_terms`` fields: Whoosh's terms as ``whoosh_terms`` writes them, each at its place
        "whoosh_terms": {"type": "custom", "tokenizer": "whitespace", "filter": ["whoosh_gaps"]},
    },
}


# What the ``*_terms`` fields' words are, recorded in a new index's mapping ``_meta`` (``WORDS_META``): 2
# since they are stemmed by Porter's rules in full (``index.schema.english_stem``: "bidding" is "bid");
# an index without it holds Whoosh 2.7.4's stems ("bidd"), which queries no longer look for. 3 since
# each word keeps its place (``whoosh_terms``); before, "Bank of England" held "bank england".
WORDS_VERSION = 3
WORDS_VERSION_PORTER = 2
WORDS_META = "words_version"


def outdated_index_message(client: OpenSearch, index: str) -> str | None:
    """Why the OpenSearch ``index`` cannot be searched or added to as this version reads words, with the
    fix; None when it can. One message for search and ``add``, as for a Whoosh index
    (``index.schema.outdated_index_message``)."""
    meta = client.indices.get_mapping(index=index)[index]["mappings"].get("_meta", {})
    if not index_folds_accents(client, index):
        change = "words were matched with and without accents (“Zurich” finding “Zürich”)"
    elif not isinstance(meta.get(WORDS_META), int) or meta[WORDS_META] < WORDS_VERSION_PORTER:
        change = "words were stemmed by Porter's rules in full (“bid” finding “bidding”)"
    elif meta[WORDS_META] < WORDS_VERSION:
        change = PHRASES_CHANGE
    else:
        return None
    return (
        f"the OpenSearch index {index!r} was built before {change}; run `searcher index rebuild "
        f"--backend opensearch PATH...` to search it or add to it"
    )


def index_folds_accents(client: OpenSearch, index: str) -> bool:
    """Whether an index's analysis folds accents (``ANALYSIS``): one built before holds "zürich" in its
    terms where queries now look for "zurich", and must be rebuilt."""
    settings = client.indices.get_settings(index=index)[index]["settings"]["index"]
    analyzer = settings.get("analysis", {}).get("analyzer", {}).get("whoosh_stem", {})
    return "asciifolding" in analyzer.get("filter", [])


# Whoosh's terms (``whoosh_terms``), a sentence a value, sentences as far apart as in Whoosh
TERMS_FIELD = {"type": "text", "analyzer": "whoosh_terms", "position_increment_gap": SENTENCE_GAP}


def mappings() -> dict:
    """Text fields stemmed as Whoosh stems them; each facet as its values (counted), their keys
    (``facet_key``: case and accents ignored, for filters) and their words (for ``person:volcker``)."""
    properties = {
        "id": {"type": "keyword"},
        "order": {"type": "long"},  # the order articles were written in: ties break as in Whoosh (by docnum)
        # the highlighter's query is written on the title (``body_highlight_query``): a short field
        # analysed as the body is
        "title": {"type": "text", "analyzer": "whoosh_stem"},
        "title_terms": TERMS_FIELD,  # what queries match and rank
        "body_terms": TERMS_FIELD,  # also what "more like this" compares
        # highlighted by analysing it again at search time (a hit's body, 20 a page), not indexed: its
        # terms cost the cluster a third of its CPU during a load (bench/opensearch_load.py)
        "body": {"type": "text", "analyzer": "whoosh_stem", "index": False},
        "published": {"type": "date"},
        "source": {"type": "keyword"},
        "url": {"type": "keyword", "index": False, "doc_values": False},
        "author": {"type": "keyword", "index": False, "doc_values": False},
        "dateline": {"type": "keyword", "index": False, "doc_values": False},  # searched in body_terms
        "mentioned": {"type": "keyword"},  # the mentioned dates by year, month and day: for filters
        "mentioned_period": {"type": "keyword"},  # by year and month: for counts
        "fingerprint": {"type": "keyword", "index": False, "doc_values": False},
        "story": {"type": "keyword"},  # the story it is a version of (index/stages/stories.py)
        STORY_FLAG: {"type": "boolean"},  # its story has other versions: see ``counting_stories``
        "entities": {"type": "keyword", "index": False, "doc_values": False},  # JSON, as Whoosh stores it
        # what the entities were derived from (opensearch_normalize.py): stored apart, never in _source
        "ner_input": {"type": "binary", "store": True},
    }
    for name in LANGUAGE_FIELDS:
        properties[f"{name}_terms"] = TERMS_FIELD
    for facet in COLUMN_FACETS:
        properties[facet] = {"type": "keyword"}  # counted; filters match ``{facet}_key``
        properties[f"{facet}_key"] = {"type": "keyword"}
        properties[f"{facet}_words"] = {"type": "text", "analyzer": "whitespace"}
    # the Whoosh words are searched, never shown: not kept in _source (a third less to write)
    return {"_source": {"excludes": ["*_terms", "ner_input"]}, "properties": properties}


def document(prepared, order: int, ner_input: str | None = None, multi_version: bool | None = None) -> dict:
    """One prepared article (``build.PreparedArticle``, entities normalized) as an OpenSearch document;
    ``ner_input``: what its entities were derived from (``opensearch_normalize.encode_ner_input``);
    ``multi_version``: whether its story has other versions (unknown: left out, counted as if so)."""
    article, entities = prepared.article, prepared.entities
    row = facet_row(entities, prepared.language)
    doc = {
        "id": article.id,
        "order": order,
        "ner_input": ner_input,
        **search_terms_of(
            prepared.title, searchable_body(article.dateline, prepared.body), prepared.language
        ),
        "title": prepared.title,
        "body": prepared.body,
        "source": article.source or "",
        "url": article.url,
        "author": article.author,
        "dateline": article.dateline,
        "fingerprint": prepared.fingerprint,
        "story": story_of(prepared),
        "entities": entities_json(entities),
        "mentioned": mentioned_levels(entities.mentioned),
        "mentioned_period": row["mentioned"],
        "published": article.published.isoformat() if article.published else None,
    }
    for facet in COLUMN_FACETS:
        keys = [facet_key(value) for value in row[facet]]
        doc[facet] = row[facet]
        doc[f"{facet}_key"] = keys
        doc[f"{facet}_words"] = keys
    if multi_version is not None:
        doc[STORY_FLAG] = multi_version
    return doc


def story_of(prepared) -> str:
    return prepared.story or prepared.article.id


def multi_version_stories(prepared: list) -> set[str]:
    """The stories of which ``prepared`` holds two versions or more."""
    versions = Counter(story_of(item) for item in prepared)
    return {story for story, count in versions.items() if count > 1}


SHARD_ATTEMPTS = 3  # a search with a failed shard is made this many times before it is an error


class WholeAnswers(OpenSearch):
    """A client whose searches and counts answer from every shard or fail: when a shard fails (a node
    out of memory, the request circuit breaker), OpenSearch still answers 200 with the other shards'
    hits and counts, which would be shown as the truth."""

    def search(self, *args: Any, **kwargs: Any) -> Any:
        return self._whole(super().search, *args, **kwargs)

    def count(self, *args: Any, **kwargs: Any) -> Any:
        return self._whole(super().count, *args, **kwargs)

    def searches(self, index: str, bodies: list[dict]) -> list[dict]:
        """Several searches of ``index`` in one round trip (``_msearch``), each answer whole as
        ``search`` gives it. A search of size 0 (counts only) is answered from the shards' request
        cache when the same one was made since the index last changed."""
        lines: list[dict] = []
        for body in bodies:
            lines.append(
                {"index": index, "request_cache": True} if body.get("size") == 0 else {"index": index}
            )
            lines.append(body)
        for attempt in range(SHARD_ATTEMPTS):
            with refusals_named():
                answers = super().msearch(body=lines)["responses"]
            for answer in answers:
                if "error" in answer:  # one search refused: as ``search`` would have raised it
                    status = answer.get("status", 500)
                    error = HTTP_EXCEPTIONS.get(status, TransportError)
                    with refusals_named():
                        raise error(status, answer["error"].get("type", "error"), answer)
            failed = any((answer.get("_shards") or {}).get("failed") for answer in answers)
            if not failed or attempt == SHARD_ATTEMPTS - 1:
                return [whole(answer) for answer in answers]
            time.sleep(0.25 * (attempt + 1))
        raise AssertionError("unreachable")

    @staticmethod
    def _whole(request: Any, *args: Any, **kwargs: Any) -> Any:
        """A shard that failed (a node gone mid-search) is asked again, twice, so that its replica
        answers; only then is the failure an error."""
        for attempt in range(SHARD_ATTEMPTS):
            with refusals_named():
                answer = request(*args, **kwargs)
            if not (answer.get("_shards") or {}).get("failed") or attempt == SHARD_ATTEMPTS - 1:
                return whole(answer)
            time.sleep(0.25 * (attempt + 1))


@contextlib.contextmanager
def refusals_named() -> Iterator[None]:
    """A search every shard refused (too much memory asked, the cluster overloaded) as a ClusterError
    with OpenSearch's reason; a request OpenSearch finds wrong (4xx but 429) stays the bug it is."""
    try:
        yield
    except TransportError as error:
        status = error.status_code if isinstance(error.status_code, int) else 0
        if status != 429 and status < 500:
            raise
        raise ClusterError(f"OpenSearch refused the search ({status}): {refusal_reason(error)}") from error


def refusal_reason(error: TransportError) -> str:
    """OpenSearch's own reason: the root cause, else (an answer of ``_msearch`` gives no root cause)
    the first failed shard's reason, else what caused the error."""
    info = error.info if isinstance(error.info, dict) else {}
    detail = info.get("error") or {}
    causes = [
        *(detail.get("root_cause") or []),
        *((failure.get("reason") or {}) for failure in detail.get("failed_shards") or []),
        detail.get("caused_by") or {},
    ]
    return next((c["reason"] for c in causes if c.get("reason")), None) or str(error.error)


def whole(answer: dict) -> dict:
    """``answer``, when every shard gave its part; else a ClusterError naming the first failure."""
    shards = answer.get("_shards") or {}
    if shards.get("failed"):
        reasons = [failure.get("reason", {}) for failure in shards.get("failures", [])]
        reason = reasons[0].get("reason") or reasons[0].get("type") if reasons else "no reason given"
        raise ClusterError(f"{shards['failed']} of {shards.get('total')} OpenSearch shards failed: {reason}")
    return answer


def client_for(urls: list[str]) -> WholeAnswers:
    return WholeAnswers(urls, timeout=60, max_retries=3, retry_on_timeout=True)


# writing ----------------------------------------------------------------------------------------
class OpenSearchWriter:
    """Loads prepared articles into the cluster. A rebuild loads a new index and moves the alias to it
    in one request (searches answer from the old index until then) and then deletes the old one; an
    add writes into the index behind the alias, replacing articles by id."""

    def __init__(
        self,
        urls: list[str],
        alias: str,
        shards: int = 3,
        replicas: int = 1,
        index_dir: Path | None = None,
    ) -> None:
        self.client = client_for(urls)
        self.where = ", ".join(urls)
        self.alias = alias
        self.shards, self.replicas = shards, replicas
        self.index_dir = Path(index_dir) if index_dir else None  # its NER cache: the mentions loaded
        self.loaded = 0
        self.renormalized = 0  # documents an add's corpus-wide normalization wrote again
        self.seconds = 0.0
        self.bulk_chunk, self.bulk_threads = BULK_CHUNK, BULK_THREADS

    def __call__(
        self,
        prepared: list,
        incremental: bool,
        copies: dict[str, str] | None = None,
        removed: list[str] | None = None,
    ) -> None:
        with self.cluster_errors():
            self.write(prepared, incremental, copies or {}, removed or [])

    @contextlib.contextmanager
    def cluster_errors(self) -> Iterator[None]:
        try:
            yield
        except (OpenSearchConnectionError, TransportError) as error:
            raise ClusterError(
                f"the OpenSearch cluster at {self.where} could not take the articles: {error}; "
                f"the index {self.alias!r} is unchanged"
            ) from None

    def write(
        self,
        prepared: list,
        incremental: bool,
        copies: dict[str, str] | None = None,
        removed: list[str] | None = None,
    ) -> None:
        """``prepared`` loaded (into a new index, or with ``incremental`` into the current one), the
        ids of ``copies`` kept beside them, and with ``incremental`` the ``removed`` articles deleted."""
        if not incremental:
            self.publish(self.load_new(prepared), copies)
            return
        started = time.monotonic()
        countries = {p.name: p.country for item in prepared for p in item.entities.places}
        current = self.current_index()
        if current is None:
            raise store.NoIndexError(
                f"no OpenSearch index {self.alias!r} to add to; "
                f"run `searcher index rebuild --backend opensearch` first"
            )
        self.refuse_outdated(current)
        self.load(current, prepared)
        self.remove_articles(current, removed or [])
        self.write_words(current, prepared, incremental=True)
        self.write_copies(current, copies or {})
        self.merge_into_side_document(current, "countries", countries)
        self.client.indices.refresh(index=current)
        flag_stories(self.client, current, {story_of(item) for item in prepared})
        self.normalize_corpus(current)
        self.seconds += time.monotonic() - started

    def load_new(self, prepared: list) -> str:
        """A rebuild's load (``index.stages.load_beside``): a new index with ``prepared``, not yet live;
        its name. It may run beside the Whoosh write, in a thread of its own."""
        started = time.monotonic()
        countries = {p.name: p.country for item in prepared for p in item.entities.places}
        new = f"{self.alias}-{datetime.now():%Y%m%d-%H%M%S-%f}"
        with self.cluster_errors():
            self.client.indices.create(index=new, body=self.new_index_body(countries))
            try:
                self.load(new, prepared)
                self.write_words(new, prepared, incremental=False)
                self.client.indices.refresh(index=new)  # still beside the Whoosh write: segments written
            except BaseException:
                self.discard(new)
                raise
        self.seconds += time.monotonic() - started
        return new

    def new_index_body(self, countries: dict[str, str]) -> dict:
        """The settings and mappings of a rebuild's new index, as it is during the load."""
        return {
            "settings": {
                "number_of_shards": self.shards,
                "number_of_replicas": 0,  # replicas are copied once the load is done, not per request
                "refresh_interval": "-1",
                "max_result_window": MAX_RESULT_WINDOW,
                "analysis": ANALYSIS,
            },
            "mappings": {**mappings(), "_meta": {"countries": countries, WORDS_META: WORDS_VERSION}},
        }

    def publish(self, loaded: str, copies: dict[str, str] | None = None) -> None:
        """The loaded index, with the ids of the exact ``copies`` the build skipped, made live: the
        alias moved to it in one request. Its replicas are copied from then on, after the Whoosh
        write (beside it they took the cores it needs); searches answer from the primaries meanwhile."""
        started = time.monotonic()
        with self.cluster_errors():
            try:
                self.write_copies(loaded, copies or {})
                self.client.indices.put_settings(
                    index=loaded,
                    body={"index": {"refresh_interval": "1s", "number_of_replicas": self.replicas}},
                )
                self.client.cluster.health(index=loaded, wait_for_status="yellow")
                self.switch_alias(loaded)
            except BaseException:
                self.discard(loaded)
                raise
        self.seconds += time.monotonic() - started

    def discard(self, loaded: str) -> None:
        """A loaded index that will not be live deleted, with its side index."""
        with contextlib.suppress(OpenSearchConnectionError, TransportError):
            self.client.indices.delete(index=f"{loaded},{words_index(loaded)}", ignore_unavailable=True)

    def load(self, index: str, prepared: list) -> None:
        first = int(time.time() * 1000) * 1_000_000  # later writes sort after earlier ones, as in Whoosh
        inputs = self.ner_inputs(prepared)
        several = multi_version_stories(prepared)  # an add's stories the cluster holds: flag_stories
        actions = (
            {
                "_index": index,
                "_id": item.article.id,
                "_source": document(
                    item, first + number, inputs.get(item.article.id), story_of(item) in several
                ),
            }
            for number, item in enumerate(prepared)
        )
        loaded, errors = 0, []
        # requests in flight: nodes index chunks while the client prepares the next
        for ok, item in helpers.parallel_bulk(
            self.client,
            actions,
            chunk_size=self.bulk_chunk,
            thread_count=self.bulk_threads,
            raise_on_error=False,
            request_timeout=120,
        ):
            if ok:
                loaded += 1
            else:
                errors.append(item)
        if errors:
            raise ClusterError(f"OpenSearch refused {len(errors)} articles, e.g. {errors[0]}")
        self.loaded += loaded

    def ner_inputs(self, prepared: list) -> dict[str, str]:
        """Each article's normalization inputs (``opensearch_normalize.NerInput``), its mentions read
        from the index dir's NER cache; none without an index dir, or for an article whose mentions
        the cache lacks."""
        if self.index_dir is None:
            return {}
        keys = {
            item.article.id: cache_key(item.pipeline, item.ner_text) for item in prepared if item.pipeline
        }
        cache = AnnotationCache(self.index_dir / "annotations.sqlite")
        try:
            mentions = cache.get_many_as_json(set(keys.values()))
        finally:
            cache.close()
        inputs = {}
        for item in prepared:
            found = mentions.get(keys[item.article.id]) if item.pipeline else "[]"
            if found is not None:
                inputs[item.article.id] = encode_ner_input(ner_input_of(item, found))
        return inputs

    def normalize_corpus(self, index: str) -> None:
        """After an add: the cluster's corpus normalized again from every document's inputs, as a single
        rebuild of all of it would be (``opensearch_normalize``), the changed documents written back;
        one add at a time, so with adds on several machines the last one sees the union."""
        with normalization_turn(self.client, words_index(index)):
            self.client.indices.refresh(index=index)
            stored, without = stored_articles(self.client, index)
            if without:
                log.warning(
                    "%d articles of %s were loaded without their normalization inputs: rebuild once "
                    "with this version to normalize the corpus across adds",
                    without,
                    index,
                )
                return
            changed = normalize_union(stored)
            actions = (
                {
                    "_index": index,
                    "_id": s.item.article.id,
                    "if_seq_no": s.seq_no,
                    "if_primary_term": s.primary_term,
                    "_source": document(s.item, s.order, s.ner_input, s.multi_version),
                }
                for s in changed
            )
            written, conflicts = 0, 0
            for ok, item in helpers.streaming_bulk(
                self.client, actions, chunk_size=BULK_CHUNK, raise_on_error=False, request_timeout=120
            ):
                if ok:
                    written += 1
                elif item.get("index", {}).get("status") == 409:
                    conflicts += 1  # rewritten meanwhile by another add, which normalizes after this one
                else:
                    raise ClusterError(f"OpenSearch refused a normalized article: {item}")
            countries = {p.name: p.country for s in changed for p in annotated_entities(s.item).places}
            self.merge_into_side_document(index, "countries", countries)
            self.client.indices.refresh(index=index)
            self.renormalized += written
            log.info("normalized %d articles again (%d rewritten meanwhile)", written, conflicts)

    def write_words(self, index: str, prepared: list, incremental: bool) -> None:
        """The titles' and bodies' words with how many articles hold each, for "did you mean" (as the
        Whoosh index keeps them in words.json), in one document of a small index beside ``index``. An
        add adds its counts to the cluster's, so adds running at once on several machines all count."""
        counts = document_words(
            f"{item.title} {searchable_body(item.article.dateline, item.body)}" for item in prepared
        )
        if incremental:
            self.merge_into_side_document(index, "words", dict(counts), add=True)
            return
        if not self.client.indices.exists(index=words_index(index)):
            self.client.indices.create(
                index=words_index(index),
                body={
                    "settings": {"number_of_shards": 1, "number_of_replicas": self.replicas},
                    # stored documents; only the copies' ids are searched (an own id's lookup)
                    "mappings": {
                        "dynamic": False,
                        "properties": {"copy_id": {"type": "keyword"}, "holder": {"type": "keyword"}},
                    },
                },
            )
        self.client.index(index=words_index(index), id="words", body={"counts": dict(counts)}, refresh=True)

    def write_copies(self, index: str, copies: dict[str, str]) -> None:
        """The ids of the exact copies the build skipped, each as a document of the side index naming
        the article indexed with its text (``copy_document``): so a copy's id still answers, as on
        Whoosh. Kept apart from the articles, an alias survives every rewrite of the article it
        names (an update, an add's corpus-wide normalization) and adds nothing to any search."""
        if not copies:
            return
        actions = (
            {
                "_index": words_index(index),
                "_id": copy_document(copy_id),
                "_source": {"copy_id": copy_id, "holder": holder},
            }
            for copy_id, holder in copies.items()
        )
        helpers.bulk(self.client, actions, chunk_size=BULK_CHUNK, refresh=True, request_timeout=120)

    def remove_articles(self, index: str, ids: list[str]) -> None:
        """The articles an add with ``--prune`` or a remove took out, deleted from the cluster, and the
        ids of their copies with them (as the Whoosh backend forgets them)."""
        if not ids:
            return
        copies = [
            hit["_id"]
            for start in range(0, len(ids), TERMS_AT_ONCE)
            for hit in helpers.scan(
                self.client,
                index=words_index(index),
                query={"query": {"terms": {"holder": ids[start : start + TERMS_AT_ONCE]}}, "_source": False},
                size=EXPORT_PAGE,
            )
        ]  # found before deleting: a cluster need not have delete-by-query (the reindex module)
        actions = [{"_op_type": "delete", "_index": index, "_id": doc_id} for doc_id in ids]
        actions += [{"_op_type": "delete", "_index": words_index(index), "_id": doc_id} for doc_id in copies]
        for ok, item in helpers.streaming_bulk(
            self.client, actions, chunk_size=BULK_CHUNK, raise_on_error=False, request_timeout=120
        ):
            if not ok and item.get("delete", {}).get("status") != 404:  # gone already: fine
                raise ClusterError(f"OpenSearch refused to delete an article: {item}")
        self.client.indices.refresh(index=f"{index},{words_index(index)}")

    def merge_into_side_document(self, index: str, name: str, values: dict, add: bool = False) -> None:
        """``values`` merged into the side index's document ``name`` by the cluster itself (a script run
        where the document lives, retried on a conflict), never read here and written back: two adds
        at once lose nothing. With ``add`` the values are counts and are summed, else they are set."""
        if not values:
            return
        script = MERGE_COUNTS if add else MERGE_VALUES
        self.client.update(
            index=words_index(index),
            id=name,
            body={
                "script": {"source": script, "lang": "painless", "params": {"values": values}},
                "upsert": {"counts": values},
            },
            params={"retry_on_conflict": 20, "refresh": "true"},
        )

    def current_index(self) -> str | None:
        try:
            return next(iter(self.client.indices.get_alias(name=self.alias)))
        except NotFoundError:
            return None

    def refuse_outdated(self, index: str | None = None) -> None:
        """Raises NoIndexError, saying to rebuild, when the index behind the alias (or ``index``) holds
        words as this version no longer reads them: an add into it would write words searches cannot
        find. ``searcher index add`` asks before it reads any article."""
        with self.cluster_errors():
            index = index or self.current_index()
            message = outdated_index_message(self.client, index) if index else None
        if message:
            raise store.NoIndexError(message)

    def switch_alias(self, new: str) -> None:
        """The alias moves to ``new`` in one request; the indexes it left are deleted after."""
        try:
            old = list(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            old = []
        if self.client.indices.exists(index=self.alias) and not old:
            raise store.IndexBusyError(
                f"{self.alias!r} is an index on the cluster, not an alias: choose another index name"
            )
        actions = [{"remove": {"index": index, "alias": self.alias}} for index in old]
        actions.append({"add": {"index": new, "alias": self.alias}})
        self.client.indices.update_aliases(body={"actions": actions})
        for index in old:
            self.client.indices.delete(index=f"{index},{words_index(index)}", ignore_unavailable=True)


def index_stats(urls: list[str], alias: str) -> dict:
    """What ``searcher index stats`` says of the index behind the alias."""
    client = client_for(urls)
    try:
        index = next(iter(client.indices.get_alias(name=alias)))
    except NotFoundError:
        raise store.NoIndexError(
            f"no OpenSearch index {alias!r} at {', '.join(urls)}; "
            f"run `searcher index rebuild --backend opensearch`"
        ) from None
    aggs = {"first": {"min": {"field": "published"}}, "last": {"max": {"field": "published"}}}
    answer = client.search(index=alias, body={"size": 0, "track_total_hits": True, "aggs": aggs})
    stats = client.indices.stats(index=index, metric="store")["indices"][index]["primaries"]["store"]
    health = client.cluster.health(index=index)

    def day(agg: dict) -> str | None:
        return agg.get("value_as_string", "")[:10] or None

    counted = {facet: value_counts(client, index, field) for facet, field in FACET_FIELDS.items()}

    return {
        "index_dir": f"{', '.join(urls)} / {alias}",
        "generation": index,
        "articles": answer["hits"]["total"]["value"],
        "stories": stories_in(client, index),
        "facet_values": {facet: len(values) for facet, values in counted.items()},
        "top_values": {
            facet: sorted(values.items(), key=lambda pair: (-pair[1], pair[0]))[:5]
            for facet, values in counted.items()
        },
        "published_first": day(answer["aggregations"]["first"]),
        "published_last": day(answer["aggregations"]["last"]),
        "size_bytes": stats["size_in_bytes"],
        "pipeline": "(see the local index dir)",
        "built_at": index.removeprefix(f"{alias}-"),
        "status": health["status"],
        "shards": health["active_primary_shards"],
        "nodes": health["number_of_nodes"],
    }


def value_counts(client: OpenSearch, index: str, field: str, query: dict | None = None) -> dict[str, int]:
    """Each value ``field`` holds among the documents ``query`` matches, with the documents holding it,
    counted exactly: a composite aggregation paged through (the cardinality aggregation is an estimate
    at every size: searcher/opensearch_counting.py; a terms aggregation's counts over several shards
    may leave out a shard's share)."""
    composite: dict = {"size": STORY_IDS_A_PAGE, "sources": [{"value": {"terms": {"field": field}}}]}
    body = {"size": 0, "query": query or {"match_all": {}}, "aggs": {"values": {"composite": composite}}}
    counts: dict[str, int] = {}
    while True:
        page = client.search(index=index, body=body)["aggregations"]["values"]
        counts.update((bucket["key"]["value"], bucket["doc_count"]) for bucket in page["buckets"])
        if len(page["buckets"]) < STORY_IDS_A_PAGE or "after_key" not in page:
            return counts
        composite["after"] = page["after_key"]


def stories_in(client: OpenSearch, index: str) -> int:
    """The stories ``index`` holds, exactly, as a search counts them: the articles alone in their story
    (flagged so), and the distinct stories of the others (of several versions, or loaded before the flag)."""
    alone = client.count(index=index, body={"query": {"term": {STORY_FLAG: False}}})["count"]
    return int(alone) + len(value_counts(client, index, "story", SEVERAL_VERSIONS))


def update_stories(urls: list[str], alias: str, changed: dict[str, list[str]]) -> int:
    """The ``story`` field of the articles a reader's join, split or undo moved (new story id -> their
    ids), written into the index behind ``alias`` so collapse and story counts follow at once, and the
    articles of the stories that now have several versions flagged so (``flag_stories``); the number of
    documents written."""
    story_of = {article_id: story for story, ids in changed.items() for article_id in ids}
    if not story_of:
        return 0
    client = client_for(urls)
    try:
        index = next(iter(client.indices.get_alias(name=alias)))
    except NotFoundError:
        raise store.NoIndexError(f"no OpenSearch index {alias!r} at {', '.join(urls)}") from None
    except (OpenSearchConnectionError, TransportError) as error:
        raise ClusterError(f"the OpenSearch cluster at {', '.join(urls)} does not answer ({error})") from None
    written = rewrite_documents(
        client,
        index,
        {"terms": {"id": sorted(story_of)}},
        lambda source: {"story": story_of[source["id"]]},
        "story updates",
    )
    flag_stories(client, index, set(changed))
    return written


def flag_stories(client: OpenSearch, index: str, stories: set[str]) -> int:
    """The articles of those of ``stories`` that have several versions in ``index`` flagged
    ``multi_version_story`` where they are not yet (an add's new version of a story the cluster held,
    a reader's join), so story counts stay exact; the number of documents written. A flag left on an
    article whose story lost its other versions counts it right all the same."""
    several = []
    for start in range(0, len(stories), TERMS_AT_ONCE):
        named = sorted(stories)[start : start + TERMS_AT_ONCE]
        found = client.search(
            index=index,
            body={
                "size": 0,
                "query": {"terms": {"story": named}},
                "aggs": {"stories": {"terms": {"field": "story", "size": len(named), "min_doc_count": 2}}},
            },
        )
        several += [bucket["key"] for bucket in found["aggregations"]["stories"]["buckets"]]
    if not several:
        return 0
    unflagged = {
        "bool": {"filter": [{"terms": {"story": several}}], "must_not": [{"term": {STORY_FLAG: True}}]}
    }
    return rewrite_documents(client, index, unflagged, lambda source: {STORY_FLAG: True}, "story flags")


def rewrite_documents(
    client: OpenSearch, index: str, query: dict, change: Callable[[dict], dict], what: str
) -> int:
    """The documents ``query`` finds written again with ``change(source)``, each whole (refreshed
    after): an update (or update_by_query) rebuilds a document from its ``_source``, which leaves out
    the ``*_terms`` fields queries match and the stored ``ner_input``, so those are put back as
    ``document`` makes them. Each write is conditional on the document being unchanged since it was
    read; the number written."""
    found = helpers.scan(
        client,
        index=index,
        query={"_source": True, "stored_fields": ["ner_input"], "seq_no_primary_term": True, "query": query},
        size=BULK_CHUNK,
        request_timeout=120,
    )
    actions = (
        {
            "_index": index,
            "_id": hit["_id"],
            "if_seq_no": hit["_seq_no"],
            "if_primary_term": hit["_primary_term"],
            "_source": {
                **hit["_source"],
                **search_terms(hit["_source"]),
                "ner_input": ((hit.get("fields") or {}).get("ner_input") or [None])[0],
                **change(hit["_source"]),
            },
        }
        for hit in found
    )
    written, refused = 0, []
    for ok, item in helpers.streaming_bulk(
        client, actions, chunk_size=BULK_CHUNK, raise_on_error=False, request_timeout=120
    ):
        if ok:
            written += 1
        else:
            refused.append(item)
    client.indices.refresh(index=index)
    if refused:
        raise ClusterError(f"OpenSearch refused {len(refused)} {what}, e.g. {refused[0]}")
    return written


def search_terms(source: dict) -> dict:
    """The fields a document's ``_source`` leaves out that queries match (``document``'s ``*_terms``),
    made again from its title, body and language."""
    language = (source.get("language") or [UNDETERMINED])[0]
    body = searchable_body(source.get("dateline"), source.get("body") or "")
    return search_terms_of(source.get("title") or "", body, language)


def search_terms_of(title: str, body: str, language: str | None) -> dict:
    """The words queries match and ``_source`` leaves out: Whoosh's terms of the title and body, and
    for a stemmed language its field's stems, as the Whoosh backend's language field holds them."""
    terms = {"title_terms": whoosh_terms(title), "body_terms": whoosh_terms(body)}
    if language in STEMMED_LANGUAGES:
        name = language_field(language)
        stems = QUERY_SCHEMA[name].analyzer(f"{title}\n{body}", positions=True)
        terms[f"{name}_terms"] = terms_by_sentence(stems)
    return terms


def words_index(index: str) -> str:
    return f"{index}-words"


def copy_document(copy_id: str) -> str:
    """The side index's document holding an exact copy's id (apart from "words", "countries", ...)."""
    return f"copy:{copy_id}"


# scripts run by the side index's shard on its document: a read-modify-write no other writer can interleave
MERGE_COUNTS = """
def counts = ctx._source.counts;
for (def word : params.values.keySet()) {
  def n = params.values.get(word);
  counts.put(word, counts.containsKey(word) ? counts.get(word) + n : n);
}
"""
MERGE_VALUES = "ctx._source.counts.putAll(params.values);"


def read_side_document(client: OpenSearch, index: str, name: str) -> dict:
    try:
        found = client.get(index=words_index(index), id=name)
    except NotFoundError:
        return {}
    counts = found["_source"]["counts"]
    return json.loads(counts) if isinstance(counts, str) else counts  # a string: written by 2026-11 builds


def read_words(client: OpenSearch, index: str) -> Counter:
    return Counter(read_side_document(client, index, "words"))


# searching --------------------------------------------------------------------------------------
FACET_FIELDS = {
    "person": "person",
    "place": "place",
    "country": "country",
    "org": "org",
    "mentioned": "mentioned_period",
    "language": "language",
}


class Snapshot:
    """What ``generation()`` gives the shared code: the index behind the alias and its places' countries,
    the readers' corrections in force (``aliases.txt``), and the words spelling suggestions are drawn
    from. The corrections' own rules are the Whoosh generation's (they read only ``aliases`` and
    ``countries``), so an article reads the same on both engines."""

    def __init__(
        self,
        client: OpenSearch,
        index: str,
        countries: dict,
        aliases: dict[str, dict[str, str | None]] | None = None,
        aliases_version: object = None,
        splits: list[AliasRule] | None = None,
    ) -> None:
        self.client = client
        self.index = index
        self.countries = countries
        self.aliases = aliases or {}
        self.aliases_version = aliases_version
        self.splits = (
            splits or []
        )  # readers' splits of a wrong merge, per article (by how it wrote the value)
        self._words: tuple[list[str], dict[str, int]] | None = None
        self._value_counts: dict[str, Counter] = {}
        self._period_units: list[str] | None = None
        self._value_keys: dict[str, set[str]] = {}
        self._sources: list[str] | None = None
        self.corrections = Corrections(
            self.aliases, self.stored_values_matching, self.split_moves(), self.acronym_value
        )

    def corrected(self, facet: str, values) -> list[str]:
        return Generation.corrected(self, facet, values)

    def corrected_places(self, places) -> list[list]:
        return Generation.corrected_places(self, places)

    def corrected_entities(self, entities: dict, body: str | None = None) -> dict:
        return Generation.corrected_entities(self, entities, body)

    def _split_entities(self, entities: dict, body: str) -> dict:
        return Generation._split_entities(self, entities, body)

    article_spellings = staticmethod(Generation.article_spellings)

    def split_moves(self) -> list[SplitMove]:
        """What the splits change, article by article, as the Whoosh backend applies them: each article
        holding a split value is read (its entities and body: how it wrote the value) once a snapshot,
        and the values it gains or loses are recorded for the filters and counts."""
        moves = []
        listed_as = {"person": "people", "org": "orgs"}
        for facet in sorted({rule.facet for rule in self.splits}):
            rules = [rule for rule in self.splits if rule.facet == facet]
            holding = {"terms": {f"{facet}_key": sorted({facet_key(rule.value) for rule in rules})}}
            for hit in helpers.scan(
                self.client,
                index=self.index,
                query={"query": holding, "_source": ["id", "entities", "body"]},
                size=EXPORT_PAGE,
            ):
                source = hit["_source"]
                entities = self.corrected_entities(json.loads(source["entities"]))
                spellings = self.article_spellings(entities, source.get("body") or "", facet)
                before = entities.get(listed_as[facet], [])
                after, _ = split_values(before, spellings, rules)
                for value in set(after) - set(before):
                    moves.append(SplitMove(facet, value, source["id"], gained=True))
                for value in set(before) - set(after):
                    moves.append(SplitMove(facet, value, source["id"], gained=False))
        return moves

    def merged_into(self, facet: str, value: str) -> list[str]:
        return Generation.merged_into(self, facet, value)

    def stored_values_matching(self, facet: str, key: str, prefix: bool) -> list[str]:
        """The values the index stores whose words hold ``key`` (or a word starting so); a key of
        several words is the values with that key (or starting so)."""
        if " " in key:
            where = {"prefix" if prefix else "term": {f"{facet}_key": key}}
        else:
            where = {"prefix" if prefix else "term": {f"{facet}_words": key}}
        answer = self.client.search(
            index=self.index,
            body={
                "size": 0,
                "query": where,
                "aggs": {"values": {"terms": {"field": facet, "size": 10_000, "shard_size": 10_000}}},
            },
        )
        values = [b["key"] for b in answer["aggregations"]["values"]["buckets"]]
        return [v for v in values if typed_match(v, key, prefix)]

    def holds(self, facet: str, given: str) -> bool:
        """Whether the index holds the value ``given`` names in any case or accent form, or as its acronym."""
        if facet not in self._value_keys:
            self._value_keys[facet] = {facet_key(value) for value in self.value_counts(facet)}
        return facet_key(self.corrections.named(facet, given)) in self._value_keys[facet]

    def sources(self) -> list[str]:
        """The sources the articles come from, as they are written; read once per snapshot."""
        if self._sources is None:
            aggs = {"values": {"terms": {"field": "source", "size": 10_000}}}
            found = self.client.search(index=self.index, body={"size": 0, "aggs": aggs})["aggregations"]
            self._sources = sorted(bucket["key"] for bucket in found["values"]["buckets"] if bucket["key"])
        return self._sources

    def value_counts(self, facet: str) -> Counter:
        """How many articles hold each (corrected) value of a facet, counted once per snapshot."""
        if facet not in self._value_counts:
            aggs = {"values": {"terms": {"field": facet, "size": 65_000, "shard_size": 65_000}}}
            exact = self.corrections.exact_aggregation(facet)
            if exact:
                aggs["exact"] = exact
            found = self.client.search(index=self.index, body={"size": 0, "aggs": aggs})["aggregations"]
            self._value_counts[facet] = self.corrections.counted(facet, found)
        return self._value_counts[facet]

    def period_units(self) -> list[str]:
        """The units a search's histogram may need besides days (``histogram_unit`` of the index's own
        span: a search spans no more), read once a snapshot."""
        if self._period_units is None:
            found = self.client.search(
                index=self.index,
                body={
                    "size": 0,
                    "aggs": {
                        "first": {"min": {"field": "published", "format": "yyyy-MM-dd"}},
                        "last": {"max": {"field": "published", "format": "yyyy-MM-dd"}},
                    },
                },
            )["aggregations"]
            first, last = found["first"].get("value_as_string"), found["last"].get("value_as_string")
            widest = histogram_unit(first, last) if first and last else "day"
            self._period_units = {"day": [], "month": ["month"], "year": ["month", "year"]}[widest]
        return self._period_units

    def acronym_value(self, facet: str, given: str) -> str | None:
        """The value an acronym stands for (``acronym_expansion`` over this snapshot's values and
        counts), when no value of the facet is spelled as ``given``; None otherwise. The facet's values
        are read only for a name written as an acronym, once a snapshot."""
        acronym = acronym_in_any_case(given)
        if acronym is None:
            return None
        counts = self.value_counts(facet)
        if facet not in self._value_keys:
            self._value_keys[facet] = {facet_key(value) for value in counts}
        if facet_key(given) in self._value_keys[facet]:
            return None
        return acronym_expansion(acronym, counts.items())

    def words(self) -> tuple[list[str], dict[str, int]]:
        """As the Whoosh backend's: the words of titles and bodies with their article counts, weighed
        up by the facet values they are part of. Read on the first suggestion."""
        if self._words is None:
            counts = read_words(self.client, self.index)
            for facet in ENTITY_FACETS:
                for value, count in self.value_counts(facet).items():
                    for word in set(facet_key(value).split()):
                        if len(word) >= 3 and word.isalpha() and word.isascii():
                            counts[word] += count
            self._words = sorted(counts), dict(counts)
        return self._words


class OpenSearchIndex(SearchBackend):
    engine_name = "OpenSearch"

    def __init__(self, urls: list[str], alias: str, index_dir: Path | None = None) -> None:
        self.urls = urls
        self.alias = alias
        self.index_dir = Path(index_dir) if index_dir else None  # where aliases.txt is read from
        self.client = client_for(urls)
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def generation(self) -> Snapshot:
        """The index the alias points at, looked up at most once a second (a rebuild's switch is seen
        within a second), with the countries of its places and the readers' corrections (``aliases.txt``
        in the index dir, read again as soon as it changes)."""
        version = self.aliases_version()
        with self._lock:
            if (
                self._snapshot is not None
                and time.monotonic() - self._checked < 1.0
                and self._snapshot.aliases_version == version
            ):
                return self._snapshot
            try:
                found = self.client.indices.get_alias(name=self.alias)
            except NotFoundError:
                raise store.NoIndexError(
                    f"no OpenSearch index {self.alias!r} at {', '.join(self.urls)}; "
                    f"run `searcher index rebuild --backend opensearch`"
                ) from None
            except (OpenSearchConnectionError, TransportError) as error:
                raise store.NoIndexError(
                    f"the OpenSearch cluster at {', '.join(self.urls)} does not answer "
                    f"({error.__class__.__name__})"
                ) from None
            index = next(iter(found))
            current = self._snapshot
            if current is None or current.index != index or current.aliases_version != version:
                if current is not None and current.index == index:
                    countries = current.countries
                else:
                    outdated = outdated_index_message(self.client, index)
                    if outdated:
                        raise store.NoIndexError(outdated)
                    meta = found[index].get("mappings", {}).get("_meta") or self.client.indices.get_mapping(
                        index=index
                    )[index]["mappings"].get("_meta", {})
                    # the rebuild's places, then those adds brought (merged in the cluster)
                    countries = {
                        **meta.get("countries", {}),
                        **read_side_document(self.client, index, "countries"),
                    }
                rules = read_rules(self.index_dir) if version is not None else []
                splits = [rule for rule in rules if rule.action == "split"]
                aliases = value_map(rules)
                current = self._snapshot = Snapshot(self.client, index, countries, aliases, version, splits)
            self._checked = time.monotonic()
            return current

    def aliases_version(self) -> object:
        if self.index_dir is None:
            return None
        try:
            return (self.index_dir / ALIASES_FILE).stat().st_mtime_ns
        except FileNotFoundError:
            return None

    def filtered(self, snapshot: Snapshot, params: SearchParams) -> tuple:
        """The parsed query, the query its words and dates make, the facet selections' plan, the filters
        of them all (what the hits must pass) and what each excluded value leaves out (``Exclusions``)."""
        query, used = parse(params.q)
        text_query = to_dsl(query, terms=True, corrections=snapshot.corrections)
        base = {"bool": {"must": [text_query], "filter": date_filters(params)}}
        plan = SelectionPlan.from_params(params)
        exclusions = self.exclusions(snapshot, plan, base, params.collapse)
        everything = condition_filters(plan.hits(), exclusions)
        return query, used, base, plan, everything, exclusions

    def exclusions(self, snapshot: Snapshot, plan: SelectionPlan, base: dict, collapse: bool) -> Exclusions:
        """What the search's excluded values leave out. Counting stories, a story goes when one of its
        versions within the search (``base``, the query and dates, and the selections of the conditions
        the exclusion is among: searcher/selection.py) holds one: the stories of several versions so
        holding each are looked up first, for each list of conditions the answer is taken within, in one
        round trip (and one more per 10,000 such stories beyond the first)."""
        corrections = snapshot.corrections
        if not collapse:
            return Exclusions(corrections)
        wanted = {
            (selections_of(conditions), condition.facet, value): None
            for conditions in plan.contexts()
            for condition in conditions
            for value in condition.none_of
        }
        if not wanted:
            return Exclusions(corrections)
        stories: dict[tuple[tuple[Condition, ...], str, str], list[str]] = {key: [] for key in wanted}
        after: dict[tuple[tuple[Condition, ...], str, str], dict | None] = dict(wanted)
        pending = list(wanted)
        while pending:
            bodies = [
                {
                    "size": 0,
                    "query": {
                        "bool": {
                            "must": [base],
                            "filter": [
                                *condition_filters(list(within), corrections),
                                corrections.value_filter(facet, value),
                            ],
                            "must_not": [{"term": {STORY_FLAG: False}}],
                        }
                    },
                    "aggs": {"stories": story_ids_after(after[(within, facet, value)])},
                }
                for within, facet, value in pending
            ]
            answers = self.client.searches(self.alias, bodies)
            unfinished = []
            for key, answer in zip(pending, answers, strict=True):
                found = answer["aggregations"]["stories"]
                stories[key] += [bucket["key"]["story"] for bucket in found["buckets"]]
                if len(found["buckets"]) == TERMS_AT_ONCE and found.get("after_key"):
                    after[key] = found["after_key"]
                    unfinished.append(key)
            pending = unfinished
        return Exclusions(corrections, stories)

    def search(self, params: SearchParams) -> RawResults:
        snapshot = self.generation()
        corrections = snapshot.corrections
        query, used, base, plan, everything, exclusions = self.filtered(snapshot, params)

        stories = counting_stories(params.collapse)  # what every count counts: stories or articles
        aggs: dict = {}
        contexts: dict[str, list] = {}  # each facet's counting filters
        chosen_contexts: dict[str, tuple[str, list]] = {}  # each chosen value's aggregation: its filters
        for facet in FACETS:  # what each count is taken within: searcher/selection.py
            counting = condition_filters(plan.counted_over(facet), exclusions)
            contexts[facet] = counting
            listed = FACET_SIZE + FACET_AHEAD if stories else FACET_SIZE
            aggs[f"count_{facet}"] = facet_aggregation(facet, counting, stories, corrections, listed)
            for number, (given, excluded) in enumerate(plan.selections[facet].given()):
                context = condition_filters(plan.chosen_within(facet, excluded), exclusions)
                chosen_filters = [*context, corrections.value_filter(facet, given)]
                chosen_contexts[f"chosen_{facet}_{number}"] = (facet, chosen_filters)
                aggs[f"chosen_{facet}_{number}"] = {
                    "filter": {"bool": {"filter": chosen_filters}},
                    "aggs": {
                        "values": {"terms": {"field": FACET_FIELDS[facet], "size": 100}, "aggs": stories},
                        **stories,
                    },
                }
        stories_total = counting_stories(params.collapse, TOTAL_STORY_PRECISION)
        aggs["published"] = {
            "filter": {"bool": {"filter": everything}},
            "aggs": {
                "days": {
                    "date_histogram": {
                        "field": "published",
                        "calendar_interval": "day",
                        "format": "yyyy-MM-dd",
                        "min_doc_count": 1,
                    },
                    "aggs": stories,
                },
                **stories_total,
            },
        }
        if params.collapse:  # the units the histogram may be drawn in, counted in the same pass
            for unit in snapshot.period_units():
                aggs["published"]["aggs"][unit] = period_aggregation(unit)
        if params.collapse:  # the stories every count is within: whose hashes share bits
            aggs["query_stories"] = {"filter": {"match_all": {}}, "aggs": stories_total}
        widening = [facet for facet in FACETS if plan.selections[facet].widens]
        if widening and params.collapse:  # the stories of several versions the results list
            aggs["listed_stories"] = listed_stories_aggregation(everything)

        first = (params.page - 1) * params.per_page
        body = {
            "query": base,
            "post_filter": {"bool": {"filter": everything}},
            "track_total_hits": True,
            "from": first,
            "size": params.per_page,
            "_source": {"includes": HIT_FIELDS},
        }
        ranked = params.q and params.sort == "relevance" and not isinstance(query, Every)
        if ranked:
            body["sort"] = ["_score", {"order": "asc"}]
        else:
            order = "asc" if params.sort == "oldest" else "desc"
            body["sort"] = [{"published": {"order": order, "missing": "_last"}}, {"order": "asc"}]
        if params.collapse:  # each story once, by its first version in the search's order
            body["collapse"] = {
                "field": "story",
                "inner_hits": {
                    "name": "versions",
                    "size": VERSIONS_LISTED,
                    "_source": VERSION_FIELDS,
                    "sort": OLDEST_FIRST,
                },
            }
        if params.q and not isinstance(query, Every):
            body["highlight"] = {
                "fields": {"body": {"fragment_size": 220, "number_of_fragments": 2}},
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "encoder": "html",
                "require_field_match": False,  # the query's words are on the title: see body_highlight_query
                "highlight_query": body_highlight_query(
                    to_dsl(parse(params.q, HIGHLIGHT_SCHEMA)[0], terms=False, corrections=corrections)
                ),
            }
        # one round trip: the hits, the counts (size 0, so the shards' request cache keeps them) and
        # the count of a suggested correction
        corrected = self.suggested_words(snapshot, used) if params.q else None
        bodies = [body, {"size": 0, "query": base, "aggs": aggs}]
        if corrected:
            bodies.append(self.suggestion_body(corrected, params, snapshot, everything))
        answer, counted, *suggested = self.client.searches(self.alias, bodies)
        found = counted["aggregations"]
        sharing: list[frozenset[str]] = []  # stories the cardinality may count as one
        if params.collapse:  # a cardinality can be off by a few: made exact
            sharing = self.count_stories_exactly(
                base,
                story_buckets(found, everything, contexts, chosen_contexts, corrections),
                query_stories=found["query_stories"],
            )
        # values listed by articles, ranked by stories here; a facet whose cut they cannot vouch for
        # is counted again with every value, in a second round trip
        unsure = [
            f for f in FACETS if params.collapse and not ranked_by_stories(found[f"count_{f}"]["values"])
        ]
        if unsure:
            again = {
                f"count_{f}": facet_aggregation(f, contexts[f], stories, corrections, SHARD_SIZE)
                for f in unsure
            }
            recounted = self.client.searches(self.alias, [{"size": 0, "query": base, "aggs": again}])[0]
            for facet in unsure:
                found[f"count_{facet}"] = recounted["aggregations"][f"count_{facet}"]
            self.count_stories_exactly(
                base,
                story_buckets(
                    found, everything, {f: contexts[f] for f in unsure}, {}, corrections, histogram=False
                ),
                sharing,
            )
            for facet in unsure:
                ranked_by_stories(found[f"count_{facet}"]["values"], every=True)

        counts = {facet: corrections.counted(facet, found[f"count_{facet}"]) for facet in FACETS}
        published = Counter(
            {
                b["key_as_string"]: bucket_count(b)
                for b in found["published"]["days"]["buckets"]
                if bucket_count(b)
            }
        )
        hits = [hit_from(h, snapshot) for h in answer["hits"]["hits"]]
        if params.collapse:
            for hit, found_hit in zip(hits, answer["hits"]["hits"], strict=True):
                hit.versions = other_versions(found_hit, hit.id)
        articles = answer["hits"]["total"]["value"]
        total = bucket_count(found["published"]) if params.collapse else articles
        # a second round trip only when the first asks for it: stories per month or year
        unit = histogram_unit(min(published), max(published)) if params.collapse and published else "day"
        later = []
        if unit != "day" and unit not in found["published"]:  # the index grew since its span was read
            later.append(self.periods_body(base, everything, unit))
        adding = self.adds_body(base, plan, widening, found, stories, exclusions) if widening else None
        if adding:
            later.append(adding[0])
        answers = self.client.searches(self.alias, later) if later else []
        adds = {}
        if adding:
            added = answers.pop(-1)["aggregations"]
            if params.collapse:
                self.count_stories_exactly(
                    base,
                    story_buckets(added, everything, adding[1], {}, corrections, False, "adds"),
                    sharing,
                )
            adds = {
                facet: corrections.counted(facet, added[f"adds_{facet}"])
                for facet in widening
                if f"adds_{facet}" in added
            }
        chosen = {
            facet: chosen_values(plan.selections[facet], counts[facet], found, corrections)
            for facet in FACETS
        }
        periods = None
        if unit != "day":
            if unit in found["published"]:
                in_periods = found["published"][unit]
            else:
                in_periods = answers.pop(0)["aggregations"]["periods"]
                self.count_stories_exactly(base, period_buckets(in_periods, unit, everything), sharing)
            periods = Counter({b["key_as_string"]: bucket_count(b) for b in in_periods["buckets"]})
        suggestion = None
        if corrected and suggested and suggested[0]["hits"]["total"]["value"] > max(total, 0):
            suggestion = corrected
        return RawResults(
            total=total,
            hits=hits,
            facet_counts=counts,
            published_counts=published,
            published_periods=periods,
            suggestion=suggestion,
            query_used=used,
            chosen=chosen,
            matched=self.matched_values(snapshot, query, base, everything, stories=stories, sharing=sharing),
            collapsed=params.collapse,
            articles=articles,
            notice=joined_notices(
                refusal_notice(params.q, QUERY_SCHEMA, too_many_wildcards),
                unknown_sources_notice(query, snapshot.sources()) if typed_sources(query) else None,
                unknown_values_notice(query, snapshot.holds),
            ),
            searchable=has_words_to_search(params.q),
            facet_adds=adds,
        )

    @staticmethod
    def adds_body(
        base: dict,
        plan: SelectionPlan,
        widening: list[str],
        found: dict,
        stories: dict,
        exclusions: Exclusions,
    ) -> tuple[dict, dict[str, list]] | None:
        """What checking each listed value of a widening facet would add (searcher/selection.py): its
        articles outside the facet's selection and, counting stories, outside the stories the results
        list already; the search, and each facet's filters in it. None when the results list more
        stories of several versions than one request can name (the page then shows plain counts)."""
        leave_out: list = []
        if stories:
            listed = found["listed_stories"]["ids"]
            if listed.get("sum_other_doc_count"):
                return None
            story_ids = [bucket["key"] for bucket in listed["buckets"]]
            if story_ids:
                leave_out = [{"bool": {"must_not": [{"terms": {"story": story_ids}}]}}]
        aggs, within = {}, {}
        for facet in widening:
            keys = [bucket["key"] for bucket in found[f"count_{facet}"]["values"]["buckets"]]
            if not keys:  # no value listed beside the checked ones
                continue
            filters = [*condition_filters(plan.widening(facet), exclusions), *leave_out]
            aggregation = facet_aggregation(facet, filters, stories, exclusions.corrections, len(keys))
            aggregation["aggs"]["values"]["terms"]["include"] = keys
            aggs[f"adds_{facet}"] = aggregation
            within[facet] = filters
        return ({"size": 0, "query": base, "aggs": aggs}, within) if aggs else None

    def count_stories_exactly(
        self,
        base: dict,
        buckets: list[tuple[dict, list[dict]]],
        groups: list[frozenset[str]] | None = None,
        query_stories: dict | None = None,
    ) -> list[frozenset[str]]:
        """Each bucket's cardinality of stories (``counting_stories``) made exact, each bucket named by
        the filters that make it within ``base`` (searcher/opensearch_counting.py): a bucket from
        ``EXACT_FROM`` stories by listing its stories' ids; a smaller one by giving back the stories
        its cardinality merged, among those of several versions matching ``base`` whose hashes share
        the bits it keeps (``groups``; when not given, found here by listing the stories of
        ``query_stories``, a bucket of every article ``base`` matches). The listings go in one round
        trip, the smaller buckets' corrections in a second, only when some stories share their bits.
        Returns the groups."""
        several = [(b, f) for b, f in buckets if int(b["stories"]["doc_count"]) > 1]
        large = [(b, f) for b, f in several if distinct_counted(b) >= EXACT_FROM]
        listings = [(filters, distinct_counted(bucket)) for bucket, filters in large]
        # the query's own stories, unless a bucket listed anyway is all of them (a search with no filter)
        unfiltered = next((n for n, (_, filters) in enumerate(large) if not filters), None)
        if (
            groups is None
            and unfiltered is None
            and query_stories is not None
            and int(query_stories["stories"]["doc_count"]) > 1
        ):
            unfiltered = len(listings)
            listings.append(([], distinct_counted(query_stories)))
        listed = self.story_ids(base, listings)
        for (bucket, _), ids in zip(large, listed, strict=False):
            bucket["stories"]["distinct"]["value"] = len(ids)
        if groups is None:
            groups = sharing_groups(listed[unfiltered]) if unfiltered is not None else []
        sharing = sorted(set().union(*groups))
        small = [(b, f) for b, f in several if distinct_counted(b) < EXACT_FROM]
        if not sharing or not small:
            return groups
        aggs = {
            f"merged_{n}": story_ids_aggregation(filters, SEVERAL_VERSIONS, len(sharing), sharing)
            for n, (_, filters) in enumerate(small)
        }
        merged = self.client.searches(self.alias, [{"size": 0, "query": base, "aggs": aggs}])[0]
        for n, (bucket, _) in enumerate(small):
            present = {b["key"] for b in merged["aggregations"][f"merged_{n}"]["ids"]["buckets"]}
            bucket["stories"]["distinct"]["value"] += merged_stories(present, groups)
        return groups

    def story_ids(self, base: dict, listings: list[tuple[list[dict], int]]) -> list[list[str]]:
        """The ids of the stories of several versions within ``base`` and each listing's filters (its
        cardinality's estimate beside them): many listings a request, in one round trip; one the
        request could not hold whole is paged through."""
        sizes = [story_listing_size(estimate) for _, estimate in listings]
        requests = listing_groups(sizes, STORY_IDS_A_REQUEST)
        bodies = [
            {
                "size": 0,
                "query": base,
                "aggs": {
                    f"ids_{n}": story_ids_aggregation(listings[n][0], SEVERAL_VERSIONS, sizes[n])
                    for n in request
                },
            }
            for request in requests
        ]
        answers = self.client.searches(self.alias, bodies) if bodies else []
        found: list[list[str] | None] = [None] * len(listings)
        for request, answer in zip(requests, answers, strict=True):
            for n in request:
                found[n] = listed_story_ids(answer["aggregations"][f"ids_{n}"]["ids"])
        return [
            ids if ids is not None else self.story_ids_paged(base, listings[n][0])
            for n, ids in enumerate(found)
        ]

    def story_ids_paged(self, base: dict, filters: list[dict]) -> list[str]:
        """The ids of the stories of several versions within ``base`` and ``filters``, page by page (a
        composite aggregation): all of them, however many."""
        composite: dict = {"size": STORY_IDS_A_PAGE, "sources": [{"story": {"terms": {"field": "story"}}}]}
        body = {
            "size": 0,
            "query": {"bool": {"must": [base], "filter": [*filters, SEVERAL_VERSIONS]}},
            "aggs": {"ids": {"composite": composite}},
        }
        ids: list[str] = []
        while True:
            page = self.client.search(index=self.alias, body=body)["aggregations"]["ids"]
            ids += [bucket["key"]["story"] for bucket in page["buckets"]]
            if len(page["buckets"]) < STORY_IDS_A_PAGE or "after_key" not in page:
                return ids
            composite["after"] = page["after_key"]

    @staticmethod
    def periods_body(base: dict, everything: list, unit: str) -> dict:
        """The search that counts the matching stories per month or year: a story published on several
        days of one period counts once in it (the day histogram cannot say so)."""
        return {
            "size": 0,
            "query": {"bool": {"must": [base], "filter": everything}},
            "aggs": {"periods": period_aggregation(unit)},
        }

    @staticmethod
    def suggested_words(snapshot: Snapshot, used: str) -> str | None:
        """A correction of the query's words (the Whoosh backend's rules), if they differ from them."""
        corrected = SearchIndex.corrected_words(snapshot, used)
        if not corrected or corrected.lower() == used.lower():
            return None
        return corrected

    @staticmethod
    def suggestion_body(corrected: str, params: SearchParams, snapshot: Snapshot, everything: list) -> dict:
        """The search that counts what the corrected words find within the same filters: the correction
        is offered only when it finds more than the user's words did."""
        better, _ = parse(corrected)
        return {
            "size": 0,
            "track_total_hits": True,
            "query": {
                "bool": {
                    "must": [to_dsl(better, terms=True, corrections=snapshot.corrections)],
                    "filter": date_filters(params) + everything,
                }
            },
        }

    def matched_values(
        self,
        snapshot: Snapshot,
        query,
        base: dict,
        everything: list,
        listed: int = 10,
        stories: dict | None = None,
        sharing: list[frozenset[str]] | None = None,
    ) -> list[MatchedValues]:
        """For each single word or prefix typed in a facet field, the values holding it anywhere in the
        index, with how many of the results hold each (as the Whoosh backend says); counting
        ``stories``, made exact with the stories whose hashes share bits (``sharing``)."""
        leaves, seen = [], set()
        for leaf in query.leaves() if not query.is_leaf() else [query]:
            if not is_column_facet(leaf) or (leaf.fieldname, str(leaf.text), type(leaf)) in seen:
                continue
            seen.add((leaf.fieldname, str(leaf.text), type(leaf)))
            if isinstance(leaf, FacetValue) or (isinstance(leaf, Term) and " " in facet_key(str(leaf.text))):
                continue  # a full name, or a value in quotes, is taken as it is
            leaves.append(leaf)
        found = []
        corrections = snapshot.corrections
        for leaf in leaves:
            facet, key, prefix = leaf.fieldname, facet_key(str(leaf.text)), isinstance(leaf, Prefix)
            values = corrections.values_matching(facet, key, prefix)
            counted: dict = {}
            if values:
                within = {"bool": {"must": [base], "filter": everything}}
                if corrections.corrects(facet):  # each value by its own filter: merged ones count once
                    aggs = {
                        "values": {
                            "filters": {"filters": {v: corrections.value_filter(facet, v) for v in values}},
                            "aggs": stories or {},
                        }
                    }
                else:
                    aggs = {
                        "values": {
                            "terms": {"field": facet, "include": values, "size": len(values)},
                            "aggs": stories or {},
                        }
                    }
                answer = self.client.search(
                    index=self.alias, body={"size": 0, "query": within, "aggs": aggs}
                )["aggregations"]["values"]["buckets"]
                if stories:
                    buckets = answer.items() if isinstance(answer, dict) else [(b["key"], b) for b in answer]
                    self.count_stories_exactly(
                        within,
                        [
                            (bucket, [corrections.value_filter(facet, value)])
                            if isinstance(answer, dict)
                            else (bucket, [{"term": {facet: value}}])
                            for value, bucket in buckets
                            if "stories" in bucket
                        ],
                        sharing or [],
                    )
                if isinstance(answer, dict):
                    counted = {v: bucket_count(b) for v, b in answer.items()}
                else:
                    counted = {b["key"]: bucket_count(b) for b in answer}
            pairs = sorted(((v, counted.get(v, 0)) for v in values), key=lambda pair: (-pair[1], pair[0]))
            typed = str(leaf.text) + ("*" if prefix else "")
            found.append(MatchedValues(facet, typed, pairs[:listed], max(0, len(pairs) - listed)))
        return found

    def all_matches(self, params: SearchParams) -> Iterator[dict]:
        """Every article the search matches, in its order, a page of EXPORT_PAGE at a time through a
        point in time (one view of the index however long the export takes) and ``search_after``:
        memory stays bounded whatever the number of matches."""
        snapshot = self.generation()
        query, _, base, _, everything, _ = self.filtered(snapshot, params)
        ranked = params.q and params.sort == "relevance" and not isinstance(query, Every)
        order = "asc" if params.sort == "oldest" else "desc"
        sort = (
            ["_score", {"order": "asc"}]
            if ranked
            else [{"published": {"order": order, "missing": "_last"}}, {"order": "asc"}]
        )
        pit = self.client.create_pit(index=snapshot.index, params={"keep_alive": "2m"})["pit_id"]
        try:
            after = None
            while True:
                body = {
                    "size": EXPORT_PAGE,
                    "query": {"bool": {"must": [base], "filter": everything}},
                    "sort": sort,
                    "pit": {"id": pit, "keep_alive": "2m"},
                    "_source": ["id", "title", "published", "source", "url", "entities", "language"]
                    + (["body"] if snapshot.splits else []),  # a split reads how the article wrote a value
                    "track_total_hits": False,
                }
                if after is not None:
                    body["search_after"] = after
                answer = self.client.search(body=body)
                found = answer["hits"]["hits"]
                pit = answer.get("pit_id", pit)
                for hit in found:
                    yield export_record(hit["_source"], snapshot)
                if len(found) < EXPORT_PAGE:
                    return
                after = found[-1]["sort"]
        finally:
            with contextlib.suppress(OpenSearchConnectionError, TransportError):  # else it expires
                self.client.delete_pit(body={"pit_id": [pit]})

    def entity(self, facet: str, name: str, related: int = 12, latest: int = 10) -> EntityProfile | None:
        """One person, place, country or organization across the archive, as the Whoosh backend
        draws it: its articles by day, the other facets' values found with it more often than chance
        (Dunning's G², from each value's count with it and overall), its newest articles and the ways
        they wrote it. None when the index holds no such value."""
        snapshot = self.generation()
        corrections = snapshot.corrections
        key = facet_key(name)
        overall_own = snapshot.value_counts(facet)
        values = [v for v in overall_own if facet_key(v) == key]
        if not values:
            expansion = snapshot.acronym_value(facet, name)
            values = [] if expansion is None else [expansion]
        if not values:
            return None
        named = {
            "bool": {
                "should": [corrections.value_filter(facet, v) for v in values],
                "minimum_should_match": 1,
            }
        }
        aggs: dict = {
            "days": {
                "date_histogram": {
                    "field": "published",
                    "calendar_interval": "day",
                    "format": "yyyy-MM-dd",
                    "min_doc_count": 1,
                }
            }
        }
        for other in ENTITY_FACETS:  # companions are entities, as on Whoosh (not the language)
            aggs[other] = {
                "filter": {"match_all": {}},
                "aggs": {"values": {"terms": {"field": other, "size": 65_000, "shard_size": 65_000}}},
            }
            exact = corrections.exact_aggregation(other)
            if exact:
                aggs[other]["aggs"]["exact"] = exact
        answer = self.client.search(
            index=snapshot.index,
            body={
                "query": named,
                "size": max(latest, SPELLING_SAMPLE),
                "sort": [{"published": {"order": "desc", "missing": "_last"}}, {"order": "asc"}],
                "_source": {"excludes": ["*_key", "*_words", "*_terms", "mentioned", "mentioned_period"]},
                "track_total_hits": True,
                "aggs": aggs,
            },
        )
        total = answer["hits"]["total"]["value"]
        everything = self.client.count(index=snapshot.index)["count"]
        found = answer["aggregations"]
        companions = {}
        for other in ENTITY_FACETS:
            inside = corrections.counted(other, found[other])
            overall = snapshot.value_counts(other)
            scored = [
                (association(count, total, overall.get(value, count), everything), value, count)
                for value, count in inside.items()
                if not (other == facet and value in values)
            ]
            companions[other] = [
                (value, count)
                for score, value, count in sorted(scored, key=lambda x: (-x[0], x[1]))
                if score > 0
            ][:related]
        newest = answer["hits"]["hits"]
        written: Counter = Counter()
        for hit in newest[:SPELLING_SAMPLE]:
            body = hit["_source"].get("body") or ""
            spans = snapshot.corrected_entities(json.loads(hit["_source"]["entities"]), body)["spans"]
            for start, end, span_facet, value in spans:
                if span_facet == facet and value in values and 0 <= start < end <= len(body):
                    written[" ".join(body[start:end].split())] += 1
        value = max(values, key=lambda v: overall_own.get(v, 0))
        return EntityProfile(
            facet=facet,
            value=value,
            merged=snapshot.merged_into(facet, value),
            total=total,
            published=Counter({b["key_as_string"]: b["doc_count"] for b in found["days"]["buckets"]}),
            companions=companions,
            latest=[
                hit_from(h, snapshot)
                for h in first_of_each_story(newest, lambda h: h["_source"].get("story") or h["_id"])[:latest]
            ],
            spellings=written.most_common(12),
        )

    def article(self, article_id: str) -> dict | None:
        """The article with this id, or, for an exact copy skipped at index time, the article kept."""
        snapshot = self.generation()
        try:
            found = self.client.get(index=self.alias, id=article_id)
        except NotFoundError:
            holder = self.copy_holder(snapshot, article_id)
            if holder is None:
                return None
            try:
                found = self.client.get(index=self.alias, id=holder)
            except NotFoundError:
                return None
        stored = stored_fields(found["_source"])
        stored["entities"] = self.generation().corrected_entities(
            json.loads(stored["entities"]), stored.get("body") or ""
        )
        return stored

    def copy_holder(self, snapshot: Snapshot, copy_id: str) -> str | None:
        """The id of the article indexed with an exact copy's text, or None when ``copy_id`` is none."""
        try:
            found = self.client.get(index=words_index(snapshot.index), id=copy_document(copy_id))
        except NotFoundError:
            return None
        return found["_source"].get("holder")

    def ids_with_own_id(self, own_id: str) -> list[str]:
        """The ids of the articles (and skipped exact copies) whose own id, within their source, is
        ``own_id`` (``"wire-a/1"`` for ``"1"``): a suffix match on the id, asked only when an id is not
        found as given."""
        snapshot = self.generation()
        escaped = own_id.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")
        answer = self.client.search(
            index=self.alias,
            body={"size": 20, "_source": ["id"], "query": {"wildcard": {"id": {"value": f"*/{escaped}"}}}},
        )
        found = {hit["_source"]["id"] for hit in answer["hits"]["hits"]}
        copies = self.client.search(
            index=words_index(snapshot.index),
            body={
                "size": 20,
                "_source": ["copy_id"],
                "query": {"wildcard": {"copy_id": {"value": f"*/{escaped}"}}},
            },
            params={"ignore_unavailable": "true"},
        )
        found |= {hit["_source"]["copy_id"] for hit in copies["hits"]["hits"]}
        return sorted(found)

    def story_versions(self, article_id: str) -> list[dict]:
        """Every version of the article's story (documents with its ``story`` id), oldest first, as the
        Whoosh backend lists them; none for an article loaded before documents carried their story."""
        self.generation()
        try:
            found = self.client.get(index=self.alias, id=article_id, _source_includes=["story"])
        except NotFoundError:
            return []
        story = found["_source"].get("story")
        if not story:
            return []
        answer = self.client.search(
            index=self.alias,
            body={
                "size": 100,
                "_source": VERSION_FIELDS,
                "query": {"term": {"story": story}},
                "sort": OLDEST_FIRST,
            },
        )
        versions = [version_from(hit["_source"]) for hit in answer["hits"]["hits"]]
        if self.index_dir is None:
            return versions
        generation = store.current_generation(self.index_dir)  # the automatic grouping, kept beside
        automatic = story_ids(generation) if generation else {}
        joined = joined_by_readers(automatic, article_id, [v["id"] for v in versions])
        return [{**version, "joined_by_reader": version["id"] in joined} for version in versions]

    def more_like_this(self, article_id: str, count: int = 5) -> list[dict]:
        """Articles like this one, leaving out its own story's versions (listed as versions, not as
        articles like it), as on the Whoosh backend."""
        self.generation()
        try:
            found = self.client.get(
                index=self.alias,
                id=article_id,
                _source_includes=["story", "title", "body", "dateline", "language"],
            )
        except NotFoundError:
            return []
        story = found["_source"].get("story") or article_id
        words = search_terms(found["_source"])["body_terms"]  # the body's words as Whoosh indexes them
        answer = self.client.search(
            index=self.alias,
            body={
                "size": count,
                "_source": ["id", "title", "published"],
                "query": {
                    "bool": {
                        "must": {
                            "more_like_this": {
                                "fields": ["body_terms"],
                                "like": [" ".join(words)],
                                "min_term_freq": 1,
                                "min_doc_freq": 1,
                                "max_query_terms": 25,
                            }
                        },
                        "must_not": [{"term": {"story": story}}, {"ids": {"values": [article_id]}}],
                    }
                },
            },
        )
        return [
            {
                "id": h["_source"]["id"],
                "title": h["_source"].get("title") or "(untitled)",
                "published": parse_date(h["_source"].get("published")),
            }
            for h in answer["hits"]["hits"]
        ]


class Exclusions:
    """What each excluded value of one search leaves out: the articles holding it and, counting stories,
    every version of the stories of several versions (``stories``, looked up by
    ``OpenSearchIndex.exclusions`` for each list of conditions' selections) one of whose versions within
    the search holds it (searcher/selection.py)."""

    def __init__(
        self,
        corrections: Corrections,
        stories: dict[tuple[tuple[Condition, ...], str, str], list[str]] | None = None,
    ) -> None:
        self.corrections = corrections
        self.stories = stories or {}

    def left_out(self, facet: str, value: str, within: tuple[Condition, ...] = ()) -> dict:
        """The articles excluding ``value`` leaves out among those passing the selections ``within``."""
        holding = self.corrections.value_filter(facet, value)
        story_ids = self.stories.get((within, facet, value))
        if not story_ids:
            return holding
        chunks = [story_ids[at : at + TERMS_AT_ONCE] for at in range(0, len(story_ids), TERMS_AT_ONCE)]
        return {
            "bool": {
                "should": [holding, *({"terms": {"story": chunk}} for chunk in chunks)],
                "minimum_should_match": 1,
            }
        }


def story_ids_after(after: dict | None) -> dict:
    """The story ids of the articles a filter holds, TERMS_AT_ONCE at a time, after ``after``."""
    composite: dict = {"size": TERMS_AT_ONCE, "sources": [{"story": {"terms": {"field": "story"}}}]}
    if after:
        composite["after"] = after
    return {"composite": composite}


def condition_filter(
    condition: Condition, exclusions: Exclusions | Corrections, within: tuple[Condition, ...] = ()
) -> dict:
    """A facet's condition (searcher/selection.py) as an OpenSearch filter: all of its ``all_of``
    values, at least one of its ``any_of``, none of its ``none_of`` (what ``exclusions`` says each
    leaves out among the articles passing the selections ``within``) and of its ``outside``."""
    if isinstance(exclusions, Corrections):
        exclusions = Exclusions(exclusions)
    corrections = exclusions.corrections
    clauses: dict = {
        "filter": [corrections.value_filter(condition.facet, v) for v in condition.all_of],
        "must_not": [
            *(exclusions.left_out(condition.facet, v, within) for v in condition.none_of),
            *(corrections.value_filter(condition.facet, v) for v in condition.outside),
        ],
    }
    if condition.any_of:
        clauses["should"] = [corrections.value_filter(condition.facet, v) for v in condition.any_of]
        clauses["minimum_should_match"] = 1
    return {"bool": clauses}


def condition_filters(conditions: list[Condition], exclusions: Exclusions | Corrections) -> list[dict]:
    """Every one of ``conditions`` as a filter, an exclusion among them looking at the versions that
    pass their selections."""
    within = selections_of(conditions)
    return [condition_filter(condition, exclusions, within) for condition in conditions]


def chosen_values(
    selection: FacetSelection, counts: Counter, found: dict, corrections: Corrections
) -> list[ChosenValue]:
    """The selected and excluded values under the index's own spelling, each with its true count (from
    the search's ``chosen_FACET_N`` aggregations)."""
    facet = selection.facet
    chosen: dict[str, ChosenValue] = {}
    for number, (given, excluded) in enumerate(selection.given()):
        agg = found[f"chosen_{facet}_{number}"]
        if facet == "mentioned":
            spelled = {given: bucket_count(agg)}
        else:
            key = facet_key(corrections.named(facet, given))
            spelled = {}
            for bucket in agg["values"]["buckets"]:
                value = corrections.value(facet, bucket["key"])
                if value is not None and facet_key(value) == key:
                    # merged values: the value's own filter counted each article once
                    spelled[value] = bucket_count(agg if corrections.corrects(facet) else bucket)
            if not spelled and bucket_count(agg):  # a value only a split gives: no article stores it
                spelled = {
                    target: bucket_count(agg)
                    for target in corrections.targets(facet)
                    if facet_key(target) == key
                }
        for value, count in (spelled or {given: 0}).items():
            if value in chosen:
                continue
            if not excluded and value in counts:
                count = counts[value]
            chosen[value] = ChosenValue(value, count, excluded)
    return list(chosen.values())


def typed_match(value: str, key: str, prefix: bool) -> bool:
    """Whether a facet value holds what was typed in its field: a word (or a word's start, with
    ``prefix``), or, for a key of several words, the value's whole key (or its start)."""
    folded = facet_key(value)
    if " " in key:
        return folded.startswith(key) if prefix else folded == key
    return any(w.startswith(key) if prefix else w == key for w in folded.split())


@dataclass(frozen=True)
class SplitMove:
    """One article's change under a split: it gains (or loses) a facet value."""

    facet: str
    value: str
    article_id: str
    gained: bool


class Corrections:
    """Readers' corrections (``aliases.txt``) applied at read, in OpenSearch's terms: a stored value
    renamed or merged away stands for its target and a dropped one for nothing; a value's filter takes
    the articles of every stored value that became it, so an article holding two merged values counts
    once. A split moves given articles: a value's filter also takes the articles that gained it and
    leaves out those that lost it. With no corrections every method is the plain stored-value one."""

    def __init__(
        self,
        aliases: dict[str, dict[str, str | None]],
        stored_values_matching=None,
        split_moves: list[SplitMove] | None = None,
        acronym_value=None,
    ) -> None:
        self.aliases = {facet: mapping for facet, mapping in aliases.items() if mapping}
        self.stored_values_matching = stored_values_matching
        # (facet, acronym) -> the value it stands for when none is spelled so (``Snapshot.acronym_value``)
        self.acronym_value = acronym_value
        # facet -> a value's key -> (the value as written, the ids that gained it, the ids that lost it)
        self._split: dict[str, dict[str, tuple[str, set[str], set[str]]]] = {}
        for move in split_moves or []:
            value, gained, lost = self._split.setdefault(move.facet, {}).setdefault(
                facet_key(move.value), (move.value, set(), set())
            )
            (gained if move.gained else lost).add(move.article_id)
        self._moved: dict[str, set[str]] = {}  # keys of stored values that no longer stand for themselves
        self._sources: dict[str, dict[str, list[str]]] = {}  # a value's key -> stored values that became it
        for facet, mapping in self.aliases.items():
            moved: set[str] = set()
            sources: dict[str, list[str]] = {}
            for value, target in mapping.items():
                if target is None or facet_key(target) != facet_key(value):
                    moved.add(facet_key(value))
                if target is not None:
                    sources.setdefault(facet_key(target), []).append(value)
            self._moved[facet], self._sources[facet] = moved, sources

    def value(self, facet: str, stored: str) -> str | None:
        """A stored value as readers corrected it (None: dropped)."""
        return self.aliases.get(facet, {}).get(stored, stored)

    def corrects(self, facet: str) -> bool:
        """Whether a facet's values are corrected (so each is counted by its own filter)."""
        return facet in self.aliases or facet in self._split

    def targets(self, facet: str) -> list[str]:
        """The values corrections turned others into, and the values splits move articles to or from."""
        merged = {t for t in self.aliases.get(facet, {}).values() if t is not None}
        return sorted(merged | {value for value, _, _ in self._split.get(facet, {}).values()})

    def named(self, facet: str, given: str) -> str:
        """The value ``given`` names: itself, or for an acronym no value is spelled as ("OPEC"), the
        value it stands for (``index.normalize.acronym_expansion``), as on the Whoosh backend."""
        if self.acronym_value is None or facet not in COLUMN_FACETS:
            return given
        return self.acronym_value(facet, given) or given

    def value_filter(self, facet: str, value: str) -> dict:
        """The articles holding a (corrected) facet value given in any case or accent form or as its
        acronym (a mentioned date as it is)."""
        return self.named_value_filter(facet, self.named(facet, value))

    def named_value_filter(self, facet: str, value: str) -> dict:
        """``value_filter`` of a value as the index holds it (no acronym looked up)."""
        stored = self.stored_value_filter(facet, value)
        split = self._split.get(facet, {}).get(facet_key(value))
        if split is None:
            return stored
        _, gained, lost = split
        clauses: dict = {"should": [stored], "minimum_should_match": 1}
        if gained:
            clauses["should"].append({"ids": {"values": sorted(gained)}})
        if lost:
            clauses["must_not"] = [{"ids": {"values": sorted(lost)}}]
        return {"bool": clauses}

    def stored_value_filter(self, facet: str, value: str) -> dict:
        """The articles whose stored values are, or were merged or renamed into, ``value``."""
        if facet == "mentioned":
            return {"term": {"mentioned": value}}
        key = facet_key(value)
        keys = [] if key in self._moved.get(facet, ()) else [key]
        keys += [facet_key(stored) for stored in self._sources.get(facet, {}).get(key, [])]
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {"match_none": {}}
        if len(keys) == 1:
            return {"term": {f"{facet}_key": keys[0]}}
        return {"terms": {f"{facet}_key": keys}}

    def exact_aggregation(self, facet: str) -> dict | None:
        """Beside a facet's terms aggregation: each corrected-into value counted by its own filter."""
        targets = self.targets(facet)
        if not targets:
            return None
        return {"filters": {"filters": {t: self.named_value_filter(facet, t) for t in targets}}}

    def counted(self, facet: str, found: dict) -> Counter:
        """A terms aggregation's stored values (``found["values"]``) as corrected values with their
        counts: renamed and merged values under their target, counted by its own filter
        (``found["exact"]``), dropped ones gone."""
        counts: Counter = Counter()
        for bucket in found["values"]["buckets"]:
            value = self.value(facet, bucket["key"])
            if value is not None:
                counts[value] += bucket_count(bucket)
        for target, bucket in found.get("exact", {}).get("buckets", {}).items():
            if bucket_count(bucket):
                counts[target] = bucket_count(bucket)
            else:
                counts.pop(target, None)
        return counts

    def values_matching(self, facet: str, key: str, prefix: bool) -> list[str]:
        """The (corrected) values holding what was typed in a facet field; for one word typed whole,
        also the value it is the acronym of ("org:opec"), as on the Whoosh backend."""
        assert self.stored_values_matching is not None
        stored = self.stored_values_matching(facet, key, prefix)
        expansion = self.typed_acronym(facet, key, prefix)
        if expansion is not None and expansion not in stored:
            stored = [*stored, expansion]
        if not self.corrects(facet):
            return stored
        kept = [v for v in stored if self.value(facet, v) == v or v == expansion]
        return sorted({*kept, *(t for t in self.targets(facet) if typed_match(t, key, prefix))})

    def typed_acronym(self, facet: str, key: str, prefix: bool) -> str | None:
        """The value one word typed in a facet field is the acronym of, when no value is that word."""
        if prefix or not key.isalpha() or self.acronym_value is None:
            return None
        return self.acronym_value(facet, key.upper())

    def typed_filter(self, facet: str, key: str, prefix: bool) -> dict:
        """``person:"Paul Volcker"``, ``person:volcker``, ``person:vol*`` (and ``org:opec``, an
        acronym) as a filter of articles."""
        field = f"{facet}_key" if " " in key else f"{facet}_words"
        stored = {"prefix" if prefix else "term": {field: key}}
        expansion = self.typed_acronym(facet, key, prefix)
        if not self.corrects(facet):
            if expansion is None:
                return stored
            return {
                "bool": {
                    "should": [stored, self.named_value_filter(facet, expansion)],
                    "minimum_should_match": 1,
                }
            }
        values = self.values_matching(facet, key, prefix)
        if not values:
            return {"match_none": {}}
        return {
            "bool": {"should": [self.named_value_filter(facet, v) for v in values], "minimum_should_match": 1}
        }


NO_CORRECTIONS = Corrections({})


def date_filters(params: SearchParams) -> list[dict]:
    if not (params.date_from or params.date_to):
        return []
    bounds = {}
    if params.date_from:
        bounds["gte"] = params.date_from.isoformat()
    if params.date_to:
        bounds["lt"] = params.date_to.isoformat()
    return [{"range": {"published": bounds}}]


def parse(text: str, schema=QUERY_SCHEMA):
    """The user's words as a Whoosh query, by the searcher's one parse; more than MAX_WILDCARD_WORDS
    wildcards are searched as plain words."""
    return parse_query(text, schema, too_many_wildcards)


def too_many_wildcards(query) -> WildcardRefusal | None:
    leaves = [query] if query.is_leaf() else list(query.leaves())
    wildcards = [q for q in leaves if isinstance(q, (Wildcard, Prefix)) and q.fieldname not in COLUMN_FACETS]
    if different_wildcards(wildcards) > MAX_WILDCARD_WORDS:
        return WildcardRefusal(tuple(wildcards), MAX_WILDCARD_WORDS)
    return None


def is_column_facet(query) -> bool:
    return query.is_leaf() and getattr(query, "fieldname", None) in COLUMN_FACETS


def to_dsl(query, terms: bool, corrections: Corrections = NO_CORRECTIONS) -> dict:
    """A parsed Whoosh query as OpenSearch's query DSL. With ``terms``, the words arrive stemmed by
    Whoosh (``QUERY_SCHEMA``) and are looked up as they are in the ``*_terms`` fields; without, they
    arrive unstemmed (``HIGHLIGHT_SCHEMA``) and title and body stem them, for the highlighter."""

    def text_field(name: str) -> str:
        return f"{name}_terms" if terms and name in TEXT_FIELDS else name

    def sub(q) -> dict:
        return to_dsl(q, terms, corrections)

    if isinstance(query, Every):
        return {"match_all": {}}
    if query is NullQuery:
        return {"match_none": {}}
    if is_column_facet(query):
        return facet_dsl(query, corrections)
    if is_typed_source(query):  # a source in any case, as the Whoosh backend matches it
        kind = "prefix" if isinstance(query, Prefix) else "term"
        found = {kind: {"source": {"value": str(query.text), "case_insensitive": True}}}
        return {"constant_score": {"filter": found, "boost": 0}}  # a filter, like a facet: it does not rank
    if isinstance(query, Term) and query.fieldname in TEXT_FIELDS:
        if terms:
            return {"term": {text_field(query.fieldname): query.text}}
        return {"match": {query.fieldname: {"query": query.text, "operator": "and"}}}
    if isinstance(query, Term):
        return {"term": {query.fieldname: query.text}}
    if isinstance(query, Phrase):
        # the words at their places ("bank _ england"), analysed by the field's analyzer, which keeps them
        phrase = {"query": phrase_text(query.words, phrase_offsets(query)), "slop": max(0, query.slop - 1)}
        return {"match_phrase": {text_field(query.fieldname): phrase}}
    if isinstance(query, Prefix):
        return {"prefix": {text_field(query.fieldname): query.text}}
    if isinstance(query, Wildcard):
        return {"wildcard": {text_field(query.fieldname): query.text}}
    if isinstance(query, (DateRange, NumericRange)) and query.fieldname == "published":
        bounds = {}
        if query.start is not None:
            bounds["gt" if query.startexcl else "gte"] = whoosh_datetime(query.start).isoformat()
        if query.end is not None:
            bounds["lt" if query.endexcl else "lte"] = whoosh_datetime(query.end).isoformat()
        return {"range": {"published": bounds}}
    if isinstance(query, TermRange):
        bounds = {}
        if query.start is not None:
            bounds["gt" if query.startexcl else "gte"] = query.start
        if query.end is not None:
            bounds["lt" if query.endexcl else "lte"] = query.end
        return {"range": {text_field(query.fieldname): bounds}}
    if isinstance(query, And):
        return {"bool": {"must": [sub(q) for q in query.subqueries]}}
    if isinstance(query, Or):
        return {"bool": {"should": [sub(q) for q in query.subqueries], "minimum_should_match": 1}}
    if isinstance(query, Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [sub(query.query)]}}
    if isinstance(query, AndNot):
        return {"bool": {"must": [sub(query.a)], "must_not": [sub(query.b)]}}
    if isinstance(query, Require):
        return {"bool": {"must": [sub(query.a)], "filter": [sub(query.b)]}}
    if isinstance(query, AndMaybe):
        return {"bool": {"must": [sub(query.a)], "should": [sub(query.b)]}}
    return {"match_none": {}}  # fuzzy terms and other syntax the searcher does not offer


HIGHLIGHTED_LEAVES = ("match", "match_phrase", "prefix", "wildcard", "range")
BOOL_CLAUSES = ("must", "should", "must_not", "filter")


def body_highlight_query(dsl: dict) -> dict:
    """A query for the body's highlighter (``to_dsl`` without ``terms``), written on the title: the
    body is not indexed, so no query can name it, but the title is analysed as the body is, and with
    ``require_field_match`` off the title's words are marked in the body. Only the body's words are
    kept; the rest (the title's, a language field's, a facet's, a date's) becomes ``match_none``, so
    the body is marked exactly where a query on the body would mark it."""
    if "bool" in dsl:
        found = dict(dsl["bool"])
        for clause in BOOL_CLAUSES:
            if clause in found:
                found[clause] = [body_highlight_query(sub) for sub in found[clause]]
        return {"bool": found}
    kind, leaf = next(iter(dsl.items()))
    if kind in HIGHLIGHTED_LEAVES and list(leaf) == ["body"]:
        return {kind: {"title": leaf["body"]}}
    if kind == "match_all":
        return dsl
    return {"match_none": {}}


def facet_dsl(query, corrections: Corrections = NO_CORRECTIONS) -> dict:
    """``person:"Paul Volcker"`` is that value; ``person:volcker`` every value holding the word;
    ``person:bol*`` every value with a word starting so; as filters (they do not rank)."""
    if not isinstance(query, (Term, Prefix)):
        return {"match_none": {}}
    if isinstance(query, FacetValue):  # "place:\"Zurich\"": that value, as ?place=Zurich finds it
        return {
            "constant_score": {
                "filter": corrections.value_filter(query.fieldname, str(query.text)),
                "boost": 0,
            }
        }
    key = facet_key(str(query.text))
    found = corrections.typed_filter(query.fieldname, key, isinstance(query, Prefix))
    return {"constant_score": {"filter": found, "boost": 0}}


def whoosh_datetime(value) -> datetime:
    """Whoosh's DATETIME fields count microseconds from 1 January of year 1."""
    if isinstance(value, datetime):
        return value
    return WHOOSH_EPOCH + timedelta(microseconds=int(value))


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def stored_fields(source: dict) -> dict:
    stored = dict(source)
    stored["published"] = parse_date(source.get("published"))
    stored["language"] = (source.get("language") or [UNDETERMINED])[0]  # a facet: a list of its one value
    return stored


_SPACES = re.compile(r"\s+")


LISTED_STORIES_MAX = 10_000  # stories of several versions named at most, to leave them out of "adds"


def listed_stories_aggregation(everything: list) -> dict:
    """The stories of several versions (or of no flag) the results hold: a version of one of them adds
    no story to the results."""
    return {
        "filter": {"bool": {"filter": [*everything, SEVERAL_VERSIONS]}},
        "aggs": {"ids": {"terms": {"field": "story", "size": LISTED_STORIES_MAX}}},
    }


def facet_aggregation(facet: str, counting: list, stories: dict, corrections: Corrections, size: int) -> dict:
    """A facet's values within its ``counting`` filters, the ``size`` with the most articles (ordered by
    their stories after, by ``ranked_by_stories``), counting ``stories`` or articles."""
    values = {
        "field": FACET_FIELDS[facet],
        "size": size,
        "shard_size": max(size, SHARD_SIZE),
        "order": [{"_count": "desc"}, {"_key": "asc"}],
    }
    within: dict = {"values": {"terms": values, "aggs": stories}}
    exact = corrections.exact_aggregation(facet)
    if exact:
        within["exact"] = {**exact, "aggs": stories}
    return {"filter": {"bool": {"filter": counting}}, "aggs": within}


def ranked_by_stories(values: dict, every: bool = False, size: int = FACET_SIZE) -> bool:
    """A terms answer's buckets (listed by articles) put in the Whoosh backend's order, most stories
    first and ties by value, and cut to ``size``; whether they are the ``size`` with the most stories.
    A value left out holds no more articles than the last one listed, so no more stories: the cut is
    sure when the last value kept has more stories than that, or as many and sorts before it. With
    ``every`` the answer listed all values (up to the shards' size) and is taken as sure."""
    buckets = values["buckets"]
    ranked = sorted(buckets, key=lambda b: (-bucket_count(b), b["key"]))
    values["buckets"] = ranked[:size]
    if every or not values.get("sum_other_doc_count") or not buckets:
        return True
    if len(ranked) < size:
        return False
    fewest, last = buckets[-1], ranked[size - 1]
    stories = bucket_count(last)
    return stories > fewest["doc_count"] or (stories == fewest["doc_count"] and last["key"] <= fewest["key"])


def counting_stories(collapse: bool, precision: int = STORY_PRECISION) -> dict:
    """The sub-aggregation that makes a bucket count stories (``collapse``), or none: it counts articles.
    It counts the distinct stories of the bucket's articles whose story has several versions (or no
    flag); ``bucket_count`` adds the rest, one story an article. The cardinality is a first count:
    ``OpenSearchIndex.count_stories_exactly`` makes it exact."""
    if not collapse:
        return {}
    return {
        "stories": {
            "filter": SEVERAL_VERSIONS,
            "aggs": {"distinct": {"cardinality": {"field": "story", "precision_threshold": precision}}},
        }
    }


def period_aggregation(unit: str) -> dict:
    """The matching stories per month or year: a story published on several days of one period counts
    once in it (the day histogram cannot say so)."""
    return {
        "date_histogram": {
            "field": "published",
            "calendar_interval": unit,
            "format": "yyyy" if unit == "year" else "yyyy-MM",
            "min_doc_count": 1,
        },
        "aggs": counting_stories(True, TOTAL_STORY_PRECISION),
    }


def story_buckets(
    found: dict,
    everything: list,
    contexts: dict[str, list],
    chosen_contexts: dict[str, tuple[str, list]],
    corrections: Corrections,
    histogram: bool = True,
    prefix: str = "count",
) -> list[tuple[dict, list[dict]]]:
    """The buckets of a search's counts that count stories, each with the filters that make it: the
    facets' values of ``contexts`` (aggregations ``{prefix}_{facet}``, and their corrected values),
    the chosen values', and with ``histogram`` the total, its days and its months or years."""
    buckets: list[tuple[dict, list[dict]]] = []
    for facet, context in contexts.items():
        counted = found[f"{prefix}_{facet}"]
        field = FACET_FIELDS[facet]
        for bucket in counted["values"]["buckets"]:
            buckets.append((bucket, [*context, {"term": {field: bucket["key"]}}]))
        for target, bucket in counted.get("exact", {}).get("buckets", {}).items():
            buckets.append((bucket, [*context, corrections.named_value_filter(facet, target)]))
    for name, (facet, filters) in chosen_contexts.items():
        buckets.append((found[name], filters))
        for bucket in found[name]["values"]["buckets"]:
            buckets.append((bucket, [*filters, {"term": {FACET_FIELDS[facet]: bucket["key"]}}]))
    if histogram:
        published = found["published"]
        buckets.append((published, everything))
        buckets += period_buckets(published["days"], "day", everything)
        for unit in ("month", "year"):
            if unit in published:
                buckets += period_buckets(published[unit], unit, everything)
    return [(bucket, filters) for bucket, filters in buckets if "stories" in bucket]


def period_buckets(histogram: dict, unit: str, everything: list) -> list[tuple[dict, list[dict]]]:
    """A date histogram's buckets, each with the filters that make it: ``everything`` and its period."""
    return [(bucket, [*everything, period_filter(bucket["key"], unit)]) for bucket in histogram["buckets"]]


def bucket_count(bucket: dict) -> int:
    """What a bucket counts: its distinct stories when it was given ``counting_stories`` (its articles
    of one-version stories, plus the distinct stories of the others), else articles."""
    if "stories" not in bucket:
        return int(bucket["doc_count"])
    several = bucket["stories"]
    return int(bucket["doc_count"]) - int(several["doc_count"]) + int(several["distinct"]["value"])


def distinct_counted(bucket: dict) -> int:
    """The stories a bucket's cardinality counted (an estimate when near its precision threshold)."""
    return int(bucket["stories"]["distinct"]["value"]) if "stories" in bucket else 0


def version_from(source: dict) -> dict:
    """What a list of a story's versions shows of one (the Whoosh backend's ``_version``)."""
    return {
        "id": source["id"],
        "title": source.get("title") or "(untitled)",
        "published": parse_date(source.get("published")),
        "source": source.get("source") or "",
    }


def other_versions(found: dict, hit_id: str) -> list[dict]:
    """A collapsed hit's story's other matching versions, oldest first (its ``inner_hits``)."""
    inner = found.get("inner_hits", {}).get("versions", {}).get("hits", {}).get("hits", [])
    return [version_from(h["_source"]) for h in inner if h["_source"]["id"] != hit_id]


def hit_from(found: dict, snapshot: Snapshot) -> Hit:
    stored = stored_fields(found["_source"])
    body = stored.get("body") or ""
    data = snapshot.corrected_entities(json.loads(stored["entities"]), body)
    fragments = found.get("highlight", {}).get("body")
    snippet = " … ".join(_SPACES.sub(" ", f).strip() for f in fragments) if fragments else ""
    if not snippet:
        snippet = _escape(body[:240]) + ("…" if len(body) > 240 else "")
    return Hit(
        id=stored["id"],
        title=stored.get("title") or "(untitled)",
        published=stored["published"],
        source=stored.get("source") or "",
        url=stored.get("url"),
        snippet=snippet_cleaner().clean(snippet),
        people=data["people"],
        places=data["places"],
        orgs=data["orgs"],
        language=stored["language"],
        story=stored.get("story") or stored["id"],
    )


def export_record(source: dict, snapshot: Snapshot) -> dict:
    """One match as exports and feeds give it (the Whoosh backend's record, field for field)."""
    entities = snapshot.corrected_entities(json.loads(source["entities"]), source.get("body"))
    return {
        "id": source["id"],
        "title": source.get("title") or "",
        "published": parse_date(source.get("published")),
        "source": source.get("source") or "",
        "url": source.get("url"),
        "people": entities["people"],
        "places": [place for place, _ in entities["places"]],
        "countries": sorted({country for _, country in entities["places"] if country}),
        "orgs": entities["orgs"],
        "language": (source.get("language") or [UNDETERMINED])[0],  # a facet: a list of its one value
    }

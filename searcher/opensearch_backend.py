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

import json
import re
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import NotFoundError, TransportError
from whoosh import qparser
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
from index.columns import facet_key, facet_row
from index.entities import mentioned_levels
from index.facets import ENTITY_FACETS
from index.language import UNDETERMINED
from index.schema import (
    COLUMN_FACETS,
    STEMMED_LANGUAGES,
    build_schema,
    document_words,
    entities_json,
    language_field,
    query_schema,
)

from .backend import (
    MAX_WILDCARD_WORDS,
    ChosenValue,
    Hit,
    MatchedValues,
    RawResults,
    SearchIndex,
    _escape,
    match_all_wildcards_as_every,
    prepare_query_text,
    snippet_cleaner,
)
from .engine import ClusterError, SearchBackend
from .params import FACETS, SearchParams

FACET_SIZE = 200  # values counted a facet (search.FACET_MAX lists as many)
SHARD_SIZE = 5000  # values each shard offers a count: counts stay exact for the values listed
MAX_RESULT_WINDOW = 10_000 * 100  # the deepest page the parameters allow (page 10,000 of 100)
BULK_CHUNK = 500


def unstemmed_query_schema():
    """The Whoosh backend's query schema with the text fields' words left unstemmed: the parser reads
    the syntax as it does there, and OpenSearch stems the words as it stems the index."""
    schema = query_schema(build_schema(STEMMED_LANGUAGES))
    for name in ("title", "body"):
        schema.remove(name)
        schema.add(name, TEXT(analyzer=RegexTokenizer() | LowercaseFilter() | StopFilter()))
    return schema


QUERY_SCHEMA = query_schema(build_schema(STEMMED_LANGUAGES))  # the Whoosh backend's, every language field
HIGHLIGHT_SCHEMA = unstemmed_query_schema()
WHOOSH_STEMMER = build_schema()["body"].analyzer
# Whoosh's per-language fields (``schema.language_field``): an article in one of these languages also
# carries its words as that language's Whoosh stemmer gives them, in ``text_<language>_terms``
LANGUAGE_FIELDS = [language_field(language) for language in STEMMED_LANGUAGES]
TEXT_FIELDS = ["title", "body", *LANGUAGE_FIELDS]  # what the user's words are searched in


def whoosh_terms(text: str) -> str:
    """A text's words as the Whoosh index holds them (Whoosh's own Porter variant: "bidding" is "bidd",
    which Lucene's Porter makes "bid"), one after another: matched by the ``*_terms`` fields, so a
    query finds exactly the articles it finds on Whoosh."""
    return " ".join(token.text for token in WHOOSH_STEMMER(text))


WHOOSH_EPOCH = datetime(1, 1, 1)

# Whoosh's StemmingAnalyzer, in OpenSearch's terms: its words (\w+(\.?\w+)*), lower case, its stop words
# and one-letter words dropped with no gap left (Whoosh renumbers positions), then Lucene's Porter
# stemmer. Used to highlight and for more-like-this; queries match the ``*_terms`` fields, which hold
# the words stemmed by Whoosh itself (its Porter differs from Lucene's on many words).
_STOPS = "|".join(sorted(STOP_WORDS, key=len, reverse=True))
ANALYSIS = {
    "char_filter": {
        "whoosh_stops": {
            "type": "pattern_replace",
            "flags": "CASE_INSENSITIVE|UNICODE_CHARACTER_CLASS",
            "pattern": rf"(?<![\w.])(?:{_STOPS}|\w)(?!\w|\.\w)",
            "replacement": " ",
        }
    },
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
            "filter": ["lowercase", "porter_stem"],
        },
    },
    "normalizer": {"folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
}


def mappings() -> dict:
    """Text fields stemmed as Whoosh stems them; each facet as its values (counted), their keys
    (``facet_key``: case and accents ignored, for filters) and their words (for ``person:volcker``)."""
    properties = {
        "id": {"type": "keyword"},
        "order": {"type": "long"},  # the order articles were written in: ties break as in Whoosh (by docnum)
        "title": {"type": "text", "analyzer": "whoosh_stem"},  # for more-like-this
        "title_terms": {"type": "text", "analyzer": "whitespace"},  # what queries match and rank
        "body_terms": {"type": "text", "analyzer": "whitespace"},
        "body": {
            "type": "text",
            "analyzer": "whoosh_stem",
            "index_options": "offsets",
        },  # for the highlighter
        "published": {"type": "date"},
        "source": {"type": "keyword"},
        "url": {"type": "keyword", "index": False, "doc_values": False},
        "author": {"type": "keyword", "index": False, "doc_values": False},
        "mentioned": {"type": "keyword"},  # the mentioned dates by year, month and day: for filters
        "mentioned_period": {"type": "keyword"},  # by year and month: for counts
        "fingerprint": {"type": "keyword", "index": False, "doc_values": False},
        "entities": {"type": "keyword", "index": False, "doc_values": False},  # JSON, as Whoosh stores it
    }
    for name in LANGUAGE_FIELDS:
        properties[f"{name}_terms"] = {"type": "text", "analyzer": "whitespace"}
    for facet in COLUMN_FACETS:
        properties[facet] = {
            "type": "keyword",
            "fields": {"folded": {"type": "keyword", "normalizer": "folded"}},
        }
        properties[f"{facet}_key"] = {"type": "keyword"}
        properties[f"{facet}_words"] = {"type": "text", "analyzer": "whitespace"}
    return {"properties": properties}


def document(prepared, order: int) -> dict:
    """One prepared article (``build.PreparedArticle``, entities normalized) as an OpenSearch document."""
    article, entities = prepared.article, prepared.entities
    row = facet_row(entities, prepared.language)
    doc = {
        "id": article.id,
        "order": order,
        "title_terms": whoosh_terms(prepared.title),
        "body_terms": whoosh_terms(prepared.body),
        "title": prepared.title,
        "body": prepared.body,
        "source": article.source or "",
        "url": article.url,
        "author": article.author,
        "fingerprint": prepared.fingerprint,
        "entities": entities_json(entities),
        "mentioned": mentioned_levels(entities.mentioned),
        "mentioned_period": row["mentioned"],
        "published": article.published.isoformat() if article.published else None,
    }
    if prepared.language in STEMMED_LANGUAGES:  # as the Whoosh backend's language field holds it
        name = language_field(prepared.language)
        stems = QUERY_SCHEMA[name].analyzer(f"{prepared.title}\n{prepared.body}")
        doc[f"{name}_terms"] = " ".join(token.text for token in stems)
    for facet in COLUMN_FACETS:
        keys = [facet_key(value) for value in row[facet]]
        doc[facet] = row[facet]
        doc[f"{facet}_key"] = keys
        doc[f"{facet}_words"] = keys
    return doc


def client_for(urls: list[str]) -> OpenSearch:
    return OpenSearch(urls, timeout=60, max_retries=3, retry_on_timeout=True)


# writing ----------------------------------------------------------------------------------------
class OpenSearchWriter:
    """Loads prepared articles into the cluster. A rebuild loads a new index and moves the alias to it
    in one request (searches answer from the old index until then) and then deletes the old one; an
    add writes into the index behind the alias, replacing articles by id."""

    def __init__(self, urls: list[str], alias: str, shards: int = 3, replicas: int = 1) -> None:
        self.client = client_for(urls)
        self.where = ", ".join(urls)
        self.alias = alias
        self.shards, self.replicas = shards, replicas
        self.loaded = 0
        self.seconds = 0.0

    def __call__(self, prepared: list, incremental: bool) -> None:
        try:
            self.write(prepared, incremental)
        except (OpenSearchConnectionError, TransportError) as error:
            raise ClusterError(
                f"the OpenSearch cluster at {self.where} could not take the articles: {error}; "
                f"the index {self.alias!r} is unchanged"
            ) from None

    def write(self, prepared: list, incremental: bool) -> None:
        started = time.monotonic()
        countries = {p.name: p.country for item in prepared for p in item.entities.places}
        if incremental:
            current = self.current_index()
            if current is None:
                raise store.NoIndexError(
                    f"no OpenSearch index {self.alias!r} to add to; "
                    f"run `searcher index rebuild --backend opensearch` first"
                )
            self.load(current, prepared)
            self.write_words(current, prepared, incremental=True)
            meta = self.client.indices.get_mapping(index=current)[current]["mappings"].get("_meta", {})
            self.client.indices.put_mapping(
                index=current, body={"_meta": {"countries": {**meta.get("countries", {}), **countries}}}
            )
            self.client.indices.refresh(index=current)
        else:
            new = f"{self.alias}-{datetime.now():%Y%m%d-%H%M%S-%f}"
            body = {
                "settings": {
                    "number_of_shards": self.shards,
                    "number_of_replicas": self.replicas,
                    "refresh_interval": "-1",
                    "max_result_window": MAX_RESULT_WINDOW,
                    "analysis": ANALYSIS,
                },
                "mappings": {**mappings(), "_meta": {"countries": countries}},
            }
            self.client.indices.create(index=new, body=body)
            try:
                self.load(new, prepared)
                self.write_words(new, prepared, incremental=False)
                self.client.indices.put_settings(index=new, body={"index": {"refresh_interval": "1s"}})
                self.client.indices.refresh(index=new)
                self.client.cluster.health(index=new, wait_for_status="yellow")
                self.switch_alias(new)
            except BaseException:
                self.client.indices.delete(index=f"{new},{words_index(new)}", ignore_unavailable=True)
                raise
        self.seconds += time.monotonic() - started

    def load(self, index: str, prepared: list) -> None:
        first = int(time.time() * 1000) * 1_000_000  # later writes sort after earlier ones, as in Whoosh
        actions = (
            {"_index": index, "_id": item.article.id, "_source": document(item, first + number)}
            for number, item in enumerate(prepared)
        )
        loaded, errors = 0, []
        # two requests in flight: a node indexes one chunk while the client sends it the next
        for ok, item in helpers.parallel_bulk(
            self.client,
            actions,
            chunk_size=BULK_CHUNK,
            thread_count=2,
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

    def write_words(self, index: str, prepared: list, incremental: bool) -> None:
        """The titles' and bodies' words with how many articles hold each, for "did you mean" (as the
        Whoosh index keeps them in words.json), in one document of a small index beside ``index``."""
        counts = document_words(f"{item.title} {item.body}" for item in prepared)
        if incremental:
            counts.update(read_words(self.client, index))
        elif not self.client.indices.exists(index=words_index(index)):
            self.client.indices.create(
                index=words_index(index),
                body={
                    "settings": {"number_of_shards": 1, "number_of_replicas": self.replicas},
                    "mappings": {"enabled": False},
                },
            )  # one stored document, nothing to search in it
        self.client.index(
            index=words_index(index), id="words", body={"counts": json.dumps(dict(counts))}, refresh=True
        )

    def current_index(self) -> str | None:
        try:
            return next(iter(self.client.indices.get_alias(name=self.alias)))
        except NotFoundError:
            return None

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
    aggs = {facet: {"cardinality": {"field": field}} for facet, field in FACET_FIELDS.items()}
    aggs.update(
        {f"top_{facet}": {"terms": {"field": field, "size": 5}} for facet, field in FACET_FIELDS.items()}
    )
    aggs["first"], aggs["last"] = {"min": {"field": "published"}}, {"max": {"field": "published"}}
    answer = client.search(index=alias, body={"size": 0, "track_total_hits": True, "aggs": aggs})
    stats = client.indices.stats(index=index, metric="store")["indices"][index]["primaries"]["store"]
    health = client.cluster.health(index=index)

    def day(agg: dict) -> str | None:
        return agg.get("value_as_string", "")[:10] or None

    return {
        "index_dir": f"{', '.join(urls)} / {alias}",
        "generation": index,
        "articles": answer["hits"]["total"]["value"],
        "facet_values": {f: answer["aggregations"][f]["value"] for f in FACET_FIELDS},
        "top_values": {
            f: [(b["key"], b["doc_count"]) for b in answer["aggregations"][f"top_{f}"]["buckets"]]
            for f in FACET_FIELDS
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


def words_index(index: str) -> str:
    return f"{index}-words"


def read_words(client: OpenSearch, index: str) -> Counter:
    try:
        found = client.get(index=words_index(index), id="words")
    except NotFoundError:
        return Counter()
    return Counter(json.loads(found["_source"]["counts"]))


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
    """What ``generation()`` gives the shared code: the index behind the alias and its places' countries;
    and the words spelling suggestions are drawn from."""

    def __init__(self, client: OpenSearch, index: str, countries: dict) -> None:
        self.client = client
        self.index = index
        self.countries = countries
        self._words: tuple[list[str], dict[str, int]] | None = None

    def words(self) -> tuple[list[str], dict[str, int]]:
        """As the Whoosh backend's: the words of titles and bodies with their article counts, weighed
        up by the facet values they are part of. Read on the first suggestion."""
        if self._words is None:
            counts = read_words(self.client, self.index)
            aggs = {facet: {"terms": {"field": facet, "size": 65_000}} for facet in ENTITY_FACETS}
            answer = self.client.search(index=self.index, body={"size": 0, "aggs": aggs})
            for facet in ENTITY_FACETS:
                for bucket in answer["aggregations"][facet]["buckets"]:
                    for word in set(facet_key(bucket["key"]).split()):
                        if len(word) >= 3 and word.isalpha() and word.isascii():
                            counts[word] += bucket["doc_count"]
            self._words = sorted(counts), dict(counts)
        return self._words


class OpenSearchIndex(SearchBackend):
    engine_name = "OpenSearch"

    def __init__(self, urls: list[str], alias: str) -> None:
        self.urls = urls
        self.alias = alias
        self.client = client_for(urls)
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def generation(self) -> Snapshot:
        """The index the alias points at, looked up at most once a second (a rebuild's switch is seen
        within a second), with the countries of its places."""
        with self._lock:
            if self._snapshot is not None and time.monotonic() - self._checked < 1.0:
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
            if self._snapshot is None or self._snapshot.index != index:
                meta = found[index].get("mappings", {}).get("_meta") or self.client.indices.get_mapping(
                    index=index
                )[index]["mappings"].get("_meta", {})
                self._snapshot = Snapshot(self.client, index, meta.get("countries", {}))
            self._checked = time.monotonic()
            return self._snapshot

    def search(self, params: SearchParams) -> RawResults:
        snapshot = self.generation()
        query, used = parse(params.q)
        text_query = to_dsl(query, terms=True)
        base = {"bool": {"must": [text_query], "filter": date_filters(params)}}
        filters = {facet: FacetFilter.for_params(facet, params) for facet in FACETS}
        everything = [f.narrow() for f in filters.values()]

        aggs: dict = {}
        for facet in FACETS:
            others = [f.narrow() for name, f in filters.items() if name != facet]
            counting = [*others, filters[facet].narrow_for_counts(facet in params.match_all)]
            aggs[f"count_{facet}"] = {
                "filter": {"bool": {"filter": counting}},
                "aggs": {
                    "values": {
                        "terms": {"field": FACET_FIELDS[facet], "size": FACET_SIZE, "shard_size": SHARD_SIZE}
                    }
                },
            }
            for number, (given, excluded) in enumerate(filters[facet].given()):
                context = others if excluded else counting
                aggs[f"chosen_{facet}_{number}"] = {
                    "filter": {"bool": {"filter": [*context, value_filter(facet, given)]}},
                    "aggs": {"values": {"terms": {"field": FACET_FIELDS[facet], "size": 100}}},
                }
        aggs["published"] = {
            "filter": {"bool": {"filter": everything}},
            "aggs": {
                "days": {
                    "date_histogram": {
                        "field": "published",
                        "calendar_interval": "day",
                        "format": "yyyy-MM-dd",
                        "min_doc_count": 1,
                    }
                }
            },
        }

        first = (params.page - 1) * params.per_page
        body = {
            "query": base,
            "post_filter": {"bool": {"filter": everything}},
            "aggs": aggs,
            "track_total_hits": True,
            "from": first,
            "size": params.per_page,
            "_source": {"excludes": ["*_key", "*_words", "*_terms", "mentioned", "mentioned_period"]},
        }
        ranked = params.q and params.sort == "relevance" and not isinstance(query, Every)
        if ranked:
            body["sort"] = ["_score", {"order": "asc"}]
        else:
            order = "asc" if params.sort == "oldest" else "desc"
            body["sort"] = [{"published": {"order": order, "missing": "_last"}}, {"order": "asc"}]
        if params.q and not isinstance(query, Every):
            body["highlight"] = {
                "fields": {"body": {"fragment_size": 220, "number_of_fragments": 2}},
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "encoder": "html",
                "highlight_query": to_dsl(parse(params.q, HIGHLIGHT_SCHEMA)[0], terms=False),
            }
        answer = self.client.search(index=self.alias, body=body)
        found = answer["aggregations"]

        counts, chosen = {}, {}
        for facet in FACETS:
            counts[facet] = Counter(
                {b["key"]: b["doc_count"] for b in found[f"count_{facet}"]["values"]["buckets"]}
            )
            chosen[facet] = filters[facet].chosen_values(counts[facet], found)
        published = Counter(
            {
                b["key_as_string"]: b["doc_count"]
                for b in found["published"]["days"]["buckets"]
                if b["doc_count"]
            }
        )
        hits = [hit_from(h) for h in answer["hits"]["hits"]]
        total = answer["hits"]["total"]["value"]
        suggestion = self.suggestion(snapshot, params, used, total, everything) if params.q else None
        return RawResults(
            total=total,
            hits=hits,
            facet_counts=counts,
            published_counts=published,
            suggestion=suggestion,
            query_used=used,
            chosen=chosen,
            matched=self.matched_values(query, base, everything),
        )

    def suggestion(
        self, snapshot: Snapshot, params: SearchParams, used: str, total: int, everything: list
    ) -> str | None:
        """A correction of the query (the Whoosh backend's rules), offered only when it finds more than
        the user's words did, within the same filters."""
        corrected = SearchIndex.corrected_words(snapshot, used)
        if not corrected or corrected.lower() == used.lower():
            return None
        better, _ = parse(corrected)
        found = self.client.count(
            index=self.alias,
            body={
                "query": {
                    "bool": {
                        "must": [to_dsl(better, terms=True)],
                        "filter": date_filters(params) + everything,
                    }
                }
            },
        )["count"]
        return corrected if found > max(total, 0) else None

    def matched_values(self, query, base: dict, everything: list, listed: int = 10) -> list[MatchedValues]:
        """For each single word or prefix typed in a facet field, the values holding it anywhere in the
        index, with how many of the results hold each (as the Whoosh backend says)."""
        leaves, seen = [], set()
        for leaf in query.leaves() if not query.is_leaf() else [query]:
            if not is_column_facet(leaf) or (leaf.fieldname, str(leaf.text), type(leaf)) in seen:
                continue
            seen.add((leaf.fieldname, str(leaf.text), type(leaf)))
            if isinstance(leaf, Term) and " " in facet_key(str(leaf.text)):
                continue
            leaves.append(leaf)
        found = []
        for leaf in leaves:
            facet, key, prefix = leaf.fieldname, facet_key(str(leaf.text)), isinstance(leaf, Prefix)
            values = self.values_matching(facet, key, prefix)
            counted: dict = {}
            if values:
                answer = self.client.search(
                    index=self.alias,
                    body={
                        "size": 0,
                        "query": {"bool": {"must": [base], "filter": everything}},
                        "aggs": {
                            "values": {"terms": {"field": facet, "include": values, "size": len(values)}}
                        },
                    },
                )
                counted = {b["key"]: b["doc_count"] for b in answer["aggregations"]["values"]["buckets"]}
            pairs = sorted(((v, counted.get(v, 0)) for v in values), key=lambda pair: (-pair[1], pair[0]))
            typed = str(leaf.text) + ("*" if prefix else "")
            found.append(MatchedValues(facet, typed, pairs[:listed], max(0, len(pairs) - listed)))
        return found

    def values_matching(self, facet: str, key: str, prefix: bool) -> list[str]:
        """The facet's values one of whose words is ``key`` (or starts with it); a key of several
        words is the values with that key."""
        if " " in key:
            where = {"prefix" if prefix else "term": {f"{facet}_key": key}}
        else:
            where = {"prefix" if prefix else "term": {f"{facet}_words": key}}
        answer = self.client.search(
            index=self.alias,
            body={
                "size": 0,
                "query": where,
                "aggs": {"values": {"terms": {"field": facet, "size": 10_000, "shard_size": 10_000}}},
            },
        )
        values = [b["key"] for b in answer["aggregations"]["values"]["buckets"]]
        if " " in key:
            return [v for v in values if facet_key(v).startswith(key) if prefix or facet_key(v) == key]
        return [
            v for v in values if any(w.startswith(key) if prefix else w == key for w in facet_key(v).split())
        ]

    def article(self, article_id: str) -> dict | None:
        self.generation()
        try:
            found = self.client.get(index=self.alias, id=article_id)
        except NotFoundError:
            return None
        stored = stored_fields(found["_source"])
        stored["entities"] = json.loads(stored["entities"])
        return stored

    def more_like_this(self, article_id: str, count: int = 5) -> list[dict]:
        self.generation()
        answer = self.client.search(
            index=self.alias,
            body={
                "size": count,
                "_source": ["id", "title", "published"],
                "query": {
                    "more_like_this": {
                        "fields": ["body"],
                        "like": [{"_index": self.alias, "_id": article_id}],
                        "min_term_freq": 1,
                        "min_doc_freq": 1,
                        "max_query_terms": 25,
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


class FacetFilter:
    """One facet's part of a search, as OpenSearch filters: any of (or all of) the selected values,
    none of the excluded ones."""

    def __init__(self, facet: str, selected: list[str], excluded: list[str], all_of: bool) -> None:
        self.facet, self.selected, self.excluded, self.all_of = facet, selected, excluded, all_of

    @classmethod
    def for_params(cls, facet: str, params: SearchParams) -> FacetFilter:
        return cls(
            facet,
            list(params.selected.get(facet, ())),
            list(params.excluded.get(facet, ())),
            facet in params.match_all,
        )

    def narrow(self) -> dict:
        """The articles this facet's selection and exclusions allow."""
        clauses = [self.narrow_for_counts(all_of=self.all_of)]
        if self.selected and not self.all_of:
            clauses.append(
                {
                    "bool": {
                        "should": [value_filter(self.facet, v) for v in self.selected],
                        "minimum_should_match": 1,
                    }
                }
            )
        return {"bool": {"filter": clauses}}

    def narrow_for_counts(self, all_of: bool) -> dict:
        """The articles this facet's values are counted over: its exclusions always apply, its
        selection only when all of its values must match."""
        return {
            "bool": {
                "filter": [value_filter(self.facet, v) for v in self.selected] if all_of else [],
                "must_not": [value_filter(self.facet, v) for v in self.excluded],
            }
        }

    def given(self) -> list[tuple[str, bool]]:
        return [(v, False) for v in self.selected] + [(v, True) for v in self.excluded]

    def chosen_values(self, counts: Counter, found: dict) -> list[ChosenValue]:
        """The selected and excluded values under the index's own spelling, each with its true count."""
        chosen: dict[str, ChosenValue] = {}
        for number, (given, excluded) in enumerate(self.given()):
            agg = found[f"chosen_{self.facet}_{number}"]
            if self.facet == "mentioned":
                spelled = {given: agg["doc_count"]}
            else:
                key = facet_key(given)
                spelled = {
                    b["key"]: b["doc_count"] for b in agg["values"]["buckets"] if facet_key(b["key"]) == key
                }
            for value, count in (spelled or {given: 0}).items():
                if value in chosen:
                    continue
                if not excluded and value in counts:
                    count = counts[value]
                chosen[value] = ChosenValue(value, count, excluded)
        return list(chosen.values())


def value_filter(facet: str, value: str) -> dict:
    """The articles holding a facet value given in any case or accent form (a mentioned date as it is)."""
    if facet == "mentioned":
        return {"term": {"mentioned": value}}
    return {"term": {f"{facet}_key": facet_key(value)}}


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
    """The user's words as a Whoosh query, parsed as the Whoosh backend parses them; anything the parser
    cannot take, or too many wildcards, is searched as plain words."""
    text = prepare_query_text(text)
    if not text.strip():
        return Every(), ""
    parser = qparser.MultifieldParser(TEXT_FIELDS, schema, group=qparser.AndGroup)
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?:^|(?<=[\s(]))\+", minusexpr=r"(?:^|(?<=[\s(]))-"))
    words = text.split()
    if all(word.startswith("-") and len(word) > 1 for word in words):
        text = " ".join(f"NOT {word[1:]}" for word in words)
    try:
        query = parser.parse(text)
    except Exception:
        query = None
    if query is not None and query is not NullQuery:
        query = match_all_wildcards_as_every(query)
    if query is None or query is NullQuery or too_many_wildcards(query):
        words = " ".join("".join(c if c.isalnum() else " " for c in text).split())
        plain = qparser.MultifieldParser(TEXT_FIELDS, schema, group=qparser.AndGroup)
        for plugin in (qparser.WildcardPlugin, qparser.OperatorsPlugin):
            plain.remove_plugin_class(plugin)
        return (plain.parse(words) if words else Every()), words
    return query, text


def too_many_wildcards(query) -> bool:
    leaves = [query] if query.is_leaf() else list(query.leaves())
    wildcards = [q for q in leaves if isinstance(q, (Wildcard, Prefix)) and q.fieldname not in COLUMN_FACETS]
    return len({q.text for q in wildcards}) > MAX_WILDCARD_WORDS


def is_column_facet(query) -> bool:
    return query.is_leaf() and getattr(query, "fieldname", None) in COLUMN_FACETS


def to_dsl(query, terms: bool) -> dict:
    """A parsed Whoosh query as OpenSearch's query DSL. With ``terms``, the words arrive stemmed by
    Whoosh (``QUERY_SCHEMA``) and are looked up as they are in the ``*_terms`` fields; without, they
    arrive unstemmed (``HIGHLIGHT_SCHEMA``) and title and body stem them, for the highlighter."""

    def text_field(name: str) -> str:
        return f"{name}_terms" if terms and name in TEXT_FIELDS else name

    def sub(q) -> dict:
        return to_dsl(q, terms)

    if isinstance(query, Every):
        return {"match_all": {}}
    if query is NullQuery:
        return {"match_none": {}}
    if is_column_facet(query):
        return facet_dsl(query)
    if isinstance(query, Term) and query.fieldname in TEXT_FIELDS:
        if terms:
            return {"term": {text_field(query.fieldname): query.text}}
        return {"match": {query.fieldname: {"query": query.text, "operator": "and"}}}
    if isinstance(query, Term):
        return {"term": {query.fieldname: query.text}}
    if isinstance(query, Phrase):
        phrase = {"query": " ".join(query.words), "slop": max(0, query.slop - 1)}
        if terms:
            phrase["analyzer"] = "whitespace"
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


def facet_dsl(query) -> dict:
    """``person:"Paul Volcker"`` is that value; ``person:volcker`` every value holding the word;
    ``person:bol*`` every value with a word starting so; as filters (they do not rank)."""
    if not isinstance(query, (Term, Prefix)):
        return {"match_none": {}}
    key = facet_key(str(query.text))
    field = f"{query.fieldname}_key" if " " in key else f"{query.fieldname}_words"
    kind = "prefix" if isinstance(query, Prefix) else "term"
    return {"constant_score": {"filter": {kind: {field: key}}, "boost": 0}}


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


def hit_from(found: dict) -> Hit:
    stored = stored_fields(found["_source"])
    data = json.loads(stored["entities"])
    body = stored.get("body") or ""
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
    )

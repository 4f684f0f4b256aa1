"""Corpus-wide normalization when ingestion is split over several machines.

Each ``searcher index add --backend opensearch`` normalizes its articles against its own index dir,
which knows only the articles that machine has read. So every document also carries what normalization
starts from — spaCy's mentions, read from the machine's NER cache, and the few facts about its text the
entities need (``NerInput``) — and, after each add has loaded its articles, the cluster's whole corpus
is normalized again from those inputs, exactly as a single rebuild of every file would do it: the
corpus's label votes, each article's entities, then ``normalize_across_corpus``. Only the documents
whose entities come out different are written back. Adds on several machines take turns at this step
(a lock document in the cluster), so the last one to finish normalizes the union of them all.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import socket
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import ConflictError, NotFoundError

from index.articles import Article, Entities, Mention
from index.cache import cache_key
from index.clean import find_dateline
from index.corpus import count_label_votes
from index.entities import MAX_NER_CHARS
from index.language import UNDETERMINED
from index.schema import entities_json
from index.stages.annotate import entities_from_all_mentions
from index.stages.normalize_corpus import normalize_across_corpus
from index.stages.prepare import PreparedArticle, annotated_entities
from index.stages.report import BuildOptions

from .engine import ClusterError

log = logging.getLogger(__name__)

LOCK_ID = "normalize-lock"  # a document of the side index, held by the add normalizing the corpus
LOCK_WAIT_S = 3 * 3600  # how long an add waits for another machine's normalization to end
LOCK_STALE_S = 6 * 3600  # a lock older than this was left by a killed add
SOURCE_FIELDS = [
    "id",
    "order",
    "title",
    "body",
    "source",
    "url",
    "author",
    "published",
    "fingerprint",
    "story",
    "multi_version_story",
    "entities",
    "language",
]


@dataclass(frozen=True)
class NerInput:
    """What an article's entities are derived from, beside its stored title and body: the version of
    the pipeline that read it ("" for none: a language no pipeline is configured for), where the body
    starts in the text spaCy read (after the title), the input's own dateline field, the dateline's
    place, and spaCy's mentions as the NER cache holds them (``[[text, label, start, end], ...]``)."""

    pipeline: str
    body_offset: int
    dateline_field: str | None
    dateline_place: str | None
    mentions_json: str = "[]"

    def mentions(self) -> list[Mention]:
        return [Mention(*row) for row in json.loads(self.mentions_json)]


def ner_input_of(item: PreparedArticle, mentions_json: str) -> NerInput:
    return NerInput(
        item.pipeline, item.body_offset, item.article.dateline, item.dateline_place, mentions_json
    )


def encode_ner_input(found: NerInput) -> str:
    """As the ``ner_input`` field stores it (binary: base64 of deflated JSON, a third of the JSON's
    size); the mentions go in as the cache holds them, never parsed."""
    head = json.dumps([found.pipeline, found.body_offset, found.dateline_field, found.dateline_place])
    text = f"[{head[1:-1]},{found.mentions_json}]"
    return base64.b64encode(zlib.compress(text.encode("utf-8", "surrogatepass"), 1)).decode("ascii")


def decode_ner_input(stored: str) -> NerInput:
    pipeline, body_offset, dateline_field, dateline_place, mentions = json.loads(
        zlib.decompress(base64.b64decode(stored)).decode("utf-8", "surrogatepass")
    )
    return NerInput(
        pipeline, body_offset, dateline_field, dateline_place, json.dumps(mentions, ensure_ascii=False)
    )


def prepared_from_source(source: dict[str, Any], found: NerInput) -> PreparedArticle:
    """A document of the cluster back as the build's ``PreparedArticle``, as it stood before its
    entities were derived: the text spaCy read is rebuilt from the stored title and body as the
    clean stage made it (``stages/prepare.py``)."""
    title, body = source.get("title") or "", source.get("body") or ""
    published = source.get("published")
    article = Article(
        title=title,
        body=body,
        origin=f"cluster#{source['id']}",
        id=source["id"],
        url=source.get("url"),
        author=source.get("author"),
        source=source.get("source") or None,
        published=datetime.fromisoformat(published) if published else None,
        dateline=found.dateline_field,
    )
    prefix = f"{title}\n\n" if found.body_offset else ""
    language = (source.get("language") or [UNDETERMINED])[0]
    return PreparedArticle(
        article,
        title,
        body,
        ner_text=(prefix + body)[:MAX_NER_CHARS],
        body_offset=len(prefix),
        dateline=find_dateline(body),
        dateline_place=found.dateline_place,
        fingerprint=source.get("fingerprint") or "",
        entities=None if found.pipeline else Entities(),
        language=None if language == UNDETERMINED else language,
        pipeline=found.pipeline,
        story=source.get("story"),
    )


@dataclass
class StoredArticle:
    item: PreparedArticle
    ner_input: str  # as stored, written back unchanged
    order: int
    entities: str  # the entities JSON the document holds now
    seq_no: int
    primary_term: int
    multi_version: bool | None = None  # its story flag as stored (``opensearch_backend.STORY_FLAG``)


def normalize_union(stored: list[StoredArticle], options: BuildOptions | None = None) -> list[StoredArticle]:
    """The corpus normalized as one rebuild of all of it would be (label votes over every article's
    mentions, each article's entities, then the corpus-wide rules); returns the articles whose
    entities changed."""
    stored = sorted(stored, key=lambda s: s.order)
    items = [s.item for s in stored]
    readable = [(s.item, decode_ner_input(s.ner_input)) for s in stored if s.item.pipeline]
    mentions = [found.mentions() for _, found in readable]
    keys = [cache_key(item.pipeline, item.ner_text) for item, _ in readable]
    first_of_key: dict[str, list[Mention]] = {}
    for key, found in zip(keys, mentions, strict=True):
        first_of_key.setdefault(key, found)
    votes = count_label_votes(first_of_key.values())  # each distinct text once, as the annotate stage
    entities_from_all_mentions([item for item, _ in readable], mentions, votes, options or BuildOptions())
    normalize_across_corpus(items, {}, votes)
    return [s for s in stored if entities_json(annotated_entities(s.item)) != s.entities]


def stored_articles(client: OpenSearch, index: str) -> tuple[list[StoredArticle], int]:
    """Every document of ``index`` with its normalization inputs; and how many have none (loaded by a
    version before they were kept)."""
    found, without = [], 0
    for hit in helpers.scan(
        client,
        index=index,
        query={
            "_source": SOURCE_FIELDS,
            "stored_fields": ["ner_input"],
            "seq_no_primary_term": True,
            "query": {"match_all": {}},
        },
        size=1000,
        request_timeout=120,
    ):
        stored = (hit.get("fields") or {}).get("ner_input")
        if not stored:
            without += 1
            continue
        source = hit["_source"]
        found.append(
            StoredArticle(
                prepared_from_source(source, decode_ner_input(stored[0])),
                stored[0],
                int(source.get("order") or 0),
                source.get("entities") or "",
                hit["_seq_no"],
                hit["_primary_term"],
                source.get("multi_version_story"),
            )
        )
    return found, without


@contextlib.contextmanager
def normalization_turn(client: OpenSearch, side_index: str) -> Iterator[None]:
    """One add at a time normalizes the cluster's corpus: a lock document created in ``side_index``
    (creation fails while another add holds it), waited for, deleted when done; one left by a killed
    add is taken over once it is ``LOCK_STALE_S`` old."""
    holder = f"{socket.gethostname()}:{os.getpid()}:{time.time()}"
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            client.create(
                index=side_index, id=LOCK_ID, body={"holder": holder, "since": time.time()}, refresh="true"
            )
            break
        except ConflictError:
            with contextlib.suppress(NotFoundError):
                lock = client.get(index=side_index, id=LOCK_ID)
                if time.time() - float(lock["_source"].get("since", 0)) > LOCK_STALE_S:
                    log.warning("taking over the normalization lock of %s", lock["_source"].get("holder"))
                    client.delete(
                        index=side_index,
                        id=LOCK_ID,
                        if_seq_no=lock["_seq_no"],
                        if_primary_term=lock["_primary_term"],
                        refresh="true",
                    )
                    continue
            if time.monotonic() > deadline:
                raise ClusterError(
                    f"another add has been normalizing the corpus of {side_index} for over "
                    f"{LOCK_WAIT_S // 3600} hours; if none runs, delete the document {LOCK_ID!r} of that index"
                ) from None
            time.sleep(1.0)
    try:
        yield
    finally:
        with contextlib.suppress(NotFoundError):
            client.delete(index=side_index, id=LOCK_ID, refresh="true")

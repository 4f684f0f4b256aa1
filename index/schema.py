"""How an article becomes Whoosh fields: the one place that knows the index's schema."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from .articles import Entities, Place
from .entities import mentioned_levels
from .facets import ENTITY_FACETS

if TYPE_CHECKING:
    from .stages.prepare import PreparedArticle

# Facets held only in the facet columns (columns.py), which count and filter them. The query syntax
# still takes them (person:"John Bolton"): query_schema() declares them for the parser. Keeping them
# out of Whoosh stores each value once: as Whoosh terms they cost the index a term table entry and a
# posting block per distinct name, 8% of a 21,000-article index.
COLUMN_FACETS = ENTITY_FACETS
WORDS_FILE = "words.json"  # every word of the titles and bodies with its document count: for "did you mean"
WORD = re.compile(r"[^\W\d_]{3,}")


def build_schema() -> Schema:
    return Schema(
        id=ID(unique=True, stored=True, sortable=True),  # sortable: a column, read back for facet columns
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True, field_boost=2.0),
        body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        published=DATETIME(stored=True, sortable=True),  # filtered, sorted and counted from the columns
        source=ID(stored=True),
        url=STORED,
        author=STORED,
        # Mentioned dates by year, month and day, for filters at any of those levels (the facet
        # column counts by month). Scorable only because Whoosh checks the disk for a missing
        # length column at every posting it writes.
        mentioned=KEYWORD(commas=True, scorable=True),
        fingerprint=STORED,
        entities=STORED,  # JSON: facet values for display and mention spans for the article page
    )


def facet_keyword_field() -> KEYWORD:
    return KEYWORD(commas=True, lowercase=True, scorable=True)


def query_schema(index_schema: Schema) -> Schema:
    """The index's schema plus the column facets, so the query parser reads ``person:"John Bolton"``
    as a term of the person facet (answered from the facet columns, not Whoosh)."""
    schema = index_schema.copy()
    for facet in COLUMN_FACETS:
        if facet not in schema:
            schema.add(facet, facet_keyword_field())
    return schema


def keyword_value(values: list[str]) -> str:
    """Whoosh KEYWORD(commas=True) takes one string; a comma inside a value would split it."""
    return ",".join(dict.fromkeys(v.replace(",", " ").strip() for v in values if v.strip()))


def entities_json(entities: Entities) -> str:
    return json.dumps(
        {
            "people": list(dict.fromkeys(entities.people)),
            "places": [[p.name, p.country] for p in dict.fromkeys(entities.places)],
            "orgs": list(dict.fromkeys(entities.orgs)),
            "mentioned": sorted(set(entities.mentioned)),
            "spans": entities.spans,
        },
        ensure_ascii=False,
    )


def entities_from_json(text: str) -> Entities:
    """The entities a document stores (``entities_json``), back as ``Entities``."""
    data = json.loads(text)
    return Entities(
        people=data["people"],
        orgs=data["orgs"],
        mentioned=data["mentioned"],
        places=[Place(name, country) for name, country in data["places"]],
        spans=[tuple(span) for span in data["spans"]],
    )


def document_fields(prepared: PreparedArticle) -> dict[str, Any]:
    """Whoosh fields for one prepared article (see ``stages.prepare.PreparedArticle``)."""
    article, entities = prepared.article, prepared.entities
    assert entities is not None, "document_fields needs an annotated article"
    fields: dict[str, Any] = {
        "id": article.id,
        "title": prepared.title,
        "body": prepared.body,
        "source": article.source or "",
        "url": article.url,
        "author": article.author,
        "mentioned": keyword_value(mentioned_levels(entities.mentioned)),
        "fingerprint": prepared.fingerprint,
        "entities": entities_json(entities),
    }
    if article.published is not None:
        fields["published"] = article.published
    return fields


def document_words(texts: Iterable[str]) -> Counter[str]:
    """How many documents each lower-case word (three letters or more, no digits) appears in."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(WORD.findall(text.lower())))
    return counts

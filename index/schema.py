"""How an article becomes Whoosh fields: the one place that knows the index's schema."""

from __future__ import annotations

import json

from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .articles import Entities
from .entities import mentioned_levels

FACET_FIELDS = ("person", "place", "country", "org", "mentioned")


def build_schema() -> Schema:
    return Schema(
        id=ID(unique=True, stored=True),
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True, field_boost=2.0, spelling=True),
        body=TEXT(analyzer=StemmingAnalyzer(), stored=True, spelling=True),
        published=DATETIME(stored=True, sortable=True),
        dated=NUMERIC(int, sortable=True),  # 1 with a publication date: undated articles sort last
        source=ID(stored=True),
        url=STORED,
        author=STORED,
        person=KEYWORD(commas=True, lowercase=True, scorable=False),
        place=KEYWORD(commas=True, lowercase=True, scorable=False),
        country=KEYWORD(commas=True, lowercase=True, scorable=False),
        org=KEYWORD(commas=True, lowercase=True, scorable=False),
        mentioned=KEYWORD(commas=True, scorable=False),
        fingerprint=STORED,
        entities=STORED,  # JSON: facet values for display and mention spans for the article page
    )


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


def document_fields(prepared) -> dict:
    """Whoosh fields for one prepared article (see ``build.PreparedArticle``)."""
    article, entities = prepared.article, prepared.entities
    fields = {
        "id": article.id,
        "title": prepared.title,
        "body": prepared.body,
        "source": article.source or "",
        "url": article.url,
        "author": article.author,
        "person": keyword_value(entities.people),
        "place": keyword_value([p.name for p in entities.places]),
        "country": keyword_value(entities.countries),
        "org": keyword_value(entities.orgs),
        "mentioned": keyword_value(mentioned_levels(entities.mentioned)),
        "fingerprint": prepared.fingerprint,
        "dated": 1 if article.published is not None else 0,
        "entities": entities_json(entities),
    }
    if article.published is not None:
        fields["published"] = article.published
    return fields

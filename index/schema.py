"""How an article becomes Whoosh fields: the one place that knows the index's schema."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable

from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from .articles import Entities
from .entities import mentioned_levels

FACET_FIELDS = ("person", "place", "country", "org", "mentioned")
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
        # Facet fields, for filtering; counting uses the facet columns (columns.py). Scorable only
        # because Whoosh checks the disk for a missing length column at every posting it writes.
        person=KEYWORD(commas=True, lowercase=True, scorable=True),
        place=KEYWORD(commas=True, lowercase=True, scorable=True),
        country=KEYWORD(commas=True, lowercase=True, scorable=True),
        org=KEYWORD(commas=True, lowercase=True, scorable=True),
        mentioned=KEYWORD(commas=True, scorable=True),
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
        "entities": entities_json(entities),
    }
    if article.published is not None:
        fields["published"] = article.published
    return fields


def document_words(texts: Iterable[str]) -> Counter:
    """How many documents each lower-case word (three letters or more, no digits) appears in."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(set(WORD.findall(text.lower())))
    return counts

"""How a user's words become a query: one parse for every engine.

The searcher owns the query syntax (words ANDed, phrases, OR, NOT, ``-``, fields, prefix wildcards, the
facet fields); each backend only translates the parsed Whoosh query into its engine's terms, and says
which queries it will not run (too many wildcards, one that expands too far).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from whoosh import qparser
from whoosh.query import And, Every, Not, NullQuery, Or, Prefix, Wildcard

from index.schema import COLUMN_FACETS

QUERY_FIELDS = ("person", "place", "country", "org", "mentioned", "title", "body", "source", "published")
_FIELD_NAME = re.compile(r"(?<![\w:])(" + "|".join(QUERY_FIELDS) + r")(?=:)", re.IGNORECASE)
_MENTIONED_VALUE = re.compile(r"(?<![\w:])mentioned:(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?:-?\*)?(?![\w*-])")


def prepare_query_text(text: str) -> str:
    """The query as the parser should read it: field names in any case (``ORG:OPEC``), and a mentioned
    date as one value (``mentioned:1987-03`` is March 1987, ``mentioned:1987-*`` the year 1987)."""
    text = _FIELD_NAME.sub(lambda m: m.group(1).lower(), text)

    def mentioned(match: re.Match[str]) -> str:
        parts = [match.group(1)] + [part.zfill(2) for part in match.group(2, 3) if part]
        return f'mentioned:"{"-".join(parts)}"'

    return _MENTIONED_VALUE.sub(mentioned, text)


def match_all_wildcards_as_every(query: Any) -> Any:
    """A wildcard that matches every word (``*``, which Whoosh reads as every document with a title or
    a body) is the empty query, not a walk over every posting: ``*`` browses everything, ``oil -*``
    finds nothing, both at once."""
    if isinstance(query, Every) or (
        isinstance(query, (Wildcard, Prefix))
        and getattr(query, "fieldname", None) not in COLUMN_FACETS
        and not str(query.text).strip("*?")
    ):
        return Every()
    if query.is_leaf():
        return query
    query = query.apply(match_all_wildcards_as_every)
    if isinstance(query, Or) and any(isinstance(sub, Every) for sub in query.subqueries):
        return Every()
    return query


def only_exclusions(query: Any) -> bool:
    """``NOT oil`` or ``-oil -gas``: nothing to match, only things to leave out."""
    return isinstance(query, Not) or (
        isinstance(query, And) and all(isinstance(q, Not) for q in query.subqueries)
    )


def parse_query(text: str, schema: Any, refused: Callable[[Any], bool]) -> tuple[Any, str]:
    """The user's words as a Whoosh query over ``schema``, and the text it was parsed from. A query of
    exclusions alone is everything but those (``And([Every(), Not(…)])``); anything the parser cannot
    take, or that the engine ``refused`` (too many wildcards), is searched as plain words."""
    text = prepare_query_text(text)
    if not text.strip():
        return Every(), ""
    parser = qparser.MultifieldParser(["title", "body"], schema, group=qparser.AndGroup)
    # "+" and "-" are operators only at the start of a word: "oil-rich" is not "oil NOT rich"
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?:^|(?<=[\s(]))\+", minusexpr=r"(?:^|(?<=[\s(]))-"))
    words = text.split()
    if all(word.startswith("-") and len(word) > 1 for word in words):
        text = " ".join(f"NOT {word[1:]}" for word in words)  # only exclusions: everything but those
    try:
        query = parser.parse(text)
    except Exception:
        query = None
    if query is not None and query is not NullQuery:
        query = match_all_wildcards_as_every(query)
    if query is not None and only_exclusions(query):
        return And([Every(), query]), text
    if query is None or query is NullQuery or refused(query):
        plain_words = " ".join("".join(c if c.isalnum() else " " for c in text).split())
        plain = qparser.MultifieldParser(["title", "body"], schema, group=qparser.AndGroup)
        for plugin in (qparser.WildcardPlugin, qparser.OperatorsPlugin):  # AND, OR, NOT as plain words
            plain.remove_plugin_class(plugin)
        return (plain.parse(plain_words) if plain_words else Every()), plain_words
    return query, text

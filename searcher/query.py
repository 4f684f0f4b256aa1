"""How a user's words become a query: one parse for every engine.

The searcher owns the query syntax (words ANDed, phrases, OR, NOT, ``-``, fields, prefix wildcards, the
facet fields); each backend only translates the parsed Whoosh query into its engine's terms, and says
which queries it will not run (too many wildcards, one that expands too far).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from whoosh import qparser
from whoosh.query import And, Every, FuzzyTerm, Not, NullQuery, Or, Prefix, Wildcard

from index.schema import COLUMN_FACETS, english_text_analyzer, is_language_field

from .phrases import use_offset_phrases
from .typed_dates import TypedDatePlugin, typed_dates_as_tokens, typed_dates_notice
from .typed_values import QuotedFacetValuePlugin

QUERY_FIELDS = (
    "person",
    "place",
    "country",
    "org",
    "mentioned",
    "language",
    "title",
    "body",
    "source",
    "published",
)
_FIELD_NAME = re.compile(r"(?<![\w:])(" + "|".join(QUERY_FIELDS) + r")(?=:)", re.IGNORECASE)
_FIELD_PREFIX = re.compile(r"(?<![\w:])(?:" + "|".join(QUERY_FIELDS) + r"):", re.IGNORECASE)
_TEXT_FIELD = r"(?:title|body):"  # the fields every article's words are in


# Names a reader may type for a field, read as the field ("people:reagan" was searched as two words).
FIELD_ALIASES = {
    "people": "person",
    "persons": "person",
    "places": "place",
    "countries": "country",
    "orgs": "org",
    "organization": "org",
    "organizations": "org",
    "organisation": "org",
    "organisations": "org",
    "lang": "language",
    "headline": "title",
    "text": "body",
}
# A word typed as a field's name: letters, a colon, then something to search (not "10:30", "http://").
_TYPED_FIELD = re.compile(r"(?<![\w:])([A-Za-z][A-Za-z_]*):(?=[\w\"(*?])")


def typed_fields(text: str) -> list[tuple[str, str | None]]:
    """The field names typed that are not the index's: each with the field it is read as (an alias:
    ``orgs`` is ``org``), or None when it is no field at all (``foo:bar``: ``bar`` is searched)."""
    found: dict[str, str | None] = {}
    for match in _TYPED_FIELD.finditer(text):
        name = match.group(1)
        if name.lower() not in QUERY_FIELDS:
            found[name] = FIELD_ALIASES.get(name.lower())
    return list(found.items())


def typed_fields_notice(text: str) -> str | None:
    """What the page and the API say about field names typed that are not the index's, or None."""
    fields = typed_fields(text)
    if not fields:
        return None
    read = [f"“{name}:” as “{field}:”" for name, field in fields if field]
    unknown = [f"“{name}:”" for name, field in fields if not field]
    parts = []
    if read:
        parts.append(f"Read {', '.join(read)}.")
    if unknown:
        parts.append(
            f"{', '.join(unknown)} {'is no field' if len(unknown) == 1 else 'are no fields'} (the fields are "
            f"{', '.join(QUERY_FIELDS)}): what follows was searched in the text."
        )
    return " ".join(parts)


def prepare_query_text(text: str) -> str:
    """The query as the parser should read it: field names in any case (``ORG:OPEC``), a field's other
    names as the field (``people:`` is ``person:``), a name that is no field left out (``foo:bar``
    searches ``bar``), and a typed date as one token (``typed_dates_as_tokens``: ``mentioned:1987-03``
    is March 1987, ``published:[1987-03 TO *]`` March 1987 on)."""

    def field(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.lower() in QUERY_FIELDS:
            return f"{name.lower()}:"
        alias = FIELD_ALIASES.get(name.lower())
        return f"{alias}:" if alias else ""

    return typed_dates_as_tokens(_TYPED_FIELD.sub(field, _FIELD_NAME.sub(lambda m: m.group(1).lower(), text)))


NO_SEARCHABLE_WORD = (
    "The query has no word that can be searched (no letter or digit besides a field's name): "
    "no article matches it. "
    "Type a word, or clear the query to browse every article."
)


def only_stop_words_notice(words: str) -> str:
    """Why a query of stop words alone matched nothing."""
    return (
        f"The query's words (“{words}”) are all too common to be searched (stop words such as “the”, "
        "“of” and “and” are left out of the index): no article matches it. "
        "Add a word that says what you are looking for, or clear the query to browse every article."
    )


def has_searchable_word(text: str) -> bool:
    """Whether a query has something to search: a letter or a digit, or the ``*`` that browses every
    article. An empty query browses; ``😀``, ``?``, ``!!!``, ``""`` or a field's name with nothing to
    search in it (``person:``, ``title:!!!``) search nothing, so match nothing (not every article,
    which is what the parser's empty query would give, nor the field's name as a word)."""
    if not text.strip():
        return True
    text = _FIELD_PREFIX.sub(" ", text)
    return "*" in text or any(char.isalnum() for char in text)


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


def text_fields(schema: Any) -> list[str]:
    """Where the user's words are searched: title and body (English stemming), and the fields of the
    other languages the index stems (``schema.language_field``), so "Wahl" finds "Wahlen"."""
    return ["title", "body", *(name for name in schema.names() if is_language_field(name))]


@dataclass(frozen=True)
class WildcardRefusal:
    """Why an engine will not run a query as typed: more than ``limit`` different wildcards, or one
    (``too_broad``) that matches more than ``limit`` words of the index."""

    wildcards: tuple[Any, ...]  # the query's wildcard leaves it refuses
    limit: int
    too_broad: bool = False
    leading: bool = False  # a wildcard before the word's first letter (``*oil``, ``?il``): never searched


Refusal = Callable[[Any], WildcardRefusal | None]


def typed_wildcard(leaf: Any, text: str) -> str:
    """A wildcard leaf as the reader typed it in ``text`` (the parser stems ``gas*`` to Prefix "ga"):
    the word that ends where the parser says the leaf ends."""
    end = getattr(leaf, "endchar", None)
    if isinstance(end, int) and 0 < end <= len(text):
        word = re.search(r'[^\s()"]+$', text[:end])
        if word and any(mark in word.group(0) for mark in "*?"):
            return word.group(0)
    suffix = "*" if isinstance(leaf, Prefix) else "~" if isinstance(leaf, FuzzyTerm) else ""
    return f"{getattr(leaf, 'text', '')}{suffix}"


def different_wildcards(wildcards: list[Any]) -> int:
    """How many wildcards the reader typed: one word's copies in every text field (title, body, each
    language's field, stemmed by its own rules: "ga*" beside "gas*") count once, by where it ends."""
    return len({getattr(leaf, "endchar", None) or getattr(leaf, "text", None) for leaf in wildcards})


_LEADING_WILDCARD = re.compile(r"(?<![^\s(])([+-]?(?:" + _TEXT_FIELD + r")?)[*?]+([^\s()\"]*)")


def without_leading_wildcards(text: str) -> str:
    """The query with the wildcards before words' first letters taken off, the rest as typed:
    ``title:*oil -*gas`` is ``title:oil -gas``, ``*oil*`` is ``oil*``."""
    return _LEADING_WILDCARD.sub(
        lambda match: match.group(1) + match.group(2) if match.group(2) else "", text
    )


def leading_wildcards(query: Any) -> WildcardRefusal | None:
    """Words typed with a wildcard before their first letter (``*oil``, ``?il``, ``*ing``), refused on
    every engine: the index holds stems, so ``*ing`` found "king" and "spring" but none of the words
    stemmed to lose their "-ing", and each walked the whole word list (2–3 s on Reuters). A facet's
    values (``person:*olck*``) are matched on its column, where this costs nothing, and stay."""
    leaves = [query] if query.is_leaf() else list(query.leaves())
    leading = [
        leaf
        for leaf in leaves
        if isinstance(leaf, Wildcard)
        and getattr(leaf, "fieldname", None) not in COLUMN_FACETS
        and str(leaf.text)[:1] in "*?"
    ]
    return WildcardRefusal(tuple(leading), 0, leading=True) if leading else None


def refusal_message(refusal: WildcardRefusal, text: str) -> str:
    """The refusal in words, naming the wildcards as typed and saying what to do."""
    if refusal.leading:
        typed = list(dict.fromkeys(match.group(0) for match in _LEADING_WILDCARD.finditer(text)))
        return (
            f"A wildcard before a word's first letter ({', '.join(f'“{word}”' for word in typed)}) is not "
            "searched: the index keeps words by their stems, so it would miss most of the words it means. "
            "Put letters before the * or ?."
        )
    typed = list(dict.fromkeys(typed_wildcard(leaf, text) for leaf in refusal.wildcards))
    if refusal.too_broad:
        return (
            f"“{typed[0]}” matches more than {refusal.limit:,} words, too many to search: "
            "type more letters before the *."
        )
    return (
        f"The query has {len(typed)} wildcards ({', '.join(typed)}), more than the {refusal.limit} "
        f"searched at once: use {refusal.limit} or fewer."
    )


def refusal_notice(text: str, schema: Any, refused: Refusal) -> str | None:
    """What the page and the API tell the reader when their words were not searched as typed: a field
    name that is not the index's (``typed_fields_notice``), the query has no word to search
    (``NO_SEARCHABLE_WORD``), or the engine ``refused`` them (a wildcard too broad, too many
    wildcards) and they were searched otherwise; None when they were searched as typed."""
    notices = (typed_fields_notice(text), typed_dates_notice(text), _search_notice(text, schema, refused))
    return joined_notices(*notices)


def joined_notices(*notices: str | None) -> str | None:
    """Several notices as the one the page shows above the results; None when there is none."""
    return " ".join(notice for notice in notices if notice) or None


def _search_notice(text: str, schema: Any, refused: Refusal) -> str | None:
    if not has_searchable_word(text):
        return NO_SEARCHABLE_WORD
    prepared = prepare_query_text(text)
    if only_stop_words(prepared):
        return only_stop_words_notice(_plain_words(_TEXT_FIELD_PREFIX.sub("", prepared)))
    query = _parsed_as_typed(prepared, schema)
    # the refusal every engine makes (``leading_wildcards``), then the engine's own
    refusal = (leading_wildcards(query) or refused(query)) if query is not None else None
    if refusal is None:
        return None
    if refusal.leading:
        return f"{refusal_message(refusal, prepared)} The query was searched as “{without_leading_wildcards(prepared)}”."
    plain = _searched_plainly(prepared)
    searched = (
        f"searched instead as plain words: “{plain}”" if plain else "searched instead for every article"
    )
    return f"{refusal_message(refusal, prepared)} The words were {searched}."


def _searched_plainly(text: str) -> str:
    """The words a query the engine refused is searched as: its words, not its fields' names."""
    return _plain_words(_FIELD_PREFIX.sub(" ", text))


def _plain_words(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


# A word as the reader typed it, with what it quotes: ``-person:"Paul Volcker"`` is one (split at the
# space, an exclusion alone was read as ``NOT person:"paul NOT volcker"``: 100 articles, not 20,421;
# and ``org:"Bank of England"`` lost its "of" as a stop word, and found nothing). A phrase with its
# slop (``title:"a b"~3``) is one too.
_WHOLE_TOKEN = re.compile(r'(?:[^\s"]+|"[^"]*"?)+')
_PLAIN_WORD = re.compile(
    r"[+-]?(?:" + _TEXT_FIELD + r")?(\w+)"
)  # a word, alone or in the title's or body's field
_TEXT_FIELD_PREFIX = re.compile(r"(?<![\w:])" + _TEXT_FIELD + r"(?=[\w\"])")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_TEXT_ANALYZER = english_text_analyzer()


def without_stop_words(text: str) -> str:
    """The query without the plain words the title's and body's analyzer drops (stop words, one
    letter), and without an operator they leave with nothing to join. Every article's title and body
    drop them, but a language field whose stemmer keeps "the" (Romanian's) does not: parsed as typed,
    ``the ferry`` asked for "the" in Romanian text, which OpenSearch's every-language query made 0
    results. A word in the title's or body's field goes too (``title:the``: parsed, it left nothing, and
    the plain words searched instead were "title the"). Phrases, other fields and wildcards are left
    as typed."""
    kept = []
    for token in _WHOLE_TOKEN.findall(text):
        plain = _PLAIN_WORD.fullmatch(token)
        if plain and token not in _OPERATORS and not list(_TEXT_ANALYZER(plain.group(1))):
            continue
        kept.append(token)
    while kept and kept[0] in _OPERATORS - {"NOT"}:
        kept.pop(0)
    while kept and kept[-1] in _OPERATORS:
        kept.pop()
    cleaned: list[str] = []
    for token in kept:
        if token in _OPERATORS and cleaned and cleaned[-1] in _OPERATORS:
            continue  # "oil AND the OR gas": the operator before the dropped word goes with it
        cleaned.append(token)
    return " ".join(cleaned)


def only_stop_words(text: str) -> bool:
    """Whether every word of a (prepared) query is one the title's and body's analyzer drops (``the``,
    ``to be or not to be``, ``-the``): such a query has nothing to search, as one with no letter or
    digit has not. Judged on the fields every article is indexed in, not on a language field whose
    stemmer keeps "the" (Romanian's), so both engines agree whatever languages an index holds. A field
    (``person:the``) or a wildcard (``the*``) is something to search; ``title:the`` is not."""
    text = _TEXT_FIELD_PREFIX.sub("", text)  # "title:the" asks for a word the title leaves out
    words = _plain_words(text)
    if not words or any(mark in text for mark in "*?:"):
        return False
    return not any(True for _ in _TEXT_ANALYZER(words))  # the title's and body's analyzer keeps none


def has_words_to_search(text: str) -> bool:
    """Whether a query has something to search (an empty one browses): a letter or digit, and a word
    the index does not leave out as a stop word. False for ``!!!`` and for ``the``: they match nothing,
    and ``refusal_notice`` says why."""
    return has_searchable_word(text) and not only_stop_words(prepare_query_text(text))


def _plain_parser(schema: Any) -> Any:
    """A parser that reads every word as a word: AND, OR and NOT, ``*`` and ``?`` too."""
    plain = qparser.MultifieldParser(text_fields(schema), schema, group=qparser.AndGroup)
    for plugin in (qparser.WildcardPlugin, qparser.OperatorsPlugin):  # AND, OR, NOT as plain words
        plain.remove_plugin_class(plugin)
    return use_offset_phrases(plain)


def _parsed_as_typed(text: str, schema: Any) -> Any:
    """The prepared query text as the parser reads it, before any refusal: None for a query that is
    empty, cannot be parsed, or is exclusions alone (those are never refused)."""
    text = without_stop_words(text)
    if not text.strip():
        return None
    parser = _query_parser(schema)
    words = _WHOLE_TOKEN.findall(text)
    if all(word.startswith("-") and len(word) > 1 for word in words):
        return None
    try:
        query = parser.parse(text)
    except Exception:
        return None
    if query is NullQuery:
        return None
    query = match_all_wildcards_as_every(query)
    return None if only_exclusions(query) else query


def _query_parser(schema: Any) -> Any:
    parser = qparser.MultifieldParser(text_fields(schema), schema, group=qparser.AndGroup)
    # "+" and "-" are operators only at the start of a word: "oil-rich" is not "oil NOT rich"
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?:^|(?<=[\s(]))\+", minusexpr=r"(?:^|(?<=[\s(]))-"))
    parser.add_plugin(TypedDatePlugin())
    parser.add_plugin(QuotedFacetValuePlugin())
    return use_offset_phrases(parser)


def parse_query(text: str, schema: Any, refused: Refusal) -> tuple[Any, str]:
    """The user's words as a Whoosh query over ``schema``, and the text it was parsed from. A query of
    exclusions alone is everything but those (``And([Every(), Not(…)])``); anything the parser cannot
    take, or that the engine ``refused`` (too many wildcards), is searched as plain words
    (``refusal_notice`` says why). A query with no word to search (no letter or digit, or stop words
    alone) matches nothing (``NullQuery``)."""
    if not has_searchable_word(text):
        return NullQuery, ""
    text = prepare_query_text(text)
    if not text.strip():
        return Every(), ""
    if only_stop_words(text):
        return NullQuery, ""
    text = without_stop_words(text)
    parser = _query_parser(schema)
    words = _WHOLE_TOKEN.findall(text)
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
    if query is not None and query is not NullQuery and leading_wildcards(query):
        return parse_query(without_leading_wildcards(text), schema, refused)
    if query is None or query is NullQuery or refused(query):
        plain_words = _searched_plainly(text)
        return (_plain_parser(schema).parse(plain_words) if plain_words else Every()), plain_words
    return query, text

"""How an article becomes Whoosh fields: the one place that knows the index's schema."""

from __future__ import annotations

import json
import re
import types
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from whoosh.analysis import (
    STOP_WORDS,
    CharsetFilter,
    LanguageAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.lang import languages as WHOOSH_LANGUAGES
from whoosh.lang import porter
from whoosh.support.charset import accent_map

from .articles import Entities, Place
from .entities import mentioned_levels
from .facets import ENTITY_FACETS
from .language import UNDETERMINED
from .sentences import SENTENCE_GAP, sentence_spans

if TYPE_CHECKING:
    from .stages.prepare import PreparedArticle

# Facets held only in the facet columns (columns.py), which count and filter them. The query syntax
# still takes them (person:"John Bolton"): query_schema() declares them for the parser. Keeping them
# out of Whoosh stores each value once: as Whoosh terms they cost the index a term table entry and a
# posting block per distinct name, 8% of a 21,000-article index.
COLUMN_FACETS = (*ENTITY_FACETS, "language")  # the language: a column facet, not an entity
WORDS_FILE = "words.json"  # every word of the titles and bodies with its document count: for "did you mean"
WORD = re.compile(r"[^\W\d_]{3,}")
# Languages Whoosh stems besides English (those whose stemmer runs). An article in one of them is also
# indexed, title and body together, in a field of its own language stemmed by that language's rules
# ("Wahlen" -> "wahl"); the title and body fields keep English stemming for every article, so a query
# matches across languages (searched in the language fields the index has). A field is added to the
# schema when the first article in its language is written: an English-only archive has none, so its
# index and its queries are as they were.


def fold_accents(text: str) -> str:
    """``text`` with its accents taken off as the text fields' analyzer takes them off ("Zürich" ->
    "Zurich", "São Paulo" -> "Sao Paulo"): Whoosh's ``accent_map``, so a word is found written with or
    without its accents, both ways."""
    return text.translate(accent_map)


def _porter_with_step_1b_fixed() -> types.FunctionType:
    """Whoosh 2.7.4's Porter stemmer with the two tests of its step 1b that read a word's end made to
    read it: Whoosh matches ``([^aeiouylsz])\\1$`` and ``(at|bl|iz)$`` from the word's start, so they
    never hold for a word of more than two or three letters, and "bidding" stays "bidd" (never "bid",
    as Porter's rule undoubles the consonant), "running" "runn", "shipped" "shipp". Whoosh's own code,
    run with those two patterns anchored at the end as Porter defines them."""
    patterns = {
        **vars(porter),
        "_at_bl_iz": re.compile(".*(at|bl|iz)$"),
        "_step1b": re.compile(r".*([^aeiouylsz])\1$"),
    }
    stem = types.FunctionType(porter.stem.__code__, patterns, "english_stem")
    stem.__module__, stem.__qualname__ = __name__, "english_stem"  # pickled by name in the schema
    return stem


english_stem = _porter_with_step_1b_fixed()


class SentenceTokenizer(RegexTokenizer):
    """Whoosh's RegexTokenizer (its words), numbering the words of each sentence one after another
    and leaving ``SENTENCE_GAP`` positions after each sentence (``sentences.sentence_spans``), so a
    phrase never runs from one sentence into the next. A query's text (``mode="query"``) is read as
    one sentence: a phrase typed with a stop inside ("U.S. Treasury") is matched as its words."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterable[Any]:
        words = super().__call__
        if not tokenize or mode == "query":
            yield from words(
                value,
                positions,
                chars,
                start_pos=start_pos,
                start_char=start_char,
                tokenize=tokenize,
                mode=mode,
                **kwargs,
            )
            return
        position = start_pos
        for start, end in sentence_spans(value):
            count = 0
            sentence = value[start:end]
            for token in words(
                sentence,
                positions,
                chars,
                start_pos=position,
                start_char=start_char + start,
                mode=mode,
                **kwargs,
            ):
                count += 1
                yield token
            position += count + SENTENCE_GAP


def english_text_analyzer() -> CompositeAnalyzer:
    """The title's and body's words: Whoosh's StemmingAnalyzer (its words, lower case, stop words and
    one-letter words dropped, Porter stems: ``english_stem``) with the accents folded before the stop
    words and the stemmer see a word, so "Zürich" and "Zurich", "Société" and "Societe" are one term.
    A dropped word keeps its position (``renumber=False``) and sentences are apart
    (``SentenceTokenizer``): "bank of england" is not "bank england", nor is "the bank. England"."""
    return (
        SentenceTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS, minsize=2, renumber=False)
        | StemFilter(stemfn=english_stem, cachesize=50000)
    )


def folds_accents(schema: Schema) -> bool:
    """Whether an index's body field folds accents (``english_text_analyzer``): an index built before
    it holds "zürich" where queries now look for "zurich", and must be rebuilt."""
    analyzer = schema["body"].analyzer if "body" in schema else None
    return any(isinstance(item, CharsetFilter) for item in getattr(analyzer, "items", ()))


def stems_as_porter(schema: Schema) -> bool:
    """Whether an index's body field stems with ``english_stem``: an index built before holds "bidd"
    where queries now look for "bid", and must be rebuilt."""
    analyzer = schema["body"].analyzer if "body" in schema else None
    return any(getattr(item, "stemfn", None) is english_stem for item in getattr(analyzer, "items", ()))


def keeps_word_positions(schema: Schema) -> bool:
    """Whether an index's body field keeps each word's position, dropped words' and sentence ends'
    gaps included (``english_text_analyzer``): an index built before holds "Bank of England" as two
    adjacent words, which the phrase "bank england" would find."""
    analyzer = schema["body"].analyzer if "body" in schema else None
    items: list[Any] = list(getattr(analyzer, "items", ()))
    return (
        bool(items)
        and type(items[0]) is SentenceTokenizer
        and not any(getattr(item, "renumber", False) for item in items)
    )


PHRASES_CHANGE = "a phrase matched its words with the words left out between them (“bank england” finding “Bank of England”)"


def outdated_index_message(path: object, schema: Schema) -> str | None:
    """Why an index (a generation at ``path``) cannot be searched or added to as this version reads
    words, with the fix; None when it can. One message for search and ``add``."""
    if not folds_accents(schema):
        change = "words were matched with and without accents (“Zurich” finding “Zürich”)"
    elif not stems_as_porter(schema):
        change = "words were stemmed by Porter's rules in full (“bid” finding “bidding”)"
    elif not keeps_word_positions(schema):
        change = PHRASES_CHANGE
    else:
        return None
    return f"the index at {path} was built before {change}; run `searcher index rebuild PATH...` to search it or add to it"


def stems_without_error(language: str) -> bool:
    """Whether Whoosh's analyzer for ``language`` runs on this Python: Whoosh 2.7.4's Arabic (ISRI)
    stemmer raises "bad escape" on every word since Python 3.7 made unknown escapes in re.sub errors."""
    try:
        list(LanguageAnalyzer(language)("Wahlen élections выборы انتخابات 2024"))
    except Exception:
        return False
    return True


STEMMED_LANGUAGES = tuple(
    language for language in WHOOSH_LANGUAGES if language != "en" and stems_without_error(language)
)


def language_field(language: str) -> str:
    """The field an article in ``language`` is stemmed in by its own language's rules: "text_de"."""
    return f"text_{language}"


def is_language_field(name: str) -> bool:
    return name.startswith("text_") and name[len("text_") :] in STEMMED_LANGUAGES


def language_text_analyzer(language: str) -> CompositeAnalyzer:
    """Whoosh's ``LanguageAnalyzer(language)`` (its words, lower case, its stop words, its stemmer)
    with positions kept as the title's and body's are (``english_text_analyzer``), then the stems'
    accents folded."""
    whoosh_chain = LanguageAnalyzer(language).items
    kept = [
        SentenceTokenizer()
        if type(item) is RegexTokenizer
        else StopFilter(stoplist=item.stops, minsize=item.min, maxsize=item.max, renumber=False)
        if type(item) is StopFilter
        else item
        for item in whoosh_chain
    ]
    return CompositeAnalyzer(*kept, CharsetFilter(accent_map))


def language_text_field(language: str) -> TEXT:
    """A language's field: its own stemmer reads the accented words ("élections"), then the stems lose
    their accents, as the title's and body's words do."""
    return TEXT(analyzer=language_text_analyzer(language))


def build_schema(languages: Iterable[str | None] = ()) -> Schema:
    """The index's fields, with a language field for each of ``languages`` Whoosh stems."""
    return Schema(
        **{
            language_field(language): language_text_field(language)
            for language in STEMMED_LANGUAGES
            if language in set(languages)
        },
        id=ID(unique=True, stored=True, sortable=True),  # sortable: a column, read back for facet columns
        title=TEXT(analyzer=english_text_analyzer(), stored=True, field_boost=2.0),
        body=TEXT(analyzer=english_text_analyzer(), stored=True),
        published=DATETIME(stored=True, sortable=True),  # filtered, sorted and counted from the columns
        source=ID(stored=True),
        url=STORED,
        author=STORED,
        dateline=STORED,  # the source's own dateline ("BRUSSELS, March 17 -"): its words are indexed in body
        # Mentioned dates by year, month and day, for filters at any of those levels (the facet
        # column counts by month). Scorable only because Whoosh checks the disk for a missing
        # length column at every posting it writes.
        mentioned=KEYWORD(commas=True, scorable=True),
        fingerprint=STORED,
        entities=STORED,  # JSON: facet values for display and mention spans for the article page
        language=STORED,  # ISO 639 code, "und" when not sure (filtered and counted from the columns)
    )


def missing_language_fields(schema: Schema, languages: Iterable[str | None]) -> dict[str, TEXT]:
    """The language fields articles in ``languages`` need that ``schema`` (an index's) lacks."""
    return {
        language_field(language): language_text_field(language)
        for language in STEMMED_LANGUAGES
        if language in set(languages) and language_field(language) not in schema
    }


def facet_keyword_field() -> KEYWORD:
    return KEYWORD(commas=True, lowercase=True, scorable=True)


def query_schema(index_schema: Schema) -> Schema:
    """The index's schema plus the column facets, so the query parser reads ``person:"John Bolton"``
    as a term of the person facet (answered from the facet columns, not Whoosh)."""
    schema = index_schema.copy()
    for facet in COLUMN_FACETS:
        if facet in schema and not schema[facet].indexed:  # stored for display only (the language)
            schema.remove(facet)
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


def searchable_body(dateline: str | None, body: str) -> str:
    """The body as its words are indexed: the dateline a source gives apart from the body first, so
    ``tokyo`` finds the articles datelined TOKYO that never name it. The stored body stays as it is
    (entity offsets point into it) and so does the text NER reads (the annotation cache is keyed on it)."""
    return f"{dateline}\n{body}" if dateline and dateline.strip() else body


def document_fields(
    prepared: PreparedArticle, schema: Schema | None = None, entity_values: dict[str, str] | None = None
) -> dict[str, Any]:
    """Whoosh fields for one prepared article (see ``stages.prepare.PreparedArticle``); with ``schema``
    (an index built before the language fields, written to by ``add``), only the fields it has.
    ``entity_values``: its ``entity_fields``, if made already (else made from its entities)."""
    article = prepared.article
    if entity_values is None:
        assert prepared.entities is not None, "document_fields needs an annotated article"
        entity_values = entity_fields(prepared.entities)
    fields: dict[str, Any] = {
        "id": article.id,
        **text_fields(prepared, schema),
        "_stored_body": prepared.body,
        "source": article.source or "",
        "url": article.url,
        "author": article.author,
        "fingerprint": prepared.fingerprint,
        "language": prepared.language or UNDETERMINED,
        **entity_values,
    }
    if article.dateline and (schema is None or "dateline" in schema):
        fields["dateline"] = article.dateline
    if article.published is not None:
        fields["published"] = article.published
    return fields


def entity_fields(entities: Entities) -> dict[str, str]:
    """The fields of a document made from its entities: what a write started before they were final is
    sent (strings, quick to send and to read)."""
    return {
        "mentioned": keyword_value(mentioned_levels(entities.mentioned)),
        "entities": entities_json(entities),
    }


def text_fields(prepared: PreparedArticle, schema: Schema | None = None) -> dict[str, str]:
    """The analysed text of a document: title, body and its language's field (what a build indexes
    before the article's entities are final)."""
    body = searchable_body(prepared.article.dateline, prepared.body)
    fields = {"title": prepared.title, "body": body}
    language = prepared.language
    if language is not None and language in STEMMED_LANGUAGES:
        field_name = language_field(language)
        if schema is None or field_name in schema:
            fields[field_name] = f"{prepared.title}\n{body}"
    return fields


def document_words(texts: Iterable[str]) -> Counter[str]:
    """How many documents each lower-case word (three letters or more, no digits, accents folded as
    the index folds them) appears in."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(WORD.findall(fold_accents(text.lower()))))
    return counts

"""The searcher's one query parse, which both engines translate."""

from whoosh.query import And, AndNot, Every, Term

from index.schema import build_schema, query_schema
from searcher.query import only_exclusions, parse_query, prepare_query_text

from .old_analyzers import english_text_analyzer_with_whoosh_stems

SCHEMA = query_schema(build_schema())


def never(query):
    return False


def test_exclusions_alone_are_everything_but_those():
    for text in ("-ferry", "NOT ferry", "-ferry -strike", "NOT ferry NOT strike"):
        query, _ = parse_query(text, SCHEMA, never)
        assert isinstance(query, And) and isinstance(query.subqueries[0], Every), (text, query)
        assert only_exclusions(query.subqueries[1]), (text, query)
    assert parse_query("-ferry", SCHEMA, never) == parse_query("NOT ferry", SCHEMA, never)


def test_a_word_with_an_exclusion_is_not_wrapped():
    query, used = parse_query("tram -ferry", SCHEMA, never)
    assert used == "tram -ferry" and isinstance(query, AndNot)  # trams, less the ferries
    assert Term("body", "ferri") in query.b.subqueries  # the title-or-body word, stemmed


def test_a_refused_query_is_searched_as_plain_words():
    query, used = parse_query("oil* AND gas", SCHEMA, lambda q: True)
    assert used == "oil AND gas"  # AND is a plain word now, the wildcard gone
    assert "oil*" not in str(query)


def test_both_engines_parse_with_the_same_function():
    from searcher import backend, opensearch_backend

    assert backend.parse_query is opensearch_backend.parse_query is parse_query
    assert opensearch_backend.parse("-ferry") == parse_query("-ferry", opensearch_backend.QUERY_SCHEMA, never)


def test_field_names_in_any_case_and_mentioned_dates():
    assert prepare_query_text("ORG:opec mentioned:1987-3") == "org:opec mentioned:1987-03-01..1987-04-01"


def test_a_refused_query_gets_a_notice_naming_the_wildcard_as_typed_and_what_to_do():
    from searcher.query import WildcardRefusal, refusal_notice

    def too_broad(query):
        wildcards = [leaf for leaf in query.leaves() if leaf.__class__.__name__ == "Prefix"]
        return WildcardRefusal((wildcards[0],), 200, too_broad=True) if wildcards else None

    notice = refusal_notice("gas* prices", SCHEMA, too_broad)
    assert notice == (  # named as typed, though the parser stems it to "ga"
        "“gas*” matches more than 200 words, too many to search: type more letters before the *. "
        "The words were searched instead as plain words: “gas prices”."
    )
    assert refusal_notice("gas prices", SCHEMA, too_broad) is None  # searched as typed: nothing to say
    assert refusal_notice("", SCHEMA, too_broad) is None


def test_too_many_wildcards_are_named_on_the_opensearch_parse_too():
    from searcher import opensearch_backend
    from searcher.query import refusal_notice

    schema = opensearch_backend.QUERY_SCHEMA
    notice = refusal_notice("oil* gas* b* c* d*", schema, opensearch_backend.too_many_wildcards)
    assert notice is not None
    assert notice.startswith("The query has 5 wildcards (oil*, gas*, b*, c*, d*), more than the 4 searched")
    assert "use 4 or fewer" in notice and "“oil gas b c d”" in notice
    assert refusal_notice("oil* gas* c* d*", schema, opensearch_backend.too_many_wildcards) is None


def test_the_text_analyzer_folds_accents_at_index_and_query_time():
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import TEXT, Schema

    from index.schema import fold_accents, folds_accents

    schema = build_schema(["fr"])
    words = "Zürich São Paulo Montréal Québec Société Générale"
    folded = [token.text for token in schema["body"].analyzer(words)]
    assert folded == [token.text for token in schema["body"].analyzer(fold_accents(words))]
    assert folded == ["zurich", "sao", "paulo", "montreal", "quebec", "societ", "general"]
    assert [t.text for t in schema["text_fr"].analyzer("élections")] == ["elect"]
    assert (
        parse_query("Zürich", query_schema(schema), lambda q: None)[0]
        == parse_query("zurich", query_schema(schema), lambda q: None)[0]
    )
    assert folds_accents(schema)
    assert not folds_accents(Schema(body=TEXT(analyzer=StemmingAnalyzer())))  # an index built before


def test_a_query_with_no_word_parses_to_nothing():
    from whoosh.query import NullQuery

    from searcher.query import has_searchable_word

    schema = query_schema(build_schema())
    for text in ("😀", "?", "!!!", "...", "(((", '""', "person:", "title:!!!", "ORG: body:?"):
        assert not has_searchable_word(text)
        assert parse_query(text, schema, lambda q: None)[0] is NullQuery
    for text in ("", "*", "oil", "é", "1987", "title:oil", "person:*"):
        assert has_searchable_word(text)


def test_a_wildcard_before_the_first_letter_is_taken_off_and_the_rest_kept_as_typed():
    from searcher.query import leading_wildcards, refusal_notice, without_leading_wildcards

    schema = query_schema(build_schema())
    assert without_leading_wildcards("title:*oil -*gas (*coal OR ?ore) *oil* ? o?l") == (
        "title:oil -gas (coal OR ore) oil*  o?l"
    )
    for typed, searched in [("*oil", "oil"), ("title:*oil -*gas", "title:oil -gas"), ("*oil*", "oil*")]:
        assert parse_query(typed, schema, lambda q: None) == parse_query(searched, schema, lambda q: None)
        notice = refusal_notice(typed, schema, lambda q: None)
        assert notice is not None and f"searched as “{searched}”" in notice, typed
    for kept in ("o?l", "oil*", "person:*olck*", "*"):
        query = parse_query(kept, schema, lambda q: None)[0]
        assert leading_wildcards(query) is None and refusal_notice(kept, schema, lambda q: None) is None, kept


def test_typed_field_names_are_the_indexs_its_aliases_or_none():
    from searcher.query import prepare_query_text, typed_fields
    from searcher.typed_dates import typed_period

    assert typed_fields("people:reagan ORGS:opec foo:bar person:x 10:30 http://x.org Re: y") == [
        ("people", "person"),
        ("ORGS", "org"),
        ("foo", None),
    ]
    assert prepare_query_text("people:reagan orgs:opec foo:bar 10:30") == "person:reagan org:opec bar 10:30"
    for period in ("1987", "1987-3", "1987-03-17", "1987-*", "1987-03*", '"1987-03"'):
        assert typed_period(period), period
    for wrong in ("1987-13", "1987-02-30", "foo", "87", "1987-03-17-1"):
        assert typed_period(wrong) is None, wrong


def test_words_searched_plainly_leave_out_the_fields_names():
    """A query the engine refuses as typed is searched as its plain words: the words typed, never the
    names of the fields they were typed in ("title:oil*" once searched "title" too)."""
    from searcher.query import WildcardRefusal

    schema = query_schema(build_schema())
    refuse_all = lambda query: WildcardRefusal((), 1)  # noqa: E731
    assert parse_query("title:oil* Person:volck* gas", schema, refuse_all)[1] == "oil volck gas"


def test_a_query_of_stop_words_alone_parses_to_nothing_with_a_notice():
    from whoosh.query import NullQuery

    from searcher.query import has_words_to_search, refusal_notice

    # the language fields' analyzers (Romanian's keeps "the") do not make a stop word searchable
    schema = query_schema(build_schema(["ro", "de"]))
    for text in (
        "the",
        "THE of",
        "to be or not to be",
        '"the of"',
        "-the",
        "NOT the",
        "title:the",
        "Body:of the",
    ):
        assert not has_words_to_search(text), text
        assert parse_query(text, schema, lambda q: None)[0] is NullQuery, text
        assert "too common to be searched" in refusal_notice(text, schema, lambda q: None), text
    for text in ("the oil", "the*", "person:the", "", "*", "oil"):
        assert has_words_to_search(text), text
        assert refusal_notice(text, schema, lambda q: None) is None, text


def test_english_stems_undouble_the_consonant_ed_and_ing_leave():
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import TEXT, Schema

    from index.schema import english_stem, outdated_index_message, stems_as_porter

    pairs = {"bidding": "bid", "running": "run", "shipped": "ship", "planned": "plan", "hopping": "hop"}
    for word, stem in pairs.items():
        assert english_stem(word) == english_stem(stem) == stem, word
    # what Porter's step 1b says besides, unchanged: -at/-bl/-iz get their e back, l, s and z stay double
    for word, stem in {"conflated": "conflat", "sized": "size", "falling": "fall", "hissing": "hiss"}.items():
        assert english_stem(word) == stem, word
    analyzed = [token.text for token in build_schema()["body"].analyzer("Bidding bids bid")]
    assert analyzed == ["bid", "bid", "bid"]
    assert stems_as_porter(build_schema())
    before = Schema(body=TEXT(analyzer=english_text_analyzer_with_whoosh_stems()))
    assert not stems_as_porter(before)
    assert "rebuild" in outdated_index_message("gen", before) and "bidding" in outdated_index_message(
        "gen", before
    )
    assert outdated_index_message("gen", build_schema()) is None
    assert "accents" in outdated_index_message("gen", Schema(body=TEXT(analyzer=StemmingAnalyzer())))


def test_stop_words_beside_other_words_are_left_out_of_every_field():
    from searcher.query import without_stop_words

    # Romanian's stemmer keeps "the": parsed as typed, "the ferry" asked for it in text_ro
    schema = query_schema(build_schema(["ro"]))
    ferry = parse_query("ferry", schema, lambda q: None)[0]
    for text in ("the ferry", "ferry of the", "-the ferry", "the AND ferry", "ferry NOT the"):
        assert parse_query(text, schema, lambda q: None)[0] == ferry, text
    assert without_stop_words('"the ferry" the* person:the a b oil') == '"the ferry" the* person:the oil'
    assert without_stop_words("oil AND the OR gas") == "oil AND gas"
    # in the title's or body's field too: parsed, "title:the" was nothing, and the plain words searched
    # instead were "title the", so it found articles about titles
    assert without_stop_words("title:the body:of title:ferry -body:a oil") == "title:ferry oil"
    assert parse_query("title:the ferry", schema, lambda q: None)[0] == ferry

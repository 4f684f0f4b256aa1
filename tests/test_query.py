"""The searcher's one query parse, which both engines translate."""

from whoosh.query import And, AndNot, Every, Term

from index.schema import build_schema, query_schema
from searcher.query import only_exclusions, parse_query, prepare_query_text

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
    assert prepare_query_text("ORG:opec mentioned:1987-3") == 'org:opec mentioned:"1987-03"'

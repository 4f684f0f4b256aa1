from collections import Counter

from index.normalize import (
    canonical_spellings,
    clean_org,
    clean_person,
    clean_place_text,
    corpus_surname_map,
    fix_capitals,
    merge_short_names,
    names_an_organization,
    strip_possessive,
    strip_titles,
)


def test_possessives_go():
    assert strip_possessive("Donald Trump's") == "Donald Trump"
    assert strip_possessive("Donald Trump’s") == "Donald Trump"


def test_titles_go():
    assert strip_titles("Mr Putin") == "Putin"
    assert strip_titles("President Donald Trump") == "Donald Trump"
    assert strip_titles("Sen. John McCain") == "John McCain"
    assert strip_titles("President") == "President"


def test_clean_person():
    assert clean_person("Mr John Bolton's") == "John Bolton"
    assert clean_person("MOSCOW") == "Moscow"
    assert clean_person("Trump said") is None
    assert clean_person("1987") is None


def test_clean_org():
    assert clean_org("Trump's Democratic Party", frozenset({"Trump"})) == "Democratic Party"
    assert clean_org("the White House") == "White House"
    assert clean_org("OPEC") == "OPEC"
    assert clean_org("warmer Atlantic Scientists") is None


def test_clean_place_text():
    assert clean_place_text("the United States") == "United States"
    assert clean_place_text("Lisbon city council") is None


def test_capitals():
    assert fix_capitals("BUENOS AIRES") == "Buenos Aires"
    assert fix_capitals("IBM") == "IBM"
    assert fix_capitals("O'NEILL", keep_acronyms=False) == "O'Neill"
    assert fix_capitals("Moscow") == "Moscow"


def test_short_names_merge_into_full_names_in_one_article():
    mapping = merge_short_names(
        [
            "Donald Trump",
            "Trump",
            "Putin",
            "Vladimir Putin",
            "Bolton",
            "John Bolton",
            "McCain",
            "John McCain",
            "Smith",
            "Ann Smith",
            "Bob Smith",
        ]
    )
    assert mapping == {
        "Trump": "Donald Trump",
        "Putin": "Vladimir Putin",
        "Bolton": "John Bolton",
        "McCain": "John McCain",
    }


def test_corpus_surname_map_only_when_unambiguous():
    counts = Counter(
        {
            "James Baker": 40,
            "Baker": 30,
            "Smith": 5,
            "Ann Smith": 3,
            "Bob Smith": 3,
            "Reagan": 9,
            "Ronald Reagan": 20,
            "Nancy Reagan": 1,
        }
    )
    mapping = corpus_surname_map(counts)
    assert mapping["Baker"] == "James Baker"
    assert mapping["Reagan"] == "Ronald Reagan"
    assert "Smith" not in mapping


def test_canonical_spelling_prefers_mixed_case():
    chosen = canonical_spellings(Counter({"MOSCOW": 5, "Moscow": 2}))
    assert chosen == {"MOSCOW": "Moscow", "Moscow": "Moscow"}


def test_newswire_shorthand_and_legal_forms_are_not_names():
    assert clean_person("U.S. Dlrs") is None
    assert clean_org("Shr") is None
    assert clean_org("Co Inc") is None
    assert clean_org("Corp") is None
    assert clean_org("CBS") == "CBS"


def test_possessor_is_stripped_only_when_it_is_a_person_in_the_article():
    assert clean_org("Trump's Democratic Party", frozenset({"Trump"})) == "Democratic Party"
    assert clean_org("Moody's Investors Service Inc") == "Moody's Investors Service Inc"


def test_agency_credits_glued_to_the_next_name_are_not_organizations():
    from index.places import gazetteer
    from index.stages.normalize_corpus import is_agency_credit

    known = Counter({"Congress": 3})
    for glued in ("Reuters", "REUTERS", "Reuter", "Reuters Taiwan", "Reuters the G-7", "Reuters Congress"):
        assert is_agency_credit(glued, "reuters", known, gazetteer()), glued
    assert not is_agency_credit("Reuters Holdings PLC", "reuters", known, gazetteer())
    assert not is_agency_credit("Reuters", "", known, gazetteer())
    assert not is_agency_credit("Congress", "reuters", known, gazetteer())


def test_facet_columns_find_values_case_insensitively():
    import numpy as np

    from index.columns import FacetColumn, facet_key

    assert facet_key("  Smith,  John ") == "smith john"
    # three articles: 0 holds values 0 and 1, 1 holds nothing, 2 holds value 2
    column = FacetColumn(
        values=["Mara Lindqvist", "Henrik Vallo", "Mara Sund"],
        starts=np.array([0, 2, 2, 3]),
        ids=np.array([0, 1, 2], dtype=np.int32),
        owners=np.array([0, 0, 2], dtype=np.int32),
    )
    assert column.value_ids("mara lindqvist") == [0]
    assert column.value_ids("mara", prefix=True) == [0, 2]
    assert column.value_ids("nobody") == []
    assert column.articles_with([0], 3).tolist() == [True, False, False]
    assert column.articles_with([1, 2], 3).tolist() == [True, False, True]
    assert column.articles_with([], 3).tolist() == [False, False, False]


def test_ranking_query_leaves_column_facets_to_the_filter():
    from whoosh.query import And, AndNot, Every, Not, Or, Term

    from searcher.backend import ranking_query

    words = Or([Term("title", "oil"), Term("body", "oil")])
    plain = And([words, Term("mentioned", "1987")])
    assert ranking_query(plain) is plain  # no column facet: Whoosh gets the query as it is
    assert ranking_query(And([words, Term("person", "x")])) == And([words, Every()])
    assert ranking_query(AndNot(words, Term("org", "x"))) == words
    assert ranking_query(Not(And([words, Term("place", "x")]))) == Every()


def test_a_lone_name_inside_an_organization_of_the_article_is_the_company():
    orgs = ["Baker International Corp", "Hughes Tool Co"]
    assert names_an_organization("Baker", orgs)
    assert names_an_organization("Hughes", orgs)
    assert not names_an_organization("James Baker", orgs)  # a full name stays a person
    assert not names_an_organization("Bake", orgs)  # whole words only
    assert not names_an_organization("Baker", ["Treasury"])
    assert not names_an_organization("Reagan", ["Reagan Administration", "Thatcher Government"])


def test_a_lone_surname_merges_into_a_full_name_with_a_suffix():
    from index.normalize import surname

    assert surname("John Vantree Jr") == "Vantree" and surname("Vantree") == "Vantree"
    assert merge_short_names(["John Vantree Jr", "Vantree"]) == {"Vantree": "John Vantree Jr"}

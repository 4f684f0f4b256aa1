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
    one_value_per_body,
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


def test_a_country_written_as_dotted_initials_is_a_place_name():
    assert clean_place_text("the U.S.") == "U.S."
    assert clean_place_text("U.K.") == "U.K."
    assert clean_place_text("A.") is None
    assert clean_place_text("No. 3") is None


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


def test_a_flash_is_an_all_caps_headline_over_no_real_body():
    from index.normalize import is_headline_only

    assert is_headline_only("VOLCKER SEES SEVERE PROBLEMS", "")
    assert is_headline_only("VOLCKER SEES SEVERE PROBLEMS", "******Blah blah blah.")
    assert not is_headline_only("Volcker sees severe problems", "")  # NER reads a cased title already
    long_body = "Federal Reserve Board Chairman Paul Volcker said severe problems remain."
    assert not is_headline_only("VOLCKER SEES SEVERE PROBLEMS", long_body)


def test_an_all_caps_headline_takes_the_corpus_casing_of_each_word():
    from index.normalize import headline_words, truecased_headline, word_casings

    title = "VOLCKER SEES SEVERE PROBLEMS IN THE U.S. ECONOMY, NYMEX SAYS"
    bodies = [
        "Paul Volcker sees problems. Volcker said the U.S. economy was weak.",
        "The NYMEX said severe problems in the economy. Problems remain, said Volcker.",
    ]
    casings = word_casings(bodies, headline_words(title))
    assert casings["volcker"] == "Volcker" and casings["u.s"] == "U.S" and casings["problems"] == "problems"
    cased = truecased_headline(title, casings)
    assert cased == "Volcker sees severe problems in the U.S. economy, NYMEX says"
    assert len(cased) == len(title)  # the model's offsets hold for the title as stored
    # a word the bodies never write stays in lower case (no name invented), the first one capitalized
    assert truecased_headline("ZORBLAT RISES", {}) == "Zorblat rises"


def test_headlines_are_cased_alike_by_one_process_or_several(monkeypatch):
    """The bodies' casings are counted in parts by forked workers for a big build: the flashes NER reads
    are the same, ties between two forms broken as one pass breaks them (the form written first)."""
    from index.articles import Article
    from index.stages import annotate
    from index.stages.prepare import PreparedArticle

    bodies = [
        "Orla Vell met NYMEX traders.",
        "orla vell OF nymex said.",
        "Vell and Nymex agreed.",
        "Nymex and vell said of it.",
    ] * 3 + ["The Of rule.", "Said the OF."]

    def articles():
        flashes = ["VELL SAYS NYMEX OF ORLA", "ORLA SAID"]
        texts = [(f"T{n}", body) for n, body in enumerate(bodies)] + [(title, "") for title in flashes]
        return [
            PreparedArticle(Article(id=str(n), title=t, body=b, origin="x"), t, b, b, 0, None, None, str(n))
            for n, (t, b) in enumerate(texts)
        ]

    monkeypatch.setattr(annotate, "CASING_TEXTS", 3)
    one, several = articles(), articles()
    annotate.case_capitals_for_ner(one, processes=1)
    annotate.case_capitals_for_ner(several, processes=2)
    assert [item.ner_text for item in several] == [item.ner_text for item in one]
    assert one[-2].ner_text.startswith("Vell says Nymex OF Orla")  # "OF" written 4 times, "of" 3


def test_a_surname_with_its_particle_merges_with_the_full_name():
    from index.normalize import is_lone_surname, particle_surname

    assert particle_surname("Willy de Clercq") == "de Clercq"
    assert particle_surname("Hans van den Broek") == "van den Broek"
    assert particle_surname("Paul Volcker") is None and particle_surname("Al Gore") is None
    assert is_lone_surname("De Clercq") and is_lone_surname("Volcker") and not is_lone_surname("Al Gore")
    # in one article, and across the corpus, the particle in either case
    assert merge_short_names(["Willy de Clercq", "De Clercq"]) == {"De Clercq": "Willy de Clercq"}
    counts = Counter({"Willy de Clercq": 3, "De Clercq": 5, "Hans van den Broek": 2, "Van den Broek": 4})
    assert corpus_surname_map(counts) == {
        "De Clercq": "Willy de Clercq",
        "Van den Broek": "Hans van den Broek",
    }
    # "Beethoven" alone still finds "Ludwig van Beethoven"
    assert corpus_surname_map(Counter({"Ludwig van Beethoven": 2, "Beethoven": 3})) == {
        "Beethoven": "Ludwig van Beethoven"
    }


def test_a_middle_initial_with_or_without_its_period_is_the_same_person():
    from index.normalize import middle_initial_map, without_middle_initials

    assert without_middle_initials("Paul A Volcker") == "Paul Volcker"
    assert without_middle_initials("Paul A. Volcker") == "Paul Volcker"
    assert without_middle_initials("John F. W. Kennedy") == "John Kennedy"
    assert without_middle_initials("Paul Volcker") is None
    assert without_middle_initials("Hans van Broek") is None  # a particle is no initial
    counts = Counter({"Paul A Volcker": 2, "Paul Volcker": 30, "Paul A. Volcker": 1})
    assert middle_initial_map(counts) == {"Paul A Volcker": "Paul Volcker", "Paul A. Volcker": "Paul Volcker"}
    # the commoner form is shown
    assert middle_initial_map(Counter({"James A. Baker": 9, "James Baker": 2})) == {
        "James Baker": "James A. Baker"
    }
    # two sets of initials for one name: two people, nothing merges
    assert middle_initial_map(Counter({"George H. Bush": 3, "George W. Bush": 3, "George Bush": 4})) == {}
    assert middle_initial_map(Counter({"Paul A Volcker": 2})) == {}  # no plain form: nothing to merge


def test_an_acronym_is_spelled_out_by_initials_or_by_syllables():
    from index.normalize import acronyms_spelled_out, initials, spells_acronym

    assert initials("American Telephone and Telegraph Co") == "ATTC"
    assert spells_acronym("AMC", "American Motors Corp")  # with its legal form, or without
    assert spells_acronym("ATT", "American Telephone and Telegraph Co")
    assert spells_acronym("NYMEX", "New York Mercantile Exchange")
    assert spells_acronym("COMEX", "Commodity Exchange Inc")
    assert spells_acronym("OPEC", "Organization of Petroleum Exporting Countries")
    assert not spells_acronym("AMEX", "American Stock Exchange")  # "Stock" gives no letter
    assert not spells_acronym("NYMEX", "New York Stock Exchange")
    assert not spells_acronym("IMF", "International Monetary")
    assert not spells_acronym("EC", "Ec")
    orgs = ["Arabian Auto Agency", "AAA", "Saudi British Bank", "SAMA"]
    assert acronyms_spelled_out(orgs) == {"AAA": "Arabian Auto Agency"}
    # two names spelling one acronym in one article: which one is meant is not known
    assert acronyms_spelled_out(["EC", "European Community", "Export Council"]) == {}


def test_a_credit_grade_is_no_organization_where_the_article_speaks_of_ratings():
    from index.normalize import is_credit_grade

    text = "Standard and Poor's Corp downgraded the debt to BBB-minus from A."
    assert is_credit_grade("BBB", text) and is_credit_grade("BBB-minus", text)
    assert is_credit_grade("Baa2", "Moody's rates the notes Baa2.")
    assert not is_credit_grade("AAA", "Arabian Auto Agency, known as AAA, rescheduled its debt.")
    assert not is_credit_grade("IBM", text)


def test_a_firm_named_after_its_opening_words_is_found_in_the_text():
    from index.normalize import firm_name_starts

    assert "Goodyear Tire" in firm_name_starts("said Goodyear Tire and Rubber Co expects")
    assert "Hemlo Gold" in firm_name_starts("shares of Hemlo Gold Mines Inc rose")
    assert "Norsk Hydro" in firm_name_starts("Norsk Hydro A/S said")
    assert "Samuel Quist" in firm_name_starts("Samuel Quist and Co Ltd said")
    # a person beside a firm is not its name
    assert "James Baker" not in firm_name_starts("said James Baker and Chase Manhattan Corp")
    assert "Paul Volcker" not in firm_name_starts("said Paul Volcker of Morgan Stanley and Co")


def test_an_acronym_the_corpus_shows_in_lower_case_is_still_one():
    from index.normalize import acronyms_shown_in_lower_case, acronyms_spelled_out

    spelling = {"COMEX": "Comex", "Comex": "Comex", "Ford": "Ford", "FORD": "Ford Motor"}
    shown = acronyms_shown_in_lower_case(spelling)
    assert "Comex" in shown
    assert acronyms_spelled_out(["Comex", "Commodity Exchange Inc"], shown) == {
        "Comex": "Commodity Exchange Inc"
    }
    assert acronyms_spelled_out(["Comex", "Commodity Exchange Inc"]) == {}  # never written as an acronym


COUNTRY_WORDS = {"U.S.": "Arcadia", "U.K.": "Borduria", "Arcadia": "Arcadia", "Borduria": "Borduria"}
NATIONALITIES = {"Arcadian": "Arcadia", "Bordurian": "Borduria"}


def bodies(counts: dict[str, int]) -> dict[str, str]:
    return one_value_per_body(Counter(counts), COUNTRY_WORDS.get, NATIONALITIES.get)


def test_one_body_named_with_its_country_board_or_department_of_is_one_value():
    merged = bodies(
        {
            "Vellish Reserve": 50,
            "Vellish Reserve Board": 20,
            "U.S. Vellish Reserve": 5,
            "U.S. Vellish Reserve Board": 2,
            "U.S. Fishery Department": 30,
            "U.S. Department of Fishery": 25,
            "Fishery Department": 8,
            "Department of Fishery": 3,
        }
    )
    assert {name: merged[name] for name in merged if "Vellish" in name} == dict.fromkeys(
        ["Vellish Reserve Board", "U.S. Vellish Reserve", "U.S. Vellish Reserve Board"], "Vellish Reserve"
    )
    # the most named full form is the one shown
    assert {name: merged[name] for name in merged if "Fishery" in name} == dict.fromkeys(
        ["U.S. Department of Fishery", "Fishery Department", "Department of Fishery"],
        "U.S. Fishery Department",
    )


def test_a_body_two_countries_put_their_names_before_stays_apart_from_the_bare_name():
    merged = bodies(
        {
            "Pearl Ministry": 30,
            "U.K. Pearl Ministry": 5,
            "Bordurian Pearl Ministry": 1,
            "U.S. Pearl Ministry": 4,
        }
    )
    assert "Pearl Ministry" not in merged  # which country's? the corpus names two
    assert "U.K. Pearl Ministry" not in merged and "U.S. Pearl Ministry" not in merged
    # a nationality word alone is enough to say another country has one
    assert bodies({"Coral Office": 9, "U.S. Coral Office": 3, "Arcadian Coral Office": 1}) == {
        "U.S. Coral Office": "Coral Office"
    }
    assert bodies({"Coral Office": 9, "U.S. Coral Office": 3, "Bordurian Coral Office": 1}) == {}


def test_a_country_or_nationality_that_is_part_of_a_name_keeps_it_apart():
    merged = bodies(
        {
            "Arcadian Tin Exchange": 40,
            "Tin Exchange": 10,
            "Borduria Savings Corp": 4,
            "Savings Corp": 3,
            "U.S. Quill Co": 3,
            "Quill Co": 5,
            "Loan Bank Board": 4,
            "Loan Bank": 6,
        }
    )
    assert merged == {}


def test_a_share_price_move_after_a_name_says_it_is_a_firm():
    from index.normalize import firm_name_starts

    text = "In Toronto, Quellan Gold gained 1-1/4 at 26-3/4 and Vorn Mines advanced 7/8 to 27-1/4."
    assert firm_name_starts(text) == {"Quellan Gold", "Vorn Mines"}
    assert firm_name_starts("Orla Brenn rose to speak. Dana Vell gained 5 pct in the poll.") == set()


def test_a_he_later_in_the_sentence_does_not_mark_a_name_as_someone():
    from index.normalize import text_marks_a_person, text_shows_a_person

    text = "The deficit is 1.5 pct of Gross Vellish Product against five pct when he took office."
    start = text.index("Gross")
    assert not text_marks_a_person(text, start, start + len("Gross Vellish Product"))
    assert text_shows_a_person(text, start, start + len("Gross Vellish Product"))  # a lone name: still
    text = "Orla Brenn said she would go."
    assert text_marks_a_person(text, 0, len("Orla Brenn"))
    # "said" before a name marks it where the name ends the clause, not where it opens a reported one
    text = "It also said Gross Vellish\nProduct rose 8.3 pct, said Orla Brenn, its chairman."
    start = text.index("Gross")
    assert not text_marks_a_person(text, start, start + len("Gross Vellish\nProduct"))
    assert text_marks_a_person(text, text.index("Orla"), text.index("Orla") + len("Orla Brenn"))


def test_na_in_capitals_is_a_banks_legal_form():
    from index.normalize import is_company_name, without_legal_form

    assert is_company_name("Quistbank NA") and without_legal_form("Quistbank N.A.") == "Quistbank"
    assert not is_company_name("Na Vellan")  # a name, not a form


def test_a_bare_body_two_countries_name_is_the_one_of_the_articles_country():
    from index.normalize import bare_bodies_by_country
    from index.stages.normalize_corpus import bodies_of_the_articles_country

    counts = Counter(
        {"U.S. Fishery Department": 30, "U.S. Department of Fishery": 10, "Fishery Department": 9}
        | {"Bordurian Fishery Department": 1, "U.K. Coral Office": 3, "Coral Office": 2}
    )
    bare = bare_bodies_by_country(counts, COUNTRY_WORDS.get, NATIONALITIES.get)
    assert bare == {"Fishery Department": {"Arcadia": "U.S. Fishery Department"}}
    orgs = ["Fishery Department", "Quill Co"]
    assert bodies_of_the_articles_country(orgs, {"Arcadia", "Borduria"}, bare) == {
        "Fishery Department": "U.S. Fishery Department"
    }
    assert bodies_of_the_articles_country(orgs, {"Borduria"}, bare) == {}  # not about Arcadia: stays bare


def test_a_grade_named_after_a_state_is_no_place_a_coast_is():
    from index.normalize import is_thing_named_after_a_place

    states = {"Arcadia", "North Arcadia", "Northern"}.__contains__
    lower = {
        "sour",
        "sweet",
        "light",
        "coast",
        "harbor",
        "west",
        "northern",
        "district",
        "europe",
    }.__contains__
    assert is_thing_named_after_a_place("West Arcadia Sour", states, lower)
    assert is_thing_named_after_a_place("Light North Arcadia Sweet", states, lower)
    assert not is_thing_named_after_a_place("Arcadia Gulf Coast", states, lower)  # geography
    assert not is_thing_named_after_a_place("Port Arcadia Harbor", states, lower)
    assert not is_thing_named_after_a_place("West Arcadia", states, lower)  # ends in the state
    assert not is_thing_named_after_a_place("Vellum Sour", states, lower)  # names no state
    # "Northern" is a province somewhere, and a word: no state's name in "Northern District"
    words = {"Northern"}.__contains__  # written in lower case far more often than as a place
    assert not is_thing_named_after_a_place("Northern Vellum", states, lower, words)
    assert is_thing_named_after_a_place("Northern Vellum", states, {"vellum"}.__contains__)


def test_a_body_in_capitals_takes_the_corpus_casing_and_sentence_capitals():
    from index.normalize import headline_words, is_shouting, truecased_body, word_casings

    body = (
        "TARVIK, MAY 2 - ORLAN MINISTER DESSA KORVANE SAID\nPRICES ROSE. KORVANE TOLD REPORTERS THE KRONA FELL. "
        "HE SAID THE CABINET WOULD MEET ON THE BUDGET AND THE HARBOUR DUES NEXT WEEK, AND THAT TAXES WOULD NOT RISE."
    )
    others = ["Dessa Korvane of Orlan spoke in Tarvik in May.", "Korvane said the krona and prices rose."]
    casings = word_casings(others, headline_words(body))
    cased = truecased_body(body, casings)
    assert is_shouting(body) and not is_shouting(others[0]) and not is_shouting("REUTER")
    table = "NY COFFEE CLSG 7-APR\nMAY 101.50 102.10 UNCH\nJUL 103.20 103.90 UP 0.40\n" * 4
    assert not is_shouting(table)  # codes and figures in capitals: casing would make names of them
    assert cased == (
        "Tarvik, May 2 - Orlan minister Dessa Korvane said\nPrices rose. Korvane told reporters the krona fell. "
        "He said the cabinet would meet on the budget and the harbour dues next week, and that taxes would not rise."
    )
    assert len(cased) == len(body)  # the model's offsets hold for the body as stored

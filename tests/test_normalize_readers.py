"""Facet values a reader would find wrong: portfolios, generic names, names cut in two or joined by a
hyphen, nicknames, landforms and firms read as people, and surface forms with their punctuation.
Invented names throughout."""

import re
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from index.corpus import LabelVotes, count_label_votes
from index.entities import (
    hyphenated_places,
    joined_names,
    joined_to_the_head,
    names_a_body,
    names_a_company,
    trimmed_span,
)
from index.names import formal_names_of
from index.normalize import (
    articles_writing,
    body_in_article,
    canonical_spellings,
    country_form,
    firm_name_starts,
    is_ambiguous_body,
    is_generic_name,
    names_with_their_tail,
    nickname_map,
    opens_with_a_landform,
    qualified_forms,
    specific_name,
)
from index.places import gazetteer

from .mentions import entities_of, tagged


def test_a_hyphenated_pair_of_places_is_two_places_or_none():
    places = gazetteer()
    pair = hyphenated_places("U.S.-USSR", places)
    assert pair is not None and [p.name for _, _, p in pair] == ["United States", "Soviet Union"]
    assert [(start, end) for start, end, _ in pair] == [(0, 4), (5, 9)]
    assert hyphenated_places("U.S.-flag", places) == []  # a word: no place
    assert hyphenated_places("Vellora-Quistgrad", places) is None  # no pair of places: as it is
    assert hyphenated_places("Guinea-Bissau", places) is None  # one place
    assert hyphenated_places("Winston-Salem", places) is None
    assert hyphenated_places("New York", places) is None


def test_a_hyphenated_pair_in_a_text_gives_both_countries():
    text = "The U.S.-Japan talks on chips ended in Geneva without a deal, officials said."
    entities = entities_of(text, [("U.S.-Japan", "GPE"), ("Geneva", "GPE")])
    names = [p.name for p in entities.places]
    assert "United States" in names and "Japan" in names and "U.S.-Japan" not in names
    spans = {text[s:e] for s, e, facet, _ in entities.spans if facet == "place"}
    assert {"U.S.", "Japan"} <= spans


def test_a_portfolio_before_a_title_is_no_organization():
    text = "Talks in Vellora involved Fisheries Minister Oren Daska and Harbours Secretary Ila Brent."
    entities = entities_of(
        text,
        [("Fisheries", "ORG"), ("Oren Daska", "PERSON"), ("Harbours", "ORG"), ("Ila Brent", "PERSON")],
    )
    assert entities.orgs == []
    assert {"Oren Daska", "Ila Brent"} <= set(entities.people)
    text = "QUORA Secretary-General Oren Daska said the Fisheries Board met."
    entities = entities_of(text, [("QUORA", "ORG"), ("Oren Daska", "PERSON"), ("Fisheries Board", "ORG")])
    assert set(entities.orgs) == {"QUORA", "Fisheries Board"}


def test_a_body_a_title_heads_keeps_its_name():
    def mentions(name, times):
        return [tagged(name, [(name, "ORG")])] * times

    votes = count_label_votes(
        mentions("Exchequer", 12) + mentions("Exchequer Department", 2) + mentions("Fisheries", 3)
        + mentions("the Fisheries Department", 5) + mentions("Greenway", 9) + mentions("Greenway Party", 3)
    )  # fmt: skip
    assert names_a_body("Exchequer", votes)
    assert not names_a_body("Fisheries", votes)  # named as a department more: a portfolio
    assert not names_a_body("Greenway", votes)  # a party's short name: its minister is no party's
    text = "Exchequer Secretary Oren Daska met Fisheries Secretary Ila Brent."
    tags = [("Exchequer", "ORG"), ("Oren Daska", "PERSON"), ("Fisheries", "ORG"), ("Ila Brent", "PERSON")]
    assert entities_of(text, tags, votes).orgs == ["Exchequer"]


def test_members_of_an_organization_are_no_organization():
    text = "Scientists at the Vellum Institute said the sea was warmer. Quistors of Norra Bank agreed."
    tags = [("Scientists", "ORG"), ("Vellum Institute", "ORG"), ("Norra Bank", "ORG")]
    assert set(entities_of(text, tags).orgs) == {"Vellum Institute", "Norra Bank"}
    tags = [("Scientists", "ORG"), ("the Vellum Institute", "ORG"), ("Norra Bank", "ORG")]  # "the" in it
    assert set(entities_of(text, tags).orgs) == {"Vellum Institute", "Norra Bank"}
    text = "Harlands said on Monday it had bought Norra Bank."  # a firm speaking: still a firm
    assert set(entities_of(text, [("Harlands", "ORG"), ("Norra Bank", "ORG")]).orgs) == {
        "Harlands",
        "Norra Bank",
    }


def test_a_tail_cut_at_and_joins_the_organization_before_it():
    tail = "Loan Society"
    # the corpus finds "Loan Society" after some bank's name and "and", whichever bank it is
    corpus = []
    for head in ("Arvel Federal Savings", "Brisk Valley Savings", "Corran Savings", "Dunmore Savings"):
        text = f"{head} and {tail} said it would merge."
        corpus.append(tagged(text, [(head, "ORG"), (tail, "ORG")]))
    votes = count_label_votes(corpus)
    assert "loan society" in votes.tails_after_and
    text = "Elkmoor Federal Savings and Loan Society said it agreed to be acquired."
    mentions = tagged(text, [("Elkmoor Federal Savings", "ORG"), ("Loan Society", "ORG")])
    assert [m.text for m in joined_to_the_head(mentions, text, votes)] == [
        "Elkmoor Federal Savings and Loan Society"
    ]
    text = "Kell Inc and Loan Society Inc led it."  # a firm ending in its legal form is whole
    two = tagged(text, [("Kell Inc", "ORG"), ("Loan Society", "ORG")])
    assert joined_to_the_head(two, text, votes) == two
    text = "Orrin Brenn and Co said it bought it."  # a legal form is no name cut off
    legal = tagged(text, [("Orrin Brenn", "ORG"), ("Co", "ORG")])
    assert joined_to_the_head(legal, text, count_label_votes([legal] * 4)) == legal
    assert [m.text for m in joined_to_the_head(mentions, text, LabelVotes())] == [
        "Elkmoor Federal Savings",
        "Loan Society",
    ]  # with no such votes, two names
    text = "Fenwick Savings and\nLoan Society said it agreed to be acquired."
    mentions = tagged(text, [("Fenwick Savings and", "ORG"), ("Loan Society", "ORG")])
    assert [m.text for m in joined_to_the_head(mentions, text, votes)] == [
        "Fenwick Savings and\nLoan Society"
    ]
    text = "Elkmoor Federal Savings and Loan Society said it agreed to be acquired."
    assert entities_of(text, [("Elkmoor Federal Savings", "ORG"), ("Loan Society", "ORG")], votes).orgs == [
        "Elkmoor Federal Savings and Loan Society"
    ]


def test_a_partner_the_model_took_for_a_person_joins_the_firm():
    text = "said Orla Brenn, economist at brokers Quillon and Vance."
    tags = [("Orla Brenn", "PERSON"), ("Quillon", "ORG"), ("Vance", "PERSON")]
    votes = count_label_votes([tagged(text, tags)] * 3)
    assert "vance" in votes.tails_after_and and "vance" not in votes.heads_before_and
    entities = entities_of(text, tags, votes)
    assert entities.orgs == ["Quillon and Vance"] and entities.people == ["Orla Brenn"]
    assert "Quillon and Vance" not in entities_of(text, tags).orgs  # without the corpus's votes: two names


def test_two_people_one_space_apart_are_one_name():
    text = (
        "He represents President Amal ad-Darin Ben Youssef at the talks. Ora Lind, Ben Cato and Ed Rusk came."
    )
    mentions = tagged(text, [("Amal ad-Darin", "PERSON"), ("Ben Youssef", "PERSON"), ("Ora Lind", "PERSON")])
    assert [m.text for m in joined_names(mentions, text)] == ["Amal ad-Darin Ben Youssef", "Ora Lind"]
    listed = tagged(text, [("Ora Lind", "PERSON"), ("Ben Cato", "PERSON")])
    assert joined_names(listed, text) == listed  # a comma between: two people


def test_a_landform_or_a_firm_is_no_person():
    assert opens_with_a_landform("Jebel al-Ruwaq") and opens_with_a_landform("Mount Elbora")
    assert not opens_with_a_landform("Jebel") and not opens_with_a_landform("Lakeisha Moor")
    assert not opens_with_a_landform("Monte Velder")  # a first name too
    assert names_a_company("Cia La Vellosa") and names_a_company("Quist Brenn Inc.")
    assert not names_a_company("Inc Velder") and not names_a_company("Orla Brenn")
    text = "Rebels hid on the Jebel al-Ruwaq, while Cia La Vellosa closed its smelter at Linora."
    entities = entities_of(text, [("Jebel al-Ruwaq", "PERSON"), ("Cia La Vellosa", "PERSON")])
    assert entities.people == []
    assert "Cia La Vellosa" in entities.orgs


def test_a_nickname_and_the_full_first_name_are_one_person():
    assert "james" in formal_names_of("Jim") and formal_names_of("Zebulonia") == set()
    counts = Counter({"Jim Varrow": 38, "James Varrow": 10, "Bob Quell": 3, "Robert Quell": 5})
    assert nickname_map(counts, formal_names_of) == {
        "James Varrow": "Jim Varrow",
        "Bob Quell": "Robert Quell",
    }
    # a second person it could be: "Al" of Albert and of Alfred, both in the corpus
    counts = Counter({"Al Dorne": 4, "Albert Dorne": 3, "Alfred Dorne": 2})
    assert nickname_map(counts, formal_names_of) == {}
    # another surname is another person
    assert nickname_map(Counter({"Jim Varrow": 3, "James Varlow": 3}), formal_names_of) == {}


def test_a_party_or_family_firm_with_and_without_its_word_is_one_value():
    counts = Counter({"Greenway": 4, "Greenway Party": 9, "Quist": 3, "Quist Brothers": 20, "Quist Bros": 5})
    counts.update({"Vell": 3, "Vell Group": 5, "Orr": 2, "Orr Party": 1, "Orr Brothers": 1})
    assert names_with_their_tail(counts) == {
        "Greenway": "Greenway Party",
        "Quist": "Quist Brothers",
        "Quist Bros": "Quist Brothers",
    }


def test_a_generic_name_is_the_specific_one_the_article_names_or_none():
    assert is_generic_name("Central Bank", written_in_lower_case=419, named=90)
    assert not is_generic_name("Vellum Trust", written_in_lower_case=3, named=90)
    assert not is_generic_name("Bank", written_in_lower_case=900, named=90)  # one word: another rule's
    places = gazetteer()

    def names_a_place(run: str) -> bool:
        return places.resolve(run, alternates=False) is not None or places.nationality(run) is not None

    orgs = ["Central Bank", "Bank of Japan", "Quorn Trust"]
    assert specific_name("Central Bank", orgs, names_a_place) == "Bank of Japan"
    assert specific_name("Central Bank", ["Central Bank", "Dutch Central Bank"], names_a_place) == (
        "Dutch Central Bank"
    )
    assert specific_name("Central Bank", ["Central Bank", "Quorn Trust"], names_a_place) is None
    two = ["Central Bank", "Bank of Japan", "Bank of Finland"]
    assert specific_name("Central Bank", two, names_a_place) is None  # which one: no value


def test_a_span_loses_the_punctuation_at_its_edges():
    body = 'said Lukara, the minister; "Vellum Ltd" agreed'
    start = body.index("Lukara")
    assert body[slice(*trimmed_span(body, start, start + len("Lukara,")))] == "Lukara"
    start = body.index('"Vellum')
    assert body[slice(*trimmed_span(body, start, start + len('"Vellum Ltd"')))] == "Vellum Ltd"
    assert trimmed_span(body, 0, 4) == (0, 4)
    assert trimmed_span(body, 5, 500) == (5, 500)  # out of the body: as it is


def test_phrases_are_counted_by_the_articles_writing_them_as_words():
    texts = [
        "The central\nbank cut rates; the central bank said so.",
        "Central Bank of Vellora",
        "a decentral bank",
    ]
    counts = articles_writing(texts, ["central bank", "export sales"])
    assert counts == {"central bank": 1}


def test_a_body_named_with_several_countries_is_the_one_of_the_articles_country():
    places = gazetteer()

    def country_of(run):
        return places.country_named(run) or places.nationality(run)

    names = [
        "Vault Bank of Norway",
        "Vault Bank of New Zealand",
        "Vault Bank",
        "Danish Grain Board",
        "Grain Board",
    ]
    forms = qualified_forms(names, country_of)
    assert forms["Vault Bank"] == {
        "Norway": "Vault Bank of Norway",
        "New Zealand": "Vault Bank of New Zealand",
    }
    assert forms["Grain Board"] == {"Denmark": "Danish Grain Board"}
    assert is_ambiguous_body("Vault Bank", forms)
    assert not is_ambiguous_body("Grain Board", forms)  # one country: a name of its own
    assert country_form("Vault Bank", forms, {"New Zealand", "Japan"}) == "Vault Bank of New Zealand"
    assert country_form("Vault Bank", forms, {"New Zealand", "Norway"}) is None  # which one: none
    assert country_form("Vault Bank", forms, {"Japan"}) is None


def test_a_newspaper_is_named_as_a_publisher_not_a_person():
    assert firm_name_starts("The business daily Gazeta Vellosa reported that") == {"Gazeta Vellosa"}
    assert "Diario Quist" in firm_name_starts("was quoted in today's Diario Quist newspaper as saying")
    assert firm_name_starts("Orla Brenn said daily output rose") == set()


def test_a_unit_after_per_is_no_organization():
    text = "Sorghum is priced per\nQWT, Vellum Grain said."
    assert entities_of(text, [("QWT", "ORG"), ("Vellum Grain", "ORG")]).orgs == ["Vellum Grain"]


def test_a_generic_body_is_its_countrys_and_a_generic_thing_none():
    places = gazetteer()

    def names_a_place(run):
        return places.resolve(run, alternates=False) is not None or places.nationality(run) is not None

    forms = {"Vault Bank": {"Norway": "Vault Bank of Norway", "Japan": "Vault Bank of Japan"}}
    forms["Grain Output"] = {"Norway": "Norwegian Grain Output", "Japan": "Japanese Grain Output"}
    forms["Harbour Ministry"] = {"Norway": "Norwegian Harbour Ministry", "Japan": "Japanese Harbour Ministry"}

    def body(name, lower_case, countries=("Norway",), orgs=()):
        return body_in_article(name, [name, *orgs], countries, forms, lower_case, names_a_place)

    assert body("Vault Bank", True) == "Vault Bank of Norway"  # its country's
    assert body("Vault Bank", True, orgs=["Bank of Chile"]) == "Bank of Chile"  # the one the article names
    assert body("Vault Bank", True, countries=("Kenya",)) is None  # a common noun phrase, whose: none
    assert body("Grain Output", True) is None  # no body's name: never a value
    assert body("Harbour Ministry", False) == "Norwegian Harbour Ministry"
    # a name several countries give is the one country's the article names, else no value: one body each
    assert body("Harbour Ministry", False, countries=("Kenya",)) == "Harbour Ministry (Kenya)"
    assert body("Harbour Ministry", False, countries=("Kenya", "Chile")) is None
    assert body("Harbour Ministry", False, countries=()) is None


def test_a_legal_form_written_out_or_not_is_one_spelling():
    counts = Counter(
        {"Vellum Credit Corporation": 20, "Vellum Credit Corp": 5, "Quist Company": 1, "Quist Co": 3}
    )
    spelling = canonical_spellings(counts)
    assert spelling["Vellum Credit Corp"] == "Vellum Credit Corporation"
    assert spelling["Quist Company"] == "Quist Co"
    assert canonical_spellings(Counter({"Company": 2, "Co": 3}))["Company"] == "Company"  # no name before it


PHRASE_WORDS = ["central", "bank", "export", "sales", "o'neill", "vell-ora", "bänk"]
BODY_PIECES = [*PHRASE_WORDS, "Central", "banks", "-", ",", " ", "\n", "  ", "x"]


@given(
    st.lists(st.lists(st.sampled_from(BODY_PIECES), max_size=14).map("".join), max_size=6),
    st.sets(st.lists(st.sampled_from(PHRASE_WORDS), min_size=1, max_size=3).map(" ".join), max_size=5),
)
def test_phrases_are_searched_only_in_the_texts_that_may_write_them(texts, phrases):
    """The texts ``LowercaseWords.articles_holding`` leaves out write none of the phrases: counting
    phrases in the texts it names gives what a search of every text gives, for both ways of counting."""
    from index.stages.normalize_corpus import LowercaseWords, lowercase_phrases
    from index.stages.prepare import PreparedArticle

    wanted = {w for phrase in phrases for w in phrase.split()} | {"sales"}
    written = LowercaseWords(texts, wanted)
    holding = written.articles_holding(phrases)
    counted: Counter[str] = Counter()
    for number, held in holding.items():
        counted.update(articles_writing([texts[number]], held))
    assert counted == articles_writing(texts, phrases)

    prepared = [PreparedArticle(None, "", text, text, 0, None, None, "") for text in texts]  # type: ignore[arg-type]
    everywhere = Counter(
        p
        for text in texts
        for p in phrases
        if re.search(r"(?<![\w-])" + re.escape(p) + r"(?![\w-])", " ".join(text.split()))
    )
    assert lowercase_phrases(prepared, written, phrases) == everywhere


@given(
    st.lists(
        st.sampled_from(
            [
                "Vell",
                "'s",
                "’s",
                "'",
                " chairman",
                " plant",
                " the",
                "  ",
                "\n",
                "x",
                "company",
                " Orla",
                "\t",
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_firm_patterns_find_what_they_found_as_first_written(text):
    """The firm patterns, reordered to be searched faster, find the same spans as first written."""
    from index.normalize import FIRM_APPOSITION, FIRM_POSSESSIVE

    possessive = re.compile(r"(?<=\w)" + FIRM_POSSESSIVE.pattern.replace("['’](?<=\\w['’])", "['’]", 1))
    apposition = re.compile(FIRM_APPOSITION.pattern.replace("(?=[abcdfimnrsuw])", "", 1))
    assert possessive.pattern != FIRM_POSSESSIVE.pattern and apposition.pattern != FIRM_APPOSITION.pattern
    spans = lambda pattern: [m.span() for m in pattern.finditer(text)]  # noqa: E731
    assert spans(FIRM_POSSESSIVE) == spans(possessive)
    assert spans(FIRM_APPOSITION) == spans(apposition)

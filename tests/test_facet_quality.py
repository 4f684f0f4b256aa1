"""The rules that make facet values trustworthy, each on small invented examples."""

import json
import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index import store
from index.articles import Mention, Place
from index.build import BuildOptions, rebuild
from index.corpus import NO_VOTES, count_label_votes
from index.entities import (
    corpus_label,
    countries_about,
    dateline_home,
    dateline_qualifier,
    headline_countries,
    initialled_names,
    list_people,
    names_a_measure,
    names_in_lists,
    resolve_in_context,
    split_mentions,
)
from index.lists import is_list_line, slot_after, slot_before
from index.normalize import (
    COMPANY_FORMS,
    TITLES,
    clean_org,
    clean_person,
    country_stems,
    initials,
    is_acronym,
    is_demonym,
    merge_short_orgs,
    pair_acronyms,
    split_mention,
    strip_roles,
    text_shows_a_person,
)
from index.places import gazetteer
from index.stages.normalize_corpus import FIRM_WORDS

from .conftest import REUTERS, needs_reuters
from .mentions import entities_of, tagged


def test_a_mention_run_over_a_dash_or_bracket_is_split():
    text = "Norvania - Tomas Brell"
    assert [text[s:e] for s, e in split_mention(text)] == ["Norvania", "Tomas Brell"]
    text = "Pella Quist (Norvania"
    assert [text[s:e] for s, e in split_mention(text)] == ["Pella Quist", "Norvania"]
    assert split_mention("Jean-Luc Marrow") == [(0, 15)]
    text = "Yuri Vantree\nTAVILDARA"
    assert [text[s:e] for s, e in split_mention(text)] == ["Yuri Vantree", "TAVILDARA"]
    text = "Quorvath 3\nG. Brenn"
    assert [text[s:e] for s, e in split_mention(text)] == ["Quorvath 3", "G. Brenn"]
    assert split_mention("Tomas\nBrell") == [(0, 11)]  # a name wrapped over two lines stays one


def test_split_mentions_keep_offsets():
    parts = list(split_mentions([Mention("Norvania - Tomas Brell", "ORG", 10, 32)]))
    assert parts == [Mention("Norvania", "ORG", 10, 18), Mention("Tomas Brell", "ORG", 21, 32)]


def test_scores_after_a_name_go():
    assert clean_person("J. Ostler 56") == "J. Ostler"
    assert clean_person("de Varga 4-0-25-0") == "de Varga"


def test_a_title_or_a_verb_of_speech_shows_a_lone_name_is_someone():
    text = (
        "Minister Quorvath spoke. Trell said prices rose. Plenk, the chairman, told the meeting. Gorse rose."
    )
    assert text_shows_a_person(text, 9, 17)  # after a title
    assert text_shows_a_person(text, 25, 30)  # "Trell said"
    assert text_shows_a_person(text, 49, 54)  # "Plenk, the chairman, told"
    assert not text_shows_a_person(text, 87, 92)  # "Gorse rose."
    text = "Later Vamberg arrived. He signed the deal."
    assert text_shows_a_person(text, 6, 13)


def _mentions(*items):
    return [Mention(text, label, 0, len(text)) for text, label in items]


NAMES = st.sampled_from(["Orla Brenn", "Brenn", "Vell Corp", "Vell", "Loan Association", "Quist Savings"])
LABELS = st.sampled_from(["PERSON", "ORG", "GPE"])
ARTICLE_MENTIONS = st.lists(
    st.tuples(NAMES, LABELS, st.integers(0, 8)).map(lambda m: Mention(m[0], m[1], m[2], m[2] + len(m[0]))),
    max_size=6,
)


@given(st.lists(ARTICLE_MENTIONS, max_size=12), st.randoms(use_true_random=False))
def test_label_votes_do_not_depend_on_the_order_articles_are_counted_in(articles, random):
    """The build counts each text's mentions as NER finds them, and the cached ones after: the votes
    are those of the corpus, in whatever order its articles come."""
    shuffled = list(articles)
    random.shuffle(shuffled)
    first, second = count_label_votes(articles), count_label_votes(shuffled)
    assert {k: dict(v) for k, v in first.kinds.items()} == {k: dict(v) for k, v in second.kinds.items()}
    assert (first.given_names, first.heads_before_and, first.tails_after_and) == (
        second.given_names,
        second.heads_before_and,
        second.tails_after_and,
    )


def test_a_mentions_corpus_label_is_each_corpus_own():
    """``corpus_label`` keeps its answers with the votes they came from: another corpus's votes give
    their own answer for the same mention, and asking again gives the first answer."""
    mention = Mention("Grell Sea", "PERSON", 0, 9)
    places = count_label_votes([_mentions(("Grell Sea", "LOC"))] * 4)
    people = count_label_votes([_mentions(("Grell Sea", "PERSON"))] * 4)
    assert corpus_label(mention, places, gazetteer()) == "GPE"
    assert corpus_label(mention, people, gazetteer()) == "PERSON"
    assert corpus_label(mention, places, gazetteer()) == "GPE"


def test_a_name_starting_with_a_given_name_is_a_person_whatever_its_tag():
    votes = count_label_votes(
        [_mentions(("Orla Brenn", "PERSON"), ("Orla Quist", "PERSON"), ("Orla Stent", "PERSON"))]
    )
    assert votes.is_given_name("Orla")
    assert corpus_label(Mention("Orla Vantree", "ORG", 0, 12), votes, gazetteer()) == "PERSON"
    assert corpus_label(Mention("Orla Vantree Corp", "ORG", 0, 17), votes, gazetteer()) == "ORG"
    assert corpus_label(Mention("Plenk Vantree", "ORG", 0, 13), votes, gazetteer()) == "ORG"


def test_a_string_the_corpus_mostly_tags_otherwise_is_not_a_person():
    votes = count_label_votes(
        [_mentions(("Grell Sea", "LOC"))] * 4
        + [_mentions(("Grell Sea", "PERSON"))]
        + [_mentions(("K.T. Vossberg", "ORG"))] * 3
    )
    assert corpus_label(Mention("Grell Sea", "PERSON", 0, 9), votes, gazetteer()) == "GPE"
    assert corpus_label(Mention("K.T. Vossberg", "PERSON", 0, 13), votes, gazetteer()) == "ORG"
    assert corpus_label(Mention("Tomas Brell", "PERSON", 0, 11), votes, gazetteer()) == "PERSON"


def test_a_lone_name_that_says_something_is_a_person_not_a_town():
    text = "Bolton said the talks would go on."
    entities = entities_of(text, [("Bolton", "PERSON")])
    assert entities.people == ["Bolton"] and entities.confirmed_people == {"Bolton"}
    assert entities.places == []


def test_a_company_is_not_a_person():
    assert clean_person("Arcalex B.V") is None
    assert clean_person("Jovanovich Inc") is None
    assert clean_person("Gruppo Vellani") is None and clean_person("Banque Quistal") is None


def test_a_futures_month_is_not_a_person():
    assert clean_person("Near Aug") is None and clean_person("Dec Brenn") is None
    assert clean_person("Jan Vellum") == "Jan Vellum" and clean_person("June Quistad") == "June Quistad"


def test_a_dateline_qualifier_picks_the_country():
    places = gazetteer()
    assert dateline_home("BIRMINGHAM", "Ala.", places) == Place("Birmingham", "United States")
    assert dateline_home("GREENWICH", "Conn.", places).country == "United States"
    assert dateline_home("Scarborough", "Ontario", places).country == "Canada"
    assert dateline_home("BIRMINGHAM", "Feb 26", places) == Place("Birmingham", "United Kingdom")
    assert dateline_qualifier("BIRMINGHAM, Ala., Feb 26", None) == "Ala."
    assert dateline_qualifier(None, "HOUSTON, Tex.") == "Tex."


def test_an_organization_never_becomes_a_city_by_a_translated_name():
    places = gazetteer()
    assert places.resolve("White House", alternates=False) is None
    text = "The White House said on Monday it would act."
    entities = entities_of(text, [("The White House", "ORG")], places=places)
    assert entities.orgs == ["White House"] and entities.places == []


def test_an_ambiguous_city_is_the_one_in_the_articles_countries():
    places = gazetteer()
    found = resolve_in_context(
        [Place("Birmingham", "United Kingdom"), Place("Alabama", "United States")], None, set(), places
    )
    assert found[0] == Place("Birmingham", "United States")
    assert resolve_in_context([Place("Birmingham", "United Kingdom")], None, set(), places) == [
        Place("Birmingham", "United Kingdom")
    ]


def test_the_headline_names_countries():
    assert headline_countries("U.S. ASKS JAPAN TO END IMPORT CONTROLS", gazetteer()) == {
        "United States",
        "Japan",
    }
    assert headline_countries("MAY NET RISES", gazetteer()) == set()


def test_an_article_is_about_its_dateline_headline_lead_and_repeated_countries():
    places = [
        Place("Tokyo", "Japan"),
        Place("Paris", "France"),
        Place("Lyon", "France"),
        Place("Oslo", "Norway"),
        Place("Lima", "Peru"),
    ]
    first_seen = {"Tokyo": 10, "Paris": 500, "Lyon": 600, "Oslo": 700, "Lima": 800}
    about = countries_about(places, first_seen, Place("Madrid", "Spain"), {"Chile"}, lead=100)
    assert about == {"Spain", "Chile", "Japan", "France"}  # Norway and Peru are named once, in passing


def test_historic_countries_keep_their_name_under_one_country():
    places = gazetteer()
    assert places.resolve("Soviet Union") == Place("Soviet Union", "Russia")
    assert places.resolve("USSR") == Place("Soviet Union", "Russia")
    assert places.resolve("West Germany") == Place("West Germany", "Germany")
    assert places.resolve("Moscow").country == places.resolve("Soviet Union").country


def test_places_named_in_passing_go_unless_nothing_says_where_the_story_is():
    text = "Tokyo shares rose on Monday as exporters gained. Traders said a bank in Oslo had sold."
    entities = entities_of(text, [("Tokyo", "GPE"), ("Oslo", "GPE")])
    assert [p.name for p in entities.places] == ["Tokyo"]
    text = "Shares rose on Monday as exporters gained. Traders said a bank in Oslo had sold."
    entities = entities_of(text, [("Oslo", "GPE")])
    assert [p.name for p in entities.places] == ["Oslo"]


def test_role_words_go_by_the_sentence_structure():
    assert strip_roles("Energy Minister Quorvath") == "Quorvath"
    assert strip_roles("Mines and Energy Minister Quorvath") == "Quorvath"
    assert strip_roles("Defender Tomas Brell", frozenset({"defender"})) == "Tomas Brell"
    assert strip_roles("Tomas de Brell", frozenset({"de"})) == "Tomas de Brell"
    stems = country_stems(["Russia", "Belgium", "Japan", "South Korea", "Christmas Island"])
    assert strip_roles("Russian Igor Vantrel", demonym_of=stems) == "Igor Vantrel"
    assert strip_roles("Belgian King Orvald", demonym_of=stems) == "Orvald"
    assert strip_roles("Christian Vantrel", demonym_of=stems) == "Christian Vantrel"
    assert is_demonym("Korean", stems) and is_demonym("Japanese", stems) and not is_demonym("Igor", stems)


def test_a_role_word_is_not_stripped_when_it_is_a_given_name():
    text = "The bill passed. Bill Quorvath said so."
    votes = count_label_votes(
        [_mentions(("Bill Brenn", "PERSON"), ("Bill Stent", "PERSON"), ("Bill Quist", "PERSON"))]
    )
    entities = entities_of(text, [("Bill Quorvath", "PERSON")], votes)
    assert entities.people == ["Bill Quorvath"]


def test_acronyms_pair_with_their_expansion():
    assert initials("Securities and Exchange Commission") == "SEC"
    together = Counter(
        {
            ("SEC", "Securities and Exchange Commission"): 5,
            ("EC", "European Community"): 3,
            ("EC", "Export Council"): 1,
            ("OPEC", "Organization of Petroleum Exporting Countries"): 1,
        }
    )
    assert pair_acronyms(together, min_articles=2) == {
        "SEC": "Securities and Exchange Commission",
        "EC": "European Community",
    }
    assert pair_acronyms(together, min_articles=1)["OPEC"] == "Organization of Petroleum Exporting Countries"
    # by default only a pairing the corpus makes often names every article's acronym
    assert pair_acronyms(together) == {
        "SEC": "Securities and Exchange Commission",
        "EC": "European Community",
    }
    assert pair_acronyms(Counter({("NYMEX", "New York Mercantile Exchange"): 4})) == {
        "NYMEX": "New York Mercantile Exchange"
    }


def test_a_short_organization_merges_into_the_one_it_starts():
    assert merge_short_orgs(["Vantrel", "Vantrel's Ratings Service Inc", "Quist Corp"]) == {
        "Vantrel": "Vantrel's Ratings Service Inc"
    }
    assert merge_short_orgs(["Vantrel", "Vantrel Bank", "Vantrel Trust"]) == {}


def test_time_zones_units_currencies_and_numerals_are_not_organizations():
    places = gazetteer()
    assert names_a_measure("GMT", "closed at 1500 ", set(), places)
    assert names_a_measure("CWT", "sold 500 ", set(), places)
    assert names_a_measure("U.S. Dollar", "against the ", {"dollar"}, places)
    assert not names_a_measure("U.S. Treasury", "the ", {"dollar"}, places)
    assert not names_a_measure("Quist Corp", "shares of ", set(), places)
    assert clean_org("III") is None and clean_org("XIV") is None


def test_a_list_item_among_people_is_a_person():
    lines = [
        "1. Orla Brenn (Norvania) 12.71",
        "2. Tomas Quist (Vellia) 12.74",
        "3. Pella Stent (Norvania) 12.92",
        "4. Ilse Vantree (Vellia) 12.95",
    ]
    text = "\n".join(lines)
    names = [line[3 : line.index(" (")] for line in lines]
    mentions = tagged(text, zip(names, ["PERSON", "PERSON", "PERSON", "ORG"], strict=True))
    assert list_people(mentions, text, gazetteer()) == {mentions[3]}
    assert list_people(mentions[:1] + mentions[3:], text, gazetteer()) == set()  # too few items to tell
    prose = "Shares of Ilse Vantree rose, said Orla Brenn and Tomas Quist and Pella Stent."
    assert list_people([Mention("Ilse Vantree", "ORG", 10, 22)], prose, gazetteer()) == set()


def test_list_lines_are_told_from_prose():
    assert is_list_line("3. Pella Stent (Norway) 12.92")
    assert is_list_line("Chile - 1 - Orla Brenn; 2 - Tomas Quist (14 - Ilse Vantree 87th), 5 - Pella Stent")
    assert not is_list_line("Orla Brenn said on Tuesday that the 12 talks would go on.")
    assert not is_list_line("Orla Brenn and Tomas Quist")  # no figures: a heading or a byline


def test_a_list_item_is_placed_by_what_opens_and_closes_it():
    def is_country(name: str) -> bool:
        return name in {"Norway", "Chile"}

    assert slot_before("") == "start" and slot_before("14 - ") == "number" and slot_before("3. ") == "number"
    assert slot_before("6-2 ") == "number" and slot_before("(") == "(" and slot_before("x, ") == ","
    assert slot_before("(Norway) beat ") == "beat"
    assert slot_after(" (Norway) 12.92", is_country) == "(country)"
    assert slot_after(" (captain), 7", is_country) == "(other)"
    assert slot_after(" 69 71", is_country) == "figure" and slot_after("", is_country) == "end"
    assert slot_after(", 5 - Pella", is_country) == ","


def test_names_in_a_list_of_people_are_people_whatever_the_model_tagged():
    text = (
        "Results on Sunday:\n"
        "1. Orla Brenn (Norway) 12.71\n"
        "2. Tomas Quist (Chile) 12.74\n"
        "3. Pella Stent (Norway) 12.92\n"
        "4. Ilse Vantree (Chile) 12.95\n"
        "5. Dorin Makovec (Norway) 13.01\n"
    )
    tags = {"Orla Brenn": "PERSON", "Quist": "PERSON", "Pella Stent": "PERSON", "Ilse Vantree": "ORG"}
    mentions, listed = names_in_lists(tagged(text, tags.items()), text, NO_VOTES, gazetteer())
    assert sorted(m.text for m in listed) == ["Dorin Makovec", "Ilse Vantree", "Tomas Quist"]
    assert "Quist" not in [m.text for m in mentions]  # the model's part gives way to the whole name
    people = entities_of(text, tags.items()).people
    assert {"Dorin Makovec", "Ilse Vantree", "Tomas Quist", "Orla Brenn"} <= set(people)


def test_a_list_slot_is_for_people_only_when_its_known_names_mostly_are():
    places = gazetteer()
    prose = "Orla Brenn, Tomas Quist, Pella Stent and Dorin Makovec said the 12 talks went well.\n"
    tags = {"Orla Brenn": "PERSON", "Tomas Quist": "PERSON", "Pella Stent": "PERSON"}
    assert names_in_lists(tagged(prose, tags.items()), prose, NO_VOTES, places)[1] == set()
    # a table repeating one misread name is no list of people
    grades = "Vellum Cherry 12.5 (10.1)\nVellum Cherry 13.1 (11.0)\nVellum Cherry 9.8 (9.0)\nBrisk Cherry 8.1 (7.0)\n"
    repeated = [Mention("Vellum Cherry", "PERSON", i, i + 13) for i in (0, 26, 52)]
    assert names_in_lists(repeated, grades, NO_VOTES, places)[1] == set()
    # a place, an article or a mostly-organizations slot stays as it is
    table = "1. Orla Brenn 69 71\n2. Tomas Quist 70 70\n3. Pella Stent 71 70\n4. New Zealand 72 70\n5. The Brenner 73 70\n"
    listed = names_in_lists(tagged(table, tags.items()), table, NO_VOTES, places)[1]
    assert listed == set()  # all three known were already people: nothing new, and no place or article
    clubs = "1. Vellia United 10 8\n2. Norvik Rovers 10 7\n3. Orla Brenn 10 6\n4. Tomas Quist 10 5\n"
    clubs += "5. Pella Stent 10 4\n6. Dorin Makovec 10 3\n"  # three people of five known: not enough
    mixed = {"Vellia United": "ORG", "Norvik Rovers": "ORG", **tags}
    assert names_in_lists(tagged(clubs, mixed.items()), clubs, NO_VOTES, places)[1] == set()


def test_a_surname_with_a_particle_is_no_title_glued_to_a_name():
    from index.stages.normalize_corpus import title_glued_names

    people = Counter({"Dorin Van Makovec": 1, "Van Makovec": 3, "Energy Quistad": 2, "Quistad": 9})
    assert title_glued_names(people, NO_VOTES) == {"Energy Quistad": "Quistad"}


def test_a_title_the_model_always_glues_to_one_name_still_goes():
    from index.corpus import LabelVotes
    from index.stages.normalize_corpus import title_glued_names

    # "Treasurer" starts one person's name only, so the votes take it for a given name
    votes = LabelVotes(given_names=frozenset({"Treasurer", "Paul", "Mark"}))
    people = Counter({"Treasurer Paul Keating": 9, "Mark Eyskens": 12, "Mark Paul Quist": 2})
    written_lower = {"treasurer", "mark"}  # "the treasurer said"; "mark" as in a German mark
    glued = title_glued_names(people, votes, lambda word: word.casefold() in written_lower)
    assert glued["Treasurer Paul Keating"] == "Paul Keating"
    assert "Mark Eyskens" not in glued  # a given name before a surname alone stays
    assert "Mark Paul Quist" not in glued  # "Mark" opens names more often than titles them
    assert title_glued_names(people, votes) == {}  # without the corpus's lower-case words, as before


def test_a_firm_named_after_people_is_found_by_what_follows_its_name():
    from index.normalize import firm_name_starts
    from index.stages.normalize_corpus import firms_named_after_people

    assert firm_name_starts("bankers Samuel Quistad and Co Ltd said") == {"Samuel Quistad"}
    assert "T.R. Vellum" in firm_name_starts("advised by T.R. Vellum, Brenner, Stent Inc. on the deal")
    assert "Orla Brenn" in firm_name_starts("the parent, Orla Brenn Holdings Ltd, said")
    # a person and her company: the company's possessive names the company, not her
    assert firm_name_starts("said Orla Brenn, Vellia Corp's chairman") == {"Vellia Corp"}
    people = Counter({"Samuel Quistad": 10, "Orla Brenn": 10, "Dorin Makovec": 10, "Pella Stent": 40})
    # Pella Stent's firm is named in 3 of her 40 articles: she is a person who has a firm
    in_text = Counter({"Samuel Quistad": 6, "Orla Brenn": 1, "Dorin Makovec": 1, "Pella Stent": 3})
    orgs = Counter({"Dorin Makovec Securities Ltd": 3})
    assert firms_named_after_people(people, Counter(), in_text) == {"Samuel Quistad"}
    assert firms_named_after_people(people, orgs, Counter()) == {"Dorin Makovec"}


def test_a_clipping_pairs_with_the_name_it_clips():
    from index.normalize import is_clipping, pair_clippings

    assert is_clipping("Fedc", "Fedcoral Reserve Board") and not is_clipping("Fedc", "Fedc Bank")
    assert not is_clipping("Vellian", "Vellianal Budget Office")  # a word of its own, not a clipping
    assert not is_clipping("FED", "Federal Vellia") and not is_clipping("Fe", "Federal Vellia")
    together = Counter(
        {("Vell", "Vellian Grain Board"): 5, ("Vell", "Vellington Mills"): 1, ("Quis", "Quisling Co"): 2}
    )
    together.update({("Brel", "Brelford Bank"): 3, ("Brel", "Brellin Mills"): 3})  # neither is what it clips
    assert pair_clippings(together) == {"Vell": "Vellian Grain Board"}  # "Quis": too few articles


def test_an_organization_cut_at_and_is_the_whole_name_the_corpus_knows():
    from index.entities import joined_by_and, without_parts

    whole = [[Mention("Vellum and Quist's Corp", "ORG", 0, 23)]] * 3
    votes = count_label_votes(whole)
    text = "ratings agency Vellum and Quist's Corp said"
    cut = Mention("Quist's Corp", "ORG", text.index("Quist"), text.index(" said"))
    assert joined_by_and(cut, text, votes) == Mention("Vellum and Quist's Corp", "ORG", 15, 38)
    assert joined_by_and(cut, text, NO_VOTES) == cut  # the corpus never named the whole
    known = count_label_votes([[Mention("Brenner and Vellum", "ORG", 0, 18)]] * 3)
    text = "Brenner and Vellum Plc said"
    assert joined_by_and(Mention("Vellum Plc", "ORG", 12, 22), text, known).text == "Brenner and Vellum Plc"
    assert clean_org("Vellum Holdings Ltd") == "Vellum Holdings Ltd"  # "Ltd" is no shorthand like "Dlrs"
    assert clean_org("Sons Inc") is None  # what the model leaves of "Quist and Sons Inc": no name
    # three words before the "and", and the model's head of the name goes into the whole
    known = count_label_votes([[Mention("Northern Quill and Vellum Co", "ORG", 0, 28)]] * 3)
    text = "shares of Northern Quill and Vellum Co rose"
    head, tail = Mention("Northern Quill", "ORG", 10, 24), Mention("Vellum Co", "ORG", 29, 38)
    joined = [joined_by_and(m, text, known) for m in (head, tail)]
    assert without_parts([head, tail], joined) == [Mention("Northern Quill and Vellum Co", "ORG", 10, 38)]
    # the model never tags the whole, but the corpus finds "Vellum Co" right after "Northern Quill and"
    cut_in_two = [[Mention("Northern Quill", "ORG", 0, 14), Mention("Vellum Co", "ORG", 19, 28)]] * 3
    alone = [[Mention("Vellum Co", "ORG", 0, 9)]] * 2
    votes = count_label_votes(cut_in_two + alone)
    assert votes.heads_before_and == {"vellum co": "northern quill"}
    assert joined_by_and(tail, text, votes).text == "Northern Quill and Vellum Co"
    assert count_label_votes(cut_in_two + alone * 2).heads_before_and == {}  # mostly alone: a name of its own


def test_a_region_tagged_as_a_person_is_a_place():
    places = gazetteer()
    assert places.region("Rio Grande do Sul") == Place("Rio Grande do Sul", "Brazil")
    assert places.region("Victoria") is None  # one word: too often a person's name
    text = "Rains fell in Mato Grosso on Tuesday, officials said."
    entities = entities_of(text, [("Mato Grosso", "PERSON")], places=places)
    assert entities.people == [] and [p.country for p in entities.places] == ["Brazil"]


@pytest.fixture(scope="session")
def reuters_vocabulary(reuters_slice_index) -> dict:
    """The facet values of every tenth Reuters article (the session's Reuters slice), most frequent first."""
    return json.loads((store.current_generation(reuters_slice_index) / "vocabulary.json").read_text())


def _top(vocabulary: dict, facet: str, count: int = 200) -> list[str]:
    return list(vocabulary[facet])[:count]


@needs_reuters
def test_reuters_top_people_are_people(reuters_vocabulary):
    places = gazetteer()
    orgs = reuters_vocabulary["org"]
    for name in _top(reuters_vocabulary, "person"):
        place = places.resolve(name, alternates=False)
        # a one-word name may be a town's too ("Johnstone said"): the text said it was someone
        assert not (place and place.country and (" " in name or places.is_country(place))), (
            f"{name!r} is a place"
        )
        assert name.split()[0].casefold().rstrip(".") not in TITLES, f"{name!r} starts with a title"
        assert not any(w.casefold().replace(".", "").strip(",") in COMPANY_FORMS for w in name.split()), (
            f"{name!r} is a company"
        )
        firms = sum(
            count
            for org, count in orgs.items()
            if org.startswith(name + " ")
            and any(w.casefold().strip(".,") in FIRM_WORDS for w in org.split()[2:])
        )
        assert firms < 2, f"{name!r} is a firm ({firms} articles name it as one)"


def figures_before(name: str, text: str) -> int:
    """How many times ``name`` follows a figure: ``len(re.findall(r"\\d\\s+" + re.escape(name) + r"\\b",
    text))``, looked for from the name's own places (a pattern that starts with a digit tries every digit
    of the corpus: 2 minutes for 200 names over Reuters, 3 s from the names)."""
    pattern = re.compile(r"\d\s+" + re.escape(name) + r"\b")
    count, end, at = 0, 0, text.find(name)
    while at != -1:
        start = at
        while start > 0 and text[start - 1].isspace():
            start -= 1
        found = pattern.match(text, start - 1) if end < start < at else None
        if found and found.end() == at + len(name):  # findall's matches never overlap: nor do these
            count, end = count + 1, found.end()
        at = text.find(name, at + 1)
    return count


def test_figures_before_counts_what_findall_finds():
    for text in [
        "5 Group 7 Group 7 x",
        "1 AA AAA 2 AA",
        "3\n\tAB AB 4 ABC 5 AB",
        "9 A9 9 A9 A9",
        "x7  Y7 Y7",
    ]:
        for name in ["Group 7", "AA", "AB", "A9", "Y7", "A", "ABC"]:
            expected = len(re.findall(r"\d\s+" + re.escape(name) + r"\b", text))
            assert figures_before(name, text) == expected, (name, text)


@needs_reuters
def test_reuters_top_organizations_are_one_value_each_and_organizations(reuters_vocabulary):
    top = _top(reuters_vocabulary, "org")
    acronyms = {org.replace(".", "") for org in top if is_acronym(org)}
    pairs = [(initials(org), org) for org in top if " " in org and initials(org) in acronyms]
    assert not pairs, f"acronym and expansion as two values: {pairs}"
    places = gazetteer()
    text = REUTERS.read_text(encoding="utf-8")
    for org in top:
        after_numbers = figures_before(org, text)
        assert after_numbers * 2 < max(1, text.count(org)), f"{org!r} follows figures: a unit or a time zone"
        head, _, last = org.rpartition(" ")
        country = places.resolve(head, alternates=False) if head else None
        assert not (
            country and places.is_country(country) and last.lower() in {"dollar", "dollars", "yen", "pound"}
        ), f"{org!r} is a currency"


@pytest.fixture(scope="session")
def reuters_texts() -> list[str]:
    """The headline and body of every article the Reuters slice holds (every tenth), as a reader sees them."""
    lines = REUTERS.read_text(encoding="utf-8").splitlines()[::10]
    return [f"{a.get('title', '')}\n{a.get('body', '')}" for a in map(json.loads, lines)]


FIRM_AFTER = (
    r"(?:,?\s+(?:and|&)\s+(?:Co|Sons|Company)\b|\s+\(?(?:Holdings|Ltd|Inc|Corp|Plc|PLC|Securities)\b)"
)


@needs_reuters
def test_reuters_top_people_are_no_firms_and_no_regions(reuters_vocabulary, reuters_texts):
    import pycountry

    regions = {d.name.casefold() for d in pycountry.subdivisions if " " in d.name}
    text = "\n".join(reuters_texts)
    for name in _top(reuters_vocabulary, "person"):
        assert name.casefold() not in regions, f"{name!r} is a country's region"
        if " " not in name:
            continue
        spelled = re.escape(name).replace(r"\ ", r"\s+")
        firm = len(re.findall(spelled + FIRM_AFTER, text))
        total = len(re.findall(spelled, text))
        assert not (firm >= 2 and firm >= 0.2 * total), f"{name!r} is a firm: {firm} of {total} name one"


@needs_reuters
def test_reuters_top_organizations_are_no_clippings_or_tails(reuters_vocabulary, reuters_texts):
    top = _top(reuters_vocabulary, "org")
    clippings = [
        (short, org)
        for short in top
        if re.fullmatch(r"[A-Z][a-z]{2,3}", short)
        for org in top
        if " " in org and org.split()[0].startswith(short) and org.split()[0] != short
    ]
    assert not clippings, f"a clipping and the name it clips as two values: {clippings}"
    text = "\n".join(reuters_texts)
    for org in top:
        if " " not in org:
            continue
        spelled = re.escape(org).replace(r"\ ", r"\s+")
        # one name cut in two has one head ("Standard and Poor's Corp"); a list of firms has many
        heads = Counter(re.findall(r"\b([A-Z][\w.'-]*)\s+(?:and|&)\s+" + spelled, text))
        tail = heads.most_common(1)[0][1] if heads else 0
        assert tail * 2 < max(1, len(re.findall(spelled, text))), f"{org!r} is the tail of an 'X and Y' name"


def test_names_the_corpus_knows_are_found_where_the_model_missed_them():
    from index.stages.normalize_corpus import known_names_in

    known = {"Orla Brenn", "Tomas Quist", "Tomas Quist Jr"}
    text = "Results:\n1. Orla Brenn 12.71\n2. Tomas Quist Jr 12.80\nQuist said nothing."
    assert known_names_in(text, known) == ["Orla Brenn", "Tomas Quist Jr"]
    assert known_names_in("orla brenn was not named", known) == []


def test_names_shaped_like_the_lists_people_are_people():
    text = "Vellia 259 (A. Dorne 69, H. Quist 69; D. Brell 4-43), Norvania 114 (S. McWatt 4-28). U.S. Steel fell."
    assert initialled_names(text, ["H. Quist", "D. Brell", "S. McWatt"], gazetteer()) == [
        "A. Dorne",
        "H. Quist",
        "D. Brell",
        "S. McWatt",
    ]
    assert initialled_names(text, ["H. Quist", "D. Brell"], gazetteer()) == []  # too few to tell


def test_an_article_that_names_someone_only_by_surname_keeps_them(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Talks stall in Geneva\n\nMr Putin's envoy arrived in Geneva on Monday. Bolton said "
        "the talks would resume next week, and he added that no date was set.\n"
    )
    rebuild([str(folder)], tmp_path / "index", BuildOptions(progress=False))
    vocabulary = json.loads((store.current_generation(tmp_path / "index") / "vocabulary.json").read_text())
    assert {"Putin", "Bolton"} <= set(vocabulary["person"])
    assert "Bolton" not in vocabulary["place"] and "United Kingdom" not in vocabulary["country"]


def _prepared(body: str, people=(), orgs=(), confirmed=()):
    """An article past the entities stage, with the values given: what the corpus stage reads."""
    from index.articles import Article, Entities
    from index.stages.prepare import PreparedArticle

    article = Article(title="", body=body, origin="invented.txt", id=f"invented/{abs(hash(body))}")
    entities = Entities(people=list(people), orgs=list(orgs), confirmed_people=set(confirmed))
    return PreparedArticle(article, "", body, body, 0, None, None, "", entities=entities)


def test_a_person_marks_are_a_title_a_verb_of_speech_or_a_possessive_role():
    from index.normalize import text_marks_a_person

    def marks(text: str, name: str) -> bool:
        return text_marks_a_person(text, text.index(name), text.index(name) + len(name))

    assert marks("Orla Brenn's spokesman declined to comment.", "Orla Brenn")
    assert marks("Orla Brenn's wife was there.", "Orla Brenn's")
    assert marks("Orla Brenn said prices would rise.", "Orla Brenn")
    assert marks("Minister Orla Brenn arrived.", "Orla Brenn")
    assert not marks("Kansas Vellum crude rose 50 cts to 18 dlrs.", "Kansas Vellum")
    assert not marks("Kansas Vellum's price rose 50 cts.", "Kansas Vellum")
    text = "Kansas Vellum said it would buy. Mr Orla Brenn agreed."
    entities = entities_of(text, [("Kansas Vellum", "PERSON"), ("Mr Orla Brenn", "PERSON")])
    assert entities.confirmed_people == {"Kansas Vellum", "Orla Brenn"}


def test_a_thing_named_after_a_place_and_never_marked_as_someone_is_not_a_person():
    from index.normalize import names_of_things
    from index.stages.normalize_corpus import normalize_across_corpus

    def is_place(word: str) -> bool:
        return gazetteer().resolve(word, alternates=False) is not None

    common = {"vellum", "quistad", "makovec", "brenn", "stent", "oil", "soybean"}  # written in lower case
    people = ["Kansas Vellum", "Denver Quistad", "Florence Makovec", "Orla Brenn", "Kansas", "Soybean Oil"]
    people += ["Kansas Pellik", "Dorin Stent"]
    marked = {"Denver Quistad", "Florence Stent"}  # "Florence" is a first name elsewhere
    things = names_of_things(
        people, marked, is_place, lambda w: w == "Dorin", lambda w: w.casefold() in common
    )
    assert things == {"Kansas Vellum", "Soybean Oil"}  # "Pellik" is no common word; "Dorin" a first name
    # a place's abbreviation opening a marked name ("U.K. Minister Orla Brenn said") is no first name
    abbreviated = names_of_things(
        ["U.K. Vellum"],
        {"U.K. Minister Orla Brenn"},
        is_place,
        lambda w: False,
        lambda w: w.casefold() in common,
    )
    assert abbreviated == {"U.K. Vellum"}

    crude = "Kansas Vellum crude rose 50 cts. Orla Brenn traded it. The vellum grade fell."
    articles = [
        _prepared(crude, people=["Kansas Vellum", "Orla Brenn"]),
        _prepared("More vellum crude.", people=[]),
        _prepared("Vellum prices and vellum grades.", people=[]),
        _prepared("Kansas Vellum fell.", people=["Kansas Vellum"]),
        _prepared("Denver Quistad said it rose.", people=["Denver Quistad"], confirmed=["Denver Quistad"]),
        _prepared("Denver Quistad traded.", people=["Denver Quistad"]),
    ]
    normalize_across_corpus(articles, {})
    assert [a.entities.people for a in articles] == [
        ["Orla Brenn"],
        [],
        [],
        [],
        ["Denver Quistad"],
        ["Denver Quistad"],
    ]
    # a name the index already holds as a person (an add to it) is not judged on the new articles alone
    again = [_prepared("Kansas Vellum fell.", people=["Kansas Vellum"])]
    normalize_across_corpus(again, {"person": Counter({"Kansas Vellum": 3})})
    assert again[0].entities.people == ["Kansas Vellum"]


def test_a_firm_named_with_and_without_its_legal_form_is_one_value():
    from index.normalize import pair_legal_forms, pair_short_orgs, without_legal_form
    from index.stages.normalize_corpus import normalize_across_corpus

    assert without_legal_form("Vellum Co Ltd") == "Vellum" and without_legal_form("Quistad SA") == "Quistad"
    by_article = [{"Vellum", "Vellum Ltd"}, {"Vellum Ltd"}, {"Vellum Ltd"}, {"Quistad Corp"}, {"Quistad"}]
    # the name readers know, however often the legal form is written; never named together: two values
    assert pair_legal_forms(by_article) == {"Vellum Ltd": "Vellum"}
    # every form named beside the bare name in an article is the same firm
    assert pair_legal_forms([{"Brell Inc", "Brell", "Brell Corp"}, {"Brell Corp", "Brell"}]) == {
        "Brell Corp": "Brell",
        "Brell Inc": "Brell",
    }
    # a name of two words is specific enough: named apart, the one form it is given with in most articles
    apart = [{"Vell Quist Airlines"}, {"Vell Quist Airlines Inc"}, {"Vell Quist Airlines Inc"}]
    apart += [{"Vell Quist Airlines Corp"}]
    assert pair_legal_forms(apart) == {"Vell Quist Airlines Inc": "Vell Quist Airlines"}
    assert pair_legal_forms([*apart, {"Vell Quist Airlines Corp"}]) == {}  # two forms as common: two firms?
    assert pair_legal_forms([{"Vellum"}, {"Vellum Inc"}]) == {}  # one word named apart: too little to tell
    # a name of two words named beside one form and given another only apart: both forms are the firm
    beside_and_apart = [{"Vell Quist", "Vell Quist Corp"}, {"Vell Quist Inc"}, {"Vell Quist"}]
    assert pair_legal_forms(beside_and_apart) == {
        "Vell Quist Corp": "Vell Quist",
        "Vell Quist Inc": "Vell Quist",
    }
    # "Moody" of "Moody's": the longer name it mostly comes with; a name mostly alone is its own
    shorts = [{"Vellbank", "Vellbank's Rating Service Inc"}] * 2 + [{"Vellbank"}]
    shorts += [{"Quistbank", "Quistbank Council"}] + [{"Quistbank"}] * 5
    assert pair_short_orgs(shorts) == {"Vellbank": "Vellbank's Rating Service Inc"}

    articles = [
        _prepared("Vellum Ltd said. Vellum rose.", orgs=["Vellum Ltd", "Vellum"]),
        _prepared("Vellum fell.", orgs=["Vellum"]),
        _prepared("Vellum Ltd rose.", orgs=["Vellum Ltd"]),
        _prepared("Vellum traded.", orgs=["Vellum"]),
    ]
    normalize_across_corpus(articles, {})
    assert [a.entities.orgs for a in articles] == [["Vellum"]] * 4


def test_an_acronym_is_no_town_its_letters_spell():
    from index.corpus import count_label_votes
    from index.entities import acronym_place

    places = gazetteer()
    votes = count_label_votes([[Mention("ICO", "ORG", 0, 3)]] * 3 + [[Mention("ROME", "GPE", 0, 4)]] * 3)
    assert acronym_place("ICO", places.resolve("ICO"), places, votes) is None  # Icó, Brazil
    assert acronym_place("ROME", places.resolve("ROME"), places, votes).country == "Italy"
    assert acronym_place("USA", places.resolve("USA"), places, votes).country == "United States"
    text = "Delegates of the ICO met in London."
    entities = entities_of(text, [("ICO", "ORG")], votes, places)
    assert entities.orgs == ["ICO"] and entities.places == []


def test_an_organization_cut_after_of_is_completed_or_dropped():
    from index.entities import completed_name

    text = "the Group of 10 met, and the Bank of said no"
    cut = Mention("Group of", "ORG", 4, 12)
    assert completed_name(cut, text) == Mention("Group of 10", "ORG", 4, 15)
    assert clean_org("Bank of") is None and clean_org("Bank of Vellia") == "Bank of Vellia"


def test_british_and_american_spellings_are_one_value():
    from index.normalize import canonical_spellings

    spellings = canonical_spellings(
        Counter({"Vellian Coffee Organisation": 5, "Vellian Coffee Organization": 2})
    )
    assert spellings["Vellian Coffee Organization"] == "Vellian Coffee Organisation"


def test_a_name_of_two_surnames_goes_to_the_full_name_it_ends():
    from index.normalize import corpus_surname_map, merge_short_names

    names = ["Arturo Hernandez Vellara", "Hernandez Vellara", "Orla Brenn", "Dorin De Quist", "De Quist"]
    names += ["Vellian H. Tomas Brell", "Tomas Brell"]  # a longer name is not two surnames
    # "De Quist" is one surname with its particle, not two surnames: it is Dorin De Quist as a lone surname
    assert merge_short_names(names) == {
        "Hernandez Vellara": "Arturo Hernandez Vellara",
        "De Quist": "Dorin De Quist",
    }
    counts = Counter(
        {"Arturo Hernandez Vellara": 6, "Hernandez Vellara": 5, "Pella Stent": 40, "Quist Pella Stent": 1}
    )
    assert corpus_surname_map(counts) == {"Hernandez Vellara": "Arturo Hernandez Vellara"}


@needs_reuters
def test_reuters_top_values_are_no_legal_form_pairs_no_things_and_no_acronym_towns(
    reuters_vocabulary, reuters_texts
):
    from index.normalize import without_legal_form

    top = _top(reuters_vocabulary, "org")
    pairs = [(org, without_legal_form(org)) for org in top if without_legal_form(org) in set(top) - {org}]
    assert not pairs, f"a firm with and without its legal form as two values: {pairs}"
    places = gazetteer()
    lower = Counter(re.findall(r"\b[a-z]+\b", "\n".join(reuters_texts)))
    for name in _top(reuters_vocabulary, "person"):
        words = name.split()
        first = places.resolve(words[0], alternates=False) if len(words) > 1 else None
        thing = (
            first and (places.is_country(first) or places.is_state(first)) and lower[words[-1].lower()] >= 3
        )
        assert not thing, f"{name!r} is a thing named after a place"
    assert not {"Icó", "Ico"} & set(reuters_vocabulary["place"]), "an acronym read as a town"


def test_a_flash_headline_goes_to_ner_cased_as_the_corpus_writes_it():
    from index.articles import Article
    from index.stages.annotate import case_capitals_for_ner
    from index.stages.prepare import prepare

    body = "Federal Reserve Board Chairman Paul Volcker said severe problems remain in the U.S. economy."
    story = prepare(Article("Volcker sees problems", body, "a.jsonl:1"), set(), [])
    flash = prepare(Article("VOLCKER SEES SEVERE PROBLEMS IN U.S.", "", "a.jsonl:2"), set(), [])
    assert story is not None and flash is not None and flash.ner_text == ""
    before = story.ner_text, story.body_offset
    case_capitals_for_ner([story, flash])
    assert flash.ner_text == "Volcker sees severe problems in U.S.\n\n"
    assert flash.body_offset == len(flash.ner_text)  # the headline is no part of the body's spans
    assert (story.ner_text, story.body_offset) == before  # an article with a body is read as before


def test_a_flash_headline_takes_the_label_the_corpus_gives_its_words():
    from index.entities import entities_from_mentions, headline_label

    votes = count_label_votes(
        [
            [Mention("Volcker", "PERSON", 0, 7)],
            [Mention("Volcker", "PERSON", 0, 7)],
            [Mention("Volcker", "PERSON", 0, 7)],
        ]
    )
    assert headline_label(Mention("Volcker", "ORG", 0, 7), "ORG", votes) == "PERSON"
    assert headline_label(Mention("Quorvath", "ORG", 0, 8), "ORG", votes) == "ORG"  # no votes: as tagged
    title = "VOLCKER SEES SEVERE PROBLEMS"
    text = "Volcker sees severe problems\n\n"
    entities = entities_from_mentions(
        [Mention("Volcker", "ORG", 0, 7)],
        body_offset=len(text),
        published=None,
        dateline=None,
        dateline_place=None,
        gazetteer=gazetteer(),
        text=text,
        votes=votes,
        title=title,
    )
    assert entities.people == ["Volcker"] and entities.orgs == [] and entities.spans == []


def test_a_lone_surname_tagged_as_an_organization_is_the_person_the_corpus_knows():
    from index.stages.normalize_corpus import normalize_across_corpus

    articles = [
        _prepared("Orla Brenn said rates would fall.", people=["Orla Brenn"]),
        _prepared("Orla Brenn spoke again.", people=["Orla Brenn"]),
        _prepared("Brenn sees problems.", orgs=["Brenn"]),  # a flash whose surname the model called ORG
        _prepared("Stent International rose. Stent fell.", orgs=["Stent International", "Stent"]),
        _prepared("Dorin Stent said. Dorin Stent agreed.", people=["Dorin Stent"]),
        _prepared("Dorin Stent again.", people=["Dorin Stent"]),
    ]
    normalize_across_corpus(articles, {})
    assert (articles[2].entities.people, articles[2].entities.orgs) == (["Orla Brenn"], [])
    assert "Stent" in articles[3].entities.orgs or "Stent International" in articles[3].entities.orgs
    assert articles[3].entities.people == []  # a word of a longer organization's name stays the company


def test_an_acronym_named_once_beside_a_name_is_that_name_only_in_that_article():
    from index.stages.normalize_corpus import normalize_across_corpus

    articles = [
        _prepared("Arvell Auto Agency, known as AAA, rescheduled.", orgs=["Arvell Auto Agency", "AAA"]),
        _prepared("The AAA rated the notes.", orgs=["AAA"]),
        _prepared("The AAA rated the bonds.", orgs=["AAA"]),
    ]
    normalize_across_corpus(articles, {})
    assert [a.entities.orgs for a in articles] == [["Arvell Auto Agency"], ["AAA"], ["AAA"]]


def test_a_common_word_in_capitals_or_alone_is_neither_organization_nor_place():
    from index.articles import Entities
    from index.stages.normalize_corpus import normalize_across_corpus

    lower = [_prepared(f"The millet crop and millet prices, report {n}.") for n in range(12)]
    table = _prepared("MILLET 12.5 13.0")
    table.entities = Entities(orgs=["MILLET", "Vellum Grain Board"], places=[Place("Millet", None)])
    normalize_across_corpus([*lower, table], {})
    assert table.entities.orgs == ["Vellum Grain Board"]  # "MILLET" is the grain, not a body
    assert table.entities.places == []  # nor a place


def test_a_lone_countryless_place_the_corpus_knows_as_a_person_is_shown_as_one_or_goes():
    from index.articles import Entities
    from index.stages.normalize_corpus import normalize_across_corpus

    named = [_prepared(f"Vorneck said it rose {n}.", people=["Vorneck"]) for n in range(3)]
    misread = _prepared("Output at Vorneck Kokan rose.")
    misread.entities = Entities(places=[Place("Vorneck", None)], orgs=["Vorneck Kokan"])
    normalize_across_corpus([*named, misread], {})
    assert misread.entities.people == [] and misread.entities.places == []


def test_a_bare_body_goes_with_the_one_of_the_articles_country():
    from index.articles import Entities
    from index.stages.normalize_corpus import normalize_across_corpus

    def article(orgs: list[str], country: str) -> object:
        item = _prepared(f"A story {orgs} {country}.")
        item.entities = Entities(orgs=orgs, places=[Place(country, country)])
        return item

    articles = [
        article(["U.S. Fishery Department"], "United States"),
        article(["U.S. Department of Fishery"], "United States"),
        article(["U.S. Fishery Department"], "United States"),
        article(["Irish Fishery Department"], "Ireland"),
        article(["Fishery Department"], "United States"),
        article(["Fishery Department"], "Ireland"),
    ]
    normalize_across_corpus(articles, {})
    assert [a.entities.orgs for a in articles] == [
        ["U.S. Fishery Department"],
        ["U.S. Fishery Department"],
        ["U.S. Fishery Department"],
        ["Irish Fishery Department"],
        ["U.S. Fishery Department"],
        ["Irish Fishery Department"],  # in Ireland: the form the corpus gives it for Ireland
    ]


def test_a_phrase_the_corpus_writes_in_lower_case_is_no_person_whatever_the_votes_say():
    from index.normalize import names_of_things
    from index.stages.normalize_corpus import LowercaseWords, lowercase_phrases

    def common(word: str) -> bool:
        return word.casefold() in {"gross", "vellish", "product", "young"}

    people = ["Gross Vellish Product", "Gross Vellish Income", "Duncan Young", "Duncan Brenn"]
    # the model tags such phrases as people so often that "Gross" starts more people than anything else
    given = {"Gross", "Duncan"}.__contains__
    assert names_of_things(people, set(), lambda w: False, given, common) == set()
    prepared = [_prepared("Real gross vellish\nproduct rose."), _prepared("The gross vellish product fell.")]
    written = LowercaseWords(
        [item.body for item in prepared], {"gross", "vellish", "product", "duncan", "young"}
    )
    phrases = lowercase_phrases(prepared, written, {"gross vellish product", "duncan young"})
    assert phrases == Counter({"gross vellish product": 2})
    things = names_of_things(
        people, set(), lambda w: False, given, common, lambda n: phrases[n.casefold()] >= 2
    )
    assert things == {"Gross Vellish Product"}


def test_a_body_in_capitals_goes_to_ner_cased_and_its_spans_fit_the_stored_body():
    from index.articles import Article
    from index.entities import NerPipeline, entities_from_mentions, pipeline_name
    from index.places import gazetteer
    from index.stages.annotate import case_capitals_for_ner
    from index.stages.prepare import prepare

    cased = "Finance minister Dessa Korvane said in Tarvik that the krona would be allowed to fall."
    shouting = (
        "FINANCE MINISTER DESSA KORVANE TOLD REPORTERS IN TARVIK THE KRONA WOULD NOT BE DEVALUED. "
        "THE CABINET WILL MEET ON THE BUDGET NEXT WEEK AND THE CENTRAL BANK WILL DEFEND THE CURRENCY AGAINST ALL SELLERS."
    )
    story = prepare(Article("Korvane speaks", cased, "a.jsonl:1"), set(), [])
    wire = prepare(Article("Korvane rules out devaluation", shouting, "a.jsonl:2"), set(), [])
    assert story is not None and wire is not None
    case_capitals_for_ner([story, wire])
    assert wire.ner_text[wire.body_offset :] == (
        "Finance minister Dessa Korvane told reporters in Tarvik the krona would not be devalued. "
        "The cabinet will meet on the budget next week and the central bank will defend the currency against all sellers."
    )
    pipeline = NerPipeline.load(pipeline_name())
    [mentions] = list(pipeline.find_mentions([wire.ner_text], batch_size=1, processes=1))
    entities = entities_from_mentions(
        mentions,
        body_offset=wire.body_offset,
        published=None,
        dateline=None,
        dateline_place=None,
        gazetteer=gazetteer(),
        text=wire.ner_text,
    )
    assert "Dessa Korvane" in entities.people
    assert not any("Told" in person or "TOLD" in person for person in entities.people)
    for start, end, _, _ in entities.spans:  # every mark falls on the same letters of the stored body
        assert (
            wire.body[start:end].lower()
            == wire.ner_text[wire.body_offset + start : wire.body_offset + end].lower()
        )


def test_a_town_the_corpus_names_as_an_organization_throughout_is_the_organization():
    """A town's name the model tags as an organization in most of its mentions across the corpus is the
    organization there (an unfamous town's name is a firm's by chance); a capital or a famous city so
    tagged is still the place (its government, its market)."""
    from index.corpus import count_label_votes

    text = "Amherst said its sales grew 5 pct. Nairobi said the talks would resume."
    tags = [("Amherst", "ORG"), ("Nairobi", "ORG")]
    corpus_says_org = count_label_votes([tagged(text, tags)] * 3)
    entities = entities_of(text, tags, corpus_says_org)
    assert "Amherst" in entities.orgs and "Amherst" not in {p.name for p in entities.places}
    assert "Nairobi" in {p.name for p in entities.places}
    # without the corpus's votes a lone mention tagged so is still read as the town
    alone = entities_of(text, tags)
    assert "Amherst" in {p.name for p in alone.places}


def test_a_month_before_what_the_corpus_calls_a_firm_is_a_contract_not_a_person():
    """ "April Vellex traded at 19.40 dlrs", where the corpus tags "Vellex" as an organization: a futures
    contract, no one; with a person's marks ("analyst June Vellex said") or a surname the corpus gives to
    people, someone."""
    from index.corpus import count_label_votes

    firm = count_label_votes([[Mention("Vellex", "ORG", 0, 6)]] * 3)
    person = count_label_votes([[Mention("Vellex", "PERSON", 0, 6)]] * 3)
    contract = "April Vellex traded as high as 19.40 dlrs a barrel."
    assert entities_of(contract, [("April Vellex", "PERSON")], firm).people == []
    assert entities_of(contract, [("April Vellex", "PERSON")], person).people == ["April Vellex"]
    analyst = "Growth will hold, food analyst June Vellex said."
    assert entities_of(analyst, [("June Vellex", "PERSON")], firm).people == ["June Vellex"]

"""The rules that make facet values trustworthy, each on small invented examples."""

import json
import re
from collections import Counter

import pytest

from index import store
from index.articles import Mention, Place
from index.build import BuildOptions, rebuild
from index.corpus import count_label_votes
from index.entities import (
    corpus_label,
    countries_about,
    dateline_home,
    dateline_qualifier,
    entities_from_mentions,
    headline_countries,
    initialled_names,
    list_people,
    names_a_measure,
    resolve_in_context,
    split_mentions,
)
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
    entities = entities_from_mentions(
        [Mention("Bolton", "PERSON", 0, 6)],
        body_offset=0,
        published=None,
        dateline=None,
        dateline_place=None,
        gazetteer=gazetteer(),
        text=text,
    )
    assert entities.people == ["Bolton"] and entities.confirmed_people == {"Bolton"}
    assert entities.places == []


def test_a_company_is_not_a_person():
    assert clean_person("Arcalex B.V") is None
    assert clean_person("Jovanovich Inc") is None


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
    entities = entities_from_mentions(
        [Mention("The White House", "ORG", 0, 15)],
        body_offset=0,
        published=None,
        dateline=None,
        dateline_place=None,
        gazetteer=places,
        text=text,
    )
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
    mentions = [
        Mention("Tokyo", "GPE", 0, 5),
        Mention("Oslo", "GPE", text.index("Oslo"), text.index("Oslo") + 4),
    ]
    entities = entities_from_mentions(
        mentions,
        body_offset=0,
        published=None,
        dateline=None,
        dateline_place=None,
        gazetteer=gazetteer(),
        text=text,
    )
    assert [p.name for p in entities.places] == ["Tokyo"]
    text = "Shares rose on Monday as exporters gained. Traders said a bank in Oslo had sold."
    mentions = [Mention("Oslo", "GPE", text.index("Oslo"), text.index("Oslo") + 4)]
    entities = entities_from_mentions(
        mentions,
        body_offset=0,
        published=None,
        dateline=None,
        dateline_place=None,
        gazetteer=gazetteer(),
        text=text,
    )
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
    entities = entities_from_mentions(
        [Mention("Bill Quorvath", "PERSON", 17, 30)],
        body_offset=0,
        published=None,
        dateline=None,
        dateline_place=None,
        gazetteer=gazetteer(),
        text=text,
        votes=votes,
    )
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
    assert pair_acronyms(together)["OPEC"] == "Organization of Petroleum Exporting Countries"


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
    mentions = []
    for line, label in zip(lines, ["PERSON", "PERSON", "PERSON", "ORG"], strict=False):
        name = line[3 : line.index(" (")]
        start = text.index(name)
        mentions.append(Mention(name, label, start, start + len(name)))
    assert list_people(mentions, text, gazetteer()) == {mentions[3]}
    assert list_people(mentions[:1] + mentions[3:], text, gazetteer()) == set()  # too few items to tell
    prose = "Shares of Ilse Vantree rose, said Orla Brenn and Tomas Quist and Pella Stent."
    assert list_people([Mention("Ilse Vantree", "ORG", 10, 22)], prose, gazetteer()) == set()


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


@needs_reuters
def test_reuters_top_organizations_are_one_value_each_and_organizations(reuters_vocabulary):
    top = _top(reuters_vocabulary, "org")
    acronyms = {org.replace(".", "") for org in top if is_acronym(org)}
    pairs = [(initials(org), org) for org in top if " " in org and initials(org) in acronyms]
    assert not pairs, f"acronym and expansion as two values: {pairs}"
    places = gazetteer()
    text = REUTERS.read_text(encoding="utf-8")
    for org in top:
        after_numbers = len(re.findall(r"\d\s+" + re.escape(org) + r"\b", text))
        assert after_numbers * 2 < max(1, text.count(org)), f"{org!r} follows figures: a unit or a time zone"
        head, _, last = org.rpartition(" ")
        country = places.resolve(head, alternates=False) if head else None
        assert not (
            country and places.is_country(country) and last.lower() in {"dollar", "dollars", "yen", "pound"}
        ), f"{org!r} is a currency"


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

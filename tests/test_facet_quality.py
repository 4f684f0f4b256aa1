"""The rules that make facet values trustworthy, each on small invented examples."""

from index.articles import Mention
from index.corpus import count_label_votes
from index.entities import corpus_label, entities_from_mentions, split_mentions
from index.normalize import clean_person, split_mention, text_shows_a_person
from index.places import gazetteer


def test_a_mention_run_over_a_dash_or_bracket_is_split():
    text = "Norvania - Tomas Brell"
    assert [text[s:e] for s, e in split_mention(text)] == ["Norvania", "Tomas Brell"]
    text = "Pella Quist (Norvania"
    assert [text[s:e] for s, e in split_mention(text)] == ["Pella Quist", "Norvania"]
    assert split_mention("Jean-Luc Marrow") == [(0, 15)]


def test_split_mentions_keep_offsets():
    parts = list(split_mentions([Mention("Norvania - Tomas Brell", "ORG", 10, 32)]))
    assert parts == [Mention("Norvania", "ORG", 10, 18), Mention("Tomas Brell", "ORG", 21, 32)]


def test_scores_after_a_name_go():
    assert clean_person("J. Ostler 56") == "J. Ostler"
    assert clean_person("de Varga 4-0-25-0") == "de Varga"


def test_a_title_or_a_verb_of_speech_shows_a_lone_name_is_someone():
    text = "Minister Quorvath spoke. Trell said prices rose. Plenk, the chairman, told the meeting. Gorse rose."
    assert text_shows_a_person(text, 9, 17)  # after a title
    assert text_shows_a_person(text, 25, 30)  # "Trell said"
    assert text_shows_a_person(text, 49, 54)  # "Plenk, the chairman, told"
    assert not text_shows_a_person(text, 87, 92)  # "Gorse rose."
    text = "Later Vamberg arrived. He signed the deal."
    assert text_shows_a_person(text, 6, 13)


def _mentions(*items):
    return [Mention(text, label, 0, len(text)) for text, label in items]


def test_a_name_starting_with_a_given_name_is_a_person_whatever_its_tag():
    votes = count_label_votes([_mentions(("Orla Brenn", "PERSON"), ("Orla Quist", "PERSON"), ("Orla Stent", "PERSON"))])
    assert votes.is_given_name("Orla")
    assert corpus_label(Mention("Orla Vantree", "ORG", 0, 12), votes, gazetteer()) == "PERSON"
    assert corpus_label(Mention("Orla Vantree Corp", "ORG", 0, 17), votes, gazetteer()) == "ORG"
    assert corpus_label(Mention("Plenk Vantree", "ORG", 0, 13), votes, gazetteer()) == "ORG"


def test_a_string_the_corpus_mostly_tags_otherwise_is_not_a_person():
    votes = count_label_votes([_mentions(("Grell Sea", "LOC"))] * 4 + [_mentions(("Grell Sea", "PERSON"))]
                              + [_mentions(("K.T. Vossberg", "ORG"))] * 3)
    assert corpus_label(Mention("Grell Sea", "PERSON", 0, 9), votes, gazetteer()) == "GPE"
    assert corpus_label(Mention("K.T. Vossberg", "PERSON", 0, 13), votes, gazetteer()) == "ORG"
    assert corpus_label(Mention("Tomas Brell", "PERSON", 0, 11), votes, gazetteer()) == "PERSON"


def test_a_lone_name_that_says_something_is_a_person_not_a_town():
    text = "Bolton said the talks would go on."
    entities = entities_from_mentions([Mention("Bolton", "PERSON", 0, 6)], body_offset=0, published=None,
                                      dateline=None, dateline_place=None, gazetteer=gazetteer(), text=text)
    assert entities.people == ["Bolton"] and entities.confirmed_people == {"Bolton"}
    assert entities.places == []

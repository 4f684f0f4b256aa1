"""What the text says of a name that makes it a firm, a body, a landform or a grade, not a person; and a
name the model cut short in some articles read as its full form. Invented names only."""

from collections import Counter

from index.articles import Article, Entities
from index.normalize import (
    corpus_name_extensions,
    firm_name_starts,
    firms_by_evidence,
    is_commodity_grade,
    names_a_portfolio,
    names_of_things,
    opening_words,
    text_marks_a_person,
)
from index.places import gazetteer
from index.stages.normalize_corpus import normalize_across_corpus
from index.stages.prepare import PreparedArticle

from .mentions import entities_of


def _prepared(body: str, people=(), orgs=(), confirmed=()) -> PreparedArticle:
    article = Article(title="", body=body, origin="invented.txt", id=f"invented/{abs(hash(body))}")
    entities = Entities(people=list(people), orgs=list(orgs), confirmed_people=set(confirmed))
    return PreparedArticle(article, "", body, body, 0, None, None, "", entities=entities)


def _marks(text: str, name: str) -> bool:
    return text_marks_a_person(text, text.index(name), text.index(name) + len(name))


def test_a_firms_possessive_is_no_persons_mark():
    assert not _marks("Amara Quist, Northwind Vell's chief executive, said.", "Northwind Vell")
    assert not _marks("Northwind Vell's shareholders approved it.", "Northwind Vell")
    assert not _marks("Northwind Vell’s board of directors met.", "Northwind Vell")
    # a person's possessive roles still mark her
    assert _marks("Orla Brenn's spokesman declined to comment.", "Orla Brenn")
    assert _marks("Orla Brenn's chief of staff resigned.", "Orla Brenn")
    assert _marks("Orla Brenn's wife was there.", "Orla Brenn")


def test_a_persons_noun_before_a_name_marks_her():
    assert _marks("Texas investor Orla M. Brenn recently filed a 13D.", "Orla M. Brenn")
    assert _marks("says Detroit analyst Dorin Vell of Vell Associates.", "Dorin Vell")
    assert not _marks("the state oil company Vellobras Quist filed.", "Vellobras Quist")
    # a man marked so is not his firm, whatever his firm's cue
    people = Counter({"Orla M. Brenn": 5})
    assert firms_by_evidence(people, {"Orla M. Brenn"}, Counter({"Orla M. Brenn": 1}), bool) == set()


def test_a_firms_cues_in_the_text_name_it():
    # a possessive only a firm has
    assert firm_name_starts("Amara Quist, Northwind Vell's chief executive, said") == {"Northwind Vell"}
    # a firm's noun before its name, up to a title that follows it
    assert firm_name_starts("the state oil company\nVellobras said it") == {"Vellobras"}
    assert firm_name_starts("oil company Vellobras President Orla Brenn said") == {"Vellobras"}
    # a name between angle brackets starts there; "NL" and "Pte" are legal forms
    assert firm_name_starts("a loan to <Teck Vellan and Co (Pte) Ltd>, a bank said") == {"Teck Vellan"}
    assert "Quim Creek" in firm_name_starts("<Quim Creek Consolidated NL> said the")
    # its stock's ticker after it
    assert "Vell Works" in firm_name_starts("Corning Vell Works <CVW> said it")
    assert "Orla Vellum" in firm_name_starts("shares of Orla Vellum (NYSE: OVL) rose")
    # no cue: a person and her company, her stake
    assert firm_name_starts("said Orla Brenn, whose stake in Vellia rose") == set()
    assert firm_name_starts("Orla Brenn's stake rose and Orla Brenn's bid failed") == set()


def test_a_name_is_a_firm_on_one_strong_cue_when_never_marked_as_someone():
    people = Counter(
        {
            "Northwind Vell": 3,  # one firm's possessive, never marked
            "Quellan Grid": 2,  # a firm's head word, "Quellan" opens no one else's name
            "Orla Brenn": 4,  # marked: her firm's cue does not make her one
            "Dorin Power": 2,  # "Dorin" is a first name: Dorin Power is someone
            "Dorin Stent": 1,
            "Vellobras": 10,  # a firm's noun before it in 3 of its 10 articles
            "Quistal": 10,  # ...in 1 of 10: too few
        }
    )
    cues = Counter({"Northwind Vell": 1, "Orla Brenn": 1, "Vellobras": 3, "Quistal": 1})
    marked = {"Orla Brenn", "Dorin Stent"}
    assert firms_by_evidence(people, marked, cues, lambda word: word == "Dorin") == {
        "Northwind Vell",
        "Quellan Grid",
        "Vellobras",
    }
    # the votes' first name counts only when it opens another person's name, not a firm's
    assert opening_words(["Vaalen Colliery", "Vaalen Reefs", "Dorin Stent", "Dorin Power"]) == Counter(
        {"Dorin": 1}
    )
    assert firms_by_evidence(Counter({"Vaalen Colliery": 1}), set(), Counter(), lambda word: True) == {
        "Vaalen Colliery"
    }


def test_the_demo_firm_leaves_the_people_across_the_corpus():
    """ "Northwind Vell" tagged as a person in three articles, with a firm's cue in one: an organization
    in all three, and no person."""
    articles = [
        _prepared("Northwind Vell won the zone.", people=["Northwind Vell"]),
        _prepared(
            "Amara Quist, Northwind Vell's chief executive, said it was ahead.",
            people=["Amara Quist", "Northwind Vell"],
            confirmed=["Amara Quist"],
        ),
        _prepared("Ms Brenn said Northwind Vell had registered.", people=["Northwind Vell", "Orla Brenn"]),
    ]
    normalize_across_corpus(articles, {})
    assert [a.entities.people for a in articles] == [[], ["Amara Quist"], ["Orla Brenn"]]
    assert all("Northwind Vell" in a.entities.orgs for a in articles)


def test_a_landform_or_a_word_before_one_name_only_is_no_first_name():
    def is_place(word: str) -> bool:
        return gazetteer().resolve(word, alternates=False) is not None

    common = {"husbandry", "animal", "creek"}
    people = ["Quim Creek", "Animal Husbandry", "Duncan Vell", "Dorin Creek", "Dorin Stent"]
    things = names_of_things(
        people,
        set(),
        is_place,
        lambda word: word in {"Animal", "Dorin", "Quim"},  # the votes: each opens a "person"
        lambda word: word.casefold() in common,
    )
    # "Dorin" opens two people's names: "Dorin Creek" may be someone
    assert things == {"Quim Creek", "Animal Husbandry"}


def test_a_portfolio_is_no_person():
    assert names_a_portfolio("Bo Vell, Minister of Agriculture,\n", " and Fisheries, said")
    assert names_a_portfolio("the Ministry for Trade and ", " said")
    assert not names_a_portfolio("the Minister of Finance, ", ", said on Monday")
    text = "Bo Vell, Minister of Agriculture, Animal Vellery and Fisheries, said output rose."
    entities = entities_of(text, [("Bo Vell", "PERSON"), ("Animal Vellery", "PERSON")])
    assert entities.people == ["Bo Vell"]
    text = "The Minister of Finance, Orla Brenn, said output rose."
    assert entities_of(text, [("Orla Brenn", "PERSON")]).people == ["Orla Brenn"]


def test_a_grade_named_after_a_place_is_no_organization():
    def is_place(run: str) -> bool:
        return gazetteer().resolve(run, alternates=False) is not None

    assert is_commodity_grade("West Texas Intermediate", is_place)
    assert is_commodity_grade("Light Louisiana Sweet", is_place)
    assert not is_commodity_grade("Kansas Power and Light", is_place)  # a utility joins its words
    assert not is_commodity_grade("Texas Vellum", is_place)
    assert not is_commodity_grade("Quistal Sweet", is_place)  # no place
    text = "Prices of West Texas Intermediate rose, Vellum Oil Corp said."
    entities = entities_of(text, [("West Texas Intermediate", "ORG"), ("Vellum Oil Corp", "ORG")])
    assert entities.orgs == ["Vellum Oil Corp"]


def test_a_name_cut_short_is_read_as_its_one_full_form():
    counts = Counter(
        {
            "Leon Vellez": 9,
            "Leon Vellez Quistad": 1,
            "Jose Vell": 3,
            "Jose Vell Quist": 1,
            "Jose Vell Brenn": 1,  # two full forms: which one, the corpus cannot say
            "Orla Brenn": 4,
            "Orla Brenn Said": 1,  # no name's word
            "Dana Stent": 2,
            "Dana Stent de Quist": 1,
            "Dorin M. Vell": 5,
            "Dorin M. Vell Group": 1,  # her firm
        }
    )
    assert corpus_name_extensions(counts, lambda word: word != "Said") == {
        "Leon Vellez": "Leon Vellez Quistad",
        "Dana Stent": "Dana Stent de Quist",
    }
    articles = [
        _prepared("President Leon Vellez said so.", people=["Leon Vellez"], confirmed=["Leon Vellez"]),
        _prepared("President Leon Vellez Quistad named a minister.", people=["Leon Vellez Quistad"]),
        # the full name over a line break, where only the known short form was found
        _prepared("It met Leon Vellez\nQuistad. Leon Vellez said.", people=["Leon Vellez"]),
    ]
    normalize_across_corpus(articles, {})
    assert [a.entities.people for a in articles] == [["Leon Vellez Quistad"]] * 3


def test_a_firm_and_its_legal_form_are_one_value_whatever_the_punctuation():
    from index.normalize import pair_legal_forms, without_legal_form

    assert without_legal_form("Vellum Brenn and Co Inc.") == "Vellum Brenn"
    assert without_legal_form("Procter and Quist Co") == "Procter and Quist"
    by_article = [
        {"Vellum Brenn", "Vellum Brenn and Co Inc."},
        {"Quist Sachs"},
        {"Quist, Sachs and Co"},
        {"Quist, Sachs and Co"},
        {"Standard and Vell", "Standard and Vell's Corp"},
    ]
    assert pair_legal_forms(by_article) == {
        "Vellum Brenn and Co Inc.": "Vellum Brenn",
        "Quist, Sachs and Co": "Quist Sachs",
        "Standard and Vell's Corp": "Standard and Vell",
    }


def test_a_job_title_is_no_persons_name():
    from index.normalize import clean_person

    assert clean_person("U.K. Economist") is None
    assert clean_person("Senior Vell Analyst") is None
    assert clean_person("Orla Brenn") == "Orla Brenn"
    assert clean_person("Dorin Major") == "Dorin Major"  # a surname that is a rank elsewhere


def test_a_nationality_is_no_organization():
    text = "Ugandan officials met Vellum Coffee Board officials."
    entities = entities_of(text, [("Ugandan", "ORG"), ("Vellum Coffee Board", "ORG")])
    assert entities.orgs == ["Vellum Coffee Board"]


def test_a_firm_of_four_words_named_after_people_is_found():
    assert "J. Orla Brenn Vell" in firm_name_starts("lead manager J. Orla Brenn Vell and Co\nLtd said")


def test_a_known_person_tagged_as_an_organization_is_that_person():
    from index.normalize import people_tagged_as_orgs

    orgs = Counter({"Orla Brenn": 1, "Vellum Bank": 6, "Dana Quist": 2})
    people = Counter({"Orla Brenn": 3, "Dana Quist": 3})
    known = {"Orla Brenn", "Dana Quist"}
    # "Dana Quist" is named as an organization too often to tell
    assert people_tagged_as_orgs(orgs, people, known, {}) == {"Orla Brenn": "Orla Brenn"}
    articles = [
        _prepared("Orla Brenn said it. Orla Brenn agreed.", people=["Orla Brenn"], confirmed=["Orla Brenn"]),
        _prepared("Orla Brenn said so.", people=["Orla Brenn"], confirmed=["Orla Brenn"]),
        _prepared("Orla Brenn said Vellan engineers would go.", orgs=["Orla Brenn"]),
    ]
    normalize_across_corpus(articles, {})
    assert [(a.entities.people, a.entities.orgs) for a in articles] == [(["Orla Brenn"], [])] * 3


def test_a_name_before_a_landforms_noun_is_no_organization():
    text = "A tram will run along the Vellus river, Vellum Transit said."
    entities = entities_of(text, [("Vellus", "ORG"), ("Vellum Transit", "ORG")])
    assert entities.orgs == ["Vellum Transit"]


def test_a_name_with_a_joined_particle_is_kept_whole():
    from index.normalize import clean_person

    assert clean_person("Sheikh Vell al-Quistad al-Brenn") == "Vell al-Quistad al-Brenn"
    assert clean_person("Vell el-Quist") == "Vell el-Quist"
    assert clean_person("Vell said") is None  # a verb is no particle
    assert clean_person("Al-Quistad al-Brennia") is None  # a group's name opens with the particle
    text = "Oil Minister Sheikh Vell al-Quistad al-Brenn said output fell. Sheikh Vell denied it."
    entities = entities_of(text, [("Sheikh Vell al-Quistad al-Brenn", "PERSON"), ("Sheikh Vell", "PERSON")])
    assert set(entities.people) == {"Vell al-Quistad al-Brenn"}  # "Sheikh Vell" is he

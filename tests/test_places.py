from index.articles import Place
from index.entities import is_acronym, resolve_in_context
from index.places import demonyms_of, gazetteer, place_key

from .mentions import entities_of


def test_country_names_are_one_place():
    places = gazetteer()
    assert {places.resolve(n) for n in ["US", "U.S.", "America", "United States", "the United States"]} == {
        Place("United States", "United States")
    }


def test_cities_get_their_country():
    places = gazetteer()
    assert places.resolve("Paris") == Place("Paris", "France")
    assert places.resolve("MOSCOW") == Place("Moscow", "Russia")
    assert places.resolve("Helsinki") == Place("Helsinki", "Finland")
    assert places.resolve("Texas") == Place("Texas", "United States")
    assert places.resolve("Europe") == Place("Europe", None)
    assert places.resolve("Nowhereville") is None


def test_old_names_accents_and_state_abbreviations():
    places = gazetteer()
    assert places.resolve("Peking") == Place("Beijing", "China")
    assert places.resolve("Bombay") == Place("Mumbai", "India")
    assert places.resolve("Montreal") == Place("Montréal", "Canada")
    assert places.resolve("the Netherlands") == Place("Netherlands", "Netherlands")
    assert places.resolve("Tex.") == Place("Texas", "United States")
    assert places.resolve("Miss") is None


def test_continents_are_regions_not_towns_of_the_same_name():
    places = gazetteer()
    assert places.resolve("Asia") == Place("Asia", None)
    assert places.resolve("Africa") == Place("Africa", None)


def test_provinces_win_over_a_smaller_namesake_abroad():
    places = gazetteer()
    assert places.resolve("Ontario") == Place("Ontario", "Canada")
    assert places.resolve("ALBERTA") == Place("Alberta", "Canada")
    assert places.is_province(Place("Alberta", "Canada"))
    assert places.resolve("Paris") == Place("Paris", "France")  # a city is not taken for anything else


def test_saint_abbreviations_and_capitals_other_names():
    places = gazetteer()
    assert place_key("ST. Paul") == place_key("Saint Paul") == "saint paul"
    assert place_key("Steven") == "steven"  # only "St" as a word of its own
    assert places.resolve("ST. Paul") == Place("Saint Paul", "United States")
    assert places.resolve("BERNE") == Place("Bern", "Switzerland")  # a capital's other name, in capitals


def test_regular_nationality_words_name_their_country():
    forms = demonyms_of(["Zembla", "Qarat", "Norvania", "Vell", "Vella"])
    assert forms["zemblan"] == "Zembla"
    assert forms["qarati"] == "Qarat"
    assert forms["norvanian"] == "Norvania"
    assert "vellan" not in forms  # "Vell" + "an" and "Vella" + "n": either country, so neither
    assert gazetteer().demonym("Kuwaiti") == Place("Kuwait", "Kuwait")


def test_minor_towns_and_famous_ones():
    places = gazetteer()
    assert places.is_minor(places.resolve("Orion"))  # a town of 63,000 in the Philippines
    assert not places.is_minor(places.resolve("Venice"))  # small, but known the world over
    assert not places.is_minor(places.resolve("Ontario"))


def test_a_famous_city_is_not_moved_to_a_namesake_in_the_articles_country():
    places = gazetteer()
    found = resolve_in_context(
        [places.resolve("Venice"), Place("Florida", "United States")], None, set(), places
    )
    assert found[0] == Place("Venice", "Italy")


def test_acronyms_are_not_towns():
    assert is_acronym("ABC", mixed_case=True)
    assert not is_acronym("ABC", mixed_case=False)  # a text all in capitals writes towns that way too
    assert not is_acronym("Abc", mixed_case=True)


def test_an_acronym_is_a_place_only_as_a_country():
    text = "The ORI said on Monday that the USA would buy more."
    entities = entities_of(text, [("ORI", "GPE"), ("USA", "GPE")])
    assert [p.name for p in entities.places] == ["United States"]


def test_a_minor_town_needs_evidence():
    text = "Orion said its sales rose. Analysts expect more from Orion this year."
    assert entities_of(text, [("Orion", "GPE")]).places == []
    text = "A new plant opened in Orion on Monday, workers said."
    assert [p.name for p in entities_of(text, [("Orion", "GPE")]).places] == ["Orion"]
    text = "Officials in the Philippines said the Orion port would reopen."
    found = entities_of(text, [("Philippines", "GPE"), ("Orion", "GPE")]).places
    assert [p.name for p in found] == ["Philippines", "Orion"]


def test_a_town_whose_name_starts_a_company_in_the_article_is_the_company():
    text = "Officials in the Philippines said Orion Pictures Corp would sell. Orion said no."
    found = entities_of(text, [("Philippines", "GPE"), ("Orion Pictures Corp", "ORG"), ("Orion", "GPE")])
    assert [p.name for p in found.places] == ["Philippines"]


def test_a_state_abbreviation_whose_dot_the_model_left_out():
    text = "The refinery near Tulsa, Okla. will close."
    found = entities_of(text, [("Tulsa", "GPE"), ("Okla", "GPE")])
    assert Place("Oklahoma", "United States") in found.places


def test_a_town_followed_by_its_province_or_state_is_in_that_country():
    # "Orion" alone is a town of the Philippines; followed by its province it is the Canadian one
    text = "The smelter at Orion, Ontario, and the mine at Quellport, New Brunswick, reopened."
    found = entities_of(
        text, [("Orion", "GPE"), ("Ontario", "GPE"), ("Quellport", "GPE"), ("New Brunswick", "GPE")]
    )
    assert {p.name: p.country for p in found.places} == {
        "Orion": "Canada",
        "Ontario": "Canada",
        "Quellport": "Canada",
        "New Brunswick": "Canada",
    }
    # whatever the model tagged the town as
    text = "The mine at Bathurst, New Brunswick, reopened."
    found = entities_of(text, [("Bathurst", "ORG"), ("New Brunswick", "GPE")])
    assert {p.name: p.country for p in found.places} == {"Bathurst": "Canada", "New Brunswick": "Canada"}
    # a list of countries is no town and its qualifier
    text = "Japan, Canada and France agreed on Monday."
    found = entities_of(text, [("Japan", "GPE"), ("Canada", "GPE"), ("France", "GPE")])
    assert [p.country for p in found.places] == ["Japan", "Canada", "France"]


def test_a_province_is_not_moved_to_a_namesake_town_in_the_articles_country():
    places = gazetteer()
    found = resolve_in_context(
        [places.resolve("New Brunswick"), places.resolve("Montana")], None, {"United States"}, places
    )
    assert found[0] == Place("New Brunswick", "Canada")
    # the province puts its country in the context: a town there is the one in that country
    found = resolve_in_context([places.resolve("Kingston"), places.resolve("Ontario")], None, set(), places)
    assert found[0] == Place("Kingston", "Canada")  # not Kingston, Jamaica


def test_a_country_written_as_dotted_initials_is_a_place():
    text = "The U.S. said it would act. Officials in the U.S. agreed with Vellum S.A."
    found = entities_of(text, [("U.S.", "GPE"), ("U.S.", "GPE"), ("S.A.", "GPE")]).places
    assert [p.name for p in found] == ["United States", "United States"]  # initials of no place go

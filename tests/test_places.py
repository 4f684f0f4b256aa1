from index.articles import Place
from index.places import gazetteer


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

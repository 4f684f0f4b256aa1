from hypothesis import given
from hypothesis import strategies as st

from index.articles import Place
from index.clean import find_dateline
from index.entities import entities_from_mentions, is_acronym, resolve_in_context
from index.places import (
    demonyms_of,
    gazetteer,
    is_code_of_no_place,
    names_a_firm,
    place_key,
    place_values_by_country,
    states_over_countries,
)

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


def test_an_iso_code_is_no_country_but_the_abbreviations_news_writes_are():
    places = gazetteer()
    for code in ("AFG", "VAT", "ECU", "PSE", "GMB", "PRT", "MAC"):
        assert places.resolve(code) is None, code
    assert places.resolve("USA") == Place("United States", "United States")
    assert places.resolve("UAE") == Place("United Arab Emirates", "United Arab Emirates")
    assert places.resolve("FRG") == Place("West Germany", "Germany")


def test_codes_and_acronyms_in_a_story_are_no_countries():
    text = (
        "Zenmark Glass said its AFG unit would bid. The VAT (value added tax) rises, and the ECU "
        "gained against the dollar. The USA said nothing."
    )
    tags = [("AFG", "ORG"), ("VAT", "GPE"), ("ECU", "GPE"), ("USA", "GPE")]
    assert [p.name for p in entities_of(text, tags).places] == ["United States"]


def firm_at(text: str, name: str) -> bool:
    return names_a_firm(text, text.index(name), text.index(name) + len(name))


def test_a_name_in_angle_brackets_or_before_a_ticker_is_a_firm():
    assert firm_at("shares of <Canada Quellmark Ltd> rose", "Canada")
    assert firm_at("Brazil <BRZL.O> said", "Brazil")
    assert not firm_at("sales in Canada rose, <Quellmark Ltd> said", "Canada")
    # after "of", the place says where the firm is
    assert not firm_at("Quellmark AG of Germany <QMKG.F> said", "Germany")
    assert not firm_at("<Quellmark Corp of Tokyo> has committed", "Tokyo")
    text = "Quellmark said <Norvania Microelettronica> would buy a plant in Italy. Italy agreed."
    tags = [("Norvania", "GPE"), ("Italy", "GPE")]
    assert [p.name for p in entities_of(text, tags).places] == ["Italy"]


def test_a_code_in_a_table_is_no_place():
    text = "WHEAT NKR 12.5 MM 4\nCORN INDX 3"
    assert entities_of(text, [("NKR", "GPE"), ("MM", "GPE"), ("INDX", "GPE")]).places == []
    assert is_code_of_no_place("NKR") and not is_code_of_no_place("Nkr")


def test_a_town_in_a_list_is_not_qualified_by_the_next_item():
    text = "The bank has offices in London, New York and Tokyo, and in Paris, Hong Kong and Singapore."
    tags = [("London", "GPE"), ("New York", "GPE"), ("Tokyo", "GPE"), ("Paris", "GPE"), ("Hong Kong", "GPE")]
    found = {p.name: p.country for p in entities_of(text, tags).places}
    assert found["London"] == "United Kingdom" and found["Paris"] == "France"
    # a qualifier followed by its own country, or by a town of its country, still is one
    text = "Plants at Orion, Ontario, Canada and at Quellport, New Brunswick, and Montreal reopened."
    tags = [("Orion", "GPE"), ("Ontario", "GPE"), ("Canada", "GPE"), ("Quellport", "GPE")]
    found = {p.name: p.country for p in entities_of(text, tags).places}
    assert found["Orion"] == "Canada" and found["Quellport"] == "Canada"


def test_a_region_takes_no_qualifier():
    text = "Sales grew in Europe, Canada and Japan."
    tags = [("Europe", "LOC"), ("Canada", "GPE"), ("Japan", "GPE")]
    assert Place("Europe", None) in entities_of(text, tags).places


def test_a_state_that_is_also_a_country_is_the_state_in_a_story_from_it():
    places = gazetteer()
    # "Atlanta, Georgia": a town of the state named beside it
    text = "The utility, based in Atlanta, Georgia, said the Georgia regulators agreed."
    found = entities_of(text, [("Atlanta", "GPE"), ("Georgia", "GPE")]).places
    assert Place("Georgia", "United States") in found
    assert all(p.country == "United States" for p in found)
    # datelined in the state: the dateline's town is in it
    home = places.resolve("Atlanta")
    assert states_over_countries([places.resolve("Georgia")], home, places) == [
        Place("Georgia", "United States")
    ]
    # datelined in the United States, in a story naming no other country
    assert states_over_countries([places.resolve("Georgia")], places.resolve("Washington"), places) == [
        Place("Georgia", "United States")
    ]
    assert states_over_countries(
        [places.resolve("Georgia"), places.resolve("Russia")], places.resolve("Washington"), places
    ) == [Place("Georgia", "Georgia"), Place("Russia", "Russia")]
    # elsewhere the country
    text = "Floods in Georgia, a Soviet republic, killed 20, Moscow said."
    found = entities_of(text, [("Georgia", "GPE"), ("Moscow", "GPE")]).places
    assert Place("Georgia", "Georgia") in found
    assert places.us_state_of(places.resolve("Savannah")) == "Georgia"
    assert places.us_state_of(places.resolve("Paris")) is None


def test_a_place_name_has_one_value_per_country():
    vancouver_bc, vancouver_wa = Place("Vancouver", "Canada"), Place("Vancouver", "United States")
    articles = [[vancouver_bc]] * 5 + [[vancouver_wa]] * 2 + [[Place("Vancouver", None)]]
    renamed = place_values_by_country(articles)
    assert renamed == {
        vancouver_wa: Place("Vancouver, United States", "United States"),
        Place("Vancouver", None): vancouver_bc,  # no country: the one most articles give it
    }
    # a country's own name stays the country; the state of that name is the other value
    articles = [[Place("Georgia", "United States")]] * 9 + [[Place("Georgia", "Georgia")]] * 2
    assert place_values_by_country(articles) == {
        Place("Georgia", "United States"): Place("Georgia, United States", "United States")
    }
    # articles added to an index keep the country it gives the name
    assert place_values_by_country([[vancouver_wa]] * 3, {"Vancouver": "Canada"}) == {
        vancouver_wa: Place("Vancouver, United States", "United States")
    }
    assert place_values_by_country([[vancouver_bc]], {"Vancouver": "Canada"}) == {}


def test_a_table_word_is_not_marked_as_the_datelines_place():
    body = "Shr loss two cts\nYEAR - period ended October 31\nNet loss 4,397,000"
    found = entities_from_mentions(
        [],
        body_offset=0,
        published=None,
        dateline=find_dateline(body),  # "YEAR -" looks like a dateline
        dateline_place="VANCOUVER",  # the source's own dateline field
        gazetteer=gazetteer(),
        text=body,
    )
    assert found.places == [Place("Vancouver", "Canada")]
    assert [span for span in found.spans if span[2] == "place"] == []  # "YEAR" is no mention of it
    # a code of no place opening a table line is no dateline's place either
    body = "OPEN HIGH LOW\nINDX -- 30364 29669\nJUN7 30320H 30290L"
    found = entities_from_mentions(
        [],
        body_offset=0,
        published=None,
        dateline=find_dateline(body),
        dateline_place="INDX",
        gazetteer=gazetteer(),
        text=body,
    )
    assert found.places == []
    # a town the gazetteer does not know, with its qualifier, is still the dateline's place
    body = "Heck's Inc said its credit agreement expired."
    found = entities_from_mentions(
        [],
        body_offset=0,
        published=None,
        dateline=None,
        dateline_place="NITRO",
        gazetteer=gazetteer(),
        text=body,
        dateline_qualifier="W.Va.",
    )
    assert found.places == [Place("NITRO", "United States")]


def test_accent_twins_in_two_countries_are_two_values_a_filter_tells_apart():
    from index.columns import facet_key

    costa_rica, california = Place("San José", "Costa Rica"), Place("San Jose", "United States")
    articles = [[california]] * 4 + [[costa_rica]] * 2
    assert place_values_by_country(articles) == {costa_rica: Place("San José, Costa Rica", "Costa Rica")}
    # spellings of one name in one country are one value, the one most articles write
    articles = [[Place("Bogotá", "Colombia")]] * 3 + [[Place("BOGOTA", "Colombia")], [Place("Bogota", None)]]
    assert place_values_by_country(articles) == {
        Place("BOGOTA", "Colombia"): Place("Bogotá", "Colombia"),
        Place("Bogota", None): Place("Bogotá", "Colombia"),
    }
    # the index's value keeps its spelling and country when articles are added to it
    assert place_values_by_country([[costa_rica]] * 5, {"San Jose": "United States"}) == {
        costa_rica: Place("San José, Costa Rica", "Costa Rica")
    }
    index = {"San Jose": "United States", "San José, Costa Rica": "Costa Rica"}
    added = place_values_by_country([[Place("San Jose", "Costa Rica")]], index)
    assert added == {Place("San Jose", "Costa Rica"): Place("San José, Costa Rica", "Costa Rica")}
    assert facet_key("San José, Costa Rica") != facet_key("San Jose")


SPELLINGS = ["San José", "San Jose", "SAN JOSE", "San Josè"]
COUNTRIES = ["Costa Rica", "United States", "Spain", None]


@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(SPELLINGS), st.sampled_from(COUNTRIES)), min_size=1, max_size=3),
        min_size=1,
        max_size=12,
    ),
    st.one_of(st.none(), st.tuples(st.sampled_from(SPELLINGS), st.sampled_from(COUNTRIES))),
)
def test_place_values_that_a_filter_matches_alike_have_one_country_and_one_spelling(articles, known):
    """What the filter matches (``facet_key``) is one value: clicking it counts what it showed."""
    from index.columns import facet_key

    places_by_article = [[Place(name, country) for name, country in places] for places in articles]
    renamed = place_values_by_country(places_by_article, dict([known]) if known else None)
    values = {renamed.get(p, p) for places in places_by_article for p in places}
    by_key: dict[str, set[Place]] = {}
    for value in values:
        by_key.setdefault(facet_key(value.name), set()).add(value)
    assert all(len(same) == 1 for same in by_key.values()), by_key
    if known:  # the index's value keeps its spelling: the added articles join it
        assert all(v == Place(*known) for v in values if v.country == known[1] and "," not in v.name)


def test_a_province_followed_by_another_countrys_state_is_that_states_town():
    from index.entities import qualified_place

    places = gazetteer()
    san_jose = places.resolve("San Jose")  # the capital and province of Costa Rica
    assert san_jose == Place("San José", "Costa Rica")
    assert qualified_place("San Jose", san_jose, ", Calif., makes wine", places) == Place(
        "San Jose", "United States"
    )
    ontario = places.resolve("Ontario")
    assert qualified_place("Ontario", ontario, ", Canada, said", places) is None  # its own country
    assert qualified_place("Ontario", ontario, ", Calif., said", places) == Place("Ontario", "United States")
    texas = places.resolve("Texas")
    assert qualified_place("Texas", texas, ", Oklahoma and Kansas", places) is None  # a list of states
    assert qualified_place("Japan", places.resolve("Japan"), ", Canada and France", places) is None


def test_a_datelines_state_abbreviation_without_its_comma_still_says_the_country():
    from index.entities import dateline_home

    places = gazetteer()
    assert dateline_home("FARMINGTON Conn.", "March 9", places) == Place("Farmington", "United States")
    assert dateline_home("BOGOTA", "N.J.", places) == Place("BOGOTA", "United States")
    # a heading whose last word is a state's abbreviation names no town of that state
    assert dateline_home("SDR RATE U.S.", None, places) == Place("SDR RATE U.S.", None)


def _prepared(body: str, places=(), people=(), orgs=(), dateline_place=None, spans=()):
    """An article past the entities stage, with the values given: what the corpus stage reads."""
    from index.articles import Article, Entities
    from index.stages.prepare import PreparedArticle

    article = Article(title="", body=body, origin="invented.txt", id=f"invented/{abs(hash(body))}")
    entities = Entities(people=list(people), orgs=list(orgs), places=list(places), spans=list(spans))
    return PreparedArticle(article, "", body, body, 0, None, dateline_place, "", entities=entities)


def test_a_minor_town_the_corpus_writes_mostly_in_lower_case_is_the_word():
    from index.stages.normalize_corpus import normalize_across_corpus

    sterling = Place("Sterling", "United States")
    assert gazetteer().is_minor(sterling)
    lower = [_prepared(f"Dealers sold sterling, and sterling fell {n} pct.") for n in range(10)]
    pound = _prepared("Sterling rose against the mark.", places=[sterling])
    datelined = _prepared("Star Technologies said it rose.", places=[sterling], dateline_place="STERLING")
    body = "Its plant in Sterling, Conn., opens."
    at = body.index("Sterling")
    qualified = _prepared(body, places=[sterling], spans=[(at, at + 8, "place", "Sterling")])
    normalize_across_corpus([*lower, pound, datelined, qualified], {})
    assert pound.entities.places == []
    assert datelined.entities.places == [sterling]  # its dateline
    assert qualified.entities.places == [sterling]  # "Sterling, Conn."


def test_a_first_name_of_someone_the_article_names_by_surname_is_no_place():
    from index.stages.normalize_corpus import normalize_across_corpus

    nancy = Place("Nancy", "France")
    known = [_prepared(f"Nancy Vorneck spoke {n}.", people=["Nancy Vorneck"]) for n in range(2)]
    wife = _prepared("Karl Vorneck said his wife, Nancy, was away.", places=[nancy], people=["Karl Vorneck"])
    town = _prepared("The Nancy stock exchange, Karl Brenn said.", places=[nancy], people=["Karl Brenn"])
    normalize_across_corpus([*known, wife, town], {})
    assert wife.entities.places == []
    assert town.entities.places == [nancy]


def test_a_table_heading_read_as_a_dateline_or_a_firm_is_no_place():
    from index.stages.normalize_corpus import normalize_across_corpus

    lower = [_prepared(f"Gold prices at the closing rose {n} dlrs in the east.") for n in range(8)]
    heading = _prepared(
        "LONDON GOLD CLOSING - APRIL 7\n420.00 DLRS",
        places=[Place("LONDON GOLD CLOSING", None)],
        dateline_place="LONDON GOLD CLOSING",
    )
    firm = _prepared("It sold Almaden to Heublein Inc.", places=[Place("Heublein Inc", None)])
    berlin = _prepared("Talks opened.", places=[Place("EAST BERLIN", None)], dateline_place="EAST BERLIN")
    normalize_across_corpus([*lower, heading, firm, berlin], {})
    assert heading.entities.places == [] and firm.entities.places == []
    assert [p.name.casefold() for p in berlin.entities.places] == ["east berlin"]  # a word of a place's name


def test_people_and_organizations_a_filter_matches_alike_are_one_value():
    from collections import Counter

    from index.stages.normalize_corpus import normalize_across_corpus

    articles = [_prepared(f"Report {n}.", orgs=["Société Vellane"]) for n in range(2)]
    articles.append(_prepared("Report 3.", orgs=["Societe Vellane"]))
    normalize_across_corpus(articles, {})
    assert [a.entities.orgs for a in articles] == [["Société Vellane"]] * 3
    # articles added to an index join the spelling it already shows
    added = [_prepared("Report 4.", orgs=["Société Vellane"])]
    normalize_across_corpus(added, {"org": Counter({"Societe Vellane": 4})})
    assert added[0].entities.orgs == ["Societe Vellane"]


@given(
    st.dictionaries(
        st.sampled_from(["Jose Brenn", "José Brenn", "JOSE BRENN", "Jose  Brenn", "Ana Brenn"]),
        st.integers(1, 9),
    )
)
def test_one_spelling_per_key_leaves_no_two_values_a_filter_matches_alike(counts):
    from collections import Counter

    from index.columns import facet_key
    from index.stages.normalize_corpus import one_spelling_per_key

    respelled = one_spelling_per_key(Counter(counts), {})
    shown = {respelled.get(v, v) for v in counts}
    assert len({facet_key(v) for v in shown}) == len(shown)
    assert all(counts[v] >= counts[w] for w, v in respelled.items())  # the commonest spelling shows

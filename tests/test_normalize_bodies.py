"""One organization value is one body or firm: a kind of body several countries have ("Parliament") is
its country's, a firm named short and in full in one article is one value, and a wire ticker's brackets
are no part of any value. Invented names throughout."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from index.articles import Article, Entities, Place
from index.normalize import (
    body_in_article,
    clean_org,
    clean_person,
    clean_place_text,
    corpus_name_extensions,
    is_ambiguous_body,
    is_contraction,
    names_with_their_tail,
    pair_contractions,
    qualified_forms,
    same_firm_in_article,
    without_ticker,
)
from index.places import gazetteer
from index.stages.normalize_corpus import normalize_across_corpus, region_adjective
from index.stages.prepare import PreparedArticle

CAPITALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
WORD = st.builds(
    str.__add__, st.sampled_from(CAPITALS), st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8)
)
NAME = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
TICKER = st.builds(str.__add__, st.text(CAPITALS, min_size=1, max_size=5), st.sampled_from(["", ".Z", ".TO"]))


@settings(deadline=None)
@given(NAME, TICKER)
def test_a_tickers_brackets_are_no_part_of_any_value(name, ticker):
    for cut in (f"{name} <{ticker}", f"{ticker}> {name}", f"<{name}>", f"{name}>", f"<{ticker}> {name}"):
        assert without_ticker(cut) == name
        assert clean_org(cut) == clean_org(name)
        assert clean_place_text(cut) == clean_place_text(name)
        assert clean_person(cut) is None  # a wire brackets firms' names and tickers, never a person's


def test_a_name_cut_across_a_tickers_bracket_keeps_its_words():
    assert clean_org("Vellum Trust of New <York") == "Vellum Trust of New York"
    assert clean_org("<Quist Holdings PLC>'s") == "Quist Holdings PLC"
    assert clean_org("<QST>") == "QST"  # a lone ticker names the firm, as before


def test_a_job_a_rank_or_a_possessor_is_no_persons_name():
    assert clean_person("Spokeswoman") is None and clean_person("Envoy") is None
    assert clean_person("Marine Lt") is None
    assert clean_person("Vellum Securities' Okamura") == "Okamura"
    assert clean_person("Vell Co's Quist Guidance") == "Vell Co's Quist Guidance"  # a unit: other rules'
    assert clean_person("Orla Brenn") == "Orla Brenn"


def names_a_place(run: str) -> bool:
    places = gazetteer()
    return places.resolve(run, alternates=False) is not None or places.nationality(run) is not None


def country_of(run: str) -> str | None:
    places = gazetteer()
    return places.country_named(run) or places.nationality(run)


def test_a_body_several_countries_have_is_the_articles_countrys_or_none():
    forms = qualified_forms(
        ["Norwegian Parliament", "Chilean Parliament", "Parliament", "Vellum"], country_of
    )
    assert forms["Parliament"] == {"Norway": "Norwegian Parliament", "Chile": "Chilean Parliament"}
    assert "Vellum" not in forms  # one word that is no body's noun: a name of its own
    assert is_ambiguous_body("Parliament", forms)

    def body(countries, orgs=()):
        return body_in_article("Parliament", ["Parliament", *orgs], countries, forms, False, names_a_place)

    assert body({"Norway"}) == "Norwegian Parliament"  # the form the corpus gives
    assert body({"Kenya"}) == "Parliament (Kenya)"  # the article's one country
    assert body({"Kenya", "Japan"}) is None  # whose: no value rather than a wrong one
    assert body(set()) is None
    assert body({"Kenya"}, ["Danish Parliament"]) == "Danish Parliament"  # the one the article names


def test_a_firm_named_short_and_in_full_in_one_article_is_one_value():
    orgs = ["Quorn Vell Corp", "Quorn Vell", "Brenn", "Ostrava Brenn", "QVC", "QVC Industries"]
    orgs += [
        "Vellum Telephone",
        "Vellum Telephone and Cable Co",
        "Lobar",
        "London Overnight Bank Average Rate",
    ]
    orgs += ["Canton Trust", "Ostrava Canton Trust"]
    assert same_firm_in_article(orgs, names_a_place) == {
        "Quorn Vell Corp": "Quorn Vell",
        "Brenn": "Ostrava Brenn",
        "QVC": "QVC Industries",
        "Vellum Telephone": "Vellum Telephone and Cable Co",
        "Lobar": "London Overnight Bank Average Rate",
        "Canton Trust": "Ostrava Canton Trust",
    }
    # a place's unit, a body of an acronym's, two longer names, a body's own noun: no pair
    assert same_firm_in_article(["QVC", "QVC Japan"], names_a_place) == {}
    assert same_firm_in_article(["VEC", "VEC Commission"], names_a_place) == {}
    assert same_firm_in_article(["Brenn", "Ostrava Brenn", "Lanka Brenn"], names_a_place) == {}
    assert same_firm_in_article(["Parliament", "Vellum Parliament"], names_a_place) == {}

    # words the corpus writes in lower case, or a word cut at a hyphen, make no other name
    def common(word: str) -> bool:
        return word.casefold() == "opposition"

    assert same_firm_in_article(["Vell Party", "Opposition Vell Party"], names_a_place, common) == {}
    assert same_firm_in_article(["Vell Union", "Japan- Vell Union"], names_a_place, common) == {}


def test_a_contraction_named_beside_its_name_in_most_articles_is_that_name():
    assert is_contraction("VW", "Vellswagen") and not is_contraction("VW", "Wellsvagen")
    assert not is_contraction("VW", "Vell Wagen")  # a name of words spells by initials instead
    together = [{"VW", "Vellswagen"}] * 3 + [{"VW"}]
    once = [{"BR", "Barrowfield"}, {"BR"}, {"BR"}]  # "BR" beside a name it happens to spell, once
    spelled = [{"Lobar", "London Overnight Bank Average Rate"}] * 3
    assert pair_contractions([*together, *once, *spelled]) == {
        "VW": "Vellswagen",
        "Lobar": "London Overnight Bank Average Rate",
    }


def test_a_name_of_several_words_with_and_without_its_family_word_is_one_value():
    counts = Counter(
        {"Quist Lehrer": 4, "Quist Lehrer Brothers": 9, "Social Vell": 2, "Social Vell Party": 5}
    )
    assert names_with_their_tail(counts) == {
        "Quist Lehrer": "Quist Lehrer Brothers",
        "Social Vell": "Social Vell Party",
    }


def _article(body: str, orgs=(), people=(), places=()) -> PreparedArticle:
    article = Article(title="", body=body, origin="invented.txt", id=f"invented/{abs(hash(body))}")
    entities = Entities(people=list(people), orgs=list(orgs), places=list(places))
    return PreparedArticle(article, "", body, body, 0, None, None, "", entities=entities)


def test_across_the_corpus_a_kind_of_body_is_its_countrys_and_a_firm_one_value():
    norway, chile, kenya, japan = (Place(c, c) for c in ("Norway", "Chile", "Kenya", "Japan"))
    articles = [
        _article("The Norwegian Parliament met.", orgs=["Norwegian Parliament"], places=[norway]),
        _article("The Chilean Parliament met.", orgs=["Chilean Parliament"], places=[chile]),
        _article("Parliament met in Oslo.", orgs=["Parliament"], places=[norway]),
        _article("Parliament met in Nairobi.", orgs=["Parliament"], places=[kenya]),
        _article("Parliament met, said Kenya and Japan.", orgs=["Parliament"], places=[kenya, japan]),
        _article("Quorn Vell Corp said Quorn Vell rose.", orgs=["Quorn Vell Corp"], people=["Quorn Vell"]),
        _article(
            "The European Parliament met; Parliament voted.",
            ["European Parliament", "Parliament"],
            [],
            [kenya],
        ),
    ]
    articles += [_article(f"Quorn Vell sold stores {n}.", people=["Quorn Vell"]) for n in range(3)]
    normalize_across_corpus(articles, {})
    assert [a.entities.orgs for a in articles[:5]] == [
        ["Norwegian Parliament"],
        ["Chilean Parliament"],
        ["Norwegian Parliament"],
        ["Parliament (Kenya)"],
        [],
    ]
    assert articles[5].entities.orgs == ["Quorn Vell"]  # the firm the model took for a person: one value
    assert articles[6].entities.orgs == ["European Parliament"]  # the body the article names: no country's


def test_a_regions_adjective_names_a_place_and_no_country():
    places = gazetteer()
    assert region_adjective("European", places) and region_adjective("African", places)
    assert not region_adjective("Iranian", places)  # a nationality: its country's
    assert not region_adjective("Duncan", places)


def test_a_name_the_corpus_writes_without_its_generation_is_shown_so():
    counts = Counter({"T. Orla Brenn": 7, "T. Orla Brenn III": 1, "Leon Vell": 1, "Leon Vell Jr": 4})
    assert corpus_name_extensions(counts) == {
        "T. Orla Brenn III": "T. Orla Brenn",
        "Leon Vell": "Leon Vell Jr",
    }

"""A lone name joins the one full name ending in it, across the corpus, only where its own article shows a
person: not a word of a firm's name ("brokers Quist and Vell"), nor a word the corpus mostly writes with
no person's mark ("Kingston, Penn."). Invented names only."""

from collections import Counter

from index.articles import Article, Entities, Place
from index.normalize import (
    firms_name_around,
    joined_to_other_names,
    mostly_unmarked,
    written_inside_a_longer_name,
)
from index.stages.normalize_corpus import normalize_across_corpus, part_of_a_longer_name
from index.stages.prepare import PreparedArticle


def _inside(text: str, name: str = "Vell", people_here: frozenset[str] = frozenset()) -> bool:
    return written_inside_a_longer_name(text, name, people_here)


def _around(text: str, name: str = "Vell") -> tuple[int, int]:
    start = text.index(name)
    return start, start + len(name)


def test_a_lone_word_before_a_legal_form_is_a_word_of_a_firm():
    assert firms_name_around("The Fried. Vell GmbH steel group", *_around("The Fried. Vell GmbH steel group"))
    text = "developed with Vell and Lyle PLC <VLY>, it said"
    assert firms_name_around(text, *_around(text))
    text = "the broker Prescott, Vell and Turben Inc said"
    assert firms_name_around(text, *_around(text))
    text = "the closure of the Banco do Vell will force"
    assert firms_name_around(text, *_around(text))
    text = "Vell-Pond's Inc, recently acquired by a unit of Quistal NV"
    assert firms_name_around(text, *_around(text))
    # a firm named after a family is then called by the family's name: "Vell added" is the firm
    assert _inside("Fried. Vell GmbH said its unit won an order. Vell added that sales rose.")
    # a comma before a firm is the man's apposition, not a list of partners
    assert not _inside("said Vell, Mesa Petroleum Co chairman.")
    assert not _inside("said Vell, Mesa Ltd's chairman, and he left.")


def test_a_lone_word_joined_to_other_single_names_is_a_firms_word():
    assert _inside("said Dorin Holm, economist at brokers Quist and Vell. Rates will fall.")
    assert _inside("Lewis of Quist and Vell said he too believed it.")  # "said" of the firm's name
    assert _inside("Quist and Vell's Reid said prospects were good.")
    assert _inside("analyst with Dutch merchant bank Vell, Holm en Vell, sees room")
    assert _inside("London-based dealers Holm, Vell and Brenn said in a report")
    assert _inside("workers at Motors do Vell went on strike")
    assert _inside("the shares of Vell-Illinois rose")
    assert _inside("stockbrokers UBS-Vell said")


def test_a_name_joined_to_people_or_marked_alone_is_still_someone():
    # a partner who is a person of the article (named in full, or marked alone)
    assert not _inside("Orla Quist met Dorin Vell. Quist and Vell agreed.", people_here=frozenset({"Quist"}))
    # marked alone elsewhere in the article
    assert not _inside("Quist and Vell met in Paris. Vell said the talks went well.")
    # a title, or a name going on in capitals, is no partner
    assert not _inside("Mr Vell and Prime Minister Quist met.")
    assert not _inside("Vell and White House officials met.")
    assert not _inside("Talks ended. President Quist and Vell left.")
    # a comma alone before a name is a clause, not a list: "However, Vell told staff"
    assert not _inside("Senator Brenn died. However, Vell told senior staff he would stay.")
    assert not _inside("Group of five meeting concludes, Holm, Vell decline comment")
    assert not _inside("The Vell administration and Congress agreed.")
    text = "Vell and Holm met"
    assert joined_to_other_names(text, *_around(text), frozenset())
    assert not joined_to_other_names(text, *_around(text), frozenset({"Holm"}))


def test_names_mostly_written_without_a_persons_mark():
    marked = Counter({"Vell": 5, "Penn": 1})
    unmarked = Counter({"Vell": 3, "Penn": 4, "Quist": 1})
    assert mostly_unmarked(marked, unmarked) == {"Penn", "Quist"}


def _prepared(number: int, body: str, people=(), confirmed=()) -> PreparedArticle:
    article = Article(title="", body=body, origin="invented.txt", id=f"invented/{number}")
    entities = Entities(people=list(people), confirmed_people=set(confirmed))
    return PreparedArticle(article, "", body, body, 0, None, None, "", entities=entities)


def test_a_lone_word_joins_a_full_name_only_where_its_article_shows_a_person():
    corpus = [
        _prepared(1, "Orla Vell, a Quistal director, said sales rose.", ["Orla Vell"], ["Orla Vell"]),
        _prepared(11, "Orla Vell said she would stay.", ["Orla Vell"], ["Orla Vell"]),
        _prepared(12, "Orla Vell told the meeting it would.", ["Orla Vell"], ["Orla Vell"]),
        _prepared(13, "Amara Penn told the council so.", ["Amara Penn"], ["Amara Penn"]),
        _prepared(2, "Vell said the plan would work.", ["Vell"], ["Vell"]),
        _prepared(3, "said Dorin Holm, economist at brokers Brenn and Vell.", ["Dorin Holm", "Vell"]),
        _prepared(4, "Brenn and Vell said in a report that rates would fall.", ["Vell"], ["Vell"]),
        _prepared(5, "Amara Penn, the mayor, said the plant would close.", ["Amara Penn"], ["Amara Penn"]),
        _prepared(6, "It has plants in Kingston, Penn., and in Ohio.", ["Penn"]),
        _prepared(7, "The mill in Phoenixville, Penn., was closed.", ["Penn"]),
        _prepared(8, "Penn said he would stay on as chairman.", ["Penn"], ["Penn"]),
        # named alone with no mark here, but marked in most articles naming him alone: he is still him
        _prepared(9, "Vell will visit Paris next week.", ["Vell"]),
        _prepared(10, "Vell told reporters he was pleased.", ["Vell"], ["Vell"]),
    ]
    normalize_across_corpus(corpus, {})
    people = {item.article.id.split("/")[1]: item.entities.people for item in corpus}  # type: ignore[union-attr]
    assert people["2"] == ["Orla Vell"]
    assert people["3"] == ["Dorin Holm"]  # a word of the brokers' name, even with "said" after it
    assert people["4"] == []
    assert people["6"] == [] and people["7"] == []  # "Penn" is mostly unmarked: a state, not him
    assert people["8"] == ["Amara Penn"]
    assert people["9"] == ["Orla Vell"] and people["10"] == ["Orla Vell"]


def test_a_known_persons_name_inside_a_longer_name_is_not_found_there():
    # an organization of the article starts with it, or holds it before other words, or is its first word
    assert part_of_a_longer_name(
        "a unit of Ente Vellari Idrocarburi", "Ente Vellari", ["Ente Vellari Idrocarburi"]
    )
    assert part_of_a_longer_name("the new Quistosh II and SE", "Quistosh II", ["Quistosh"])
    # the model's run over a title ends with the name: it is the person
    assert not part_of_a_longer_name(
        "Secretary of Agriculture Orla Brenn said", "Orla Brenn", ["Agriculture Orla Brenn"]
    )
    assert not part_of_a_longer_name("Orla Brenn said", "Orla Brenn", ["Orla Brenn"])
    # a firm's name goes on with "et", "per", "de" wherever the text writes it; "of" a country does not
    assert part_of_a_longer_name("bonds of Credit Vellier et Commercial rose", "Credit Vellier", [])
    assert part_of_a_longer_name("Ente Vellari per l'Energia Elettrica issued", "Ente Vellari", [])
    assert not part_of_a_longer_name("said Orla Brenn of Arcadia, the chairman", "Orla Brenn", [])
    assert not part_of_a_longer_name(
        "Credit Vellier et Commercial and Credit Vellier said", "Credit Vellier", []
    )


def test_an_added_article_alone_says_nothing_of_what_a_lone_name_mostly_is():
    # the live index knows Orla Vell; one added article names her alone with no mark
    added = [_prepared(1, "The Vell administration sent the bill to the council.", ["Vell"])]
    normalize_across_corpus(added, {"person": Counter({"Orla Vell": 12})})
    assert added[0].entities.people == ["Orla Vell"]  # type: ignore[union-attr]
    # a rebuild of the same article alone reads it as the corpus: mostly unmarked, no one
    rebuilt = [
        _prepared(1, "The Vell administration sent the bill to the council.", ["Vell"]),
        *(_prepared(n, "Orla Vell told the meeting so.", ["Orla Vell"], ["Orla Vell"]) for n in (2, 3, 4)),
    ]
    normalize_across_corpus(rebuilt, {})
    assert rebuilt[0].entities.people == []  # type: ignore[union-attr]


def test_a_firms_name_tagged_as_a_place_is_neither_place_nor_person():
    corpus = [_prepared(n, "S.G. Vell said so.", ["S.G. Vell"], ["S.G. Vell"]) for n in (1, 2, 3)]
    firm = _prepared(6, "said Orla Brenn of S.G. Vell and Co Inc.", ["Orla Brenn"])
    firm.entities.places.append(Place("S.G. Vell", None))  # type: ignore[union-attr]
    normalize_across_corpus([*corpus, firm], {})
    assert firm.entities.people == ["Orla Brenn"]  # type: ignore[union-attr]
    assert firm.entities.places == []  # type: ignore[union-attr]

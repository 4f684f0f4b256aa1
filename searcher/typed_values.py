"""A facet value typed in quotes (``place:"Zurich"``, ``org:"AT&T"``, ``place:"U.S."``): that value, read
by the rule the facet's filter reads ``?place=Zurich`` by (``value_ids_or_acronym`` on Whoosh,
``Corrections.value_filter`` on OpenSearch: the value in any case and accent form, else the value its
acronym stands for). A word typed without quotes (``place:zurich``) still finds every value holding it.

Before, a quoted word was read as the word: ``place:"Zurich"`` found 129 articles on Reuters where
``?place=Zurich`` found 122, and ``place:"U.S."`` 14 where ``?place=U.S.`` found 2,796 (the United
States). A typed value the index does not hold is said above the results, as the filter's is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from whoosh import qparser
from whoosh.qparser import syntax
from whoosh.query import AndNot, Not, Term

from index.facets import ENTITY_FACETS, FACET_BY_NAME
from index.schema import COLUMN_FACETS

from .parser_nodes import FieldNodePlugin


class FacetValue(Term):
    """A facet's value typed in quotes: that value, as the facet's filter finds it."""


class FacetValueNode(syntax.WordNode):
    def query(self, parser: Any) -> Any:
        return FacetValue(self.fieldname, " ".join(self.text.split()), boost=self.boost)


class QuotedFacetValuePlugin(FieldNodePlugin):
    """Reads a quoted phrase in a facet field as a ``FacetValue``."""

    def replacement(self, node: Any) -> Any | None:
        if isinstance(node, qparser.PhrasePlugin.PhraseNode) and node.fieldname in COLUMN_FACETS:
            return FacetValueNode(node.text)
        return None


def typed_values(query: Any, excluded: bool = False) -> dict[tuple[str, str, bool], Any]:
    """The quoted facet values of a parsed query, each once, by facet, value and whether it is left
    out (``-org:"x"``, ``NOT org:"x"``)."""
    if isinstance(query, FacetValue):
        return {(query.fieldname, str(query.text), excluded): query}
    if isinstance(query, Not):
        return typed_values(query.query, not excluded)
    if isinstance(query, AndNot):
        return {**typed_values(query.a, excluded), **typed_values(query.b, not excluded)}
    found: dict[tuple[str, str, bool], Any] = {}
    for sub in query.children():
        found.update(typed_values(sub, excluded))
    return found


def unknown_values_notice(query: Any, holds: Callable[[str, str], bool]) -> str | None:
    """What the page says of each quoted facet value the index does not hold (``holds(facet, value)``
    is False), as it says of a filter's (``searcher.search.UnknownValue``); for one word, that without
    quotes it finds the values holding it (``person:"volcker"``: no person is "Volcker" alone)."""
    notices = []
    for facet, value, excluded in typed_values(query):
        if holds(facet, value):
            continue
        effect = "excluding it leaves nothing out" if excluded else "no article matches it"
        noun = FACET_BY_NAME[facet].noun
        notice = f"The index holds no {noun} “{value}” (in any case or accent form): {effect}."
        if facet in ENTITY_FACETS and len(value.split()) == 1 and not excluded:
            notice += (
                f" Without quotes, {facet}:{value} finds every {noun} with the word “{value}” in its name."
            )
        notices.append(notice)
    return " ".join(notices) or None

"""What a search's facet selections mean, defined once for every backend.

Within one facet the selected values are taken "any of" (or "all of", with ``all=FACET``) and the
excluded ones are left out; the facets combine with AND. Each facet's own counts ignore its "any of"
selection, so its other values stay clickable; they keep its exclusions and an "all of" selection, so
each count is what a click gives. Once an "any of" facet has a value checked, checking another widens
the results instead, so each unchecked value also gets what checking it would add (``widening``). A selected value's own
count is taken within what the facet is counted over, an excluded value's within the other facets'
selections (the articles its exclusion removes).

When stories are counted (versions collapsed), an excluded value leaves out every version of a story one
of whose versions *within the search* holds it — a version that matches the query, the dates and the
facets' selections (``selections_of``): a reader excluding Ronald Reagan does not want a story about him
because one re-send dropped his name, but a version the search does not find (another day, other words)
does not take its story out of it. That is exactly the complement of a value's count (the stories having a
version within the search that holds it), so for every value V the stories with V and the stories left by
"not V" add up to the search's total. The lists, totals, facet counts, what checking a value adds and
exports all follow from the same conditions, so they agree.

This module says which conditions apply where, as plain data; the Whoosh backend turns a ``Condition``
into a mask of articles, the OpenSearch backend into a filter clause.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .params import FACETS, SearchParams


@dataclass(frozen=True)
class Condition:
    """What one facet asks of an article: every value of ``all_of``, at least one of ``any_of`` (when
    there are any), none of ``none_of`` (excluded values: counting stories, in none of its story's
    versions within the search) and none of ``outside`` (in the article itself, whatever its story holds)."""

    facet: str
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    none_of: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        """False when it allows every article."""
        return bool(self.all_of or self.any_of or self.none_of or self.outside)

    def selection(self) -> Condition:
        """Its selection alone (all of, any of): what a version must hold to be within the search."""
        return Condition(self.facet, all_of=self.all_of, any_of=self.any_of)


def selections_of(conditions: Iterable[Condition]) -> tuple[Condition, ...]:
    """The selections among ``conditions``: counting stories, an excluded value among them leaves out the
    stories of the versions that pass these (and the query and dates) and hold it."""
    return tuple(selection for selection in (c.selection() for c in conditions) if selection)


@dataclass(frozen=True)
class FacetSelection:
    """One facet's part of a search: the values selected (any of them, or all of them) and excluded."""

    facet: str
    selected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    all_of: bool = False

    @classmethod
    def from_params(cls, facet: str, params: SearchParams) -> FacetSelection:
        return cls(
            facet,
            tuple(params.selected.get(facet, ())),
            tuple(params.excluded.get(facet, ())),
            facet in params.match_all,
        )

    def condition(self) -> Condition:
        """The articles this facet's selection and exclusions allow (what every hit must pass)."""
        if self.all_of:
            return Condition(self.facet, all_of=self.selected, none_of=self.excluded)
        return Condition(self.facet, any_of=self.selected, none_of=self.excluded)

    def counting_condition(self) -> Condition:
        """The articles this facet's own values are counted over, within the other facets: its
        exclusions always apply, its selection only when all of its values must match."""
        return Condition(self.facet, all_of=self.selected if self.all_of else (), none_of=self.excluded)

    @property
    def widens(self) -> bool:
        """Whether checking one more value adds results (an "any of" selection holds a value already)."""
        return bool(self.selected) and not self.all_of

    def given(self) -> list[tuple[str, bool]]:
        """The values as the search names them, each with whether it is excluded: selected ones first."""
        return [(value, False) for value in self.selected] + [(value, True) for value in self.excluded]


@dataclass(frozen=True)
class SelectionPlan:
    """Every facet's selection of one search, and the conditions each part of the answer is taken under."""

    selections: dict[str, FacetSelection]

    @classmethod
    def from_params(cls, params: SearchParams) -> SelectionPlan:
        return cls({facet: FacetSelection.from_params(facet, params) for facet in FACETS})

    @property
    def narrows(self) -> bool:
        """Whether any facet selects or excludes anything."""
        return any(self.hits())

    def hits(self) -> list[Condition]:
        """What the hits, the total and the date histogram pass: every facet's condition."""
        return [c for c in (s.condition() for s in self.selections.values()) if c]

    def others(self, facet: str) -> list[Condition]:
        """Every other facet's condition: what an excluded value of ``facet`` is counted within."""
        return [c for c in self.hits() if c.facet != facet]

    def own_counting(self, facet: str) -> list[Condition]:
        """What ``facet`` adds to :meth:`others` for counting its own values (nothing, or one condition)."""
        own = self.selections[facet].counting_condition()
        return [own] if own else []

    def counted_over(self, facet: str) -> list[Condition]:
        """What ``facet``'s value counts, and a selected value's own count, are taken within."""
        return self.others(facet) + self.own_counting(facet)

    def widening(self, facet: str) -> list[Condition]:
        """What checking one more value of a widening ``facet`` can add, before leaving out what the
        results hold already: what the facet is counted over, less the articles holding the values it
        selects (those alone: another version of their story may still add it)."""
        selection = self.selections[facet]
        return [*self.others(facet), Condition(facet, none_of=selection.excluded, outside=selection.selected)]

    def chosen_within(self, facet: str, excluded: bool) -> list[Condition]:
        """What a chosen value's own count is taken within: an excluded one's within the other facets (the
        stories its exclusion removes: those with a version there that holds it), a selected one's within
        what its facet is counted over."""
        return self.others(facet) if excluded else self.counted_over(facet)

    def contexts(self) -> list[list[Condition]]:
        """Every list of conditions a part of the answer is taken within (the hits, each facet's counts,
        its excluded values' counts and what checking one of its values adds): an engine that looks up
        the stories each exclusion leaves out before it searches looks them up within each."""
        found = [self.hits()]
        for facet, selection in self.selections.items():
            found.append(self.counted_over(facet))
            if selection.excluded:
                found.append(self.chosen_within(facet, excluded=True))
            if selection.widens:
                found.append(self.widening(facet))
        return found

"""What facet selections mean, once for both backends (searcher/selection.py), and each backend's
translation of a condition: the Whoosh one into a mask of articles, the OpenSearch one into a filter."""

import numpy as np
from werkzeug.datastructures import MultiDict

from searcher.backend import ConditionMasks, SearchIndex
from searcher.counting import StoryCounting
from searcher.opensearch_backend import NO_CORRECTIONS, condition_filter
from searcher.params import FACETS, params_from_args
from searcher.selection import Condition, FacetSelection, SelectionPlan


def plan_of(query: list[tuple[str, str]]) -> SelectionPlan:
    return SelectionPlan.from_params(params_from_args(MultiDict(query)))


def test_a_facet_takes_any_of_its_values_unless_all_are_asked_for_and_leaves_out_its_exclusions():
    any_of = FacetSelection("person", ("A", "B"), ("C",))
    assert any_of.condition() == Condition("person", any_of=("A", "B"), none_of=("C",))
    all_of = FacetSelection("person", ("A", "B"), ("C",), all_of=True)
    assert all_of.condition() == Condition("person", all_of=("A", "B"), none_of=("C",))
    assert not FacetSelection("person").condition()  # nothing chosen: every article passes


def test_a_facets_counts_ignore_its_any_of_selection_but_keep_all_of_and_exclusions():
    assert FacetSelection("org", ("A", "B"), ("C",)).counting_condition() == Condition("org", none_of=("C",))
    assert FacetSelection("org", ("A", "B"), all_of=True).counting_condition() == Condition(
        "org", all_of=("A", "B")
    )
    assert not FacetSelection("org", ("A", "B")).counting_condition()


def test_the_plan_combines_facets_and_says_what_each_count_is_taken_within():
    plan = plan_of(
        [("person", "Ann"), ("person", "Bo"), ("not_place", "Paris"), ("org", "X"), ("all", "org")]
    )
    assert set(plan.selections) == set(FACETS) and plan.narrows
    person = Condition("person", any_of=("Ann", "Bo"))
    place = Condition("place", none_of=("Paris",))
    org = Condition("org", all_of=("X",))
    assert plan.hits() == [person, place, org]
    assert plan.counted_over("person") == [place, org]  # its own "any of" left out
    assert plan.counted_over("place") == [person, org, place]  # its exclusion kept
    assert plan.counted_over("org") == [person, place, org]  # its "all of" kept
    assert plan.counted_over("country") == [person, place, org]
    assert plan.chosen_within("place", excluded=True) == [
        person,
        org,
    ]  # the articles Paris's exclusion removes
    assert plan.chosen_within("person", excluded=False) == [place, org]
    assert not plan_of([("q", "oil")]).narrows and plan_of([("q", "oil")]).hits() == []


def test_whoosh_masks_keep_all_of_any_of_and_none_of(sample_index):
    generation = SearchIndex(sample_index).generation()
    masks = ConditionMasks(generation)
    lindqvist, reyes = masks.value("person", "Mara Lindqvist"), masks.value("person", "Tomás Reyes")
    assert lindqvist.any() and reyes.any()
    everything = np.ones(generation.columns.size, dtype=bool)
    either = masks.narrowed(everything, [Condition("person", any_of=("Mara Lindqvist", "Tomás Reyes"))])
    both = masks.narrowed(everything, [Condition("person", all_of=("Mara Lindqvist", "Tomás Reyes"))])
    without = masks.narrowed(everything, [Condition("person", none_of=("Mara Lindqvist",))])
    assert np.array_equal(either, lindqvist | reyes) and np.array_equal(both, lindqvist & reyes)
    assert np.array_equal(without, ~lindqvist)
    narrowed = masks.narrowed(
        everything,
        [Condition("person", any_of=("Tomás Reyes",)), Condition("person", none_of=("Mara Lindqvist",))],
    )
    assert np.array_equal(narrowed, reyes & ~lindqvist) and everything.all()  # a copy: the mask given stays


def test_opensearch_filters_keep_all_of_any_of_and_none_of():
    condition = Condition("person", all_of=("A",), any_of=("B", "C"), none_of=("D",))
    clauses = condition_filter(condition, NO_CORRECTIONS)["bool"]
    named = {
        part: [NO_CORRECTIONS.value_filter("person", v) for v in values]
        for part, values in (("filter", ["A"]), ("should", ["B", "C"]), ("must_not", ["D"]))
    }
    assert {part: clauses[part] for part in named} == named and clauses["minimum_should_match"] == 1
    assert "should" not in condition_filter(Condition("person", all_of=("A",)), NO_CORRECTIONS)["bool"]


def test_counting_stories_an_exclusion_looks_only_at_the_versions_within_the_search(sample_index):
    """Two articles made one story, one holding a person and one not: excluding her leaves the whole
    story out when both are within the search, and keeps the other version when the one holding her is
    not (the query, the dates or a selection left it out) — the complement of her count."""
    generation = SearchIndex(sample_index).generation()
    columns = generation.columns
    holding = ConditionMasks(generation).value("person", "Mara Lindqvist")
    holder = int(np.flatnonzero(holding)[0])
    other = int(np.flatnonzero(~holding & columns.live)[0])
    doc_ids = [f"doc-{n}" for n in range(columns.size)]
    story = StoryCounting.for_documents(columns, doc_ids, {doc_ids[holder]: "one", doc_ids[other]: "one"})
    masks = ConditionMasks(generation, story)
    excluding = [Condition("person", none_of=("Mara Lindqvist",))]
    both = np.zeros(columns.size, dtype=bool)
    both[[holder, other]] = True
    assert not masks.narrowed(both, excluding).any()  # the story goes whole
    only_other = both.copy()
    only_other[holder] = False
    assert np.flatnonzero(masks.narrowed(only_other, excluding)).tolist() == [other]
    # a selection the holder does not pass puts it outside the search too
    place = next(
        v for v in columns.facets["place"].row(other) if v not in columns.facets["place"].row(holder)
    )
    narrowed = masks.narrowed(both, [*excluding, Condition("place", any_of=(place,))])
    assert np.flatnonzero(narrowed).tolist() == [other]
    # and the counts agree: her stories and the stories left by excluding her make every story
    assert story.count(masks.narrowed(only_other, [])) == story.count(holding & only_other) + story.count(
        masks.narrowed(only_other, excluding)
    )

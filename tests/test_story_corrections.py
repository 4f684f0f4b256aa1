"""Readers' corrections to stories (``index/story_corrections.py``): the rules file read and written,
and the rules applied to the automatic grouping."""

from __future__ import annotations

import pytest

from index.story_corrections import (
    HEADER,
    StoryCorrectionError,
    StoryRule,
    append_story_rule,
    apply_story_rules,
    changed_stories,
    joined_by_readers,
    missing_ids,
    parse_story_rule,
    parse_story_rules,
    read_story_rules,
    remove_last_story_rule,
)

AUTOMATIC = {"a": "a", "b": "a", "c": "c", "d": "d", "e": "d"}  # stories {a, b}, {c}, {d, e}


def test_rules_read_with_quotes_comments_and_blank_lines():
    text = HEADER + '\n# 2026-11-26T02:00:00+00:00\njoin "wire/1" "wire 2"\n\nsplit "x\\"y"\n'
    assert parse_story_rules(text) == [StoryRule("join", ("wire/1", "wire 2")), StoryRule("split", ('x"y',))]
    assert parse_story_rule(StoryRule("split", ('x"y',)).line(), "here") == StoryRule("split", ('x"y',))


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('merge "a" "b"', "starts with join or split"),
        ('join "a"', "two article ids or more"),
        ('join "a" "a"', "two article ids or more"),
        ('split "a" "b"', "one article id"),
        ('split ""', "cannot be empty"),
        ('join "a "b"', "No closing quotation"),
    ],
)
def test_a_broken_line_is_named_with_its_file_and_line(line, says):
    with pytest.raises(StoryCorrectionError, match=rf"stories.txt:3: .*{says}"):
        parse_story_rules(f"# header\n\n{line}\n")


def test_join_makes_the_listed_articles_stories_one_named_after_the_first():
    joined = apply_story_rules(AUTOMATIC, [StoryRule("join", ("c", "e"))])
    assert joined == {"a": "a", "b": "a", "c": "c", "d": "c", "e": "c"}


def test_split_takes_a_later_version_out_and_leaves_the_rest():
    split = apply_story_rules(AUTOMATIC, [StoryRule("split", ("b",))])
    assert split == {"a": "a", "b": "b", "c": "c", "d": "d", "e": "d"}


def test_split_of_the_version_a_story_is_named_after_renames_the_rest():
    stories = {"a": "a", "b": "a", "f": "a"}
    split = apply_story_rules(stories, [StoryRule("split", ("a",))])
    assert split == {"a": "a", "b": "b", "f": "b"}
    assert len(set(split.values())) == 2


def test_rules_apply_in_order_and_a_split_after_a_join_undoes_only_that_article():
    rules = [StoryRule("join", ("a", "c")), StoryRule("split", ("c",))]
    assert apply_story_rules(AUTOMATIC, rules) == AUTOMATIC
    rules = [StoryRule("split", ("b",)), StoryRule("join", ("b", "d"))]
    assert apply_story_rules(AUTOMATIC, rules) == {"a": "a", "b": "b", "c": "c", "d": "b", "e": "b"}


def test_ids_the_index_no_longer_holds_are_passed_over_and_reported():
    rules = [
        StoryRule("join", ("gone", "a", "c")),
        StoryRule("split", ("lost",)),
        StoryRule("join", ("x", "d")),
    ]
    assert apply_story_rules(AUTOMATIC, rules) == {**AUTOMATIC, "c": "a"}
    assert missing_ids(AUTOMATIC, rules) == [(rules[0], ["gone"]), (rules[1], ["lost"]), (rules[2], ["x"])]


def test_joined_by_readers_are_the_versions_the_automatic_grouping_kept_apart():
    assert joined_by_readers(AUTOMATIC, "a", ["a", "b", "c"]) == {"c"}
    assert joined_by_readers(AUTOMATIC, "c", ["a", "b", "c"]) == {"a", "b"}


def test_changed_stories_are_what_an_engine_storing_stories_must_update():
    after = apply_story_rules(AUTOMATIC, [StoryRule("join", ("a", "d"))])
    assert changed_stories(AUTOMATIC, after) == {"a": ["d", "e"]}
    assert changed_stories(after, AUTOMATIC) == {"d": ["d", "e"]}
    assert changed_stories(AUTOMATIC, AUTOMATIC) == {}


def test_the_file_keeps_a_header_dated_rules_and_undo_takes_back_the_last(tmp_path):
    first, second = StoryRule("join", ("a", "c")), StoryRule("split", ("b",))
    append_story_rule(tmp_path, first)
    path = append_story_rule(tmp_path, second)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HEADER) and text.count("\n# 20") == 2
    assert read_story_rules(tmp_path) == [first, second]
    assert remove_last_story_rule(tmp_path) == second
    assert read_story_rules(tmp_path) == [first]
    assert path.read_text(encoding="utf-8").count("\n# 20") == 1
    assert remove_last_story_rule(tmp_path) == first
    assert remove_last_story_rule(tmp_path) is None
    assert path.read_text(encoding="utf-8").startswith(HEADER.rstrip("\n"))

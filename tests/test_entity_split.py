"""Splitting a wrong merge: the articles that wrote a value one way get another value."""

from __future__ import annotations

import numpy as np
import pytest

from index.aliases import ALIASES_FILE, AliasError, AliasRule, parse_rules, split_values, value_map
from index.columns import FacetColumn
from searcher import create_app
from searcher.backend import column_with_rows

SPLIT = AliasRule("split", "person", "James Baker", "Howard Baker", "Baker")


def test_a_split_rule_reads_and_writes_back():
    line = SPLIT.line()
    assert line == 'split person "James Baker" written "Baker" to "Howard Baker"'
    assert parse_rules(line) == [SPLIT]
    assert value_map([SPLIT])["person"] == {}  # a split changes articles, not a value everywhere


@pytest.mark.parametrize(
    "text, message",
    [
        ('split place "Paris" written "Paris" to "Paris, Texas"', "person and org"),
        ('split person "A" to "B"', "split reads"),
        ('split person "A" written "" to "B"', "cannot be empty"),
    ],
)
def test_bad_split_rules_are_named_by_line(text, message):
    with pytest.raises(AliasError, match=message) as error:
        parse_rules(text, "aliases.txt")
    assert "aliases.txt:1" in str(error.value)


def test_split_values_moves_a_value_written_only_that_way_and_adds_where_both():
    only = split_values(["James Baker", "Ed Meese"], {"James Baker": {"baker"}}, [SPLIT])
    assert only == (["Howard Baker", "Ed Meese"], {("James Baker", "baker"): "Howard Baker"})
    both, _ = split_values(["James Baker"], {"James Baker": {"baker", "james baker"}}, [SPLIT])
    assert both == ["James Baker", "Howard Baker"]
    untouched, moved = split_values(["James Baker"], {"James Baker": {"james baker"}}, [SPLIT])
    assert untouched == ["James Baker"] and moved == {}


def test_a_column_with_some_rows_replaced():
    starts = np.array([0, 2, 3, 4])  # article 0 holds A and B, 1 holds B, 2 holds C
    ids = np.array([0, 1, 1, 2], dtype=np.int32)
    column = FacetColumn(
        ["A", "B", "C"], starts, ids, np.repeat(np.arange(3, dtype=np.int32), np.diff(starts))
    )
    fixed = column_with_rows(column, {1: ["D"], 2: ["C", "B"]})
    assert [fixed.row(n) for n in range(3)] == [["A", "B"], ["D"], ["C", "B"]]
    assert fixed.counts(np.ones(3, dtype=bool)) == {"A": 1, "B": 2, "C": 1, "D": 1}


def spellings_by_article(client, value: str) -> dict[str, set[str]]:
    """For each article holding ``value``, how it wrote it (from its mention spans and body)."""
    found = {}
    for hit in client.get(f"/api/search?person={value}&collapse=false&per_page=100").get_json()["hits"]:
        article = client.get(f"/api/articles/{hit['id']}").get_json()
        body = article["body"]
        found[hit["id"]] = {
            " ".join(body[start:end].split()).casefold()
            for start, end, facet, span_value in article["spans"]
            if facet == "person" and span_value == value
        }
    return found


def test_split_sends_the_articles_that_wrote_it_so_to_the_other_value(writable_index):
    app = create_app({"TESTING": True, "INDEX_DIR": str(writable_index)})
    client, runner = app.test_client(), app.test_cli_runner()
    before = spellings_by_article(client, "Priya Desai")
    assert any("dr desai" in written for written in before.values())

    result = runner.invoke(
        args=[
            "entities",
            "split",
            "person",
            "priya desai",
            "DR  Desai",
            "Raj Desai",
            "--index-dir",
            str(writable_index),
        ]
    )
    assert result.exit_code == 0, result.output
    assert 'split person "Priya Desai" written "Dr Desai" to "Raj Desai"' in result.output

    for article_id, written in before.items():
        article = client.get(f"/api/articles/{article_id}").get_json()
        assert ("Raj Desai" in article["people"]) == ("dr desai" in written), article_id
        assert ("Priya Desai" in article["people"]) == bool(written - {"dr desai"}), article_id
    moved = {i for i, w in before.items() if "dr desai" in w}
    kept = {i for i, w in before.items() if w - {"dr desai"}}
    raj = client.get("/api/search?person=Raj+Desai&collapse=false&per_page=100").get_json()
    assert {hit["id"] for hit in raj["hits"]} == moved
    priya = client.get("/api/search?person=Priya+Desai&collapse=false&per_page=100").get_json()
    assert {hit["id"] for hit in priya["hits"]} == kept
    entity = client.get("/api/entities/person/Raj Desai").get_json()
    assert [form["text"] for form in entity["written_as"]] == ["Dr Desai"]

    result = runner.invoke(args=["entities", "undo", "--index-dir", str(writable_index)])
    assert "took back: split" in result.output
    assert client.get("/api/search?person=Raj+Desai").get_json()["total"] == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["person", "Nobody Here", "Desai", "Raj Desai"], "no person value 'Nobody Here'"),
        (["person", "Priya Desai", "Desay", "Raj Desai"], "no article writes 'Priya Desai' as 'Desay'"),
        (["person", "Priya Desai", "Desai", "Priya Desai"], "is 'Priya Desai' itself"),
        (["place", "Tallinn", "Tallinn", "Tallinn, Ohio"], "'place' is not one of 'person', 'org'"),
    ],
)
def test_a_bad_split_is_refused_and_changes_nothing(writable_index, args, message):
    runner = create_app({"TESTING": True, "INDEX_DIR": str(writable_index)}).test_cli_runner()
    result = runner.invoke(args=["entities", "split", *args, "--index-dir", str(writable_index)])
    assert result.exit_code != 0 and message in result.output, result.output
    assert not (writable_index / ALIASES_FILE).exists()

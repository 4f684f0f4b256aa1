"""Readers' corrections to facet values: merge, rename, drop, list, undo."""

import numpy as np
import pytest

from index.aliases import AliasError, AliasRule, parse_rules, value_map
from index.columns import FacetColumn
from searcher import create_app


def test_rules_read_and_follow_through():
    rules = parse_rules(
        '# a comment\nmerge person "Mines Subroto" into "Subroto"\n'
        'rename person "Subroto" to "Subroto (minister)"\ndrop person "North Sea"\n'
    )
    assert rules[0] == AliasRule("merge", "person", "Mines Subroto", "Subroto")
    assert value_map(rules)["person"] == {
        "Mines Subroto": "Subroto (minister)",
        "Subroto": "Subroto (minister)",
        "North Sea": None,
    }


@pytest.mark.parametrize(
    "text, message",
    [
        ('merge person "A" "B"', "merge reads"),
        ('drop planet "Mars"', "needs a facet"),
        ('delete person "A"', "starts with merge, rename or drop"),
        ('merge person "A into "B"', "No closing quotation"),
    ],
)
def test_bad_rules_are_named_by_line(text, message):
    with pytest.raises(AliasError, match=message) as error:
        parse_rules("# header\n" + text, "aliases.txt")
    assert "aliases.txt:2" in str(error.value)


def test_a_loop_of_merges_is_refused():
    with pytest.raises(AliasError, match="loop"):
        value_map(
            parse_rules('merge org "EC" into "European Community"\nmerge org "European Community" into "EC"')
        )


def test_a_column_with_merged_and_dropped_values():
    starts = np.array([0, 2, 3, 4])  # article 0 holds A and B, 1 holds B, 2 holds C
    ids = np.array([0, 1, 1, 2], dtype=np.int32)
    column = FacetColumn(
        ["A", "B", "C"], starts, ids, np.repeat(np.arange(3, dtype=np.int32), np.diff(starts))
    )
    fixed = column.with_aliases({"A": "B", "C": None})
    assert fixed.counts(np.ones(3, dtype=bool)) == {"B": 2}  # article 0 counts once
    assert [fixed.row(n) for n in range(3)] == [["B"], ["B"], []]


def test_corrections_apply_at_once_and_undo_restores(writable_index, tmp_path):
    app = create_app({"TESTING": True, "INDEX_DIR": str(writable_index)})
    client, runner = app.test_client(), app.test_cli_runner()

    def people():
        return {v["value"]: v["count"] for v in client.get("/api/search").get_json()["facets"]["person"]}

    def entities(*args):
        result = runner.invoke(args=["entities", *args, "--index-dir", str(writable_index)])
        return result.exit_code, result.output

    before = people()
    mara = client.get("/api/search?person=Mara+Lindqvist").get_json()["total"]
    either = client.get("/api/search?person=Mara+Lindqvist&person=Henrik+Vallo").get_json()["total"]
    saved = f"saved in {writable_index / 'aliases.txt'}: " + 'drop person "Mara Lindqvist"\n'
    assert entities("drop", "person", "mara lindqvist") == (0, saved)
    assert "Mara Lindqvist" not in people()
    article = client.get("/api/articles/nordic-wire/nordicwire-017").get_json()
    assert "Mara Lindqvist" not in article["people"]
    assert all(span[3] != "Mara Lindqvist" for span in article["spans"])
    assert entities("undo")[0] == 0 and people() == before

    code, _ = entities("merge", "person", "Mara Lindqvist", "Henrik Vallo")
    assert code == 0
    merged = people()
    assert "Mara Lindqvist" not in merged and merged["Henrik Vallo"] == either
    assert client.get("/api/search?person=Henrik+Vallo").get_json()["total"] == either >= mara
    page = client.get("/api/entities/person/Henrik%20Vallo").get_json()
    assert page["also_known_as"] == ["Mara Lindqvist"] and page["total"] == either
    assert "1. merge person" in entities("list")[1]

    # bad input changes nothing
    assert entities("merge", "person", "Nobody Here", "Henrik Vallo")[0] != 0
    assert entities("merge", "person", "Henrik Vallo", "Mara Lindqvist")[0] != 0  # she is merged away
    assert (
        entities("rename", "person", "Henrik Vallo", "Lucia Ferraro")[1].count("use `searcher entities merge")
        == 1
    )
    assert people() == merged

    # a file broken by hand stops the index being served with the line named, never uncorrected facets
    (writable_index / "aliases.txt").write_text('oops person "X"\n')
    response = client.get("/api/search")
    assert response.status_code == 503 and "aliases.txt:1" in response.get_json()["error"]

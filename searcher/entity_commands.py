"""``searcher entities merge|rename|drop|split|list|undo``: readers' corrections to facet values."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click
import numpy as np
from flask.cli import with_appcontext

from index import store
from index.aliases import (
    ALIAS_FACETS,
    SPLIT_FACETS,
    AliasError,
    AliasRule,
    append_rule,
    read_rules,
    remove_last_rule,
    spelling_key,
    value_map,
)
from index.columns import facet_key

from .backend import SearchIndex
from .cli import index_dir_option, resolve_index_dir

facet_argument = click.argument("facet", type=click.Choice(ALIAS_FACETS))


@click.group(
    "entities",
    help="Correct facet values: merge two, rename one, drop one, split a wrong merge; list and undo. The "
    "corrections apply to the live index at once (no spaCy) and survive rebuilds.",
)
def entities_group() -> None:
    pass


def find_value(index: SearchIndex, facet: str, typed: str) -> str | None:
    """The index's own spelling of a typed value (any case or accents), if it holds one."""
    column = index.generation().columns.facets[facet]
    ids = column.value_ids(facet_key(typed))
    return column.values[ids[0]] if ids else None


def index_value(index: SearchIndex, facet: str, typed: str) -> str:
    """The index's own spelling of a typed value, or a clear error naming it."""
    found = find_value(index, facet, typed)
    if found is None:
        raise click.ClickException(
            f"no {facet} value {typed!r} in the index at {index.index_dir} "
            f"(see `searcher index stats`, or the page's facet boxes)"
        )
    return found


def save(index: SearchIndex, rule: AliasRule) -> None:
    """Check the rule against the ones there (no loops), then write it; nothing changes on an error."""
    try:
        value_map([*read_rules(index.index_dir), rule])
    except AliasError as error:
        raise click.ClickException(f"not saved: {error}") from None
    path = append_rule(index.index_dir, rule)
    click.echo(f"saved in {path}: {rule.line()}")


def open_index(index_dir: Path | None) -> SearchIndex:
    index = SearchIndex(resolve_index_dir(index_dir))
    try:
        index.generation()
    except (store.NoIndexError, AliasError) as error:
        raise click.ClickException(str(error)) from None
    return index


@entities_group.command(
    "merge",
    help="Merge VALUE into OTHER (both in the index): searcher entities merge person "
    '"Mines Subroto" "Subroto".',
)
@facet_argument
@click.argument("value")
@click.argument("other")
@index_dir_option
@with_appcontext
def merge_command(facet: str, value: str, other: str, index_dir: Path | None) -> None:
    index = open_index(index_dir)
    source, target = index_value(index, facet, value), index_value(index, facet, other)
    if source == target:
        raise click.ClickException(f"{value!r} and {other!r} are already one value: {source!r}")
    save(index, AliasRule("merge", facet, source, target))


@entities_group.command("rename", help="Give VALUE a new name (one that is not a value yet; else merge).")
@facet_argument
@click.argument("value")
@click.argument("new_name")
@index_dir_option
@with_appcontext
def rename_command(facet: str, value: str, new_name: str, index_dir: Path | None) -> None:
    index = open_index(index_dir)
    source = index_value(index, facet, value)
    if not new_name.strip():
        raise click.ClickException("the new name is empty")
    existing = find_value(index, facet, new_name)
    if existing is not None and existing != source:
        raise click.ClickException(
            f"{existing!r} is already a {facet} value: use `searcher entities merge "
            f"{facet} {source!r} {existing!r}`"
        )
    save(index, AliasRule("rename", facet, source, new_name.strip()))


@entities_group.command(
    "drop", help='Take VALUE out of its facet: searcher entities drop person "North Sea".'
)
@facet_argument
@click.argument("value")
@index_dir_option
@with_appcontext
def drop_command(facet: str, value: str, index_dir: Path | None) -> None:
    index = open_index(index_dir)
    save(index, AliasRule("drop", facet, index_value(index, facet, value)))


def written_forms(index: SearchIndex, facet: str, value: str) -> Counter[str]:
    """How the articles holding ``value`` wrote it (mention texts, spacing made single), with the
    number of mentions of each: what a split chooses from."""
    generation = index.generation()
    column = generation.columns.facets[facet]
    holders = column.articles_with(column.value_ids(facet_key(value)), generation.columns.size)
    written: Counter[str] = Counter()
    for docnum in np.flatnonzero(holders & generation.columns.live).tolist():
        stored = generation.searcher.stored_fields(docnum)
        body = stored.get("body") or ""
        entities = generation.corrected_entities(json.loads(stored["entities"]), body)
        for start, end, span_facet, span_value in entities["spans"]:
            if span_facet == facet and span_value == value and 0 <= start < end <= len(body):
                written[" ".join(body[start:end].split())] += 1
    return written


@entities_group.command(
    "split",
    help="Undo a wrong merge: the articles that wrote VALUE as SPELLING (as the entity page's \"how the "
    'articles wrote the name" shows it) get OTHER instead: searcher entities split person '
    '"James Baker" "Baker" "Howard Baker".',
)
@click.argument("facet", type=click.Choice(SPLIT_FACETS))
@click.argument("value")
@click.argument("spelling")
@click.argument("other")
@index_dir_option
@with_appcontext
def split_command(facet: str, value: str, spelling: str, other: str, index_dir: Path | None) -> None:
    index = open_index(index_dir)
    source = index_value(index, facet, value)
    forms = written_forms(index, facet, source)
    by_key = {spelling_key(text): text for text, _ in forms.most_common()}
    key = spelling_key(spelling)
    if key not in by_key:
        listed = ", ".join(f"{text!r} ({count})" for text, count in forms.most_common(12))
        raise click.ClickException(
            f"no article writes {source!r} as {spelling!r}; they write it as: {listed or 'nothing found'}"
        )
    if set(by_key) == {key}:
        raise click.ClickException(
            f"every article writes {source!r} as {by_key[key]!r}: that is a rename "
            f"(`searcher entities rename {facet} {source!r} {other!r}`)"
        )
    if not other.strip():
        raise click.ClickException("the other value is empty")
    target = find_value(index, facet, other) or other.strip()
    if target == source:
        raise click.ClickException(f"{other!r} is {source!r} itself")
    save(index, AliasRule("split", facet, source, target, by_key[key]))


@entities_group.command("list", help="The corrections in force, in the order they apply.")
@index_dir_option
@with_appcontext
def list_command(index_dir: Path | None) -> None:
    location = resolve_index_dir(index_dir)
    try:
        rules = read_rules(location)
    except AliasError as error:
        raise click.ClickException(str(error)) from None
    if not rules:
        click.echo(f"no corrections for the index at {location}")
    for number, rule in enumerate(rules, start=1):
        click.echo(f"{number:>3}. {rule.line()}")


@entities_group.command("undo", help="Take back the last correction.")
@index_dir_option
@with_appcontext
def undo_command(index_dir: Path | None) -> None:
    location = resolve_index_dir(index_dir)
    try:
        rule = remove_last_rule(location)
    except AliasError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"took back: {rule.line()}" if rule else f"no corrections to take back at {location}")

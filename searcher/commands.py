"""``searcher search``, ``serve`` and ``demo``."""

from __future__ import annotations

import html
import json
import re
from importlib.resources import files
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from werkzeug.datastructures import MultiDict

from index import store
from index.build import rebuild
from index.language import language_name
from index.readers import READERS

from .cli import (
    CommandFunction,
    build_options,
    index_description,
    index_dir_option,
    print_report,
    resolve_index_dir,
)
from .export import csv_lines, jsonl_lines
from .params import ALL_OF_FACETS, DEFAULT_PER_PAGE, FACETS, MAX_PER_PAGE, SORTS, ParamError, params_from_args
from .search import Matched, run_search
from .views import search_index


def facet_options(command: CommandFunction) -> CommandFunction:
    """--person, --not-person, ... for every facet, and --all for "all of" matching."""
    for facet in reversed(FACETS):
        what = (
            "naming a place in this country"
            if facet == "country"
            else (
                "mentioning this date (YYYY, YYYY-MM or YYYY-MM-DD)"
                if facet == "mentioned"
                else "written in this language (an ISO 639 code: de, fr; und for undetermined)"
                if facet == "language"
                else f"naming this {'organization' if facet == 'org' else facet}"
            )
        )
        command = click.option(
            f"--not-{facet}", f"not_{facet}", multiple=True, help=f"Leave out articles {what} (repeatable)."
        )(command)
        command = click.option(
            f"--{facet}", facet, multiple=True, help=f"Only articles {what} (repeatable: any of them)."
        )(command)
    return click.option(
        "--all",
        "match_all",
        multiple=True,
        type=click.Choice(ALL_OF_FACETS),
        help="Articles must have all the selected values of this facet, not any.",
    )(command)


@click.command("search", help="Search the index from the terminal (or print the API's JSON).")
@click.argument("query", nargs=-1)
@facet_options
@click.option("--from", "date_from", default=None, help="Published on or after YYYY[-MM[-DD]].")
@click.option(
    "--to", "date_to", default=None, help="Published on or before YYYY[-MM[-DD]] (the whole month or year)."
)
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--page", default="1", show_default=True)
@click.option("--per-page", default=str(DEFAULT_PER_PAGE), show_default=True, help=f"At most {MAX_PER_PAGE}.")
@click.option(
    "--collapse",
    default="true",
    show_default=True,
    help="true: one hit per story (its versions grouped); false: every article.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as GET /api/search.")
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["csv", "jsonl"]),
    default=None,
    help="Print every match (not one page) as CSV or JSON Lines, as /export.csv and /export.jsonl do.",
)
@index_dir_option
@with_appcontext
def search_command(
    query: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    sort: str,
    page: str,
    per_page: str,
    collapse: str,
    as_json: bool,
    export_format: str | None,
    index_dir: Path | None,
    match_all: tuple[str, ...],
    **facets: tuple[str, ...],
) -> None:
    location = resolve_index_dir(index_dir)
    current_app.config["INDEX_DIR"] = str(location)
    click.echo(f"searching {index_description(location)}", err=True)
    args = MultiDict(
        [
            ("q", " ".join(query)),
            ("sort", sort),
            ("page", page),
            ("per_page", per_page),
            ("collapse", collapse),
        ]
        + [(name, value) for name, values in facets.items() for value in values]
        + [("all", facet) for facet in match_all]
        + ([("from", date_from)] if date_from else [])
        + ([("to", date_to)] if date_to else [])
    )
    try:
        params = params_from_args(args)
        if export_format:
            lines = csv_lines if export_format == "csv" else jsonl_lines
            for chunk in lines(search_index().all_matches(params)):
                click.echo(chunk, nl=False)
            return
        results = run_search(search_index(), params)
    except ParamError as error:
        raise click.BadParameter(error.message, param_hint=option_named(error.parameter)) from None
    except store.NoIndexError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(results.as_json(), indent=2, ensure_ascii=False))
        return
    click.echo(
        (
            f"{how_many(results.total, 'story', 'stories')} ({how_many(results.articles, 'article')})"
            if results.counts == "stories"
            else how_many(results.total, "article")
        )
        + (f" (did you mean: {results.suggestion}?)" if results.suggestion else "")
    )
    if results.notice:  # a wildcard too broad, or too many: why the words were not searched as typed
        click.echo(results.notice)
    for unknown in results.not_in_index:  # a facet value the index holds under no spelling
        click.echo(unknown.message)
    for matched in results.matched:
        click.echo(f"{matched.field}:{matched.typed} matched " + describe_matched(matched))
    if not results.hits and results.total and results.page > results.pages:
        click.echo(f"Page {results.page:,} is past the end: the last page is {results.pages:,}.")
    for number, hit in enumerate(results.hits, start=results.first_number):
        snippet = terminal_snippet(hit.snippet)
        click.echo(
            f"\n{number}. {click.style(hit.title, bold=True)}  [{hit.published or 'undated'}]  {hit.id}"
            f"  ({language_name(hit.language)})"
        )
        click.echo(f"   {snippet}")
        if hit.versions and hit.versions > 1:
            click.echo(f"   {hit.versions} versions: " + ", ".join(v["id"] for v in hit.other_versions))
        names = hit.people[:4] + hit.places[:3] + hit.orgs[:3]
        if names:
            click.echo(f"   {', '.join(names)}")
    for facet in ("person", "place", "org", "language"):
        top = ", ".join(
            f"{v.label or v.value} ({v.count if v.adds is None else f'+{v.adds}'})"
            for v in results.facets[facet][:6]
        )
        if top:
            click.echo(f"\n{facet}: {top}")


def describe_matched(matched: Matched) -> str:
    """ "Paul Volcker (107), Volcker (2)"; or that it matched no value."""
    if not matched.values:
        return "no value"
    listed = ", ".join(f"{v.value} ({v.count})" for v in matched.values)
    return listed + (f" and {matched.more} more" if matched.more else "")


@click.command("serve", help="Serve the search pages and API with a production WSGI server (waitress).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=click.IntRange(1, 65535), show_default=True)
@click.option("--threads", default=8, type=click.IntRange(1, 64), show_default=True)
@index_dir_option
@with_appcontext
def serve_command(host: str, port: int, threads: int, index_dir: Path | None) -> None:
    serve(
        current_app._get_current_object(),  # type: ignore[attr-defined]  # Flask types the proxy as Flask
        resolve_index_dir(index_dir),
        host,
        port,
        threads,
    )


def serve(app: Flask, location: Path, host: str, port: int, threads: int) -> None:
    import waitress

    app.config["INDEX_DIR"] = str(location)
    if store.current_generation(location) is None and app.config.get("BACKEND") != "opensearch":
        click.echo(f"warning: no index at {location} yet; pages will say so until one is built", err=True)
    with app.app_context():
        where = index_description(location)
    click.echo(f"Serving {where} on http://{host}:{port}/  (Ctrl-C stops)")
    waitress.serve(app, host=host, port=port, threads=threads, ident="newsfacets")


def sample_articles_dir() -> Path:
    return Path(str(files("index.samples")))


def sample_article_files() -> list[str]:
    """The bundled sample articles, without the package's own files (its README, __init__.py), which a
    folder listing would report as files it does not read."""
    return sorted(
        str(path)
        for path in sample_articles_dir().iterdir()
        if path.is_file() and path.suffix.lower() in READERS
    )


@click.command("demo", help="Index the bundled sample articles (once) and serve them.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=click.IntRange(1, 65535), show_default=True)
@click.option("--rebuild", "force", is_flag=True, help="Rebuild the demo index even if there is one.")
@index_dir_option
@with_appcontext
def demo_command(host: str, port: int, force: bool, index_dir: Path | None) -> None:
    location = resolve_index_dir(index_dir)
    if force or store.current_generation(location) is None:
        click.echo(f"Indexing the bundled sample articles from {sample_articles_dir()} into {location} ...")
        report = rebuild(sample_article_files(), location, build_options(None, None, False))
        print_report(report, "built")
    else:
        click.echo(
            f"Serving the index already at {location}, not a fresh index of the samples "
            f"(`searcher demo --rebuild` indexes the samples again)"
        )
    serve(
        current_app._get_current_object(),  # type: ignore[attr-defined]  # Flask types the proxy as Flask
        location,
        host,
        port,
        8,
    )


COMMANDS = [search_command, serve_command, demo_command]


def option_named(parameter: str) -> str:
    """The command line's name for a search parameter an error names: the words are QUERY, every
    other parameter an option (``not_person`` is ``--not-person``)."""
    if parameter == "q":
        return "QUERY"
    if parameter == "query string":
        return "the search as a whole"
    return f"--{parameter.replace('_', '-')}"


def terminal_snippet(snippet: str) -> str:
    """A hit's snippet (HTML with ``<mark>`` only) as terminal text on one line: the marks bold, the
    entities decoded (``&lt;UCL&gt;`` is ``<UCL>``), line breaks and runs of spaces one space."""
    parts = re.split(r"(</?mark>)", snippet)
    styled = []
    for part in parts:
        if part == "<mark>":
            styled.append(click.style("", bold=True, reset=False))
        elif part == "</mark>":
            styled.append(click.style("", reset=True))
        else:
            styled.append(re.sub(r"\s+", " ", html.unescape(part)))
    return "".join(styled).strip()


def how_many(count: int, one: str, many: str | None = None) -> str:
    """'1 story', '2 stories', '1,024 articles'."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"

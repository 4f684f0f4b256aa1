"""``searcher search``, ``serve`` and ``demo``."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.datastructures import MultiDict

from index import store
from index.build import rebuild

from .cli import build_options, index_dir_option, print_report, resolve_index_dir
from .params import SORTS, ParamError, params_from_args
from .search import run_search
from .views import search_index


@click.command("search", help="Search the index from the terminal (or print the API's JSON).")
@click.argument("query", nargs=-1)
@click.option("--person", multiple=True, help="Only articles naming this person (repeatable; OR).")
@click.option("--place", multiple=True, help="Only articles naming this place (repeatable; OR).")
@click.option("--country", multiple=True, help="Only articles naming a place in this country.")
@click.option("--org", multiple=True, help="Only articles naming this organization.")
@click.option("--from", "date_from", default=None, help="Published on or after YYYY[-MM[-DD]].")
@click.option("--to", "date_to", default=None, help="Published on or before YYYY[-MM[-DD]].")
@click.option("--sort", type=click.Choice(SORTS), default="relevance")
@click.option("--page", default="1")
@click.option("--per-page", default="10")
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as GET /api/search.")
@index_dir_option
@with_appcontext
def search_command(query, person, place, country, org, date_from, date_to, sort, page, per_page, as_json, index_dir):
    if index_dir:
        current_app.config["INDEX_DIR"] = str(resolve_index_dir(index_dir))
    args = MultiDict([("q", " ".join(query)), ("sort", sort), ("page", page), ("per_page", per_page)]
                     + [("person", v) for v in person] + [("place", v) for v in place]
                     + [("country", v) for v in country] + [("org", v) for v in org]
                     + ([("from", date_from)] if date_from else []) + ([("to", date_to)] if date_to else []))
    try:
        results = run_search(search_index(), params_from_args(args))
    except ParamError as error:
        raise click.BadParameter(error.message, param_hint=f"--{error.parameter}") from None
    except store.NoIndexError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(results, indent=2, ensure_ascii=False))
        return
    click.echo(f"{results['total']} articles" + (f" (did you mean: {results['suggestion']}?)"
                                                  if results["suggestion"] else ""))
    for number, hit in enumerate(results["hits"], start=(results["page"] - 1) * results["per_page"] + 1):
        snippet = hit["snippet"].replace("<mark>", click.style("", bold=True)).replace("</mark>", click.style("", reset=True))
        click.echo(f"\n{number}. {click.style(hit['title'], bold=True)}  [{hit['published'] or 'undated'}]  {hit['id']}")
        click.echo(f"   {snippet}")
        names = hit["people"][:4] + hit["places"][:3] + hit["orgs"][:3]
        if names:
            click.echo(f"   {', '.join(names)}")
    for facet in ("person", "place", "org"):
        top = ", ".join(f"{v['value']} ({v['count']})" for v in results["facets"][facet][:6])
        if top:
            click.echo(f"\n{facet}: {top}")


@click.command("serve", help="Serve the search pages and API with a production WSGI server (waitress).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=click.IntRange(1, 65535), show_default=True)
@click.option("--threads", default=8, type=click.IntRange(1, 64), show_default=True)
@index_dir_option
@with_appcontext
def serve_command(host, port, threads, index_dir):
    serve(current_app._get_current_object(), resolve_index_dir(index_dir), host, port, threads)


def serve(app, location: Path, host: str, port: int, threads: int) -> None:
    import waitress

    app.config["INDEX_DIR"] = str(location)
    if store.current_generation(location) is None:
        click.echo(f"warning: no index at {location} yet; pages will say so until one is built", err=True)
    click.echo(f"Serving the index at {location} on http://{host}:{port}/  (Ctrl-C stops)")
    waitress.serve(app, host=host, port=port, threads=threads, ident="newsfacets")


def sample_articles_dir() -> Path:
    return Path(str(files("index.samples")))


@click.command("demo", help="Index the bundled sample articles (once) and serve them.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=click.IntRange(1, 65535), show_default=True)
@click.option("--rebuild", "force", is_flag=True, help="Rebuild the demo index even if there is one.")
@index_dir_option
@with_appcontext
def demo_command(host, port, force, index_dir):
    location = resolve_index_dir(index_dir)
    if force or store.current_generation(location) is None:
        click.echo(f"Indexing the bundled sample articles from {sample_articles_dir()} into {location} ...")
        report = rebuild([str(sample_articles_dir())], location, build_options(None, None, False))
        print_report(report, "built")
    serve(current_app._get_current_object(), location, host, port, 8)


COMMANDS = [search_command, serve_command, demo_command]

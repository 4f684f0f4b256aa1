"""Downloads of a search: every match as CSV or JSON Lines, and an Atom feed of its newest matches.

They take the search page's parameters, so any page's URL becomes a file or a subscription by its path.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue

from index.store import NoIndexError

from .export import atom_feed, csv_lines, jsonl_lines
from .params import ParamError, SearchParams, params_from_args
from .views import no_index_title, search_index

blueprint = Blueprint("downloads", __name__)

FEED_ENTRIES = 50


def _params() -> SearchParams:
    """The search an export or feed gives in full: its page and page size are checked as the API checks
    them (``per_page=lots`` is refused, not ignored), then left out."""
    params_from_args(request.args)
    args = request.args.copy()
    args.pop("page", None)
    args.pop("per_page", None)
    return params_from_args(args)


def _refused(error: ParamError | NoIndexError, status: int) -> ResponseReturnValue:
    message = (
        f"The parameter “{error.parameter}” is not valid: {error.message}"
        if isinstance(error, ParamError)
        else str(error)
    )
    return render_template(
        "error.html",
        title="Bad request" if isinstance(error, ParamError) else no_index_title(error),
        message=message,
    ), status


def search_title(params: SearchParams) -> str:
    """'oil — person: Paul Volcker, not country: Japan' (or 'All articles')."""
    parts = [f"“{params.q}”"] if params.q else []
    parts += [f"{facet}: {value}" for facet, values in params.selected.items() for value in values]
    parts += [f"not {facet}: {value}" for facet, values in params.excluded.items() for value in values]
    if params.date_from_text or params.date_to_text:
        parts.append(f"published {params.date_from_text or '…'} to {params.date_to_text or '…'}")
    return ", ".join(parts) or "All articles"


def _download(
    lines: Callable[[Iterable[dict[str, Any]]], Iterator[str]],
    params: SearchParams,
    extension: str,
    mimetype: str,
) -> Response:
    index = search_index()
    index.generation()  # a missing index is a 503 now, not a broken stream later
    records = index.all_matches(params)
    filename = f"newsfacets-search.{extension}"
    return Response(
        stream_with_context(lines(records)),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


EXPORT_FORMATS = {"csv": (csv_lines, "text/csv"), "jsonl": (jsonl_lines, "application/x-ndjson")}


@blueprint.get("/export.<any(csv, jsonl):extension>")
def export(extension: str) -> ResponseReturnValue:
    """Every match of the search as a CSV or JSON Lines file, streamed."""
    lines, mimetype = EXPORT_FORMATS[extension]
    try:
        return _download(lines, _params(), extension, mimetype)
    except ParamError as error:
        return _refused(error, 400)
    except NoIndexError as error:
        return _refused(error, 503)


@blueprint.get("/feed")
def feed() -> ResponseReturnValue:
    """The newest matches of any search as Atom, whatever sort the page had."""
    try:
        params = dataclasses.replace(_params(), sort="newest")
        index = search_index()
        generation = index.generation()
    except ParamError as error:
        return _refused(error, 400)
    except NoIndexError as error:
        return _refused(error, 503)
    query_string = request.query_string.decode("utf-8", "replace")
    search_url = url_for("views.search", _external=True) + (f"?{query_string}" if query_string else "")
    path = getattr(generation, "path", None)  # an OpenSearch snapshot has no directory
    built = datetime.fromtimestamp(Path(path).stat().st_mtime, tz=UTC) if path else datetime.now(UTC)
    body = atom_feed(
        f"Newsfacets: {search_title(params)}",
        request.url,
        search_url,
        lambda article_id: url_for("views.article", article_id=article_id, _external=True),
        itertools.islice(index.all_matches(params), FEED_ENTRIES),
        built,
    )
    return Response(body, mimetype="application/atom+xml; charset=utf-8")

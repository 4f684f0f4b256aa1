"""The HTML pages: search with facets, and one article with its entities marked."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from index.columns import facet_key
from index.store import NoIndexError

from .engine import SearchBackend, open_backend
from .params import ParamError, params_from_args
from .search import article_data, body_segments, run_search

blueprint = Blueprint("views", __name__)


@blueprint.app_template_filter("headline")
def headline(title: str) -> str:
    """All-capitals wire headlines ("BAHIA COCOA REVIEW") read as "Bahia Cocoa Review" on the page."""
    letters = [c for c in title if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 12:
        return " ".join(w if "." in w or w.startswith("<") else w.capitalize() for w in title.split())
    return title

FACET_TITLES = {"person": "People", "place": "Places", "country": "Countries", "org": "Organizations",
                "mentioned": "Dates mentioned"}


def search_index() -> SearchBackend:
    """One backend per app (the one its config names), kept in its extensions, following the index's
    current generation."""
    index = current_app.extensions.get("search_index")
    if index is None:
        index = current_app.extensions["search_index"] = open_backend(current_app.config)
    return index


def url_with(args: MultiDict, add: dict | None = None, remove: dict | None = None, replace: dict | None = None) -> str:
    """The search URL with parameters added, removed or replaced; the page goes back to 1."""
    items = [(k, v) for k, v in args.items(multi=True) if k != "page"]
    if remove:
        # a facet value given in another case or accent form ("ronald reagan") is the same value
        items = [(k, v) for k, v in items
                 if not (k in remove and (remove[k] is None or facet_key(remove[k]) == facet_key(v)))]
    if replace:
        items = [(k, v) for k, v in items if k not in replace] + [(k, v) for k, v in replace.items() if v]
    if add:
        items += [(k, v) for k, v in add.items() if (k, v) not in items]
    return url_for("views.search") + ("?" + urlencode(items) if items else "")


def page_url(args: MultiDict, page: int) -> str:
    return url_with(args, replace={"page": str(page)})


@blueprint.app_errorhandler(404)
def not_found(error):
    return render_template("error.html", title="Not found", message="There is no such page or article."), 404


@blueprint.app_errorhandler(500)
def server_error(error):
    return render_template("error.html", title="Something went wrong",
                           message="The search could not be completed."), 500


@blueprint.get("/")
def search():
    args = request.args
    try:
        params = params_from_args(args)
    except ParamError as error:
        return render_template("error.html", title="Bad request",
                               message=f"The parameter “{error.parameter}” is not valid: {error.message}"), 400
    try:
        results = run_search(search_index(), params)
    except NoIndexError as error:
        return render_template("error.html", title="No index yet", message=str(error)), 503
    return render_template("search.html", results=results, params=params, args=args, url_with=url_with,
                           page_url=page_url, facet_titles=FACET_TITLES)


@blueprint.get("/article/<path:article_id>")
def article(article_id: str):
    try:
        data = article_data(search_index(), article_id)
    except NoIndexError as error:
        return render_template("error.html", title="No index yet", message=str(error)), 503
    if data is None:
        abort(404)
    return render_template("article.html", article=data, segments=body_segments(data["body"], data["spans"]),
                           url_with=url_with, args=MultiDict(), facet_titles=FACET_TITLES)

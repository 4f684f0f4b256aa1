"""Entity pages: one person, place, country or organization across the archive, as a page and as JSON."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from index.store import NoIndexError

from .search import entity_data
from .views import FACET_TITLES, no_index_title, search_index, url_with

blueprint = Blueprint("entities", __name__)

ENTITY_FACETS = ("person", "place", "country", "org")
NOUNS = {"person": "person", "place": "place", "country": "country", "org": "organization"}


@blueprint.get("/<any(person, place, country, org):facet>/<path:name>")
def entity(facet: str, name: str) -> ResponseReturnValue:
    try:
        data = entity_data(search_index(), facet, name)
    except NoIndexError as error:
        return render_template("error.html", title=no_index_title(error), message=str(error)), 503
    if data is None:
        abort(404)
    return render_template(
        "entity.html",
        entity=data,
        noun=NOUNS[facet],
        facet_titles=FACET_TITLES,
        url_with=url_with,
        args=MultiDict(),
    )


@blueprint.get("/api/entities/<facet>/<path:name>")
def entity_api(facet: str, name: str) -> ResponseReturnValue:
    if facet not in ENTITY_FACETS:
        return jsonify({"error": f"no facet {facet!r} (entities: {', '.join(ENTITY_FACETS)})"}), 404
    try:
        data = entity_data(search_index(), facet, name)
    except NoIndexError as error:
        return jsonify({"error": str(error)}), 503
    if data is None:
        return jsonify({"error": f"no {NOUNS[facet]} {name!r} in the index"}), 404
    return jsonify(data)

"""Entity pages: one person, place, country or organization across the archive, as a page and as JSON."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, jsonify, render_template, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from index.facets import ENTITY_FACETS, FACET_BY_NAME
from index.store import NoIndexError

from .backend import SPELLING_SAMPLE
from .search import entity_data
from .views import no_index_page, search_index, url_with

blueprint = Blueprint("entities", __name__)


def articles_naming_both(facet: str, value: str, other_facet: str, other_value: str) -> str:
    """The search for the articles naming both an entity and a companion, every version listed: what
    the companion's count on the entity page counts."""
    items = [(facet, value), (other_facet, other_value), ("collapse", "false")]
    if other_facet == facet:
        items.append(("all", facet))  # two values of one facet are otherwise "any of"
    return url_for("views.search") + "?" + urlencode(items)


@blueprint.get(f"/<any({', '.join(ENTITY_FACETS)}):facet>/<path:name>")
def entity(facet: str, name: str) -> ResponseReturnValue:
    try:
        data = entity_data(search_index(), facet, name)
    except NoIndexError as error:
        return no_index_page(error)
    if data is None:
        abort(404)
    return render_template(
        "entity.html",
        entity=data,
        noun=FACET_BY_NAME[facet].noun,
        companions=[
            (FACET_BY_NAME[other], data["companions"][other])
            for other in ENTITY_FACETS
            if data["companions"].get(other)
        ],
        url_with=url_with,
        both_url=lambda other_facet, other_value: articles_naming_both(
            facet, data["value"], other_facet, other_value
        ),
        # the page counts articles, so its searches list every article, not each story once
        args=MultiDict([("collapse", "false")]),
        spelling_sample=SPELLING_SAMPLE,
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
        return jsonify({"error": f"no {FACET_BY_NAME[facet].noun} {name!r} in the index"}), 404
    return jsonify(data)

"""The JSON API: the same parameters as the page, the same dict as the page renders."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from index.store import NoIndexError

from .engine import ClusterError
from .facet_filter import MAX_FILTER_CHARS, filtered_facets, split_filter_args
from .params import FACETS, ParamError, params_from_args
from .search import AmbiguousArticleId, article_data, run_search
from .versions import diff_data
from .views import cluster_failed, http_error, past_the_end, requested_page, search_index

blueprint = Blueprint("api", __name__, url_prefix="/api")


@blueprint.errorhandler(ParamError)
def bad_parameter(error: ParamError) -> ResponseReturnValue:
    return jsonify({"error": error.message, "parameter": error.parameter}), 400


@blueprint.errorhandler(NoIndexError)
def no_index(error: NoIndexError) -> ResponseReturnValue:
    return jsonify({"error": str(error)}), 503


@blueprint.errorhandler(ClusterError)
def cluster_error(error: ClusterError) -> ResponseReturnValue:
    return cluster_failed(error)  # before this blueprint's catch-all, which would answer 500


@blueprint.errorhandler(AmbiguousArticleId)
def ambiguous_article_id(error: AmbiguousArticleId) -> ResponseReturnValue:
    return jsonify({"error": str(error), "candidates": error.candidates}), 409


@blueprint.errorhandler(Exception)
def unexpected(error: Exception) -> ResponseReturnValue:
    if isinstance(error, HTTPException):  # an abort() inside an API view: its own status, as JSON
        return http_error(error)
    current_app.logger.exception("API request failed")
    return jsonify({"error": f"the search failed ({type(error).__name__}); see the server log"}), 500


@blueprint.get("/search")
def search() -> ResponseReturnValue:
    page, args = requested_page(request.args)
    results = run_search(search_index(), params_from_args(args, strict=True))
    if past_the_end(results, page):  # the same rule as the page: no hits, and the page asked for
        results = replace(results, page=page, hits=[])
    return jsonify(results.as_json())


@blueprint.get("/articles/<path:article_id>")
def article(article_id: str) -> ResponseReturnValue:
    data = article_data(search_index(), article_id)
    if data is None:
        return jsonify({"error": f"no article with id {article_id!r}"}), 404
    return jsonify(data)


@blueprint.get("/articles/<path:article_id>/diff/<path:other_id>")
def article_diff(article_id: str, other_id: str) -> ResponseReturnValue:
    data = diff_data(search_index(), article_id, other_id)
    if data is None:
        return jsonify({"error": f"no article with id {article_id!r} or {other_id!r}"}), 404
    return jsonify(data)


@blueprint.get("/facets/<facet>")
def facet(facet: str) -> ResponseReturnValue:
    """One facet's values for the search in the parameters, those whose name contains ``contains``
    (case and accents ignored), over all of the facet's values: what the page's filter boxes show."""
    if facet not in FACETS:
        return jsonify({"error": f"no facet {facet!r} (facets: {', '.join(FACETS)})"}), 404
    search_args, _ = split_filter_args(request.args)
    contains = search_args.pop("contains", "").strip()
    if len(contains) > MAX_FILTER_CHARS:
        raise ParamError("contains", f"longer than {MAX_FILTER_CHARS} characters")
    params = params_from_args(search_args, strict=True)
    found = filtered_facets(search_index(), params, {facet: contains})[facet]
    return jsonify({"facet": facet, **found, "values": [value.as_json() for value in found["values"]]})

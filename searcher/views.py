"""The HTML pages: search with facets, and one article with its entities marked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from index.aliases import AliasError
from index.columns import facet_key
from index.facets import FACET_BY_NAME, FACET_NAMES, FACETS, Facet
from index.language import language_name
from index.store import DamagedIndexError, NoIndexError

from .backend import SearchIndex
from .engine import ClusterError, NotAvailableError, SearchBackend, open_backend
from .facet_filter import FILTER_SUFFIX, filtered_facets, split_filter_args
from .headlines import headline_case, index_acronyms
from .params import MAX_QUERY_STRING_CHARS, ParamError, SearchParams, params_from_args
from .search import (
    AmbiguousArticleId,
    FacetValue,
    SearchResults,
    article_data,
    body_paragraphs,
    published_label,
    run_search,
)
from .versions import diff_data

blueprint = Blueprint("views", __name__)


@blueprint.app_template_filter("headline")
def headline(title: str) -> str:
    """All-capitals wire headlines ("OPEC MAY HAVE...") read as "OPEC May Have..." on the page: title
    case, keeping the words the index writes as acronyms."""
    try:
        index = search_index()
        acronyms = index_acronyms(index.generation()) if isinstance(index, SearchIndex) else frozenset()
    except NoIndexError:
        acronyms = frozenset()
    return headline_case(title, acronyms)


@blueprint.app_template_filter("published_label")
def published_label_filter(item: dict[str, Any]) -> str | None:
    return published_label(item)


@blueprint.app_template_filter("facet_label")
def facet_label(value: str, facet: str) -> str:
    """A selected value as the page names it: a language by its name ("German (de)"), others as they are."""
    return language_name(value) if facet == "language" else value


@blueprint.app_template_filter("sentence")
def sentence(message: str) -> Markup:
    """A message as a sentence on the page: a capital first letter, and `commands` set as code."""
    text = message[:1].upper() + message[1:]
    parts = re.split(r"`([^`]+)`", text)
    return Markup("").join(
        Markup("<code>{}</code>").format(part) if odd else escape(part)
        for odd, part in ((n % 2 == 1, part) for n, part in enumerate(parts))
    )


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class MentionedMonth:
    value: str  # "1987-03"
    count: int
    selected: bool
    excluded: bool
    label: str  # "Mar"
    adds: int | None = None  # what checking it adds, once a mentioned date is checked


@dataclass
class MentionedYear:
    value: str  # "1987", or a value typed in another form, which stands on its own
    count: int | None  # None for a year no article names on its own
    selected: bool = False
    excluded: bool = False
    months: list[MentionedMonth] = field(default_factory=list)
    adds: int | None = None  # what checking it adds, once a mentioned date is checked


@dataclass(frozen=True)
class MentionedDates:
    years: list[MentionedYear]
    first: str | None  # the span of the years listed
    last: str | None


def mentioned_by_year(values: list[FacetValue]) -> MentionedDates:
    """The "Dates mentioned" values (years "1987" and months "1987-03") as years with their months
    inside, the years with most articles first, and the span they cover. A year no article names on its
    own still heads its months (with no count of its own)."""
    years: dict[str, MentionedYear] = {}
    for item in values:
        month = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", item.value)
        key = month.group(1) if month else item.value  # a year, or a value typed in another form
        entry = years.setdefault(key, MentionedYear(key, None))
        if month:
            label = MONTHS[int(month.group(2)) - 1]
            entry.months.append(
                MentionedMonth(item.value, item.count, item.selected, item.excluded, label, item.adds)
            )
        else:
            entry.count, entry.selected, entry.excluded = item.count, item.selected, item.excluded
            entry.adds = item.adds
    for entry in years.values():
        entry.months.sort(key=lambda month: month.value)
    order = sorted(
        years.values(),
        key=lambda e: (-max([e.count or 0] + [m.count for m in e.months]), e.value),
    )
    span = sorted(year for year in years if re.fullmatch(r"\d{4}", year))
    return MentionedDates(order, span[0] if span else None, span[-1] if span else None)


@dataclass(frozen=True)
class SidebarFacet:
    """One facet's section of the search page's sidebar, everything its template needs."""

    facet: Facet
    values: list[Any]  # FacetValue, or MentionedYear for the mentioned dates
    found: dict[str, Any] | None  # what its "Find" box matched, when the reader typed in it
    span: MentionedDates | None = None  # the mentioned dates' years
    match_mode: str | None = None  # "all" or "any" for a facet whose selected values can be ANDed
    chosen: int = 0  # how many of its values are selected


def sidebar_facets(
    results: SearchResults, params: SearchParams, found: dict[str, dict[str, Any]]
) -> list[SidebarFacet]:
    """The sidebar's facets in their order, each with its values (those the "Find" box matched, when
    used) and its "any of"/"all of" switch."""
    sections = []
    for facet in FACETS:
        values = found[facet.name]["values"] if facet.name in found else results.facets[facet.name]
        if facet.dates:
            dates = mentioned_by_year(values)
            sections.append(SidebarFacet(facet, dates.years, found.get(facet.name), span=dates))
        elif facet.entity:
            sections.append(
                SidebarFacet(
                    facet,
                    values,
                    found.get(facet.name),
                    match_mode="all" if facet.name in params.match_all else "any",
                    chosen=len(params.selected.get(facet.name, ())),
                )
            )
        else:  # a value per article (the language): no "all of"
            sections.append(
                SidebarFacet(
                    facet, values, found.get(facet.name), chosen=len(params.selected.get(facet.name, ()))
                )
            )
    return sections


# what "Clear all" removes: every facet selection and exclusion, and the dates (the words stay)
FILTER_PARAMETERS = (*FACET_NAMES, *(f"not_{name}" for name in FACET_NAMES), "from", "to")


def no_index_title(error: NoIndexError) -> str:
    """A missing index and a damaged one are different news for the reader."""
    if isinstance(error, AliasError):
        return "The corrections file has an error"
    return "The index is damaged" if isinstance(error, DamagedIndexError) else "No index yet"


def no_index_page(error: NoIndexError) -> ResponseReturnValue:
    """The 503 page for an index that is missing, damaged or has a broken corrections file: no link
    "back to search", which would only show this page again."""
    return render_template("error.html", title=no_index_title(error), message=str(error), no_index=True), 503


def search_index() -> SearchBackend:
    """One backend per app (the one its config names), kept in its extensions, following the index's
    current generation."""
    index = current_app.extensions.get("search_index")
    if index is None:
        index = current_app.extensions["search_index"] = open_backend(current_app.config)
    return index


def url_with(
    args: MultiDict[str, str],
    add: dict[str, Any] | None = None,
    remove: dict[str, Any] | None = None,
    replace: dict[str, Any] | None = None,
) -> str:
    """The search URL with parameters added, removed or replaced; the page goes back to 1 and the facet
    filters are cleared (a click on a found value ends the finding)."""
    items = [(k, v) for k, v in args.items(multi=True) if k != "page" and not k.endswith(FILTER_SUFFIX)]
    if remove:
        # a facet value given in another case or accent form ("ronald reagan") is the same value
        items = [
            (k, v)
            for k, v in items
            if not (k in remove and (remove[k] is None or facet_key(remove[k]) == facet_key(v)))
        ]
    if replace:
        items = [(k, v) for k, v in items if k not in replace] + [(k, v) for k, v in replace.items() if v]
    if add:
        items += [(k, v) for k, v in add.items() if (k, v) not in items]
    return url_for("views.search") + ("?" + urlencode(items) if items else "")


def tag_title(params: SearchParams, facet: str, value: str) -> str:
    """What clicking a hit's tag (``facet`` = ``value`` added to the search) does, in words: it narrows
    the results unless values of the same facet are checked under "any of", where it adds its articles
    to theirs (Volcker's 113 stories become Volcker's or Reagan's 604); a value already checked stays."""
    chosen = params.selected.get(facet, ())
    if any(facet_key(other) == facet_key(value) for other in chosen):
        return f"{value} is already checked"
    if chosen and facet not in params.match_all:
        names = [*chosen, value]
        return f"Add {value}: results with any of {', '.join(names[:-1])} or {names[-1]}"
    return f"Narrow the results to {value}"


def clear_all_url(args: MultiDict[str, str], words: str) -> str:
    """The search for ``words`` with every facet value, exclusion and date taken off (the sort and the
    "all of" switches stay)."""
    return url_with(args, replace={"q": words}, remove=dict.fromkeys(FILTER_PARAMETERS))


def form_fields(args: MultiDict[str, str] | None, *set_by_form: str) -> list[tuple[str, str]]:
    """The search's parameters a form on the page carries along as hidden fields: all but those the form
    sets itself, the page (a changed search starts on page 1) and the facet "Find" boxes."""
    if not args:
        return []
    return [
        (key, value)
        for key, value in args.items(multi=True)
        if key not in set_by_form and key != "page" and not key.endswith(FILTER_SUFFIX)
    ]


def page_url(args: MultiDict[str, str], page: int) -> str:
    return url_with(args, replace={"page": str(page)})


@blueprint.app_context_processor
def template_helpers() -> dict[str, Any]:
    """What every template may call: an entity links to its page where the engine has entity pages,
    else to its search; forms carry the search's other parameters; downloads where the engine has them."""

    def entity_url(facet: str, value: str) -> str:
        if entity_pages_available():
            return url_for("entities.entity", facet=facet, name=value)
        return url_for("views.search") + "?" + urlencode({facet: value})

    def download_url(args: MultiDict[str, str], endpoint: str, **values: Any) -> str:
        """The export or feed of the search these arguments describe (every page of it)."""
        kept = [
            (k, v)
            for k, v in args.items(multi=True)
            if k not in ("page", "per_page") and not k.endswith(FILTER_SUFFIX)
        ]
        return url_for(endpoint, **values) + ("?" + urlencode(kept) if kept else "")

    return {
        "form_fields": form_fields,
        "entity_url": entity_url,
        "entity_pages": entity_pages_available(),
        "download_url": download_url,
        "downloads": type(search_index()).all_matches is not SearchBackend.all_matches,
    }


def entity_pages_available() -> bool:
    return type(search_index()).entity is not SearchBackend.entity


@blueprint.app_errorhandler(NotAvailableError)
def not_available(error: NotAvailableError) -> ResponseReturnValue:
    """A feature the configured engine does not offer: a 501 that says so, as JSON under /api/."""
    if wants_json():
        return jsonify({"error": str(error)}), 501
    return render_template("error.html", title="Not available", message=str(error)), 501


def wants_json() -> bool:
    """Every answer under /api/ is JSON, errors included (a mistyped path, a wrong method)."""
    return request.path == "/api" or request.path.startswith("/api/")


@blueprint.app_errorhandler(ClusterError)
def cluster_failed(error: ClusterError) -> ResponseReturnValue:
    """The search cluster answered only in part (a shard failed) or not at all: a 503 that says so,
    never the part as if it were the whole."""
    message = f"The search cluster could not answer in full: {error}"
    if wants_json():
        return jsonify({"error": message}), 503
    return render_template("error.html", title="Search cluster unavailable", message=message), 503


@blueprint.app_errorhandler(AmbiguousArticleId)
def ambiguous_article_id(error: AmbiguousArticleId) -> ResponseReturnValue:
    """An id given without its source that several sources use: a 409 naming the ids it could mean."""
    if wants_json():
        return jsonify({"error": str(error), "candidates": error.candidates}), 409
    return render_template("error.html", title="Which article?", message=str(error)), 409


@blueprint.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> ResponseReturnValue:
    if wants_json():
        response = jsonify({"error": f"{error.name}: {error.description}", "status": error.code})
        response.status_code = error.code or 500
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response
    if error.code == 404:
        return render_template(
            "error.html", title="Not found", message="There is no such page or article."
        ), 404
    return (
        render_template("error.html", title=error.name, message=error.description),
        error.code or 500,
        error.get_headers()[1:],
    )  # the headers past Content-Type, such as Allow


@blueprint.app_errorhandler(500)
def server_error(error: Exception) -> ResponseReturnValue:
    if wants_json():
        return jsonify({"error": "the request failed; see the server log", "status": 500}), 500
    return render_template(
        "error.html", title="Something went wrong", message="The search could not be completed."
    ), 500


# Fields of the page's forms: one that is not valid is left out of the search and its message is
# shown beside it, so a mistyped date keeps the query and the filters.
FORM_FIELDS = ("from", "to", "sort")


def params_without_invalid_fields(
    args: MultiDict[str, str],
) -> tuple[SearchParams, MultiDict[str, str], dict[str, dict[str, Any]]]:
    """The search the parameters describe, less any form field that is not valid; the parameters it was
    built from; and, for each field left out, what was typed and what is wrong with it."""
    args = MultiDict(args)
    problems: dict[str, dict[str, Any]] = {}
    while True:
        try:
            return params_from_args(args), args, problems
        except ParamError as error:
            if error.parameter not in FORM_FIELDS or error.parameter not in args:
                raise
            problems[error.parameter] = {"value": args.get(error.parameter), "message": error.message}
            args.poplist(error.parameter)


LAST_PAGE_SERVED = 10_000  # params.py's bound on the page parameter: deeper pages are not ranked


def requested_page(args: MultiDict[str, str]) -> tuple[int, MultiDict[str, str]]:
    """The page asked for (any whole number from 1), and the parameters with a page the search can
    run: every page past the end is answered by one rule, whatever its number."""
    text = (args.get("page") or "").strip()
    if not text:
        return 1, args
    if not re.fullmatch(r"[0-9]{1,18}", text) or int(text) < 1:
        raise ParamError("page", f"{text[:40]!r} is not a page number (1, 2, 3, …)")
    page = int(text)
    args = MultiDict(args)
    args["page"] = str(min(page, LAST_PAGE_SERVED))
    return page, args


def past_the_end(results: SearchResults, page: int) -> dict[str, Any] | None:
    """When ``page`` is past the last page of the results: the page asked for and the last one."""
    last = min(results.pages, LAST_PAGE_SERVED)
    return {"requested": page, "last": last} if page > last else None


@blueprint.get("/")
def search() -> ResponseReturnValue:
    try:
        search_args, filters = split_filter_args(request.args)
        page, search_args = requested_page(search_args)
        params, args, problems = params_without_invalid_fields(search_args)
    except ParamError as error:
        return render_template(
            "error.html",
            title="Bad request",
            message=f"The parameter “{error.parameter}” is not valid: {error.message}",
            retry=url_with(request.args, remove={error.parameter: None}),
        ), 400
    try:
        index = search_index()
        results = run_search(index, params)
        found = filtered_facets(index, params, filters)
    except NoIndexError as error:
        return no_index_page(error)
    html = render_template(
        "search.html",
        results=results,
        params=params,
        args=args,
        url_with=url_with,
        tag_title=tag_title,
        page_url=page_url,
        facets=FACET_BY_NAME,
        sidebar=sidebar_facets(results, params, found),
        clear_all=clear_all_url(args, params.q),
        problems=problems,
        past_end=past_the_end(results, page),
        back=urlencode(list(args.items(multi=True))),
    )
    return html, 400 if problems else 200


SEARCH_KEYS = {"q", "from", "to", "sort", "page", "per_page", "collapse", *FILTER_PARAMETERS}


def results_url(back: str | None) -> str | None:
    """The search page a hit was opened from, rebuilt from the ``back`` parameter its link carries (the
    search's own query string) if that is a valid search: only ever a URL of our search page."""
    if back is None or len(back) > MAX_QUERY_STRING_CHARS:
        return None
    items = [(key, value) for key, value in parse_qsl(back, keep_blank_values=True) if key in SEARCH_KEYS]
    if back.strip() and not items:  # "foo=bar" is no search of ours: no link, not one to the front page
        return None
    try:
        params_from_args(requested_page(MultiDict(items))[1])
    except ParamError:
        return None
    return url_for("views.search") + ("?" + urlencode(items) if items else "")


@blueprint.get("/article/<path:article_id>")
def article(article_id: str) -> ResponseReturnValue:
    try:
        data = article_data(search_index(), article_id)
    except NoIndexError as error:
        return no_index_page(error)
    if data is None:
        abort(404)
    if data["id"] != article_id:  # found by its own id within its source: show it at its own address
        query = f"?{urlencode(list(request.args.items(multi=True)))}" if request.args else ""
        return redirect(url_for("views.article", article_id=data["id"]) + query)
    back_to = results_url(request.args.get("back"))
    return render_template(
        "article.html",
        article=data,
        paragraphs=body_paragraphs(data["body"], data["spans"]),
        place_names=[place["value"] for place in data["places"]],
        mentioned_links=[
            (iso, url_with(MultiDict(), add={"mentioned": iso[:7]})) for iso in data["mentioned"]
        ],
        facets=FACET_BY_NAME,
        back_to=back_to,
        back=request.args.get("back") if back_to else None,
    )


@blueprint.get("/article/<path:article_id>/diff/<path:other_id>")
def article_diff(article_id: str, other_id: str) -> ResponseReturnValue:
    """What differs between two versions of a story: the sentences one has and the other has not."""
    try:
        data = diff_data(search_index(), article_id, other_id)
    except NoIndexError as error:
        return no_index_page(error)
    if data is None:
        abort(404)
    return render_template("diff.html", diff=data)

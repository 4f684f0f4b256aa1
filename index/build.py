"""Rebuild, add and remove: the build as the list of its stages, each a module of ``index/stages/``.

    read        the input's articles, once each; which articles leave      stages/read.py
    clean       boilerplate learnt per source; each article prepared       stages/prepare.py
    language    each article's language                                    stages/languages.py
    annotate    spaCy's mentions (cached), then each article's entities    stages/annotate.py
    normalize   one spelling per value, surnames, acronyms, corpus-wide    stages/normalize_corpus.py
    stories     near-duplicates grouped as versions of one story           stages/stories.py
    write       the Whoosh segments (a big rebuild's from normalize on)   stages/write.py
    columns     the facet columns and word counts                          stages/facet_columns.py
    metadata    vocabulary, places, fingerprints, origins, meta.json       stages/metadata.py
    switch      the new generation made live, atomically                   store.py

A rebuild writes every article it reads into an empty generation; add and remove copy the live
generation (``stages/live.py``) and write only what changed. All three build beside the live generation
and switch to the new one only when it is complete (see ``store.py``), so an interrupted build never
leaves a half-written index behind. Worker processes (``stages/workers.py``) end with the build.
"""

from __future__ import annotations

import gc
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import store
from .articles import Article, Problem
from .corpus import NO_VOTES, LabelVotes
from .entities import NerPipeline, pipeline_name
from .language import UNDETERMINED, identifier
from .stages.annotate import entity_readable, find_all_mentions
from .stages.facet_columns import column_rows, columns_span, write_column_rows
from .stages.identity import ArticleFiles, article_file
from .stages.languages import detect_languages
from .stages.live import (
    Baseline,
    LiveGeneration,
    replaceable_live_generation,
    verified_live_generation,
)
from .stages.load_beside import LoadBeside, LoadsBeside
from .stages.metadata import (
    count_vocabulary,
    index_stats,
    place_countries,
    places_of,
    published_span,
    write_metadata,
    write_word_counts,
)
from .stages.normalize_corpus import normalize_across_corpus
from .stages.prepare import PreparedArticle, annotated_entities, learn_boilerplate, prepare_all
from .stages.read import ReadArticles, pruned_ids, read_articles, removed_ids, skip_copies_in_index
from .stages.report import BuildOptions, BuildReport
from .stages.stories import TextFeaturesAhead, corrected_story_of, group_for_build, hashed_keys
from .stages.workers import worker_processes
from .stages.write import GenerationWrite

__all__ = ["BuildOptions", "BuildReport", "add", "index_stats", "rebuild", "remove"]

DEFAULT_OPTIONS = BuildOptions()


def rebuild(paths: Iterable[str], index_dir: Path, options: BuildOptions = DEFAULT_OPTIONS) -> BuildReport:
    """A fresh index from ``paths``; the previous one stays live until this one is complete."""
    index_dir = Path(index_dir)
    with build_run(index_dir) as report:
        live = LiveGeneration.compared_with(replaceable_live_generation(index_dir, report))
        with report.timed("read"):
            read = ReadArticles()
            articles = read_articles(paths, report, read)
        prepared, recurring = clean(articles, live, options, report)
        with garbage_frozen():
            count_changes(prepared, live, report, name_moved_files=False)
            report_removed(set(live.fingerprints) - {item.article.id for item in prepared}, live, report)
            report.total_articles = len(prepared)
            if not prepared:
                return nothing_built(report)
            votes = annotate(prepared, index_dir, options, report)
            with new_generation(index_dir) as partial:
                # a big rebuild's write starts now, in a forked process: it indexes the text while the
                # corpus-wide rules settle the entities on the other core
                writing = GenerationWrite(
                    partial, prepared, create=True, options=options, entities_later=True
                )
                # ... and so does what the stories stage reads of the text, which normalize leaves as it is
                features = (
                    TextFeaturesAhead(prepared, hashed_keys(live.generation))
                    if writing.process is not None
                    else None
                )
                try:
                    with report.timed("normalize"), collector_paused():
                        normalize_across_corpus(prepared, {}, votes)
                except BaseException:
                    writing.abandon()
                    if features is not None:
                        features.abandon()
                    raise
                write_and_publish(
                    index_dir,
                    partial,
                    prepared,
                    Baseline(),
                    recurring,
                    options,
                    report,
                    live.generation,
                    read.copies,
                    writing,
                    features,
                )
    return report


def add(
    paths: Iterable[str], index_dir: Path, options: BuildOptions = DEFAULT_OPTIONS, prune: bool = False
) -> BuildReport:
    """New articles added and changed ones updated; NER runs only on text it has not seen. With
    ``prune``, articles whose file is gone, or no longer holds them, are removed."""
    return change_index(paths, index_dir, options, prune=prune)


def remove(ids: Iterable[str], index_dir: Path, options: BuildOptions = DEFAULT_OPTIONS) -> BuildReport:
    """The articles with these ids removed, by the same atomic switch to a new generation as ``add``."""
    return change_index([], index_dir, options, remove=ids)


def change_index(
    paths: Iterable[str],
    index_dir: Path,
    options: BuildOptions,
    prune: bool = False,
    remove: Iterable[str] = (),
) -> BuildReport:
    """Add and remove: a copy of the live generation with the changed articles written into it and the
    leaving ones deleted, switched to when complete. Nothing changed, nothing is written."""
    index_dir = Path(index_dir)
    with build_run(index_dir) as report:
        live = LiveGeneration.built_on(verified_live_generation(index_dir))
        with report.timed("read"):
            read = ReadArticles()
            read_articles(paths, report, read)
            leaving = removed_ids(remove, live.fingerprints, report)
            if prune:  # an article read again (from another file of its source, say) stays
                leaving |= pruned_ids(live.origins, read) - set().union(*read.ids_by_file.values())
            articles = skip_copies_in_index(read.articles, live.origins, leaving, report, read.copies)
            new_copies = {c: h for c, h in read.copies.items() if live.origins.copies.get(c) != h}
        prepared, recurring = clean(articles, live, options, report)
        with garbage_frozen():
            changed = count_changes(prepared, live, report, name_moved_files=True)
            report_removed(leaving, live, report)
            report.total_articles = len(prepared)
            if not prepared and not leaving and not new_copies:
                return nothing_built(report)
            if not changed and not leaving and not new_copies:
                report.generation = live.generation
                report.pipeline = live.meta.get("pipeline", "")
                return report
            if changed:
                votes = annotate(changed, index_dir, options, report)
            else:
                votes = NO_VOTES
                report.pipeline = live.meta.get("pipeline", "")
            with report.timed("normalize"), collector_paused():
                normalize_across_corpus(changed, live.known_values(), votes, places_of(live.generation))
            replaced = [i.article.id for i in changed if i.article.id in live.fingerprints] + sorted(leaving)
            with new_generation(index_dir) as partial:
                assert live.generation is not None  # verified_live_generation refused a missing one
                store.copy_generation(live.generation, partial)
                baseline = live.baseline_without(partial, replaced, leaving)
                write_and_publish(
                    index_dir, partial, changed, baseline, recurring, options, report, copies=read.copies
                )
    return report


def clean(
    articles: list[Article], live: LiveGeneration, options: BuildOptions, report: BuildReport
) -> tuple[list[PreparedArticle], dict[str, set[str]]]:
    """The clean and language stages: the prepared articles, and each source's recurring lines. A big build
    with no live generation to reuse languages and (most likely) mentions from loads the language
    detector in this process while the clean stage's workers run, and spaCy's pipeline while the language
    stage's do."""
    # only where workers run beside it: in a small build the work would just come sooner
    first_build = live.generation is None and worker_processes(len(articles), options) > 1
    with report.timed("clean"):
        recurring = learn_boilerplate(articles, live.boilerplate)
        prepared = prepare_all(
            articles,
            recurring,
            report,
            worker_processes(len(articles), options),
            meanwhile=identifier if first_build else None,
        )
    with report.timed("language"):
        detect_languages(
            prepared,
            live.origins.languages_by_text(),
            options,
            report,
            meanwhile=(lambda: NerPipeline.loaded(options.pipeline or pipeline_name()))
            if first_build
            else None,
        )
    return prepared, recurring


def annotate(
    prepared: list[PreparedArticle], index_dir: Path, options: BuildOptions, report: BuildReport
) -> LabelVotes:
    """The annotate stage, each article through its language's pipeline (``pipelines.py``; one in a
    language with none gets no entity facets)."""
    readable, pipelines = entity_readable(prepared, options, report)
    return find_all_mentions(readable, index_dir, options, report, pipelines)


def write_and_publish(
    index_dir: Path,
    partial: Path,
    written: list[PreparedArticle],
    baseline: Baseline,
    recurring: dict[str, set[str]],
    options: BuildOptions,
    report: BuildReport,
    compared_with: Path | None = None,
    copies: dict[str, str] | None = None,
    writing: GenerationWrite | None = None,
    features: TextFeaturesAhead | None = None,
) -> None:
    """The stories, write, columns, metadata and switch stages: ``written`` added to ``baseline`` at
    ``partial``. ``compared_with``: the live generation a rebuild replaces (its story signatures are
    reused for the texts it already held). ``copies``: the exact copies skipped, each to the id kept.
    ``writing``: the write, if the build started it already (it is sent the final entities now).
    ``features``: the stories' text features, if the build started computing them already."""
    # a big rebuild writes in a forked process from here on (if not already), beside the stories
    # (it needs none of them)
    if writing is None:
        writing = GenerationWrite(
            partial, written, create=not baseline.incremental, options=options, replaced=baseline.replaced
        )
    beside = None  # a rebuild's other index, loaded while Whoosh writes (an add writes in place after)
    try:
        writing.send_entities()
        with report.timed("stories"), collector_paused():
            stories = group_for_build(
                baseline.previous or compared_with,
                written,
                baseline.replaced,
                baseline.incremental,
                features.get() if features is not None else None,
            )
            story_of = corrected_story_of(stories, index_dir)
            for item in written:
                item.story = story_of[item.article.id]
        if isinstance(options.also_write, LoadsBeside) and not baseline.incremental:
            beside = LoadBeside(options.also_write, written)
        # the rest of the generation that needs none of the Whoosh files, also while they are written
        with report.timed("columns"):
            rows = column_rows(written)
            write_word_counts(partial, baseline.words, written)
        origins = baseline.origins
        files = ArticleFiles()
        for item in written:
            origins.record(item.article, item.language, item.pipeline, files(item.article))
        recorded_copies = origins.record_copies(copies or {})
        origins.save(partial)
        stories.save(partial)
        vocabulary = baseline.vocabulary
        for facet, counts in count_vocabulary(map(annotated_entities, written)).items():
            vocabulary.setdefault(facet, Counter()).update(counts)
        with report.timed("write_waited"):  # what the write took beyond the rest, when beside it
            writing.finish()
        report.phases["write"] = writing.seconds
        if writing.process is None:
            del report.phases["write_waited"]
        with report.timed("columns"):  # in the document order of the committed segments
            write_column_rows(partial, rows, baseline.previous)
    except BaseException:
        writing.abandon()
        if features is not None:
            features.abandon()
        if beside is not None:
            beside.abandon()
        raise
    if options.also_write is not None:
        with report.timed("also_write"):  # with a load beside, the part of it the write did not hide
            if beside is not None:
                beside.finish(recorded_copies)
                report.phases["also_write_beside"] = beside.seconds  # the load, hidden or not
            else:
                options.also_write(written, baseline.incremental, recorded_copies, sorted(baseline.leaving))
    fingerprints = baseline.fingerprints | {i.article.id: i.fingerprint for i in written}
    # after a removal the span may have shrunk: read it from the live articles' columns
    span = columns_span(partial) if baseline.leaving else published_span(written, baseline.meta)
    write_metadata(
        partial,
        report,
        vocabulary,
        place_countries(baseline.previous, written),
        fingerprints,
        recurring,
        span,
        Counter(v for v in origins.languages.values() if v != UNDETERMINED),
        origins.entities_by_language(),
        linked_from=baseline.previous,
    )
    report.generation = store.publish_generation(index_dir, partial)


def count_changes(
    prepared: list[PreparedArticle], live: LiveGeneration, report: BuildReport, name_moved_files: bool
) -> list[PreparedArticle]:
    """Each article counted as new, updated or unchanged against the live generation; returns the new
    and updated ones. With ``name_moved_files``, an update read from another file than before is named."""
    changed = []
    for item in prepared:
        before = live.fingerprints.get(item.article.id)
        if before == item.fingerprint:
            report.unchanged += 1
            continue
        if before is None:
            report.indexed += 1
        else:
            report.updated += 1
            first_file = live.origins.files.get(item.article.id)
            if name_moved_files and first_file and first_file != article_file(item.article):
                report.warnings.append(
                    Problem(
                        item.article.origin,
                        f"updates article {item.article.id}, read before from {first_file}",
                        skipped=False,
                    )
                )
        changed.append(item)
    return changed


def report_removed(leaving: set[str], live: LiveGeneration, report: BuildReport) -> None:
    report.removed = sorted(leaving)
    report.removed_from = {
        doc_id: live.origins.files[doc_id] for doc_id in leaving if doc_id in live.origins.files
    }


def nothing_built(report: BuildReport) -> BuildReport:
    """Nothing to index: the index is as it was, so nothing was removed either."""
    report.removed = []
    report.removed_from = {}
    return report


@contextmanager
def build_run(index_dir: Path) -> Iterator[BuildReport]:
    """One build at a time: the lock held, older generations cleared away, the time taken reported."""
    started = time.monotonic()
    report = BuildReport(index_dir=index_dir)
    with store.build_lock(index_dir):
        store.remove_old_generations(index_dir)
        yield report
    report.seconds = time.monotonic() - started


@contextmanager
def garbage_frozen() -> Iterator[None]:
    """The articles read live until the build ends: later collections need not walk them."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a stage makes millions of small objects with no cycles among
    them (the stories' shingles, the rules' counters): Python's collector would walk them again and
    again (a fifth of the stories stage's time). Whatever cycle they leave is collected after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def new_generation(index_dir: Path) -> Iterator[Path]:
    """A directory for the new generation; removed if the build fails before switching to it."""
    partial = store.new_generation_dir(index_dir)
    try:
        yield partial
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise

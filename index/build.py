"""Rebuild and add: read, clean, find entities (cached), normalize across the corpus, write, switch.

Both commands build a new generation beside the live one and switch to it only when it is complete
(see ``store.py``), so an interrupted build never leaves a half-written index behind.
"""

from __future__ import annotations

import ctypes
import gc
import importlib.util
import json
import multiprocessing
import os
import re
import shutil
import signal
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm
from whoosh import index as whoosh_index
from whoosh.query import Or, Term

from . import store
from .articles import Article, Entities, Place, Problem, content_hash
from .cache import AnnotationCache, cache_key
from .clean import (
    Dateline,
    RemovedLine,
    clean_body_reporting,
    clean_title,
    find_dateline,
    learn_recurring_lines,
    place_from_dateline_field,
)
from .columns import Columns, facet_row, timestamp, write_columns
from .corpus import NO_VOTES, LabelVotes, count_label_votes
from .entities import MAX_NER_CHARS, NerPipeline, dateline_qualifier, entities_from_mentions, pipeline_name
from .language import MIN_CHARACTERS, SAMPLE_CHARACTERS, UNDETERMINED, detect_language, identifier
from .normalize import (
    GOVERNMENT_WORDS,
    canonical_spellings,
    corpus_surname_map,
    initials,
    is_acronym,
    is_all_caps,
    is_company_name,
    merge_short_orgs,
    names_an_organization,
    pair_acronyms,
    value_key,
)
from .pipelines import describe_pipelines, pipelines_by_language, route_articles
from .places import Gazetteer, gazetteer
from .readers import read_paths
from .schema import WORDS_FILE, build_schema, document_fields, document_words
from .segment_writer import FastSegmentWriter
from .whoosh_files import open_index, read_index_files_in_place


def progress_bar(**options: Any) -> tqdm[Any]:
    """A tqdm bar without tqdm's monitor thread (the build forks worker processes)."""
    tqdm.monitor_interval = 0
    return tqdm(**options)


@dataclass
class PreparedArticle:
    article: Article
    title: str
    body: str
    ner_text: str
    body_offset: int
    dateline: Dateline | None
    dateline_place: str | None
    fingerprint: str
    entities: Entities | None = None
    boilerplate: list[RemovedLine] = field(default_factory=list)  # what cleaning took out of the body
    language: str | None = None  # ISO 639 code; None when the detector was not sure
    pipeline: str = ""  # the version of the pipeline whose mentions it holds; "" when none read it


def annotated_entities(item: PreparedArticle) -> Entities:
    """The entities of an article the NER stage has been through (every stage after it reads them)."""
    assert item.entities is not None, f"{item.article.id} has not been through NER"
    return item.entities


@dataclass
class BuildReport:
    """What a build did. Every article read is counted once: ``read`` = ``indexed`` + ``updated`` +
    ``unchanged`` + ``len(skipped)``. ``removed`` are articles the new index no longer holds (not read,
    so not in that sum); ``problems`` are input that could not be read as an article at all (a file, a
    line, an entry), ``warnings`` what was read with a caveat."""

    index_dir: Path
    generation: Path | None = None
    pipeline: str = ""
    read: int = 0
    indexed: int = 0  # new articles
    updated: int = 0
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)  # articles read and not indexed, each with why
    removed: list[str] = field(default_factory=list)  # ids
    removed_from: dict[str, str] = field(default_factory=dict)  # id -> the file it was read from, where known
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ner_articles: int = 0  # articles that went through spaCy (the rest came from the cache)
    languages: Counter = field(default_factory=Counter)  # of the articles this build read and kept
    with_entities: Counter = field(default_factory=Counter)  # language -> articles a pipeline read
    without_entities: Counter = field(default_factory=Counter)  # language -> articles no pipeline reads
    total_articles: int = 0
    seconds: float = 0.0

    phases: dict[str, float] = field(default_factory=dict)  # seconds spent in each stage
    # source -> (line, rule) -> articles it was removed from: what cleaning dropped stays findable
    boilerplate: dict[str, Counter] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.total_articles > 0 or bool(self.removed)

    @property
    def adds_up(self) -> bool:
        return self.read == self.indexed + self.updated + self.unchanged + len(self.skipped)

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.phases[phase] = self.phases.get(phase, 0.0) + time.monotonic() - started


@dataclass(frozen=True)
class BuildOptions:
    pipeline: str | None = None
    pipelines: Mapping[str, str] = field(default_factory=dict)  # language -> pipeline (pipelines.py)
    processes: int | None = None
    batch_size: int = 64
    progress: bool = True
    # Another index written beside this one (the OpenSearch backend): called with the articles written,
    # cleaned, annotated and normalized, and whether this is an add; an error leaves the old index live.
    also_write: Callable[[list[PreparedArticle], bool], None] | None = None


def origin_file(origin: str) -> str:
    return re.sub(r"(:\d+|#entry\d+|\[\d+\])$", "", origin)


def article_file(article: Article) -> str:
    """The absolute path of the file an article was read from."""
    return str(Path(origin_file(article.origin)).resolve())


def text_key(article: Article) -> str:
    """Two articles with this key hold the same text (case and spacing aside): one is a copy."""
    return content_hash(article.title.casefold(), " ".join(article.body.split()).casefold())[:20]


ORIGINS_FILE = "origins.json"


@dataclass
class Origins:
    """For each article of a generation, the file it was read from and its text key: what ``add`` needs
    to tell an update from a copy, and ``--prune`` to find articles whose file is gone."""

    files: dict[str, str] = field(default_factory=dict)  # id -> absolute path
    texts: dict[str, str] = field(default_factory=dict)  # id -> text_key
    languages: dict[str, str] = field(default_factory=dict)  # id -> ISO 639 code, or UNDETERMINED
    pipelines: dict[str, str] = field(default_factory=dict)  # id -> the NER pipeline that read it, "" none

    @classmethod
    def load(cls, generation: Path | None) -> Origins:
        data = store.read_json(generation / ORIGINS_FILE, {}) if generation else {}
        paths = data.get("files", [])
        origins = cls()
        for doc_id, (file_number, key, *rest) in data.get("articles", {}).items():
            origins.files[doc_id] = paths[file_number]
            origins.texts[doc_id] = key
            if rest and rest[0]:
                origins.languages[doc_id] = rest[0]
            if len(rest) > 1:
                origins.pipelines[doc_id] = rest[1]
        return origins

    def record(self, article: Article, language: str | None = None, pipeline: str = "") -> None:
        self.files[article.id] = article_file(article)
        self.texts[article.id] = text_key(article)
        self.languages[article.id] = language or UNDETERMINED
        self.pipelines[article.id] = pipeline

    def forget(self, doc_id: str) -> None:
        self.files.pop(doc_id, None)
        self.texts.pop(doc_id, None)
        self.languages.pop(doc_id, None)
        self.pipelines.pop(doc_id, None)

    def entities_by_language(self) -> dict[str, dict[str, int]]:
        """Per language, how many articles a pipeline read and how many none could (no pipeline was
        configured for their language): what ``index stats`` says. Articles recorded before this was
        kept are in neither."""
        counts: dict[str, Counter[str]] = {"with_entities": Counter(), "without_entities": Counter()}
        for doc_id, pipeline in self.pipelines.items():
            language = self.languages.get(doc_id, UNDETERMINED)
            counts["with_entities" if pipeline else "without_entities"][language] += 1
        return {kind: dict(counter.most_common()) for kind, counter in counts.items()}

    def languages_by_text(self) -> dict[str, str]:
        """Languages already detected, by text key: a rebuild of unchanged texts need not detect again."""
        return {
            self.texts[doc_id]: language
            for doc_id, language in self.languages.items()
            if doc_id in self.texts
        }

    def save(self, generation: Path) -> None:
        numbers: dict[str, int] = {}
        articles = {
            doc_id: [
                numbers.setdefault(path, len(numbers)),
                self.texts.get(doc_id, ""),
                self.languages.get(doc_id, ""),
                self.pipelines.get(doc_id, ""),
            ]
            for doc_id, path in self.files.items()
        }
        store.write_json_atomic(generation / ORIGINS_FILE, {"files": list(numbers), "articles": articles})


def detect_languages(
    prepared: list[PreparedArticle], known: dict[str, str], options: BuildOptions, report: BuildReport
) -> None:
    """Each article's language: from the previous generation for a text it already holds, else detected
    (in forked workers for a big build)."""
    todo = []
    for item in prepared:
        key = text_key(item.article)
        if key in known:
            item.language = None if known[key] == UNDETERMINED else known[key]
        else:
            todo.append(item)
    if any(len(item.title) + len(item.body) >= MIN_CHARACTERS for item in todo):
        identifier()  # loaded before the workers fork (and only when some text is long enough to detect)
    if todo:
        texts = [f"{item.title}\n\n{item.body[:SAMPLE_CHARACTERS]}" for item in todo]
        for item, language in zip(
            todo, parallel_map(detect_language, texts, worker_processes(len(texts), options)), strict=False
        ):
            item.language = language
    report.languages.update(item.language or "unknown" for item in prepared)


def source_group(article: Article) -> str:
    """Articles whose boilerplate is learnt together: one source, else one folder."""
    return article.source or str(Path(origin_file(article.origin)).parent)


@dataclass
class ReadArticles:
    """The articles of one build's input, once each, and what ``--prune`` needs to know about the files."""

    articles: list[Article] = field(default_factory=list)
    ids_by_file: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # every article read
    files_with_problems: set[str] = field(default_factory=set)


def read_articles(
    paths: Iterable[str], report: BuildReport, found: ReadArticles | None = None
) -> list[Article]:
    """Every article under ``paths`` once: a repeated id or a repeated text is reported and skipped.
    ``found``, when given, also gets what was read from which file."""
    seen_ids: dict[str, str] = {}
    seen_texts: dict[str, str] = {}
    found = found if found is not None else ReadArticles()
    for item in read_paths(paths):
        if isinstance(item, Problem):
            if item.skipped:
                report.problems.append(item)
                found.files_with_problems.add(str(Path(origin_file(item.where)).resolve()))
            else:
                report.warnings.append(item)
            continue
        report.read += 1
        found.ids_by_file[article_file(item)].add(item.id)
        key = text_key(item)
        if item.id in seen_ids:
            report.skipped.append(Problem(item.origin, f"same id as {seen_ids[item.id]} (indexed once)"))
            continue
        if key in seen_texts:
            report.skipped.append(Problem(item.origin, f"same text as {seen_texts[key]} (indexed once)"))
            continue
        seen_ids[item.id] = item.origin
        seen_texts[key] = item.origin
        found.articles.append(item)
    return found.articles


def skip_copies_in_index(
    articles: list[Article], stored: Origins, leaving: set[str], report: BuildReport
) -> list[Article]:
    """Articles whose exact text (case and spacing aside) an article of the index already holds under
    another id are copies: reported and left out. Articles this build re-reads or removes do not count."""
    holders = {key: doc_id for doc_id, key in stored.texts.items() if doc_id not in leaving}
    kept = []
    for article in articles:
        holder = holders.get(text_key(article))
        if holder is not None and holder != article.id:
            report.skipped.append(
                Problem(
                    article.origin, f"same text as article {holder}, already in the index (not indexed again)"
                )
            )
        else:
            kept.append(article)
    return kept


def pruned_ids(stored: Origins, read: ReadArticles) -> set[str]:
    """Articles of the index whose file is gone, or whose file this build read whole and found without
    them (a deleted JSON Lines entry). A file with a line or entry that could not be read loses nothing:
    the unreadable part may be the article."""
    gone = set()
    for doc_id, path in stored.files.items():
        if path in read.ids_by_file:
            if doc_id not in read.ids_by_file[path] and path not in read.files_with_problems:
                gone.add(doc_id)
        elif not os.path.lexists(path):
            gone.add(doc_id)
    return gone


def learn_boilerplate(articles: list[Article], known: dict[str, list[str]]) -> dict[str, set[str]]:
    """Per source, the keys of its recurring boilerplate lines: those the previous generation learnt and
    those recurring in ``articles`` (cleaning still removes one only where it looks like boilerplate)."""
    bodies: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        bodies[source_group(article)].append(article.body)
    learned = {group: set(keys) for group, keys in known.items()}
    for group, group_bodies in bodies.items():
        learned.setdefault(group, set()).update(learn_recurring_lines(group_bodies))
    return learned


def prepare_all(
    articles: list[Article], recurring: dict[str, set[str]], report: BuildReport, processes: int
) -> list[PreparedArticle]:
    work = [(article, recurring.get(source_group(article), set())) for article in articles]
    prepared = []
    for item, problem in parallel_map(_prepare_one, work, processes):
        if problem is not None:  # an article with no text left is skipped; a long one is cut, with a warning
            (report.skipped if problem.skipped else report.warnings).append(problem)
        if item is not None:
            prepared.append(item)
            for removed in set(item.boilerplate):
                report.boilerplate.setdefault(source_group(item.article), Counter())[removed] += 1
    return prepared


def _prepare_one(work: tuple[Article, set[str]]) -> tuple[PreparedArticle | None, Problem | None]:
    article, recurring = work
    problems: list[Problem] = []
    prepared = prepare(article, recurring, problems)
    return prepared, (problems[0] if problems else None)


PR_SET_PDEATHSIG = 1  # linux/prctl.h
_forking_parent: int | None = None
_workers_end_with_parent = False


def end_workers_with_parent() -> None:
    """From now on every process this one forks (our pools, spaCy's workers) is killed by Linux when
    its parent dies: a ``kill -9`` of a build left its NER workers blocked on a pipe for good. Once per
    process, before the first fork; elsewhere than Linux, nothing."""
    global _workers_end_with_parent
    if _workers_end_with_parent or not sys.platform.startswith("linux"):
        return
    _workers_end_with_parent = True
    os.register_at_fork(before=_remember_forking_parent, after_in_child=_die_with_parent)


def _remember_forking_parent() -> None:
    global _forking_parent
    _forking_parent = os.getpid()


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != _forking_parent:  # the parent died before the request took effect
        os._exit(1)


def parallel_map(function: Callable[[Any], Any], items: list, processes: int, chunksize: int = 200) -> list:
    """``[function(item) for item in items]``, over several forked processes when there is enough work.

    Forked workers inherit what the parent has loaded (the gazetteer, the parsers), so they start at once.
    """
    if processes <= 1 or len(items) < 2 * chunksize:
        return [function(item) for item in items]
    end_workers_with_parent()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        return pool.map(function, items, chunksize=chunksize)


def prepare(article: Article, recurring: set[str], problems: list[Problem]) -> PreparedArticle | None:
    title = clean_title(article.title)
    body, boilerplate = clean_body_reporting(article.body, title, recurring)
    if not title and not body:
        problems.append(Problem(article.origin, "no text left after cleaning"))
        return None
    dateline = find_dateline(body)
    dateline_place = (place_from_dateline_field(article.dateline) if article.dateline else None) or (
        dateline.place if dateline else None
    )
    prefix = f"{title}\n\n" if title and not is_all_caps(title) else ""
    ner_text = prefix + body
    if len(ner_text) > MAX_NER_CHARS:
        problems.append(
            Problem(
                article.origin,
                f"article is {len(body) / 2**20:.1f} MB; all of it is searchable, entities are taken from its first "
                f"{MAX_NER_CHARS:,} characters",
                skipped=False,
            )
        )
        ner_text = ner_text[:MAX_NER_CHARS]
    fingerprint = content_hash(
        title,
        body,
        article.published.isoformat() if article.published else "",
        article.url or "",
        article.author or "",
        article.source or "",
        article.dateline or "",
    )
    return PreparedArticle(
        article,
        title,
        body,
        ner_text,
        len(prefix),
        dateline,
        dateline_place,
        fingerprint,
        boilerplate=boilerplate,
    )


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
            meta = json.loads(candidate.read_text())
            return f"{meta.get('lang', 'xx')}_{meta.get('name', name)}-{meta.get('version', '0')}"
        except (OSError, ValueError):
            continue
    return NerPipeline.load(name).version


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
            pipeline = NerPipeline.load(name)
            processes = ner_processes(len(texts_by_key), options)
            end_workers_with_parent()
            texts = list(texts_by_key.items())
            found = pipeline.find_mentions(
                (text for _, text in texts), batch_size=options.batch_size, processes=processes
            )
            pending = []
            # The mentions pile up as millions of small objects; Python's cyclic garbage collector
            # would scan them all again and again while spaCy streams results in. They hold no cycles.
            gc.disable()
            with progress_bar(
                total=len(texts),
                desc="Finding entities",
                unit=" articles",
                disable=not options.progress,
                file=sys.stderr,
                smoothing=0.1,
            ) as bar:
                for done, ((key, _), mentions) in enumerate(zip(texts, found, strict=False), start=1):
                    cached[key] = mentions
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
        report.phases["ner"] = time.monotonic() - ner_started
    entities_started = time.monotonic()
    # loaded before the workers fork, so they share it; with the names of countries in the articles' languages
    gazetteer().learn_country_names({item.language for item in prepared if item.language})
    # the corpus's votes, set before the workers fork so they share them rather than receive a copy each
    votes = count_label_votes(cached[key] for key in dict.fromkeys(keys))
    _CORPUS_VOTES["votes"] = votes
    work = [
        (
            cached[key],
            item.body_offset,
            item.article.published,
            item.dateline,
            item.dateline_place,
            item.ner_text,
            item.title,
            dateline_qualifier(item.article.dateline, item.dateline.place if item.dateline else None),
        )
        for key, item in zip(keys, prepared, strict=False)
    ]
    try:
        for item, entities in zip(
            prepared, parallel_map(_entities_one, work, worker_processes(len(work), options)), strict=False
        ):
            item.entities = entities
    finally:
        _CORPUS_VOTES.clear()
    report.phases["entities"] = time.monotonic() - entities_started
    return votes


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


def ner_texts(prepared: list[PreparedArticle]) -> list[str]:
    """The distinct texts NER runs on, in the order the indexer sends them."""
    return list(dict.fromkeys(item.ner_text for item in prepared))


def count_vocabulary(entities: Iterable[Entities]) -> dict[str, Counter]:
    vocabulary: dict[str, Counter] = {
        "person": Counter(),
        "place": Counter(),
        "org": Counter(),
        "country": Counter(),
        "mentioned": Counter(),
    }
    for item in entities:
        vocabulary["person"].update(set(item.people))
        vocabulary["place"].update({p.name for p in item.places})
        vocabulary["org"].update(set(item.orgs))
        vocabulary["country"].update(set(item.countries))
        vocabulary["mentioned"].update({iso[:7] for iso in item.mentioned})
    return vocabulary


def normalize_across_corpus(
    prepared: list[PreparedArticle], known: dict[str, Counter], votes: LabelVotes = NO_VOTES
) -> None:
    """One spelling a value ("MOSCOW" -> "Moscow"), and lone surnames to the full name the corpus
    uses for them ("Bolton" -> "John Bolton") where that is unambiguous."""
    raw: dict[str, Counter] = {"person": Counter(), "org": Counter(), "place": Counter()}
    for item in prepared:
        assert item.entities is not None
        raw["person"].update(item.entities.people)
        raw["org"].update(item.entities.orgs)
        raw["place"].update(p.name for p in item.entities.places)
    for facet, counts in raw.items():
        counts.update({value: count * 2 for value, count in known.get(facet, {}).items()})
    spelling = {facet: canonical_spellings(counts) for facet, counts in raw.items()}
    people: Counter[str] = Counter()
    for name, count in raw["person"].items():
        people[spelling["person"].get(name, name)] += count
    glued = title_glued_names(people, votes)
    for name, short in glued.items():
        people[short] += people.pop(name)
    firms = firms_named_after_people(people, raw["org"])
    surnames = corpus_surname_map(Counter({n: c for n, c in people.items() if n not in firms}))
    known_surnames = {name.split()[-1] for name in people if len(name.split()) > 1}
    places = gazetteer()

    def person(name: str) -> str:
        name = spelling["person"].get(name, name)
        name = glued.get(name, name)
        return surnames.get(name, name)

    def is_full_name(name: str) -> bool:
        # A lone name the corpus never gives in full ("Harris", or "Avg" and "Revs" from earnings
        # tables) is too ambiguous, or too often not a person, to be a facet value...
        return len(name.split()) > 1

    common = lowercase_words(prepared, {w.casefold() for org in raw["org"] for w in org.split()})

    def is_common_noun(org: str) -> bool:
        # "Budget", "WHEAT", "U.S. Dollar": a word (after a country, perhaps) the corpus writes in lower case
        words = org.split()
        head = " ".join(words[:-1])
        resolved = places.resolve(head, alternates=False) if len(words) > 1 else None
        if len(words) > 1 and not (resolved and places.is_country(resolved)):
            return False
        return not is_acronym(words[-1]) and common[words[-1].casefold()] >= 3 * max(1, raw["org"][org])

    known_people = {
        name
        for name, count in people.items()
        if " " in name
        and name not in firms
        and votes.kind_of(name, 1, 0.8) in (None, "person")
        and not places.resolve(name)
    }
    org_words = {
        word
        for org in raw["org"]
        for word in org.split()[:-1]
        if org.split()[-1].lower() not in GOVERNMENT_WORDS
    } | {org.split()[-1] for org in raw["org"]}

    def shown_as_person(name: str, entities: Entities) -> bool:
        # ...unless the text itself shows it is someone ("Mr Putin", "Bolton said"), the corpus does
        # not name something else so more often, and no organization has it in its name ("Phelps
        # said" is Phelps Dodge speaking).
        return (
            name in entities.confirmed_people
            and raw["person"][name] >= raw["org"][name] + raw["place"][name]
            and name not in org_words
        )

    def place(value: Place) -> Place:
        return Place(spelling["place"].get(value.name, value.name), value.country)

    expansions = acronym_expansions(prepared, spelling["org"])

    def org(name: str) -> str:
        name = spelling["org"].get(name, name)
        return expansions.get(name, name)

    for item in prepared:
        entities = annotated_entities(item)
        short_orgs = merge_short_orgs(spelling["org"].get(n, n) for n in entities.orgs)
        entities.orgs = [short_orgs.get(spelling["org"].get(n, n), n) for n in entities.orgs]
        entities.confirmed_people |= {
            glued[n] for n in (spelling["person"].get(n, n) for n in entities.people) if n in glued
        }
        entities.orgs.extend(person(n) for n in entities.people if person(n) in firms)
        people_named = (
            person(n)
            for n in entities.people
            if not names_an_organization(n, entities.orgs) and person(n) not in firms
        )
        entities.people = list(
            dict.fromkeys(p for p in people_named if is_full_name(p) or shown_as_person(p, entities))
        )
        entities.people.extend(
            n for n in known_names_in(item.ner_text, known_people) if n not in entities.people
        )
        source = value_key(item.article.source or "")
        entities.orgs = list(
            dict.fromkeys(
                org(n)
                for n in entities.orgs
                if not is_agency_credit(spelling["org"].get(n, n), source, raw["org"], places)
                and not is_common_noun(org(n))
            )
        )
        entities.places = list(dict.fromkeys(place(p) for p in entities.places))
        # a "place" with no country that the corpus knows as a person ("Amara Okafor") is that person
        as_people = [
            p.name
            for p in entities.places
            if p.country is None
            and person(p.name) in people
            and people[person(p.name)] > raw["place"][p.name]
        ]
        # a lone countryless "place" that is a known surname ("Wilson") is neither place nor full name
        entities.places = [
            p
            for p in entities.places
            if not (p.country is None and " " not in p.name and p.name in known_surnames)
        ]
        if as_people:
            entities.places = [p for p in entities.places if p.name not in as_people]
            entities.people = list(dict.fromkeys([*entities.people, *(person(n) for n in as_people)]))
            entities.spans = [
                (s, e, "person" if f == "place" and v in as_people else f, v) for s, e, f, v in entities.spans
            ]
        # whatever way a company reached the people (a misread place, a moved org), it leaves them
        entities.people = [p for p in entities.people if not is_company_name(p)]
        values = {
            "person": set(entities.people),
            "org": set(entities.orgs),
            "place": {p.name for p in entities.places},
        }
        spans = [
            (
                s,
                e,
                facet,
                person(v)
                if facet == "person"
                else org(short_orgs.get(spelling["org"].get(v, v), v))
                if facet == "org"
                else spelling.get(facet, {}).get(v, v),
            )
            for s, e, facet, v in entities.spans
        ]
        entities.spans = [span for span in spans if span[3] in values[span[2]]]


def acronym_expansions(prepared: list[PreparedArticle], spelling: dict[str, str]) -> dict[str, str]:
    """ "SEC" -> "Securities and Exchange Commission" where the corpus names the two together."""
    together: Counter = Counter()
    for item in prepared:
        orgs = {spelling.get(n, n) for n in annotated_entities(item).orgs}
        acronyms = {o.replace(".", ""): o for o in orgs if is_acronym(o)}
        for expansion in orgs:
            acronym = acronyms.get(initials(expansion))
            if acronym and acronym != expansion:
                together[(acronym, expansion)] += 1
    return pair_acronyms(together)


CAPITALIZED_RUN = re.compile(r"[A-Z][\w'.-]*(?:[ \t]+(?:[A-Z][\w'.-]*|de|van|von|del|da|di|le|la|bin|al))+")


def known_names_in(text: str, known: set[str]) -> list[str]:
    """Names the corpus knows as people, found in ``text`` where the model missed them (a list, a
    table): document- and corpus-wide propagation without a second NER pass."""
    found = []
    for run in CAPITALIZED_RUN.findall(text):
        words = run.split()
        covered: set[int] = set()
        for size in range(min(4, len(words)), 1, -1):
            for start in range(len(words) - size + 1):
                candidate = " ".join(words[start : start + size])
                if candidate in known and not covered & set(range(start, start + size)):
                    found.append(candidate)
                    covered.update(range(start, start + size))
    return list(dict.fromkeys(found))


def lowercase_words(prepared: list[PreparedArticle], wanted: set[str]) -> Counter:
    """How many articles write each of the ``wanted`` words in lower case."""
    counts: Counter = Counter()
    for item in prepared:
        counts.update(wanted.intersection(re.findall(r"\b[a-z]+\b", item.body)))
    return counts


def title_glued_names(people: Counter, votes: LabelVotes) -> dict[str, str]:
    """ "Energy Subroto" -> "Subroto", "Treasurer Paul Keating" -> "Paul Keating": a name whose first word
    starts no one's name in the corpus, and whose other words alone name a person as often or start with
    a given name."""
    glued = {}
    for name, count in people.items():
        first, _, rest = name.partition(" ")
        if not rest or votes.is_given_name(first) or "." in first:
            continue
        if people.get(rest, 0) >= (3 if " " not in rest else 1) * count or (
            " " in rest and votes.is_given_name(rest.split()[0])
        ):
            glued[name] = rest
    return glued


FIRM_WORDS = frozenset(
    {
        "co",
        "corp",
        "inc",
        "ltd",
        "plc",
        "ag",
        "sa",
        "securities",
        "holdings",
        "group",
        "sons",
        "bank",
        "capital",
        "partners",
        "brothers",
        "international",
    }
)


def firms_named_after_people(people: Counter, orgs: Counter, min_articles: int = 2) -> set[str]:
    """ "J.P. Morgan", "S.G. Warburg": a name the corpus also gives as the start of a firm's name ("J.P.
    Morgan and Co Inc", "S.G. Warburg Securities") in at least ``min_articles`` mentions."""
    starts: Counter = Counter()
    for org, count in orgs.items():
        words = org.split()
        if any(w.casefold().strip(".,") in FIRM_WORDS for w in words[2:]):
            for size in (2, 3):
                starts[" ".join(words[:size])] += count
    return {name for name, count in people.items() if " " in name and starts[name] >= min_articles}


def is_agency_credit(org: str, source: str, known_orgs: Counter, places: Gazetteer) -> bool:
    """The article's own source named as an organization: "Reuters" itself, or the source glued to the
    next name by "told Reuters the ..." ("Reuters Taiwan", "Reuters the G-7", "Reuters Congress").
    "Reuters Holdings PLC", a company of its own, stays."""
    if not source:
        return False
    words = org.split()
    if value_key(words[0]).rstrip("s") != source.rstrip("s"):
        return False
    rest = " ".join(words[1:])
    return not rest or rest[0].islower() or rest in known_orgs or places.resolve(rest) is not None


# Below this many documents a build writes one segment: a second one would halve the writing time
# but repeat the whole term dictionary, a fixed cost of several megabytes.
ONE_SEGMENT_DOCUMENTS = 50_000


def write_generation(
    partial: Path,
    prepared: list[PreparedArticle],
    create: bool,
    options: BuildOptions,
    replaced: Iterable[str] = (),
) -> None:
    """Writes ``prepared`` into a new index (``create``) or into the copy of the old one at ``partial``,
    where the documents with the ``replaced`` ids are deleted first. New documents go into new
    segments (one per core for a big build, written by forked processes); old segments are left as
    they are, so their document numbers do not move."""
    read_index_files_in_place()
    ix = whoosh_index.create_in(partial, build_schema()) if create else open_index(partial)
    writer = FastSegmentWriter(ix)
    try:
        replaced = sorted(set(replaced))
        if replaced:  # one query: update_document would open a reader over every segment per document
            writer.delete_by_query(Or([Term("id", doc_id) for doc_id in replaced]))
        parts = segment_parts(len(prepared), options)
        with progress_bar(
            total=len(prepared),
            desc="Writing index",
            unit=" articles",
            disable=not options.progress,
            file=sys.stderr,
        ) as bar:
            if len(parts) == 1:
                _add_documents(writer, prepared, bar.update, pause=True)
                writer.commit()
            else:
                writer.commit(segments=_write_segments_in_parallel(partial, prepared, parts, bar))
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    finally:
        ix.close()


def segment_parts(count: int, options: BuildOptions) -> list[tuple[int, int]]:
    """Contiguous slices of the documents, one per segment to write."""
    parts = 1 if count < ONE_SEGMENT_DOCUMENTS else worker_processes(count, options)
    size = -(-count // parts) if count else 0
    return [(start, min(start + size, count)) for start in range(0, count, size)] if count else [(0, 0)]


def _add_documents(
    writer: FastSegmentWriter,
    prepared: list[PreparedArticle],
    advance: Callable[[int], object],
    pause: bool = False,
) -> None:
    gc.disable()  # millions of posting lists, and no reference cycles among them
    try:
        add = writer.add_document
        for done, item in enumerate(prepared, start=1):
            add(**document_fields(item))
            if done % 100 == 0:
                advance(100)
            if pause and done == max(1, len(prepared) // 2):
                store.pause_point("write")
        advance(len(prepared) % 100)
    finally:
        gc.enable()


_PARALLEL_WRITE: dict = {}  # what forked writers inherit: the index folder, the documents, a progress counter


def _write_segments_in_parallel(
    partial: Path, prepared: list[PreparedArticle], parts: list[tuple[int, int]], bar: tqdm
) -> list:
    end_workers_with_parent()
    context = multiprocessing.get_context("fork")
    written = context.Value("l", 0)
    _PARALLEL_WRITE.update(partial=partial, prepared=prepared, written=written)
    try:
        with context.Pool(len(parts)) as pool:
            result = pool.map_async(_write_segment, parts, chunksize=1)
            paused = False
            while not result.ready():
                result.wait(0.5)
                bar.update(written.value - bar.n)
                if not paused and written.value >= len(prepared) // 2:
                    paused = True
                    store.pause_point("write")
            segments = result.get()
        bar.update(len(prepared) - bar.n)
        return segments
    finally:
        _PARALLEL_WRITE.clear()


def _write_segment(part: tuple[int, int]) -> Any:
    """In a forked process: one segment of the documents ``part`` names, left for the parent to commit."""
    start, end = part
    ix = open_index(_PARALLEL_WRITE["partial"])
    writer = FastSegmentWriter(ix, _lk=False)
    written = _PARALLEL_WRITE["written"]

    def advance(count: int) -> None:
        with written.get_lock():
            written.value += count

    try:
        _add_documents(writer, _PARALLEL_WRITE["prepared"][start:end], advance)
        return writer.finish_segment()
    except BaseException:
        writer._close_segment()  # not cancel(): that would remove the temporary files the others still use
        raise
    finally:
        ix.close()


def worker_processes(count: int, options: BuildOptions) -> int:
    if options.processes:
        return options.processes
    return min(2, os.cpu_count() or 1) if count >= 2000 else 1


def write_columns_for(generation: Path, written: list[PreparedArticle], previous: Path | None) -> None:
    """Facet columns in the committed index's document order; rows of articles this build did not
    write come from the previous generation's columns."""
    rows = {
        item.article.id: (facet_row(annotated_entities(item), item.language), timestamp(item.article.published))
        for item in written
    }
    old_columns, old_docnums = None, {}
    if previous is not None:
        old_columns = Columns.load(previous)
        old_docnums = {doc_id: n for n, doc_id in enumerate(_document_ids(previous))}
    ids = _document_ids(generation)
    ix = open_index(generation)
    with ix.reader() as reader:
        live = set(reader.all_doc_ids())
    ix.close()
    facet_rows: list[dict[str, list[str]] | None] = []
    published: list[int] = []
    for docnum, doc_id in enumerate(ids):
        if docnum not in live:
            facet_rows.append(None)
            published.append(timestamp(None))
        elif doc_id in rows:
            facet_rows.append(rows[doc_id][0])
            published.append(rows[doc_id][1])
        else:
            old = old_docnums[doc_id]
            assert old_columns is not None  # an article not written now is in the previous generation
            facet_rows.append(old_columns.row(old))
            published.append(int(old_columns.published[old]))
    write_columns(generation, facet_rows, published)


def _document_ids(generation: Path) -> list[str]:
    ix = open_index(generation)
    with ix.reader() as reader:
        ids = list(reader.column_reader("id"))
    ix.close()
    return ids


def _build(
    paths: Iterable[str],
    index_dir: Path,
    options: BuildOptions,
    incremental: bool,
    prune: bool = False,
    remove: Iterable[str] = (),
) -> BuildReport:
    """One build: ``incremental`` adds to (and with ``prune`` or ``remove`` takes from) the current
    generation, else builds a fresh one; either way into a new generation switched to when complete."""
    started = time.monotonic()
    index_dir = Path(index_dir)
    report = BuildReport(index_dir=index_dir)
    with store.build_lock(index_dir):
        store.remove_old_generations(index_dir)
        previous = store.current_generation(index_dir)
        if incremental and previous is None:
            raise store.NoIndexError(f"no index at {index_dir} to add to; run `searcher index rebuild` first")
        previous = usable_previous_generation(previous, incremental, report)
        old_fingerprints: dict[str, str] = store.read_json(previous / "fingerprints.json") if previous else {}
        old_boilerplate = store.read_json(previous / "boilerplate.json") if incremental and previous else {}
        old_vocabulary = store.read_json(previous / "vocabulary.json") if incremental and previous else {}
        old_meta = store.read_json(previous / "meta.json") if incremental and previous else {}
        old_origins = Origins.load(previous)

        with report.timed("read"):
            read = ReadArticles()
            read_articles(paths, report, read)
            leaving = set()
            if incremental:
                leaving = removed_ids(remove, old_fingerprints, report)
                if prune:  # an article read again (from another file of its source, say) stays
                    leaving |= pruned_ids(old_origins, read) - set().union(*read.ids_by_file.values())
                articles = skip_copies_in_index(read.articles, old_origins, leaving, report)
            else:
                articles = read.articles
        with report.timed("clean"):
            recurring = learn_boilerplate(articles, old_boilerplate)
            prepared = prepare_all(articles, recurring, report, worker_processes(len(articles), options))
        with report.timed("language"):
            detect_languages(prepared, old_origins.languages_by_text(), options, report)
        gc.freeze()  # the articles live until the end: later collections need not walk them

        changed = []
        for item in prepared:
            before = old_fingerprints.get(item.article.id)
            if before == item.fingerprint:
                report.unchanged += 1
                continue
            if before is None:
                report.indexed += 1
            else:
                report.updated += 1
                first_file = old_origins.files.get(item.article.id)
                if incremental and first_file and first_file != article_file(item.article):
                    report.warnings.append(
                        Problem(
                            item.article.origin,
                            f"updates article {item.article.id}, read before from {first_file}",
                            skipped=False,
                        )
                    )
            changed.append(item)
        to_write = changed if incremental else prepared
        if not incremental:
            leaving = set(old_fingerprints) - {item.article.id for item in prepared}
        report.removed = sorted(leaving)
        report.removed_from = {
            doc_id: old_origins.files[doc_id] for doc_id in leaving if doc_id in old_origins.files
        }
        report.total_articles = len(prepared)
        if not prepared and not (incremental and leaving):
            gc.unfreeze()
            report.removed = []  # nothing was built: the index is as it was
            report.removed_from = {}
            report.seconds = time.monotonic() - started
            return report
        if incremental and not to_write and not leaving:
            gc.unfreeze()
            report.generation = previous
            report.pipeline = old_meta.get("pipeline", "")
            report.seconds = time.monotonic() - started
            return report

        votes = NO_VOTES
        if to_write:
            readable, pipelines = entity_readable(to_write, options, report)
            votes = find_all_mentions(readable, index_dir, options, report, pipelines)
        else:
            report.pipeline = old_meta.get("pipeline", "")
        known = {facet: Counter(values) for facet, values in old_vocabulary.items()} if incremental else {}
        with report.timed("normalize"):
            normalize_across_corpus(to_write, known, votes)

        partial = store.new_generation_dir(index_dir)
        try:
            replaced = [i.article.id for i in to_write if i.article.id in old_fingerprints] + sorted(leaving)
            if incremental:
                assert previous is not None  # add refused a missing or damaged index
                store.copy_generation(previous, partial)
                old_documents = _stored_documents(partial, replaced)
                vocabulary = {facet: Counter(values) for facet, values in old_vocabulary.items()}
                for facet, counts in count_vocabulary(map(_entities_of, old_documents)).items():
                    vocabulary.setdefault(facet, Counter()).subtract(counts)
                for facet, counts in count_vocabulary(map(annotated_entities, to_write)).items():
                    vocabulary.setdefault(facet, Counter()).update(counts)
                fingerprints = {k: v for k, v in old_fingerprints.items() if k not in leaving}
                origins = old_origins
                for doc_id in leaving:
                    origins.forget(doc_id)
            else:
                old_documents = []
                vocabulary = count_vocabulary(map(annotated_entities, to_write))
                fingerprints = {}
                origins = Origins()
            with report.timed("write"):
                write_generation(
                    partial, to_write, create=not incremental, options=options, replaced=replaced
                )
            with report.timed("columns"):
                write_columns_for(partial, to_write, previous if incremental else None)
                words = (
                    Counter(store.read_json(previous / WORDS_FILE)) if incremental and previous else Counter()
                )
                words.subtract(
                    document_words(f"{d.get('title', '')} {d.get('body', '')}" for d in old_documents)
                )
                words.update(document_words(f"{i.title} {i.body}" for i in to_write))
                store.write_json_atomic(partial / WORDS_FILE, {w: n for w, n in words.items() if n > 0})
            if options.also_write is not None:
                with report.timed("also_write"):
                    options.also_write(to_write, incremental)
            fingerprints.update({i.article.id: i.fingerprint for i in to_write})
            for item in to_write:
                origins.record(item.article, item.language, item.pipeline)
            origins.save(partial)
            countries = _place_countries(previous if incremental else None, to_write)
            span = (
                published_span(to_write, old_meta)
                if not leaving or not incremental
                else columns_span(partial)
            )
            _write_metadata(
                partial,
                report,
                vocabulary,
                countries,
                fingerprints,
                recurring,
                span,
                Counter(v for v in origins.languages.values() if v != UNDETERMINED),
                origins.entities_by_language(),
            )
            report.generation = store.publish_generation(index_dir, partial)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            gc.unfreeze()
            raise
    gc.unfreeze()
    report.seconds = time.monotonic() - started
    return report


def usable_previous_generation(previous: Path | None, incremental: bool, report: BuildReport) -> Path | None:
    """The live generation, verified byte for byte before anything is taken from it. ``add`` refuses a
    damaged one (it would build on it); ``rebuild`` replaces it, reading nothing from it."""
    if previous is None:
        return None
    problems = store.damaged_files(previous, checksums=True)
    if not problems:
        return previous
    if incremental:
        raise store.DamagedIndexError(store.damage_message(previous, problems))
    report.warnings.append(
        Problem(str(previous), f"damaged ({'; '.join(problems)}); this rebuild replaces it", skipped=False)
    )
    return None


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


def removed_ids(wanted: Iterable[str], stored: dict[str, str], report: BuildReport) -> set[str]:
    """The ids asked to be removed that the index holds; each other one is a problem naming it."""
    found = set()
    for doc_id in dict.fromkeys(wanted):
        if doc_id in stored:
            found.add(doc_id)
        else:
            report.problems.append(Problem(doc_id, "no article with this id in the index (nothing removed)"))
    return found


def _stored_documents(generation: Path, ids: list[str]) -> list[dict]:
    """The stored fields of the documents with these ids (titles, bodies, entities as JSON)."""
    if not ids:
        return []
    ix = open_index(generation)
    found = []
    with ix.searcher() as searcher:
        for doc_id in ids:
            stored = searcher.document(id=doc_id)
            if stored:
                found.append(stored)
    ix.close()
    return found


def _entities_of(stored: dict) -> Entities:
    data = json.loads(stored["entities"])
    return Entities(
        people=data["people"],
        orgs=data["orgs"],
        mentioned=data["mentioned"],
        places=[Place(n, c) for n, c in data["places"]],
    )


def columns_span(generation: Path) -> tuple[str | None, str | None]:
    """The first and last publication day of the generation's live articles (after a removal)."""
    columns = Columns.load(generation)
    dated = columns.published[columns.live & (columns.published != timestamp(None))]
    if not len(dated):
        return None, None
    first, last = (datetime.fromtimestamp(int(t), tz=UTC) for t in (dated.min(), dated.max()))
    return first.date().isoformat(), last.date().isoformat()


def _place_countries(previous: Path | None, prepared: list[PreparedArticle]) -> dict[str, str | None]:
    countries: dict[str, str | None] = store.read_json(previous / "places.json") if previous else {}
    for item in prepared:
        for place in annotated_entities(item).places:
            countries[place.name] = place.country
    return countries


def _write_metadata(
    generation: Path,
    report: BuildReport,
    vocabulary: dict[str, Counter],
    countries: dict,
    fingerprints: dict,
    recurring: dict[str, set[str]],
    published_span: tuple[str | None, str | None],
    languages: Counter | None = None,
    entities_by_language: dict[str, dict[str, int]] | None = None,
) -> None:
    clean_vocabulary = {
        facet: {v: c for v, c in counts.most_common() if c > 0} for facet, counts in vocabulary.items()
    }
    store.write_json_atomic(generation / "vocabulary.json", clean_vocabulary)
    store.write_json_atomic(
        generation / "places.json",
        {k: v for k, v in countries.items() if k in clean_vocabulary.get("place", {})},
    )
    store.write_json_atomic(generation / "fingerprints.json", fingerprints)
    store.write_json_atomic(
        generation / "boilerplate.json", {g: sorted(lines) for g, lines in recurring.items()}
    )
    store.write_json_atomic(
        generation / store.META,
        {
            "pipeline": report.pipeline,
            "built_at": datetime.now().isoformat(timespec="seconds"),
            "articles": len(fingerprints),  # every article of the generation has one
            "published_first": published_span[0],
            "published_last": published_span[1],
            "languages": dict((languages or Counter()).most_common()),  # of the detected ones
            **(entities_by_language or {}),  # per language: articles a pipeline read, and none could
            store.FILES: store.generation_manifest(generation),  # written last, so it covers every other file
        },
    )


def published_span(prepared: list[PreparedArticle], previous_meta: dict) -> tuple[str | None, str | None]:
    days = [i.article.published.date().isoformat() for i in prepared if i.article.published]
    days += [d for d in (previous_meta.get("published_first"), previous_meta.get("published_last")) if d]
    return (min(days), max(days)) if days else (None, None)


def rebuild(paths: Iterable[str], index_dir: Path, options: BuildOptions = BuildOptions()) -> BuildReport:
    """A fresh index from ``paths``; the previous one stays live until this one is complete."""
    return _build(paths, index_dir, options, incremental=False)


def add(
    paths: Iterable[str], index_dir: Path, options: BuildOptions = BuildOptions(), prune: bool = False
) -> BuildReport:
    """New articles added and changed ones updated; NER runs only on text it has not seen. With
    ``prune``, articles whose file is gone, or no longer holds them, are removed."""
    return _build(paths, index_dir, options, incremental=True, prune=prune)


def remove(ids: Iterable[str], index_dir: Path, options: BuildOptions = BuildOptions()) -> BuildReport:
    """The articles with these ids removed, by the same atomic switch to a new generation as ``add``."""
    return _build([], index_dir, options, incremental=True, remove=ids)


def index_stats(index_dir: Path) -> dict:
    generation = store.require_current_generation(Path(index_dir))
    store.verify_generation(generation)
    meta = store.read_json(generation / store.META)
    vocabulary = store.read_json(generation / "vocabulary.json")
    return {
        "index_dir": str(index_dir),
        "generation": generation.name,
        "articles": meta.get("articles", 0),
        "facet_values": {facet: len(values) for facet, values in vocabulary.items()},
        "top_values": {facet: list(values.items())[:5] for facet, values in vocabulary.items()},
        "published_first": meta.get("published_first"),
        "published_last": meta.get("published_last"),
        "size_bytes": store.directory_size(generation),
        "pipeline": meta.get("pipeline"),
        "languages": meta.get("languages", {}),
        "with_entities": meta.get("with_entities", {}),  # language -> articles a spaCy pipeline read
        "without_entities": meta.get("without_entities", {}),  # language -> articles no pipeline could
        "built_at": meta.get("built_at"),
    }

"""Rebuild and add: read, clean, find entities (cached), normalize across the corpus, write, switch.

Both commands build a new generation beside the live one and switch to it only when it is complete
(see ``store.py``), so an interrupted build never leaves a half-written index behind.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import multiprocessing
import os
import re
import shutil
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tqdm import tqdm

tqdm.monitor_interval = 0  # no monitor thread: the build forks worker processes
from whoosh import index as whoosh_index
from whoosh.query import Or, Term

from . import store
from .articles import Article, Entities, Place, Problem, content_hash
from .cache import AnnotationCache, cache_key
from .clean import (
    Dateline,
    clean_body,
    clean_title,
    find_dateline,
    learn_recurring_lines,
    place_from_dateline_field,
)
from .columns import Columns, facet_row, timestamp, write_columns
from .corpus import NO_VOTES, LabelVotes, count_label_votes
from .entities import MAX_NER_CHARS, NerPipeline, dateline_qualifier, entities_from_mentions, pipeline_name
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
from .places import gazetteer
from .readers import read_paths
from .schema import WORDS_FILE, build_schema, document_fields, document_words
from .segment_writer import FastSegmentWriter
from .whoosh_files import read_index_files_in_place

read_index_files_in_place()


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


@dataclass
class BuildReport:
    index_dir: Path
    generation: Path | None = None
    pipeline: str = ""
    indexed: int = 0  # new articles
    updated: int = 0
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ner_articles: int = 0  # articles that went through spaCy (the rest came from the cache)
    total_articles: int = 0
    seconds: float = 0.0

    phases: dict[str, float] = field(default_factory=dict)  # seconds spent in each stage

    @property
    def ok(self) -> bool:
        return self.total_articles > 0

    @contextmanager
    def timed(self, phase: str):
        started = time.monotonic()
        try:
            yield
        finally:
            self.phases[phase] = self.phases.get(phase, 0.0) + time.monotonic() - started


@dataclass(frozen=True)
class BuildOptions:
    pipeline: str | None = None
    processes: int | None = None
    batch_size: int = 64
    progress: bool = True


def origin_file(origin: str) -> str:
    return re.sub(r"(:\d+|#entry\d+|\[\d+\])$", "", origin)


def source_group(article: Article) -> str:
    """Articles whose boilerplate is learnt together: one source, else one folder."""
    return article.source or str(Path(origin_file(article.origin)).parent)


def read_articles(paths: Iterable[str], report: BuildReport) -> list[Article]:
    """Every article under ``paths`` once: a repeated id or a repeated text is reported and skipped."""
    seen_ids: dict[str, str] = {}
    seen_texts: dict[str, str] = {}
    articles = []
    for item in read_paths(paths):
        if isinstance(item, Problem):
            (report.skipped if item.skipped else report.warnings).append(item)
            continue
        text_key = content_hash(item.title.casefold(), " ".join(item.body.split()).casefold())
        if item.id in seen_ids:
            report.skipped.append(Problem(item.origin, f"same id as {seen_ids[item.id]} (indexed once)"))
            continue
        if text_key in seen_texts:
            report.skipped.append(Problem(item.origin, f"same text as {seen_texts[text_key]} (indexed once)"))
            continue
        seen_ids[item.id] = item.origin
        seen_texts[text_key] = item.origin
        articles.append(item)
    return articles


def learn_boilerplate(articles: list[Article], known: dict[str, list[str]]) -> dict[str, set[str]]:
    bodies: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        bodies[source_group(article)].append(article.body)
    learned = {group: set(lines) for group, lines in known.items()}
    for group, group_bodies in bodies.items():
        learned.setdefault(group, set()).update(learn_recurring_lines(group_bodies))
    return learned


def prepare_all(articles: list[Article], recurring: dict[str, set[str]], report: BuildReport,
                processes: int) -> list[PreparedArticle]:
    work = [(article, recurring.get(source_group(article), set())) for article in articles]
    prepared = []
    for item, problem in parallel_map(_prepare_one, work, processes):
        if problem is not None:
            (report.skipped if problem.skipped else report.warnings).append(problem)
        if item is not None:
            prepared.append(item)
    return prepared


def _prepare_one(work: tuple[Article, set[str]]) -> tuple[PreparedArticle | None, Problem | None]:
    article, recurring = work
    problems: list[Problem] = []
    prepared = prepare(article, recurring, problems)
    return prepared, (problems[0] if problems else None)


def parallel_map(function, items: list, processes: int, chunksize: int = 200) -> list:
    """``[function(item) for item in items]``, over several forked processes when there is enough work.

    Forked workers inherit what the parent has loaded (the gazetteer, the parsers), so they start at once.
    """
    if processes <= 1 or len(items) < 2 * chunksize:
        return [function(item) for item in items]
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        return pool.map(function, items, chunksize=chunksize)


def prepare(article: Article, recurring: set[str], problems: list[Problem]) -> PreparedArticle | None:
    title = clean_title(article.title)
    body = clean_body(article.body, title, recurring)
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
        problems.append(Problem(
            article.origin,
            f"article is {len(body) / 2**20:.1f} MB; all of it is searchable, entities are taken from its first "
            f"{MAX_NER_CHARS:,} characters",
            skipped=False,
        ))
        ner_text = ner_text[:MAX_NER_CHARS]
    fingerprint = content_hash(
        title, body, article.published.isoformat() if article.published else "",
        article.url or "", article.author or "", article.source or "", article.dateline or "",
    )
    return PreparedArticle(article, title, body, ner_text, len(prefix), dateline, dateline_place, fingerprint)


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


def find_all_mentions(prepared: list[PreparedArticle], index_dir: Path, options: BuildOptions,
                      report: BuildReport) -> LabelVotes:
    """Every article's entities, from its cached or freshly found mentions; returns the corpus's label
    votes, which the corpus-wide step uses again."""
    name = options.pipeline or pipeline_name()
    version = pipeline_version(name)
    report.pipeline = version
    cache = AnnotationCache(Path(index_dir) / "annotations.sqlite")
    ner_started = time.monotonic()
    try:
        keys = [cache_key(version, item.ner_text) for item in prepared]
        cached = cache.get_many(set(keys))
        missing = {}
        for key, item in zip(keys, prepared):
            if key not in cached:
                missing.setdefault(key, item.ner_text)
        if missing:
            report.ner_articles = len(missing)
            pipeline = NerPipeline.load(name)
            processes = ner_processes(len(missing), options)
            texts = list(missing.items())
            found = pipeline.find_mentions((text for _, text in texts), batch_size=options.batch_size,
                                           processes=processes)
            pending = []
            # The mentions pile up as millions of small objects; Python's cyclic garbage collector
            # would scan them all again and again while spaCy streams results in. They hold no cycles.
            gc.disable()
            with tqdm(total=len(texts), desc="Finding entities", unit=" articles", disable=not options.progress,
                      file=sys.stderr, smoothing=0.1) as bar:
                for done, ((key, _), mentions) in enumerate(zip(texts, found), start=1):
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
    gazetteer()  # loaded before the workers fork, so they share it
    # the corpus's votes, set before the workers fork so they share them rather than receive a copy each
    votes = count_label_votes(cached[key] for key in dict.fromkeys(keys))
    _CORPUS_VOTES["votes"] = votes
    work = [(cached[key], item.body_offset, item.article.published, item.dateline, item.dateline_place, item.ner_text,
             item.title, dateline_qualifier(item.article.dateline, item.dateline.place if item.dateline else None))
            for key, item in zip(keys, prepared)]
    try:
        for item, entities in zip(prepared, parallel_map(_entities_one, work, worker_processes(len(work), options))):
            item.entities = entities
    finally:
        _CORPUS_VOTES.clear()
    report.phases["entities"] = time.monotonic() - entities_started
    return votes


_CORPUS_VOTES: dict = {}


def _entities_one(work: tuple) -> Entities:
    mentions, body_offset, published, dateline, dateline_place, text, title, qualifier = work
    votes = _CORPUS_VOTES["votes"]
    return entities_from_mentions(mentions, body_offset=body_offset, published=published, dateline=dateline,
                                  dateline_place=dateline_place, gazetteer=gazetteer(), text=text, votes=votes,
                                  title=title, dateline_qualifier=qualifier)


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
    vocabulary: dict[str, Counter] = {"person": Counter(), "place": Counter(), "org": Counter(),
                                      "country": Counter(), "mentioned": Counter()}
    for item in entities:
        vocabulary["person"].update(set(item.people))
        vocabulary["place"].update({p.name for p in item.places})
        vocabulary["org"].update(set(item.orgs))
        vocabulary["country"].update(set(item.countries))
        vocabulary["mentioned"].update({iso[:7] for iso in item.mentioned})
    return vocabulary


def normalize_across_corpus(prepared: list[PreparedArticle], known: dict[str, Counter],
                            votes: LabelVotes = NO_VOTES) -> None:
    """One spelling a value ("MOSCOW" -> "Moscow"), and lone surnames to the full name the corpus
    uses for them ("Bolton" -> "John Bolton") where that is unambiguous."""
    raw: dict[str, Counter] = {"person": Counter(), "org": Counter(), "place": Counter()}
    for item in prepared:
        raw["person"].update(item.entities.people)
        raw["org"].update(item.entities.orgs)
        raw["place"].update(p.name for p in item.entities.places)
    for facet, counts in raw.items():
        counts.update({value: count * 2 for value, count in known.get(facet, {}).items()})
    spelling = {facet: canonical_spellings(counts) for facet, counts in raw.items()}
    people = Counter()
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
        if len(words) > 1 and not (places.resolve(head, alternates=False) and places.is_country(places.resolve(head))):
            return False
        return not is_acronym(words[-1]) and common[words[-1].casefold()] >= 3 * max(1, raw["org"][org])

    known_people = {name for name, count in people.items() if " " in name and name not in firms
                    and votes.kind_of(name, 1, 0.8) in (None, "person") and not places.resolve(name)}
    org_words = {word for org in raw["org"] for word in org.split()[:-1] if org.split()[-1].lower() not in
                 GOVERNMENT_WORDS} | {org.split()[-1] for org in raw["org"]}

    def shown_as_person(name: str, entities: Entities) -> bool:
        # ...unless the text itself shows it is someone ("Mr Putin", "Bolton said"), the corpus does
        # not name something else so more often, and no organization has it in its name ("Phelps
        # said" is Phelps Dodge speaking).
        return (name in entities.confirmed_people and raw["person"][name] >= raw["org"][name] + raw["place"][name]
                and name not in org_words)

    def place(value: Place) -> Place:
        return Place(spelling["place"].get(value.name, value.name), value.country)

    expansions = acronym_expansions(prepared, spelling["org"])

    def org(name: str) -> str:
        name = spelling["org"].get(name, name)
        return expansions.get(name, name)

    for item in prepared:
        entities = item.entities
        short_orgs = merge_short_orgs(spelling["org"].get(n, n) for n in entities.orgs)
        entities.orgs = [short_orgs.get(spelling["org"].get(n, n), n) for n in entities.orgs]
        entities.confirmed_people |= {glued[n] for n in (spelling["person"].get(n, n) for n in entities.people)
                                      if n in glued}
        entities.orgs.extend(person(n) for n in entities.people if person(n) in firms)
        people_named = (person(n) for n in entities.people
                        if not names_an_organization(n, entities.orgs) and person(n) not in firms)
        entities.people = list(dict.fromkeys(p for p in people_named
                                             if is_full_name(p) or shown_as_person(p, entities)))
        entities.people.extend(n for n in known_names_in(item.ner_text, known_people) if n not in entities.people)
        source = value_key(item.article.source or "")
        entities.orgs = list(dict.fromkeys(
            org(n) for n in entities.orgs if not is_agency_credit(spelling["org"].get(n, n), source, raw["org"], places)
            and not is_common_noun(org(n))
        ))
        entities.places = list(dict.fromkeys(place(p) for p in entities.places))
        # a "place" with no country that the corpus knows as a person ("Amara Okafor") is that person
        as_people = [p.name for p in entities.places if p.country is None and person(p.name) in people
                     and people[person(p.name)] > raw["place"][p.name]]
        # a lone countryless "place" that is a known surname ("Wilson") is neither place nor full name
        entities.places = [p for p in entities.places
                           if not (p.country is None and " " not in p.name and p.name in known_surnames)]
        if as_people:
            entities.places = [p for p in entities.places if p.name not in as_people]
            entities.people = list(dict.fromkeys([*entities.people, *(person(n) for n in as_people)]))
            entities.spans = [(s, e, "person" if f == "place" and v in as_people else f, v)
                              for s, e, f, v in entities.spans]
        # whatever way a company reached the people (a misread place, a moved org), it leaves them
        entities.people = [p for p in entities.people if not is_company_name(p)]
        values = {"person": set(entities.people), "org": set(entities.orgs), "place": {p.name for p in entities.places}}
        spans = [(s, e, facet, person(v) if facet == "person" else org(short_orgs.get(spelling["org"].get(v, v), v)) if facet == "org"
                  else spelling.get(facet, {}).get(v, v)) for s, e, facet, v in entities.spans]
        entities.spans = [span for span in spans if span[3] in values[span[2]]]


def acronym_expansions(prepared: list[PreparedArticle], spelling: dict[str, str]) -> dict[str, str]:
    """"SEC" -> "Securities and Exchange Commission" where the corpus names the two together."""
    together: Counter = Counter()
    for item in prepared:
        orgs = {spelling.get(n, n) for n in item.entities.orgs}
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
                candidate = " ".join(words[start:start + size])
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
    """"Energy Subroto" -> "Subroto", "Treasurer Paul Keating" -> "Paul Keating": a name whose first word
    starts no one's name in the corpus, and whose other words alone name a person as often or start with
    a given name."""
    glued = {}
    for name, count in people.items():
        first, _, rest = name.partition(" ")
        if not rest or votes.is_given_name(first) or "." in first:
            continue
        if people.get(rest, 0) >= (3 if " " not in rest else 1) * count or (
                " " in rest and votes.is_given_name(rest.split()[0])):
            glued[name] = rest
    return glued


FIRM_WORDS = frozenset({"co", "corp", "inc", "ltd", "plc", "ag", "sa", "securities", "holdings", "group", "sons",
                        "bank", "capital", "partners", "brothers", "international"})


def firms_named_after_people(people: Counter, orgs: Counter, min_articles: int = 2) -> set[str]:
    """"J.P. Morgan", "S.G. Warburg": a name the corpus also gives as the start of a firm's name ("J.P.
    Morgan and Co Inc", "S.G. Warburg Securities") in at least ``min_articles`` mentions."""
    starts: Counter = Counter()
    for org, count in orgs.items():
        words = org.split()
        if any(w.casefold().strip(".,") in FIRM_WORDS for w in words[2:]):
            for size in (2, 3):
                starts[" ".join(words[:size])] += count
    return {name for name, count in people.items()
            if " " in name and starts[name] >= min_articles}


def is_agency_credit(org: str, source: str, known_orgs: Counter, places) -> bool:
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


def write_generation(partial: Path, prepared: list[PreparedArticle], create: bool, options: BuildOptions,
                     replaced: Iterable[str] = ()) -> None:
    """Writes ``prepared`` into a new index (``create``) or into the copy of the old one at ``partial``,
    where the documents with the ``replaced`` ids are deleted first. New documents go into new
    segments (one per core for a big build, written by forked processes); old segments are left as
    they are, so their document numbers do not move."""
    ix = whoosh_index.create_in(partial, build_schema()) if create else whoosh_index.open_dir(partial)
    writer = FastSegmentWriter(ix)
    try:
        replaced = sorted(set(replaced))
        if replaced:  # one query: update_document would open a reader over every segment per document
            writer.delete_by_query(Or([Term("id", doc_id) for doc_id in replaced]))
        parts = segment_parts(len(prepared), options)
        with tqdm(total=len(prepared), desc="Writing index", unit=" articles", disable=not options.progress,
                  file=sys.stderr) as bar:
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


def _add_documents(writer, prepared: list[PreparedArticle], advance, pause: bool = False) -> None:
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


def _write_segments_in_parallel(partial: Path, prepared: list[PreparedArticle], parts: list[tuple[int, int]],
                                bar) -> list:
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


def _write_segment(part: tuple[int, int]):
    """In a forked process: one segment of the documents ``part`` names, left for the parent to commit."""
    start, end = part
    ix = whoosh_index.open_dir(_PARALLEL_WRITE["partial"])
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
    rows = {item.article.id: (facet_row(item.entities), timestamp(item.article.published)) for item in written}
    old_columns, old_docnums = None, {}
    if previous is not None:
        old_columns = Columns.load(previous)
        old_docnums = {doc_id: n for n, doc_id in enumerate(_document_ids(previous))}
    ids = _document_ids(generation)
    ix = whoosh_index.open_dir(generation)
    with ix.reader() as reader:
        live = set(reader.all_doc_ids())
    ix.close()
    facet_rows, published = [], []
    for docnum, doc_id in enumerate(ids):
        if docnum not in live:
            facet_rows.append(None)
            published.append(timestamp(None))
        elif doc_id in rows:
            facet_rows.append(rows[doc_id][0])
            published.append(rows[doc_id][1])
        else:
            old = old_docnums[doc_id]
            facet_rows.append(old_columns.row(old))
            published.append(int(old_columns.published[old]))
    write_columns(generation, facet_rows, published)


def _document_ids(generation: Path) -> list[str]:
    ix = whoosh_index.open_dir(generation)
    with ix.reader() as reader:
        ids = list(reader.column_reader("id"))
    ix.close()
    return ids


def _build(paths: Iterable[str], index_dir: Path, options: BuildOptions, incremental: bool) -> BuildReport:
    started = time.monotonic()
    index_dir = Path(index_dir)
    report = BuildReport(index_dir=index_dir)
    with store.build_lock(index_dir):
        store.remove_old_generations(index_dir)
        previous = store.current_generation(index_dir)
        if incremental and previous is None:
            raise store.NoIndexError(f"no index at {index_dir} to add to; run `searcher index rebuild` first")
        old_fingerprints: dict[str, str] = store.read_json(previous / "fingerprints.json", {}) if previous else {}
        old_boilerplate = store.read_json(previous / "boilerplate.json", {}) if incremental else {}
        old_vocabulary = store.read_json(previous / "vocabulary.json", {}) if incremental else {}
        old_meta = store.read_json(previous / "meta.json", {}) if incremental else {}

        with report.timed("read"):
            articles = read_articles(paths, report)
        with report.timed("clean"):
            recurring = learn_boilerplate(articles, old_boilerplate)
            prepared = prepare_all(articles, recurring, report, worker_processes(len(articles), options))
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
            changed.append(item)
        to_write = changed if incremental else prepared
        report.total_articles = len(prepared)
        if not prepared:
            gc.unfreeze()
            report.seconds = time.monotonic() - started
            return report
        if incremental and not to_write:
            gc.unfreeze()
            report.generation = previous
            report.pipeline = old_meta.get("pipeline", "")
            report.seconds = time.monotonic() - started
            return report

        votes = find_all_mentions(to_write, index_dir, options, report)
        known = {facet: Counter(values) for facet, values in old_vocabulary.items()} if incremental else {}
        with report.timed("normalize"):
            normalize_across_corpus(to_write, known, votes)

        partial = store.new_generation_dir(index_dir)
        try:
            if incremental:
                store.copy_generation(previous, partial)
                old_entities = _stored_entities(partial, [i.article.id for i in to_write if i.article.id in old_fingerprints])
                vocabulary = {facet: Counter(values) for facet, values in old_vocabulary.items()}
                for facet, counts in count_vocabulary(old_entities).items():
                    vocabulary.setdefault(facet, Counter()).subtract(counts)
                for facet, counts in count_vocabulary(i.entities for i in to_write).items():
                    vocabulary.setdefault(facet, Counter()).update(counts)
                fingerprints = dict(old_fingerprints)
            else:
                vocabulary = count_vocabulary(i.entities for i in to_write)
                fingerprints = {}
            with report.timed("write"):
                write_generation(partial, to_write, create=not incremental, options=options,
                                 replaced=[i.article.id for i in to_write if i.article.id in old_fingerprints])
            with report.timed("columns"):
                write_columns_for(partial, to_write, previous if incremental else None)
                words = Counter(store.read_json(previous / WORDS_FILE, {})) if incremental else Counter()
                words.update(document_words(f"{i.title} {i.body}" for i in to_write))
                store.write_json_atomic(partial / WORDS_FILE, dict(words))
            fingerprints.update({i.article.id: i.fingerprint for i in to_write})
            countries = _place_countries(previous if incremental else None, to_write)
            span = published_span(to_write, old_meta)
            _write_metadata(partial, report, vocabulary, countries, fingerprints, recurring, span)
            report.generation = store.publish_generation(index_dir, partial)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            gc.unfreeze()
            raise
    gc.unfreeze()
    report.seconds = time.monotonic() - started
    return report


def _stored_entities(generation: Path, ids: list[str]) -> list[Entities]:
    if not ids:
        return []
    ix = whoosh_index.open_dir(generation)
    found = []
    with ix.searcher() as searcher:
        for doc_id in ids:
            stored = searcher.document(id=doc_id)
            if stored:
                data = json.loads(stored["entities"])
                found.append(Entities(people=data["people"], orgs=data["orgs"], mentioned=data["mentioned"],
                                      places=[Place(n, c) for n, c in data["places"]]))
    ix.close()
    return found


def _place_countries(previous: Path | None, prepared: list[PreparedArticle]) -> dict[str, str | None]:
    countries: dict[str, str | None] = store.read_json(previous / "places.json", {}) if previous else {}
    for item in prepared:
        for place in item.entities.places:
            countries[place.name] = place.country
    return countries


def _write_metadata(generation: Path, report: BuildReport, vocabulary: dict[str, Counter],
                    countries: dict, fingerprints: dict, recurring: dict[str, set[str]],
                    published_span: tuple[str | None, str | None]) -> None:
    clean_vocabulary = {facet: {v: c for v, c in counts.most_common() if c > 0} for facet, counts in vocabulary.items()}
    store.write_json_atomic(generation / "vocabulary.json", clean_vocabulary)
    store.write_json_atomic(generation / "places.json", {k: v for k, v in countries.items()
                                                         if k in clean_vocabulary.get("place", {})})
    store.write_json_atomic(generation / "fingerprints.json", fingerprints)
    store.write_json_atomic(generation / "boilerplate.json", {g: sorted(lines) for g, lines in recurring.items()})
    store.write_json_atomic(generation / "meta.json", {
        "pipeline": report.pipeline,
        "built_at": datetime.now().isoformat(timespec="seconds"),
        "articles": len(fingerprints),  # every article of the generation has one
        "published_first": published_span[0],
        "published_last": published_span[1],
    })


def published_span(prepared: list[PreparedArticle], previous_meta: dict) -> tuple[str | None, str | None]:
    days = [i.article.published.date().isoformat() for i in prepared if i.article.published]
    days += [d for d in (previous_meta.get("published_first"), previous_meta.get("published_last")) if d]
    return (min(days), max(days)) if days else (None, None)


def rebuild(paths: Iterable[str], index_dir: Path, options: BuildOptions = BuildOptions()) -> BuildReport:
    """A fresh index from ``paths``; the previous one stays live until this one is complete."""
    return _build(paths, index_dir, options, incremental=False)


def add(paths: Iterable[str], index_dir: Path, options: BuildOptions = BuildOptions()) -> BuildReport:
    """New articles added and changed ones updated; NER runs only on text it has not seen."""
    return _build(paths, index_dir, options, incremental=True)


def index_stats(index_dir: Path) -> dict:
    generation = store.require_current_generation(Path(index_dir))
    meta = store.read_json(generation / "meta.json", {})
    vocabulary = store.read_json(generation / "vocabulary.json", {})
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
        "built_at": meta.get("built_at"),
    }

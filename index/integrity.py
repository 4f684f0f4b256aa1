"""Checking a generation byte for byte, and recovering the articles a damaged one still holds.

Every generation's meta.json records the size and SHA-256 of each of its other files (``store.py``).
``check_index`` verifies them and then that the parts agree (Whoosh's documents, the facet columns,
the fingerprints and the article count). ``recover_index`` writes a new generation from the documents
stored in the live one's Whoosh segments (text, dates, source, URL, fingerprint and the entities found
when it was built, so spaCy does not run again) and switches to it the usual way.
"""

from __future__ import annotations

import pickle
import shutil
import struct
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader

from . import store
from .articles import Article, Problem
from .columns import Columns
from .language import UNDETERMINED
from .schema import WORDS_FILE, document_words, entities_from_json, searchable_body
from .stages.facet_columns import write_columns_for
from .stages.metadata import count_vocabulary, place_countries, published_span, write_metadata
from .stages.prepare import PreparedArticle, annotated_entities
from .stages.report import BuildOptions, BuildReport
from .stages.stories import STORIES_FILE, StoryTable, group_for_build
from .stages.write import write_generation
from .whoosh_files import open_index

# What reading a damaged Whoosh or NumPy file raises: cut-off data, bad pickles, bad compressed blocks.
DAMAGE_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
)


@dataclass
class IndexCheck:
    generation: Path
    files: int = 0  # files verified against their recorded size and SHA-256
    articles: int | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_index(index_dir: Path) -> IndexCheck:
    """Every file of the live generation against its checksum, then the parts against each other."""
    generation = store.require_current_generation(Path(index_dir))
    check = IndexCheck(generation)
    check.problems = store.damaged_files(generation, checksums=True)
    if check.problems:
        return check
    meta = store.read_json(generation / store.META)
    if store.FILES in meta:
        check.files = len(meta[store.FILES]) + 1
    else:
        check.notes.append(
            "built before checksums were recorded: its files could not be verified byte for byte "
            "(`searcher index recover` or a rebuild records them)"
        )
    try:
        check.problems = disagreements(generation, meta)
    except DAMAGE_ERRORS as error:
        check.problems = [f"cannot be read: {type(error).__name__}: {error}"]
    if not check.problems:
        check.articles = meta["articles"]
    return check


def disagreements(generation: Path, meta: dict[str, Any]) -> list[str]:
    """Where Whoosh's documents, the facet columns, the fingerprints and meta.json's count disagree."""
    ix = open_index(generation)
    try:
        with ix.reader() as reader:
            documents = reader.doc_count_all()
            live = set(reader.all_doc_ids())
            ids = [fields["id"] for _, fields in reader.iter_docs()]
    finally:
        ix.close()
    columns = Columns.load(generation)
    fingerprints = store.read_json(generation / "fingerprints.json")
    problems = []
    if len(ids) != len(set(ids)):
        repeated = sorted(doc_id for doc_id, count in Counter(ids).items() if count > 1)
        problems.append(f"{len(repeated)} articles stored more than once (e.g. {repeated[0]})")
    if columns.size != documents or int(columns.live.sum()) != len(live):
        problems.append(
            f"columns.npz: {columns.size} rows, {int(columns.live.sum())} live, for {documents} "
            f"documents, {len(live)} live"
        )
    if set(fingerprints) != set(ids):
        problems.append(f"fingerprints.json: {len(fingerprints)} articles, the index holds {len(set(ids))}")
    story_ids = StoryTable.load(generation).ids
    if (generation / STORIES_FILE).is_file() and set(story_ids) != set(ids):
        problems.append(f"{STORIES_FILE}: {len(story_ids)} articles, the index holds {len(set(ids))}")
    if meta.get("articles") != len(live):
        problems.append(f"meta.json: {meta.get('articles')} articles, the index holds {len(live)}")
    return problems


def stored_articles(generation: Path, report: BuildReport) -> list[PreparedArticle]:
    """The live documents of every segment that can still be read, each id once (the last written).
    A segment that cannot be read is reported with the number of articles lost with it."""
    storage = FileStorage(str(generation))
    try:
        toc = whoosh_index.TOC.read(storage, whoosh_index._DEF_INDEX_NAME)
    except DAMAGE_ERRORS as error:
        raise store.DamagedIndexError(
            f"the index generation {generation} cannot be recovered: its table of segments is unreadable "
            f"({type(error).__name__}: {error}); rebuild it from your files with "
            f"`searcher index rebuild PATH... --index-dir {generation.parent.parent}`"
        ) from None
    found: dict[str, PreparedArticle] = {}
    for segment in toc.segments:
        try:
            reader = SegmentReader(storage, toc.schema, segment)
            try:
                documents = [
                    article_from_stored(reader.stored_fields(docnum), generation)
                    for docnum in reader.all_doc_ids()
                ]
            finally:
                reader.close()
        except DAMAGE_ERRORS as error:
            report.skipped.append(
                Problem(
                    f"{generation}/{segment.segment_id()}",
                    f"segment unreadable ({type(error).__name__}: {error}); its {segment.doc_count()} articles are "
                    f"lost: add them again from your files",
                )
            )
            continue
        for item in documents:
            found.pop(item.article.id, None)
            found[item.article.id] = item
    return list(found.values())


def article_from_stored(stored: dict[str, Any], generation: Path) -> PreparedArticle:
    article = Article(
        title=stored.get("title", ""),
        body=stored.get("body", ""),
        origin=f"{generation}#{stored['id']}",
        id=stored["id"],
        url=stored.get("url"),
        author=stored.get("author"),
        source=stored.get("source") or None,
        published=stored.get("published"),
        dateline=stored.get("dateline"),
    )
    prepared = PreparedArticle(
        article,
        article.title,
        article.body,
        ner_text="",
        body_offset=0,
        dateline=None,
        dateline_place=None,
        fingerprint=stored.get("fingerprint", ""),
        language=None if stored.get("language") in (None, UNDETERMINED) else stored["language"],
    )
    prepared.entities = entities_from_json(stored["entities"])
    return prepared


def recover_index(index_dir: Path, options: BuildOptions | None = None) -> BuildReport:
    """A new generation holding what the live one's segments still hold, switched to atomically."""
    options = options or BuildOptions()
    started = time.monotonic()
    index_dir = Path(index_dir)
    report = BuildReport(index_dir=index_dir)
    with store.build_lock(index_dir):
        damaged = store.require_current_generation(index_dir)
        prepared = stored_articles(damaged, report)
        report.total_articles = report.indexed = len(prepared)
        if not prepared:
            report.seconds = time.monotonic() - started
            return report
        meta = _readable_json(damaged / store.META)
        report.pipeline = meta.get("pipeline", "")
        boilerplate = {
            group: set(lines) for group, lines in _readable_json(damaged / "boilerplate.json").items()
        }
        partial = store.new_generation_dir(index_dir)
        try:
            with report.timed("write"):
                write_generation(partial, prepared, create=True, options=options)
            with report.timed("columns"):
                write_columns_for(partial, prepared, None)
                group_for_build(None, prepared, (), incremental=False).save(partial)
                store.write_json_atomic(
                    partial / WORDS_FILE,
                    dict(
                        document_words(
                            f"{i.title} {searchable_body(i.article.dateline, i.body)}" for i in prepared
                        )
                    ),
                )
            write_metadata(
                partial,
                report,
                count_vocabulary(map(annotated_entities, prepared)),
                place_countries(None, prepared),
                {i.article.id: i.fingerprint for i in prepared},
                boilerplate,
                published_span(prepared, {}),
            )
            report.generation = store.publish_generation(index_dir, partial)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    report.seconds = time.monotonic() - started
    return report


def _readable_json(path: Path) -> dict[str, Any]:
    """What a damaged generation's metadata still says, if anything: only for labels, never for counts."""
    try:
        data = store.read_json(path)
    except store.DamagedIndexError:
        return {}
    return data if isinstance(data, dict) else {}

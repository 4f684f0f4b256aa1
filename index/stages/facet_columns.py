"""Stage 7, columns: the facet columns in the committed index's document order."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ..columns import Columns, append_columns, facet_row, timestamp, write_columns
from ..whoosh_files import open_index
from .prepare import PreparedArticle, annotated_entities


def write_columns_for(generation: Path, written: list[PreparedArticle], previous: Path | None) -> None:
    """Facet columns in the committed index's document order; rows of articles this build did not
    write come from the previous generation's columns. When the previous generation's documents kept
    their numbers (an add writes new segments beside the old ones), its arrays are extended rather
    than its rows walked: the work of an add follows the articles added, not the archive."""
    write_column_rows(generation, column_rows(written), previous)


ColumnRows = dict[str, tuple[dict[str, list[str]], int]]  # article id -> (facet values, publication time)


def column_rows(written: list[PreparedArticle]) -> ColumnRows:
    """Each written article's row of the columns: what needs no index, so a build works it out while
    its forked process writes the Whoosh segments."""
    return {
        item.article.id: (
            facet_row(annotated_entities(item), item.language),
            timestamp(item.article.published),
        )
        for item in written
    }


def write_column_rows(generation: Path, rows: ColumnRows, previous: Path | None) -> None:
    """``write_columns_for`` with the rows worked out (``column_rows``); the generation's Whoosh
    segments must be committed, since they give the document order."""
    if previous is not None and _append_to_previous(generation, previous, rows):
        return
    rewrite_columns(generation, rows, previous)


def _append_to_previous(generation: Path, previous: Path, rows: dict) -> bool:
    old_ids, ids = document_ids(previous), document_ids(generation)
    if ids[: len(old_ids)] != old_ids:
        return False  # segments were merged: the numbers moved
    live = _live(generation, len(ids))
    added = ids[len(old_ids) :]
    if any(live[len(old_ids) + n] and doc_id not in rows for n, doc_id in enumerate(added)):
        return False
    new_rows = [rows[doc_id][0] if live[len(old_ids) + n] else None for n, doc_id in enumerate(added)]
    new_published = [
        rows[doc_id][1] if live[len(old_ids) + n] else timestamp(None) for n, doc_id in enumerate(added)
    ]
    append_columns(previous, generation, live, new_rows, new_published)
    return True


def _live(generation: Path, size: int) -> np.ndarray:
    live = np.zeros(size, dtype=bool)
    ix = open_index(generation)
    with ix.reader() as reader:
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
    ix.close()
    return live


def rewrite_columns(generation: Path, rows: dict, previous: Path | None) -> None:
    """Every row written again in document order, those of articles not written now taken from the
    previous generation's columns."""
    old_columns, old_docnums = None, {}
    if previous is not None:
        old_columns = Columns.load(previous)
        old_docnums = {doc_id: n for n, doc_id in enumerate(document_ids(previous))}
    ids = document_ids(generation)
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


def document_ids(generation: Path) -> list[str]:
    ix = open_index(generation)
    with ix.reader() as reader:
        ids = list(reader.column_reader("id"))
    ix.close()
    return ids


def columns_span(generation: Path) -> tuple[str | None, str | None]:
    """The first and last publication day of the generation's live articles (after a removal)."""
    columns = Columns.load(generation)
    dated = columns.published[columns.live & (columns.published != timestamp(None))]
    if not len(dated):
        return None, None
    first, last = (datetime.fromtimestamp(int(t), tz=UTC) for t in (dated.min(), dated.max()))
    return first.date().isoformat(), last.date().isoformat()

"""Stage 7, columns: the facet columns in the committed index's document order."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ..columns import Columns, facet_row, timestamp, write_columns
from ..whoosh_files import open_index
from .prepare import PreparedArticle, annotated_entities


def write_columns_for(generation: Path, written: list[PreparedArticle], previous: Path | None) -> None:
    """Facet columns in the committed index's document order; rows of articles this build did not
    write come from the previous generation's columns."""
    rows = {
        item.article.id: (facet_row(annotated_entities(item)), timestamp(item.article.published))
        for item in written
    }
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

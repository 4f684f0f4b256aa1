"""Stage 6, write: the Whoosh segments of a generation (one per core for a big build, by forked
processes), and the stored documents an add replaces. A big rebuild writes in a forked process
(``GenerationWrite``) started before the normalize stage: it indexes the articles' text and encodes its
postings while the corpus-wide rules settle their entities (``EntitiesHandoff`` brings over their fields),
then writes the rest beside the stories stage, which needs none of what it writes. On two cores the stages
run side by side; the write is niced, so where three processes want two cores the build's own comes first."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tqdm import tqdm
from whoosh import index as whoosh_index
from whoosh.query import Or, Term

from .. import store
from ..schema import build_schema, document_fields, entity_fields, missing_language_fields, text_fields
from ..segment_writer import FastSegmentWriter, segment_writer
from ..whoosh_files import open_index, read_index_files_in_place
from .prepare import PreparedArticle, annotated_entities
from .report import BuildOptions
from .workers import BESIDE_NICENESS, end_workers_with_parent, progress_bar, worker_processes


class GenerationWrite:
    """``write_generation``, for a rebuild of enough articles to use worker processes, in a forked process
    from construction on; otherwise in ``finish``. The forked process inherits the prepared articles, so
    nothing is sent to it, and it sends back only how long it took or the error it met. With
    ``entities_later`` it is started before the articles' entities are final: it indexes their text, then
    waits for ``send_entities``."""

    def __init__(
        self,
        partial: Path,
        prepared: list[PreparedArticle],
        create: bool,
        options: BuildOptions,
        replaced: Iterable[str] = (),
        entities_later: bool = False,
    ) -> None:
        self.arguments = (partial, prepared, create, options, tuple(replaced))
        self.seconds = 0.0  # the write's own time, wherever it ran (not its wait for the entities)
        self.process: Any = None
        self.handoff: EntitiesHandoff | None = None
        if create and worker_processes(len(prepared), options) > 1:
            end_workers_with_parent()
            context = multiprocessing.get_context("fork")
            self.outcome, sending = context.Pipe(duplex=False)
            self.handoff = EntitiesHandoff() if entities_later else None
            self.process = context.Process(
                target=_write_forked, args=(sending, self.handoff, *self.arguments), name="write"
            )
            self.process.start()
            sending.close()
            if self.handoff is not None:
                self.handoff.forked()

    def send_entities(self) -> None:
        """The articles' final entities (their ``entity_fields``), to a write started before they were
        (else nothing to do)."""
        if self.handoff is not None:
            self.handoff.send([entity_fields(annotated_entities(item)) for item in self.arguments[1]])
            self.handoff = None

    def finish(self) -> None:
        """The generation written: waits for the forked write (raising its error), or writes now."""
        if self.process is None:
            started = time.monotonic()
            write_generation(*self.arguments)
            self.seconds = time.monotonic() - started
            return
        try:
            error, self.seconds = self.outcome.recv()
        except EOFError:  # it died without a word (killed, out of memory)
            error = RuntimeError(
                f"the process writing the index ended with exit code {self.process.exitcode}"
            )
        self.process.join()
        self.outcome.close()
        if error is not None:
            raise error

    def abandon(self) -> None:
        """The build failed beside the write: the forked write is stopped before its folder goes."""
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join()


class EntitiesHandoff:
    """The articles' final entity fields, from the build to a write forked before they were final: written to
    an unnamed temporary file both processes hold (the write may be busy indexing and not reading, and a
    pipe would hold the build up until it reads), then its size sent down a pipe to say it is there."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(prefix="entities-")  # noqa: SIM115  # closed by send and receive
        self.ready, self.announce = multiprocessing.get_context("fork").Pipe(duplex=False)
        self.waited = 0.0

    def forked(self) -> None:
        """In the build, once the write is forked: the receiving end is the write's alone (so it sees
        the build's end if the build dies before sending)."""
        self.ready.close()

    def send(self, entities: list[dict[str, str]]) -> None:
        data = pickle.dumps(entities, protocol=pickle.HIGHEST_PROTOCOL)
        view, offset = memoryview(data), 0
        while offset < len(data):
            offset += os.pwrite(self.file.fileno(), view[offset:], offset)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a dead write: ``finish`` says why
            self.announce.send(len(data))
        self.announce.close()
        self.file.close()

    def receive(self) -> list[dict[str, str]]:
        """In the write: each article's entity fields, once the build has sent them."""
        self.announce.close()
        started = time.monotonic()
        try:
            size = self.ready.recv()
        except EOFError:
            raise RuntimeError("the build ended before it sent the articles' entities") from None
        self.waited = time.monotonic() - started
        chunks, offset = [], 0
        while offset < size:
            chunk = os.pread(self.file.fileno(), size - offset, offset)
            if not chunk:
                raise RuntimeError("the articles' entities were cut short on their way to the write")
            chunks.append(chunk)
            offset += len(chunk)
        self.file.close()
        entities: list[dict[str, str]] = pickle.loads(b"".join(chunks))
        return entities


def _write_forked(
    sending: Any,
    handoff: EntitiesHandoff | None,
    partial: Path,
    prepared: list[PreparedArticle],
    create: bool,
    options: BuildOptions,
    replaced: tuple[str, ...],
) -> None:
    os.nice(BESIDE_NICENESS)  # the build's own process goes first where both want the same core
    started = time.monotonic()
    error = None
    try:
        write_generation(partial, prepared, create, options, replaced, handoff=handoff)
    except BaseException as raised:  # raised again in the building process, by finish()
        error = raised
        try:
            pickle.dumps(raised)
        except Exception:
            error = RuntimeError(f"writing the index failed: {raised!r}")
    waited = handoff.waited if handoff is not None else 0.0
    sending.send((error, time.monotonic() - started - waited))
    sending.close()


# Below this many documents a build writes one segment: a second one would halve the writing time
# but repeat the whole term dictionary, a fixed cost of several megabytes.
ONE_SEGMENT_DOCUMENTS = 50_000


def write_generation(
    partial: Path,
    prepared: list[PreparedArticle],
    create: bool,
    options: BuildOptions,
    replaced: Iterable[str] = (),
    handoff: EntitiesHandoff | None = None,
) -> None:
    """Writes ``prepared`` into a new index (``create``) or into the copy of the old one at ``partial``,
    where the documents with the ``replaced`` ids are deleted first. New documents go into new
    segments (one per core for a big build, written by forked processes); old segments are left as
    they are, so their document numbers do not move. With ``handoff``, the articles' entities are not
    final yet: their text is indexed first (one segment), then their final entities received."""
    read_index_files_in_place()
    languages = {item.language for item in prepared}
    ix = whoosh_index.create_in(partial, build_schema(languages)) if create else open_index(partial)
    missing = missing_language_fields(ix.schema, languages)
    if missing:  # committed first, so the forked segment writers open an index that has them
        adding = ix.writer()
        for name, field_type in missing.items():
            adding.add_field(name, field_type)
        adding.commit()
        ix.close()
        ix = open_index(partial)
    writer = segment_writer(ix)
    try:
        replaced = sorted(set(replaced))
        if replaced:  # one query: update_document would open a reader over every segment per document
            writer.delete_by_query(Or([Term("id", doc_id) for doc_id in replaced]))
        # segments written in parallel are our writer's (Whoosh's own commits only its own segment)
        parts = segment_parts(len(prepared), options) if isinstance(writer, FastSegmentWriter) else [(0, 0)]
        if handoff is not None:
            if len(parts) == 1 and isinstance(writer, FastSegmentWriter):
                writer.index_text_ahead(text_fields(item, writer.schema) for item in prepared)
                writer.encode_text_ahead()
            entity_values = handoff.receive()
            if len(entity_values) != len(prepared):
                raise RuntimeError(
                    f"{len(entity_values)} articles' entities sent for {len(prepared)} articles"
                )
        else:
            entity_values = None
        with progress_bar(len(prepared), "Writing index", options.progress) as bar:
            if len(parts) == 1:
                _add_documents(writer, prepared, bar.update, pause=True, entity_values=entity_values)
                writer.commit(merge=False)
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
    writer: Any,
    prepared: list[PreparedArticle],
    advance: Callable[[int], object],
    pause: bool = False,
    entity_values: list[dict[str, str]] | None = None,
) -> None:
    """``entity_values``: each article's entity fields, when sent (else made from its entities)."""
    gc.disable()  # millions of posting lists, and no reference cycles among them
    try:
        add = writer.add_document
        for done, item in enumerate(prepared, start=1):
            values = entity_values[done - 1] if entity_values is not None else None
            add(**document_fields(item, writer.schema, values))
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

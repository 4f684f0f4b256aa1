"""A rebuild's other index (the OpenSearch backend) loaded in a thread while Whoosh writes.

The load spends most of its time waiting on the cluster, which indexes on its own cores, so it hides
behind the Whoosh write and the columns. It becomes live (the cluster's alias moved) only once the
Whoosh generation is written; when that fails the loaded index is discarded, and when the load fails
the rebuild fails with its error: either way both indexes stay as they were.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .prepare import PreparedArticle


@runtime_checkable
class LoadsBeside(Protocol):
    """An ``also_write`` whose rebuild can be split: load a new index, then make it live or drop it."""

    def __call__(
        self,
        prepared: list[PreparedArticle],
        incremental: bool,
        copies: dict[str, str] | None = None,
        removed: list[str] | None = None,
    ) -> None: ...

    def load_new(self, prepared: list[PreparedArticle]) -> str: ...

    def publish(self, loaded: str, copies: dict[str, str] | None = None) -> None: ...

    def discard(self, loaded: str) -> None: ...


class LoadBeside:
    """``writer.load_new(prepared)`` running in a thread from construction on."""

    def __init__(self, writer: LoadsBeside, prepared: list[PreparedArticle]) -> None:
        self.writer = writer
        self.loaded: str | None = None
        self.error: BaseException | None = None
        self.seconds = 0.0  # the load's own time, in its thread
        self.thread = threading.Thread(target=self._load, args=(prepared,), name="load-beside", daemon=True)
        self.thread.start()

    def _load(self, prepared: list[PreparedArticle]) -> None:
        started = time.monotonic()
        try:
            self.loaded = self.writer.load_new(prepared)
        except BaseException as error:  # raised again in the building thread, by finish()
            self.error = error
        self.seconds = time.monotonic() - started

    def finish(self, copies: dict[str, str] | None = None) -> None:
        """Waits for the load, then makes it live with the ids of the exact ``copies`` the build
        skipped; a failed load raises its error."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        assert self.loaded is not None
        self.writer.publish(self.loaded, copies)

    def abandon(self) -> None:
        """The Whoosh write failed: waits for the load and drops what it loaded."""
        self.thread.join()
        if self.loaded is not None:
            self.writer.discard(self.loaded)

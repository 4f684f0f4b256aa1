"""Forked worker processes for the stages that parallelize, and the progress bar they report to.

Workers end with their parent (``end_workers_with_parent``): a killed build leaves no process behind."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

if TYPE_CHECKING:
    from .report import BuildOptions


def progress_bar(total: int, description: str, shown: bool, **options: Any) -> tqdm[Any]:
    """A bar of articles per second on stderr, without tqdm's monitor thread (the build forks worker
    processes)."""
    tqdm.monitor_interval = 0
    return tqdm(
        total=total, desc=description, unit=" articles", disable=not shown, file=sys.stderr, **options
    )


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


def parallel_map(
    function: Callable[[Any], Any],
    items: list,
    processes: int,
    chunksize: int = 200,
    meanwhile: Callable[[], object] | None = None,
) -> list:
    """``[function(item) for item in items]``, over several forked processes when there is enough work.

    Forked workers inherit what the parent has loaded (the gazetteer, the parsers), and the function and
    its items too: they are told only which slice of the items is theirs, so no item is pickled on its
    way to them (an article's text and mentions, a source's boilerplate lines), only the results back.
    ``meanwhile``: work of this process's own, done while the workers run (else first), in this thread
    and with no fork during it (something to load for a later stage).
    """
    if processes <= 1 or len(items) < 2 * chunksize:
        if meanwhile is not None:
            meanwhile()
        return [function(item) for item in items]
    pending = MapAhead(function, items, processes, chunksize, niceness=0)
    try:
        if meanwhile is not None:
            meanwhile()
    except BaseException:
        pending.abandon()
        raise
    return pending.get()


# How much less of a shared core a process working beside the build gets (``nice``): the build's own
# process is what the rest waits for.
BESIDE_NICENESS = 10


class MapAhead:
    """``parallel_map`` started now in forked workers and collected by ``get``: the build goes on with
    other work meanwhile (the workers inherit the items as they are at the start)."""

    def __init__(
        self,
        function: Callable[[Any], Any],
        items: list,
        processes: int,
        chunksize: int = 200,
        niceness: int = BESIDE_NICENESS,
    ) -> None:
        end_workers_with_parent()
        context = multiprocessing.get_context("fork")
        _FORKED_WORK.update(function=function, items=items)
        try:
            # its workers are forked here, with the work; niced when beside the build, whose own
            # process then goes first where both want the same core
            self._pool = context.Pool(max(1, processes), initializer=os.nice, initargs=(niceness,))
        finally:
            _FORKED_WORK.clear()
        slices = [(start, min(start + chunksize, len(items))) for start in range(0, len(items), chunksize)]
        self._result = self._pool.map_async(_map_slice, slices, chunksize=1)

    def get(self) -> list:
        """The results, in the items' order (raising a worker's error); the workers end."""
        try:
            return [result for part in self._result.get() for result in part]
        finally:
            self.abandon()

    def abandon(self) -> None:
        self._pool.terminate()
        self._pool.join()


_FORKED_WORK: dict[str, Any] = {}  # what the workers of parallel_map inherit: the function and its items


def _map_slice(bounds: tuple[int, int]) -> list:
    """In a forked worker: the function over its slice of the items."""
    start, end = bounds
    function, items = _FORKED_WORK["function"], _FORKED_WORK["items"]
    return [function(item) for item in items[start:end]]


def worker_processes(count: int, options: BuildOptions) -> int:
    if options.processes:
        return options.processes
    return min(2, os.cpu_count() or 1) if count >= 2000 else 1

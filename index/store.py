"""Where the index lives on disk, and how a new one replaces the old without anyone seeing half of it.

Layout of an index directory::

    current -> generations/<name>     a symlink, switched atomically with os.replace
    generations/<name>/               a complete Whoosh index plus meta.json and vocabulary.json
    generations/<name>.partial/       one being built; never opened, removed by the next build
    annotations.sqlite                the NER cache (see cache.py)
    build.lock                        held while a rebuild or add runs

A reader resolves ``current`` once and keeps reading that generation; it is never modified, only
replaced, so a server answering queries during a rebuild sees the old index until the switch.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

CURRENT = "current"
GENERATIONS = "generations"
PARTIAL = ".partial"
KEEP_OLD_GENERATIONS = 1  # a server may still be reading the one before the switch


class IndexBusyError(RuntimeError):
    pass


class NoIndexError(RuntimeError):
    pass


def current_generation(index_dir: Path) -> Path | None:
    link = Path(index_dir) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = (link.parent / target).resolve()
    return path if path.is_dir() else None


def require_current_generation(index_dir: Path) -> Path:
    path = current_generation(index_dir)
    if path is None:
        raise NoIndexError(
            f"no index at {index_dir}; build one with `searcher index rebuild PATH...` "
            f"(or `searcher demo` for the bundled sample articles)"
        )
    return path


def new_generation_dir(index_dir: Path) -> Path:
    generations = Path(index_dir) / GENERATIONS
    generations.mkdir(parents=True, exist_ok=True)
    name = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    path = generations / (name + PARTIAL)
    path.mkdir()
    return path


def pause_point(name: str) -> None:
    """Fault injection for the crash tests: with SEARCHER_PAUSE_AT=<name> a build stops here (saying so
    on stderr) until it is killed. Unset, it costs one dictionary lookup."""
    if os.environ.get("SEARCHER_PAUSE_AT") == name:
        print(f"paused at {name}", file=sys.stderr, flush=True)
        time.sleep(3600)


def publish_generation(index_dir: Path, partial: Path) -> Path:
    """Rename the finished build into place and point ``current`` at it, atomically."""
    final = partial.with_name(partial.name[: -len(PARTIAL)])
    _fsync_tree(partial)
    partial.rename(final)
    pause_point("switch")  # complete but not yet current
    link = Path(index_dir) / CURRENT
    temporary = link.with_name(f".{CURRENT}.{os.getpid()}")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(os.path.relpath(final, link.parent), temporary)
    os.replace(temporary, link)
    _fsync_dir(link.parent)
    pause_point("switched")  # current, with the old generations and the lock not yet cleaned up
    remove_old_generations(index_dir)
    return final


def remove_old_generations(index_dir: Path) -> None:
    """Leftovers of interrupted builds, and all but the newest old generation."""
    generations = Path(index_dir) / GENERATIONS
    current = current_generation(index_dir)
    if not generations.is_dir():
        return
    complete = []
    for path in sorted(generations.iterdir()):
        if path == current:
            continue
        if path.name.endswith(PARTIAL):
            shutil.rmtree(path, ignore_errors=True)
        else:
            complete.append(path)
    for path in complete[: max(0, len(complete) - KEEP_OLD_GENERATIONS)]:
        shutil.rmtree(path, ignore_errors=True)


def copy_generation(source: Path, target: Path) -> None:
    """Hard-link a generation's files into a new one: Whoosh never rewrites a file it has written,
    so the copy can be changed without touching the original."""
    for item in source.iterdir():
        if item.is_file():
            try:
                os.link(item, target / item.name)
            except OSError:
                shutil.copy2(item, target / item.name)


@contextmanager
def build_lock(index_dir: Path):
    """One rebuild or add at a time; a second one is refused with a clear message, never queued blind."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    path = Path(index_dir) / "build.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IndexBusyError(f"another rebuild or add is running on {index_dir} ({holder}); try again when it ends")
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_json_atomic(path: Path, data: object) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def read_json(path: Path, default: object) -> object:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return default


def directory_size(path: Path) -> int:
    return sum(item.stat().st_size for item in Path(path).rglob("*") if item.is_file())


def _fsync_tree(path: Path) -> None:
    for item in path.iterdir():
        if item.is_file():
            with open(item, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(path)


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

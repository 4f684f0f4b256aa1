"""Where the index lives on disk, and how a new one replaces the old without anyone seeing half of it.

Layout of an index directory::

    current -> generations/<name>     a symlink, switched atomically with os.replace
    generations/<name>/               a complete Whoosh index, facet columns and metadata; meta.json
                                      records every other file's size and SHA-256 (``verify_generation``)
    generations/<name>.partial/       one being built; never opened, removed by the next build
    annotations.sqlite                the NER cache (see cache.py)
    build.lock                        held while a rebuild or add runs

A reader resolves ``current`` once and keeps reading that generation; it is never modified, only
replaced, so a server answering queries during a rebuild sees the old index until the switch.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CURRENT = "current"
GENERATIONS = "generations"
PARTIAL = ".partial"
KEEP_OLD_GENERATIONS = 1  # a server may still be reading the one before the switch


class IndexBusyError(RuntimeError):
    pass


class NoIndexError(RuntimeError):
    pass


class DamagedIndexError(NoIndexError):
    """A generation whose files are not as they were written: refused with what is wrong and the fix,
    never guessed around (an unreadable list of fingerprints read as empty duplicated every article)."""


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
def build_lock(index_dir: Path) -> Iterator[None]:
    """One rebuild or add at a time; a second one is refused with a clear message, never queued blind."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    path = Path(index_dir) / "build.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IndexBusyError(
                f"another rebuild or add is running on {index_dir} ({holder}); try again when it ends"
            ) from None
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
    """Written beside and renamed. ``json.dumps`` and one write, not ``json.dump``: only the one-shot
    form uses the C encoder, several times faster on the megabytes of ids an ``add`` rewrites."""
    temporary = path.with_name(path.name + ".tmp")
    text = json.dumps(data, ensure_ascii=False)
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


_REQUIRED = object()


def read_json(path: Path, default: object = _REQUIRED) -> Any:
    """A JSON file of a generation. ``default`` stands only for a file that does not exist (and only
    when given); a file that cannot be read or parsed is damage, raised as DamagedIndexError."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        if default is not _REQUIRED:
            return default
        raise DamagedIndexError(damage_message(path.parent, [f"{path.name}: missing"])) from None
    except (OSError, ValueError) as error:
        raise DamagedIndexError(damage_message(path.parent, [f"{path.name}: unreadable ({error})"])) from None


META = "meta.json"
FILES = "files"  # the key of meta.json that lists the generation's other files


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def generation_manifest(generation: Path, linked_from: Path | None = None) -> dict[str, dict[str, int | str]]:
    """Size and SHA-256 of every file a generation needs, for its meta.json (written last).
    ``linked_from``: the generation an add hard-linked its files from (``copy_generation``), verified
    when the add began: a file still linked to its file there (the same inode: never rewritten, only
    replaced) has the checksum recorded there, which is not computed again (50 MB of Reuters' 68)."""
    linked = _linked_checksums(Path(generation), linked_from) if linked_from is not None else {}
    manifest: dict[str, dict[str, int | str]] = {}
    for item in sorted(Path(generation).iterdir()):
        if item.is_file() and item.name != META and not item.name.endswith(("WRITELOCK", ".tmp", ".partial")):
            size = item.stat().st_size
            manifest[item.name] = {"bytes": size, "sha256": linked.get(item.name) or file_checksum(item)}
    return manifest


def _linked_checksums(generation: Path, previous: Path) -> dict[str, str]:
    """File name -> the SHA-256 ``previous``'s meta.json records, for each file of ``generation`` that is
    a hard link of that file of ``previous``, of the size recorded."""
    try:
        recorded = read_json(previous / META).get(FILES) or {}
    except (DamagedIndexError, AttributeError):
        return {}
    found = {}
    for name, written in recorded.items():
        try:
            ours, theirs = (generation / name).stat(), (previous / name).stat()
        except OSError:
            continue
        same_file = (ours.st_dev, ours.st_ino) == (theirs.st_dev, theirs.st_ino)
        if same_file and ours.st_size == written.get("bytes") and isinstance(written.get("sha256"), str):
            found[name] = written["sha256"]
    return found


def damaged_files(generation: Path, checksums: bool = False) -> list[str]:
    """What is wrong with each file of ``generation`` that is not as it was written: missing, another
    size, or (with ``checksums``) other contents. Empty when the generation is whole. A generation
    written before checksums were recorded is checked for a readable meta.json only."""
    generation = Path(generation)
    try:
        meta = read_json(generation / META)
    except DamagedIndexError:
        return [f"{META}: missing or unreadable"]
    manifest = meta.get(FILES) if isinstance(meta, dict) else None
    if not isinstance(manifest, dict):
        return [] if isinstance(meta, dict) else [f"{META}: not an index's metadata"]
    problems = []
    for name, written in sorted(manifest.items()):
        path = generation / name
        try:
            size = path.stat().st_size
        except OSError:
            problems.append(f"{name}: missing")
            continue
        if size != written["bytes"]:
            problems.append(f"{name}: {size:,} bytes, {written['bytes']:,} when written")
        elif checksums and file_checksum(path) != written["sha256"]:
            problems.append(f"{name}: contents changed since written (SHA-256 differs)")
    return problems


def damage_message(generation: Path, problems: list[str]) -> str:
    index_dir = Path(generation).parent.parent
    return (
        f"the index generation {generation} is damaged: {'; '.join(problems)}. "
        f"Run `searcher index recover --index-dir {index_dir}` to rebuild it from the articles it stores, "
        f"or `searcher index rebuild PATH... --index-dir {index_dir}` to rebuild it from your files"
    )


def verify_generation(generation: Path, checksums: bool = False) -> None:
    """Raise DamagedIndexError naming each damaged file and the fix. Sizes are cheap enough for every
    opening (a server's, ``stats``); ``checksums`` reads every byte (``add``, ``check``)."""
    problems = damaged_files(generation, checksums)
    if problems:
        raise DamagedIndexError(damage_message(generation, problems))


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

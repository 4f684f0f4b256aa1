"""A rebuild's other index loaded in a thread beside the Whoosh write (index/stages/load_beside.py):
live only once the Whoosh generation is written, dropped when that fails, its own failure raised."""

import shutil
import threading
from dataclasses import replace

import pytest

from index import store
from index.build import rebuild
from index.stages.load_beside import LoadBeside, LoadsBeside
from index.stages.report import BuildOptions

from .conftest import SAMPLES


class DictIndex:
    """An other index kept in a dict: ids of the articles under each loaded name, one name live."""

    def __init__(self, fail_load: bool = False) -> None:
        self.indexes: dict[str, list[str]] = {}
        self.live: str | None = None
        self.fail_load = fail_load
        self.loading_thread: str | None = None

    def __call__(self, prepared, incremental: bool, copies=None, removed=None) -> None:
        self.publish(self.load_new(prepared), copies)

    def load_new(self, prepared) -> str:
        self.loading_thread = threading.current_thread().name
        if self.fail_load:
            raise RuntimeError("the other index is full")
        name = f"loaded-{len(self.indexes)}"
        self.indexes[name] = [item.article.id for item in prepared]
        return name

    def publish(self, loaded: str, copies=None) -> None:
        self.live = loaded

    def discard(self, loaded: str) -> None:
        del self.indexes[loaded]


def test_a_rebuild_loads_the_other_index_in_a_thread_and_makes_it_live_after_the_write(tmp_path):
    other = DictIndex()
    assert isinstance(other, LoadsBeside)
    report = rebuild([str(SAMPLES)], tmp_path, replace(BuildOptions(progress=False), also_write=other))
    assert other.loading_thread == "load-beside"
    assert other.live == "loaded-0"
    assert len(other.indexes["loaded-0"]) == report.total_articles > 0
    assert store.current_generation(tmp_path) is not None


def test_a_failed_load_beside_fails_the_rebuild_and_leaves_the_live_generation(sample_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir, symlinks=True)
    live = store.current_generation(index_dir)
    changed = tmp_path / "changed.txt"
    changed.write_text("Ferry strike ends\n\nThe ferry workers of Tallinn went back to work on Monday.\n")
    other = DictIndex(fail_load=True)
    options = replace(BuildOptions(progress=False), also_write=other)
    with pytest.raises(RuntimeError, match="the other index is full"):
        rebuild([str(SAMPLES), str(changed)], index_dir, options)
    assert store.current_generation(index_dir) == live
    assert sorted(p.name for p in (index_dir / "generations").iterdir()) == [live.name]
    assert other.live is None


def test_an_abandoned_load_is_discarded_and_never_made_live():
    """What the rebuild does when the Whoosh write fails while the load runs beside it."""
    other = DictIndex()

    class Article:
        id = "a1"

    class Prepared:
        article = Article()

    beside = LoadBeside(other, [Prepared()])
    beside.abandon()
    assert other.indexes == {}
    assert other.live is None


def test_finishing_a_failed_load_raises_its_error_in_the_building_thread():
    beside = LoadBeside(DictIndex(fail_load=True), [])
    with pytest.raises(RuntimeError, match="the other index is full"):
        beside.finish()

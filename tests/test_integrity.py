"""A damaged generation is refused, naming the file and the fix, or works correctly: never a duplicate,
never a wrong count. ``check`` finds the damage and ``recover`` rebuilds from the stored articles."""

import json
import shutil
from pathlib import Path

import pytest

from index import store
from index.build import BuildOptions, add, index_stats
from index.integrity import check_index, recover_index
from searcher import create_app

from .conftest import SAMPLES
from .test_build import cli

ARTICLES = 33


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def delete(path: Path) -> None:
    path.unlink()


def copy_index(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def search_all(index_dir: Path):
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    return client.get("/api/search?per_page=100"), client.get("/api/search?q=harbour&per_page=100")


def refused_naming(error: Exception, name: str) -> bool:
    message = str(error)
    return name in message and "searcher index recover" in message and "searcher index rebuild" in message


@pytest.mark.parametrize("damage", [truncate, empty, delete])
def test_each_damaged_file_is_refused_by_add_serve_and_stats_or_works(damage, sample_index, tmp_path):
    names = sorted(item.name for item in store.current_generation(sample_index).iterdir())
    assert {"meta.json", "fingerprints.json", "columns.npz", "vocabulary.json"} <= set(names)
    expected_ids = {hit["id"] for hit in search_all(sample_index)[0].get_json()["hits"]}
    assert len(expected_ids) == ARTICLES
    for name in names:
        index_dir = copy_index(sample_index, tmp_path / f"{damage.__name__}-{name}")
        damage(store.current_generation(index_dir) / name)
        needed = name != "MAIN_WRITELOCK"  # Whoosh's lock file, empty and recreated at will

        assert check_index(index_dir).ok is not needed, name

        try:
            stats = index_stats(index_dir)
        except store.DamagedIndexError as error:
            assert needed and refused_naming(error, name), (name, str(error))
        else:
            assert not needed and stats["articles"] == ARTICLES, name

        everything, harbour = search_all(index_dir)
        if needed:
            assert everything.status_code == harbour.status_code == 503, name
            assert refused_naming(everything.get_json()["error"], name), name
        else:
            hits = [hit["id"] for hit in everything.get_json()["hits"]]
            assert everything.get_json()["total"] == ARTICLES and set(hits) == expected_ids, name

        try:
            report = add([str(SAMPLES)], index_dir, BuildOptions(progress=False))
        except store.DamagedIndexError as error:
            assert needed and refused_naming(error, name), (name, str(error))
        else:
            assert not needed and (report.indexed, report.unchanged) == (0, ARTICLES), name
        if not needed:
            everything = search_all(index_dir)[0].get_json()
            assert everything["total"] == ARTICLES and len({h["id"] for h in everything["hits"]}) == ARTICLES


def test_the_issue_reproduction_a_truncated_fingerprint_list_duplicates_nothing(writable_index):
    (store.current_generation(writable_index) / "fingerprints.json").write_text('{"truncated')
    result = cli("index", "add", str(SAMPLES), "--index-dir", str(writable_index))
    assert result.returncode == 1
    assert "fingerprints.json" in result.stderr and "searcher index recover" in result.stderr
    result = cli("index", "check", "--index-dir", str(writable_index))
    assert result.returncode == 1 and "fingerprints.json: 11 bytes" in result.stderr

    result = cli("index", "recover", "--index-dir", str(writable_index))
    assert result.returncode == 0, result.stderr
    result = cli("index", "check", "--index-dir", str(writable_index), "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["articles"] == ARTICLES
    report = add([str(SAMPLES)], writable_index, BuildOptions(progress=False))
    assert (report.indexed, report.updated, report.unchanged) == (0, 0, ARTICLES)  # fingerprints kept
    everything = search_all(writable_index)[0].get_json()
    assert everything["total"] == ARTICLES and len({h["id"] for h in everything["hits"]}) == ARTICLES


def test_recover_keeps_the_articles_their_entities_and_facets(writable_index, sample_index):
    before = search_all(sample_index)[0].get_json()
    generation = store.current_generation(writable_index)
    for name in ("columns.npz", "vocabulary.json", "places.json", "words.json", "meta.json"):
        (generation / name).unlink()
    report = recover_index(writable_index, BuildOptions(progress=False))
    assert report.indexed == ARTICLES and not report.skipped
    assert check_index(writable_index).ok
    after = search_all(writable_index)[0].get_json()
    assert after["total"] == before["total"] and after["facets"] == before["facets"]
    assert [h["id"] for h in after["hits"]] == [h["id"] for h in before["hits"]]
    assert index_stats(writable_index)["facet_values"] == index_stats(sample_index)["facet_values"]


def test_recover_reports_a_lost_segment_and_keeps_the_rest(writable_index, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "story.txt").write_text(
        "Tide gauges in Bergen\n\nNew tide gauges were fitted in Bergen harbour.\n"
    )
    add([str(extra)], writable_index, BuildOptions(progress=False))  # a second segment, of one article
    generation = store.current_generation(writable_index)
    segments = sorted(generation.glob("*.seg"), key=lambda path: path.stat().st_size)
    assert len(segments) == 2
    truncate(segments[-1])  # the big one: the samples
    report = recover_index(writable_index, BuildOptions(progress=False))
    assert report.indexed == 1
    assert len(report.skipped) == 1 and f"its {ARTICLES} articles are lost" in report.skipped[0].message
    assert check_index(writable_index).ok
    hits = search_all(writable_index)[0].get_json()
    assert hits["total"] == 1 and hits["hits"][0]["title"] == "Tide gauges in Bergen"


def test_an_adds_manifest_takes_the_checksum_of_a_hard_linked_file_and_computes_the_rest(tmp_path):
    previous, new = tmp_path / "previous", tmp_path / "new"
    previous.mkdir()
    new.mkdir()
    (previous / "kept.seg").write_bytes(b"segment")
    (previous / "rewritten.json").write_bytes(b"[1]")
    manifest = store.generation_manifest(previous)
    store.write_json_atomic(previous / store.META, {store.FILES: manifest})
    store.copy_generation(previous, new)  # hard links, as an add starts
    (new / store.META).unlink()
    store.write_json_atomic(new / "rewritten.json", [2])  # replaced as a build replaces: the same size
    assert store.generation_manifest(new, linked_from=previous) == store.generation_manifest(new)
    # the linked file's checksum is read from the previous generation's record, not computed again;
    # the replaced file's is computed, whatever that record says of its name
    recorded = {name: {**entry, "sha256": f"recorded {name}"} for name, entry in manifest.items()}
    store.write_json_atomic(previous / store.META, {store.FILES: recorded})
    linked = store.generation_manifest(new, linked_from=previous)
    assert linked["kept.seg"]["sha256"] == "recorded kept.seg"
    assert linked["rewritten.json"]["sha256"] == store.file_checksum(new / "rewritten.json")

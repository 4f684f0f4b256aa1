"""The fast segment writer must write what Whoosh's own writer writes: same terms, postings, term
statistics, stored fields, lengths and columns, read back through Whoosh."""

import json
import random
from datetime import datetime, timedelta

import pytest
from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer

from index.build import BuildOptions
from index.schema import build_schema, query_schema
from index.segment_writer import FastSegmentWriter, TextAnalysis
from index.stages.write import _write_segments_in_parallel, segment_parts

from .conftest import REUTERS

TRICKY = [
    "The oil price, the dollar and the yen.",
    "U.S. and U.K. officials said 3.5 pct; e-mail x.y.z",
    "a an the of THE Of",  # only stop words
    "",
    "Ünïcödé wörds İstanbul ΣΊΣΥΦΟΣ straße naïve café",
    "stocks stocking stocked STOCKS stocks",
    "one-word_with_underscore and_more 1987 1,000,000",
    "the the oil the the oil",  # positions renumbered around stop words
]


def whoosh_terms(text):
    positions = {}
    for token in StemmingAnalyzer()(text, positions=True):
        positions.setdefault(token.text, []).append(token.pos)
    return positions


@pytest.mark.parametrize("text", TRICKY)
def test_text_analysis_is_the_stemming_analyzer(text):
    assert TextAnalysis()(text) == whoosh_terms(text)


def test_text_analysis_on_reuters():
    if not REUTERS.exists():
        pytest.skip(f"{REUTERS} is absent (see ../shared/corpora/README.md)")
    analysis = TextAnalysis()
    with REUTERS.open(encoding="utf-8") as lines:
        for number, line in zip(range(1500), lines, strict=False):
            body = json.loads(line).get("body") or ""
            assert analysis(body) == whoosh_terms(body), f"line {number + 1}"


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


def read_back(path):
    ix = whoosh_index.open_dir(path)
    with ix.reader() as reader:
        postings = {}
        for fieldname, term in reader.all_terms():
            info = reader.term_info(fieldname, term)
            postings[fieldname, term] = (
                list(reader.postings(fieldname, term).all_items()),
                info.weight(),
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
                info.min_id(),
                info.max_id(),
            )
        count = reader.doc_count_all()
        lengths = {
            f: [reader.doc_field_length(n, f) for n in range(count)] for f in reader.indexed_field_names()
        }
        return (
            postings,
            list(reader.all_stored_fields()),
            lengths,
            list(reader.column_reader("id")),
            list(reader.column_reader("published", translate=False)),
        )


def test_fast_writer_writes_what_whoosh_writes(tmp_path):
    docs = list(documents(700))  # 700 documents: posting lists longer than one 128-posting block
    expected, fast = tmp_path / "whoosh", tmp_path / "fast"
    for path, writer_class in ((expected, None), (fast, FastSegmentWriter)):
        path.mkdir()
        ix = whoosh_index.create_in(path, SCHEMA)
        writer = writer_class(ix) if writer_class else ix.writer()
        for doc in docs:
            writer.add_document(**doc)
        writer.commit(merge=False)
        ix.close()
    assert read_back(fast) == read_back(expected)


def test_parallel_segments_hold_every_document_in_order(tmp_path, monkeypatch):
    docs = list(documents(300))

    class Item:  # what document_fields() turns into a document
        def __init__(self, doc):
            self.doc = doc

    monkeypatch.setattr("index.stages.write.document_fields", lambda item: item.doc)
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

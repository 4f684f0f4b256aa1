"""A faster way to write a Whoosh segment: one Whoosh reads as if its own writer had written it.

Whoosh's ``SegmentWriter`` spends most of a build in Python overhead around the work itself: each
token of the text passes through a chain of generator filters, each posting becomes a tuple in a pool
that is sorted at commit, and each posting then asks the per-document reader for its document's field
length. This writer keeps Whoosh's codec for the stored fields, columns and lengths (written by
Whoosh 2.7.4's own per-document writer) and writes the postings itself:

- title and body, analysed by ``schema.english_text_analyzer`` (Whoosh's ``StemmingAnalyzer`` with
  accents folded, dropped words keeping their positions, sentences apart), are tokenized with one
  regular expression pass a sentence, a stop-word set and a memo of stems (``TextAnalysis`` gives exactly what the analyser does; a
  test holds it to that);
- postings are gathered per term as documents are added (documents come in number order, so each
  term's postings are already sorted), and written term by term at commit with the lengths kept from
  the documents: ``write_postings`` lays out the posting blocks of Whoosh 2.7.4's W3 codec itself
  (pickled with protocol 3, a small block left uncompressed), which Whoosh reads as its own.

Because it reproduces one version's file format, it is used only on that version (``segment_writer``
checks the installed Whoosh and falls back to Whoosh's own writer on any other, saying so).
``tests/test_segment_writer.py`` reads what it writes through an unpatched Whoosh, and adds to and merges
it with Whoosh's own writer.

Only for new segments written without merging (``commit(merge=False)``): merging older segments in
would put postings in the pool this writer does not read, so it refuses.
"""

from __future__ import annotations

import logging
import re
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pickle import dumps
from typing import Any

import whoosh
from whoosh.analysis import CharsetFilter, LowercaseFilter, StemFilter, StopFilter
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3FieldWriter, W3TermInfo
from whoosh.formats import Positions
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import NO_MERGE, SegmentWriter

from .schema import SentenceTokenizer, english_text_analyzer
from .sentences import SENTENCE_GAP, sentence_spans

log = logging.getLogger(__name__)

WRITTEN_FOR_WHOOSH = (2, 7, 4)  # the version whose file format write_postings reproduces
MIN_COMPRESSED_BLOCK = 48  # bytes of pickled block below which zlib cannot gain
# Whoosh pickles blocks with protocol 2 (for Python 2), which stores each bytes value (a posting's
# positions) as a call to _codecs.encode on latin-1 text: 78 bytes for a one-posting block. Protocol
# 3 stores bytes as they are (37 bytes); Whoosh reads blocks with pickle.loads, which takes either.
BLOCK_PICKLE_PROTOCOL = 3


class TextAnalysis:
    """The title's and body's analyzer (``schema.english_text_analyzer``) as one function: words,
    lower-cased, accents folded, stop words out, stemmed, with the positions the analyser gives them
    (a dropped word keeps its place, ``SENTENCE_GAP`` after each sentence). Also the same chain
    without the ``CharsetFilter``."""

    def __init__(self, analyzer: Any = None) -> None:
        analyzer = english_text_analyzer() if analyzer is None else analyzer
        tokenizer, _lowercase, *charset, stop, stemmer = analyzer.items
        # the tokenizer's expression with its groups made non-capturing, so findall gives whole words
        self.words = re.compile(
            tokenizer.expression.pattern.replace("(?:", "(").replace("(", "(?:"), tokenizer.expression.flags
        )
        self.charmap = charset[0].charmap if charset else None
        self.stops = stop.stops
        self.min_size = stop.min
        self.max_size = stop.max
        self.stem_function = stemmer.stemfn
        self.ignore = stemmer.ignore
        self.stems: dict[str, str] = {}

    @staticmethod
    def fits(analyzer: Any) -> bool:
        """Whether ``analyzer`` is the chain this class reproduces: the sentence tokenizer, lower case,
        an optional character map, stop words keeping their positions, a stemmer."""
        items = analyzer.items if type(analyzer) is CompositeAnalyzer else []
        if len(items) not in (4, 5):
            return False
        charset = [CharsetFilter] if len(items) == 5 else []
        shape = [SentenceTokenizer, LowercaseFilter, *charset, StopFilter, StemFilter]
        return (
            all(type(item) is kind for item, kind in zip(items, shape, strict=True))
            and not items[0].gaps
            and not items[-2].renumber
        )

    def __call__(self, text: str) -> dict[str, list[int]]:
        """Each stemmed term of ``text`` with its positions."""
        sentences = [self.words.findall(text, start, end) for start, end in sentence_spans(text)]
        words = [word for sentence in sentences for word in sentence] if len(sentences) > 1 else sentences[0]
        if not words:
            return {}
        # one lower() (and one translate()) over all the words: the same as each word's, in one C call
        joined = "\x00".join(words).lower()
        if self.charmap is not None:
            joined = joined.translate(self.charmap)
        words = joined.split("\x00")
        positions: dict[str, list[int]] = {}
        stems, stops, min_size, max_size = self.stems, self.stops, self.min_size, self.max_size
        index = 0  # of the word in ``words``
        first = 0  # the position of the sentence's first word
        for sentence in sentences:
            for position in range(first, first + len(sentence)):
                word = words[index]
                index += 1
                if len(word) < min_size or word in stops or (max_size is not None and len(word) > max_size):
                    continue  # StopFilter(renumber=False): the word's position is left empty
                term = stems.get(word)
                if term is None:
                    term = word if word in self.ignore else self.stem_function(word)
                    stems[word] = term
                if term in positions:
                    positions[term].append(position)
                else:
                    positions[term] = [position]
            first += len(sentence) + SENTENCE_GAP
        return positions


def fast_writer_fits() -> bool:
    """True when the installed Whoosh is the version this writer's postings format was written for."""
    return tuple(whoosh.__version__) == WRITTEN_FOR_WHOOSH


def segment_writer(ix: Any) -> Any:
    """A writer for new segments of ``ix``: ours on the Whoosh it was written for, else Whoosh's own
    (slower, and a build then writes one segment in one process)."""
    if fast_writer_fits():
        return FastSegmentWriter(ix)
    log.warning(
        "Whoosh %s is installed; the fast segment writer is written for Whoosh %s: writing the index with "
        "Whoosh's own writer",
        whoosh.versionstring(),
        ".".join(map(str, WRITTEN_FOR_WHOOSH)),
    )
    return SegmentWriter(ix)


def is_stemmed_text(field: Any) -> bool:
    """True for a field this writer can analyse itself: positions, and Whoosh's default stemmer."""
    return type(field.format) is Positions and TextAnalysis.fits(field.analyzer) and not field.vector


class FastSegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter, with the inverted lists built in memory as documents come."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.merge = False
        # a field analysed here -> its analysis (title and body share one, and its memo of stems)
        self._analyses: dict[str, TextAnalysis] = {}
        for name, field in self.schema.items():
            if is_stemmed_text(field):
                shared = (a for n, a in self._analyses.items() if self.schema[n].analyzer == field.analyzer)
                self._analyses[name] = next(shared, None) or TextAnalysis(field.analyzer)
        # field -> term bytes -> flat [docnum, weight, value, docnum, weight, value, ...]
        self._postings: dict[str, dict[bytes, list[Any]]] = defaultdict(dict)
        # field -> docnum -> length as the lengths column gives it back (quantized to a byte)
        self._lengths: dict[str, dict[int, int]] = defaultdict(dict)
        self._weights: dict[float, float] = {}
        self._single_positions: dict[int, bytes] = {}  # the encoded value of a one-position posting
        self._indexed_ahead: dict[tuple[int, str], int] = {}  # (docnum, field) -> length, by index_text_ahead
        # field -> its terms' postings as written, by encode_text_ahead
        self._encoded_ahead: dict[str, list[tuple[bytes, bytes, W3TermInfo]]] = {}

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        schema = self.schema
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                boost = self._field_boost(fields, fieldname, docboost)
                terms = self._postings[fieldname]
                analysis = self._analyses.get(fieldname)
                ahead = self._indexed_ahead.pop((docnum, fieldname), None)
                if ahead is not None:
                    length = ahead
                elif analysis is not None:
                    length = self._add_text(terms, docnum, analysis(value), field.format, boost)
                else:
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if field.scorable:
                            length += freq
                        posting = terms.get(tbytes)
                        if posting is None:
                            terms[tbytes] = [docnum, weight * boost, vbytes]
                        else:
                            posting += (docnum, weight * boost, vbytes)
                if not field.scorable:
                    length = 0
                if length:
                    self._lengths[fieldname][docnum] = byte_to_length(length_to_byte(length))
            if field.separate_spelling() or field.vector:
                raise NotImplementedError(f"{fieldname}: spelling fields and term vectors are not supported")
            stored = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
            column = field.column_type
            if column and stored is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(stored))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def index_text_ahead(self, documents: Iterable[dict[str, Any]]) -> None:
        """The analysed text fields of the documents ``add_document`` will be given next, in this order,
        indexed now: a build indexes the articles' text while their entities are still being settled,
        and adds the rest of each document once they are. The text given then must be the same."""
        docnum = self.docnum
        for fields in documents:
            docboost = self._doc_boost(fields)
            for fieldname, analysis in self._analyses.items():
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = self.schema[fieldname]
                boost = self._field_boost(fields, fieldname, docboost)
                terms = self._postings[fieldname]
                self._indexed_ahead[(docnum, fieldname)] = self._add_text(
                    terms, docnum, analysis(value), field.format, boost
                )
            docnum += 1

    def encode_text_ahead(self) -> None:
        """After ``index_text_ahead`` of every document the writer will be given: the analysed text
        fields' postings encoded as ``write_postings`` will write them (most of a commit's work), while
        the build is still settling the entities. No document may add to these fields afterwards."""
        codec = self.fieldwriter._codec
        for fieldname in self._analyses:
            field = self.schema[fieldname]
            lengths = {
                docnum: byte_to_length(length_to_byte(length))
                for (docnum, name), length in self._indexed_ahead.items()
                if name == fieldname and length and field.scorable
            }
            self._encoded_ahead[fieldname] = encoded_field(
                field, self._postings.pop(fieldname, {}), lengths, codec
            )

    def _add_text(
        self,
        terms: dict[bytes, list[Any]],
        docnum: int,
        analysed: dict[str, list[int]],
        text_format: Positions,
        boost: float,
    ) -> int:
        encode = text_format.encode
        single = self._single_positions
        boost = text_format.field_boost * boost
        weights = self._weights
        length = 0
        for term, positions in analysed.items():
            count = len(positions)
            length += count
            weight = weights.setdefault(count * boost, count * boost)  # one float object per value
            tbytes = term.encode("utf-8")
            if count == 1:
                value = single.get(positions[0])
                if value is None:
                    value = single[positions[0]] = encode(positions)
            else:
                value = encode(positions)
            posting = terms.get(tbytes)
            if posting is None:
                terms[tbytes] = [docnum, weight, value]
            else:
                posting += (docnum, weight, value)
        return length

    def add_reader(self, reader: Any) -> None:
        raise NotImplementedError("FastSegmentWriter writes new segments only; merge with Whoosh's writer")

    def _merge_segments(self, mergetype: Any, optimize: Any, merge: bool) -> Any:
        if optimize or mergetype not in (None, NO_MERGE) or merge:
            raise NotImplementedError("FastSegmentWriter commits with merge=False only")
        return NO_MERGE(self, self.segments)

    def commit(
        self, mergetype: Any = None, optimize: Any = None, merge: bool = False, segments: Sequence[Any] = ()
    ) -> None:
        """Commits this writer's documents, and the finished ``segments`` other writers of this
        index wrote (see ``finish_segment``) after them, in that order."""
        self._check_state()
        final = self._merge_segments(mergetype, optimize, merge)
        if self._added:
            final.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc([*final, *segments])
        self._finish()

    def finish_segment(self) -> Any:
        """The segment of a writer opened with ``_lk=False`` beside another one, which commits it."""
        self._check_state()
        segment = self._finalize_segment()
        self.is_closed = True
        return segment

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        write_postings(self.fieldwriter, self.schema, self._postings, self._lengths, self._encoded_ahead)
        self.fieldwriter.close()
        self._postings.clear()
        self._lengths.clear()
        self._encoded_ahead.clear()


def write_postings(
    fieldwriter: W3FieldWriter,
    schema: Any,
    postings: dict[str, dict[bytes, list[Any]]],
    lengths: dict[str, dict[int, int]],
    encoded: dict[str, list[tuple[bytes, bytes, W3TermInfo]]] | None = None,
) -> None:
    """Every field's terms in order, each term's postings in document order: the bytes Whoosh's
    ``FieldWriter.add_postings`` and ``W3PostingsWriter`` write, without a method call per posting.
    ``encoded``: fields whose terms were encoded already (``encoded_field``), written as they are."""
    encoded = encoded or {}
    codec = fieldwriter._codec
    postfile, tindex = fieldwriter._postfile, fieldwriter._tindex
    write, tell = postfile.write, postfile.tell
    for fieldname in sorted(set(postings) | set(encoded)):
        if postings.get(fieldname) and fieldname in encoded:
            raise RuntimeError(f"{fieldname}: postings added after the field was encoded ahead")
        terms = encoded.get(fieldname)
        if terms is None:
            terms = encoded_field(schema[fieldname], postings[fieldname], lengths.get(fieldname, {}), codec)
        if not terms:
            continue
        fieldwriter.start_field(
            fieldname, schema[fieldname]
        )  # registers the field's number in the term table
        key_prefix = pack_ushort(fieldwriter._fieldid)
        for tbytes, data, info in terms:
            start = tell()
            write(data)
            info.set_extent(start, tell() - start)
            tindex.add(key_prefix + tbytes, info.to_bytes())
        fieldwriter.finish_field()


def encoded_field(
    field: Any, terms: dict[bytes, list[Any]], lengths: dict[int, int], codec: Any
) -> list[tuple[bytes, bytes, W3TermInfo]]:
    """A field's terms in order, each with its postings as the bytes ``write_postings`` writes and its
    term statistics (the extent in the file left to set)."""
    fixed_size = field.format.fixed_value_size()
    block_limit, compression = codec._blocklimit, codec._compression
    length_of = lengths.get
    encoded = []
    for tbytes in sorted(terms):
        flat = terms[tbytes]
        total = len(flat) // 3
        if total == 1:  # most terms (an id, a date, a rare word): one posting, one small block
            docnum, weight, value = flat
            data, info = _one_posting_block(docnum, weight, value, length_of(docnum), fixed_size, compression)
            encoded.append((tbytes, data, info))
            continue
        parts = [WHOOSH3_HEADER_MAGIC]
        info = W3TermInfo()
        info._weight = 0.0
        for first in range(0, total, block_limit):
            last = min(first + block_limit, total)
            ids = flat[3 * first : 3 * last : 3]
            raw_weights = flat[3 * first + 1 : 3 * last : 3]
            weights = array("f", raw_weights)
            values = [v for v in flat[3 * first + 2 : 3 * last : 3] if v]
            doc_lengths = [n for n in map(length_of, ids) if n]
            min_length = min(doc_lengths) if doc_lengths else None
            max_length = max(doc_lengths) if doc_lengths else 0
            max_weight = max(0, max(raw_weights))
            # W3TermInfo.add_block
            info._weight += sum(weights)
            info._df += last - first
            info._minlength = min_length if info._minlength is None else min(info._minlength, min_length)
            info._maxlength = max(info._maxlength, max_length)
            info._maxweight = max(info._maxweight, max_weight)
            if info._minid is None:
                info._minid = ids[0]
            info._maxid = ids[-1]
            # W3PostingsWriter._write_block
            if all(w == 1.0 for w in weights):
                mini_weights = None
            elif all(w == weights[0] for w in weights):
                mini_weights = weights[0]
            else:
                mini_weights = tuple(weights)
            mini_values: tuple[bytes, ...] | bytes | None
            if fixed_size is None or fixed_size < 0:
                mini_values = tuple(values)
            elif fixed_size == 0:
                mini_values = None
            else:
                mini_values = b"".join(values)
            deltas = tuple(b - a for a, b in zip([0, *ids], ids, strict=False))
            data, block_compression = _block_data(
                dumps((deltas, mini_weights, mini_values), BLOCK_PICKLE_PROTOCOL), compression
            )
            block_info = dumps(
                (
                    last - first,
                    ids[-1],
                    max_weight,
                    block_compression,
                    length_to_byte(min_length),
                    length_to_byte(max_length),
                ),
                2,
            )
            size = len(block_info) + len(data)
            parts += (pack_int(-size if last == total else size), block_info, data)
        encoded.append((tbytes, b"".join(parts), info))
    return encoded


def _block_data(data: bytes, compression: int) -> tuple[bytes, int]:
    """A block's pickled postings and the compression level it says it has: each block says whether it is
    compressed, so a small one, which zlib's header and checksum would make bigger (most terms have a
    handful of postings), is left plain."""
    if compression and len(data) >= MIN_COMPRESSED_BLOCK:
        compressed = zlib.compress(data, compression)
        if len(compressed) < len(data):
            return compressed, compression
    return data, 0


def _one_posting_block(
    docnum: int,
    weight: float,
    value: bytes,
    length: int | None,
    fixed_size: int | None,
    compression: int,
) -> tuple[bytes, W3TermInfo]:
    """``encoded_field``'s postings for a term with one posting, without the lists and slices of the
    general case: the same bytes and term statistics."""
    weight32 = array("f", (weight,))[0]  # as the weights array holds it
    info = W3TermInfo()
    min_length = length or None
    max_length = length or 0
    max_weight = max(0, weight)
    info._weight = 0.0 + weight32
    info._df = 1
    info._minlength = min_length
    info._maxlength = max(info._maxlength, max_length)
    info._maxweight = max(info._maxweight, max_weight)
    info._minid = info._maxid = docnum
    mini_weights = None if weight32 == 1.0 else weight32
    mini_values: tuple[bytes, ...] | bytes | None
    if fixed_size is None or fixed_size < 0:
        mini_values = (value,) if value else ()
    elif fixed_size == 0:
        mini_values = None
    else:
        mini_values = value or b""
    data, block_compression = _block_data(
        dumps(((docnum,), mini_weights, mini_values), BLOCK_PICKLE_PROTOCOL), compression
    )
    block_info = dumps(
        (1, docnum, max_weight, block_compression, length_to_byte(min_length), length_to_byte(max_length)), 2
    )
    return b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-(len(block_info) + len(data))), block_info, data)), info

"""What Whoosh alone reads from an index: every term's postings and statistics, stored fields, lengths,
columns and the answers to a few queries. It imports nothing of this project, so run as a script
(``python plain_whoosh.py read|add-and-optimize PATH``, documents to add pickled on stdin, the reading
pickled on stdout) it shows what an unpatched Whoosh 2.7.4 installation sees of an index we write."""

import pickle
import sys

from whoosh import index as whoosh_index
from whoosh.filedb.structfile import BufferFile
from whoosh.qparser import QueryParser

QUERIES = ("oil", "crude prices", '"soviet talks"', "yen OR dollar", "title:wheat")


def read_index(path):
    ix = whoosh_index.open_dir(str(path))
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
        reading = {
            "postings": postings,
            "stored": list(reader.all_stored_fields()),
            "lengths": {
                f: [reader.doc_field_length(n, f) for n in range(count)] for f in reader.indexed_field_names()
            },
            "ids": list(reader.column_reader("id")),
            "published": list(reader.column_reader("published", translate=False)),
            "segments": len(ix._segments()),
        }
    with ix.searcher() as searcher:
        parser = QueryParser("body", ix.schema)
        reading["answers"] = {
            words: [hit["id"] for hit in searcher.search(parser.parse(words), limit=None)]
            for words in QUERIES
        }
    ix.close()
    return reading


def add_and_optimize(path, documents):
    """Whoosh's own writer adds ``documents`` to the index, then merges all its segments into one."""
    ix = whoosh_index.open_dir(str(path))
    writer = ix.writer()
    for document in documents:
        writer.add_document(**document)
    writer.commit(optimize=True)
    ix.close()


if __name__ == "__main__":
    ours = [name for name in sys.modules if name.split(".")[0] in ("index", "searcher", "tests")]
    assert not ours, f"imported from this project: {ours}"
    assert BufferFile.__init__.__module__ == "whoosh.filedb.structfile", "Whoosh's reader is patched"
    command, index_path = sys.argv[1], sys.argv[2]
    if command == "add-and-optimize":
        add_and_optimize(index_path, pickle.load(sys.stdin.buffer))
    pickle.dump(read_index(index_path), sys.stdout.buffer)

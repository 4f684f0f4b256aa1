"""A fuzz of bad input files: each is reported and skipped, or handled in bounded memory; the rest goes in."""

import json
import os
import random
import shutil
import subprocess
import sys

import pytest

from .conftest import SAMPLES

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>Laughs &lol9;</title><link>https://example.org/lol</link><description>&lol9;</description></item>
</channel></rss>
"""

# Runs the real command line and reports its peak memory, the forked workers included.
MEASURED_CLI = """
import resource, sys
from searcher.cli import main
sys.argv[0] = "searcher"
try:
    main()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(f"peak-rss-kib {peak}", file=sys.stderr)
sys.exit(code if isinstance(code, int) else 1)
"""


def make_bad_corpus(folder, rng: random.Random) -> None:
    folder.mkdir(parents=True)
    shutil.copy(SAMPLES / "nordic-wire.jsonl", folder)
    good = json.dumps({"id": "fine-1", "title": "Fine story", "body": "A fine story about the Oslo harbour."})
    (folder / "truncated.jsonl").write_text(good + "\n" + good.replace("fine-1", "fine-2")[:40])
    (folder / "truncated.rss").write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Cut</title><item><title>Cut short</title>"
        "<description>The ferry to Tallinn was cut"
    )
    (folder / "random.html").write_bytes(rng.randbytes(20_000))
    (folder / "random.rss").write_bytes(rng.randbytes(5_000))
    (folder / "random.jsonl").write_bytes(rng.randbytes(5_000))
    (folder / "random.txt").write_bytes(rng.randbytes(5_000))
    (folder / "invalid-utf8.txt").write_bytes(
        b"Caf\xe9 owners in Lyon protest\n\nThe caf\xe9 owners of Lyon said on Monday \xff\xfe\xfa that rents rose."
    )
    (folder / "nested.html").write_text(
        "<html><body>"
        + "<div>" * 100_000
        + "<p>Deep story about the Bergen harbour and its cranes.</p>"
        + "</div>" * 100_000
        + "</body></html>"
    )
    (folder / "laughs.rss").write_text(BILLION_LAUGHS)
    (folder / "empty-folder").mkdir()
    loop = folder / "loop"
    loop.mkdir()
    (loop / "itself").symlink_to(loop, target_is_directory=True)
    (folder / "back-to-top").symlink_to(folder, target_is_directory=True)
    with open(folder / "big.txt", "w") as big:  # 100 MB
        big.write("One enormous article about the Oslo harbour\n\n")
        sentence = "Cranes and ferries in the Oslo harbour keep working through the night. "
        big.writelines(sentence for _ in range(100 * 2**20 // len(sentence)))


@pytest.mark.slow
def test_bad_corpus_fuzz_reports_each_file_and_indexes_the_rest(tmp_path, sample_index):
    folder = tmp_path / "in"
    make_bad_corpus(folder, random.Random(20261122))
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    (index_dir / "annotations.sqlite").write_bytes((sample_index / "annotations.sqlite").read_bytes())
    result = subprocess.run(
        [sys.executable, "-c", MEASURED_CLI, "index", "rebuild", str(folder), "--index-dir", str(index_dir)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, "SEARCHER_PROGRESS": "0"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    err = result.stderr
    assert f"{folder / 'truncated.jsonl'}:2: invalid JSON" in err
    for name in ("random.html", "random.rss", "random.jsonl", "random.txt"):
        assert f"{folder / name}:" in err, name  # each named (JSON Lines by line) with what was wrong
    assert "big.txt: article is 100.0 MB; its first 5,000,000 characters are indexed" in err
    assert f"{folder / 'back-to-top'}: symlink loop (points back to {folder}), not followed" in err
    assert (
        f"{folder / 'loop' / 'itself'}: symlink loop (points back to {folder / 'loop'}), not followed" in err
    )
    peak_gib = int(err.split("peak-rss-kib ")[1].split()[0]) / 2**20
    assert peak_gib < 2.0, f"peak memory {peak_gib:.2f} GiB"

    from searcher import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    found = {hit["title"] for hit in client.get("/api/search?q=oslo+harbour&per_page=50").get_json()["hits"]}
    assert {"Fine story", "One enormous article about the Oslo harbour"} <= found
    assert client.get("/api/search?q=lyon+rents").get_json()["total"] == 1  # cp1252 read, not dropped
    # 100,000 nested <div>s are deeper than the HTML parser goes: the page is named as skipped, not indexed
    assert f"{folder / 'nested.html'}: no article text found in the page" in err
    assert client.get("/api/search?q=bergen+cranes").get_json()["total"] == 0
    laughs = client.get("/api/search?q=laughs").get_json()
    for hit in laughs["hits"]:
        assert len(hit["snippet"]) < 1000 and "lollollol" not in hit["title"]  # no entity expansion
    assert client.get("/api/search?q=nordic").status_code == 200
    assert client.get("/api/search").get_json()["total"] >= 8 + 3


def test_an_empty_folder_alone_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "searcher",
            "index",
            "rebuild",
            str(tmp_path / "empty"),
            "--index-dir",
            str(tmp_path / "index"),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SEARCHER_PROGRESS": "0"},
    )
    assert result.returncode == 1
    assert f"{tmp_path / 'empty'}: folder holds no article files" in result.stderr
    assert "nothing could be indexed" in result.stderr

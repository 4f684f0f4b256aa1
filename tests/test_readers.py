import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.articles import Article, Problem, url_article_id
from index.readers import read_file, read_paths
from index.readers.text import split_title_and_body

from .conftest import SAMPLES


def read(paths):
    items = list(read_paths([str(p) for p in paths]))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


def test_text_title_is_first_non_empty_line():
    assert split_title_and_body("\n\n  Title here \n\nBody one.\nBody two.\n") == (
        "Title here",
        "Body one.\nBody two.",
    )


def test_every_sample_format_reads(tmp_path):
    articles, problems = read([SAMPLES])
    # the folder's README and package marker are named as not read, and nothing else is skipped
    not_articles = {Path(p.where).name for p in problems if p.message.startswith("unsupported file type")}
    assert {"README.md", "__init__.py"} <= not_articles
    assert not [p for p in problems if p.skipped and not p.message.startswith("unsupported file type")]
    assert len(articles) == 33
    by_kind = {}
    for article in articles:
        by_kind.setdefault(article.origin.rsplit(".", 1)[-1].split(":")[0].split("#")[0], []).append(article)
    assert set(by_kind) == {"txt", "html", "jsonl", "rss", "atom"}
    assert all(a.published is None for a in by_kind["txt"])
    assert all(a.published is not None for kind in ("html", "jsonl", "rss", "atom") for a in by_kind[kind])


def test_html_extracts_article_not_navigation_or_comments():
    articles, _ = read([SAMPLES / "09-northwind-grid-wins-first-baltic-wind-zone.html"])
    (article,) = articles
    assert article.title == "Northwind Grid wins first Baltic wind zone"
    assert article.url.startswith("https://harbourpost.example/")
    assert article.id == url_article_id(article.url)
    assert article.author == "Eeva Mattila"
    assert article.published.date().isoformat() == "2024-01-15"
    for noise in ("Subscribe", "Advertisement", "reader42", "All rights reserved"):
        assert noise not in article.body


def test_feed_entries_are_articles():
    articles, _ = read([SAMPLES / "east-coast-bulletin.rss", SAMPLES / "transit-journal.atom"])
    assert len(articles) == 9
    assert all(a.source in ("East Coast Bulletin", "Transit Journal") for a in articles)
    assert all("<p>" not in a.body for a in articles)
    assert all(len(a.body) > 80 and "\n\n" in a.body for a in articles), [a.body for a in articles]


def test_bad_json_lines_are_reported_with_line_numbers_and_the_rest_read(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "title": "Good one", "body": "Text."}),
                "{not json",
                json.dumps({"id": "b"}),
                json.dumps(["a", "list"]),
                json.dumps({"title": "No id", "body": "Still fine.", "published": "yesterday-ish"}),
                json.dumps({"id": "c", "body": 5.5, "title": {"x": 1}}),
            ]
        )
    )
    articles, problems = read([path])
    assert [a.title for a in articles] == ["Good one", "No id"]
    messages = [str(p) for p in problems]
    assert any(m.startswith(f"{path}:2: invalid JSON") for m in messages)
    assert any(m.startswith(f"{path}:3: article has no text") for m in messages)
    assert any(m.startswith(f"{path}:4: expected a JSON object") for m in messages)
    assert any(m.startswith(f"{path}:5: unreadable 'published'") for m in messages)
    assert any(m.startswith(f"{path}:6: field 'title'") for m in messages)
    assert articles[1].id.startswith("mixed-jsonl-") and "/" in articles[1].id


def test_binary_encoded_empty_and_missing_files(tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "latin.txt").write_bytes(
        "Café in Zürich\n\nThe café opened in Zürich on Monday.".encode("cp1252")
    )
    (tmp_path / "empty.txt").write_text("   \n\n")
    (tmp_path / "feed.xml").write_text("<html><body>not a feed</body></html>")
    articles, problems = read([tmp_path, tmp_path / "missing.txt"])
    assert [a.title for a in articles] == ["Café in Zürich"]
    text = "\n".join(str(p) for p in problems)
    assert "binary.txt: binary file" in text
    assert "latin.txt: not UTF-8; read as" in text
    assert "empty.txt: empty article" in text
    assert "feed.xml: not an RSS or Atom feed" in text
    assert "missing.txt: no such file or folder" in text


# Reads the files named on the command line and prints each problem; run without the capabilities that
# let root read any file, so a mode-000 file is unreadable to it as to anyone else.
READ_AND_REPORT = """
import sys
from index.readers import read_paths
for item in read_paths(sys.argv[1:]):
    print(item)
"""


def read_without_root_privileges(*paths) -> str:
    command = [sys.executable, "-c", READ_AND_REPORT, *map(str, paths)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv (util-linux) to drop the right to read any file")
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return result.stdout


def test_unreadable_file_is_reported(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text("Locked title\n\nBody")
    (tmp_path / "open.txt").write_text("Open title\n\nBody")
    locked.chmod(0)
    try:
        output = read_without_root_privileges(locked, tmp_path / "open.txt")
    finally:
        locked.chmod(0o644)
    assert f"{locked}: cannot read file: Permission denied" in output
    assert "Locked title" not in output and "Open title" in output  # the rest still goes in


def test_a_file_that_fails_to_read_is_named_with_the_error(tmp_path):
    """The reader's own handling, whoever runs the tests: a read that fails (here a folder where a file
    was listed, as when it is replaced between listing and reading) is a problem, not a crash."""
    folder = tmp_path / "was-a-file.txt"
    folder.mkdir()
    (problem,) = list(read_file(folder))
    assert problem == Problem(str(folder), "cannot read file: Is a directory")

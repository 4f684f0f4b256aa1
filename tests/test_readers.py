import json
from pathlib import Path

from index.articles import Article, Problem, url_article_id
from index.readers import read_paths
from index.readers.text import split_title_and_body

from .conftest import SAMPLES


def read(paths):
    items = list(read_paths([str(p) for p in paths]))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


def test_text_title_is_first_non_empty_line():
    assert split_title_and_body("\n\n  Title here \n\nBody one.\nBody two.\n") == ("Title here", "Body one.\nBody two.")


def test_every_sample_format_reads(tmp_path):
    articles, problems = read([SAMPLES])
    # the folder's README and package marker are named as not read, and nothing else is skipped
    not_articles = {Path(p.where).name for p in problems if p.message.startswith("unsupported file type")}
    assert {"README.md", "__init__.py"} <= not_articles
    assert not [p for p in problems if p.skipped and not p.message.startswith("unsupported file type")]
    assert len(articles) == 31
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
    path.write_text("\n".join([
        json.dumps({"id": "a", "title": "Good one", "body": "Text."}),
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps(["a", "list"]),
        json.dumps({"title": "No id", "body": "Still fine.", "published": "yesterday-ish"}),
        json.dumps({"id": "c", "body": 5.5, "title": {"x": 1}}),
    ]))
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
    (tmp_path / "latin.txt").write_bytes("Café in Zürich\n\nThe café opened in Zürich on Monday.".encode("cp1252"))
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


def test_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("Title\n\nBody")
    path.chmod(0)
    try:
        articles, problems = read([path])
    finally:
        path.chmod(0o644)
    import os
    if os.geteuid() == 0:  # root reads anything; the check is then that nothing broke
        assert len(articles) == 1
    else:
        assert "cannot read file" in str(problems[0])

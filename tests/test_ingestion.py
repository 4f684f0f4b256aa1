"""Ingestion an archivist can trust (issue 19): identities, odd fields, encodings, dates and reports."""

import json
import re

from index.articles import Article, Problem, scoped_article_id, url_article_id
from index.build import BuildOptions, add, rebuild
from index.readers import read_paths
from searcher import create_app

QUIET = BuildOptions(progress=False)
URL_SAFE_ID = re.compile(r"[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)?")


def read(*paths):
    items = list(read_paths([str(p) for p in paths]))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


def write_jsonl(path, *records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def search_ids(index_dir, query):
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    return [hit["id"] for hit in client.get("/api/search", query_string={"q": query}).json["hits"]]


# 1. identity: an article's own id within its source


def test_own_ids_are_scoped_by_source_or_file_and_url_safe(tmp_path):
    assert scoped_article_id("1", "Wire A", "a.jsonl") == "wire-a/1"
    assert scoped_article_id("1", "Wire A", "a.jsonl") != scoped_article_id("1", "Wire B", "a.jsonl")
    assert scoped_article_id(" 1", "WIRE  A", "other.jsonl") == "wire-a/1"  # the same source, another file
    in_file = scoped_article_id("1", None, str(tmp_path / "a.jsonl"))
    assert in_file != scoped_article_id("1", None, str(tmp_path / "sub" / "a.jsonl"))
    assert in_file.startswith("a-jsonl-") and in_file.endswith("/1")
    odd = scoped_article_id("story 1/2?x=<b>", "Zürich Post", "a.jsonl")
    assert odd.startswith("zurich-post/story-1-2-x-b-") and URL_SAFE_ID.fullmatch(odd)
    assert scoped_article_id("story 1/2", "S", "a") != scoped_article_id("story-1-2", "S", "a")
    assert scoped_article_id("https://x.example/a?b=1", "S", "a") == url_article_id("https://x.example/a?b=1")
    assert scoped_article_id("..", "S", "a") != "s/.."


def test_an_id_reused_by_another_source_never_overwrites(tmp_path):
    index_dir = tmp_path / "index"
    wire_a = write_jsonl(
        tmp_path / "wire-a.jsonl",
        {
            "id": 1,
            "title": "Bundesbank holds rates",
            "body": "The Bundesbank held its rates.",
            "source": "Wire A",
        },
    )
    wire_b = write_jsonl(
        tmp_path / "wire-b.jsonl",
        {"id": 1, "title": "Nairobi hosts talks", "body": "Nairobi hosted the talks.", "source": "Wire B"},
    )
    rebuild([str(wire_a)], index_dir, QUIET)
    report = add([str(wire_b)], index_dir, QUIET)
    assert (report.indexed, report.updated) == (1, 0)
    assert search_ids(index_dir, "Bundesbank") == ["wire-a/1"]
    assert search_ids(index_dir, "Nairobi") == ["wire-b/1"]

    # a changed article from the same source is an update, wherever it is read from
    write_jsonl(
        tmp_path / "wire-a-corrected.jsonl",
        {
            "id": 1,
            "title": "Bundesbank holds rates",
            "body": "The Bundesbank held its rates again.",
            "source": "Wire A",
        },
    )
    report = add([str(tmp_path / "wire-a-corrected.jsonl")], index_dir, QUIET)
    assert (report.indexed, report.updated) == (0, 1)
    assert any("read before from" in p.message and "wire-a.jsonl" in p.message for p in report.warnings)
    assert search_ids(index_dir, "again") == ["wire-a/1"]


def test_an_id_given_as_the_export_wrote_it_finds_its_article(tmp_path):
    """An export's own id ("7") finds the article stored as "<source>/7" in the API and on the page; an
    id two sources use is answered 409 with both ids, never with one of them picked."""
    index_dir = tmp_path / "index"
    wire_a = write_jsonl(
        tmp_path / "wire-a.jsonl",
        {
            "id": 7,
            "title": "Bundesbank holds rates",
            "body": "The Bundesbank held its rates.",
            "source": "Wire A",
        },
        {
            "id": "only-a",
            "title": "Harbour reopens",
            "body": "The harbour reopened on Monday.",
            "source": "Wire A",
        },
    )
    wire_b = write_jsonl(
        tmp_path / "wire-b.jsonl",
        {"id": 7, "title": "Nairobi hosts talks", "body": "Nairobi hosted the talks.", "source": "Wire B"},
    )
    rebuild([str(wire_a), str(wire_b)], index_dir, QUIET)
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()

    found = client.get("/api/articles/only-a")
    assert found.status_code == 200 and found.json["id"] == "wire-a/only-a"
    assert found.json["title"] == "Harbour reopens"
    page = client.get("/article/only-a")
    assert page.status_code == 302 and page.headers["Location"].endswith("/article/wire-a/only-a")

    ambiguous = client.get("/api/articles/7")
    assert ambiguous.status_code == 409
    assert ambiguous.json["candidates"] == ["wire-a/7", "wire-b/7"]
    assert client.get("/article/7").status_code == 409
    assert client.get("/api/articles/wire-b/7").json["title"] == "Nairobi hosts talks"
    assert client.get("/api/articles/nothing-like-it").status_code == 404


def test_every_reader_gives_url_safe_ids_that_open_the_article_page(sample_index):
    client = create_app({"TESTING": True, "INDEX_DIR": str(sample_index)}).test_client()
    hits = client.get("/api/search", query_string={"per_page": 100}).json["hits"]
    assert len(hits) == 33
    for hit in hits:
        assert URL_SAFE_ID.fullmatch(hit["id"]), hit["id"]
        assert client.get(f"/article/{hit['id']}").status_code == 200


# 2. oddly shaped optional fields; 4. a JSON list with a byte-order mark


def test_author_source_and_published_fields_of_any_shape(tmp_path):
    from index.readers.fields import author_field, published_field, source_field

    assert author_field({"name": "Jane Roe", "email": "j@x"}) == ("Jane Roe", None)
    assert author_field(["Jane Roe", {"name": "Max Mustermann"}]) == ("Jane Roe, Max Mustermann", None)
    assert author_field({"email": "j@x"})[0] is None and "author" in author_field({"email": "j@x"})[1]
    assert source_field({"id": None, "name": "The Verge"}) == ("The Verge", None)
    assert source_field({"id": "the-verge"}) == ("the-verge", None)
    assert published_field(1709856000)[0].isoformat() == "2024-03-08T00:00:00"
    assert published_field(1709856000123)[0].isoformat() == "2024-03-08T00:00:00.123000"
    assert published_field("1709856000")[0].isoformat() == "2024-03-08T00:00:00"
    assert published_field({"$date": "2024-03-08T00:00:00Z"})[0].isoformat() == "2024-03-08T00:00:00"
    for not_a_date in (True, {"when": "soon"}, 2024, [1, 2]):
        found, problem = published_field(not_a_date)
        assert found is None and "indexed without a date" in problem, not_a_date


def test_a_newsapi_style_export_indexes_every_article(tmp_path):
    path = tmp_path / "newsapi.json"
    path.write_text(
        json.dumps(
            [
                {
                    "source": {"id": None, "name": "Example Times"},
                    "author": {"name": "Jane Roe"},
                    "title": "Harbour reopens",
                    "body": "The harbour reopened on Monday.",
                    "url": "https://t.example/1",
                    "published": 1709856000,
                },
                {
                    "source": {"id": "wire"},
                    "author": ["A. One", "B. Two"],
                    "title": "Port strike ends",
                    "body": "Dockers went back to work.",
                    "published": True,
                },
                {
                    "id": 3,
                    "title": "Odd url",
                    "body": "A story with a list for a url.",
                    "url": ["x"],
                    "published": {"x": 1},
                },
            ]
        )
    )
    articles, problems = read(path)
    assert [a.title for a in articles] == ["Harbour reopens", "Port strike ends", "Odd url"]
    first, second, third = articles
    assert (first.source, first.author, first.published.date().isoformat()) == (
        "Example Times",
        "Jane Roe",
        "2024-03-08",
    )
    assert (second.source, second.author, second.published) == ("wire", "A. One, B. Two", None)
    assert third.url is None
    assert not [p for p in problems if p.skipped]
    assert sum("indexed without a date" in p.message for p in problems) == 2
    assert any(p.where == f"{path}[3]" and "'url'" in p.message for p in problems)


def test_a_json_list_with_a_byte_order_mark_is_one_document(tmp_path):
    records = [{"id": "a", "title": "First", "body": "One."}, {"id": "b", "title": "Second", "body": "Two."}]
    text = json.dumps(records, indent=2)
    (tmp_path / "utf8.json").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "utf16.json").write_bytes(text.encode("utf-16"))  # with its byte-order mark
    (tmp_path / "lines.jsonl").write_bytes("\n".join(json.dumps(r) for r in records).encode("utf-16"))
    articles, problems = read(tmp_path / "utf8.json", tmp_path / "utf16.json", tmp_path / "lines.jsonl")
    assert [a.title for a in articles] == ["First", "Second"] * 3
    assert not problems


# 5. encodings: a mark decides, a declared encoding is honoured once, short guesses say so

FEED = """<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>City Desk</title><link>https://city.example/news/</link>
<item><guid>{guid}</guid><title>{title}</title><description>{body}</description></item>
</channel></rss>"""


def test_declared_feed_encodings_are_honoured_once(tmp_path):
    stories = {
        "windows-1252": ("Élection à Montréal", "Les électeurs de Montréal ont voté."),
        "iso-8859-2": ("Kanał w Gdańsku", "Nowy kanał otwarto w środę."),
        "windows-1251": ("Выборы в Москве", "Жители Москвы голосовали."),
    }
    for number, (encoding, (title, body)) in enumerate(stories.items()):
        markup = FEED.format(encoding=encoding, guid=number, title=title, body=body)
        (tmp_path / f"{encoding}.rss").write_bytes(markup.encode(encoding))
    articles, problems = read(tmp_path)
    assert sorted((a.title, a.body) for a in articles) == sorted(stories.values())
    assert all("the encoding it declares" in p.message for p in problems), problems


def test_a_byte_order_mark_decides_and_utf16_is_text(tmp_path):
    text = "Élection à Montréal\n\nLes électeurs ont voté dimanche."
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "utf16be.txt").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    (tmp_path / "utf8.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    articles, problems = read(tmp_path)
    assert [a.title for a in articles] == ["Élection à Montréal"] * 3
    assert not [p for p in problems if "binary" in p.message]


def test_short_central_european_texts_are_read_or_called_a_guess(tmp_path):
    from index.readers.decode import decode

    polish = "Lech Wałęsa w Gdańsku\n\nByły prezydent Lech Wałęsa spotkał się w środę z mieszkańcami Gdańska."
    czech = "Prezident přijel do Brna\n\nPrezident přijel ve čtvrtek do Brna, kde ještě večer navštívil děti."
    for text, encoding in ((polish, "iso-8859-2"), (polish, "cp1250"), (czech, "cp1250")):
        decoded = decode(text.encode(encoding))
        assert decoded.text == text, (encoding, decoded.text[:40])
        assert "a guess" in decoded.note
    ambiguous = decode("Prezident přijel".encode("cp1250"))  # ø (Danish) or ř (Czech): no way to tell
    assert "a guess" in ambiguous.note
    assert (
        decode("Café in Zürich, the café opened".encode("cp1252")).text == "Café in Zürich, the café opened"
    )
    (tmp_path / "kanal.txt").write_bytes(polish.encode("iso-8859-2"))
    _, problems = read(tmp_path / "kanal.txt")
    assert "read as iso-8859-2 (a guess" in problems[0].message


# 6. HTML inside a JSON body


def test_a_json_body_that_is_html_is_read_as_html(tmp_path):
    body = (
        "<p>The council met on Monday to discuss the new tram line in Lisbon.</p><script>var x=1;</script>"
        "<p>Residents&nbsp;welcomed it.</p><style>p {color: red}</style>"
    )
    plain = "Shares of <Strong Point Inc> rose 5 pct, said <P.W. Stephens>."
    path = write_jsonl(
        tmp_path / "export.jsonl",
        {"id": 1, "title": "Tram", "body": body},
        {"id": 2, "title": "Shares", "body": plain},
    )
    (html_article, plain_article), _ = read(path)
    assert "tram line in Lisbon" in html_article.body and "Residents welcomed it." in html_article.body
    for markup in ("<p>", "script", "var x", "nbsp", "color"):
        assert markup not in html_article.body
    assert plain_article.body == plain  # angle brackets that are not HTML stay


# 7. links and authors; 3. the best text of a feed entry, guid-less entries by link and text


def test_relative_links_authors_and_entry_texts_of_a_feed(tmp_path):
    path = tmp_path / "feed.rss"
    path.write_text("""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>City Desk</title><link>https://city.example/news/</link>
<item><title>Bridge opens</title><link>/news/bridge</link><author>jroe@example.com (Jane Roe)</author>
  <description>The new bridge opened to traffic on Monday after three years of work.</description>
  <content:encoded><![CDATA[<p>Read more</p>]]></content:encoded></item>
<item><title>Live: the storm</title><link>live/storm</link><author>Max Muster &lt;max@example.com&gt;</author>
  <description>Winds reached 120 km/h on the coast.</description><content:encoded></content:encoded></item>
<item><title>Live: the storm</title><link>live/storm</link>
  <description>The storm moved inland overnight.</description></item>
</channel></rss>""")
    articles, _ = read(path)
    assert [a.url for a in articles] == [
        "https://city.example/news/bridge",
        "https://city.example/news/live/storm",
        "https://city.example/news/live/storm",
    ]
    assert [a.author for a in articles] == ["Jane Roe", "Max Muster", None]
    assert articles[0].body == "The new bridge opened to traffic on Monday after three years of work."
    assert articles[1].body == "Winds reached 120 km/h on the coast."
    assert articles[1].id != articles[2].id
    assert all(URL_SAFE_ID.fullmatch(a.id) for a in articles)


def test_atom_content_out_of_line_falls_back_to_the_summary(tmp_path):
    path = tmp_path / "feed.atom"
    path.write_text("""<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title>
<link href="https://desk.example/"/><entry><title>Port</title><id>tag:desk,2024:1</id>
<summary>The port reopened after the strike.</summary>
<content type="text/html" src="https://desk.example/1.html"/></entry></feed>""")
    (article,), _ = read(path)
    assert article.body == "The port reopened after the strike."


# 8. one date rule for every reader: the time as the source wrote it, in its own zone


def test_one_instant_is_one_day_from_html_rss_and_json(tmp_path):
    instant = "2024-03-10T23:30-05:00"
    (tmp_path / "page.html").write_text(
        f'<html><head><title>Dam vote</title><meta property="article:published_time" content="{instant}">'
        "</head><body><article><h1>Dam vote</h1><p>"
        + "The council voted on the dam project late on Sunday. " * 8
        + "</p></article></body></html>"
    )
    (tmp_path / "feed.rss").write_text(
        '<rss version="2.0"><channel><title>Desk</title><item><guid>1</guid><title>Dam vote</title>'
        "<description>The council voted.</description><pubDate>Sun, 10 Mar 2024 23:30:00 -0500</pubDate>"
        "</item></channel></rss>"
    )
    write_jsonl(
        tmp_path / "a.jsonl",
        {"id": 1, "title": "Dam vote", "body": "The council voted.", "published": instant},
    )
    articles, _ = read(tmp_path)
    assert len(articles) == 3
    assert {a.published.isoformat() for a in articles} == {"2024-03-10T23:30:00"}


def test_an_ambiguous_day_and_month_is_settled_by_the_source_or_warned_about(tmp_path):
    from index.readers.fields import parse_publication_date

    assert parse_publication_date("03/04/2024", "DMY") == (parse_publication_date("3 April 2024")[0], None)
    found, note = parse_publication_date("03/04/2024")
    assert found.date().isoformat() == "2024-03-04" and "ambiguous" in note
    write_jsonl(
        tmp_path / "settled.jsonl",
        {"id": 1, "title": "A", "body": "a", "published": "03/04/2024"},
        {"id": 2, "title": "B", "body": "b", "published": "25/04/2024"},
    )
    write_jsonl(tmp_path / "unsettled.jsonl", {"id": 1, "title": "C", "body": "c", "published": "03/04/2024"})
    page = (
        '<html><head><title>Dam</title><meta name="date" content="03/04/2024"></head><body><article><p>'
        + "The council voted on the dam. " * 10
        + "</p></article></body></html>"
    )
    (tmp_path / "page.html").write_text(page)
    articles, problems = read(tmp_path)
    dates = {a.title: a.published.date().isoformat() for a in articles}
    assert dates == {"A": "2024-04-03", "B": "2024-04-25", "C": "2024-03-04", "Dam": "2024-03-04"}
    ambiguous = sorted(p.where for p in problems if "ambiguous" in p.message)
    assert ambiguous == [str(tmp_path / "page.html"), f"{tmp_path / 'unsettled.jsonl'}:1"]


# 10. reports that add up; issue 17, item 4: exact copies across runs, edited entries without an id


def article_count(index_dir):
    from index.build import index_stats

    return index_stats(index_dir)["articles"]


def test_the_report_counts_articles_and_lists_problems_apart(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_jsonl(
        folder / "a.jsonl",
        {"id": 1, "title": "Dam vote", "body": "The council voted on the dam."},
        {"id": 2, "title": "Dam vote", "body": "The council voted on the dam."},
    )
    with open(folder / "a.jsonl", "a") as handle:
        handle.write("{broken\n" + json.dumps({"id": 3}) + "\n")
    (folder / "b.txt").write_text("Port reopens\n\nThe port reopened on Monday.")
    (folder / "c.txt").write_text("Bridge closes\n\nThe bridge closed for repairs.")
    report = rebuild([str(folder)], tmp_path / "index", QUIET)
    assert (report.read, report.indexed, report.updated, report.unchanged, len(report.skipped)) == (
        4,
        3,
        0,
        0,
        1,
    )
    assert report.adds_up and len(report.problems) == 2 and not report.removed

    (folder / "c.txt").unlink()
    from searcher.cli import report_json

    report = rebuild([str(folder)], tmp_path / "index", QUIET)
    assert (report.read, report.indexed, report.unchanged, len(report.skipped)) == (
        3,
        0,
        2,
        1,
    ) and report.adds_up
    assert len(report.removed) == 1 and report.removed_from[report.removed[0]] == str(folder / "c.txt")
    data = json.loads(report_json(report))
    assert data["read"] == data["indexed"] + data["updated"] + data["unchanged"] + data["skipped"]
    assert data["removed_articles"] == [{"id": report.removed[0], "file": str(folder / "c.txt")}]


def test_the_cli_summary_adds_up_and_names_what_the_index_no_longer_holds(tmp_path):
    from .test_build import cli

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "b.txt").write_text("Port reopens\n\nThe port reopened on Monday.")
    (folder / "c.txt").write_text("Bridge closes\n\nThe bridge closed for repairs.")
    index_dir = tmp_path / "index"
    assert cli("index", "rebuild", str(folder), "--index-dir", str(index_dir)).returncode == 0
    (folder / "c.txt").unlink()
    result = cli("index", "rebuild", str(folder), "--index-dir", str(index_dir))
    assert (
        "1 articles read: 0 indexed, 0 updated, 1 unchanged, 0 skipped; 1 removed; 0 problems"
        in result.stdout
    )
    assert f"(read from {folder / 'c.txt'})" in result.stderr


def test_the_same_text_under_a_new_id_is_not_indexed_twice_across_runs(tmp_path):
    index_dir = tmp_path / "index"
    rebuild(
        [
            str(
                write_jsonl(
                    tmp_path / "a.jsonl",
                    {"id": "a1", "title": "Dam vote", "body": "The council voted on the dam."},
                )
            )
        ],
        index_dir,
        QUIET,
    )
    report = add(
        [
            str(
                write_jsonl(
                    tmp_path / "b.jsonl",
                    {"id": "b7", "title": "DAM VOTE", "body": "The council  voted on the dam."},
                )
            )
        ],
        index_dir,
        QUIET,
    )
    assert (report.read, report.indexed, len(report.skipped)) == (1, 0, 1) and report.adds_up
    assert "already in the index" in report.skipped[0].message
    assert article_count(index_dir) == 1


def test_an_edited_entry_without_an_id_is_updated_not_duplicated(tmp_path):
    index_dir = tmp_path / "index"
    path = write_jsonl(
        tmp_path / "notes.jsonl",
        {"title": "Dam vote", "body": "The council voted on the dam."},
        {"title": "Same title", "body": "First of two."},
        {"title": "Same title", "body": "Second."},
    )
    report = rebuild([str(path)], index_dir, QUIET)
    assert report.indexed == 3
    write_jsonl(
        path,
        {"title": "Dam vote", "body": "The council voted on the dam on Monday."},
        {"title": "Same title", "body": "First of two."},
        {"title": "Same title", "body": "Second."},
    )
    report = add([str(path)], index_dir, QUIET)
    assert (report.indexed, report.updated, report.unchanged) == (0, 1, 2)
    assert article_count(index_dir) == 3
    assert len(search_ids(index_dir, "Monday")) == 1 and not search_ids(index_dir, '"dam" -Monday')


# 9. languages: detected and stored per article; English NER only on English text


def test_each_article_gets_its_language_and_english_ner_reads_only_english(tmp_path):
    from index import store
    from index.language import detect_language

    german = (
        "Die Bundesregierung hat am Mittwoch in Berlin neue Regeln für den Wohnungsbau beschlossen. Zum Teil "
        "sind die Änderungen umstritten, sagte Ministerin Klara Geywitz. Ihrer Meinung nach werden die Mieten "
        "in den kommenden Jahren weiter steigen, vor allem in München und Hamburg."
    )
    english = (
        "Chancellor Olaf Scholz met President Emmanuel Macron in Paris on Wednesday to discuss energy prices. "
        "The two leaders agreed to coordinate their support for industry, officials from both governments "
        "said after the meeting at the Elysee Palace."
    )
    assert detect_language(german) == "de" and detect_language(english) == "en"
    assert detect_language("Short note.") is None  # too short to be sure
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        {"id": "de1", "title": "Neue Regeln für den Wohnungsbau", "body": german},
        {"id": "en1", "title": "Scholz meets Macron", "body": english},
    )
    index_dir = tmp_path / "index"
    report = rebuild([str(path)], index_dir, QUIET)
    assert report.languages == {"de": 1, "en": 1} and report.without_entities == {"de": 1}
    assert report.ner_articles == 1
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    german_article = client.get(f"/api/articles/{search_ids(index_dir, 'Wohnungsbau')[0]}")
    assert german_article.status_code == 200
    assert german_article.json["people"] == [] and german_article.json["places"] == []
    english_article = client.get(f"/api/articles/{search_ids(index_dir, 'Macron')[0]}").json
    assert "Emmanuel Macron" in english_article["people"]
    meta = json.loads((store.current_generation(index_dir) / "meta.json").read_text())
    assert meta["languages"] == {"de": 1, "en": 1}
    origins = json.loads((store.current_generation(index_dir) / "origins.json").read_text())
    assert sorted(entry[2] for entry in origins["articles"].values()) == ["de", "en"]
    report = rebuild(
        [
            str(path),
            str(
                write_jsonl(
                    tmp_path / "short.jsonl", {"id": 1, "title": "Short", "body": "Too short to tell."}
                )
            ),
        ],
        index_dir,
        QUIET,
    )
    assert report.languages == {"de": 1, "en": 1, "unknown": 1}
    origins = json.loads((store.current_generation(index_dir) / "origins.json").read_text())
    assert sorted(entry[2] for entry in origins["articles"].values()) == ["de", "en", "und"]


def test_an_exact_copy_skipped_at_index_time_answers_on_its_own_id(tmp_path):
    """A copy indexed once under the other's id still answers on its own id: the API gives the article
    kept, the page redirects to it, after a rebuild and after an add that finds another copy; once the
    article kept is removed, the copy's id is gone too."""
    index_dir = tmp_path / "index"
    kept = {"id": "a1", "title": "Dam vote", "body": "The council voted on the dam.", "source": "Wire"}
    wire = write_jsonl(tmp_path / "wire.jsonl", kept, {**kept, "id": "a2"})
    rebuild([str(wire)], index_dir, QUIET)
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    for asked in ("wire/a2", "a2"):
        answer = client.get(f"/api/articles/{asked}")
        assert answer.status_code == 200 and answer.json["id"] == "wire/a1"
    page = client.get("/article/wire/a2")
    assert page.status_code == 302 and page.headers["Location"].endswith("/article/wire/a1")

    later = write_jsonl(tmp_path / "later.jsonl", {**kept, "id": "b7", "title": "DAM VOTE"})
    add([str(later)], index_dir, QUIET)
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    assert client.get("/api/articles/wire/b7").json["id"] == "wire/a1"
    assert client.get("/api/articles/wire/a2").json["id"] == "wire/a1"

    from index.build import remove

    remove(["wire/a1"], index_dir, QUIET)
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    assert client.get("/api/articles/wire/a2").status_code == 404
    assert client.get("/api/articles/wire/b7").status_code == 404

"""What the index used to lose: the dateline a source gives apart from the body, the time of publication,
and how a hard-wrapped body reads on the article page."""

import json
import re
import shutil
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from index.articles import Article, Entities
from index.build import BuildOptions, rebuild
from index.schema import searchable_body
from index.stages.prepare import prepare
from searcher import create_app
from searcher.search import (
    body_paragraphs,
    breaks_mid_sentence,
    display_dateline,
    joined_lines,
    published_at,
    published_label,
)

# --- the pure functions -------------------------------------------------------------------------------


def test_the_dateline_is_indexed_before_the_body_and_only_when_there_is_one():
    assert searchable_body("BRUSSELS, March 17 -", "OPEC believes.") == "BRUSSELS, March 17 -\nOPEC believes."
    assert searchable_body(None, "OPEC believes.") == "OPEC believes."
    assert searchable_body("  ", "OPEC believes.") == "OPEC believes."


@pytest.mark.parametrize(
    ("field", "shown"),
    [
        ("BRUSSELS, March 17 -", "BRUSSELS, March 17"),
        ("  NEW YORK,  April 2 - ", "NEW YORK, April 2"),
        ("TOKYO —", "TOKYO"),
        ("", None),
        (None, None),
        (" - ", None),
    ],
)
def test_a_dateline_is_shown_without_its_trailing_dash(field, shown):
    assert display_dateline(field) == shown


def test_the_time_of_publication_is_kept_when_the_source_gives_one():
    assert published_at(datetime(1987, 4, 2, 13, 5, 7)) == "1987-04-02T13:05:07"
    assert published_at(datetime(1987, 4, 2, 13, 5)) == "1987-04-02T13:05:00"
    assert published_at(datetime(1987, 4, 2)) is None  # a date alone
    assert published_at(None) is None


def test_a_page_shows_the_time_when_known_and_the_day_otherwise():
    assert (
        published_label({"published": "1987-04-02", "published_at": "1987-04-02T13:05:00"})
        == "1987-04-02 13:05"
    )
    assert (
        published_label({"published": "1987-04-02", "published_at": "1987-04-02T13:05:07"})
        == "1987-04-02 13:05:07"
    )
    assert published_label({"published": "1987-04-02", "published_at": None}) == "1987-04-02"
    assert published_label({"published": None, "published_at": None}) is None


ROSE = "The board said on Tuesday that the price of its shares rose"


@pytest.mark.parametrize(
    ("line", "following", "inside"),
    [
        ('In a speech in Luxembourg, Al-Wattari said: "OPEC believes', "...The world energy trade", True),
        ("...The world energy trade should be kept without restrictions", "and should be built around", True),
        (ROSE, ", analysts said.", True),
        ("The operation will raise the supply.", "The traders estimated the surplus.", False),
        ("Background", "The ferry union voted on Monday.", False),  # a heading, then a paragraph
        (ROSE, "Analysts said so.", False),  # a capital: may be a new paragraph
        (ROSE, "    and fell", False),  # an indented line starts a paragraph
        (ROSE, "", False),
        ("Wheat   1.2   1.3", "and more", False),  # a table row
        (ROSE, "wheat   1.2   1.3", False),
        ("nine mths", "shr diluted loss 10.89 dlrs", False),  # short lines of a results table
        ("revs 52.6 mln vs 51.1 mln", "avg shrs 10,234,000 vs 9,936,000", False),
        ("LONDON INTERBANK STERLING OPENING -APRIL 7", "overnight 10-1/4 1/8", False),  # a heading
    ],
)
def test_a_line_break_inside_a_sentence_is_told_from_a_paragraph(line, following, inside):
    assert breaks_mid_sentence(line, following) is inside


REUTERS_LIKE = (
    'OPEC believes prices should be fixed, Al-Wattari said.\nIn a speech, Al-Wattari said: "OPEC believes\n'
    '...The world energy trade should be kept without restrictions\nand should be built around 18 dlrs."\n'
    "But he warned OPEC countries."
)


def test_joining_lines_keeps_the_length_so_offsets_still_point_at_their_words():
    joined = joined_lines(REUTERS_LIKE)
    assert len(joined) == len(REUTERS_LIKE)
    assert joined.split("\n") == [
        "OPEC believes prices should be fixed, Al-Wattari said.",
        'In a speech, Al-Wattari said: "OPEC believes ...The world energy trade should be kept without '
        'restrictions and should be built around 18 dlrs."',
        "But he warned OPEC countries.",
    ]


def spans_of(body: str, *phrases: tuple[str, str, str]) -> list[tuple[int, int, str, str]]:
    return [(body.index(text), body.index(text) + len(text), facet, value) for text, facet, value in phrases]


def test_paragraphs_keep_marks_on_their_words_across_joined_lines():
    spans = spans_of(
        REUTERS_LIKE,
        ("restrictions\nand", "org", "Across A Join"),  # a mark over a joined line break
        ("Al-Wattari", "person", "Abdelaziz Al-Wattari"),
        ("said.\nIn", "place", "Over A Paragraph Break"),  # the rare mark over a paragraph break
    )
    paragraphs = body_paragraphs(REUTERS_LIKE, spans)
    assert len(paragraphs) == 3
    texts = ["".join(segment["text"] for segment in paragraph) for paragraph in paragraphs]
    assert texts == joined_lines(REUTERS_LIKE).split("\n")
    marked = [
        (segment["text"], segment["value"])
        for paragraph in paragraphs
        for segment in paragraph
        if "facet" in segment
    ]
    assert ("restrictions and", "Across A Join") in marked
    assert ("Al-Wattari", "Abdelaziz Al-Wattari") in marked
    # split at the paragraph break, marked on both sides of it
    assert ("said.", "Over A Paragraph Break") in marked and ("In", "Over A Paragraph Break") in marked


def test_blank_lines_make_no_empty_paragraphs():
    assert [[s["text"] for s in p] for p in body_paragraphs("One.\n\n\nTwo.\n", [])] == [["One."], ["Two."]]
    assert body_paragraphs("", []) == []


# --- end to end: every input format, on the article page, in the API and in search -------------------

COMMON_PARAGRAPH = (
    "Pilots guide every ship over ten thousand tonnes through the narrow channel at the mouth of the "
    "river, and the board said the fees had not risen for six years while the cost of its launches, "
    "their crews and their fuel had nearly doubled over the same period."
)
JSONL = [
    {
        "id": "q-1",
        "title": "Harbour board raises pilotage fees",
        "body": "The harbour board raised its pilotage fees by four pct, its chairman Oskar Penhallow\n"
        "said today, citing higher fuel costs.\nThe new fees apply from May. " + COMMON_PARAGRAPH + "",
        "dateline": "QUILLMOUTH, April 2 -",
        "published": "1987-04-02T09:15:00",
        "source": "Test Wire",
    },
    {
        "id": "q-2",
        "title": "Harbour board raises pilotage fees",
        "body": "The harbour board raised its pilotage fees by four pct, its chairman Oskar Penhallow\n"
        "said today, citing higher fuel costs.\nThe new fees apply from May. " + COMMON_PARAGRAPH + "\n"
        "Shipping agents said the rise would be passed on to importers.",
        "dateline": "QUILLMOUTH, April 2 -",
        "published": "1987-04-02T10:01:00",
        "source": "Test Wire",
    },
]
TEXT_FILE = (
    "Ferry timetable changes\n\nMARROWDALE, June 3 - The ferry company changed its summer timetable today.\n"
)
HTML_FILE = """<!DOCTYPE html><html><head><title>Lighthouse keepers return</title>
<meta property="article:published_time" content="2024-03-05T16:40:00"></head><body><article>
<h1>Lighthouse keepers return</h1>
<p>BRISKWATER, March 5 - The coast authority said it would staff three lighthouses again this summer,
after a decade of automatic lights, because storms had damaged the equipment twice this winter.</p>
<p>The keepers will live on the islands from May to September, the authority said in a statement.</p>
</article></body></html>"""
RSS_FILE = """<?xml version="1.0"?><rss version="2.0"><channel><title>Coast Bulletin</title>
<link>https://coast.example/</link><item><title>Canal reopens</title><guid>https://coast.example/1</guid>
<pubDate>Tue, 07 May 2024 08:30:00 GMT</pubDate>
<description>DUNHOLLOW, May 7 - The canal reopened to barges today after repairs.</description></item>
</channel></rss>"""


def write_dateline_corpus(folder: Path) -> list[str]:
    """The invented articles above, one file a format, in ``folder``: the paths to index."""
    (folder / "wire.jsonl").write_text("\n".join(json.dumps(record) for record in JSONL) + "\n")
    (folder / "ferry.txt").write_text(TEXT_FILE)
    (folder / "lighthouse.html").write_text(HTML_FILE)
    (folder / "coast.rss").write_text(RSS_FILE)
    return [str(folder / name) for name in ("wire.jsonl", "ferry.txt", "lighthouse.html", "coast.rss")]


@pytest.fixture(scope="module")
def dateline_index(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("datelines")
    index_dir = folder / "index"
    index_dir.mkdir()
    report = rebuild(write_dateline_corpus(folder), index_dir, BuildOptions(progress=False))
    assert report.indexed == 5, report
    return index_dir


@pytest.fixture(scope="module")
def dateline_client(dateline_index):
    return create_app({"TESTING": True, "INDEX_DIR": str(dateline_index)}).test_client()


def search_ids(client, words: str) -> set[str]:
    answer = client.get("/api/search", query_string={"q": words, "collapse": "false"}).get_json()
    return {hit["id"] for hit in answer["hits"]}


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("quillmouth", {"test-wire/q-1", "test-wire/q-2"}),  # only in the JSON dateline field
        ("marrowdale", None),  # in the body of a text file
        ("briskwater", None),  # of a saved page
        ("dunhollow", None),  # of a feed entry
    ],
)
def test_the_dateline_words_are_searchable_in_every_format(dateline_client, word, expected):
    found = search_ids(dateline_client, word)
    assert len(found) == (len(expected) if expected else 1), found
    if expected:
        assert found == expected


def test_a_word_only_in_datelines_is_a_known_word_not_a_misspelling(dateline_client):
    answer = dateline_client.get("/api/search", query_string={"q": "quillmouht"}).get_json()
    assert answer["suggestion"] == "quillmouth"
    answer = dateline_client.get("/api/search", query_string={"q": "quillmouth"}).get_json()
    assert answer["suggestion"] is None


def test_the_api_gives_the_dateline_and_the_time_of_publication(dateline_client):
    answer = dateline_client.get(
        "/api/search", query_string={"q": "quillmouth", "collapse": "false"}
    ).get_json()
    assert {hit["published_at"] for hit in answer["hits"]} == {"1987-04-02T09:15:00", "1987-04-02T10:01:00"}
    article = dateline_client.get("/api/articles/test-wire/q-1").get_json()
    assert article["dateline"] == "QUILLMOUTH, April 2"
    assert article["published"] == "1987-04-02"
    assert article["published_at"] == "1987-04-02T09:15:00"
    assert "QUILLMOUTH" not in article["body"]  # the body is stored as the source gave it
    times = {version["id"]: version["published_at"] for version in article["versions"]}
    assert times == {"test-wire/q-1": "1987-04-02T09:15:00", "test-wire/q-2": "1987-04-02T10:01:00"}
    feed_entry = dateline_client.get(
        "/api/articles/" + search_ids(dateline_client, "dunhollow").pop()
    ).get_json()
    assert feed_entry["published_at"] == "2024-05-07T08:30:00"
    assert feed_entry["dateline"] is None  # its dateline is in its text, shown there once


class Paragraphs(HTMLParser):
    """The text of each <p> of the article body, and of its dateline."""

    def __init__(self) -> None:
        super().__init__()
        self.paragraphs: list[str] = []
        self.dateline = ""
        self.times: list[tuple[str, str]] = []
        self._in_body = self._in_p = self._in_dateline = False
        self._time: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "div" and attributes.get("class") == "body":
            self._in_body = True
        elif tag == "p" and self._in_body:
            self._in_p = True
            self.paragraphs.append("")
        elif tag == "span" and attributes.get("class") == "dateline":
            self._in_dateline = True
        elif tag == "time":
            self._time = attributes.get("datetime") or ""
            self.times.append((self._time, ""))

    def handle_endtag(self, tag):
        if tag == "div":
            self._in_body = False
        elif tag == "p":
            self._in_p = False
        elif tag == "span":
            self._in_dateline = False
        elif tag == "time":
            self._time = None

    def handle_data(self, data):
        if self._in_p:
            self.paragraphs[-1] += data
        if self._in_dateline:
            self.dateline += data
        if self._time is not None:
            self.times[-1] = (self.times[-1][0], self.times[-1][1] + data)


def read_page(client, url: str) -> Paragraphs:
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = Paragraphs()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def test_the_article_page_sets_the_dateline_before_the_first_paragraph(dateline_client):
    page = read_page(dateline_client, "/article/test-wire/q-1")
    assert page.dateline == "QUILLMOUTH, April 2"
    assert page.paragraphs[0].startswith("QUILLMOUTH, April 2 – The harbour board raised")
    # the wire's line break inside the first sentence is joined; the paragraphs stay apart
    assert "Oskar Penhallow said today, citing higher fuel costs." in page.paragraphs[0]
    assert page.paragraphs[1] == "The new fees apply from May. " + COMMON_PARAGRAPH
    assert len(page.paragraphs) == 2


def test_pages_show_the_time_so_two_versions_of_one_day_are_told_apart(dateline_client):
    page = read_page(dateline_client, "/article/test-wire/q-1")
    assert ("1987-04-02T09:15:00", "1987-04-02 09:15") in page.times  # the article's own
    assert ("1987-04-02T10:01:00", "1987-04-02 10:01") in page.times  # the other version's
    diff = read_page(dateline_client, "/article/test-wire/q-1/diff/test-wire/q-2")
    assert [label for _, label in diff.times] == ["1987-04-02 09:15", "1987-04-02 10:01"]
    api_diff = dateline_client.get("/api/articles/test-wire/q-1/diff/test-wire/q-2").get_json()
    assert (api_diff["first"]["published_at"], api_diff["second"]["published_at"]) == (
        "1987-04-02T09:15:00",
        "1987-04-02T10:01:00",
    )


def test_an_entity_mark_over_a_joined_line_break_lands_on_its_words(dateline_client):
    response = dateline_client.get("/article/test-wire/q-1").get_data(as_text=True)
    names = re.findall(r'<a class="mention mention-person"[^>]*>([^<]*)</a>', response)
    assert "Oskar Penhallow" in names  # the mark before the joined break, on the name itself


def test_the_day_histogram_still_counts_by_day(dateline_client):
    answer = dateline_client.get("/api/search", query_string={"q": "harbour", "collapse": "false"}).get_json()
    assert answer["published_unit"] == "day"
    assert {bar["value"]: bar["count"] for bar in answer["facets"]["published"]} == {"1987-04-02": 2}


def test_a_warm_rebuild_keeps_the_datelines_and_runs_no_ner(dateline_index, tmp_path):
    """The text NER reads has no dateline in it: the annotation cache still answers for every article."""
    again = tmp_path / "index"
    again.mkdir()
    shutil.copy(dateline_index / "annotations.sqlite", again / "annotations.sqlite")
    report = rebuild(write_dateline_corpus(tmp_path), again, BuildOptions(progress=False))
    assert report.indexed == 5
    assert report.ner_articles == 0


def test_an_opensearch_document_searches_its_dateline_and_keeps_it():
    """The OpenSearch document: the dateline kept in ``_source`` (shown, and the search terms made again
    from it), its words among the body's terms; the body itself as the source gave it."""
    from searcher.opensearch_backend import document, search_terms

    article = Article(
        title="Canal reopens",
        body="The canal reopened to barges today after repairs.",
        origin="wire.jsonl:1",
        id="w/1",
        dateline="DUNHOLLOW, May 7 -",
    )
    item = prepare(article, set(), [])
    assert item is not None and "DUNHOLLOW" not in item.ner_text  # what spaCy reads is unchanged
    item.entities = Entities()
    source = document(item, 0)
    assert source["dateline"] == "DUNHOLLOW, May 7 -"
    assert source["body"] == article.body
    assert source["body_terms"][0] == "dunhollow"  # the dateline: a line, so a sentence, of its own
    assert search_terms(source)["body_terms"] == source["body_terms"]  # made again from _source


def test_the_bundled_samples_show_a_dateline(client):
    """The demo shows the feature: a sample JSON Lines entry gives its dateline apart from its body."""
    article = client.get("/api/articles/nordic-wire/nordicwire-020").get_json()
    assert article["dateline"] == "LISBON, April 19"
    assert article["published_at"] == "2024-04-19T10:30:00"
    assert '<span class="dateline">LISBON, April 19</span>' in client.get(
        "/article/nordic-wire/nordicwire-020"
    ).get_data(as_text=True)

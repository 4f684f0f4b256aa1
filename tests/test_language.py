"""Every language handled honestly: the language facet and field, credit lines in any language,
per-language NER pipelines and stemming (issue 19, item 9)."""

import csv
import io
import json
import re

import pytest

from index.build import BuildOptions
from index.clean import clean_body_reporting, is_credit_names, labelled_credit_start
from index.language import UNDETERMINED, language_name

GERMAN_TITLE = "Hamburger Hafen stellt erste Wasserstofffähre vor"
FRENCH_TITLE = "Lyon inaugure un téléphérique au-dessus du Rhône"


def test_language_names_are_readable():
    assert language_name("de") == "German (de)"
    assert language_name("fr") == "French (fr)"
    assert language_name(UNDETERMINED) == "Undetermined"
    assert language_name("qqq") == "qqq"  # a code no table names is shown as it is
    assert language_name("") == ""


def test_language_facet_counts_every_article_of_the_samples(client):
    data = client.get("/api/search").json
    counts = {item["value"]: (item["count"], item["label"]) for item in data["facets"]["language"]}
    assert counts["de"] == (1, "German (de)")
    assert counts["fr"] == (1, "French (fr)")
    assert counts["und"][1] == "Undetermined"
    assert sum(count for count, _ in counts.values()) == data["total"]


def test_language_filter_exclusion_and_query_syntax_agree(client):
    def ids(query_string: str) -> set[str]:
        data = client.get(f"/api/search?{query_string}&per_page=100").json
        return {hit["id"] for hit in data["hits"]}

    german = ids("language=de")
    assert len(german) == 1
    assert ids("q=language:de") == ids("q=LANGUAGE:DE") == ids("language=DE") == german
    everything = ids("")
    assert ids("not_language=en") == ids("q=-language:en") == everything - ids("language=en")
    assert ids("language=de&language=fr") == german | ids("language=fr")
    assert ids("q=hafen&language=fr") == set()
    # a selected language's count is what the click gives
    data = client.get("/api/search?language=de").json
    selected = [item for item in data["facets"]["language"] if item["selected"]]
    assert [(item["value"], item["count"]) for item in selected] == [("de", 1)]
    # all=language is no facet's "all of": an article has one language
    assert client.get("/api/search?language=de&all=language").status_code == 400


def test_hits_and_the_article_api_carry_the_language(client):
    hit = client.get("/api/search?language=fr").json["hits"][0]
    assert hit["language"] == "fr" and hit["title"] == FRENCH_TITLE
    article = client.get(f"/api/articles/{hit['id']}").json
    assert article["language"] == "fr"
    english = client.get("/api/search?language=en&per_page=1").json["hits"][0]
    assert client.get(f"/api/articles/{english['id']}").json["language"] == "en"


def test_other_languages_have_no_entity_facets_without_their_pipeline(client):
    for language in ("de", "fr"):
        hit = client.get(f"/api/search?language={language}").json["hits"][0]
        assert hit["people"] == [] and hit["places"] == [] and hit["orgs"] == [], hit


def test_page_names_languages(client):
    html = client.get("/").get_data(as_text=True)
    facet = html[html.index('id="facet-language"') :]
    assert "German (de)" in facet and "French (fr)" in facet and "Undetermined" in facet
    chosen = client.get("/?not_language=und&language=de").get_data(as_text=True)
    assert re.search(r'class="chip"><span>German \(de\)</span>', chosen)
    assert "Not Languages: Undetermined" in chosen


def test_cli_search_and_exports_give_the_language(client, runner):
    result = runner.invoke(args=["search", "--language", "de"])
    assert result.exit_code == 0, result.output
    assert GERMAN_TITLE in result.stdout and "(German (de))" in result.stdout
    result = runner.invoke(args=["search", "--json", "--not-language", "en"])
    assert {hit["language"] for hit in json.loads(result.stdout)["hits"]} == {"de", "fr", "und"}
    rows = list(csv.DictReader(io.StringIO(client.get("/export.csv?language=fr").get_data(as_text=True))))
    assert [(row["title"], row["language"]) for row in rows] == [(FRENCH_TITLE, "fr")]
    line = client.get("/export.jsonl?language=de").get_data(as_text=True).splitlines()[0]
    assert json.loads(line)["language"] == "de"
    feed = client.get("/feed?language=de").get_data(as_text=True)
    assert 'xml:lang="de"' in feed


# credit lines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["Bild: dpa", "Foto: Reuters/Jana Roth", "Quelle: Elbe-Kurier", "Photo : AFP", "Crédit : Luc Perrin/AFP"],
)
def test_credit_lines_in_any_language_are_found_by_their_shape(line):
    assert labelled_credit_start(line, whole_line=True) == 0
    body = f"Die Stadt will bis 2030 alle Fähren umstellen, sagte die Senatorin.\n{line}"
    cleaned, removed = clean_body_reporting(body)
    assert cleaned == "Die Stadt will bis 2030 alle Fähren umstellen, sagte die Senatorin."
    assert [(r.line, r.why) for r in removed] == [(line, "photo credit")]


def test_a_credit_after_a_caption_goes_and_the_caption_stays():
    line = "Senatorin Katrin Albers auf der neuen Fähre. Foto: dpa"
    assert line[: labelled_credit_start(line, whole_line=False)].rstrip() == (
        "Senatorin Katrin Albers auf der neuen Fähre."
    )


@pytest.mark.parametrize(
    "line",
    [
        "He said: we will meet",  # words of a sentence
        "Er sagte: Nein.",  # ends as a sentence does
        "Note: BII Enterprises Inc",  # a company's full name (Reuters)
        "NOTE: Full name is Franklin Insured Tax-Free Income Fund.",
        "Warnung: Die Fähre fährt heute nicht nach Finkenwerder",  # too many words for names
    ],
)
def test_lines_that_are_not_credits_stay(line):
    assert labelled_credit_start(line, whole_line=True) is None
    body = f"Die Stadt will bis 2030 alle Fähren umstellen, sagte die Senatorin.\n{line}"
    assert clean_body_reporting(body)[0].endswith(line)


def test_a_labelled_line_in_a_table_is_not_a_credit():
    table = "SINGAPORE RUBBER NOON\nMAY 163.50 164.50\nJUNE 163.50 164.50\nTONE: QUIET"
    assert clean_body_reporting(table) == (table, [])


def test_credit_names():
    assert is_credit_names("dpa") and is_credit_names("Reuters | AFP") and is_credit_names("J. Roth")
    assert not is_credit_names("see here") and not is_credit_names("Reuters.")


def test_sample_credit_lines_are_removed_from_the_german_and_french_pages(client):
    for language, credit in (("de", "Bild:"), ("fr", "Photo :")):
        hit = client.get(f"/api/search?language={language}").json["hits"][0]
        body = client.get(f"/api/articles/{hit['id']}").json["body"]
        assert credit not in body and body.rstrip().endswith(".")


def test_recover_keeps_each_article_language(writable_index):
    from index.integrity import recover_index
    from searcher import create_app

    recover_index(writable_index, BuildOptions(progress=False))
    client = create_app({"TESTING": True, "INDEX_DIR": str(writable_index)}).test_client()
    counts = {item["value"]: item["count"] for item in client.get("/api/search").json["facets"]["language"]}
    assert counts["de"] == 1 and counts["fr"] == 1

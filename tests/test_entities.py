"""Entity pages: one person, place, country or organization across the archive."""

import re

from searcher.backend import association


def test_association_prefers_telling_companions_to_frequent_ones():
    # in 100 of 10,000 articles: a name in 40 of them and 400 overall beats one in 60 and 5,000 overall
    telling = association(40, 100, 400, 10_000)
    frequent = association(60, 100, 5_000, 10_000)
    assert telling > frequent > 0
    assert association(1, 100, 1, 10_000) == 0  # seen once: no evidence
    assert association(1, 100, 5_000, 10_000) == 0  # less often than chance


def test_the_api_describes_an_entity(client):
    data = client.get("/api/entities/person/mara%20lindqvist").get_json()
    assert data["value"] == "Mara Lindqvist"
    total = client.get("/api/search?person=Mara+Lindqvist").get_json()["total"]
    assert data["total"] == total == sum(m["count"] for m in data["timeline"]) + data["undated"]
    assert len(data["latest"]) == min(10, total)
    latest = [a["published"] for a in data["latest"] if a["published"]]
    assert latest == sorted(latest, reverse=True)
    for facet, companions in data["companions"].items():
        for item in companions:  # each count is the articles naming both, as a search finds them
            url = f"/api/search?person=Mara+Lindqvist&{facet}={item['value']}&all={facet}"
            both = client.get(url).get_json()["total"]
            assert item["count"] == both, (facet, item)
    assert "Mara Lindqvist" not in [c["value"] for c in data["companions"]["person"]]
    assert any(w["text"] == "Lindqvist" for w in data["written_as"])  # how articles wrote her
    assert client.get("/api/entities/person/Nobody%20Here").status_code == 404
    assert client.get("/api/entities/nope/x").status_code == 404


def test_the_page_shows_the_entity_and_links_to_its_search(client):
    html = client.get("/person/Mara%20Lindqvist").get_data(as_text=True)
    assert "<h1>Mara Lindqvist</h1>" in html and 'class="histogram tall"' in html
    assert 'href="/?collapse=false&amp;person=Mara+Lindqvist">Search these articles</a>' in html
    assert client.get("/person/Nobody%20Here").status_code == 404


def test_each_number_on_the_page_is_what_its_link_finds(reuters_head_index):
    """The page counts articles: "named in N articles" and each month's bar open searches that find
    exactly N (they counted stories: on Reuters a bar of 32 articles opened "29 stories"). Checked on
    the entities of Reuters' first thousand articles that some story names in two versions."""
    from html import unescape

    from searcher import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(reuters_head_index)}).test_client()
    facets = client.get("/api/search?collapse=false").get_json()["facets"]
    in_versions = [
        (facet, item["value"])
        for facet in ("person", "org", "country")
        for item in facets[facet][:30]
        if client.get("/api/search", query_string={facet: item["value"]}).get_json()["total"] < item["count"]
    ]
    assert len(in_versions) >= 3
    for facet, value in in_versions[:6]:
        html = client.get(f"/{facet}/{value}").get_data(as_text=True)
        named = re.search(r"named in <strong>([\d,]+)</strong> articles? · <a href=\"([^\"]+)\"", html)
        assert named is not None, value
        shown = [(named.group(2), named.group(1))]
        shown += re.findall(
            r'<li><a href="([^"]+)"><span class="bar[^"]*"></span><span class="tip[^"]*">[^:<]+: ([\d,]+) art',
            html,
        )
        assert len(shown) > 1, value
        for href, count in shown:
            query = unescape(href).split("?", 1)[1]
            assert client.get(f"/api/search?{query}").get_json()["total"] == int(count.replace(",", "")), href


def test_each_companion_count_opens_the_articles_naming_both(client):
    """On the entity page the number beside a companion links to the search it counts, not to the
    companion's own page (which counts every article naming the companion)."""
    from html import unescape

    html = client.get("/person/Mara%20Lindqvist").get_data(as_text=True)
    links = re.findall(r'<a class="count" href="([^"]+)"[^>]*>(\d+)</a>', html)
    assert len(links) >= 3
    for href, count in links:
        query = unescape(href).split("?", 1)[1]
        assert client.get(f"/api/search?{query}").get_json()["total"] == int(count), href


def test_entity_marks_and_facet_values_link_to_entity_pages(client):
    article = client.get("/article/nordic-wire/nordicwire-017").get_data(as_text=True)
    marks = re.findall(r'<a class="mention mention-(\w+)" href="([^"]+)"', article)
    assert marks and all(href.startswith(f"/{facet}/") for facet, href in marks)
    for _, href in marks:
        assert client.get(href).status_code == 200, href
    search = client.get("/").get_data(as_text=True)
    abouts = re.findall(r'<a class="about" href="([^"]+)"', search)
    assert "/person/Mara%20Lindqvist" in abouts


def test_ner_is_loaded_without_the_components_it_does_not_need():
    from index.entities import components_ner_does_without

    def config(ner_embedding: str, **components: str) -> dict:
        return {
            "nlp": {"pipeline": [*components, "ner"]},
            "components": {
                **{name: {"factory": factory} for name, factory in components.items()},
                "ner": {"factory": "ner", "model": {"tok2vec": {"@architectures": ner_embedding}}},
            },
        }

    # en_core_web_sm: NER has its own embedding, so the shared one goes too
    small = config("spacy.Tok2Vec.v2", tok2vec="tok2vec", tagger="tagger", parser="parser")
    assert components_ner_does_without(small) == ["tok2vec", "tagger", "parser"]
    # md, lg and trf pipelines: NER listens to the shared layer, which stays
    listening = config("spacy.Tok2VecListener.v1", tok2vec="tok2vec", parser="parser")
    assert components_ner_does_without(listening) == ["parser"]
    assert components_ner_does_without(
        config("spacy-transformers.TransformerListener.v1", transformer="transformer", tagger="tagger")
    ) == ["tagger"]
    # not sure what a component sourced from another pipeline needs, or no NER at all: nothing is left out
    sourced = config("spacy.Tok2Vec.v2", tok2vec="tok2vec")
    sourced["components"]["tok2vec"] = {"source": "en_core_web_md"}
    assert components_ner_does_without(sourced) == []
    assert components_ner_does_without({"nlp": {"pipeline": ["tagger"]}, "components": {}}) == []
    assert components_ner_does_without({}) == []


def test_a_place_page_says_and_links_its_country(client):
    facets = client.get("/api/search").get_json()["facets"]["place"]
    place = next(v for v in facets if v.get("country") and v["country"] != v["value"])
    data = client.get(f"/api/entities/place/{place['value']}").get_json()
    assert data["country"] == place["country"]
    html = client.get(f"/place/{place['value']}").get_data(as_text=True)
    link = re.search(r'<p class="meta">Place in <a class="country" href="([^"]+)">([^<]+)</a>', html)
    assert link and link.group(2) == place["country"]
    assert client.get(link.group(1)).status_code == 200
    country = client.get(f"/api/entities/country/{place['country']}").get_json()
    assert country["country"] is None  # only a place page names a country


def test_an_acronym_finds_the_value_it_spells(client):
    from index.normalize import initials

    orgs = client.get("/api/search").get_json()["facets"]["org"]
    named = next(v for v in orgs if len(initials(v["value"])) >= 2 and " " in v["value"])
    acronym = initials(named["value"]).upper()
    assert client.get(f"/api/search?org={acronym}").get_json()["total"] == named["count"]
    assert client.get(f"/api/search?q=org:{acronym}").get_json()["total"] == named["count"]
    assert client.get(f"/api/entities/org/{acronym}").get_json()["value"] == named["value"]
    assert client.get(f"/org/{acronym}").status_code == 200
    assert client.get("/api/search?org=QXZW").get_json()["total"] == 0  # spells nothing

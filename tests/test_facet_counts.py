"""The count beside a facet value is what clicking it gives, on a real index whose places differ only by
accents ("San Jose" in California, "San José" in Costa Rica; "Bogota", New Jersey and "Bogotá"): the filter
ignores case and accents, so two such values would each click through to both."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.build import BuildOptions, rebuild
from index.columns import facet_key
from searcher import create_app

from .test_properties import oracle, slow_examples

FACETS = ("person", "place", "country", "org")


def _article(n: int, dateline: str, body: str) -> dict:
    return {
        "id": f"twin-{n}",
        "title": f"Vellane report number {n}",
        "body": body,
        "dateline": dateline,
        "published": f"1987-03-{n + 1:02d}T12:00:00",
        "source": "Reuters",
    }


TWINS = [
    *(
        _article(
            n, "SAN JOSE, Calif., March 3", f"Vellane Systems Inc of San Jose said its sales rose {n} pct."
        )
        for n in range(3)
    ),
    *(
        _article(
            n, "SAN JOSE, Costa Rica, March 4", f"Costa Rica's coffee exports rose {n} pct, officials said."
        )
        for n in range(3, 5)
    ),
    _article(5, "BOGOTA, N.J., March 5", "Del-Vellane Financial Corp set a monthly dividend."),
    *(
        _article(n, "BOGOTA, March 6", f"Colombia's coffee output rose {n} pct in Bogotá, officials said.")
        for n in range(6, 9)
    ),
]


@pytest.fixture(scope="module")
def twins_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("twins")
    (folder / "twins.jsonl").write_text("".join(json.dumps(a) + "\n" for a in TWINS), encoding="utf-8")
    rebuild([str(folder / "twins.jsonl")], folder / "index", BuildOptions(progress=False))
    return folder / "index"


@pytest.fixture(scope="module")
def twins(twins_index):
    app = create_app({"TESTING": True, "INDEX_DIR": str(twins_index)})
    articles = oracle(twins_index)
    values = sorted({(facet, v) for article in articles.values() for facet in FACETS for v in article[facet]})
    return app.test_client(), articles, values


def test_the_twins_are_places_of_their_own_countries(twins):
    _, articles, values = twins
    places = [v for facet, v in values if facet == "place"]
    assert len({facet_key(p) for p in places}) == len(places)  # no two a filter matches alike
    countries = {a["id"]: a["country"] for a in ({"id": i, **x} for i, x in articles.items())}
    assert countries["reuters/twin-0"] == {"United States"}
    assert countries["reuters/twin-3"] == {"Costa Rica"}
    assert countries["reuters/twin-5"] == {"United States"}
    assert countries["reuters/twin-6"] == {"Colombia"}


def test_every_value_clicks_through_to_its_count(twins):
    client, articles, values = twins

    @slow_examples(len(values) * 2)
    @given(st.sampled_from(values), st.sampled_from(["true", "false"]))
    def check(value, collapse):
        facet, name = value
        listed = client.get(
            f"/api/facets/{facet}", query_string={"contains": name, "collapse": collapse}
        ).json
        shown = next(v["count"] for v in listed["values"] if v["value"] == name)
        clicked = client.get("/api/search", query_string={facet: name, "collapse": collapse}).json
        assert clicked["total"] == shown, (facet, name)
        if collapse == "false":
            assert shown == sum(1 for article in articles.values() if name in article[facet]), (facet, name)

    check()

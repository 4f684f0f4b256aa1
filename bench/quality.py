#!/usr/bin/env python3
"""The facet-quality benchmark: people and places read back from a served index, scored against labels
no one on this project wrote.

    python bench/quality.py              # index the evaluation texts, serve them, score the facets
    python bench/quality.py --raw        # also score spaCy's own entity strings (the free baseline)
    python bench/quality.py --dump F     # and write every document's predictions and gold to F

- places: the first 1,000 tagged articles of Reuters-21578's TRAIN split, spread evenly over the file,
  with their ``dateline`` and ``published`` fields, against the Reuters editors' PLACES tags (country
  codes). A tag is found when a place value of the article or its country names that country (historic
  names map: ``ussr`` = Soviet Union, ``west-germany`` = Germany or West Germany); a country the facet names
  that is not tagged counts against precision.
- people: the CoNLL-2003 English development set (``testa``), one document per ``-DOCSTART-``: the set of
  person-facet values against the gold PER names, both lower-cased, possessives and a leading "the"
  dropped, a lone surname folded into a full name ending in it in the same document.

The texts go through the real command line (``searcher index rebuild``) into an index directory kept
between runs (its NER cache makes a second run take seconds), are served by ``searcher serve`` on a free
port, and every article's facets are read from ``GET /api/articles/<id>``. Results go to
``bench/results/quality-latest.json``. Country names come from ``pycountry`` (ISO 3166), so the product's
own gazetteer is never what it is graded against.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
RESULTS = ROOT / "bench" / "results"
DEFAULT_WORK = Path(tempfile.gettempdir()) / "newsfacets-quality"
SAMPLE = 1000

# Reuters' 1987 country codes whose names an ISO list of today does not give (or gives differently).
HISTORIC_NAMES = {
    "usa": {"united states", "united states of america", "usa", "us", "u.s.", "america"},
    "uk": {"united kingdom", "uk", "britain", "great britain", "u.k.", "england", "scotland", "wales"},
    "west-germany": {"germany", "west germany", "federal republic of germany"},
    "east-germany": {"germany", "east germany", "german democratic republic"},
    "ussr": {"soviet union", "ussr", "russia", "russian federation", "u.s.s.r."},
    "yugoslavia": {"yugoslavia", "serbia"},
    "czechoslovakia": {"czechoslovakia", "czech republic", "czechia"},
    "zaire": {
        "zaire",
        "congo, the democratic republic of the",
        "democratic republic of the congo",
        "dr congo",
    },
    "kampuchea": {"kampuchea", "cambodia"},
    "burma": {"burma", "myanmar"},
    "ivory-coast": {"ivory coast", "cote d'ivoire", "côte d'ivoire"},
    "uae": {"united arab emirates", "uae"},
    "south-korea": {"south korea", "korea, republic of", "republic of korea", "korea"},
    "north-korea": {"north korea", "korea, democratic people's republic of"},
    "taiwan": {"taiwan", "taiwan, province of china"},
    "iran": {"iran", "iran, islamic republic of"},
    "syria": {"syria", "syrian arab republic"},
    "vietnam": {"vietnam", "viet nam"},
    "yemen-arab-republic": {"yemen", "north yemen"},
    "yemen-demo-republic": {"yemen", "south yemen"},
    "western-samoa": {"samoa", "western samoa"},
    "hong-kong": {"hong kong"},
    "macao": {"macao", "macau"},
    "trinidad-tobago": {"trinidad and tobago", "trinidad"},
    "swaziland": {"swaziland", "eswatini"},
    "vatican": {"vatican", "holy see", "vatican city"},
    "tanzania": {"tanzania", "tanzania, united republic of"},
    "bolivia": {"bolivia", "bolivia, plurinational state of"},
    "venezuela": {"venezuela", "venezuela, bolivarian republic of"},
    "laos": {"laos", "lao people's democratic republic"},
    "cape-verde": {"cape verde", "cabo verde"},
}


# scoring -------------------------------------------------------------------------------------------
def comparable_name(name: str) -> str:
    """Lower case, without a possessive or a leading "the": how a value and a gold name are compared."""
    name = re.sub(r"['’]s$", "", name.strip()).lower()
    return re.sub(r"^the ", "", name)


def country_names(code: str) -> set[str]:
    """Every name a Reuters country code goes by: its historic names and its ISO names."""
    import pycountry

    names = set(HISTORIC_NAMES.get(code, set())) | {code.replace("-", " ")}
    try:
        country = pycountry.countries.lookup(code.replace("-", " "))
    except LookupError:
        return names
    return names | {
        getattr(country, attr).lower()
        for attr in ("name", "official_name", "common_name")
        if getattr(country, attr, None)
    }


def all_country_names() -> set[str]:
    import pycountry

    names = set().union(*HISTORIC_NAMES.values())
    for country in pycountry.countries:
        names.add(country.name.lower())
        if hasattr(country, "common_name"):
            names.add(country.common_name.lower())
    return names


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "p": round(self.precision, 4),
            "r": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.true_positives,
            "fp": self.false_positives,
            "fn": self.false_negatives,
        }


def score_places(predicted: dict[str, set[str]], gold: dict[str, list[str]]) -> Score:
    """Per article: each tagged country named by a place value or a country is found; each country
    named that is not tagged is a false positive."""
    every_country = all_country_names()
    names_of = {code: country_names(code) for codes in gold.values() for code in codes}
    tp = fp = fn = 0
    for article_id, codes in gold.items():
        got = {comparable_name(v) for v in predicted.get(article_id, set())}
        found = {code for code in codes if names_of[code] & got}
        tp += len(found)
        fn += len(codes) - len(found)
        tagged = set().union(*(names_of[code] for code in codes))
        fp += len({name for name in got if name in every_country and name not in tagged})
    return Score(tp, fp, fn)


def score_people(predicted: dict[str, set[str]], gold: dict[str, set[str]]) -> Score:
    tp = fp = fn = 0
    for doc_id, names in gold.items():
        got = {comparable_name(v) for v in predicted.get(doc_id, set())}
        tp += len(got & names)
        fp += len(got - names)
        fn += len(names - got)
    return Score(tp, fp, fn)


# the evaluation texts ------------------------------------------------------------------------------
def reuters_sample(reuters: Path, labels: Path, sample: int) -> tuple[list[dict], dict[str, list[str]]]:
    """The tagged articles with a body, every n-th of them so ``sample`` are spread over the file."""
    tags = {}
    with open(labels, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["places"]:
                tags[record["id"]] = record["places"]
    with open(reuters, encoding="utf-8") as lines:
        articles = [a for a in map(json.loads, lines) if a["id"] in tags and a["body"].strip()]
    step = max(1, len(articles) // sample)
    articles = articles[::step][:sample]
    keep = ("id", "title", "body", "dateline", "published")
    return [{k: a[k] for k in keep if k in a} for a in articles], {a["id"]: tags[a["id"]] for a in articles}


def detokenize(tokens: Iterable[str]) -> str:
    """CoNLL tokens back into text as a reader would see it ("U.S. 's" -> "U.S.'s", "( 0-1 )" -> "(0-1)")."""
    text = ""
    for token in tokens:
        if token == "\n":
            text += "\n"
        elif (
            not text or text.endswith(("\n", "(", "[", "$")) or re.match(r"^[.,;:!?%)'\]]|^'s$|^n't$", token)
        ):
            text += token
        else:
            text += " " + token
    return text


def fold_surnames(names: Iterable[str]) -> set[str]:
    """Gold names compared as the facet shows them: a lone surname of a full name in the document goes."""
    names = {comparable_name(n) for n in names}
    full = [n for n in names if " " in n]
    return {n for n in names if " " in n or not any(f.split()[-1] == n for f in full)}


def conll_documents(path: Path) -> tuple[list[dict], dict[str, set[str]]]:
    """Each ``-DOCSTART-`` document as an article (sentences one per line) and its gold PER names."""
    documents: list[dict] = []
    gold: dict[str, set[str]] = {}
    tokens: list[str] = []
    people: list[str] = []
    inside_person = False

    def finish() -> None:
        if tokens:
            doc_id = f"conll-{len(documents) + 1}"
            documents.append({"id": doc_id, "title": "", "body": detokenize(tokens)})
            gold[doc_id] = fold_surnames(people)

    with open(path, encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if not parts:
                if tokens and tokens[-1] != "\n":
                    tokens.append("\n")
                inside_person = False
                continue
            if parts[0] == "-DOCSTART-":
                finish()
                tokens, people, inside_person = [], [], False
                continue
            word, tag = parts[0], parts[-1]
            tokens.append(word)
            if tag.endswith("PER"):
                if inside_person and tag.startswith("I-"):
                    people[-1] += " " + word
                else:
                    people.append(word)
                inside_person = True
            else:
                inside_person = False
    finish()
    return documents, gold


# the product, through its command line and API -----------------------------------------------------
def build_index(texts: Path, index_dir: Path) -> dict:
    from tests.searcher_cli import run_searcher  # once ROOT is on the path (see main)

    result = run_searcher(
        "index", "rebuild", "--index-dir", str(index_dir), "--json", str(texts), timeout=None
    )
    if result.returncode != 0:
        raise SystemExit(f"searcher index rebuild failed:\n{result.stderr}")
    return json.loads(result.stdout)


def served_facets(index_dir: Path, ids: list[str]) -> dict[str, dict]:
    """Every article's people and places as ``GET /api/articles/<id>`` of a running server gives them."""
    from tests.searcher_cli import start_server, stop_server  # once ROOT is on the path (see main)

    server, base = start_server(index_dir, seconds=60)
    try:
        facets = {}
        for doc_id in ids:
            url = f"{base}/api/articles/{urllib.parse.quote(doc_id, safe='')}"
            try:
                facets[doc_id] = json.load(urllib.request.urlopen(url, timeout=30))
            except urllib.error.HTTPError as error:
                print(f"{doc_id}: {error}", file=sys.stderr)
                facets[doc_id] = {}
        return facets
    finally:
        stop_server(server)


def place_values(article: dict) -> set[str]:
    values = set()
    for place in article.get("places", []):
        values.add(place["value"])
        if place.get("country"):
            values.add(place["country"])
    return values


def raw_spacy_values(documents: list[dict], labels: set[str]) -> dict[str, set[str]]:
    """spaCy's entity strings, untouched, over the text as the reader sees it (headline, dateline, body)."""
    import spacy

    from index.entities import pipeline_name

    nlp = spacy.load(pipeline_name(), exclude=["parser", "lemmatizer"])
    texts = (
        f"{d['title']}\n" + (f"{d['dateline']} - " if d.get("dateline") else "") + d["body"]
        for d in documents
    )
    return {
        d["id"]: {e.text for e in doc.ents if e.label_ in labels}
        for d, doc in zip(documents, nlp.pipe(texts, batch_size=64), strict=False)
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reuters", type=Path, default=CORPORA / "reuters21578.jsonl")
    parser.add_argument(
        "--reuters-labels", type=Path, default=CORPORA / "labels" / "reuters-places-train.jsonl"
    )
    parser.add_argument("--conll", type=Path, default=CORPORA / "labels" / "conll2003-eng.testa")
    parser.add_argument("--sample", type=int, default=SAMPLE, help="Reuters articles, spread evenly (1000)")
    parser.add_argument(
        "--work",
        type=Path,
        default=DEFAULT_WORK,
        help=f"where the texts and the index go; kept for the next run's NER cache ({DEFAULT_WORK})",
    )
    parser.add_argument("--raw", action="store_true", help="also score spaCy's raw entity strings")
    parser.add_argument(
        "--dump", type=Path, help="write each document's predictions and gold here (JSON Lines)"
    )
    parser.add_argument(
        "--export", type=Path, help="only write the evaluation texts here (JSON Lines) and stop"
    )
    args = parser.parse_args()
    for path in (args.reuters, args.reuters_labels, args.conll):
        if not path.is_file():
            raise SystemExit(f"not found: {path}")

    reuters, places_gold = reuters_sample(args.reuters, args.reuters_labels, args.sample)
    conll, people_gold = conll_documents(args.conll)
    documents = reuters + conll
    texts = args.export or args.work / "texts.jsonl"
    texts.parent.mkdir(parents=True, exist_ok=True)
    with open(texts, "w", encoding="utf-8") as out:
        out.writelines(json.dumps(document) + "\n" for document in documents)
    if args.export:
        print(f"{len(reuters)} Reuters articles + {len(conll)} CoNLL documents written to {texts}")
        return

    started = time.monotonic()
    report = build_index(texts, args.work / "index")
    build_seconds = time.monotonic() - started
    # the index knows an article by its own id within its file (``texts-jsonl-…/conll-7``)
    from index.articles import scoped_article_id

    served_ids = {d["id"]: scoped_article_id(d["id"], None, str(texts)) for d in documents}
    served = served_facets(args.work / "index", list(served_ids.values()))
    places_found = {d["id"]: place_values(served[served_ids[d["id"]]]) for d in reuters}
    people_found = {d["id"]: set(served[served_ids[d["id"]]].get("people", [])) for d in conll}
    results = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "reuters_articles": len(reuters),
        "conll_documents": len(conll),
        "build_seconds": round(build_seconds, 1),
        "ner_articles": report.get("ner_articles"),
        "places": score_places(places_found, places_gold).as_dict(),
        "people": score_people(people_found, people_gold).as_dict(),
    }
    if args.raw:
        results["raw_spacy"] = {
            "places": score_places(raw_spacy_values(reuters, {"GPE", "LOC"}), places_gold).as_dict(),
            "people": score_people(raw_spacy_values(conll, {"PERSON"}), people_gold).as_dict(),
        }
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            out.writelines(
                json.dumps(
                    {
                        "kind": "place",
                        "id": d["id"],
                        "gold": places_gold[d["id"]],
                        "pred": sorted(places_found[d["id"]]),
                        "dateline": d.get("dateline"),
                        "text": d["title"] + "\n" + d["body"][:600],
                    }
                )
                + "\n"
                for d in reuters
            )
            out.writelines(
                json.dumps(
                    {
                        "kind": "person",
                        "id": d["id"],
                        "gold": sorted(people_gold[d["id"]]),
                        "pred": sorted(comparable_name(v) for v in people_found[d["id"]]),
                        "text": d["body"][:600],
                    }
                )
                + "\n"
                for d in conll
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "quality-latest.json").write_text(json.dumps(results, indent=2) + "\n")
    for kind, label in (
        ("places", f"places (Reuters country tags, {len(reuters)} articles)"),
        ("people", f"people (CoNLL-2003 testa, {len(conll)} documents)"),
    ):
        s = results[kind]
        line = f"{label}: P={s['p']:.3f} R={s['r']:.3f} F1={s['f1']:.3f}"
        if args.raw:
            raw = results["raw_spacy"][kind]
            line += f"   (raw spaCy: P={raw['p']:.3f} R={raw['r']:.3f} F1={raw['f1']:.3f})"
        print(line)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()

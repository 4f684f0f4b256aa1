"""Stage 8, metadata: the generation's vocabulary, places, fingerprints, boilerplate and ``meta.json``
(written last: it records the size and checksum of every other file), and the statistics read back from them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from .. import store
from ..articles import Entities
from ..schema import WORDS_FILE, document_words, searchable_body
from .prepare import PreparedArticle, annotated_entities
from .report import BuildReport


def count_vocabulary(entities: Iterable[Entities]) -> dict[str, Counter]:
    vocabulary: dict[str, Counter] = {
        "person": Counter(),
        "place": Counter(),
        "org": Counter(),
        "country": Counter(),
        "mentioned": Counter(),
    }
    for item in entities:
        vocabulary["person"].update(set(item.people))
        vocabulary["place"].update({p.name for p in item.places})
        vocabulary["org"].update(set(item.orgs))
        vocabulary["country"].update(set(item.countries))
        vocabulary["mentioned"].update({iso[:7] for iso in item.mentioned})
    return vocabulary


def places_of(generation: Path | None) -> dict[str, str | None]:
    """Each place value of a generation, with the one country it is shown in."""
    return store.read_json(generation / "places.json") if generation else {}


def place_countries(previous: Path | None, prepared: list[PreparedArticle]) -> dict[str, str | None]:
    """Each place value's country: the one the previous generation gives it, else the country most of
    the articles place it in (normalization gives a value one country: ``place_values_by_country``)."""
    countries = places_of(previous)
    placed: dict[str, Counter[str | None]] = {}
    for item in prepared:
        for place in set(annotated_entities(item).places):
            placed.setdefault(place.name, Counter())[place.country] += 1
    for name, counts in placed.items():
        if name not in countries:
            countries[name] = max(counts, key=lambda c: (counts[c], c is not None, c or ""))
    return countries


def write_metadata(
    generation: Path,
    report: BuildReport,
    vocabulary: dict[str, Counter],
    countries: dict,
    fingerprints: dict,
    recurring: dict[str, set[str]],
    published_span: tuple[str | None, str | None],
    languages: Counter | None = None,
    entities_by_language: dict[str, dict[str, int]] | None = None,
    linked_from: Path | None = None,
) -> None:
    """``linked_from``: the generation an add hard-linked its unchanged files from
    (``store.generation_manifest``)."""
    clean_vocabulary = {
        facet: {v: c for v, c in counts.most_common() if c > 0} for facet, counts in vocabulary.items()
    }
    store.write_json_atomic(generation / "vocabulary.json", clean_vocabulary)
    store.write_json_atomic(
        generation / "places.json",
        {k: v for k, v in countries.items() if k in clean_vocabulary.get("place", {})},
    )
    store.write_json_atomic(generation / "fingerprints.json", fingerprints)
    store.write_json_atomic(
        generation / "boilerplate.json", {g: sorted(lines) for g, lines in recurring.items()}
    )
    store.write_json_atomic(
        generation / store.META,
        {
            "pipeline": report.pipeline,
            "built_at": datetime.now().isoformat(timespec="seconds"),
            "articles": len(fingerprints),  # every article of the generation has one
            "published_first": published_span[0],
            "published_last": published_span[1],
            "languages": dict((languages or Counter()).most_common()),  # of the detected ones
            **(entities_by_language or {}),  # per language: articles a pipeline read, and none could
            store.FILES: store.generation_manifest(
                generation, linked_from
            ),  # written last, so it covers every other file
        },
    )


def published_span(prepared: list[PreparedArticle], previous_meta: dict) -> tuple[str | None, str | None]:
    days = [i.article.published.date().isoformat() for i in prepared if i.article.published]
    days += [d for d in (previous_meta.get("published_first"), previous_meta.get("published_last")) if d]
    return (min(days), max(days)) if days else (None, None)


def index_stats(index_dir: Path) -> dict:
    generation = store.require_current_generation(Path(index_dir))
    store.verify_generation(generation)
    meta = store.read_json(generation / store.META)
    vocabulary = store.read_json(generation / "vocabulary.json")
    return {
        "index_dir": str(index_dir),
        "generation": generation.name,
        "articles": meta.get("articles", 0),
        "facet_values": {facet: len(values) for facet, values in vocabulary.items()},
        "top_values": {facet: list(values.items())[:5] for facet, values in vocabulary.items()},
        "published_first": meta.get("published_first"),
        "published_last": meta.get("published_last"),
        "size_bytes": store.directory_size(generation),
        "pipeline": meta.get("pipeline"),
        "languages": meta.get("languages", {}),
        "with_entities": meta.get("with_entities", {}),  # language -> articles a spaCy pipeline read
        "without_entities": meta.get("without_entities", {}),  # language -> articles no pipeline could
        "built_at": meta.get("built_at"),
    }


def write_word_counts(generation: Path, baseline: Counter, written: Iterable[PreparedArticle]) -> None:
    """How many articles hold each word ("did you mean", headline case): the baseline's plus the written."""
    words = Counter(baseline)
    words.update(document_words(f"{i.title} {searchable_body(i.article.dateline, i.body)}" for i in written))
    store.write_json_atomic(generation / WORDS_FILE, {w: n for w, n in words.items() if n > 0})

"""``source:`` typed in the query box, on both engines: a source named in any case (``source:reuters``
finds the articles of "Reuters"; it found none, silently), and a source the index does not hold said
above the results, with the index's sources it is close to, rather than a silent 0."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from whoosh.query import AndNot, Not, Prefix, Term

SOURCE_FIELD = "source"


def is_typed_source(query: Any) -> bool:
    """A ``source:`` term or prefix of the parsed query."""
    return isinstance(query, (Term, Prefix)) and getattr(query, "fieldname", None) == SOURCE_FIELD


def sources_named(query: Any, sources: Iterable[str]) -> list[str]:
    """The index's ``sources`` a typed ``source:`` term names in any case (a prefix: that begin so)."""
    typed = str(query.text).casefold()
    if isinstance(query, Prefix):
        return [source for source in sources if source.casefold().startswith(typed)]
    return [source for source in sources if source.casefold() == typed]


def typed_sources(query: Any, excluded: bool = False) -> dict[tuple[str, bool], Any]:
    """The ``source:`` terms and prefixes of a parsed query, each once, by how it was typed and whether
    it is left out (``-source:x``, ``NOT source:x``)."""
    if is_typed_source(query):
        typed = f"{query.text}{'*' if isinstance(query, Prefix) else ''}"
        return {(typed, excluded): query}
    if isinstance(query, Not):
        return typed_sources(query.query, not excluded)
    if isinstance(query, AndNot):
        return {**typed_sources(query.a, excluded), **typed_sources(query.b, not excluded)}
    found: dict[tuple[str, bool], Any] = {}
    for sub in query.children():
        found.update(typed_sources(sub, excluded))
    return found


def close_sources(typed: str, sources: Iterable[str], listed: int = 3) -> list[str]:
    """The sources ``typed`` is close to, closest first: as a whole (``reuter``: Reuters) or to one of
    their words (``nordik``: Nordic Wire)."""

    def closeness(source: str) -> float:
        folded = source.casefold()
        return max(
            difflib.SequenceMatcher(None, typed.casefold(), folded).ratio() / 0.6,
            *(
                difflib.SequenceMatcher(None, typed.casefold(), word).ratio() / 0.75
                for word in folded.split()
            ),
        )

    scored = sorted(((closeness(source), source) for source in sources), key=lambda pair: -pair[0])
    return [source for score, source in scored[:listed] if score >= 1]


LISTED_SOURCES = 10  # an index with this many sources or fewer names them all when none is close


def unknown_sources_notice(query: Any, sources: Sequence[str]) -> str | None:
    """What the page says of each typed ``source:`` that names none of the index's ``sources``: it
    matches no article (excluded, it leaves nothing out); the sources it is close to, else the
    index's sources when they are few."""
    notices = []
    for (typed, excluded), leaf in typed_sources(query).items():
        if sources_named(leaf, sources):
            continue
        close = close_sources(str(leaf.text), sources)
        effect = "excluding it leaves nothing out" if excluded else "no article matches it"
        notice = f"The index holds no source “{typed}” (in any case): {effect}."
        if close:
            notice += f" Did you mean {' or '.join(f'“{source}”' for source in close)}?"
        elif 0 < len(sources) <= LISTED_SOURCES:
            notice += f" Its sources: {', '.join(sorted(sources, key=str.casefold))}."
        notices.append(notice)
    return " ".join(notices) or None

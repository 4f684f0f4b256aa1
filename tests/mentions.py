"""Invented texts tagged as the model would tag them: the set-up the entity tests share."""

from __future__ import annotations

from collections.abc import Iterable

from index.articles import Entities, Mention
from index.corpus import NO_VOTES, LabelVotes
from index.entities import entities_from_mentions
from index.places import Gazetteer, gazetteer


def tagged(text: str, tags: Iterable[tuple[str, str]]) -> list[Mention]:
    """Each (string, label) as a mention at the string's first place in ``text``."""
    return [Mention(name, label, text.index(name), text.index(name) + len(name)) for name, label in tags]


def entities_of(
    text: str, tags: Iterable[tuple[str, str]], votes: LabelVotes = NO_VOTES, places: Gazetteer | None = None
) -> Entities:
    """The entities of an article that is ``text`` alone, tagged with ``tags`` (see ``tagged``): no
    publication date, dateline or headline."""
    return entities_from_mentions(
        tagged(text, tags),
        body_offset=0,
        published=None,
        dateline=None,
        dateline_place=None,
        gazetteer=places or gazetteer(),
        text=text,
        votes=votes,
    )

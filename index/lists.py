"""Names in lists and tables: results lines, scoreboards, team sheets.

The model reads running text; in "1. Orla Brenn (Norvania) 12.71" or "4 - Tomas Quist, 5 - Pella Stent"
it tags some names and misses others. A list is regular, though: every item sits in the same place
between the same kinds of thing (an item number before it, a bracketed country or a figure after it).
So within one document, a place in a list line where the names the model (or the corpus) knows are
mostly people holds people, and every other name-shaped string in that place is one too. Nothing here
knows a name: only shapes, and votes of what is already known in the same document.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# A capitalized word of a name: "Brenn", "McWatt", "O'Malley", "Tyler-Sharman", or an initial "A."
NAME_WORD = r"(?:[A-Z][a-z]*[A-Z]?[a-z]+(?:['’-][A-Z]?[a-z]+)*|[A-Z]\.)"
PARTICLE = r"(?:de|da|di|del|della|van|von|der|den|le|la|du|dos|bin|al|ten|ter)"
NAME_SHAPE = re.compile(
    rf"(?<![\w.'’-]){NAME_WORD}(?:[ ](?:{PARTICLE}[ ])*{NAME_WORD}){{1,3}}(?![\w'’-])(?!\.\w)"
)
# at most this share of a list line's words are lower case (prose is mostly lower case)
LIST_LINE_MAX_LOWER = 0.3


@dataclass(frozen=True)
class Candidate:
    """A name-shaped string in a list line, where it sits (``before``, ``after``), in text offsets."""

    text: str
    start: int
    end: int
    before: str
    after: str


LINE_WORD = re.compile(r"[A-Za-z][\w'’-]*")
DIGIT = re.compile(r"\d")


def is_list_line(line: str) -> bool:
    """A line of a list or table: it holds figures, and few of its words are lower case."""
    words: list[str] = LINE_WORD.findall(line)
    if len(words) < 2 or not DIGIT.search(line):
        return False
    lower = sum(w[0].islower() for w in words)
    return bool(lower <= LIST_LINE_MAX_LOWER * len(words))


def slot_before(text: str) -> str:
    """What opens an item, from the text before it on its line: nothing, an item number ("1.", "14 -"),
    a bracket, a comma, a dash, or a lower-case word ("beat")."""
    text = text.rstrip()
    if not text:
        return "start"
    if re.search(r"\d[.):-]?\s*-?$", text):
        return "number"
    if text[-1] in "(,;:-–)":
        return text[-1]
    word = re.search(r"\b([a-z]+)$", text)
    return word.group(1) if word else "other"


def slot_after(text: str, is_country: Callable[[str], bool]) -> str:
    """What closes an item, from the text after it on its line: a bracketed country ("(Norvania)"),
    another bracket, a figure, a comma, the line's end, or a lower-case word."""
    text = text.lstrip()
    if not text:
        return "end"
    bracket = re.match(r"\(([^()\d]{2,40})\)", text)
    if bracket:
        return "(country)" if is_country(bracket.group(1).strip()) else "(other)"
    if text[0].isdigit():
        return "figure"
    if text[0] in "(,;:-–)":
        return text[0]
    word = re.match(r"([a-z]+)\b", text)
    return word.group(1) if word else "other"


def list_candidates(text: str, is_country: Callable[[str], bool]) -> list[Candidate]:
    """Every name-shaped string of two to four words in the list lines of ``text``."""
    found = []
    offset = 0
    for line in text.split("\n"):
        if is_list_line(line):
            for match in NAME_SHAPE.finditer(line):
                found.append(
                    Candidate(
                        match.group(0),
                        offset + match.start(),
                        offset + match.end(),
                        slot_before(line[: match.start()]),
                        slot_after(line[match.end() :], is_country),
                    )
                )
        offset += len(line) + 1
    return found


def people_slots(
    known: Iterable[tuple[Candidate, bool]], min_people: int = 3, min_share: float = 0.75
) -> set[tuple[str, str]]:
    """The slots (``("before", kind)`` or ``("after", kind)``) where the names already known are mostly
    people: at least ``min_people`` different ones, and ``min_share`` of the names known either way
    (a table that repeats one misread name is no list of people)."""
    people: dict[tuple[str, str], set[str]] = defaultdict(set)
    known_in: dict[tuple[str, str], set[str]] = defaultdict(set)
    for candidate, is_person in known:
        for slot in (("before", candidate.before), ("after", candidate.after)):
            known_in[slot].add(candidate.text)
            if is_person:
                people[slot].add(candidate.text)
    return {
        slot
        for slot, names in people.items()
        if len(names) >= min_people and len(names) >= min_share * len(known_in[slot]) and slot[1] != "other"
    }


def in_people_slot(candidate: Candidate, slots: set[tuple[str, str]]) -> bool:
    return ("before", candidate.before) in slots or ("after", candidate.after) in slots

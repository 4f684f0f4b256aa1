"""Corrections readers make to facet values: merge two values, rename one, drop one from a facet,
split a wrong merge (the articles that wrote a value one way go to another value).

They live in one plain-text file beside the index (``aliases.txt``), one rule a line, each under a
comment saying when it was made, so a person can read, review and version it. They apply when an index
is read, so they take effect without running spaCy again and survive every rebuild.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .columns import facet_key
from .facets import ENTITY_FACETS
from .rules_file import append_rule_line, read_rules_file, remove_last_rule_line
from .store import NoIndexError

ALIASES_FILE = "aliases.txt"
ALIAS_FACETS = ENTITY_FACETS
HEADER = """\
# Corrections to facet values, applied in order whenever the index is read (no rebuild needed).
# Managed with `searcher entities merge|rename|drop|undo`; safe to edit by hand. One rule a line:
#   merge FACET "VALUE" into "OTHER VALUE"   (both exist: the first becomes the second)
#   rename FACET "VALUE" to "NEW NAME"       (a new spelling for one value)
#   drop FACET "VALUE"                       (not a value of that facet: "North Sea" is no person)
#   split FACET "VALUE" written "SPELLING" to "OTHER VALUE"
#                                            (the articles that wrote VALUE as SPELLING: OTHER VALUE)
"""
SPLIT_FACETS = ("person", "org")  # facets whose mentions keep how they were written


class AliasError(NoIndexError):
    """A rule that cannot be read or applied; nothing is changed. A corrections file broken by hand
    stops the index being served (a 503 naming the line) rather than showing uncorrected facets."""


@dataclass(frozen=True)
class AliasRule:
    action: str  # merge, rename, drop or split
    facet: str
    value: str
    target: str | None = None
    written: str | None = None  # split: how the articles to move wrote the value

    def line(self) -> str:
        if self.action == "split":
            return (
                f"split {self.facet} {quote(self.value)} written {quote(self.written or '')} "
                f"to {quote(self.target or '')}"
            )
        if self.action == "drop":
            return f"drop {self.facet} {quote(self.value)}"
        joiner = "into" if self.action == "merge" else "to"
        return f"{self.action} {self.facet} {quote(self.value)} {joiner} {quote(self.target or '')}"


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_rule(line: str, where: str) -> AliasRule:
    try:
        words = shlex.split(line, posix=True)
    except ValueError as error:
        raise AliasError(f"{where}: {error}") from None
    if not words or words[0] not in ("merge", "rename", "drop", "split"):
        raise AliasError(
            f"{where}: a rule starts with merge, rename or drop (or split), not {line.split()[0]!r}"
        )
    action = words[0]
    if len(words) < 3 or words[1] not in ALIAS_FACETS:
        raise AliasError(f"{where}: {action} needs a facet ({', '.join(ALIAS_FACETS)}) and a value")
    if action == "split":
        return parse_split(words, where)
    if action == "drop":
        if len(words) != 3:
            raise AliasError(f'{where}: drop takes one value: drop {words[1]} "VALUE"')
        return AliasRule("drop", words[1], words[2])
    joiner = "into" if action == "merge" else "to"
    if len(words) != 5 or words[3] != joiner:
        raise AliasError(f'{where}: {action} reads: {action} {words[1]} "VALUE" {joiner} "OTHER"')
    if not words[2].strip() or not words[4].strip():
        raise AliasError(f"{where}: a value cannot be empty")
    return AliasRule(action, words[1], words[2], words[4])


def parse_split(words: list[str], where: str) -> AliasRule:
    if words[1] not in SPLIT_FACETS:
        raise AliasError(f"{where}: split works on {' and '.join(SPLIT_FACETS)} values")
    if len(words) != 7 or words[3] != "written" or words[5] != "to":
        raise AliasError(f'{where}: split reads: split {words[1]} "VALUE" written "SPELLING" to "OTHER"')
    if not all(word.strip() for word in (words[2], words[4], words[6])):
        raise AliasError(f"{where}: a value or spelling cannot be empty")
    return AliasRule("split", words[1], words[2], words[6], words[4])


def parse_rules(text: str, source: str = ALIASES_FILE) -> list[AliasRule]:
    rules = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            rules.append(parse_rule(line, f"{source}:{number}"))
    return rules


def value_map(rules: Iterable[AliasRule]) -> dict[str, dict[str, str | None]]:
    """For each facet, every value a rule touches and what it finally becomes (None: dropped), rules
    applied in order and followed through ("A" into "B", then "B" to "C": "A" becomes "C"). A chain that
    comes back to where it started is refused."""
    steps: dict[str, dict[str, str | None]] = {facet: {} for facet in ALIAS_FACETS}
    for rule in rules:
        if rule.action == "split":  # per article: see split_values
            continue
        mapping = steps[rule.facet]
        new = None if rule.action == "drop" else rule.target
        for value, becomes in list(mapping.items()):  # earlier rules follow this one
            if becomes == rule.value:
                mapping[value] = new
        mapping[rule.value] = new
        if new is not None and mapping.get(new, new) != new:
            raise AliasError(
                f"{rule.line()}: {new!r} is itself merged or renamed away, which would make a loop"
            )
        for value, becomes in mapping.items():
            if becomes == value:
                raise AliasError(f"{rule.line()}: {value!r} would end up as itself, a loop")
    return steps


def spelling_key(text: str) -> str:
    """How a mention is compared with a split's spelling: case, accents and spacing aside."""
    return facet_key(text)


def split_values(
    values: list[str], spellings: dict[str, set[str]], rules: Iterable[AliasRule]
) -> tuple[list[str], dict[tuple[str, str], str]]:
    """One article's values of a facet after the split rules, and which (value, spelling key) mentions
    now stand for another value. ``spellings``: each value -> the keys of the ways this article wrote
    it. A value the article wrote only the split's way becomes the rule's target; one it also wrote
    otherwise stays, and the target is added."""
    values = list(values)
    moved: dict[tuple[str, str], str] = {}
    for rule in rules:
        written = spelling_key(rule.written or "")
        keys = spellings.get(rule.value, set())
        if rule.value not in values or written not in keys or rule.target is None:
            continue
        moved[(rule.value, written)] = rule.target
        if keys == {written}:
            values = [rule.target if value == rule.value else value for value in values]
        elif rule.target not in values:
            values.insert(values.index(rule.value) + 1, rule.target)
        spellings.setdefault(rule.target, set()).add(written)
        values = list(dict.fromkeys(values))
    return values, moved


def read_rules(index_dir: Path) -> list[AliasRule]:
    return read_rules_file(Path(index_dir) / ALIASES_FILE, parse_rules)


def append_rule(index_dir: Path, rule: AliasRule, note: str = "") -> Path:
    """The rule added at the end of the file under a dated comment; the file is replaced atomically."""
    return append_rule_line(Path(index_dir) / ALIASES_FILE, HEADER, rule.line(), note)


def remove_last_rule(index_dir: Path) -> AliasRule | None:
    """The last rule taken out (with its dated comment), as ``undo`` does; None when there is none."""
    return remove_last_rule_line(Path(index_dir) / ALIASES_FILE, parse_rule)

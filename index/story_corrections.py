"""Corrections readers make to stories: join the stories of several articles into one, or take one
article out of its story.

No automatic rule joins two write-ups of one event without also joining unrelated articles (README,
"Versions of one story"), so readers decide. Their rules live in one plain-text file beside the index
(``stories.txt``), one rule a line, each under a comment saying when it was made, like ``aliases.txt``.
They apply on top of the automatic grouping: when an index is read (no rebuild), and by the stories
stage of every build, so they survive ``index rebuild`` and ``index add``. The generation keeps the
automatic grouping (``stories.npz``), so ``undo`` gives back exactly what the rules changed.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .rules_file import append_rule_line, read_rules_file, remove_last_rule_line
from .store import NoIndexError

STORY_CORRECTIONS_FILE = "stories.txt"
HEADER = """\
# Corrections to stories, applied in order on top of the automatic grouping whenever the index is
# read or built (no rebuild needed). Managed with `searcher stories join|split|undo`; safe to edit by
# hand. One rule a line, article ids in double quotes:
#   join "ID" "ID" ...    (the stories of these articles become one story)
#   split "ID"            (the article leaves its story and stands alone)
"""


class StoryCorrectionError(NoIndexError):
    """A story rule that cannot be read or applied; nothing is changed. A file broken by hand stops the
    index being served (naming the line) rather than showing stories without the readers' rules."""


@dataclass(frozen=True)
class StoryRule:
    action: str  # join or split
    ids: tuple[str, ...]

    def line(self) -> str:
        return " ".join([self.action, *(quote(article_id) for article_id in self.ids)])


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_story_rule(line: str, where: str) -> StoryRule:
    """One line of the file as a rule, or an error naming ``where`` (file and line)."""
    try:
        words = shlex.split(line, posix=True)
    except ValueError as error:
        raise StoryCorrectionError(f"{where}: {error}") from None
    if not words or words[0] not in ("join", "split"):
        raise StoryCorrectionError(f"{where}: a rule starts with join or split, not {line.split()[0]!r}")
    action, ids = words[0], tuple(words[1:])
    if any(not article_id.strip() for article_id in ids):
        raise StoryCorrectionError(f"{where}: an article id cannot be empty")
    if action == "join" and len(set(ids)) < 2:
        raise StoryCorrectionError(f'{where}: join takes two article ids or more: join "ID" "ID"')
    if action == "split" and len(ids) != 1:
        raise StoryCorrectionError(f'{where}: split takes one article id: split "ID"')
    return StoryRule(action, ids)


def parse_story_rules(text: str, source: str = STORY_CORRECTIONS_FILE) -> list[StoryRule]:
    rules = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            rules.append(parse_story_rule(line, f"{source}:{number}"))
    return rules


def apply_story_rules(stories: Mapping[str, str], rules: Iterable[StoryRule]) -> dict[str, str]:
    """Article id -> story id after the rules, in order. A join gives every version of the listed
    articles' stories the story of the first listed article the index holds; a split gives the article
    a story of its own (named by its id; the versions it leaves keep theirs, renamed after the earliest
    of them when the story was named after the article leaving). Ids the index does not hold are
    passed over (``missing_ids`` reports them)."""
    corrected = dict(stories)
    for rule in rules:
        if rule.action == "join":
            present = [article_id for article_id in rule.ids if article_id in corrected]
            if len(present) < 2:
                continue
            target = corrected[present[0]]
            joining = {corrected[article_id] for article_id in present}
            for article_id, story in corrected.items():
                if story in joining:
                    corrected[article_id] = target
        elif rule.ids[0] in corrected:
            _split(corrected, rule.ids[0])
    return corrected


def _split(corrected: dict[str, str], leaving: str) -> None:
    story = corrected[leaving]
    staying = [a for a, s in corrected.items() if s == story and a != leaving]
    if not staying:
        return
    used = set(corrected.values())
    if story == leaving:  # the versions staying need a name of their own
        renamed = _free_name(staying[0], used)
        for article_id in staying:
            corrected[article_id] = renamed
        used = (used - {story}) | {renamed}
    corrected[leaving] = leaving if leaving not in used else _free_name(leaving, used)


def _free_name(wanted: str, used: set[str]) -> str:
    """``wanted``, or ``wanted`` with a number after it when another story has that name already."""
    name, number = wanted, 1
    while name in used:
        number += 1
        name = f"{wanted}#{number}"
    return name


def missing_ids(stories: Mapping[str, str], rules: Iterable[StoryRule]) -> list[tuple[StoryRule, list[str]]]:
    """The rules naming articles the index no longer holds, with those ids (removed, or gone from a
    rebuild's files): what ``list`` reports; the rest of such a rule still applies."""
    return [
        (rule, gone)
        for rule in rules
        if (gone := [article_id for article_id in rule.ids if article_id not in stories])
    ]


def joined_by_readers(stories: Mapping[str, str], article_id: str, versions: Iterable[str]) -> set[str]:
    """The ``versions`` (ids) of ``article_id``'s story that are in it only because a reader joined
    them: the automatic grouping (``stories``) put them in another story."""
    own = stories.get(article_id, article_id)
    return {version for version in versions if stories.get(version, version) != own}


def changed_stories(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, list[str]]:
    """New story id -> the articles whose story changed to it: what an engine that stores each
    article's story (OpenSearch) must update."""
    changed: dict[str, list[str]] = {}
    for article_id, story in after.items():
        if before.get(article_id) != story:
            changed.setdefault(story, []).append(article_id)
    return changed


def story_rules_path(index_dir: Path) -> Path:
    return Path(index_dir) / STORY_CORRECTIONS_FILE


def read_story_rules(index_dir: Path) -> list[StoryRule]:
    return read_rules_file(story_rules_path(index_dir), parse_story_rules)


def story_rules_version(index_dir: Path) -> tuple[int, int, int] | None:
    """Which copy of the file is there (None: no file): a searcher rereads the rules when it changes.
    The file is replaced, never written in place, so a new inode tells two writes within one tick."""
    try:
        status = story_rules_path(index_dir).stat()
    except FileNotFoundError:
        return None
    return status.st_mtime_ns, status.st_ino, status.st_size


def append_story_rule(index_dir: Path, rule: StoryRule, note: str = "") -> Path:
    """The rule added at the end of the file under a dated comment; the file is replaced atomically."""
    return append_rule_line(story_rules_path(index_dir), HEADER, rule.line(), note)


def remove_last_story_rule(index_dir: Path) -> StoryRule | None:
    """The last rule taken out (with its dated comment), as ``undo`` does; None when there is none."""
    return remove_last_rule_line(story_rules_path(index_dir), parse_story_rule)

"""The plain-text files of readers' corrections beside an index (``aliases.txt``, ``stories.txt``): one
rule a line, each under a comment with the time it was made, so a person can read, review and version
them. What the rules say is each file's own business; reading, appending, undoing and replacing the
file atomically is shared here."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

Rule = TypeVar("Rule")
STAMP = re.compile(r"#\s*\d{4}-\d{2}-\d{2}T")  # the dated comment over a rule


def read_rules_file(path: Path, parse: Callable[[str, str], list[Rule]]) -> list[Rule]:
    """The file's rules (``parse(text, source)``); none when there is no file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return parse(text, str(path))


def append_rule_line(path: Path, header: str, line: str, note: str = "") -> Path:
    """``line`` added at the end of the file (begun with ``header``) under a dated comment."""
    text = path.read_text(encoding="utf-8") if path.exists() else header
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    replace_file(path, text.rstrip("\n") + f"\n\n# {stamp}{' ' + note if note else ''}\n{line}\n")
    return path


def remove_last_rule_line(path: Path, parse: Callable[[str, str], Rule]) -> Rule | None:
    """The last rule taken out with its dated comment, as ``undo`` does (``parse(line, where)`` reads
    it); None when there is none."""
    if not path.exists():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    for number in range(len(lines) - 1, -1, -1):
        line = lines[number].strip()
        if line and not line.startswith("#"):
            rule = parse(line, f"{path}:{number + 1}")
            start = number
            while start > 0 and STAMP.match(lines[start - 1].strip()):
                start -= 1
            kept = lines[:start] + lines[number + 1 :]
            replace_file(path, "\n".join(kept).rstrip("\n") + "\n")
            return rule
    return None


def replace_file(path: Path, text: str) -> None:
    """Written beside and renamed: a reader never sees half a file, and a new inode tells a searcher
    the file changed."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)

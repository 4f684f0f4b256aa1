"""Text cleaning: control characters, whitespace, web boilerplate, repeated bodies and datelines.

Boilerplate is found by general means, never by a list of known strings: lines that recur across
many articles of one source, short calls to action, credit lines, sign-offs and navigation teasers.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

KEEP_CONTROLS = {"\n", "\t"}
ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
LINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def remove_control_characters(text: str) -> str:
    """Drop control and format characters (Reuters bodies end in \\x03) but keep newlines and tabs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():  # the common case, without a Python call per character
        return ASCII_CONTROLS.sub("", text)
    return "".join(
        char for char in text
        if char in KEEP_CONTROLS or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co")
    )


def normalize_whitespace(text: str) -> str:
    """One space between words, no trailing spaces, at most one blank line between paragraphs."""
    lines = [LINE_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


SENTENCE_OR_TABLE_END = re.compile(r"[.!?:;\"”)]$")


def looks_hard_wrapped(lines: list[str]) -> bool:
    """Newswire bodies wrapped at a fixed width: most lines fill 40 to 80 characters."""
    filled = [line for line in lines if line.strip()]
    return len(filled) >= 5 and sum(40 <= len(line) <= 80 for line in filled) >= 0.6 * len(filled)


def reflow_hard_wrapped(text: str) -> str:
    """Join the lines of a hard-wrapped body into paragraphs. An indented line, a blank line, or a line
    that looks like a table row (runs of spaces or dots) starts a new line of its own."""
    lines = text.split("\n")
    if not looks_hard_wrapped(lines):
        return text
    out: list[str] = []
    joinable = False
    for line in lines:
        tabular = bool(re.search(r"\S {3,}\S|\.{3,}", line.strip()))
        starts_paragraph = not line.strip() or line[:1] in (" ", "\t") or tabular
        if out and joinable and not starts_paragraph:
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
        joinable = bool(line.strip()) and not tabular
    return "\n".join(out)


def line_key(line: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", line.casefold()).split())


CREDIT = re.compile(
    r"(?:^|(?<=[\s.(\[|–—-]))\(?\s*(?:file\s+)?(?:photo|photos|photograph|picture|image|images|video|graphic|"
    r"illustration|credit|source)s?(?:\s+credit)?\s*:\s*[^:]{1,60}?\)?\s*$",
    re.IGNORECASE,
)
REPORTING_CREDIT = re.compile(
    r"^\(?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|produced)\s+by\b.{0,200}\)?$",
    re.IGNORECASE,
)
CALL_TO_ACTION_VERB = re.compile(
    r"^(?:join|subscribe|follow|sign up|click|tap|download|get|read|watch|listen|share|like|register|"
    r"support|donate|become|see|find|don't miss|never miss)\b",
    re.IGNORECASE,
)
CALL_TO_ACTION_MEDIUM = re.compile(
    r"\b(?:channel|newsletter|app|telegram|whatsapp|facebook|twitter|instagram|youtube|tiktok|linkedin|"
    r"podcast|updates|alerts|breaking news|subscriber|subscription|inbox|notifications|here|link|"
    r"our (?:site|website|coverage)|delivered to you)\b",
    re.IGNORECASE,
)
TEASER = re.compile(
    r"^(?:more (?:from|on|in|follows|to follow|stories|news|coverage)|read more|related|see also|"
    r"also read|recommended|advertisement|story continues|continue reading|top stories)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?\"'”’)]$")


def strip_credit(line: str) -> str:
    """'... at the Kremlin in Moscow. PHOTO: REUTERS' -> '... at the Kremlin in Moscow.'"""
    return CREDIT.sub("", line).rstrip(" |–—-(").rstrip()


def is_call_to_action(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 30
        and bool(CALL_TO_ACTION_VERB.search(line))
        and bool(CALL_TO_ACTION_MEDIUM.search(line))
    )


def is_teaser(line: str) -> bool:
    """Navigation teasers: short lines such as 'More from World' or 'More follows…'."""
    return len(line.split()) <= 6 and bool(TEASER.search(line)) and not line.rstrip().endswith((".", "?", "!"))


def is_boilerplate_line(line: str) -> bool:
    return is_call_to_action(line) or is_teaser(line) or bool(REPORTING_CREDIT.match(line))


def drop_repeated_paragraphs(lines: list[str], min_words: int = 4) -> list[str]:
    """A body that repeats itself (one seed holds its whole text twice) keeps each paragraph once."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        key = line_key(line)
        if len(key.split()) >= min_words:
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    return kept


def learn_recurring_lines(bodies: Iterable[str], min_articles: int = 5, min_share: float = 0.05) -> set[str]:
    """Short lines found in many articles of one source: sign-offs, bylines, footers ('Reuter')."""
    counts: Counter[str] = Counter()
    total = 0
    for body in bodies:
        total += 1
        counts.update({line_key(line) for line in body.split("\n") if 0 < len(line.split()) <= 12})
    threshold = max(min_articles, min_share * total)
    return {key for key, count in counts.items() if key and count >= threshold}


def clean_body(body: str, title: str = "", recurring: set[str] = frozenset()) -> str:
    """The body without control characters, boilerplate, a repeat of the title, or repeated paragraphs."""
    text = normalize_whitespace(reflow_hard_wrapped(remove_control_characters(body)))
    title_key = line_key(title)
    lines = []
    for line in text.split("\n"):
        key = line_key(line)
        if line and (key in recurring or key == title_key or is_boilerplate_line(line)):
            continue
        stripped = strip_credit(line) if line else line
        if line and not stripped:
            continue
        lines.append(stripped)
    lines = drop_repeated_paragraphs(lines)
    return normalize_whitespace("\n".join(lines))


def clean_title(title: str) -> str:
    return " ".join(remove_control_characters(title).split())


DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z.'’ -]{1,40}?)(?:,\s*(?P<extra>[A-Za-z.' -]{1,40}?))?\s*"
    r"(?:\((?P<agency>[A-Za-z][A-Za-z .&/-]{0,30})\)\s*)?(?P<dash>[-–—]{1,2}|:)\s+"
)


@dataclass(frozen=True)
class Dateline:
    place: str
    agency: str | None
    start: int  # offsets of the dateline in the body
    end: int


def find_dateline(body: str, paragraphs: int = 3) -> Dateline | None:
    """'MOSCOW (REUTERS) - US President...' -> place MOSCOW, agency REUTERS; the place goes to facets,
    the agency goes nowhere. The dateline opens one of the first paragraphs (a photo caption may come
    first)."""
    offset = 0
    for paragraph in body.split("\n")[: paragraphs * 2]:
        match = DATELINE.match(paragraph)
        if match and not (match.group("dash") == ":" and not match.group("agency")):  # not 'NOTE: ...'
            place = match.group("place").strip()
            if len(place.replace(" ", "")) >= 3:
                return Dateline(place=place, agency=match.group("agency"), start=offset,
                                end=offset + match.end())
        offset += len(paragraph) + 1
    return None


def place_from_dateline_field(dateline: str) -> str | None:
    """Reuters' own dateline field: 'SALVADOR, Feb 26' -> 'SALVADOR'."""
    head = dateline.split(",")[0].strip()
    return head if head and re.search(r"[A-Za-z]{2}", head) and not re.search(r"\d", head) else None

"""Text cleaning: control characters, whitespace, web boilerplate, repeated bodies and datelines.

Boilerplate is found by general means, never by a list of known strings: lines that recur across
many articles of one source, short calls to action, credit lines, sign-offs and navigation teasers.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from .normalize import LEGAL_FORMS

KEEP_CONTROLS = {"\n", "\t"}
ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# runs of spaces, tabs and no-break spaces that are not one space already: each becomes one space, without
# a replacement for each single space between words
SPACE_TO_CHANGE = re.compile(
    r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]"
)


def remove_control_characters(text: str) -> str:
    """Drop control and format characters (Reuters bodies end in \\x03) but keep newlines and tabs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():  # the common case, without a Python call per character
        return ASCII_CONTROLS.sub("", text)
    return "".join(
        char
        for char in text
        if char in KEEP_CONTROLS or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co")
    )


def normalize_whitespace(text: str) -> str:
    """One space between words, no trailing spaces, at most one blank line between paragraphs."""
    lines = [line.strip() for line in SPACE_TO_CHANGE.sub(" ", text).split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


SENTENCE_OR_TABLE_END = re.compile(r"[.!?:;\"”)]$")


WRAP_MIN, WRAP_MAX = 40, 80  # the widths newswire lines are wrapped at
MID_SENTENCE_SHARE = 0.3  # of the line breaks inside paragraphs, that many fall mid-sentence


TABLE_ROW = re.compile(r"\S {3,}\S|\.{3,}")  # runs of spaces or dots between figures


def _is_table_row(line: str) -> bool:
    return TABLE_ROW.search(line) is not None


def _continues(line: str, following: str) -> bool:
    """Whether ``following`` may continue ``line``'s paragraph: neither blank nor indented nor a table
    row, and ``line`` fills the wrap width or plainly stops mid-sentence ("said it\nacquired")."""
    return (
        _continues_unless_table(line, following) and not _is_table_row(line) and not _is_table_row(following)
    )


def _continues_unless_table(line: str, following: str) -> bool:
    """``_continues`` but for the table rows, which ``line_breaks`` looks for once a line."""
    width = len(line.rstrip())
    if width > WRAP_MAX or following[:1] in (" ", "\t"):
        return False
    if width < WRAP_MIN and not (following[:1].islower() and not SENTENCE_OR_TABLE_END.search(line.rstrip())):
        return False
    return any(char.isalnum() for char in following)  # not a stray ";" after the last sentence


def line_breaks(lines: list[str]) -> list[bool]:
    """For each pair of neighbouring lines, whether the second may continue the first's paragraph
    (``_continues``), each line read for a table row once."""
    table = [TABLE_ROW.search(line) is not None for line in lines]
    return [
        not table[n] and not table[n + 1] and _continues_unless_table(lines[n], lines[n + 1])
        for n in range(len(lines) - 1)
    ]


def looks_hard_wrapped(lines: list[str], breaks: list[bool] | None = None) -> bool:
    """Newswire bodies wrapped at a fixed width: hardly a line is longer than the width, and many of
    the breaks between full-width lines fall mid-sentence ("a 1.4 billion dlr five-year\ncontract": no
    end of sentence, no capital after), as they do not between paragraphs written one to a line.
    ``breaks``: ``line_breaks(lines)``, if at hand."""
    filled = [line for line in lines if line.strip()]
    if len(filled) < 2 or sum(len(line.rstrip()) > WRAP_MAX for line in filled) > 0.1 * len(filled):
        return False
    if breaks is None:
        breaks = line_breaks(lines)
    joined = [(lines[n], lines[n + 1]) for n, joins in enumerate(breaks) if joins]
    mid_sentence = [
        line
        for line, following in joined
        if not SENTENCE_OR_TABLE_END.search(line.rstrip()) and not following[:1].isupper()
    ]
    return bool(mid_sentence) and len(mid_sentence) >= MID_SENTENCE_SHARE * len(joined)


def reflow_hard_wrapped(text: str) -> str:
    """Join the lines of a hard-wrapped body into paragraphs. A line joins the one before when that one
    fills the wrap width; an indented line, a blank line, or a line that looks like a table row (runs of
    spaces or dots) starts a new line of its own."""
    lines = text.split("\n")
    if len(lines) < 2:
        return text
    breaks = line_breaks(lines)
    if not looks_hard_wrapped(lines, breaks):
        return text
    out = [lines[0]]
    for line, joins in zip(lines[1:], breaks, strict=True):
        if joins:
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


NOT_WORD_OR_SPACE = re.compile(r"[^\w\s]")


def line_key(line: str) -> str:
    return " ".join(NOT_WORD_OR_SPACE.sub(" ", line.casefold()).split())


CREDIT = re.compile(
    r"(?:^|(?<=[\s.(\[|–—-]))\(?\s*(?:file\s+)?(?:photo|photos|photograph|picture|image|images|video|graphic|"
    r"illustration|credit|source)s?(?:\s+credit)?\s*:\s*[^:]{1,60}?\)?\s*$",
    re.IGNORECASE,
)
# A credit opens its line with a capital ("Reporting by ..."); "produced by the nation's mills" in
# lower case is the end of a sentence a hard-wrapped body broke.
REPORTING_CREDIT = re.compile(
    r"^\(?\s*(?:Additional\s+|ADDITIONAL\s+)?(?:[Rr]eporting|REPORTING|Writing|WRITING|Editing|EDITING|Compiled|"
    r"COMPILED|Produced|PRODUCED)\s+(?:by|BY)\b.{0,200}\)?$",
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


# A credit line by its shape, in any language, rather than by a list of words per language: one
# capitalized word as its label ("Bild", "Foto", "Quelle", "Photo", "Crédit"), a colon (French sets a
# space before it), then names rather than a sentence: no full stop, each word capitalized or short
# (agency initials such as "dpa"), at most three words, or up to six in names separated by "/" or "|"
# ("Reuters/Jana Roth"), and no company form. Reuters' "NOTE: Full name is Franklin Insured Tax-Free
# Income Fund." and "Note: BII Enterprises Inc" are not credits.
LABELLED_CREDIT = re.compile(r"\(?\s*[A-ZÀ-Þ][^\W\d_]{1,15}\s?:\s*(?P<credit>[^:!?\"„“”«»]{2,60}?)\s*\)?\s*$")
AFTER_SENTENCE = re.compile(r"[.!?\"”“»]\s+")
MAX_CREDIT_WORDS = 3
MAX_SEPARATED_CREDIT_WORDS = 6


def is_credit_names(credit: str) -> bool:
    """ "Elbe-Kurier/Jana Roth", "dpa", "Reuters | AFP": names, not words of a sentence ("we will meet")."""
    words = [w for w in re.split(r"[\s/|,&]+", credit) if w]
    most = MAX_SEPARATED_CREDIT_WORDS if re.search(r"[/|]", credit) else MAX_CREDIT_WORDS
    if not words or len(words) > most or credit.endswith("."):
        return False
    if any(w.rstrip(".").casefold() in LEGAL_FORMS or (w.endswith(".") and len(w) > 2) for w in words):
        return False  # a company's full name ("Note: BII Enterprises Inc"); a stop ends a sentence, not "J."
    name_like = [w[0].isupper() or w[0].isdigit() or (w.isalpha() and len(w) <= 4) for w in words]
    return all(name_like) and (len(words) == 1 or any(w[0].isupper() for w in words))


def labelled_credit_start(line: str, whole_line: bool) -> int | None:
    """Where a labelled credit ("Bild: dpa", "Photo : AFP") starts in ``line``: at the end of a
    caption, after its last sentence, or (``whole_line``, for lines at the edges of a body, where
    credits sit and subheadings do not) as the whole line."""
    starts = ([0] if whole_line else []) + [m.end() for m in AFTER_SENTENCE.finditer(line)]
    for start in starts:
        match = LABELLED_CREDIT.fullmatch(line, start)
        if match and is_credit_names(match.group("credit")):
            return start
    return None


def strip_credit(line: str) -> str:
    """'... at the Kremlin in Moscow. PHOTO: REUTERS' -> '... at the Kremlin in Moscow.'"""
    return CREDIT.sub("", line).rstrip(" |–—-(").rstrip()


# Verbs that open a sentence of a story as readily as a call to action ("Like all major exporters,
# Daimler ... has no problems here"): such a line is a call to action only if it is short or speaks to
# the reader.
AMBIGUOUS_CALL_VERB = re.compile(
    r"^(?:join|follow|get|read|watch|listen|share|like|support|become|see|find)\b", re.IGNORECASE
)
ADDRESSES_READER = re.compile(r"\b(?:you|your|our|us)\b", re.IGNORECASE)


def is_call_to_action(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 30
        and bool(CALL_TO_ACTION_VERB.search(line))
        and bool(CALL_TO_ACTION_MEDIUM.search(line))
        and (len(words) <= 8 or not AMBIGUOUS_CALL_VERB.search(line) or bool(ADDRESSES_READER.search(line)))
    )


def is_teaser(line: str) -> bool:
    """Navigation teasers: short lines such as 'More from World' or 'More follows…'."""
    return (
        len(line.split()) <= 6 and bool(TEASER.search(line)) and not line.rstrip().endswith((".", "?", "!"))
    )


def drop_repeated_paragraphs(
    lines: list[str], min_words: int = 4, keys: list[str] | None = None
) -> list[str]:
    """A body that repeats itself (one seed holds its whole text twice) keeps each paragraph once.
    ``keys``: each line's ``line_key``, if known already."""
    seen: set[str] = set()
    kept = []
    for number, line in enumerate(lines):
        key = keys[number] if keys is not None else line_key(line)
        if len(key.split()) >= min_words:
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    return kept


# A line recurring across one source's articles is taken for boilerplate (a sign-off such as Reuters'
# "Reuter", a footer, a standing caption) only when it looks like one: among the first or last
# EDGE_LINES lines of the body, at most MAX_BOILERPLATE_WORDS words, not a sentence of the story, and
# found there in at least MIN_SHARE of a sample of MIN_SAMPLE articles or more, and never in fewer than
# MIN_ARTICLES. An ordinary sentence repeated across stories ("The company did not respond to a request
# for comment.") stays. On Reuters the shares fall apart cleanly: "Reuter" ends 88% of the articles, the
# "Blah blah blah." of the empty stories 7.5%, and the next edge line 1%.
EDGE_LINES = 3
MAX_BOILERPLATE_WORDS = 12
MIN_SAMPLE = 20
MIN_ARTICLES = 10
MIN_SHARE = 0.05
SENTENCE_WORDS = 4


def is_story_sentence(line: str) -> bool:
    """Prose: several words, ending as a sentence does, most of them lower case ('Officials said work
    would start soon.'), unlike a sign-off, a credit or a standing heading ('Copyright 2018 The Times.')."""
    words = line.split()
    if len(words) < SENTENCE_WORDS or not SENTENCE_END.search(line.rstrip()):
        return False
    return sum(word[:1].islower() for word in words[1:]) >= (len(words) - 1) / 2


def could_be_boilerplate(line: str) -> bool:
    return 0 < len(line.split()) <= MAX_BOILERPLATE_WORDS and not is_story_sentence(line)


def edge_line_numbers(lines: list[str]) -> set[int]:
    """Where sign-offs and footers sit: the first and last EDGE_LINES lines with any word in them."""
    numbers: set[int] = set()
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        found = 0
        for number in order:
            if found == EDGE_LINES:
                break
            if line_key(lines[number]):
                numbers.add(number)
                found += 1
    return numbers


def learn_recurring_lines(
    bodies: Iterable[str],
    min_articles: int = MIN_ARTICLES,
    min_share: float = MIN_SHARE,
    min_sample: int = MIN_SAMPLE,
) -> set[str]:
    """Keys of the lines that are boilerplate of one source (see above); empty for a sample too small
    to tell a sign-off from a sentence several of its stories happen to share."""
    counts: Counter[str] = Counter()
    total = 0
    for body in bodies:
        total += 1
        lines = body.split("\n")
        counts.update(
            {
                line_key(lines[number])
                for number in edge_line_numbers(lines)
                if could_be_boilerplate(lines[number])
            }
        )
    if total < min_sample:
        return set()
    threshold = max(min_articles, min_share * total)
    return {key for key, count in counts.items() if key and count >= threshold}


@dataclass(frozen=True)
class RemovedLine:
    """What cleaning took out of a body as boilerplate, and by which rule: for the build report."""

    line: str
    why: str  # "recurring", "call to action", "teaser", "reporting credit" or "photo credit"


def boilerplate_rule(line: str) -> str | None:
    if is_call_to_action(line):
        return "call to action"
    if is_teaser(line):
        return "teaser"
    if REPORTING_CREDIT.match(line):
        return "reporting credit"
    return None


def clean_body_reporting(
    body: str, title: str = "", recurring: AbstractSet[str] = frozenset()
) -> tuple[str, list[RemovedLine]]:
    """The body without control characters, boilerplate, a repeat of the title, or repeated paragraphs,
    and the boilerplate lines it lost. A recurring line goes only from the edges of the body."""
    text = normalize_whitespace(reflow_hard_wrapped(remove_control_characters(body)))
    title_key = line_key(title)
    all_lines = text.split("\n")
    edges = edge_line_numbers(all_lines)
    removed: list[RemovedLine] = []
    lines: list[str] = []
    keys: list[str] = []  # each kept line's key (what cleaning takes off its end changes no key)
    is_story: bool | None = None  # whether the body holds a sentence of prose: found when first needed
    for number, line in enumerate(all_lines):
        if not line:
            lines.append(line)
            keys.append("")
            continue
        key = line_key(line)
        if key == title_key:
            continue
        if recurring and number in edges and key in recurring and could_be_boilerplate(line):
            removed.append(RemovedLine(line, "recurring"))
            continue
        rule = boilerplate_rule(line)
        if rule:
            removed.append(RemovedLine(line, rule))
            continue
        credit = CREDIT.search(line) if ":" in line else None  # a credit has its colon ...
        if credit:  # as strip_credit, without searching twice
            removed.append(RemovedLine(credit.group().strip(" ()"), "photo credit"))
            line = line[: credit.start()]
            key = line_key(line)
        elif ":" in line:  # ... and so has a labelled one
            # a line of its own only at an edge of a story (not of a table: "TONE: QUIET" under prices)
            if number in edges and is_story is None:
                is_story = any(map(is_story_sentence, all_lines))
            start = labelled_credit_start(line, whole_line=number in edges and bool(is_story))
            if start is not None:
                removed.append(RemovedLine(line[start:].strip(" ()"), "photo credit"))
                line = line[:start]
                key = line_key(line)
        line = line.rstrip(" |–—-(").rstrip()
        if line:
            lines.append(line)
            keys.append(key)
    lines = without_trailing_residue(drop_repeated_paragraphs(lines, keys=keys))
    return normalize_whitespace("\n".join(lines)), removed


def without_trailing_residue(lines: list[str]) -> list[str]:
    """The lines without the ones at the end that hold no letter or digit (the ';' left of Reuters'
    sign-off " Reuter\\n&#3;", a row of asterisks); a body of nothing else is empty."""
    end = len(lines)
    while end and not any(char.isalnum() for char in lines[end - 1]):
        end -= 1
    return lines[:end]


def clean_body(body: str, title: str = "", recurring: AbstractSet[str] = frozenset()) -> str:
    return clean_body_reporting(body, title, recurring)[0]


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
                return Dateline(
                    place=place, agency=match.group("agency"), start=offset, end=offset + match.end()
                )
        offset += len(paragraph) + 1
    return None


def place_from_dateline_field(dateline: str) -> str | None:
    """Reuters' own dateline field: 'SALVADOR, Feb 26' -> 'SALVADOR'."""
    head = dateline.split(",")[0].strip()
    return head if head and re.search(r"[A-Za-z]{2}", head) and not re.search(r"\d", head) else None

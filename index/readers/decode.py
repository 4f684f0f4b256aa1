"""Bytes to text, by one rule for every format: a byte-order mark decides; else UTF-8 when the bytes are
UTF-8; else the encoding the file declares (an XML declaration or an HTML meta charset), honoured once;
else a guess among the encodings news is commonly written in, which the warning calls a guess when the
text is too short to be sure or another encoding reads it as well."""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ..articles import Problem

BYTE_ORDER_MARKS = (  # longest first: a UTF-32 mark begins with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]{1,40})["']"""
    rb"""|<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]{1,40})""",
    re.IGNORECASE,
)
# Single-byte encodings of news we meet, Western first (a tie goes to the earlier one).
GUESSES = ("cp1252", "iso-8859-2", "cp1250", "cp1251", "koi8-r", "cp1253", "cp1254", "cp1257")
# Below this many non-ASCII characters a guessed encoding is said to be a guess, however well it reads.
SURE_GUESS_CHARACTERS = 40
# The letters beyond ASCII each language writes with: a right decoding uses the letters of one language,
# a wrong one mixes letters of several ("pøijel" takes the ø of Danish and "střìdu" the ì of Italian).
ALPHABETS = (
    "àâæçéèêëîïôœùûüÿ",
    "äöüß",
    "áéíñóúü",
    "áâãàçéêíóôõú",
    "àèéìíîòóù",
    "æøåé",
    "åäöé",
    "áðéíóúýþæö",
    "àçèéíïòóúü",
    "ąćęłńóśźż",
    "áčďéěíňóřšťúůýž",
    "áäčďéíĺľňóôŕšťúýž",
    "áéíóöőúüű",
    "ăâîșşțţ",
    "čćđšž",
    "çğıöşü",
    "āčēģīķļņšūž",
    "ąčęėįšųūž",
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    how: str  # "mark", "utf-8", "declared", "guessed"
    note: str = ""


def looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def decode_bytes(data: bytes, where: str) -> tuple[str | None, Problem | None]:
    """The text of ``data``, and a problem to report when it was not plain UTF-8 (or could not be read)."""
    decoded = decode(data)
    if decoded is None:
        return None, Problem(where, "binary file, not text (skipped)")
    if decoded.how == "utf-8" or decoded.encoding == "utf-8-sig":
        return decoded.text, None
    messages = {
        "mark": f"read as {decoded.encoding}, as its byte-order mark says",
        "declared": f"not UTF-8; read as {decoded.encoding}, the encoding it declares",
        "guessed": f"not UTF-8; read as {decoded.encoding}",
        "replaced": "not valid UTF-8 and no encoding fits; bad bytes replaced",
    }
    message = messages[decoded.how] + (f" ({decoded.note})" if decoded.note else "")
    return decoded.text, Problem(where, message, skipped=False)


def decode(data: bytes) -> Decoded | None:
    """``data`` as text by the module's rule; None for a binary file."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return Decoded(data.decode(encoding, errors="replace"), encoding, "mark")
    if looks_binary(data):
        return None
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_encoding(data)
    if declared:
        try:
            return Decoded(data.decode(declared), declared, "declared")
        except UnicodeDecodeError:
            pass
    return guess_encoding(data)


def declared_encoding(data: bytes) -> str | None:
    """The encoding an XML declaration or HTML meta tag at the start of ``data`` names, if Python knows it."""
    found = DECLARED.search(data[:4096])
    if not found:
        return None
    name = (found.group(1) or found.group(2)).decode("ascii").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def guess_encoding(data: bytes) -> Decoded:
    sample = data[:1_000_000]
    candidates = list(GUESSES)
    best_match = from_bytes(sample).best()
    if (
        best_match is not None
        and best_match.encoding
        and codecs.lookup(best_match.encoding).name not in {codecs.lookup(name).name for name in candidates}
    ):
        candidates.append(best_match.encoding)  # a multi-byte encoding (Shift JIS, GB18030, ...) or another
    scored = []
    for order, encoding in enumerate(candidates):
        try:
            text = sample.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((implausibility(text), order, encoding, text))
    if not scored:
        return Decoded(data.decode("utf-8", errors="replace"), "utf-8", "replaced")
    scored.sort()
    score, _, encoding, text = scored[0]
    if len(sample) < len(data):
        text = data.decode(encoding, errors="replace")
    as_well = [e for s, _, e, t in scored[1:] if s == score and t != text]
    unusual = sum(1 for character in text if ord(character) > 127)
    note = ""
    if as_well:
        note = f"a guess: {', '.join(as_well[:2])} reads it as well"
    elif unusual < SURE_GUESS_CHARACTERS:
        note = f"a guess from {unusual} non-ASCII characters"
    return Decoded(text, encoding, "guessed", note)


def implausibility(text: str) -> int:
    """How unlike written language ``text`` is: symbols and controls where letters belong, a capital
    inside a lower-case word ("MontrÃ©al"), and non-ASCII letters no single language uses together."""
    bad = 0
    letters = set()
    for previous, character, following in zip(text, text[1:], text[2:], strict=False):
        if (
            ord(character) > 127
            and not character.isalnum()
            and (previous.isalpha() or following.isalpha())
            and unicodedata.category(character) == "Po"
            and character not in "¡¿·"
        ):
            bad += 1  # a symbol glued to a word ("¶rodę")
    for word in re.findall(r"\w+", text):
        if any(ord(c) > 127 for c in word):
            if any(
                previous.islower() and character.isupper() for previous, character in itertools.pairwise(word)
            ):
                bad += 1
            if any(c.isascii() and c.isalpha() for c in word) and any(
                c.isalpha() and "LATIN" not in unicodedata.name(c, "LATIN") for c in word
            ):
                bad += 1  # Latin and another script in one word ("Zьrich")
    for character in text:
        if ord(character) < 128:
            continue
        category = unicodedata.category(character)
        if category.startswith("L"):
            lower = character.lower()
            if len(lower) == 1 and (lower != character or character.upper() != character):  # a cased letter
                letters.add(lower)
        elif category in ("Cc", "Co", "Cn", "So", "No", "Sk", "Sm") and character not in "°×€£§©®™±":
            bad += 1
    latin = {c for c in letters if "LATIN" in unicodedata.name(c, "")}
    if latin:
        bad += min(len(latin - set(alphabet)) for alphabet in ALPHABETS)
    scripts = {unicodedata.name(c, "?").split()[0] for c in letters}
    bad += 2 * (len(scripts) - 1) if scripts else 0
    return bad

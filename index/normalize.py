"""Pure functions that turn raw entity text from the NER model into clean facet values.

Each rule is a small function with its own tests; ``entities.py`` applies them in order.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable
from functools import lru_cache

POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$", re.IGNORECASE)
TITLES = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "president",
    "vice",
    "prime",
    "minister",
    "premier",
    "chancellor",
    "senator",
    "sen",
    "rep",
    "representative",
    "congressman",
    "congresswoman",
    "gov",
    "governor",
    "mayor",
    "gen",
    "general",
    "col",
    "colonel",
    "capt",
    "captain",
    "lt",
    "lieutenant",
    "sgt",
    "sergeant",
    "adm",
    "admiral",
    "cmdr",
    "commander",
    "maj",
    "major",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "rev",
    "reverend",
    "father",
    "sheikh",
    "judge",
    "justice",
    "secretary",
    "chairman",
    "chairwoman",
    "chair",
    "chief",
    "executive",
    "ceo",
    "director",
    "ambassador",
    "envoy",
    "aide",
    "adviser",
    "advisor",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "leader",
    "state",
    "foreign",
    "finance",
    "defence",
    "defense",
    "treasury",
    "deputy",
    "acting",
    "former",
    "late",
    "us",
    "u.s.",
    "attorney",
    "speaker",
    "commissioner",
    "emir",
    "ayatollah",
    "herr",
}
NAME_PARTICLES = {
    "de",
    "da",
    "di",
    "del",
    "della",
    "van",
    "von",
    "der",
    "den",
    "la",
    "le",
    "du",
    "bin",
    "al",
    "ibn",
}
# particles a lone surname keeps ("De Clercq said"); not "Al", which is a first name as often ("Al Gore")
SURNAME_PARTICLES = NAME_PARTICLES - {"al", "bin", "ibn"}
HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|dr|sir|dame)\.?\s+\S", re.IGNORECASE)
FUNCTION_WORDS = {
    "of",
    "and",
    "for",
    "the",
    "de",
    "du",
    "la",
    "le",
    "von",
    "van",
    "der",
    "del",
    "da",
    "on",
    "in",
    "&",
    "at",
    "y",
    "e",
    "al",
    "bin",
    "to",
}
LEADING_ARTICLE = re.compile(r"^the\s+", re.IGNORECASE)


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


def strip_possessive(name: str) -> str:
    """ "Donald Trump's" -> "Donald Trump"; "Reuters'" is left alone when it is a whole name."""
    stripped = POSSESSIVE.sub("", name).rstrip()
    if name.endswith(("s'", "s’")):
        stripped = name[:-1]
    return stripped if stripped else name


# A wire ticker between angle brackets after a firm's name: "Texaco Inc <TX>", "Brown Boveri <BBCZ.Z>"
TICKER = re.compile(r"[A-Z0-9]{1,6}(?:\.[A-Z0-9]{1,3})?")
ANGLE_BRACKET = re.compile(r"[<>]")


def without_ticker(text: str) -> str:
    """ "TEX> Continental Airlines" -> "Continental Airlines", "F.W. Woolworth Co <Z" -> "F.W. Woolworth
    Co": a mention the model ran into a wire ticker's brackets is the name before the ticker (or after
    it, when it opens the mention); brackets around a name only mark an unlisted firm, and go
    ("<Hawker Siddeley Group PLC>'s" -> "Hawker Siddeley Group PLC's"). A lone ticker stays itself."""
    if "<" not in text and ">" not in text:
        return text
    names: list[list[str]] = [[]]
    for piece in ANGLE_BRACKET.split(text):
        if TICKER.fullmatch(piece.strip()):
            names.append([])
        else:
            names[-1].append(piece)
    found = [name for name in ("".join(pieces).strip() for pieces in names) if re.search(r"[A-Za-z]", name)]
    return collapse_spaces(found[0]) if found else collapse_spaces(ANGLE_BRACKET.sub(" ", text))


def strip_titles(name: str) -> str:
    """ "Mr Putin" -> "Putin", "President Donald Trump" -> "Donald Trump", "Sen. John McCain" -> "John McCain"."""
    words = name.split()
    while len(words) > 1 and words[0].casefold().rstrip(".") in TITLES:
        words = words[1:]
    return " ".join(words)


def strip_roles(
    name: str, common_words: frozenset[str] = frozenset(), demonym_of: frozenset[str] = frozenset()
) -> str:
    """Role words before a name go by the sentence's structure, not by a list of roles: everything up to
    a title inside the name ("Energy Minister Subroto" -> "Subroto"), a leading word the article itself
    uses in lower case ("Defender Hassan Abbas" where it says "the defender"; "Energy Subroto" where it
    speaks of energy), and a leading nationality ("Russian Igor Kolyvanov")."""
    words = name.split()
    titled = [i for i, w in enumerate(words[:-1]) if w.casefold().rstrip(".") in TITLES]
    if titled:
        words = words[titled[-1] + 1 :]
    while (
        len(words) > 1
        and words[0].casefold() not in NAME_PARTICLES
        and (words[0].casefold() in common_words or is_demonym(words[0], demonym_of))
    ):
        words = words[1:]
    return " ".join(words)


def is_demonym(word: str, country_stems: frozenset[str]) -> bool:
    """ "Russian", "Belgian", "Japanese", "Danish": a word shaped like an adjective of nationality whose
    stem (its first five letters, or four for a short word) starts a country's name."""
    folded = word.casefold()
    if not re.fullmatch(r"[a-z]+(?:an|ese|ish|i|ch)", folded) or len(folded) < 5:
        return False
    return folded[:5] in country_stems or folded[:4] in country_stems


def country_stems(countries: Iterable[str]) -> frozenset[str]:
    """The stems ``is_demonym`` looks for: of one-word country names ("Russia"), and of the last word of
    "North Korea"-style ones; not of "Christmas Island", lest "Christian" be a nationality."""
    stems = set()
    for country in countries:
        words = country.casefold().split()
        if len(words) == 2 and words[0] in ("north", "south", "west", "east"):
            words = words[1:]
        if len(words) == 1:
            stems.update({words[0][:4], words[0][:5]})
    return frozenset(s for s in stems if len(s) >= 4)


def strip_leading_possessor(name: str, people: frozenset[str] = frozenset()) -> str:
    """ "Trump's Democratic Party" -> "Democratic Party" when Trump is a person in the article; "Moody's
    Investors Service" keeps its name."""
    match = re.match(r"^([\w.\- ]+?)['’]s\s+(.+)$", name)
    return match.group(2) if match and match.group(1) in people else name


LEGAL_FORMS = {
    "co",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "plc",
    "ag",
    "sa",
    "nv",
    "bv",
    "gmbh",
    "spa",
    "group",
    "cos",
    "company",
    "bank",
    "commission",
    "ministry",
    "department",
    "finance",
    "state",
    "holdings",
    "industries",
    "international",
    "association",
    "sons",
    "brothers",
    "partners",
    "associates",
}


COMPANY_FORMS = {"co", "corp", "inc", "ltd", "llc", "plc", "ag", "nv", "bv", "gmbh", "spa", "cos"}


# Forms that are a company's only in capitals: "Citibank NA" (National Association); "Na" is a name
CAPITAL_COMPANY_FORMS = {"NA", "N.A."}


def is_company_form(word: str) -> bool:
    """ "Ltd", "Plc", "Inc.", "B.V", "NA": a company's legal form."""
    return (
        word.casefold().replace(".", "").strip(",") in COMPANY_FORMS
        or word.strip(",") in CAPITAL_COMPANY_FORMS
    )


def without_company_form(name: str) -> str:
    """ "Vellum Holdings Co Ltd" -> "Vellum Holdings": the name without the legal forms that end it."""
    words = name.split()
    while len(words) > 1 and is_company_form(words[-1]):
        words.pop()
    return " ".join(words)


# Words that open a firm's name in other languages: "Gruppo Vellani", "Banco Quistal", "Groupe Brenn"
FIRM_OPENINGS = frozenset(
    {"gruppo", "grupo", "groupe", "banco", "banca", "banque", "compagnie", "compania", "compañía", "societe",
     "societa", "cia", "cía", "cie"}
)  # fmt: skip

# Words that open the name of a mountain, valley or cape, in English and in the languages news transcribes
# ("Jebel al-Akhdar", "Wadi Halfa", "Mount Kenya"): such a name is a place's, never a person's
LANDFORM_OPENINGS = frozenset({"jebel", "jabal", "djebel", "jbel", "wadi", "oued", "mount", "mt", "cape"})


def opens_with_a_landform(name: str) -> bool:
    """ "Jebel al-Akhdar", "Mount Kenya": a name of two words or more opening with a landform's word."""
    words = name.split()
    return len(words) > 1 and words[0].casefold().rstrip(".") in LANDFORM_OPENINGS


def is_company_name(name: str) -> bool:
    """ "Jovanovich Inc", "Arcalex B.V", "Gruppo Vellani": a name with a company's legal form in it, or
    opening with a firm's word in another language."""
    words = name.split()
    return len(words) > 1 and (any(is_company_form(w) for w in words) or words[0].casefold() in FIRM_OPENINGS)


# What follows a firm's name when it is named after people: "and Co", "& Sons", a legal form, "Holdings",
# "Securities", or the other partners ("L.F. Quist, Brenn, Stent Inc")
FIRM_CONTINUATION = re.compile(
    r"(?=[\s,<(])(?:"  # every form starts so: the lookahead skips other characters fast (half the time)
    r"(?:\s+(?:and|&)\s+(?:Co|Company|Sons|Partners|Associates|Brothers)"
    r"|\s+\(?(?:Holdings|Securities|Capital|Group|Inc|Ltd|Limited|Corp|Corporation|Co|Cos|Plc|PLC|AG|NV|N\.V\.|SA|S\.A\.|"
    r"SpA|A/S|GmbH|NL|Pty|Pte|Bhd|Berhad)"
    r"|(?:,\s+[A-Z][a-z]+){2,3},?\s+(?:Inc|Ltd|Co|Corp)"
    r"|\s+(?:newspaper|daily|weekly|magazine))(?![\w-])"  # "Diario Vell newspaper" names a publisher
    # its stock's ticker: "Corning Vell Works <CVW>", "Vellum Corp (NYSE: VLM)"
    r"|\s*(?:<[A-Z][A-Z.]{0,7}>|\((?:NYSE|Nasdaq|NASDAQ|AMEX|LSE|TSX):\s*[A-Z][A-Z.]{0,7}\)))"
)


FIRM_NAME_JOINS = frozenset({"and", "&"})
# What a firm has and a person has not, after a possessive: "Northwind Vell's chief executive", "...'s
# shareholders". Not "stake", "bid" or "shares": a raider has those too.
FIRM_POSSESSIVE = re.compile(  # the apostrophe first: the search then skips to apostrophes (5 times faster)
    r"['’](?<=\w['’])s?\s+(?:(?:new|former|parent|main|two|three|four|five)\s+)?(?:chief\s+executive|chairman|"
    r"chairwoman|board\s+of\s+directors|shareholders|stockholders|subsidiary|subsidiaries|unit|units|"
    r"headquarters|plant|plants|factory|factories|refinery|net\s+income|earnings|revenues?|workforce|"
    r"creditor\s+banks|creditors)\b"
)
# A firm's noun right before its name: "the state oil company Vellobras said", "news agency Quista", "the
# business daily Gazeta Vell"
FIRM_APPOSITION = re.compile(  # the lookahead of first letters skips most words fast
    r"(?=[abcdfimnrsuw])\b(?:company|firm|corporation|conglomerate|utility|airline|carrier|monopoly|concern|insurer|"
    r"brokerage|refiner|subsidiary|agency|newspaper|daily|weekly|magazine)(?:[ \t]+|[ \t]*\n[ \t]*)(?=[A-Z])"
)
APPOSED_NAME = re.compile(r"[A-Z][\w.&-]*(?:[ \t]+[A-Z][\w.&-]*){0,2}")
# A share price moving, as a market report writes it after a company's name: "gained 7/8 to 27-1/4",
# "fell 1-1/4 at 26-3/4". No one's name is followed by that.
STOCK_MOVE = re.compile(
    r"\s+(?:gained|advanced|rose|climbed|jumped|added|fell|dropped|lost|slipped|eased|declined)\s+"
    r"\d+(?:[-/]\d+)*\s+(?:to|at)\s+\d"
)


def firm_name_starts(text: str) -> set[str]:
    """The two and three capitalized words before each firm continuation in ``text``, and the first two
    and three of the whole capitalized run ("and" before its last word): "Samuel Quist and Co Ltd" gives
    "Samuel Quist", "Goodyear Tire and Rubber Co" "Goodyear Tire", "Hemlo Gold Mines Inc" "Hemlo Gold";
    the names a person's name would have if a firm is named after them. So do those before a share price
    move ("Vellum Gold gained 7/8 to 27-1/4": a company's stock)."""
    starts = set()
    for match in FIRM_APPOSITION.finditer(text):
        name = APPOSED_NAME.match(text, match.end())
        words: list[str] = []
        for word in name.group().split() if name else []:
            if word.casefold().rstrip(".") in TITLES:  # "company Vellobras President Orla Brenn"
                break
            words.append(word)
        if words:
            starts.add(" ".join(words))
    moves = [*FIRM_CONTINUATION.finditer(text), *STOCK_MOVE.finditer(text), *FIRM_POSSESSIVE.finditer(text)]
    for match in moves:
        words = text[max(0, match.start() - 80) : match.start()].split()
        capitalized: list[str] = []
        for word in reversed(words[-4:]):
            opens = word[:1] in '<("“'  # "<Teck Vell and Co Ltd>": the name starts here
            word = word.lstrip('<("“')
            if not word[:1].isupper() or word[-1] in ",;:":
                break
            capitalized.insert(0, word)
            if opens:
                break
        for size in (2, 3, 4):
            if len(capitalized) >= size:
                starts.add(" ".join(capitalized[-size:]))
        run: list[str] = []
        for word in reversed(words[-6:]):
            opens = word[:1] in '<("“'
            word = word.lstrip('<("“')
            # "and" only before the run's last word: "Tire and Rubber Co", not "Baker and Chase Manhattan Corp"
            if not (word[:1].isupper() or (len(run) == 1 and word in FIRM_NAME_JOINS)) or word[-1] in ",;:":
                break
            run.insert(0, word)
            if opens:
                break
        while run and run[0] in FIRM_NAME_JOINS | {"The"}:
            run.pop(0)
        for size in (2, 3):
            if len(run) > size and run[size - 1] not in FIRM_NAME_JOINS:
                starts.add(" ".join(run[:size]))
    return starts


@lru_cache(maxsize=1 << 16)  # asked of every word of every name: a few thousand distinct words
def is_abbreviation(word: str) -> bool:
    """Newswire shorthand such as "Dlrs", "Shr" or "Mln": capitalized, three letters or more, no vowel."""
    letters = NOT_ASCII_LETTER.sub("", word)
    return len(letters) >= 3 and not is_all_caps(letters) and not VOWEL.search(letters)


NOT_ASCII_LETTER = re.compile(r"[^A-Za-z]")
VOWEL = re.compile(r"[aeiouyAEIOUY]")
ASCII_LETTER = re.compile(r"[A-Za-z]")


def smart_title_case(word: str) -> str:
    """ "MCCAIN" -> "Mccain" would be wrong for a few names, but "MOSCOW" -> "Moscow" is what matters;
    hyphens and apostrophes start a new capital ("O'NEILL" -> "O'Neill")."""
    lowered = word.lower()
    return re.sub(r"(^|[-'’])(\w)", lambda m: m.group(1) + m.group(2).upper(), lowered)


def is_all_caps(text: str) -> bool:
    if text.isascii():  # the same answer in one C call: ASCII's cased characters are its letters
        return text.isupper()
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def fix_capitals(name: str, keep_acronyms: bool = True) -> str:
    """All-capitals names from headlines and datelines become title case; short acronyms (IBM, OPEC,
    U.S.) stay as they are."""
    if not is_all_caps(name):
        return name
    words = name.split()
    if keep_acronyms and len(words) == 1 and len(NOT_ASCII_LETTER.sub("", name)) <= 5:
        return name
    return " ".join(word if "." in word else smart_title_case(word) for word in words)


NOT_KEY_CHARACTER = re.compile(r"[^\w\s&]")


def value_key(value: str) -> str:
    """The key two spellings of one value share: case, punctuation and spacing do not count."""
    return " ".join(
        NOT_KEY_CHARACTER.sub(" ", value.casefold().replace("’", "'").replace("'s ", " ")).split()
    )


# a dash or bracket between names, a paragraph break, or a line break after a figure or before a
# line opening in capitals ("Yuri Kushko\nTAVILDARA, Tajikistan", "Jayasuriya 3\nG. McGrath")
MENTION_BREAK = re.compile(r"\s+[-–—]+\s+|[()\[\]]|\n\s*\n|(?<=\d)[ \t]*\n\s*|[ \t]*\n\s*(?=[A-Z]{3,}\b)")
TRAILING_FIGURES = re.compile(r"(?:\s+\S*\d\S*)+$")


def split_mention(text: str) -> list[tuple[int, int]]:
    """Where a mention the model ran over a dash, a bracket or a paragraph break holds several names
    ("Romania - Cosmin Contra", "Scott Draper (Australia"): the (start, end) of each part, in ``text``."""
    parts, start = [], 0
    for match in [*MENTION_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            parts.append((start + lead, start + len(piece.rstrip())))
        if match:
            start = match.end()
    return parts


# Jobs a capitalized title ends in, which no one's surname is: "Chief U.K. Economist", "Senior Analyst"
JOB_NOUNS = frozenset(
    {"economist", "economists", "analyst", "analysts", "strategist", "spokesman", "spokeswoman",
     "spokesperson", "chairman", "chairwoman", "envoy", "ambassador", "director", "manager", "correspondent", "official",
     "officials", "minister", "secretary", "executive", "dealer", "dealers", "trader", "traders"}
)  # fmt: skip


# Military ranks as wires shorten them, which end no one's name: "Marine Lt", "Army Col"
RANK_ABBREVIATIONS = frozenset({"lt", "sgt", "capt", "col", "gen", "adm", "cmdr", "maj", "cpl", "pvt"})
# A possessor before a lone name: "Nikko Securities' Okamoto", "Vellum's Quist" (not "Vell Co's Quist
# Guidance", a firm's unit)
INNER_POSSESSOR = re.compile(r"^(?:.*\s)?\S+(?:['’]s|s['’])\s+(?=\S+$)")


# A particle joined to the name it opens, in lower case: "al-Sabah", "el-Baz", "bin-Quist"
JOINED_PARTICLE = re.compile(r"(?:al|el|ad|ash|as|at|az|ar|an|ud|bin|ibn|abu|abd|ben)-[A-Z]")


def clean_person(
    text: str, common_words: frozenset[str] = frozenset(), demonym_of: frozenset[str] = frozenset()
) -> str | None:
    name = collapse_spaces(text).strip(" -–—,.;:\"'()[]")
    name = TRAILING_FIGURES.sub("", name)  # "J. Russell 56" in a table of scores
    name = INNER_POSSESSOR.sub("", name)  # "Nikko Securities' Okamoto" -> "Okamoto"
    name = strip_roles(strip_titles(strip_possessive(name)), common_words, demonym_of)
    name = name.strip(" -–—,;:\"'()[]")
    if not name or not ASCII_LETTER.search(name) or NOT_IN_A_NAME.search(name):
        return None
    words = name.split()
    if len(words) > 5 or name.islower():
        return None
    if any(
        len(w) > 1 and w[0].islower() and w.lower() not in NAME_PARTICLES and not JOINED_PARTICLE.match(w)
        for w in words
    ):
        return None  # "Trump said" style fragments
    if len(words) > 1 and JOINED_PARTICLE.match(words[0][:1].lower() + words[0][1:]):
        return None  # "Al-Gama'a al-Islamiya": a group's name opens with the particle, a man's with his own
    if len(words) == 1 and len(name) < 3:
        return None
    if any(is_abbreviation(w) for w in words):
        return None  # "U.S. Dlrs"
    if is_company_name(name):
        return None  # "Jovanovich Inc": a company
    if words[-1].casefold() in JOB_NOUNS or words[-1].casefold().rstrip(".") in RANK_ABBREVIATIONS:
        return None  # "Peter Vell, U.K. Economist at ...", "Spokeswoman", "Marine Lt": a job, not a name
    if any(w.rstrip(".") in MONTH_ABBREVIATIONS for w in words):
        return None  # "Near Aug": a futures month in a market report
    return fix_capitals(name, keep_acronyms=False)


# Months as market reports shorten them; not "Jan" (a first name), nor months that are first names.
MONTH_ABBREVIATIONS = frozenset(
    {"Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"}
)


ROMAN_NUMERAL = re.compile(r"[IVXLC]+", re.IGNORECASE)


def initials(name: str) -> str:
    """ "Securities and Exchange Commission" -> "SEC": the first letters of its capitalized words."""
    return "".join(
        w[0] for w in re.split(r"[\s-]+", name) if w[:1].isupper() and w.casefold() not in FUNCTION_WORDS
    )


def is_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def acronym_in_any_case(given: str) -> str | None:
    """The acronym a reader's value spells in any case ("opec" -> "OPEC", "o.p.e.c." -> "O.P.E.C."),
    None when its capitals are no acronym: how both search engines read a facet value that names no
    value of the index before looking it up by ``acronym_expansion``."""
    capitals = given.strip().upper()
    return capitals if is_acronym(capitals) else None


def acronym_expansion(acronym: str, named: Iterable[tuple[str, int]]) -> str | None:
    """The value an acronym stands for among ``named`` (value, articles naming it): of the values of
    several words whose initials spell it, the most named (at least once), a tie to the first
    alphabetically ("OPEC" -> "Organisation of Petroleum Exporting Countries"). None when it is no
    acronym or no value spells it. The build merges an acronym into its expansion, so a reader's "OPEC"
    must find the expansion; both search engines look it up by this rule."""
    if not is_acronym(acronym):
        return None
    letters = acronym.replace(".", "").upper()
    spelled = [
        (-count, value)
        for value, count in named
        if count > 0 and " " in value and initials(value).upper() == letters
    ]
    return min(spelled)[1] if spelled else None


def acronyms_shown_in_lower_case(spelling: dict[str, str]) -> set[str]:
    """The shown spellings ("Comex") of one-word values some of whose spellings are acronyms ("COMEX")."""
    return {shown for written, shown in spelling.items() if " " not in written and is_acronym(written)}


CREDIT_GRADE = re.compile(
    r"(?:AAA|AA|A|BBB|BB|B|CCC|CC|C|Aaa|Aa|Baa|Ba|Caa|Ca)(?:[123]|[+-]|-?(?:plus|minus))?", re.ASCII
)
SPEAKS_OF_RATINGS = re.compile(r"\brat(?:ed|es|ing|ings)\b|\bdowngrad|\bupgrad", re.IGNORECASE)


# The last word of a crude oil's grade: an adjective after the place it comes from ("West Texas
# Intermediate", "Light Louisiana Sweet", "Arab Heavy")
GRADE_WORDS = frozenset({"sweet", "sour", "intermediate", "light", "heavy", "medium", "blend", "crude"})
# Words before the place in a grade's name
GRADE_OPENINGS = frozenset({"west", "east", "north", "south", "light", "heavy", "medium"})


def is_commodity_grade(name: str, is_place: Callable[[str], bool]) -> bool:
    """ "West Texas Intermediate", "Light Louisiana Sweet": a place's name (after a direction or a
    grade's word) followed by a grade's adjective. A firm joins its words ("Kansas Power and Light") or
    names its form; a grade does neither."""
    words = name.split()
    if len(words) < 2 or words[-1].casefold() not in GRADE_WORDS or not all(w[:1].isupper() for w in words):
        return False
    head = words[:-1]
    while len(head) > 1 and head[0].casefold() in GRADE_OPENINGS:
        head = head[1:]
    return is_place(" ".join(head)) or is_place(" ".join(words[:-1]))


def is_credit_grade(name: str, text: str) -> bool:
    """ "BBB", "AA-minus", "Baa2" in an article about ratings: a grade of the rating agencies' scales,
    which the model tags as an organization."""
    return bool(CREDIT_GRADE.fullmatch(name)) and bool(SPEAKS_OF_RATINGS.search(text))


@lru_cache(maxsize=1 << 17)  # asked of each acronym and name an article holds together, twice a build
def spells_acronym(acronym: str, name: str) -> bool:
    """Whether ``name`` spelled out gives ``acronym``: its initials ("SEC"), or, for one of four letters
    or more, a few letters of each word in turn, each word's first among them ("NYMEX" of "New York
    Mercantile Exchange", "COMEX" of "Commodity Exchange")."""
    letters = acronym.replace(".", "").upper()
    if " " not in name or not letters:
        return False
    if letters in (
        initials(name),
        initials(without_legal_form(name)),
    ):  # "AMC", and "ATT" of "… Telegraph Co"
        return True
    words = [
        w.upper()
        for w in re.split(r"[\s-]+", without_legal_form(name))
        if w[:1].isupper() and w.casefold() not in FUNCTION_WORDS
    ]
    if len(letters) < 4 or len(words) < 2 or len(words) > len(letters):
        return False

    def spells(at: int, word: int) -> bool:
        # letters[at:] from words[word:], words[word] starting with letters[at]
        if word == len(words):
            return at == len(letters)
        if at == len(letters) or words[word][0] != letters[at]:
            return False
        rest = words[word][1:]
        at += 1
        for taken in range(len(rest) + 1):  # the next word takes over after ``taken`` letters of this one
            if spells(at, word + 1):
                return True
            if at == len(letters):
                return False
            found = rest.find(letters[at], taken)
            if found < 0:
                return False
            rest, at = rest[found + 1 :], at + 1
        return False

    return spells(0, 0)


# how many articles must name an acronym beside its spelled-out name before every article's acronym is
# taken for that name; in fewer, it is so only where the article spells it out ("AAA" the credit rating
# is not the "Arabian Auto Agency" one story calls AAA)
ACRONYM_PAIRED_OFTEN = 2


def pair_acronyms(
    together: Counter[tuple[str, str]], min_articles: int = ACRONYM_PAIRED_OFTEN
) -> dict[str, str]:
    """Acronym -> its expansion, where an organization spelled out spells an acronym the corpus names in
    the same articles ("SEC" beside "Securities and Exchange Commission", "EC" beside "European
    Community"): the expansion named with it in the most articles, at least ``min_articles``."""
    best: dict[str, tuple[int, str]] = {}
    for (acronym, expansion), count in together.items():
        if (
            count >= min_articles
            and spells_acronym(acronym, expansion)
            and count > best.get(acronym, (0, ""))[0]
        ):
            best[acronym] = (count, expansion)
    return {acronym: expansion for acronym, (_, expansion) in best.items()}


def acronyms_spelled_out(orgs: Iterable[str], written_as_acronyms: Iterable[str] = ()) -> dict[str, str]:
    """Within one article, an acronym -> the one organization named there that spells it out.
    ``written_as_acronyms``: names shown in lower case that the corpus also writes in capitals ("Comex"
    for COMEX, "Libor" for LIBOR), acronyms all the same."""
    orgs = list(dict.fromkeys(orgs))
    also = set(written_as_acronyms)
    pairs = {}
    for acronym in (o for o in orgs if is_acronym(o) or o in also):
        spelled = [o for o in orgs if o != acronym and spells_acronym(acronym, o)]
        if len(spelled) == 1:
            pairs[acronym] = spelled[0]
    return pairs


MAX_CLIPPING = 4


def is_clipping(short: str, name: str) -> bool:
    """ "Fed" of "Federal Reserve": one short capitalized word (not an acronym) that is the start, cut short,
    of the first word of a longer name. A longer word is a word of its own ("Congress", "Congressional")."""
    words = name.split()
    return (
        len(words) > 1
        and " " not in short
        and 3 <= len(short) <= MAX_CLIPPING
        and len(short) < len(words[0])
        and short[:1].isupper()
        and not is_all_caps(short)
        and words[0].startswith(short)
    )


def pair_clippings(together: Counter[tuple[str, str]], min_articles: int = 3) -> dict[str, str]:
    """Clipping -> the name it clips ("Fed" -> "Federal Reserve"): of the longer names it clips, the one
    named with it in the most articles, at least ``min_articles`` and more than all the others together."""
    by_short: dict[str, Counter[str]] = defaultdict(Counter)
    for (short, name), count in together.items():
        if is_clipping(short, name):
            by_short[short][name] += count
    pairs = {}
    for short, names in by_short.items():
        (name, count), total = names.most_common(1)[0], sum(names.values())
        if count >= min_articles and count * 2 > total:
            pairs[short] = name
    return pairs


def merge_short_orgs(orgs: Iterable[str]) -> dict[str, str]:
    """Within one article, a one-word organization that starts exactly one longer one named there is
    that one ("Moody" beside "Moody's Investors Service Inc")."""
    orgs = list(dict.fromkeys(orgs))
    mapping = {}
    for org in orgs:
        if " " in org or is_acronym(org):
            continue
        longer = {o for o in orgs if o != org and value_key(o).split()[0] == value_key(org)}
        if len(longer) == 1:
            mapping[org] = longer.pop()
    return mapping


def same_firm_in_article(
    orgs: Iterable[str],
    names_a_place: Callable[[str], bool],
    is_common_word: Callable[[str], bool] = lambda word: False,
) -> dict[str, str]:
    """Within one article, a value that names what another of its values names in full -> that one: a
    firm's name with its legal form beside the bare name ("Dayton Hudson Corp" -> "Dayton Hudson", as
    ``pair_legal_forms``), words ending exactly one longer name ("Kodak" of "Eastman Kodak", "Cantonal
    Bank" of "Zurich Cantonal Bank"; not a body's own noun, "Parliament", which the body rules read), a
    word spelling one as an acronym does ("Libor", ``spells_acronym``), an acronym
    opening exactly one ("CPC" of "CPC International"; not "IBM Japan", a place's unit, nor "EC
    Commission", a body of it), and a name the model cut before "and" ("American Telephone" of "American
    Telephone and Telegraph Co"). Not into a name that adds only words the corpus writes in lower case
    (``is_common_word``: "Opposition Labour Party" is the Labour Party) or a word cut at a hyphen."""
    orgs = list(dict.fromkeys(orgs))
    mapping: dict[str, str] = {}
    if len(orgs) < 2:
        return mapping
    formal = {org: bare for org in orgs if (bare := without_legal_form(org)) != org}
    if formal:  # most articles name no firm with its legal form
        keys = {firm_key(org): org for org in reversed(orgs)}
        for org, bare in formal.items():
            if keys.get(firm_key(bare), org) != org:
                mapping[org] = keys[firm_key(bare)]
    words_of = {org: org.split() for org in orgs if " " in org}
    for short in orgs:
        if short not in mapping:
            longer = [words for o, words in words_of.items() if o != short and o not in mapping]
            stands_for = longer_names_of(short.split(), longer, names_a_place, is_common_word)
            if len(stands_for) == 1:
                mapping[short] = " ".join(stands_for[0])
    return mapping


def longer_names_of(
    words: list[str],
    longer: list[list[str]],
    names_a_place: Callable[[str], bool],
    is_common_word: Callable[[str], bool] = lambda word: False,
) -> list[list[str]]:
    """Of the names of ``longer`` (as words), those a name of ``words`` may be short for (see
    ``same_firm_in_article``)."""
    short = " ".join(words)
    longer = [o for o in longer if len(o) > len(words)]
    cut_before_and = [o for o in longer if o[: len(words)] == words and o[len(words)] in FIRM_NAME_JOINS]
    if is_acronym(short):
        opened = [
            o
            for o in longer
            if o[0] == short
            and o[-1].casefold() not in INSTITUTION_HEADS
            and not names_a_place(" ".join(o[1:]))
        ]
        return opened + cut_before_and
    if len(words) == 1 and short.casefold() in INSTITUTION_HEADS:
        return cut_before_and
    spelled = [
        o
        for o in longer
        if len(short) >= 4
        and len(words) == 1
        and o[0][:1] == short[:1]  # what ``spells_acronym`` asks first, asked cheaply
        and spells_acronym(short, " ".join(o))
    ]
    ended = [
        o
        for o in longer
        if o[-len(words) :] == words
        and not all(is_common_word(w) for w in o[: -len(words)])
        and not any(w.endswith("-") for w in o[: -len(words)])
    ]
    return [list(o) for o in dict.fromkeys(tuple(o) for o in spelled + ended + cut_before_and)]


def is_contraction(short: str, name: str) -> bool:
    """ "VW" of "Volkswagen": capitals (two to four) that are letters of one longer word, in order, its
    first letter first."""
    if not (is_acronym(short) and len(short) <= 4) or " " in name or len(name) < 2 * len(short):
        return False
    at = 0
    for letter in short.casefold():
        at = name.casefold().find(letter, at) + 1
        if at == 0:
            return False
    return name[0] == short[0]


def pair_contractions(orgs_by_article: Iterable[set[str]], min_articles: int = 3) -> dict[str, str]:
    """Across the corpus, an acronym that is letters of one word ("VW" of "Volkswagen", ``is_contraction``)
    or that a one-word name spells ("Libor" of "London Interbank Offered Rate", ``spells_acronym``) -> that
    name, when the corpus names the two together in at least ``min_articles`` articles and in half the
    articles naming the short one at least: one name so near is what it stands for ("BA" beside
    "Barclays" once is no such pair)."""
    named: Counter[str] = Counter()
    together: dict[str, Counter[str]] = defaultdict(Counter)
    for orgs in orgs_by_article:
        for short in orgs:
            if " " in short or len(short) > 6:
                continue
            named[short] += 1
            together[short].update(
                o
                for o in orgs
                if o != short
                and (is_contraction(short, o) or (" " in o and len(short) >= 4 and spells_acronym(short, o)))
            )
    return named_mostly_with(together, named, min_articles)


# The legal forms a firm's name is given with and without ("Vellum" and "Vellum Ltd" are one firm)
LEGAL_FORM_SUFFIXES = COMPANY_FORMS | {"sa", "spa", "nv", "ab", "as", "oy"}


def without_legal_form(name: str) -> str:
    """ "Vellum Co Ltd" -> "Vellum", "Quistad SA" -> "Quistad": the name without the legal forms ending it."""
    words = name.split()
    while len(words) > 1 and (
        words[-1].casefold().replace(".", "").strip(",") in LEGAL_FORM_SUFFIXES
        or words[-1] in CAPITAL_COMPANY_FORMS
    ):
        words.pop()
        if len(words) > 1 and words[-1] in FIRM_NAME_JOINS:  # "Vellum Brenn and Co" -> "Vellum Brenn"
            words.pop()
    return " ".join(words)


def firm_key(name: str) -> str:
    """ "Vellum, Brenn" and "Vellum Brenn's": how a firm's name is compared with its forms."""
    return value_key(strip_possessive(name))


def pair_legal_forms(orgs_by_article: Iterable[set[str]]) -> dict[str, str]:
    """ "Vellum" and "Vellum Ltd": a name and the same name with a legal form are one firm when the corpus
    names both in the same article (every form so named: "British Vellum Co" and "British Vellum Co Plc");
    or, for a name of two words or more (specific enough), of the forms never named beside it, the one
    it is given in more articles than all the others together. The legal form goes to the bare name, the
    one readers know ("Vellum" more than "Vellum Ltd")."""
    together: set[tuple[str, str]] = set()
    anywhere: Counter[tuple[str, str]] = Counter()
    orgs_by_article = list(orgs_by_article)
    named: set[str] = set().union(*orgs_by_article)
    # the bare name as the corpus writes it: "Vellum, Brenn and Co" is "Vellum Brenn", "Quist's Corp" "Quist"
    written = {firm_key(org): org for org in sorted(named, key=lambda o: (-o.count(","), o))}
    for orgs in orgs_by_article:
        for org in orgs:
            bare = without_legal_form(org)
            if bare != org:
                bare = written.get(firm_key(bare), bare)
                anywhere[(bare, org)] += 1
                if bare in orgs:
                    together.add((bare, org))
    pairs = {formal: bare for bare, formal in together}
    apart: dict[str, Counter[str]] = defaultdict(Counter)
    for (bare, formal), count in anywhere.items():
        if formal not in pairs and " " in bare and bare in named:
            apart[bare][formal] += count
    for bare, formals in apart.items():
        formal, count = formals.most_common(1)[0]
        if count * 2 > sum(formals.values()):
            pairs[formal] = bare
    return pairs


def pair_short_orgs(orgs_by_article: Iterable[set[str]], min_articles: int = 2) -> dict[str, str]:
    """Across the corpus, what ``merge_short_orgs`` does in one article: a one-word organization ("Moody",
    of "Moody's") is the longer one it starts ("Moody's Investors Service Inc") when the corpus names
    that one with it in at least half the articles naming it, and at least ``min_articles``; a name
    mostly named alone ("Vellbank", seldom beside "Vellbank Council") is one of its own."""
    named: Counter[str] = Counter()
    together: dict[str, Counter[str]] = defaultdict(Counter)
    for orgs in orgs_by_article:
        for org in orgs:
            if " " in org or is_acronym(org):
                continue
            named[org] += 1
            key = value_key(org)
            together[org].update(o for o in orgs if o != org and value_key(o).split()[0] == key)
    return named_mostly_with(together, named, min_articles)


def named_mostly_with(
    together: dict[str, Counter[str]], named: Counter[str], min_articles: int
) -> dict[str, str]:
    """Short name -> the longer one named with it in the most articles, when that is at least
    ``min_articles``, half the articles naming the short one, and more than all the others together."""
    pairs = {}
    for short, longer in together.items():
        if longer:
            name, count = longer.most_common(1)[0]
            if count >= min_articles and count * 2 >= named[short] and count * 2 > sum(longer.values()):
                pairs[short] = name
    return pairs


def clean_org(text: str, people: frozenset[str] = frozenset()) -> str | None:
    name = without_ticker(collapse_spaces(text)).strip(" -–—,;:\"'()[]<>")
    name = strip_possessive(strip_leading_possessor(name, people))
    name = LEADING_ARTICLE.sub("", name).strip(" -–—,;:\"'()[]")
    if not name or len(NOT_ASCII_LETTER.sub("", name)) < 2 or len(name) > 80:
        return None
    if DIGITS_AND_SIGNS.fullmatch(name) or name.islower():
        return None
    if (
        len(name.split()) > 8
        or "/" in name
        or has_lowercase_word(name)
        or any(is_abbreviation(w) and not is_company_form(w) for w in name.split())
    ):
        return None  # "Dlrs", "Shr": newswire shorthand; "Ltd" and "Plc" are a company's form
    if name.split()[-1].casefold() in FUNCTION_WORDS:
        return None  # "Group of", "Bank of": a name cut short
    if all(w.casefold().strip(".,") in LEGAL_FORMS for w in name.split()):
        return None  # "Corp", "Co Inc", "Bank": a legal form or a common noun, not a name
    if ROMAN_NUMERAL.fullmatch(name):
        return None  # "III": a numeral
    return fix_capitals(name)


# a place written as its initials, each with its period: "U.S.", "U.K.", "U.S.S.R."
DOTTED_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")
TWO_ASCII_LETTERS = re.compile(r"[A-Za-z]{2}")
DIGIT = re.compile(r"\d")
LOWERCASE_WORD = re.compile(r"\b[a-z]+\b")  # a word written in lower case
DIGITS_AND_SIGNS = re.compile(r"[\d\W]+")
NOT_IN_A_NAME = re.compile(r"[\d@#/\\|=+*_<>]")


@lru_cache(maxsize=1 << 16)  # a corpus names a few thousand places, each many times
def clean_place_text(text: str) -> str | None:
    name = without_ticker(collapse_spaces(text)).strip(" -–—,;:\"'()[]")
    name = strip_possessive(name)
    name = LEADING_ARTICLE.sub("", name)
    if (
        not name
        or not (TWO_ASCII_LETTERS.search(name) or DOTTED_INITIALS.fullmatch(name))
        or DIGIT.search(name)
        or len(name.split()) > 5
    ):
        return None  # "U.S." and "U.K." are names; a lone "A." or "No. 3" is none
    if name.islower() or has_lowercase_word(name):
        return None
    return fix_capitals(name)


def has_lowercase_word(name: str) -> bool:
    """Proper names are capitalized: "Lisbon city council" or "warmer Atlantic Scientists" are not one."""
    return any(w[0].islower() and w.lower() not in FUNCTION_WORDS for w in name.split() if w[0].isalpha())


def looks_like_person(name: str) -> bool:
    """ "Ms Kamau" tagged as an organization or a place is a person."""
    return bool(HONORIFIC.match(name))


GENERATIONAL_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def surname(name: str) -> str:
    """ "John Bolton" -> "Bolton"; "John Johnstone Jr" -> "Johnstone"."""
    words = name.split()
    if len(words) > 2 and words[-1].casefold().rstrip(".") in GENERATIONAL_SUFFIXES:
        return words[-2]
    return words[-1]


def particle_surname(name: str) -> str | None:
    """ "Willy de Clercq" -> "de Clercq", "Hans van den Broek" -> "van den Broek": the surname with the
    particles before it, as a lone mention writes it ("De Clercq said"); None without particles."""
    words = name.split()
    end = len(words) - 1
    if len(words) > 2 and words[-1].casefold().rstrip(".") in GENERATIONAL_SUFFIXES:
        end -= 1
    start = end
    while start > 1 and words[start - 1].casefold() in SURNAME_PARTICLES:
        start -= 1
    return " ".join(words[start : end + 1]) if start < end else None


def is_lone_surname(name: str) -> bool:
    """ "Bolton", "De Clercq", "van den Broek": a surname alone, its particles in any case."""
    words = name.split()
    return bool(words) and all(w.casefold() in SURNAME_PARTICLES for w in words[:-1])


SPEECH_VERB = r"(?:said|says|told|added|asked|argued|wrote|stated|explained|declared|noted|replied|insisted)"
SAID_AFTER = re.compile(r"\s*(?:,[^,.;]{1,80},\s*)?" + SPEECH_VERB + r"\b")
SAID_BEFORE = re.compile(r"\b" + SPEECH_VERB + r"\s*$")
PRONOUN_NEXT = re.compile(r"^[^.!?\n]{0,120}?[.!?]?\s*(?:He|She)\b|^[^.!?\n]{0,80}?\b(?:he|she|his|her)\b")


CLAUSE_END = re.compile(r"\s*(?:[,.;:)]|$)")


# What only a person is, before her name: "Texas investor Orla M. Brenn", "analyst Dorin Vell"
PERSON_NOUNS = frozenset(
    {"investor", "analyst", "economist", "financier", "banker", "lawyer", "businessman", "businesswoman",
     "industrialist", "tycoon", "magnate", "entrepreneur", "millionaire", "billionaire", "raider"}
)  # fmt: skip


def text_shows_a_person(text: str, start: int, end: int, strict: bool = False) -> bool:
    """Whether the words around a one-word name show it is someone: a title before it ("Mr Bolton",
    "Minister Subroto"), a verb of speech beside it ("Bolton said", "said Bolton"), or "he"/"she"
    taking it up next. ``strict``: no "he" (it is as often the speaker), and "said" before the name only
    where the name ends the clause ("said Orla Brenn, its chairman", not "said Gross Domestic Product
    rose")."""
    before = text[max(0, start - 40) : start]
    words_before = before.split()
    if words_before and words_before[-1].casefold().rstrip(".,") in TITLES | PERSON_NOUNS:
        return True
    after = text[end : end + 200]
    if SAID_AFTER.match(after):
        return True
    if strict:
        return bool(SAID_BEFORE.search(before) and CLAUSE_END.match(after))
    return bool(SAID_BEFORE.search(before) or PRONOUN_NEXT.match(after))


POSSESSIVE_ROLE = re.compile(
    r"^(?:['’]s)?\s+(?:(?:new|former|late|own)\s+)?(?:wife|husband|son|daughter|father|mother|brother|sister|"
    r"widow|family|lawyer|lawyers|attorney|successor|predecessor|resignation|appointment|election|"
    r"administration|government|" + "|".join(sorted(TITLES)).replace(".", r"\.") + r")\b",
    re.IGNORECASE,
)


# A minister's or a ministry's portfolios, which the model reads as people: "Minister of Agriculture,
# Animal Vellery and Fisheries", "Ministry for Quist Affairs"
PORTFOLIO_BEFORE = re.compile(
    r"\b(?:[Mm]inist(?:er|ry)|[Dd]epartment|[Ss]ecretary|[Cc]ommissioner)\s+(?:of|for)\s+(?:the\s+)?"
    r"(?:[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*\s*(?:,\s*(?:and\s+)?|\s+and\s+))*$"
)


PORTFOLIO_GOES_ON = re.compile(r",?\s+and\s+[A-Z]")


def names_a_portfolio(before: str, after: str) -> bool:
    """Whether a mention is one of a ministry's portfolios: after "Minister of Trade, " or "Ministry
    for Trade and ", and in a list that goes on ("... and Fisheries") or ends with it after "and".
    "Minister of Finance, Orla Brenn, said" names her."""
    return bool(PORTFOLIO_BEFORE.search(before)) and bool(
        re.search(r"\band\s+$", before) or PORTFOLIO_GOES_ON.match(after)
    )


def text_marks_a_person(text: str, start: int, end: int) -> bool:
    """Whether the words around a name of any length are a person's marks: a title before it, a verb of
    speech beside it (``text_shows_a_person``, strictly: "said" before it only where it ends the clause),
    or a possessive before a role or a relative ("Orla Brenn's spokesman", "... 's wife"), the mention
    itself holding the "'s" or not. A "he" later in the sentence is none: it is as often the speaker
    ("1.5 pct of Gross Domestic Product when he took office")."""
    if text_shows_a_person(text, start, end, strict=True):
        return True
    mention = text[start:end]
    after = text[end : end + 40]
    if re.search(r"['’]s$", mention):
        after = "'s" + after
    # "Northwind Vell's chief executive" is a firm's: a chief executive, a board, shareholders
    firms = FIRM_POSSESSIVE.match("x" + after, 1)
    return bool(re.match(r"['’]s", after) and POSSESSIVE_ROLE.match(after) and not firms)


def abbreviated_place(word: str, is_place: Callable[[str], bool]) -> bool:
    """ "U.K.", "US": a place written as an abbreviation, which no one is named."""
    return (word.isupper() or "." in word) and len(word.replace(".", "")) >= 2 and is_place(word)


def names_of_things(
    people: Iterable[str],
    marked: set[str],
    is_place: Callable[[str], bool],
    is_given_name: Callable[[str], bool],
    is_common_word: Callable[[str], bool],
    is_common_phrase: Callable[[str], bool] = lambda name: False,
) -> set[str]:
    """ "Louisiana Sweet" (a crude oil), "Soybean Oil" in a table: a "person" of two words or more that
    the corpus never writes with a person's marks (``text_marks_a_person``: a title, a verb of speech, a
    possessive role), whose first word is no first name (it starts no marked person's name, and not
    mostly people's names), whose last word the corpus writes in lower case ("sweet", "oil"), and whose
    first word is a place or such a word too: a thing named after a place or a common noun, not someone.
    A person's surname is seldom a common word; "Duncan Young", unmarked, is the price of the rule. A
    name the corpus also writes whole in lower case (``is_common_phrase``: "gross domestic product") is
    a thing even when the model's votes took its first word for a first name (it tags the phrase as a
    person so often that "Gross" starts more "people" than anything else)."""
    # a place's abbreviation opening a marked name ("U.K. Chancellor Nigel Lawson said") is no first
    # name; a town's name may be one ("Florence")
    given = {
        name.split()[0] for name in marked if " " in name and not abbreviated_place(name.split()[0], is_place)
    }
    people = list(people)
    opens = opening_words(people)
    things = set()
    for name in people:
        words = name.split()
        if len(words) < 2 or name in marked:
            continue
        if words[-1].casefold() in LANDFORM_HEAD_WORDS and not (
            words[0] in given or opens_another_name(name, opens)
        ):
            things.add(name)  # "Whim Creek": a landform's name, or a firm named after one
            continue
        # the votes' first name counts when it opens another person's name too: a word the model finds
        # only before this name ("Animal Husbandry") is no one's first name for that alone
        if (
            words[0] in given or (is_given_name(words[0]) and opens_another_name(name, opens))
        ) and not is_common_phrase(name):
            continue
        if is_common_word(words[-1]) and (is_place(words[0]) or is_common_word(words[0])):
            things.add(name)
    return things


# The last word of many firms' and bodies' names, seldom of a person's: "Northwind Grid", "Vaal Colliery"
ORGANISATION_HEAD_WORDS = frozenset(
    {
        "grid", "power", "energy", "utilities", "motors", "airlines", "airways", "bancorp", "bank", "banking",
        "mining", "mines", "minerals", "colliery", "collieries", "petroleum", "oil", "gas", "resources",
        "chemicals", "pharmaceuticals", "foods", "electronics", "electric", "industries", "holdings",
        "group", "insurance", "securities", "investments", "properties", "communications", "telecom",
        "shipping", "railways", "railroad", "systems", "technologies", "refining", "breweries", "brewery",
        "stores", "exploration", "consolidated", "enterprises", "ventures", "textiles", "cement",
        "foundation", "institute", "university", "council", "committee", "union", "party", "association",
        "agency", "authority", "fund", "exchange", "ministry", "department", "bureau", "commission",
        "corporation", "company", "federation", "alliance", "trust", "works",
    }
)  # fmt: skip
# The last word of a landform's name, seldom of a person's: "Whim Creek" ("Lake", "Hill" are surnames)
LANDFORM_HEAD_WORDS = frozenset(
    {"creek", "river", "valley", "mountain", "mountains", "island", "islands", "falls", "harbour", "harbor",
     "canyon", "reef", "reefs", "gulf", "basin", "delta", "peninsula", "strait", "straits", "plateau"}
)  # fmt: skip


def opening_words(names: Iterable[str]) -> Counter[str]:
    """How many of ``names`` (of two words or more) each word opens, not counting the names of firms or
    landforms ("Vaal Reefs" makes no first name of "Vaal")."""
    heads = ORGANISATION_HEAD_WORDS | LANDFORM_HEAD_WORDS
    return Counter(
        name.split()[0] for name in names if " " in name and name.split()[-1].casefold() not in heads
    )


def opens_another_name(name: str, opens: Counter[str]) -> bool:
    """Whether the first word of ``name`` opens a person's name other than it (``opening_words``)."""
    words = name.split()
    itself = words[-1].casefold() not in ORGANISATION_HEAD_WORDS | LANDFORM_HEAD_WORDS
    return opens[words[0]] - itself >= 1


def firms_by_evidence(
    people: Counter[str],
    marked: set[str],
    firm_cues: Counter[str],
    is_given_name: Callable[[str], bool],
    min_share: float = 0.2,
) -> set[str]:
    """ "People" that are firms or bodies by what the text says of them, decided on one mention where the
    evidence is strong: a name of two words or more the corpus never writes with a person's marks
    (``marked``: a title, a verb of speech, a possessive role), that the text once gives a firm's
    continuation, possessive or noun ("Teck Vell and Co Ltd", "Northwind Vell's chief executive", "the
    utility Quist Grid": ``firm_cues``, in how many articles), or whose last word heads firms' and bodies'
    names ("Grid", "Colliery") after a first word that is no first name (one that opens another person's
    name); and a lone name given a firm's noun ("the state oil company Vellobras") in at least two
    articles and ``min_share`` of those naming it, whatever verb of speech follows it (firms speak too)."""
    opens = opening_words(people)
    given = {name.split()[0] for name in marked if " " in name}
    firms = set()
    for name, count in people.items():
        words = name.split()
        if len(words) == 1:
            if firm_cues[name] >= max(2, min_share * count):
                firms.add(name)
            continue
        if name in marked:
            continue
        # ``opens`` leaves out the names of firms and landforms, this one too: another person's counts
        first_name = words[0] in given or (is_given_name(words[0]) and opens_another_name(name, opens))
        if firm_cues[name] >= 1 or (words[-1].casefold() in ORGANISATION_HEAD_WORDS and not first_name):
            firms.add(name)
    return firms


def people_tagged_as_orgs(
    orgs: Counter[str], people: Counter[str], known_people: set[str], spelling: dict[str, str]
) -> dict[str, str]:
    """ "Orla Brenn" tagged as an organization in one article ("Orla Brenn said Kenyan engineers..."):
    a full name the corpus knows as a person, named as one at least twice as often, is that person."""
    found = {}
    for org, count in orgs.items():
        name = spelling.get(org, org)
        if " " in name and name in known_people and people[name] >= 2 * count:
            found[name] = name
    return found


def merge_short_names(names: Iterable[str]) -> dict[str, str]:
    """Within one article, a lone name maps to the one fuller name that ends (or starts) with it:
    "Trump" -> "Donald Trump", "Bolton" -> "John Bolton". Ambiguous short names stay as they are."""
    names = list(dict.fromkeys(names))
    full = [n for n in names if not is_lone_surname(n)]
    mapping: dict[str, str] = {}
    for name in names:
        if not is_lone_surname(name):
            continue
        key = name.casefold()
        by_last = {f for f in full if key in (surname(f).casefold(), (particle_surname(f) or "").casefold())}
        candidates = by_last or {f for f in full if f.split()[0].casefold() == key}
        if len(candidates) == 1:
            mapping[name] = candidates.pop()
    # "Vladimir Putin" and "Putin Vladimir"? no; but "John F. Kennedy" vs "John Kennedy": keep the longer.
    for name in full:
        words = name.split()
        if len(words) == 2:
            longer = {
                f
                for f in full
                if len(f.split()) > 2 and f.split()[0] == words[0] and f.split()[-1] == words[1]
            }
            if len(longer) == 1:
                mapping[name] = longer.pop()
        if name not in mapping and len(words) == 2 and words[0].casefold() not in NAME_PARTICLES:
            # "Hernandez Vellara" of "Arturo Hernandez Vellara"; "De Wilde" is one surname, not two
            ending = {f for f in full if len(f.split()) == 3 and f.split()[1:] == words}
            if len(ending) == 1:
                mapping[name] = ending.pop()
    return mapping


def corpus_name_extensions(
    counts: Counter[str], is_name_word: Callable[[str], bool] = lambda word: True
) -> dict[str, str]:
    """ "Leon Vellez" -> "Leon Vellez Quistad": a name of two words or more that opens exactly one longer
    name in the corpus, its full form (the model cut the second surname in some articles). A name that
    opens two longer ones ("Jose Vell Quist", "Jose Vell Brenn") stays, as does one the longer name adds
    more than two words to, or words that are no name's (``is_name_word``: "said" of "Orla Brenn Said")."""
    not_names = ORGANISATION_HEAD_WORDS | LANDFORM_HEAD_WORDS | LEGAL_FORMS

    def names_word(word: str) -> bool:  # "Group" of "Orla M. Brenn Group" names her firm
        return word[:1].isupper() and word.casefold() not in not_names and not is_company_form(word)

    longer: dict[str, set[str]] = defaultdict(set)
    for name in counts:
        words = name.split()
        for size in range(max(2, len(words) - 2), len(words)):
            rest = words[size:]
            if (
                all((names_word(w) and is_name_word(w)) or w.casefold() in NAME_PARTICLES for w in rest)
                and rest[-1][:1].isupper()
            ):
                longer[" ".join(words[:size])].add(name)
    extensions = {
        name: next(iter(fulls))
        for name, fulls in longer.items()
        if name in counts and len(fulls) == 1 and not is_lone_surname(name)
    }
    # "T. Boone Pickens III" once and "T. Boone Pickens" seven times: one man, shown as the corpus writes him
    return dict(
        (full, name) if only_generation_added(name, full) and counts[name] > counts[full] else (name, full)
        for name, full in extensions.items()
    )


def only_generation_added(name: str, full: str) -> bool:
    """ "T. Boone Pickens" and "T. Boone Pickens III": the longer name adds only a generation ("Jr", "III")."""
    rest = full[len(name) :].split()
    return full.startswith(name + " ") and all(
        w.casefold().rstrip(".,") in GENERATIONAL_SUFFIXES for w in rest
    )


def without_middle_initials(name: str) -> str | None:
    """ "Paul A. Volcker" or "Paul A Volcker" -> "Paul Volcker"; None for a name with no middle initial."""
    words = name.split()
    if len(words) < 3 or len(words[0].rstrip(".")) < 2 or len(words[-1]) < 2:
        return None
    if not all(re.fullmatch(r"[A-Z]\.?", word) for word in words[1:-1]):
        return None
    return f"{words[0]} {words[-1]}"


def middle_initial_map(counts: Counter[str]) -> dict[str, str]:
    """ "Paul A Volcker" and "Paul Volcker" as one value, the one the corpus writes more often: a name
    with middle initials (with or without their periods) and the same name without them, when the
    corpus gives that name one set of initials only ("George H. Bush" beside "George W. Bush" stays)."""
    initialled: dict[str, Counter[str]] = defaultdict(Counter)
    for name, count in counts.items():
        plain = without_middle_initials(name)
        if plain and plain in counts:
            initialled[plain][name] += count
    mapping = {}
    for plain, names in initialled.items():
        if len({value_key(name) for name in names}) != 1:
            continue
        fullest = names.most_common(1)[0][0]
        shown = plain if counts[plain] >= sum(names.values()) else fullest
        mapping.update({name: shown for name in [plain, *names] if name != shown})
    return mapping


def corpus_surname_map(counts: Counter[str], min_share: float = 0.8) -> dict[str, str]:
    """Across the corpus, a lone surname maps to the full name when that is unambiguous: one full name
    with that surname, or one that holds at least ``min_share`` of the mentions of all full names with it.
    So does a two-word name that ends a longer one ("Hernandez Vellara" of "Arturo Hernandez Vellara")
    named at least as often as it."""
    by_surname: dict[str, Counter[str]] = defaultdict(Counter)
    for name, count in counts.items():
        words = name.split()
        if not is_lone_surname(name):
            by_surname[surname(name).casefold()][name] += count
            if particle_surname(name):  # "Willy de Clercq" for "De Clercq" too
                by_surname[str(particle_surname(name)).casefold()][name] += count
        if len(words) == 3 and words[1].casefold() not in NAME_PARTICLES:
            # "Hernandez Vellara" (two surnames) of "Arturo Hernandez Vellara"
            by_surname[" ".join(words[-2:]).casefold()][name] += count
    mapping = {}
    for name in counts:
        if len(name.split()) > 2 and not is_lone_surname(name):
            continue
        fulls = by_surname.get(name.casefold())
        if not fulls:
            continue
        best, best_count = fulls.most_common(1)[0]
        if best_count >= min_share * sum(fulls.values()) and (
            is_lone_surname(name) or best_count >= counts[name]
        ):
            mapping[name] = best
    return mapping


GOVERNMENT_WORDS = frozenset({"administration", "government", "cabinet"})


def names_an_organization(name: str, orgs: Iterable[str]) -> bool:
    """A lone name that is a word of one of the article's own organizations ("Baker" in a story on
    "Baker International Corp") names the company: it is no one's surname there. "The Reagan
    Administration" is the exception: a government named after the person still means the person."""
    if " " in name:
        return False
    return any(name in words and words[-1].lower() not in GOVERNMENT_WORDS for words in map(str.split, orgs))


# Words joining the partners of a firm's name, in English and the languages wire copy quotes firms in:
# "Quist and Vell", "Brenn, Holm en Brenn", "Vell et Compagnie", "Quist und Vell"
PARTNER_JOIN = r"(?:and|&|en|et|und)"
# Particles between a firm's first word and a place or a family it is named after: "Banco do Arcadia",
# "Motors do Arcadia", "Vellum de Borduria"
FIRM_NAME_PARTICLE = r"(?:do|da|dos|das|de|du|des|del)"
CAPITALIZED_WORD = r"[A-Z][\w'’.-]*"
# A capitalized run going on after a word, to where a legal form or a firm's continuation may end it:
# " and Lyle", ", Holm en Brenn", " Industrietechnik"
RUN_GOES_ON = re.compile(
    r"(?P<join>,?[ \t]+" + PARTNER_JOIN + r"|,)?[ \t]+(?P<word>" + CAPITALIZED_WORD + r")"
)
# Partners joined before a word ("Quist and ", "Holm, Quist and ") or after it (" and Quist", ", Quist and
# Holm"): single capitalized words, joined as firms' names join them; a list needs its join ("Holm, "
# alone before a word is a clause: "However, Vell said")
PARTNERS_JOINED_BEFORE = re.compile(
    r"(?:(?<=\s)|^)((?:"
    + CAPITALIZED_WORD
    + r",[ \t]+)*"
    + CAPITALIZED_WORD
    + r"),?[ \t]+"
    + PARTNER_JOIN
    + r"[ \t]+$"
)
PARTNER_LISTED_BEFORE = re.compile(r"(?:(?<=\s)|^)(" + CAPITALIZED_WORD + r"),[ \t]+$")
PARTNERS_AFTER = re.compile(
    r"(?:,?[ \t]+" + PARTNER_JOIN + r"[ \t]+(" + CAPITALIZED_WORD + r")"
    r"|,[ \t]+((?:"
    + CAPITALIZED_WORD
    + r",[ \t]+)*"
    + CAPITALIZED_WORD
    + r",?[ \t]+"
    + PARTNER_JOIN
    + r"[ \t]+"
    + CAPITALIZED_WORD
    + r"))(?![\w'’-])"
)
HYPHEN_GLUED = re.compile(r"-[A-Z]")
HYPHENATED_REST = re.compile(r"(?:-[A-Z][\w'’]*)+")
HYPHEN_GLUED_BEFORE = re.compile(r"[A-Za-z]-$")
PARTICLE_BEFORE = re.compile(CAPITALIZED_WORD + r"[ \t]+" + FIRM_NAME_PARTICLE + r"[ \t]+$")


def ends_in_a_firms_name(text: str, end: int) -> bool:
    """Whether the capitalized run going on from ``end`` ends in a legal form or a firm's continuation
    (``FIRM_CONTINUATION``: "and Co", "Holdings", a ticker): the word before ``end`` is a word of that
    firm's name ("Vell" of "Vell GmbH", of "Quist and Vell Plc", of "Holm, Vell and Brenn Inc"). A
    comma goes on to a list of partners only, which a join ends ("Vell, Mesa Ltd's chairman" is a man
    and his firm)."""
    listed = False
    for _ in range(6):
        continued = FIRM_CONTINUATION.match(text, end)
        if continued and (not listed or continued.group(0).split()[0] in FIRM_NAME_JOINS):
            return True
        following = RUN_GOES_ON.match(text, end)
        if following is None:
            return False
        joined_by = (following.group("join") or "").strip(" \t")
        listed = joined_by == "," or (listed and not joined_by)
        if is_company_form(following.group("word")):
            return not listed
        end = following.end()
    return False


def firms_name_around(text: str, start: int, end: int) -> bool:
    """Whether the word at ``text[start:end]`` is a word of a firm's name by the words around it: a legal
    form or a firm's continuation ends its capitalized run ("Fried. Vell GmbH", "Quist and Vell Plc
    <QVL>", "Holm, Vell and Brenn Inc", "Vell-Pond's Inc"), or a firm's opening word starts it ("Banco do
    Vell")."""
    glued = HYPHENATED_REST.match(text, end)  # "Vell-Pond's Inc": the run goes on from the compound's end
    if glued:
        end = glued.end()
    before = text[max(0, start - 40) : start].split()
    if before and before[-1].casefold() in FIRM_OPENINGS:
        return True
    if (
        len(before) > 1
        and re.fullmatch(FIRM_NAME_PARTICLE, before[-1])
        and before[-2].casefold() in FIRM_OPENINGS
    ):
        return True
    return ends_in_a_firms_name(text, end)


def joined_to_other_names(text: str, start: int, end: int, people_here: Container[str]) -> bool:
    """Whether the word at ``text[start:end]`` is one partner of a name of joined single words ("Quist and
    Vell", "Holm, Vell en Brenn") or follows another word and a particle ("Motors do Vell"), as firms
    are named. Not when a partner is a title or a person of the article (``people_here``: the surnames
    of its full names: "Quist and Vell met" where it names Orla Quist), nor when the run goes on in
    capitals either side ("Vell and White House", "Prime Minister Quist and Vell")."""
    window = text[max(0, start - 120) : start]
    if (
        PARTICLE_BEFORE.search(window[-60:])
        or HYPHEN_GLUED.match(text, end)
        or HYPHEN_GLUED_BEFORE.search(window)
    ):
        return True  # "Motors do Vell", "Vell-Illinois", "UBS-Vell"
    after = PARTNERS_AFTER.match(text, end)
    before = PARTNERS_JOINED_BEFORE.search(window) or (
        PARTNER_LISTED_BEFORE.search(window) if after else None
    )
    if not (before or after):
        return False
    partners = re.findall(CAPITALIZED_WORD, " ".join(m.group(0) for m in (before, after) if m))
    partners = [p.rstrip(",.") for p in partners if p.rstrip(",.") != text[start:end]]
    if any(p in people_here or p.casefold() in TITLES for p in partners):
        return False
    if before:
        preceding = window[: before.start()].split()
        if preceding and (preceding[-1][:1].isupper() or preceding[-1].casefold().rstrip(".") in TITLES):
            return False  # "Prime Minister Quist and Vell"; "Fried. Vell" is a firm's by its form, if at all
    if after and re.match(r"[ \t]+[A-Z]", text[after.end() : after.end() + 2]):
        return ends_in_a_firms_name(text, after.end())  # "Vell and White House"; "Quist and Vell Plc"
    return True


def written_inside_a_longer_name(text: str, name: str, people_here: Container[str]) -> bool:
    """Whether the article writes a lone name only as a word of a longer name, so it is no one there: it
    writes it once in a firm's name (``firms_name_around``: "Fried. Vell GmbH ... Vell added", as a firm
    named after a family is then called), or joined to other single names as firms are named
    (``joined_to_other_names``: "analyst at brokers Quist and Vell") with no person's mark
    (``text_shows_a_person``) where it writes it alone."""
    joined = False
    marked_alone = False
    for match in re.finditer(r"(?<![\w'’])" + re.escape(name) + r"(?!\w)", text):
        start, end = match.span()
        if firms_name_around(text, start, end):
            return True
        if joined_to_other_names(text, start, end, people_here):
            joined = True
        elif text_shows_a_person(text, start, end):
            marked_alone = True
    return joined and not marked_alone


def mostly_unmarked(marked: Counter[str], unmarked: Counter[str], min_articles: int = 1) -> set[str]:
    """The names written without a person's mark in more articles (``unmarked``) than with one
    (``marked``), and in at least ``min_articles``."""
    return {name for name, count in unmarked.items() if count > marked[name] and count >= min_articles}


# A legal form written out and abbreviated: "Commodity Credit Corporation" and "Commodity Credit Corp"
LEGAL_FORMS_WRITTEN_OUT = {"corporation": "corp", "company": "co", "incorporated": "inc", "limited": "ltd"}
WRITTEN_OUT_FORM = re.compile(r"(?<= )(" + "|".join(LEGAL_FORMS_WRITTEN_OUT) + r")$")


def spelling_group_key(value: str) -> str:
    """``value_key``, British and American spellings of "-isation" alike ("Organisation" and
    "Organization" of one body are one value), and a closing legal form written out or not ("Vellum
    Credit Corporation" and "Vellum Credit Corp")."""
    key = re.sub(r"isation", "ization", value_key(value))
    return WRITTEN_OUT_FORM.sub(lambda found: LEGAL_FORMS_WRITTEN_OUT[found.group(1)], key)


def canonical_spellings(counts: Counter[str]) -> dict[str, str]:
    """For every spelling, the one shown: the commonest among those that are not all capitals, so
    "MOSCOW" and "Moscow" are one value spelled "Moscow"."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for spelling, count in counts.items():
        groups[spelling_group_key(spelling)][spelling] += count
    chosen: dict[str, str] = {}
    for spellings in groups.values():
        mixed = Counter({s: c for s, c in spellings.items() if not is_all_caps(s)})
        acronym = any(is_all_caps(s) and " " not in s and len(s) <= 5 for s in spellings)
        best = (spellings if acronym else (mixed or spellings)).most_common(1)[0][0]
        for spelling in spellings:
            chosen[spelling] = best
    return chosen


HEADLINE_WORD = re.compile(r"\b[A-Za-z]+(?:[.&-][A-Za-z]+)*")
# A body this short ("Blah blah blah.", a dateline) names no one: the headline is all the article says.
HEADLINE_ONLY_MAX_BODY_LETTERS = 40


def is_headline_only(title: str, body: str) -> bool:
    """A flash: an all-capitals headline over no body to speak of, so NER has nothing else to read."""
    if not is_all_caps(title):
        return False
    letters = 0
    for character in body:  # stops at the 40th letter: a body is read to its end only when it is short
        if character.isalpha():
            letters += 1
            if letters >= HEADLINE_ONLY_MAX_BODY_LETTERS:
                return False
    return True


def word_casings(texts: Iterable[str], wanted: set[str]) -> dict[str, str]:
    """For each casefolded word of ``wanted``, the form ``texts`` write it in most often ("volcker" ->
    "Volcker", "sees" -> "sees", "u.s" -> "U.S"): how the corpus's own bodies spell it."""
    return most_written_forms(written_forms(texts, wanted))


def written_forms(texts: Iterable[str], wanted: set[str]) -> Counter[str]:
    """How often ``texts`` write each form of the words of ``wanted`` (casefolded), in the order first
    written (``most_written_forms`` breaks ties by it)."""
    written: Counter[str] = Counter()  # each form counted in C: a Python step per form, not per word
    remaining = iter(texts)
    while chunk := list(itertools.islice(remaining, 2000)):  # no word runs over the newline between two
        written.update(HEADLINE_WORD.findall("\n".join(chunk)))
    return Counter({word: count for word, count in written.items() if word.casefold() in wanted})


def most_written_forms(written: Counter[str]) -> dict[str, str]:
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for word, count in written.items():
        forms[word.casefold()][word] += count
    return {key: counts.most_common(1)[0][0] for key, counts in forms.items()}


def headline_words(title: str) -> set[str]:
    return {word.casefold() for word in HEADLINE_WORD.findall(title)}


def corpus_cased(text: str, casings: dict[str, str]) -> str:
    """Each word of ``text`` as ``casings`` (``word_casings``) writes it, in lower case when they do not
    or when that form has another length: the same length as ``text``, so offsets into it hold."""

    def cased(match: re.Match[str]) -> str:
        word = match.group(0)
        form = casings.get(word.casefold(), word.lower())
        return form if len(form) == len(word) else word.lower()

    return HEADLINE_WORD.sub(cased, text)


def truecased_headline(title: str, casings: dict[str, str]) -> str:
    """An all-capitals headline as a sentence, each word cased as the corpus's bodies write it most
    often (in lower case when they never do), the first word capitalized: "VOLCKER SEES SEVERE PROBLEMS IN
    THE U.S. ECONOMY" -> "Volcker sees severe problems in the U.S. economy". Same length, so the
    model's offsets hold for the title as stored."""
    text = corpus_cased(title, casings)
    first = HEADLINE_WORD.search(text)
    if first and first.group(0).islower():
        text = text[: first.start()] + text[first.start()].upper() + text[first.start() + 1 :]
    return text


SENTENCE_START = re.compile(r"(?:^|[.!?][\"')\]]*\s+|\n\s*)([a-z])")


# A body in capitals is cased for NER when it reads as prose: this many letters, and few figures among them
# (a table of prices or rainfall in capitals is codes and abbreviations, which casing turns into names).
SHOUTING_PROSE_MIN_LETTERS = 150
SHOUTING_PROSE_MAX_DIGITS = 0.05  # per letter


def is_shouting(body: str) -> bool:
    """A body set all in capitals (old wire copy, telex) that reads as prose, not as a table."""
    if not is_all_caps(body):  # one C call for an ASCII body: most bodies stop here, before the counts
        return False
    letters = sum(1 for character in body if character.isalpha())
    digits = sum(1 for character in body if character.isdigit())
    return letters >= SHOUTING_PROSE_MIN_LETTERS and digits <= SHOUTING_PROSE_MAX_DIGITS * letters


def truecased_body(body: str, casings: dict[str, str]) -> str:
    """A body set in capitals, each word cased as the corpus's other bodies write it most often (in lower
    case when they never do), each sentence's first letter capitalized: "LUKMAN TOLD REPORTERS THE NAIRA
    FELL." -> "Lukman told reporters the naira fell." The model reads names by their capitals; in a text
    all in capitals it finds "LUKMAN TOLD" a person. Same length, so the model's offsets hold."""
    text = corpus_cased(body, casings)
    return SENTENCE_START.sub(lambda found: found.group(0)[:-1] + found.group(1).upper(), text)


# Heads of a government body written either way round: "Agriculture Department" and "Department of
# Agriculture", "Finance Ministry" and "Ministry of Finance".
BODY_HEADS = frozenset({"department", "ministry", "office", "bureau"})
# Words that end a body's own name: "Federal Home Loan Bank Board" is not "Federal Home Loan Bank"
INSTITUTION_WORDS = LEGAL_FORMS | COMPANY_FORMS | BODY_HEADS | {"exchange", "board", "council", "committee"}


def body_form(name: str) -> str:
    """The one form of a body's name that its variants share: "Department of Agriculture" ->
    "Agriculture Department", and a trailing "Board" off a name of two words or more that does not end
    in an institution's word ("Federal Reserve Board" -> "Federal Reserve"; "Wheat Board" and "Federal
    Home Loan Bank Board" stay)."""
    words = name.split()
    if len(words) >= 3 and words[0].casefold() in BODY_HEADS and words[1] == "of" and words[2][:1].isupper():
        words = [*words[2:], words[0]]
    if len(words) >= 3 and words[-1] == "Board" and words[-2].casefold() not in INSTITUTION_WORDS:
        words = words[:-1]
    return " ".join(words)


def country_prefixed(name: str, country_of: Callable[[str], str | None]) -> tuple[str | None, str]:
    """ "U.S. Federal Reserve" -> ("United States", "Federal Reserve"): the country a name opens with (as
    ``country_of`` reads its first word or two) and the rest; (None, name) when it opens with none."""
    words = name.split()
    for size in (2, 1):
        if len(words) > size and words[size][:1].isupper():
            country = country_of(" ".join(words[:size]))
            if country:
                return country, " ".join(words[size:])
    return None, name


BodyGroups = dict[str, dict[str | None, list[str]]]


def body_groups(
    counts: Counter[str],
    country_named: Callable[[str], str | None],
    nationality: Callable[[str], str | None],
) -> tuple[BodyGroups, dict[str, set[str]]]:
    """The organization values by the body they name (``body_form``'s key) and by the country whose
    abbreviation opens them ("U.S. Federal Reserve"; None for a bare name); and for each body, every
    country the corpus puts before it, by name, abbreviation or nationality word."""
    groups: BodyGroups = defaultdict(lambda: defaultdict(list))
    countries_before: dict[str, set[str]] = defaultdict(set)
    for name in counts:
        country, rest = country_prefixed(name, country_named)
        if country is None:
            country, rest = country_prefixed(name, nationality)
        if country:
            countries_before[value_key(body_form(rest))].add(country)
        qualifier = name[: len(name) - len(rest)]
        if country and is_all_caps(qualifier) and " " in rest and not is_company_name(name):
            groups[value_key(body_form(rest))][country].append(name)  # "U.S. Federal Reserve"
        else:
            groups[value_key(body_form(name))][None].append(name)
    return groups, countries_before


def one_value_per_body(
    counts: Counter[str],
    country_named: Callable[[str], str | None],
    nationality: Callable[[str], str | None] = lambda word: None,
) -> dict[str, str]:
    """The organization values that name one body, to the one shown: the most named of them. A body is
    named with or without its country's abbreviation before it ("U.S. Federal Reserve"), with or without
    "Board" ("Federal Reserve Board"), and as "X Department" or "Department of X". A name without a
    country joins those with one only when every country the corpus puts before that name, by name,
    abbreviation or nationality word, is the same one: "Agriculture Department" goes with "U.S.
    Department of Agriculture", but "Finance Ministry" stays itself beside "U.K. Finance Ministry" and
    "French Finance Ministry" (``bare_bodies_by_country`` settles it article by article). A country's
    full name or nationality word before a name, and a firm's name, are part of the name ("Gibraltar
    Financial Corp", "American Stock Exchange", "U.S. Trust Co"): such a name keeps its own value."""
    groups, countries_before = body_groups(counts, country_named, nationality)
    mapping: dict[str, str] = {}
    for key, by_country in groups.items():
        merged = {country: list(names) for country, names in by_country.items()}
        named = [country for country in merged if country is not None]
        if None in merged and len(named) == 1 and countries_before[key] == set(named):
            merged[named[0]].extend(merged.pop(None))
        for names in merged.values():
            shown = max(names, key=lambda n: (counts[n], n))
            mapping.update({name: shown for name in names if name != shown})
    return mapping


def bare_bodies_by_country(
    counts: Counter[str],
    country_named: Callable[[str], str | None],
    nationality: Callable[[str], str | None] = lambda word: None,
    shown: dict[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """For a bare name that several countries put before it ("Agriculture Department", beside "U.S.
    Department of Agriculture" and "Irish Agriculture Department"), each country whose abbreviation
    opens one of its names -> the value ``one_value_per_body`` shows for that country's body: in an
    article about one of those countries only, the bare name is that country's body. ``shown`` is
    ``one_value_per_body``'s answer when the caller has it already (it reads every name again)."""
    groups, countries_before = body_groups(counts, country_named, nationality)
    if shown is None:
        shown = one_value_per_body(counts, country_named, nationality)
    found: dict[str, dict[str, str]] = {}
    for key, by_country in groups.items():
        named = {country: names for country, names in by_country.items() if country is not None}
        if None not in by_country or not named or countries_before[key] == set(named):
            continue
        for bare in by_country[None]:
            found[bare] = {country: shown.get(names[0], names[0]) for country, names in named.items()}
    return found


# Words that make a place of a place's name: "Texas Gulf Coast", "New York Harbor", "Alaska North Slope"
GEOGRAPHIC_WORDS = frozenset(
    {
        "coast", "harbor", "harbour", "bay", "river", "valley", "sea", "ocean", "island", "islands", "basin",
        "slope", "panhandle", "delta", "strait", "straits", "peninsula", "plain", "plains", "lake", "lakes",
        "mountains", "hills", "desert", "shelf", "field", "fields", "region", "area", "belt", "canal", "port",
        "gulf", "state", "county", "district", "province", "territory", "city", "hemisphere", "bloc",
    }
)  # fmt: skip


def is_thing_named_after_a_place(
    name: str,
    is_large_area: Callable[[str], bool],
    is_common_word: Callable[[str], bool],
    is_mostly_a_word: Callable[[str], bool] = lambda run: False,
) -> bool:
    """ "West Texas Sour", "Light Louisiana Sweet": a name of capitalized words holding a country's or a
    state's name, ending in a word the corpus writes in lower case that is no word of geography (an
    adjective: a crude oil's grade), not a place itself ("Texas Gulf Coast", "New York State" are)."""
    words = name.split()
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return False
    last = words[-1].casefold()
    if last in GEOGRAPHIC_WORDS or not is_common_word(last):
        return False
    runs = [" ".join(words[i : i + size]) for size in (1, 2) for i in range(len(words) - size)]
    # "Texas", not "Northern" (a province of several countries, and mostly a word: ``is_mostly_a_word``)
    return any(is_large_area(run) and not is_mostly_a_word(run) for run in runs)


def nickname_map(counts: Counter[str], formal_names_of: Callable[[str], Iterable[str]]) -> dict[str, str]:
    """ "Jim Wright" and "James Wright" as one value, the one the corpus writes more often: a name whose
    first word is a well-known nickname of the first word of another name with the same rest. Only when
    the corpus gives no second person it could be: the rest is found with one formal first name only, and
    the nickname is a nickname of that one name alone (``formal_names_of("jim")`` -> {"james"})."""
    by_rest: dict[str, dict[str, str]] = defaultdict(dict)  # "wright" -> {"jim": "Jim Wright", ...}
    for name in counts:
        words = name.split()
        if len(words) >= 2 and re.fullmatch(r"[A-Z][a-z]+", words[0]) and not is_lone_surname(name):
            by_rest[value_key(" ".join(words[1:]))][words[0].casefold()] = name
    mapping = {}
    for firsts in by_rest.values():
        groups: dict[str, list[str]] = defaultdict(list)  # the formal name -> its nickname forms
        for first, name in firsts.items():
            formal = [f for f in {f.casefold() for f in formal_names_of(first)} - {first} if f in firsts]
            if len(formal) == 1:
                groups[firsts[formal[0]]].append(name)
        for formal_name, nicknamed in groups.items():
            names = [formal_name, *nicknamed]
            shown = max(names, key=lambda n: (counts[n], n))
            mapping.update({n: shown for n in names if n != shown})
    return mapping


# Words a party or a family firm is named with and without ("Labour" and "Labour Party", "Salomon" and
# "Salomon Brothers"), as each is written in full
NAME_TAILS = {"party": "party", "brothers": "brothers", "bros": "brothers"}


def names_with_their_tail(counts: Counter[str]) -> dict[str, str]:
    """ "Labour" -> "Labour Party", "Salomon" and "Salomon Bros" -> "Salomon Brothers", "Shearson Lehman"
    -> "Shearson Lehman Brothers": an organization and the longer name the corpus gives it with a party's or a family firm's word after it
    (however that word is written) are one value, the most named of the longer ones."""
    longer: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for org, count in counts.items():
        words = org.split()
        short = " ".join(words[:-1])
        if len(words) >= 2 and words[-1].casefold() in NAME_TAILS and short in counts:
            longer[(short, NAME_TAILS[words[-1].casefold()])][org] += count
    tails_of: dict[str, int] = Counter(short for short, _ in longer)
    mapping = {}
    for (short, _), names in longer.items():
        if tails_of[short] == 1:  # "Vell Party" beside "Vell Brothers": which one, no one can say
            shown = names.most_common(1)[0][0]
            mapping.update({name: shown for name in [short, *names] if name != shown})
    return mapping


TEXT_TOKEN = re.compile(r"[\w-]+|\S")  # a word (hyphens inside it) or a punctuation mark


def articles_writing(texts: Iterable[str], phrases: Iterable[str]) -> Counter[str]:
    """How many of ``texts`` write each of ``phrases`` (lower-case words), as words of their own and over
    line breaks: the runs of words each text holds, looked up at each word a phrase starts with."""
    phrases = set(phrases)
    sizes = sorted({len(phrase.split()) for phrase in phrases})
    first_words = {phrase.split()[0] for phrase in phrases}
    counts: Counter[str] = Counter()
    for text in texts:
        tokens = TEXT_TOKEN.findall(text)
        if first_words.isdisjoint(tokens):  # most texts: no phrase can start in them
            continue
        found = {
            run
            for at, token in enumerate(tokens)
            if token in first_words
            for size in sizes
            if (run := " ".join(tokens[at : at + size])) in phrases
        }
        counts.update(found)
    return counts


def is_generic_name(name: str, written_in_lower_case: int, named: int) -> bool:
    """ "Central Bank", "Export Sales", "Stock Exchange": a name of two words or more that the corpus writes
    in lower case ("the central bank") in at least twice as many articles as it names it, and in five at
    least, is a common noun phrase capitalized: it says what a thing is, not which one."""
    return " " in name and written_in_lower_case >= max(5, 2 * named)


def specific_name(generic: str, orgs: Iterable[str], names_a_place: Callable[[str], bool]) -> str | None:
    """The one organization of an article that a generic name ("Central Bank") stands for there: the only
    other one holding its last word and a place's name ("Bank of Japan", "Dutch Central Bank"); None when
    the article names none or several."""
    head = generic.split()[-1]
    found = {
        org
        for org in orgs
        if org != generic
        and head in org.split()
        and any(
            names_a_place(" ".join(words[i : i + size]))
            for words in [org.split()]
            for size in (1, 2)
            for i in range(len(words) - size + 1)
        )
    }
    return found.pop() if len(found) == 1 else None


def qualified_forms(
    names: Iterable[str], country_of: Callable[[str], str | None]
) -> dict[str, dict[str, str]]:
    """A name of two words or more and the forms the corpus gives it with a country ("Reserve Bank" ->
    {"Australia": "Reserve Bank of Australia", "New Zealand": "Reserve Bank of New Zealand"}; "Central
    Bank" -> {"Netherlands": "Dutch Central Bank", ...}): a country's name or nationality word before it,
    or "of" and a country's name after it. ``country_of`` reads a run of words as a country."""
    forms: dict[str, dict[str, str]] = defaultdict(dict)
    for name in names:
        words = name.split()
        for size in (1, 2):
            rest = words[size:]
            country = country_of(" ".join(words[:size])) if names_a_kind_of_body(rest) else None
            if country:
                forms[" ".join(rest)].setdefault(country, name)
            if (
                len(words) > size + 1
                and words[-size - 1] == "of"
                and names_a_kind_of_body(words[: -size - 1])
            ):
                country = country_of(" ".join(words[-size:]))
                if country:
                    forms[" ".join(words[: -size - 1])].setdefault(country, name)
    return dict(forms)


def names_a_kind_of_body(words: list[str]) -> bool:
    """ "Reserve Bank", "Parliament": two words or more, or one that is a body's own noun (``INSTITUTION_HEADS``:
    "Parliament", "Treasury", "Senate"), may be a kind of body that every country has."""
    return len(words) >= 2 or (len(words) == 1 and words[0].casefold() in INSTITUTION_HEADS)


def is_ambiguous_body(name: str, forms: dict[str, dict[str, str]]) -> bool:
    """ "Reserve Bank", "Finance Ministry", "Parliament": a name the corpus gives with two countries or more
    says what a body is, not whose."""
    return names_a_kind_of_body(name.split()) and len(forms.get(name, {})) >= 2


def country_form(name: str, forms: dict[str, dict[str, str]], countries: Iterable[str]) -> str | None:
    """The form of a name for the one of the article's countries the corpus gives it with ("Reserve Bank"
    in a story about Australia -> "Reserve Bank of Australia"); None when none or several are."""
    found = {forms[name][c] for c in countries if c in forms.get(name, {})}
    return found.pop() if len(found) == 1 else None


# The nouns a body's name ends in: a generic name ending in one ("Central Bank") is some country's body
INSTITUTION_HEADS = frozenset(
    {"bank", "ministry", "department", "court", "office", "bureau", "exchange", "board", "council", "committee",
     "party", "agency", "institute", "authority", "commission", "parliament", "assembly", "service",
     "government", "cabinet", "senate", "congress", "union", "federation", "association", "corporation",
     "fund", "organisation", "organization", "treasury", "reserve", "institution"}
)  # fmt: skip


def body_in_article(
    name: str,
    orgs: Iterable[str],
    countries: Iterable[str],
    forms: dict[str, dict[str, str]],
    written_in_lower_case: bool,
    names_a_place: Callable[[str], bool],
) -> str | None:
    """What a generic or ambiguous name stands for in one article: the specific body the article names
    (``specific_name``), else the form the corpus gives it for the article's country (``country_form``).
    Else a common noun phrase ("Central Bank") is no value, and a name several countries give ("Foreign
    Ministry", "Parliament") is its country's when the article names one country only ("Parliament
    (Iran)"), else none: one value is one body. A phrase that names no body ("Gross National Product") is
    never one."""
    if written_in_lower_case and name.split()[-1].casefold() not in INSTITUTION_HEADS:
        return None
    found = specific_name(name, orgs, names_a_place) or country_form(name, forms, countries)
    if found or written_in_lower_case:
        return found
    return body_of_the_country(name, countries)


def body_of_the_country(name: str, countries: Iterable[str]) -> str | None:
    """ "Parliament" in an article whose one country is Iran -> "Parliament (Iran)"; None when the article
    names no country or several."""
    countries = set(countries)
    return f"{name} ({countries.pop()})" if len(countries) == 1 else None

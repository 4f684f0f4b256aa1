"""Publication dates from the input, and the dates an article talks about resolved against them."""

from __future__ import annotations

import re
import warnings
from datetime import datetime, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser

# A DATE entity worth resolving names a point in time: a month, a weekday, a year or a relative day.
# Durations ("three years", "the past decade") and vague spans ("recent weeks") are not dates to facet on.
POINT_IN_TIME = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b|"
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\b(1[89]\d\d|20\d\d)\b|"
    r"\b(today|tomorrow|yesterday)\b|"
    r"\b(next|last|this) (week|month|year)\b",
    re.IGNORECASE,
)
HAS_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
DURATION = re.compile(
    r"\b(\d+|a|one|two|three|four|five|six|several|few|many)\s+(days?|weeks?|months?|years?)\b", re.IGNORECASE
)


@lru_cache(maxsize=1)
def _parser() -> DateDataParser:
    # dateparser warns about its own internals on some inputs; the first parse silences it, not the import
    warnings.filterwarnings("ignore", module="dateparser")
    return DateDataParser(languages=["en"])


RELATIVE = re.compile(
    r"\b(next|last|this|today|tomorrow|yesterday|ago|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)\b",
    re.IGNORECASE,
)
# Texts that do not depend on the publication date are parsed once against this base (a leap year, so
# "February 29" parses) and then moved to the nearest year: dateparser takes ~3 ms a call.
FIXED_BASE = datetime(2000, 1, 1)
# Texts relative only to the day and week ("Tuesday", "last week", "yesterday") move with the base by
# whole weeks, so they are parsed against the same weekday of one reference week and moved back.
WEEK_RELATIVE = re.compile(
    r"^(?:(?:on|last|next|this|early|late|until|since|by|from|before|after|the)\s+)*"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|"
    r"yesterday|week)(?:\s+(?:morning|afternoon|evening|night))?$",
    re.IGNORECASE,
)
REFERENCE_MONDAY = datetime(2000, 6, 5)  # far from a month's or a year's end either way
# A weekday alone ("Tuesday", "on Tuesday morning"): the past one unless its sentence speaks of the future.
BARE_WEEKDAY = re.compile(
    r"^(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:\s+(?:morning|afternoon|evening|night))?$",
    re.IGNORECASE,
)
# Texts relative to the month and year only ("last month", "next March", "a year ago") move with the
# base by whole years: they are parsed against the same day of a reference (leap) year.
DAY_RELATIVE = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|yesterday|"
    r"weeks?|days?|hours?|tonight|weekend)\b",
    re.IGNORECASE,
)
REFERENCE_YEAR = 2000

# A DATE entity of a bare four-digit number ("1821") is a year only in a date-like context: wire codes
# ("(NRKI 1821)"), times ("1530 EST"), model numbers and index levels are tagged DATE too.
BARE_YEAR = re.compile(r"(?:the\s+)?(\d{4})")
# Words before a number that make it a year wherever it falls ("in 1881", "due 2017", "fiscal 1988").
STRONG_YEAR_LEADS = frozenset(
    [
        "in",
        "since",
        "until",
        "till",
        "by",
        "before",
        "after",
        "during",
        "fiscal",
        "year",
        "years",
        "calendar",
        "due",
        "matures",
        "maturing",
        "mature",
        "founded",
        "established",
        "built",
        "between",
        "early",
        "late",
        "mid",
        "end",
    ]
)
# Words that make it a year only near the publication date ("of 2011", "the 1987 results").
WEAK_YEAR_LEADS = frozenset(
    ["of", "from", "for", "to", "through", "the", "and", "or", "on", "around", "'s", "than"]
)
YEAR_FOLLOWERS = frozenset(
    [
        "budget",
        "results",
        "earnings",
        "profit",
        "profits",
        "loss",
        "net",
        "revenue",
        "revenues",
        "sales",
        "crop",
        "crops",
        "harvest",
        "season",
        "output",
        "production",
        "figures",
        "forecast",
        "quota",
        "quotas",
        "plan",
        "level",
        "levels",
        "maturity",
        "maturities",
        "issue",
        "first",
        "second",
        "third",
        "fourth",
    ]
)
TIME_FOLLOWERS = frozenset(
    [
        "gmt",
        "est",
        "edt",
        "cst",
        "cdt",
        "mst",
        "mdt",
        "pst",
        "pdt",
        "bst",
        "cet",
        "hrs",
        "hours",
        "hrs.",
        "local",
    ]
)
MONTH_WORD = re.compile(
    r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$|^(spring|summer|autumn|fall|winter)$",
    re.IGNORECASE,
)
NEAR_PUBLICATION_YEARS = 10  # a bare year farther than this from publication needs a strong lead

# Words that put what a sentence says of a month without a year before or after the publication date
# ("talks broke down in October", "the pact expires in October"): ``tense_of_context`` takes the one
# nearest before the month in its sentence. A verb in -ed is past (below) unless it is one of these.
FUTURE_WORDS = frozenset(
    [
        "will",
        "would",
        "'ll",
        "shall",
        "expected",
        "expects",
        "expect",
        "likely",
        "due",
        "scheduled",
        "planned",
        "plans",
        "until",
        "expires",
        "expire",
        "begin",
        "begins",
        "start",
        "starts",
    ]
)
PAST_WORDS = frozenset(
    [
        "was",
        "were",
        "had",
        "been",
        "ago",
        "earlier",
        "since",
        "previous",
        "previously",
        "recent",
        "recently",
        "last",
        "ended",
    ]
)
# -ed words that say nothing of when: reporting verbs and participles used as adjectives
TIMELESS_ED = frozenset(
    [
        "added",
        "reported",
        "noted",
        "stated",
        "quoted",
        "estimated",
        "adjusted",
        "based",
        "listed",
        "related",
        "limited",
        "united",
        "owned",
        "called",
        "named",
        "proposed",
        "needed",
        "unchanged",
        "seasonally",
    ]
)
# English verbs' irregular simple past forms (and "did", "got"): cues of the past as an -ed verb is.
IRREGULAR_PAST = frozenset(
    [
        "arose",
        "awoke",
        "became",
        "began",
        "bent",
        "bit",
        "bled",
        "blew",
        "broke",
        "bred",
        "brought",
        "built",
        "burnt",
        "bought",
        "caught",
        "chose",
        "clung",
        "came",
        "crept",
        "dealt",
        "did",
        "dug",
        "drew",
        "drank",
        "drove",
        "ate",
        "fell",
        "fed",
        "felt",
        "fought",
        "found",
        "fled",
        "flung",
        "flew",
        "forbade",
        "forgot",
        "forgave",
        "froze",
        "got",
        "gave",
        "went",
        "ground",
        "grew",
        "hung",
        "heard",
        "hid",
        "held",
        "kept",
        "knelt",
        "knew",
        "laid",
        "led",
        "leapt",
        "learnt",
        "left",
        "lent",
        "lay",
        "lit",
        "lost",
        "made",
        "meant",
        "met",
        "paid",
        "rode",
        "rang",
        "rose",
        "ran",
        "said",
        "saw",
        "sought",
        "sold",
        "sent",
        "shook",
        "shone",
        "shot",
        "shrank",
        "sang",
        "sank",
        "sat",
        "slept",
        "slid",
        "slung",
        "spoke",
        "sped",
        "spent",
        "spun",
        "spat",
        "sprang",
        "stood",
        "stole",
        "stuck",
        "stung",
        "struck",
        "strove",
        "swore",
        "swept",
        "swam",
        "swung",
        "took",
        "taught",
        "tore",
        "told",
        "thought",
        "threw",
        "understood",
        "undertook",
        "overtook",
        "withdrew",
        "woke",
        "wore",
        "wove",
        "wept",
        "won",
        "wound",
        "wrote",
        "cut",
        "set",
        "put",
        "hit",
        "let",
        "shut",
        "hurt",
    ]
)
# past forms spelled as the present ("they cut rates", "we cut rates"): past only where no word before
# makes them a present, an infinitive or a noun ("will cut", "to cut", "a cut", "rate cut")
SAME_AS_PRESENT = frozenset(["cut", "set", "put", "hit", "let", "shut", "hurt"])
SUBJECTS = frozenset(["they", "he", "she", "it", "we", "i", "you", "who", "which", "that"])
# reporting verbs say when something was said, not when what was said happens ("said output in
# October would rise"): a cue only for a date that directly follows them ("said in February")
REPORTING = frozenset(["said", "told", "thought", "wrote", "spoke"])
AMOUNTS = frozenset(["mln", "million", "billion", "bln", "trillion"])
STARTED = frozenset(["began"])  # an irregular past that takes a date without a preposition ("began May 1")
TIME_PREPOSITIONS = frozenset(["in", "on", "during", "at", "early", "late", "mid", "since", "by"])
FUTURE_AFTER = frozenset(
    ["will", "would", "'ll", "shall", "expected", "likely"]
)  # "(October-November) crop will"
# "the February Louvre accord", "the March 22 agreement": what a month names such a thing after is done
PAST_EVENTS = frozenset(["accord", "accords", "agreement", "agreements", "pact", "communique", "decision"])
# "the July BIFFEX contract", "the December delivery": a market's months are those still to come
FUTURE_EVENTS = frozenset(
    ["contract", "contracts", "futures", "delivery", "deliveries", "shipment", "shipments"]
)
# A futures contract's month and year digit glued together ("DEC7", "MAR8": December 1987, March 1988), as
# price tables list them: no day, though dateparser reads "DEC7 2010" as 7 December 2010.
CONTRACT_CODE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|jly|aug|sep|oct|nov|dec|mch)[a-z]*\d+\b", re.IGNORECASE
)
FIGURE = re.compile(r"\(?\d[\d.,/]*\)?")
LINE_WORD = re.compile(r"[A-Za-z][A-Za-z'.-]*")
SURE_MONTHS = 3  # nearer than this to the publication's month, the closest year is taken as it is
CUE_WORDS = 15  # a cue farther before the date than this many words belongs to another clause
NAMED_AFTER_MONTH = re.compile(r"^(?:\s+\d{1,2}(?:st|nd|rd|th)?)?((?:\s+[A-Z][\w.-]*)*)\s+([a-z]+)")
# a full stop after a lower-case letter, a digit or a closing mark ends a sentence; "U.S. Dlrs" does not
SENTENCE_END = re.compile(r"(?<=[a-z0-9)\"'][.;!?])\s+(?=[A-Z\"(<])|(?<=[.;!?])\s*$|\n\s*\n")
CONTEXT_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|'ll|\d[\d.,/]*")  # numbers too: "narrowed to 10.69"
DETERMINERS = frozenset(
    ["the", "a", "an", "its", "their", "his", "her", "our", "behind"]
)  # "behind closed doors"


def bare_year_in_context(year: int, before: str, after: str, published: datetime | None) -> bool:
    """Whether a bare number ``year`` is a year, from the words beside it: a strong lead ("in", "since",
    "due", a month or season) anywhere; a weak one ("of", "the") or a year-ish word after it ("1987
    results") only within NEAR_PUBLICATION_YEARS of the publication date; never before a time zone."""
    words_before = re.findall(r"[A-Za-z]+\.?|'s", before)
    words_after = re.findall(r"[A-Za-z]+\.?", after)
    lead = words_before[-1].lower().rstrip(".") if words_before and before.rstrip()[-1:].isalpha() else ""
    if before.rstrip().endswith("'s"):
        lead = "'s"
    follower = words_after[0].lower() if words_after and after[:1] in (" ", "\n", "") else ""
    if follower.rstrip(".") in TIME_FOLLOWERS:
        return False
    if lead in STRONG_YEAR_LEADS or MONTH_WORD.match(lead):
        return True
    near = published is not None and abs(year - published.year) <= NEAR_PUBLICATION_YEARS
    return near and (lead in WEAK_YEAR_LEADS or follower in YEAR_FOLLOWERS)


def in_row_of_figures(text: str, before: str, after: str) -> bool:
    """Whether a mention ending in a four-digit number ("MAY 1922", "Jan 1325", "OCT 1838") is a cell of a
    price table's row rather than a date: the number is followed on its line by another figure ("MAY 1922
    (1934)", "1330 1330 1316 628") and the line holds no lower-case word and no more words than figures
    (codes such as "OFF", "UP"), where prose says "in March 1987 8.50 pct" or "calendar 1986 (4.7 pct)"."""
    if not re.search(r"\d{4}$", text):
        return False
    rest = after.split("\n", 1)[0]
    if not FIGURE.match(rest.lstrip()) or not rest[:1].isspace():
        return False
    line = before.rsplit("\n", 1)[-1] + " " + rest
    words = LINE_WORD.findall(line)
    if any(word[0].islower() for word in words):
        return False
    return len(words) <= len(FIGURE.findall(rest))


def tense_of_context(before: str, after: str) -> str | None:
    """Whether the sentence around a date speaks of the past ("past"), of the future ("future") or
    says neither (None), from ``before`` (the text before the date) and ``after`` it. "The February
    accord" (an accord, agreement or pact named after its month) is past, "the July contract" (a
    market's contract, delivery or shipment, "for October shipment" too) future. Else the cue nearest
    before the date in its
    sentence decides (``verb_tense``): a past-tense verb ("narrowed", "met", "had", "since"), or a word
    of the future ("will", "expires", "until", "due" but not "due to"); a month right after an irregular
    past is what it acts on ("bought July", "sold May": a market's month), and the sentence says
    nothing of it, unless the verb is one of starting ("began May 1"). A date that opens its clause
    after a preposition ("In February they agreed") is told by the first cue after it instead. With no
    cue before it, "will" or "would" just after it in the same sentence ("the late (October-November)
    crop will decline") says future."""
    named = NAMED_AFTER_MONTH.match(after)
    if named and named.group(2) in FUTURE_EVENTS:
        return "future"  # "the July contract", "for October shipment": a market's months to come
    if named and named.group(2) in PAST_EVENTS and re.search(r"\bthe\s*$", before, re.IGNORECASE):
        return "past"
    clause = SENTENCE_END.split(before)[-1]
    words = [word.lower() for word in CONTEXT_WORD.findall(clause)]
    if len(words) >= 2 and words[-2] in FUTURE_EVENTS and words[-1] in ("of", "for", "in"):
        return "future"  # "contracts of July", "delivery in October"
    if words and words[-1] in IRREGULAR_PAST and words[-1] not in STARTED:
        return None  # the month is what was traded ("bought July", "sold May"), not when
    rest = SENTENCE_END.split(after)[0]
    following = [word.lower() for word in CONTEXT_WORD.findall(rest)]
    opening = [word.lower() for word in CONTEXT_WORD.findall(re.split(r"[,;:(]", clause)[-1])]
    if opening and all(word in TIME_PREPOSITIONS for word in opening):  # "In February they agreed"
        for at in range(min(len(following), CUE_WORDS)):
            tense = verb_tense(following, at, date_at=-1)
            if tense:
                return tense
    for at in range(len(words) - 1, max(len(words) - 1 - CUE_WORDS, -1), -1):
        tense = verb_tense(words, at, date_at=len(words))
        if tense:
            return tense
    if any(word in FUTURE_AFTER for word in following):
        return "future"
    return None


def verb_tense(words: list[str], at: int, date_at: int) -> str | None:
    """What ``words[at]`` says of when the date (at ``date_at`` among ``words``; -1 when before them
    all) is: "past" for a past-tense verb — an -ed verb (not one that says nothing of when:
    ``TIMELESS_ED``), an irregular one (``IRREGULAR_PAST``), "was", "had", "since" — "future" for a word
    of the future, None for no cue. A past verb is no cue after "the" or "be" (an adjective, "the
    revised figures"; what is to be done, "be held"), nor one spelled as its present after a word that
    makes it a present, an infinitive or a noun ("will cut", "a cut"); a reporting verb only when the
    date follows it directly ("said in February"). An -ed verb with "to" and a word after it ("agreed to
    cut", not "narrowed to 10.69") looks ahead; an irregular one's "to" is a preposition ("went to")."""
    word = words[at]
    following = words[at + 1] if at + 1 < len(words) else ""
    previous = words[at - 1] if at else ""
    if word in FUTURE_WORDS:
        if word == "due" and following == "to":
            return None  # "due to the cold weather": because of
        return "future"
    if word in PAST_WORDS:
        return "past"
    regular = len(word) > 4 and word.endswith("ed") and word not in TIMELESS_ED
    if not (regular or word in IRREGULAR_PAST):
        return None
    if previous in DETERMINERS | {"be"}:
        return None  # an adjective ("the revised figures"), or what is to be done ("be completed")
    if not regular and (previous[:1].isdigit() or previous in AMOUNTS):
        return None  # "1,005.2 billion won": a currency, not a verb
    if word in SAME_AS_PRESENT and previous not in SUBJECTS:
        return None  # "will cut", "to cut", "rate cut": only "they cut" is sure to be past
    if word in REPORTING and not (
        date_at > at and all(w in TIME_PREPOSITIONS for w in words[at + 1 : date_at])
    ):
        return None
    if not regular:
        return "past"  # "went to Paris in May": an irregular verb's "to" is a preposition
    ahead = following == "to" and at + 2 < len(words) and words[at + 2].isalpha()
    return "future" if ahead and date_at > at else "past"  # "agreed to cut", but "narrowed to 10.69"


def resolve_mentioned_date(
    text: str, published: datetime | None, before: str | None = None, after: str = ""
) -> str | None:
    """An ISO date at the precision the text gives ("2018-11-11", "2018-11", "2018"), or None.

    Dates without a year take the year that puts them closest to the publication date, so "Feb 20" in
    an article of 1987-02-26 is 1987-02-20 and "Jan 5" in one of 1987-12-30 is 1988-01-05, unless the
    sentence around them (``before`` and ``after``) speaks of the past or the future
    (``tense_of_context``): "talks broke down in October, after an offer made last September" in
    March 1987 is October 1986, but "the pact expires in October" is October 1987, and "the February
    accord" in October 1987 is February 1987, not 1988. With the text ``before`` and ``after`` it, a
    bare number is a year only in a date-like context (``bare_year_in_context``).
    """
    text = " ".join(text.split())
    if CONTRACT_CODE.search(text):
        return None  # "DEC7 2010" in a price table: a contract month and a price, no day of 2010
    if before is not None and in_row_of_figures(text, before, after):
        return None
    bare = BARE_YEAR.fullmatch(text)
    if bare and before is not None:
        if text.lower().startswith("the "):
            before = before + " the"
        if not bare_year_in_context(int(bare.group(1)), before, after, published):
            return None
    if not POINT_IN_TIME.search(text) or DURATION.search(text) or len(text) > 40:
        return None
    has_year = bool(HAS_YEAR.search(text))
    if published is None and not has_year:
        return None
    relative = bool(RELATIVE.search(text))
    parsed = _parse_relative(text, published) if relative and published else _parse_fixed(text)
    if parsed is None:
        return None
    when, period = parsed
    if published is not None and not has_year and not relative:
        when = _closest_year(when, published)
        if before is not None:
            when = _year_by_tense(when, published, tense_of_context(before, after))
    elif published is not None and before is not None and BARE_WEEKDAY.match(text):
        when = _weekday_by_tense(when, published, tense_of_context(before, after))
    if period == "week" and published is not None:
        return week_as_period(when, published)
    if not 1800 <= when.year <= 2200:
        return None
    if period == "year":
        return f"{when.year:04d}"
    if period == "month":
        return f"{when.year:04d}-{when.month:02d}"
    return when.strftime("%Y-%m-%d")


# each month's name, then its abbreviations
MONTH_NAMES = [
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
]
MONTH_NUMBERS = {name: number for number, names in enumerate(MONTH_NAMES, start=1) for name in names}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"  # "January 32" is January 2032 to dateparser
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
# The forms most date mentions take ("1987", "March", "March 1987", "March 3", "3 March, 1987"): read here
# as dateparser reads them against FIXED_BASE (tests/test_dates.py holds the two to each other), without
# its ~3 ms a call, which a build paid for each distinct text in each worker.
SIMPLE_DATES = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        _YEAR,
        _MONTH,
        rf"{_MONTH},?\s+{_YEAR}",
        rf"{_MONTH}\s+{_DAY}",
        rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}",
        rf"{_DAY}\s+{_MONTH}",
        rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}",
    )
]


def in_simple_form(text: str) -> bool:
    return any(form.fullmatch(text) for form in SIMPLE_DATES)


def simple_date(text: str) -> tuple[datetime, str] | None:
    """``_parse(text, FIXED_BASE)`` for a date in one of the SIMPLE_DATES forms: the date (a missing year
    is FIXED_BASE's, a missing day the 1st) and its period; None for a day the month has not ("February 30")
    or a text in no simple form (``in_simple_form`` tells them apart)."""
    for form in SIMPLE_DATES:
        found = form.fullmatch(text)
        if found is None:
            continue
        parts = found.groupdict()
        year = int(parts["year"]) if parts.get("year") else FIXED_BASE.year
        month = MONTH_NUMBERS[parts["month"].lower()] if parts.get("month") else 1
        day = int(parts["day"]) if parts.get("day") else 1
        try:
            when = datetime(year, month, day)
        except ValueError:
            return None
        return when, ("day" if parts.get("day") else "month" if parts.get("month") else "year")
    return None


def _parse_fixed(text: str) -> tuple[datetime, str] | None:
    """``_parse(text, FIXED_BASE)``, the simple forms read without dateparser."""
    return simple_date(text) if in_simple_form(text) else _parse(text, FIXED_BASE)


def _parse_relative(text: str, published: datetime) -> tuple[datetime, str] | None:
    """``_parse(text, base)`` for a text relative to the publication date, from a cache shared by
    every base the text moves with (dateparser takes ~3 ms a call; a corpus has thousands of bases)."""
    if text in _NO_DATE_AT_ANY_BASE:
        return None
    parsed = _parse_relative_to(text, published)
    if parsed is None and not any(char.isdigit() for char in text):
        # dateparser reads no date in "later this year" or "last December" whatever the day it is
        # read on; with a number in it, one day's date may be another's impossible one (29 February)
        _NO_DATE_AT_ANY_BASE.add(text)
    return parsed


_NO_DATE_AT_ANY_BASE: set[str] = set()


def _parse_relative_to(text: str, published: datetime) -> tuple[datetime, str] | None:
    base = published.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        if WEEK_RELATIVE.match(text):
            reference = REFERENCE_MONDAY + timedelta(days=base.weekday())
            parsed = _parse(text, reference)
            if parsed is not None and parsed[1] in ("day", "week"):
                return parsed[0] + (base - reference), parsed[1]
        elif not DAY_RELATIVE.search(text):
            parsed = _parse(text, base.replace(year=REFERENCE_YEAR))
            if parsed is None:
                return None
            return parsed[0].replace(year=parsed[0].year + base.year - REFERENCE_YEAR), parsed[1]
    except (ValueError, OverflowError):  # 29 February in another year, or beyond the calendar
        pass
    return _parse(text, base)


@lru_cache(maxsize=200_000)
def _parse(text: str, base: datetime) -> tuple[datetime, str] | None:
    parser = _parser()
    parser._settings.RELATIVE_BASE = base
    parser._settings.RETURN_TIME_AS_PERIOD = True
    parser._settings.PREFER_DATES_FROM = "current_period"
    try:
        found = parser.get_date_data(text)
    except (ValueError, OverflowError, TypeError):
        return None
    if found is None or found.date_obj is None:
        return None
    return found.date_obj.replace(tzinfo=None), found.period or "day"


def _closest_year(when: datetime, published: datetime) -> datetime:
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(when.replace(year=year))
        except ValueError:  # 29 February
            continue
    return min(candidates, key=lambda candidate: abs(candidate - published)) if candidates else when


def _weekday_by_tense(when: datetime, published: datetime, tense: str | None) -> datetime:
    """A bare weekday is the last one before publication (news speaks of what happened), unless its
    sentence speaks of the future: "will travel to Quito Tuesday", published on a Monday, is the next
    day, not six days before."""
    day = published.replace(hour=0, minute=0, second=0, microsecond=0)
    if tense == "future" and when < day:
        return when + timedelta(days=7)
    return when


def _year_by_tense(when: datetime, published: datetime, tense: str | None) -> datetime:
    """A date of the closest year moved a year back when the sentence speaks of the past and its month
    is after the publication's, or a year on when it speaks of the future and its month is before; a
    month within SURE_MONTHS of the publication's stays (there, the closest year is rarely wrong)."""
    months_away = (when.year - published.year) * 12 + when.month - published.month
    if abs(months_away) < SURE_MONTHS:
        return when  # a month this near the publication is the nearest one, whatever the tense
    month, published_month = (when.year, when.month), (published.year, published.month)
    step = (
        -1
        if tense == "past" and month > published_month
        else 1
        if tense == "future" and month < published_month
        else 0
    )
    if not step:
        return when
    try:
        return when.replace(year=when.year + step)
    except ValueError:  # 29 February
        return when


def week_as_period(when: datetime, published: datetime) -> str | None:
    """A week the text names ("last week", "next week's", "this week") as the narrowest period the index
    holds that surely contains it: its month, else its year, else None. The index has no weeks, and "last
    week" names no day, so it is no day 7 days before publication. The span taken is the calendar week
    (Monday to Sunday) holding ``when`` together with the days between it and the publication, so it
    holds the week whether the writer meant the calendar week or the past (coming) seven days."""
    day = published.replace(hour=0, minute=0, second=0, microsecond=0)
    monday = when.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=when.weekday())
    first, last = min(monday, day), max(monday + timedelta(days=6), day)
    if first.year < 1800 or last.year > 2200:
        return None
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.year:04d}-{first.month:02d}"
    if first.year == last.year:
        return f"{first.year:04d}"
    return None


def date_levels(iso: str) -> list[str]:
    """ "2018-11-11" -> ["2018", "2018-11", "2018-11-11"]: every precision a filter may ask for."""
    levels = [iso[:4]]
    if len(iso) >= 7:
        levels.append(iso[:7])
    if len(iso) >= 10:
        levels.append(iso[:10])
    return levels

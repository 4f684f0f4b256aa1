"""Which language an article is written in, so that only a pipeline for that language looks for its
entities: English NER on German text finds "Zum Teil" as a person and "Arbeit" as a place."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError

# py3langid reads this much of an article: enough for a sure answer, and it costs time in proportion.
SAMPLE_CHARACTERS = 600
# Below these, the answer is not acted on (the article is treated as of unknown language): short texts
# and tables of figures fool any detector (on Reuters-21578 every detection other than English below
# 0.9 is wrong, and none above it is).
MIN_CHARACTERS = 200
MIN_CONFIDENCE = 0.9
# A text shorter than MIN_CHARACTERS, or one the detector is unsure of as written, is read again in lower
# case when it has this many words: wire headlines in capitals fool the detector ("ROCKWELL GETS 28.3 MLN
# DLR CONTRACT" reads as Indonesian), in lower case it is sure of many (on Reuters-21578, 1,105 of the
# 5,510 texts it was unsure of, all English, and no other language as sure).
MIN_WORDS = 8
WORD = re.compile(r"[^\W\d_]{2,}")
NOT_LANGUAGES = {"zxx"}  # "no linguistic content": price tables, codes
UNDETERMINED = "und"  # ISO 639-2: the detector was not sure; the language facet's value for it


@lru_cache(maxsize=1)
def identifier() -> Any:
    """py3langid's model (loaded once, about 2 s; before workers fork, so they share it)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """The ISO 639 code of the language ``text`` is written in, or None when that is not sure: as
    written when it is MIN_CHARACTERS long, else (or then unsure) in lower case when it has MIN_WORDS
    words."""
    sample = text[:SAMPLE_CHARACTERS]
    if len(text.strip()) >= MIN_CHARACTERS:
        language = sure_language(sample)
        if language is not None:
            return language
    if len(WORD.findall(sample)) < MIN_WORDS:
        return None
    return sure_language(sample.lower())


def sure_language(sample: str) -> str | None:
    language, confidence = identifier().classify(sample)
    if language in NOT_LANGUAGES or confidence < MIN_CONFIDENCE:
        return None
    return str(language)


def detectable(text: str) -> bool:
    """Whether ``detect_language`` may answer for ``text`` (else it is None without the detector)."""
    return len(text.strip()) >= MIN_CHARACTERS or len(WORD.findall(text[:SAMPLE_CHARACTERS])) >= MIN_WORDS


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """A language facet value as a reader knows it: "German (de)"; "Undetermined" for ``und``. Names
    come from the Unicode CLDR (through Babel); a code CLDR does not name is shown as it is."""
    if code == UNDETERMINED:
        return "Undetermined"
    try:
        name = Locale("en").languages.get(code) or Locale.parse(code).get_language_name("en")
    except (UnknownLocaleError, ValueError, TypeError):
        name = None
    return f"{name} ({code})" if name else code

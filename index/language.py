"""Which language an article is written in, so that only a pipeline for that language looks for its
entities: English NER on German text finds "Zum Teil" as a person and "Arbeit" as a place."""

from __future__ import annotations

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
NOT_LANGUAGES = {"zxx"}  # "no linguistic content": price tables, codes
UNDETERMINED = "und"  # ISO 639-2: the detector was not sure; the language facet's value for it


@lru_cache(maxsize=1)
def identifier() -> Any:
    """py3langid's model (loaded once, about 2 s; before workers fork, so they share it)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """The ISO 639 code of the language ``text`` is written in, or None when that is not sure."""
    if len(text.strip()) < MIN_CHARACTERS:
        return None
    language, confidence = identifier().classify(text[:SAMPLE_CHARACTERS])
    if language in NOT_LANGUAGES or confidence < MIN_CONFIDENCE:
        return None
    return str(language)


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

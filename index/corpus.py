"""What the whole corpus says about a name, learnt from the model's raw mentions before any article's
entities are settled: how each string is labelled across all its mentions, and which words start
people's names. One pass over cached mentions; no second NER pass.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .articles import Mention
from .normalize import clean_person, value_key

KIND = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place"}
GIVEN_NAME = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?")


@dataclass(frozen=True)
class LabelVotes:
    """``kinds``: for a value key, how many mentions of it the model called a person, an org, a place.
    ``given_names``: words that start more people's names across the corpus than anything else's, and
    are not roles (a role is followed by a whole name: "Treasurer Paul Keating")."""

    kinds: dict[str, Counter[str]] = field(default_factory=dict)
    given_names: frozenset[str] = frozenset()
    # the value key of an organization the model mostly finds cut from the one before it at "and"
    # ("telegraph co" of "American Telephone" + "and" + "Telegraph Co") -> the key of that one
    heads_before_and: dict[str, str] = field(default_factory=dict)
    # the value keys of organizations the model mostly finds right after another one and "and", whatever
    # that one is: "loan association" of "<Any> Federal Savings" + "and" + "Loan Association"
    tails_after_and: frozenset[str] = frozenset()
    # ``entities.corpus_label``'s answers by mention text, label and gazetteer: the same mention text
    # recurs across the corpus (four times on average on Reuters), and the answer depends on nothing else
    labels: dict[tuple[str, str, int], str] = field(default_factory=dict, compare=False, repr=False)

    def kind_of(self, text: str, min_mentions: int = 3, min_share: float = 2 / 3) -> str | None:
        """The kind most mentions of ``text`` have, when there are enough of them and they agree."""
        votes = self.kinds.get(value_key(text))
        if not votes:
            return None
        kind, count = votes.most_common(1)[0]
        total = sum(votes.values())
        return kind if total >= min_mentions and count >= min_share * total else None

    def is_given_name(self, word: str) -> bool:
        return word in self.given_names


def count_label_votes(articles: Iterable[Iterable[Mention]]) -> LabelVotes:
    counter = LabelVoteCounter()
    for mentions in articles:
        counter.add(mentions)
    return counter.votes()


class LabelVoteCounter:
    """``count_label_votes`` one article's mentions at a time, in any order: the build counts each text's
    as NER finds them, while its own process would otherwise wait for spaCy's workers."""

    def __init__(self) -> None:
        self.kinds: dict[str, Counter[str]] = defaultdict(Counter)
        self.starts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        # a mention's text -> its key, first word, cleanliness
        self.keys: dict[str, tuple[str, str | None, bool]] = {}
        self.pairs: Counter[tuple[str, str]] = Counter()

    def add(self, mentions: Iterable[Mention]) -> None:
        kinds, starts, keys, pairs = self.kinds, self.starts, self.keys, self.pairs
        previous: tuple[int, str] | None = None  # where the last organization ended, and its key
        for mention in mentions:
            kind = KIND.get(mention.label)
            if kind is None:
                continue
            seen = keys.get(mention.text)
            if seen is None:
                text = " ".join(mention.text.split())
                words = text.split()
                seen = keys[mention.text] = (
                    value_key(text),
                    words[0] if len(words) >= 2 and GIVEN_NAME.fullmatch(words[0]) else None,
                    clean_person(text) == text,
                )
            key, first, clean = seen
            kinds[key][kind] += 1
            if kind in ("org", "person") and previous and mention.start - previous[0] in AND_GAPS:
                pairs[(previous[1], key)] += 1  # "Phillips" + "and" + "Drew", a person's name to the model
            if kind == "org":
                previous = (mention.end, key)
            if first and (kind != "person" or clean):
                starts[first][kind].add(key)

    def votes(self) -> LabelVotes:
        kinds = self.kinds
        people = {key for key, votes in kinds.items() if votes["person"]}
        heads = heads_before_and(self.pairs, kinds)
        tails = tails_after_and(self.pairs, kinds)

        def is_role(word: str, names: set[str]) -> bool:
            # "Treasurer Paul Keating": what follows the word is a person's name on its own
            rests = [name.split(" ", 1)[1] for name in names]
            return sum(" " in rest and rest in people for rest in rests) * 2 >= len(rests)

        given = frozenset(
            word
            for word, by_kind in self.starts.items()
            if len(by_kind["person"]) > 2 * (len(by_kind["org"]) + len(by_kind["place"]))
            and not is_role(word, by_kind["person"])
        )
        return LabelVotes(dict(kinds), given, heads, tails)


# " and " or " & " between two organizations' mentions
AND_GAPS = (3, 5)


def heads_before_and(
    pairs: Counter[tuple[str, str]], kinds: dict[str, Counter[str]], min_articles: int = 3
) -> dict[str, str]:
    """Tail -> head, for organizations found right after another one and a conjunction in at least
    ``min_articles`` mentions and in more than half of all their mentions: one name the model cuts in two.
    Of two heads as frequent, the first in order (whatever order the mentions were counted in)."""
    heads: dict[str, tuple[int, str]] = {}
    for (head, tail), count in pairs.items():
        best, best_head = heads.get(tail, (0, ""))
        if (
            kinds[tail]["org"]
            and count >= min_articles
            and count * 2 > kinds[tail]["org"]
            and (count > best or (count == best and head < best_head))
        ):
            heads[tail] = (count, head)
    return {tail: head for tail, (_, head) in heads.items()}


def tails_after_and(
    pairs: Counter[tuple[str, str]], kinds: dict[str, Counter[str]], min_mentions: int = 3
) -> frozenset[str]:
    """Organizations found right after another one and a conjunction in at least ``min_mentions``
    mentions and in more than half of all their mentions, after any one: the tail of names the model
    cuts in two at "and" ("Loan Association" of every "... Savings and Loan Association"), or whose last
    partner it takes for a person ("Drew" of "Phillips and Drew")."""
    after: Counter[str] = Counter()
    for (_, tail), count in pairs.items():
        after[tail] += count
    return frozenset(
        t for t, count in after.items() if count >= min_mentions and count * 2 > sum(kinds[t].values())
    )


NO_VOTES = LabelVotes()

#!/usr/bin/env python3
"""What the "same event" rule of ``index/stages/stories.py`` finds in a built index, to set and check
its thresholds:

    python bench/story_events.py INDEX_DIR [--shared 2] [--cosine 0.3] [--days 7] [--show 40]
        [--below 0.5] [--containment 0.75] [--jaccard 0.5] [--people 3] [--very-rare-people 1]

Every pair of articles sharing at least ``--shared`` rare names, at most ``--days`` apart and with a
TF-IDF cosine of at least ``--cosine`` (looser than the rule, to see what lies just outside it) is
counted in bands, and ``--show`` of them, drawn evenly, are printed with their titles and dates for
checking by eye. Reads the generation's story table (names and words as the build kept them).

The other options measure a candidate rule for the band under the rule's cosine (``--below``): how
much of the smaller set of rare names the other article holds (``--containment``), the Jaccard
similarity of the two sets (``--jaccard``), how many rare people both name (``--people``) and how
many people named in at most ``VERY_RARE`` articles of the archive (``--very-rare-people``). Each
pair shown prints these figures, so a candidate's precision can be read off by eye (README,
"Versions of one story")."""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index import store
from index.columns import UNDATED
from index.stages.stories import (
    CONTENT_WORD,
    EventMatcher,
    StoryTable,
    are_versions,
    is_same_event,
    shingles,
    story_text,
)
from searcher.backend import SearchIndex

VERY_RARE = 3  # a person named in at most this many articles: no one else's story names them


@dataclass(frozen=True)
class NameOverlap:
    """How alike two articles are in the names they give, by the measures a candidate rule tried."""

    shared_rare: int  # rare names both hold
    containment: float  # ... over the smaller of the two sets of rare names
    jaccard: float  # ... over the union of the two sets
    shared_people: int  # rare people both name
    very_rare_people: int  # people both name and at most VERY_RARE articles do


def name_overlap(matcher: EventMatcher, first: int, second: int) -> NameOverlap:
    rare_first, rare_second = set(matcher.rare_names(first)), set(matcher.rare_names(second))
    shared = rare_first & rare_second
    every_shared = matcher.features[first].names & matcher.features[second].names
    people = [name for name in every_shared if name.startswith("person:")]
    return NameOverlap(
        shared_rare=len(shared),
        containment=len(shared) / min(len(rare_first), len(rare_second)) if shared else 0.0,
        jaccard=len(shared) / len(rare_first | rare_second) if shared else 0.0,
        shared_people=sum(1 for name in people if name in shared),
        very_rare_people=sum(1 for name in people if matcher.name_counts[name] <= VERY_RARE),
    )


def cosine_beside_names(matcher: EventMatcher, first: int, second: int) -> float:
    """The TF-IDF cosine of two articles' content words less the words of the names either gives:
    how alike they are in what they say, apart from whom they name."""
    named = {
        word
        for row in (first, second)
        for name in matcher.features[row].names
        for word in CONTENT_WORD.findall(name.partition(":")[2].casefold())
    }
    vectors = []
    for row in (first, second):
        weights = {word: weight for word, weight in matcher.vector(row)[0].items() if word not in named}
        vectors.append((weights, math.sqrt(sum(w * w for w in weights.values()))))
    (a, a_norm), (b, b_norm) = vectors
    if not a_norm or not b_norm:
        return 0.0
    return sum(weight * b[word] for word, weight in a.items() if word in b) / (a_norm * b_norm)


def candidate_pairs(table: StoryTable, shared_at_least: int, cosine_at_least: float, days: float):
    """(first row, second row, shared rare names, cosine, days apart) for every pair within the bounds."""
    matcher = EventMatcher(table.events)
    found = []
    order = sorted(range(len(table.ids)), key=lambda n: table.published[n])
    for row in order:
        for other, shared in matcher.sharing(row).items():
            first, second = table.published[other], table.published[row]
            if (first == UNDATED) != (second == UNDATED):
                continue
            apart = abs(first - second) / 86400 if first != UNDATED else 0.0
            if shared < shared_at_least or apart > days:
                continue
            cosine = matcher.cosine(row, other)
            if cosine >= cosine_at_least:
                found.append((other, row, shared, cosine, apart))
        matcher.add(row)
    return found


def matcher_names(table: StoryTable, row: int) -> set[str]:
    return set(table.events[row].names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--shared", type=int, default=2)
    parser.add_argument("--cosine", type=float, default=0.3)
    parser.add_argument("--days", type=float, default=7)
    parser.add_argument("--show", type=int, default=40)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--added", action="store_true", help="show only pairs the rule adds to near-duplicates"
    )
    parser.add_argument("--below", type=float, help="show only pairs under this cosine (a candidate's band)")
    parser.add_argument("--containment", type=float, default=0.0, help="least rare-name containment")
    parser.add_argument("--jaccard", type=float, default=0.0, help="least rare-name Jaccard similarity")
    parser.add_argument("--people", type=int, default=0, help="least rare people named by both")
    parser.add_argument("--very-rare-people", type=int, default=0, help="least people both name, few others")
    args = parser.parse_args()
    generation = store.current_generation(args.index_dir)
    table = StoryTable.load(generation)
    pairs = candidate_pairs(table, args.shared, args.cosine, args.days)
    bands: Counter = Counter()
    for _, _, shared, cosine, apart in pairs:
        bands[(min(shared, 5), round(cosine - 0.05, 1), "<=2d" if apart <= 2 else ">2d")] += 1
    print(f"{len(table.ids)} articles, {len(pairs)} pairs; bands (shared rare names, cosine from, apart):")
    for key in sorted(bands):
        print("  ", key, bands[key])
    ruled = [p for p in pairs if is_same_event(p[3], p[2], table.published[p[0]], table.published[p[1]])]
    stories = table.groups()
    print(
        f"pairs the rule accepts: {len(ruled)}; stories of 2+ articles: "
        f"{sum(1 for v in stories.values() if len(v) > 1)} holding "
        f"{sum(len(v) for v in stories.values() if len(v) > 1)} articles"
    )
    index = SearchIndex(args.index_dir)

    def versions_by_text(first: int, second: int) -> bool:
        """Whether the near-duplicate rule alone would group the two (what the event rule adds is the rest)."""
        a, b = (index.article(table.ids[n]) for n in (first, second))
        sa, sb = (shingles(story_text(s.get("title") or "", s.get("body") or "")) for s in (a, b))
        jaccard = len(sa & sb) / max(1, len(sa | sb))
        return are_versions(jaccard, len(sa), len(sb), table.published[first], table.published[second])

    added = [p for p in ruled if not versions_by_text(p[0], p[1])]
    print(f"of the pairs the rule accepts, {len(added)} are not near-duplicates (what the rule adds)")
    pool = added if args.added else pairs
    matcher = EventMatcher(table.events)
    overlaps = {(p[0], p[1]): name_overlap(matcher, p[0], p[1]) for p in pool}

    def in_candidate(pair) -> bool:
        overlap = overlaps[(pair[0], pair[1])]
        return (
            (args.below is None or pair[3] < args.below)
            and overlap.containment >= args.containment
            and overlap.jaccard >= args.jaccard
            and overlap.shared_people >= args.people
            and overlap.very_rare_people >= args.very_rare_people
        )

    pool = [p for p in pool if in_candidate(p)]
    print(f"{len(pool)} pairs in the candidate's bounds")
    shown = random.Random(args.seed).sample(pool, min(args.show, len(pool)))
    for first, second, shared, cosine, apart in sorted(shown, key=lambda p: -p[3]):
        a, b = index.article(table.ids[first]), index.article(table.ids[second])
        same = "same story" if table.stories[first] == table.stories[second] else "apart"
        names = sorted(matcher_names(table, first) & matcher_names(table, second))
        overlap = overlaps[(first, second)]
        print(
            f"\n{cosine:.2f} cos, {shared} rare (containment {overlap.containment:.2f}, Jaccard "
            f"{overlap.jaccard:.2f}, {overlap.shared_people} people, {overlap.very_rare_people} very rare; "
            f"cosine beside the names {cosine_beside_names(matcher, first, second):.2f}), "
            f"{apart:.1f} days, {same}: {'; '.join(names)[:150]}"
        )
        for stored in (a, b):
            print(f"   {stored.get('published')}  {stored.get('id')}  {stored.get('title')}")


if __name__ == "__main__":
    main()

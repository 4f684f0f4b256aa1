"""Versions of one story: grouping near-duplicates at index time, incrementally on add, collapsed
results, the article page's versions and the sentence diff."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from index import store
from index.build import BuildOptions, add, rebuild
from index.columns import UNDATED
from index.stages.stories import (
    CANDIDATE_JACCARD,
    CONTAINED,
    EVENT_COSINE,
    EVENT_SHARED,
    EVENT_WINDOW_SECONDS,
    MIN_SHINGLES,
    PERMUTATIONS,
    RECURRING_GAP_SECONDS,
    SIMILAR_JACCARD,
    STORIES_FILE,
    EarlierBands,
    EventCounts,
    EventFeatures,
    EventMatcher,
    StoryInput,
    StoryTable,
    TextFeaturesAhead,
    are_versions,
    assign_stories,
    containment,
    content_words,
    entity_names,
    is_recurring_report,
    is_same_event,
    shingles,
    signature_of,
    signatures,
    story_ids,
    text_features,
    within_event_window,
)
from index.stages.stories import _lean as lean_minhash
from searcher import create_app
from searcher.counting import first_of_each_story
from searcher.params import ParamError, parse_bool
from searcher.versions import sentence_diff, sentences

DAY = 86400
STORY = (
    "The harbour authority said on Monday that the northern ferry terminal will close for six weeks "
    "from the first of May while engineers replace the loading ramps that were damaged in the winter "
    "storms. Passengers travelling to the islands will be carried from the southern terminal instead, "
    "and the operator has added two evening sailings to make up for the lost capacity. Local traders "
    "warned that the closure would cost them business at the start of the tourist season, and the "
    "council said it would review parking charges near the southern terminal while the work goes on."
)
UPDATE = STORY + " A spokeswoman for the operator said tickets already sold would remain valid."
OTHER = (
    "The city orchestra announced a new principal conductor on Tuesday, ending a search that lasted "
    "nearly two years. The conductor, who has led ensembles across Europe, will take up the post in "
    "September and has promised to commission three new works by local composers in the first season. "
    "Musicians welcomed the appointment, saying it would bring stability after a difficult period of "
    "budget cuts and guest conductors, and the board said subscriptions had already begun to rise."
)
WHEN = datetime(2024, 3, 4, 9, 0)


def story_input(doc_id: str, text: str, when: datetime | None = WHEN) -> StoryInput:
    return StoryInput(doc_id, doc_id, text, when)


# pure rules -----------------------------------------------------------------------------------------
def test_shingles_ignore_case_and_punctuation():
    assert shingles("The Ferry, the FERRY: sails at noon today!") == shingles(
        "the ferry the ferry sails at noon today"
    )
    assert shingles("Two words") == {"two words"}
    assert shingles("") == set()
    assert len(shingles(STORY)) > MIN_SHINGLES


def test_containment_of_a_short_text_inside_a_long_one():
    # 50 shingles all inside 200: Jaccard 0.25, containment 1
    assert containment(0.25, 50, 200) == pytest.approx(1.0)
    assert containment(0.0, 50, 200) == 0.0
    assert containment(0.5, 0, 10) == 0.0


def test_versions_need_similar_text_enough_of_it_and_close_dates():
    now = 1_700_000_000
    assert are_versions(SIMILAR_JACCARD, 100, 100, now, now + DAY)
    assert not are_versions(SIMILAR_JACCARD - 0.05, 100, 100, now, now)  # neither similar nor contained
    assert are_versions(0.3, 60, 200, now, now)  # the short one is inside the long one
    assert containment(0.3, 60, 200) >= CONTAINED
    assert not are_versions(0.9, 100, 100, now, now + 4 * DAY)  # a recurring report, days apart
    assert not are_versions(0.9, MIN_SHINGLES - 1, 100, now, now)  # a one-line notice or a table
    undated = np.iinfo(np.int64).min
    assert are_versions(0.9, 100, 100, undated, now)  # no date: the text decides


def test_the_earliest_version_names_the_story_and_others_stay_apart():
    table = assign_stories(
        StoryTable(),
        [
            story_input("b-update", UPDATE, WHEN + timedelta(hours=3)),
            story_input("c-other", OTHER),
            story_input("a-first", STORY),
        ],
    )
    stories = table.story_of()
    assert stories == {"a-first": "a-first", "b-update": "a-first", "c-other": "c-other"}


def test_versions_days_apart_are_two_stories():
    table = assign_stories(
        StoryTable(), [story_input("a", STORY), story_input("b", UPDATE, WHEN + timedelta(days=5))]
    )
    assert table.story_of() == {"a": "a", "b": "b"}


def test_a_new_article_joins_an_existing_story_and_nothing_moves():
    first = assign_stories(StoryTable(), [story_input("a", STORY), story_input("c", OTHER)])
    later = assign_stories(first, [story_input("b", UPDATE, WHEN + timedelta(hours=1))])
    assert later.story_of() == {"a": "a", "c": "c", "b": "a"}
    assert np.array_equal(later.signatures[:2], first.signatures)  # the old signatures were kept, not redone


def test_a_rebuild_reuses_signatures_by_text_key():
    cache = assign_stories(StoryTable(), [StoryInput("a", "key-a", STORY, WHEN)])
    # an article whose key the cache knows takes the cached signature, whatever its text
    table = assign_stories(
        StoryTable(),
        [StoryInput("a", "key-a", STORY, WHEN), StoryInput("b", "key-a", OTHER, WHEN)],
        cache=cache,
    )
    assert np.array_equal(table.signatures[1], cache.signatures[0])
    # within one build the texts themselves are compared: the two are not versions
    assert table.story_of()["b"] == "b"


@given(st.lists(st.text(alphabet="abc de", max_size=40), max_size=5))
def test_one_texts_signature_is_the_bulk_signature(texts):
    shingled = shingles(" ".join(texts))
    assert np.array_equal(signature_of(shingled), signatures([shingled])[0])


def test_features_computed_ahead_group_as_the_texts_themselves_do():
    """The stories stage given each text's features (computed in a process beside normalize) makes the
    table it makes from the texts: same stories, sizes, signatures and words."""
    articles = [
        (f"{n}", text, WHEN + timedelta(hours=n))
        for n, text in enumerate([STORY, UPDATE, OTHER, OTHER + " An encore.", "Short notice.", ""])
    ]
    plain = assign_stories(StoryTable(), [StoryInput(i, i, text, when) for i, text, when in articles])
    ahead = assign_stories(
        StoryTable(),
        [StoryInput(i, i, text, when, features=text_features("", text)) for i, text, when in articles],
    )
    assert (
        ahead.story_of() == plain.story_of() == {"0": "0", "1": "0", "2": "2", "3": "2", "4": "4", "5": "5"}
    )
    assert ahead.sizes == plain.sizes
    assert np.array_equal(ahead.signatures, plain.signatures)


def test_features_ahead_are_each_articles_own_and_leave_out_reused_signatures():
    from index.articles import Article
    from index.stages.prepare import PreparedArticle

    prepared = [
        PreparedArticle(
            Article(id=f"{n}", title="T", body=text, origin="x"), "T", text, text, 0, None, None, f"key-{n}"
        )
        for n, text in enumerate([STORY, OTHER] * 300)  # enough for the work to be sliced
    ]
    found = TextFeaturesAhead(prepared, hashed={"key-1"}).get()
    assert [f.size for f in found] == [text_features("T", item.body).size for item in prepared]
    assert found[0].words == text_features("T", STORY).words
    assert found[1].signature is None and found[2].signature is not None


def test_the_table_saves_and_loads(tmp_path):
    table = assign_stories(StoryTable(), [story_input("a", STORY), story_input("b", UPDATE)])
    table.save(tmp_path)
    loaded = StoryTable.load(tmp_path)
    assert loaded.story_of() == table.story_of() == story_ids(tmp_path)
    assert np.array_equal(loaded.signatures, table.signatures)
    assert loaded.without(["b"]).ids == ["a"]
    assert StoryTable.load(tmp_path / "missing").ids == []


# the "same event" rule --------------------------------------------------------------------------------
WRITE_UP = (
    "Harbour authority chief Annika Berglund and transport minister Tomas Kallio agreed in Turku on "
    "Monday to rebuild the northern ferry terminal, damaged by winter storms, with a new loading ramp "
    "and a larger waiting hall. The rebuilding will close the terminal for six weeks from May, and "
    "passengers will board at the southern quay."
)
OTHER_WRITE_UP = (
    "The northern ferry terminal in Turku will close for six weeks from May for rebuilding after the "
    "winter storms damaged it, transport minister Tomas Kallio said on Monday after meeting harbour "
    "authority chief Annika Berglund. A new loading ramp and a larger waiting hall are planned, and "
    "passengers will board at the southern quay meanwhile."
)
SAME_TOPIC = (  # another city's terminal, told in much the same words, on the same day
    "Port director Lena Holm said in Oulu on Monday that the city will rebuild its northern ferry terminal, "
    "damaged by winter storms, with a new loading ramp and a larger waiting hall. The rebuilding will close "
    "the terminal for six weeks from May; passengers will board at the southern quay, the port said."
)
EVENT_NAMES = entity_names(["Annika Berglund", "Tomas Kallio"], ["Turku"], ["Harbour Authority"])
OTHER_NAMES = entity_names(["Lena Holm"], ["Oulu"], ["Port of Oulu"])


def event_input(doc_id: str, text: str, names: frozenset[str], when: datetime | None = WHEN) -> StoryInput:
    return StoryInput(doc_id, doc_id, text, when, EventFeatures(names, content_words(text)))


def test_content_words_leave_out_stop_words_digits_and_short_words():
    assert content_words("The ferry and the FERRY sailed at 10 on May 5th, as it did.") == {
        "ferry": 2,
        "sailed": 1,
    }
    assert list(content_words("alpha beta beta gamma gamma gamma", keep=2)) == ["gamma", "beta"]


def test_event_features_encode_and_decode():
    features = EventFeatures(entity_names(["Ana Díaz"], ["São Paulo"], ["A:B Corp"]), {"ferry": 2, "port": 1})
    assert EventFeatures.decode(features.encode()) == features
    assert EventFeatures.decode(EventFeatures().encode()) == EventFeatures()


def test_same_event_needs_alike_words_rare_names_and_close_dates():
    day = 86400
    assert is_same_event(EVENT_COSINE, EVENT_SHARED, 0, EVENT_WINDOW_SECONDS)
    assert not is_same_event(EVENT_COSINE - 0.01, EVENT_SHARED, 0, 0)
    assert not is_same_event(0.99, EVENT_SHARED - 1, 0, 0)
    assert not is_same_event(0.99, EVENT_SHARED, 0, EVENT_WINDOW_SECONDS + 1)
    # undated: two undated articles are judged by words and names, an undated and a dated one never
    assert within_event_window(UNDATED, UNDATED) and not within_event_window(UNDATED, 3 * day)
    assert is_recurring_report(0, RECURRING_GAP_SECONDS + 1, (1, 0))
    assert not is_recurring_report(0, RECURRING_GAP_SECONDS + 1, (2, 1))  # a rare name in common
    assert not is_recurring_report(0, RECURRING_GAP_SECONDS + 1, (0, 0))  # nothing named: the words decide
    assert not is_recurring_report(0, RECURRING_GAP_SECONDS, (1, 0))
    assert not is_recurring_report(UNDATED, day, (1, 0))


def test_two_write_ups_of_one_event_are_one_story():
    first, second = shingles(WRITE_UP), shingles(OTHER_WRITE_UP)
    assert len(first & second) / len(first | second) < SIMILAR_JACCARD / 2  # not versions by their text
    table = assign_stories(
        StoryTable(),
        [
            event_input("a", WRITE_UP, EVENT_NAMES),
            event_input("b", OTHER_WRITE_UP, EVENT_NAMES, WHEN + timedelta(hours=5)),
            event_input("c", OTHER, OTHER_NAMES),
        ],
    )
    assert table.story_of() == {"a": "a", "b": "a", "c": "c"}


def test_the_same_topic_on_the_same_day_without_the_same_names_stays_apart():
    table = assign_stories(
        StoryTable(),
        [event_input("a", WRITE_UP, EVENT_NAMES), event_input("b", SAME_TOPIC, OTHER_NAMES)],
    )
    matcher = EventMatcher(table.events)
    assert matcher.cosine(0, 1) >= EVENT_COSINE  # alike in words: only the names tell them apart
    assert table.story_of() == {"a": "a", "b": "b"}


def test_the_same_names_in_other_words_stay_apart_and_so_do_write_ups_days_apart():
    table = assign_stories(
        StoryTable(),
        [
            event_input("a", WRITE_UP, EVENT_NAMES),
            event_input("b", OTHER, EVENT_NAMES),
            event_input("c", OTHER_WRITE_UP, EVENT_NAMES, WHEN + timedelta(days=3)),
        ],
    )
    assert table.story_of() == {"a": "a", "b": "b", "c": "c"}


RESERVES = (
    "The Federal Reserve entered the government securities market to arrange {} billion dlrs of "
    "customer repurchase agreements, a Fed spokesman said. Dealers said federal funds were trading at "
    "six pct when the Fed began its temporary and indirect supply of reserves to the banking system."
)


def test_a_daily_report_on_one_template_is_not_a_version_of_yesterdays():
    # the archive names the Federal Reserve often: it is no rare name
    fillers = [
        event_input(f"f{n}", f"Filler {n} talks about rates", entity_names([], [], ["Federal Reserve"]))
        for n in range(25)
    ]
    fed = entity_names([], [], ["Federal Reserve"])
    table = assign_stories(
        StoryTable(),
        [
            *fillers,
            event_input("monday", RESERVES.format("1.5"), fed),
            event_input("tuesday", RESERVES.format("two"), fed, WHEN + timedelta(days=1)),
            event_input("resent", RESERVES.format("1.5"), fed, WHEN + timedelta(hours=1)),
        ],
    )
    stories = table.story_of()
    assert stories["resent"] == "monday"  # a re-send the same morning is a version
    assert stories["tuesday"] == "tuesday"  # the next day's report is not


def test_the_bench_measures_how_alike_two_articles_are_in_names_and_beside_them():
    """bench/story_events.py's figures for a candidate rule (README, "Versions of one story")."""
    from bench.story_events import cosine_beside_names, name_overlap

    first = EventFeatures(
        entity_names(["Annika Berglund", "Tomas Kallio"], ["Turku"], ["Harbour Authority"]),
        {"berglund": 2, "kallio": 1, "turku": 1, "ferry": 3, "terminal": 2},
    )
    second = EventFeatures(
        entity_names(["Annika Berglund", "Tomas Kallio", "Lena Holm"], ["Turku", "Oulu"], []),
        {"berglund": 1, "kallio": 1, "turku": 2, "ferry": 1, "ramp": 2},
    )
    named_only = EventFeatures(first.names, {"berglund": 2, "kallio": 1, "turku": 1, "concert": 4})
    matcher = EventMatcher([first, second, named_only])
    overlap = name_overlap(matcher, 0, 1)
    # in a three-article archive every name is rare: 3 shared of 4 and of 5 names
    assert (overlap.shared_rare, overlap.containment, overlap.jaccard) == (3, 0.75, 0.5)
    assert (overlap.shared_people, overlap.very_rare_people) == (2, 2)
    assert cosine_beside_names(matcher, 0, 1) > 0  # "ferry" is said by both
    assert matcher.cosine(0, 2) > 0.2 and cosine_beside_names(matcher, 0, 2) == 0.0  # alike by names only


def test_the_table_keeps_names_and_words_for_the_next_add(tmp_path):
    table = assign_stories(StoryTable(), [event_input("a", WRITE_UP, EVENT_NAMES)])
    table.save(tmp_path)
    loaded = StoryTable.load(tmp_path)
    assert loaded.events == table.events and loaded.events[0].names == EVENT_NAMES
    later = assign_stories(loaded, [event_input("b", OTHER_WRITE_UP, EVENT_NAMES, WHEN + timedelta(hours=2))])
    assert later.story_of() == {"a": "a", "b": "a"}


def test_an_add_keeps_the_tables_name_and_word_counts_as_a_recount_gives_them(tmp_path):
    table = assign_stories(
        StoryTable(), [event_input("a", WRITE_UP, EVENT_NAMES), event_input("c", SAME_TOPIC, OTHER_NAMES)]
    )
    table.save(tmp_path)
    loaded = StoryTable.load(tmp_path)
    assert loaded.counts == EventCounts.of(table.events) and loaded.counts.names["place:Oulu"] == 1
    # an add that replaces "c" and adds "b": counts taken from the table, "c"'s out and "b"'s in
    later = assign_stories(
        loaded.without(["c"]), [event_input("b", OTHER_WRITE_UP, EVENT_NAMES, WHEN + timedelta(hours=2))]
    )
    assert later.counts == EventCounts.of(list(later.events))
    assert later.counts.names["place:Oulu"] == 0 and later.counts.names["place:Turku"] == 2
    assert later.story_of() == {"a": "a", "b": "a"}


def test_a_table_saved_without_counts_is_counted_when_loaded(tmp_path):
    table = assign_stories(StoryTable(), [event_input("a", WRITE_UP, EVENT_NAMES)])
    table.save(tmp_path)
    with np.load(tmp_path / STORIES_FILE) as arrays:  # as a table written before the counts were kept
        older = {key: arrays[key] for key in arrays.files if "_counts" not in key}
    np.savez(tmp_path / STORIES_FILE, **older)
    loaded = StoryTable.load(tmp_path)
    assert loaded.counts is None and loaded.events == table.events
    later = assign_stories(loaded, [event_input("b", OTHER_WRITE_UP, EVENT_NAMES, WHEN + timedelta(hours=2))])
    assert later.counts == EventCounts.of(list(later.events)) and later.story_of() == {"a": "a", "b": "a"}


def test_sentence_diff_marks_added_and_removed_sentences():
    assert sentences("One here. Two there!\n\nThree? 4 is last.") == [
        "One here.",
        "Two there!",
        "Three?",
        "4 is last.",
    ]
    # an abbreviation ends no sentence: a break at every full stop before a capital made this one three
    baker = "Talks came after U.S. Treasury Secretary James Baker said at 10 a.m. that the U.S. Would sell."
    assert sentences(f"{baker} He left.") == [baker, "He left."]
    lines = sentence_diff("Alpha one. Beta two. Gamma three.", "Alpha one. Gamma three. Delta four.")
    assert [(line["kind"], line["text"]) for line in lines] == [
        ("same", "Alpha one."),
        ("removed", "Beta two."),
        ("same", "Gamma three."),
        ("added", "Delta four."),
    ]


def test_sentence_diff_compares_whole_sentences_of_a_hard_wrapped_version():
    """One version as the wire wrapped it (with the ';' of its sign-off), the corrected one reflowed:
    only the changed amount and the added sentence differ."""
    wrapped = (
        "Moody's Investors Service Inc said it\nmay downgrade Crazy Eddie Inc's 65 mln dlrs of B-1 convertible\n"
        "subordinated debentures.\nMoody's cited Crazy Eddie's reduced profitability, recent\n"
        "acquisition proposals for the company that could increase debt\nleverage, and an uncertain "
        "earnings outlook.\n;"
    )
    corrected = (
        "Moody's Investors Service Inc said it may downgrade Crazy Eddie Inc's 81 mln dlrs of B-1 "
        "convertible subordinated debentures.\nMoody's cited Crazy Eddie's reduced profitability, recent "
        "acquisition proposals for the company that could increase debt leverage, and an uncertain "
        "earnings outlook.\nMoody's corrects amount of debt from 65 mln dlrs."
    )
    kinds = [line["kind"] for line in sentence_diff(wrapped, corrected)]
    assert kinds == ["removed", "added", "same", "added"]


def test_collapse_parameter_is_true_or_false():
    assert parse_bool(None, "collapse", True) is True
    assert parse_bool("False", "collapse", True) is False
    assert parse_bool("1", "collapse", False) is True
    with pytest.raises(ParamError) as error:
        parse_bool("maybe", "collapse", True)
    assert error.value.parameter == "collapse"


# through the build, the API and the pages ------------------------------------------------------------
def write_articles(path, articles):
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")


@pytest.fixture(scope="module")
def versions_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("versions")
    write_articles(
        folder / "wire.jsonl",
        [
            {
                "id": "1",
                "title": "Ferry terminal to close",
                "body": STORY,
                "published": "2024-03-04T09:00:00",
                "source": "Harbour Wire",
            },
            {
                "id": "2",
                "title": "Orchestra names conductor",
                "body": OTHER,
                "published": "2024-03-05T10:00:00",
                "source": "Harbour Wire",
            },
        ],
    )
    write_articles(
        folder / "post.jsonl",
        [
            {
                "id": "7",
                "title": "Northern ferry terminal closes for repairs",
                "body": UPDATE,
                "published": "2024-03-04T15:30:00",
                "source": "Harbour Post",
            },
        ],
    )
    index_dir = folder / "index"
    report = rebuild(
        [str(folder / "wire.jsonl"), str(folder / "post.jsonl")], index_dir, BuildOptions(progress=False)
    )
    assert report.indexed == 3, report
    return folder, index_dir


def api(index_dir, url):
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    response = client.get(url)
    return response.status_code, response.get_json() if response.is_json else response.get_data(as_text=True)


def test_results_show_one_hit_per_story_with_its_versions(versions_index):
    _, index_dir = versions_index
    status, data = api(index_dir, "/api/search?q=terminal")
    assert status == 200
    assert data["counts"] == "stories" and data["collapse"] is True
    assert (data["total"], data["articles"]) == (1, 2)
    (hit,) = data["hits"]
    assert hit["id"] == "harbour-wire/1" and hit["versions"] == 2
    assert [v["id"] for v in hit["other_versions"]] == ["harbour-post/7"]
    assert hit["other_versions"][0]["source"] == "Harbour Post"
    # oldest first shows the earliest version, newest first the latest
    assert api(index_dir, "/api/search?q=terminal&sort=newest")[1]["hits"][0]["id"] == "harbour-post/7"
    assert api(index_dir, "/api/search?q=terminal&sort=oldest")[1]["hits"][0]["id"] == "harbour-wire/1"


def test_collapse_false_shows_every_article_and_counts_articles(versions_index):
    _, index_dir = versions_index
    status, data = api(index_dir, "/api/search?q=terminal&collapse=false")
    assert status == 200 and data["counts"] == "articles"
    assert data["total"] == 2 and {h["id"] for h in data["hits"]} == {"harbour-wire/1", "harbour-post/7"}
    assert {h["story"] for h in data["hits"]} == {"harbour-wire/1"}
    status, error = api(index_dir, "/api/search?collapse=sometimes")
    assert status == 400 and error["parameter"] == "collapse"


def test_facet_counts_count_stories_when_collapsed(versions_index):
    _, index_dir = versions_index
    collapsed = api(index_dir, "/api/search")[1]
    every = api(index_dir, "/api/search?collapse=false")[1]
    assert collapsed["total"] == 2 and every["total"] == 3
    days = {b["value"]: b["count"] for b in collapsed["facets"]["published"]}
    assert days["2024-03-04"] == 1  # two versions published that day, one story
    assert {b["value"]: b["count"] for b in every["facets"]["published"]}["2024-03-04"] == 2


def test_article_page_lists_versions_and_shows_the_diff(versions_index):
    _, index_dir = versions_index
    status, article = api(index_dir, "/api/articles/harbour-wire/1")
    assert [v["id"] for v in article["versions"]] == ["harbour-wire/1", "harbour-post/7"]
    status, html = api(index_dir, "/article/harbour-wire/1")
    assert status == 200 and "2 versions of this story" in html
    assert "/article/harbour-wire/1/diff/harbour-post/7" in html and "Harbour Post" in html
    status, diff = api(index_dir, "/api/articles/harbour-wire/1/diff/harbour-post/7")
    assert status == 200 and diff["added"] == 1 and diff["removed"] == 0
    assert [line["text"] for line in diff["sentences"] if line["kind"] == "added"] == [
        "A spokeswoman for the operator said tickets already sold would remain valid."
    ]
    status, html = api(index_dir, "/article/harbour-wire/1/diff/harbour-post/7")
    assert (
        status == 200
        and "<ins>A spokeswoman for the operator" in html
        and "1 sentence added, 0 removed" in html
    )
    assert api(index_dir, "/article/harbour-wire/1/diff/nothing/here")[0] == 404


def test_add_joins_an_existing_story_and_keeps_story_ids(versions_index, tmp_path):
    import shutil

    _, built = versions_index
    index_dir = tmp_path / "index"
    shutil.copytree(built, index_dir, symlinks=True)
    before = story_ids(store.current_generation(index_dir))
    write_articles(
        tmp_path / "late.jsonl",
        [
            {
                "id": "9",
                "title": "Ferry terminal closure confirmed",
                "body": UPDATE + " Work starts on time.",
                "published": "2024-03-05T08:00:00",
                "source": "Island Radio",
            }
        ],
    )
    report = add([str(tmp_path / "late.jsonl")], index_dir, BuildOptions(progress=False))
    assert report.indexed == 1
    generation = store.current_generation(index_dir)
    after = story_ids(generation)
    assert {k: after[k] for k in before} == before  # nothing moved
    assert after["island-radio/9"] == "harbour-wire/1"
    # the new file is recorded with its checksum, and the index checks whole
    assert STORIES_FILE in store.read_json(generation / store.META)[store.FILES]
    assert store.damaged_files(generation, checksums=True) == []
    data = api(index_dir, "/api/search?q=terminal")[1]
    assert data["total"] == 1 and data["hits"][0]["versions"] == 3


def test_a_damaged_story_table_is_named(versions_index, tmp_path):
    import shutil

    _, built = versions_index
    copy = tmp_path / "index"
    shutil.copytree(built, copy, symlinks=True)
    generation = store.current_generation(copy)
    target = generation / STORIES_FILE
    data = bytearray(target.read_bytes())
    data[-10] ^= 0xFF
    target.unlink()  # a hard link may be shared: write a new file
    target.write_bytes(bytes(data))
    problems = store.damaged_files(generation, checksums=True)
    assert any(STORIES_FILE in problem for problem in problems), problems


def test_a_story_over_several_days_counts_once_in_its_month(tmp_path):
    """Each bar of the histogram is what a click on its period finds: a story whose versions came out
    on two days of one month counts once in that month, and the bars add up to the total."""
    write_articles(
        tmp_path / "wire.jsonl",
        [
            {
                "id": "1",
                "title": "Ferry terminal to close",
                "body": STORY,
                "published": "2024-03-04T09:00:00",
            },
            {
                "id": "2",
                "title": "Northern ferry terminal closes",
                "body": UPDATE,
                "published": "2024-03-06T15:30:00",
            },
            {
                "id": "3",
                "title": "Orchestra names conductor",
                "body": OTHER,
                "published": "2024-07-05T10:00:00",
            },
        ],
    )
    index_dir = tmp_path / "index"
    assert rebuild([str(tmp_path / "wire.jsonl")], index_dir, BuildOptions(progress=False)).indexed == 3
    status, data = api(index_dir, "/api/search")
    assert status == 200 and data["published_unit"] == "month" and data["total"] == 2
    bars = {bar["value"]: bar["count"] for bar in data["facets"]["published"]}
    assert bars["2024-03"] == 1 and bars["2024-07"] == 1
    assert sum(bars.values()) == data["total"]
    for month, count in bars.items():
        assert api(index_dir, f"/api/search?from={month}&to={month}")[1]["total"] == count, month
    every = api(index_dir, "/api/search?collapse=false")[1]
    assert {bar["value"]: bar["count"] for bar in every["facets"]["published"]}["2024-03"] == 2


def test_histogram_bars_say_what_they_count(versions_index):
    _, index_dir = versions_index
    page = api(index_dir, "/?q=terminal")[1]
    assert 'aria-label="Stories by day"' in page
    assert re.search(r'class="tip[^"]*">2024-03-04: 1 story</span>', page)
    page = api(index_dir, "/?q=terminal&collapse=false")[1]
    assert 'aria-label="Articles by day"' in page
    assert re.search(r'class="tip[^"]*">2024-03-04: 2 articles</span>', page)


# collapsed counts against a naive count, on real wire copy ----------------------------------------------
@pytest.fixture(scope="module")
def reuters_versions_index(reuters_head_index):
    """The first thousand Reuters articles (conftest's session index): 22 stories of several versions."""
    return reuters_head_index


def naive_collapsed(generation, index, params) -> dict:
    """What a collapsed search should answer, article by article in Python: the stories among the
    matches, each facet value's and each day's stories, and the page's stories by their first version
    in Whoosh's full ranking (or by date), each with its other matching versions, oldest first."""
    from collections import Counter as Tally
    from datetime import date as day_of

    from searcher.backend import ranking_query

    query, _, base, plan, masks, final, _ = index._filtered(generation, params)
    columns, searcher = generation.columns, generation.searcher
    stories = story_ids(generation.path)
    ids = {n: searcher.stored_fields(n)["id"] for n in np.flatnonzero(columns.live).tolist()}
    story = {n: stories.get(doc_id, doc_id) for n, doc_id in ids.items()}
    matched = np.flatnonzero(final).tolist()
    counts = {}
    for facet in plan.selections:
        counting = masks.narrowed(base, plan.counted_over(facet))
        holders: dict[str, set[str]] = {}
        for n in np.flatnonzero(counting).tolist():
            for value in columns.facets[facet].row(n):
                holders.setdefault(value, set()).add(story[n])
        counts[facet] = Tally({value: len(held) for value, held in holders.items()})
    days: dict[str, set[str]] = {}
    for n in matched:
        if columns.published[n] != np.iinfo(np.int64).min:
            when = day_of(1970, 1, 1) + timedelta(days=int(columns.published[n] // 86400))
            days.setdefault(when.isoformat(), set()).add(story[n])

    def by_date(numbers, newest):
        dated = sorted(
            (n for n in numbers if columns.published[n] != np.iinfo(np.int64).min),
            key=lambda n: (-columns.published[n] if newest else columns.published[n], n),
        )
        return dated + sorted(n for n in numbers if columns.published[n] == np.iinfo(np.int64).min)

    if not matched:
        order = []
    elif params.q and params.sort == "relevance":
        allowed = set(matched)  # never empty: Whoosh reads an empty filter as none
        order = [hit.docnum for hit in searcher.search(ranking_query(query), limit=None, filter=allowed)]
    else:
        order = by_date(matched, params.sort != "oldest")
    firsts, seen = [], set()
    for n in order:
        if story[n] not in seen:
            seen.add(story[n])
            firsts.append(n)
    page = firsts[(params.page - 1) * params.per_page : params.page * params.per_page]
    return {
        "total": len({story[n] for n in matched}),
        "articles": len(matched),
        "counts": counts,
        "days": Tally({value: len(held) for value, held in days.items()}),
        "hits": [
            (ids[n], [ids[m] for m in by_date([m for m in matched if story[m] == story[n]], False) if m != n])
            for n in page
        ],
    }


@pytest.mark.slow
def test_collapsed_totals_counts_and_pages_are_a_naive_count_of_stories(reuters_versions_index):
    from werkzeug.datastructures import MultiDict

    from searcher.backend import SearchIndex
    from searcher.params import params_from_args

    index = SearchIndex(reuters_versions_index)
    generation = index.generation()
    searches = [
        [],
        [("sort", "oldest"), ("page", "3")],
        [("q", "said")],
        [("q", "said"), ("page", "4")],
        [("q", "prices"), ("sort", "newest")],
        [("q", '"money market"')],
        [("q", "oil^2 prices")],  # ranked by Whoosh itself
        [("q", "bank"), ("country", "United Kingdom")],
        [("q", "stg"), ("not_country", "United States")],
        [("q", "shares"), ("from", "1987-02-26"), ("to", "1987-03-01")],
        [("q", "trade"), ("all", "country"), ("country", "United States"), ("country", "Japan")],
    ]
    collapsing = 0
    for pairs in searches:
        params = params_from_args(MultiDict([*pairs, ("per_page", "10")]))
        got = index.search(params)
        expected = naive_collapsed(generation, index, params)
        assert (got.total, got.articles) == (expected["total"], expected["articles"]), pairs
        assert got.facet_counts == expected["counts"], pairs
        assert got.published_counts == expected["days"], pairs
        assert [(hit.id, [v["id"] for v in hit.versions]) for hit in got.hits] == expected["hits"], pairs
        collapsing += expected["articles"] > expected["total"] and any(v for _, v in expected["hits"])
    assert collapsing >= 5  # most searches find stories of several versions, some on the page shown


def test_add_groups_a_write_up_of_the_same_event_and_the_diff_says_so(tmp_path):
    """Through the real build (spaCy finds the names): a second outlet's write-up of an event, added
    later, joins the first one's story; the diff page says they share no sentence."""
    write_articles(
        tmp_path / "first.jsonl",
        [
            {
                "id": "1",
                "title": "Turku ferry terminal to be rebuilt",
                "body": WRITE_UP,
                "published": "2024-03-04T09:00:00",
                "source": "Harbour Wire",
            }
        ],
    )
    write_articles(
        tmp_path / "second.jsonl",
        [
            {
                "id": "2",
                "title": "Storm-hit Turku terminal closes for six weeks",
                "body": OTHER_WRITE_UP,
                "published": "2024-03-04T16:00:00",
                "source": "Island Radio",
            }
        ],
    )
    index_dir = tmp_path / "index"
    rebuild([str(tmp_path / "first.jsonl")], index_dir, BuildOptions(progress=False))
    report = add([str(tmp_path / "second.jsonl")], index_dir, BuildOptions(progress=False))
    assert report.indexed == 1
    assert story_ids(store.current_generation(index_dir))["island-radio/2"] == "harbour-wire/1"
    data = api(index_dir, "/api/search?q=terminal")[1]
    assert (data["total"], data["articles"], data["hits"][0]["versions"]) == (1, 2, 2)
    status, page = api(index_dir, "/article/harbour-wire/1/diff/island-radio/2")
    assert status == 200 and "two write-ups of one event" in page
    status, page = api(index_dir, "/article/harbour-wire/1")
    assert "2 versions of this story" in page


def test_more_like_this_leaves_out_the_articles_own_versions(versions_index):
    """The other version is the most alike article of all; it is listed as a version, not again."""
    from searcher.backend import SearchIndex

    _, index_dir = versions_index
    index = SearchIndex(index_dir)
    versions = {v["id"] for v in index.story_versions("harbour-wire/1")}
    assert versions == {"harbour-wire/1", "harbour-post/7"}
    alike = [hit["id"] for hit in index.more_like_this("harbour-wire/1", count=5)]
    assert not versions & set(alike), alike


def test_earlier_bands_find_what_an_lsh_of_the_same_rows_finds():
    """An ``add`` looks new articles up in the earlier ones' sorted bands instead of an LSH: the
    candidates must be the same rows an LSH holding them returns, no more and no fewer."""
    from datasketch import MinHashLSH

    rng = np.random.default_rng(7)
    signatures = rng.integers(0, 50, size=(400, PERMUTATIONS), dtype=np.uint32)  # small values: collisions
    signatures[200:260] = signatures[:60]  # and exact copies
    eligible = rng.random(400) > 0.2
    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=PERMUTATIONS)
    for row in np.flatnonzero(eligible):
        lsh.insert(int(row), lean_minhash(signatures[row]), check_duplication=False)
    bands = EarlierBands(signatures, eligible, lsh.hashranges)
    probes = np.concatenate([signatures[:80], rng.integers(0, 50, size=(40, PERMUTATIONS), dtype=np.uint32)])
    found = [bands.candidates(probe) for probe in probes]
    assert found == [set(lsh.query(lean_minhash(probe))) for probe in probes]
    assert sum(len(rows) for rows in found) > len(probes)  # the probes did find rows
    assert EarlierBands(signatures[:0], eligible[:0], lsh.hashranges).candidates(probes[0]) == set()


def test_first_of_each_story_keeps_the_order_and_one_item_a_story():
    items = ["a-new", "b", "a-old", "c", "b-old"]
    assert first_of_each_story(items, lambda item: item[0]) == ["a-new", "b", "c"]
    assert first_of_each_story([], lambda item: item) == []


def test_an_entity_page_lists_a_story_once_among_its_latest_articles(tmp_path):
    named = STORY.replace("The harbour authority", "Harbour master Ingrid Solvik")
    write_articles(
        tmp_path / "wire.jsonl",
        [
            {
                "id": "1",
                "title": "Ferry terminal to close",
                "body": named,
                "published": "2024-03-04T09:00:00",
            },
            {
                "id": "2",
                "title": "Northern ferry terminal closes",
                "body": named + " A spokeswoman said tickets already sold would remain valid.",
                "published": "2024-03-04T15:30:00",
            },
        ],
    )
    index_dir = tmp_path / "index"
    rebuild([str(tmp_path / "wire.jsonl")], index_dir, BuildOptions(progress=False))
    status, search = api(index_dir, "/api/search?person=Ingrid%20Solvik")
    assert status == 200 and (search["total"], search["articles"]) == (1, 2)
    status, page = api(index_dir, "/api/entities/person/Ingrid%20Solvik")
    assert status == 200 and page["total"] == 2  # the page counts articles...
    assert [hit["id"] for hit in page["latest"]] == [search["hits"][0]["id"]]  # ...and lists the story once


def test_stop_words_read_without_spacy_are_spacys():
    """A process that has not loaded spaCy reads its stop words from their module alone: the same words
    as spaCy's, and spaCy still not imported."""
    import subprocess
    import sys

    from spacy.lang.en.stop_words import STOP_WORDS

    code = (
        "import json, sys; from index.stages.stories import stop_words; "
        "print(json.dumps([sorted(stop_words()), 'spacy' in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    words, spacy_loaded = json.loads(out.stdout)
    assert words == sorted(STOP_WORDS) and not spacy_loaded

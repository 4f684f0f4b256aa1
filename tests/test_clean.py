import itertools
import json
import textwrap
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from index.clean import (
    MIN_ARTICLES,
    MIN_SAMPLE,
    RemovedLine,
    clean_body,
    clean_body_reporting,
    drop_repeated_paragraphs,
    find_dateline,
    is_call_to_action,
    is_story_sentence,
    is_teaser,
    labelled_credit_start,
    learn_recurring_lines,
    line_breaks,
    line_key,
    normalize_whitespace,
    place_from_dateline_field,
    reflow_hard_wrapped,
    remove_control_characters,
    strip_credit,
)
from index.stages.prepare import learn_boilerplate, prepare_all
from index.stages.read import read_articles
from index.stages.report import BuildReport

from .conftest import REUTERS, SEEDS, needs_reuters, needs_seeds
from .test_build import cli


def test_control_characters_go_newlines_stay():
    assert remove_control_characters("Reuter\n\x03") == "Reuter\n"
    assert remove_control_characters("a\u200bb\r\nc") == "ab\nc"


def test_whitespace_is_normalized():
    assert normalize_whitespace("  a   b \n\n\n\n c\t\td ") == "a b\n\nc d"


def test_photo_credit_is_stripped_but_caption_kept():
    line = "Putin greets Bolton at the Kremlin in Moscow. PHOTO: REUTERS"
    assert strip_credit(line) == "Putin greets Bolton at the Kremlin in Moscow."
    assert strip_credit("Picture: AFP") == ""
    assert strip_credit("He said: we will meet") == "He said: we will meet"


def test_calls_to_action_and_teasers():
    assert is_call_to_action("Join ST's Telegram channel and get the latest breaking news delivered to you.")
    assert is_call_to_action("Subscribe to our newsletter")
    assert not is_call_to_action("Join the talks, the minister told the union on Monday.")
    assert is_call_to_action("Get the app")
    assert not is_call_to_action(
        "Like all major exporters Daimler undertakes currency hedging but has no problems "
        "here, according to the spokesman, contacted by telephone in Stuttgart."
    )
    assert is_teaser("More from World")
    assert is_teaser("More follows…")
    assert not is_teaser("More than 300 people were evacuated.")


def test_reporting_credits_go_but_not_the_end_of_a_wrapped_sentence():
    assert clean_body("The mill story.\n(Reporting by Jane Doe; Editing by Tom Roe)") == "The mill story."
    assert clean_body("Reporting by Jane Doe in Lisbon") == ""
    assert (
        clean_body("produced by the nation's mills a year ago.")
        == "produced by the nation's mills a year ago."
    )


def test_repeated_body_is_kept_once():
    lines = [
        "The first paragraph has words.",
        "The second paragraph has words.",
        "Short",
        "The first paragraph has words.",
        "The second paragraph has words.",
    ]
    assert drop_repeated_paragraphs(lines) == lines[:3]


def test_recurring_lines_are_learnt_per_source():
    bodies = [f"Story number {i} about grain.\n Reuter" for i in range(40)] + ["Reuter is a name here"]
    learned = learn_recurring_lines(bodies)
    assert "reuter" in learned
    assert not any("grain" in line for line in learned)


def story(number: int, middle: str = "", end: str = "") -> str:
    return "\n".join(
        line
        for line in (
            f"Story {number} opens with its own first sentence about harbour works.",
            f"A second sentence of story {number} names the quay.",
            f"A third one of story {number} gives a date.",
            f"A fourth one of story {number} quotes a mayor.",
            middle,
            f"Story {number} goes on with a fifth.",
            f"A sixth sentence of story {number} gives a figure.",
            f"Story {number} closes with a sentence of its own.",
            end,
        )
        if line
    )


def test_a_sentence_several_stories_share_is_not_boilerplate():
    shared = "Officials said work would start soon."
    assert learn_recurring_lines([story(i, middle=shared) for i in range(6)]) == set()  # the six
    assert learn_recurring_lines([story(i, middle=shared) for i in range(200)]) == set()  # never at an edge
    comment = "The company did not respond to a request for comment."
    assert is_story_sentence(comment) and is_story_sentence(shared)
    assert (
        learn_recurring_lines([story(i, end=comment) for i in range(200)]) == set()
    )  # at an edge, a sentence


def test_a_sign_off_needs_a_large_enough_sample_and_share():
    signed = [story(i, end="Reuter") for i in range(MIN_SAMPLE)]
    assert learn_recurring_lines(signed) == {"reuter"}
    assert learn_recurring_lines(signed[: MIN_SAMPLE - 1]) == set()  # too few articles to tell
    few = [story(i, end="Reuter") for i in range(MIN_ARTICLES - 1)] + [story(i) for i in range(100)]
    assert learn_recurring_lines(few) == set()  # in fewer articles than the stated minimum
    enough = [story(i, end="Reuter") for i in range(MIN_ARTICLES)] + [story(i) for i in range(100)]
    assert learn_recurring_lines(enough) == {"reuter"}
    assert not is_story_sentence("Copyright 2018 The Harbour Times.")
    footer = [story(i, end="Copyright 2018 The Harbour Times.") for i in range(30)]
    assert learn_recurring_lines(footer) == {"copyright 2018 the harbour times"}


def test_a_recurring_line_goes_only_from_the_edges_of_a_body():
    body = story(1, middle="Reuter", end="Reuter")
    cleaned, removed = clean_body_reporting(body, recurring={"reuter"})
    assert cleaned.split("\n")[4] == "Reuter" and not cleaned.endswith("Reuter")
    assert removed == [RemovedLine("Reuter", "recurring")]
    sentence = "Officials said work would start soon."
    assert clean_body(story(1, end=sentence), recurring={"officials said work would start soon"}).endswith(
        sentence
    )


def test_build_keeps_shared_sentences_and_reports_what_it_removed(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(25):
        body = story(number, middle="Officials said work would start soon.", end="Reuter")
        (folder / f"{number:02}.txt").write_text(f"Harbour works, part {number}\n\n{body}\n")
    result = cli("index", "rebuild", str(folder), "--index-dir", str(tmp_path / "index"), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["indexed"] == 25
    assert report["boilerplate"] == {str(folder): [{"line": "Reuter", "why": "recurring", "articles": 25}]}
    result = cli(
        "search", "officials", "--json", "--collapse", "false", "--index-dir", str(tmp_path / "index")
    )
    assert json.loads(result.stdout)["total"] == 25
    result = cli("search", "reuter", "--json", "--index-dir", str(tmp_path / "index"))
    assert json.loads(result.stdout)["total"] == 0


@needs_seeds
def test_seeds_lose_their_calls_to_action_teasers_and_credits_and_nothing_else():
    report = BuildReport(index_dir=SEEDS)
    articles = read_articles([str(SEEDS)], report)
    prepare_all(articles, learn_boilerplate(articles, {}), report, processes=1)
    assert report.boilerplate == {
        str(SEEDS): Counter(
            {
                RemovedLine(
                    "Join ST's Telegram channel and get the latest breaking news delivered to you.",
                    "call to action",
                ): 1,
                RemovedLine("More from World", "teaser"): 1,
                RemovedLine("More follows…", "teaser"): 1,
                RemovedLine("PHOTO: REUTERS", "photo credit"): 1,
            }
        )
    }


@needs_reuters
def test_reuters_loses_its_sign_off_and_empty_story_filler_and_nothing_else():
    report = BuildReport(index_dir=REUTERS)
    articles = read_articles([str(REUTERS)], report)
    recurring = learn_boilerplate(articles, {})
    assert recurring == {"Reuters": {"reuter", "blah blah blah"}}
    prepared = prepare_all(articles, recurring, report, processes=1)
    removed = report.boilerplate["Reuters"]
    assert {line.why for line in removed} == {"recurring"}
    assert {" ".join(line.line.casefold().strip("*.; ").split()) for line in removed} == {
        "reuter",
        "blah blah blah",
    }
    assert sum(removed.values()) >= 20_000  # the sign-off goes from nearly every article
    # a sign-off in the middle of a body (a story quoting the word) stays
    assert all(item.body.split("\n")[-1].strip(" ;.").casefold() != "reuter" for item in prepared)


def test_clean_body_removes_boilerplate_title_repeat_and_duplicates():
    body = (
        "Donald Trump's adviser said things in Moscow today.\nMore from World\nA second paragraph of news here.\n"
        "Donald Trump's adviser said things in Moscow today.\nJoin our Telegram channel for updates.\n Reuter\n\x03"
    )
    cleaned = clean_body(body, title="The headline of it", recurring={"reuter"})
    assert cleaned == "Donald Trump's adviser said things in Moscow today.\nA second paragraph of news here."


def test_dateline_found_after_a_caption():
    body = "A caption line.\n\nMOSCOW (REUTERS) - US President Donald Trump said..."
    dateline = find_dateline(body)
    assert dateline.place == "MOSCOW" and dateline.agency == "REUTERS"
    assert body[dateline.start : dateline.end].startswith("MOSCOW (REUTERS) -")
    assert find_dateline("NOTE: this is not a dateline") is None
    assert place_from_dateline_field("SALVADOR, Feb 26") == "SALVADOR"
    assert place_from_dateline_field("") is None


def test_hard_wrapped_newswire_is_reflowed_into_paragraphs():
    body = (
        "Showers continued throughout the week in\nthe Bahia cocoa zone, alleviating the drought since early\n"
        "January and improving prospects for the coming temporao,\nalthough normal humidity levels have not "
        "been restored,\nComissaria Smith said in its weekly review.\n    The dry period means the temporao "
        "will be late this year.\n    Arrivals for the week ended February 22 were 155,221 bags\nof 60 kilos.\n"
        " M-1.......... 738.5   737.2\n Reuter\n"
    )
    cleaned = clean_body(body)
    lines = cleaned.split("\n")
    assert lines[0].startswith("Showers continued throughout the week in the Bahia cocoa zone")
    assert lines[0].endswith("said in its weekly review.")
    assert lines[1] == "The dry period means the temporao will be late this year."
    assert lines[2] == "Arrivals for the week ended February 22 were 155,221 bags of 60 kilos."
    assert lines[3].startswith("M-1")


def test_short_unwrapped_text_is_left_alone():
    body = "One line.\nAnother line.\nA third."
    assert clean_body(body) == body


def test_a_short_wire_story_wrapped_mid_sentence_is_one_paragraph():
    body = (
        "Textron Inc's Avco Lycoming Textron\nsubsidiary said it finalized a 1.4 billion dlr five-year\n"
        "contract with the U.S. Army for M1 Abrams main battle tank gas\nturbine engines.\n"
        "    Under the contract, Avco said the army will procure 3,299\ninstalled engines.\n"
    )
    assert clean_body(body).split("\n") == [
        "Textron Inc's Avco Lycoming Textron subsidiary said it finalized a 1.4 billion dlr five-year "
        "contract with the U.S. Army for M1 Abrams main battle tank gas turbine engines.",
        "Under the contract, Avco said the army will procure 3,299 installed engines.",
    ]


def test_paragraphs_written_one_to_a_line_are_not_joined():
    body = (
        "Ferry workers vote to strike over pay and hours\n"
        "The union said the vote was the largest in its history and would stand.\n"
        "Talks with the operators are due to resume next week in Helsinki.\n"
        "A spokesman for the operators said they regretted the decision.\n"
    )
    assert clean_body(body) == body.strip()


def test_the_residue_of_a_sign_off_is_dropped_and_asterisks_alone_are_no_body():
    recurring = {"reuter"}
    body = "Net profit rose 12 pct, the company said.\n Reuter\n;"
    title = "Acme profit up"  # a line with no words is not taken for a repeat of the title
    assert clean_body(body, title, recurring) == "Net profit rose 12 pct, the company said."
    assert (
        clean_body("Shares fell; traders sold.\n Reuter ;", title, recurring) == "Shares fell; traders sold."
    )
    assert clean_body("******\n Reuter\n;", title, recurring) == ""
    assert clean_body("******", title) == ""
    body = "Markets closed.\n***\nMore later; see below"
    assert clean_body(body, title="Markets") == body  # a separator inside the story stays


wire_words = st.text(alphabet="abcdefghij.,;", min_size=1, max_size=12)


@given(st.lists(st.lists(wire_words, min_size=1, max_size=40), min_size=1, max_size=6), st.integers(40, 80))
def test_reflowing_never_loses_or_reorders_a_word(paragraphs, width):
    """Whatever the wrap width and punctuation, joining lines keeps every word, in order."""
    text = "\n".join("    " + textwrap.fill(" ".join(words), width) for words in paragraphs)
    assert reflow_hard_wrapped(text).split() == text.split()


LINE = st.text(alphabet="ab. ;\tXY1", max_size=90)


def continues_as_first_written(line, following):
    """The first (slower) statement of the rule: each line tested for a table row at each pair."""
    import re

    def is_table_row(text):
        return bool(re.search(r"\S {3,}\S|\.{3,}", text.strip()))

    mid_sentence = following[:1].islower() and not re.search(r"[.!?:;\"”)]$", line.rstrip())
    return (
        (40 <= len(line.rstrip()) <= 80 or (mid_sentence and len(line.rstrip()) <= 80))
        and any(char.isalnum() for char in following)
        and following[:1] not in (" ", "\t")
        and not is_table_row(line)
        and not is_table_row(following)
    )


@given(st.lists(LINE, max_size=8))
def test_line_breaks_read_each_pair_as_the_rule_says(lines):
    """The breaks of a body are found with each line read for a table row once: the same answer as the
    rule asked of each pair of neighbouring lines."""
    assert line_breaks(lines) == [continues_as_first_written(a, b) for a, b in itertools.pairwise(lines)]


SPACED = st.text(alphabet="ab. \t\u00a0\u2003\u3000\n:", max_size=60)


@given(SPACED)
def test_whitespace_is_normalized_as_the_rule_first_written_says(text):
    """Only the runs of spaces that are not one space already are replaced: the same text as replacing
    every run of them."""
    import re

    lines = [
        line.strip() for line in re.sub(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+", " ", text).split("\n")
    ]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    assert normalize_whitespace(text) == "\n".join(out).strip()


@given(st.text(alphabet="ab1 .|–—-(:;", max_size=40))
def test_what_cleaning_takes_off_a_lines_end_leaves_its_key(line):
    """Cleaning keeps each line's key from before it trims the line's end (``clean_body_reporting``
    reads each line's key once): the trimmed characters count for nothing in a key."""
    assert line_key(line.rstrip(" |–—-(").rstrip()) == line_key(line)


CREDIT_PIECES = [
    "Photo",
    "PHOTO",
    "Credit",
    "Source",
    "Bild",
    "Image",
    "Reuters",
    "AFP",
    "dpa",
    "by",
    " ",
    "(",
    ")",
    "|",
]


@given(st.lists(st.sampled_from(CREDIT_PIECES), max_size=10).map("".join), st.booleans())
def test_a_line_without_a_colon_has_no_credit_to_strip(line, whole_line):
    """Cleaning looks for a credit only in a line with a colon: without one, neither rule finds any."""
    line = line.replace(":", "")
    assert strip_credit(line) == line.rstrip(" |–—-(").rstrip()
    assert labelled_credit_start(line, whole_line) is None


def test_a_credit_is_still_stripped_after_its_colon():
    assert clean_body("The minister spoke in Vellora.\nPhoto: Orla Brenn") == "The minister spoke in Vellora."

"""Wire headlines in capitals: title case that keeps the archive's acronyms."""

from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.headlines import find_acronyms, headline_case

TEXT = [
    "OPEC ministers meet in Vienna. The US Senate said it may act. US officials and OPEC agree.",
    "He told us the GATT talks may resume. As the Fed said, new rules may come.",
    "The company said it may sell shares as prices rise. They may have to wait.",
    "PRICE TABLE\nMAY 5 AS OF TODAY NEW HIGHS",  # a line in capitals is no evidence
]


def test_acronyms_are_words_the_text_writes_in_capitals_about_as_often_as_in_lower_case():
    acronyms = find_acronyms(TEXT * 2, ["IBM Corp", "Norsk Hydro AS", "NEW YORK"])
    assert {"OPEC", "US", "GATT", "IBM"} <= acronyms
    assert not acronyms & {"MAY", "AS", "NEW", "IT", "THE", "HAVE", "YORK", "TABLE"}


def test_headline_case_keeps_acronyms_dots_digits_and_tickers():
    acronyms = frozenset({"OPEC", "US", "EC"})
    assert headline_case("OPEC MAY HAVE TO CUT OUTPUT", acronyms) == "OPEC May Have To Cut Output"
    assert headline_case("US SENATE PASSES TRADE BILL", acronyms) == "US Senate Passes Trade Bill"
    assert headline_case("U.S. WHEAT EXPORTS RISE", acronyms) == "U.S. Wheat Exports Rise"
    assert headline_case("NCR CORP <NCR> 4TH QTR NET", acronyms) == "Ncr Corp <NCR> 4th Qtr Net"
    assert headline_case("EC-US TALKS ON MID-EAST (OPEC)", acronyms) == "EC-US Talks On Mid-East (OPEC)"
    assert headline_case("REAGAN'S BUDGET PLAN FAILS", acronyms) == "Reagan's Budget Plan Fails"
    # words without letters (&, --, 1987, 'N') pass through
    assert (
        headline_case("SMITH & WESSON -- 1987 SALES 'N' ''", acronyms)
        == "Smith & Wesson -- 1987 Sales 'N' ''"
    )


def test_headline_case_leaves_other_titles_alone():
    assert headline_case("BAHIA COCOA REVIEW") == "Bahia Cocoa Review"
    assert headline_case("Ferry strike ends with pay deal", {"FERRY"}) == "Ferry strike ends with pay deal"
    assert headline_case("IBM") == "IBM"  # too short to be a shouted headline


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ABCOPEUS -/&'\".,()<>0123456789ÉÜ"), max_size=60))
def test_any_title_in_capitals_gets_a_headline(title):
    result = headline_case(title, frozenset({"OPEC", "US"}))
    assert result.lower() == " ".join(title.split()).lower() or result == title


TITLE_PIECES = [
    "U.S.",
    "JAPAN",
    "THE",
    "NETHERLANDS",
    "ST",
    "LUCIA",
    "SOUTH",
    "KOREA",
    "NEW",
    "ZEALAND",
    "OIL",
    "SAYS",
    "Ivory",
    "Coast",
    "U.K.",
    "West",
    "Germany",
    "Calif.",
    "USSR",
    "GUINEA-BISSAU",
]


@settings(deadline=None)  # the first example loads the gazetteer
@given(st.lists(st.sampled_from(TITLE_PIECES), max_size=8).map(" ".join))
def test_headline_countries_are_those_every_run_of_words_gives(title):
    """Runs of words with a word in no country's name are not looked up: the countries found are those
    looking up every run of one to three words finds."""
    import re

    from index.entities import headline_countries
    from index.places import gazetteer

    places = gazetteer()
    words = re.findall(r"[A-Za-z][A-Za-z.'-]*", title)
    every_run = set()
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            place = places.resolve(" ".join(words[i : i + size]), alternates=False)
            if place is not None and place.country is not None and places.is_country(place):
                every_run.add(place.country)
    assert headline_countries(title, places) == every_run

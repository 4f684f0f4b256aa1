from index.clean import (
    clean_body,
    drop_repeated_paragraphs,
    find_dateline,
    is_call_to_action,
    is_teaser,
    learn_recurring_lines,
    normalize_whitespace,
    place_from_dateline_field,
    remove_control_characters,
    strip_credit,
)


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
    assert is_teaser("More from World")
    assert is_teaser("More follows…")
    assert not is_teaser("More than 300 people were evacuated.")


def test_repeated_body_is_kept_once():
    lines = ["The first paragraph has words.", "The second paragraph has words.", "Short",
             "The first paragraph has words.", "The second paragraph has words."]
    assert drop_repeated_paragraphs(lines) == lines[:3]


def test_recurring_lines_are_learnt_per_source():
    bodies = [f"Story number {i} about grain.\n Reuter" for i in range(40)] + ["Reuter is a name here"]
    learned = learn_recurring_lines(bodies)
    assert "reuter" in learned
    assert not any("grain" in line for line in learned)


def test_clean_body_removes_boilerplate_title_repeat_and_duplicates():
    body = ("Donald Trump's adviser said things in Moscow today.\nMore from World\nA second paragraph of news here.\n"
            "Donald Trump's adviser said things in Moscow today.\nJoin our Telegram channel for updates.\n Reuter\n\x03")
    cleaned = clean_body(body, title="The headline of it", recurring={"reuter"})
    assert cleaned == "Donald Trump's adviser said things in Moscow today.\nA second paragraph of news here."


def test_dateline_found_after_a_caption():
    body = "A caption line.\n\nMOSCOW (REUTERS) - US President Donald Trump said..."
    dateline = find_dateline(body)
    assert dateline.place == "MOSCOW" and dateline.agency == "REUTERS"
    assert body[dateline.start:dateline.end].startswith("MOSCOW (REUTERS) -")
    assert find_dateline("NOTE: this is not a dateline") is None
    assert place_from_dateline_field("SALVADOR, Feb 26") == "SALVADOR"
    assert place_from_dateline_field("") is None


def test_hard_wrapped_newswire_is_reflowed_into_paragraphs():
    body = ("Showers continued throughout the week in\nthe Bahia cocoa zone, alleviating the drought since early\n"
            "January and improving prospects for the coming temporao,\nalthough normal humidity levels have not "
            "been restored,\nComissaria Smith said in its weekly review.\n    The dry period means the temporao "
            "will be late this year.\n    Arrivals for the week ended February 22 were 155,221 bags\nof 60 kilos.\n"
            " M-1.......... 738.5   737.2\n Reuter\n")
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

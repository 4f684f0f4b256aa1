"""A person's clicks through the site, in Debian's Chromium driven by Playwright, against a real server."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .searcher_cli import served_in_this_process

pytestmark = pytest.mark.browser

SCREENSHOTS = (
    Path(os.environ.get("SEARCHER_SCREENSHOTS", "")) if os.environ.get("SEARCHER_SCREENSHOTS") else None
)


@pytest.fixture(scope="module")
def server(sample_index):
    with served_in_this_process(sample_index) as base:
        yield base


def snap(page, name):
    if SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def total(page) -> int:
    return int(
        re.search(r"([\d,]+) articles?", page.locator(".summary p").inner_text()).group(1).replace(",", "")
    )


def facet_count(page, facet, value) -> int:
    item = page.locator(
        f'ul.facet-values[data-facet="{facet}"] li', has=page.get_by_role("link", name=value, exact=True)
    )
    return int(item.locator(".count").first.inner_text())


def test_search_facets_chips_dates_pages_and_article(page, server):
    page.goto(server + "/")
    assert total(page) == 33
    snap(page, "1-browse")

    page.get_by_label("Search articles").fill("strike")
    page.get_by_role("button", name="Search").click()
    strike_total = total(page)
    assert strike_total >= 4
    assert page.locator(".hit mark").count() > 0

    vallo_before = facet_count(page, "person", "Henrik Vallo")
    page.locator('ul.facet-values[data-facet="person"]').get_by_role(
        "link", name="Henrik Vallo", exact=True
    ).click()
    assert total(page) == vallo_before  # exactly the articles the facet counted (all 4 strike stories here)
    assert "person=Henrik+Vallo" in page.url
    assert page.locator(".chip", has_text="Henrik Vallo").count() == 1
    # a second person from the same facet widens the results (OR)
    lindqvist = page.locator('ul.facet-values[data-facet="person"]').get_by_role(
        "link", name="Mara Lindqvist", exact=True
    )
    lindqvist.click()
    both = total(page)
    assert both >= vallo_before
    assert page.locator(".chip").count() == 2
    snap(page, "2-two-people")

    # exclude a place, then remove that chip again
    place_link = page.locator('ul.facet-values[data-facet="place"] li').first
    excluded_name = place_link.locator("a.value").inner_text().split("\n")[0].strip()
    place_link.locator("a.exclude").click()
    page.wait_for_load_state()
    assert page.locator(".chip-not").count() == 1
    assert total(page) < both
    page.get_by_role("link", name=re.compile("Remove exclusion")).click()
    page.wait_for_load_state()
    assert total(page) == both and page.locator(".chip-not").count() == 0
    assert excluded_name

    # clear, then narrow by a date bar
    page.goto(server + "/")
    page.locator(".histogram a").first.click()
    assert "from=" in page.url and 0 < total(page) < 33
    assert page.locator(".chip", has_text="Published").count() == 1
    snap(page, "3-date-bar")

    # pages
    page.goto(server + "/?per_page=10")
    page.get_by_role("link", name="Next →").click()
    page.wait_for_load_state()
    assert "page=2" in page.url and page.locator(".pages", has_text="Page 2 of 4").count() == 1

    # follow a hit to its article, then an entity link from there
    page.goto(server + "/?q=ferry+strike+ends")
    page.locator(".hit h3 a").first.click()
    page.wait_for_load_state()
    assert page.locator("article.article h1").inner_text() == "Ferry strike ends with pay deal"
    assert page.locator(".mention-person").count() > 0
    snap(page, "4-article")
    page.locator(".mention-person", has_text="Henrik Vallo").first.click()
    assert page.url.endswith("/person/Henrik%20Vallo")
    assert page.locator("article.entity h1").inner_text() == "Henrik Vallo"
    snap(page, "5-entity")
    page.get_by_role("link", name="Search these articles").click()
    assert "person=Henrik+Vallo" in page.url and total(page) == 4


# Every kind of page the site serves, as paths on the sample index ({article} is filled in).
PAGE_TYPES = {
    "browse": "/",
    "search": "/?q=ferry+strike",
    "filtered": "/?q=ferry&person=Henrik+Vallo&not_place=Tallinn&from=2024-01&to=2024-12",
    "found": "/?place_filter=alc",
    "no-hits": "/?q=zzzzqqq",
    "past-the-end": "/?q=ferry&page=99",
    "bad-date": "/?q=ferry&from=03/01/2024",
    "article": "/article/{article}",
    "not-found": "/article/no-such-article",
    "person": "/person/Mara%20Lindqvist",
    "organization": "/org/Meridian%20Bank",
    "place": "/place/Nairobi",
    "wildcards-refused": "/?q=oil*+gas*+ship*+port*+strike*",
    "bad-parameter": "/?q=ferry&per_page=lots",
}

# Elements whose text is wider than their box, and elements reaching out of the window: what a column
# squeezed to a sliver (the article page's 58 px text at 390 px) or a page wider than the phone looks like.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push("page is " + document.documentElement.scrollWidth + " px wide in a " + width + " px window");
  }
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".visually-hidden, .skip, [hidden], details:not([open]) > :not(summary)")) { continue; }
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") { continue; }
    const hasText = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    const name = el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : "");
    if (box.width > 0 && (box.right > width + 1 || box.left < -1)) {
      problems.push(name + " reaches out of the window (" + Math.round(box.left) + " to " + Math.round(box.right) + ")");
    }
    if (hasText && style.display !== "inline" && el.scrollWidth > el.clientWidth + 1) {
      problems.push(name + " holds text " + el.scrollWidth + " px wide in " + el.clientWidth + " px: " + el.textContent.trim().slice(0, 40));
    }
  }
  return problems;
}"""


def page_urls(server) -> dict[str, str]:
    import json
    from urllib.parse import quote
    from urllib.request import urlopen

    with urlopen(server + "/api/search?q=ferry+strike+ends") as response:
        article = json.load(response)["hits"][0]["id"]
    return {name: server + path.format(article=quote(article, safe="")) for name, path in PAGE_TYPES.items()}


@pytest.mark.parametrize("width", [390, 1280])
def test_every_page_fits_the_screen(browser, server, width):
    """Each page type at phone and desktop width: no sideways scrolling, no text wider than its box, and
    the text column of an article and of the results at least most of a phone's width."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for name, url in page_urls(server).items():
        page.goto(url)
        snap(page, f"width-{width}-{name}")
        assert page.evaluate(LAYOUT_PROBLEMS) == [], name
        for column in (".article .body", ".results"):
            if page.locator(column).count():
                assert page.locator(column).bounding_box()["width"] >= min(width, 1000) * 0.6, (name, column)
    context.close()
    assert not errors, errors


def test_results_come_first_in_tab_order(browser, server):
    """From the top of a search page, a few Tabs reach the first result (the filters come after the
    results); on a phone a "Filters" link near the top jumps to them."""
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        page.goto(server + "/?q=ferry")
        first_result = page.locator(".hit h3 a").first.get_attribute("href")
        for presses in range(1, 13):  # noqa: B007 - read after the loop: how many it took
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('href')") == first_result:
                break
        else:
            raise AssertionError(f"the first result is not among the first 12 Tab stops at {width} px")
        assert presses <= 8, presses
        page.goto(server + "/?q=ferry")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")  # the skip link moved past the search box: into the results
        assert page.evaluate("document.activeElement.closest('#results') !== null")
        filters = page.get_by_role("link", name="Filters", exact=True)
        if width < 820:
            assert filters.bounding_box()["y"] < 250
            filters.click()
            assert page.evaluate("document.activeElement.id") == "filters"
            assert (
                page.locator("#filters").bounding_box()["y"] > page.locator(".hit").last.bounding_box()["y"]
            )
        else:
            assert not filters.is_visible()
        context.close()


def value_names(section) -> list[str]:
    """The facet values listed in a facet's section, read from their links (place links also show the
    country)."""
    from urllib.parse import parse_qsl, urlsplit

    names = []
    for href in section.locator("ul.facet-values > li > a.value").evaluate_all(
        "links => links.map(a => a.href)"
    ):
        names += [value for key, value in parse_qsl(urlsplit(href).query) if key in FACET_KEYS]
    return names


FACET_KEYS = ("person", "place", "country", "org", "mentioned")


def test_typing_in_every_facet_box_finds_values_on_the_server(page, server):
    """Each box lists the values, of all the facet's values, that a word begins with the letters typed
    (case and accents ignored), typed letter by letter; the page fixture fails the test on any script
    error."""
    from searcher.facet_filter import finds

    page.goto(server + "/")
    ids = page.locator("form.facet-filter input[type=search]").evaluate_all("boxes => boxes.map(b => b.id)")
    assert len(ids) >= 3  # people, places and countries have more than 10 values in the samples
    for box_id in ids:
        box = page.locator(f"#{box_id}")
        section = page.locator("section.facet", has=box)
        before = value_names(section)
        target = before[-1]  # the last value, inside "Show all"
        needle = target[:4].strip().upper()
        box.press_sequentially(needle, delay=30)
        expect(section.locator(".found-note")).to_contain_text(f"“{needle}”")
        shown = value_names(section)
        assert target in shown and len(shown) < len(before), (needle, shown)
        assert all(finds(needle, name) for name in shown), (needle, shown)
        assert section.locator("ul.facet-values > li:visible").count() == len(shown)
        box.fill("")
        box.dispatch_event("input")
        expect(section.locator(".found-note")).to_have_count(0)
        assert value_names(section) == before

    places = page.locator("section.facet", has=page.locator("#filter-place"))
    page.locator("#filter-place").press_sequentially("alcant", delay=30)
    expect(places.locator(".found-note")).to_contain_text("1 matching")
    assert value_names(places) == ["Alcântara"]
    places.locator("a.value", has_text="Alcântara").click()
    assert "place=Alc%C3%A2ntara" in page.url and "place_filter" not in page.url
    snap(page, "6-found-place")


def test_facet_boxes_work_without_the_script(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/?q=")
    page.locator("#filter-person").fill("LINDQ")
    page.locator("#filter-person").press("Enter")
    page.wait_for_url(re.compile("person_filter=LINDQ"))
    page.wait_for_load_state()  # the URL changes before the new page is parsed
    assert value_names(page.locator("section.facet", has=page.locator("#filter-person"))) == [
        "Mara Lindqvist"
    ]
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_no_accessibility_violations_on_any_page(browser, server, width):
    """axe-core (WCAG 2 A and AA rules: contrast, names, landmarks...) over every page type, with a
    facet's Find box in use. bypass_csp lets the test inject axe under the pages' Content-Security-Policy."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport={"width": width, "height": 844}, bypass_csp=True)
    page = context.new_page()
    found = {}
    for name, url in page_urls(server).items():
        page.goto(url)
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}}
        )
        found[name] = [
            f"{v['id']}: {v['help']} — " + "; ".join(node["target"][0] for node in v["nodes"][:3])
            for v in results.response["violations"]
        ]
    context.close()
    report = [f"{name}: {problem}" for name, problems in found.items() for problem in problems]
    assert not report, "\n".join(report)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two "rgb(r, g, b)" colours."""

    def luminance(colour):
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted([luminance(first), luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_exclude_signs_and_date_bars_stand_out_at_rest(page, server):
    """axe does not see a faded sign or a bar's colour: the exclude "−" must read at 4.5:1 without a
    hover (touch screens have none) and the histogram bars at 3:1 against the white box."""
    page.goto(server + "/")
    sign = page.locator("a.exclude").first.evaluate(
        "a => [getComputedStyle(a).color, getComputedStyle(a).opacity]"
    )
    assert float(sign[1]) == 1 and contrast(sign[0], "rgb(255, 255, 255)") >= 4.5
    bar = page.locator(".histogram .bar").first.evaluate("b => getComputedStyle(b).backgroundColor")
    assert contrast(bar, "rgb(255, 255, 255)") >= 3


def test_back_to_results_from_an_article_keeps_the_search(page, server):
    search = server + "/?q=ferry&person=Henrik+Vallo&sort=newest"
    page.goto(search)
    second_title = page.locator(".hit h3 a").nth(1).inner_text()
    page.locator(".hit h3 a").nth(1).click()
    assert page.locator("article.article h1").inner_text() == second_title
    page.get_by_role("link", name="← Back to results").click()
    page.wait_for_url(search)  # the URL changes before the page has loaded: wait for its chips
    expect(page.locator(".chip", has_text="Henrik Vallo")).to_have_count(1)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_date_bar_shows_its_period_and_count_when_focused_or_pointed_at(browser, server, width):
    """A title tooltip never shows to a keyboard or on a phone: a bar's period and count show above the
    chart, inside the window, on the search page and on an entity page's timeline."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    for url, says in (
        ("/", r"^2024-\d\d: \d+ (story|stories|article|articles)$"),
        ("/person/Mara%20Lindqvist", r"^2024-\d\d: \d+ articles?$"),
    ):
        page.goto(server + url)
        bars = page.locator(".histogram a")
        for n in (0, bars.count() - 1):  # the first and the last: neither may leave the window
            bars.nth(n).focus()
            tip = bars.nth(n).locator(".tip")
            box = tip.bounding_box()
            assert box["width"] > 60 and box["height"] >= 16, (url, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (url, box)
            assert re.match(says, tip.inner_text()), tip.inner_text()
        page.locator(".histogram").scroll_into_view_if_needed()
        bars.nth(1).hover()
        assert bars.nth(1).locator(".tip").bounding_box()["width"] > 60
        page.locator("h1, .summary").first.hover()
        assert bars.nth(1).locator(".tip").bounding_box()["width"] <= 1  # hidden again, still read aloud
    context.close()


def test_an_entity_s_months_without_articles_are_no_bars(page, server):
    """A month that names the entity in no article is an empty slot with its own label, not a thin bar
    linking to an empty search."""
    import json
    from urllib.request import urlopen

    with urlopen(server + "/api/entities/person/Mara%20Lindqvist") as response:
        months = json.load(response)["timeline"]
    empty = [m["value"] for m in months if not m["count"]]
    assert empty, "the sample person has months without articles"
    page.goto(server + "/person/Mara%20Lindqvist")
    slots = page.locator(".timeline .histogram > li")
    assert slots.count() == len(months)
    assert page.locator(".timeline .histogram a").count() == len(months) - len(empty)
    for n, month in enumerate(months):
        if not month["count"]:
            assert slots.nth(n).locator("a").count() == 0
            assert slots.nth(n).inner_text().strip() == f"{month['value']}: no articles"


def test_error_pages_offer_a_way_on_that_works(browser, server, tmp_path):
    """A bad parameter links to the search without it; with no index there is no "Back to search" that
    only shows the same page again, and the command to run reads as code. (Not the ``page`` fixture:
    these pages answer 400 and 503 on purpose.)"""
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "/?q=ferry&per_page=lots")
    assert "“per_page” is not valid" in page.locator(".message").inner_text()
    page.get_by_role("link", name="Search without it").click()
    page.wait_for_load_state()
    assert "per_page" not in page.url and "q=ferry" in page.url
    assert page.locator(".hit").count() > 0

    with served_in_this_process(tmp_path) as empty:
        page.goto(f"{empty}/?q=oil")
        message = page.locator(".message")
        assert message.locator("h1").inner_text() == "No index yet"
        assert message.get_by_role("link", name="Back to search").count() == 0
        assert message.locator("code", has_text="searcher index rebuild PATH...").count() == 1
        assert message.locator("p").first.inner_text().startswith("No index at ")
    context.close()


def test_a_refused_wildcard_is_explained_above_the_results(page, server):
    page.goto(server + "/?q=oil*+gas*+ship*+port*+strike*")
    notice = page.locator(".query-notice")
    expect(notice).to_be_visible()
    assert notice.inner_text().startswith("The query has 5 wildcards (oil*, gas*, ship*, port*, strike*)")
    if page.locator(".empty").count():
        assert "Try fewer words" not in page.locator(".empty").inner_text()


def test_a_hit_s_tag_says_whether_its_click_narrows_or_widens_the_results(page, server):
    """F8: under "any of", a person tag on a hit of a person's search adds that person's articles, and
    its title says so (it said "Narrow the results to …"); under "all of" it narrows, and says that."""
    page.goto(server + "/?person=Henrik+Vallo")
    vallo = total(page)
    tag = page.locator(".hit a.tag-person").filter(has_not_text="Henrik Vallo").first
    other = tag.inner_text().strip()
    item = page.locator(
        'ul.facet-values[data-facet="person"] li', has=page.get_by_role("link", name=other, exact=True)
    )
    adds = int(re.search(r"\+(\d+)", item.locator(".count.adds").first.inner_text()).group(1))
    expect(tag).to_have_attribute("title", f"Add {other}: results with any of Henrik Vallo or {other}")
    tag.click()
    page.wait_for_load_state()
    assert total(page) == vallo + adds > vallo

    page.goto(server + "/?person=Henrik+Vallo&all=person")
    tag = page.locator(".hit a.tag-person", has_text=other).first
    expect(tag).to_have_attribute("title", f"Narrow the results to {other}")
    tag.click()
    page.wait_for_load_state()
    assert total(page) <= vallo

"""A person's clicks through the site, in Debian's Chromium driven by Playwright, against a real server."""

import os
import re
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("SEARCHER_SCREENSHOTS", "")) if os.environ.get("SEARCHER_SCREENSHOTS") else None


@pytest.fixture(scope="module")
def server(sample_index):
    import waitress

    from searcher import create_app

    app = create_app({"INDEX_DIR": str(sample_index)})
    wsgi = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{wsgi.effective_port}"
    wsgi.close()


def snap(page, name):
    if SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def total(page) -> int:
    return int(re.search(r"([\d,]+) articles?", page.locator(".summary p").inner_text()).group(1).replace(",", ""))


def facet_count(page, facet, value) -> int:
    item = page.locator(f'ul.facet-values[data-facet="{facet}"] li', has=page.get_by_role("link", name=value, exact=True))
    return int(item.locator(".count").first.inner_text())


def test_search_facets_chips_dates_pages_and_article(page, server):
    page.goto(server + "/")
    assert total(page) == 31
    snap(page, "1-browse")

    page.get_by_label("Search articles").fill("strike")
    page.get_by_role("button", name="Search").click()
    strike_total = total(page)
    assert strike_total >= 4
    assert page.locator(".hit mark").count() > 0

    vallo_before = facet_count(page, "person", "Henrik Vallo")
    page.locator('ul.facet-values[data-facet="person"]').get_by_role("link", name="Henrik Vallo", exact=True).click()
    assert total(page) == vallo_before  # exactly the articles the facet counted (all 4 strike stories here)
    assert "person=Henrik+Vallo" in page.url
    assert page.locator(".chip", has_text="Henrik Vallo").count() == 1
    # a second person from the same facet widens the results (OR)
    lindqvist = page.locator('ul.facet-values[data-facet="person"]').get_by_role("link", name="Mara Lindqvist", exact=True)
    lindqvist.click()
    both = total(page)
    assert both >= vallo_before
    assert page.locator(".chip").count() == 2
    snap(page, "2-two-people")

    # exclude a place, then remove that chip again
    place_link = page.locator('ul.facet-values[data-facet="place"] li').first
    excluded_name = place_link.locator("a.value").inner_text().split("\n")[0].strip()
    place_link.locator("a.exclude").click()
    assert page.locator(".chip-not").count() == 1
    assert total(page) < both
    page.get_by_role("link", name=re.compile("Remove exclusion")).click()
    assert total(page) == both and page.locator(".chip-not").count() == 0
    assert excluded_name

    # clear, then narrow by a date bar
    page.goto(server + "/")
    page.locator(".histogram a").first.click()
    assert "from=" in page.url and 0 < total(page) < 31
    assert page.locator(".chip", has_text="Published").count() == 1
    snap(page, "3-date-bar")

    # pages
    page.goto(server + "/?per_page=10")
    page.get_by_role("link", name="Next →").click()
    assert "page=2" in page.url and page.locator(".pages", has_text="Page 2 of 4").count() == 1

    # follow a hit to its article, then an entity link from there
    page.goto(server + "/?q=ferry+strike+ends")
    page.locator(".hit h3 a").first.click()
    assert page.locator("article.article h1").inner_text() == "Ferry strike ends with pay deal"
    assert page.locator(".mention-person").count() > 0
    snap(page, "4-article")
    page.locator(".mention-person", has_text="Henrik Vallo").first.click()
    assert "person=Henrik+Vallo" in page.url and total(page) == 4


def test_phone_width_and_keyboard(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "/?q=bus")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to results"
    snap(page, "5-phone")
    context.close()

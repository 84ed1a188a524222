"""The public pages in a real browser: navigation, keyboard, accessibility, HTML validity."""

import re
from urllib.parse import urlsplit

import pytest
from django.template import loader
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE

# The live server answers in a thread of this process, so it shares the tests' clock: it
# starts at tests/clock.py's instant and runs on, as in a browser session. Chromium keeps
# the real clock (another process); no page reads it.
pytestmark = [pytest.mark.browser, pytest.mark.ticking_clock]

PAGES = {
    "home": "/",
    "treatments": "/treatments/",
    "microneedling": "/treatments/microneedling/",
    "contact": "/contact/",
    "privacy": "/privacy/",
    "not-found": "/no-such-page/",
    # A control character in the query string: the kind 400 page.
    "bad-address": "/treatments/?ref=%00",
    # The same in Spanish, the site's first language (README, "Languages").
    "home-es": "/es/",
    "treatments-es": "/es/treatments/",
    "microneedling-es": "/es/treatments/microneedling/",
    "contact-es": "/es/contact/",
    "privacy-es": "/es/privacy/",
    "not-found-es": "/es/no-such-page/",
    "bad-address-es": "/es/treatments/?ref=%00",
}
EXPECTED_STATUS = {
    PAGES["not-found"]: 404,
    PAGES["bad-address"]: 400,
    PAGES["not-found-es"]: 404,
    PAGES["bad-address-es"]: 400,
}


def _open(page, path: str):
    response = page.goto(path)
    assert response is not None
    expected = EXPECTED_STATUS.get(path, 200)
    assert response.status == expected, f"{path} answered {response.status}"
    return response


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    assert box is not None
    height = page.evaluate("window.innerHeight")
    return box["y"] >= -1 and box["y"] < height


def test_home_to_treatment_and_table_of_contents(page, live_server, screenshot):
    _open(page, "/")
    expect(page.locator("h1")).to_have_count(1)
    screenshot(page, "home")
    page.get_by_role("main").get_by_role("link", name="Microneedling").first.click()
    expect(page).to_have_url(re.compile(r"/treatments/microneedling/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Microneedling")
    screenshot(page, "microneedling")

    toc = page.get_by_role("navigation", name="On this page")
    links = toc.get_by_role("link")
    assert links.count() >= 7, "the table of contents lists every section"
    target = links.nth(4)
    href = target.get_attribute("href")
    assert href and href.startswith("#")
    target.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    heading = page.locator(f"{href} h2")
    expect(heading).to_be_visible()
    page.wait_for_function(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }",
        arg=heading.element_handle(),
    )
    assert _in_viewport(page, heading)


def test_skip_link_is_first_and_moves_focus_to_main(page, live_server):
    _open(page, "/treatments/microneedling/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className, text: document.activeElement.textContent})"
    )
    assert "skip-link" in focused["cls"], f"first Tab stop is {focused}"
    skip = page.locator(".skip-link")
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')")


def test_axe_finds_no_violations(page, live_server, axe_check, screenshot):
    failures = []
    for name, path in PAGES.items():
        _open(page, path)
        screenshot(page, name)
        try:
            axe_check(page)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n\n".join(failures)
    # And axe really looks: a nameless link is reported.
    page.set_content('<!DOCTYPE html><html lang="en"><title>x</title><main><a href="/"></a></main>')
    with pytest.raises(AssertionError, match="link-name"):
        axe_check(page)


def test_pages_are_valid_html(new_page, live_server, html_errors):
    page = new_page()
    documents = {name: _open(page, path).text() for name, path in PAGES.items()}
    # The 500 page cannot be reached on purpose; render it as Django's handler does.
    documents["server-error"] = loader.get_template("500.html").render()
    # A known-bad document in the same run proves the checker really looks.
    documents["canary"] = '<!DOCTYPE html><html lang="en"><title>x</title><p><div></p>'
    errors = html_errors(documents)
    assert any(error.startswith("canary ") for error in errors), errors
    errors = [error for error in errors if not error.startswith("canary ")]
    assert not errors, "Nu HTML checker errors:\n" + "\n".join(errors)


def test_treatment_page_is_readable_without_javascript(new_page, live_server, clinic_content):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    _open(page, "/treatments/microneedling/")
    sections = page.locator("section.treatment-section")
    assert sections.count() >= 8  # seven sections plus "who should not" and FAQs
    for section in clinic_content.sections.all():
        expect(page.get_by_role("heading", name=section.title, exact=True)).to_be_visible()
    faq = clinic_content.faqs.first()
    summary = page.locator("summary", has_text=faq.question)
    expect(summary).to_be_visible()
    summary.click()  # <details> opens without any script
    answer = page.locator("details[open] .faq-answer").first
    expect(answer).to_be_visible()
    expect(page.get_by_role("link", name="Book this treatment")).to_be_visible()


def test_no_request_leaves_the_site(new_page, live_server):
    page = new_page(viewport=DESKTOP)
    for path in PAGES.values():
        _open(page, path)
        page.wait_for_load_state("networkidle")
    server = urlsplit(live_server.url).netloc
    foreign = sorted(
        {
            url
            for url in page.seen_requests
            if not url.startswith("data:") and urlsplit(url).netloc != server
        }
    )
    assert not foreign, f"requests to other hosts: {foreign}"
    assert len(page.seen_requests) > len(PAGES), "requests were recorded"


def test_no_horizontal_scroll_at_320px(new_page, live_server, screenshot):
    page = new_page(viewport={"width": 320, "height": 640})
    too_wide = {}
    for name, path in PAGES.items():
        _open(page, path)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > 320:
            screenshot(page, f"overflow-{name}")
            too_wide[path] = width
    assert not too_wide, f"pages that scroll sideways at 320 px (their width): {too_wide}"

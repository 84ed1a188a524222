"""The privacy notice in a real browser: read from the consent without losing what the
patient typed, the version agreed to recorded, and the page as a phone shows it."""

import re

import pytest
from playwright.sync_api import expect

from booking.models import Appointment, ConsentKind
from clinic.models import PrivacyNotice
from tests.browser.conftest import PHONE
from tests.browser.test_booking import _continue, _fill_details, _to_time

pytestmark = [pytest.mark.browser, pytest.mark.ticking_clock]


def test_reading_the_notice_from_the_consent_keeps_what_was_typed(
    new_page, live_server, screenshot
):
    page = new_page(viewport=PHONE)
    _to_time(page)
    page.locator("form.time-picker button[name=start]").first.click()
    expect(page).to_have_url(re.compile(r"/book/details/$"))
    _fill_details(page)

    with page.context.expect_page() as opened:
        page.get_by_role("link", name=re.compile(r"^privacy notice")).click()
    notice = opened.value
    notice.wait_for_load_state()

    expect(notice).to_have_url(re.compile(r"/privacy/v/1/$"))
    expect(notice.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    expect(notice.get_by_role("heading", name="Who is responsible for your data")).to_be_visible()
    # The booking tab is as the patient left it.
    expect(page.get_by_label("Full name")).to_have_value("Ana Paciente")
    expect(page.locator("#id_consent_privacy")).to_be_checked()
    _continue(page)
    expect(page).to_have_url(re.compile(r"/book/review/$"))
    consent = Appointment.objects.get().consents.get(kind=ConsentKind.PRIVACY)
    assert consent.privacy_notice == PrivacyNotice.objects.current()
    assert consent.privacy_notice.version == 1


def test_the_notice_on_a_phone(new_page, live_server, screenshot):
    page = new_page(viewport=PHONE)
    page.goto("/privacy/")

    expect(
        page.get_by_role(
            "heading", level=2, name="Your rights: access, rectification, cancellation, opposition"
        )
    ).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    screenshot(page, "privacy")

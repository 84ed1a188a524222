"""The front desk's calendar in a real browser, as Reception: one click from the back
office's home to today's visits, keyboard only, 0 axe violations, valid HTML, no health data;
and a closure over a visit asks first."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django_otp.oath import totp
from playwright.sync_api import expect

from booking.models import Status
from tests.browser.conftest import DESKTOP
from tests.factories import TIJUANA, AppointmentFactory, PractitionerFactory, TOTPDeviceFactory

pytestmark = [pytest.mark.browser, pytest.mark.ticking_clock]

PASSWORD = "a-long-reception-passphrase-42"
TODAY = dt.date(2027, 1, 4)  # tests/clock.py: Monday, 08:40 in Tijuana
SECRET = "Stop ibuprofen PANGOLIN-9 three days before."


@pytest.fixture
def receptionist(clinic_content, django_user_model):
    """A receptionist (the migration's group; the test database flush removes groups)."""
    if not Group.objects.filter(name="Reception").exists():
        migration = importlib.import_module("booking.migrations.0005_staff_groups")
        migration.create_groups(django_apps, None)
    user = django_user_model.objects.create_user(username="desk", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Reception"))
    return user, TOTPDeviceFactory(user=user)


@pytest.fixture
def desk_day(clinic_content):
    """Two practitioners (with the content's own), today: a confirmed visit, a request, a
    completed one and a hold, each a two-hour microneedling visit."""
    ana = PractitionerFactory(name="Dr. Ana Ruiz", treatments=[clinic_content], position=0)
    luis = PractitionerFactory(name="Dr. Luis Mora", treatments=[clinic_content], position=1)

    def visit(practitioner, hour, **fields):
        return AppointmentFactory(
            treatment=clinic_content,
            practitioner=practitioner,
            starts_at=dt.datetime.combine(TODAY, dt.time(hour), tzinfo=TIJUANA),
            instructions=SECRET,
            patient_phone="+52 664 555 0101",
            **fields,
        )

    return {
        "confirmed": visit(ana, 10, patient_name="Jane Doe"),
        "requested": visit(ana, 15, patient_name="Rosa Díaz", status=Status.REQUESTED),
        "completed": visit(luis, 9, patient_name="Tom Lee", status=Status.COMPLETED),
        "held": visit(luis, 11, patient_name="", held=True),
        "ana": ana,
    }


def sign_in(page, user, device) -> None:
    page.goto("/admin/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.locator("#id_otp_token").fill(f"{code:0{device.digits}d}")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_reception_finds_todays_visits_by_keyboard_and_the_page_is_clean(
    new_page, receptionist, desk_day, clinic_content, axe_check, html_errors, screenshot
):
    page = new_page(viewport=DESKTOP)
    sign_in(page, *receptionist)
    pages = {}

    # One click from the home page.
    page.get_by_role("link", name="Today’s calendar").click()
    expect(page).to_have_url(re.compile(r"/admin/booking/appointment/calendar/"))
    expect(page.locator(".desk-table caption")).to_contain_text("Monday 4 January 2027")
    expect(page.get_by_role("columnheader", name="Dr. Ana Ruiz")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Dr. Luis Mora")).to_be_visible()
    visit = page.get_by_role(
        "link", name=re.compile(r"^10:00–12:00 Jane Doe Microneedling Confirmed$")
    )
    expect(visit).to_be_visible()
    expect(
        page.get_by_role(
            "link", name=re.compile(r"^15:00–17:00 Rosa Díaz Microneedling Requested$")
        )
    ).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile(r"^09:00–11:00 Tom Lee Microneedling Completed$"))
    ).to_be_visible()
    expect(
        page.get_by_role(
            "link", name=re.compile(r"^11:00–13:00 \(no name yet\) Microneedling Held$")
        )
    ).to_be_visible()
    expect(page.locator(".desk-entry--now").first).to_have_text("Now 08:40")
    expect(page.locator(".desk-entry--break").first).to_contain_text("13:00–14:00 Break")
    assert "PANGOLIN" not in page.content()
    assert "ibuprofen" not in page.content()
    screenshot(page, "desk-calendar-day")
    axe_check(page)
    pages["day"] = page.content()

    # Keyboard: the visit is a link reached with Tab and opened with Enter.
    visit.focus()
    expect(visit).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        re.compile(rf"/admin/booking/appointment/{desk_day['confirmed'].pk}/change/")
    )
    page.go_back()

    # One practitioner's day.
    page.get_by_label("Practitioner").select_option(label="Dr. Ana Ruiz")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("columnheader", name="Dr. Luis Mora")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"Jane Doe"))).to_be_visible()

    # The week, then the printable day sheet.
    page.get_by_role("link", name="Week", exact=True).click()
    expect(page.get_by_role("rowheader", name="Dr. Ana Ruiz")).to_be_visible()
    screenshot(page, "desk-calendar-week")
    axe_check(page)
    pages["week"] = page.content()
    page.get_by_role("link", name="Day", exact=True).click()
    page.get_by_role("link", name="Printable day sheet").click()
    sheet = page.locator(".desk-sheet").first
    expect(sheet).to_contain_text("+52 664 555 0101")
    expect(sheet.get_by_role("cell", name="12:00", exact=True)).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".desk-filter")).to_be_hidden()
    screenshot(page, "desk-calendar-print")
    page.emulate_media(media="screen")
    axe_check(page)
    pages["print"] = page.content()
    page.get_by_role("link", name="Next day →").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Tuesday 5 January 2027")

    # A free time (past the minimum notice) starts a staff booking there, in clinic time:
    # the staff booking page's contract.
    free = page.get_by_role("link", name=re.compile(r"^09:00 — book Dr. Ana Ruiz$"))
    href = free.get_attribute("href") or ""
    ana = desk_day["ana"]
    assert href.endswith(
        f"/admin/booking/appointment/add/?treatment={clinic_content.pk}"
        f"&practitioner={ana.pk}&start=2027-01-05T09%3A00"
    )

    assert html_errors(pages) == []


def test_all_practitioners_week_fits_1280(new_page, receptionist, desk_day, screenshot):
    page = new_page(viewport=DESKTOP)
    sign_in(page, *receptionist)
    page.goto("/admin/booking/appointment/calendar/?view=week")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= DESKTOP["width"]


def test_a_closure_over_a_visit_asks_first(
    new_page, receptionist, desk_day, axe_check, html_errors, screenshot
):
    page = new_page(viewport=DESKTOP)
    sign_in(page, *receptionist)
    page.goto("/admin/booking/closure/add/")
    page.get_by_label("Practitioner").select_option(label="Dr. Ana Ruiz")
    page.locator("#id_starts_at_0").fill("2027-01-04")
    page.locator("#id_starts_at_1").fill("09:00")
    page.locator("#id_ends_at_0").fill("2027-01-04")
    page.locator("#id_ends_at_1").fill("18:00")
    page.get_by_label("Reason").fill("Training")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Visits inside this closure")
    expect(page.get_by_role("table", name="Visits inside this closure")).to_contain_text("Jane Doe")
    screenshot(page, "closure-visits-in-the-way")
    axe_check(page)
    assert html_errors(page.content()) == []

    page.get_by_label("Reason", exact=True).fill("Dr. Ruiz is away")
    page.get_by_role("button", name=re.compile("Cancel these visits")).click()
    expect(page.locator(".messagelist")).to_contain_text(
        "2 visits inside the closure were cancelled"
    )
    desk_day["confirmed"].refresh_from_db()
    assert desk_day["confirmed"].status == Status.CANCELLED

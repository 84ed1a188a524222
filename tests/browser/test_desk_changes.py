"""The front desk in a real browser, as Reception: moving a visit inside the patient's
cut-off (emailed with the new time), and cancelling with a confirmation and a reason.
axe on every page, and the Nu HTML checker on the HTML the server sent.

Clicks from the appointment list (counted below, reported in the branch's notes):
reschedule 5 (reference, Reschedule, Show free times for another day, the time, Move),
cancel 3 (reference, Cancel, Cancel the appointment), typing the reason aside.
"""

import datetime as dt
import importlib
import re
import time

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django_otp.oath import totp
from playwright.sync_api import expect

from booking.models import Appointment, AppointmentChange, Status
from tests.browser.conftest import DESKTOP
from tests.factories import (
    TIJUANA,
    AppointmentFactory,
    PractitionerFactory,
    ScreeningFactory,
    TOTPDeviceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.ticking_clock]

PASSWORD = "a-long-reception-passphrase-42"
# The clock starts on Monday 4 January 2027, 08:40 in Tijuana (tests/clock.py).
TODAY_AT_3 = dt.datetime(2027, 1, 4, 15, 0, tzinfo=TIJUANA)
WEDNESDAY_AT_10 = dt.datetime(2027, 1, 6, 10, 0, tzinfo=TIJUANA)


@pytest.fixture
def reception(clinic_content):
    """A receptionist (the migration's group; the flush removes groups) with TOTP."""
    if not Group.objects.filter(name="Reception").exists():
        migration = importlib.import_module("booking.migrations.0005_staff_groups")
        migration.create_groups(django_apps, None)
    user = get_user_model().objects.create_user("reception", "desk@clinic.example", PASSWORD)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Reception"))
    return user, TOTPDeviceFactory(user=user)


@pytest.fixture
def visits(clinic_content):
    """This afternoon's visit (inside the patient's 24-hour cut-off) and another one."""
    practitioner = PractitionerFactory(name="Dr. Elena Soto", treatments=[clinic_content])

    def visit(starts_at, name, email):
        return AppointmentFactory(
            treatment=clinic_content,
            practitioner=practitioner,
            starts_at=starts_at,
            patient_name=name,
            patient_email=email,
            patient_phone="+52 664 555 0101",
            screening=ScreeningFactory(treatment=clinic_content),
        )

    return (
        visit(TODAY_AT_3, "Lucía Campos", "lucia@example.com"),
        visit(TODAY_AT_3 + dt.timedelta(days=2, hours=1), "Marco Díaz", "marco@example.com"),
    )


class Clicks:
    """Counts the clicks of a desk task."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator) -> None:
        locator.click()
        self.count += 1


def _documents(page) -> dict[str, str]:
    page.seen_documents = {}

    def remember(response):
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            page.last_document = response

    page.on("response", remember)
    return page.seen_documents


def _log_in(page, user, device) -> None:
    page.goto("/admin/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.locator("#id_otp_token").fill(f"{code:0{device.digits}d}")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def _wait_for_outbox(count: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def test_reception_moves_a_visit_inside_the_cut_off_and_cancels_another(
    new_page, live_server, reception, visits, axe_check, html_errors, screenshot
):
    soon, later = visits
    page = new_page(viewport=DESKTOP)
    documents = _documents(page)

    def check(name: str) -> None:
        page.wait_for_load_state("load")
        screenshot(page, f"desk-changes-{name}")
        axe_check(page)
        documents[name] = page.last_document.text()

    _log_in(page, *reception)

    # Reschedule, from the appointment list.
    page.goto("/admin/booking/appointment/")
    click = Clicks()
    click(page.get_by_role("link", name=soon.reference))
    expect(page.get_by_role("heading", level=2, name=soon.reference)).to_be_visible()
    check("appointment")
    click(page.get_by_role("link", name="Reschedule"))
    expect(page.get_by_role("heading", name=f"Move appointment {soon.reference}")).to_be_visible()
    check("reschedule")
    page.get_by_label("Day with free times").select_option("2027-01-06")
    click(page.get_by_role("button", name="Show free times"))
    expect(page.get_by_role("heading", name="Free times on Wed 6 Jan 2027")).to_be_visible()
    ten_with_dr_soto = page.get_by_role("group", name="Dr. Elena Soto").get_by_label("10:00")
    click(ten_with_dr_soto)
    click(page.get_by_role("button", name="Move the appointment"))
    expect(page.locator(".errornote")).to_contain_text("Please correct")  # no reason yet
    expect(ten_with_dr_soto).to_be_checked()  # nothing lost
    check("reschedule-errors")
    page.get_by_role("textbox", name="Reason").fill("The patient phoned: her car broke down.")
    click(page.get_by_role("button", name="Move the appointment"))
    expect(page.locator(".messagelist")).to_contain_text(f"Moved {soon.reference}")
    reschedule_clicks = click.count - 1  # less the refused first try (the time was kept)
    assert reschedule_clicks == 5

    soon.refresh_from_db()
    assert soon.starts_at == WEDNESDAY_AT_10 and soon.status == Status.CONFIRMED
    change = AppointmentChange.objects.get(appointment=soon, action="rescheduled")
    assert change.by.username == "reception"
    assert change.reason == "The patient phoned: her car broke down."
    _wait_for_outbox(1)
    (email,) = [m for m in mail.outbox if "lucia@example.com" in m.to]
    assert "Wednesday 6 January 2027" in email.body and "10:00" in email.body
    assert any(name.endswith(".ics") for name, *_ in email.attachments)

    # The day calendar shows the visit at its new time.
    page.goto(f"/admin/booking/appointment/calendar/?date={WEDNESDAY_AT_10:%Y-%m-%d}")
    moved = page.get_by_role("link", name=re.compile(rf"^10:00.*{re.escape(soon.patient_name)}"))
    expect(moved).to_be_visible()
    expect(moved).to_have_attribute("href", re.compile(rf"/appointment/{soon.pk}/change/"))

    # Cancel, from the appointment list: a confirmation page that asks why.
    page.goto("/admin/booking/appointment/")
    click = Clicks()
    click(page.get_by_role("link", name=later.reference))
    click(page.get_by_role("link", name="Cancel", exact=True))
    expect(
        page.get_by_role("heading", name=f"Cancel appointment {later.reference}")
    ).to_be_visible()
    check("cancel")
    later.refresh_from_db()
    assert later.status == Status.CONFIRMED, "the page asks first"
    page.get_by_role("button", name="Cancel the appointment").click()
    expect(page.locator(".errornote")).to_be_visible()
    check("cancel-errors")
    page.get_by_role("textbox", name="Reason").fill("Dr. Soto is away that day.")
    page.get_by_label("Show this reason to the patient").check()
    click(page.get_by_role("button", name="Cancel the appointment"))
    expect(page.locator(".messagelist")).to_contain_text(f"Cancelled {later.reference}")
    assert click.count == 3

    later.refresh_from_db()
    assert later.status == Status.CANCELLED
    _wait_for_outbox(2)
    (cancelled,) = [m for m in mail.outbox if "marco@example.com" in m.to]
    assert "The clinic's reason: Dr. Soto is away that day." in cancelled.body

    errors = html_errors(documents)
    assert not errors, "\n".join(errors)
    assert Appointment.objects.filter(status=Status.CONFIRMED).count() == 1

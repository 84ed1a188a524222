"""The booking flow in a real browser: keyboard only, blocked and review paths, a clinician's
approval in the admin, the time step with and without JavaScript, and axe + vnu on every page
(error states included) at phone and desktop widths, in English and in Spanish.

Every test adds the HTML of the pages it saw to DOCUMENTS; the last test of the module runs
the Nu HTML checker once over all of them (one Java start instead of one per page).
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
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp.oath import totp
from icalendar import Calendar
from playwright.sync_api import expect

from booking.content import screening as standard_screening
from booking.models import (
    Appointment,
    PatientEmail,
    QuestionKind,
    Screening,
    ScreeningQuestion,
    Status,
)
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import TOTPDeviceFactory

# The live server answers in a thread of this process, so it shares the tests' clock: it
# starts at tests/clock.py's instant and runs on, as in a browser session. Chromium keeps
# the real clock (another process); no page reads it.
pytestmark = [pytest.mark.browser, pytest.mark.ticking_clock]

# name -> HTML as the server sent it, for the one vnu run at the end of the module.
DOCUMENTS: dict[str, str] = {}
# Pages every full run must have checked (each at both widths).
EXPECTED_PAGES = {
    "treatment",
    "screening",
    "screening-errors",
    "time",
    "time-other-day",
    "details",
    "details-errors",
    "review",
    "done",
    "manage",
    "recheck",
    "recheck-questions",
    "reschedule",
    "invalid-link",
    "blocked",
    "review-needs-review",
    "done-requested",
}
# The languages every step, error state and manage page is checked in; the Spanish pages
# are named "<page>-es" (see _page_name).
LANGUAGES = ["en", "es"]
CHECKED_IN_EVERY_LANGUAGE = EXPECTED_PAGES - {"review-needs-review", "done-requested"}
DATE_OF_BIRTH = ("23", "4", "1990")  # day, month (April), year
PASSWORD = "a-long-clinician-passphrase-42"


# --------------------------------------------------------------------------- helpers


def _t(language: str, message: str) -> str:
    """``message`` as the site writes it in ``language`` (its own catalogue)."""
    with translation.override(language):
        return gettext(message)


def _page_name(name: str, language: str) -> str:
    return name if language == "en" else f"{name}-{language}"


def _question_ids() -> dict[str, int]:
    """key in booking/content/screening.py -> id of the question the content command made."""
    by_text = dict(ScreeningQuestion.objects.values_list("text", "pk"))
    return {entry["key"]: by_text[entry["text"]] for entry in standard_screening.QUESTIONS}


def _track_documents(page) -> None:
    """Remember the last main-frame document response, to read the HTML the server sent."""
    page.last_document = None

    def remember(response):
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            page.last_document = response

    page.on("response", remember)


@pytest.fixture
def check_page(axe_check, screenshot):
    """check_page(page, name): screenshot, axe, and keep the served HTML for vnu."""

    def check(page, name: str) -> None:
        page.wait_for_load_state("load")
        width = page.viewport_size["width"]
        shot = screenshot(page, f"booking-{name}")
        axe_check(page)
        response = page.last_document
        assert response is not None, f"no document response for {name}"
        DOCUMENTS[f"{name}-{width}"] = response.text()
        shot.with_suffix(".html").write_text(DOCUMENTS[f"{name}-{width}"], encoding="utf-8")

    return check


@pytest.fixture
def booking_page(page):
    _track_documents(page)
    return page


def _start(page, language: str | None = None):
    """The first step, at the visitor's language's address or, given one, at its own."""
    prefix = f"/{language}" if language else ""
    page.goto(f"{prefix}/book/?treatment=microneedling")
    expect(page).to_have_url(re.compile(rf"{prefix}/book/treatment/"))
    if language:
        assert page.evaluate("document.documentElement.lang") == language


def _continue(page, label: str = "Continue", language: str = "en"):
    page.get_by_role("button", name=_t(language, label)).click()


def _yes_no_keys() -> list[str]:
    """The top-level yes/no questions, in page order (date questions may stay empty)."""
    return [
        entry["key"]
        for entry in standard_screening.QUESTIONS
        if not entry.get("parent") and entry.get("kind", QuestionKind.YES_NO) == QuestionKind.YES_NO
    ]


def _answer(page, yes: tuple[str, ...] = ()) -> None:
    """Fill the screening form with the mouse: every yes/no question "No" unless listed."""
    ids = _question_ids()
    _fill_date_of_birth(page)
    for key in _yes_no_keys():
        value = "yes" if key in yes else "no"
        page.locator(f'input[name="question_{ids[key]}"][value="{value}"]').check()


def _fill_date_of_birth(page) -> None:
    day, month, year = DATE_OF_BIRTH
    page.locator("#id_date_of_birth_day").fill(day)
    page.locator("#id_date_of_birth_month").select_option(month)
    page.locator("#id_date_of_birth_year").fill(year)


def _to_screening(page, language: str | None = None):
    _start(page, language)
    _continue(page, language=language or "en")
    expect(page).to_have_url(re.compile(r"/book/screening/$"))


def _to_time(page, yes: tuple[str, ...] = ()):
    _to_screening(page)
    _answer(page, yes)
    _continue(page)
    expect(page).to_have_url(re.compile(r"/book/time/"))


def _fill_details(page, email="ana.patient@example.com", language: str = "en") -> None:
    page.get_by_label(_t(language, "Full name")).fill("Ana Paciente")
    page.get_by_label(_t(language, "Email")).fill(email)
    page.get_by_label(_t(language, "Phone")).fill("+52 664 555 0101")
    page.locator("#id_consent_treatment").check()
    page.locator("#id_consent_privacy").check()


def _wait_for_outbox(count: int, timeout: float = 5.0) -> None:
    """Emails go out after commit, the tests' task backend running the worker's task in the
    live server's thread; give it a moment."""
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def _focused(page, predicate: str) -> bool:
    return page.evaluate(f"(el => !!({predicate}))(document.activeElement)")


def _tab_to(page, predicate: str, *, limit: int = 80, what: str = "") -> None:
    """Press Tab until the focused element matches the JS predicate on `el`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page, predicate):
            return
    where = page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{limit} Tabs did not reach {what or predicate}; focus is on {where}")


def _tab_to_button(page, text: str) -> None:
    _tab_to(
        page,
        f"el.matches('button, a') && el.textContent.trim() === {text!r}",
        what=f"the “{text}” button",
    )


# --------------------------------------------------------------------------- 1. keyboard


def test_keyboard_only_from_treatment_page_to_confirmed_appointment(
    new_page, live_server, screenshot
):
    page = new_page(viewport=DESKTOP, locale="en-US")
    page.goto("/treatments/microneedling/")
    _tab_to(
        page,
        "el.tagName === 'A' && el.textContent.trim() === 'Book this treatment'",
        limit=200,
        what="the “Book this treatment” link",
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/book/treatment/"))
    expect(page.get_by_label("Microneedling")).to_be_checked()
    _tab_to_button(page, "Continue")
    page.keyboard.press("Enter")

    # Health questions: date of birth typed in its three fields, the month by its name.
    expect(page).to_have_url(re.compile(r"/book/screening/$"))
    _tab_to(page, "el.id === 'id_date_of_birth_day'", what="the day of birth")
    page.keyboard.type("23")
    page.keyboard.press("Tab")
    assert _focused(page, "el.id === 'id_date_of_birth_month'")
    page.keyboard.type("April")
    page.keyboard.press("Tab")
    assert _focused(page, "el.id === 'id_date_of_birth_year'")
    page.keyboard.type("1990")
    expect(page.locator("#id_date_of_birth_month")).to_have_value("4")
    ids = _question_ids()
    for key in _yes_no_keys():
        name = f"question_{ids[key]}"
        # One Tab from each question to the next: the date follow-ups (three stops each)
        # stay hidden until the answer they follow is "Yes".
        _tab_to(page, f"el.name === {name!r}", limit=1, what=name)
        # Tab lands on "Yes" (the first radio); the arrow key moves to "No" and selects it.
        page.keyboard.press("ArrowDown")
        assert _focused(page, "el.value === 'no' && el.checked"), key
    follow_up = page.locator(f"#id_question_{ids['isotretinoin_last_dose']}_day")
    expect(follow_up).to_have_count(1)
    expect(follow_up).to_be_hidden()
    # "No" to "on your face?": the cold-sore question is not asked.
    cold_sores = page.locator(f'input[name="question_{ids["cold_sore_history"]}"]')
    expect(cold_sores.first).to_be_hidden()
    _tab_to_button(page, "Continue")
    page.keyboard.press("Enter")

    # Time: another day by keyboard (its times swap in), then the first time.
    expect(page).to_have_url(re.compile(r"/book/time/"))
    _tab_to(page, "el.closest('.day-picker') && !el.classList.contains('active')", what="a day")
    day_label = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(page.locator(".day-picker a.active")).to_have_text(day_label)
    _tab_to(page, "el.name === 'start'", what="a time")
    page.keyboard.press("Enter")

    # Details and both consents.
    expect(page).to_have_url(re.compile(r"/book/details/$"))
    for field, text in [
        ("id_name", "Ana Paciente"),
        ("id_email", "ana.patient@example.com"),
        ("id_phone", "+52 664 555 0101"),
    ]:
        _tab_to(page, f"el.id === {field!r}", what=field)
        page.keyboard.type(text)
    for field in ("id_consent_treatment", "id_consent_privacy"):
        _tab_to(page, f"el.id === {field!r}", what=field)
        page.keyboard.press("Space")
        expect(page.locator(f"#{field}")).to_be_checked()
    _tab_to_button(page, "Continue")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/book/review/$"))
    _tab_to_button(page, "Confirm my appointment")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/book/done/$"))
    screenshot(page, "booking-keyboard-done")
    appointment = Appointment.objects.get()
    assert appointment.status == Status.CONFIRMED
    expect(page.get_by_role("heading", level=1)).to_contain_text("confirmed")
    expect(page.locator(".reference")).to_have_text(appointment.reference)
    assert appointment.patient_email == "ana.patient@example.com"

    _wait_for_outbox(1)
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == ["ana.patient@example.com"]
    assert appointment.reference in message.subject
    ics = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(ics) == 1
    calendar = Calendar.from_ical(ics[0][1])
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert event.decoded("DTSTART") == appointment.starts_at
    assert event.decoded("DTEND") == appointment.ends_at
    assert str(event["UID"])
    assert "Microneedling" in str(event["SUMMARY"])
    assert PatientEmail.objects.get(appointment=appointment).sent_at is not None


def test_keyboard_only_in_spanish_from_the_home_page_to_spanish_email_and_calendar(
    new_page, live_server, screenshot
):
    """A patient whose browser asks for Spanish books with the keyboard alone, from the
    bare address to the confirmation, and gets the email and calendar file in Spanish."""
    page = new_page(viewport=PHONE, locale="es-MX")
    _track_documents(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/es/$"))
    assert page.evaluate("document.documentElement.lang") == "es"
    _tab_to(
        page,
        "el.tagName === 'A' && el.textContent.trim() === 'Agendar una cita'",
        limit=60,
        what="the “Agendar una cita” link",
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/es/book/treatment/"))
    _tab_to(page, "el.name === 'treatment'", what="the treatment")
    page.keyboard.press("Space")
    expect(page.get_by_label("Microneedling")).to_be_checked()
    _tab_to_button(page, "Continuar")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/es/book/screening/$"))
    _tab_to(page, "el.id === 'id_date_of_birth_day'", what="the day of birth")
    page.keyboard.type("23")
    page.keyboard.press("Tab")
    page.keyboard.type("abril")  # the month by its Spanish name
    page.keyboard.press("Tab")
    page.keyboard.type("1990")
    expect(page.locator("#id_date_of_birth_month")).to_have_value("4")
    ids = _question_ids()
    for key in _yes_no_keys():
        name = f"question_{ids[key]}"
        _tab_to(page, f"el.name === {name!r}", limit=30, what=name)
        page.keyboard.press("ArrowDown")  # from "Sí" to "No"
        assert _focused(page, "el.value === 'no' && el.checked"), key
    _tab_to_button(page, "Continuar")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/es/book/time/"))
    _tab_to(page, "el.name === 'start'", what="a time")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/es/book/details/$"))
    for field, text in [
        ("id_name", "Ana Paciente"),
        ("id_email", "ana.paciente@example.com"),
        ("id_phone", "+52 664 555 0101"),
    ]:
        _tab_to(page, f"el.id === {field!r}", what=field)
        page.keyboard.type(text)
    for field in ("id_consent_treatment", "id_consent_privacy"):
        _tab_to(page, f"el.id === {field!r}", what=field)
        page.keyboard.press("Space")
    _tab_to_button(page, "Continuar")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/es/book/review/$"))
    _tab_to_button(page, "Confirmar mi cita")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/es/book/done/$"))
    screenshot(page, "booking-keyboard-done-es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Su cita está confirmada")
    appointment = Appointment.objects.get()
    assert (appointment.status, appointment.language) == (Status.CONFIRMED, "es")
    consent = appointment.consents.get(kind="treatment")
    assert consent.wording.startswith("He leído la información sobre este tratamiento")

    _wait_for_outbox(1)
    [message] = mail.outbox
    # The treatment's Spanish name, as load_clinic_content writes it.
    assert message.subject.startswith("Confirmada: Microagujas (microneedling), ")
    assert " de enero de 2027, " in message.subject
    assert message.body.startswith("Hola, Ana Paciente:")
    assert "/es/book/manage/" in message.body
    [(name, ics, mimetype)] = [a for a in message.attachments if a[0].endswith(".ics")]
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).startswith("Microagujas (microneedling) en ")
    description = str(event["DESCRIPTION"])
    assert f"Referencia: {appointment.reference}" in description
    assert "Consulte, cancele o cambie su cita: " in description
    assert "/es/book/manage/" in description


# --------------------------------------------------------------------------- 2. blocked


@pytest.mark.parametrize("language", LANGUAGES)
def test_blocked_path_explains_and_creates_nothing(booking_page, live_server, check_page, language):
    page = booking_page
    _to_screening(page, language)
    _answer(page, yes=("pregnant",))
    _continue(page, language=language)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        _t(language, "We cannot book this treatment online for you")
    )
    expect(page.locator(".blocked-reasons")).to_contain_text(re.compile("pregnan|embaraz", re.I))
    contact = page.locator(".contact-box")
    expect(contact.locator('a[href^="tel:"]')).to_be_visible()
    expect(contact.locator('a[href^="mailto:"]')).to_be_visible()
    check_page(page, _page_name("blocked", language))
    assert not Appointment.objects.exists()
    assert not Screening.objects.exists()


# --------------------------------------------------------------------------- 3. review


@pytest.fixture
def clinician(db):
    """A clinician (the migration's group; the test database flush removes groups) with TOTP."""
    if not Group.objects.filter(name="Clinician").exists():
        migration = importlib.import_module("booking.migrations.0005_staff_groups")
        migration.create_groups(django_apps, None)
    user = get_user_model().objects.create_user(
        "clinician", "clinician@clinic.example", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Clinician"))
    device = TOTPDeviceFactory(user=user)
    return user, device


def test_review_path_then_clinician_approves_in_admin(
    booking_page, live_server, check_page, new_page, clinician
):
    page = booking_page
    _to_time(page, yes=("keloids",))
    page.locator("form.time-picker button[name=start]").first.click()
    expect(page).to_have_url(re.compile(r"/book/details/$"))
    _fill_details(page)
    _continue(page)
    expect(page).to_have_url(re.compile(r"/book/review/$"))
    expect(page.get_by_role("note")).to_contain_text("A clinician will review")
    check_page(page, "review-needs-review")
    _continue(page, "Send my request")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Request received: a clinician will confirm"
    )
    check_page(page, "done-requested")
    appointment = Appointment.objects.get()
    assert appointment.status == Status.REQUESTED
    expect(page.locator(".reference")).to_have_text(appointment.reference)

    # The clinician signs in with password and code on one form, then approves.
    user, device = clinician
    admin = new_page(viewport=DESKTOP)
    admin.goto("/admin/")
    expect(admin).to_have_url(re.compile(r"/admin/login/"))
    admin.locator("#id_username").fill(user.username)
    admin.locator("#id_password").fill(PASSWORD)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    admin.locator("#id_otp_token").fill(f"{code:0{device.digits}d}")
    admin.get_by_role("button", name="Log in").click()
    expect(admin).to_have_url(re.compile(r"/admin/$"))
    admin.get_by_role("link", name="Requests awaiting review").click()
    row = admin.locator("#result_list tbody tr", has_text=appointment.reference)
    expect(row).to_have_count(1)
    row.locator('input[name="_selected_action"]').check()
    admin.locator('select[name="action"]').select_option("approve")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text(f"Approved: {appointment.reference}")

    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
    _wait_for_outbox(2)
    kinds = list(
        PatientEmail.objects.filter(appointment=appointment, sent_at__isnull=False).values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == ["approved", "request_received"]
    assert any(m.subject.startswith("Confirmed after review") for m in mail.outbox)


# --------------------------------------------------------------------------- 4. every step


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_step_and_error_state_passes_axe(booking_page, live_server, check_page, language):
    page = booking_page
    t = lambda message: _t(language, message)  # noqa: E731
    check = lambda name: check_page(page, _page_name(name, language))  # noqa: E731
    _start(page, language)
    check("treatment")
    _continue(page, language=language)
    expect(page).to_have_url(re.compile(rf"/{language}/book/screening/$"))
    check("screening")

    _continue(page, language=language)  # nothing answered
    errors = page.locator("#form-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text(t("Please enter your date of birth."))
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    check("screening-errors")

    _answer(page)
    _continue(page, language=language)
    expect(page).to_have_url(re.compile(rf"/{language}/book/time/"))
    check("time")
    page.locator(".day-picker a:not(.active)").first.click()
    expect(page).to_have_url(re.compile(r"\?day="))
    page.reload()  # the page as it is served for that day
    check("time-other-day")
    page.locator("form.time-picker button[name=start]").first.click()

    expect(page).to_have_url(re.compile(rf"/{language}/book/details/$"))
    check("details")
    page.get_by_label(t("Full name")).fill("Ana Paciente")
    page.get_by_label(t("Email")).fill("not-an-email")
    page.get_by_label(t("Phone")).fill("+52 664 555 0101")
    _continue(page, language=language)
    errors = page.locator("#form-errors")
    expect(errors).to_contain_text(t("Please enter an email address like name@example.com."))
    expect(errors).to_contain_text(t("Please confirm you have read the treatment information."))
    expect(errors).to_contain_text(t("Please agree to the privacy notice to book online."))
    check("details-errors")
    _fill_details(page, language=language)
    _continue(page, language=language)

    expect(page).to_have_url(re.compile(rf"/{language}/book/review/$"))
    check("review")
    _continue(page, "Confirm my appointment", language=language)
    expect(page).to_have_url(re.compile(rf"/{language}/book/done/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your appointment is confirmed"))
    assert Appointment.objects.get().language == language
    check("done")

    page.get_by_role("link", name=t("View, change or cancel")).click()
    expect(page).to_have_url(re.compile(rf"/{language}/book/manage/[^/]+/$"))
    check("manage")
    page.get_by_role("link", name=t("Check my health answers")).click()
    expect(page).to_have_url(re.compile(r"/recheck/$"))
    expect(page.get_by_role("button", name=t("Nothing has changed"))).to_be_visible()
    check("recheck")
    page.get_by_role("link", name=t("Something has changed")).click()
    expect(page).to_have_url(re.compile(r"/recheck/questions/$"))
    check("recheck-questions")
    page.go_back()
    page.go_back()
    page.get_by_role("link", name=t("Choose another time")).click()
    expect(page).to_have_url(re.compile(r"/reschedule/$"))
    check("reschedule")

    response = page.goto(f"/{language}/book/manage/not-a-real-token/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(t("This link does not work any more"))
    check("invalid-link")


# --------------------------------------------------------------------------- 5. time step


def test_time_step_without_javascript_uses_links_and_buttons(new_page, live_server):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    _to_time(page)
    # Without script every follow-up question was on the page (and left empty): fine.
    other_day = page.locator(".day-picker a:not(.active)").first
    href = other_day.get_attribute("href")
    other_day.click()
    expect(page).to_have_url(re.compile(re.escape(href.split("#")[0])))
    expect(page.locator(".day-picker a.active")).to_have_attribute("href", href)
    button = page.locator("form.time-picker button[name=start]").first
    start = button.get_attribute("value")
    button.click()
    expect(page).to_have_url(re.compile(r"/book/details/$"))
    appointment = Appointment.objects.get()
    assert appointment.status == Status.HELD
    assert appointment.starts_at == dt.datetime.fromisoformat(start)


def test_with_javascript_days_swap_in_place_and_follow_ups_follow_their_parent(
    new_page, live_server
):
    page = new_page(viewport=DESKTOP)
    _to_screening(page)
    ids = _question_ids()
    parent = f"question_{ids['isotretinoin_past']}"
    follow_up = page.locator(f'[data-follow-up-of="{parent}"]')
    expect(follow_up).to_be_hidden()
    page.locator(f'input[name="{parent}"][value="yes"]').check()
    expect(follow_up).to_be_visible()
    page.locator(f'input[name="{parent}"][value="no"]').check()
    expect(follow_up).to_be_hidden()
    # The seven dates of recent treatments on the area follow one "Yes".
    recent = f"question_{ids['recent_treatments']}"
    dates = page.locator(f'[data-follow-up-of="{recent}"]')
    expect(dates).to_have_count(7)
    for index in range(7):
        expect(dates.nth(index)).to_be_hidden()
    page.locator(f'input[name="{recent}"][value="yes"]').check()
    for index in range(7):
        expect(dates.nth(index)).to_be_visible()

    _answer(page, yes=("recent_treatments",))
    _continue(page)
    # "Yes" without a date: asked for one; the answers stay, the dates still shown.
    expect(page.locator(".invalid-feedback").first).to_contain_text("at least one of these dates")
    expect(page.locator(f'input[name="{recent}"][value="yes"]')).to_be_checked()
    expect(dates.first).to_be_visible()
    _fill_date_of_birth(page)
    long_ago = timezone.localdate() - dt.timedelta(days=100)
    peel = f"#id_question_{ids['light_peel_date']}"
    page.locator(f"{peel}_day").fill(str(long_ago.day))
    page.locator(f"{peel}_month").select_option(str(long_ago.month))
    page.locator(f"{peel}_year").fill(str(long_ago.year))
    _continue(page)
    expect(page).to_have_url(re.compile(r"/book/time/"))
    legend = page.locator("#times-heading")
    before = legend.text_content()
    page.evaluate("window.__samePage = true")
    page.locator(".day-picker a:not(.active)").first.click()
    expect(legend).not_to_have_text(before)
    expect(page).to_have_url(re.compile(r"\?day="))
    assert page.evaluate("window.__samePage === true"), "choosing a day reloaded the page"
    assert page.evaluate("document.activeElement.id") == "times-heading"
    page.locator("form.time-picker button[name=start]").first.click()
    expect(page).to_have_url(re.compile(r"/book/details/$"))


# --------------------------------------------------------------------------- 6. accessibility
# What axe cannot see (issue 10): edges and focus rings measured on the rendered page,
# where focus lands after a failed submit, sideways scrolling at 320 px, the date fields.

NARROW = {"width": 320, "height": 640}
LONG_EMAIL = "a" * 60 + "@example-very-long-domain-name.com"


def _rgb(css: str) -> tuple[float, float, float, float]:
    """'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 0.5)' -> (r, g, b, alpha)."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    assert len(numbers) in (3, 4), css
    return (*numbers[:3], numbers[3] if len(numbers) == 4 else 1.0)


def _luminance(css: str) -> float:
    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, alpha = _rgb(css)
    assert alpha == 1.0, f"{css} is translucent: measure it against what lies under it"
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two opaque CSS colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_ratio_helper_matches_known_pairs():
    assert contrast_ratio("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast_ratio("rgb(222, 226, 230)", "rgb(255, 255, 255)") == pytest.approx(
        1.3, abs=0.01
    )


# The colour behind an element: the first opaque background among its ancestors.
BACKGROUND_JS = """el => {
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (!/rgba\\(.*,\\s*0\\)$/.test(colour) && colour !== 'transparent') return colour;
  }
  return 'rgb(255, 255, 255)';
}"""


def _edges(page, selector: str) -> list[tuple[str, str, str]]:
    """(control, its four border colours joined, the background behind it) for each visible one."""
    return page.locator(selector).evaluate_all(
        f"""els => els.filter(el => el.offsetParent !== null).map(el => {{
          const s = getComputedStyle(el);
          return [el.id || el.name, [s.borderTopColor, s.borderRightColor, s.borderBottomColor,
                  s.borderLeftColor].join('|'), ({BACKGROUND_JS})(el)];
        }})"""
    )


def _focus_ring(page) -> tuple[str, float, str]:
    """(outline colour, outline width in px, background) of the focused element."""
    return page.evaluate(
        f"""() => {{
          const el = document.activeElement, s = getComputedStyle(el);
          return [s.outlineStyle === 'none' ? 'none' : s.outlineColor, parseFloat(s.outlineWidth),
                  ({BACKGROUND_JS})(el)];
        }}"""
    )


def test_control_edges_and_focus_rings_reach_3_to_1(new_page, live_server):
    page = new_page(viewport=PHONE)
    _to_screening(page)
    edges = _edges(page, ".form-control, .form-select, .form-check-input")
    kinds = {page.locator(f"#{name}").get_attribute("type") or "select" for name, _, _ in edges}
    assert {"text", "select", "radio"} <= kinds, kinds
    assert len(edges) > 10
    for name, borders, background in edges:
        for border in set(borders.split("|")):
            ratio = contrast_ratio(border, background)
            assert ratio >= 3, f"{name}: edge {border} on {background} is {ratio:.2f}:1"

    # Keyboard focus on a text field, the month list, a Yes/No circle and the button.
    for predicate in (
        "el.id === 'id_date_of_birth_day'",
        "el.id === 'id_date_of_birth_month'",
        "el.type === 'radio'",
        "el.tagName === 'BUTTON' && el.type === 'submit'",
    ):
        _tab_to(page, predicate)
        colour, width, background = _focus_ring(page)
        assert colour != "none", f"no focus ring on {predicate}"
        assert width >= 2, f"focus ring on {predicate} is {width}px"
        ratio = contrast_ratio(colour, background)
        assert ratio >= 3, f"focus ring {colour} on {background} is {ratio:.2f}:1 ({predicate})"

    # The checked circle keeps a strong edge too.
    radio = page.locator("input[type=radio]").first
    radio.check()
    checked = radio.evaluate("el => getComputedStyle(el).borderTopColor")
    assert contrast_ratio(checked, "rgb(255, 255, 255)") >= 3


def _focused_summary(page) -> str:
    return page.evaluate(
        "(() => { const el = document.activeElement;"
        " return el && el.matches('[data-error-summary]') ? el.textContent : ''; })()"
    )


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_after_a_failed_submit_focus_is_on_the_error_summary(new_page, live_server, script):
    page = new_page(viewport=PHONE, java_script_enabled=script)
    _to_screening(page)
    _continue(page)  # nothing answered
    expect(page.locator("#form-errors")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert "Please enter your date of birth" in _focused_summary(page)
    # The first Tab from the summary goes to its first link, then into the form.
    page.keyboard.press("Tab")
    assert _focused(page, "el.closest('#form-errors') && el.tagName === 'A'")

    if script:
        # A link in the summary puts focus in the field it names.
        page.locator("#form-errors a", has_text="Your date of birth").click()
        assert page.evaluate("document.activeElement.id") == "id_date_of_birth_day"

    _answer(page)
    _continue(page)
    page.locator("form.time-picker button[name=start]").first.click()
    expect(page).to_have_url(re.compile(r"/book/details/$"))
    page.get_by_label("Email").fill("not-an-email")
    _continue(page)
    expect(page.locator("#form-errors")).to_be_visible()
    assert "Please enter an email address" in _focused_summary(page)


def test_the_date_of_birth_fields_match_their_hint(new_page, live_server, screenshot):
    page = new_page(viewport=PHONE, locale="en-US")  # Chromium's date field: mm/dd/yyyy here
    _to_screening(page)
    group = page.locator("#div_id_date_of_birth fieldset")
    expect(group.locator("legend")).to_contain_text("Your date of birth")
    expect(group).to_contain_text("For example, 23 April 1990.")
    labels = group.locator(".date-part label").all_inner_texts()
    assert labels == ["Day", "Month", "Year"]
    assert page.locator("input[type=date]").count() == 0
    boxes = [
        group.locator(f"#id_date_of_birth_{part}").bounding_box()
        for part in ("day", "month", "year")
    ]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"], "day, month and year read in order"
    expect(page.locator("#id_date_of_birth_month option").nth(4)).to_have_text("April")

    # A mistake keeps what was typed and says what is wrong.
    page.locator("#id_date_of_birth_day").fill("31")
    page.locator("#id_date_of_birth_month").select_option("2")
    page.locator("#id_date_of_birth_year").fill("90")
    _continue(page)
    expect(page.locator("#form-errors")).to_contain_text("Year must be 4 digits")
    expect(page.locator("#id_date_of_birth_day")).to_have_value("31")
    expect(page.locator("#id_date_of_birth_month")).to_have_value("2")
    expect(page.locator("#id_date_of_birth_year")).to_have_value("90")
    screenshot(page, "a11y-date-of-birth-error")

    _answer(page)
    _continue(page)
    expect(page).to_have_url(re.compile(r"/book/time/"))
    page.goto("/book/screening/")  # back: the stored date comes back in the three fields
    expect(page.locator("#id_date_of_birth_day")).to_have_value("23")
    expect(page.locator("#id_date_of_birth_month")).to_have_value("4")
    expect(page.locator("#id_date_of_birth_year")).to_have_value("1990")


def _scroll_width(page) -> int:
    page.wait_for_load_state()
    return page.evaluate("document.documentElement.scrollWidth")


def test_no_sideways_scrolling_at_320_px_with_a_long_email(new_page, live_server, check_page):
    page = new_page(viewport=NARROW)
    _track_documents(page)
    widths = {}
    _to_screening(page)
    widths["screening"] = _scroll_width(page)
    _continue(page)
    expect(page.locator("#form-errors")).to_be_visible()
    widths["screening-errors"] = _scroll_width(page)
    _answer(page)
    _continue(page)
    expect(page).to_have_url(re.compile(r"/book/time/"))
    widths["time"] = _scroll_width(page)
    page.locator("form.time-picker button[name=start]").first.click()
    expect(page).to_have_url(re.compile(r"/book/details/$"))
    widths["details"] = _scroll_width(page)
    _fill_details(page, email=LONG_EMAIL)
    page.get_by_label("Phone").fill("")
    _continue(page)
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(LONG_EMAIL)
    widths["details-errors"] = _scroll_width(page)
    _fill_details(page, email=LONG_EMAIL)
    _continue(page)
    expect(page).to_have_url(re.compile(r"/book/review/$"))
    expect(page.locator(".review-list")).to_contain_text(LONG_EMAIL)
    widths["review"] = _scroll_width(page)
    check_page(page, "review-long-email")
    _continue(page, "Confirm my appointment")
    expect(page).to_have_url(re.compile(r"/book/done/$"))
    expect(page.locator("main")).to_contain_text(LONG_EMAIL)
    widths["done"] = _scroll_width(page)
    check_page(page, "done-long-email")
    page.get_by_role("link", name="View, change or cancel").click()
    expect(page).to_have_url(re.compile(r"/book/manage/[^/]+/$"))
    widths["manage"] = _scroll_width(page)
    check_page(page, "manage-narrow")
    page.get_by_role("link", name="Choose another time").click()
    # Measured once the page has arrived: during the navigation there is no document.
    expect(page).to_have_url(re.compile(r"/reschedule/$"))
    page.wait_for_load_state()
    widths["reschedule"] = _scroll_width(page)
    too_wide = {name: width for name, width in widths.items() if width > NARROW["width"]}
    assert not too_wide, f"pages wider than {NARROW['width']} px: {too_wide}"


# --------------------------------------------------------------------------- vnu, once


def test_every_booking_page_is_valid_html(transactional_db, html_errors):
    """Runs last: the Nu HTML checker over every page the tests above collected."""
    documents = dict(DOCUMENTS)
    # The rate limit page, rendered as the views render it.
    request = RequestFactory().get("/book/time/")
    documents["too-many-requests"] = render_to_string("429.html", request=request)
    expected = EXPECTED_PAGES | {
        _page_name(name, language) for name in CHECKED_IN_EVERY_LANGUAGE for language in LANGUAGES
    }
    missing = sorted(
        f"{name}-{width}"
        for name in expected
        for width in (PHONE["width"], DESKTOP["width"])
        if f"{name}-{width}" not in documents
    )
    errors = html_errors(documents)
    assert not errors, "Nu HTML checker errors:\n" + "\n".join(errors)
    assert not missing, (
        f"pages not collected (run the whole module; an earlier test may have failed): {missing}"
    )

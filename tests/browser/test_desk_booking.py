"""The front desk books a caller in a real browser, as Reception: clean answers by phone
are confirmed and emailed, a review answer makes a request, a blocking answer is refused
with its reason shown to staff. axe on every page; the last test runs vnu over them all."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from booking import services
from booking.content import screening as standard_screening
from booking.models import Appointment, QuestionKind, ScreeningQuestion, Status
from clinic.models import ClinicProfile
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_booking import _wait_for_outbox
from tests.factories import TOTPDeviceFactory
from treatments.models import Treatment

pytestmark = [pytest.mark.browser, pytest.mark.ticking_clock]

DOCUMENTS: dict[str, str] = {}
PASSWORD = "a-long-reception-passphrase-42"


@pytest.fixture
def reception(db):
    """A receptionist (the migration's group; the test database flush removes groups)."""
    if not Group.objects.filter(name="Reception").exists():
        migration = importlib.import_module("booking.migrations.0005_staff_groups")
        migration.create_groups(django_apps, None)
    user = get_user_model().objects.create_user(
        "reception", "reception@clinic.example", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Reception"))
    return user, TOTPDeviceFactory(user=user)


@pytest.fixture
def desk(new_page, reception, axe_check, screenshot):
    """The admin signed in as Reception, on the appointment book; ``desk.clicks`` counts
    every click and choice made from there."""
    user, device = reception
    page = new_page(viewport=DESKTOP)
    page.last_document = None

    def remember(response):
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            page.last_document = response

    page.on("response", remember)
    page.goto("/admin/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.locator("#id_otp_token").fill(f"{code:0{device.digits}d}")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto("/admin/booking/appointment/")

    def check(name: str, *, axe: bool = True) -> None:
        page.wait_for_load_state("load")
        screenshot(page, f"desk-booking-{name}")
        if axe:
            axe_check(page)
        DOCUMENTS[name] = page.last_document.text()

    page.check = check
    return page


def _question_ids() -> dict[str, int]:
    by_text = dict(ScreeningQuestion.objects.values_list("text", "pk"))
    return {entry["key"]: by_text[entry["text"]] for entry in standard_screening.QUESTIONS}


def _book_by_phone(page, yes: tuple[str, ...] = ()) -> int:
    """Book the first free time by phone, answering "no" but for ``yes``; the clicks and
    choices it took (typing not counted)."""
    clicks = 0
    treatment = Treatment.objects.get(slug="microneedling")
    first = services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())[0]
    day = timezone.localtime(first.start, ClinicProfile.load().tzinfo).date()

    page.get_by_role("link", name="Add appointment").click()
    clicks += 1
    expect(page.get_by_role("heading", name="Book for a patient")).to_be_visible()
    page.check("start")
    page.locator("#id_day").fill(day.isoformat())
    page.get_by_role("button", name="Show free times").click()
    clicks += 1
    page.check("times")
    page.get_by_role(
        "radio", name=first.start.astimezone(ClinicProfile.load().tzinfo).strftime("%H:%M")
    ).check()
    clicks += 1
    page.locator("#id_name").fill("Carmen Llamada")
    page.locator("#id_email").fill("carmen@example.com")
    page.locator("#id_phone").fill("+52 664 555 0199")
    page.locator("#id_language").select_option("es")
    clicks += 1
    page.locator("#id_consent_by_phone").check()
    clicks += 1
    page.locator("#id_date_of_birth_day").fill("23")
    page.locator("#id_date_of_birth_month").select_option("4")
    clicks += 1
    page.locator("#id_date_of_birth_year").fill("1990")
    ids = _question_ids()
    for entry in standard_screening.QUESTIONS:
        if entry.get("parent") or entry.get("kind", QuestionKind.YES_NO) != QuestionKind.YES_NO:
            continue
        value = "yes" if entry["key"] in yes else "no"
        page.locator(f'input[name="question_{ids[entry["key"]]}"][value="{value}"]').check()
        clicks += 1
    page.get_by_role("button", name="Book").click()
    clicks += 1
    return clicks


def test_a_phone_booking_with_clean_answers_is_confirmed_and_emailed(desk):
    clicks = _book_by_phone(desk)

    expect(desk.locator(".messagelist")).to_contain_text("Booked and confirmed")
    # The appointment's own page (not this part's): its read-only inlines carry Django's
    # empty table headers, which axe reports as "minor"; vnu still checks it.
    desk.check("booked", axe=False)
    appointment = Appointment.objects.get()
    assert appointment.status == Status.CONFIRMED
    assert appointment.language == "es"
    _wait_for_outbox(1)
    (email,) = mail.outbox
    assert email.to == ["carmen@example.com"]
    assert email.subject.startswith("Confirmada")
    # Nothing of the answers on the appointment's page for Reception.
    assert "pregnant" not in desk.content().lower()
    print(f"\nclicks for a phone booking (yes/no questions included): {clicks}")  # noqa: T201


def test_a_phone_booking_with_a_review_answer_becomes_a_request(desk):
    _book_by_phone(desk, yes=("keloids",))
    expect(desk.locator(".messagelist")).to_contain_text("request for a clinician")
    desk.check("requested", axe=False)
    assert Appointment.objects.get().status == Status.REQUESTED
    _wait_for_outbox(1)
    assert len(mail.outbox) == 1


def test_a_phone_booking_with_a_blocking_answer_is_refused_with_the_reason(desk):
    _book_by_phone(desk, yes=("pregnant",))
    refusal = desk.get_by_role("alert").filter(has_text="Not booked")
    expect(refusal).to_contain_text("We do not offer microneedling during pregnancy")
    desk.check("refused")
    assert not Appointment.objects.exists()
    # What staff typed is still there.
    expect(desk.locator("#id_name")).to_have_value("Carmen Llamada")


def test_a_held_time_is_booked_by_the_patient_through_the_emailed_link(
    desk, new_page, axe_check, screenshot
):
    treatment = Treatment.objects.get(slug="microneedling")
    first = services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())[0]
    tz = ClinicProfile.load().tzinfo
    desk.get_by_role("link", name="Add appointment").click()
    desk.locator("#id_day").fill(timezone.localtime(first.start, tz).date().isoformat())
    desk.get_by_role("button", name="Show free times").click()
    desk.get_by_role("radio", name=first.start.astimezone(tz).strftime("%H:%M")).check()
    desk.locator("#id_name").fill("Carmen Llamada")
    desk.locator("#id_email").fill("carmen@example.com")
    desk.locator("#id_phone").fill("+52 664 555 0199")
    desk.locator("#id_language").select_option("es")
    desk.get_by_label("Hold the time and email the patient a private link").check()
    expect(desk.locator(".desk-phone-questions")).to_be_hidden()  # nothing to read out
    desk.get_by_role("button", name="Book").click()
    expect(desk.locator(".messagelist")).to_contain_text("Time held until")
    assert Appointment.objects.get().status == Status.HELD

    _wait_for_outbox(1)
    (email,) = mail.outbox
    assert email.subject.startswith("Por favor responda las preguntas de salud")
    link = re.search(r"https?://\S+/es/book/manage/\S+/questions/", email.body).group(0)
    patient = new_page(viewport=PHONE)
    response = patient.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(patient.get_by_role("heading", level=1)).to_have_text("Sus preguntas de salud")
    screenshot(patient, "desk-booking-link")
    axe_check(patient)
    DOCUMENTS["link"] = response.text()
    ids = _question_ids()
    patient.locator("#id_date_of_birth_day").fill("23")
    patient.locator("#id_date_of_birth_month").select_option("4")
    patient.locator("#id_date_of_birth_year").fill("1990")
    for entry in standard_screening.QUESTIONS:
        if entry.get("parent") or entry.get("kind", QuestionKind.YES_NO) != QuestionKind.YES_NO:
            continue
        patient.locator(f'input[name="question_{ids[entry["key"]]}"][value="no"]').check()
    patient.locator("#id_consent_treatment").check()
    patient.locator("#id_consent_privacy").check()
    patient.get_by_role("button", name="Enviar mis respuestas y agendar").click()
    expect(patient).to_have_url(re.compile(r"/es/book/manage/[^/]+/$"))
    assert Appointment.objects.get().status == Status.CONFIRMED


def test_every_desk_booking_page_is_valid_html(transactional_db, html_errors):
    """Runs last: the Nu HTML checker over every page the tests above collected."""
    expected = {"start", "times", "booked", "requested", "refused", "link"}
    assert expected <= set(DOCUMENTS), sorted(expected - set(DOCUMENTS))
    errors = html_errors(DOCUMENTS)
    assert not errors, "Nu HTML checker errors:\n" + "\n".join(errors)

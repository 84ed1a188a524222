"""The front desk books a caller from the admin (admin:booking_appointment_add): who may,
the page's steps, the same free times and rules as online, and what Reception sees after."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from booking import services
from booking.models import Appointment, ConsentChannel, EmailKind, Screening, Status
from tests.booking.pages import answers
from tests.factories import TIJUANA, PractitionerFactory, TreatmentFactory, questionnaire

pytestmark = pytest.mark.django_db

ADD = reverse("admin:booking_appointment_add")


@pytest.fixture
def desk(clinic_profile):
    treatment = TreatmentFactory(microneedling=True)
    practitioner = PractitionerFactory(treatments=[treatment])
    return treatment, practitioner, questionnaire(treatment)


@pytest.fixture
def reception(client, staff_member, otp_login):
    return otp_login(client, staff_member("Reception"))


def first_free(treatment) -> dt.datetime:
    return services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())[0].start


def booking_data(treatment, start, questions=None, **chosen) -> dict[str, str]:
    data = {
        "treatment": str(treatment.pk),
        "practitioner": "",
        "day": start.astimezone(TIJUANA).date().isoformat(),
        "start": start.isoformat(),
        "name": "Carmen Caller",
        "email": "carmen@example.com",
        "phone": "+52 664 555 0100",
        "language": "es",
        "answers_by": "phone",
        "consent_by_phone": "on",
    }
    if questions is not None:
        data |= answers(questions, **chosen)
    return data


@pytest.mark.parametrize("group", ["Reception", "Clinician", "Manager"])
def test_staff_who_keep_the_book_can_open_the_booking_page(
    client, staff_member, otp_login, desk, group
):
    otp_login(client, staff_member(group))
    assert client.get(ADD).status_code == 200
    assert ADD in client.get(reverse("admin:booking_appointment_changelist")).content.decode()


def test_a_content_editor_cannot_book(client, staff_member, otp_login, desk):
    otp_login(client, staff_member("Content editor"))
    assert client.get(ADD).status_code == 403
    treatment, _, questions = desk
    response = client.post(ADD, booking_data(treatment, first_free(treatment), questions))
    assert response.status_code == 403
    assert not Appointment.objects.exists()


def test_the_page_shows_the_free_times_patients_see_on_the_day(reception, desk):
    treatment, practitioner, _ = desk
    start = first_free(treatment)
    day = start.astimezone(TIJUANA).date()
    page = reception.get(ADD, {"treatment": treatment.pk, "practitioner": "", "day": day})
    shown = [value for value, _label in page.context["times"]]
    offered = [
        slot.start.isoformat()
        for slot in services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())
        if slot.start.astimezone(TIJUANA).date() == day
    ]
    assert shown == offered
    assert start.astimezone(TIJUANA).strftime("%H:%M") in page.content.decode()


def test_the_query_string_prefills_treatment_practitioner_and_time(reception, desk):
    treatment, practitioner, _ = desk
    start = first_free(treatment).astimezone(TIJUANA)
    page = reception.get(
        ADD,
        {
            "treatment": treatment.pk,
            "practitioner": practitioner.pk,
            "start": start.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert page.status_code == 200
    assert page.context["day"] == start.date()
    assert page.context["form"]["start"].value() == start.astimezone(dt.UTC).isoformat()
    html = page.content.decode()
    assert f'value="{start.astimezone(dt.UTC).isoformat()}"' in html
    assert "checked" in html.split(start.astimezone(dt.UTC).isoformat(), 1)[1][:40]


def test_clean_answers_by_phone_confirm_and_email_the_patient_in_their_language(
    reception, desk, django_capture_on_commit_callbacks
):
    treatment, practitioner, questions = desk
    start = first_free(treatment)

    with django_capture_on_commit_callbacks(execute=True):
        response = reception.post(ADD, booking_data(treatment, start, questions, nsaids="yes"))

    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:booking_appointment_change", args=[appointment.pk])
    assert appointment.status == Status.CONFIRMED
    assert appointment.starts_at == start
    assert appointment.language == "es"
    assert "ibuprofen" in appointment.instructions
    consents = list(appointment.consents.all())
    assert {c.channel for c in consents} == {ConsentChannel.PHONE}
    assert {c.taken_by.username for c in consents} == {"reception"}
    assert "Do you agree?" in consents[0].wording
    change = appointment.changes.get(action="confirmed")
    assert (change.actor, change.by.username) == ("staff", "reception")
    assert appointment.emails.filter(kind=EmailKind.CONFIRMED).exists()
    (email,) = mail.outbox
    assert email.to == ["carmen@example.com"]
    assert email.subject.startswith("Confirmada")
    assert "ibuprofen" in email.body
    assert "Are you pregnant" not in email.body
    page = reception.get(response.url)
    text = page.content.decode()
    assert "Booked and confirmed" in text
    assert "ibuprofen" in text  # the instructions, to tell the caller
    # The answers themselves are never shown to Reception.
    assert "Are you pregnant" not in text
    assert "1990" not in text


def test_a_review_answer_makes_a_request(reception, desk):
    treatment, _, questions = desk
    reception.post(ADD, booking_data(treatment, first_free(treatment), questions, keloid="yes"))
    appointment = Appointment.objects.get()
    assert appointment.status == Status.REQUESTED
    assert appointment.emails.filter(kind=EmailKind.REQUEST_RECEIVED).exists()


def test_a_blocking_answer_stops_the_booking_and_tells_staff_why(reception, desk):
    treatment, _, questions = desk
    start = first_free(treatment)
    data = booking_data(treatment, start, questions, pregnant="yes")

    response = reception.post(ADD, data)

    assert response.status_code == 409
    text = response.content.decode()
    assert "Microneedling is not offered during pregnancy or breastfeeding." in text
    assert not Appointment.objects.exists()
    assert not Screening.objects.exists()
    assert start in [
        s.start
        for s in services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())
    ]
    # What was typed is kept.
    assert 'value="Carmen Caller"' in text


def test_bad_input_keeps_what_was_typed(reception, desk):
    treatment, _, questions = desk
    data = booking_data(treatment, first_free(treatment), questions)
    data |= {"email": "not-an-email", "consent_by_phone": ""}
    response = reception.post(ADD, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Please enter an email address like name@example.com." in text
    assert "Read the words out and tick this box once the patient agrees." in text
    assert 'value="Carmen Caller"' in text
    assert not Appointment.objects.exists()


def test_a_time_taken_meanwhile_sends_staff_back_to_the_times(reception, desk):
    treatment, practitioner, questions = desk
    start = first_free(treatment)
    data = booking_data(treatment, start, questions)
    from tests.factories import AppointmentFactory

    AppointmentFactory(treatment=treatment, practitioner=practitioner, starts_at=start)

    response = reception.post(ADD, data)

    # No longer among the times shown: the page says so and shows the times left.
    assert response.status_code == 400
    text = response.content.decode()
    assert "That time is no longer free. Please choose one of the times shown." in text
    assert start.isoformat() not in [value for value, _label in response.context["times"]]
    assert 'value="Carmen Caller"' in text
    assert Appointment.objects.count() == 1


def test_hold_and_email_a_link_keeps_the_time_for_the_policy_hours(reception, desk):
    treatment, _, _ = desk
    start = first_free(treatment)
    data = booking_data(treatment, start) | {"answers_by": "link", "consent_by_phone": ""}

    response = reception.post(ADD, data)

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.status == Status.HELD
    assert appointment.hold_expires_at == timezone.now() + dt.timedelta(hours=24)
    assert appointment.screening is None
    assert appointment.emails.filter(kind=EmailKind.HEALTH_QUESTIONS).exists()


def test_a_linked_time_taken_since_says_so_and_shows_the_others(reception, desk):
    treatment, practitioner, _ = desk
    start = first_free(treatment)
    from tests.factories import AppointmentFactory

    AppointmentFactory(treatment=treatment, practitioner=practitioner, starts_at=start)
    local = start.astimezone(TIJUANA).strftime("%Y-%m-%dT%H:%M")
    page = reception.get(ADD, {"treatment": treatment.pk, "practitioner": "", "start": local})
    assert page.status_code == 200
    assert "The time you came for is no longer free." in page.content.decode()
    assert page.context["times"]


def test_a_bad_query_string_is_a_clear_message_not_an_error(reception, desk):
    page = reception.get(ADD, {"treatment": "nope", "start": "tomorrow"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Select a valid choice" in text or "Please choose a treatment" in text
    assert "Please choose a day." in text


def test_with_any_practitioner_each_time_says_who_is_free(reception, desk):
    treatment, practitioner, _ = desk
    other = PractitionerFactory(treatments=[treatment], name="Dr. Beatriz Solís")
    start = first_free(treatment)
    day = start.astimezone(TIJUANA).date()
    page = reception.get(ADD, {"treatment": treatment.pk, "practitioner": "", "day": day})
    labels = dict(page.context["times"])
    assert labels[start.isoformat()] == (
        f"{start.astimezone(TIJUANA):%H:%M} ({practitioner}, {other})"
    )
    one = reception.get(
        ADD, {"treatment": treatment.pk, "practitioner": other.pk, "day": day}
    ).context["times"]
    assert dict(one)[start.isoformat()] == f"{start.astimezone(TIJUANA):%H:%M}"

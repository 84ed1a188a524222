"""The front desk's changes: staff move, cancel and decline (with a reason), completed or
no-show once the visit has started, each refusal in its own words, the buttons on the
appointment's page, the notes, and the patient's other visits."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from booking import emails, services
from booking.models import (
    Actor,
    Appointment,
    AppointmentChange,
    EmailKind,
    PatientEmail,
    Status,
)
from tests.factories import (
    TIJUANA,
    AppointmentFactory,
    ClosureFactory,
    PractitionerFactory,
    ScreeningFactory,
)

from .conftest import SECRET_QUESTION

# NOW is Monday 4 January 2027, 08:40 in Tijuana (tests/clock.py); the patient's cut-off
# and the minimum notice are both 24 hours.
TODAY_AT_3 = dt.datetime(2027, 1, 4, 15, 0, tzinfo=TIJUANA)
WEDNESDAY_AT_10 = dt.datetime(2027, 1, 6, 10, 0, tzinfo=TIJUANA)


@pytest.fixture
def soon(clinic_profile, treatment, practitioner) -> Appointment:
    """Confirmed for this afternoon: inside the patient's 24-hour cut-off."""
    return AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=TODAY_AT_3,
        patient_phone="+52 664 555 0101",
        screening=ScreeningFactory(treatment=treatment),
    )


@pytest.fixture
def reception(client, staff_member, otp_login):
    client.user = staff_member("Reception")
    return otp_login(client, client.user)


@pytest.fixture
def clinician(client, staff_member, otp_login):
    client.user = staff_member("Clinician")
    return otp_login(client, client.user)


def url(name: str, appointment: Appointment) -> str:
    return reverse(f"admin:booking_appointment_{name}", args=[appointment.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Staff reschedule ----------------------------------------------------------------


@pytest.mark.django_db
def test_staff_move_a_visit_inside_the_patients_cut_off(soon, django_user_model):
    assert not soon.can_be_changed_by_patient(timezone.now())
    user = django_user_model.objects.create_user("desk", is_staff=True)

    moved = services.reschedule_by_staff(
        soon.pk, WEDNESDAY_AT_10, None, by=user, reason="The patient phoned: car trouble."
    )

    assert moved.starts_at == WEDNESDAY_AT_10 and moved.status == Status.CONFIRMED
    change = AppointmentChange.objects.get(appointment=soon, action="rescheduled")
    assert change.by == user and change.actor == Actor.STAFF
    assert change.reason == "The patient phoned: car trouble."
    assert "2027-01-04 15:00" in change.note
    (email,) = PatientEmail.objects.filter(appointment=soon, kind=EmailKind.RESCHEDULED)
    message = emails.build_message(email, timezone.now())
    assert "Wednesday" in message.body and "10:00" in message.body
    assert any(name.endswith(".ics") for name, *_ in message.attachments)


@pytest.mark.django_db
def test_staff_move_to_another_practitioner(soon, treatment):
    other = PractitionerFactory(name="Dr. Luis Paz", position=1, treatments=[treatment])
    AppointmentFactory(
        treatment=treatment, practitioner=soon.practitioner, starts_at=WEDNESDAY_AT_10
    )

    moved = services.reschedule_by_staff(
        soon.pk, WEDNESDAY_AT_10, other.pk, by=None, reason="Dr. Ruiz is full."
    )

    assert moved.practitioner == other and moved.starts_at == WEDNESDAY_AT_10


@pytest.mark.django_db
def test_a_move_needs_a_reason(soon):
    with pytest.raises(services.ReasonMissing):
        services.reschedule_by_staff(soon.pk, WEDNESDAY_AT_10, None, by=None, reason="  ")
    soon.refresh_from_db()
    assert soon.starts_at == TODAY_AT_3


@pytest.mark.django_db
def test_a_cancelled_visit_cannot_be_moved(soon):
    services.cancel_appointment(soon.pk, reason="Asked by phone.")
    with pytest.raises(services.NotAllowed, match="cancelled"):
        services.reschedule_by_staff(soon.pk, WEDNESDAY_AT_10, None, by=None, reason="Oops")


# --- Each refusal says its cause --------------------------------------------------------


def refused_move(appointment, start, practitioner_id=None) -> str:
    with pytest.raises(services.BookingError) as refusal:
        services.reschedule_by_staff(
            appointment.pk, start, practitioner_id, by=None, reason="Asked by phone."
        )
    appointment.refresh_from_db()
    assert appointment.starts_at == TODAY_AT_3, "a refused move leaves the visit where it was"
    return str(refusal.value)


@pytest.mark.django_db
def test_a_move_into_a_closure_says_closed(soon):
    ClosureFactory(starts_at=WEDNESDAY_AT_10 - dt.timedelta(hours=1), reason="Training")
    assert "closed at that time" in refused_move(soon, WEDNESDAY_AT_10)


@pytest.mark.django_db
def test_a_move_outside_working_hours_says_so(soon):
    lunch = WEDNESDAY_AT_10.replace(hour=13)
    assert "outside the practitioner's working hours" in refused_move(soon, lunch)


@pytest.mark.django_db
def test_a_move_onto_another_visit_says_taken(soon, treatment):
    AppointmentFactory(
        treatment=treatment, practitioner=soon.practitioner, starts_at=WEDNESDAY_AT_10
    )
    message = refused_move(soon, WEDNESDAY_AT_10, soon.practitioner_id)
    assert "another appointment overlaps it" in message


@pytest.mark.django_db
def test_a_move_inside_the_notice_or_beyond_the_horizon_says_so(soon):
    assert "minimum notice" in refused_move(soon, TODAY_AT_3.replace(hour=17))
    far = WEDNESDAY_AT_10 + dt.timedelta(days=90)
    assert "beyond the booking horizon" in refused_move(soon, far)


@pytest.mark.django_db
def test_approving_a_request_in_a_closure_says_closed_not_overlap(screened_request):
    ClosureFactory(starts_at=screened_request.starts_at - dt.timedelta(hours=1), reason="Flood")
    with pytest.raises(services.BookingError) as refusal:
        services.approve_request(screened_request.pk, by=None)
    assert "closed at that time" in str(refusal.value)
    assert "overlaps" not in str(refusal.value)


# --- Completed and no-show only once the visit has started ---------------------------


@pytest.mark.django_db
def test_no_show_before_the_start_is_refused_clearly(soon, clock):
    with pytest.raises(services.VisitNotStarted) as refusal:
        services.mark_no_show(soon.pk, by=None)
    assert "has not started yet" in str(refusal.value)
    assert "15:00" in str(refusal.value)
    with pytest.raises(services.VisitNotStarted):
        services.mark_completed(soon.pk, by=None)
    soon.refresh_from_db()
    assert soon.status == Status.CONFIRMED

    clock.move_to(TODAY_AT_3 + dt.timedelta(minutes=20))
    assert services.mark_no_show(soon.pk, by=None).status == Status.NO_SHOW


# --- Cancel and decline with a reason -------------------------------------------------


@pytest.mark.django_db
def test_staff_cancel_needs_a_reason_and_shows_it_only_when_chosen(soon, confirmed_appointment):
    with pytest.raises(services.ReasonMissing):
        services.cancel_appointment(soon.pk, by=None, reason="")

    services.cancel_appointment(soon.pk, by=None, reason="Dr. Ruiz is ill today.", show_reason=True)
    services.cancel_appointment(confirmed_appointment.pk, by=None, reason="Internal: double entry")

    shown = PatientEmail.objects.get(appointment=soon, kind=EmailKind.CANCELLED)
    hidden = PatientEmail.objects.get(appointment=confirmed_appointment, kind=EmailKind.CANCELLED)
    shown_message = emails.build_message(shown, timezone.now())
    assert "Dr. Ruiz is ill today." in shown_message.body
    assert "Dr. Ruiz is ill today." in shown_message.alternatives[0][0]
    assert "double entry" not in emails.build_message(hidden, timezone.now()).body
    change = AppointmentChange.objects.get(appointment=soon, action="cancelled")
    assert change.reason == "Dr. Ruiz is ill today." and change.reason_shown_to_patient


@pytest.mark.django_db
def test_the_reason_is_introduced_in_the_patients_language(soon):
    Appointment.objects.filter(pk=soon.pk).update(language="es")
    services.cancel_appointment(
        soon.pk, by=None, reason="La doctora está enferma.", show_reason=True
    )
    email = PatientEmail.objects.get(appointment=soon, kind=EmailKind.CANCELLED)
    body = emails.build_message(email, timezone.now()).body
    assert "El motivo de la clínica: La doctora está enferma." in body


@pytest.mark.django_db
def test_decline_needs_a_reason(screened_request):
    with pytest.raises(services.ReasonMissing):
        services.decline_request(screened_request.pk, by=None, reason="")
    services.decline_request(screened_request.pk, by=None, reason="Not this month.")
    screened_request.refresh_from_db()
    assert screened_request.status == Status.DECLINED
    email = PatientEmail.objects.get(appointment=screened_request, kind=EmailKind.DECLINED)
    assert "Not this month." not in emails.build_message(email, timezone.now()).body


# --- The buttons on the appointment's page ----------------------------------------------


def buttons(client, appointment) -> set[str]:
    response = client.get(url("change", appointment))
    assert response.status_code == 200
    return {item["change"].name for item in response.context["desk_changes"]}


@pytest.mark.django_db
def test_buttons_follow_status_time_and_permission(
    reception, soon, screened_request, clock, otp_login
):
    assert buttons(reception, soon) == {"reschedule", "cancel"}
    assert buttons(reception, screened_request) == {"reschedule", "cancel"}
    clock.move_to(TODAY_AT_3 + dt.timedelta(minutes=5))
    otp_login(reception, reception.user)  # the morning's session has timed out
    assert buttons(reception, soon) == {"reschedule", "cancel", "complete", "no_show"}
    services.cancel_appointment(soon.pk, reason="Asked by phone.")
    assert buttons(reception, soon) == set()


@pytest.mark.django_db
def test_clinician_approves_and_declines_from_the_page(clinician, screened_request):
    assert buttons(clinician, screened_request) == {"approve", "decline", "reschedule", "cancel"}
    response = clinician.post(url("approve", screened_request), follow=True)
    assert any("Approved" in text for text in messages_of(response))
    screened_request.refresh_from_db()
    assert screened_request.status == Status.CONFIRMED


@pytest.mark.django_db
def test_reception_cannot_open_approve_or_decline(reception, screened_request):
    assert reception.get(url("approve", screened_request)).status_code == 403
    assert reception.post(url("decline", screened_request), {"reason": "x"}).status_code == 403
    screened_request.refresh_from_db()
    assert screened_request.status == Status.REQUESTED


@pytest.mark.django_db
def test_no_show_before_the_start_on_the_page_is_a_message(reception, soon):
    response = reception.post(url("no_show", soon), follow=True)
    assert any("has not started yet" in text for text in messages_of(response))
    soon.refresh_from_db()
    assert soon.status == Status.CONFIRMED


@pytest.mark.django_db
def test_cancel_asks_for_confirmation_and_a_reason(reception, soon):
    page = reception.get(url("cancel", soon))
    body = page.content.decode()
    assert 'name="reason"' in body and 'name="show_to_patient"' in body
    assert "Cancel the appointment" in body
    soon.refresh_from_db()
    assert soon.status == Status.CONFIRMED, "opening the page changes nothing"

    refused = reception.post(url("cancel", soon), {"reason": "", "show_to_patient": "on"})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    soon.refresh_from_db()
    assert soon.status == Status.CONFIRMED

    done = reception.post(
        url("cancel", soon), {"reason": "Moving away.", "show_to_patient": "on"}, follow=True
    )
    assert any("Cancelled" in text for text in messages_of(done))
    soon.refresh_from_db()
    assert soon.status == Status.CANCELLED
    change = AppointmentChange.objects.get(appointment=soon, action="cancelled")
    assert change.by == reception.user and change.reason_shown_to_patient


@pytest.mark.django_db
def test_reschedule_page_offers_free_times_and_moves(reception, soon):
    page = reception.get(url("reschedule", soon), {"day": "2027-01-06"})
    body = page.content.decode()
    value = f"{WEDNESDAY_AT_10.astimezone(dt.UTC).isoformat()}|{soon.practitioner_id}"
    assert value in body and "<legend>Dr. Ana Ruiz</legend>" in body
    assert "10:00:00" not in body

    typed = reception.post(
        url("reschedule", soon) + "?day=2027-01-06", {"slot": value, "reason": ""}
    )
    assert typed.status_code == 200 and "checked" in typed.content.decode()

    done = reception.post(
        url("reschedule", soon) + "?day=2027-01-06",
        {"slot": value, "reason": "Phoned: car trouble."},
        follow=True,
    )
    assert any("Moved" in text for text in messages_of(done))
    soon.refresh_from_db()
    assert soon.starts_at == WEDNESDAY_AT_10


# --- Notes ------------------------------------------------------------------------------


def form_data(appointment, **changes) -> dict:
    data = {
        "patient_name": appointment.patient_name,
        "patient_email": appointment.patient_email,
        "patient_phone": appointment.patient_phone,
        "desk_note": appointment.desk_note,
    }
    for prefix in ("consents", "changes", "emails"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return {**data, **changes}


@pytest.mark.django_db
def test_notes_reception_and_clinical(client, staff_member, otp_login, soon):
    clinician = staff_member("Clinician")
    reception = staff_member("Reception")
    otp_login(client, clinician)
    page = client.get(url("change", soon))
    assert "clinical_note" in page.context["adminform"].form.fields
    secret = "Keloid history ZEBRA-1234"
    response = client.post(
        url("change", soon),
        form_data(soon, desk_note="Parks at the back.", clinical_note=secret),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    soon.refresh_from_db()
    assert soon.desk_note == "Parks at the back." and soon.clinical_note == secret
    actions = dict(AppointmentChange.objects.filter(appointment=soon).values_list("action", "note"))
    assert actions["note changed"] == "Parks at the back."
    assert actions["clinical note changed"] == ""

    otp_login(client, reception)
    page = client.get(url("change", soon))
    body = page.content.decode()
    assert "clinical_note" not in page.context["adminform"].form.fields
    assert "ZEBRA" not in body and "clinical note changed" in body
    assert "Parks at the back." in body
    client.post(url("change", soon), form_data(soon, clinical_note="overwritten?"))
    soon.refresh_from_db()
    assert soon.clinical_note == secret


# --- The history and the times on the page -----------------------------------------------


@pytest.mark.django_db
def test_history_in_clinic_time_without_seconds(reception, soon):
    services.cancel_appointment(soon.pk, by=reception.user, reason="Asked by phone.")
    body = reception.get(url("change", soon)).content.decode()
    assert "when (clinic time)" in body.lower()
    assert "Mon 4 Jan 2027, 08:40" in body
    assert "UTC" not in body
    assert ":00:00" not in body


# --- A patient's visits together --------------------------------------------------------


@pytest.mark.django_db
def test_the_patients_other_visits_by_email_or_phone(reception, soon, treatment, screened_request):
    by_phone = AppointmentFactory(
        treatment=treatment,
        practitioner=soon.practitioner,
        starts_at=dt.datetime(2026, 11, 3, 11, 0, tzinfo=TIJUANA),
        status=Status.COMPLETED,
        patient_email="other-address@example.com",
        patient_phone=soon.patient_phone,
    )
    by_email = AppointmentFactory(
        treatment=treatment,
        practitioner=soon.practitioner,
        starts_at=dt.datetime(2026, 12, 1, 16, 30, tzinfo=TIJUANA),
        status=Status.NO_SHOW,
        patient_email=soon.patient_email.upper(),
    )
    body = reception.get(url("change", soon)).content.decode()
    assert "Tue 3 Nov 2026, 11:00" in body and by_phone.reference in body
    assert "Tue 1 Dec 2026, 16:30" in body and by_email.reference in body
    assert screened_request.reference not in body  # another patient
    assert url("change", by_phone) in body
    assert "No-show" in body and "Completed" in body


@pytest.mark.django_db
def test_the_appointment_page_query_count_does_not_grow_with_visits(reception, soon, treatment):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reception.get(url("change", soon)).status_code == 200
        return len(captured)

    AppointmentFactory(
        treatment=treatment,
        practitioner=soon.practitioner,
        starts_at=dt.datetime(2026, 10, 1, 10, 0, tzinfo=TIJUANA),
        status=Status.COMPLETED,
    )
    queries()  # the clinic's profile and policy are cached from now on
    few = queries()
    for day in range(2, 12):
        AppointmentFactory(
            treatment=treatment,
            practitioner=soon.practitioner,
            starts_at=dt.datetime(2026, 10, day, 10, 0, tzinfo=TIJUANA),
            status=Status.COMPLETED,
        )
    assert queries() == few


@pytest.mark.django_db
def test_reception_never_sees_answers_on_the_change_pages(reception, screened_request):
    for name in ("change", "cancel", "reschedule"):
        body = reception.get(url(name, screened_request)).content.decode()
        assert SECRET_QUESTION not in body


def test_new_wording_is_translated():
    with translation.override("es"):
        assert str(services.ReasonMissing()) != (
            "Please give a reason: it is kept in the appointment's history."
        )


@pytest.mark.django_db
def test_erasing_the_patient_blanks_both_notes_and_the_notes_history(soon):
    Appointment.objects.filter(pk=soon.pk).update(
        desk_note="Her husband Tomás drives her.", clinical_note="Keloids"
    )
    AppointmentChange.objects.create(
        appointment=soon, actor=Actor.STAFF, action="note changed", note="Her husband Tomás"
    )
    assert services.export_patient_data(soon.patient_email)["appointments"][0][
        "note_for_reception"
    ] == ("Her husband Tomás drives her.")

    services.erase_patient(soon.patient_email)

    soon.refresh_from_db()
    assert soon.desk_note == "" and soon.clinical_note == ""
    assert not AppointmentChange.objects.filter(note__contains="Tomás").exists()


@pytest.mark.django_db
def test_the_list_action_no_show_before_the_start_is_refused_with_the_reason(reception, soon):
    response = reception.post(
        reverse("admin:booking_appointment_changelist"),
        {"action": "mark_no_show", "_selected_action": [str(soon.pk)]},
        follow=True,
    )
    assert any("has not started yet" in text for text in messages_of(response))
    soon.refresh_from_db()
    assert soon.status == Status.CONFIRMED


@pytest.mark.django_db
def test_no_time_with_seconds_anywhere_in_the_appointment_admin(clinician, soon):
    services.cancel_appointment(soon.pk, by=clinician.user, reason="Asked by phone.")
    pages = [
        reverse("admin:booking_appointment_changelist"),
        url("change", soon),
        reverse("admin:booking_appointment_changelist") + "?when=today",
    ]
    for page in pages:
        body = clinician.get(page).content.decode()
        assert not re.search(r"\b\d{1,2}:\d\d:\d\d\b", body), page


@pytest.mark.django_db
def test_a_link_to_a_change_asks_first_and_the_queue_leads_back_to_the_book(
    clinician, screened_request
):
    """The calendar links to these pages: opening one changes nothing."""
    page = clinician.get(url("approve", screened_request))
    assert page.status_code == 200 and "Approve the request" in page.content.decode()
    screened_request.refresh_from_db()
    assert screened_request.status == Status.REQUESTED

    queue_page = reverse("admin:booking_appointmentrequest_change", args=[screened_request.pk])
    decline = reverse("admin:booking_appointmentrequest_decline", args=[screened_request.pk])
    assert decline in clinician.get(queue_page).content.decode()
    done = clinician.post(decline, {"reason": "Not this month."})
    assert done.status_code == 302 and done.url == url("change", screened_request)


def test_every_refusal_has_its_words_for_patients_staff_and_the_desk():
    from booking.services import gate
    from booking.services.desk_booking import DESK_TIME_MESSAGES

    assert set(gate.PATIENT_MESSAGES) == set(gate.Refusal)
    assert set(gate.STAFF_MESSAGES) == set(gate.Refusal)
    assert {r for r in gate.Refusal if not r.about_answers} <= set(DESK_TIME_MESSAGES)

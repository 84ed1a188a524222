"""A closure never saved silently over visits that keep their time; working hours that
overlap on one day refused; times as 10:00 (booking/admin/schedule_forms.py)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from booking.models import (
    AppointmentChange,
    Closure,
    EmailKind,
    PatientEmail,
    Status,
    WorkingHours,
    overlapping_hours,
)
from tests.factories import TIJUANA, AppointmentFactory, PractitionerFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:booking_closure_add")
TUESDAY = dt.date(2027, 1, 12)


@pytest.fixture
def reception(client, staff_member, otp_login):
    return otp_login(client, staff_member("Reception"))


@pytest.fixture
def manager(client, staff_member, otp_login):
    return otp_login(client, staff_member("Manager"))


def closure_form(practitioner, start="09:00", end="18:00", **extra) -> dict:
    return {
        "practitioner": practitioner.pk if practitioner else "",
        "starts_at_0": TUESDAY.isoformat(),
        "starts_at_1": start,
        "ends_at_0": TUESDAY.isoformat(),
        "ends_at_1": end,
        "reason": "Training course",
        "is_active": "on",
        **extra,
    }


def test_a_closure_over_visits_lists_them_before_saving(
    reception, confirmed_appointment, practitioner
):
    held = AppointmentFactory(
        treatment=confirmed_appointment.treatment,
        practitioner=practitioner,
        starts_at=dt.datetime(2027, 1, 12, 15, tzinfo=TIJUANA),
        held=True,
        patient_name="Held Patient",
    )

    response = reception.post(ADD, closure_form(practitioner))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Visits inside this closure" in html
    assert "Jane Doe" in html and "Held Patient" in html
    assert "Tue 12 Jan 2027, 10:00–11:00" in html
    assert reverse("admin:booking_appointment_change", args=[confirmed_appointment.pk]) in html
    assert reverse("admin:booking_appointment_change", args=[held.pk]) in html
    # What was typed travels on, nothing is saved.
    assert 'name="reason" value="Training course"' in html
    assert not Closure.objects.exists()


def test_going_back_keeps_what_was_typed_and_saves_nothing(
    reception, confirmed_appointment, practitioner
):
    response = reception.post(
        ADD,
        closure_form(
            practitioner, _visits_in_the_way="back", _visit_shown=confirmed_appointment.pk
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "1 visit falls inside this closure" in html
    assert "Jane Doe with Dr. Ana Ruiz (Confirmed)" in html
    assert 'value="Training course"' in html  # the form again, as typed
    assert not Closure.objects.exists()
    confirmed_appointment.refresh_from_db()
    assert confirmed_appointment.status == Status.CONFIRMED


def test_cancelling_them_saves_the_closure_cancels_and_emails_each_patient(
    reception, confirmed_appointment, practitioner, django_capture_on_commit_callbacks
):
    other_day = AppointmentFactory(
        treatment=confirmed_appointment.treatment,
        practitioner=practitioner,
        starts_at=dt.datetime(2027, 1, 13, 10, tzinfo=TIJUANA),
    )
    data = closure_form(
        practitioner,
        _visits_in_the_way="cancel",
        _visit_shown=confirmed_appointment.pk,
        _cancel_reason="Dr. Ruiz is ill",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = reception.post(ADD, data, follow=True)

    assert response.status_code == 200
    assert "1 visit inside the closure was cancelled" in response.content.decode()
    assert Closure.objects.get().reason == "Training course"
    confirmed_appointment.refresh_from_db()
    assert confirmed_appointment.status == Status.CANCELLED
    change = AppointmentChange.objects.filter(appointment=confirmed_appointment).latest("at")
    assert change.reason == "Dr. Ruiz is ill"
    assert change.by.username == "reception"
    assert PatientEmail.objects.filter(
        appointment=confirmed_appointment, kind=EmailKind.CANCELLED
    ).exists()
    # The box "show this reason to the patients" was not ticked: the email does not say it.
    assert len(mail.outbox) == 1
    assert "Dr. Ruiz is ill" not in mail.outbox[0].body
    other_day.refresh_from_db()
    assert other_day.status == Status.CONFIRMED
    assert not PatientEmail.objects.filter(appointment=other_day).exists()


def test_the_reason_reaches_the_patients_when_staff_tick_the_box(
    reception, confirmed_appointment, practitioner, django_capture_on_commit_callbacks
):
    data = closure_form(
        practitioner,
        _visits_in_the_way="cancel",
        _visit_shown=confirmed_appointment.pk,
        _cancel_reason="Dr. Ruiz is ill",
        _reason_to_patients="1",
    )

    with django_capture_on_commit_callbacks(execute=True):
        reception.post(ADD, data, follow=True)

    confirmed_appointment.refresh_from_db()
    assert confirmed_appointment.status == Status.CANCELLED
    change = AppointmentChange.objects.filter(appointment=confirmed_appointment).latest("at")
    assert change.reason_shown_to_patient
    assert [m.to for m in mail.outbox] == [[confirmed_appointment.patient_email]]
    assert "Dr. Ruiz is ill" in mail.outbox[0].body


def test_the_cancellation_email_goes_to_the_patient(reception, confirmed_appointment, practitioner):
    reception.post(
        ADD,
        closure_form(
            practitioner,
            _visits_in_the_way="cancel",
            _visit_shown=confirmed_appointment.pk,
            _cancel_reason="Dr. Ruiz is ill",
        ),
    )
    call_command("send_pending_emails", stdout=io.StringIO())

    assert [message.to for message in mail.outbox] == [["jane@example.com"]]
    assert "cancel" in mail.outbox[0].subject.lower()


def test_cancelling_needs_a_reason(reception, confirmed_appointment, practitioner):
    response = reception.post(
        ADD,
        closure_form(
            practitioner, _visits_in_the_way="cancel", _visit_shown=confirmed_appointment.pk
        ),
    )

    assert "Say why the visits are cancelled" in response.content.decode()
    assert not Closure.objects.exists()
    confirmed_appointment.refresh_from_db()
    assert confirmed_appointment.status == Status.CONFIRMED


def test_a_visit_booked_while_deciding_is_shown_before_anything_is_cancelled(
    reception, confirmed_appointment, practitioner
):
    late = AppointmentFactory(
        treatment=confirmed_appointment.treatment,
        practitioner=practitioner,
        starts_at=dt.datetime(2027, 1, 12, 15, tzinfo=TIJUANA),
        patient_name="Late Booker",
    )
    response = reception.post(
        ADD,
        closure_form(
            practitioner,
            _visits_in_the_way="cancel",
            _visit_shown=confirmed_appointment.pk,
            _cancel_reason="Ill",
        ),
    )

    html = response.content.decode()
    assert "changed while you were deciding" in html
    assert "Late Booker" in html
    assert not Closure.objects.exists()
    late.refresh_from_db()
    assert late.status == Status.CONFIRMED


def test_a_clinic_wide_closure_covers_every_practitioner(reception, confirmed_appointment):
    response = reception.post(ADD, closure_form(None))

    assert "Jane Doe" in response.content.decode()
    assert not Closure.objects.exists()


def test_a_closure_around_no_visit_saves_at_once(reception, confirmed_appointment, practitioner):
    response = reception.post(ADD, closure_form(practitioner, start="14:00", end="18:00"))

    assert response.status_code == 302
    closure = Closure.objects.get()
    assert closure.starts_at == dt.datetime(2027, 1, 12, 14, tzinfo=TIJUANA)


def test_a_closure_not_in_force_does_not_ask(reception, confirmed_appointment, practitioner):
    data = closure_form(practitioner)
    del data["is_active"]

    assert reception.post(ADD, data).status_code == 302


def test_closure_form_shows_times_without_seconds(reception, practitioner, clinic_profile):
    from tests.factories import ClosureFactory

    closure = ClosureFactory(
        practitioner=practitioner,
        starts_at=dt.datetime(2027, 1, 12, 10, tzinfo=TIJUANA),
        ends_at=dt.datetime(2027, 1, 12, 12, tzinfo=TIJUANA),
    )

    html = reception.get(
        reverse("admin:booking_closure_change", args=[closure.pk])
    ).content.decode()

    assert 'value="10:00"' in html and 'value="12:00"' in html
    assert "10:00:00" not in html


# --- On the practitioner's page ---------------------------------------------------------


def practitioner_form(practitioner, hours, closures=()) -> dict:
    data = {
        "name": practitioner.name,
        "name_es": practitioner.name,
        "name_en": practitioner.name,
        "title": "",
        "bio": "",
        "is_active": "on",
        "position": 0,
        "treatments": [t.pk for t in practitioner.treatments.all()],
        "working_hours-TOTAL_FORMS": len(hours),
        "working_hours-INITIAL_FORMS": 0,
        "closures-TOTAL_FORMS": len(closures),
        "closures-INITIAL_FORMS": 0,
    }
    for index, (weekday, start, end) in enumerate(hours):
        data[f"working_hours-{index}-weekday"] = weekday
        data[f"working_hours-{index}-starts_at"] = start
        data[f"working_hours-{index}-ends_at"] = end
    for index, (start, end) in enumerate(closures):
        data[f"closures-{index}-starts_at_0"] = TUESDAY.isoformat()
        data[f"closures-{index}-starts_at_1"] = start
        data[f"closures-{index}-ends_at_0"] = TUESDAY.isoformat()
        data[f"closures-{index}-ends_at_1"] = end
        data[f"closures-{index}-reason"] = "Away"
    return data


def change_url(practitioner) -> str:
    return reverse("admin:booking_practitioner_change", args=[practitioner.pk])


def test_overlapping_working_hours_are_refused_naming_them(manager, treatment):
    practitioner = PractitionerFactory(treatments=[treatment], hours=[])

    response = manager.post(
        change_url(practitioner),
        practitioner_form(practitioner, [(3, "10:00", "16:00"), (3, "15:00", "19:00")]),
    )

    assert response.status_code == 200
    assert "Thursday 10:00–16:00 and Thursday 15:00–19:00 overlap" in response.content.decode()
    assert not WorkingHours.objects.filter(practitioner=practitioner).exists()


def test_a_new_row_overlapping_a_saved_one_is_refused(manager, treatment):
    practitioner = PractitionerFactory(treatments=[treatment], hours=[])
    saved = WorkingHours.objects.create(
        practitioner=practitioner, weekday=3, starts_at=dt.time(10), ends_at=dt.time(16)
    )
    data = practitioner_form(practitioner, [(3, "10:00", "16:00"), (3, "15:00", "19:00")])
    data["working_hours-INITIAL_FORMS"] = 1
    data["working_hours-0-id"] = saved.pk
    data["working_hours-0-practitioner"] = practitioner.pk

    response = manager.post(change_url(practitioner), data)

    assert "Thursday 10:00–16:00 and Thursday 15:00–19:00 overlap" in response.content.decode()
    assert WorkingHours.objects.filter(practitioner=practitioner).count() == 1


def test_hours_that_meet_or_fall_on_other_days_are_kept(manager, treatment):
    practitioner = PractitionerFactory(treatments=[treatment], hours=[])

    response = manager.post(
        change_url(practitioner),
        practitioner_form(
            practitioner, [(3, "09:00", "13:00"), (3, "13:00", "17:00"), (4, "10:00", "16:00")]
        ),
    )

    assert response.status_code == 302
    assert WorkingHours.objects.filter(practitioner=practitioner).count() == 3


def test_practitioner_page_shows_hours_without_seconds(manager, reception, practitioner):
    for client in (manager, reception):
        html = client.get(change_url(practitioner)).content.decode()
        assert "09:00" in html and "13:00" in html
        assert "09:00:00" not in html and "a.m." not in html


def test_a_closure_added_on_the_practitioners_page_over_a_visit_is_refused(
    manager, confirmed_appointment, practitioner
):
    response = manager.post(
        change_url(practitioner),
        practitioner_form(practitioner, [], closures=[("09:00", "12:00")]),
    )

    assert response.status_code == 200
    assert "1 visit falls inside this closure" in response.content.decode()
    assert not Closure.objects.exists()


def test_overlapping_hours_rule():
    nine, ten, one, three, four = (dt.time(h) for h in (9, 10, 13, 15, 16))

    assert overlapping_hours([(3, ten, four), (3, three, dt.time(19))]) == [
        (3, (ten, four), (three, dt.time(19)))
    ]
    assert overlapping_hours([(3, nine, one), (3, one, four), (4, ten, four)]) == []

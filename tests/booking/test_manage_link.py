"""The private link in emails: view, cancel until the cut-off, reschedule; never a 500."""

import datetime as dt

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from booking import services
from booking.models import Appointment, Status
from booking.tokens import SALT, make_manage_token
from tests.factories import AppointmentFactory, PractitionerFactory, TreatmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment():
    treatment = TreatmentFactory(microneedling=True)
    practitioner = PractitionerFactory(treatments=[treatment])
    start = services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())[4].start
    return AppointmentFactory(
        treatment=treatment, practitioner=practitioner, starts_at=start, screened=True
    )


def manage_url(appointment, name="booking:manage", token=None):
    return reverse(name, kwargs={"token": token or make_manage_token(appointment)})


def test_the_link_shows_the_appointment(client, appointment):
    response = client.get(manage_url(appointment))

    assert response.status_code == 200
    page = response.content.decode()
    assert appointment.reference in page
    assert "Cancel this appointment" in page
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
        lambda token: token.split(":")[0],
        lambda token: signing.dumps({"a": "1 OR 1=1", "k": "x"}, salt=SALT),
        lambda token: signing.dumps({"a": 99999, "k": "x"}, salt=SALT),
        lambda token: signing.dumps(["a", "list"], salt=SALT),
        lambda token: signing.dumps({"a": 1}, salt="another-salt"),
    ],
)
def test_a_tampered_link_gets_a_friendly_page(client, appointment, mangle):
    response = client.get(manage_url(appointment, token=mangle(make_manage_token(appointment))))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert appointment.reference not in response.content.decode()


def test_an_expired_link_gets_a_friendly_page(client, appointment, settings):
    token = make_manage_token(appointment)
    settings.MANAGE_LINK_MAX_AGE = -1

    response = client.get(manage_url(appointment, token=token))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_a_revoked_key_invalidates_old_links(client, appointment):
    token = make_manage_token(appointment)
    Appointment.objects.filter(pk=appointment.pk).update(manage_key="rotated-key")

    assert client.get(manage_url(appointment, token=token)).status_code == 404


def test_the_patient_can_cancel_before_the_cutoff(client, appointment, mailoutbox):
    response = client.post(manage_url(appointment, "booking:manage_cancel"))

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert appointment.changes.filter(action="cancelled", actor="patient").exists()
    assert appointment.emails.filter(kind="cancelled").exists()


def test_the_patient_cannot_cancel_after_the_cutoff(client, appointment):
    soon = timezone.now() + dt.timedelta(hours=3)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=1),
        occupied_until=soon + dt.timedelta(hours=2),
    )

    response = client.post(manage_url(appointment, "booking:manage_cancel"), follow=True)

    assert "can no longer be cancelled online" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED


def test_a_cancelled_appointment_cannot_be_rescheduled_by_an_old_link(client, appointment):
    token = make_manage_token(appointment)
    services.cancel_appointment(appointment.pk, reason="The practitioner is ill.")
    new_start = services.free_slots_for(
        appointment.treatment, practitioner_id=None, now=timezone.now()
    )[10].start

    page = client.get(manage_url(appointment, "booking:manage_reschedule", token=token))
    response = client.post(
        manage_url(appointment, "booking:manage_reschedule", token=token),
        {"start": new_start.isoformat()},
    )

    assert page.status_code == 302
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert appointment.starts_at != new_start
    assert "Choose another time" not in client.get(manage_url(appointment)).content.decode()


@pytest.mark.parametrize("status", [Status.DECLINED, Status.COMPLETED, Status.NO_SHOW])
def test_finished_appointments_cannot_be_changed(client, appointment, status):
    Appointment.objects.filter(pk=appointment.pk).update(status=status)

    response = client.post(manage_url(appointment, "booking:manage_cancel"))
    appointment.refresh_from_db()

    assert response.status_code == 302
    assert appointment.status == status


def test_a_past_appointment_cannot_be_rescheduled(client, appointment):
    past = timezone.now() - dt.timedelta(days=2)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=past,
        ends_at=past + dt.timedelta(hours=1),
        occupied_until=past + dt.timedelta(hours=2),
    )

    response = client.get(manage_url(appointment, "booking:manage_reschedule"))

    assert response.status_code == 302
    assert "in the past" in client.get(manage_url(appointment)).content.decode()


def test_the_patient_can_move_the_appointment_to_another_free_time(client, appointment):
    slots = services.free_slots_for(
        appointment.treatment,
        practitioner_id=None,
        now=timezone.now(),
        ignore_appointment_id=appointment.pk,
    )
    new_start = slots[-1].start

    page = client.get(manage_url(appointment, "booking:manage_reschedule"))
    response = client.post(
        manage_url(appointment, "booking:manage_reschedule"), {"start": new_start.isoformat()}
    )

    assert page.status_code == 200
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == new_start
    assert appointment.status == Status.CONFIRMED
    assert appointment.emails.filter(kind="rescheduled").exists()
    assert appointment.changes.filter(action="rescheduled").exists()


def test_rescheduling_to_a_taken_time_is_refused_kindly(client, appointment):
    response = client.post(
        manage_url(appointment, "booking:manage_reschedule"),
        {"start": (appointment.starts_at + dt.timedelta(minutes=7)).isoformat()},
    )

    assert response.status_code == 409
    assert "no longer available" in response.content.decode()


@pytest.mark.parametrize("value", ["", "yesterday", "2027-13-45T99:00", "x" * 5000])
def test_rescheduling_with_garbage_is_refused_kindly(client, appointment, value):
    response = client.post(manage_url(appointment, "booking:manage_reschedule"), {"start": value})

    assert response.status_code == 400
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED

"""Who saw or exported an appointment and its answers is recorded where staff cannot edit it."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from booking.models import AccessRecord, Outcome, Status
from tests.factories import (
    AppointmentFactory,
    PractitionerFactory,
    ScreeningAnswerFactory,
    ScreeningFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment():
    treatment = TreatmentFactory(microneedling=True, visit_minutes=60, buffer_minutes=0)
    practitioner = PractitionerFactory(treatments=[treatment])
    screening = ScreeningFactory(treatment=treatment, outcome=Outcome.NEEDS_REVIEW)
    ScreeningAnswerFactory(screening=screening, question_text="Keloid history?")
    return AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=dt.datetime(2030, 3, 4, 17, tzinfo=dt.UTC),
        status=Status.REQUESTED,
        screening=screening,
    )


def staff(django_user_model, group: str):
    user = django_user_model.objects.create_user(group.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_viewing_an_appointment_is_recorded(client, otp_login, django_user_model, appointment):
    receptionist = staff(django_user_model, "Reception")
    otp_login(client, receptionist)

    client.get(reverse("admin:booking_appointment_change", args=[appointment.pk]))

    record = AccessRecord.objects.get()
    assert (record.username, record.action, record.reference) == (
        "reception",
        "viewed",
        appointment.reference,
    )


def test_a_clinician_seeing_answers_is_recorded(client, otp_login, django_user_model, appointment):
    clinician = staff(django_user_model, "Clinician")
    otp_login(client, clinician)

    client.get(reverse("admin:booking_appointment_change", args=[appointment.pk]))
    client.get(reverse("admin:booking_appointmentrequest_changelist"))

    actions = set(AccessRecord.objects.values_list("action", flat=True))
    assert actions == {"viewed", "viewed_answers", "listed_answers"}


def test_staff_cannot_edit_or_delete_access_records(
    client, otp_login, django_user_model, appointment
):
    manager = staff(django_user_model, "Manager")
    otp_login(client, manager)
    client.get(reverse("admin:booking_appointment_change", args=[appointment.pk]))
    record = AccessRecord.objects.get(action="viewed")

    listing = client.get(reverse("admin:booking_accessrecord_changelist"))
    change = client.post(
        reverse("admin:booking_accessrecord_change", args=[record.pk]), {"action": "erased"}
    )
    delete = client.post(reverse("admin:booking_accessrecord_delete", args=[record.pk]))

    assert listing.status_code == 200
    assert appointment.reference in listing.content.decode()
    assert change.status_code == 403
    assert delete.status_code == 403
    record.action = "erased"
    with pytest.raises(ValueError):
        record.save()


def test_reception_cannot_read_the_access_records(client, otp_login, django_user_model):
    otp_login(client, staff(django_user_model, "Reception"))

    assert client.get(reverse("admin:booking_accessrecord_changelist")).status_code == 403


def test_the_manager_exports_and_erases_a_patients_data(
    client, otp_login, django_user_model, appointment
):
    manager = staff(django_user_model, "Manager")
    otp_login(client, manager)
    url = reverse("admin:booking_appointment_changelist")

    export = client.post(
        url, {"action": "export_patient_data", "_selected_action": [appointment.pk]}
    )
    data = json.loads(export.content)
    erase = client.post(
        url, {"action": "erase_patient_data", "_selected_action": [appointment.pk]}, follow=True
    )

    assert data["appointments"][0]["screening"][0]["answer"] == "yes"
    assert "Erased the data of 1" in erase.content.decode()
    appointment.refresh_from_db()
    assert appointment.patient_email == ""
    assert appointment.status == Status.CANCELLED
    assert set(AccessRecord.objects.values_list("action", flat=True)) >= {"exported", "erased"}


def test_reception_cannot_export_or_erase(client, otp_login, django_user_model, appointment):
    otp_login(client, staff(django_user_model, "Reception"))
    url = reverse("admin:booking_appointment_changelist")

    response = client.post(
        url, {"action": "export_patient_data", "_selected_action": [appointment.pk]}
    )

    assert response.get("Content-Type", "").startswith("text/html")
    appointment.refresh_from_db()
    assert appointment.patient_email == "jane@example.com"
    assert not AccessRecord.objects.filter(action="exported").exists()

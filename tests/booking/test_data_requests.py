"""A patient's data requests from the manage link (a copy, deleting the health answers):
recorded once, the manager emailed without health data, handled in admin by the
Manager group only."""

import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.urls import reverse

from booking import services
from booking.models import (
    AccessRecord,
    Appointment,
    DataRequest,
    DataRequestKind,
    DataRequestQuerySet,
    DataRequestStatus,
    Screening,
)
from booking.tokens import make_manage_token
from clinic.models import ClinicProfile

from .conftest import (
    SECRET_BIRTH_DATE,
    SECRET_DATE_ANSWER,
    SECRET_DATE_QUESTION,
    SECRET_INSTRUCTIONS,
    SECRET_QUESTION,
)

pytestmark = pytest.mark.django_db

SECRETS = [
    SECRET_QUESTION,
    SECRET_DATE_QUESTION,
    SECRET_DATE_ANSWER,
    SECRET_INSTRUCTIONS,
    SECRET_BIRTH_DATE.isoformat(),
]
LIST = reverse("admin:booking_datarequest_changelist")
COPY, DELETE = DataRequestKind.COPY, DataRequestKind.DELETE_HEALTH_ANSWERS


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """``ask(appointment, kind)``: the patient's POST from the manage page (a browser of
    their own), with what waits for the commit (the manager's email) run."""

    def post(appointment, kind):
        client = Client()
        url = reverse(
            "booking:manage_data_request", kwargs={"token": make_manage_token(appointment)}
        )
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {"kind": kind}, follow=True)

    return post


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def run_action(client, action, *requests):
    return client.post(
        LIST, {"action": action, "_selected_action": [str(r.pk) for r in requests]}, follow=True
    )


@pytest.fixture
def manager(client, staff_member, otp_login):
    user = staff_member("Manager")
    otp_login(client, user)
    client.user = user
    return client


# --- From the manage link ------------------------------------------------------------------


def test_the_manage_page_offers_both_requests_and_links_the_notice(client, screened_request):
    url = reverse("booking:manage", kwargs={"token": make_manage_token(screened_request)})

    page = client.get(url).content.decode()

    assert "Your data" in page
    assert f'value="{COPY}"' in page
    assert f'value="{DELETE}"' in page
    assert f'href="{reverse("privacy")}"' in page


def test_a_request_is_recorded_and_the_manager_emailed_without_health_data(
    ask, client, screened_request
):
    response = ask(screened_request, DELETE)

    request = DataRequest.objects.get()
    assert (request.appointment, request.kind, request.status) == (
        screened_request,
        DELETE,
        DataRequestStatus.OPEN,
    )
    assert request.reference == screened_request.reference
    assert request.patient_email == "robin@example.com"
    assert request.manager_notified_at is not None
    assert any("request to delete your answers" in m for m in page_messages(response))
    assert "Deletion of their health answers: asked on 4 January 2027" in (
        response.content.decode()
    )

    [email] = mail.outbox
    assert email.to == ["hola@clinica.example"]  # the clinic profile's email
    assert screened_request.reference in email.subject
    # To the clinic's staff, in the site's first language (Spanish), whoever asked.
    assert "Borrado de sus respuestas de salud" in email.body
    assert "el 4 de enero de 2027, 08:40" in email.body
    assert f"https://clinic.example/admin/booking/datarequest/{request.pk}/change/" in email.body
    assert "20 días hábiles" in email.body
    message = email.message().as_string()
    for secret in [*SECRETS, "Robin", "robin@example.com"]:
        assert secret not in message, secret
    assert screened_request.changes.filter(action="data request").exists()


def test_asking_twice_records_one_request_and_sends_one_email(ask, client, screened_request):
    ask(screened_request, COPY)

    again = ask(screened_request, COPY)

    assert DataRequest.objects.count() == 1
    assert len(mail.outbox) == 1
    assert any("We already have this request" in m for m in page_messages(again))


def test_each_kind_is_its_own_request(ask, client, screened_request):
    ask(screened_request, COPY)
    ask(screened_request, DELETE)

    assert sorted(DataRequest.objects.values_list("kind", flat=True)) == sorted([COPY, DELETE])
    assert len(mail.outbox) == 2


@override_settings(PRIVACY_REQUESTS_EMAIL="privacy@clinica.example")
def test_the_manager_address_can_be_set_apart_from_the_clinics(ask, client, screened_request):
    ask(screened_request, COPY)

    assert mail.outbox[0].to == ["privacy@clinica.example"]


@pytest.mark.parametrize("kind", ["", "everything", "copy' OR 1=1", "x" * 500])
def test_an_unknown_request_is_refused_kindly(ask, client, screened_request, kind):
    response = ask(screened_request, kind)

    assert response.status_code == 200
    assert any("Please choose one of the requests" in m for m in page_messages(response))
    assert not DataRequest.objects.exists()
    assert not mail.outbox


def test_a_forged_link_records_nothing(client, screened_request):
    url = reverse("booking:manage_data_request", kwargs={"token": "forged"})

    response = client.post(url, {"kind": COPY})

    assert response.status_code == 404
    assert not DataRequest.objects.exists()


def test_requests_need_a_post(client, screened_request):
    url = reverse(
        "booking:manage_data_request", kwargs={"token": make_manage_token(screened_request)}
    )

    assert client.get(url).status_code == 405
    assert not DataRequest.objects.exists()


# --- In admin ----------------------------------------------------------------------------


def test_the_manager_lists_requests_and_downloads_the_copy(ask, manager, client, screened_request):
    ask(screened_request, COPY)
    request = DataRequest.objects.get()

    listing = manager.get(LIST)
    download = run_action(manager, "export_copy", request)

    assert listing.status_code == 200
    assert screened_request.reference in listing.content.decode()
    data = json.loads(download.content)
    assert data["appointments"][0]["reference"] == screened_request.reference
    assert data["appointments"][0]["screening"][0]["question"] == SECRET_QUESTION
    assert AccessRecord.objects.filter(
        user=manager.user, action=AccessRecord.Action.EXPORTED
    ).exists()

    run_action(manager, "mark_done", request)

    request.refresh_from_db()
    assert (request.status, request.handled_by) == (DataRequestStatus.DONE, manager.user)
    assert request.handled_at is not None


def test_the_manager_deletes_the_health_answers_and_closes_the_request(
    ask, manager, client, screened_request
):
    ask(screened_request, DELETE)
    request = DataRequest.objects.get()
    screening_id = screened_request.screening_id

    response = run_action(manager, "delete_health_answers", request)

    assert any("Deleted the health answers of 1" in m for m in page_messages(response))
    appointment = Appointment.objects.get(pk=screened_request.pk)
    assert appointment.screening is None
    assert appointment.instructions == ""
    assert appointment.patient_name == "Robin Requester"  # the appointment itself stays
    assert not Screening.objects.filter(pk=screening_id).exists()
    request.refresh_from_db()
    assert (request.status, request.handled_by) == (DataRequestStatus.DONE, manager.user)
    assert request.note == "Health answers deleted."
    assert AccessRecord.objects.filter(action=AccessRecord.Action.DELETED_ANSWERS).exists()
    assert appointment.changes.filter(action="health answers deleted").exists()


def test_requests_are_never_added_or_deleted_in_admin(ask, manager, client, screened_request):
    ask(screened_request, COPY)
    request = DataRequest.objects.get()

    assert manager.get(reverse("admin:booking_datarequest_add")).status_code == 403
    delete_url = reverse("admin:booking_datarequest_delete", args=[request.pk])
    assert manager.post(delete_url, {"post": "yes"}).status_code == 403
    assert DataRequest.objects.filter(pk=request.pk).exists()


@pytest.mark.parametrize("group", ["Reception", "Clinician", "Content editor"])
def test_other_staff_can_neither_see_nor_handle_requests(
    ask, client, staff_member, otp_login, screened_request, group
):
    ask(screened_request, DELETE)
    request = DataRequest.objects.get()
    otp_login(client, staff_member(group))

    listing = client.get(LIST)
    action = client.post(
        LIST, {"action": "delete_health_answers", "_selected_action": [str(request.pk)]}
    )

    assert listing.status_code == 403
    assert action.status_code == 403
    assert Appointment.objects.get(pk=screened_request.pk).screening is not None
    request.refresh_from_db()
    assert request.status == DataRequestStatus.OPEN


# --- The manager's email when something is wrong --------------------------------------------


def test_without_any_manager_address_the_request_is_still_recorded(
    ask, screened_request, settings, caplog
):
    settings.PRIVACY_REQUESTS_EMAIL = ""
    ClinicProfile.objects.update(email="")

    ask(screened_request, COPY)

    request = DataRequest.objects.get()
    assert request.manager_notified_at is None
    assert not mail.outbox
    assert "no manager address" in caplog.text


def test_a_failed_send_is_logged_without_the_patient_and_the_sweep_sends_it_later(
    ask, screened_request, monkeypatch, caplog, clock
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("robin@example.com unreachable")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    ask(screened_request, COPY)
    request = DataRequest.objects.get()
    assert request.manager_notified_at is None
    assert "ConnectionRefusedError" in caplog.text
    assert "robin@example.com" not in caplog.text
    monkeypatch.undo()
    call_command("send_pending_emails", stdout=io.StringIO())
    assert not mail.outbox  # a new request is left to the worker for a while

    clock.shift(dt.timedelta(minutes=11))
    call_command("send_pending_emails", stdout=io.StringIO())
    call_command("send_pending_emails", stdout=io.StringIO())

    assert len(mail.outbox) == 1  # once
    request.refresh_from_db()
    assert request.manager_notified_at is not None


def test_handling_requests_of_two_patients_at_once_is_refused(
    ask, manager, screened_request, confirmed_appointment
):
    ask(screened_request, DELETE)
    ask(confirmed_appointment, DELETE)

    response = run_action(manager, "delete_health_answers", *DataRequest.objects.all())

    assert any("exactly one patient" in m for m in page_messages(response))
    assert Appointment.objects.get(pk=screened_request.pk).screening is not None
    assert not DataRequest.objects.exclude(status=DataRequestStatus.OPEN).exists()


def test_erasing_or_anonymising_a_patient_keeps_their_requests_without_the_email(
    ask, screened_request, confirmed_appointment
):
    ask(screened_request, COPY)
    ask(confirmed_appointment, COPY)

    services.erase_patient("robin@example.com")

    erased, other = DataRequest.objects.order_by("id")
    assert (erased.patient_email, erased.reference, erased.kind) == (
        "",
        screened_request.reference,
        COPY,
    )
    assert other.patient_email == confirmed_appointment.patient_email


def test_two_requests_at_the_same_moment_leave_one_open_request(ask, screened_request, monkeypatch):
    """The second of two simultaneous submits misses the first in its check and meets the
    database's one-open-request-per-kind constraint instead."""
    ask(screened_request, COPY)
    first = DataRequest.objects.get()
    monkeypatch.setattr(DataRequestQuerySet, "first", lambda self: None)  # the race

    again, created = services.request_patient_data(screened_request, COPY)

    assert (again, created) == (first, False)
    assert DataRequest.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        DataRequest.objects.create(
            appointment=screened_request, reference="X", patient_email="x@example.com", kind=COPY
        )

"""The back office: least privilege per group, actions through the services, the review
queue, and a changelist whose query count does not grow with the number of rows."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.models import (
    Appointment,
    AppointmentChange,
    EmailKind,
    Outcome,
    PatientEmail,
    Status,
)
from tests.factories import (
    TIJUANA,
    AppointmentFactory,
    ClosureFactory,
    PractitionerFactory,
    ScreeningQuestionFactory,
)

from .conftest import (
    SECRET_BIRTH_DATE,
    SECRET_DATE_ANSWER,
    SECRET_DATE_QUESTION,
    SECRET_INSTRUCTIONS,
    SECRET_QUESTION,
)

SECRETS = [
    SECRET_QUESTION,
    SECRET_DATE_QUESTION,
    SECRET_DATE_ANSWER,
    SECRET_INSTRUCTIONS,
    SECRET_BIRTH_DATE.isoformat(),
    "ZEBRA",
    "OKAPI",
    "QUOKKA",
]

CHANGELIST = reverse("admin:booking_appointment_changelist")
QUEUE = reverse("admin:booking_appointmentrequest_changelist")


def change_url(appointment) -> str:
    return reverse("admin:booking_appointment_change", args=[appointment.pk])


def history_url(appointment) -> str:
    return reverse("admin:booking_appointment_history", args=[appointment.pk])


def assert_no_secrets(response) -> None:
    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body, f"{secret!r} leaked into {response.request['PATH_INFO']}"


def run_action(client, url, action, *appointments):
    return client.post(
        url,
        {"action": action, "_selected_action": [str(a.pk) for a in appointments]},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def reception(client, staff_member, otp_login):
    user = staff_member("Reception")
    otp_login(client, user)
    client.user = user
    return client


@pytest.fixture
def clinician(client, staff_member, otp_login):
    user = staff_member("Clinician")
    otp_login(client, user)
    client.user = user
    return client


@pytest.fixture
def editor(client, staff_member, otp_login):
    user = staff_member("Content editor")
    otp_login(client, user)
    client.user = user
    return client


# --- Groups ------------------------------------------------------------------------------


def perms_of(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


@pytest.mark.django_db
def test_groups_exist_with_least_privilege():
    reception = perms_of("Reception")
    clinician = perms_of("Clinician")
    editor = perms_of("Content editor")
    manager = perms_of("Manager")

    assert {"booking.view_appointment", "booking.change_appointment"} <= reception
    assert {"booking.view_practitioner", "booking.view_closure"} <= reception
    assert {"booking.add_closure", "booking.change_closure"} <= reception
    assert "booking.view_health_answers" not in reception
    assert "booking.review_appointment" not in reception
    assert not {p for p in reception if "appointmentrequest" in p or "screening" in p}

    assert reception < clinician
    assert {
        "booking.view_health_answers",
        "booking.review_appointment",
        "booking.view_appointmentrequest",
        "booking.view_screeningquestion",
    } <= clinician

    assert {"treatments.add_treatment", "treatments.delete_faq"} <= editor
    assert {"booking.change_screeningquestion", "clinic.change_clinicprofile"} <= editor
    assert not {p for p in editor if "appointment" in p}
    assert "booking.view_health_answers" not in editor
    assert "booking.add_screeningquestion" not in editor

    assert clinician | editor <= manager | {"booking.change_appointment"}
    assert {"booking.change_bookingpolicy", "booking.add_workinghours"} <= manager
    assert "booking.delete_appointment" not in manager


# --- Reception ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_reception_sees_the_book_but_never_the_answers(reception, screened_request):
    listing = reception.get(CHANGELIST)
    assert listing.status_code == 200
    assert screened_request.reference in listing.content.decode()
    assert_no_secrets(listing)

    form = reception.get(change_url(screened_request))
    assert form.status_code == 200
    assert "Robin Requester" in form.content.decode()
    assert "Health screening" not in form.content.decode()
    assert_no_secrets(form)

    history = reception.get(history_url(screened_request))
    assert history.status_code == 200
    assert_no_secrets(history)


@pytest.mark.django_db
def test_reception_search_never_matches_answers(reception, screened_request):
    by_answer = reception.get(CHANGELIST, {"q": SECRET_QUESTION})
    assert by_answer.status_code == 200
    assert by_answer.context["cl"].result_count == 0
    assert screened_request.reference not in by_answer.content.decode()

    by_name = reception.get(CHANGELIST, {"q": "Robin"})
    assert by_name.context["cl"].result_count == 1
    by_reference = reception.get(CHANGELIST, {"q": screened_request.reference})
    assert by_reference.context["cl"].result_count == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lookup",
    [
        "screening__answers__question_text__icontains",
        "screening__answers__answer",
        "screening__outcome",
        "instructions__icontains",
        "manage_key__startswith",
        "session_key_hash",
        "client_ip",
    ],
)
def test_reception_cannot_filter_on_health_data(reception, screened_request, lookup):
    response = reception.get(CHANGELIST, {lookup: "QUOKKA"})
    # Only the filters on the page: anything else is refused, never answered yes or no.
    assert response.status_code == 400


@pytest.mark.django_db
def test_screening_models_have_no_admin_pages(reception, clinician, screened_request):
    for client in (reception, clinician):
        for model in ("screening", "screeninganswer"):
            assert client.get(f"/admin/booking/{model}/").status_code == 404
            url = f"/admin/booking/{model}/{screened_request.screening_id}/change/"
            assert client.get(url).status_code in (302, 404)


@pytest.mark.django_db
def test_reception_cannot_reach_the_review_queue(reception, screened_request):
    assert reception.get(QUEUE).status_code == 403
    url = reverse("admin:booking_appointmentrequest_change", args=[screened_request.pk])
    assert reception.get(url).status_code == 403
    url = reverse("admin:booking_appointmentrequest_history", args=[screened_request.pk])
    assert reception.get(url).status_code == 403


@pytest.mark.django_db
def test_reception_cannot_approve(reception, screened_request):
    listing = reception.get(CHANGELIST)
    actions = dict(listing.context["action_form"].fields["action"].choices)
    assert "approve" not in actions and "decline" not in actions
    assert {"mark_completed", "mark_no_show"} <= set(actions)

    run_action(reception, CHANGELIST, "approve", screened_request)
    screened_request.refresh_from_db()
    assert screened_request.status == Status.REQUESTED
    assert not AppointmentChange.objects.filter(appointment=screened_request).exists()


@pytest.mark.django_db
def test_reception_cancels_and_failures_are_messages_not_errors(
    reception, confirmed_appointment, screened_request
):
    completed = AppointmentFactory(
        treatment=confirmed_appointment.treatment,
        practitioner=confirmed_appointment.practitioner,
        starts_at=dt.datetime(2026, 3, 3, 10, 0, tzinfo=TIJUANA),
        status=Status.COMPLETED,
    )
    response = reception.post(
        reverse("admin:booking_appointment_cancel", args=[confirmed_appointment.pk]),
        {"reason": "The patient phoned: a family emergency."},
        follow=True,
    )
    assert response.status_code == 200
    texts = messages_of(response)
    assert any(confirmed_appointment.reference in t and "Cancelled" in t for t in texts)
    response = reception.post(
        reverse("admin:booking_appointment_cancel", args=[completed.pk]),
        {"reason": "Typed by mistake."},
        follow=True,
    )
    assert any(completed.reference in t and "completed" in t for t in messages_of(response))

    confirmed_appointment.refresh_from_db()
    completed.refresh_from_db()
    assert confirmed_appointment.status == Status.CANCELLED
    assert completed.status == Status.COMPLETED
    change = AppointmentChange.objects.get(appointment=confirmed_appointment)
    assert change.by == reception.user and change.action == "cancelled"
    assert PatientEmail.objects.filter(
        appointment=confirmed_appointment, kind=EmailKind.CANCELLED
    ).exists()


@pytest.mark.django_db
def test_status_cannot_be_edited_and_detail_edits_are_recorded(reception, confirmed_appointment):
    response = reception.post(
        change_url(confirmed_appointment),
        {
            "patient_name": "Jane Doe",
            "patient_email": "jane@example.com",
            "patient_phone": "+1 619 555 0199",
            "status": Status.CANCELLED,
            **inline_management_data(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    confirmed_appointment.refresh_from_db()
    assert confirmed_appointment.status == Status.CONFIRMED
    assert confirmed_appointment.patient_phone == "+1 619 555 0199"
    change = AppointmentChange.objects.get(appointment=confirmed_appointment)
    assert change.by == reception.user
    assert change.action == "details changed"
    assert "phone" in change.note


def inline_management_data() -> dict:
    data = {}
    for prefix in ("consents", "changes", "emails"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "0",
            }
        )
    return data


# --- Clinician ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_clinician_sees_answers_and_approves(clinician, screened_request):
    form = clinician.get(change_url(screened_request))
    body = form.content.decode()
    assert SECRET_QUESTION in body and SECRET_DATE_ANSWER in body
    assert SECRET_INSTRUCTIONS in body

    response = run_action(clinician, CHANGELIST, "approve", screened_request)
    assert any("Approved" in t for t in messages_of(response))
    screened_request.refresh_from_db()
    assert screened_request.status == Status.CONFIRMED
    assert screened_request.confirmed_at is not None
    change = AppointmentChange.objects.get(appointment=screened_request, action="approved")
    assert change.by == clinician.user
    assert change.from_status == Status.REQUESTED and change.to_status == Status.CONFIRMED
    assert PatientEmail.objects.filter(
        appointment=screened_request, kind=EmailKind.APPROVED
    ).exists()
    assert LogEntry.objects.filter(object_id=str(screened_request.pk)).exists()


@pytest.mark.django_db
def test_history_page_never_shows_answers_after_actions(
    clinician, screened_request, staff_member, otp_login, client_factory
):
    run_action(clinician, CHANGELIST, "approve", screened_request)
    receptionist = otp_login(client_factory(), staff_member("Reception", "desk"))
    history = receptionist.get(history_url(screened_request))
    assert history.status_code == 200
    assert "Approved" in history.content.decode()
    assert_no_secrets(history)


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


@pytest.mark.django_db
def test_review_queue_oldest_first_with_answers(clinician, screened_request, treatment):
    newer = AppointmentFactory(
        treatment=treatment,
        practitioner=screened_request.practitioner,
        starts_at=dt.datetime(2027, 1, 14, 10, 0, tzinfo=TIJUANA),
        status=Status.REQUESTED,
        created_at=timezone.now() + dt.timedelta(minutes=5),
    )
    AppointmentFactory(
        treatment=treatment,
        practitioner=screened_request.practitioner,
        starts_at=dt.datetime(2027, 1, 15, 10, 0, tzinfo=TIJUANA),
        status=Status.CONFIRMED,
    )
    Appointment.objects.filter(pk=screened_request.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=3)
    )
    response = clinician.get(QUEUE)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [a.pk for a in rows] == [screened_request.pk, newer.pk]
    assert SECRET_QUESTION in response.content.decode()

    clinician.post(
        reverse("admin:booking_appointmentrequest_decline", args=[newer.pk]),
        {"reason": "Not suitable this month."},
    )
    newer.refresh_from_db()
    assert newer.status == Status.DECLINED
    assert PatientEmail.objects.filter(appointment=newer, kind=EmailKind.DECLINED).exists()


@pytest.mark.django_db
def test_approving_a_request_whose_time_is_now_closed_fails_kindly(clinician, screened_request):
    ClosureFactory(
        starts_at=screened_request.starts_at - dt.timedelta(hours=1),
        ends_at=screened_request.ends_at,
        reason="Power cut",
    )
    response = run_action(clinician, QUEUE, "approve", screened_request)
    assert response.status_code == 200
    assert any(
        "Could not approve" in t and screened_request.reference in t for t in messages_of(response)
    )
    screened_request.refresh_from_db()
    assert screened_request.status == Status.REQUESTED
    assert not PatientEmail.objects.filter(appointment=screened_request).exists()


@pytest.mark.django_db
def test_approving_a_request_whose_time_was_taken_fails_kindly(clinician, screened_request):
    """SQLite: the overlapping confirmed appointment can be written directly, and approval
    must refuse. PostgreSQL: the exclusion constraint refuses even that setup, which is the
    same guarantee one level down."""
    overlapping = {
        "treatment": screened_request.treatment,
        "practitioner": screened_request.practitioner,
        "starts_at": screened_request.starts_at + dt.timedelta(minutes=30),
        "status": Status.CONFIRMED,
    }
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            AppointmentFactory(**overlapping)
        return
    taken = AppointmentFactory(**overlapping)
    response = run_action(clinician, QUEUE, "approve", screened_request)
    assert response.status_code == 200
    assert any("overlaps" in t for t in messages_of(response))
    screened_request.refresh_from_db()
    taken.refresh_from_db()
    assert screened_request.status == Status.REQUESTED
    assert taken.status == Status.CONFIRMED
    assert not PatientEmail.objects.filter(appointment=screened_request).exists()


# --- Content editor --------------------------------------------------------------------


@pytest.mark.django_db
def test_content_editor_cannot_see_appointments(editor, screened_request):
    assert editor.get(CHANGELIST).status_code == 403
    assert editor.get(change_url(screened_request)).status_code == 403
    assert editor.get(history_url(screened_request)).status_code == 403
    assert editor.get(QUEUE).status_code == 403
    index = editor.get(reverse("admin:index"))
    assert index.status_code == 200
    assert CHANGELIST not in index.content.decode()


@pytest.mark.django_db
def test_content_editor_rewords_questions_but_not_their_rules(editor, treatment):
    question = ScreeningQuestionFactory(
        treatment=treatment,
        text="Are you pregnant?",
        outcome=Outcome.BLOCKS_BOOKING,
        patient_message="Not during pregnancy.",
        position=0,
    )
    url = reverse("admin:booking_screeningquestion_change", args=[question.pk])
    page = editor.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="text_en"' in body and 'name="text_es"' in body  # both languages
    assert 'name="outcome"' not in body and 'name="is_active"' not in body

    editor.post(
        url,
        {
            "text_en": "Are you pregnant or breastfeeding?",
            "text_es": "¿Está embarazada o amamantando?",
            "help_text_en": "",
            "public_label_en": "",
            "instruction_en": "",
            "patient_message_en": "Not during pregnancy or breastfeeding.",
            "position": "1",
            "outcome": "none",
            "is_active": "",
        },
    )
    question.refresh_from_db()
    assert question.text == "Are you pregnant or breastfeeding?"
    assert question.text_es == "¿Está embarazada o amamantando?"
    assert question.outcome == "blocks_booking" and question.is_active


# --- The list itself ---------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_clinic_time_hides_holds_and_has_todays_schedule(
    reception, treatment, practitioner, clinic_profile
):
    tz = clinic_profile.tzinfo
    today = timezone.localtime(timezone.now(), tz).date()
    today_at_noon = dt.datetime.combine(today, dt.time(12, 0), tzinfo=tz)
    todays = AppointmentFactory(
        treatment=treatment, practitioner=practitioner, starts_at=today_at_noon
    )
    tomorrows = AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=today_at_noon + dt.timedelta(days=1),
    )
    hold = AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=today_at_noon + dt.timedelta(days=2),
        status=Status.HELD,
        hold_expires_at=timezone.now() + dt.timedelta(minutes=5),
    )

    listing = reception.get(CHANGELIST)
    body = listing.content.decode()
    assert "Starts (America/Tijuana)" in body
    assert f"{today_at_noon:%-d %b %Y}, 12:00" in body
    assert "Today’s schedule" in body
    shown = {a.pk for a in listing.context["cl"].result_list}
    assert shown == {todays.pk, tomorrows.pk}

    everything = reception.get(CHANGELIST, {"status": "all"})
    assert hold.pk in {a.pk for a in everything.context["cl"].result_list}

    today_only = reception.get(CHANGELIST, {"when": "today"})
    assert [a.pk for a in today_only.context["cl"].result_list] == [todays.pk]


def _many_appointments(treatment, practitioner, count: int, offset_days: int) -> None:
    start = dt.datetime(2027, 2, 1, 9, 0, tzinfo=TIJUANA) + dt.timedelta(days=offset_days)
    others = [
        PractitionerFactory(name=f"Practitioner {offset_days}-{i}", hours=[]) for i in range(3)
    ]
    for i in range(count):
        AppointmentFactory(
            treatment=treatment,
            practitioner=[practitioner, *others][i % 4],
            starts_at=start + dt.timedelta(hours=3 * i),
            patient_name=f"Patient {offset_days}-{i}",
        )


@pytest.mark.django_db
def test_changelist_query_count_does_not_grow(reception, treatment, practitioner, clinic_profile):
    reception.get(CHANGELIST)  # warm the caches (profile, content types)

    _many_appointments(treatment, practitioner, 5, offset_days=0)
    with CaptureQueriesContext(connection) as five:
        assert reception.get(CHANGELIST).status_code == 200

    _many_appointments(treatment, practitioner, 45, offset_days=30)
    assert Appointment.objects.count() == 50
    with CaptureQueriesContext(connection) as fifty:
        response = reception.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 50
    assert len(fifty) == len(five), [q["sql"] for q in fifty.captured_queries]
    assert len(fifty) <= 15


@pytest.mark.django_db
def test_review_queue_query_count_does_not_grow(clinician, treatment, practitioner):
    clinician.get(QUEUE)
    AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=dt.datetime(2027, 3, 1, 9, 0, tzinfo=TIJUANA),
        status=Status.REQUESTED,
    )
    with CaptureQueriesContext(connection) as one:
        clinician.get(QUEUE)
    for day in range(2, 22):
        AppointmentFactory(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=dt.datetime(2027, 3, day, 9, 0, tzinfo=TIJUANA),
            status=Status.REQUESTED,
        )
    with CaptureQueriesContext(connection) as many:
        clinician.get(QUEUE)
    assert len(many) == len(one), "\n".join(q["sql"][:150] for q in many.captured_queries)


@pytest.mark.django_db
def test_practitioner_and_policy_pages(admin_client, practitioner):
    assert admin_client.get(reverse("admin:booking_practitioner_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:booking_practitioner_change", args=[practitioner.pk]))
    assert page.status_code == 200
    assert "working_hours-TOTAL_FORMS" in page.content.decode()
    assert "closures-TOTAL_FORMS" in page.content.decode()
    assert admin_client.get(reverse("admin:booking_closure_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:booking_screeningquestion_changelist")).status_code == 200
    )

    from booking.models import BookingPolicy

    policy = BookingPolicy.load()
    assert admin_client.get(reverse("admin:booking_bookingpolicy_add")).status_code == 403
    delete = reverse("admin:booking_bookingpolicy_delete", args=[policy.pk])
    assert admin_client.get(delete).status_code == 403
    change = reverse("admin:booking_bookingpolicy_change", args=[policy.pk])
    assert admin_client.get(change).status_code == 200

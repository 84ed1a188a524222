"""The front desk's booking services (booking/services/desk_booking.py) and the patient's
page behind the emailed link: the same free times, rules and gate as online."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from booking import services
from booking.desk_forms import PHONE_CONSENT_VERSION
from booking.models import (
    Appointment,
    ConsentChannel,
    ConsentKind,
    EmailKind,
    Screening,
    Status,
)
from booking.services import desk_booking
from booking.tokens import make_manage_token
from tests.booking.pages import DETAILS, answers
from tests.factories import (
    AppointmentFactory,
    PractitionerFactory,
    TreatmentFactory,
    questionnaire,
)

pytestmark = pytest.mark.django_db

CALLER = desk_booking.Caller(
    name="Carmen Caller", email="carmen@example.com", phone="+52 664 555 0100", language="en"
)
WORDS = [(kind, "The words read out.", PHONE_CONSENT_VERSION) for kind in ConsentKind.values]


@pytest.fixture
def desk(clinic_profile, staff_member):
    treatment = TreatmentFactory(microneedling=True)
    practitioner = PractitionerFactory(treatments=[treatment])
    return treatment, practitioner, questionnaire(treatment), staff_member("Reception")


def first_free(treatment) -> dt.datetime:
    return services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())[0].start


def phone_answers(questions, **chosen) -> desk_booking.PhoneAnswers:
    values = {q.pk: None for q in questions.values()}
    values |= {q.pk: "no" for q in questions.values() if q.parent_id is None}
    values |= {questions[key].pk: value for key, value in chosen.items()}
    return desk_booking.PhoneAnswers(
        questions=list(questions.values()),
        answers=values,
        date_of_birth=dt.date(1990, 4, 23),
        consents=WORDS,
    )


def test_clean_answers_confirm_with_staff_and_consent_by_phone_recorded(desk):
    treatment, practitioner, questions, reception = desk
    start = first_free(treatment)

    appointment = desk_booking.book_by_phone(
        treatment=treatment,
        practitioner_id=None,
        start=start,
        caller=CALLER,
        answers=phone_answers(questions, nsaids="yes"),
        by=reception,
    )

    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
    assert (appointment.practitioner, appointment.starts_at) == (practitioner, start)
    assert appointment.screening is not None
    assert "ibuprofen" in appointment.instructions
    assert [(c.kind, c.channel, c.taken_by, c.wording) for c in appointment.consents.all()] == [
        (kind, ConsentChannel.PHONE, reception, "The words read out.")
        for kind in sorted(ConsentKind.values)
    ]
    assert list(appointment.changes.values_list("action", "actor", "by")) == [
        ("held", "staff", reception.pk),
        ("confirmed", "staff", reception.pk),
    ]
    assert appointment.emails.get().kind == EmailKind.CONFIRMED


def test_a_review_answer_makes_a_request_for_a_clinician(desk):
    treatment, _, questions, reception = desk
    appointment = desk_booking.book_by_phone(
        treatment=treatment,
        practitioner_id=None,
        start=first_free(treatment),
        caller=CALLER,
        answers=phone_answers(questions, keloid="yes"),
        by=reception,
    )
    assert appointment.status == Status.REQUESTED
    assert appointment.emails.get().kind == EmailKind.REQUEST_RECEIVED


def test_a_blocking_answer_keeps_nothing_and_says_why(desk):
    treatment, _, questions, reception = desk
    start = first_free(treatment)
    with pytest.raises(desk_booking.AnswersStopBooking) as stop:
        desk_booking.book_by_phone(
            treatment=treatment,
            practitioner_id=None,
            start=start,
            caller=CALLER,
            answers=phone_answers(questions, pregnant="yes"),
            by=reception,
        )
    assert [str(r) for r in stop.value.reasons] == [
        "Microneedling is not offered during pregnancy or breastfeeding."
    ]
    assert not Appointment.objects.exists()
    assert not Screening.objects.exists()
    assert start == first_free(treatment)


def test_a_waiting_period_past_the_day_is_refused_and_nothing_kept(desk):
    treatment, _, questions, reception = desk
    last_dose = timezone.localdate() - dt.timedelta(days=10)
    with pytest.raises(services.SlotUnavailable, match="before the end of the waiting period"):
        desk_booking.book_by_phone(
            treatment=treatment,
            practitioner_id=None,
            start=first_free(treatment),
            caller=CALLER,
            answers=phone_answers(questions, isotretinoin_past="yes", isotretinoin_date=last_dose),
            by=reception,
        )
    assert not Appointment.objects.exists()
    assert not Screening.objects.exists()


def test_a_time_taken_by_someone_else_is_refused_kindly(desk):
    treatment, practitioner, questions, reception = desk
    start = first_free(treatment)
    AppointmentFactory(treatment=treatment, practitioner=practitioner, starts_at=start)
    with pytest.raises(services.SlotUnavailable, match="just been taken"):
        desk_booking.book_by_phone(
            treatment=treatment,
            practitioner_id=practitioner.pk,
            start=start,
            caller=CALLER,
            answers=phone_answers(questions),
            by=reception,
        )
    assert Appointment.objects.count() == 1


def hold(desk, start: dt.datetime | None = None) -> Appointment:
    treatment, _, _, reception = desk
    return desk_booking.hold_for_patient(
        treatment=treatment,
        practitioner_id=None,
        start=start or first_free(treatment),
        caller=CALLER,
        by=reception,
    )


def test_holding_for_the_patient_keeps_the_time_the_policy_hours_and_emails_a_link(
    desk, django_capture_on_commit_callbacks
):
    from booking.models import BookingPolicy

    policy = BookingPolicy.load()
    policy.desk_hold_hours = 6
    policy.save()
    with django_capture_on_commit_callbacks(execute=True):
        appointment = hold(desk)

    assert appointment.status == Status.HELD
    assert appointment.hold_expires_at == timezone.now() + dt.timedelta(hours=6)
    assert appointment.starts_at not in [
        s.start for s in services.free_slots_for(desk[0], practitioner_id=None, now=timezone.now())
    ]
    (email,) = mail.outbox
    link = reverse("booking:answer_questions", kwargs={"token": make_manage_token(appointment)})
    assert link in email.body
    assert "Please answer the health questions" in email.subject
    assert "pregnant" not in email.body


def test_an_unanswered_hold_lapses_and_frees_the_time(desk, clock):
    in_a_week = timezone.now() + dt.timedelta(days=7)
    free = services.free_slots_for(desk[0], practitioner_id=None, now=timezone.now())
    appointment = hold(desk, next(s.start for s in free if s.start > in_a_week))
    clock.shift(dt.timedelta(hours=23))
    assert appointment.starts_at not in [
        s.start for s in services.free_slots_for(desk[0], practitioner_id=None, now=timezone.now())
    ]
    clock.shift(dt.timedelta(hours=1, minutes=1))
    assert appointment.starts_at in [
        s.start for s in services.free_slots_for(desk[0], practitioner_id=None, now=timezone.now())
    ]


def test_the_link_is_not_sent_once_the_hold_has_lapsed(desk, clock):
    from booking import emails

    appointment = hold(desk)
    clock.shift(dt.timedelta(hours=25))
    assert emails.send(appointment.emails.get().pk) is False
    assert mail.outbox == []


def answer_page(appointment) -> str:
    return reverse("booking:answer_questions", kwargs={"token": make_manage_token(appointment)})


def link_answers(questions, **chosen) -> dict[str, str]:
    return answers(questions, **chosen) | {
        "consent_treatment": DETAILS["consent_treatment"],
        "consent_privacy": DETAILS["consent_privacy"],
    }


def test_the_patient_answers_through_the_link_and_is_confirmed(client, desk):
    appointment = hold(desk)
    page = answer_page(appointment)
    assert client.get(page).status_code == 200

    response = client.post(page, link_answers(desk[2], nsaids="yes"))

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
    assert "ibuprofen" in appointment.instructions
    assert {c.channel for c in appointment.consents.all()} == {ConsentChannel.ONLINE}
    assert appointment.changes.filter(action="confirmed", actor="patient").exists()
    # The link has done its work: it leads to the appointment now.
    assert client.get(page).status_code == 302


def test_a_review_answer_through_the_link_makes_a_request(client, desk):
    appointment = hold(desk)
    client.post(answer_page(appointment), link_answers(desk[2], keloid="yes"))
    appointment.refresh_from_db()
    assert appointment.status == Status.REQUESTED


def test_a_blocking_answer_through_the_link_frees_the_time_and_keeps_nothing(client, desk):
    appointment = hold(desk)
    response = client.post(answer_page(appointment), link_answers(desk[2], pregnant="yes"))
    assert response.status_code == 409
    assert "Microneedling is not offered during pregnancy" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.EXPIRED
    assert not Screening.objects.exists()
    assert appointment.starts_at == first_free(desk[0])


def test_bad_answers_through_the_link_keep_what_was_typed(client, desk):
    appointment = hold(desk)
    data = link_answers(desk[2])
    del data["consent_privacy"]
    response = client.post(answer_page(appointment), data)
    assert response.status_code == 400
    assert "Please agree to the privacy notice" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.HELD


def test_the_link_after_the_hold_lapsed_says_to_call(client, desk, clock):
    appointment = hold(desk)
    clock.shift(dt.timedelta(hours=25))
    response = client.post(answer_page(appointment), link_answers(desk[2]))
    assert response.status_code == 410
    assert "Please call us" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.HELD  # never confirmed; the engine ignores it

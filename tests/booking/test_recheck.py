"""The health re-check before the visit: the email 48 hours before, "nothing has changed",
and new answers that cancel, send back to review, or ask to move the visit."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from booking import emails, services
from booking.models import (
    Appointment,
    AppointmentChange,
    EmailKind,
    Outcome,
    QuestionKind,
    RecheckResult,
    Screening,
    ScreeningAnswer,
    Status,
)
from booking.tokens import appointment_from_token, make_manage_token
from tests.factories import (
    TIJUANA,
    AppointmentFactory,
    PractitionerFactory,
    ScreeningAnswerFactory,
    ScreeningFactory,
    ScreeningQuestionFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db

# The clock says Monday 4 January 2027, 08:40 in Tijuana; the visit is on Thursday at 10:00,
# booked a week before, so its re-check falls due on Tuesday at 10:00.
VISIT = dt.datetime(2027, 1, 7, 10, 0, tzinfo=TIJUANA)
RECHECK_DUE = VISIT - dt.timedelta(hours=48)
BOOKED = dt.datetime(2026, 12, 28, 12, 0, tzinfo=TIJUANA)

# Distinctive answers on file: they must never leave the database.
OLD_QUESTION = "Stored question GIRAFFE-3141: any recent peel?"
OLD_ANSWER = "ANSWER-NARWHAL-2718"
DATE_OF_BIRTH = dt.date(1984, 6, 2)


@pytest.fixture
def treatment(db):
    return TreatmentFactory(microneedling=True, visit_minutes=60)


@pytest.fixture
def questions(treatment):
    """One question of each kind that matters, whatever the clinic's real questionnaire is."""
    question = ScreeningQuestionFactory
    return {
        "blocks": question(
            treatment=treatment,
            outcome=Outcome.BLOCKS_BOOKING,
            patient_message="This treatment is not offered in this situation.",
        ),
        "review": question(treatment=treatment, outcome=Outcome.NEEDS_REVIEW),
        "wait": question(treatment=treatment, kind=QuestionKind.DATE, waiting_days=30),
    }


@pytest.fixture
def appointment(clinic_profile, treatment, questions) -> Appointment:
    """Confirmed for Thursday 7 January 2027 at 10:00, booked a week before, with answers on
    file; the practitioner works every day, so there are other times to move to."""
    practitioner = PractitionerFactory(treatments=[treatment])
    screening = ScreeningFactory(treatment=treatment, date_of_birth=DATE_OF_BIRTH)
    ScreeningAnswerFactory(
        screening=screening,
        question_text=OLD_QUESTION,
        question_outcome=Outcome.NONE,
        answer=OLD_ANSWER,
        applies=False,
    )
    return AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=VISIT,
        screening=screening,
        created_at=BOOKED,
        confirmed_at=BOOKED,
    )


@pytest.fixture
def answer_again(client, django_capture_on_commit_callbacks):
    """``answer_again(appointment, data)``: post new answers to the re-check's questions;
    what the service queued is handed to the (in-process) worker once it commits."""

    def post(appointment: Appointment, data: dict[str, str]):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url(appointment, "booking:manage_recheck_questions"), data)

    return post


def url(appointment: Appointment, name: str = "booking:manage_recheck") -> str:
    return reverse(name, kwargs={"token": make_manage_token(appointment)})


def answers(questions, *, blocks="no", review="no", wait="") -> dict[str, str]:
    return {
        f"question_{questions['blocks'].pk}": blocks,
        f"question_{questions['review'].pk}": review,
        f"question_{questions['wait'].pk}": wait,
    }


def history(appointment: Appointment) -> list[tuple[str, str, str, str]]:
    return list(
        AppointmentChange.objects.filter(appointment=appointment).values_list(
            "action", "from_status", "to_status", "note"
        )
    )


# --- The email, 48 hours before ------------------------------------------------------------


def test_the_recheck_is_queued_exactly_once_48_hours_before(appointment, clock):
    assert emails.queue_due_rechecks() == 0  # Monday: more than 48 hours ahead

    clock.move_to(RECHECK_DUE - dt.timedelta(minutes=1))
    assert emails.queue_due_rechecks() == 0
    clock.move_to(RECHECK_DUE)
    assert emails.queue_due_rechecks() == 1
    clock.shift(dt.timedelta(minutes=5))
    assert emails.queue_due_rechecks() == 0

    assert appointment.emails.filter(kind=EmailKind.RECHECK).count() == 1
    appointment.refresh_from_db()
    assert appointment.recheck_queued_at == RECHECK_DUE


def test_a_request_is_rechecked_too(appointment, clock):
    Appointment.objects.filter(pk=appointment.pk).update(status=Status.REQUESTED)
    clock.move_to(RECHECK_DUE)

    assert emails.queue_due_rechecks() == 1


@pytest.mark.parametrize(
    "status", [Status.CANCELLED, Status.DECLINED, Status.COMPLETED, Status.NO_SHOW, Status.HELD]
)
def test_no_recheck_for_a_visit_that_is_not_planned(appointment, clock, status):
    Appointment.objects.filter(pk=appointment.pk).update(status=status)
    clock.move_to(RECHECK_DUE)

    assert emails.queue_due_rechecks() == 0
    assert not appointment.emails.exists()


def test_no_recheck_for_a_past_visit_or_one_booked_within_the_48_hours(appointment, clock):
    clock.move_to(VISIT + dt.timedelta(minutes=1))
    assert emails.queue_due_rechecks() == 0

    clock.move_to(RECHECK_DUE + dt.timedelta(hours=1))
    booked_late = RECHECK_DUE + dt.timedelta(minutes=1)
    Appointment.objects.filter(pk=appointment.pk).update(created_at=booked_late)
    assert emails.queue_due_rechecks() == 0  # answered within the 48 hours: fresh


def test_a_visit_moved_after_its_recheck_is_not_asked_again(appointment, clock):
    clock.move_to(RECHECK_DUE)
    emails.queue_due_rechecks()
    clock.shift(dt.timedelta(hours=30))  # Wednesday 16:00: "nothing has changed"
    services.reconfirm_unchanged(appointment.pk)

    def move_by(days: int) -> None:
        # As a move does: the claim is cleared, as the reminder's is.
        start = VISIT + dt.timedelta(days=days)
        Appointment.objects.filter(pk=appointment.pk).update(
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            occupied_until=start + dt.timedelta(hours=1),
            recheck_queued_at=None,
        )

    move_by(1)  # Friday: answered within its 48 hours
    assert emails.queue_due_rechecks() == 0
    move_by(7)  # a week later: asked again when its 48 hours come
    clock.move_to(VISIT + dt.timedelta(days=5))
    assert emails.queue_due_rechecks() == 1


def test_a_recheck_that_waited_past_the_visit_is_not_sent(appointment, clock):
    clock.move_to(RECHECK_DUE)
    emails.queue_due_rechecks()

    assert emails.send_pending(now=VISIT + dt.timedelta(minutes=1)) == (0, 0)


def test_send_reminders_queues_the_recheck(appointment, clock, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    clock.move_to(RECHECK_DUE)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)

    assert "health re-checks queued: 1" in out.getvalue()
    assert appointment.emails.get().kind == EmailKind.RECHECK


def test_the_email_has_the_private_link_and_no_answer(appointment, clock, mailoutbox):
    clock.move_to(RECHECK_DUE)
    emails.queue_due_rechecks()

    assert emails.send_pending() == (1, 0)

    (message,) = mailoutbox
    assert message.subject.startswith("Before your visit: has anything changed?")
    assert message.attachments == []
    html = message.alternatives[0][0]
    for body in (message.body, html):
        links = re.findall(r"https://clinic\.example/en/book/manage/([^/\s\"<]+)/recheck/", body)
        assert links, body
        assert {appointment_from_token(token) for token in links} == {appointment}
        for secret in [OLD_QUESTION, "GIRAFFE", OLD_ANSWER, "NARWHAL", "1984-06-02", "2 June 1984"]:
            assert secret not in body
            assert secret not in message.subject


# --- Nothing has changed -------------------------------------------------------------------


def test_the_page_asks_whether_anything_changed(client, appointment):
    response = client.get(url(appointment))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing has changed" in page
    assert "Something has changed" in page
    assert OLD_ANSWER not in page
    assert "no-store" in response["Cache-Control"]


def test_the_manage_page_links_to_the_recheck(client, appointment):
    page = client.get(url(appointment, "booking:manage")).content.decode()

    assert url(appointment) in page


def test_nothing_has_changed_is_recorded(client, appointment, clock):
    response = client.post(url(appointment))

    assert response.status_code == 302
    assert response["Location"] == url(appointment)
    appointment.refresh_from_db()
    assert appointment.health_recheck == RecheckResult.UNCHANGED
    assert appointment.health_reconfirmed_at == timezone.now()
    assert appointment.status == Status.CONFIRMED
    assert history(appointment) == [
        ("health re-confirmed", Status.CONFIRMED, Status.CONFIRMED, "re-check: nothing has changed")
    ]
    assert "Thank you, you are all set" in client.get(url(appointment)).content.decode()


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.COMPLETED])
def test_a_cancelled_or_past_visit_gets_the_friendly_refusal(client, appointment, status):
    Appointment.objects.filter(pk=appointment.pk).update(status=status)

    for response in (
        client.post(url(appointment)),
        client.get(url(appointment, "booking:manage_recheck_questions")),
        client.post(url(appointment, "booking:manage_recheck_questions"), {}),
    ):
        assert response.status_code == 302
        assert response["Location"] == url(appointment, "booking:manage")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "This appointment can no longer be checked online. Please contact us." in messages
    appointment.refresh_from_db()
    assert appointment.health_recheck == ""
    assert history(appointment) == []


def test_a_visit_that_has_started_cannot_be_rechecked(client, appointment, clock):
    clock.move_to(VISIT)

    response = client.post(url(appointment))

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.health_recheck == ""


# --- Something has changed -----------------------------------------------------------------


def test_the_questions_are_asked_again_blank(client, appointment, questions):
    response = client.get(url(appointment, "booking:manage_recheck_questions"))

    page = response.content.decode()
    assert response.status_code == 200
    for question in questions.values():
        assert question.text in page
    assert "date_of_birth" not in page  # the one on file is kept
    assert OLD_ANSWER not in page


def test_unanswered_questions_are_asked_again_and_nothing_changes(client, appointment, questions):
    data = answers(questions)
    del data[f"question_{questions['review'].pk}"]

    response = client.post(url(appointment, "booking:manage_recheck_questions"), data)

    assert response.status_code == 400
    assert "Please answer this question." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.health_recheck == ""
    assert appointment.screening.answers.get().answer == OLD_ANSWER


def test_a_blocking_answer_cancels_kindly_and_frees_the_time(
    client, appointment, questions, mailoutbox, answer_again
):
    old_screening = appointment.screening_id
    response = answer_again(appointment, answers(questions, blocks="yes"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "We have cancelled your appointment, for your safety" in page
    assert "This treatment is not offered in this situation." in page
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert appointment.health_recheck == RecheckResult.BLOCKED
    assert not Appointment.objects.occupying(timezone.now()).filter(pk=appointment.pk).exists()
    free = services.free_slots_for(appointment.treatment, practitioner_id=None, now=timezone.now())
    assert VISIT in {slot.start for slot in free}
    assert history(appointment) == [
        (
            "cancelled",
            Status.CONFIRMED,
            Status.CANCELLED,
            "re-check: answers block online booking",
        )
    ]
    # The blocking answers are not kept: the answers on file are the old ones.
    assert appointment.screening_id == old_screening
    assert list(ScreeningAnswer.objects.values_list("answer", flat=True)) == [OLD_ANSWER]
    (message,) = mailoutbox
    assert message.subject.startswith("Cancelled:")
    sent = message.body + message.alternatives[0][0]
    assert "For your safety, we cannot carry out this treatment as booked" in sent
    for secret in [questions["blocks"].text, "not offered in this situation", OLD_ANSWER]:
        assert secret not in sent


def test_a_review_answer_turns_the_visit_back_into_a_request(
    client, appointment, questions, mailoutbox, answer_again
):
    old_screening = appointment.screening_id
    response = answer_again(appointment, answers(questions, review="yes"))

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "A clinician will look at your new answers" in page
    appointment.refresh_from_db()
    assert appointment.status == Status.REQUESTED
    assert appointment.health_recheck == RecheckResult.REVIEW
    assert Appointment.objects.awaiting_review().filter(pk=appointment.pk).exists()
    assert history(appointment) == [
        (
            "back to review",
            Status.CONFIRMED,
            Status.REQUESTED,
            "re-check: answers need a clinician's review",
        )
    ]
    # The new answers replace the old ones, each with its question as asked.
    assert not Screening.objects.filter(pk=old_screening).exists()
    stored = {a.question_id: a for a in appointment.screening.answers.all()}
    assert stored[questions["review"].pk].answer == "yes"
    assert stored[questions["review"].pk].applies is True
    assert stored[questions["review"].pk].question_text == questions["review"].text
    assert appointment.screening.date_of_birth == DATE_OF_BIRTH
    assert appointment.screening.outcome == Outcome.NEEDS_REVIEW
    (message,) = mailoutbox
    assert "A clinician will look at your new answers" in message.body
    assert questions["review"].text not in message.body + message.alternatives[0][0]


def test_a_new_waiting_period_asks_the_patient_to_move_the_visit(client, appointment, questions):
    # A treatment 10 days ago with a 30-day wait: the first day is Sunday 24 January.
    last_treatment = timezone.localdate() - dt.timedelta(days=10)
    earliest = last_treatment + dt.timedelta(days=30)

    response = client.post(
        url(appointment, "booking:manage_recheck_questions"),
        answers(questions, wait=last_treatment.isoformat()),
    )

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.health_recheck == RecheckResult.MUST_MOVE
    assert appointment.must_move
    assert appointment.status == Status.CONFIRMED
    assert appointment.earliest_treatment_date == earliest
    page = client.get(response["Location"]).content.decode()
    assert "Please choose a later date" in page
    assert "Sunday 24 January 2027" in page
    assert url(appointment, "booking:manage_reschedule") in page
    # "Nothing has changed" does not make the wait shorter.
    client.post(url(appointment))
    appointment.refresh_from_db()
    assert appointment.health_recheck == RecheckResult.MUST_MOVE

    # The reschedule page offers only days from the new earliest date on.
    reschedule = client.get(url(appointment, "booking:manage_reschedule"))
    days = [choice.day for choice in reschedule.context["picker"].days]
    assert days
    assert min(days) >= earliest
    too_soon = dt.datetime.combine(earliest - dt.timedelta(days=1), dt.time(10), tzinfo=TIJUANA)
    refused = client.post(
        url(appointment, "booking:manage_reschedule"), {"start": too_soon.isoformat()}
    )
    assert refused.status_code == 409
    later = dt.datetime.combine(earliest, dt.time(10), tzinfo=TIJUANA)
    moved = client.post(url(appointment, "booking:manage_reschedule"), {"start": later.isoformat()})
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == later
    assert appointment.health_recheck == RecheckResult.MOVED
    assert not appointment.must_move


def test_changed_answers_that_still_fit_reconfirm_the_visit(client, appointment, questions):
    # A treatment long enough ago that its waiting period is over.
    long_ago = timezone.localdate() - dt.timedelta(days=90)

    client.post(
        url(appointment, "booking:manage_recheck_questions"),
        answers(questions, wait=long_ago.isoformat()),
    )

    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
    assert appointment.health_recheck == RecheckResult.CHANGED
    assert appointment.health_reconfirmed_at == timezone.now()
    assert history(appointment)[-1][3] == "re-check: answers changed, still fine for this visit"


# --- The day sheet -------------------------------------------------------------------------


@pytest.fixture
def reception(client, staff_member, otp_login):
    return otp_login(client, staff_member("Reception"))


def test_the_day_sheet_shows_whose_answers_were_reconfirmed(reception, appointment, clock):
    other = {
        result: AppointmentFactory(
            treatment=appointment.treatment,
            practitioner=appointment.practitioner,
            starts_at=VISIT + dt.timedelta(hours=2 * (index + 1)),
            patient_name=f"Patient {result}",
        )
        for index, result in enumerate([RecheckResult.UNCHANGED, RecheckResult.REVIEW])
    }
    for result, booked in other.items():
        Appointment.objects.filter(pk=booked.pk).update(
            health_recheck=result,
            health_rechecked_at=dt.datetime(2027, 1, 5, 11, 30, tzinfo=TIJUANA),
        )
    changelist = reverse("admin:booking_appointment_changelist")

    page = reception.get(changelist, {"when": "week"}).content.decode()

    assert "health answers re-checked" in page.lower()
    assert "✓ Tue 5 Jan, 11:30" in page
    assert "changed · Tue 5 Jan, 11:30" in page
    assert "not yet" in page
    only_reconfirmed = reception.get(changelist, {"recheck": "reconfirmed"})
    assert list(only_reconfirmed.context["cl"].result_list) == [other[RecheckResult.UNCHANGED]]
    only_changed = reception.get(changelist, {"recheck": "changed"})
    assert list(only_changed.context["cl"].result_list) == [other[RecheckResult.REVIEW]]
    not_yet = reception.get(changelist, {"recheck": "not_yet"})
    assert list(not_yet.context["cl"].result_list) == [appointment]

"""The one gate at confirmation and approval (booking/services/gate.py), answer changes
serialized with it (services.keep_answers), and unambiguous answers.

Through the public surface where a patient can reach it (POST, redirect, database);
the service directly for the orders of events a single browser cannot produce.
"""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booking import services
from booking.models import (
    Appointment,
    BookingPolicy,
    Outcome,
    QuestionKind,
    Screening,
    ScreeningAnswer,
    Status,
)
from tests.booking import pages
from tests.booking.pages import DETAILS, first_offered_start, step_url
from tests.factories import (
    TIJUANA,
    AppointmentFactory,
    ClinicProfileFactory,
    ClosureFactory,
    PractitionerFactory,
    ScreeningAnswerFactory,
    TreatmentFactory,
    filler_question,
    questionnaire,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic_setup():
    ClinicProfileFactory()
    treatment = TreatmentFactory(microneedling=True)
    practitioner = PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    questions["filler"] = filler_question(treatment)
    return treatment, practitioner, questions


def answers(questions, **chosen) -> dict:
    """The screening step's POST data; the filler date left empty unless chosen."""
    data = pages.answers(questions, **chosen)
    data[f"question_{questions['filler'].pk}"] = chosen.get("filler", "")
    return data


def book_until_review(client, treatment, questions, **chosen) -> Appointment:
    client.post(step_url("treatment"), {"treatment": treatment.pk, "practitioner": ""})
    assert client.post(step_url("screening"), answers(questions, **chosen)).status_code == 302
    start = first_offered_start(client)
    assert client.post(step_url("time"), {"start": start.isoformat()}).status_code == 302
    assert client.post(step_url("details"), DETAILS).url == step_url("review")
    return Appointment.objects.get(starts_at=start, status=Status.HELD)


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def days_ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


# --- The time must still be one the clinic offers ------------------------------------------


def test_an_expired_hold_whose_time_was_closed_meanwhile_is_refused(client, clinic_setup, clock):
    treatment, _, questions = clinic_setup
    mine = book_until_review(client, treatment, questions)
    clock.shift(dt.timedelta(minutes=15))  # the hold ran out…
    ClosureFactory(starts_at=mine.starts_at - dt.timedelta(hours=1), ends_at=mine.ends_at)

    response = client.post(step_url("review"))

    assert response.status_code == 302
    assert response.url == step_url("time")
    (message,) = flashed(response)
    assert "The clinic is now closed at the time you chose" in message
    assert "your details are kept" in message
    mine.refresh_from_db()
    assert mine.status == Status.EXPIRED
    assert mine.patient_name == "Jane Doe"
    assert mine.consents.count() == 2
    assert not mine.emails.exists()
    # Going on without a time leads back, without blaming another patient.
    later = client.get(step_url("details"))
    assert later.url == step_url("time")
    assert any("no longer held for you" in message for message in flashed(later))


def test_a_live_hold_whose_time_was_closed_meanwhile_is_refused_too(client, clinic_setup):
    treatment, _, questions = clinic_setup
    mine = book_until_review(client, treatment, questions)
    ClosureFactory(practitioner=mine.practitioner, starts_at=mine.starts_at, ends_at=mine.ends_at)

    response = client.post(step_url("review"))

    assert response.url == step_url("time")
    mine.refresh_from_db()
    assert mine.status == Status.EXPIRED  # the time is not held for a closed clinic


def test_an_expired_hold_now_inside_the_minimum_notice_is_refused(client, clinic_setup, clock):
    treatment, _, questions = clinic_setup
    mine = book_until_review(client, treatment, questions)
    notice = dt.timedelta(hours=BookingPolicy.load().minimum_notice_hours)
    # Past the hold, and the start is now less than the notice away.
    clock.move_to(mine.starts_at - notice + dt.timedelta(minutes=1))

    response = client.post(step_url("review"))

    assert response.url == step_url("time")
    assert "now too soon to book online" in flashed(response)[0]
    mine.refresh_from_db()
    assert mine.status == Status.EXPIRED


def test_a_live_hold_keeps_the_notice_of_the_moment_it_was_chosen(client, clinic_setup, clock):
    """The first time offered is just past the notice; the patient takes a few minutes to
    finish. While the hold lasts, the time stays as it was offered."""
    treatment, _, questions = clinic_setup
    notice = dt.timedelta(hours=BookingPolicy.load().minimum_notice_hours)
    tomorrow_nine = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=1), dt.time(9), tzinfo=TIJUANA
    )
    clock.move_to(tomorrow_nine - notice - dt.timedelta(minutes=2))
    mine = book_until_review(client, treatment, questions)
    assert mine.starts_at == tomorrow_nine
    clock.shift(dt.timedelta(minutes=5))  # inside the notice now, the hold still live

    response = client.post(step_url("review"))

    assert response.url == reverse("booking:done")
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED


def test_an_expired_hold_still_offered_and_free_is_confirmed(client, clinic_setup, clock):
    treatment, _, questions = clinic_setup
    mine = book_until_review(client, treatment, questions)
    clock.shift(dt.timedelta(minutes=15))  # the hold ran out; the time is still offered

    response = client.post(step_url("review"))

    assert response.url == reverse("booking:done")
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED
    assert mine.time_offered_at == timezone.now()  # judged again, now


def test_a_time_before_the_earliest_date_of_the_stored_answers_is_refused(client, clinic_setup):
    """The stored earliest date is not trusted: the gate derives it again from the answers."""
    treatment, _, questions = clinic_setup
    mine = book_until_review(client, treatment, questions)
    screening = Screening.objects.get(appointment=mine)
    ScreeningAnswerFactory(
        screening=screening,
        question_text="When did you take your last dose?",
        question_outcome=Outcome.NEEDS_REVIEW,
        question_rule={"kind": QuestionKind.DATE, "waiting_days": 180},
        answer=days_ago(120),
    )
    assert screening.earliest_date is None

    response = client.post(step_url("review"))

    assert response.url == step_url("time")
    assert "before the first day we can treat you" in flashed(response)[0]
    mine.refresh_from_db()
    assert mine.status == Status.EXPIRED
    assert mine.patient_email == DETAILS["email"]


def test_changed_answers_then_a_stale_confirmation_judge_the_new_answers(client, clinic_setup):
    """The race of issue 10, one after the other: the page that confirms was loaded
    before the answers changed (isotretinoin 4 months ago; filler 5 days ago)."""
    treatment, _, questions = clinic_setup
    mine = book_until_review(client, treatment, questions)
    changed = answers(
        questions, isotretinoin_past="yes", isotretinoin_date=days_ago(122), filler=days_ago(5)
    )
    other_tab = Client()
    other_tab.cookies = client.cookies
    assert other_tab.post(step_url("screening"), changed).url == step_url("time")

    with pytest.raises(services.BeforeEarliestDate):
        services.confirm_booking(mine.pk)

    mine.refresh_from_db()
    assert mine.status == Status.EXPIRED
    assert mine.screening.earliest_date == timezone.localdate() + dt.timedelta(days=58)


# --- Answers after the confirmation, and answers that now block ------------------------------


def test_answers_arriving_after_the_confirmation_are_refused_and_kept_on_the_page(
    client, clinic_setup
):
    treatment, _, questions = clinic_setup
    mine = book_until_review(client, treatment, questions)
    screenings = Screening.objects.count()
    # Another request of this booking confirmed it after this page was loaded.
    services.confirm_booking(mine.pk)
    changed = answers(questions, isotretinoin_past="yes", isotretinoin_date=days_ago(30))

    response = client.post(step_url("screening"), changed)

    assert response.status_code == 409
    page = response.content.decode()
    assert "confirmed before these answers reached us" in page
    assert pages.shows_date(page, f"question_{questions['isotretinoin_date'].pk}", days_ago(30))
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED
    assert Screening.objects.count() == screenings


def test_blocking_answers_take_the_answers_off_the_booking_so_it_cannot_be_confirmed(
    client, clinic_setup
):
    treatment, _, questions = clinic_setup
    mine = book_until_review(client, treatment, questions)

    response = client.post(step_url("screening"), answers(questions, pregnant="yes"))

    assert "not offered during pregnancy" in response.content.decode()
    mine.refresh_from_db()
    assert mine.screening is None
    assert mine.status == Status.EXPIRED
    assert not Screening.objects.exists()
    assert not ScreeningAnswer.objects.exists()
    with pytest.raises(services.ScreeningBlocksBooking):
        services.confirm_booking(mine.pk)


def test_a_refusal_about_the_answers_keeps_them_for_the_patient_to_check(client, clinic_setup):
    treatment, _, questions = clinic_setup
    mine = book_until_review(client, treatment, questions)
    ScreeningAnswer.objects.filter(question=questions["pregnant"]).update(answer="yes")

    response = client.post(step_url("review"))

    assert response.url == step_url("screening")
    assert "do not allow online booking" in flashed(response)[0]
    form = client.get(response.url).context["form"]
    assert form.initial[f"question_{questions['keloid'].pk}"] == "no"
    mine.refresh_from_db()
    assert mine.status == Status.HELD


# --- Staff approval ------------------------------------------------------------------------


def test_approving_a_request_before_the_end_of_a_waiting_period_is_refused(screened_request):
    ScreeningAnswerFactory(
        screening=screened_request.screening,
        question_text="When did you last have a filler injection?",
        question_outcome=Outcome.NEEDS_REVIEW,
        question_rule={"kind": QuestionKind.DATE, "waiting_days": 14},
        answer=days_ago(1),
    )

    with pytest.raises(services.BeforeEarliestDate, match="waiting period"):
        services.approve_request(screened_request.pk, by=None)

    screened_request.refresh_from_db()
    assert screened_request.status == Status.REQUESTED


def test_approving_a_request_whose_answers_now_block_is_refused(screened_request):
    ScreeningAnswerFactory(
        screening=screened_request.screening,
        question_text="Are you pregnant or breastfeeding?",
        question_outcome=Outcome.BLOCKS_BOOKING,
        question_rule={"kind": QuestionKind.YES_NO, "trigger_answer": "yes"},
        answer="yes",
    )

    with pytest.raises(services.ScreeningBlocksBooking, match="do not allow the treatment"):
        services.approve_request(screened_request.pk, by=None)


def test_a_late_review_keeps_the_notice_of_the_request(screened_request, clock):
    """Requested a week ahead, reviewed the evening before: still approvable."""
    Appointment.objects.filter(pk=screened_request.pk).update(time_offered_at=timezone.now())
    clock.move_to(screened_request.starts_at - dt.timedelta(hours=14))

    approved = services.approve_request(screened_request.pk, by=None)

    assert approved.status == Status.CONFIRMED


def test_a_request_whose_time_has_passed_cannot_be_approved(screened_request, clock):
    Appointment.objects.filter(pk=screened_request.pk).update(time_offered_at=timezone.now())
    clock.move_to(screened_request.starts_at + dt.timedelta(minutes=1))

    with pytest.raises(services.TimeNoLongerOffered, match="too soon"):
        services.approve_request(screened_request.pk, by=None)


def test_a_request_without_answers_cannot_be_approved(treatment, practitioner):
    request = AppointmentFactory(
        treatment=treatment, practitioner=practitioner, status=Status.REQUESTED
    )

    with pytest.raises(services.ScreeningBlocksBooking, match="no health answers"):
        services.approve_request(request.pk, by=None)


# --- Unambiguous answers ---------------------------------------------------------------------


def test_a_question_answered_twice_is_refused_with_400_and_a_message(client, clinic_setup):
    treatment, _, questions = clinic_setup
    client.post(step_url("treatment"), {"treatment": treatment.pk})
    data = answers(questions)
    data[f"question_{questions['pregnant'].pk}"] = ["yes", "no"]

    response = client.post(step_url("screening"), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "more than one answer" in page
    assert pages.shows_date(page, "date_of_birth", "1990-04-23")  # what was typed is kept
    assert not Screening.objects.exists()


@pytest.mark.parametrize(
    ("step", "field"),
    [("details", "email"), ("details", "name"), ("time", "start"), ("treatment", "treatment")],
)
def test_any_field_sent_twice_is_refused(client, clinic_setup, step, field):
    treatment, _, questions = clinic_setup
    book_until_review(client, treatment, questions)
    start = Appointment.objects.get().starts_at.isoformat()
    data = {
        "details": DETAILS,
        "time": {"start": start},
        "treatment": {"treatment": str(treatment.pk)},
    }[step]
    twice = {**data, field: [data[field], data[field]]}

    response = client.post(step_url(step), twice)

    assert response.status_code == 400
    assert "more than one answer" in response.content.decode()


@pytest.mark.parametrize(
    ("last_dose", "message"),
    [
        ("0001-01-01", "before your date of birth"),
        ("1990-04-22", "before your date of birth"),
        ("2099-01-01", "cannot be in the future"),
    ],
)
def test_a_last_dose_date_out_of_bounds_is_refused(client, clinic_setup, last_dose, message):
    treatment, _, questions = clinic_setup
    client.post(step_url("treatment"), {"treatment": treatment.pk})

    response = client.post(
        step_url("screening"),
        answers(questions, isotretinoin_past="yes", isotretinoin_date=last_dose),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert pages.shows_date(page, f"question_{questions['isotretinoin_date'].pk}", last_dose)
    assert not Screening.objects.exists()


def test_without_a_valid_birth_date_a_dose_date_still_needs_a_sane_year(client, clinic_setup):
    treatment, _, questions = clinic_setup
    client.post(step_url("treatment"), {"treatment": treatment.pk})
    data = answers(questions, filler="1899-12-31")
    data["date_of_birth"] = "not a date"

    response = client.post(step_url("screening"), data)

    assert response.status_code == 400
    assert "Please check the year of this date" in response.content.decode()


# --- A waiting period past the horizon ---------------------------------------------------------


def test_a_waiting_period_past_the_horizon_is_explained_in_one_sentence(client, clinic_setup):
    treatment, _, questions = clinic_setup
    client.post(step_url("treatment"), {"treatment": treatment.pk})
    last_dose = timezone.localdate() - dt.timedelta(days=30)
    client.post(
        step_url("screening"),
        answers(questions, isotretinoin_past="yes", isotretinoin_date=last_dose.isoformat()),
    )
    first_day = last_dose + dt.timedelta(days=180)
    opens = first_day - dt.timedelta(days=BookingPolicy.load().horizon_days)

    response = client.get(step_url("time"))

    page = response.content.decode()
    assert response.context["booking_opens"] == opens
    assert page.count("the first day we can treat you is") == 1
    assert f"{first_day:%-d %B %Y}" in page
    assert f"online booking for that day opens on {opens:%-d %B %Y}" in page
    assert 'href="tel:+526641234567"' in page
    assert 'href="mailto:hola@clinica.example"' in page
    assert "no free times" not in page


def test_a_waiting_period_within_the_horizon_offers_times_from_its_end(client, clinic_setup):
    treatment, _, questions = clinic_setup
    client.post(step_url("treatment"), {"treatment": treatment.pk})
    client.post(step_url("screening"), answers(questions, filler=days_ago(5)))

    response = client.get(step_url("time"))

    assert response.context["booking_opens"] is None
    assert response.context["picker"].days[0].day == timezone.localdate() + dt.timedelta(days=9)

"""The booking flow through its public surface: POST, redirect, database, email."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from booking import services
from booking.choices import Outcome, QuestionKind
from booking.models import Appointment, Screening, ScreeningAnswer, Status
from tests.booking.pages import DETAILS, answers, first_offered_start, step_url
from tests.factories import (
    PractitionerFactory,
    ScreeningFactory,
    ScreeningQuestionFactory,
    TreatmentFactory,
    questionnaire,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic_setup():
    treatment = TreatmentFactory(microneedling=True)
    practitioner = PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    return treatment, practitioner, questions


def choose_treatment(client, treatment):
    response = client.post(step_url("treatment"), {"treatment": treatment.pk, "practitioner": ""})
    assert response.status_code == 302
    assert response.url == step_url("screening")


def screen(client, questions, **chosen):
    return client.post(step_url("screening"), answers(questions, **chosen))


def first_free_time(client):
    assert client.get(step_url("time")).status_code == 200
    return first_offered_start(client)


def hold(client, start):
    return client.post(step_url("time"), {"start": start.isoformat()})


def book_until_review(client, treatment, questions, **chosen):
    choose_treatment(client, treatment)
    assert screen(client, questions, **chosen).status_code == 302
    start = first_free_time(client)
    assert hold(client, start).status_code == 302
    response = client.post(step_url("details"), DETAILS)
    assert response.status_code == 302
    assert response.url == step_url("review")
    return start


def test_it_books_a_confirmed_appointment_and_emails_the_patient(client, clinic_setup):
    treatment, practitioner, questions = clinic_setup
    start = book_until_review(client, treatment, questions, nsaids="yes")

    response = client.post(step_url("review"))

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.status == Status.CONFIRMED
    assert appointment.starts_at == start
    assert appointment.practitioner == practitioner
    assert "ibuprofen" in appointment.instructions
    assert appointment.consents.count() == 2
    assert appointment.changes.filter(action="confirmed", actor="patient").exists()
    done = client.get(response.url)
    assert done.status_code == 200
    assert appointment.reference in done.content.decode()
    assert appointment.emails.filter(kind="confirmed").exists()


def test_a_review_answer_makes_a_request_that_keeps_its_slot(client, clinic_setup):
    treatment, _, questions = clinic_setup
    start = book_until_review(client, treatment, questions, keloid="yes")

    response = client.post(step_url("review"))

    appointment = Appointment.objects.get()
    assert appointment.status == Status.REQUESTED
    assert "clinician" in client.get(response.url).content.decode()
    assert start not in [
        slot.start
        for slot in services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())
    ]


def test_the_screening_notes_which_of_its_answers_apply(client, clinic_setup):
    """The review queue reads this one note instead of every answer's encrypted flag."""
    treatment, _, questions = clinic_setup
    choose_treatment(client, treatment)
    assert screen(client, questions, keloid="yes").status_code == 302

    screening = Screening.objects.get()
    applying = [answer.position for answer in screening.answers.all() if answer.applies]
    assert len(applying) == 1  # the keloid scars
    assert screening.positions_that_apply == applying


def test_a_blocking_answer_shows_why_and_stores_nothing(client, clinic_setup):
    treatment, _, questions = clinic_setup
    choose_treatment(client, treatment)

    response = screen(client, questions, pregnant="yes")

    assert response.status_code == 200
    page = response.content.decode()
    assert "not offered during pregnancy" in page
    assert "consultation" in page.lower()
    assert Screening.objects.count() == 0
    assert ScreeningAnswer.objects.count() == 0


def test_a_direct_post_to_confirm_after_a_blocking_answer_creates_nothing(client, clinic_setup):
    treatment, _, questions = clinic_setup
    choose_treatment(client, treatment)
    screen(client, questions, pregnant="yes")
    tomorrow = timezone.now() + dt.timedelta(days=3)

    for step, data in [
        ("time", {"start": tomorrow.isoformat()}),
        ("details", DETAILS),
        ("review", {}),
    ]:
        response = client.post(step_url(step), data)
        assert response.status_code == 302
        assert response.url == step_url("screening")

    assert Appointment.objects.count() == 0


def test_answering_again_with_a_blocking_answer_stops_a_booking_in_progress(client, clinic_setup):
    treatment, _, questions = clinic_setup
    book_until_review(client, treatment, questions)

    screen(client, questions, pregnant="yes")
    response = client.post(step_url("review"))

    assert response.status_code == 302
    assert response.url == step_url("screening")
    assert not Appointment.objects.filter(status__in=[Status.CONFIRMED, Status.REQUESTED])


def test_confirming_reassesses_the_stored_answers(client, clinic_setup):
    treatment, _, questions = clinic_setup
    book_until_review(client, treatment, questions)
    # Whatever happened to the stored answers since, the server judges them again.
    ScreeningAnswer.objects.filter(question=questions["pregnant"]).update(answer="yes")

    response = client.post(step_url("review"))

    assert response.url == step_url("screening")
    assert Appointment.objects.get().status == Status.HELD


@pytest.mark.parametrize("step", ["screening", "time", "details", "review"])
def test_a_step_cannot_be_reached_before_the_earlier_ones(client, clinic_setup, step):
    response = client.get(step_url(step))

    assert response.status_code == 302
    assert response.url == step_url("treatment")


def test_a_replayed_post_to_a_later_step_does_nothing(client, clinic_setup):
    treatment, _, questions = clinic_setup
    choose_treatment(client, treatment)

    response = client.post(step_url("review"))

    assert response.url == step_url("screening")
    assert Appointment.objects.count() == 0


def test_back_shows_earlier_steps_with_what_was_entered(client, clinic_setup):
    treatment, _, questions = clinic_setup
    book_until_review(client, treatment, questions, nsaids="yes")

    screening_page = client.get(step_url("screening"))
    details_page = client.get(step_url("details"))

    assert screening_page.status_code == 200
    assert screening_page.context["form"].initial["date_of_birth"] == dt.date(1990, 4, 23)
    assert details_page.context["form"].initial["email"] == DETAILS["email"]


def test_bad_answers_are_refused_with_a_message_and_keep_what_was_typed(client, clinic_setup):
    treatment, _, questions = clinic_setup
    choose_treatment(client, treatment)
    data = answers(questions)
    del data[f"question_{questions['keloid'].pk}"]
    data |= {"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "2990"}

    response = client.post(step_url("screening"), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be in the future" in page
    assert "Please answer this question" in page
    assert re.search(r'name="date_of_birth_day" value="1"', page)
    assert re.search(r'<option value="1" selected>January</option>', page)
    assert re.search(r'name="date_of_birth_year" value="2990"', page)
    assert Screening.objects.count() == 0


def test_a_patient_under_the_minimum_age_cannot_book(client, clinic_setup):
    treatment, _, questions = clinic_setup
    choose_treatment(client, treatment)
    data = answers(questions)
    data["date_of_birth"] = (timezone.localdate() - dt.timedelta(days=365 * 16)).isoformat()

    response = client.post(step_url("screening"), data)

    assert "aged 18 and over" in response.content.decode()
    assert Screening.objects.count() == 0


def test_a_waiting_period_moves_the_first_offered_day(client, clinic_setup):
    treatment, _, questions = clinic_setup
    choose_treatment(client, treatment)
    last_dose = timezone.localdate() - dt.timedelta(days=150)
    screen(
        client,
        questions,
        isotretinoin_past="yes",
        isotretinoin_date=last_dose.isoformat(),
    )

    response = client.get(step_url("time"))

    first_day = response.context["picker"].days[0].day
    assert first_day >= last_dose + dt.timedelta(days=180)


def test_invalid_details_are_refused_and_kept(client, clinic_setup):
    treatment, _, questions = clinic_setup
    choose_treatment(client, treatment)
    screen(client, questions)
    hold(client, first_free_time(client))

    response = client.post(
        step_url("details"), {**DETAILS, "email": "not-an-email", "consent_privacy": ""}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Please enter an email address" in page
    assert "privacy notice" in page
    assert 'value="Jane Doe"' in page


def test_a_lost_slot_sends_the_patient_back_to_pick_a_time_keeping_their_details(
    client, clinic_setup, django_user_model
):
    treatment, practitioner, questions = clinic_setup
    start = book_until_review(client, treatment, questions)
    mine = Appointment.objects.get()
    Appointment.objects.filter(pk=mine.pk).update(
        hold_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    # Someone else takes the slot after the hold ran out.
    other = services.hold_slot(
        appointment=None,
        treatment=treatment,
        practitioner_id=practitioner.pk,
        start=start,
        record=ScreeningFactory(treatment=treatment, date_of_birth=dt.date(1985, 1, 1)),
        session_key="someone-else",
        client_ip="198.51.100.7",
    )

    response = client.post(step_url("review"))

    assert response.status_code == 302
    assert response.url == step_url("time")
    message = client.get(response.url).content.decode()
    assert "taken by someone else" in message
    mine.refresh_from_db()
    assert mine.status == Status.EXPIRED
    assert mine.patient_name == "Jane Doe"
    other.refresh_from_db()
    assert other.status == Status.HELD
    # Choosing another time brings the typed details back.
    new_start = first_free_time(client)
    response = hold(client, new_start)
    assert response.url == step_url("details")
    details = client.get(response.url)
    assert details.context["form"].initial["name"] == "Jane Doe"
    assert client.post(step_url("details"), DETAILS).url == step_url("review")
    client.post(step_url("review"))
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED
    assert mine.starts_at == new_start


def test_the_time_step_still_offers_the_patients_own_held_time(client, clinic_setup):
    treatment, _, questions = clinic_setup
    choose_treatment(client, treatment)
    screen(client, questions)
    start = first_free_time(client)
    assert hold(client, start).status_code == 302

    response = client.get(step_url("time"))

    picker = response.context["picker"]
    held = [time for time in picker.times if time.held]
    assert [time.start for time in held] == [start]
    assert "You are holding" in response.content.decode()
    # Choosing it again goes on with the same appointment.
    assert hold(client, start).status_code == 302
    assert Appointment.objects.get().starts_at == start


def test_a_time_that_is_not_offered_cannot_be_held(client, clinic_setup):
    treatment, _, questions = clinic_setup
    choose_treatment(client, treatment)
    screen(client, questions)
    three_am = timezone.now().replace(hour=10, minute=7) + dt.timedelta(days=3)

    response = hold(client, three_am)

    assert response.status_code == 409
    assert "no longer available" in response.content.decode()
    assert Appointment.objects.count() == 0


def test_booking_pages_are_never_cached(client, clinic_setup):
    treatment, _, questions = clinic_setup
    choose_treatment(client, treatment)

    response = client.get(step_url("screening"))

    assert "no-store" in response["Cache-Control"]


def test_the_confirmation_email_carries_no_health_answer(client, clinic_setup):
    treatment, _, questions = clinic_setup
    book_until_review(client, treatment, questions, keloid="yes")
    client.post(step_url("review"))

    for message in mail.outbox:
        text = message.subject + message.body
        assert "keloid" not in text.lower()
        assert "1990" not in text


def _recent_treatments(treatment, questions):
    """One yes/no question and two dates after its "Yes", as the standard questionnaire
    asks about recent treatments on the area."""
    questions["recent"] = ScreeningQuestionFactory(
        treatment=treatment, text="In the past 6 months, any of these?", position=6
    )
    for key, text, days in (("peel", "When was the peel?", 14), ("laser", "When the laser?", 180)):
        questions[key] = ScreeningQuestionFactory(
            treatment=treatment,
            text=text,
            kind=QuestionKind.DATE,
            outcome=Outcome.NEEDS_REVIEW,
            waiting_days=days,
            parent=questions["recent"],
            parent_answer="yes",
            position=7,
        )
    return questions


@pytest.fixture
def with_recent_treatments(client, clinic_setup):
    """The screening step, with the recent-treatments question and its dates asked."""
    treatment, _, questions = clinic_setup
    questions = _recent_treatments(treatment, questions)
    choose_treatment(client, treatment)
    return questions


def test_yes_to_recent_treatments_needs_at_least_one_of_their_dates(client, with_recent_treatments):
    questions = with_recent_treatments

    response = screen(client, questions, recent="yes")

    assert response.status_code == 400
    page = response.content.decode()
    assert "please enter at least one of these dates" in page
    assert page.count("please enter at least one of these dates") == 2  # summary and field
    form = response.context["form"]
    assert list(form.errors) == [f"question_{questions['peel'].pk}"]
    assert form[f"question_{questions['recent'].pk}"].value() == "yes"  # kept as typed
    assert Screening.objects.count() == 0

    laser = timezone.localdate() - dt.timedelta(days=100)
    response = screen(client, questions, recent="yes", laser=laser.isoformat())

    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.outcome == Outcome.NEEDS_REVIEW
    assert screening.earliest_date == laser + dt.timedelta(days=180)


def test_no_to_recent_treatments_asks_for_no_date(client, with_recent_treatments):
    response = screen(client, with_recent_treatments, recent="no")

    assert response.status_code == 302
    assert Screening.objects.get().outcome == Outcome.NONE


def test_without_javascript_each_follow_up_says_when_it_applies(client, with_recent_treatments):
    page = client.get(step_url("screening")).content.decode()

    # Shown to everyone (the page's script hides them until "Yes"), each says when to
    # answer it: the question they follow is quoted once, at the first of them.
    recent = with_recent_treatments["recent"]
    hint = "Only if you answered “Yes” to: In the past 6 months, any of these?"
    assert page.count(hint) == 1
    assert page.count("Only if you answered “Yes” to the same question as the one above.") == 1
    assert page.index(hint) < page.index(f"question_{with_recent_treatments['laser'].pk}")
    assert page.count(f'data-follow-up-of="question_{recent.pk}"') == 2
    assert "hidden" not in re.search(r'<div class="question" data-follow-up-of[^>]*>', page)[0]


def test_a_follow_up_date_must_be_given_when_it_applies(client, clinic_setup):
    treatment, _, questions = clinic_setup
    choose_treatment(client, treatment)

    response = screen(client, questions, isotretinoin_past="yes")

    assert response.status_code == 400
    assert "Please answer this question" in response.content.decode()
    assert Screening.objects.count() == 0

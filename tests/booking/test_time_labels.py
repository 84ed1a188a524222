"""Every time a patient sees says it is Tijuana time, Pacific Time like San Diego, in the
season of that time: the time step, the review, the done page, the manage page, emails."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from booking import emails
from booking.models import Appointment, BookingPolicy
from booking.tokens import make_manage_token, manage_url
from tests.booking.pages import DETAILS, answers, first_offered_start, step_url
from tests.factories import TIJUANA, PractitionerFactory, TreatmentFactory, questionnaire

pytestmark = pytest.mark.django_db

PST = "Tijuana time (Pacific Standard Time, PST — same as San Diego)"
PDT = "Tijuana time (Pacific Daylight Time, PDT — same as San Diego)"


def page(response) -> str:
    assert response.status_code == 200
    text = response.content.decode()
    assert "America/Tijuana" not in text
    return text


@pytest.mark.parametrize(
    ("today", "label"),
    [
        (dt.datetime(2027, 1, 4, 8, 40, tzinfo=TIJUANA), PST),  # the frozen Monday
        (dt.datetime(2027, 6, 7, 8, 40, tzinfo=TIJUANA), PDT),  # a Monday in summer
    ],
    ids=["winter", "summer"],
)
def test_every_patient_facing_time_says_whose_clock_it_is(
    client, clock, clinic_profile, today, label
):
    clock.move_to(today)
    BookingPolicy(minimum_notice_hours=24, horizon_days=60).save()
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    client.post(step_url("treatment"), {"treatment": treatment.pk, "practitioner": ""})
    client.post(step_url("screening"), answers(questions))

    time_step = page(client.get(step_url("time")))
    assert f"All times are {label}." in time_step
    start = first_offered_start(client)
    client.post(step_url("time"), {"start": start.isoformat()})
    client.post(step_url("details"), DETAILS)

    when = start.astimezone(TIJUANA).strftime("%H:%M")
    review = page(client.get(step_url("review")))
    assert f"{when} {label}" in review

    done_response = client.post(step_url("review"))
    assert done_response.status_code == 302
    done = page(client.get(done_response.url))
    assert f"{when} {label}" in done

    appointment = Appointment.objects.get()
    manage = page(client.get(urlsplit(manage_url(appointment)).path))
    assert f"{when} {label}" in manage
    assert "You can change or cancel online until" in manage
    assert manage.count(label) == 2  # the time and the deadline
    reschedule = page(
        client.get(reverse("booking:manage_reschedule", args=[make_manage_token(appointment)]))
    )
    assert f"All times are {label}." in reschedule

    email = appointment.emails.get(kind="confirmed")
    assert emails.send(email.pk, now=dt.datetime.now(TIJUANA)) is True
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert f"{when} {label}" in body
        assert "America/Tijuana" not in body


def test_the_held_time_on_the_time_step_says_whose_clock_it_is(client, clinic_profile):
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    client.post(step_url("treatment"), {"treatment": treatment.pk, "practitioner": ""})
    client.post(step_url("screening"), answers(questions))
    client.get(step_url("time"))
    start = first_offered_start(client)
    client.post(step_url("time"), {"start": start.isoformat()})

    time_step = page(client.get(step_url("time")))

    assert f"You are holding {start.astimezone(TIJUANA):%A %-d %B, %H:%M} {PST} until" in time_step


def test_opening_hours_say_pacific_time_without_a_season(client, clinic_profile):
    assert clinic_profile.opening_hours_lines
    home = page(client.get(reverse("home")))
    assert "Times are Tijuana time (Pacific Time — same as San Diego)." in home

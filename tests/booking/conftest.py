"""Shared booking fixtures. Add new fixtures below; keep the existing ones stable."""

import dataclasses
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from booking.models import Appointment, Practitioner, Status
from clinic.models import ClinicProfile
from treatments.models import Treatment

TIJUANA = ZoneInfo("America/Tijuana")


@pytest.fixture
def clinic_profile(db) -> ClinicProfile:
    """The clinic in Tijuana, with an address, phone and email."""
    profile = ClinicProfile.load()
    profile.name = "Clínica Rosa"
    profile.street_address = "Av. Revolución 1234"
    profile.locality = "Tijuana"
    profile.region = "Baja California"
    profile.postal_code = "22000"
    profile.country = "Mexico"
    profile.phone = "+52 664 123 4567"
    profile.email = "hola@clinica.example"
    profile.time_zone = "America/Tijuana"
    profile.save()
    return profile


@pytest.fixture
def treatment(db) -> Treatment:
    return Treatment.objects.create(
        name="Microneedling",
        slug="microneedling",
        summary="Fine needles prompt the skin to renew itself.",
        session_minutes=30,
        visit_minutes=60,
        buffer_minutes=15,
        price_from=Decimal("180"),
        is_published=True,
        visit_instructions="Arrive 15 minutes early.\nCome without make-up.",
    )


@pytest.fixture
def practitioner(treatment) -> Practitioner:
    practitioner = Practitioner.objects.create(name="Dr. Ana Ruiz", title="Aesthetic physician")
    practitioner.treatments.add(treatment)
    return practitioner


@pytest.fixture
def confirmed_appointment(clinic_profile, treatment, practitioner) -> Appointment:
    """Confirmed for Tuesday 12 January 2027, 10:00–11:00 in Tijuana (18:00 UTC)."""
    starts_at = dt.datetime(2027, 1, 12, 10, 0, tzinfo=TIJUANA)
    ends_at = starts_at + dt.timedelta(minutes=treatment.visit_minutes)
    return Appointment.objects.create(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=ends_at,
        occupied_until=ends_at + dt.timedelta(minutes=treatment.buffer_minutes),
        status=Status.CONFIRMED,
        confirmed_at=timezone.now(),
        patient_name="Jane Doe",
        patient_email="jane@example.com",
        patient_phone="+1 619 555 0100",
        instructions="Stop taking ibuprofen 3 days before your visit.",
    )


# --- Admin: staff in each group and a screened request (tests/booking/test_admin.py) ------

# Distinctive health data: none of these strings may ever reach a receptionist.
SECRET_QUESTION = "Snapshot question ZEBRA-7731: do you form keloid scars?"
SECRET_DATE_QUESTION = "Snapshot question OKAPI-5150: last isotretinoin dose?"
SECRET_DATE_ANSWER = "2011-11-11"
SECRET_INSTRUCTIONS = "Stop ibuprofen QUOKKA-4242 three days before."
SECRET_BIRTH_DATE = dt.date(1977, 7, 7)


@pytest.fixture
def staff_member(db, django_user_model):
    """``staff_member("Reception")``: a staff user in that group (groups from migration 0005)."""
    from django.contrib.auth.models import Group

    def make(group_name: str, username: str | None = None):
        user = django_user_model.objects.create_user(
            username=username or group_name.lower().replace(" ", "_"),
            password="not-used-in-tests-9f3k",
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


def make_appointment(treatment, practitioner, starts_at, status=Status.CONFIRMED, **extra):
    """An appointment row straight in the database, times derived from the treatment."""
    ends_at = starts_at + dt.timedelta(minutes=treatment.visit_minutes)
    values = {
        "treatment": treatment,
        "practitioner": practitioner,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "occupied_until": ends_at + dt.timedelta(minutes=treatment.buffer_minutes),
        "status": status,
        "patient_name": "Pat Example",
        "patient_email": "pat@example.com",
    }
    values.update(extra)
    return Appointment.objects.create(**values)


@pytest.fixture
def screened_request(clinic_profile, treatment, practitioner) -> Appointment:
    """A request awaiting review on Wednesday 13 January 2027, 10:00 in Tijuana, with a
    screening whose answers carry the SECRET_* strings above."""
    from booking.models import Outcome, Screening, ScreeningAnswer

    screening = Screening.objects.create(
        treatment=treatment,
        date_of_birth=SECRET_BIRTH_DATE,
        outcome=Outcome.NEEDS_REVIEW,
    )
    ScreeningAnswer.objects.create(
        screening=screening,
        question_text=SECRET_QUESTION,
        question_outcome=Outcome.NEEDS_REVIEW,
        question_rule={"kind": "yes_no", "trigger_answer": "yes"},
        answer="yes",
        applies=True,
        position=0,
    )
    ScreeningAnswer.objects.create(
        screening=screening,
        question_text=SECRET_DATE_QUESTION,
        question_outcome=Outcome.NEEDS_REVIEW,
        question_rule={"kind": "date", "waiting_days": 180},
        answer=SECRET_DATE_ANSWER,
        applies=False,
        position=1,
    )
    return make_appointment(
        treatment,
        practitioner,
        dt.datetime(2027, 1, 13, 10, 0, tzinfo=TIJUANA),
        status=Status.REQUESTED,
        screening=screening,
        patient_name="Robin Requester",
        patient_email="robin@example.com",
        instructions=SECRET_INSTRUCTIONS,
    )


# --- Every public page, each reachable (tests/booking/test_fuzz.py, test_head.py) ----------


@dataclasses.dataclass
class PublicPage:
    name: str
    client: object  # django.test.Client whose session reaches the page
    url: str
    status: int  # what a GET answers


@pytest.fixture
def public_pages(db) -> list[PublicPage]:
    """Every page a visitor can GET, each with a client that reaches it for real: the
    content pages, every booking step (with a booking in progress), the done page, the
    manage pages of a confirmed appointment, and the staff sign-in page."""
    from django.test import Client
    from django.urls import reverse

    from booking.tokens import make_manage_token
    from tests.booking.builders import (
        answers,
        first_bookable_start,
        make_practitioner,
        make_questions,
        make_treatment,
    )

    treatment = make_treatment()
    make_practitioner(treatment)
    questions = make_questions(treatment)

    def step(name: str) -> str:
        return reverse("booking:step", args=[name])

    def book_until_review() -> Client:
        client = Client()
        client.post(step("treatment"), {"treatment": treatment.pk})
        client.post(step("screening"), answers(questions))
        start = first_bookable_start(client)
        client.post(step("time"), {"start": start.isoformat()})
        details = {
            "name": "Jane Doe",
            "email": "jane@example.com",
            "phone": "+1 619 555 0100",
            "consent_treatment": "on",
            "consent_privacy": "on",
        }
        assert client.post(step("details"), details).url == step("review")
        return client

    booking, finished, visitor = book_until_review(), book_until_review(), Client()
    assert finished.post(step("review")).url == reverse("booking:done")
    token = make_manage_token(Appointment.objects.get(status=Status.CONFIRMED))

    def manage(name: str) -> str:
        return reverse(f"booking:{name}", kwargs={"token": token})

    return [
        PublicPage("home", visitor, reverse("home"), 200),
        PublicPage("contact", visitor, reverse("contact"), 200),
        PublicPage("treatments", visitor, reverse("treatments:list"), 200),
        PublicPage("treatment", visitor, treatment.get_absolute_url(), 200),
        PublicPage("booking start", visitor, reverse("booking:start"), 302),
        *(
            PublicPage(f"booking step {name}", booking, step(name), 200)
            for name in ("treatment", "screening", "time", "details", "review")
        ),
        PublicPage("booking done", finished, reverse("booking:done"), 200),
        PublicPage("manage", visitor, manage("manage"), 200),
        PublicPage("manage reschedule", visitor, manage("manage_reschedule"), 200),
        PublicPage("manage calendar", visitor, manage("manage_calendar"), 200),
        PublicPage("staff sign-in", visitor, reverse("admin:login"), 200),
    ]

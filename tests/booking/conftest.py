"""Shared booking fixtures: thin wrappers over tests/factories, named for what tests share."""

import dataclasses
import datetime as dt

import pytest

from booking.models import Appointment, Outcome, Status
from clinic.models import ClinicProfile
from tests.factories import (
    TIJUANA,
    AppointmentFactory,
    ClinicProfileFactory,
    PractitionerFactory,
    ScreeningAnswerFactory,
    ScreeningFactory,
    TreatmentFactory,
)
from treatments.models import Treatment


@pytest.fixture
def clinic_profile(db) -> ClinicProfile:
    """The clinic in Tijuana, with an address, phone and email."""
    return ClinicProfileFactory()


@pytest.fixture
def treatment(db) -> Treatment:
    """Microneedling in a one-hour visit, with instructions for the visit."""
    return TreatmentFactory(
        microneedling=True,
        visit_minutes=60,
        visit_instructions="Arrive 15 minutes early.\nCome without make-up.",
    )


@pytest.fixture
def practitioner(treatment):
    """Dr. Ana Ruiz, who gives the treatment and works every day, 9:00–13:00 and
    14:00–18:00 (approving a request checks the time is still within her hours)."""
    return PractitionerFactory(title="Aesthetic physician", treatments=[treatment])


@pytest.fixture
def confirmed_appointment(clinic_profile, treatment, practitioner) -> Appointment:
    """Confirmed for Tuesday 12 January 2027, 10:00–11:00 in Tijuana (18:00 UTC)."""
    return AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=dt.datetime(2027, 1, 12, 10, 0, tzinfo=TIJUANA),
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


@pytest.fixture
def screened_request(clinic_profile, treatment, practitioner) -> Appointment:
    """A request awaiting review on Wednesday 13 January 2027, 10:00 in Tijuana, with a
    screening whose answers carry the SECRET_* strings above."""
    screening = ScreeningFactory(
        treatment=treatment, date_of_birth=SECRET_BIRTH_DATE, outcome=Outcome.NEEDS_REVIEW
    )
    ScreeningAnswerFactory(
        screening=screening,
        question_text=SECRET_QUESTION,
        question_outcome=Outcome.NEEDS_REVIEW,
        question_rule={"kind": "yes_no", "trigger_answer": "yes"},
        answer="yes",
        applies=True,
        position=0,
    )
    ScreeningAnswerFactory(
        screening=screening,
        question_text=SECRET_DATE_QUESTION,
        question_outcome=Outcome.NEEDS_REVIEW,
        question_rule={"kind": "date", "waiting_days": 180},
        answer=SECRET_DATE_ANSWER,
        applies=False,
        position=1,
    )
    return AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=dt.datetime(2027, 1, 13, 10, 0, tzinfo=TIJUANA),
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
    from tests.booking.pages import answers, first_offered_start
    from tests.factories import questionnaire

    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)

    def step(name: str) -> str:
        return reverse("booking:step", args=[name])

    def book_until_review() -> Client:
        client = Client(headers={"Accept-Language": "en"})
        client.post(step("treatment"), {"treatment": treatment.pk})
        client.post(step("screening"), answers(questions))
        start = first_offered_start(client)
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

    booking, finished, visitor = (
        book_until_review(),
        book_until_review(),
        Client(headers={"Accept-Language": "en"}),
    )
    assert finished.post(step("review")).url == reverse("booking:done")
    token = make_manage_token(Appointment.objects.get(status=Status.CONFIRMED))

    def manage(name: str) -> str:
        return reverse(f"booking:{name}", kwargs={"token": token})

    return [
        PublicPage("home", visitor, reverse("home"), 200),
        PublicPage("contact", visitor, reverse("contact"), 200),
        PublicPage("privacy notice", visitor, reverse("privacy"), 200),
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

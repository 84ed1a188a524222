"""The appointment book's and the review queue's rows are written in one pass
(booking/admin/rows.py): cell for cell what Django's own ``items_for_result`` writes, in
both languages, for every kind of staff member, with the list's filters kept in the links;
the queue's queries stay as few for 100 rows as for 10."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.admin.templatetags.admin_list import results
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from booking.models import Appointment, RecheckResult, Status
from tests.booking.test_admin_performance import add_appointments
from tests.factories import (
    TIJUANA,
    AppointmentFactory,
    PractitionerFactory,
    ScreeningAnswerFactory,
    ScreeningFactory,
    ScreeningQuestionFactory,
)

pytestmark = pytest.mark.django_db

BOOK = reverse("admin:booking_appointment_changelist")
QUEUE = reverse("admin:booking_appointmentrequest_changelist")


@pytest.fixture
def practitioners(treatment, practitioner):
    return [practitioner, PractitionerFactory(name="Dr. <O'Brien> & Co", treatments=[treatment])]


@pytest.fixture
def book(treatment, practitioners, screened_request):
    """Rows of every kind: each status, a re-check of each outcome, a name to escape."""
    add_appointments(treatment, practitioners, 12)
    start = dt.datetime(2027, 3, 1, 9, 0, tzinfo=TIJUANA)
    for n, recheck in enumerate(RecheckResult):
        AppointmentFactory(
            treatment=treatment,
            practitioner=practitioners[1],
            starts_at=start + dt.timedelta(days=n),
            status=Status.CONFIRMED,
            patient_name=f'<b>"Quoted" & {n}</b>',
            health_recheck=recheck,
            health_rechecked_at=start - dt.timedelta(days=1),
        )


def djangos_rows(response) -> list[str]:
    changelist = response.context["cl"]
    with translation.override(response.headers["Content-Language"]):
        return ["".join(row) for row in results(changelist)]


def page_rows(response) -> list[str]:
    return ["".join(row) for row in response.context["results"]]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    ("who", "page", "params"),
    [
        ("superuser", BOOK, {}),
        ("Reception", BOOK, {"status": "all", "when": "upcoming"}),
        ("Reception", BOOK, {"o": "-2.4", "q": "Quoted"}),
        ("superuser", QUEUE, {}),
        ("Clinician", QUEUE, {"o": "3"}),
    ],
)
def test_the_rows_are_the_ones_django_writes(
    who, page, params, language, client, admin_user, staff_member, otp_login, book
):
    user = admin_user if who == "superuser" else staff_member(who)
    otp_login(client, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get(page, params)

    assert response.status_code == 200
    rows = page_rows(response)
    assert rows  # every kind of row is listed
    assert rows == djangos_rows(response)
    body = response.content.decode()
    assert all(f"<tr>{row}</tr>" in body for row in rows)
    if params:
        assert "_changelist_filters=" in rows[0]  # the filters kept in the row's link


def test_a_popup_row_carries_its_opener_as_djangos_does(client, admin_user, otp_login, book):
    otp_login(client, admin_user)

    response = client.get(BOOK, {"_popup": "1", "_to_field": "id"})

    rows = page_rows(response)
    assert "data-popup-opener=" in rows[0]
    assert rows == djangos_rows(response)


def test_the_review_queue_costs_the_same_queries_for_10_and_100_requests(
    client, staff_member, otp_login, clinic_profile, treatment, practitioners
):
    otp_login(client, staff_member("Clinician"))
    client.get(QUEUE)  # warm the caches (clinic profile, content types)
    counts = []
    for total in (40, 400):  # a quarter of them requests
        add_appointments(treatment, practitioners, total - Appointment.objects.count())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE)
        assert len(response.context["cl"].result_list) == total // 4
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def screened_requests(treatment, practitioner, count: int) -> None:
    """`count` requests made in Spanish, each with an answer that applies (its question
    now worded in both languages) and one that does not."""
    question = ScreeningQuestionFactory(
        treatment=treatment, text_en="Scars?", text_es="¿Cicatrices?"
    )
    # A day each, after the requests already made (PostgreSQL refuses overlapping visits).
    already = Appointment.objects.filter(practitioner=practitioner).count()
    for n in range(already, already + count):
        screening = ScreeningFactory(treatment=treatment)
        ScreeningAnswerFactory(screening=screening, question=question, applies=True)
        ScreeningAnswerFactory(screening=screening, question=question, applies=False, position=1)
        AppointmentFactory(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=dt.datetime(2027, 4, 1, 9, 0, tzinfo=TIJUANA) + dt.timedelta(days=n),
            status=Status.REQUESTED,
            screening=screening,
            language="es",
        )


def test_the_answers_column_costs_the_same_queries_for_2_and_12_screened_requests(
    client, staff_member, otp_login, clinic_profile, treatment, practitioner
):
    otp_login(client, staff_member("Clinician"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(QUEUE)
    counts = []
    for total in (2, 12):
        screened_requests(treatment, practitioner, total - len(counts) * 2)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE)
        body = response.content.decode()
        assert body.count('<small class="booking-other-language">English: Scars?</small>') == total
        assert page_rows(response) == djangos_rows(response)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# Every other list of the back office, with its own kinds of columns (booleans, foreign
# keys, dates, properties, methods, __str__): rows.py writes them as Django does too, so a
# column added to the appointment lists later is written right.
OTHER_LISTS = [
    "admin:booking_practitioner_changelist",
    "admin:booking_closure_changelist",
    "admin:booking_screeningquestion_changelist",
    "admin:booking_accessrecord_changelist",
    "admin:booking_datarequest_changelist",
    "admin:treatments_treatment_changelist",
    "admin:clinic_privacynotice_changelist",
    "admin:auth_user_changelist",
    "admin:otp_totp_totpdevice_changelist",
    "admin:axes_accessattempt_changelist",
]


@pytest.mark.parametrize("name", OTHER_LISTS)
def test_any_list_of_the_back_office_is_written_as_django_writes_it(
    name, client, admin_user, otp_login, book
):
    from booking.admin.rows import fast_result_list
    from tests.factories import ClosureFactory

    ClosureFactory()
    otp_login(client, admin_user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    changelist = response.context["cl"]
    with translation.override("en"):
        ours = ["".join(row) for row in fast_result_list(changelist)["results"]]
        django = ["".join(row) for row in results(changelist)]
    assert ours == django


def test_the_queue_shows_only_the_answers_that_apply_in_the_questionnaires_order(
    client, staff_member, otp_login, clinic_profile, treatment, practitioner
):
    """Whether an answer applies is encrypted, so the queue reads which apply from the
    screening's note and then only those answers (ReviewQueueList): the others are never
    shown."""
    otp_login(client, staff_member("Clinician"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    screening = ScreeningFactory(treatment=treatment)
    for position, (text, applies) in enumerate(
        [("Keloid scars?", True), ("A tattoo there?", False), ("Isotretinoin this year?", True)]
    ):
        ScreeningAnswerFactory(
            screening=screening, question_text=text, applies=applies, position=2 - position
        )
    AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=dt.datetime(2027, 4, 1, 9, 0, tzinfo=TIJUANA),
        status=Status.REQUESTED,
        screening=screening,
        language="en",
    )
    body = client.get(QUEUE).content.decode()

    assert "A tattoo there?" not in body
    shown = body.index("<li>Isotretinoin this year?: Yes</li>")
    assert shown < body.index("<li>Keloid scars?: Yes</li>")  # position 0 before position 2

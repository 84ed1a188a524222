"""The appointment book's lists keep their count until an appointment changes
(booking/book_count.py): the COUNT over the book is not run again for every page staff
open, and a booking, a change or a deletion shows in the count at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking.models import Appointment, Status
from tests.booking.test_admin_performance import add_appointments

pytestmark = pytest.mark.django_db

BOOK = reverse("admin:booking_appointment_changelist")
QUEUE = reverse("admin:booking_appointmentrequest_changelist")
ANY_DATE = {"when": "all"}


def listed(client, url=BOOK, params=ANY_DATE) -> tuple[int, int]:
    """The list's count, and how many COUNT queries the page ran for it."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    counting = [q for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    return response.context["cl"].result_count, len(counting)


@pytest.fixture
def reception(client, staff_member, otp_login, clinic_profile, treatment, practitioner):
    otp_login(client, staff_member("Reception"))
    add_appointments(treatment, [practitioner], 8)
    return client


def test_the_count_is_run_once_then_kept(reception):
    assert listed(reception) == (8, 1)
    assert listed(reception) == (8, 0)


def test_a_booking_a_change_and_a_deletion_show_at_once(reception, treatment, practitioner):
    listed(reception)

    add_appointments(treatment, [practitioner], 1)  # a save
    assert listed(reception) == (9, 1)

    # A bulk update: a time released to the calendar leaves the book.
    Appointment.objects.filter(pk=Appointment.objects.first().pk).update(status=Status.EXPIRED)
    assert listed(reception) == (8, 1)

    Appointment.objects.filter(patient_name="Patient 2").delete()  # a bulk delete
    assert listed(reception) == (7, 1)

    Appointment.objects.get(patient_name="Patient 3").delete()
    assert listed(reception) == (6, 1)


def test_each_filter_and_search_has_its_own_count(reception):
    cancelled = {**ANY_DATE, "status": Status.CANCELLED}
    found = {**ANY_DATE, "q": "patient5@example.com"}

    assert listed(reception) == (8, 1)
    assert listed(reception, params=cancelled) == (2, 1)
    assert listed(reception, params=found) == (1, 1)
    assert listed(reception, params=cancelled) == (2, 0)
    assert listed(reception, params=found) == (1, 0)


def test_the_review_queue_keeps_its_own_count(
    client, staff_member, otp_login, clinic_profile, treatment, practitioner
):
    otp_login(client, staff_member("Clinician"))
    add_appointments(treatment, [practitioner], 8)  # two of them requests
    assert listed(client, QUEUE, {}) == (2, 1)
    assert listed(client, QUEUE, {}) == (2, 0)

    request = Appointment.objects.filter(status=Status.REQUESTED).first()
    request.status = Status.CONFIRMED
    request.save(update_fields=["status"])
    assert listed(client, QUEUE, {}) == (1, 1)


def test_a_filter_that_can_match_nothing_counts_none(reception):
    """An address with a value no filter offers: no query, nothing kept, no error."""
    assert listed(reception, params={**ANY_DATE, "recheck": "mistyped"}) == (0, 0)

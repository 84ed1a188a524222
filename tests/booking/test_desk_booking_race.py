"""Issue 12's race, over HTTP on PostgreSQL: the front desk books a caller by phone at the
very moment a patient online holds the same free time.

Both take the practitioner's lock before they check the time (``locking.py``), so one of
them wins and the other is told kindly: the patient back on the time step (409), the
desk back on its times with the message (409) or the time no longer among them (400).
Never a 500, never two appointments at one time.

Run with: DATABASE_URL=postgres://... pytest tests/booking/test_desk_booking_race.py -s
"""

from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from booking.models import ACTIVE_STATUSES, Appointment, BookingPolicy
from tests.booking import pages
from tests.booking.test_concurrency import run_at_once
from tests.booking.test_desk_booking_admin import booking_data
from tests.factories import ClinicProfileFactory, PractitionerFactory, TreatmentFactory
from tests.factories import questionnaire as make_questionnaire

ROUNDS = 20
ADD = reverse("admin:booking_appointment_add")


@pytest.mark.postgres
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_phone_booking_racing_an_online_booking_ends_with_one_appointment(
    transactional_db, settings, django_user_model, otp_login
):
    settings.RATELIMIT_ENABLE = False
    ClinicProfileFactory()
    # Every patient here comes from one test address, and the winners keep their holds.
    BookingPolicy.objects.update_or_create(pk=1, defaults={"max_holds_per_ip": ROUNDS + 1})
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = make_questionnaire(treatment)
    staff = otp_login(
        Client(headers={"Accept-Language": "en"}),
        django_user_model.objects.create_superuser("desk", "desk@example.com", "not-used-3k"),
    )
    tally: Counter[str] = Counter()

    for _round in range(ROUNDS):
        patient = Client(headers={"Accept-Language": "en"})
        patient.post(pages.step_url("treatment"), {"treatment": treatment.pk})
        patient.post(pages.step_url("screening"), pages.answers(questions))
        start = pages.first_offered_start(patient)
        desk_data = booking_data(treatment, start, questions)

        time_step = pages.step_url("time")  # here: the threads speak no language yet

        def post(index, patient=patient, start=start, desk_data=desk_data, url=time_step):
            if index == 0:
                return patient.post(url, {"start": start.isoformat()})
            return staff.post(ADD, desk_data)

        (kind_a, online), (kind_b, desk) = run_at_once(2, post)

        assert (kind_a, kind_b) == ("ok", "ok"), (online, desk)
        at_that_time = Appointment.objects.filter(starts_at=start, status__in=ACTIVE_STATUSES)
        assert at_that_time.count() == 1
        if desk.status_code == 302:
            tally["desk first"] += 1
            assert online.status_code == 409, online.status_code
            assert "choose another" in online.content.decode().lower()
        else:
            tally["patient first"] += 1
            assert online.status_code == 302, online.status_code
            assert desk.status_code in (400, 409), desk.status_code
            text = desk.content.decode()
            assert "just been taken" in text or "no longer free" in text

    print(  # noqa: T201 - the figures for the closing note, shown with -s
        f"\n[{connection.vendor}] desk-vs-online race: {ROUNDS} rounds, "
        + ", ".join(f"{count} {what}" for what, count in sorted(tally.items()))
    )
    assert sum(tally.values()) == ROUNDS

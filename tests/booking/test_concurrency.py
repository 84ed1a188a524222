"""Many patients, one slot: exactly one wins, everyone else gets the friendly answer.

Runs on whichever database the suite uses: the SQLite file (IMMEDIATE
transactions) under `make test`, PostgreSQL (exclusion constraint) under
`make test-postgres`. Each thread has its own connection, as gunicorn workers do.
"""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from booking import services
from booking.models import ACTIVE_STATUSES, Appointment, PatientEmail, Screening, Status
from tests.booking.builders import (
    clear_of_the_notice,
    make_appointment,
    make_practitioner,
    make_treatment,
)

THREADS = 20


def run_at_once(count: int, work):
    """Run `work(i)` in `count` threads released together; return (results, errors)."""
    barrier = threading.Barrier(count)

    def runner(index):
        try:
            barrier.wait(timeout=10)
            return work(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(runner, index) for index in range(count)]
        outcomes = []
        for future in futures:
            try:
                outcomes.append(("ok", future.result(timeout=60)))
            except Exception as error:  # collected and asserted on below
                outcomes.append(("error", error))
    return outcomes


def sort_outcomes(outcomes, friendly=services.SlotUnavailable):
    """(results, friendly refusals, any other error) of the attempts."""
    won = [value for kind, value in outcomes if kind == "ok"]
    refused = [value for kind, value in outcomes if isinstance(value, friendly)]
    other = [v for k, v in outcomes if k == "error" and not isinstance(v, friendly)]
    return won, refused, other


@pytest.fixture
def slot(transactional_db):
    treatment = make_treatment()
    practitioner = make_practitioner(treatment)
    now = timezone.now()
    slots = services.free_slots_for(treatment, practitioner_id=None, now=now)
    start = clear_of_the_notice(slot.start for slot in slots)[0]
    return treatment, practitioner, start


def new_screening(treatment) -> Screening:
    return Screening.objects.create(
        treatment=treatment, date_of_birth=dt.date(1990, 1, 1), outcome="none"
    )


def test_twenty_patients_holding_one_slot_leave_exactly_one_appointment(slot):
    treatment, practitioner, start = slot
    screenings = [new_screening(treatment) for _ in range(THREADS)]

    def attempt(index):
        return services.hold_slot(
            appointment=None,
            treatment=treatment,
            practitioner_id=None,
            start=start,
            record=screenings[index],
            session_key=f"session-{index}",
            client_ip=f"198.51.100.{index + 1}",
        )

    outcomes = run_at_once(THREADS, attempt)

    won, refused, other_errors = sort_outcomes(outcomes)
    assert other_errors == []
    assert len(won) == 1
    assert len(refused) == THREADS - 1
    assert Appointment.objects.filter(status__in=[Status.HELD]).count() == 1
    print(  # noqa: T201 - the figures for the closing note, shown with -s
        f"\n[{connection.vendor}] hold race: {THREADS} attempts, "
        f"{len(won)} appointment, {len(refused)} friendly refusals, {len(other_errors)} errors"
    )


def test_twenty_confirmations_of_one_slot_leave_exactly_one_active_appointment(slot):
    """Every patient had held the slot once and let the hold lapse; all confirm at once."""
    treatment, practitioner, start = slot
    end = start + dt.timedelta(minutes=treatment.visit_minutes)
    occupied = end + dt.timedelta(minutes=treatment.buffer_minutes)
    past = timezone.now() - dt.timedelta(minutes=1)
    ids = []
    for index in range(THREADS):
        appointment = Appointment.objects.create(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=start,
            ends_at=end,
            occupied_until=occupied,
            status=Status.EXPIRED,
            screening=new_screening(treatment),
            patient_name=f"Patient {index}",
            patient_email=f"p{index}@example.com",
        )
        appointment.consents.create(kind="privacy", wording="I agree.", version="1")
        ids.append(appointment.pk)
    Appointment.objects.filter(pk__in=ids).update(hold_expires_at=past)

    outcomes = run_at_once(THREADS, lambda index: services.confirm_booking(ids[index]))

    won, _, other_errors = sort_outcomes(outcomes)
    assert other_errors == []
    assert len(won) == 1
    assert Appointment.objects.filter(status=Status.CONFIRMED).count() == 1
    assert PatientEmail.objects.filter(kind="confirmed").count() == 1
    print(  # noqa: T201 - the figures for the closing note, shown with -s
        f"\n[{connection.vendor}] confirm race: {THREADS} attempts, {len(won)} appointment, "
        f"{THREADS - len(won)} friendly refusals, {len(other_errors)} errors"
    )


def test_clinicians_approving_at_once_approve_once(slot):
    treatment, practitioner, start = slot
    clinicians = [
        get_user_model().objects.create_user(f"clinician{index}", is_staff=True)
        for index in range(THREADS)
    ]
    request = Appointment.objects.create(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=90),
        occupied_until=start + dt.timedelta(minutes=105),
        status=Status.REQUESTED,
        screening=new_screening(treatment),
        patient_email="p@example.com",
    )

    outcomes = run_at_once(
        THREADS, lambda index: services.approve_request(request.pk, by=clinicians[index])
    )

    won, _, other_errors = sort_outcomes(outcomes, friendly=services.BookingError)
    assert other_errors == []
    assert len(won) == 1
    request.refresh_from_db()
    assert request.status == Status.CONFIRMED
    assert request.changes.filter(action="approved").count() == 1
    assert PatientEmail.objects.filter(kind="approved").count() == 1


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_overlapping_requests_made_behind_the_services_back_are_never_approved(slot):
    """SQLite has no exclusion constraint, so overlapping requests can be written directly
    (never by the services). Approving them at once confirms neither: each overlaps the
    other, and the clinician is told so."""
    treatment, practitioner, start = slot
    clinician = get_user_model().objects.create_user("clinician", is_staff=True)
    ids = [
        Appointment.objects.create(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=start + dt.timedelta(minutes=30 * index),
            ends_at=start + dt.timedelta(minutes=30 * index + 90),
            occupied_until=start + dt.timedelta(minutes=30 * index + 105),
            status=Status.REQUESTED,
            screening=new_screening(treatment),
        ).pk
        for index in range(2)
    ]

    outcomes = run_at_once(2, lambda index: services.approve_request(ids[index], by=clinician))

    assert all(isinstance(value, services.SlotUnavailable) for _, value in outcomes)
    assert Appointment.objects.filter(status=Status.CONFIRMED).count() == 0


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_itself_refuses_overlapping_active_appointments(slot):
    """The guarantee is the database's, not only Python's: a raw insert is refused too."""
    treatment, practitioner, start = slot
    values = {
        "treatment": treatment,
        "practitioner": practitioner,
        "ends_at": start + dt.timedelta(minutes=90),
        "occupied_until": start + dt.timedelta(minutes=105),
    }
    Appointment.objects.create(starts_at=start, status=Status.CONFIRMED, **values)

    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            starts_at=start + dt.timedelta(minutes=60),
            status=Status.REQUESTED,
            **{
                **values,
                "ends_at": start + dt.timedelta(minutes=150),
                "occupied_until": start + dt.timedelta(minutes=165),
            },
        )
    # Cancelled and expired appointments do not take the slot.
    Appointment.objects.create(starts_at=start, status=Status.CANCELLED, **values)
    Appointment.objects.create(starts_at=start, status=Status.EXPIRED, **values)
    assert Appointment.objects.count() == 3


# --- Reschedules, holds, confirmations and approvals racing each other -----------------

RESCHEDULERS = 24


def free_starts(treatment, practitioner, count: int) -> list[dt.datetime]:
    """`count` starts of the practitioner's free slots, none overlapping another."""
    slots = services.free_slots_for(treatment, practitioner_id=practitioner.pk, now=timezone.now())
    starts: list[dt.datetime] = []
    occupied = dt.timedelta(minutes=treatment.visit_minutes + treatment.buffer_minutes)
    for start in clear_of_the_notice(slot.start for slot in slots):
        if not starts or start >= starts[-1] + occupied:
            starts.append(start)
        if len(starts) == count:
            return starts
    raise AssertionError(f"only {len(starts)} separate free starts")


def overlapping_pairs() -> list[tuple[str, str]]:
    """Pairs of active appointments of one practitioner whose times meet (buffer included)."""
    active = list(Appointment.objects.filter(status__in=ACTIVE_STATUSES).order_by("pk"))
    return [
        (a.reference, b.reference)
        for i, a in enumerate(active)
        for b in active[i + 1 :]
        if a.practitioner_id == b.practitioner_id
        and a.starts_at < b.occupied_until
        and b.starts_at < a.occupied_until
    ]


def test_reschedules_of_different_appointments_to_one_free_time_move_exactly_one(slot):
    """The race that answered 500 on PostgreSQL (a deadlock inside the exclusion
    constraint): every patient moves their own appointment to the same free time."""
    treatment, practitioner, _ = slot
    target, *others = free_starts(treatment, practitioner, RESCHEDULERS + 1)
    ids = [
        make_appointment(
            treatment,
            practitioner,
            start,
            screening=new_screening(treatment),
            patient_email=f"p{index}@example.com",
        ).pk
        for index, start in enumerate(others)
    ]

    outcomes = run_at_once(
        RESCHEDULERS, lambda index: services.reschedule_by_patient(ids[index], start=target)
    )

    won, refused, other_errors = sort_outcomes(outcomes)
    assert other_errors == []
    assert len(won) == 1
    assert len(refused) == RESCHEDULERS - 1
    assert all("just taken" in str(e) or "no longer available" in str(e) for e in refused)
    assert Appointment.objects.filter(starts_at=target, status=Status.CONFIRMED).count() == 1
    assert overlapping_pairs() == []
    print(  # noqa: T201 - the figures for the closing note, shown with -s
        f"\n[{connection.vendor}] reschedule race: {RESCHEDULERS} attempts, {len(won)} moved, "
        f"{len(refused)} friendly refusals, {len(other_errors)} errors, "
        f"{len(overlapping_pairs())} overlaps"
    )

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
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.utils import timezone

from booking import services
from booking.models import ACTIVE_STATUSES, Appointment, PatientEmail, Screening, Status
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    PractitionerFactory,
    ScreeningFactory,
    TreatmentFactory,
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
    treatment = TreatmentFactory(microneedling=True)
    practitioner = PractitionerFactory(treatments=[treatment])
    slots = services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())
    return treatment, practitioner, slots[0].start


def new_screening(treatment) -> Screening:
    return ScreeningFactory(treatment=treatment)


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
    past = timezone.now() - dt.timedelta(minutes=1)
    ids = []
    for index in range(THREADS):
        appointment = AppointmentFactory(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=start,
            status=Status.EXPIRED,
            screened=True,
            patient_name=f"Patient {index}",
            patient_email=f"p{index}@example.com",
        )
        ConsentFactory(appointment=appointment)
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
    request = AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=start,
        status=Status.REQUESTED,
        screened=True,
        patient_name="",
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
        AppointmentFactory(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=start + dt.timedelta(minutes=30 * index),
            status=Status.REQUESTED,
            screened=True,
            patient_name="",
            patient_email="",
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
    values = {"treatment": treatment, "practitioner": practitioner}
    AppointmentFactory(starts_at=start, status=Status.CONFIRMED, **values)

    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(
            starts_at=start + dt.timedelta(minutes=60), status=Status.REQUESTED, **values
        )
    # Cancelled and expired appointments do not take the slot.
    AppointmentFactory(starts_at=start, status=Status.CANCELLED, **values)
    AppointmentFactory(starts_at=start, status=Status.EXPIRED, **values)
    assert Appointment.objects.count() == 3


# --- Reschedules, holds, confirmations and approvals racing each other -----------------

RESCHEDULERS = 24


def confirmed_visits_at(treatment, practitioner, starts) -> list[int]:
    """One screened, confirmed visit of a different patient at each start; their ids."""
    return [
        AppointmentFactory(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=start,
            screened=True,
            patient_email=f"p{index}@example.com",
        ).pk
        for index, start in enumerate(starts)
    ]


def free_starts(treatment, practitioner, count: int, *, besides=()) -> list[dt.datetime]:
    """`count` starts of the practitioner's free slots, none overlapping another or any
    of `besides`."""
    slots = services.free_slots_for(treatment, practitioner_id=practitioner.pk, now=timezone.now())
    occupied = dt.timedelta(minutes=treatment.visit_minutes + treatment.buffer_minutes)
    starts: list[dt.datetime] = []
    for start in (slot.start for slot in slots):
        if all(abs(start - other) >= occupied for other in [*besides, *starts]):
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


def conflicts_retried(caplog) -> list[str]:
    """The services' log lines for a transaction PostgreSQL aborted (and they retried).

    The lock order is meant to make these impossible: the retry is only a safety net,
    and a race test that needed it would hide a flaw in the order."""
    return [r.getMessage() for r in caplog.records if "transaction conflict" in r.getMessage()]


def test_reschedules_of_different_appointments_to_one_free_time_move_exactly_one(slot, caplog):
    """The race that answered 500 on PostgreSQL (a deadlock inside the exclusion
    constraint's check): every patient moves their own appointment to the same free time."""
    treatment, practitioner, _ = slot
    target, *others = free_starts(treatment, practitioner, RESCHEDULERS + 1)
    ids = confirmed_visits_at(treatment, practitioner, others)

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
    assert conflicts_retried(caplog) == []
    print(  # noqa: T201 - the figures for the closing note, shown with -s
        f"\n[{connection.vendor}] reschedule race: {RESCHEDULERS} attempts, {len(won)} moved, "
        f"{len(refused)} friendly refusals, {len(other_errors)} errors, "
        f"{len(overlapping_pairs())} overlaps"
    )


def test_holds_confirmations_approvals_and_reschedules_racing_for_one_time(slot, caplog):
    """Two practitioners free at one time; 32 writers at once: patients rescheduling to it
    (some of them while a clinician approves their request), new patients holding it
    with any practitioner, patients confirming lapsed holds of it (one of them still
    marked held, so the others release it while its owner confirms it), and clinicians
    approving requests elsewhere in both diaries.

    Each practitioner ends with exactly one appointment at that time, every approval
    goes through, everyone else is told the time was taken, nothing overlaps, and
    PostgreSQL never had to abort a transaction."""
    treatment, first, _ = slot
    second = PractitionerFactory(treatments=[treatment], name="Dr. Luis Vega", position=1)
    practitioners = [first, second]
    target = free_starts(treatment, first, 1)[0]
    assert services.practitioners_free_at(
        treatment, target, practitioner_id=None, now=timezone.now(), earliest_date=None
    ) == [first.pk, second.pk]
    elsewhere = {p.pk: iter(free_starts(treatment, p, 8, besides=[target])) for p in practitioners}
    past = timezone.now() - dt.timedelta(minutes=1)
    clinician = get_user_model().objects.create_user("clinician", is_staff=True)

    def appointment(practitioner, start, status, index, **values):
        made = AppointmentFactory(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=start,
            status=status,
            screened=True,
            patient_name=f"Patient {index}",
            patient_email=f"p{index}@example.com",
            **values,
        )
        ConsentFactory(appointment=made)
        return made.pk

    def elsewhere_in(practitioner):
        return next(elsewhere[practitioner.pk])

    # 6 confirmed and 4 requested appointments elsewhere, moved to the time by their
    # patients; the 4 requests and 4 more are approved at the same moment.
    confirmed = [
        appointment(p, elsewhere_in(p), Status.CONFIRMED, i)
        for i, p in enumerate(practitioners * 3)
    ]
    requested = [
        appointment(p, elsewhere_in(p), Status.REQUESTED, 10 + i)
        for i, p in enumerate(practitioners * 4)
    ]
    moving = confirmed + requested[:4]
    # 6 lapsed holds of the time itself, confirmed by their patients. The first is still
    # marked held, so whoever takes its time releases it while its owner confirms it;
    # the others were already marked expired.
    lapsed = [
        appointment(p, target, Status.HELD if i == 0 else Status.EXPIRED, 20 + i)
        for i, p in enumerate(practitioners * 3)
    ]
    Appointment.objects.filter(pk__in=lapsed).update(hold_expires_at=past)
    new_patients = [new_screening(treatment) for _ in range(8)]

    def hold(index):
        return services.hold_slot(
            appointment=None,
            treatment=treatment,
            practitioner_id=None,
            start=target,
            record=new_patients[index],
            session_key=f"session-{index}",
            client_ip=f"198.51.100.{index + 1}",
        )

    work = (
        [
            ("reschedule", lambda pk=pk: services.reschedule_by_patient(pk, start=target))
            for pk in moving
        ]
        + [
            ("approve", lambda pk=pk: services.approve_request(pk, by=clinician))
            for pk in requested
        ]
        + [("confirm", lambda pk=pk: services.confirm_booking(pk)) for pk in lapsed]
        + [("hold", lambda i=i: hold(i)) for i in range(len(new_patients))]
    )
    assert len(work) == 32

    outcomes = run_at_once(len(work), lambda index: work[index][1]())

    by_kind: dict[str, list] = {}
    for (kind, _), outcome in zip(work, outcomes, strict=True):
        by_kind.setdefault(kind, []).append(outcome)
    approvals = sort_outcomes(by_kind.pop("approve"))
    assert approvals[1:] == ([], []), "every approval goes through"
    claims = sort_outcomes([outcome for outcomes in by_kind.values() for outcome in outcomes])
    won, refused, other_errors = claims
    assert other_errors == []
    assert len(won) == 2, "one winner per practitioner"
    assert {appointment.practitioner_id for appointment in won} == {first.pk, second.pk}
    at_target = Appointment.objects.occupying(timezone.now()).filter(starts_at=target)
    assert sorted(at_target.values_list("practitioner_id", flat=True)) == [first.pk, second.pk]
    assert overlapping_pairs() == []
    assert conflicts_retried(caplog) == []
    assert Appointment.objects.filter(pk__in=requested[4:], status=Status.CONFIRMED).count() == 4
    print(  # noqa: T201 - the figures for the closing note, shown with -s
        f"\n[{connection.vendor}] mixed race: {len(work)} attempts "
        + ", ".join(f"{len(v)} {k}" for k, v in by_kind.items())
        + f", 8 approvals; {len(won)} won the time, {len(refused)} friendly refusals, "
        f"{len(other_errors)} errors, {len(overlapping_pairs())} overlaps"
    )


# --- The safety net: a transaction PostgreSQL aborts is run again -----------------------


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_real_deadlock_is_run_again_and_ends_well(transactional_db, caplog):
    """Two writers locking two rows in opposite orders: PostgreSQL aborts one, which
    the retry runs again once the other has committed. Both succeed."""
    rows = [PractitionerFactory(treatments=[TreatmentFactory()], name=f"P{i}").pk for i in range(2)]
    barrier = threading.Barrier(2, timeout=10)
    calls = []

    @services.retry_on_conflict()
    def lock_both(first, second):
        calls.append(first)
        with transaction.atomic():
            services.lock_practitioners([first])
            if len(calls) <= 2:  # only the first attempts meet in the middle
                barrier.wait()
            services.lock_practitioners([second])
        return first

    outcomes = run_at_once(2, lambda index: lock_both(*(rows if index == 0 else rows[::-1])))

    assert sorted(value for _, value in outcomes) == sorted(rows)
    assert len(calls) == 3, "one of the two ran twice"
    assert any("40P01" in message for message in conflicts_retried(caplog))


class Conflict(Exception):
    """Stands for psycopg's error under Django's OperationalError."""

    def __init__(self, sqlstate):
        self.sqlstate = sqlstate


def database_error(sqlstate: str) -> OperationalError:
    error = OperationalError("simulated")
    error.__cause__ = Conflict(sqlstate)
    return error


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_transaction_that_keeps_conflicting_ends_in_the_friendly_refusal(sqlstate):
    attempts = []

    @services.retry_on_conflict()
    def always_conflicts():
        attempts.append(1)
        raise database_error(sqlstate)

    with pytest.raises(services.SlotUnavailable, match="That time was just taken"):
        always_conflicts()
    assert len(attempts) == services.CONFLICT_ATTEMPTS


def test_other_database_errors_are_not_retried():
    attempts = []

    @services.retry_on_conflict()
    def fails():
        attempts.append(1)
        raise database_error("53300")  # too many connections: not a conflict

    with pytest.raises(OperationalError):
        fails()
    assert len(attempts) == 1


@pytest.mark.django_db
def test_inside_the_callers_transaction_the_caller_decides():
    """PostgreSQL aborts the whole transaction, so a retry of a part of it is impossible."""
    attempts = []

    @services.retry_on_conflict()
    def conflicts():
        attempts.append(1)
        raise database_error("40P01")

    with pytest.raises(OperationalError), transaction.atomic():
        conflicts()
    assert len(attempts) == 1

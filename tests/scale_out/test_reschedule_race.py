"""Scale-out: patients moving their appointments to one free time, through their private
links, on two instances at once, while new patients try to hold that time.

The race that answered 500 on PostgreSQL (a deadlock inside the exclusion
constraint's check) before booking writes locked the practitioners' diaries in one
order (booking/services/locking.py). Every answer is a success or the friendly refusal,
exactly one patient gets the time, and the database holds no overlap.
"""

import re
import threading

import pytest

from tests.scale_out.cluster import TIMEOUT, bench, query

# The code under test runs in gunicorn and worker processes, which time-machine cannot
# reach: the real clock here too. Times in the data are made in those processes,
# relative to that clock and far enough ahead that the moment of the run does not matter.
pytestmark = [pytest.mark.scale_out, pytest.mark.real_clock]

RESCHEDULERS = 24  # per round, half on each instance
NEW_PATIENTS = 10  # per round, holding the same time through the booking flow, half on each
# Each round races for another time. The instances serve 8 requests at once, so a
# round's writers meet in the database less often than the in-process race's
# (tests/booking/test_concurrency.py); three rounds give the race three chances.
ROUNDS = 3

# In the instances' environment: free times a week ahead and later, each with exactly
# one practitioner free (the others get an appointment there), and for each, the
# patients' own appointments at other free times of that practitioner, each with its
# private link.
APPOINTMENTS = f"""
import datetime as dt, json, sys
import django
django.setup()
from django.utils import timezone
from booking import services
from booking.models import BookingPolicy, Closure, ClosureSource, Practitioner
from booking.tokens import make_manage_token
from tests.factories import AppointmentFactory
from treatments.models import Treatment

policy = BookingPolicy.load()
policy.max_holds_per_ip = 1000  # every new patient here comes from 127.0.0.1
policy.save()
# The instances run on the real date: around Christmas the public holidays would leave
# too few free times for the rounds. This race is about concurrency, not the calendar.
Closure.objects.filter(source=ClosureSource.HOLIDAY).delete()
treatment = Treatment.objects.get(slug={bench.TREATMENT_SLUG!r})
now = timezone.now()
occupied = dt.timedelta(minutes=treatment.visit_minutes + treatment.buffer_minutes)
slots = services.free_slots_for(treatment, practitioner_id=None, now=now)
practitioner = next(s for s in slots if s.start > now + dt.timedelta(days=7)).practitioner_ids[0]
starts = []
for slot in services.free_slots_for(treatment, practitioner_id=practitioner, now=now):
    if slot.start > now + dt.timedelta(days=7) and (
        not starts or slot.start >= starts[-1] + occupied
    ):
        starts.append(slot.start)
size = 1 + {RESCHEDULERS}
assert len(starts) >= {ROUNDS} * size, len(starts)


def appointment(practitioner_id, start, name):
    return AppointmentFactory(
        treatment=treatment,
        practitioner=Practitioner.objects.get(pk=practitioner_id),
        starts_at=start,
        screened=True,
        patient_name=name,
        patient_email="race.patient@example.invalid",
    )


rounds = []
for number in range({ROUNDS}):
    target, *own = starts[number * size : (number + 1) * size]
    for other in services.practitioners_free_at(
        treatment, target, practitioner_id=None, now=now, earliest_date=None
    ):
        if other != practitioner:
            appointment(other, target, "Another patient")
    tokens = [make_manage_token(appointment(practitioner, start, "Race patient")) for start in own]
    rounds.append({{"target": target.isoformat(), "tokens": tokens}})
sys.stdout.write(json.dumps({{"practitioner": practitioner, "rounds": rounds}}))
"""

FRIENDLY = re.compile(r"just taken|no longer available")


def _overlaps() -> int:
    """Pairs of active appointments of one practitioner whose times meet."""
    return query(
        """
        SELECT count(*) FROM booking_appointment a JOIN booking_appointment b
          ON a.practitioner_id = b.practitioner_id AND a.id < b.id
         AND tstzrange(a.starts_at, a.occupied_until, '[)')
             && tstzrange(b.starts_at, b.occupied_until, '[)')
         WHERE a.status IN ('held', 'requested', 'confirmed')
           AND b.status IN ('held', 'requested', 'confirmed')
        """
    )[0][0]


def _ready_to_reschedule(port: int, token: str):
    """A patient on their link's reschedule page: (client, path, the form's CSRF token)."""
    client = bench.Http(port)
    path = f"/en/book/manage/{token}/reschedule/"
    page = client.get(path)
    assert page.status == 200, f"reschedule page: HTTP {page.status}"
    return client, path, bench.csrf_token(page.body)


def _ready_to_hold(port: int, data):
    """A new patient past the treatment and screening steps, on the time step."""
    client = bench.Http(port)
    client.get(f"/en/book/?treatment={bench.TREATMENT_SLUG}")
    response = client.post("/en/book/treatment/", {"treatment": data["treatment"]})
    assert response.status == 302, f"treatment step: HTTP {response.status}"
    response = client.post("/en/book/screening/", data["answers"])
    assert response.status == 302, f"screening step: HTTP {response.status}"
    page = client.get("/en/book/time/")
    assert page.status == 200, f"time step: HTTP {page.status}"
    return client, "/en/book/time/", bench.csrf_token(page.body)


def _post_at_once(attempts, start: str) -> list:
    """Every attempt POSTs the start at the same moment; the responses (or errors)."""
    barrier = threading.Barrier(len(attempts), timeout=TIMEOUT)
    results: list = [None] * len(attempts)

    def race(i: int) -> None:
        client, path, csrf = attempts[i]
        barrier.wait()
        try:
            results[i] = client.request("POST", path, {"csrfmiddlewaretoken": csrf, "start": start})
        except Exception as error:  # reported below, not lost in the thread
            results[i] = error

    threads = [threading.Thread(target=race, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def test_patients_moving_to_one_time_on_both_instances_get_it_once(cluster, in_cluster):
    port_a, port_b, data = cluster
    made = in_cluster(APPOINTMENTS)
    ports = [port_a, port_b]
    figures = {"attempts": 0, "successes": 0, "friendly refusals": 0, "5xx": 0}
    failures = []
    for number, race in enumerate(made["rounds"], start=1):
        target = race["target"]
        movers = [
            _ready_to_reschedule(ports[i % 2], token) for i, token in enumerate(race["tokens"])
        ]
        holders = [_ready_to_hold(ports[i % 2], data) for i in range(NEW_PATIENTS)]
        attempts = movers + holders
        assert {client.port for client, _, _ in attempts} == {port_a, port_b}

        results = _post_at_once(attempts, target)

        errors = [r for r in results if isinstance(r, Exception)]
        assert not errors, errors
        successes = [i for i, r in enumerate(results) if r.status == 302]
        refusals = [r for r in results if r.status == 409 and FRIENDLY.search(r.body)]
        server_errors = [r.status for r in results if r.status >= 500]
        at_target = query(
            "SELECT count(*) FROM booking_appointment WHERE practitioner_id = %s"
            " AND starts_at = %s AND status IN ('held', 'requested', 'confirmed')",
            (made["practitioner"], target),
        )[0][0]
        figures["attempts"] += len(attempts)
        figures["successes"] += len(successes)
        figures["friendly refusals"] += len(refusals)
        figures["5xx"] += len(server_errors)
        print(  # noqa: T201 - the figures for the closing note, shown with -s
            f"\n[two instances] round {number}: {len(attempts)} attempts ({len(movers)} "
            f"reschedules through the private links, {len(holders)} new holds), "
            f"{len(successes)} successes, {len(refusals)} friendly refusals, "
            f"{len(server_errors)} 5xx"
        )
        if server_errors or len(successes) != 1 or len(refusals) != len(attempts) - 1:
            failures.append(
                (number, [(r.status, r.body[:200]) for r in results if r.status != 302])
            )
        if at_target != 1:
            failures.append((number, f"{at_target} appointments at the time"))
        if len(successes) == 1 and successes[0] < len(movers):
            # The winner was told their appointment moved: their manage page.
            location = results[successes[0]].headers["Location"]
            assert location.endswith(f"/en/book/manage/{race['tokens'][successes[0]]}/")

    overlaps = _overlaps()
    print(  # noqa: T201
        "\n[two instances] reschedule race, all rounds: "
        + ", ".join(f"{value} {name}" for name, value in figures.items())
        + f", {overlaps} overlaps"
    )
    assert figures["5xx"] == 0
    assert failures == []
    assert overlaps == 0

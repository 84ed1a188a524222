"""Staff moving visits race patients moving theirs to one free time: exactly one moves,
the others get a friendly refusal, never a database error (on PostgreSQL: the lock order
and the exclusion constraint; on SQLite: one writer at a time)."""

from django.contrib.auth import get_user_model

from booking import services
from booking.models import Appointment, Status

from .test_concurrency import (  # noqa: F401  (slot is a fixture)
    confirmed_visits_at,
    conflicts_retried,
    free_starts,
    overlapping_pairs,
    run_at_once,
    slot,
    sort_outcomes,
)

WRITERS = 8


def test_staff_and_patients_moving_visits_to_one_time_move_exactly_one(slot, caplog):  # noqa: F811
    treatment, practitioner, _ = slot
    desk = get_user_model().objects.create_user("desk", is_staff=True)
    target, *others = free_starts(treatment, practitioner, WRITERS + 1)
    ids = confirmed_visits_at(treatment, practitioner, others)

    def move(index: int) -> Appointment:
        if index % 2:
            return services.reschedule_by_patient(ids[index], start=target)
        return services.reschedule_by_staff(
            ids[index], target, practitioner.pk, by=desk, reason="Asked by phone."
        )

    won, refused, other_errors = sort_outcomes(run_at_once(WRITERS, move))

    assert other_errors == []
    assert len(won) == 1 and len(refused) == WRITERS - 1
    assert Appointment.objects.filter(starts_at=target, status=Status.CONFIRMED).count() == 1
    assert overlapping_pairs() == []
    assert conflicts_retried(caplog) == []

"""How booking writes lock the diary and retry a conflict, without a database error.

The overlap guarantee: on PostgreSQL an exclusion constraint refuses two active
appointments of one practitioner that overlap (migration 0002); on SQLite each
booking transaction starts IMMEDIATE (settings), so writers queue one behind the
other and the overlap check (``diary.slot_is_free``) cannot be raced. Either way the Python check
gives the friendly answer and the database has the last word.

Concurrency: a success or a friendly refusal, never a database error
-------------------------------------------------------------------
Left alone, PostgreSQL lets two transactions that put different appointments at
the same free time both pass the Python check, both write, and then each wait for
the other inside the exclusion constraint's check ("deadlock detected ... while
checking exclusion constraint"): an exclusion constraint, unlike a unique index,
checks after inserting, so two conflicting writers can each see the other's
uncommitted row. Two rules prevent that, for every service that puts an
appointment into a practitioner's diary (holding, confirming, approving,
rescheduling, and the front desk's booking and moving when they come):

1. Lock in one order (``lock_appointment``, ``lock_practitioners``): first the rows
   of every practitioner whose diary the write may touch (the appointment's current
   practitioner and every candidate, for "any practitioner" too), FOR NO KEY UPDATE,
   in ascending id; then the appointment's own row; only then check and write.
   Why this order cannot deadlock is explained at ``lock_practitioners``.
2. A small safety net (``retry_on_conflict``): should PostgreSQL still report a
   deadlock or a serialization failure (a writer outside these rules, such as the
   retention purge), the whole service runs again, at most ``CONFLICT_ATTEMPTS``
   times, and then ends in the friendly ``SlotUnavailable``. It retries only those
   two errors, and only when the service owns the transaction (inside a caller's
   transaction, the caller's own retry decides).

A new service that books or moves an appointment does both: decorate it with
``@retry_on_conflict()`` and start its transaction with ``lock_appointment`` (or
``lock_practitioners`` for a new appointment) before checking the time. Called
inside a caller's transaction, a service lets the conflict through to the caller's
own ``retry_on_conflict``.

Writes that only take an appointment out of the diary (cancel, decline, complete,
no-show, answering the questions again) take no practitioner lock and no retry: they
lock just that appointment's row (``lock_appointment_row``), freeing time never clashes
in the constraint, and after that row they wait for nothing a booking write holds, so
they cannot close a cycle.

The answers an appointment is judged on
---------------------------------------
The appointment's row lock is also the one that orders a change of answers and the
gate that plans the visit (``gate.judge``, in confirming and approving). Whatever
attaches other answers to an appointment (``answers.keep_answers``: the patient
answering again) takes ``lock_appointment_row`` first, refuses if the visit is already
planned, and attaches the new answers in that transaction; confirming and approving
read the attached screening only after ``lock_appointment``. So whichever comes second
sees the other's outcome: a confirmation after the change judges the new answers, and
answers after the confirmation are refused (the patient is told to contact the clinic).
"""

import functools
import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

from django.db import DatabaseError, transaction
from django.utils.functional import Promise

from booking.models import Appointment, Practitioner
from booking.services.errors import TIME_JUST_TAKEN, SlotUnavailable

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# PostgreSQL's SQLSTATEs for "deadlock detected" and "could not serialize access".
CONFLICT_SQLSTATES = frozenset({"40P01", "40001"})
CONFLICT_ATTEMPTS = 3


class _AppointmentMoved(Exception):
    """The appointment changed practitioner between reading it and locking it: the
    locks taken are not the right ones, so the transaction starts again."""


def _is_conflict(error: BaseException) -> bool:
    if isinstance(error, _AppointmentMoved):
        return True
    return getattr(error.__cause__, "sqlstate", None) in CONFLICT_SQLSTATES


def retry_on_conflict(
    message: str | Promise = TIME_JUST_TAKEN,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run a booking service again when PostgreSQL aborts its transaction for a
    deadlock or a serialization failure; after ``CONFLICT_ATTEMPTS`` tries, refuse
    with ``SlotUnavailable(message)``.

    The service must open its own transaction: a retry repeats all of it. Called
    inside a transaction that is already open, it runs once and lets the error
    through, since PostgreSQL has aborted the caller's whole transaction and only the
    caller can start it again.
    """

    def decorator(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if transaction.get_connection().in_atomic_block:
                return service(*args, **kwargs)
            attempt = 1
            while True:
                try:
                    return service(*args, **kwargs)
                except (DatabaseError, _AppointmentMoved) as error:
                    if not _is_conflict(error):
                        raise
                    logger.warning(
                        "%s: transaction conflict (%s), attempt %d of %d",
                        service.__name__,
                        getattr(error.__cause__, "sqlstate", type(error).__name__),
                        attempt,
                        CONFLICT_ATTEMPTS,
                    )
                    if attempt == CONFLICT_ATTEMPTS:
                        raise SlotUnavailable(message) from error
                    # A short random pause, so the writers that met do not meet again.
                    time.sleep(random.uniform(0.005, 0.05) * attempt)
                    attempt += 1

        return wrapper

    return decorator


def lock_practitioners(practitioner_ids: Iterable[int | None]) -> None:
    """Lock these practitioners' diaries, in ascending id, for the rest of the transaction.

    Every write that puts an appointment at a time in a diary (see the module
    docstring) takes these locks first, then appointment rows. Why that cannot deadlock:

    - Practitioner rows: every transaction takes them in one order (ascending id;
      PostgreSQL sorts before it locks) and before any other row, so no two wait for
      each other's practitioners.
    - Two writers sharing a practitioner never work at once: the second waits for that
      practitioner's lock before it reads or locks a single appointment.
    - Two writers with no practitioner in common touch no common appointment row:
      every appointment they lock or write (their own, the expired holds they release,
      the one they insert) is in the diary of a practitioner they locked, and an
      appointment changes practitioner only under the locks of both (the current
      practitioner is always in the set; ``lock_appointment`` checks it).
    - The exclusion constraint waits only for an uncommitted row of the same
      practitioner at an overlapping time. Under the lock, no other writer can be
      putting one there; writers that take no practitioner lock only take appointments
      out of the diary or change details, so their rows overlap a new time only if they
      were already there, committed, and the check under the lock refused that time.
    - Writers outside these services hold a practitioner row only to edit it (admin),
      without waiting for appointments. FOR NO KEY UPDATE does not block the key-share
      locks that inserting an appointment takes on its practitioner.

    On SQLite this is a no-op: IMMEDIATE transactions already run one writer at a time.
    """
    ids = sorted({pk for pk in practitioner_ids if pk is not None})
    if ids:
        list(
            Practitioner.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def lock_appointment(appointment_id: int, *, practitioners: Iterable[int] = ()) -> Appointment:
    """The appointment, locked for the rest of the transaction, after the diaries of its
    practitioner and of ``practitioners`` (the candidates for its new time).

    Raises ``Appointment.DoesNotExist`` if there is no such appointment.
    """
    current = (
        Appointment.objects.filter(pk=appointment_id)
        .values_list("practitioner_id", flat=True)
        .get()
    )
    locked = {current, *practitioners}
    lock_practitioners(locked)
    # No join with the screening: another transaction may have attached new answers
    # while this one waited for the lock, and PostgreSQL re-checks only the locked row.
    # Read the screening after this (``gate.judge`` does).
    appointment = (
        Appointment.objects.select_for_update(no_key=True, of=("self",))
        .select_related("treatment")
        .get(pk=appointment_id)
    )
    if appointment.practitioner_id not in locked:
        raise _AppointmentMoved
    return appointment


def lock_appointment_row(appointment_id: int) -> Appointment:
    """Just the appointment's row, locked for the rest of the transaction: for the writes
    that take it out of the diary or change the answers it is judged on (see the module
    docstring). Raises ``Appointment.DoesNotExist`` if there is no such appointment."""
    return Appointment.objects.select_for_update(no_key=True).get(pk=appointment_id)

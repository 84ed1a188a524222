"""The one table of status changes (booking/models/statuses.py), and what reads it."""

import importlib
import re

import pytest
from django.urls import reverse

from booking.admin.actions import AppointmentActions
from booking.models import (
    ACTIVE_STATUSES,
    TRANSITIONS,
    Appointment,
    Status,
    Transition,
    TransitionNotAllowed,
)

CHANGELIST = reverse("admin:booking_appointment_changelist")


def test_the_exclusion_constraint_covers_exactly_the_active_statuses():
    migration = importlib.import_module("booking.migrations.0002_no_overlapping_appointments")
    listed = re.search(r"WHERE \(status IN \(([^)]*)\)\)", migration.CREATE)
    assert listed is not None
    in_migration = {value.strip().strip("'") for value in listed.group(1).split(",")}
    assert in_migration == set(ACTIVE_STATUSES)


def test_every_transition_has_its_row_in_the_table():
    assert set(TRANSITIONS) == set(Transition)
    for transition in Transition:
        assert transition.sources and set(transition.sources) <= set(Status)
        assert transition.target in Status


def test_a_finished_appointment_never_changes_again():
    finished = {Status.DECLINED, Status.CANCELLED, Status.COMPLETED, Status.NO_SHOW}
    for status in finished:
        assert not [t for t in Transition if Appointment(status=status).can(t)], status


def test_a_change_the_table_does_not_allow_is_refused():
    completed = Appointment(status=Status.COMPLETED)
    with pytest.raises(TransitionNotAllowed):
        completed.apply_transition(Transition.CANCEL)
    assert completed.status == Status.COMPLETED

    requested = Appointment(status=Status.REQUESTED)
    assert requested.apply_transition(Transition.APPROVE) == Status.REQUESTED
    assert requested.status == Status.CONFIRMED


def test_a_new_appointment_can_only_be_held():
    assert [t for t in Transition if Appointment().can(t)] == [Transition.HOLD]


@pytest.mark.django_db
def test_the_book_offers_only_the_changes_possible_from_the_status_it_lists(
    client, staff_member, otp_login
):
    otp_login(client, staff_member("Clinician"))

    def offered(status: str | None = None) -> set[str]:
        query = {"status": status} if status else {}
        form = client.get(CHANGELIST, query).context["action_form"]
        choices = dict(form.fields["action"].choices) if form is not None else {}
        return set(choices) & set(AppointmentActions.action_transitions)

    assert offered() == set(AppointmentActions.action_transitions)
    # Cancel and decline ask for a reason: from the appointment's page, not the list.
    assert offered(Status.REQUESTED) == {"approve"}
    assert offered(Status.CONFIRMED) == {"mark_completed", "mark_no_show"}
    assert offered(Status.CANCELLED) == set()

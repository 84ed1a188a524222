"""What a step loads for the booking in progress (booking/flow_state.py): the treatment,
the answers and the held time in one query, with the same conditions as loading each
alone, so no shortcut lets a session use a row that is not its booking's."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from booking.flow_state import BookingState, Context
from tests.factories import AppointmentFactory, ScreeningFactory, TreatmentFactory

pytestmark = pytest.mark.django_db


def context(**state) -> Context:
    return Context(RequestFactory().get("/"), BookingState(treatment_chosen=True, **state))


def loaded(ctx: Context) -> tuple:
    return ctx.treatment, ctx.screening, ctx.appointment


def test_the_treatment_answers_and_held_time_are_one_query():
    appointment = AppointmentFactory(held=True, screened=True)
    ctx = context(
        treatment=appointment.treatment_id,
        screening=appointment.screening_id,
        appointment=appointment.pk,
    )
    with CaptureQueriesContext(connection) as queries:
        assert loaded(ctx) == (appointment.treatment, appointment.screening, appointment)
    assert len(queries) == 1


def test_the_treatment_and_answers_are_one_query_before_a_time_is_held():
    screening = ScreeningFactory()
    ctx = context(treatment=screening.treatment_id, screening=screening.pk)
    with CaptureQueriesContext(connection) as queries:
        assert loaded(ctx) == (screening.treatment, screening, None)
    assert len(queries) == 1


def test_a_held_time_of_other_answers_is_not_this_bookings():
    appointment = AppointmentFactory(held=True, screened=True)
    other_answers = ScreeningFactory(treatment=appointment.treatment)
    ctx = context(
        treatment=appointment.treatment_id, screening=other_answers.pk, appointment=appointment.pk
    )
    assert loaded(ctx) == (appointment.treatment, other_answers, None)


def test_answers_for_another_treatment_are_not_this_bookings():
    screening = ScreeningFactory()
    other = TreatmentFactory()
    ctx = context(treatment=other.pk, screening=screening.pk)
    assert loaded(ctx) == (other, None, None)


def test_a_held_time_of_another_treatment_is_not_this_bookings():
    appointment = AppointmentFactory(held=True, screened=True)
    other = TreatmentFactory()
    ctx = context(
        treatment=other.pk, screening=appointment.screening_id, appointment=appointment.pk
    )
    assert loaded(ctx) == (other, None, None)


@pytest.mark.parametrize("held", [True, False])
def test_a_treatment_no_longer_published_is_not_loaded(held):
    appointment = AppointmentFactory(held=True, screened=True)
    type(appointment.treatment).objects.filter(pk=appointment.treatment_id).update(
        is_published=False
    )
    ctx = context(
        treatment=appointment.treatment_id,
        screening=appointment.screening_id,
        appointment=appointment.pk if held else None,
    )
    assert ctx.treatment is None
    # The answers and the held time are still found, as each alone always was: the
    # treatment step, first, sends the patient back.
    assert ctx.screening == appointment.screening
    assert ctx.appointment == (appointment if held else None)

"""Booking's models, one module per part of the clinic's day:

- ``policy``: the rules of online booking (one row);
- ``practitioners``: practitioners, their hours, closures;
- ``questionnaire``: screening questions, a patient's screening and answers;
- ``appointments``: appointments, their statuses and transitions, consents, history;
- ``outbox``: emails to patients;
- ``access``: who on the staff saw what.

Import from ``booking.models``; the screening's vocabulary (``Outcome``, ``QuestionKind``,
``YesNo``) is defined in ``booking/choices.py`` so the pure rules can share it.
"""

from booking.choices import Outcome, QuestionKind, YesNo
from booking.models.access import AccessRecord
from booking.models.appointments import (
    ACTIVE_STATUSES,
    REFERENCE_ALPHABET,
    Appointment,
    AppointmentChange,
    AppointmentQuerySet,
    AppointmentRequest,
    Consent,
    ConsentKind,
    Status,
    new_reference,
)
from booking.models.outbox import EmailKind, PatientEmail, PatientEmailQuerySet
from booking.models.policy import BookingPolicy
from booking.models.practitioners import (
    Closure,
    ClosureQuerySet,
    Practitioner,
    PractitionerQuerySet,
    Weekday,
    WorkingHours,
)
from booking.models.questionnaire import (
    Screening,
    ScreeningAnswer,
    ScreeningQuestion,
    ScreeningQuestionQuerySet,
)

__all__ = [
    "ACTIVE_STATUSES",
    "REFERENCE_ALPHABET",
    "AccessRecord",
    "Appointment",
    "AppointmentChange",
    "AppointmentQuerySet",
    "AppointmentRequest",
    "BookingPolicy",
    "Closure",
    "ClosureQuerySet",
    "Consent",
    "ConsentKind",
    "EmailKind",
    "Outcome",
    "PatientEmail",
    "PatientEmailQuerySet",
    "Practitioner",
    "PractitionerQuerySet",
    "QuestionKind",
    "Screening",
    "ScreeningAnswer",
    "ScreeningQuestion",
    "ScreeningQuestionQuerySet",
    "Status",
    "Weekday",
    "WorkingHours",
    "YesNo",
    "new_reference",
]

"""Booking's models, one module per part of the clinic's day:

- ``policy``: the rules of online booking (one row);
- ``practitioners``: practitioners, their hours, closures;
- ``questionnaire``: screening questions, a patient's screening and answers;
- ``statuses``: an appointment's statuses and the one table of how they change;
- ``appointments``: appointments, consents, the history of changes;
- ``outbox``: emails to patients;
- ``access``: who on the staff saw what;
- ``data_requests``: what patients asked about their data, and how it was handled.

Import from ``booking.models``; the screening's vocabulary (``Outcome``, ``QuestionKind``,
``YesNo``, ``RecheckResult``) is defined in ``booking/choices.py`` so the pure rules can share it.
"""

from booking.choices import Outcome, QuestionKind, RecheckResult, YesNo
from booking.models.access import AccessRecord
from booking.models.appointments import (
    CLINICAL_NOTE_CHANGED,
    DESK_NOTE_CHANGED,
    LONGEST_OCCUPANCY,
    REFERENCE_ALPHABET,
    Actor,
    Appointment,
    AppointmentChange,
    AppointmentQuerySet,
    AppointmentRequest,
    Consent,
    ConsentChannel,
    ConsentKind,
    new_reference,
    occupies,
    overlaps_by_start,
)
from booking.models.data_requests import (
    DataRequest,
    DataRequestKind,
    DataRequestQuerySet,
    DataRequestStatus,
)
from booking.models.outbox import EmailKind, PatientEmail, PatientEmailQuerySet
from booking.models.policy import BookingPolicy
from booking.models.practitioners import (
    Closure,
    ClosureQuerySet,
    ClosureSource,
    Practitioner,
    PractitionerQuerySet,
    Weekday,
    WorkingHours,
    overlapping_hours,
)
from booking.models.questionnaire import (
    Screening,
    ScreeningAnswer,
    ScreeningQuestion,
    ScreeningQuestionQuerySet,
)
from booking.models.statuses import (
    ACTIVE_STATUSES,
    PLANNED_STATUSES,
    TRANSITIONS,
    UNFINISHED_STATUSES,
    Status,
    StatusChange,
    Transition,
    TransitionNotAllowed,
)

__all__ = [
    "occupies",
    "overlaps_by_start",
    "overlapping_hours",
    "ACTIVE_STATUSES",
    "CLINICAL_NOTE_CHANGED",
    "DESK_NOTE_CHANGED",
    "LONGEST_OCCUPANCY",
    "PLANNED_STATUSES",
    "REFERENCE_ALPHABET",
    "TRANSITIONS",
    "UNFINISHED_STATUSES",
    "AccessRecord",
    "Actor",
    "Appointment",
    "AppointmentChange",
    "AppointmentQuerySet",
    "AppointmentRequest",
    "BookingPolicy",
    "Closure",
    "ClosureQuerySet",
    "ClosureSource",
    "Consent",
    "ConsentChannel",
    "ConsentKind",
    "DataRequest",
    "DataRequestKind",
    "DataRequestQuerySet",
    "DataRequestStatus",
    "EmailKind",
    "Outcome",
    "PatientEmail",
    "PatientEmailQuerySet",
    "Practitioner",
    "PractitionerQuerySet",
    "QuestionKind",
    "RecheckResult",
    "Screening",
    "ScreeningAnswer",
    "ScreeningQuestion",
    "ScreeningQuestionQuerySet",
    "Status",
    "StatusChange",
    "Transition",
    "TransitionNotAllowed",
    "Weekday",
    "WorkingHours",
    "YesNo",
    "new_reference",
]

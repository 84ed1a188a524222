"""Every booking write that spans several rows, each in one transaction; one module per
concern, as pretix does (``pretix/base/services/``):

- ``slots``: the booking window and the free times (read-only);
- ``answers``: screening answers assessed, kept with each rule as asked, re-assessed;
- ``gate``: the one check before a visit is planned (confirming, approving);
- ``holds``: a patient's booking: holding a time, their details, confirming;
- ``staff``: approving, declining, cancelling, moving, completed, no-show (the back
  office; not bound by the patient's cut-off, always with a reason);
- ``desk_booking``: the front desk books a caller, the health questions taken by phone
  or answered by the patient through an emailed link (``desk_booking.book_by_phone``,
  ``hold_for_patient``, ``answer_held_time``);
- ``patient_changes``: cancelling or moving through the private link;
- ``recheck``: the health re-check before the visit, through the private link;
- ``patient_data``: retention, a patient's export and erasure and their requests for
  them, who saw what;
- ``holidays``: public holidays kept as clinic closures (``manage.py load_holidays``);
- ``diary``: putting an appointment at a time, and its history (shared by the above);
- ``locking``: the lock order and the retry on a conflict; read its docstring before
  writing a service that books or moves an appointment;
- ``errors``: ``BookingError`` and its kinds, whose messages are safe to show a patient.

Callers use the names below (``services.hold_slot(...)``); the modules import each
other directly.
"""

from booking.services.answers import (
    assess_answers,
    keep_answers,
    reassess,
    record_screening,
    rules_for,
    snapshot_rule,
)
from booking.services.diary import is_taken
from booking.services.errors import (
    TIME_JUST_TAKEN,
    AlreadyHoldingAnotherTime,
    AnswersArrivedTooLate,
    BeforeEarliestDate,
    BookingError,
    BusyNetwork,
    DetailsMissing,
    NotAllowed,
    ReasonMissing,
    ScreeningBlocksBooking,
    SlotUnavailable,
    TimeNoLongerOffered,
    TooManyHolds,
    VisitNotStarted,
)
from booking.services.holds import (
    confirm_booking,
    hash_session_key,
    hold_slot,
    save_patient_details,
)
from booking.services.holidays import HolidayRefresh, refresh_holiday_closures
from booking.services.locking import (
    CONFLICT_ATTEMPTS,
    lock_appointment,
    lock_practitioners,
    retry_on_conflict,
)
from booking.services.patient_changes import cancel_by_patient, reschedule_by_patient
from booking.services.patient_data import (
    ERASED,
    close_data_requests,
    erase_health_answers,
    erase_patient,
    export_patient_data,
    patient_appointments,
    purge_patient_data,
    record_access,
    request_patient_data,
)
from booking.services.recheck import Recheck, recheck_answers, reconfirm_unchanged
from booking.services.slots import (
    booking_opens_on,
    booking_window,
    free_slots_for,
    practitioners_free_at,
)
from booking.services.staff import (
    approve_request,
    cancel_appointment,
    decline_request,
    mark_completed,
    mark_no_show,
    not_allowed_message,
    refusal_for,
    reschedule_by_staff,
)

__all__ = [
    "CONFLICT_ATTEMPTS",
    "ERASED",
    "TIME_JUST_TAKEN",
    "AlreadyHoldingAnotherTime",
    "AnswersArrivedTooLate",
    "BeforeEarliestDate",
    "BookingError",
    "BusyNetwork",
    "DetailsMissing",
    "HolidayRefresh",
    "NotAllowed",
    "ReasonMissing",
    "Recheck",
    "ScreeningBlocksBooking",
    "SlotUnavailable",
    "TimeNoLongerOffered",
    "TooManyHolds",
    "VisitNotStarted",
    "approve_request",
    "assess_answers",
    "booking_opens_on",
    "booking_window",
    "cancel_appointment",
    "cancel_by_patient",
    "confirm_booking",
    "decline_request",
    "close_data_requests",
    "erase_health_answers",
    "erase_patient",
    "export_patient_data",
    "free_slots_for",
    "hash_session_key",
    "hold_slot",
    "is_taken",
    "keep_answers",
    "lock_appointment",
    "lock_practitioners",
    "mark_completed",
    "mark_no_show",
    "not_allowed_message",
    "patient_appointments",
    "practitioners_free_at",
    "purge_patient_data",
    "reassess",
    "refresh_holiday_closures",
    "record_access",
    "recheck_answers",
    "reconfirm_unchanged",
    "request_patient_data",
    "record_screening",
    "refusal_for",
    "reschedule_by_patient",
    "reschedule_by_staff",
    "retry_on_conflict",
    "rules_for",
    "save_patient_details",
    "snapshot_rule",
]

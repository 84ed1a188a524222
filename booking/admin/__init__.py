"""The back office for appointments, the review queue, practitioners and screening questions.

Least privilege (groups from migration 0005):

- An appointment's status never changes through a form: only the actions (``actions.py``), each of
  which calls a service in booking/services/ that re-checks what it must (the slot,
  under the database guarantee, when approving) and records who did it and when.
- Screening answers, the date of birth and the instructions derived from the answers are
  health data. They appear only on the change form and in the review queue, and only to
  staff with ``booking.view_health_answers``. They are never searchable, filterable or
  part of a change message (the history page), and the Screening and ScreeningAnswer
  models are not registered at all, so no admin URL reaches them directly.
- Approving and declining need ``booking.review_appointment`` (clinicians).
- Booking a caller (the appointment's "add" page, ``desk_booking.py``) needs
  ``booking.change_appointment`` (Reception and above); it goes through the same
  services as online booking, never a model form. The answers typed there are never
  shown back after saving.

One module per page (as pretix splits its control views); importing this package, as
Django's admin autodiscovery does, registers them all.
"""

from booking.admin import (  # noqa: F401  (imported to register the pages)
    appointments,
    data_requests,
    policy,
    practitioners,
    review_queue,
    screening_questions,
)

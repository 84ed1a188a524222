"""Why a booking step cannot go ahead. Every message is safe to show the patient."""

from django.utils.translation import gettext_lazy as _


class BookingError(Exception):
    """A booking step that cannot go ahead; the message is safe to show the patient."""


class SlotUnavailable(BookingError):
    """The time cannot be booked: the patient chooses another (their details are kept)."""


class TimeNoLongerOffered(SlotUnavailable):
    """The clinic no longer offers the time: hours, closures, notice or horizon."""


class BeforeEarliestDate(SlotUnavailable):
    """The time is before the first day the patient may be treated (a waiting period)."""


class TooManyHolds(BookingError):
    """No other time may be held right now; the subclass says whose limit was reached."""


class AlreadyHoldingAnotherTime(TooManyHolds):
    """This visitor (their browser session) already holds a time in another booking."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "You are already holding a time in another booking. "
                "Finish or leave that booking first, or wait a few minutes."
            )
        )


class BusyNetwork(TooManyHolds):
    """Many bookings are in progress from the visitor's internet address at once.

    Several people can share one address (an office, a phone carrier's network), so
    this is not about the visitor themselves and must not sound as if it were.
    """

    def __init__(self) -> None:
        super().__init__(
            _(
                "Many bookings are in progress from your network right now (for example "
                "an office or a mobile network). Please try again in a few minutes, or call "
                "us to book."
            )
        )


class ScreeningBlocksBooking(BookingError):
    pass


class NotAllowed(BookingError):
    pass


class DetailsMissing(NotAllowed):
    """The patient's details or consent are missing: they give them again."""


class AnswersArrivedTooLate(NotAllowed):
    """New answers reached a booking that had meanwhile been confirmed or requested."""


TIME_JUST_TAKEN = _("That time was just taken. Please choose another.")


class ReasonMissing(NotAllowed):
    """Staff cancel, decline or move a visit only with a reason, kept in its history."""

    def __init__(self) -> None:
        super().__init__(_("Please give a reason: it is kept in the appointment's history."))


class VisitNotStarted(NotAllowed):
    """Completed or no-show is said of a visit only once it has started."""

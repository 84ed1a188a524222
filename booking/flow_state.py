"""What a booking in progress keeps between requests, and what each step loads once.

The session holds only ids and flags (``BookingState``); answers, details and consents
live in the database and are read through ``Context``, once per request.
"""

from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from booking.models import Appointment, Practitioner, Screening
from treatments.models import Treatment

SESSION_KEY = "booking"
_M = TypeVar("_M", bound=Model)


@dataclass
class BookingState:
    """What the session remembers about a booking in progress: primitives only."""

    treatment: int | None = None
    practitioner: int | None = None  # None = any available practitioner
    treatment_chosen: bool = False
    screening: int | None = None
    appointment: int | None = None
    done: int | None = None

    @classmethod
    def load(cls, request: HttpRequest) -> "BookingState":
        raw = request.session.get(SESSION_KEY) or {}
        if not isinstance(raw, dict):
            return cls()
        known: dict[str, Any] = {name: raw.get(name) for name in cls.__dataclass_fields__}
        try:
            state = cls(**known)
        except TypeError:
            return cls()
        for name in ("treatment", "practitioner", "screening", "appointment", "done"):
            if not isinstance(getattr(state, name), int | None):
                return cls()
        return state

    def save(self, request: HttpRequest) -> None:
        request.session[SESSION_KEY] = asdict(self)

    def after_treatment(self) -> None:
        self.screening = None
        self.appointment = None


def _one(queryset: QuerySet[_M]) -> _M | None:
    """The row a filter on its primary key finds, or None: ``first()`` without the
    ORDER BY it adds, which costs more to build than the query costs to run."""
    return next(iter(queryset.order_by()[:1]), None)


class Context:
    """Objects a step needs, each loaded once per request."""

    def __init__(self, request: HttpRequest, state: BookingState):
        self.request = request
        self.state = state
        self.now = timezone.now()
        self._cache: dict = {}

    def _once(self, key, loader):
        if key not in self._cache:
            self._cache[key] = loader()
        return self._cache[key]

    def _together(self) -> bool:
        """Load the chosen treatment, the answers and the held appointment in one query
        where the session names them, with the same conditions as loading each alone.
        False when the session names fewer, or the query finds nothing (then each is
        loaded alone, to tell which one is missing)."""

        def load() -> bool:
            state = self.state
            if not (state.treatment and state.screening):
                return False
            published = Treatment.objects.published().values("pk")
            if state.appointment:
                # By its id alone (cheaper to build than a filter on every column), the
                # ids the session names compared below.
                appointment = _one(
                    Appointment.objects.select_related(
                        "treatment", "practitioner", "screening"
                    ).filter(pk=state.appointment, treatment__in=published)
                )
                if not (
                    appointment is not None
                    and appointment.treatment_id == state.treatment
                    and appointment.screening is not None
                    and appointment.screening_id == state.screening
                    and appointment.screening.treatment_id == state.treatment
                ):
                    return False
                self._cache.update(
                    appointment=appointment,
                    treatment=appointment.treatment,
                    screening=appointment.screening,
                )
                return True
            screening = _one(
                Screening.objects.select_related("treatment").filter(
                    pk=state.screening, treatment__in=published
                )
            )
            if screening is None or screening.treatment_id != state.treatment:
                return False
            self._cache.update(appointment=None, treatment=screening.treatment, screening=screening)
            return True

        return self._once("together", load)

    @property
    def treatment(self) -> Treatment | None:
        def load():
            if not self.state.treatment:
                return None
            return _one(Treatment.objects.published().filter(pk=self.state.treatment))

        self._together()
        return self._once("treatment", load)

    @property
    def practitioner(self) -> Practitioner | None:
        def load():
            if not self.state.practitioner:
                return None
            return _one(Practitioner.objects.active().filter(pk=self.state.practitioner))

        return self._once("practitioner", load)

    @property
    def screening(self) -> Screening | None:
        def load():
            if not self.state.screening:
                return None
            return _one(
                Screening.objects.filter(pk=self.state.screening, treatment_id=self.state.treatment)
            )

        self._together()
        return self._once("screening", load)

    @property
    def appointment(self) -> Appointment | None:
        def load():
            if not self.state.appointment:
                return None
            return _one(
                Appointment.objects.select_related("treatment", "practitioner").filter(
                    pk=self.state.appointment,
                    treatment_id=self.state.treatment,
                    screening_id=self.state.screening,
                )
            )

        self._together()
        return self._once("appointment", load)

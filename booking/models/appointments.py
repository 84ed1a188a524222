"""Appointments, their statuses, the consents given and the history of changes."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.choices import RecheckResult
from booking.models.policy import BookingPolicy
from booking.models.practitioners import Closure, Practitioner
from booking.models.questionnaire import Screening
from booking.models.statuses import (
    ACTIVE_STATUSES,
    PLANNED_STATUSES,
    UNFINISHED_STATUSES,
    Status,
    Transition,
    TransitionNotAllowed,
)
from clinic.cache_versions import InvalidatingQuerySet
from clinic.encryption import EncryptedTextField
from treatments.models import MOST_MINUTES, Treatment

# What happened at the visit: only said once it has started (``Appointment.can_now``).
VISIT_OUTCOMES = (Transition.COMPLETE, Transition.NO_SHOW)

# Crockford's base-32 without the letters people misread (I, L, O, U) or the digits 0/1.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


# The longest an appointment can occupy its practitioner: its treatment's whole visit and
# buffer (services/diary.py and gate.py write ``occupied_until`` from them), each at most
# MOST_MINUTES.
LONGEST_OCCUPANCY = dt.timedelta(minutes=2 * MOST_MINUTES)


def _live_hold(now: dt.datetime) -> Q:
    """A hold that still keeps its time (``Appointment.is_held`` in Python)."""
    return Q(status=Status.HELD, hold_expires_at__gt=now)


def occupies(now: dt.datetime) -> Q:
    """``AppointmentQuerySet.occupying`` as a condition, to combine in one ``filter()``."""
    return Q(status__in=PLANNED_STATUSES) | _live_hold(now)


def overlaps_by_start(start: dt.datetime, end: dt.datetime) -> Q:
    """``AppointmentQuerySet.overlapping_by_start`` as a condition: the occupied time
    meets [start, end), found through the indexes on ``starts_at`` alone (none that
    started ``LONGEST_OCCUPANCY`` before the window can still meet it, so a bounded range
    of starts is read instead of the whole history: 50,000 past visits cost 15–25 ms a
    query without the bound, under 1 ms with it)."""
    return Q(starts_at__lt=end, occupied_until__gt=start, starts_at__gt=start - LONGEST_OCCUPANCY)


class AppointmentQuerySet(InvalidatingQuerySet["Appointment"]):
    def occupying(self, now: dt.datetime) -> "AppointmentQuerySet":
        """Appointments that take their slot now: requested, confirmed, or held and unexpired."""
        return self.filter(occupies(now))

    def live_holds(self, now: dt.datetime) -> "AppointmentQuerySet":
        """Holds that still keep their time for a patient finishing a booking."""
        return self.filter(_live_hold(now))

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> "AppointmentQuerySet":
        """Appointments whose occupied time (buffer included) meets [start, end)."""
        return self.filter(starts_at__lt=end, occupied_until__gt=start)

    def overlapping_by_start(self, start: dt.datetime, end: dt.datetime) -> "AppointmentQuerySet":
        """The same rows as ``overlapping``, through a bounded range of starts
        (``overlaps_by_start``)."""
        return self.filter(overlaps_by_start(start, end))

    def of_patient(self, email: str, phone: str) -> "AppointmentQuerySet":
        """The appointments booked with this email address (letter case aside) or this
        phone number: one patient's visits, as the desk knows them."""
        same = Q(pk__in=[])
        if email.strip():
            same |= Q(patient_email__iexact=email.strip())
        if phone.strip():
            same |= Q(patient_phone=phone.strip())
        return self.filter(same)

    def inside_closure(self, closure: Closure, now: dt.datetime) -> "AppointmentQuerySet":
        """Visits that keep their time (requested, confirmed, live holds) and that the
        closure would meet: the visit itself, not its buffer (as ``availability.free_slots``
        decides which times a closure leaves free). None for a closure not in force."""
        if not closure.is_active or not closure.starts_at or not closure.ends_at:
            return self.none()
        visits = self.occupying(now).filter(
            starts_at__lt=closure.ends_at,
            ends_at__gt=closure.starts_at,
            # The same rows, through the index on starts_at (``overlapping_by_start``).
            starts_at__gt=closure.starts_at - LONGEST_OCCUPANCY,
        )
        if closure.practitioner_id:
            visits = visits.filter(practitioner_id=closure.practitioner_id)
        return visits

    def stale_holds(self, now: dt.datetime) -> "AppointmentQuerySet":
        return self.filter(status=Status.HELD, hold_expires_at__lte=now)

    def awaiting_review(self) -> "AppointmentQuerySet":
        return self.filter(status=Status.REQUESTED).order_by("created_at")

    def booked(self) -> "AppointmentQuerySet":
        """Everything that is or was a real appointment (not holds in progress)."""
        return self.exclude(status__in=UNFINISHED_STATUSES)

    def apply_transition(self, transition: Transition, **fields: object) -> int:
        """Change the status of those the transition may happen from (and set ``fields``)
        in one UPDATE; the others are left alone. Returns how many changed."""
        return self.filter(status__in=transition.sources).update(status=transition.target, **fields)


class Appointment(models.Model):
    """A patient's appointment with a practitioner, from the first hold to the visit."""

    reference = models.CharField(_("reference"), max_length=9, unique=True, default=new_reference)
    treatment = models.ForeignKey(
        Treatment,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("treatment"),
    )
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("practitioner"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    occupied_until = models.DateTimeField(
        _("room free again"), help_text=_("The end plus the treatment's buffer.")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    hold_expires_at = models.DateTimeField(_("hold expires"), null=True, blank=True)
    time_offered_at = models.DateTimeField(
        _("time offered"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When this time was last found bookable for the patient (chosen, moved, or "
            "confirmed after its hold ran out). Confirming a live hold and approving a "
            "request measure the minimum notice and the horizon from then."
        ),
    )
    screening = models.OneToOneField(
        Screening,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointment",
        verbose_name=_("screening"),
    )
    instructions = EncryptedTextField(
        _("instructions for the patient"),
        blank=True,
        help_text=_("From the screening: what the patient must do before the visit."),
    )
    patient_name = models.CharField(_("patient name"), max_length=120, blank=True)
    patient_email = models.EmailField(_("email"), blank=True)
    patient_phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("patient's language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The language the patient booked in. Every email, reminder and calendar file "
            "to them is written in it, whoever sends it."
        ),
    )
    manage_key = models.CharField(max_length=64, default=secrets.token_urlsafe, editable=False)
    session_key_hash = models.CharField(max_length=64, blank=True, editable=False)
    client_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    reminder_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    aftercare_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    recheck_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    health_recheck = models.CharField(
        _("health re-check"),
        max_length=12,
        choices=RecheckResult.choices,
        blank=True,
        default="",
        db_default="",  # rows written by raw SQL (bench/seed.py) have not answered either
        help_text=_(
            "What the patient said, before the visit, when asked whether their health "
            "answers changed. Empty: not answered yet."
        ),
    )
    health_rechecked_at = models.DateTimeField(_("re-check answered"), null=True, blank=True)
    health_reconfirmed_at = models.DateTimeField(
        _("health answers re-confirmed"),
        null=True,
        blank=True,
        help_text=_("When the patient last confirmed that the answers on file are current."),
    )
    desk_note = models.TextField(
        _("note for reception"),
        blank=True,
        help_text=_(
            "For the front desk: parking, a preferred phone time, who is bringing the "
            "patient. Never write health information here; clinicians keep that in the "
            "clinical note."
        ),
    )
    clinical_note = EncryptedTextField(
        _("clinical note"),
        blank=True,
        help_text=_(
            "For clinicians only (health data): reception never sees it, and its text is "
            "never written in the history or in an email."
        ),
    )

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["starts_at"]),
            models.Index(fields=["practitioner", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
            # The desk's "other visits" and patients' data requests match an email in
            # any letter case (``of_patient``, ``patient_appointments``), or a phone.
            models.Index(Upper("patient_email"), name="booking_appt_email_upper"),
            models.Index(fields=["patient_phone"], name="booking_appt_phone"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at"))
                & Q(occupied_until__gte=models.F("ends_at")),
                name="appointment_times_in_order",
            )
        ]
        permissions = [("review_appointment", _("Can approve or decline requested appointments"))]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("admin:booking_appointment_change", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def is_past(self, now: dt.datetime) -> bool:
        return self.starts_at <= now

    def is_held(self, now: dt.datetime) -> bool:
        """A hold that still keeps its time for the patient."""
        return (
            self.status == Status.HELD
            and self.hold_expires_at is not None
            and self.hold_expires_at > now
        )

    @property
    def is_planned(self) -> bool:
        """Requested or confirmed: a visit is planned at this time."""
        return self.status in PLANNED_STATUSES

    @property
    def is_cancelled(self) -> bool:
        return self.status == Status.CANCELLED

    @property
    def awaits_review(self) -> bool:
        """A request a clinician has still to approve or decline."""
        return self.status == Status.REQUESTED

    @property
    def is_hold(self) -> bool:
        """Held, whether or not the hold has run out yet (``is_held`` says if it still keeps
        its time)."""
        return self.status == Status.HELD

    def can(self, transition: Transition) -> bool:
        """Whether the status may change this way now (``TRANSITIONS``). An appointment not
        saved yet can only be held."""
        if self._state.adding and not self.status:
            return transition == Transition.HOLD
        return self.status in transition.sources

    def apply_transition(self, transition: Transition) -> str:
        """Change the status as the transition says (not saved); returns the previous one.

        Raises ``TransitionNotAllowed`` if the table does not allow it: services check
        ``can()`` first and refuse with a message of their own.
        """
        if not self.can(transition):
            raise TransitionNotAllowed(f"{transition.label} is not possible from {self.status!r}")
        previous, self.status = self.status, transition.target
        return previous

    def can_now(self, transition: Transition, now: dt.datetime) -> bool:
        """Whether the status may change this way at this moment: the table (``can``),
        and a visit is marked completed or no-show only once it has started."""
        if transition in VISIT_OUTCOMES and not self.is_past(now):
            return False
        return self.can(transition)

    @property
    def can_be_moved_by_staff(self) -> bool:
        """The front desk moves a planned visit at any time (no patient cut-off)."""
        return self.is_planned

    def can_be_changed_by_patient(self, now: dt.datetime) -> bool:
        """Cancel or reschedule online: what may be cancelled (a planned visit), before the
        cut-off."""
        if not self.can(Transition.CANCEL):
            return False
        cutoff = dt.timedelta(hours=BookingPolicy.load().cancellation_cutoff_hours)
        return now < self.starts_at - cutoff

    def can_be_rechecked(self, now: dt.datetime) -> bool:
        """The health re-check before the visit: for a planned visit that has not started.

        No cut-off: a change in health matters until the visit itself.
        """
        return self.is_planned and not self.is_past(now)

    @property
    def must_move(self) -> bool:
        """Changed answers put a waiting period past this visit's date: the patient is asked
        to move it."""
        return self.health_recheck == RecheckResult.MUST_MOVE

    @property
    def earliest_treatment_date(self) -> dt.date | None:
        """The first day the patient may be treated, from their answers' waiting periods."""
        return self.screening.earliest_date if self.screening is not None else None

    def cancellation_deadline(self) -> dt.datetime:
        return self.starts_at - dt.timedelta(hours=BookingPolicy.load().cancellation_cutoff_hours)


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", _("Treatment information")
    PRIVACY = "privacy", _("Privacy notice")


class ConsentChannel(models.TextChoices):
    """How a consent was given."""

    ONLINE = "online", _("online, by the patient")
    PHONE = "phone", _("by phone, read out by staff")


class Consent(models.Model):
    """What the patient agreed to: the exact words, their version, and when; for a phone
    booking, also who read the words out (``taken_by``)."""

    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("appointment"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConsentKind.choices)
    wording = models.TextField(_("wording shown"))
    version = models.CharField(_("version"), max_length=20)
    privacy_notice = models.ForeignKey(
        "clinic.PrivacyNotice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy notice agreed to"),
        help_text=_("The version of the privacy notice the patient was shown and agreed to."),
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    channel = models.CharField(
        _("given"), max_length=10, choices=ConsentChannel.choices, default=ConsentChannel.ONLINE
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
        help_text=_("The staff member who read the wording out and took the answers by phone."),
    )

    class Meta:
        ordering = ["given_at", "kind"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class Actor(models.TextChoices):
    """Who made a change (``AppointmentChange.actor``)."""

    PATIENT = "patient", _("patient")
    STAFF = "staff", _("staff")
    SYSTEM = "system", _("system")


# What the history calls a change of the notes. Reception's note is copied into the line
# (it holds no health data); the clinical note's text never is.
DESK_NOTE_CHANGED = "note changed"
CLINICAL_NOTE_CHANGED = "clinical note changed"


class AppointmentChange(models.Model):
    """One change to an appointment: who made it, when, and from which status to which."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="changes", verbose_name=_("appointment")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    actor = models.CharField(
        _("who"), max_length=20, help_text=_("“patient”, “staff” or “system”.")
    )
    action = models.CharField(_("what"), max_length=40)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why staff made the change (required to cancel, decline or move)."),
    )
    reason_shown_to_patient = models.BooleanField(
        _("reason shown to the patient"),
        default=False,
        help_text=_("The reason was written in the patient's email."),
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("change")
        verbose_name_plural = _("history")

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class AppointmentRequest(Appointment):
    """The clinicians' review queue in the admin: requests awaiting approval, oldest first.

    A proxy, so the queue has its own admin page and permissions (only clinicians get them).
    """

    class Meta:
        proxy = True
        verbose_name = _("request awaiting review")
        verbose_name_plural = _("requests awaiting review")

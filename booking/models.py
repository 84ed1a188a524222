import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.encryption import EncryptedBooleanField, EncryptedDateField, EncryptedTextField
from clinic.models import SingletonModel
from treatments.models import Treatment

# Crockford's base-32 without the letters people misread (I, L, O, U) or the digits 0/1.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


class BookingPolicy(SingletonModel):
    """The rules of online booking, editable by the manager. There is exactly one."""

    CACHE_KEY = "booking-policy-v1"

    minimum_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"),
        default=24,
        help_text=_("Patients cannot book a time sooner than this from now."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=60,
        help_text=_("How far ahead patients can book."),
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("hold time (minutes)"),
        default=10,
        help_text=_("How long a chosen time is kept for a patient who is finishing a booking."),
    )
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancellation cut-off (hours)"),
        default=24,
        help_text=_("Patients can cancel or reschedule online until this long before the visit."),
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"), default=18, help_text=_("Patients younger than this cannot book online.")
    )
    slot_interval_minutes = models.PositiveSmallIntegerField(
        _("start times every (minutes)"),
        default=30,
        help_text=_("Appointments can start on the hour and every this many minutes after."),
    )
    max_holds_per_person = models.PositiveSmallIntegerField(
        _("held times per person"),
        default=1,
        help_text=_("How many unconfirmed times one visitor may hold at once."),
    )
    max_holds_per_ip = models.PositiveSmallIntegerField(
        _("held times per network address"),
        default=5,
        help_text=_(
            "How many unconfirmed times may be held at once from one internet address "
            "(several people can share one, e.g. in an office)."
        ),
    )

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policy")

    def __str__(self) -> str:
        return str(_("Booking policy"))


class PractitionerQuerySet(models.QuerySet):
    def active(self) -> "PractitionerQuerySet":
        return self.filter(is_active=True)

    def performing(self, treatment: Treatment) -> "PractitionerQuerySet":
        """Active practitioners who perform this treatment."""
        return self.active().filter(treatments=treatment)


class Practitioner(models.Model):
    """A person who treats patients, with the treatments they perform and their hours."""

    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(
        _("title"), max_length=120, blank=True, help_text=_("E.g. “Aesthetic nurse”.")
    )
    bio = models.TextField(_("short biography"), blank=True)
    treatments = models.ManyToManyField(
        Treatment, related_name="practitioners", blank=True, verbose_name=_("treatments")
    )
    is_active = models.BooleanField(
        _("takes bookings"),
        default=True,
        help_text=_("Untick when someone leaves; their past appointments stay."),
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    objects = PractitionerQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(models.Model):
    """One range of hours a practitioner works on a weekday (several make breaks)."""

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="working_hours_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})


class ClosureQuerySet(models.QuerySet):
    def overlapping(self, start: dt.datetime, end: dt.datetime) -> "ClosureQuerySet":
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Closure(models.Model):
    """Time when nobody (clinic-wide) or one practitioner cannot be booked."""

    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        related_name="closures",
        null=True,
        blank=True,
        help_text=_("Leave empty to close the whole clinic (public holidays)."),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        indexes = [models.Index(fields=["ends_at", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="closure_end_after_start"
            )
        ]

    def __str__(self) -> str:
        who = self.practitioner or _("Whole clinic")
        return f"{who}: {self.reason or _('closed')}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})


class Outcome(models.TextChoices):
    """What an answer that matters does to a booking."""

    NONE = "none", _("Nothing (information only)")
    INSTRUCTION = "instruction", _("Instruction for the patient")
    NEEDS_REVIEW = "needs_review", _("Needs a clinician's review")
    BLOCKS_BOOKING = "blocks_booking", _("Blocks online booking")


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    DATE = "date", _("A date")


class ScreeningQuestionQuerySet(models.QuerySet):
    def active(self) -> "ScreeningQuestionQuerySet":
        return self.filter(is_active=True)

    def for_treatment(self, treatment: Treatment) -> "ScreeningQuestionQuerySet":
        return self.active().filter(treatment=treatment).order_by("position", "id")


class ScreeningQuestion(models.Model):
    """One contraindication question asked before a treatment can be booked."""

    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, related_name="screening_questions"
    )
    text = models.CharField(
        _("question"), max_length=300, help_text=_("As the patient reads it in the questionnaire.")
    )
    help_text = models.CharField(
        _("help text"),
        max_length=300,
        blank=True,
        help_text=_("Optional explanation shown under the question."),
    )
    public_label = models.CharField(
        _("label on the treatment page"),
        max_length=200,
        blank=True,
        help_text=_(
            "How this reads in “Who should not have this treatment”, e.g. “You are pregnant or "
            "breastfeeding”. Leave empty to leave it off the page."
        ),
    )
    kind = models.CharField(
        _("kind of answer"),
        max_length=10,
        choices=QuestionKind.choices,
        default=QuestionKind.YES_NO,
    )
    trigger_answer = models.CharField(
        _("answer that matters"),
        max_length=3,
        choices=[("yes", _("Yes")), ("no", _("No"))],
        default="yes",
        help_text=_("For yes/no questions: which answer has the outcome below."),
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.NONE
    )
    waiting_days = models.PositiveSmallIntegerField(
        _("waiting period (days)"),
        null=True,
        blank=True,
        help_text=_(
            "For date questions: the patient can be treated this many days after the date they "
            "give. The outcome applies while the waiting period has not passed."
        ),
    )
    instruction = models.TextField(
        _("instruction"),
        blank=True,
        help_text=_("Shown and emailed to the patient when the outcome is an instruction."),
    )
    patient_message = models.CharField(
        _("message when it applies"),
        max_length=300,
        blank=True,
        help_text=_(
            "Kind, plain words shown to the patient when this answer stops or delays online "
            "booking, e.g. “Microneedling is not offered during pregnancy or breastfeeding.”"
        ),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("asked only after"),
        help_text=_("Ask this question only when the patient answered this other question…"),
    )
    parent_answer = models.CharField(
        _("…with this answer"),
        max_length=3,
        choices=[("yes", _("Yes")), ("no", _("No"))],
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("asked"), default=True)

    objects = ScreeningQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["treatment", "position", "id"]
        verbose_name = _("screening question")
        verbose_name_plural = _("screening questions")

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        errors = {}
        if self.kind == QuestionKind.DATE and not self.waiting_days:
            errors["waiting_days"] = _("A date question needs a waiting period.")
        if self.outcome == Outcome.INSTRUCTION and not self.instruction.strip():
            errors["instruction"] = _("Write the instruction the patient should follow.")
        if self.parent_id and not self.parent_answer:
            errors["parent_answer"] = _("Choose the answer that makes this question appear.")
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = _("A question cannot depend on itself.")
        if self.parent and self.parent.treatment_id != self.treatment_id:
            errors["parent"] = _("Choose a question of the same treatment.")
        if errors:
            raise ValidationError(errors)


class Screening(models.Model):
    """A patient's answers to a treatment's questionnaire, kept with the appointment.

    Answers that block online booking are never stored: see README, “Health data”.
    """

    treatment = models.ForeignKey(Treatment, on_delete=models.PROTECT, related_name="+")
    date_of_birth = EncryptedDateField(_("date of birth"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    earliest_date = models.DateField(_("earliest treatment date"), null=True, blank=True)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        permissions = [("view_health_answers", _("Can see patients' screening answers"))]

    def __str__(self) -> str:
        return str(_("Screening %(pk)s") % {"pk": self.pk})


class ScreeningAnswer(models.Model):
    """One answer, with the wording and outcome of the question as the patient saw it."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        ScreeningQuestion, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    question_text = models.CharField(_("question"), max_length=300)
    question_outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    question_rule = models.JSONField(
        _("rule as asked"),
        default=dict,
        help_text=_("The question's kind, trigger answer and waiting period when it was asked."),
    )
    answer = EncryptedTextField(_("answer"))
    applies = EncryptedBooleanField(_("outcome applies"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.question_text


class Status(models.TextChoices):
    HELD = "held", _("Held (booking in progress)")
    REQUESTED = "requested", _("Requested (awaiting clinician review)")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")
    EXPIRED = "expired", _("Hold expired")


# Appointments in these states occupy their slot. The PostgreSQL exclusion
# constraint (migration 0002) lists the same values.
ACTIVE_STATUSES = (Status.HELD, Status.REQUESTED, Status.CONFIRMED)


class AppointmentQuerySet(models.QuerySet):
    def occupying(self, now: dt.datetime) -> "AppointmentQuerySet":
        """Appointments that take their slot now: requested, confirmed, or held and unexpired."""
        return self.filter(
            Q(status__in=[Status.REQUESTED, Status.CONFIRMED])
            | Q(status=Status.HELD, hold_expires_at__gt=now)
        )

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> "AppointmentQuerySet":
        """Appointments whose occupied time (buffer included) meets [start, end)."""
        return self.filter(starts_at__lt=end, occupied_until__gt=start)

    def stale_holds(self, now: dt.datetime) -> "AppointmentQuerySet":
        return self.filter(status=Status.HELD, hold_expires_at__lte=now)

    def awaiting_review(self) -> "AppointmentQuerySet":
        return self.filter(status=Status.REQUESTED).order_by("created_at")

    def booked(self) -> "AppointmentQuerySet":
        """Everything that is or was a real appointment (not holds in progress)."""
        return self.exclude(status__in=[Status.HELD, Status.EXPIRED])


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
    screening = models.OneToOneField(
        Screening, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointment"
    )
    instructions = EncryptedTextField(
        _("instructions for the patient"),
        blank=True,
        help_text=_("From the screening: what the patient must do before the visit."),
    )
    patient_name = models.CharField(_("patient name"), max_length=120, blank=True)
    patient_email = models.EmailField(_("email"), blank=True)
    patient_phone = models.CharField(_("phone"), max_length=40, blank=True)
    manage_key = models.CharField(max_length=64, default=secrets.token_urlsafe, editable=False)
    session_key_hash = models.CharField(max_length=64, blank=True, editable=False)
    client_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    reminder_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    aftercare_queued_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["starts_at"]),
            models.Index(fields=["practitioner", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["patient_email"]),
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

    def can_be_changed_by_patient(self, now: dt.datetime) -> bool:
        """Cancel or reschedule online: only upcoming requests/confirmations before the cut-off."""
        if self.status not in (Status.REQUESTED, Status.CONFIRMED):
            return False
        cutoff = dt.timedelta(hours=BookingPolicy.load().cancellation_cutoff_hours)
        return now < self.starts_at - cutoff

    @property
    def earliest_treatment_date(self) -> dt.date | None:
        """The first day the patient may be treated, from their answers' waiting periods."""
        return self.screening.earliest_date if self.screening_id else None

    def cancellation_deadline(self) -> dt.datetime:
        return self.starts_at - dt.timedelta(hours=BookingPolicy.load().cancellation_cutoff_hours)

    def manage_url(self) -> str:
        from booking.tokens import make_manage_token

        path = reverse("booking:manage", kwargs={"token": make_manage_token(self)})
        return settings.SITE_URL + path


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", _("Treatment information")
    PRIVACY = "privacy", _("Privacy notice")


class Consent(models.Model):
    """What the patient agreed to: the exact words, their version, and when."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("kind"), max_length=20, choices=ConsentKind.choices)
    wording = models.TextField(_("wording shown"))
    version = models.CharField(_("version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        ordering = ["given_at", "kind"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class AppointmentChange(models.Model):
    """One change to an appointment: who made it, when, and from which status to which."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="changes")
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

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("change")
        verbose_name_plural = _("history")

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class EmailKind(models.TextChoices):
    CONFIRMED = "confirmed", _("Appointment confirmed")
    REQUEST_RECEIVED = "request_received", _("Request received")
    APPROVED = "approved", _("Request approved")
    DECLINED = "declined", _("Request declined")
    CANCELLED = "cancelled", _("Appointment cancelled")
    RESCHEDULED = "rescheduled", _("Appointment moved")
    REMINDER = "reminder", _("Reminder")
    AFTERCARE = "aftercare", _("Aftercare")


class PatientEmailQuerySet(models.QuerySet):
    def pending(self) -> "PatientEmailQuerySet":
        """Not sent yet and not given up: what the worker (or the sweep) still owes."""
        return self.filter(sent_at__isnull=True, attempts__lt=PatientEmail.MAX_ATTEMPTS)


class PatientEmail(models.Model):
    """An email to a patient: queued with the booking, sent by the worker, retried on failure.

    The body is rendered when it is sent, from the appointment; nothing of the
    screening answers is ever part of it.
    """

    MAX_ATTEMPTS = 8

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(_("kind"), max_length=20, choices=EmailKind.choices)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Empty: send now. Set while a send is under way and after a failure."),
    )

    objects = PatientEmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("email to patient")
        verbose_name_plural = _("emails to patients")
        indexes = [models.Index(fields=["sent_at", "attempts"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.appointment}"


class AppointmentRequest(Appointment):
    """The clinicians' review queue in the admin: requests awaiting approval, oldest first.

    A proxy, so the queue has its own admin page and permissions (only clinicians get them).
    """

    class Meta:
        proxy = True
        verbose_name = _("request awaiting review")
        verbose_name_plural = _("requests awaiting review")


class AccessRecord(models.Model):
    """Who looked at or exported an appointment or its answers, and when.

    Written by the admin, never editable there, readable by the manager. Changes to
    appointments themselves are in `AppointmentChange`.
    """

    class Action(models.TextChoices):
        VIEWED = "viewed", _("viewed the appointment")
        VIEWED_ANSWERS = "viewed_answers", _("viewed the screening answers")
        LISTED_ANSWERS = "listed_answers", _("saw the answers in the review queue")
        EXPORTED = "exported", _("exported the patient's data")
        ERASED = "erased", _("erased the patient's data")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    username = models.CharField(_("username"), max_length=150)
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        related_name="access_records",
        verbose_name=_("appointment"),
    )
    reference = models.CharField(_("reference"), max_length=9)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        permissions = [("erase_patient_data", _("Can export and erase a patient's data"))]

    def __str__(self) -> str:
        return f"{self.username} {self.get_action_display()} {self.reference}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Access records are never changed.")
        super().save(*args, **kwargs)

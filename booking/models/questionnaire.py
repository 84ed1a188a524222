"""The questionnaire: questions per treatment, and a patient's answers as they were asked."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.choices import Outcome, QuestionKind, YesNo
from clinic.cache_versions import InvalidatingQuerySet
from clinic.encryption import (
    EncryptedBooleanField,
    EncryptedDateField,
    EncryptedIntegerListField,
    EncryptedTextField,
)
from clinic.languages import filled_in_any_language
from treatments.models import Treatment


class ScreeningQuestionQuerySet(InvalidatingQuerySet["ScreeningQuestion"]):
    def active(self) -> "ScreeningQuestionQuerySet":
        return self.filter(is_active=True)

    def for_treatment(self, treatment: Treatment) -> "ScreeningQuestionQuerySet":
        return self.active().filter(treatment=treatment).order_by("position", "id")

    def shown_on_treatment_page(self, treatment: Treatment) -> "ScreeningQuestionQuerySet":
        """The questions whose answer stops or delays booking and that have a label for
        the public page ("Who should not have this treatment")."""
        return (
            self.for_treatment(treatment)
            .filter(filled_in_any_language("public_label"))
            .filter(outcome__in=[Outcome.BLOCKS_BOOKING, Outcome.NEEDS_REVIEW])
        )


class ScreeningQuestion(models.Model):
    """One contraindication question asked before a treatment can be booked."""

    treatment = models.ForeignKey(
        Treatment,
        on_delete=models.CASCADE,
        related_name="screening_questions",
        verbose_name=_("treatment"),
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
        choices=YesNo.choices,
        default=YesNo.YES,
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
        choices=YesNo.choices,
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("asked"), default=True)
    content_key = models.CharField(
        _("standard question"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_("Which question of the clinic's standard questionnaire this is, if any."),
    )
    loaded_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_(
            "Fingerprint of what load_clinic_content last wrote here: while the question "
            "still matches it, nobody has edited it and the loader may correct it."
        ),
    )

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

    treatment = models.ForeignKey(
        Treatment, on_delete=models.PROTECT, related_name="+", verbose_name=_("treatment")
    )
    date_of_birth = EncryptedDateField(_("date of birth"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    earliest_date = models.DateField(_("earliest treatment date"), null=True, blank=True)
    # Which answers apply is encrypted in each answer, so the database cannot pick them; the
    # review queue reads this one value per request instead of every answer's flag.
    positions_that_apply = EncryptedIntegerListField(
        _("answers whose outcome applies"),
        default=list,
        editable=False,
        help_text=_("The order numbers of the answers whose outcome applies."),
    )
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        permissions = [("view_health_answers", _("Can see patients' screening answers"))]

    def __str__(self) -> str:
        return str(_("Screening %(pk)s") % {"pk": self.pk})

    @property
    def needs_review(self) -> bool:
        """A clinician looks at the answers before the appointment is confirmed."""
        return self.outcome == Outcome.NEEDS_REVIEW

    def note_answers_that_apply(self, answers: Iterable["ScreeningAnswer"]) -> None:
        """Note beside the answers which of them apply (``positions_that_apply``)."""
        self.positions_that_apply = [answer.position for answer in answers if answer.applies]


class ScreeningAnswer(models.Model):
    """One answer, with the wording and outcome of the question as the patient saw it."""

    screening = models.ForeignKey(
        Screening, on_delete=models.CASCADE, related_name="answers", verbose_name=_("screening")
    )
    question = models.ForeignKey(
        ScreeningQuestion,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("question"),
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
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.question_text

    @property
    def answer_as_read(self) -> str:
        """The answer as staff read it: a yes or no in the page's language (it is kept as
        the code, "yes" or "no"), a date or anything else as the patient gave it."""
        if self.answer in YesNo.values:
            return str(YesNo(self.answer).label)
        return self.answer

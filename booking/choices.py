"""The screening's vocabulary: what an answer does, what kind of answer a question takes.

Shared by the pure rules (``booking/screening.py``), the models and forms, the clinic's
content and the treatment page. It imports nothing of the project and no model, so the
pure module can use the very same values without a database or an app registry.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """What an answer that matters does to a booking (least severe first)."""

    NONE = "none", _("Nothing (information only)")
    INSTRUCTION = "instruction", _("Instruction for the patient")
    NEEDS_REVIEW = "needs_review", _("Needs a clinician's review")
    BLOCKS_BOOKING = "blocks_booking", _("Blocks online booking")


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    DATE = "date", _("A date")


class YesNo(models.TextChoices):
    """The answers to a yes/no question, as stored and as the rules compare them."""

    YES = "yes", _("Yes")
    NO = "no", _("No")


class RecheckResult(models.TextChoices):
    """What the patient said when asked, before the visit, whether their health answers
    changed (``Appointment.health_recheck``; empty: not answered yet)."""

    UNCHANGED = "unchanged", _("Nothing has changed")
    CHANGED = "changed", _("Changed, still fine for this visit")
    REVIEW = "review", _("Changed: back to a clinician's review")
    MUST_MOVE = "must_move", _("Changed: the visit must move to a later date")
    MOVED = "moved", _("Changed: moved after the waiting period")
    BLOCKED = "blocked", _("Changed: cancelled, answers block online booking")

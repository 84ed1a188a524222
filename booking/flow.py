"""The booking flow, one small class per step (after pretix's checkout flow).

`STEPS` lists them in order. The view walks the tuple and sends the patient to
the first step that is not complete, so no step can be reached, by URL or by a
replayed POST, before the ones before it. The session holds only ids and flags
(`BookingState`, in flow_state.py); answers, details and consents live in the database.
"""

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking import services, time_picker
from booking.blank_questionnaire import blank_questionnaire, questions_for
from booking.flow_state import BookingState, Context
from booking.forms import DetailsForm, ScreeningForm, SlotForm, TreatmentChoiceForm
from booking.models import (
    Appointment,
    BookingPolicy,
    ConsentKind,
    ScreeningQuestion,
    Status,
)
from clinic.client_address import client_ip
from clinic.models import ClinicProfile, PrivacyNotice
from treatments.models import Treatment


class Step:
    identifier = ""
    label: "str | Promise" = ""  # gettext_lazy("…") in each step
    template_name = ""

    def is_completed(self, ctx: Context) -> bool:
        raise NotImplementedError

    def incomplete_message(self, ctx: Context) -> str | None:
        """Why a patient is sent back to this step, when there is more to say than 'do it'."""
        return None

    def url(self) -> str:
        return reverse("booking:step", kwargs={"step": self.identifier})

    def next_url(self) -> str:
        """Where this step's POST goes once it is done: the next step in ``STEPS``, or,
        after the last, the page that says the booking is done."""
        index = STEPS.index(self)
        return STEPS[index + 1].url() if index + 1 < len(STEPS) else reverse("booking:done")

    def render(self, ctx: Context, context: dict, status: int = 200) -> HttpResponse:
        context.setdefault("treatment", ctx.treatment)
        context.update(progress(self), state=ctx.state, previous=previous_step(self))
        return render(ctx.request, self.template_name, context, status=status)

    def get(self, ctx: Context) -> HttpResponse:
        raise NotImplementedError

    def post(self, ctx: Context) -> HttpResponse:
        raise NotImplementedError


class TreatmentStep(Step):
    identifier = "treatment"
    label = gettext_lazy("Treatment")
    template_name = "booking/step_treatment.html"

    def is_completed(self, ctx):
        if not ctx.state.treatment_chosen or ctx.treatment is None:
            return False
        return ctx.state.practitioner is None or ctx.practitioner is not None

    def get(self, ctx):
        initial = {"treatment": ctx.treatment, "practitioner": ctx.practitioner}
        slug = ctx.request.GET.get("treatment")
        if slug:
            initial["treatment"] = Treatment.objects.published().filter(slug=slug).first()
        if initial["treatment"] is None:
            initial["treatment"] = Treatment.objects.published().first()
        return self.render(ctx, {"form": TreatmentChoiceForm(initial=initial)})

    def post(self, ctx):
        form = TreatmentChoiceForm(ctx.request.POST)
        if not form.is_valid():
            return self.render(ctx, {"form": form}, status=400)
        treatment, practitioner = form.cleaned_data["treatment"], form.cleaned_data["practitioner"]
        if treatment.pk != ctx.state.treatment:
            ctx.state.after_treatment()
        ctx.state.treatment = treatment.pk
        ctx.state.practitioner = practitioner.pk if practitioner else None
        ctx.state.treatment_chosen = True
        ctx.state.save(ctx.request)
        return redirect(self.next_url())


class ScreeningStep(Step):
    identifier = "screening"
    label = gettext_lazy("Health questions")
    template_name = "booking/step_screening.html"

    def is_completed(self, ctx):
        return ctx.screening is not None

    def questions(self, ctx) -> list[ScreeningQuestion]:
        return questions_for(ctx.treatment)

    def get(self, ctx):
        if ctx.screening is None:
            # Nothing answered yet: the questions as every new patient sees them, shared.
            return self.render(ctx, {"blank_questionnaire": blank_questionnaire(ctx.treatment)})
        questions = self.questions(ctx)
        initial = {}
        if ctx.screening:
            initial["date_of_birth"] = ctx.screening.date_of_birth
            for answer in ctx.screening.answers.all():
                if answer.question_id:
                    initial[f"question_{answer.question_id}"] = answer.answer
        form = ScreeningForm(initial=initial, questions=questions)
        return self.render(ctx, {"form": form})

    def post(self, ctx):
        questions = self.questions(ctx)
        form = ScreeningForm(ctx.request.POST, questions=questions)
        if not form.is_valid():
            return self.render(ctx, {"form": form}, status=400)
        answers = form.answers()
        date_of_birth = form.cleaned_data["date_of_birth"]
        assessment = services.assess_answers(
            ctx.treatment, questions, answers, date_of_birth, timezone.localdate()
        )
        try:
            record = services.keep_answers(
                ctx.treatment,
                questions,
                answers,
                date_of_birth,
                assessment,
                appointment_id=ctx.state.appointment,
                previous_screening_id=ctx.state.screening,
            )
        except services.AnswersArrivedTooLate as error:
            form.add_error(None, str(error))
            return self.render(ctx, {"form": form}, status=409)
        ctx.state.screening = record.pk if record else None
        ctx.state.save(ctx.request)
        if record is None:
            # Nothing of these answers is stored: the page is the only place they show.
            return render(
                ctx.request,
                "booking/blocked.html",
                {"assessment": assessment, "treatment": ctx.treatment} | progress(self),
            )
        return redirect(self.next_url())


class TimeStep(Step):
    identifier = "time"
    label = gettext_lazy("Time")
    template_name = "booking/step_time.html"

    def is_completed(self, ctx):
        appointment = ctx.appointment
        return appointment is not None and appointment.is_hold

    def incomplete_message(self, ctx):
        appointment = ctx.appointment
        if appointment is None or appointment.status != Status.EXPIRED:
            return None
        if services.is_taken(
            appointment.practitioner_id,
            appointment.starts_at,
            appointment.occupied_until,
            ctx.now,
            exclude_pk=appointment.pk,
        ):
            return _(
                "Sorry, the time you chose was taken by someone else after we stopped holding "
                "it. Please choose another time: your details are kept."
            )
        # No longer offered, or let go when the answers changed.
        return _(
            "The time you chose is no longer held for you. Please choose a time again: "
            "your details are kept."
        )

    def slot_context(self, ctx, *, form=None, status=200) -> HttpResponse:
        return self.render(
            ctx,
            slot_choice_context(
                ctx.request,
                ctx.treatment,
                practitioner_id=ctx.state.practitioner,
                earliest_date=ctx.screening.earliest_date,
                now=ctx.now,
                held=ctx.appointment,
                form=form,
            )
            | {
                "screening": ctx.screening,
                "booking_opens": services.booking_opens_on(
                    BookingPolicy.load(),
                    ctx.now,
                    ctx.screening.earliest_date,
                    ClinicProfile.load().tzinfo,
                ),
            },
            status=status,
        )

    def get(self, ctx):
        return self.slot_context(ctx)

    def post(self, ctx):
        form = SlotForm(ctx.request.POST)
        if not form.is_valid():
            return self.slot_context(ctx, form=form, status=400)
        # The held time, already loaded with the earlier steps (else by its id alone, so
        # a hold the session names is moved rather than left behind).
        existing = ctx.appointment or Appointment.objects.filter(pk=ctx.state.appointment).first()
        try:
            appointment = services.hold_slot(
                appointment=existing,
                treatment=ctx.treatment,
                practitioner_id=ctx.state.practitioner,
                start=form.cleaned_data["start"],
                record=ctx.screening,
                session_key=ctx.request.session.session_key or "",
                client_ip=client_ip(ctx.request),
                now=ctx.now,
            )
        except services.BookingError as error:
            form.add_error("start", str(error))
            return self.slot_context(ctx, form=form, status=409)
        ctx.state.appointment = appointment.pk
        ctx.state.save(ctx.request)
        return redirect(self.next_url())


class DetailsStep(Step):
    identifier = "details"
    label = gettext_lazy("Your details")
    template_name = "booking/step_details.html"

    def is_completed(self, ctx):
        appointment = ctx.appointment
        return bool(appointment and appointment.patient_email and appointment.consents.exists())

    def get(self, ctx):
        appointment = ctx.appointment
        initial = {
            "name": appointment.patient_name,
            "email": appointment.patient_email,
            "phone": appointment.patient_phone,
        }
        notice = PrivacyNotice.objects.current()
        if appointment.patient_email:
            # Ticked again only if the notice they agreed to is still the one in force.
            agreed = appointment.consents.filter(kind=ConsentKind.PRIVACY).first()
            initial.update(
                consent_treatment=True,
                consent_privacy=bool(agreed and notice and agreed.privacy_notice_id == notice.pk)
                or notice is None,
            )
        form = DetailsForm(initial=initial, notice=notice)
        return self.render(ctx, {"form": form, "appointment": appointment})

    def post(self, ctx):
        form = DetailsForm(ctx.request.POST, notice=PrivacyNotice.objects.current())
        if not form.is_valid():
            return self.render(ctx, {"form": form, "appointment": ctx.appointment}, status=400)
        services.save_patient_details(
            ctx.appointment,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            consents=form.consents(),
            privacy_notice=form.notice,
            now=ctx.now,
        )
        return redirect(self.next_url())


class ReviewStep(Step):
    identifier = "review"
    label = gettext_lazy("Review")
    template_name = "booking/step_review.html"

    def is_completed(self, ctx):
        return False  # only confirming leaves this step

    def get(self, ctx):
        assessment = services.reassess(ctx.screening, ctx.now.date())
        return self.render(
            ctx,
            {
                "appointment": ctx.appointment,
                "assessment": assessment,
                "hold_expired": ctx.appointment.hold_expires_at
                and ctx.appointment.hold_expires_at <= ctx.now,
            },
        )

    def post(self, ctx):
        """Confirm through the gate; a refusal sends the patient back to the step to do
        again, with its reason, keeping what they typed (answers, details)."""
        try:
            appointment = services.confirm_booking(ctx.appointment.pk, now=ctx.now)
        except services.BookingError as error:
            messages.error(ctx.request, str(error))
            return redirect(step_to_redo(error).url())
        BookingState(done=appointment.pk).save(ctx.request)
        return redirect(self.next_url())


def step_to_redo(error: services.BookingError) -> Step:
    """Where a patient whose confirmation was refused goes: their answers, their details,
    or (for anything about the time) the choice of a time."""
    if isinstance(error, services.ScreeningBlocksBooking):
        return ScreeningStep()
    if isinstance(error, services.DetailsMissing):
        return DetailsStep()
    return TimeStep()


STEPS: tuple[Step, ...] = (
    TreatmentStep(),
    ScreeningStep(),
    TimeStep(),
    DetailsStep(),
    ReviewStep(),
)


def progress(step: Step | None) -> dict:
    """What the step bar (templates/booking/includes/progress.html) needs: the steps, the
    current one, and how many are done (all of them once ``step`` is None: booked)."""
    return {
        "steps": STEPS,
        "step": step,
        "step_index": STEPS.index(step) if step is not None else len(STEPS),
    }


def previous_step(step: Step) -> Step | None:
    index = STEPS.index(step) if step in STEPS else 0
    return STEPS[index - 1] if index > 0 else None


def step_by_identifier(identifier: str) -> Step | None:
    return next((step for step in STEPS if step.identifier == identifier), None)


def first_incomplete(ctx: Context, before: Step | None = None) -> Step | None:
    """The first step before `before` (or overall) that is not complete yet."""
    for step in STEPS:
        if step is before:
            return None
        if not step.is_completed(ctx):
            return step
    return None


def slot_choice_context(
    request: HttpRequest,
    treatment: Treatment,
    *,
    practitioner_id: int | None,
    earliest_date: dt.date | None,
    now: dt.datetime,
    held: Appointment | None = None,
    form: SlotForm | None = None,
    ignore_appointment_id: int | None = None,
) -> dict:
    """Days with free times, and the times of the chosen day (shared with rescheduling).

    The patient's own live hold does not hide its time (or the times around it) from
    them: they may choose it again or move it.
    """
    tz = ClinicProfile.load().tzinfo
    policy = BookingPolicy.load()
    holding = held if held is not None and held.is_held(now) else None
    offered = services.offered_times(
        treatment,
        practitioner_id=practitioner_id,
        now=now,
        earliest_date=earliest_date,
        ignore_appointment_id=holding.pk if holding else ignore_appointment_id,
    )
    requested_day = request.GET.get("day")
    held_start = holding.starts_at if holding else None
    today = now.astimezone(tz).date()
    return {
        "time_list": time_picker.shared_time_list(
            offered,
            tz,
            requested_day=requested_day,
            held_start=held_start,
            days_offered=(today, today + dt.timedelta(days=policy.horizon_days + 1)),
        ),
        # The same times as objects, made only if something asks (tests do; the page
        # prints the time list).
        "picker": SimpleLazyObject(
            lambda: time_picker.picker(
                offered.slots, tz, requested_day=requested_day, held_start=held_start
            )
        ),
        "form": form or SlotForm(),
        "held": held,
        "policy": policy,
        "clinic_tz": tz,
    }

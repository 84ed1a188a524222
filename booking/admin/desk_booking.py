"""The front desk books a patient who phones (``admin:booking_appointment_add``).

One page: treatment, practitioner or any, and a day (a GET, so the day calendar can link
a free time here: ``?treatment=<pk>&practitioner=<pk>&start=YYYY-MM-DDTHH:MM``, clinic
time); then the free times patients see that day, the caller's details, and either the
health questions read out by phone or a private link emailed to the patient. The
booking itself is ``services.desk_booking``: the same engine, gate and locks as online.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from booking import services
from booking.admin.helpers import clinic_tz, local_time
from booking.desk_forms import (
    DeskBookingForm,
    DeskTimeForm,
    PhoneScreeningForm,
    phone_consent_wording,
)
from booking.models import Appointment, Practitioner, ScreeningQuestion, Status
from booking.services import desk_booking


def _prefill(request: HttpRequest, tz) -> tuple[QueryDict, str | None]:
    """The time form's data from the query string, and the start to preselect (ISO, UTC
    offset) when ``start`` is a clinic-time ``YYYY-MM-DDTHH:MM``."""
    data = request.GET.copy()
    start = None
    raw = request.GET.get("start", "")
    if raw:
        try:
            local = dt.datetime.fromisoformat(raw)
        except ValueError:
            local = None
        if local is not None:
            if local.tzinfo is None:
                local = local.replace(tzinfo=tz)
            data.setdefault("day", local.date().isoformat())
            start = local.astimezone(dt.UTC).isoformat()
    return data, start


def desk_booking_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    tz = clinic_tz()
    now = timezone.now()
    source: QueryDict
    if request.method == "POST":
        source, preselected = request.POST, None
    else:
        source, preselected = _prefill(request, tz)
    choosing = "treatment" in source
    time_form = DeskTimeForm(
        source if choosing else None,
        initial={"day": timezone.localtime(now, tz).date() + dt.timedelta(days=1)},
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Book for a patient"),
        "time_form": time_form,
        "consent_wording": phone_consent_wording(),
    }
    if not (choosing and time_form.is_valid()):
        return TemplateResponse(request, "admin/booking/appointment/desk_booking.html", context)

    treatment = time_form.cleaned_data["treatment"]
    practitioner = time_form.cleaned_data["practitioner"]
    day = time_form.cleaned_data["day"]
    slots = services.free_slots_for(
        treatment, practitioner_id=practitioner.pk if practitioner else None, now=now
    )
    times = _times_on([s for s in slots if timezone.localtime(s.start, tz).date() == day], tz)
    later = next((s.start for s in slots if timezone.localtime(s.start, tz).date() > day), None)
    questions = list(ScreeningQuestion.objects.for_treatment(treatment).select_related("parent"))
    posted = request.POST if request.method == "POST" else None
    form = DeskBookingForm(posted, times=times, initial={"start": preselected})
    screening_form = PhoneScreeningForm(posted, questions=questions)
    context.update(
        treatment=treatment,
        practitioner=practitioner,
        day=day,
        times=times,
        next_free_day=timezone.localtime(later, tz).date() if later else None,
        # The calendar linked a time that has been taken since (or was never free).
        linked_time_taken=preselected is not None and preselected not in dict(times),
        form=form,
        screening_form=screening_form,
    )
    status = 200
    if posted is not None:
        status = 400
        if form.is_valid() and (not form.by_phone or screening_form.is_valid()):
            try:
                return _book(request, form, screening_form, treatment, practitioner, questions)
            except desk_booking.AnswersStopBooking as stop:
                context["stopped_by"] = stop.reasons
                status = 409
            except services.BookingError as error:
                form.add_error("start", str(error))
                status = 409
    return TemplateResponse(
        request, "admin/booking/appointment/desk_booking.html", context, status=status
    )


def _times_on(slots: list, tz) -> list[tuple[str, str]]:
    """The day's free times as (value, label) choices: "10:00", and who is free then
    when several practitioners are (for "any practitioner")."""
    ids = {pk for slot in slots for pk in slot.practitioner_ids}
    names = {p.pk: str(p) for p in Practitioner.objects.filter(pk__in=ids)} if len(ids) > 1 else {}
    choices = []
    for slot in slots:
        label = local_time(slot.start, tz, "H:i")
        if names:
            who = ", ".join(names[pk] for pk in slot.practitioner_ids if pk in names)
            label = f"{label} ({who})"
        choices.append((slot.start.isoformat(), label))
    return choices


def _book(request, form, screening_form, treatment, practitioner, questions) -> HttpResponse:
    caller = desk_booking.Caller(
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        phone=form.cleaned_data["phone"],
        language=form.cleaned_data["language"],
    )
    where = {
        "treatment": treatment,
        "practitioner_id": practitioner.pk if practitioner else None,
        "start": form.start_time(),
        "caller": caller,
        "by": request.user,
    }
    if form.by_phone:
        appointment = desk_booking.book_by_phone(
            **where,
            answers=desk_booking.PhoneAnswers(
                questions=questions,
                answers=screening_form.answers(),
                date_of_birth=screening_form.cleaned_data["date_of_birth"],
                consents=form.phone_consents(phone_consent_wording()),
            ),
        )
    else:
        appointment = desk_booking.hold_for_patient(**where)
    _tell_staff(request, appointment)
    return HttpResponseRedirect(reverse("admin:booking_appointment_change", args=[appointment.pk]))


def _tell_staff(request: HttpRequest, appointment: Appointment) -> None:
    """What happened, and what to tell the caller; never any answer."""
    details = {
        "reference": appointment.reference,
        "when": local_time(appointment.starts_at),
        "practitioner": appointment.practitioner,
        "email": appointment.patient_email,
    }
    if appointment.status == Status.CONFIRMED:
        text = gettext(
            "Booked and confirmed: %(reference)s, %(when)s with %(practitioner)s. "
            "The confirmation is emailed to %(email)s."
        )
    elif appointment.status == Status.REQUESTED:
        text = gettext(
            "Booked as a request for a clinician to review: %(reference)s, %(when)s with "
            "%(practitioner)s. Tell the patient a clinician will check their answers and "
            "that we will email %(email)s."
        )
    else:
        details["until"] = local_time(appointment.hold_expires_at)
        text = gettext(
            "Time held until %(until)s: %(reference)s, %(when)s with %(practitioner)s. "
            "A private link to answer the health questions is emailed to %(email)s; "
            "unanswered, the time is free again."
        )
    messages.success(request, text % details)
    instructions = [line for line in appointment.instructions.splitlines() if line.strip()]
    if instructions:
        messages.info(
            request,
            gettext("Please tell the patient (also emailed): %(instructions)s")
            % {"instructions": " ".join(instructions)},
        )

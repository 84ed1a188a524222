from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from booking import flow, services
from booking.desk_forms import LinkAnswersForm
from booking.flow import first_incomplete, progress, slot_choice_context, step_by_identifier
from booking.flow_state import BookingState, Context
from booking.forms import DataRequestForm, RecheckForm, SlotForm
from booking.models import Appointment, DataRequestKind, RecheckResult, ScreeningQuestion
from booking.services import desk_booking
from booking.tokens import InvalidLink, appointment_from_token, make_manage_token
from clinic.dates import localised_format
from treatments.models import Treatment


def rate_limited(group: str, methods: tuple[str, ...] = ("POST",)):
    """Refuse a client address that sends too many requests, with a kind 429 page.

    The "ip" key is the visitor's address as ``clinic.client_address`` decides it
    (``RATELIMIT_IP_META_KEY``), so patients behind one proxy each have their own budget.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods and is_ratelimited(
                request,
                group=f"booking.{group}",
                key="ip",
                rate=settings.RATE_LIMITS[group],
                method=list(methods),
                increment=True,
            ):
                return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@never_cache
def start(request):
    """Entry point: remember a treatment picked on its page, then go to the first open step."""
    state = BookingState.load(request)
    slug = request.GET.get("treatment")
    if slug:
        treatment = Treatment.objects.published().filter(slug=slug).first()
        if treatment and treatment.pk != state.treatment:
            state = BookingState(treatment=treatment.pk)
            state.save(request)
    ctx = Context(request, state)
    step = first_incomplete(ctx) or flow.STEPS[-1]
    url = step.url()
    if slug and step is flow.STEPS[0]:
        url += f"?treatment={slug}"
    return redirect(url)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("booking")
def step(request, step: str):
    current = step_by_identifier(step)
    if current is None:
        raise Http404
    ctx = Context(request, BookingState.load(request))
    missing = first_incomplete(ctx, before=current)
    if missing is not None:
        explanation = missing.incomplete_message(ctx)
        if explanation:
            messages.error(request, explanation)
        elif request.method == "POST":
            messages.warning(request, _("Please complete this step first."))
        return redirect(missing.url())
    if request.method == "POST":
        if not request.session.session_key:
            request.session.save()
        return current.post(ctx)
    return current.get(ctx)


@never_cache
def done(request):
    state = BookingState.load(request)
    appointment = (
        Appointment.objects.select_related("treatment", "practitioner")
        .filter(pk=state.done or 0)
        .first()
    )
    if appointment is None:
        return redirect("booking:start")
    return render(
        request,
        "booking/done.html",
        {"appointment": appointment, "token": make_manage_token(appointment)} | progress(None),
    )


def with_manage_link(view):
    """Resolve the private link's token to its appointment, or show the friendly page."""

    @wraps(view)
    def wrapper(request, token: str):
        try:
            appointment = appointment_from_token(token)
        except InvalidLink:
            return render(request, "booking/manage_invalid.html", status=404)
        return view(request, appointment, token)

    return wrapper


@never_cache
@rate_limited("manage", methods=("GET", "HEAD", "POST"))
@with_manage_link
def manage(request, appointment: Appointment, token: str):
    now = timezone.now()
    return render(
        request,
        "booking/manage.html",
        {
            "appointment": appointment,
            "token": token,
            "can_change": appointment.can_be_changed_by_patient(now),
            "is_past": appointment.is_past(now),
            "can_recheck": appointment.can_be_rechecked(now),
            "data_requests": appointment.data_requests.all(),
            "request_kinds": DataRequestKind,
        },
    )


DATA_REQUEST_RECEIVED = {
    DataRequestKind.COPY: gettext_lazy(
        "We have your request for a copy of your data. We will send it to the email address "
        "you booked with within 20 business days."
    ),
    DataRequestKind.DELETE_HEALTH_ANSWERS: gettext_lazy(
        "We have your request to delete your answers to the health questions. We will "
        "confirm by email within 20 business days."
    ),
}


@never_cache
@require_POST
@rate_limited("manage")
@with_manage_link
def manage_data_request(request, appointment: Appointment, token: str):
    """A copy of the patient's data, or the deletion of their health answers: recorded
    once, the manager told (booking/notifications.py), the patient shown it on the page."""
    form = DataRequestForm(request.POST)
    if not form.is_valid() or not appointment.patient_email:
        messages.error(request, _("Please choose one of the requests on this page."))
        return redirect("booking:manage", token=token)
    kind = DataRequestKind(form.cleaned_data["kind"])
    data_request, created = services.request_patient_data(appointment, kind)
    if created:
        messages.success(request, DATA_REQUEST_RECEIVED[kind])
    else:
        messages.info(
            request,
            _(
                "We already have this request, made on %(date)s. We will answer within 20 "
                "business days."
            )
            % {
                "date": formats.date_format(
                    timezone.localtime(data_request.created_at), localised_format("j F Y")
                )
            },
        )
    return redirect("booking:manage", token=token)


@never_cache
@require_POST
@rate_limited("manage")
@with_manage_link
def manage_cancel(request, appointment: Appointment, token: str):
    try:
        services.cancel_by_patient(appointment.pk)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your appointment is cancelled. We have emailed you."))
    return redirect("booking:manage", token=token)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("manage", methods=("GET", "HEAD", "POST"))
@with_manage_link
def manage_reschedule(request, appointment: Appointment, token: str):
    now = timezone.now()
    if not appointment.can_be_changed_by_patient(now):
        messages.error(request, _("This appointment can no longer be changed online."))
        return redirect("booking:manage", token=token)
    form = SlotForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reschedule_by_patient(
                    appointment.pk, start=form.cleaned_data["start"], now=now
                )
            except services.BookingError as error:
                form.add_error("start", str(error))
                status = 409
            else:
                messages.success(
                    request, _("Your appointment has been moved. We have emailed you.")
                )
                return redirect("booking:manage", token=token)
        else:
            status = 400
    context = slot_choice_context(
        request,
        appointment.treatment,
        practitioner_id=None,
        earliest_date=appointment.earliest_treatment_date,
        now=now,
        form=form,
        ignore_appointment_id=appointment.pk,
    )
    context |= {"appointment": appointment, "token": token, "treatment": appointment.treatment}
    return render(request, "booking/manage_reschedule.html", context, status=status)


def _refuse_recheck(request, token: str):
    """Cancelled, past or otherwise closed to the re-check: the manage page says why."""
    messages.error(request, str(services.recheck.CANNOT_RECHECK))
    return redirect("booking:manage", token=token)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("manage", methods=("GET", "HEAD", "POST"))
@with_manage_link
def manage_recheck(request, appointment: Appointment, token: str):
    """Before the visit: has anything in the health answers changed? "Nothing" is a POST."""
    now = timezone.now()
    if not appointment.can_be_rechecked(now):
        return _refuse_recheck(request, token)
    if request.method == "POST":
        try:
            services.reconfirm_unchanged(appointment.pk, now=now)
        except services.BookingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you: we have noted that nothing has changed."))
        return redirect("booking:manage_recheck", token=token)
    return render(
        request,
        "booking/manage_recheck.html",
        {
            "appointment": appointment,
            "token": token,
            "can_change": appointment.can_be_changed_by_patient(now),
            "results": RecheckResult,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("manage", methods=("GET", "HEAD", "POST"))
@with_manage_link
def manage_recheck_questions(request, appointment: Appointment, token: str):
    """Something has changed: the questions again, blank (the answers on file are never
    shown through the link in an email)."""
    now = timezone.now()
    if not appointment.can_be_rechecked(now):
        return _refuse_recheck(request, token)
    questions = list(
        ScreeningQuestion.objects.for_treatment(appointment.treatment).select_related("parent")
    )
    form = RecheckForm(request.POST if request.method == "POST" else None, questions=questions)
    context = {"appointment": appointment, "token": token, "form": form}
    if request.method != "POST":
        return render(request, "booking/manage_recheck_questions.html", context)
    if not form.is_valid():
        return render(request, "booking/manage_recheck_questions.html", context, status=400)
    try:
        recheck = services.recheck_answers(appointment.pk, questions, form.answers(), now=now)
    except services.BookingError as error:
        messages.error(request, str(error))
        return redirect("booking:manage", token=token)
    if recheck.result == RecheckResult.BLOCKED:
        # Shown once, here: the reasons come from the answers, which are not kept.
        return render(
            request,
            "booking/manage_recheck_cancelled.html",
            {"appointment": recheck.appointment, "token": token, "assessment": recheck.assessment},
        )
    return redirect("booking:manage_recheck", token=token)


@never_cache
@with_manage_link
def manage_calendar(request, appointment: Appointment, token: str):
    if not (appointment.is_planned or appointment.is_cancelled):
        raise Http404
    from booking.calendar import appointment_ics

    response = HttpResponse(
        appointment_ics(appointment, cancelled=appointment.is_cancelled),
        content_type="text/calendar",
    )
    response["Content-Disposition"] = f'attachment; filename="{appointment.reference}.ics"'
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("booking")
@with_manage_link
def answer_questions(request, appointment: Appointment, token: str):
    """The front desk held this time and emailed the link: the patient answers the same
    questions with the same consents as online, then the same gate confirms it, makes it
    a request, or (answers that block) lets the time go (``services.desk_booking``)."""
    now = timezone.now()
    template = "booking/answer_questions.html"
    context: dict = {"appointment": appointment, "token": token}
    if not appointment.is_held(now) or appointment.screening_id:
        if appointment.is_planned:
            return redirect("booking:manage", token=token)
        return render(request, template, context | {"closed": True}, status=410)
    questions = list(
        ScreeningQuestion.objects.for_treatment(appointment.treatment).select_related("parent")
    )
    form = LinkAnswersForm(request.POST if request.method == "POST" else None, questions=questions)
    context["form"] = form
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        booked, assessment = desk_booking.answer_held_time(
            appointment.pk,
            questions=questions,
            answers=form.answers(),
            date_of_birth=form.cleaned_data["date_of_birth"],
            consents=form.consents(),
            now=now,
        )
    except services.BookingError as error:
        return render(
            request, template, context | {"closed": True, "error": str(error)}, status=409
        )
    if booked is None:
        # Shown once, here: the reasons come from the answers, which are not kept.
        return render(request, template, context | {"assessment": assessment}, status=409)
    return redirect("booking:manage", token=token)

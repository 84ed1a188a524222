from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class ClinicOTPAuthenticationForm(OTPAdminAuthenticationForm):
    """Username, password and the 6-digit code on one form.

    django-otp asks the user to pick a device before it checks a code; staff here
    have one authenticator app each, so that device is chosen for them. Someone
    with several devices still gets the device list after the first attempt.
    """

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True, for_verify=True))
            if len(devices) == 1:
                device = devices[0]
        return device


class ClinicAdminSite(OTPAdminSite):
    """The back office. Its header shows the clinic's name from the clinic profile.

    Every staff account must pass a TOTP two-factor check (django-otp) to get in;
    a signed-in but unverified user is treated as not staff and sent to the login
    form, which asks for the one-time code. Enrol the first manager with
    ``manage.py enrol_totp <username>``.
    """

    site_title = _("Clinic back office")
    index_title = _("Back office")
    login_form = ClinicOTPAuthenticationForm

    def __init__(self, name="admin"):
        # OTPAdminSite defaults to the name "otpadmin"; keep the usual admin: namespace.
        super().__init__(name)

    def login(self, request, extra_context=None):
        """Sign-in attempts per client address are rate limited, on top of django-axes'
        per-username lockout, so one address cannot try many usernames. The address is
        ``clinic.client_address``'s, as for every other limit."""
        from django.conf import settings
        from django.shortcuts import render
        from django_ratelimit.core import is_ratelimited

        if request.method == "POST" and is_ratelimited(
            request,
            group="admin.login",
            key="ip",
            rate=settings.RATE_LIMITS["login"],
            method="POST",
            increment=True,
        ):
            return render(request, "429.html", status=429)
        return super().login(request, extra_context)

    def get_app_list(self, request, app_label=None):
        """Django works the list of apps out twice for the home page (the page and its
        sidebar), each time checking every model's permissions and reversing its
        addresses: here once a request (it does not change during one)."""
        lists = request.__dict__.setdefault("_clinic_app_lists", {})
        if app_label not in lists:
            lists[app_label] = super().get_app_list(request, app_label)
        return lists[app_label]

    def each_context(self, request):
        from clinic.models import ClinicProfile

        context = super().each_context(request)
        name = ClinicProfile.load().name
        context["site_header"] = name
        context["site_title"] = name
        return context


def lockout_response(request, original_response=None, credentials=None):
    """django-axes lockout page: a clear message in the admin's style (HTTP 429)."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in temporarily blocked"),
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "retry_at": timezone.localtime() + cool_off if cool_off else None,
    }
    response = TemplateResponse(request, "admin/lockout.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response.render()

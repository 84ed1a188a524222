from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.plugins.otp_totp import apps as totp_apps
from django_tasks_db import apps as tasks_db_apps

from clinic import third_party_wording as wording


class ClinicConfig(AppConfig):
    default = True
    name = "clinic"
    verbose_name = _("Clinic")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth import signals as auth_signals
        from django_otp.forms import otp_verification_failed

        from clinic import checks, signals  # noqa: F401 (checks registers itself)

        auth_signals.user_logged_in.connect(signals.log_login, dispatch_uid="clinic.log_login")
        auth_signals.user_logged_out.connect(signals.log_logout, dispatch_uid="clinic.log_logout")
        auth_signals.user_login_failed.connect(
            signals.log_login_failed, dispatch_uid="clinic.log_login_failed"
        )
        user_locked_out.connect(signals.log_lockout, dispatch_uid="clinic.log_lockout")
        otp_verification_failed.connect(signals.log_otp_failed, dispatch_uid="clinic.log_otp")

        # The clinic profile, booking policy and content version are read from the cache once
        # a request (clinic/request_memo.py).
        from django.core.signals import request_finished, request_started

        # Public pages are cached; any edit of what they show invalidates them all. Imported
        # here so that every process (commands too) declares what they depend on.
        from clinic import page_cache  # noqa: F401
        from clinic.request_memo import begin_request_memo, end_request_memo

        request_started.connect(begin_request_memo, dispatch_uid="clinic.singletons.begin")
        request_finished.connect(end_request_memo, dispatch_uid="clinic.singletons.end")

        # The singletons' cache keys again, now that django-modeltranslation (ready before
        # every app) has added each translated field's columns: they are layout too.
        from django.apps import apps

        from clinic.models import name_the_cache_key

        for model in apps.get_models():
            name_the_cache_key(model)

        # The staff groups the migrations make, and the permissions, in the page's language.
        from django.contrib.auth.models import Group, Permission

        Group.__str__ = wording.describe_group
        Permission.__str__ = wording.describe_permission


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the clinic's own site (name in the header)."""

    default = False
    default_site = "clinic.admin_site.ClinicAdminSite"


# Three third-party apps under names staff understand in the admin, in both languages
# (clinic/third_party_wording.py).


class TwoFactorConfig(totp_apps.DefaultConfig):
    """django-otp's TOTP devices: the authenticator apps staff sign in with."""

    default = False
    verbose_name = _("Two-factor sign-in")

    def ready(self):
        super().ready()
        wording.name_models(self, {"TOTPDevice": (_("TOTP device"), _("TOTP devices"))})
        wording.name_fields(
            self,
            "TOTPDevice",
            {
                "user": _("staff member"),
                "name": _("device name"),
                "confirmed": pgettext_lazy("device", "confirmed"),
                "created_at": _("enrolled"),
                "last_used_at": _("last used"),
            },
        )


class SignInLockoutsConfig(axes_apps.AppConfig):
    """django-axes' records of failed staff sign-ins and the lockouts they cause."""

    default = False
    verbose_name = _("Sign-in lockouts")

    def ready(self):
        super().ready()
        wording.name_models(
            self,
            {
                "AccessAttempt": (_("access attempt"), _("access attempts")),
                "AccessFailureLog": (_("access failure"), _("access failures")),
                "AccessLog": (_("access log"), _("access logs")),
            },
        )
        # Their own titles are English, with the time in UTC: the clinic's words and time
        # instead, wherever the admin names one (its page, breadcrumbs, history, deletion).
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        AccessAttempt.__str__ = wording.describe_attempt
        AccessLog.__str__ = wording.describe_sign_in
        AccessFailureLog.__str__ = wording.describe_failed_sign_in


class BackgroundTasksConfig(tasks_db_apps.TasksAppConfig):
    """django-tasks' database queue: the emails to patients, each sent by the worker."""

    default = False
    verbose_name = _("Background tasks")  # type: ignore[assignment]  # a lazy str

    def ready(self):
        super().ready()
        wording.name_models(self, {"DBTaskResult": (_("task result"), _("task results"))})
        # Its own title is "DBTaskResult object (<uuid>)".
        self.get_model("DBTaskResult").__str__ = wording.describe_task

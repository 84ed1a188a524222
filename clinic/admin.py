import base64
import io
from urllib.parse import urlencode

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from modeltranslation.admin import TranslationAdmin

from clinic import third_party_wording
from clinic.models import ClinicProfile, PrivacyNotice
from clinic.signals import log_lockout_lifted
from clinic.staff import (
    administrable_accounts,
    assignable_groups,
    enrol_totp_device,
    has_totp_device,
    may_administer,
)


class SingletonModelAdmin(admin.ModelAdmin):
    """The one row of a SingletonModel: edited, never added or deleted.

    The row is created with its defaults on first use (`load()`), also when staff open
    the list first, so there is never anything to add. No query either: the admin
    asks "may I add?" on every page (for the sidebar) and this answer needs none.
    """

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        self.model.load()
        return super().changelist_view(request, extra_context)


@admin.register(ClinicProfile)
class ClinicProfileAdmin(TranslationAdmin, SingletonModelAdmin):
    """One profile only: it can be edited, never added twice or deleted."""

    # Django 6 will assume https:// for a link typed without a scheme; say so now
    # (and silence the deprecation warning the map link field raises otherwise).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    fieldsets = [
        (None, {"fields": ["name", "tagline", "about"]}),
        (
            _("Address"),
            {
                "fields": [
                    "street_address",
                    ("postal_code", "locality"),
                    "region",
                    ("country", "country_code"),
                    "map_url",
                ]
            },
        ),
        (_("Contact and hours"), {"fields": ["phone", "email", "opening_hours"]}),
        (_("Settings"), {"fields": ["time_zone", "currency"]}),
    ]


# --- The privacy notice: drafts are edited, published versions never change -------------


def translated(field: str) -> list[str]:
    """A translated field's columns, one per language (django-modeltranslation)."""
    return [f"{field}_{code}" for code, _name in settings.LANGUAGES]


class PrivacyNoticeForm(forms.ModelForm):
    publish = forms.BooleanField(
        label=_("Publish this version now"),
        required=False,
        help_text=_(
            "It becomes the notice in force at /privacy/ and in the booking's consent, as the "
            "next version. Published versions can no longer be changed; earlier ones stay "
            "readable, so what each patient agreed to can always be shown."
        ),
    )

    class Meta:
        model = PrivacyNotice
        fields = [*translated("body"), *translated("changes")]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(TranslationAdmin):
    """Write a draft (a new one starts from the notice in force), then publish it.

    A published version is read-only and cannot be deleted: consents point to it.
    """

    form = PrivacyNoticeForm
    # No "delete selected": it would not ask whether each row is published.
    actions = None
    list_display = ["__str__", "state", "published_at", "changes"]
    readonly_fields = ["version", "published_at", "view_on_site_link"]

    @admin.display(description=_("state"))
    def state(self, notice: PrivacyNotice) -> str:
        if not notice.is_published:
            return gettext("draft")
        current = PrivacyNotice.objects.current()
        return gettext("in force") if current and current.pk == notice.pk else gettext("earlier")

    @admin.display(description=_("on the site"))
    def view_on_site_link(self, notice: PrivacyNotice) -> str:
        if not notice.is_published:
            return "—"
        return format_html('<a href="{0}">{0}</a>', notice.get_absolute_url())

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return [
                "version",
                "published_at",
                "view_on_site_link",
                *translated("changes"),
                *translated("body"),
            ]
        return [*translated("body"), *translated("changes"), "publish"]

    def get_changeform_initial_data(self, request):
        current = PrivacyNotice.objects.current()
        if current is None:
            return {}
        return {column: getattr(current, column) for column in translated("body")}

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("publish"):
            obj.publish()
            self.message_user(
                request,
                gettext("Published as version %(version)s.") % {"version": obj.version},
                level=messages.SUCCESS,
            )


# --- Staff accounts, two-factor devices and lockouts -------------------------------------
# The Manager group runs these without a superuser (booking migration 0009); who may do
# what to which account is decided in clinic/staff.py.

User = get_user_model()

# What only a superuser may set; refused from anyone else even in a crafted POST.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


class RefusesSuperuserFieldsMixin:
    """For account forms of staff who are not superusers: the fields are not on the form,
    and a request that sends them anyway is refused rather than quietly trimmed."""

    def clean(self):
        cleaned_data = super().clean()
        if any(name in self.data for name in SUPERUSER_ONLY_FIELDS):
            raise ValidationError(
                _(
                    "Only a superuser can make someone a superuser or give individual "
                    "permissions. Put the person in a group instead."
                ),
                code="superuser_only",
            )
        return cleaned_data


class ManagerUserCreationForm(RefusesSuperuserFieldsMixin, AdminUserCreationForm):
    pass


class ManagerUserChangeForm(RefusesSuperuserFieldsMixin, UserChangeForm):
    pass


admin.site.unregister(User)


@admin.register(User)
class StaffAccountAdmin(UserAdmin):
    """Staff accounts. A manager creates them, puts them in groups, deactivates them and
    resets passwords; only a superuser makes superusers or gives individual permissions,
    and only a superuser edits a superuser's account."""

    list_display = (
        "username",
        "full_name",
        "email",
        "group_names",
        "is_active",
        "two_factor_enrolled",
        "is_superuser",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    readonly_fields = ("two_factor", "last_login", "date_joined")
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Access"), {"fields": ("is_staff", "groups")}),
    )
    # For staff who are not superusers: no superuser flag, no individual permissions.
    manager_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "groups", "two_factor")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request):
        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return (
            super()
            .get_queryset(request)
            .annotate(has_two_factor=Exists(enrolled))
            .prefetch_related("groups")
        )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        if request.user.is_superuser:
            fieldsets = super().get_fieldsets(request, obj)
            return (*fieldsets, (_("Two-factor sign-in"), {"fields": ("two_factor",)}))
        if not may_administer(request.user, obj):
            # Read-only, and not even the summary of a password they may not reset.
            return tuple(
                (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
                for name, options in self.manager_fieldsets
            )
        return self.manager_fieldsets

    def get_form(self, request, obj=None, **kwargs):
        if not request.user.is_superuser:
            kwargs["form"] = ManagerUserCreationForm if obj is None else ManagerUserChangeForm
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "groups" in form.base_fields:
            # Only groups that grant nothing beyond the manager's own permissions, plus
            # those the person already has (so saving keeps them).
            held = Q(pk__in=obj.groups.values("pk")) if obj is not None else Q(pk__in=[])
            assignable = Q(pk__in=assignable_groups(request.user).values("pk"))
            # Narrowed from the field's own queryset, which keeps the groups admin's order.
            groups = form.base_fields["groups"]
            groups.queryset = groups.queryset.filter(assignable | held)
        return form

    def get_changeform_initial_data(self, request):
        # Accounts made here are for the back office.
        return {"is_staff": True, **super().get_changeform_initial_data(request)}

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_administer(request.user, obj)

    @admin.display(description=_("name"), ordering="first_name")
    def full_name(self, user) -> str:
        return user.get_full_name()

    @admin.display(description=_("groups"))
    def group_names(self, user) -> str:
        return ", ".join(sorted(str(group) for group in user.groups.all()))

    @admin.display(description=_("two-factor"), boolean=True, ordering="has_two_factor")
    def two_factor_enrolled(self, user) -> bool:
        return user.has_two_factor

    @admin.display(description=_("two-factor sign-in"))
    def two_factor(self, user) -> str:
        enrol = reverse("admin:otp_totp_totpdevice_add") + "?" + urlencode({"user": user.pk})
        devices = [device.name for device in TOTPDevice.objects.filter(user=user)]
        if not devices:
            return format_html(
                '{} <a href="{}">{}</a>',
                _("Not enrolled: this person cannot sign in to the back office yet."),
                enrol,
                _("Enrol an authenticator app"),
            )
        return format_html(
            '{} <a href="{}">{}</a>',
            _("Enrolled: %(devices)s.") % {"devices": ", ".join(devices)},
            enrol,
            _("Replace it (lost or new phone)"),
        )


# django-otp's help texts are English only, and part of its migrations: the clinic's,
# for the enrolment form and a device's page (the admin uses them for read-only fields).
DEVICE_HELP_TEXTS = {
    "user": _("The staff member who signs in with this device."),
    "name": _("For example: Ana's phone."),
    "confirmed": _("Only a confirmed device signs in."),
    "created_at": _("When the device was enrolled."),
    "last_used_at": _("The last time a code from this device was accepted."),
}


class TwoFactorEnrolmentForm(forms.ModelForm):
    """A new authenticator app for a staff member; optionally replacing their old one."""

    replace = forms.BooleanField(
        label=_("Replace the current device"),
        required=False,
        help_text=_("For a lost or new phone: the person's current device stops working at once."),
    )

    class Meta:
        model = TOTPDevice
        fields = ["user", "name"]
        help_texts = DEVICE_HELP_TEXTS

    def clean(self):
        cleaned_data = super().clean()
        user = cleaned_data.get("user")
        if user is not None and not cleaned_data.get("replace") and has_totp_device(user):
            self.add_error(
                "replace",
                _(
                    "This person already has a device. Tick “Replace the current device” "
                    "to enrol a new one."
                ),
            )
        return cleaned_data


class TwoFactorDeviceForm(forms.ModelForm):
    """A device's page, with the clinic's help texts (read-only fields too)."""

    class Meta:
        model = TOTPDevice
        fields = ["name", "confirmed"]
        help_texts = DEVICE_HELP_TEXTS


admin.site.unregister(Group)


@admin.register(Group)
class StaffGroupAdmin(GroupAdmin):
    """Staff groups by their names in the page's language (clinic/third_party_wording.py),
    in its alphabetical order, here and wherever a group is chosen (the users' filter and
    form take this order). Whoever may only read a group (a manager) reads that name on
    its page; a superuser, who may rename one, edits its key."""

    readonly_fields = ("name_as_read",)

    def get_ordering(self, request):
        return (third_party_wording.groups_as_read_order(),)

    def get_search_results(self, request, queryset, search_term):
        """Found by the name as read too ("Gerencia" finds the Manager group)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if keys := third_party_wording.groups_read_as(search_term):
            found |= queryset.filter(name__in=keys)
        return found, may_have_duplicates

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "name_as_read"]
        if obj is not None and not self.has_change_permission(request, obj):
            return ["name_as_read" if name == "name" else name for name in fields]
        return fields

    @admin.display(description=_("name"))
    def name_as_read(self, group) -> str:
        return str(group)


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TwoFactorDeviceAdmin(admin.ModelAdmin):
    """Authenticator apps of staff (TOTP). Adding one shows its QR code once, to scan on
    the spot; afterwards the secret is never shown again (OTP_ADMIN_HIDE_SENSITIVE_DATA)."""

    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "name")
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = ("user", "created_at", "last_used_at")
    enrolled_template = "admin/otp_totp/totpdevice/enrolled.html"

    def get_queryset(self, request):
        # Only devices of accounts this staff member administers (never a superuser's,
        # unless they are one): nothing else can be opened, changed or deleted in bulk.
        return (
            super()
            .get_queryset(request)
            .filter(user__in=administrable_accounts(request.user).values("pk"))
        )

    def get_fields(self, request, obj=None):
        return ("user", "name", "replace") if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = TwoFactorEnrolmentForm if obj is None else TwoFactorDeviceForm
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            accounts = administrable_accounts(request.user).filter(is_active=True)
            form.base_fields["user"].queryset = accounts.order_by("username")
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return {"name": gettext("Authenticator app"), **initial}

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        enrol_totp_device(obj, replace=form.cleaned_data["replace"])

    def response_add(self, request, obj, post_url_continue=None):
        """The QR code and otpauth:// address, shown this once to scan with the phone."""
        image = io.BytesIO()
        write_qrcode_image(obj.config_url, image)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Scan this code now"),
            "device": obj,
            "qr_code": "data:image/svg+xml;base64," + base64.b64encode(image.getvalue()).decode(),
            "config_url": obj.config_url,
        }
        return TemplateResponse(request, self.enrolled_template, context)


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class SignInLockoutAdmin(AccessAttemptAdmin):
    """Failed staff sign-ins per username and address (django-axes). Five lock the pair
    for an hour; deleting the attempts lifts the lockout at once."""

    actions = ["lift_lockout"]

    @admin.action(
        description=_("Lift the lockout (forget these failed sign-ins)"), permissions=["delete"]
    )
    def lift_lockout(self, request, queryset) -> None:
        usernames = sorted(set(queryset.values_list("username", flat=True)))
        queryset.delete()
        for username in usernames:
            log_lockout_lifted(username, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Lockout lifted for %(names)s: they can sign in again.",
                "Lockouts lifted for %(names)s: they can sign in again.",
                len(usernames),
            )
            % {"names": ", ".join(usernames)},
            messages.SUCCESS,
        )

    @admin.display(description=_("status"))
    def status(self, obj: AccessAttempt) -> str:
        """django-axes writes "3 Attempt Remaining", in English: the same in the page's
        language, counted properly."""
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left <= 0:
            return gettext("Locked out")
        return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {"count": left}


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class BackgroundTaskAdmin(DBTaskResultAdmin):
    """The worker's queue (django-tasks), read-only: the emails waiting, sent or failed.
    django-tasks names two of its columns, and the task's own, in English only."""

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        return ["task" if column == "task_name" else column for column in columns]

    @admin.display(description=_("task"))
    def task(self, obj: DBTaskResult) -> str:
        return obj.task_name

    @admin.display(description=_("error"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj: DBTaskResult) -> str:
        return third_party_wording.when(super().display_run_after(obj))

"""How the third-party apps' pages read in the back office, in both languages.

Staff work in Spanish or English; three apps the back office shows ship no Spanish, and
one of Django's own Spanish texts does not read (``DJANGO``):

- **django-axes** (sign-in lockouts) and **django-tasks** (background tasks) mark their
  texts for translation. Django looks a text up in ``LOCALE_PATHS`` first, whichever app
  asks for it, so their Spanish lives in ``locale/es`` with the clinic's. ``makemessages``
  keeps only texts it finds in the clinic's code: ``AXES`` and ``TASKS`` below list them,
  letter for letter as those apps write them.
- **django-otp** does not mark its field names: ``name_fields`` gives them the clinic's.

Django's own permissions are data, named in English when ``migrate`` makes them: they
read in the page's language (``describe_permission``). Its staff groups are data too: the
four the migrations make (``STAFF_GROUPS``) keep their English names as keys and read in
the page's language (``describe_group``), listed in that language's alphabetical order
(``groups_as_read_order``); a group staff add reads as they named it.

Only what a page shows is named here. Field labels may be renamed at start-up; a field's
help text and choices may not (they are part of its migrations, so changing them would
ask for a migration of someone else's app): the admin classes in ``clinic/admin.py`` give
those instead. ``tests/clinic/test_third_party_wording.py`` opens each page in Spanish.
"""

from collections.abc import Iterator

from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin.utils import display_for_value
from django.contrib.auth import get_permission_codename
from django.db.models import Case, CharField, F, Field, Value, When
from django.db.models.expressions import OrderBy
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, pgettext_lazy

AXES = (
    gettext_noop("Attempt Time"),
    gettext_noop("IP Address"),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("Path"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access lock out"),
    gettext_noop("Logout Time"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Not set"),
    gettext_noop("access attempt expiration"),
)

TASKS = (
    gettext_noop("status"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)

# Django's own Spanish for these reads "es staff" ("Por es staff" above the users' filter);
# the clinic's catalogue, read first, says what the flag gives.
DJANGO = (gettext_noop("staff status"),)

# The groups booking/migrations/0005_staff_groups.py makes, by the names it gives them.
STAFF_GROUPS = frozenset(
    (
        gettext_noop("Reception"),
        gettext_noop("Clinician"),
        gettext_noop("Content editor"),
        gettext_noop("Manager"),
    )
)


def name_models(config: AppConfig, names: dict[str, tuple[str, str]]) -> None:
    """Give an app's models names that translate, singular and plural (the app label, and
    so the tables, permissions and migrations, stay theirs: Django's migrations read a
    model's declared Meta, not these names)."""
    for model_name, (singular, plural) in names.items():
        meta = config.get_model(model_name)._meta
        meta.verbose_name, meta.verbose_name_plural = singular, plural


def name_fields(config: AppConfig, model_name: str, labels: dict[str, str]) -> None:
    """Give a model's fields labels that translate (a field's migrations keep the label
    it was declared with, so renaming it asks for none)."""
    model = config.get_model(model_name)
    for field_name, label in labels.items():
        field = model._meta.get_field(field_name)
        assert isinstance(field, Field), field  # a column, not a relation's other end
        field.verbose_name = label


def when(moment) -> str:
    """A record's time as the admin writes a time in its columns (Django admin's own
    display_for_value: the clinic's zone, the page's language)."""
    return display_for_value(moment, "-")


def describe_attempt(attempt) -> str:
    """django-axes' AccessAttempt, as its page's title and in the history."""
    return gettext("Failed sign-ins of “%(username)s” from %(address)s") % {
        "username": attempt.username,
        "address": attempt.ip_address,
    }


def describe_sign_in(log) -> str:
    """django-axes' AccessLog: one sign-in."""
    return gettext("Sign-in of “%(username)s”, %(time)s") % {
        "username": log.username,
        "time": when(log.attempt_time),
    }


def describe_failed_sign_in(log) -> str:
    """django-axes' AccessFailureLog: one failed sign-in."""
    text = gettext("Failed sign-in of “%(username)s”, %(time)s") % {
        "username": log.username,
        "time": when(log.attempt_time),
    }
    return text + (" · " + gettext("locked out") if log.locked_out else "")


def describe_task(result) -> str:
    """django-tasks' DBTaskResult: which task, and how it went."""
    return f"{result.task_name} · {result.get_status_display()}"


def describe_group(group) -> str:
    """A staff group as the admin lists it: one the migrations made, in the page's
    language; any other as named."""
    return gettext(group.name) if group.name in STAFF_GROUPS else group.name


# Django names the permissions it makes for each model in English when it makes them
# ("Can change appointment"), and stores the name; these read them in the page's language.
PERMISSION_ACTIONS = {
    "add": gettext_noop("Can add %(thing)s"),
    "change": gettext_noop("Can change %(thing)s"),
    "delete": gettext_noop("Can delete %(thing)s"),
    "view": gettext_noop("Can view %(thing)s"),
}


def describe_permission(permission) -> str:
    """A permission as the admin lists it ("Citas | cita | Puede modificar cita"): one of
    the four Django makes for each model, in the page's language, with the model's name
    in it; one a model declares, in its declared words (in the clinic's catalogue)."""
    # Imported here: clinic/apps.py imports this module before the models are loaded.
    from django.contrib.contenttypes.models import ContentType

    # From the content types' own cache: Django's __str__ read each one's content type
    # with a query of its own, a query per permission listed (88 for the Manager group).
    content_type = ContentType.objects.get_for_id(permission.content_type_id)
    model = content_type.model_class()
    opts = model._meta if model is not None else None
    # The codenames Django makes for the model ("change_appointment"), by its own rule.
    made = {get_permission_codename(a, opts): a for a in PERMISSION_ACTIONS} if opts else {}
    if opts and (action := made.get(permission.codename)):
        name = gettext(PERMISSION_ACTIONS[action]) % {"thing": opts.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{content_type} | {name}"


def groups_read_as(words: str) -> list[str]:
    """The keys of the staff groups whose names, in any of the site's languages, hold
    these words (a bilingual desk searches in either)."""
    words = words.strip().casefold()

    def read_as(key: str) -> Iterator[str]:
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                yield gettext(key).casefold()

    return [key for key in STAFF_GROUPS if words and any(words in name for name in read_as(key))]


def groups_as_read_order() -> OrderBy:
    """Groups in the alphabetical order of ``describe_group``'s names in the page's
    language, sorted by the database (for a queryset's ``order_by``)."""
    as_read = Case(
        *(When(name=key, then=Value(gettext(key))) for key in sorted(STAFF_GROUPS)),
        default=F("name"),
        output_field=CharField(),
    )
    return as_read.asc()

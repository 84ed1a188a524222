"""The third-party apps' pages in the back office read in the staff member's language:
sign-in lockouts (django-axes), authenticator apps (django-otp) and background tasks
(django-tasks), which ship no Spanish (clinic/third_party_wording.py)."""

import html
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from clinic import third_party_wording

pytestmark = pytest.mark.django_db

# What these pages showed in English on the Spanish back office before.
ENGLISH = (
    "Attempt Time",
    "IP Address",
    "User Agent",
    "Failed Logins",
    "Attempt Remaining",
    "Locked Out",
    "Form Data",
    "Meta Data",
    "Attempted Access",
    "Access Log for",
    "Failed access",
    "Access lock out",
    "Logout Time",
    "The user that this device belongs to",
    "Is this device ready for use",
    "human-readable",
    "Created at",
    "Last used at",
    "Task name",
    "Enqueued at",
    "Queue name",
    "Ready",
    "Running",
    "Successful",
    "Failed\n",
    "DBTaskResult object",
    "run after",
    "+00:00",
)


@pytest.fixture
def records(admin_user):
    """One of each record, as a bad morning at the front desk leaves them."""
    sign_in = {
        "username": "ana",
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0",
        "http_accept": "text/html",
        "path_info": "/admin/login/",
    }
    return {
        AccessAttempt: AccessAttempt.objects.create(
            **sign_in, failures_since_start=2, get_data="", post_data=""
        ),
        AccessLog: AccessLog.objects.create(**sign_in),
        AccessFailureLog: AccessFailureLog.objects.create(**sign_in, locked_out=True),
        TOTPDevice: TOTPDevice.objects.get(user=admin_user),
        DBTaskResult: DBTaskResult.objects.create(
            status="FAILED",
            args_kwargs={"args": [], "kwargs": {}},
            task_path="booking.notifications.send_email",
            backend_name="default",
            run_after=timezone.now(),
            exception_class_path="smtplib.SMTPException",
            traceback="Traceback (most recent call last): ...",
        ),
    }


def content_text(response) -> str:
    """The words of the page's content, one piece a line (no markup, no scripts)."""
    page = response.content.decode()
    page = page[page.index('<div id="content"') :]
    page = re.sub(r"(?s)<script.*?</script>|<[^>]+>", "\n", page)
    return "\n".join(line.strip() for line in html.unescape(page).splitlines() if line.strip())


def pages(record) -> list[str]:
    info = record._meta.app_label, record._meta.model_name
    return [
        reverse("admin:{}_{}_changelist".format(*info)),
        reverse("admin:{}_{}_change".format(*info), args=[record.pk]),
    ]


@pytest.mark.parametrize(
    "model", [AccessAttempt, AccessLog, AccessFailureLog, TOTPDevice, DBTaskResult]
)
def test_a_spanish_back_office_shows_these_pages_in_spanish(admin_client, records, model):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    for url in pages(records[model]):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        text = content_text(response) + "\n"

        assert [english for english in ENGLISH if english in text] == [], url


def test_sign_in_records_read_as_the_clinic_says_them(admin_client, records):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    attempts = content_text(admin_client.get(pages(records[AccessAttempt])[0]))
    failure = content_text(admin_client.get(pages(records[AccessFailureLog])[1]))
    task = content_text(admin_client.get(pages(records[DBTaskResult])[1]))

    assert "Hora del intento\nDirección IP\nNavegador (user agent)" in attempts
    assert "Le quedan 3 intentos" in attempts  # five allowed, two failed
    assert "Inicio de sesión fallido de «ana», " in failure
    assert " · bloqueado" in failure
    assert "send_email · Fallida" in task


def test_the_lockout_column_counts_in_english_too(admin_client, records):
    AccessAttempt.objects.filter(pk=records[AccessAttempt].pk).update(failures_since_start=4)
    text = content_text(admin_client.get(pages(records[AccessAttempt])[0]))

    assert "1 attempt left" in text
    AccessAttempt.objects.update(failures_since_start=settings.AXES_FAILURE_LIMIT)
    assert "Locked out" in content_text(admin_client.get(pages(records[AccessAttempt])[0]))


def test_a_device_page_explains_its_fields_in_the_clinics_words(admin_client, records):
    text = content_text(admin_client.get(pages(records[TOTPDevice])[1]))

    assert "Staff member:\n" in text
    assert "Only a confirmed device signs in." in text
    assert "When the device was enrolled." in text


def test_enrolling_a_device_reads_in_spanish(admin_client):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    text = content_text(admin_client.get(reverse("admin:otp_totp_totpdevice_add")))

    assert "El miembro del personal que inicia sesión con este dispositivo." in text
    assert "The user that this device belongs to" not in text


@pytest.mark.parametrize("text", third_party_wording.AXES + third_party_wording.TASKS)
def test_every_third_party_text_listed_has_its_spanish(text):
    """A text listed and left untranslated would show in English; a third-party upgrade
    that rewords one shows up in the page test above."""

    def read_in(language: str) -> str:
        with translation.override(language):
            return str(translation.gettext(text) if isinstance(text, str) else text)

    assert read_in("es") != read_in("en")


STAFF_GROUPS_IN_SPANISH = ("Recepción", "Personal clínico", "Edición de contenido", "Gerencia")


def test_the_migrations_make_the_staff_groups_named_there():
    assert set(Group.objects.values_list("name", flat=True)) >= third_party_wording.STAFF_GROUPS


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_staff_groups_read_in_the_staff_members_language(admin_client, admin_user, language):
    """The groups list, the users' list (its groups column and filter) and a staff
    member's groups: the four groups in the page's language; a group staff add, as
    they named it."""
    admin_user.groups.set([*Group.objects.all(), Group.objects.create(name="Limpieza")])
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = [
        reverse("admin:auth_group_changelist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[admin_user.pk]),
    ]
    spanish, english = STAFF_GROUPS_IN_SPANISH, sorted(third_party_wording.STAFF_GROUPS)
    shown, hidden = (spanish, english) if language == "es" else (english, spanish)
    for url in pages:
        text = content_text(admin_client.get(url))
        assert [name for name in (*shown, "Limpieza") if name not in text] == [], url
        assert [name for name in hidden if name in text] == [], url


@pytest.mark.parametrize(
    "language, in_order",
    [
        ("es", ["Edición de contenido", "Gerencia", "Personal clínico", "Recepción"]),
        ("en", ["Clinician", "Content editor", "Manager", "Reception"]),
    ],
)
def test_the_staff_groups_are_listed_in_the_order_of_their_names_as_read(
    admin_client, django_user_model, otp_login, language, in_order
):
    """The groups list, the users' filter and the groups to choose on a person's page,
    for a superuser and for a manager: alphabetical in the page's language."""
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    manager = django_user_model.objects.create_user("maria", is_staff=True)
    manager.groups.add(Group.objects.get(name="Manager"))
    clerk = django_user_model.objects.create_user("rosa", is_staff=True)

    def listed(response) -> list[str]:
        text = content_text(response)
        return sorted(in_order, key=text.index)

    assert listed(admin_client.get(reverse("admin:auth_group_changelist"))) == in_order
    users = admin_client.get(reverse("admin:auth_user_changelist"))
    filter_links = re.findall(r"\?groups__id__exact=\d+\">([^<]+)<", users.content.decode())
    assert [html.unescape(name) for name in filter_links] == in_order
    person = reverse("admin:auth_user_change", args=[clerk.pk])
    assert listed(admin_client.get(person)) == in_order

    # A manager chooses among the groups they may give, in the same order.
    as_manager = otp_login(Client(), manager)
    as_manager.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    form = as_manager.get(person).context["adminform"].form
    offered = [str(label) for _value, label in form.fields["groups"].choices]
    assert offered == sorted(offered, key=in_order.index)
    assert offered


def test_a_manager_reads_a_staff_group_by_its_name_in_their_language(django_user_model, otp_login):
    """A manager may read a group (what it may do), not rename it: its page shows the
    name in the page's language; the superuser's page has the key in its field."""
    manager = django_user_model.objects.create_user("maria", is_staff=True)
    manager.groups.add(Group.objects.get(name="Manager"))
    client = otp_login(Client(), manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    reception = Group.objects.get(name="Reception")

    text = content_text(client.get(reverse("admin:auth_group_change", args=[reception.pk])))

    assert "Recepción" in text
    assert "Reception" not in text


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_staff_group_is_found_by_its_name_in_either_language(admin_client, language):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    groups = reverse("admin:auth_group_changelist")

    def found(words: str) -> list[str]:
        return [g.name for g in admin_client.get(groups, {"q": words}).context["cl"].result_list]

    assert found("gerencia") == found("Manager") == ["Manager"]
    assert found("clínico") == ["Clinician"]
    assert found("nobody") == []


def test_the_staff_flag_reads_as_what_it_gives_in_spanish(admin_client, admin_user):
    """Django's own Spanish calls it "es staff" ("Por es staff" above the filter)."""
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    users = html.unescape(admin_client.get(reverse("admin:auth_user_changelist")).content.decode())
    person = admin_client.get(reverse("admin:auth_user_change", args=[admin_user.pk]))

    assert "Por acceso a la administración" in users
    assert "es staff" not in users.lower()
    assert "Acceso a la administración" in content_text(person)
    assert "es staff" not in content_text(person).lower()


@pytest.mark.parametrize(
    "language, shown, hidden",
    [
        (
            "es",
            ["Citas | cita | Puede modificar cita", "Puede ver cierre"],
            ["Can change", "Can view"],
        ),
        (
            "en",
            ["Appointments | appointment | Can change appointment", "Can view closure"],
            ["Puede"],
        ),
    ],
)
def test_a_manager_reads_what_a_group_may_do_in_their_language(
    django_user_model, otp_login, language, shown, hidden
):
    """Django stores its permissions' names in English ("Can change appointment") when
    migrate makes them; a group's page lists them in the page's language."""
    manager = django_user_model.objects.create_user("maria", is_staff=True)
    manager.groups.add(Group.objects.get(name="Manager"))
    client = otp_login(Client(), manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    reception = Group.objects.get(name="Reception")

    text = content_text(client.get(reverse("admin:auth_group_change", args=[reception.pk])))

    assert [words for words in shown if words not in text] == []
    assert [words for words in hidden if words in text] == []


def test_a_permission_a_model_declares_reads_in_its_declared_words():
    from django.contrib.auth.models import Permission

    declared = Permission.objects.get(codename="view_health_answers")

    with translation.override("es"):
        assert str(declared).endswith("| Puede ver las respuestas de salud de los pacientes")
    with translation.override("en"):
        assert str(declared).endswith("| Can see patients' screening answers")


def test_a_group_page_costs_the_same_queries_however_many_permissions_it_lists(
    django_user_model, otp_login
):
    """Each permission's content type comes from Django's content-type cache, not a query
    of its own (Django's own Permission.__str__ made one a permission)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = django_user_model.objects.create_user("maria", is_staff=True)
    manager.groups.add(Group.objects.get(name="Manager"))
    client = otp_login(Client(), manager)
    pages = {
        name: reverse("admin:auth_group_change", args=[Group.objects.get(name=name).pk])
        for name in ("Reception", "Manager")
    }
    for url in pages.values():
        client.get(url)  # the content types read once, as a running server has them

    counted = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counted[name] = len(queries)

    assert Group.objects.get(name="Manager").permissions.count() > 50
    assert counted["Manager"] == counted["Reception"], counted

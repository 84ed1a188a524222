"""The Manager group runs staff accounts, two-factor devices and lockouts, no superuser
needed, and cannot use that to make anyone (themselves included) more powerful."""

import html
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.clinic.test_staff_security import current_token, post_login
from tests.factories import TOTPDeviceFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
STRONG = "Quiet-harbour-lanterns-42"
USERS = "/admin/auth/user/"
DEVICES = "/admin/otp_totp/totpdevice/"
ATTEMPTS = "/admin/axes/accessattempt/"


@pytest.fixture
def manager_user():
    user = User.objects.create_user("maria", password=STRONG, is_staff=True, first_name="María")
    user.groups.add(Group.objects.get(name="Manager"))
    return user


@pytest.fixture
def manager(client, manager_user, otp_login):
    """A client signed in as the manager, with password and TOTP."""
    return otp_login(client, manager_user)


@pytest.fixture
def receptionist():
    user = User.objects.create_user(
        "rosa", password=STRONG, is_staff=True, first_name="Rosa", last_name="Díaz"
    )
    user.groups.add(Group.objects.get(name="Reception"))
    return user


@pytest.fixture
def superuser():
    return User.objects.create_superuser("root", "root@clinic.example", STRONG)


def group(name: str) -> Group:
    return Group.objects.get(name=name)


def permission(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def change_form_data(client, url: str, **changes) -> dict:
    """What the change form at `url` posts back unchanged, with `changes` applied."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled or value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[name] = str(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def errors_of(response) -> str:
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return " ".join(str(e) for e in form.non_field_errors()) + " " + str(form.errors)


def new_account_data(**changes) -> dict:
    data = {
        "username": "lucia",
        "usable_password": "true",
        "password1": STRONG,
        "password2": STRONG,
        "first_name": "Lucía",
        "last_name": "Soto",
        "email": "lucia@clinic.example",
        "is_staff": "on",
    }
    data.update(changes)
    return data


# --- what the migration grants -----------------------------------------------------------


def test_the_manager_group_administers_staff_but_not_groups_or_superusers():
    granted = {
        f"{app}.{codename}"
        for app, codename in group("Manager").permissions.values_list(
            "content_type__app_label", "codename"
        )
    }

    assert {
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "auth.view_group",
        "otp_totp.add_totpdevice",
        "otp_totp.delete_totpdevice",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
    } <= granted
    assert not {"auth.add_group", "auth.change_group", "auth.delete_group"} & granted
    assert not {"auth.delete_user", "auth.add_permission", "auth.change_permission"} & granted


def test_the_migration_is_reversible():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("booking.migrations.0009_manager_administers_staff")
    migration.revoke_from_manager(apps, None)
    assert not group("Manager").permissions.filter(codename="change_user").exists()
    migration.grant_to_manager(apps, None)
    assert group("Manager").permissions.filter(codename="change_user").exists()


def test_the_manager_sees_accounts_devices_and_lockouts(manager):
    page = manager.get("/admin/").content.decode()

    for url in (USERS, DEVICES, ATTEMPTS, "/admin/auth/group/"):
        assert f'href="{url}"' in page
    assert "Two-factor sign-in" in page
    assert "Sign-in lockouts" in page


def test_the_manager_reads_the_third_party_records_in_spanish_too(manager):
    english = manager.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = manager.get("/admin/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    for name in ("TOTP devices", "Access attempts", "Access failures", "Access logs"):
        assert name in english
        assert name not in spanish
    for name in (
        "Dispositivos TOTP",
        "Intentos de inicio de sesión",
        "Inicios de sesión fallidos",
        "Registros de inicio de sesión",
    ):
        assert name in spanish


# --- daily work ---------------------------------------------------------------------------


def test_a_manager_creates_a_receptionist_in_reception(manager):
    response = manager.post(USERS + "add/", new_account_data(groups=[group("Reception").pk]))

    assert response.status_code == 302, errors_of(response)
    lucia = User.objects.get(username="lucia")
    assert lucia.check_password(STRONG)
    assert lucia.is_staff and lucia.is_active and not lucia.is_superuser
    assert list(lucia.groups.values_list("name", flat=True)) == ["Reception"]
    assert not lucia.user_permissions.exists()
    assert lucia.has_perm("booking.view_appointment")
    assert not lucia.has_perm("booking.view_health_answers")


def test_a_new_accounts_password_must_meet_the_validators(manager):
    response = manager.post(
        USERS + "add/", new_account_data(password1="lucia2024", password2="lucia2024")
    )

    assert "too short" in errors_of(response)
    assert not User.objects.filter(username="lucia").exists()


def test_a_manager_moves_someone_to_another_group_and_deactivates_them(manager, receptionist):
    url = f"{USERS}{receptionist.pk}/change/"
    data = change_form_data(manager, url, groups=[str(group("Clinician").pk)], is_active=None)

    response = manager.post(url, data)

    assert response.status_code == 302, errors_of(response)
    receptionist.refresh_from_db()
    assert not receptionist.is_active
    assert list(receptionist.groups.values_list("name", flat=True)) == ["Clinician"]


def test_a_manager_resets_a_password(manager, receptionist):
    new = "Another-long-passphrase-77"
    response = manager.post(
        f"{USERS}{receptionist.pk}/password/",
        {"usable_password": "true", "password1": new, "password2": new},
    )

    assert response.status_code == 302
    receptionist.refresh_from_db()
    assert receptionist.check_password(new)


def test_a_manager_enrols_a_device_and_sees_its_qr_code_once(manager, receptionist):
    response = manager.post(DEVICES + "add/", {"user": receptionist.pk, "name": "Rosa's phone"})

    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=receptionist)
    assert device.confirmed and device.name == "Rosa's phone"
    page = response.content.decode()
    assert html.escape(device.config_url) in page
    assert 'src="data:image/svg+xml;base64,' in page
    assert "no-store" in response["Cache-Control"]
    # Later the secret is never shown again.
    later = manager.get(f"{DEVICES}{device.pk}/change/").content.decode()
    secret = re.search(r"secret=([A-Z2-7]+)", device.config_url).group(1)
    assert secret not in later and device.key not in later
    # And the receptionist signs in with the app they just set up.
    assert post_login(Client(), "rosa", STRONG, current_token(device)).status_code == 302


def test_the_account_page_links_to_enrolment(manager, receptionist):
    page = manager.get(f"{USERS}{receptionist.pk}/change/").content.decode()

    assert "Not enrolled: this person cannot sign in to the back office yet." in page
    assert f'href="{DEVICES}add/?user={receptionist.pk}"' in page
    form = manager.get(f"{DEVICES}add/?user={receptionist.pk}").context["adminform"].form
    assert str(form["user"].value()) == str(receptionist.pk)


def test_replacing_a_lost_phone_needs_the_tick_and_retires_the_old_device(manager, receptionist):
    old = TOTPDeviceFactory(user=receptionist, name="old phone")

    response = manager.post(DEVICES + "add/", {"user": receptionist.pk, "name": "new phone"})
    assert "already has a device" in errors_of(response)
    assert list(TOTPDevice.objects.filter(user=receptionist)) == [old]

    response = manager.post(
        DEVICES + "add/", {"user": receptionist.pk, "name": "new phone", "replace": "on"}
    )
    assert response.status_code == 200
    assert list(TOTPDevice.objects.filter(user=receptionist).values_list("name", flat=True)) == [
        "new phone"
    ]


def test_a_manager_lifts_a_lockout(manager, receptionist, settings):
    settings.AXES_ENABLED = True
    device = TOTPDeviceFactory(user=receptionist)
    rosa = Client()
    for attempt in range(5):
        post_login(rosa, "rosa", f"wrong-{attempt}")
    assert post_login(rosa, "rosa", STRONG, current_token(device)).status_code == 429

    attempts = AccessAttempt.objects.filter(username="rosa")
    response = manager.post(
        ATTEMPTS,
        {"action": "lift_lockout", "_selected_action": [a.pk for a in attempts]},
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="rosa").exists()
    rosa = Client()
    assert post_login(rosa, "rosa", STRONG, current_token(device)).status_code == 302
    assert rosa.get("/admin/").status_code == 200


# --- and no way up -----------------------------------------------------------------------


def test_a_crafted_post_cannot_make_someone_a_superuser(manager, receptionist):
    url = f"{USERS}{receptionist.pk}/change/"
    data = change_form_data(manager, url, is_superuser="on", first_name="Changed")

    response = manager.post(url, data)

    assert "Only a superuser can make someone a superuser" in errors_of(response)
    receptionist.refresh_from_db()
    assert not receptionist.is_superuser
    assert receptionist.first_name == "Rosa"


def test_a_manager_cannot_make_themselves_a_superuser(manager, manager_user):
    url = f"{USERS}{manager_user.pk}/change/"

    response = manager.post(url, change_form_data(manager, url, is_superuser="on"))

    assert "Only a superuser" in errors_of(response)
    manager_user.refresh_from_db()
    assert not manager_user.is_superuser


def test_a_new_account_cannot_be_created_as_a_superuser(manager):
    response = manager.post(USERS + "add/", new_account_data(is_superuser="on"))

    assert "Only a superuser" in errors_of(response)
    assert not User.objects.filter(username="lucia").exists()


def test_a_crafted_post_cannot_give_individual_permissions(manager, receptionist, manager_user):
    powerful = permission("auth.change_group")
    for target in (receptionist, manager_user):
        url = f"{USERS}{target.pk}/change/"
        data = change_form_data(manager, url, user_permissions=[str(powerful.pk)])

        response = manager.post(url, data)

        assert "give individual permissions" in errors_of(response)
        assert not target.user_permissions.exists()


def test_a_manager_cannot_edit_a_superusers_account(manager, superuser):
    url = f"{USERS}{superuser.pk}/change/"
    page = manager.get(url)
    assert page.status_code == 200  # read-only
    assert superuser.password not in page.content.decode()
    before = User.objects.values().get(pk=superuser.pk)

    assert manager.post(url, {"username": "root", "email": "me@evil.example"}).status_code == 403
    response = manager.post(
        f"{USERS}{superuser.pk}/password/",
        {"usable_password": "true", "password1": "Taken-over-42-x", "password2": "Taken-over-42-x"},
    )
    assert response.status_code == 403
    assert manager.get(f"{USERS}{superuser.pk}/password/").status_code == 403
    assert User.objects.values().get(pk=superuser.pk) == before


def test_a_manager_cannot_enrol_or_remove_a_superusers_device(manager, superuser):
    theirs = TOTPDeviceFactory(user=superuser, name="root's phone")

    response = manager.post(
        DEVICES + "add/", {"user": superuser.pk, "name": "mine now", "replace": "on"}
    )
    assert "Select a valid choice" in errors_of(response)
    assert manager.get(DEVICES).content.decode().count("root's phone") == 0
    manager.post(f"{DEVICES}{theirs.pk}/delete/", {"post": "yes"})
    manager.post(
        DEVICES, {"action": "delete_selected", "_selected_action": [theirs.pk], "post": "yes"}
    )

    assert list(TOTPDevice.objects.filter(user=superuser)) == [theirs]


def test_a_manager_cannot_change_any_groups_permissions(manager):
    managers = group("Manager")
    before = set(managers.permissions.values_list("pk", flat=True))
    everything = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]

    url = f"/admin/auth/group/{managers.pk}/change/"
    assert manager.get(url).status_code == 200  # they may read what each group can do
    assert manager.post(url, {"name": "Manager", "permissions": everything}).status_code == 403
    response = manager.post("/admin/auth/group/add/", {"name": "Root", "permissions": everything})
    assert response.status_code == 403

    assert set(managers.permissions.values_list("pk", flat=True)) == before
    assert not Group.objects.filter(name="Root").exists()


def test_a_manager_cannot_hand_out_a_group_more_powerful_than_theirs(manager, receptionist):
    it = Group.objects.create(name="IT")
    it.permissions.add(permission("auth.change_group"))
    url = f"{USERS}{receptionist.pk}/change/"
    data = change_form_data(manager, url, groups=[str(it.pk)])

    response = manager.post(url, data)

    assert "Select a valid choice" in errors_of(response)
    assert list(receptionist.groups.values_list("name", flat=True)) == ["Reception"]
    for account in ({"username": "x1"}, {"username": "x2", "groups": [it.pk]}):
        manager.post(USERS + "add/", new_account_data(**account))
    assert not User.objects.filter(groups=it).exists()


def test_a_manager_cannot_take_over_an_account_that_can_do_more(manager, receptionist):
    receptionist.user_permissions.add(permission("auth.change_group"))
    new = "Taken-over-passphrase-42"

    response = manager.post(
        f"{USERS}{receptionist.pk}/password/",
        {"usable_password": "true", "password1": new, "password2": new},
    )

    assert response.status_code == 403
    receptionist.refresh_from_db()
    assert receptionist.check_password(STRONG)


def test_only_the_manager_administers_staff(client, otp_login, receptionist):
    otp_login(client, receptionist)

    assert client.get(USERS).status_code == 403
    assert client.get(DEVICES).status_code == 403
    assert client.get(ATTEMPTS).status_code == 403

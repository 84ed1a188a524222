"""The admin's navigation sidebar is Django's app list, rendered once for each thing it
can show (clinic/templatetags/admin_sidebar.py): the same markup on every page, the
right model marked current, each staff member's own permissions, both languages."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.urls import reverse

from clinic.templatetags import admin_sidebar

pytestmark = pytest.mark.django_db

BOOK = reverse("admin:booking_appointment_changelist")
CLOSURES = reverse("admin:booking_closure_changelist")


def staff(name: str, group: str):
    user = get_user_model().objects.create_user(name, password="not-used-3j9f", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def djangos_sidebar(response) -> str:
    """What Django's own nav_sidebar.html includes for this page."""
    return render_to_string(
        "admin/app_list.html",
        {
            "app_list": response.context["available_apps"],
            "show_changelinks": False,
            "request": response.wsgi_request,
        },
    )


@pytest.fixture(autouse=True)
def nothing_kept():
    admin_sidebar.RENDERED.clear()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("who", ["superuser", "Reception", "Clinician"])
def test_the_sidebar_is_the_one_django_writes(who, language, client, admin_user, otp_login):
    otp_login(client, admin_user if who == "superuser" else staff(who.lower(), who))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    for page in (BOOK, CLOSURES, BOOK, CLOSURES):  # rendered, then kept
        response = client.get(page)
        body = response.content.decode()
        assert djangos_sidebar(response) in body
        assert body.count('aria-current="page"') == 1
        assert f'<a href="{page}" aria-current="page">' in body


def test_staff_with_the_same_permissions_share_one_rendering_and_others_get_their_own(
    client, otp_login
):
    otp_login(client, staff("ana", "Reception"))
    client.get(BOOK)
    otp_login(client, staff("luis", "Reception"))
    client.get(BOOK)
    assert len(admin_sidebar.RENDERED) == 1

    otp_login(client, staff("marta", "Clinician"))  # the review queue too
    response = client.get(BOOK)
    assert len(admin_sidebar.RENDERED) == 2
    assert reverse("admin:booking_appointmentrequest_changelist") in djangos_sidebar(response)
    assert djangos_sidebar(response) in response.content.decode()


def test_the_home_page_works_out_the_apps_once(client, admin_user, otp_login, monkeypatch):
    from clinic.admin_site import ClinicAdminSite

    otp_login(client, admin_user)
    calls = []
    real = ClinicAdminSite._build_app_dict
    monkeypatch.setattr(
        ClinicAdminSite,
        "_build_app_dict",
        lambda self, *a, **k: calls.append(a) or real(self, *a, **k),
    )
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Appointments" in response.text
    assert len(calls) == 1

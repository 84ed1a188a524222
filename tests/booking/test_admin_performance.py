"""The appointment list receptionists keep open all day: at most 10 queries whatever the rows.

Issue 5's budget: 100 rows a page, ≤ 10 SQL queries, the same number for 5, 100 or 150
appointments (so it is the same for 50,000; `make bench` measures that size).
"""

import datetime as dt
import re
import time

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from booking.models import Appointment, Status
from tests.factories import TIJUANA, AppointmentFactory, PractitionerFactory

CHANGELIST = reverse("admin:booking_appointment_changelist")
BUDGET = 10

pytestmark = pytest.mark.django_db


def add_appointments(treatment, practitioners, count: int) -> None:
    """`count` more appointments, spread over practitioners, days and statuses."""
    already = Appointment.objects.count()
    start = dt.datetime(2027, 2, 1, 9, 0, tzinfo=TIJUANA)
    statuses = [Status.CONFIRMED, Status.REQUESTED, Status.COMPLETED, Status.CANCELLED]
    for n in range(already, already + count):
        AppointmentFactory(
            treatment=treatment,
            practitioner=practitioners[n % len(practitioners)],
            starts_at=start + dt.timedelta(days=n // 4, hours=2 * (n % 4)),
            status=statuses[n % len(statuses)],
            patient_name=f"Patient {n}",
            patient_email=f"patient{n}@example.com",
        )


def changelist_queries(client, params=None) -> tuple[list[str], int, float]:
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, params or {})
    elapsed = time.perf_counter() - began
    assert response.status_code == 200
    return (
        [q["sql"] for q in queries.captured_queries],
        len(response.context["cl"].result_list),
        elapsed,
    )


@pytest.fixture
def practitioners(treatment, practitioner):
    others = [
        PractitionerFactory(name=f"Dr. Other {i}", treatments=[treatment], hours=[])
        for i in range(3)
    ]
    return [practitioner, *others]


@pytest.mark.parametrize("who", ["superuser", "reception"])
def test_the_appointment_list_costs_the_same_few_queries_for_5_100_and_150_rows(
    who, client, admin_user, staff_member, otp_login, clinic_profile, treatment, practitioners
):
    user = admin_user if who == "superuser" else staff_member("Reception")
    otp_login(client, user)
    everything = {"status": "all"}
    client.get(CHANGELIST)  # warm the caches (clinic profile, content types)

    counts = {}
    for total in (5, 100, 150):
        add_appointments(treatment, practitioners, total - Appointment.objects.count())
        for params in (None, everything, {"when": "upcoming"}):
            sql, rows, seconds = changelist_queries(client, params)
            counts[(total, str(params))] = len(sql)
            assert len(sql) <= BUDGET, "\n".join(sql)
            assert seconds < 5
        _sql, rows, _seconds = changelist_queries(client, everything)
        assert rows == min(total, 100)  # 100 rows a page

    by_filter = {}
    for (_total, params), count in counts.items():
        by_filter.setdefault(params, set()).add(count)
    assert all(len(found) == 1 for found in by_filter.values()), counts


def test_the_receptionists_tools_are_still_there(
    client, staff_member, otp_login, clinic_profile, treatment, practitioners
):
    otp_login(client, staff_member("Reception"))
    add_appointments(treatment, practitioners, 5)
    page = client.get(CHANGELIST)
    body = page.content.decode()
    assert "?when=today" in body  # today's schedule, one click
    assert "when=tomorrow" in body and "when=week" in body  # the date filter
    assert "status=all" in body
    assert 'class="toplinks"' in body and "starts_at__" in body  # the date hierarchy
    link = re.search(r'href="(\?starts_at__[^"]+)"', body).group(1).replace("&amp;", "&")
    drilled = client.get(CHANGELIST + link)
    assert drilled.status_code == 200
    assert drilled.context["cl"].result_count == 5
    for practitioner in practitioners:
        assert f"practitioner__id__exact={practitioner.pk}" in body


def test_the_date_hierarchy_offers_every_year_from_the_first_appointment_to_the_last(
    client, admin_user, otp_login, clinic_profile, treatment, practitioner
):
    """Its years come from the first and last start (one MIN/MAX the index answers), not
    from reading the year of every appointment."""
    otp_login(client, admin_user)
    for year in (2026, 2028):
        AppointmentFactory(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=dt.datetime(year, 12, 31, 23, 30, tzinfo=TIJUANA),  # UTC says next year
            status=Status.COMPLETED,
        )

    with CaptureQueriesContext(connection) as queries:
        body = client.get(CHANGELIST).content.decode()

    years = re.findall(r'href="\?starts_at__year=(\d+)"', body)
    assert years == ["2026", "2027", "2028"]
    assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"]]
    drilled = client.get(CHANGELIST, {"starts_at__year": "2028"})
    assert drilled.context["cl"].result_count == 1
    months = client.get(CHANGELIST, {"starts_at__year": "2028"}).content.decode()
    assert "starts_at__month=12" in months  # Django's own levels below the years


def test_each_row_has_the_checkbox_django_writes_for_actions(
    client, admin_user, otp_login, clinic_profile, treatment, practitioner
):
    otp_login(client, admin_user)
    appointment = AppointmentFactory(treatment=treatment, practitioner=practitioner)

    response = client.get(CHANGELIST)

    with translation.override(response.headers["Content-Language"]):
        djangos = admin.ModelAdmin.action_checkbox(
            admin.site.get_model_admin(Appointment), appointment
        )
    assert f'<td class="action-checkbox">{djangos}</td>' in response.content.decode()


def test_the_book_opens_on_today_and_what_follows_and_a_search_finds_every_date(
    client, admin_user, otp_login, clinic_profile, treatment, practitioner
):
    """The desk opens the book on today's visits and the ones after, not on the clinic's
    first visit (oldest first); its count is then one the starts_at index answers. A
    search, a year of the date hierarchy, "Past" and "Any date" reach the earlier ones."""
    otp_login(client, admin_user)
    now = timezone.localtime(timezone.now(), TIJUANA)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    visits = {
        "last year": (now - dt.timedelta(days=400), Status.COMPLETED),
        "yesterday": (now - dt.timedelta(days=1), Status.COMPLETED),
        "earlier today": (max(midnight, now - dt.timedelta(minutes=1)), Status.COMPLETED),
        "next week": (now + dt.timedelta(days=7), Status.CONFIRMED),
    }
    for name, (starts_at, status) in visits.items():
        AppointmentFactory(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=starts_at,
            status=status,
            patient_name=f"Ana {name}",
        )

    def listed(params=None) -> set[str]:
        response = client.get(CHANGELIST, params or {})
        assert response.status_code == 200
        return {row.patient_name.removeprefix("Ana ") for row in response.context["cl"].result_list}

    with CaptureQueriesContext(connection) as queries:
        page = client.get(CHANGELIST)
    assert {row.patient_name for row in page.context["cl"].result_list} == {
        "Ana earlier today",
        "Ana next week",
    }
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert counts and all('"starts_at" >=' in sql for sql in counts), counts
    body = page.content.decode()
    assert re.search(r'<li class="selected">\s*<a href="\?"[^>]*>From today on</a>', body)
    assert f"starts_at__year={visits['last year'][0].year}" in body  # earlier years offered

    assert listed({"when": "all"}) == set(visits)
    assert listed({"when": "past"}) == {"last year", "yesterday", "earlier today"}
    assert listed({"when": "upcoming"}) == {"earlier today", "next week"}  # older links
    assert listed({"q": "Ana last"}) == {"last year"}  # a patient's past visits are found
    assert listed({"starts_at__year": visits["last year"][0].year}) == {"last year"}
    searched = client.get(CHANGELIST, {"q": "Ana"}).content.decode()
    assert re.search(
        r'<li class="selected">\s*<a href="\?[^"]*when=all[^"]*"[^>]*>Any date', searched
    )


def test_show_all_beside_the_search_shows_every_date(
    client, admin_user, otp_login, clinic_profile, treatment, practitioner
):
    """Django's "Show all" link clears the search and filters; without any the book
    shows today on, so the link asks for every date."""
    otp_login(client, admin_user)
    AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=timezone.now() - dt.timedelta(days=30),
        status=Status.COMPLETED,
    )
    body = client.get(CHANGELIST, {"q": "nobody"}).content.decode()
    link = re.search(r'\(<a href="([^"]+)">Show all</a>\)', body).group(1)
    assert link == "?when=all"
    assert client.get(CHANGELIST + link).context["cl"].result_count == 1


def test_show_counts_counts_the_status_and_when_choices_too(
    client, admin_user, otp_login, clinic_profile, treatment, practitioner
):
    """Django's "Show counts" (facets) puts a count beside each choice of every filter:
    beside the book's own defaults and lookups too, each counted with the other filters
    in force."""
    otp_login(client, admin_user)
    now = timezone.now()
    for days, status in [(-30, Status.COMPLETED), (3, Status.CONFIRMED), (4, Status.HELD)]:
        AppointmentFactory(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=now + dt.timedelta(days=days),
            status=status,
        )

    def choices(params: dict) -> dict[str, list[str]]:
        page = client.get(CHANGELIST, {"_facets": "True", **params})
        return {
            str(spec.title): [str(choice["display"]) for choice in spec.choices(page.context["cl"])]
            for spec in page.context["cl"].filter_specs
            if spec.parameter_name in ("status", "when")
        }

    shown = choices({})
    assert shown["status"][:2] == ["Booked (without holds) (1)", "Everything, holds included (2)"]
    assert "Held (booking in progress) (1)" in shown["status"]
    assert "Completed (0)" in shown["status"]  # last month's: not from today on
    assert shown["when"][:1] == ["From today on (1)"]  # booked, today on
    assert "Any date (2)" in shown["when"] and "Past (1)" in shown["when"]

    everything = choices({"status": "all"})
    assert everything["when"][:1] == ["From today on (2)"]  # the hold counted too
    assert choices({"when": "all"})["status"][:1] == ["Booked (without holds) (2)"]
    assert "Completed (1)" in choices({"when": "all"})["status"]

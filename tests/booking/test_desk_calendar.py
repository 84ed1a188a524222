"""The front desk's day and week calendar (booking/admin/calendar.py, booking/day_sheet.py)."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking import day_sheet
from booking.models import Status
from tests.booking.conftest import SECRET_INSTRUCTIONS
from tests.factories import TIJUANA, AppointmentFactory, ClosureFactory, PractitionerFactory

CALENDAR = reverse("admin:booking_appointment_calendar")
# Monday 4 January 2027 (tests/clock.py: 08:40 in Tijuana).
MONDAY = dt.date(2027, 1, 4)
# The session, the user, their two-factor device and permissions (4), then the calendar:
# treatments, practitioners, working hours, closures, visits with their treatment (5).
WEEK_BUDGET = 9

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TIJUANA)


@pytest.fixture
def reception(client, staff_member, otp_login):
    return otp_login(client, staff_member("Reception"))


@pytest.fixture
def tuesday_visit(confirmed_appointment):
    """Jane Doe, confirmed Tuesday 12 January 2027, 10:00–11:00, with health instructions."""
    return confirmed_appointment


def test_day_view_shows_the_visit_with_its_time_patient_treatment_and_status(
    reception, tuesday_visit
):
    response = reception.get(CALENDAR, {"date": "2027-01-12"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "10:00–11:00" in html
    assert "Jane Doe" in html
    assert tuesday_visit.treatment.name in html
    assert "Confirmed" in html
    assert reverse("admin:booking_appointment_change", args=[tuesday_visit.pk]) in html
    assert "10:00:00" not in html
    # Reception never sees health data here.
    assert SECRET_INSTRUCTIONS not in html
    assert "ibuprofen" not in html


def test_breaks_closures_and_hours_are_shown(reception, tuesday_visit, practitioner):
    ClosureFactory(
        practitioner=practitioner,
        starts_at=at(dt.date(2027, 1, 12), 15),
        ends_at=at(dt.date(2027, 1, 12), 17),
        reason="Training course",
    )

    html = reception.get(CALENDAR, {"date": "2027-01-12"}).content.decode()

    assert "09:00–13:00, 14:00–18:00" in html  # working hours
    assert "13:00–14:00</span> Break" in html
    assert "15:00–17:00</span> Closed: Training course" in html


def test_each_status_is_written_out(reception, treatment, practitioner, clinic_profile):
    day = dt.date(2027, 1, 12)
    for hour, status, extra in [
        (9, Status.REQUESTED, {}),
        (11, Status.COMPLETED, {}),
        (14, Status.NO_SHOW, {}),
        (16, Status.CANCELLED, {}),
    ]:
        AppointmentFactory(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=at(day, hour),
            status=status,
            patient_name=f"Patient {status}",
            **extra,
        )
    AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=at(day, 17),
        held=True,
        patient_name="Patient held",
    )

    html = reception.get(CALENDAR, {"date": "2027-01-12"}).content.decode()

    for css, label in [
        ("requested", "Requested"),
        ("completed", "Completed"),
        ("no_show", "No-show"),
    ]:
        assert f"desk-status--{css}" in html
        assert label in html
    assert "Patient cancelled" not in html  # cancelled visits free their time
    # The hold (10 minutes from now) is still keeping its time.
    assert "desk-status--held" in html and "Held" in html


def test_free_times_lead_to_the_staff_booking_page_in_clinic_time(
    reception, tuesday_visit, treatment, practitioner
):
    response = reception.get(CALENDAR, {"date": "2027-01-12"})

    column = response.context["rows"][0][1][0]
    free = [entry for entry in column.entries if entry.kind == day_sheet.Kind.FREE]
    starts = [start for entry in free for start, _ in entry.starts]
    # One-hour visits: 10:00 is taken with its buffer after it; 12:30 would end after 13:00.
    day = dt.date(2027, 1, 12)
    assert tuesday_visit.occupied_until > at(day, 11)
    assert at(day, 10) not in starts and at(day, 11) not in starts
    assert at(day, 11, 30) in starts and at(day, 12) in starts
    assert at(day, 12, 30) not in starts
    url = next(url for entry in free for start, url in entry.starts if start == at(day, 12))
    parts = urlsplit(url)
    assert parts.path == reverse("admin:booking_appointment_add")
    assert parse_qs(parts.query) == {
        "treatment": [str(treatment.pk)],
        "practitioner": [str(practitioner.pk)],
        "start": ["2027-01-12T12:00"],
    }
    assert url.replace("&", "&amp;") in response.content.decode()


def test_today_marks_now(reception, practitioner, clinic_profile):
    assert "Now 08:40" in reception.get(CALENDAR).content.decode()


def test_free_times_are_those_the_booking_page_offers(reception, practitioner, clinic_profile):
    """The minimum notice (24 hours) and the horizon (60 days), as on the staff booking page."""
    monday = reception.get(CALENDAR).content.decode()
    tuesday = reception.get(CALENDAR, {"date": "2027-01-05"}).content.decode()
    beyond = reception.get(CALENDAR, {"date": "2027-03-08"}).content.decode()

    assert "start=2027-01-04T" not in monday
    assert "start=2027-01-05T09%3A00" in tuesday
    assert "Free" in tuesday
    assert "start=2027-03-08T" not in beyond


def test_with_no_notice_past_times_are_still_not_offered(reception, practitioner, clinic_profile):
    from booking.models import BookingPolicy

    BookingPolicy.objects.update_or_create(pk=1, defaults={"minimum_notice_hours": 0})

    html = reception.get(CALENDAR).content.decode()

    assert "start=2027-01-04T08%3A30" not in html
    assert "start=2027-01-04T09%3A00" in html


def test_week_view_lists_days_by_practitioner_and_navigates(reception, tuesday_visit):
    response = reception.get(CALENDAR, {"date": "2027-01-13", "view": "week"})

    html = response.content.decode()
    assert response.context["days"][0] == dt.date(2027, 1, 11)
    assert response.context["days"][-1] == dt.date(2027, 1, 17)
    assert "Jane Doe" in html
    assert "date=2027-01-06" in response.context["previous_url"]
    assert "date=2027-01-20" in response.context["next_url"]
    assert "date=2027-01-04" in response.context["today_url"]


def test_one_practitioners_day(reception, tuesday_visit, treatment):
    other = PractitionerFactory(name="Dr. Luis Mora", treatments=[treatment])

    html = reception.get(
        CALENDAR, {"date": "2027-01-12", "practitioner": other.pk}
    ).content.decode()

    assert "Dr. Luis Mora" in html
    assert "Jane Doe" not in html


def test_unreadable_address_falls_back_to_today(reception, practitioner, clinic_profile):
    response = reception.get(
        CALENDAR, {"date": "next tuesday", "view": "month", "practitioner": "x"}
    )

    assert response.status_code == 200
    assert response.context["days"] == [MONDAY]
    assert "could not be read" in response.content.decode()


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01"])
def test_a_day_beyond_the_calendar_falls_back_to_today(reception, practitioner, date):
    response = reception.get(CALENDAR, {"date": date, "view": "week"})

    assert response.status_code == 200
    assert MONDAY in response.context["days"]


def test_printable_day_sheet_has_phone_and_end_time(reception, tuesday_visit):
    html = reception.get(CALENDAR, {"date": "2027-01-12", "print": "1"}).content.decode()

    assert 'class="desk-sheet"' in html
    assert "+1 619 555 0100" in html
    assert "<td>10:00</td><td>11:00</td>" in html


def test_times_stay_on_the_wall_clock_across_daylight_saving(reception, treatment, practitioner):
    # Sunday 14 March 2027: Tijuana's clocks go from 2:00 to 3:00.
    day = dt.date(2027, 3, 14)
    AppointmentFactory(
        treatment=treatment, practitioner=practitioner, starts_at=at(day, 10), patient_name="DST"
    )

    html = reception.get(CALENDAR, {"date": "2027-03-14"}).content.decode()

    assert "10:00–11:00" in html
    assert "09:00–13:00, 14:00–18:00" in html


def test_the_list_and_the_index_link_to_the_calendar(reception):
    changelist = reverse("admin:booking_appointment_changelist")
    assert CALENDAR in reception.get(changelist).content.decode()
    assert CALENDAR in reception.get(reverse("admin:index")).content.decode()


def test_staff_without_the_appointment_book_cannot_open_it(client, staff_member, otp_login):
    editor = otp_login(client, staff_member("Content editor"))

    assert editor.get(CALENDAR).status_code == 403


def fill_week(treatment, practitioners, hours: list[int]) -> None:
    """A visit at each of these hours, every day of the week of 12 January, for each."""
    for practitioner in practitioners:
        for day in day_sheet.week_of(dt.date(2027, 1, 12)):
            for hour in hours:
                AppointmentFactory(
                    treatment=treatment,
                    practitioner=practitioner,
                    starts_at=at(day, hour),
                    patient_name=f"Patient {practitioner.pk}-{day}-{hour}",
                )


def week_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CALENDAR, {"date": "2027-01-12", "view": "week"})
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_a_full_week_of_eight_practitioners_costs_the_same_few_queries(
    reception, treatment, clinic_profile, django_assert_max_num_queries
):
    practitioners = [
        PractitionerFactory(name=f"Dr. {n}", treatments=[treatment], position=n) for n in range(8)
    ]
    fill_week(treatment, practitioners[:2], hours=[16])
    reception.get(CALENDAR)  # the session, the clinic profile and the policy are cached once
    few = week_queries(reception)

    fill_week(treatment, practitioners, hours=[9, 11, 14])  # 8 × 7 × 3 more visits
    with django_assert_max_num_queries(WEEK_BUDGET):
        response = reception.get(CALENDAR, {"date": "2027-01-12", "view": "week"})
    assert response.content.decode().count("desk-entry--visit") == 8 * 7 * 3 + 2 * 7
    assert week_queries(reception) == few


# --- The pure layout ------------------------------------------------------------------


def test_breaks_are_the_gaps_between_working_hours():
    day = dt.date(2027, 1, 12)
    hours = [(dt.time(14), dt.time(18)), (dt.time(9), dt.time(13))]

    assert day_sheet.breaks(day, hours, TIJUANA) == [(at(day, 13), at(day, 14))]


def test_free_starts_are_grouped_in_runs():
    day = dt.date(2027, 1, 12)
    half_hour, hour = dt.timedelta(minutes=30), dt.timedelta(hours=1)
    starts = [at(day, 9), at(day, 9, 30), at(day, 11), at(day, 10)]

    runs = day_sheet.free_runs(starts, half_hour, hour)

    assert runs == [
        (at(day, 9), at(day, 11), (at(day, 9), at(day, 9, 30), at(day, 10))),
        (at(day, 11), at(day, 12), (at(day, 11),)),
    ]


def test_the_calendar_speaks_spanish(client, staff_member, otp_login, tuesday_visit):
    desk = otp_login(client, staff_member("Reception"))

    html = desk.get(
        CALENDAR, {"date": "2027-01-12"}, headers={"Accept-Language": "es"}
    ).content.decode()

    assert "Calendario" in html
    assert "13:00–14:00</span> Descanso" in html
    assert "Semana siguiente" not in html and "Día siguiente →" in html
    assert "Confirmada" in html


def test_a_column_cuts_long_closures_to_the_day_and_orders_everything():
    day = dt.date(2027, 1, 12)
    visit = type("Visit", (), {"starts_at": at(day, 10), "ends_at": at(day, 11)})()

    column = day_sheet.build_column(
        practitioner=None,
        day=day,
        tz=TIJUANA,
        hours=[(dt.time(9), dt.time(13)), (dt.time(14), dt.time(18))],
        closures=[(at(day, 15), at(day + dt.timedelta(days=3), 9), "Course")],
        visits=[visit],
        free_starts=[at(day, 11, 30), at(day, 12)],
        interval=dt.timedelta(minutes=30),
        duration=dt.timedelta(hours=1),
        now=at(day, 10, 30),
        book_url=lambda start: f"/book/{start:%H%M}",
    )

    assert [(entry.kind, entry.start, entry.end) for entry in column.entries] == [
        (day_sheet.Kind.VISIT, at(day, 10), at(day, 11)),
        (day_sheet.Kind.NOW, at(day, 10, 30), at(day, 10, 30)),
        (day_sheet.Kind.FREE, at(day, 11, 30), at(day, 13)),
        (day_sheet.Kind.BREAK, at(day, 13), at(day, 14)),
        (day_sheet.Kind.CLOSED, at(day, 15), at(day + dt.timedelta(days=1), 0)),
    ]
    assert column.entries[2].starts == (
        (at(day, 11, 30), "/book/1130"),
        (at(day, 12), "/book/1200"),
    )
    assert column.is_today and column.visits == [visit]


# --- What the page reads, and how it writes it -----------------------------------------


def test_a_visit_that_began_the_evening_before_is_shown_on_the_next_day(
    reception, treatment, practitioner, clinic_profile
):
    treatment.visit_minutes = 180
    treatment.save()
    AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=at(dt.date(2027, 1, 11), 22, 30),
        patient_name="Night owl",
    )

    html = reception.get(CALENDAR, {"date": "2027-01-12"}).content.decode()

    assert "Night owl" in html
    assert "22:30–01:30" in html


def test_no_visit_can_occupy_longer_than_the_calendar_looks_back():
    """The visits' query reads starts from LONGEST_OCCUPANCY before the days shown: a
    visit occupies its treatment's whole visit and buffer, each limited by its field."""
    from django.core.validators import MaxValueValidator

    from booking.models import LONGEST_OCCUPANCY
    from treatments.models import Treatment

    limits = [
        min(
            validator.limit_value
            for validator in Treatment._meta.get_field(name).validators
            if isinstance(validator, MaxValueValidator)
        )
        for name in ("visit_minutes", "buffer_minutes")
    ]

    assert dt.timedelta(minutes=sum(limits)) <= LONGEST_OCCUPANCY


def test_the_page_never_reads_health_data(reception, tuesday_visit):
    with CaptureQueriesContext(connection) as queries:
        for view in ("day", "week"):
            reception.get(CALENDAR, {"date": "2027-01-12", "view": view})
        reception.get(CALENDAR, {"date": "2027-01-12", "print": "1"})

    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "booking_appointment" in sql
    assert '"instructions"' not in sql
    assert '"clinical_note"' not in sql
    assert "booking_screening" not in sql


@pytest.mark.parametrize("view", ["day", "week"])
def test_names_and_reasons_are_escaped(reception, treatment, practitioner, clinic_profile, view):
    practitioner.name = "Dr. <i>Ana</i>"
    practitioner.save()
    AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=at(dt.date(2027, 1, 12), 10),
        patient_name="<b>Eve</b> & co",
    )
    ClosureFactory(
        practitioner=practitioner,
        starts_at=at(dt.date(2027, 1, 12), 15),
        ends_at=at(dt.date(2027, 1, 12), 16),
        reason="<script>x</script>",
    )

    html = reception.get(CALENDAR, {"date": "2027-01-12", "view": view}).content.decode()

    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; co" in html
    assert "Closed: &lt;script&gt;x&lt;/script&gt;" in html
    assert "Dr. &lt;i&gt;Ana&lt;/i&gt;" in html
    assert "<b>Eve" not in html and "<script>x" not in html and "<i>Ana" not in html


def test_free_time_links_are_the_staff_booking_pages_address():
    from django.utils.http import urlencode

    from booking.admin.calendar import add_urls

    start = at(dt.date(2027, 1, 5), 9, 30)
    expected = (
        reverse("admin:booking_appointment_add")
        + "?"
        + urlencode({"treatment": "3", "practitioner": "7", "start": "2027-01-05T09:30"})
    )

    assert add_urls(3, [7])[7](start) == expected

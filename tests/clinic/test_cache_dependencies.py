"""What each cached thing depends on is declared once (clinic/cache_versions.py), and
nothing it reads is missing from the declaration.

The guard: every cached public page is rendered and the calendar's free times worked out
from an empty cache, the tables their SQL reads are mapped to models, and each model must
be among those the cached thing declares. A page or a calendar that starts reading a new
model fails here until the model is declared.
"""

import dataclasses
import datetime as dt
import re
import types

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from booking import free_times, services
from booking.book_count import BOOK_VERSION
from booking.models import (
    Appointment,
    AppointmentRequest,
    BookingPolicy,
    Closure,
    Outcome,
    Practitioner,
    ScreeningQuestion,
    Status,
    WorkingHours,
)
from clinic import cache_versions, page_cache
from clinic.cache_versions import CacheVersion, layout_fingerprint, versions_reading
from clinic.checks import cache_dependencies, declaration_errors
from clinic.models import ClinicProfile
from tests.factories import (
    ClinicProfileFactory,
    FAQFactory,
    PrivacyNoticeFactory,
    SectionFactory,
    TreatmentFactory,
    TreatmentImageFactory,
)
from treatments.models import SectionKind

pytestmark = pytest.mark.django_db

# The URL arguments of each cached page that takes some, filled from `site` below.
PAGE_ARGUMENTS = {
    "treatments:detail": lambda site: {"slug": site.treatment.slug},
    "privacy_version": lambda site: {"version": 1},
}


@pytest.fixture
def site():
    """A row in every table a public page or the calendar could read."""
    ClinicProfileFactory()
    PrivacyNoticeFactory()
    BookingPolicy.load()
    treatment = TreatmentFactory(with_hero=True)
    SectionFactory(treatment=treatment, kind=SectionKind.RISKS)
    FAQFactory(treatment=treatment)
    TreatmentImageFactory(treatment=treatment)
    ScreeningQuestion.objects.create(
        treatment=treatment,
        text="Are you pregnant?",
        public_label="You are pregnant",
        outcome=Outcome.BLOCKS_BOOKING,
    )
    practitioner = Practitioner.objects.create(name="Dr. Ana Ruiz")
    practitioner.treatments.add(treatment)
    for weekday in range(7):
        WorkingHours.objects.create(
            practitioner=practitioner, weekday=weekday, starts_at=dt.time(9), ends_at=dt.time(17)
        )
    soon = timezone.now() + dt.timedelta(days=3)
    Closure.objects.create(starts_at=soon, ends_at=soon + dt.timedelta(hours=2), reason="Holiday")
    Appointment.objects.create(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=soon + dt.timedelta(days=1),
        ends_at=soon + dt.timedelta(days=1, hours=1),
        occupied_until=soon + dt.timedelta(days=1, hours=1, minutes=15),
        status=Status.CONFIRMED,
    )
    return types.SimpleNamespace(treatment=treatment, practitioner=practitioner)


# --- what is read --------------------------------------------------------------------------


def models_read(queries) -> set[str]:
    """The models whose tables these queries touch (a proxy's rows are its concrete
    model's; an automatic many-to-many table's are the model declaring the field)."""
    by_table = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        owner = model._meta.auto_created or model
        by_table[model._meta.db_table] = owner._meta.label_lower
    read = set()
    for query in queries:
        sql = query["sql"]
        for table, label in by_table.items():
            if f'"{table}"' in sql:
                read.add(label)
    return read


def undeclared(read: set[str], version: CacheVersion) -> set[str]:
    declared = {
        apps.get_model(label)._meta.concrete_model._meta.label_lower for label in version.depends_on
    }
    return read - declared


def cached_pages() -> list[tuple[str, CacheVersion]]:
    """(URL name, version) of every view wrapped in ``cache_public_page``."""
    found = []

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                version = getattr(pattern.callback, "cache_version", None)
                if version is not None:
                    found.append((f"{namespace}{pattern.name}", version))

    walk(get_resolver().url_patterns, "")
    return found


def render_afresh(url: str) -> list[dict]:
    cache.clear()  # nothing cached: the clinic profile and the policy are read too
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200, url
    assert response["X-Page-Cache"] == "miss", url  # rendered, and cacheable
    return queries.captured_queries


def test_every_public_page_is_found_and_cached():
    names = {name for name, _version in cached_pages()}

    assert {"home", "contact", "treatments:list", "treatments:detail"} <= names


def test_every_model_a_cached_page_reads_is_declared(site):
    for name, version in cached_pages():
        arguments = PAGE_ARGUMENTS[name](site) if name in PAGE_ARGUMENTS else {}
        read = models_read(render_afresh(reverse(name, kwargs=arguments)))

        assert "clinic.clinicprofile" in read  # the check really saw the page's queries
        assert not undeclared(read, version), (
            f"{name} reads {sorted(undeclared(read, version))}, which {version!r} does not "
            "declare: add them to its depends_on."
        )


def test_every_model_the_calendar_reads_is_declared(site):
    now = timezone.now()
    read = set()
    for practitioner_id in (None, site.practitioner.pk):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            slots = services.free_slots_for(
                site.treatment, practitioner_id=practitioner_id, now=now
            )
        assert slots
        read |= models_read(queries.captured_queries)

    assert {"booking.appointment", "booking.closure", "booking.workinghours"} <= read
    assert not undeclared(read, free_times.SCHEDULE_VERSION), (
        f"The calendar reads {sorted(undeclared(read, free_times.SCHEDULE_VERSION))}, which "
        "booking/free_times.py does not declare: add them to SCHEDULE_VERSION's depends_on."
    )


def test_every_appointment_field_the_calendar_reads_is_declared(site):
    """The calendar names the appointment fields it reads (``reads_only``): writes of
    the others leave it usable, so one it reads and does not name would go stale."""
    schedule = free_times.SCHEDULE_VERSION
    columns = set()
    for practitioner_id in (None, site.practitioner.pk):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            services.free_slots_for(
                site.treatment, practitioner_id=practitioner_id, now=timezone.now()
            )
        for query in queries.captured_queries:
            columns |= set(re.findall(r'"booking_appointment"\."(\w+)"', query["sql"]))

    assert {"starts_at", "occupied_until", "status"} <= columns  # the check saw the query
    columns.discard(Appointment._meta.pk.column)  # an appointment's id is never rewritten
    assert columns <= schedule.fields_read(Appointment), (
        f"The calendar reads {sorted(columns - schedule.fields_read(Appointment))} of an "
        "appointment, which SCHEDULE_VERSION's reads_only (booking/free_times.py) does not name."
    )


def test_writing_what_the_calendar_does_not_read_leaves_it_usable(site):
    """A patient's details, a note, a reminder sent: no free time moves. When or with whom
    an appointment takes time does; a save that does not say what it wrote might."""
    schedule = free_times.SCHEDULE_VERSION
    appointment = Appointment.objects.get()
    rows = Appointment.objects.filter(pk=appointment.pk)

    assert not changes_version(schedule, lambda: rows.update(patient_name="Ana", language="es"))
    appointment.desk_note = "Prefers mornings"
    assert not changes_version(schedule, lambda: appointment.save(update_fields=["desk_note"]))
    assert not changes_version(
        schedule, lambda: Appointment.objects.bulk_update([appointment], ["desk_note"])
    )

    assert changes_version(schedule, lambda: rows.update(status=Status.CANCELLED))
    assert changes_version(schedule, lambda: rows.update(practitioner_id=site.practitioner.pk))
    assert changes_version(schedule, lambda: appointment.save(update_fields=["starts_at"]))
    assert changes_version(schedule, appointment.save)


def test_reads_only_names_a_declared_model_and_its_columns():
    with pytest.raises(ValueError):
        CacheVersion(
            "test:k", depends_on=["booking.Closure"], reads_only={"booking.Appointment": ["status"]}
        )
    for names in (["statuss"], ["changes"]):  # misspelt; a relation's other end, no column
        with pytest.raises((FieldDoesNotExist, ValueError)):
            CacheVersion(
                "test:k",
                depends_on=["booking.Appointment"],
                reads_only={"booking.Appointment": names},
            )
        cache_versions.DECLARED.pop()  # leave the registry as the product declares it
    assert set(versions_reading(Appointment)) == {BOOK_VERSION, free_times.SCHEDULE_VERSION}


def test_every_model_the_rota_reads_is_declared(site):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        services.free_slots_for(site.treatment, practitioner_id=None, now=timezone.now())
    rota = [
        q
        for q in queries.captured_queries
        if "booking_workinghours" in q["sql"] or "booking_closure" in q["sql"]
    ]
    read = models_read(rota)

    assert {"booking.workinghours", "booking.closure"} <= read
    assert not undeclared(read, free_times.ROTA_VERSION), (
        f"The rota reads {sorted(undeclared(read, free_times.ROTA_VERSION))}, which "
        "booking/free_times.py does not declare: add them to ROTA_VERSION's depends_on."
    )


def test_every_model_the_books_count_reads_is_declared(site, client, otp_login, admin_user):
    """The appointment book's counts, kept until an appointment changes
    (booking/book_count.py), with every filter and a search."""
    otp_login(client, admin_user)
    practitioner = Practitioner.objects.first()
    queue = {
        "practitioner__id__exact": practitioner.pk,
        "treatment__id__exact": site.treatment.pk,
        "q": "Jane",
    }
    book = {**queue, "when": "all", "status": Status.CONFIRMED, "recheck": "not_yet"}
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        for url, params in [
            ("admin:booking_appointment_changelist", book),
            ("admin:booking_appointmentrequest_changelist", queue),
        ]:
            assert client.get(reverse(url), params).status_code == 200
    counts = [q for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    read = models_read(counts)

    assert len(counts) == 2
    assert not undeclared(read, BOOK_VERSION), (
        f"The book's count reads {sorted(undeclared(read, BOOK_VERSION))}, which "
        "booking/book_count.py does not declare: add them to BOOK_VERSION's depends_on."
    )


def test_the_guard_names_a_model_that_is_read_but_not_declared(site):
    forgetful = types.SimpleNamespace(
        key="calendar-without-closures",
        depends_on=[m for m in free_times.SCHEDULE_VERSION.depends_on if m != "booking.Closure"],
    )
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        services.free_slots_for(site.treatment, practitioner_id=None, now=timezone.now())

    assert undeclared(models_read(queries.captured_queries), forgetful) == {"booking.closure"}


# --- every kind of write makes the cached things stale ---------------------------------------


def changes_version(version: CacheVersion, write) -> bool:
    before = version.current()
    write()
    return version.current() != before


def test_a_bulk_update_of_any_declared_model_makes_its_cache_stale(site):
    versions = (
        page_cache.CONTENT_VERSION,
        free_times.SCHEDULE_VERSION,
        free_times.ROTA_VERSION,
        BOOK_VERSION,
    )
    for version in versions:
        for label in version.depends_on:
            model = apps.get_model(label)
            # A field it reads (any, when it reads them all).
            name = (version.reads_only.get(label.lower()) or [model._meta.pk.name])[0]
            field = model._meta.get_field(name).attname
            rows = model._default_manager.all()
            assert rows.exists(), label

            assert changes_version(
                version, lambda rows=rows, field=field: rows.update(**{field: F(field)})
            ), label


def test_bulk_creates_deletes_and_links_make_the_calendar_stale(site):
    schedule = free_times.SCHEDULE_VERSION
    practitioner, treatment = site.practitioner, site.treatment
    day = timezone.now() + dt.timedelta(days=9)

    assert changes_version(
        schedule,
        lambda: Closure.objects.bulk_create(
            [Closure(starts_at=day, ends_at=day + dt.timedelta(hours=1))]
        ),
    )
    assert changes_version(schedule, lambda: Closure.objects.filter(starts_at=day).delete())
    assert changes_version(schedule, lambda: practitioner.treatments.remove(treatment))
    assert changes_version(schedule, lambda: treatment.practitioners.add(practitioner))
    request = AppointmentRequest.objects.get()  # a proxy sends signals of its own
    assert changes_version(schedule, lambda: request.save(update_fields=["status"]))
    assert changes_version(schedule, request.delete)


def test_a_write_that_changes_nothing_bumps_nothing(site):
    assert not changes_version(
        free_times.SCHEDULE_VERSION,
        lambda: Closure.objects.filter(reason="no such closure").update(reason="x"),
    )


def test_a_model_no_cache_reads_makes_nothing_stale(site):
    from booking.models import PatientEmail

    assert versions_reading(PatientEmail) == []
    assert set(versions_reading(AppointmentRequest)) == {
        BOOK_VERSION,
        free_times.SCHEDULE_VERSION,
    }


def test_declaring_a_proxy_covers_its_concrete_model(site):
    version = CacheVersion("test:proxy-declared", depends_on=["booking.AppointmentRequest"])
    try:
        assert version in versions_reading(Appointment)
        assert changes_version(version, lambda: Appointment.objects.update(patient_name="X"))
    finally:  # leave the registry as the product declares it
        cache_versions.DECLARED.remove(version)
        versions_reading(Appointment).remove(version)


def test_a_bulk_update_of_a_singleton_also_forgets_its_cached_row(site):
    assert ClinicProfile.load().name == "Clínica Rosa"  # cached

    ClinicProfile.objects.update(name="Clínica Azul")

    assert ClinicProfile.load().name == "Clínica Azul"


def test_the_system_check_refuses_a_declaration_it_cannot_keep():
    assert cache_dependencies(None) == []

    misspelt = types.SimpleNamespace(key="k", depends_on=["booking.Apointment"])
    # The outbox's manager is a plain one: its bulk writes would go unnoticed.
    plain = types.SimpleNamespace(key="k", depends_on=["booking.PatientEmail"])

    assert [error.id for error in declaration_errors(misspelt)] == ["clinic.E010"]
    assert [error.id for error in declaration_errors(plain)] == ["clinic.E011"]


# --- formats derive from the code ---------------------------------------------------------


def layout(name: str, fields: list) -> type:
    """A dataclass called ``name`` in this module: two of them differ only by their fields."""
    cls = dataclasses.make_dataclass(name, fields)
    cls.__module__, cls.__qualname__ = __name__, name
    return cls


def test_the_format_changes_with_the_layout_of_what_is_cached():
    inner = layout("Slot", [("start", dt.datetime)])
    first = layout_fingerprint(layout("Calendar", [("version", int), ("slots", list[inner])]))

    same = layout("Calendar", [("version", int), ("slots", list[inner])])
    renamed = layout("Calendar", [("version", int), ("times", list[inner])])
    retyped = layout("Calendar", [("version", str), ("slots", list[inner])])
    grown = layout("Slot", [("start", dt.datetime), ("end", dt.datetime)])
    inner_grown = layout("Calendar", [("version", int), ("slots", list[grown])])

    assert layout_fingerprint(same) == first  # stable from one release to the next
    assert layout_fingerprint(renamed) != first
    assert layout_fingerprint(retyped) != first
    # A class named inside a field's type is part of the layout too.
    assert layout_fingerprint(inner_grown) != first


def test_the_calendar_and_the_pages_are_stored_under_their_layouts_format(site):
    assert free_times.FORMAT == layout_fingerprint(free_times.Calendar)
    assert page_cache.FORMAT == layout_fingerprint(page_cache.StoredPage)

    services.free_slots_for(site.treatment, practitioner_id=None, now=timezone.now())
    name = f"booking:free-times:{free_times.FORMAT}:{site.treatment.pk}:any:-"
    assert isinstance(cache.get(name), free_times.Calendar)


def test_a_singletons_cache_key_changes_with_its_fields(monkeypatch):
    assert ClinicProfile.CACHE_KEY == (f"clinic.clinicprofile:{layout_fingerprint(ClinicProfile)}")
    before = layout_fingerprint(ClinicProfile)

    monkeypatch.setattr(
        ClinicProfile._meta, "concrete_fields", ClinicProfile._meta.concrete_fields[:-1]
    )

    assert layout_fingerprint(ClinicProfile) != before


def test_every_version_and_singleton_is_forgotten_after_a_redis_outage():
    from clinic.redis_cache import _AFTER_OUTAGE

    assert page_cache.VERSION_KEY in _AFTER_OUTAGE
    assert free_times.SCHEDULE_VERSION.key in _AFTER_OUTAGE
    assert free_times.ROTA_VERSION.key in _AFTER_OUTAGE
    assert ClinicProfile.CACHE_KEY in _AFTER_OUTAGE
    assert BookingPolicy.CACHE_KEY in _AFTER_OUTAGE
    assert BookingPolicy.CACHE_KEY.startswith("booking.bookingpolicy:")

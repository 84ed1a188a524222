"""The benchmark's seeding (bench/seed.py) is not part of the product, and it never runs on
a database that is not named for benchmarks: it deletes appointments and creates a
superuser."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from bench import seed
from booking.models import Appointment, Practitioner, Status
from tests.factories import TreatmentFactory

pytestmark = pytest.mark.django_db


def test_the_product_has_no_seeding_command():
    with pytest.raises(CommandError, match="Unknown command"):
        call_command("seed_benchmark")


def test_it_refuses_a_database_not_named_for_benchmarks():
    treatment = TreatmentFactory()
    start = timezone.now() + dt.timedelta(days=2)
    Appointment.objects.create(
        treatment=treatment,
        practitioner=Practitioner.objects.create(name="Dr. Ana Ruiz"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        occupied_until=start + dt.timedelta(hours=1),
        status=Status.CONFIRMED,
    )

    with pytest.raises(SystemExit, match="refuses to run on the database"):
        seed.main(["--appointments-only", "--appointments", "10", "--bench-password", "x"])

    assert Appointment.objects.count() == 1
    assert not get_user_model().objects.filter(username=seed.BENCH_USERNAME).exists()


def test_it_seeds_a_benchmark_database(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "clinic_bench")
    out = io.StringIO()

    made = seed.seed(200, bench_password="a-long-bench-password", out=out)

    assert made == Appointment.objects.count() == 200
    assert Practitioner.objects.count() == len(seed.PRACTITIONER_NAMES)
    assert get_user_model().objects.get(username=seed.BENCH_USERNAME).is_superuser
    # The appointments alone, again (the growth measurements).
    assert seed.seed(300, appointments_only=True, out=out) == Appointment.objects.count() == 300

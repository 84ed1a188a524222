"""Fill a FRESH benchmark database with a large, realistic data set for `make bench`.

    .venv/bin/python bench/seed.py [--appointments 50000]
    .venv/bin/python bench/seed.py --appointments-only --appointments 200000

Run in the benchmark's environment (bench/run.py sets it and calls `seed()` itself). Not
part of the product: no app imports bench/ (import-linter, pyproject.toml), and it
refuses to run unless the database's name says it is a benchmark database (`clinic_bench`
on PostgreSQL, `bench/.work/bench.sqlite3` on SQLite), because it TRUNCATEs appointments,
screenings and access records and creates a superuser.

What it creates (deterministic: the same rows every run, apart from the dates,
which follow today):

- the clinic's own starting content (`load_clinic_content`: profile, the
  microneedling page, its screening questions, booking policy);
- nine more treatments, each with seven Markdown sections of a few paragraphs,
  eight FAQs and a hero image (drawn once with Pillow, renditions made once,
  reused by every treatment);
- eight practitioners with weekly hours and a lunch break;
- a year of closures (clinic holidays and each practitioner's time off);
- N appointments in the past and the future (about a third of the past ones left
  "confirmed", as a busy desk leaves them), each with a screening and three
  answers (a request awaiting review: its whole questionnaire, one answer that needs
  review), and a phone number of its own.

Appointments sit on a fixed grid of 150-minute cells inside working hours
(Mon–Fri 09:00, 11:30, 14:00, 16:30; Sat 09:00, 11:30, clinic time), one
appointment per cell per practitioner, so the PostgreSQL exclusion constraint
(booking/migrations/0002) is never violated. The future book (the next 90 days)
is about half full and does not grow with N; the rest of N goes into the past,
as the history of a clinic grows while its diary stays the same size.

`--appointments-only` deletes every appointment, screening and answer and lays
out N again, for the growth measurements.
"""

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

if __name__ == "__main__":  # run as a script: set Django up first
    ROOT = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django

    django.setup()

import datetime as dt
import io
import random
import secrets
import zoneinfo
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from booking import book_count, free_times
from booking.models import (
    AccessRecord,
    Appointment,
    AppointmentChange,
    Closure,
    Consent,
    DataRequest,
    Outcome,
    PatientEmail,
    Practitioner,
    QuestionKind,
    Screening,
    ScreeningAnswer,
    ScreeningQuestion,
    Status,
    WorkingHours,
    YesNo,
)
from clinic import page_cache
from clinic.models import ClinicProfile
from clinic.rendering import markdown_to_safe_html
from treatments.images import make_renditions
from treatments.models import FAQ, Section, SectionKind, Treatment

SEED = 20_26
BATCH = 5_000
FUTURE_DAYS = 90
# Wall-clock starts of the grid cells, by weekday (Sunday closed).
WEEKDAY_CELLS = [dt.time(9, 0), dt.time(11, 30), dt.time(14, 0), dt.time(16, 30)]
SATURDAY_CELLS = [dt.time(9, 0), dt.time(11, 30)]
CELL_MINUTES = 150
BENCH_USERNAME = "bench"

TREATMENT_NAMES = [
    ("Chemical peel", 45, 60),
    ("Hydrafacial", 45, 75),
    ("LED light therapy", 30, 45),
    ("Dermaplaning", 30, 45),
    ("Microdermabrasion", 40, 60),
    ("Radiofrequency skin tightening", 60, 90),
    ("Laser hair removal", 30, 60),
    ("PRP facial", 60, 105),
    ("Skin booster injections", 45, 90),
]

LOREM = (
    "The clinician explains each stage before it starts and checks how your skin feels "
    "throughout. Most patients describe the sensation as mild and short-lived, and the "
    "room is kept calm and warm. Products are chosen for your skin type after a short "
    "assessment, and nothing is applied without telling you first. "
)

PRACTITIONER_NAMES = [
    "Dra. Lucía Herrera",
    "Sofía Ramírez",
    "Dr. Andrés Molina",
    "Valeria Castro",
    "Mariana López",
    "Diego Fernández",
    "Camila Ortega",
    "Gabriela Núñez",
]

# A busy front desk marks some past visits completed and leaves the rest "confirmed", the
# status that takes a slot: every question about a time must still read only its window.
PAST_STATUSES = [
    (Status.COMPLETED, 48),
    (Status.CONFIRMED, 30),
    (Status.CANCELLED, 10),
    (Status.NO_SHOW, 4),
    (Status.DECLINED, 3),
    (Status.EXPIRED, 5),
]
FUTURE_STATUSES = [(Status.CONFIRMED, 80), (Status.REQUESTED, 10), (Status.CANCELLED, 10)]

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def answers_for(screening_id: int, treatment, questionnaire: list, status, rule) -> list[tuple]:
    """A screening's answers: three "no"s, except on a request awaiting review, which
    answered its whole questionnaire (every microneedling question, or three for another
    treatment) with one "yes" that needs a clinician's review, as the review queue sees
    requests in the clinic."""
    review = status == Status.REQUESTED
    asked = [q for q in questionnaire if q.treatment_id == treatment.pk]
    count = len(asked) if review and asked else 3
    flagged = next((i for i, q in enumerate(asked[:count]) if q.outcome == Outcome.NEEDS_REVIEW), 0)
    rows = []
    for position in range(count):
        question = asked[position] if position < len(asked) else None
        applies = review and position == flagged
        generic = Outcome.NEEDS_REVIEW if applies else Outcome.NONE
        rows.append(
            (
                screening_id,
                question.pk if question else None,
                question.text if question else f"Health question {position + 1}",
                question.outcome if question else generic.value,
                rule,
                (YesNo.YES if applies else YesNo.NO).value,
                applies,
                position,
            )
        )
    return rows


def reference_for(index: int) -> str:
    """A unique, deterministic reference (same format as booking.models.new_reference)."""
    digits = []
    for _ in range(8):
        index, rest = divmod(index, len(REFERENCE_ALPHABET))
        digits.append(REFERENCE_ALPHABET[rest])
    code = "".join(reversed(digits))
    return f"{code[:4]}-{code[4:]}"


def weighted(rng: random.Random, table) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def hero_png() -> bytes:
    """A calm abstract 1600×900 illustration, drawn once."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 900), (246, 238, 230))
    draw = ImageDraw.Draw(image)
    for y in range(0, 900, 6):
        shade = 230 - y // 12
        draw.rectangle([0, y, 1600, y + 6], fill=(shade, 220 - y // 20, 210))
    for i in range(12):
        x = 120 + i * 120
        draw.ellipse([x, 300 + (i % 3) * 60, x + 90, 390 + (i % 3) * 60], fill=(214, 136, 128))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def section_body(name: str, kind_label: str, paragraphs: int = 4) -> str:
    parts = [f"{kind_label} for {name.lower()}: what patients ask us most, in plain words."]
    for i in range(paragraphs):
        parts.append(f"{LOREM}Paragraph {i + 1} adds detail specific to {name.lower()}.")
    parts.append("- Ask us anything before you book\n- Bring a list of your medicines")
    return "\n\n".join(parts)


class NotABenchmarkDatabase(SystemExit):
    """The database's name does not say it is a benchmark database."""


def refuse_unless_benchmark_database() -> None:
    """Stop unless the database is named as a benchmark's (its file or database name
    contains "bench"): the seeding empties tables and creates a superuser."""
    name = Path(str(connection.settings_dict["NAME"])).name
    if "bench" not in name.lower():
        raise NotABenchmarkDatabase(
            f"bench/seed.py refuses to run on the database {name!r}: it deletes every "
            "appointment and access record and creates a superuser. Use it on a benchmark "
            "database only, one whose name contains 'bench' (make bench makes one)."
        )


def seed(
    appointments: int = 50_000,
    *,
    appointments_only: bool = False,
    bench_password: str = "",
    out: TextIO = sys.stdout,
) -> int:
    """Seed the benchmark database (see the module's docstring); returns the number of
    appointments laid out."""
    refuse_unless_benchmark_database()
    return Seeder(out).run(appointments, appointments_only, bench_password)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appointments", type=int, default=50_000)
    parser.add_argument(
        "--appointments-only",
        action="store_true",
        help="Delete all appointments (and screenings) and lay out N again.",
    )
    parser.add_argument(
        "--bench-password",
        default="",
        help="Create the superuser 'bench' with this password and a TOTP device.",
    )
    args = parser.parse_args(argv)
    seed(
        args.appointments,
        appointments_only=args.appointments_only,
        bench_password=args.bench_password,
    )
    return 0


class Seeder:
    def __init__(self, out: TextIO):
        self.stdout = out

    def run(self, count: int, appointments_only: bool, bench_password: str) -> int:
        if connection.vendor == "postgresql":
            # A throw-away benchmark database: do not wait for the disk at each commit.
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")
        if appointments_only:
            self.clear_appointments()
        else:
            self.seed_content()
        if bench_password:
            self.bench_user(bench_password)
        made = self.seed_appointments(count)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # Rows written with COPY send no signals: forget what was cached from the old ones.
        free_times.schedule_changed()
        book_count.BOOK_VERSION.bump()
        page_cache.bump()
        self.stdout.write(f"seeded {made} appointments\n")
        return made

    # --- content ---------------------------------------------------------------------

    @transaction.atomic
    def seed_content(self):
        tz = zoneinfo.ZoneInfo(ClinicProfile.load().time_zone)
        practitioners = self.seed_practitioners()
        call_command("load_clinic_content", stdout=io.StringIO())
        microneedling = Treatment.objects.get(slug="microneedling")

        name = default_storage.save("treatments/hero/bench-hero.png", ContentFile(hero_png()))
        renditions = make_renditions(Treatment(hero_image=name).hero_image)
        treatments = Treatment.objects.bulk_create(
            Treatment(
                name=title,
                slug=title.lower().replace(" ", "-"),
                summary=f"{title}: a gentle clinic treatment explained step by step.",
                hero_image=name,
                hero_image_alt=f"Illustration for {title.lower()}",
                hero_renditions=renditions,
                session_minutes=session,
                visit_minutes=visit,
                buffer_minutes=15,
                price_from=Decimal("80.00") + index * 10,
                sessions_min=1,
                sessions_max=4,
                spacing_weeks_min=3,
                spacing_weeks_max=6,
                is_published=True,
                position=20 + index,
                is_featured=index < 5,
                seo_description=f"{title} at our Tijuana clinic: how it works, risks, aftercare.",
            )
            for index, (title, session, visit) in enumerate(TREATMENT_NAMES)
        )
        sections, faqs, questions = [], [], []
        for treatment in treatments:
            for kind, label in SectionKind.choices:
                body = section_body(treatment.name, str(label))
                sections.append(
                    Section(
                        treatment=treatment,
                        kind=kind,
                        title=str(label),
                        body=body,
                        body_html=markdown_to_safe_html(body),
                    )
                )
            for position in range(1, 9):
                answer = f"{LOREM}\n\nThis answer is about question {position}."
                faqs.append(
                    FAQ(
                        treatment=treatment,
                        question=f"Question {position} about {treatment.name.lower()}?",
                        answer=answer,
                        answer_html=markdown_to_safe_html(answer),
                        position=position * 10,
                    )
                )
            for position, (text, outcome) in enumerate(
                [
                    ("Are you pregnant or breastfeeding?", Outcome.BLOCKS_BOOKING),
                    ("Do you take blood thinners?", Outcome.NEEDS_REVIEW),
                    ("Do you use retinoid creams?", Outcome.INSTRUCTION),
                ],
                start=1,
            ):
                questions.append(
                    ScreeningQuestion(
                        treatment=treatment,
                        text=text,
                        outcome=outcome,
                        public_label=text.replace("?", "").replace("Are you", "You are"),
                        instruction="Stop retinoids 3 days before."
                        if outcome == Outcome.INSTRUCTION
                        else "",
                        position=position * 10,
                    )
                )
        Section.objects.bulk_create(sections)
        FAQ.objects.bulk_create(faqs)
        ScreeningQuestion.objects.bulk_create(questions)

        everything = [microneedling, *treatments]
        through = Practitioner.treatments.through
        through.objects.all().delete()
        links = []
        for index, practitioner in enumerate(practitioners):
            links.append(through(practitioner=practitioner, treatment=microneedling))
            for offset, treatment in enumerate(treatments):
                if (index + offset) % 3 != 0:
                    links.append(through(practitioner=practitioner, treatment=treatment))
        through.objects.bulk_create(links)
        self.seed_closures(practitioners, tz)
        self.stdout.write(
            f"seeded {len(everything)} treatments, {len(practitioners)} practitioners\n"
        )

    def seed_practitioners(self) -> list[Practitioner]:
        existing = list(Practitioner.objects.all())
        if existing:
            return existing
        practitioners = Practitioner.objects.bulk_create(
            Practitioner(name=name, title="Aesthetic practitioner", position=(i + 1) * 10)
            for i, name in enumerate(PRACTITIONER_NAMES)
        )
        hours = []
        for practitioner in practitioners:
            for weekday in range(5):
                hours.append((practitioner, weekday, dt.time(9, 0), dt.time(13, 30)))
                hours.append((practitioner, weekday, dt.time(14, 0), dt.time(19, 0)))
            hours.append((practitioner, 5, dt.time(9, 0), dt.time(14, 0)))
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=p, weekday=d, starts_at=s, ends_at=e) for p, d, s, e in hours
        )
        return practitioners

    def seed_closures(self, practitioners, tz) -> None:
        today = timezone.localdate()
        rng = random.Random(SEED)
        closures = []

        def whole_days(first: dt.date, days: int):
            start = dt.datetime.combine(first, dt.time(0, 0), tzinfo=tz)
            end = dt.datetime.combine(first + dt.timedelta(days=days), dt.time(0, 0), tzinfo=tz)
            return start, end

        # Clinic holidays every five weeks or so, half a year back and forward.
        for week in range(-26, 27, 5):
            start, end = whole_days(today + dt.timedelta(weeks=week, days=3), 1)
            closures.append(Closure(starts_at=start, ends_at=end, reason="Public holiday"))
        # Each practitioner: a week off every quarter, and a few afternoons.
        for index, practitioner in enumerate(practitioners):
            for quarter in range(-2, 2):
                first = today + dt.timedelta(weeks=quarter * 13 + index)
                start, end = whole_days(first, 7)
                closures.append(
                    Closure(practitioner=practitioner, starts_at=start, ends_at=end, reason="Leave")
                )
            for _ in range(6):
                day = today + dt.timedelta(days=rng.randint(-180, 180))
                start = dt.datetime.combine(day, dt.time(14, 0), tzinfo=tz)
                closures.append(
                    Closure(
                        practitioner=practitioner,
                        starts_at=start,
                        ends_at=start + dt.timedelta(hours=5),
                        reason="Training",
                    )
                )
        Closure.objects.bulk_create(closures)

    def bench_user(self, password: str) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user_model = get_user_model()
        user = user_model.objects.filter(username=BENCH_USERNAME).first()
        if user is None:
            user = user_model.objects.create_superuser(
                BENCH_USERNAME, "bench@example.invalid", password
            )
        TOTPDevice.objects.get_or_create(user=user, defaults={"name": "bench", "confirmed": True})

    # --- appointments ----------------------------------------------------------------

    def clear_appointments(self) -> None:
        models = [
            AccessRecord,  # the admin-list requests of the run before record who saw what
            DataRequest,
            ScreeningAnswer,
            Consent,
            AppointmentChange,
            PatientEmail,
            Appointment,
            Screening,
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                tables = ", ".join(m._meta.db_table for m in models)
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY")
            else:
                for model in models:
                    cursor.execute(f"DELETE FROM {model._meta.db_table}")

    def cells(self, tz, first: dt.date, step: int, closed_days: set, clinic_closed: set):
        """(practitioner index, aware start) for every grid cell, day by day from `first`."""
        day = first
        while True:
            weekday = day.weekday()
            starts = WEEKDAY_CELLS if weekday < 5 else SATURDAY_CELLS if weekday == 5 else []
            if day not in clinic_closed:
                for at in starts:
                    start = dt.datetime.combine(day, at, tzinfo=tz)
                    for practitioner in range(len(PRACTITIONER_NAMES)):
                        if (practitioner, day) not in closed_days:
                            yield practitioner, day, start
            day += dt.timedelta(days=step)

    def seed_appointments(self, count: int) -> int:
        tz = zoneinfo.ZoneInfo(ClinicProfile.load().time_zone)
        now = timezone.now()
        today = timezone.localdate()
        rng = random.Random(SEED + count)
        practitioners = list(Practitioner.objects.order_by("position", "pk"))[
            : len(PRACTITIONER_NAMES)
        ]
        performs: dict[int, list[int]] = {}
        for link in Practitioner.treatments.through.objects.all():
            performs.setdefault(link.practitioner_id, []).append(link.treatment_id)
        treatments = {t.pk: t for t in Treatment.objects.all()}
        microneedling = next(t.pk for t in treatments.values() if t.slug == "microneedling")
        questions = list(
            ScreeningQuestion.objects.filter(treatment_id=microneedling).order_by("position")
        )
        index_of = {p.pk: i for i, p in enumerate(practitioners)}
        closed_days, clinic_closed = set(), set()
        for closure in Closure.objects.all():
            day = timezone.localtime(closure.starts_at, tz).date()
            last = timezone.localtime(closure.ends_at, tz).date()
            while day <= last:
                if closure.practitioner_id is None:
                    clinic_closed.add(day)
                elif closure.practitioner_id in index_of:
                    closed_days.add((index_of[closure.practitioner_id], day))
                day += dt.timedelta(days=1)

        layout: list[tuple[int, dt.datetime, str]] = []  # (practitioner, start, status)
        future_cap = count // 5
        for p_index, day, start in self.cells(
            tz, today + dt.timedelta(days=1), 1, closed_days, clinic_closed
        ):
            if day > today + dt.timedelta(days=FUTURE_DAYS) or len(layout) >= future_cap:
                break
            if rng.random() < 0.5:
                layout.append((p_index, start, weighted(rng, FUTURE_STATUSES)))
        for p_index, _day, start in self.cells(tz, today, -1, closed_days, clinic_closed):
            if len(layout) >= count:
                break
            if start >= now - dt.timedelta(hours=3):
                continue
            if rng.random() < 0.85:
                layout.append((p_index, start, weighted(rng, PAST_STATUSES)))

        return self.insert(layout, practitioners, performs, treatments, questions, rng)

    def insert(self, layout, practitioners, performs, treatments, questions, rng) -> int:
        """Write the rows as plain tuples: COPY on PostgreSQL, executemany on SQLite.

        Model instances and bulk_create cost about a millisecond per appointment with
        its screening and answers; tuples are ten times cheaper, which keeps the
        200,000-appointment growth run inside the benchmark's five minutes.
        """
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM booking_screening")
            next_screening = cursor.fetchone()[0] + 1
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM booking_appointment")
            next_appointment = cursor.fetchone()[0] + 1
        rule = {"kind": QuestionKind.YES_NO.value, "trigger_answer": YesNo.YES.value}
        screenings, appointments, answers = [], [], []
        for i, (p_index, start, status) in enumerate(layout):
            number = next_appointment + i
            screening_id = next_screening + i
            practitioner = practitioners[p_index]
            choices = performs.get(practitioner.pk) or list(treatments)
            treatment = treatments[choices[0] if rng.random() < 0.6 else rng.choice(choices)]
            review = status in (Status.REQUESTED, Status.DECLINED)
            created = start - dt.timedelta(days=1 + i % 40, minutes=i % 600)
            kept = answers_for(screening_id, treatment, questions, status, rule)
            answers += kept
            screenings.append(
                (
                    screening_id,
                    treatment.pk,
                    dt.date(1960 + number % 45, 1 + number % 12, 1 + number % 28),
                    (Outcome.NEEDS_REVIEW if review else Outcome.NONE).value,
                    None,
                    [position for *_, applies, position in kept if applies],
                    created,
                )
            )
            end = start + dt.timedelta(minutes=treatment.visit_minutes)
            confirmed = status in (Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW)
            appointments.append(
                (
                    number,
                    reference_for(number),
                    treatment.pk,
                    practitioner.pk,
                    start,
                    end,
                    end + dt.timedelta(minutes=treatment.buffer_minutes),
                    str(status),
                    screening_id,
                    "",
                    f"Patient {number}",
                    f"patient{number}@example.invalid",
                    f"+52 664 {number // 10_000 % 1000:03d} {number % 10_000:04d}",
                    "en" if number % 3 == 0 else "es",  # most patients read Spanish first
                    secrets.token_urlsafe(16),
                    "",
                    created,
                    created if confirmed else None,
                    "",
                    "",
                )
            )
        self.write("booking_screening", SCREENING_COLUMNS, screenings)
        self.write("booking_appointment", APPOINTMENT_COLUMNS, appointments)
        self.write("booking_screeninganswer", ANSWER_COLUMNS, answers)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("booking_screening", "booking_appointment"):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                    )
        return len(appointments)

    @transaction.atomic
    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Each value goes through its model field's own preparation for the database
        (encrypted fields encrypt, datetimes become UTC text on SQLite, JSON is dumped)."""
        model = next(
            m for m in (Screening, Appointment, ScreeningAnswer) if m._meta.db_table == table
        )
        by_column = {f.column: f for f in model._meta.concrete_fields}
        fields = [by_column[column] for column in columns]
        rows = [
            tuple(
                f.get_db_prep_save(value, connection) if value is not None else None
                for f, value in zip(fields, row, strict=True)
            )
            for row in rows
        ]
        names = ", ".join(columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg 3
                # The rows are consistent by construction: skip the per-row foreign-key
                # triggers (the exclusion constraint, an index, still checks every row).
                cursor.execute("SET LOCAL session_replication_role = replica")
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("%s" for _ in columns)
                for first in range(0, len(rows), BATCH):
                    cursor.executemany(
                        f"INSERT INTO {table} ({names}) VALUES ({marks})",
                        rows[first : first + BATCH],
                    )


SCREENING_COLUMNS = (
    "id",
    "treatment_id",
    "date_of_birth",
    "outcome",
    "earliest_date",
    "positions_that_apply",
    "created_at",
)
APPOINTMENT_COLUMNS = (
    "id",
    "reference",
    "treatment_id",
    "practitioner_id",
    "starts_at",
    "ends_at",
    "occupied_until",
    "status",
    "screening_id",
    "instructions",
    "patient_name",
    "patient_email",
    "patient_phone",
    "language",
    "manage_key",
    "session_key_hash",
    "created_at",
    "confirmed_at",
    "desk_note",
    "clinical_note",
)
ANSWER_COLUMNS = (
    "screening_id",
    "question_id",
    "question_text",
    "question_outcome",
    "question_rule",
    "answer",
    "applies",
    "position",
)


if __name__ == "__main__":
    sys.exit(main())

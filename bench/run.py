"""`make bench`: seed a fresh database, serve it with gunicorn, measure every page.

    .venv/bin/python bench/run.py [--db postgres|sqlite] [--appointments 50000]
                                  [--rounds 3] [--duration 2] [--growth 200000] [--no-fail]

Steps: a fresh database (PostgreSQL `clinic_bench`, dropped and created again, or a
SQLite file under bench/.work/), migrate, seed (bench/seed.py), collectstatic,
gunicorn with production settings bound to 127.0.0.1 only, then, in rounds, wrk
against every page a patient or staff member uses (both languages) and a scripted
loop of fresh bookings timing each step's POST. Every page is compared with a trivial
view through the same middleware (BENCH_BASELINE=1, /bench/baseline/) measured the same
way in the same round, just before and just after the page's group of six. Query
counts and the calendar worked out afresh are measured in this process. gunicorn is
always stopped at the end. The exit status is 1 when a budget fails (unless
--no-fail). docs/performance.md explains the method.
"""

import argparse
import gzip
import html.parser
import http.client
import io
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"
PG_NAME = "clinic_bench"  # --database-name; must say "bench" (bench/seed.py checks)
LANGUAGES = ("es", "en")
BENCH_PASSWORD = "bench-" + secrets.token_urlsafe(12)
TREATMENT_SLUG = "microneedling"
START = time.monotonic()


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def log(message: str) -> None:
    say(f"[{time.monotonic() - START:6.1f}s] {message}")


# --- environment and database ------------------------------------------------------------


def bench_env(args, redis_url: str | None = None) -> dict:
    """The production-like environment of a measured server (no Redis without `redis_url`)."""
    env = dict(os.environ)
    if args.db == "postgres":
        database_url = f"postgres://postgres@{HOST}:5432/{args.database_name}"
    else:
        database_url = f"sqlite:///{WORK / 'bench.sqlite3'}"
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f"{HOST},testserver",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback; everything else as in production
        CACHE_KEY_PREFIX="bench",
        SERVE_MEDIA="1",
        BENCH_BASELINE="1",
        STATIC_ROOT=str(WORK / "static"),
        MEDIA_ROOT=str(WORK / "media"),
        SITE_URL=f"http://{HOST}",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        # The booking steps' POSTs and the private link's pages are measured: hundreds a
        # minute from one address, which the rate limits would refuse.
        RATE_LIMIT_BOOKING="100000/m",
        RATE_LIMIT_MANAGE="100000/m",
    )
    env.pop("EMAIL_HOST", None)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def fresh_database(args) -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(
            host=HOST, port=5432, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {args.database_name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {args.database_name}")


def django_setup(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(*argv: str) -> None:
    from django.core.management import call_command

    call_command(*argv)


def start_private_redis(args):
    """A redis-server of the bench's own on a free port (never the shared one at :6379).

    The bench empties and fills its cache at will; the machine's Redis may be in use by
    others. The throwaway server is the tests' (tests/servers.py): nothing on disk.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.servers import RedisServer

    redis = RedisServer().start()
    args.redis_url = redis.url
    log(f"private redis-server on port {redis.port}")
    return redis


def flush_cache() -> None:
    from django.core.cache import cache

    cache.clear()


# --- gunicorn ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int, output=None) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:port; its output (logs included) to ``output`` (a file)
    or, by default, to this process's own."""
    command = [
        str(GUNICORN),
        "clinic.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "2",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    log(f"gunicorn on http://{HOST}:{port} ({workers} gthread workers)")
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, start_new_session=True, stdout=output, stderr=output
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited while starting")
        try:
            if Http(port).get("/bench/baseline/").status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_gunicorn(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


# --- a tiny HTTP client that keeps cookies (Secure ones too: this is plain loopback) ----


@dataclass
class Response:
    status: int
    headers: dict
    body: str


@dataclass
class Http:
    port: int
    cookies: dict = field(default_factory=dict)

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Host": HOST}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        raw = conn.getresponse()
        for header in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        response = Response(raw.status, dict(raw.headers), raw.read().decode("utf-8", "replace"))
        conn.close()
        return response

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        data = {"csrfmiddlewaretoken": csrf_token(self.get(path).body), **data}
        return self.request("POST", path, data)

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return match.group(1) if match else ""


def expect(response: Response, status: int, what: str) -> Response:
    if response.status != status:
        raise SystemExit(f"{what}: expected HTTP {status}, got {response.status}")
    return response


# --- booking sessions -------------------------------------------------------------------------


def screening_answers(treatment) -> dict:
    """Answers that let the booking go on: the opposite of each question's trigger."""
    from booking.models import QuestionKind, ScreeningQuestion, YesNo

    answers = {"date_of_birth": "1988-05-17"}
    for question in ScreeningQuestion.objects.for_treatment(treatment):
        if question.kind == QuestionKind.YES_NO and question.parent_id is None:
            not_trigger = YesNo.NO if question.trigger_answer == YesNo.YES else YesNo.YES
            answers[f"question_{question.pk}"] = not_trigger.value
    return answers


DETAILS = {
    "name": "Bench Patient",
    "phone": "+1 619 555 0100",
    "consent_treatment": "on",
    "consent_privacy": "on",
    "privacy_notice": "1",  # the version load_clinic_content publishes
}


class Booking:
    """One patient's booking through the real steps, in one language, on a fresh session.

    Each POST is timed on its own (``posts``: step -> ms); the GET that gives its page
    and CSRF token, as the patient's browser has it open, is not.
    """

    def __init__(self, port: int, language: str):
        self.client = Http(port)
        self.language = language
        self.posts: dict[str, float] = {}

    def path(self, step: str) -> str:
        return f"/{self.language}/book/{step}/"

    def post(self, step: str, data) -> Response:
        """POST the step's form (``data``: a dict, or a function of the page's HTML)."""
        page = expect(self.client.get(self.path(step)), 200, f"GET {self.path(step)}").body
        fields = data(page) if callable(data) else data
        began = time.perf_counter()
        response = self.client.request(
            "POST", self.path(step), {"csrfmiddlewaretoken": csrf_token(page), **fields}
        )
        self.posts[step] = (time.perf_counter() - began) * 1000
        return expect(response, 302, f"POST {self.path(step)}")

    def to_time_step(self) -> "Booking":
        from treatments.models import Treatment

        treatment = Treatment.objects.get(slug=TREATMENT_SLUG)
        self.client.get(f"/{self.language}/book/?treatment={TREATMENT_SLUG}")
        self.post("treatment", {"treatment": treatment.pk, "practitioner": ""})
        self.post("screening", screening_answers(treatment))
        return self

    def to_review_step(self) -> "Booking":
        self.to_time_step()
        self.post("time", first_free_time)
        email = f"bench.patient.{self.language}@example.invalid"
        self.post("details", {**DETAILS, "email": email})
        return self

    def confirm(self) -> "Booking":
        self.to_review_step()
        self.post("review", {})
        return self


def first_free_time(page: str) -> dict:
    start = re.search(r'name="start" value="([^"]+)"', page)
    if not start:
        raise SystemExit("the time step offered no free time to hold")
    return {"start": start.group(1)}


def admin_session(port: int) -> Http:
    """The bench superuser, signed in with password and a TOTP code from its device."""
    from django.contrib.auth import get_user_model
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username="bench")
    device = TOTPDevice.objects.get(user=user)
    client = Http(port)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    data = {
        "username": "bench",
        "password": BENCH_PASSWORD,
        "otp_token": f"{totp.token():0{device.digits}d}",
    }
    response = client.post("/admin/login/?next=/admin/", data)
    if response.status != 302:
        raise SystemExit(f"admin login failed (HTTP {response.status})")
    return client


# --- what is measured ---------------------------------------------------------------------

BASELINE_PATH = "/bench/baseline/"


@dataclass
class Round:
    """One wrk run of one target."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int = 0


@dataclass
class Target:
    """A page measured with wrk, in every round. ``kind`` says which budget applies:
    baseline, public (throughput), step (a booking step's GET), manage (the private
    link's pages: measured, no budget of their own), staff."""

    name: str
    path: str
    kind: str
    language: str = ""
    client: Http | None = None
    headers: dict = field(default_factory=dict)
    check_bytes: bool = False
    rounds: list[Round] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)  # vs the baseline around it
    # Per round, the mean of the baseline's measurements just before and just after the
    # page's group (``measure_round``).
    around: list[Round] = field(default_factory=list)
    queries: int | None = None
    bytes_html: int = 0
    bytes_total: int = 0
    third_party: list = field(default_factory=list)
    images_ok: bool = True
    note: str = ""
    available: bool = True
    # The time step with the shared calendar worked out afresh (a whole request).
    cold_ms: float | None = None
    cold_queries: int | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.language})" if self.language else self.name


@dataclass
class PostStep:
    """A booking step's POST, timed in a loop of fresh bookings (one request at a time),
    against the baseline timed the same way in the same round."""

    step: str
    language: str
    samples: list[list[float]] = field(default_factory=list)  # ms, one list per round
    ratios: list[float] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.step} step POST ({self.language})"


@dataclass
class CalendarPoint:
    """The free times of the next 60 days for every practitioner worked out afresh
    (``services.free_slots_for`` right after a schedule change), at one book size."""

    appointments: int
    ms: float
    queries: int
    practitioners: int
    time_step: Target | None = None
    # After a change to the rota (the hours or the closures; rare) rather than a booking:
    # the rota is read again too (free_times.ROTA_VERSION). Printed, no budget of its own.
    after_hours_ms: float | None = None


@dataclass
class Results:
    targets: list[Target]
    posts: list[PostStep]
    calendar: list[CalendarPoint]
    sequential_baseline: list[float] = field(default_factory=list)  # p50 ms per round
    # Every wrk measurement of the baseline, a list per round (the first is the round's).
    baseline_runs: list[list[Round]] = field(default_factory=list)


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    """Median (min–max) of the rounds."""
    if not values:
        return "–"
    median = fmt.format(statistics.median(values))
    if len(values) == 1:
        return median
    return f"{median} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def parse_ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> Round:
    non_ok = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return Round(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=parse_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        p99_ms=parse_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        errors=int(non_ok.group(1)) if non_ok else 0,
    )


def run_wrk(port: int, target: Target, seconds: float) -> Round:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if target.client and target.client.cookies:
        command += ["-H", f"Cookie: {target.client.cookie_header()}"]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{target.path}")
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    return parse_wrk(output)


def settle(port: int, quick_ms: float = 10.0, longest_s: float = 10.0) -> None:
    """Wait until the server has worked off the requests wrk left queued when it stopped.

    wrk stops sending at the end of its duration, but the gunicorn workers still answer
    the requests already queued: after a slow staff page (~0.3 s each, 8 connections)
    that is a second or more of work that would be counted against the next page
    measured. One baseline request at a time until one comes back quickly."""
    client = Http(port)
    deadline = time.monotonic() + longest_s
    while time.monotonic() < deadline:
        began = time.perf_counter()
        client.get(BASELINE_PATH)
        if (time.perf_counter() - began) * 1000 < quick_ms:
            return


def sequential_p50(port: int, path: str, requests: int) -> float:
    """p50 of GETs one at a time with the client that times the POSTs (a new connection
    each, as it makes them)."""
    client = Http(port)
    client.get(path)
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def django_client(target: Target):
    from django.test import Client

    extra = {f"HTTP_{name.upper().replace('-', '_')}": v for name, v in target.headers.items()}
    client = Client(SERVER_NAME=HOST, **extra)
    if target.client:
        for name, value in target.client.cookies.items():
            client.cookies[name] = value
    return client


def count_queries(target: Target) -> None:
    """Queries of one warm request, in this process with Django's test client."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = django_client(target)
    client.get(target.path)  # warm the caches, as the server is after its first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target.path)
    target.queries = len(queries) if response.status_code == 200 else None
    if response.status_code != 200:
        target.note = f"in-process HTTP {response.status_code}"


def measure_cold_time_step(target: Target, runs: int = 5) -> None:
    """The whole time-step request when its shared calendar must be worked out afresh
    (after any change to the schedule), in this process, median of `runs`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from booking import free_times

    client = django_client(target)
    client.get(target.path)
    times = []
    for _ in range(runs):
        free_times.schedule_changed()
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target.path)
        times.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            target.note = f"in-process HTTP {response.status_code} with a fresh calendar"
    target.cold_ms = statistics.median(times)
    target.cold_queries = len(queries)


def measure_calendar(appointments: int, runs: int = 15) -> CalendarPoint:
    """``free_slots_for`` (60 days, any practitioner) right after a schedule change:
    the queries and the arithmetic a request pays when the shared calendar is stale.
    Median of `runs`; the bump of the schedule version is not timed. The queries are
    counted in one more run, not timed: counting them puts Django's cursor in debug mode,
    which writes out every query with its parameters (a millisecond of its own here)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from booking import free_times, services
    from booking.models import Practitioner
    from treatments.models import Treatment

    treatment = Treatment.objects.get(slug=TREATMENT_SLUG)
    practitioners = Practitioner.objects.filter(is_active=True, treatments=treatment).count()
    times = []
    for _ in range(runs + 1):
        free_times.schedule_changed()
        began = time.perf_counter()
        services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())
        times.append((time.perf_counter() - began) * 1000)
    after_hours = []
    for _ in range(runs):
        free_times.schedule_changed()
        free_times.ROTA_VERSION.bump()
        began = time.perf_counter()
        services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())
        after_hours.append((time.perf_counter() - began) * 1000)
    free_times.schedule_changed()
    with CaptureQueriesContext(connection) as queries:
        services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())
    return CalendarPoint(
        appointments,
        statistics.median(times[1:]),
        len(queries),
        practitioners,
        after_hours_ms=statistics.median(after_hours),
    )


class AssetParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.styles, self.scripts, self.images = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or ""):
            self.styles.append(attrs.get("href") or "")
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "img":
            self.images.append(attrs)


def measure_bytes(target: Target) -> None:
    """Compressed HTML (gzip) plus its CSS and JS as WhiteNoise serves them (.gz)."""
    from django.conf import settings

    page = target.client.get(target.path) if target.client else Http(PORT).get(target.path)
    target.bytes_html = len(gzip.compress(page.body.encode(), compresslevel=6))
    parser = AssetParser()
    parser.feed(page.body)
    total = target.bytes_html
    for url in parser.styles + parser.scripts:
        parsed = urllib.parse.urlparse(url)
        if parsed.netloc and parsed.netloc != f"{HOST}:{PORT}":
            target.third_party.append(url)
            continue
        if not parsed.path.startswith(settings.STATIC_URL):
            continue
        local = Path(settings.STATIC_ROOT) / parsed.path[len(settings.STATIC_URL) :]
        for candidate in (local.with_name(local.name + ".br"), local.with_name(local.name + ".gz")):
            if candidate.exists():
                total += candidate.stat().st_size
                break
        else:
            total += len(gzip.compress(local.read_bytes(), compresslevel=9))
    target.bytes_total = total
    for image in parser.images:
        src = image.get("src") or ""
        modern = src.endswith((".webp", ".avif", ".svg"))
        if not (modern and image.get("width") and image.get("height")):
            target.images_ok = False


# --- the pages ------------------------------------------------------------------------------


def next_working_day():
    """The first weekday after today on the clinic's calendar (the seed's book is about
    half full there)."""
    import datetime as dt

    from django.utils import timezone

    from clinic.models import ClinicProfile

    day = timezone.localtime(timezone.now(), ClinicProfile.load().tzinfo).date()
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def manage_targets(language: str) -> list[Target]:
    """The private link's pages of the appointment the last booking in `language` made."""
    from django.urls import reverse
    from django.utils import translation

    from booking.models import Appointment
    from booking.tokens import make_manage_token

    appointment = Appointment.objects.filter(
        patient_email=f"bench.patient.{language}@example.invalid"
    ).latest("pk")
    token = make_manage_token(appointment)
    pages = [
        ("manage page", "booking:manage"),
        ("move page", "booking:manage_reschedule"),
        ("health re-check page", "booking:manage_recheck"),
        ("calendar file", "booking:manage_calendar"),
    ]
    with translation.override(language):
        return [
            Target(name, reverse(page, kwargs={"token": token}), "manage", language)
            for name, page in pages
        ]


def calendar_targets(admin: Http, language: str) -> list[Target]:
    """The staff's day and week calendar, when the site has it (another change adds it)."""
    from django.urls import NoReverseMatch, reverse

    headers = {"Accept-Language": language}
    try:
        path = reverse("admin:booking_appointment_calendar")
    except NoReverseMatch:
        return [
            Target(name, "", "staff", language, available=False, note="not available")
            for name in ("day calendar", "week calendar")
        ]
    day = next_working_day().isoformat()
    return [
        Target(
            f"{view} calendar", f"{path}?date={day}&view={view}", "staff", language, admin, headers
        )
        for view in ("day", "week")
    ]


def build_targets(port: int) -> list[Target]:
    """Every page a patient or staff member uses, in both languages, with the sessions
    they need (a booking at the time step, one at the review step, one booked)."""
    admin = admin_session(port)
    targets = [Target("baseline", BASELINE_PATH, "baseline")]
    for language in LANGUAGES:
        at_time = Booking(port, language).to_time_step()
        at_review = Booking(port, language).to_review_step()
        booked = Booking(port, language).confirm()
        home = f"/{language}/"
        staff_headers = {"Accept-Language": language}
        targets += [
            Target("home", home, "public", language, check_bytes=True),
            Target("treatments", f"{home}treatments/", "public", language),
            Target(
                "treatment",
                f"{home}treatments/{TREATMENT_SLUG}/",
                "public",
                language,
                check_bytes=True,
            ),
            Target("contact", f"{home}contact/", "public", language),
            Target("privacy notice", f"{home}privacy/", "public", language),
            Target("treatment step", at_time.path("treatment"), "step", language, at_time.client),
            Target("screening step", at_time.path("screening"), "step", language, at_time.client),
            Target(
                "time step",
                at_time.path("time"),
                "step",
                language,
                at_time.client,
                check_bytes=True,
            ),
            Target("details step", at_review.path("details"), "step", language, at_review.client),
            Target(
                "review step",
                at_review.path("review"),
                "step",
                language,
                at_review.client,
                check_bytes=True,
            ),
            Target("booked page", booked.path("done"), "step", language, booked.client),
            *manage_targets(language),
            Target(
                "appointment list",
                "/admin/booking/appointment/",
                "staff",
                language,
                admin,
                staff_headers,
            ),
            # The book opens on today on; every date since the clinic opened, counted, is
            # what a search or "Any date" costs.
            Target(
                "appointment list, any date",
                "/admin/booking/appointment/?when=all",
                "staff",
                language,
                admin,
                staff_headers,
            ),
            Target(
                "review queue",
                "/admin/booking/appointmentrequest/",
                "staff",
                language,
                admin,
                staff_headers,
            ),
            *calendar_targets(admin, language),
        ]
    return targets


POST_STEPS = ("treatment", "screening", "time", "details", "review")


# Pages measured between two measurements of the baseline, in a round.
BASELINE_EVERY = 6


def measure_round(args, port: int, results: Results) -> None:
    """One round: wrk on every page, the baseline first and again after every
    ``BASELINE_EVERY`` pages; then the baseline one request at a time and
    `--post-iterations` fresh bookings per language, each POST timed.

    A page is compared with the baseline as measured around it (the mean of the
    measurements just before and just after its group), not with the round's first: a
    virtual machine's speed drifts during a round (docs/performance.md, "Telling noise
    from a regression"), and a page measured minutes after the baseline would carry the
    drift into its ratio."""

    def measured(target: Target) -> Round:
        settle(port)
        return run_wrk(port, target, args.duration)

    baseline, *pages = [target for target in results.targets if target.available]
    before = measured(baseline)
    baseline.rounds.append(before)
    results.baseline_runs.append([before])
    for first in range(0, len(pages), BASELINE_EVERY):
        group = pages[first : first + BASELINE_EVERY]
        for target in group:
            target.rounds.append(measured(target))
        after = measured(baseline)
        results.baseline_runs[-1].append(after)
        around = Round(
            rps=(before.rps + after.rps) / 2,
            p50_ms=(before.p50_ms + after.p50_ms) / 2,
            p99_ms=(before.p99_ms + after.p99_ms) / 2,
        )
        for target in group:
            target.around.append(around)
        before = after
    results.sequential_baseline.append(sequential_p50(port, BASELINE_PATH, 50))
    by_step = {(p.step, p.language): p for p in results.posts}
    for language in LANGUAGES:
        samples: dict[str, list[float]] = {step: [] for step in POST_STEPS}
        for _ in range(args.post_iterations):
            booking = Booking(port, language).confirm()
            for step, ms in booking.posts.items():
                samples[step].append(ms)
        for step in POST_STEPS:
            by_step[(step, language)].samples.append(samples[step])


def work_out_ratios(results: Results) -> None:
    """Each round's figure over the baseline's as measured around it in that round (the
    round's baseline when there is no such measurement): throughput for public pages,
    p50 for the others; a POST's p50 over the baseline's timed the same way."""
    baseline = next(t for t in results.targets if t.kind == "baseline")
    for target in results.targets:
        target.ratios = [
            (mine.rps / base.rps if target.kind == "public" else mine.p50_ms / base.p50_ms)
            for mine, base in zip(target.rounds, target.around or baseline.rounds, strict=False)
            if base.rps and base.p50_ms
        ]
    for post in results.posts:
        post.ratios = [
            statistics.median(samples) / base
            for samples, base in zip(post.samples, results.sequential_baseline, strict=False)
            if samples and base
        ]


# --- budgets and report ---------------------------------------------------------------------

PUBLIC_SHARE = 0.85
STEP_GET_FACTOR = 3
STEP_POST_FACTOR = 5
STAFF_FACTOR = 10
CALENDAR_MS = 10
CALENDAR_SIZE = 200_000


@dataclass
class Budget:
    what: str
    measured: str
    target: str
    result: str  # PASS, FAIL, NOT AVAILABLE (the page does not exist yet), NOT MEASURED


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def budgets(results: Results) -> list[Budget]:
    rows = []
    for target in results.targets:
        if target.kind == "public":
            share = statistics.median(target.ratios) if target.ratios else 0
            rows.append(
                Budget(
                    f"{target.label}: throughput vs baseline",
                    spread([r * 100 for r in target.ratios], "{:.0f}%"),
                    f"≥ {PUBLIC_SHARE:.0%}",
                    verdict(share >= PUBLIC_SHARE),
                )
            )
        elif target.kind in ("step", "staff"):
            limit = STEP_GET_FACTOR if target.kind == "step" else STAFF_FACTOR
            what = f"{target.label}: p50 vs baseline p50"
            if not target.available:
                rows.append(Budget(what, target.note, f"≤ {limit}×", "NOT AVAILABLE"))
                continue
            factor = statistics.median(target.ratios) if target.ratios else float("inf")
            rows.append(
                Budget(
                    what, spread(target.ratios, "{:.1f}×"), f"≤ {limit}×", verdict(factor <= limit)
                )
            )
    for post in results.posts:
        factor = statistics.median(post.ratios) if post.ratios else float("inf")
        rows.append(
            Budget(
                f"{post.label}: p50 vs baseline p50 (one at a time)",
                spread(post.ratios, "{:.1f}×"),
                f"≤ {STEP_POST_FACTOR}×",
                verdict(factor <= STEP_POST_FACTOR),
            )
        )
    at_size = [p for p in results.calendar if p.appointments == CALENDAR_SIZE]
    what = f"calendar afresh, 60 days, any practitioner, {CALENDAR_SIZE:,} appointments"
    if at_size:
        point = at_size[0]
        rows.append(
            Budget(
                f"{what} ({point.practitioners} practitioners)",
                f"{point.ms:.1f} ms",
                f"≤ {CALENDAR_MS} ms",
                verdict(point.ms <= CALENDAR_MS),
            )
        )
    else:
        rows.append(Budget(what, "–", f"≤ {CALENDAR_MS} ms", "NOT MEASURED"))
    if results.calendar:
        counts = sorted({p.queries for p in results.calendar})
        rows.append(
            Budget(
                "calendar afresh: SQL queries at every size",
                ", ".join(map(str, counts)),
                "one number",
                verdict(len(counts) == 1),
            )
        )
    for target in results.targets:
        if target.name == "time step" and target.queries is not None:
            worst = max(q for q in (target.queries, target.cold_queries) if q is not None)
            rows.append(
                Budget(
                    f"{target.label}: SQL queries (shared calendar; worked out afresh)",
                    f"{target.queries}; {target.cold_queries}",
                    "≤ 5",
                    verdict(worst <= 5),
                )
            )
        if target.name.startswith("appointment list"):
            ok = target.queries is not None and target.queries <= 10
            rows.append(
                Budget(f"{target.label}: SQL queries", str(target.queries), "≤ 10", verdict(ok))
            )
        if target.check_bytes and target.bytes_total:
            kb = target.bytes_total / 1024
            rows += [
                Budget(
                    f"{target.label}: HTML+CSS+JS compressed",
                    f"{kb:.1f} KB",
                    "≤ 100 KB",
                    verdict(kb <= 100),
                ),
                Budget(
                    f"{target.label}: third-party render-blocking assets",
                    str(len(target.third_party)),
                    "0",
                    verdict(not target.third_party),
                ),
                Budget(
                    f"{target.label}: images are WebP/AVIF/SVG with width+height",
                    "yes" if target.images_ok else "no",
                    "yes",
                    verdict(target.images_ok),
                ),
            ]
    return rows


def load_average() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def machine_state() -> str:
    """The load average, and how fast the machine is right now."""
    return f"{load_average()}; {machine_speed()}"


def machine_speed() -> str:
    """A fixed pure-Python loop, the best of three: a virtual machine's host can slow it
    by half with the load average unchanged, and the calendar's budget is in milliseconds
    (docs/performance.md, "Telling noise from a regression")."""
    best = math.inf
    for _ in range(3):
        began = time.perf_counter()
        total = 0
        for number in range(1_000_000):
            total += number * number
        best = min(best, time.perf_counter() - began)
    return f"a fixed loop {best * 1000:.0f} ms"


def pages_table(results: Results) -> str:
    lines = [
        "| page | req/s | p50 ms | p99 ms | × baseline | SQL queries | compressed KB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in results.targets:
        if not t.available:
            lines.append(f"| {t.label} | {t.note} | | | | | |")
            continue
        if t.kind == "baseline":
            ratio = "1"
        elif t.kind == "public":
            ratio = spread(t.ratios, "{:.2f}") + " of req/s"
        else:
            ratio = spread(t.ratios, "{:.1f}×") + " of p50"
        errors = sum(r.errors for r in t.rounds)
        label = t.label + (f" ({errors} non-2xx/3xx)" if errors else "")
        queries = "–" if t.queries is None else str(t.queries)
        kb = f"{t.bytes_total / 1024:.1f}" if t.bytes_total else "–"
        lines.append(
            f"| {label} | {spread([r.rps for r in t.rounds], '{:.0f}')} "
            f"| {spread([r.p50_ms for r in t.rounds])} "
            f"| {statistics.median([r.p99_ms for r in t.rounds]):.1f} | {ratio} "
            f"| {queries} | {kb} |"
        )
    return "\n".join(lines)


def baseline_drift(results: Results) -> str:
    """How far the baseline moved within each round: the machine's drift, which a page's
    ratio (taken over the baseline measured around it) leaves out."""
    rounds = [
        f"round {number}: p50 {spread([r.p50_ms for r in runs])} ms, "
        f"{spread([r.rps for r in runs], '{:.0f}')} req/s"
        for number, runs in enumerate(results.baseline_runs, 1)
    ]
    measured = len(results.baseline_runs[0]) if results.baseline_runs else 0
    return (
        f"The baseline, measured {measured} times a round (before the pages and after every "
        f"{BASELINE_EVERY}; each page's ratio is over the mean of the two around it): "
        + "; ".join(rounds)
        + "."
    )


def posts_table(results: Results) -> str:
    lines = [
        "| booking step POST | p50 ms | × baseline p50 (one at a time) | requests |",
        "|---|---:|---:|---:|",
        f"| baseline GET, one at a time | {spread(results.sequential_baseline)} | 1 | 50 a round |",
    ]
    for post in results.posts:
        p50s = [statistics.median(s) for s in post.samples if s]
        count = sum(len(s) for s in post.samples)
        lines.append(
            f"| {post.label} | {spread(p50s)} | {spread(post.ratios, '{:.1f}×')} | {count} |"
        )
    return "\n".join(lines)


def calendar_table(results: Results) -> str:
    lines = [
        "| appointments | calendar afresh ms (after a booking) | after a rota edit ms "
        "| SQL queries | practitioners | time step (en) req/s | p50 ms |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in results.calendar:
        step = p.time_step
        wrk = f"{step.rounds[0].rps:.0f} | {step.rounds[0].p50_ms:.2f}" if step else "– | –"
        hours = f"{p.after_hours_ms:.1f}" if p.after_hours_ms is not None else "–"
        lines.append(
            f"| {p.appointments} | {p.ms:.1f} | {hours} | {p.queries} | {p.practitioners} | {wrk} |"
        )
    return "\n".join(lines)


def report_budgets(rows: list[Budget]) -> None:
    say("| budget | measured: median (min–max of rounds) | target | result |")
    say("|---|---:|---:|---|")
    for row in rows:
        say(f"| {row.what} | {row.measured} | {row.target} | {row.result} |")
    failed = [row for row in rows if row.result == "FAIL"]
    say()
    say(f"{len(failed)} of {len(rows)} budgets failed" + (":" if failed else "."))
    for row in failed:
        say(f"- {row.what}: {row.measured} (target {row.target})")


# --- the run ----------------------------------------------------------------------------------

PORT = 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--database-name",
        default=PG_NAME,
        help="PostgreSQL database to drop and create (its name must contain 'bench')",
    )
    parser.add_argument("--appointments", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3, help="every measurement, repeated")
    parser.add_argument("--duration", type=int, default=2, help="seconds of wrk per page")
    parser.add_argument(
        "--post-iterations",
        type=int,
        default=6,
        help="fresh bookings per language and round whose POSTs are timed",
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (0: a free one)")
    parser.add_argument(
        "--growth",
        default=str(CALENDAR_SIZE),
        help="more book sizes for the calendar and the time step ('' to skip)",
    )
    parser.add_argument(
        "--time-budget",
        type=int,
        default=600,
        help="skip growth sizes that would not finish within this many seconds in all",
    )
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even when a budget fails")
    args = parser.parse_args(argv)
    if "bench" not in args.database_name:
        parser.error("--database-name must contain 'bench'")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    redis = start_private_redis(args)
    try:
        failed = measure(args)
    finally:
        redis.stop()
    return 1 if failed and not args.no_fail else 0


def measure(args) -> bool:
    """The whole run; True when a budget failed."""
    global PORT
    say(f"load average at the start: {machine_state()}")
    env = bench_env(args, args.redis_url)
    log(f"fresh {args.db} database")
    fresh_database(args)
    django_setup(env)
    flush_cache()
    log("migrate")
    manage("migrate", "--no-input", "-v", "0")
    log(f"seed {args.appointments} appointments")
    from bench import seed  # Django is set up now

    seed.seed(args.appointments, bench_password=BENCH_PASSWORD, out=io.StringIO())
    log("collectstatic")
    manage("collectstatic", "--no-input", "-v", "0")

    server = None
    results = Results(targets=[], posts=[], calendar=[])
    try:
        PORT = args.port or free_port()
        server = start_gunicorn(env, PORT, args.workers)
        results.targets = build_targets(PORT)
        results.posts = [PostStep(step, lang) for lang in LANGUAGES for step in POST_STEPS]
        for target in results.targets:
            if not target.available:
                log(f"{target.label}: {target.note}")
                continue
            probe = target.client.get(target.path) if target.client else Http(PORT).get(target.path)
            if probe.status != 200:
                target.note = f"HTTP {probe.status}"
                log(f"{target.label}: {target.path} answers HTTP {probe.status}; measured anyway")
        for number in range(1, args.rounds + 1):
            log(f"round {number} of {args.rounds} (load average {machine_state()})")
            measure_round(args, PORT, results)
        work_out_ratios(results)
        log("query counts, bytes, the time step afresh (in this process)")
        for target in results.targets:
            if not target.available or target.kind == "baseline":
                continue
            count_queries(target)
            if target.name == "time step":
                measure_cold_time_step(target)
            if target.check_bytes:
                measure_bytes(target)
        results.calendar.append(measure_calendar(args.appointments))

        say()
        say(
            f"## Pages ({args.db}, {args.appointments} appointments, {args.rounds} rounds of "
            f"wrk -t2 -c8 -d{args.duration}s; median (min–max) of the rounds)"
        )
        say()
        say(pages_table(results))
        say()
        say(baseline_drift(results))
        notes = [f"- {t.label}: {t.note}" for t in results.targets if t.note and t.available]
        notes += [
            f"- {t.label}, calendar worked out afresh (a whole request after a schedule "
            f"change; in-process, median of 5): {t.cold_ms:.1f} ms, {t.cold_queries} queries"
            for t in results.targets
            if t.cold_ms is not None
        ]
        if notes:
            say()
            say("\n".join(notes))
        say()
        say(
            f"## Booking steps' POSTs ({args.post_iterations} fresh bookings per language "
            "and round, one request at a time; median (min–max) of the rounds)"
        )
        say()
        say(posts_table(results))
        say()

        sizes = [int(s) for s in args.growth.split(",") if s.strip()]
        seconds_per_100k = 60.0  # what seeding costs on this machine class, at worst
        for size in sizes:
            if size == args.appointments:
                continue
            elapsed = time.monotonic() - START
            if elapsed + seconds_per_100k * size / 100_000 + 15 > args.time_budget:
                log(f"growth {size}: skipped to stay within {args.time_budget} s")
                continue
            log(f"reseed {size} appointments")
            began = time.monotonic()
            seed.seed(size, appointments_only=True, out=io.StringIO())
            seconds_per_100k = (time.monotonic() - began) * 100_000 / max(size, 1)
            point = measure_calendar(size)
            booking = Booking(PORT, "en").to_time_step()
            step = Target("time step", booking.path("time"), "step", "en", booking.client)
            step.rounds.append(run_wrk(PORT, step, args.duration))
            point.time_step = step
            results.calendar.append(point)
    finally:
        stop_gunicorn(server)
        log("gunicorn stopped")

    say()
    say("## Calendar worked out afresh, and the time step, as the book grows")
    say()
    say(calendar_table(results))
    say()
    say(f"## Budgets (load average at the end: {machine_state()})")
    say()
    rows = budgets(results)
    report_budgets(rows)
    say()
    log("done")
    return any(row.result == "FAIL" for row in rows)


if __name__ == "__main__":
    sys.exit(main())

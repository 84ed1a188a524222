"""Every booking step and the public pages, measured in this process against the baseline.

    .venv/bin/python bench/profile_steps.py [--db sqlite|postgres] [--appointments 5000]
                                            [--language en|es] [--repeat 200] [--floor]
                                            [--staff]
                                            [--profile "screening GET"]

No gunicorn and no wrk: each page is requested many times through Django's test client
(the whole middleware stack, production settings, a private redis-server as the cache)
and the median is compared with the median of the trivial view `/bench/baseline/`
measured the same way in the same run, so the ratios hold on a busy machine too. For
each step: GET and POST median ms, the ratio to the baseline's median, and the SQL
queries of one request (counted with CaptureQueriesContext). The budgets of issue 13:
a step's GET ≤ 3× the baseline, its POST ≤ 5×; public pages (served from the page
cache) are reported as baseline/page, the share of the baseline's throughput one
request at a time.

``--staff`` adds the staff's pages (the admin's home, the appointment book, the review
queue, the day and week calendars), signed in as the bench superuser with its TOTP
device; their budget is ≤ 10× the baseline, and the admin's home is the admin's own
shell, what every staff page costs before its content.

``--floor`` adds the blank questionnaire's step without any template and with only the
base template: what a step costs before its own page is drawn. ``--profile NAME`` (e.g.
"time GET") prints cProfile's top functions for that row
(``PROFILE_FILTER=regex`` narrows the cumulative list); ``SHOW_QUERIES=NAME`` prints the
SQL of one request of that row; ``--redis-port`` puts the private redis-server on a port
of your choosing.

The database is a fresh SQLite file under bench/.work-profile/ (or the PostgreSQL
database `clinic_bench_profile`), seeded by bench/seed.py with `--appointments` rows
(the next 90 days are about half booked whatever the number).
"""

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402  (the benchmark's environment and helpers)

WORK = ROOT / "bench" / ".work-profile"
PG_NAME = "clinic_bench_profile"
GET_BUDGET, POST_BUDGET = 3.0, 5.0
FLOOR_ROWS = ("screening GET, no template", "screening GET, base template only")


def environment(args) -> dict:
    env = run.bench_env(args, args.redis_url)
    if args.db == "postgres":
        env["DATABASE_URL"] = f"postgres://postgres@{run.HOST}:5432/{args.database_name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
    env.update(STATIC_ROOT=str(WORK / "static"), MEDIA_ROOT=str(WORK / "media"))
    return env


def start_private_redis(args):
    """The bench's own redis-server (never the shared one at :6379), on ``--redis-port``."""
    if args.redis_port is None:
        return run.start_private_redis(args)
    from tests.servers import RedisServer

    redis = RedisServer(port=args.redis_port).start()
    args.redis_url = redis.url
    run.log(f"private redis-server on port {redis.port}")
    return redis


def production_like() -> None:
    """Refuse to measure under settings whose numbers mean nothing: DEBUG (no cached
    template loader, every query logged) or a cache other than the private Redis."""
    from django.conf import settings
    from django.template import engines

    assert not settings.DEBUG, "DEBUG is on"
    loaders = engines["django"].engine.loaders
    assert loaders[0][0] == "django.template.loaders.cached.Loader", loaders
    assert settings.CACHES["default"]["BACKEND"] == "clinic.redis_cache.RedisCache"
    assert ":6379" not in settings.CACHES["default"]["LOCATION"]


def fresh_database(args) -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(
            host=run.HOST, port=5432, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {args.database_name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {args.database_name}")


class Timer:
    """Runs one request many times; the median ms, and the queries of one of them."""

    def __init__(self, repeat: int, profile: str | None):
        self.repeat = repeat
        self.profile = profile
        # (name, median ms, the baseline's median ms measured alongside, SQL queries)
        self.rows: list[tuple[str, float, float, int]] = []
        self.profiles: dict[str, str] = {}
        self.baseline = None  # the request of the baseline view, set by the first row

    def measure(self, name: str, request, *, repeat: int | None = None, expect=(200, 302)):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        response = request()  # warm: the caches as a running server has them
        assert response.status_code in expect, (name, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            response = request()
        assert response.status_code in expect, (name, response.status_code)
        count = len(queries)  # now: the next request_started empties the log
        if os.environ.get("SHOW_QUERIES") == name:
            for query in queries:
                run.say(f"{query['time']} s: {query['sql'][:300]}")
        if self.baseline is None:
            self.baseline = request
        # Each request of the page right after one of the baseline's, so a machine that
        # gets busier or quieter during the run moves both alike.
        times, baseline_times = [], []
        for _ in range(repeat or self.repeat):
            began = time.perf_counter()
            self.baseline()
            between = time.perf_counter()
            request()
            ended = time.perf_counter()
            baseline_times.append((between - began) * 1000)
            times.append((ended - between) * 1000)
        self.rows.append((name, statistics.median(times), statistics.median(baseline_times), count))
        if self.profile == name:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(repeat or self.repeat):
                request()
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(os.environ.get("PROFILE_FILTER", ""), 45)
            stats.sort_stats("tottime").print_stats(25)
            self.profiles[name] = out.getvalue()
        return response


def booking_client(treatment, answers, address: str = "127.0.0.1", language: str = "en"):
    from django.test import Client

    client = Client(SERVER_NAME=run.HOST, REMOTE_ADDR=address)
    client.get(f"/{language}/book/?treatment={treatment.slug}")
    return client


def first_start(page: str) -> str:
    import re

    match = re.search(r'name="start" value="([^"]+)"', page)
    assert match, "the time step offered no time"
    return match.group(1)


DETAILS = {
    "name": "Bench Patient",
    "email": "bench.patient@example.invalid",
    "phone": "+1 619 555 0100",
    "consent_treatment": "on",
    "consent_privacy": "on",
    "privacy_notice": "1",
}


def measure_floor(timer: Timer, request) -> None:
    """The blank questionnaire's step (its questions come from the cache) taken apart:
    without any template (the session, the booking's state, the middleware), and with
    only the base template (``booking/placeholder.html``). What a step costs before its
    own page is drawn."""
    from django.http import HttpResponse

    from booking import flow

    render, step_render = flow.render, flow.Step.render
    try:
        flow.Step.render = lambda self, ctx, context, status=200: HttpResponse("")
        timer.measure(FLOOR_ROWS[0], request)
        flow.Step.render = step_render
        flow.render = lambda request, name, context, status=200: render(
            request, "booking/placeholder.html", {}, status=status
        )
        timer.measure(FLOOR_ROWS[1], request)
    finally:
        flow.render, flow.Step.render = render, step_render


STAFF_BUDGET = 10.0
STAFF_ROWS = (
    "admin home",
    "appointment list",
    "appointment list, any date",
    "review queue",
    "day calendar",
    "week calendar",
)


def measure_staff(timer: Timer, language: str) -> None:
    """The staff's pages, signed in as the seed's superuser, verified by its TOTP device
    as a two-factor sign-in leaves the session."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench import seed

    user = get_user_model().objects.get(username=seed.BENCH_USERNAME)
    staff = Client(SERVER_NAME=run.HOST, headers={"Accept-Language": language})
    staff.force_login(user)
    session = staff.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    calendar = reverse("admin:booking_appointment_calendar")
    day = run.next_working_day().isoformat()
    pages = dict(
        zip(
            STAFF_ROWS,
            (
                "/admin/",
                "/admin/booking/appointment/",
                "/admin/booking/appointment/?when=all",
                "/admin/booking/appointmentrequest/",
                f"{calendar}?date={day}&view=day",
                f"{calendar}?date={day}&view=week",
            ),
            strict=True,
        )
    )
    for name, path in pages.items():
        timer.measure(name, lambda path=path: staff.get(path), repeat=max(timer.repeat // 4, 10))


def measure_all(args) -> Timer:
    from django.test import Client

    from treatments.models import Treatment

    timer = Timer(args.repeat, args.profile)
    lang = args.language
    treatment = Treatment.objects.get(slug=run.TREATMENT_SLUG)
    answers = run.screening_answers(treatment)
    # One client (its handler loads the middleware once); public pages set no cookie.
    anonymous = Client(SERVER_NAME=run.HOST)
    timer.measure("baseline", lambda: anonymous.get("/bench/baseline/"))
    timer.measure("home", lambda: anonymous.get(f"/{lang}/"))
    timer.measure(
        "treatment page", lambda: anonymous.get(f"/{lang}/treatments/{run.TREATMENT_SLUG}/")
    )
    posts = max(args.repeat // 4, 10)

    patient = booking_client(treatment, answers, language=lang)
    timer.measure("treatment GET", lambda: patient.get(f"/{lang}/book/treatment/"))
    choice = {"treatment": treatment.pk, "practitioner": ""}
    timer.measure(
        "treatment POST", lambda: patient.post(f"/{lang}/book/treatment/", choice), repeat=posts
    )
    timer.measure("screening GET", lambda: patient.get(f"/{lang}/book/screening/"))
    if args.floor:
        measure_floor(timer, lambda: patient.get(f"/{lang}/book/screening/"))
    timer.measure(
        "screening POST", lambda: patient.post(f"/{lang}/book/screening/", answers), repeat=posts
    )
    # Back to the questions after answering them (what `make bench` measures under wrk).
    timer.measure("screening GET (answered)", lambda: patient.get(f"/{lang}/book/screening/"))
    timer.measure("time GET", lambda: patient.get(f"/{lang}/book/time/"))
    # Each hold writes an appointment, which changes the schedule: hold the same time again.
    start = {"start": first_start(patient.get(f"/{lang}/book/time/").content.decode())}
    timer.measure("time POST", lambda: patient.post(f"/{lang}/book/time/", start), repeat=posts)
    timer.measure("time GET (holding a time)", lambda: patient.get(f"/{lang}/book/time/"))
    timer.measure("details GET", lambda: patient.get(f"/{lang}/book/details/"))
    timer.measure(
        "details POST", lambda: patient.post(f"/{lang}/book/details/", DETAILS), repeat=posts
    )
    timer.measure("review GET", lambda: patient.get(f"/{lang}/book/review/"))

    # Confirming ends a booking: a new patient (all steps done) for each confirmation,
    # each from an address of their own (the policy lets one address hold only a few
    # times at once: more from one would be refused, and confirm nothing).
    confirmations = []
    confirming = max(posts // 4, 5) - 1
    # Two more for the warm-up and the count, and as many again for --profile.
    patients = confirming + 2 + (confirming if args.profile == "review POST" else 0)
    for index in range(patients):
        other = booking_client(
            treatment, answers, address=f"10.0.{index // 250}.{index % 250 + 1}", language=lang
        )
        other.post(f"/{lang}/book/treatment/", choice)
        other.post(f"/{lang}/book/screening/", answers)
        page = other.get(f"/{lang}/book/time/").content.decode()
        held = other.post(f"/{lang}/book/time/", {"start": first_start(page)})
        assert held.status_code == 302, ("the time was not held", held.status_code)
        other.post(f"/{lang}/book/details/", DETAILS)
        confirmations.append(other)

    def confirm():
        response = confirmations.pop().post(f"/{lang}/book/review/")
        assert response["Location"].endswith("/done/"), response["Location"]
        return response

    timer.measure("review POST", confirm, repeat=confirming, expect=(302,))
    if args.staff:
        measure_staff(timer, lang)
    timer.measure("baseline (again)", lambda: anonymous.get("/bench/baseline/"))
    return timer


def report(args, timer: Timer) -> None:
    run.say()
    run.say(
        f"## In-process ({args.db}, {args.language}, {args.appointments} appointments, median of "
        f"{args.repeat} GETs, load average {os.getloadavg()[0]:.1f})"
    )
    run.say()
    # The quieter of the two baseline rows (first and last): a busy moment makes no page
    # look cheaper than it is.
    base = min(ms for name, ms, _alongside, _queries in timer.rows if name.startswith("baseline"))
    run.say(
        f"× baseline: the page's median over the baseline's, {base:.2f} ms (the lower median "
        "of the first and last rows). "
        "Each request of a page also follows one of the baseline's: the last column is the "
        "median of those, a sign of how busy the machine was (a heavy page also slows the "
        "baseline request after it, through garbage collection and the CPU's caches)."
    )
    run.say()
    run.say("| page | median ms | × baseline | budget | SQL queries | baseline alongside ms |")
    run.say("|---|---:|---:|---|---:|---:|")
    for name, ms, alongside, queries in timer.rows:
        ratio = ms / base
        if name in FLOOR_ROWS:
            budget = "(what a step costs before its page)"
        elif name == STAFF_ROWS[0]:
            budget = "(the admin's shell: what a staff page costs before its content)"
        elif name in STAFF_ROWS:
            budget = f"≤ {STAFF_BUDGET:g}× {'PASS' if ratio <= STAFF_BUDGET else 'FAIL'}"
        elif name.endswith("GET") or "GET (" in name:
            budget = f"≤ {GET_BUDGET:g}× {'PASS' if ratio <= GET_BUDGET else 'FAIL'}"
        elif name.endswith("POST"):
            budget = f"≤ {POST_BUDGET:g}× {'PASS' if ratio <= POST_BUDGET else 'FAIL'}"
        elif name.startswith("baseline"):
            budget = ""
        else:
            share = base / ms
            budget = f"{share:.0%} of baseline req/s (≥ 85%) {'PASS' if share >= 0.85 else 'FAIL'}"
        run.say(f"| {name} | {ms:.2f} | {ratio:.1f} | {budget} | {queries} | {alongside:.2f} |")
    run.say()
    for name, text in timer.profiles.items():
        run.say(f"## cProfile: {name} ({args.repeat} requests)")
        run.say(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument("--appointments", type=int, default=5000)
    parser.add_argument(
        "--database-name", default=PG_NAME, help="PostgreSQL database (must say 'bench')"
    )
    parser.add_argument(
        "--language", choices=["en", "es"], default="en", help="the pages' language"
    )
    parser.add_argument("--repeat", type=int, default=200, help="requests per GET measured")
    parser.add_argument(
        "--floor", action="store_true", help="also the screening step without its template"
    )
    parser.add_argument(
        "--staff", action="store_true", help="also the staff's pages (admin, calendars)"
    )
    parser.add_argument("--profile", default=None, help='a row to profile, e.g. "time GET"')
    parser.add_argument(
        "--redis-port", type=int, default=None, help="the private redis-server's port (a free one)"
    )
    args = parser.parse_args()
    redis = start_private_redis(args)
    try:
        env = environment(args)
        fresh_database(args)
        run.django_setup(env)
        production_like()
        run.flush_cache()
        run.log("migrate")
        run.manage("migrate", "--no-input", "-v", "0")
        run.log(f"seed {args.appointments} appointments")
        from bench import seed

        seed.seed(args.appointments, bench_password=run.BENCH_PASSWORD, out=io.StringIO())
        run.log("collectstatic")
        run.manage("collectstatic", "--no-input", "-v", "0")
        run.log("measure")
        report(args, measure_all(args))
    finally:
        redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

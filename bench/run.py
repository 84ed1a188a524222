"""`make bench`: seed a fresh database, serve it with gunicorn, measure every page.

    .venv/bin/python bench/run.py [--db postgres|sqlite] [--appointments 50000]
                                  [--duration 5] [--growth 1000,10000,50000,200000]

Steps: a fresh database (PostgreSQL `clinic_bench`, dropped and created again, or a
SQLite file under bench/.work/), migrate, seed (bench/seed.py), collectstatic,
gunicorn with production settings bound to
127.0.0.1 only, then wrk against each target for a fixed time. Query counts are
measured in this process with Django's test client and the same settings. Every
page is compared with a trivial view through the same middleware (BENCH_BASELINE=1,
/bench/baseline/). gunicorn is always stopped at the end.
"""

import argparse
import gzip
import html.parser
import http.client
import io
import os
import re
import secrets
import shutil
import signal
import socket
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
PG_NAME = "clinic_bench"
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
        database_url = f"postgres://postgres@{HOST}:5432/{PG_NAME}"
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
        # Only the setup POSTs (a few booking sessions) count against this; no page
        # measured is a POST.
        RATE_LIMIT_BOOKING="1000/m",
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
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_NAME}")


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


def booking_session(port: int, *, hold: bool) -> Http:
    """Treatment and screening done (and a held time with details when `hold`)."""
    from treatments.models import Treatment

    treatment = Treatment.objects.get(slug=TREATMENT_SLUG)
    client = Http(port)
    client.get(f"/en/book/?treatment={TREATMENT_SLUG}")
    response = client.post("/en/book/treatment/", {"treatment": treatment.pk, "practitioner": ""})
    expect(response, 302, "treatment step")
    response = client.post("/en/book/screening/", screening_answers(treatment))
    expect(response, 302, "screening step")
    page = expect(client.get("/en/book/time/"), 200, "time step").body
    if hold:
        start = re.search(r'name="start" value="([^"]+)"', page)
        if not start:
            raise SystemExit("the time step offered no free time to hold")
        response = client.post("/en/book/time/", {"start": start.group(1)})
        expect(response, 302, "holding a time")
        details = {
            "name": "Bench Patient",
            "email": "bench.patient@example.invalid",
            "phone": "+1 619 555 0100",
            "consent_treatment": "on",
            "consent_privacy": "on",
            "privacy_notice": "1",  # the version load_clinic_content publishes
        }
        expect(client.post("/en/book/details/", details), 302, "details step")
        expect(client.get("/en/book/review/"), 200, "review step")
    return client


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


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    path: str
    client: Http | None = None
    public: bool = True
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    queries: int | None = None
    bytes_html: int = 0
    bytes_total: int = 0
    third_party: list = field(default_factory=list)
    images_ok: bool = True
    note: str = ""
    # The time step with the shared calendar worked out afresh (a cache miss).
    cold_ms: float | None = None
    cold_queries: int | None = None


def parse_ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(port: int, target: Target, seconds: int) -> None:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if target.client and target.client.cookies:
        command += ["-H", f"Cookie: {target.client.cookie_header()}"]
    command.append(f"http://{HOST}:{port}{target.path}")
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    target.rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    target.p50_ms = parse_ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    target.p99_ms = parse_ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    non_ok = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    target.errors = int(non_ok.group(1)) if non_ok else 0


def count_queries(target: Target) -> None:
    """Queries of one warm request, in this process with Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME=HOST)
    if target.client:
        for name, value in target.client.cookies.items():
            client.cookies[name] = value
    client.get(target.path)  # warm the caches, as the server is after its first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target.path)
    target.queries = len(queries) if response.status_code == 200 else None
    if response.status_code != 200:
        target.note = f"in-process HTTP {response.status_code}"


def measure_cold_calendar(target: Target, runs: int = 5) -> None:
    """The time step when its shared calendar must be worked out afresh (after any
    change to the schedule): one whole request in this process, median of `runs`."""
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from booking import free_times

    client = Client(SERVER_NAME=HOST)
    for name, value in target.client.cookies.items():
        client.cookies[name] = value
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


# --- report ---------------------------------------------------------------------------------


def table(targets: list[Target], baseline: Target) -> str:
    lines = [
        "| target | req/s | p50 ms | p99 ms | × baseline req/s | SQL queries | compressed KB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in targets:
        ratio = t.rps / baseline.rps if baseline.rps else 0
        queries = "–" if t.queries is None else str(t.queries)
        kb = f"{t.bytes_total / 1024:.1f}" if t.bytes_total else "–"
        note = f" ({t.errors} non-2xx/3xx)" if t.errors else ""
        lines.append(
            f"| {t.name}{note} | {t.rps:.0f} | {t.p50_ms:.2f} | {t.p99_ms:.2f} | "
            f"{ratio:.2f} | {queries} | {kb} |"
        )
    return "\n".join(lines)


def budgets(targets: dict[str, Target]) -> list[tuple[str, str, str, bool]]:
    base = targets["baseline"]
    rows = []
    for name in ("home", "treatment"):
        t = targets[name]
        share = t.rps / base.rps if base.rps else 0
        rows.append((f"{name}: throughput vs baseline", f"{share:.0%}", "≥ 70%", share >= 0.7))
    time_step = targets["time step"]
    factor = time_step.p50_ms / base.p50_ms if base.p50_ms else 0
    rows.append(("time step: p50 vs baseline p50", f"{factor:.1f}×", "≤ 3×", factor <= 3))
    worst = max(q for q in (time_step.queries, time_step.cold_queries) if q is not None)
    rows.append(
        (
            "time step: SQL queries (shared calendar; worked out afresh)",
            f"{time_step.queries}; {time_step.cold_queries}",
            "≤ 5",
            worst <= 5,
        )
    )
    admin = targets["admin list"]
    rows.append(
        (
            "admin appointment list: SQL queries",
            str(admin.queries),
            "≤ 10",
            admin.queries is not None and admin.queries <= 10,
        )
    )
    for t in targets.values():
        if not t.public or t.name == "baseline":
            continue
        kb = t.bytes_total / 1024
        rows.append((f"{t.name}: HTML+CSS+JS compressed", f"{kb:.1f} KB", "≤ 100 KB", kb <= 100))
        rows.append(
            (
                f"{t.name}: third-party render-blocking assets",
                str(len(t.third_party)),
                "0",
                not t.third_party,
            )
        )
        rows.append(
            (
                f"{t.name}: images are WebP/AVIF/SVG with width+height",
                "yes" if t.images_ok else "no",
                "yes",
                t.images_ok,
            )
        )
    return rows


def report(args, targets: list[Target], by_name: dict[str, Target]) -> None:
    """The main table and the budgets (printed before the growth runs, so a failure
    while reseeding never loses them)."""
    say()
    say(
        f"## Benchmark ({args.db}, {args.appointments} appointments, "
        f"wrk -t2 -c8 -d{args.duration}s, load average {os.getloadavg()[0]:.1f})"
    )
    say()
    say(table(targets, by_name["baseline"]))
    notes = [f"- {t.name}: {t.note}" for t in targets if t.note]
    notes += [
        f"- {t.name}, calendar worked out afresh (after a schedule change; in-process, "
        f"median of 5): {t.cold_ms:.1f} ms, {t.cold_queries} SQL queries"
        for t in targets
        if t.cold_ms is not None
    ]
    if notes:
        say()
        say("\n".join(notes))
    say()
    say("## Budgets")
    say()
    say("| budget | measured | target | result |")
    say("|---|---:|---:|---|")
    for what, measured, target, ok in budgets(by_name):
        say(f"| {what} | {measured} | {target} | {'PASS' if ok else 'FAIL'} |")
    say()


PORT = 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--appointments", type=int, default=50_000)
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per target")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--growth",
        default="1000,10000,50000,200000",
        help="appointment counts for the time-step growth curve ('' to skip)",
    )
    parser.add_argument(
        "--time-budget",
        type=int,
        default=270,
        help="skip growth sizes that would not finish within this many seconds in all",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    redis = start_private_redis(args)
    try:
        return measure(args)
    finally:
        redis.stop()


def measure(args) -> int:
    global PORT
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
    try:
        PORT = free_port()
        server = start_gunicorn(env, PORT, args.workers)
        targets = [
            Target("baseline", "/bench/baseline/", public=False),
            Target("home", "/en/"),
            Target("treatment", f"/en/treatments/{TREATMENT_SLUG}/"),
            Target("time step", "/en/book/time/", booking_session(PORT, hold=False)),
            Target("review step", "/en/book/review/", booking_session(PORT, hold=True)),
            Target("admin list", "/admin/booking/appointment/", admin_session(PORT), public=False),
        ]
        for target in targets:
            probe = target.client.get(target.path) if target.client else Http(PORT).get(target.path)
            if probe.status != 200:
                target.note = f"HTTP {probe.status}"
                log(f"{target.name}: {target.path} answers HTTP {probe.status}; measured anyway")
            if target.name == "admin list":
                rows = len(re.findall(r"<tr[ >]", probe.body)) - 1
                target.note = f"{max(rows, 0)} rows on the page"
            log(f"wrk {target.name} ({args.duration} s)")
            run_wrk(PORT, target, args.duration)
            count_queries(target)
            if target.name == "time step":
                measure_cold_calendar(target)
            if target.public:
                measure_bytes(target)
        by_name = {t.name: t for t in targets}
        report(args, targets, by_name)

        growth = []
        sizes = [int(s) for s in args.growth.split(",") if s.strip()]
        seconds_per_100k = None
        for size in sizes:
            if size == args.appointments:
                growth.append((size, by_name["time step"], by_name["time step"].queries))
                continue
            elapsed = time.monotonic() - START
            if (
                seconds_per_100k
                and elapsed + seconds_per_100k * size / 100_000 + 15 > args.time_budget
            ):
                log(f"growth {size}: skipped to stay within {args.time_budget} s")
                growth.append((size, None, None))
                continue
            log(f"reseed {size} appointments")
            began = time.monotonic()
            seed.seed(size, appointments_only=True, out=io.StringIO())
            seconds_per_100k = max(
                seconds_per_100k or 0, (time.monotonic() - began) * 100_000 / max(size, 1)
            )
            step = Target("time step", "/en/book/time/", booking_session(PORT, hold=False))
            run_wrk(PORT, step, args.duration)
            count_queries(step)
            measure_cold_calendar(step)
            growth.append((size, step, step.queries))
    finally:
        stop_gunicorn(server)
        log("gunicorn stopped")

    say()
    say("## Growth: time step (60 days, any practitioner)")
    say()
    say(
        "| appointments | req/s | p50 ms | p99 ms | SQL queries "
        "| calendar afresh: ms | calendar afresh: SQL queries |"
    )
    say("|---:|---:|---:|---:|---:|---:|---:|")
    for size, step, queries in growth:
        if step is None:
            say(f"| {size} | skipped (time budget) | | | | | |")
        else:
            say(
                f"| {size} | {step.rps:.0f} | {step.p50_ms:.2f} | {step.p99_ms:.2f} | {queries} "
                f"| {step.cold_ms:.1f} | {step.cold_queries} |"
            )
    say()
    log("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A slow mail server never holds up the web, and the email worker sends each email once.

The site runs as in production: gunicorn with the production settings (DEBUG off) on
127.0.0.1, and the email worker started with the README's command (`manage.py db_worker
--no-reload`), on a database of the test's own: a temporary SQLite file, or, when
DATABASE_URL names PostgreSQL, a database `clinic_slow_mail_<pid>` created and dropped
here. Two mail servers of the test's own listen on free loopback ports:

- a hung one, which accepts the TCP connection and never says a word (as a mail server
  behind a broken firewall or an overloaded relay does);
- a working one (aiosmtpd), which keeps every message it receives and when.

The helpers for the environment, gunicorn and the cookie-keeping HTTP client are
bench/run.py's, as in tests/scale_out/test_two_instances.py. Run with `-s` to see the
figures (confirm POST times, the worker's delivery times).
"""

import email
import email.header
import importlib.util
import json
import logging
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

import pytest

from tests.servers import HOST, free_port

# The code under test runs in gunicorn and worker processes, which time-machine cannot
# reach: the real clock here too. Times in the data are made in those processes,
# relative to that clock and far enough ahead that the moment of the run does not matter.
pytestmark = pytest.mark.real_clock

ROOT = Path(__file__).resolve().parents[2]
PG_NAME = f"clinic_slow_mail_{os.getpid()}"
# What the web servers would wait for a silent mail server if they still sent mail: each
# confirmation held a gunicorn thread this long before the worker existed.
WEB_EMAIL_TIMEOUT = 10
TIMEOUT = 30  # seconds, for every wait below


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load_bench()

SETUP = f"""
import importlib.util, json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", "--no-input", "-v", "0")
call_command("load_clinic_content", "-v", "0")
call_command("collectstatic", "--no-input", "-v", "0")
from treatments.models import Treatment
spec = importlib.util.spec_from_file_location("bench_run", {str(ROOT / "bench" / "run.py")!r})
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
treatment = Treatment.objects.get(slug=bench.TREATMENT_SLUG)
sys.stdout.write(json.dumps({{
    "treatment": treatment.pk, "answers": bench.screening_answers(treatment)
}}))
"""

# Seven more emails about one booked appointment, and three tasks for each, so that two
# workers contend for every single email.
CONTENDED_EMAILS = """
import sys
import django
django.setup()
from booking import emails
from booking.models import Appointment
from tests.factories import PatientEmailFactory
appointment = Appointment.objects.get(reference=sys.argv[1])
for _ in range(7):
    queued = PatientEmailFactory(appointment=appointment)
    for _ in range(3):
        emails.hand_to_worker(queued.pk)
"""


def report(text: str) -> None:
    sys.stdout.write(f"\n[slow mail] {text}\n")


# --- Mail servers of the test's own --------------------------------------------------------


class HungSMTPServer:
    """Accepts every connection and never answers: no greeting, no reply, nothing."""

    def __init__(self):
        self.sock = socket.create_server((HOST, 0))
        self.port = self.sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _address = self.sock.accept()
            except OSError:
                return
            self.connections.append(connection)  # held open, in silence

    def close(self) -> None:
        self._closed.set()
        self.sock.close()
        for connection in self.connections:
            connection.close()


class WorkingSMTPServer:
    """A real SMTP server (aiosmtpd) that keeps what it receives, with the time it arrived."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command
        self.port = free_port()
        self.received: list[tuple[float, str, list[str]]] = []
        self.delay = 0.0
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname=HOST, port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
        with self._lock:
            self.received.append((time.monotonic(), subject, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def about(self, reference: str) -> list[tuple[float, str, list[str]]]:
        with self._lock:
            return [entry for entry in self.received if reference in entry[1]]

    def close(self) -> None:
        self.controller.stop()


# --- The site: a database, gunicorn, the worker --------------------------------------------


class Site:
    """The clinic's environment on a database of the test's own."""

    def __init__(self, work: Path):
        database_url = os.environ.get("DATABASE_URL", "")
        self.postgres = database_url.startswith("postgres")
        if self.postgres:
            self._admin_sql(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            self._admin_sql(f"CREATE DATABASE {PG_NAME}")
            database_url = f"postgres://postgres@{HOST}:5432/{PG_NAME}"
        else:
            self.sqlite_path = work / "clinic.sqlite3"
            database_url = f"sqlite:///{self.sqlite_path}"
        env = bench.bench_env(types.SimpleNamespace(db="sqlite"))
        env.update(
            DATABASE_URL=database_url,
            STATIC_ROOT=str(work / "static"),
            MEDIA_ROOT=str(work / "media"),
            RATE_LIMIT_BOOKING="10000/m",  # every client here is 127.0.0.1
        )
        # One gunicorn worker process, so local-memory caching is one cache; no shared Redis.
        env.pop("REDIS_URL", None)
        env.pop("EMAIL_BACKEND", None)
        env.pop("PYTEST_CURRENT_TEST", None)
        self.env = env
        setup = self.python("-c", SETUP, timeout=180)
        self.data = json.loads(setup.stdout.strip().splitlines()[-1])
        self.stoppers: list = []  # how to stop each process started, in order
        self.work = work

    @staticmethod
    def _admin_sql(sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=HOST, port=5432, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)

    def with_mail_server(self, port: int, timeout: int, **extra: str) -> dict:
        return {
            **self.env,
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": str(timeout),
            **extra,
        }

    def python(self, *args: str, env: dict | None = None, timeout: float = 60):
        result = subprocess.run(
            [str(bench.PYTHON), *args],
            env=env or self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result

    def query(self, sql: str) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(
                host=HOST, port=5432, user="postgres", dbname=PG_NAME, autocommit=True
            ) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.sqlite_path, timeout=20) as conn:
            return conn.execute(sql).fetchall()

    def emails_of(self, reference: str) -> list[tuple[int, bool, str]]:
        """(attempts, sent, last error) of each email about a booking, oldest first."""
        rows = self.query(
            "SELECT e.attempts, e.sent_at IS NOT NULL, e.last_error "
            "FROM booking_patientemail e JOIN booking_appointment a ON a.id = e.appointment_id "
            f"WHERE a.reference = '{reference}' ORDER BY e.id"
        )
        return [(attempts, bool(sent), error) for attempts, sent, error in rows]

    def pending_count(self) -> int:
        return self.query(
            "SELECT count(*) FROM booking_patientemail WHERE sent_at IS NULL AND attempts < 8"
        )[0][0]

    def gunicorn(self, env: dict) -> int:
        port = bench.free_port()
        process = bench.start_gunicorn(env, port, 1)
        self.stoppers.append(lambda: bench.stop_gunicorn(process))
        return port

    def worker(self, env: dict, name: str) -> "Worker":
        worker = Worker(env, self.work / f"{name}.log")
        self.stoppers.append(worker.stop)
        return worker

    def close(self) -> None:
        for stop in self.stoppers:
            stop()
        if self.postgres:
            self._admin_sql(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


class Worker:
    """`manage.py db_worker --no-reload`, as README's systemd unit runs it."""

    def __init__(self, env: dict, log: Path):
        self.log = log
        self._output = log.open("w")
        self.process = subprocess.Popen(
            [str(bench.PYTHON), "manage.py", "db_worker", "--no-reload"],
            env=env,
            cwd=ROOT,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_polling(self) -> None:
        wait_for(lambda: "Starting worker" in self.log.read_text(), "the worker to start")

    def kill(self) -> None:
        """As the kernel's OOM killer or a power cut would: no chance to clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._output.close()

    def stop(self) -> None:
        """SIGTERM, as systemd stops it: the worker finishes the email under way first."""
        bench.stop_gunicorn(self.process)
        self._output.close()


def wait_for(condition, what: str, timeout: float = TIMEOUT) -> float:
    """Poll until `condition()` holds; returns the seconds it took."""
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > timeout:
            pytest.fail(f"gave up waiting for {what} after {timeout} s")
        time.sleep(0.02)
    return time.monotonic() - began


def book(port: int, data: dict) -> tuple[str, float, float]:
    """A patient books the first free time a week ahead on this server, through every step.

    Returns the reference, the seconds the confirm POST took, and when it answered.
    """
    client = bench.Http(port)
    client.get(f"/en/book/?treatment={bench.TREATMENT_SLUG}")
    response = client.post(
        "/en/book/treatment/", {"treatment": data["treatment"], "practitioner": ""}
    )
    assert response.status == 302, f"treatment step: HTTP {response.status}"
    response = client.post("/en/book/screening/", data["answers"])
    assert response.status == 302, f"screening step: HTTP {response.status}"
    page = client.get("/en/book/time/")
    assert page.status == 200, f"time step: HTTP {page.status}"
    # The eighth day offered: gunicorn reads the real clock, and the first times offered
    # could fall inside the minimum notice while the patient books; a week ahead cannot.
    day = re.findall(r"\?day=(\d{4}-\d{2}-\d{2})", page.body)[7]
    page = client.get(f"/en/book/time/?day={day}")
    assert page.status == 200, f"time step for {day}: HTTP {page.status}"
    start = re.findall(r'name="start" value="([^"]+)"', page.body)[0]
    response = client.post("/en/book/time/", {"start": start})
    assert response.status == 302, f"holding a time: HTTP {response.status}"
    details = {
        "name": "Slow Mail Patient",
        "email": "slow.mail@example.invalid",
        "phone": "+1 619 555 0100",
        "consent_treatment": "on",
        "consent_privacy": "on",
        "privacy_notice": "1",  # the version load_clinic_content publishes
    }
    response = client.post("/en/book/details/", details)
    assert response.status == 302, f"details step: HTTP {response.status}"
    review = client.get("/en/book/review/")
    assert review.status == 200
    token = bench.csrf_token(review.body)

    began = time.perf_counter()
    response = client.request("POST", "/en/book/review/", {"csrfmiddlewaretoken": token})
    took = time.perf_counter() - began
    answered = time.monotonic()

    assert response.status == 302, f"confirm: HTTP {response.status}"
    assert response.headers["Location"].endswith("/en/book/done/")
    done = client.get("/en/book/done/")
    reference = re.search(r'<p class="reference">([^<]+)</p>', done.body).group(1).strip()
    return reference, took, answered


@pytest.fixture(scope="module")
def servers():
    hung, working = HungSMTPServer(), WorkingSMTPServer()
    yield hung, working
    hung.close()
    working.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        try:
            Site._admin_sql("SELECT 1")
        except Exception as error:
            if os.environ.get("CI"):
                pytest.fail(f"PostgreSQL is not reachable: {error}", pytrace=False)
            pytest.skip(f"PostgreSQL is not reachable: {error}")
    site = Site(tmp_path_factory.mktemp("slow-mail"))
    yield site
    site.close()


@pytest.fixture(scope="module")
def web(site) -> int:
    """A gunicorn that knows no mail server at all: the port it listens on."""
    port = bench.free_port()
    process = bench.start_gunicorn(site.env, port, 1)
    yield port
    bench.stop_gunicorn(process)


@pytest.fixture
def quiet_site(site, servers):
    """The site with nothing left to send, and every process a test started stopped after it.

    The tests share the module's database: what one left queued (the first sends nothing)
    goes out through the sweep first, so a worker started next begins with this test's work.
    """
    _hung, working = servers
    if site.pending_count():
        site.python("manage.py", "send_pending_emails", env=site.with_mail_server(working.port, 5))
    assert site.pending_count() == 0
    started = len(site.stoppers)
    yield site
    for stop in site.stoppers[started:]:
        stop()
    del site.stoppers[started:]


# --- The tests -----------------------------------------------------------------------------


def test_confirming_with_a_hung_mail_server_is_as_fast_as_with_a_working_one(quiet_site, servers):
    site, (hung, working) = quiet_site, servers
    port_hung = site.gunicorn(site.with_mail_server(hung.port, WEB_EMAIL_TIMEOUT))
    port_working = site.gunicorn(site.with_mail_server(working.port, WEB_EMAIL_TIMEOUT))

    times = {"hung": [], "working": []}
    references = []
    for _ in range(3):  # interleaved, so both see the same machine load
        for name, port in (("hung", port_hung), ("working", port_working)):
            reference, took, _answered = book(port, site.data)
            times[name].append(took)
            references.append(reference)

    hung_median = statistics.median(times["hung"])
    working_median = statistics.median(times["working"])
    report(
        "confirm POST, hung mail server: "
        + ", ".join(f"{t * 1000:.0f} ms" for t in times["hung"])
        + f" (median {hung_median * 1000:.0f} ms); working mail server: "
        + ", ".join(f"{t * 1000:.0f} ms" for t in times["working"])
        + f" (median {working_median * 1000:.0f} ms); EMAIL_TIMEOUT {WEB_EMAIL_TIMEOUT} s"
    )
    # Before the worker, each of these waited EMAIL_TIMEOUT for the silent server.
    assert max(times["hung"]) < 2.0, times
    assert hung_median <= 3 * working_median + 0.25, times
    # No request so much as opened a connection to a mail server: they only recorded.
    assert hung.connections == []
    assert all(not working.about(reference) for reference in references)
    for reference in references:
        assert site.emails_of(reference) == [(0, False, "")]


def test_the_worker_sends_a_queued_email_within_seconds(quiet_site, servers, web):
    site, (_hung, working), port = quiet_site, servers, web
    worker = site.worker(site.with_mail_server(working.port, 15), "worker")
    worker.wait_until_polling()

    delays = []
    for _ in range(3):
        reference, _took, answered = book(port, site.data)
        wait_for(lambda ref=reference: working.about(ref), f"the email about {reference}")
        ((arrived, subject, recipients),) = working.about(reference)
        delays.append(arrived - answered)
        assert recipients == ["slow.mail@example.invalid"]
        assert subject.startswith(("Confirmed:", "Request received"))
        # The worker records the send just after the server accepted the message.
        wait_for(lambda ref=reference: site.emails_of(ref) == [(1, True, "")], "the record")
    worker.stop()

    report(
        "worker, confirm POST answered to message received by the mail server: "
        + ", ".join(f"{d * 1000:.0f} ms" for d in delays)
        + f" (max {max(delays) * 1000:.0f} ms; the worker polls every second)"
    )
    assert max(delays) < 5, delays


def test_a_worker_killed_mid_send_leaves_the_email_to_be_sent_once_after_its_lease(
    quiet_site, servers, web
):
    site, (hung, working), port = quiet_site, servers, web
    # The first worker talks to the hung server: it will be stuck mid-send when killed
    # (within EMAIL_TIMEOUT, or it would give up on its own and record a failure).
    lease = 16
    stuck = site.worker(
        site.with_mail_server(hung.port, 4, EMAIL_SEND_LEASE=str(lease)), "stuck-worker"
    )
    stuck.wait_until_polling()
    connected_before = len(hung.connections)

    reference, _took, _answered = book(port, site.data)
    wait_for(lambda: len(hung.connections) > connected_before, "the worker to reach SMTP")
    stuck.kill()
    # The worker claimed the email before it connected: the lease is over by then.
    lease_over = time.monotonic() + lease

    assert site.emails_of(reference) == [(1, False, "")]  # claimed, under its lease
    sweep_env = site.with_mail_server(working.port, 3)

    # A healthy worker and the sweep leave it alone while the lease lasts…
    healthy = site.worker(sweep_env, "healthy-worker")
    result = site.python("manage.py", "send_pending_emails", env=sweep_env)
    assert result.stdout.strip() == "Emails sent: 0, failed: 0"
    healthy.wait_until_polling()
    assert time.monotonic() < lease_over, "the machine is too slow for this lease"
    assert working.about(reference) == []

    # …and once it is over, the sweep sends it, once.
    time.sleep(max(lease_over - time.monotonic(), 0) + 0.5)
    result = site.python("manage.py", "send_pending_emails", env=sweep_env)
    assert result.stdout.strip() == "Emails sent: 1, failed: 0"
    result = site.python("manage.py", "send_pending_emails", env=sweep_env)
    assert result.stdout.strip() == "Emails sent: 0, failed: 0"
    healthy.stop()  # polled all along, and never ran the killed worker's task again

    assert len(working.about(reference)) == 1
    assert site.emails_of(reference) == [(2, True, "")]
    report(f"killed worker: the sweep sent the email once, after its {lease} s lease")


def test_two_workers_never_send_one_email_twice(quiet_site, servers, web):
    site, (_hung, working), port = quiet_site, servers, web
    reference, _took, _answered = book(port, site.data)  # one email, no worker yet
    mail_env = site.with_mail_server(working.port, 15)
    working.delay = 0.2  # slow enough for both workers to be busy at once
    try:
        workers = [site.worker(mail_env, f"worker-{n}") for n in (1, 2)]
        for worker in workers:
            worker.wait_until_polling()
        site.python("-c", CONTENDED_EMAILS, reference)  # 7 more, three tasks each

        wait_for(
            lambda: all(sent for _attempts, sent, _error in site.emails_of(reference)),
            "every email to be sent",
        )
        ready = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
        wait_for(lambda: site.query(ready)[0][0] == 0, "every task to be run")
        time.sleep(1.5)  # a second send, if any, would have arrived by now
        for worker in workers:
            worker.stop()
    finally:
        working.delay = 0.0

    assert site.emails_of(reference) == [(1, True, "")] * 8
    assert len(working.about(reference)) == 8
    workers_that_ran = site.query(
        "SELECT worker_ids FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL'"
    )
    ids = {worker_id for (value,) in workers_that_ran for worker_id in _json_list(value)}
    assert len(ids) >= 2, "both workers took tasks"
    report(f"two workers, 8 emails, 22 tasks: {len(working.about(reference))} messages sent")


def _json_list(value) -> list:
    return value if isinstance(value, list) else json.loads(value)

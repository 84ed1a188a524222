"""Scale-out: two gunicorn instances sharing one PostgreSQL database and one Redis.

Both instances run the production settings (DEBUG off, Redis cache and cached_db
sessions, shared MEDIA_ROOT) on 127.0.0.1, plain HTTP (SECURE_SSL_REDIRECT=0), against
a dedicated database `clinic_scale_out_<pid>` (created, migrated, loaded with
`load_clinic_content`, dropped at the end) and a private redis-server of the test's own
(tests/servers.py), never the machine's shared Redis. The helpers for the environment,
gunicorn and the cookie-keeping HTTP client are bench/run.py's.

Runs with the PostgreSQL suite (`make test-postgres`, DATABASE_URL=postgres://...) or
when SCALE_OUT=1; plain `make test` (SQLite) skips it. PostgreSQL or Redis down: skip,
except in CI (CI set), where it fails.
"""

import html.parser
import importlib.util
import json
import os
import re
import subprocess
import threading
import types
from binascii import unhexlify
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.servers import RedisServer

pytestmark = pytest.mark.scale_out

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
DB_NAME = f"clinic_scale_out_{os.getpid()}"
ADMIN_USERNAME = "scaleout"
ADMIN_PASSWORD = "scale-out-Admin-password-1"
RACERS = 10
TIMEOUT = 30  # seconds, for every wait below


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load_bench()

# Run once in the instances' environment: migrate, load the content, collect static
# files, create a superuser with a TOTP device, and print what the test needs.
SETUP = f"""
import importlib.util, json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", "--no-input", "-v", "0")
call_command("load_clinic_content", "-v", "0")
call_command("collectstatic", "--no-input", "-v", "0")
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from booking.models import Practitioner
from treatments.models import Treatment
spec = importlib.util.spec_from_file_location("bench_run", {str(ROOT / "bench" / "run.py")!r})
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
user = get_user_model().objects.create_superuser(
    {ADMIN_USERNAME!r}, "scaleout@example.invalid", {ADMIN_PASSWORD!r}
)
device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
treatment = Treatment.objects.get(slug=bench.TREATMENT_SLUG)
practitioner = Practitioner.objects.filter(treatments=treatment).order_by("pk").first()
sys.stdout.write(json.dumps({{
    "treatment": treatment.pk,
    "practitioner": practitioner.pk,
    "answers": bench.screening_answers(treatment),
    "totp": [device.key, device.step, device.t0, device.digits],
}}))
"""


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"Scale-out test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"scale-out test skipped: {reason}")


def _connect_postgres(dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(
        host=HOST, port=5432, user="postgres", dbname=dbname, connect_timeout=5, autocommit=True
    )


def _query(sql: str, params=()) -> list[tuple]:
    with _connect_postgres(DB_NAME) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two gunicorns on free loopback ports; yields (port_a, port_b, setup data)."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") and os.environ.get("SCALE_OUT") != "1":
        pytest.skip(
            "scale-out test needs PostgreSQL and Redis: run `make test-postgres` "
            "(or SCALE_OUT=1 pytest -m scale_out)"
        )
    try:
        with _connect_postgres() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DB_NAME}")
    except Exception as error:
        _unavailable(f"PostgreSQL at {HOST}:5432 is not reachable ({error})")
    redis_server = RedisServer().start()

    work = tmp_path_factory.mktemp("scale-out")
    env = bench.bench_env(types.SimpleNamespace(db="postgres", redis_db=0))
    env.update(
        DATABASE_URL=f"postgres://postgres@{HOST}:5432/{DB_NAME}",
        REDIS_URL=redis_server.url,
        CACHE_KEY_PREFIX="scaleout",
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),  # one folder for both instances
        RATE_LIMIT_BOOKING="10000/m",  # every client here is 127.0.0.1
    )
    env.pop("PYTEST_CURRENT_TEST", None)
    setup = subprocess.run(
        [str(bench.PYTHON), "-c", SETUP],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    data = json.loads(setup.stdout.strip().splitlines()[-1])

    servers = []
    try:
        ports = []
        for _ in range(2):
            port = bench.free_port()
            servers.append(bench.start_gunicorn(env, port, 2))
            ports.append(port)
        yield ports[0], ports[1], data
    finally:
        for server in servers:
            bench.stop_gunicorn(server)
        redis_server.close()
        with _connect_postgres() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def _to_time_step(client, data, practitioner="") -> str:
    """Treatment and screening steps; returns the time step's page."""
    client.get(f"/book/?treatment={bench.TREATMENT_SLUG}")
    response = client.post(
        "/book/treatment/", {"treatment": data["treatment"], "practitioner": practitioner}
    )
    assert response.status == 302, f"treatment step: HTTP {response.status}"
    response = client.post("/book/screening/", data["answers"])
    assert response.status == 302, f"screening step: HTTP {response.status}"
    page = client.get("/book/time/")
    assert page.status == 200, f"time step: HTTP {page.status}"
    return page.body


def _starts(page: str) -> list[str]:
    return re.findall(r'name="start" value="([^"]+)"', page)


# --- (a) one slot, ten patients, two servers ------------------------------------------


def test_race_for_one_slot_across_both_instances_books_it_once(cluster):
    port_a, port_b, data = cluster
    clients = [bench.Http(port_a if i % 2 == 0 else port_b) for i in range(RACERS)]
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        pages = list(pool.map(lambda c: _to_time_step(c, data, str(data["practitioner"])), clients))
    start = _starts(pages[0])[0]
    assert all(start in _starts(page) for page in pages), "every client is offered the slot"
    tokens = [bench.csrf_token(page) for page in pages]
    held_before = _query("SELECT count(*) FROM booking_appointment WHERE status = 'held'")[0][0]

    barrier = threading.Barrier(RACERS, timeout=TIMEOUT)
    results: list = [None] * RACERS

    def race(i: int) -> None:
        barrier.wait()
        try:
            results[i] = clients[i].request(
                "POST", "/book/time/", {"csrfmiddlewaretoken": tokens[i], "start": start}
            )
        except Exception as error:  # reported below, not lost in the thread
            results[i] = error

    threads = [threading.Thread(target=race, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a request hung"

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    statuses = sorted(r.status for r in results)
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses.count(302) == 1, statuses
    assert statuses.count(409) == RACERS - 1, statuses
    for response in results:
        if response.status == 409:
            assert re.search(r"no longer available|just taken", response.body), response.body[:500]
    held = _query(
        "SELECT count(*) FROM booking_appointment WHERE status = 'held' AND practitioner_id = %s",
        (data["practitioner"],),
    )[0][0]
    assert held - held_before == 1
    winners = [i for i, r in enumerate(results) if r.status == 302]
    # Both ports took part in the race.
    assert {clients[i].port for i in range(RACERS)} == {port_a, port_b}
    assert len(winners) == 1


# --- (b) an admin edit on A shows at once on B ------------------------------------------


class FormFields(html.parser.HTMLParser):
    """What a browser would submit from the form with the given id (files left out)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select = None
        self._options: list[tuple[str, bool]] = []
        self._textarea = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or attrs.get("disabled") is not None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value") or "", "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options:
                chosen = [self._options[0][0]]
            self.fields += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def _admin_login(port: int, data) -> "bench.Http":
    from django_otp.oath import totp

    key, step, t0, digits = data["totp"]
    token = totp(unhexlify(key), step, t0, digits, 0)
    client = bench.Http(port)
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": ADMIN_USERNAME,
            "password": ADMIN_PASSWORD,
            "otp_token": f"{token:0{digits}d}",
        },
    )
    assert response.status == 302, f"admin login: HTTP {response.status}"
    return client


def test_admin_edit_on_one_instance_shows_at_once_on_the_other(cluster):
    port_a, port_b, data = cluster
    page_path = f"/treatments/{bench.TREATMENT_SLUG}/"
    patient_b = bench.Http(port_b)
    before = patient_b.get(page_path)
    assert before.status == 200
    patient_b.get(page_path)  # and again: whatever B caches, it has now cached

    admin_a = _admin_login(port_a, data)
    change = f"/admin/treatments/treatment/{data['treatment']}/change/"
    form_page = admin_a.get(change)
    assert form_page.status == 200
    parser = FormFields("treatment_form")
    parser.feed(form_page.body)
    fields = parser.fields
    titles = [(i, v) for i, (n, v) in enumerate(fields) if re.fullmatch(r"sections-\d+-title", n)]
    assert titles, "the change form has section titles"
    index, old_title = titles[0]
    assert old_title in before.body
    new_title = f"{old_title} (edited on A)"
    fields[index] = (fields[index][0], new_title)
    saved = admin_a.request("POST", change, fields_to_dict(fields))
    assert saved.status == 302, f"admin save: HTTP {saved.status}\n{saved.body[:2000]}"

    after = bench.Http(port_b).get(page_path)
    assert after.status == 200
    assert new_title in after.body, "instance B still shows the old content"
    assert new_title in bench.Http(port_a).get(page_path).body


def fields_to_dict(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


# --- (c) a session started on A continues on B -------------------------------------------


def test_a_booking_started_on_one_instance_continues_on_the_other(cluster):
    port_a, port_b, data = cluster
    client = bench.Http(port_a)
    client.get(f"/book/?treatment={bench.TREATMENT_SLUG}")
    response = client.post("/book/treatment/", {"treatment": data["treatment"], "practitioner": ""})
    assert response.status == 302

    client.port = port_b  # same cookies, other server
    response = client.post("/book/screening/", data["answers"])
    assert response.status == 302, "B knows the treatment chosen on A"
    page = client.get("/book/time/")
    assert page.status == 200
    start = _starts(page.body)[-1]
    response = client.post("/book/time/", {"start": start})
    assert response.status == 302, f"holding a time on B: HTTP {response.status}"

    client.port = port_a
    details = client.get("/book/details/")
    assert details.status == 200, "A sees the time held on B"

"""Two gunicorn instances sharing one PostgreSQL database and one Redis: the helpers.

Both instances run the production settings (DEBUG off, Redis cache and cached_db
sessions, shared MEDIA_ROOT) on 127.0.0.1, plain HTTP (SECURE_SSL_REDIRECT=0), against
a dedicated database `clinic_scale_out_<pid>` (created, migrated, loaded with
`load_clinic_content`, dropped at the end) and a private redis-server of the test's own
(tests/servers.py), never the machine's shared Redis. The helpers for the environment,
gunicorn and the cookie-keeping HTTP client are bench/run.py's. The fixtures that start
and stop all this are in conftest.py.

Runs with the PostgreSQL suite (`make test-postgres`, DATABASE_URL=postgres://...) or
when SCALE_OUT=1; plain `make test` (SQLite) skips it. PostgreSQL or Redis down: skip,
except in CI (CI set), where it fails.
"""

import html.parser
import importlib.util
import json
import os
import subprocess
from binascii import unhexlify
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
DB_NAME = f"clinic_scale_out_{os.getpid()}"
ADMIN_USERNAME = "scaleout"
ADMIN_PASSWORD = "scale-out-Admin-password-1"
TIMEOUT = 30  # seconds, for every wait in the tests


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
from booking.models import Practitioner
from tests.factories import TOTPDeviceFactory
from treatments.models import Treatment
spec = importlib.util.spec_from_file_location("bench_run", {str(ROOT / "bench" / "run.py")!r})
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
user = get_user_model().objects.create_superuser(
    {ADMIN_USERNAME!r}, "scaleout@example.invalid", {ADMIN_PASSWORD!r}
)
device = TOTPDeviceFactory(user=user)
treatment = Treatment.objects.get(slug=bench.TREATMENT_SLUG)
practitioner = Practitioner.objects.filter(treatments=treatment).order_by("pk").first()
sys.stdout.write(json.dumps({{
    "treatment": treatment.pk,
    "practitioner": practitioner.pk,
    "answers": bench.screening_answers(treatment),
    "totp": [device.key, device.step, device.t0, device.digits],
}}))
"""


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"Scale-out test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"scale-out test skipped: {reason}")


def connect_postgres(dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(
        host=HOST, port=5432, user="postgres", dbname=dbname, connect_timeout=5, autocommit=True
    )


def query(sql: str, params=()) -> list[tuple]:
    """Rows from the instances' database, read directly."""
    with connect_postgres(DB_NAME) as conn:
        return conn.execute(sql, params).fetchall()


def run_python(env: dict, script: str) -> dict:
    """Run a script in the instances' environment; the JSON on its last line of output."""
    done = subprocess.run(
        [str(bench.PYTHON), "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- Helpers for tests that drive the instances like a browser ---------------------


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


def admin_login(port: int, data) -> "bench.Http":
    """A client signed in to the admin as the cluster's superuser (password and TOTP)."""
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


def fields_to_dict(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data

"""Real-browser harness: Playwright on Debian's Chromium, axe-core and the Nu HTML checker.

pytest-playwright's fixtures drive the browser: a failing test leaves a Playwright trace
(`.venv/bin/playwright show-trace <file>`) and a screenshot of each page it had open in
test-artifacts/<test>/ (the options are in pyproject.toml's addopts).

Missing Chromium, Java or vnu.jar skips these tests loudly on a developer's machine
and fails them in CI (when the CI environment variable is set).
"""

import os

# Playwright's sync API runs an event loop in the main thread; Django would then refuse
# ORM calls from fixtures. Must be set before Django touches the database.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import io
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 5_000
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SHOTS = Path("/tmp/shots")
# vnu needs a deep thread stack (deeper with C1 only); the other flags cut JVM start-up.
JAVA_FAST_START = ["-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]

_missing: set[str] = set()


def _unavailable(what: str, fix: str) -> None:
    """Fail in CI, skip (and shout in the summary) elsewhere."""
    message = f"{what} — {fix}"
    if os.environ.get("CI"):
        pytest.fail(f"Browser tests cannot run in CI: {message}", pytrace=False)
    _missing.add(message)
    pytest.skip(f"SKIPPED BROWSER TEST: {message}")


def pytest_terminal_summary(terminalreporter):
    if not _missing:
        return
    terminalreporter.write_sep("!", "BROWSER TESTS WERE SKIPPED", red=True, bold=True)
    for message in sorted(_missing):
        terminalreporter.write_line(f"WARNING: {message}", red=True, bold=True)
    terminalreporter.write_line(
        "Run `make browser-deps` (or scripts/ensure_browser_deps.sh) and test again.",
        red=True,
    )


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's Chromium (`playwright install` cannot download
    here), headless, with the flags a container needs."""
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(
            f"Chromium is missing at {CHROMIUM}",
            "install Debian's package: apt-get install -y chromium",
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Every page's relative addresses go to the live server (pytest-playwright's
    ``browser_context_args`` reads this)."""
    return live_server.url


@pytest.fixture
def new_page(new_context, clinic_content):
    """Factory for extra pages: new_page(viewport=..., java_script_enabled=False).

    Each page has a context of its own from pytest-playwright's ``new_context``, which
    records a trace; when the test fails, the trace and a screenshot of every page
    it left open are kept under test-artifacts/<test>/ (pyproject.toml's addopts).
    """

    def make(viewport=DESKTOP, **context_options):
        context = new_context(viewport=viewport, bypass_csp=True, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.seen_requests = []  # every URL the page asked for, to check hosts
        page.on("request", lambda request: page.seen_requests.append(request.url))
        return page

    return make


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def page(request, new_page):
    """A page at phone width (375×812) and at desktop width (1280×900)."""
    return new_page(viewport=request.param)


# --------------------------------------------------------------------------- checks


def _format_axe(violations: list[dict], url: str) -> str:
    lines = [f"{len(violations)} axe violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- [{violation.get('impact')}] {violation['id']}: {violation['help']} "
            f"({violation.get('helpUrl', '')})"
        )
        for node in violation["nodes"][:8]:
            lines.append(f"    target: {node['target']}")
            summary = (node.get("failureSummary") or "").replace("\n", " | ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe_check():
    """axe_check(page): assert axe-core finds no WCAG 2.1 A/AA or best-practice violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}

    def check(page) -> None:
        results = axe.run(page, options=options)
        violations = results.response["violations"]
        if violations:
            raise AssertionError(_format_axe(violations, page.url))

    return check


@pytest.fixture(scope="session")
def html_errors():
    """html_errors(html) -> list of Nu HTML checker errors ("line:col: message").

    Also takes a dict {name: html} and checks them all in one Java start, returning
    "name line:col: message" strings.
    """
    if not VNU_JAR.exists():
        _unavailable(
            f"the Nu HTML checker is missing at {VNU_JAR.relative_to(ROOT)}",
            "run `npm ci` (or scripts/ensure_browser_deps.sh)",
        )
    java = shutil.which("java")
    if not java:
        _unavailable("Java is missing", "apt-get install -y default-jre-headless")

    def check(html: str | dict[str, str]) -> list[str]:
        documents = {"page": html} if isinstance(html, str) else dict(html)
        with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
            paths = {}
            for index, (name, text) in enumerate(documents.items()):
                path = Path(tmp) / f"doc{index}.html"
                path.write_text(text, encoding="utf-8")
                paths[str(path)] = name
            result = subprocess.run(
                [java, *JAVA_FAST_START, "-jar", str(VNU_JAR), "--errors-only"]
                + ["--format", "json", "--stdout", *paths],
                capture_output=True,
                text=True,
                timeout=120,
            )
        if result.returncode not in (0, 1) or not result.stdout.strip():
            raise AssertionError(f"vnu did not run: rc={result.returncode} {result.stderr}")
        errors = []
        for message in json.loads(result.stdout).get("messages", []):
            if message.get("type") not in ("error", "non-document-error"):
                continue
            url = message.get("url", "")
            name = paths.get(url.removeprefix("file:").removeprefix("//"), url)
            where = f"{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}"
            prefix = "" if isinstance(html, str) else f"{name} "
            errors.append(
                f"{prefix}{where}: {message.get('message')} [{message.get('extract', '')}]"
            )
        if result.returncode and not errors:
            raise AssertionError(f"vnu failed without messages: {result.stdout} {result.stderr}")
        return errors

    return check


@pytest.fixture
def screenshot():
    """screenshot(page, name): full-page PNG in /tmp/shots for people to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        width = page.viewport_size["width"] if page.viewport_size else 0
        path = SHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# --------------------------------------------------------------------------- data


CONTENT_APPS = ("clinic", "treatments", "booking")


@pytest.fixture(scope="session")
def _content_dump(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser-content") / "clinic_content.json"


@pytest.fixture
def clinic_content(transactional_db, settings, _content_dump):
    """The clinic profile and a complete, published microneedling treatment.

    Built once per session by `load_clinic_content` (drawing the hero image takes
    seconds), dumped, and loaded again for each later test after the database flush.
    """
    from tests import settings as test_settings

    # tests/conftest.py moves MEDIA_ROOT per test, but the media URL route was bound to
    # the original folder when the URLconf loaded; keep them the same so images load
    # (and so the renditions made by the first test stay there for the later ones).
    settings.MEDIA_ROOT = test_settings.MEDIA_ROOT
    if _content_dump.exists():
        call_command("loaddata", str(_content_dump), verbosity=0)
    else:
        call_command("load_clinic_content", stdout=io.StringIO())
        call_command("dumpdata", *CONTENT_APPS, output=str(_content_dump), verbosity=0)
    from django.core.cache import cache

    cache.clear()
    from treatments.models import Treatment

    return Treatment.objects.get(slug="microneedling")

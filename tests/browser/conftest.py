"""Real-browser harness: Playwright on Debian's Chromium, axe-core and the Nu HTML checker.

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
from django.core.files.base import ContentFile
from django.core.management import call_command, get_commands

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
def browser():
    """One headless Chromium for the whole session."""
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(
            f"Chromium is missing at {CHROMIUM}",
            "install Debian's package: apt-get install -y chromium",
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def _new_page(browser, live_server, viewport, **context_options):
    context = browser.new_context(
        viewport=viewport, base_url=live_server.url, bypass_csp=True, **context_options
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.seen_requests = []  # every URL the page asked for, to check hosts
    page.on("request", lambda request: page.seen_requests.append(request.url))
    return context, page


@pytest.fixture
def new_page(browser, live_server, clinic_content):
    """Factory for extra pages: new_page(viewport=..., java_script_enabled=False)."""
    contexts = []

    def make(viewport=DESKTOP, **context_options):
        context, page = _new_page(browser, live_server, viewport, **context_options)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


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
        if "load_clinic_content" in get_commands():
            call_command("load_clinic_content", stdout=io.StringIO())
        else:  # until the content command lands
            _create_fallback_content()
        call_command("dumpdata", *CONTENT_APPS, output=str(_content_dump), verbosity=0)
    from django.core.cache import cache

    cache.clear()
    from treatments.models import Treatment

    return Treatment.objects.get(slug="microneedling")


def _hero_png() -> ContentFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 900), (238, 245, 246))
    draw = ImageDraw.Draw(image)
    for index in range(12):
        draw.ellipse(
            (200 + index * 100, 300, 260 + index * 100, 360), fill=(31, 95, 115 - index * 4)
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="microneedling.png")


def _create_fallback_content() -> None:
    from booking.models import ScreeningQuestion
    from clinic.models import ClinicProfile
    from treatments.models import FAQ, Section, SectionKind, Treatment

    ClinicProfile.objects.update_or_create(
        pk=1,
        defaults={
            "name": "Piel Clara Clinic",
            "tagline": "Calm, careful skin treatments in Tijuana.",
            "about": "A small clinic for skin treatments.\n\nWe take our time with every patient.",
            "street_address": "Av. Ejemplo 123, Zona Río",
            "locality": "Tijuana",
            "region": "Baja California",
            "postal_code": "22010",
            "country": "Mexico",
            "country_code": "MX",
            "map_url": "https://www.openstreetmap.org/search?query=Tijuana",
            "phone": "+52 664 000 0000",
            "email": "hello@clinic.example",
            "opening_hours": "Monday–Friday: 9:00–18:00\nSaturday: 9:00–14:00",
        },
    )
    treatment = Treatment(
        name="Microneedling",
        slug="microneedling",
        summary="Fine needles make tiny channels in the skin that prompt it to renew itself.",
        hero_image_alt="Illustration of a row of fine needles above smooth skin",
        session_minutes=30,
        visit_minutes=120,
        price_from=150,
        sessions_min=3,
        sessions_max=6,
        spacing_weeks_min=4,
        spacing_weeks_max=6,
        is_published=True,
    )
    treatment.hero_image.save("microneedling.png", _hero_png(), save=False)
    treatment.save()
    for kind, label in SectionKind.choices:
        Section.objects.create(
            treatment=treatment,
            kind=kind,
            title=str(label),
            body=f"About **{label}**.\n\n- First point\n- Second point\n\n" + "Text. " * 80,
        )
    for number in range(8):
        FAQ.objects.create(
            treatment=treatment,
            question=f"Frequent question number {number + 1}?",
            answer=f"The answer to question {number + 1}.",
            position=number,
        )
    for position, (label, outcome) in enumerate(
        [
            ("You are pregnant or breastfeeding", "blocks_booking"),
            ("You take blood thinners", "needs_review"),
        ]
    ):
        ScreeningQuestion.objects.create(
            treatment=treatment,
            text=label + "?",
            public_label=label,
            outcome=outcome,
            position=position,
        )

"""Translations are checked: every message in Spanish, nothing patients read left unmarked,
the compiled catalogue up to date (CI also checks `make messages` changes nothing)."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted(
    (ROOT / "templates").rglob("*.txt")
)

# --- The catalogues --------------------------------------------------------------------


def test_there_is_a_spanish_catalogue():
    assert ROOT / "locale/es/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_and_none_is_fuzzy(path):
    catalogue = polib.pofile(str(path))

    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert not missing, f"{len(missing)} messages without Spanish, e.g. {missing[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy messages, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_matches_its_po_file(path):
    """The .mo is committed (a fresh clone is in Spanish without gettext installed)."""
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"run `make messages` to compile {compiled.name}"

    wanted = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
        for entry in polib.pofile(str(path)).translated_entries()
    }
    found = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
        for entry in polib.mofile(str(compiled))
        if entry.msgid
    }

    assert found == wanted, "the .mo is out of date: run `make messages`"


# --- Nothing a patient reads is left unmarked ------------------------------------------

# Template text that is not language: punctuation, symbols, and names that read the same
# in both languages.
NOT_LANGUAGE = re.compile(r"^[\W\d_]*$")
ALLOWED_TEXT = {
    "Español",
    "English",
    # Not text: Open Graph types (og_type blocks) and the admin's body class (lockout.html).
    "website",
    "article",
    "login",
}
# Attributes whose values are read out or shown.
READ_ATTRIBUTES = re.compile(
    r'\b(?:alt|title|placeholder|aria-label|aria-description|label)="([^"{]*)"'
)
TEMPLATE_CODE = [
    # The admin's body class names are CSS hooks, never shown.
    re.compile(r"\{%\s*block\s+bodyclass\s*%\}.*?\{%\s*endblock\s*%\}", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{%\s*blocktranslate\b.*?\{%\s*endblocktranslate\s*%\}", re.S),
    re.compile(r"\{%.*?%\}", re.S),
    re.compile(r"\{\{.*?\}\}", re.S),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"<(script|style)\b.*?</\1>", re.S),
]


def unmarked_text(source: str, *, html: bool) -> list[str]:
    """Words in a template that no {% translate %} or {% blocktranslate %} covers."""
    found = []
    if html:
        for value in READ_ATTRIBUTES.findall(re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "", source)):
            if value.strip() and not NOT_LANGUAGE.match(value):
                found.append(value.strip())
    for pattern in TEMPLATE_CODE:
        source = pattern.sub(" ", source)
    if html:
        source = re.sub(r"<[^>]*>", " ", source)
        source = re.sub(r"&\w+;|&#\d+;", " ", source)
    for chunk in re.split(r"\s{2,}|\n", source):
        chunk = chunk.strip()
        if chunk and not NOT_LANGUAGE.match(chunk) and chunk not in ALLOWED_TEXT:
            found.append(chunk)
    return found


def test_the_scanner_finds_unmarked_text_and_accepts_marked_text():
    assert unmarked_text("<p>Hello there</p>", html=True) == ["Hello there"]
    assert unmarked_text('<img alt="A room">', html=True) == ["A room"]
    assert unmarked_text("{% translate 'Hello' %} — {{ name }}", html=True) == []
    assert unmarked_text("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}", html=True) == []
    assert unmarked_text('<a aria-label="{% translate "Main" %}">', html=True) == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_word_in_the_templates_is_marked_for_translation(path):
    source = path.read_text()
    if path.name.endswith("_subject.txt") or path.suffix == ".txt":
        found = unmarked_text(source, html=False)
    else:
        found = unmarked_text(source, html=True)

    assert not found, f"unmarked text in {path.relative_to(ROOT)}: {found}"


# Exceptions whose message reaches the patient: every literal must be marked.
PATIENT_ERRORS = {"BookingError", "SlotUnavailable", "NotAllowed", "ScreeningBlocksBooking"}


def python_sources():
    for app in ("booking", "clinic", "treatments"):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_messages_raised_to_patients_are_marked_for_translation():
    unmarked = []
    for path in python_sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and getattr(node.exc.func, "id", None) in PATIENT_ERRORS
                and any(isinstance(arg, (ast.Constant, ast.JoinedStr)) for arg in node.exc.args)
            ):
                unmarked.append(f"{path.relative_to(ROOT)}:{node.lineno}")

    assert not unmarked, f"patient-facing messages not marked for translation: {unmarked}"


def test_every_field_staff_can_edit_has_a_label_that_translates():
    """A field declared without a label is named after its attribute, in English
    ("practitioner", "treatment"), on the Spanish admin's forms, columns and filters."""
    from django.apps import apps
    from django.utils.functional import Promise

    unlabelled = [
        f"{model.__name__}.{field.name}"
        for app in ("clinic", "booking", "treatments")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.proxy
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and not field.auto_created
        and field.editable
        and not isinstance(field._verbose_name, Promise)
    ]

    assert unlabelled == []

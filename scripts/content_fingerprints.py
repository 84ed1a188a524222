"""Print the fingerprints of the content shipped at a git revision, for the ``previous``
modules (treatments/content/previous.py, booking/content/previous.py).

Run it before changing the standard content, with the revision that shipped the text
being replaced, and merge its output into those modules: ``load_clinic_content`` then
recognises rows still holding that text as untouched and corrects them.

    .venv/bin/python scripts/content_fingerprints.py 1425f8d
"""

import os
import subprocess
import sys
import types
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
django.setup()

from booking.content.loading import english_question_values  # noqa: E402
from treatments.content import microneedling  # noqa: E402
from treatments.content.fingerprints import fingerprint  # noqa: E402


def emit(line: str) -> None:
    sys.stdout.write(line + "\n")


def module_at(revision: str, path: str) -> types.ModuleType:
    source = subprocess.run(
        ["git", "show", f"{revision}:{path}"], check=True, capture_output=True, text=True
    ).stdout
    module = types.ModuleType(path)
    exec(compile(source, path, "exec"), module.__dict__)  # our own file, at our own commit
    return module


def main(revision: str) -> None:
    page = module_at(revision, "treatments/content/microneedling.py")
    questions = module_at(revision, "booking/content/screening.py")
    emit(f"# Shipped at {revision}.")
    emit("TREATMENT_FIELDS = {")
    for name, value in page.TREATMENT.items():
        if name != "slug":
            emit(f"    {name!r}: ({fingerprint({name: value})!r},),")
    emit("}\nSECTIONS = {")
    for kind, title, body in page.SECTIONS:
        emit(f"    {kind!r}: ({fingerprint({'title': title, 'body': body})!r},),")
    # FAQs had no key before; they are recognised by their question.
    key_of = {question: key for key, question, _ in microneedling.FAQS}
    faqs = [(faq[-2], faq[-1]) for faq in page.FAQS]
    emit("}\nFAQS = {")
    for question, answer in faqs:
        digest = fingerprint({"question": question, "answer": answer})
        emit(f"    {key_of[question]!r}: ({digest!r},),")
    emit("}\nFAQ_QUESTIONS = {")
    for question, _answer in faqs:
        emit(f"    {fingerprint({'question': question})!r}: {key_of[question]!r},")
    emit("}\n\n# booking/content/previous.py\nQUESTIONS = {")
    for entry in questions.QUESTIONS:
        emit(f"    {entry['key']!r}: ({fingerprint(english_question_values(entry))!r},),")
    emit("}\nQUESTION_TEXTS = {")
    for entry in questions.QUESTIONS:
        emit(f"    {fingerprint({'text': entry['text']})!r}: {entry['key']!r},")
    emit("}")


if __name__ == "__main__":
    main(sys.argv[1])

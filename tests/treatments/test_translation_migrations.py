"""The migrations that add the language columns keep what the site already held: the
existing text becomes its English version, Spanish starts empty (and falls back)."""

import pytest

from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("treatments", "0002_content_fingerprints"), ("clinic", "0002_privacy_notice")]
AFTER = [("treatments", "0003_translations"), ("clinic", "0003_translations")]


def test_existing_text_becomes_the_english_version():
    old = migrate(BEFORE)
    old.get_model("treatments", "Treatment").objects.create(
        name="Microneedling",
        slug="microneedling",
        summary="Fine needles.",
        price_from=100,
        session_minutes=30,
        visit_minutes=60,
        spacing_weeks_min=4,
        spacing_weeks_max=6,
        position=0,
    )
    old.get_model("clinic", "ClinicProfile").objects.create(pk=1, tagline="Careful care.")

    try:
        new = migrate(AFTER)
        treatment = new.get_model("treatments", "Treatment").objects.get()
        profile = new.get_model("clinic", "ClinicProfile").objects.get()
        assert (treatment.name_en, treatment.summary_en) == ("Microneedling", "Fine needles.")
        assert treatment.name_es is None and treatment.summary_es is None
        assert profile.tagline_en == "Careful care."
    finally:
        migrate_to_latest()

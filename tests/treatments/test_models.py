import pytest
from django.core.exceptions import ValidationError

from tests.factories import SectionFactory, TreatmentFactory, image_upload
from treatments.models import SectionKind, Treatment

pytestmark = pytest.mark.django_db


def test_published_returns_only_published_treatments():
    published = TreatmentFactory(name="Microneedling")
    TreatmentFactory(name="Peel", draft=True)

    assert list(Treatment.objects.published()) == [published]


def test_it_hides_drafts_from_the_public_but_not_from_staff(django_user_model):
    published = TreatmentFactory()
    draft = TreatmentFactory(draft=True)
    patient = django_user_model.objects.create_user("patient", password="x" * 12)
    staff = django_user_model.objects.create_user("staff", password="x" * 12, is_staff=True)

    assert set(Treatment.objects.visible_to(patient)) == {published}
    assert set(Treatment.objects.visible_to(staff)) == {published, draft}


def test_ordered_sections_follow_the_fixed_order_whatever_the_creation_order():
    treatment = TreatmentFactory()
    for kind in reversed(SectionKind.values):
        SectionFactory(treatment=treatment, kind=kind)
    SectionFactory(kind=SectionKind.BENEFITS)  # another treatment's section

    treatment = Treatment.objects.prefetch_related("sections").get(pk=treatment.pk)
    assert [section.kind for section in treatment.ordered_sections()] == SectionKind.values


def test_ordered_sections_keep_the_order_when_some_kinds_are_missing():
    treatment = TreatmentFactory()
    for kind in (SectionKind.AFTERCARE, SectionKind.HOW_IT_WORKS, SectionKind.RISKS):
        SectionFactory(treatment=treatment, kind=kind)

    assert [section.kind for section in treatment.ordered_sections()] == [
        SectionKind.HOW_IT_WORKS,
        SectionKind.RISKS,
        SectionKind.AFTERCARE,
    ]


def test_clean_requires_alt_text_with_a_hero_image():
    treatment = TreatmentFactory.build(hero_image=image_upload("hero.png"), hero_image_alt=" ")

    with pytest.raises(ValidationError) as error:
        treatment.clean()

    assert set(error.value.message_dict) == {"hero_image_alt_en"}


def test_clean_accepts_a_hero_image_with_alt_text():
    treatment = TreatmentFactory.build(
        hero_image=image_upload("hero.png"), hero_image_alt="A patient's cheek, close up."
    )

    treatment.clean()  # no error


def test_clean_rejects_fewer_maximum_sessions_than_minimum():
    treatment = TreatmentFactory.build(sessions_min=4, sessions_max=2)

    with pytest.raises(ValidationError) as error:
        treatment.clean()

    assert set(error.value.message_dict) == {"sessions_max"}


def test_clean_rejects_a_spacing_range_that_ends_before_it_starts():
    treatment = TreatmentFactory.build(spacing_weeks_min=6, spacing_weeks_max=4)

    with pytest.raises(ValidationError) as error:
        treatment.clean()

    assert set(error.value.message_dict) == {"spacing_weeks_max"}


def test_clean_rejects_a_visit_shorter_than_the_treatment():
    treatment = TreatmentFactory.build(session_minutes=60, visit_minutes=45)

    with pytest.raises(ValidationError) as error:
        treatment.clean()

    assert set(error.value.message_dict) == {"visit_minutes"}


def test_full_clean_accepts_a_consistent_treatment():
    treatment = TreatmentFactory.build(
        session_minutes=45, visit_minutes=45, sessions_min=3, sessions_max=3
    )

    treatment.full_clean()  # no error


def test_the_description_falls_back_to_the_start_of_the_summary():
    treatment = TreatmentFactory.build(seo_description="", summary="x" * 300)
    assert treatment.description == "x" * 160

    treatment.seo_description = "Microneedling in Tijuana."
    assert treatment.description == "Microneedling in Tijuana."


def test_a_new_hero_image_gets_renditions_and_keeps_them_on_the_next_save():
    treatment = TreatmentFactory(with_hero=True)
    treatment.refresh_from_db()
    renditions = treatment.hero_renditions

    treatment.name = "Renamed"
    treatment.save()
    treatment.refresh_from_db()

    assert renditions["source"] == treatment.hero_image.name
    assert treatment.hero_renditions == renditions

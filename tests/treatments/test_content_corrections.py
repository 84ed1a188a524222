"""load_clinic_content brings the standard content up to date only where staff have not
edited it: a fingerprint of what it last wrote, and the fingerprints of what it shipped
before fingerprints existed (issue 10)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking import screening
from booking.choices import Outcome, QuestionKind
from booking.content import loading as booking_loading
from booking.content import screening as screening_content
from booking.models import ScreeningQuestion
from booking.services import rules_for
from tests.factories import ScreeningQuestionFactory, TreatmentFactory
from treatments.content import microneedling
from treatments.content.fingerprints import Change, bring_up_to_date, fingerprint
from treatments.models import FAQ, Section, SectionKind, Treatment

# As the loader of commit 1425f8d wrote them (booking/content/previous.py has their
# fingerprints): the wording issue 10 corrects, and the two questions it replaces.
OLD_PREGNANCY_MESSAGE = (
    "We do not offer microneedling during pregnancy or while breastfeeding, partly because "
    "the numbing cream should not be used then. We would be glad to see you afterwards."
)
OLD_ALLERGY_MESSAGE = (
    "The treatment uses metal needles and a numbing cream, so with this allergy we cannot "
    "book it online. Please contact us and we will talk it through with you."
)
OLD_INFECTION = {
    "text": "Do you have a skin infection at the moment?",
    "help_text": "For example an infected spot, impetigo, a fungal rash or a wart.",
    "public_label": "You have an active skin infection",
    "patient_message": (
        "Microneedling has to wait until a skin infection has fully cleared. Please contact "
        "us once it has, and we will find you a time."
    ),
}
OLD_SUNBURN = {
    "text": "Have you had sunburn on the area to be treated in the last two weeks?",
    "outcome": Outcome.BLOCKS_BOOKING,
    "public_label": "You have had sunburn on the area in the last two weeks",
    "patient_message": (
        "Sunburnt skin needs time to recover first. You are welcome to book once two weeks "
        "have passed since the sunburn."
    ),
}
OLD_PROCEDURES = {
    "kind": QuestionKind.DATE,
    "text": (
        "When did you last have filler, anti-wrinkle treatment (for example Botox), a chemical "
        "peel or laser treatment in the area? Leave empty if not in the last 3 months."
    ),
    "outcome": Outcome.NEEDS_REVIEW,
    "waiting_days": 14,
    "public_label": (
        "You had filler, anti-wrinkle treatment, a chemical peel or laser on the area in the "
        "last two weeks"
    ),
    "patient_message": (
        "You had another treatment on the area recently, so the earliest date you can book is "
        "two weeks after it, and a clinician will look at your answers before confirming."
    ),
}
OLD_PREGNANCY_FAQ = (
    "No. We do not offer microneedling during pregnancy or while breastfeeding; one reason is "
    "that the numbing cream should not be used then. We will be happy to see you afterwards."
)
OLD_VISIT_INSTRUCTIONS = "\n".join(
    [
        "Arrive about 10 minutes early so the numbing cream can go on as soon as your visit "
        "starts.",
        "Come with clean skin and no makeup on the area to be treated.",
        "Allow up to about 2 hours for the whole visit.",
        "Avoid alcohol and hard exercise for 24 hours before your visit.",
        "Keep the area out of strong sun and away from tanning beds in the days before.",
        "After your treatment, stay out of the sun and use SPF 50 sunscreen for several days.",
        "Bring a hat and sunscreen for the journey home.",
    ]
)
# The date questions as commit 830f9d2 shipped them, each asked on its own, before they
# followed one yes/no question (`recent_treatments`): how their text ended then.
DATE_KEYS = [
    "filler_botox_date",
    "light_peel_date",
    "deep_peel_date",
    "ablative_laser_date",
    "other_laser_date",
    "sunburn_date",
    "hair_removal_date",
]
NEW_KEYS = {
    "changing_mole",
    "face_area",
    "pigment_history",
    "vitiligo_psoriasis",
    "tattoo",
    "implants",
    "recent_treatments",
    *DATE_KEYS,
}
OLD_DATE_ENDINGS = {
    "filler_botox_date": "Leave empty if not in the last month.",
    "light_peel_date": "Leave empty if not in the last month.",
    "deep_peel_date": "Leave empty if not in the last 6 months.",
    "ablative_laser_date": "Leave empty if not in the last 6 months.",
    "other_laser_date": "Leave empty if not in the last 2 months.",
    "sunburn_date": "Leave empty if not in the last month.",
    "hair_removal_date": "Leave empty if not in the last 2 weeks.",
}


def questions_at_830f9d2() -> list[dict]:
    """The standard questionnaire of commit 830f9d2: no `recent_treatments`, the dates
    asked on their own with their old wording."""
    old = []
    for entry in screening_content.QUESTIONS:
        if entry["key"] == "recent_treatments":
            continue
        if entry["key"] in OLD_DATE_ENDINGS:
            text = entry["text"].split(" Leave empty")[0] + " " + OLD_DATE_ENDINGS[entry["key"]]
            entry = {k: v for k, v in entry.items() if k not in ("parent", "parent_answer")}
            entry["text"] = text
        old.append(entry)
    return old


def load() -> str:
    out = io.StringIO()
    call_command("load_clinic_content", stdout=out)
    return out.getvalue()


def by_key(key: str) -> ScreeningQuestion:
    return ScreeningQuestion.objects.get(content_key=key)


def clear_spanish() -> None:
    """No Spanish texts, as before the loader wrote them."""
    ScreeningQuestion.objects.update(
        **{f"{name}_es": "" for name in booking_loading.TRANSLATED_FIELDS}
    )
    FAQ.objects.update(question_es="", answer_es="", answer_html_es="")
    Section.objects.update(title_es="", body_es="", body_html_es="")
    Treatment.objects.update(
        name_es="", summary_es="", seo_description_es="", visit_instructions_es=""
    )


def loaded_before_fingerprints() -> Treatment:
    """A database as the loader of commit 1425f8d left it: no keys or fingerprints, the
    old wording, the old sunburn and recent-treatment questions, none of the new ones."""
    load()
    treatment = Treatment.objects.get()
    ScreeningQuestion.objects.filter(content_key="cold_sore_history").update(
        parent=None,
        parent_answer="",
        position=140,
        public_label="You get cold sores from time to time",
    )
    ScreeningQuestion.objects.filter(content_key__in=NEW_KEYS).delete()
    ScreeningQuestion.objects.update(content_key="", loaded_fingerprint="")
    FAQ.objects.update(content_key="", loaded_fingerprint="")
    Section.objects.update(loaded_fingerprint="")
    clear_spanish()
    Treatment.objects.update(loaded_content={}, visit_instructions=OLD_VISIT_INSTRUCTIONS)
    questions = ScreeningQuestion.objects
    questions.filter(text__startswith="Are you pregnant").update(
        patient_message=OLD_PREGNANCY_MESSAGE
    )
    questions.filter(text__startswith="Do you have a skin infection").update(**OLD_INFECTION)
    questions.filter(text__startswith="Are you allergic").update(
        outcome=Outcome.BLOCKS_BOOKING, patient_message=OLD_ALLERGY_MESSAGE, position=90
    )
    ScreeningQuestion.objects.create(treatment=treatment, position=110, **OLD_SUNBURN)
    ScreeningQuestion.objects.create(treatment=treatment, position=180, **OLD_PROCEDURES)
    FAQ.objects.filter(question__startswith="Can I have microneedling while pregnant").update(
        answer=OLD_PREGNANCY_FAQ
    )
    return treatment


@pytest.mark.django_db
def test_a_second_run_changes_nothing():
    load()
    fingerprints = dict(ScreeningQuestion.objects.values_list("content_key", "loaded_fingerprint"))

    with CaptureQueriesContext(connection) as queries:
        output = load()

    assert "created:" not in output
    assert "updated:" not in output
    assert "kept staff edit" not in output
    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]
    assert writes == []
    assert dict(ScreeningQuestion.objects.values_list("content_key", "loaded_fingerprint")) == (
        fingerprints
    )
    assert ScreeningQuestion.objects.count() == len(screening_content.QUESTIONS)
    assert all(fingerprints.values())
    assert all(Section.objects.values_list("loaded_fingerprint", flat=True))
    assert all(FAQ.objects.values_list("loaded_fingerprint", flat=True))


@pytest.mark.django_db
def test_a_database_loaded_before_fingerprints_gets_the_corrections():
    treatment = loaded_before_fingerprints()
    keloids = ScreeningQuestion.objects.get(text__startswith="Do you tend to get keloids")
    keloids.patient_message = "Edited by staff before fingerprints existed."
    keloids.save()

    output = load()

    assert by_key("pregnant").patient_message.startswith(
        "We do not offer microneedling during pregnancy or while breastfeeding: there is "
        "little safety information"
    )
    assert "numbing cream" not in by_key("pregnant").patient_message
    assert by_key("infection").text == (
        "Do you have a skin infection on or near the area to be treated at the moment?"
    )
    assert by_key("allergy").outcome == Outcome.NEEDS_REVIEW
    cold_sores = by_key("cold_sore_history")
    assert (cold_sores.parent, cold_sores.parent_answer) == (by_key("face_area"), "yes")
    assert cold_sores.position == by_key("face_area").position + 1
    # The questions issue 10 replaces are no longer asked; the new ones are added.
    assert not by_key("sunburn").is_active
    assert not by_key("recent_procedures").is_active
    assert set(ScreeningQuestion.objects.active().values_list("content_key", flat=True)) == {
        entry["key"] for entry in screening_content.QUESTIONS
    }
    assert "created: 14 screening questions" in output
    # The staff edit is kept, and said so.
    keloids.refresh_from_db()
    assert keloids.patient_message == "Edited by staff before fingerprints existed."
    assert "kept staff edit: screening question “Do you tend to get keloids" in output
    # The page and the instructions too.
    treatment.refresh_from_db()
    assert treatment.visit_instructions == microneedling.TREATMENT["visit_instructions"]
    faq = FAQ.objects.get(content_key="pregnancy")
    assert "numbing cream" not in faq.answer
    assert "numbing cream" not in faq.answer_html
    assert "updated: frequent question “Can I have microneedling while pregnant" in output

    assert "updated:" not in load()


@pytest.mark.django_db
def test_new_questions_go_after_the_standard_question_before_them():
    loaded_before_fingerprints()

    load()

    skin_cancer = ScreeningQuestion.objects.get(text__startswith="Do you have skin cancer")
    assert by_key("changing_mole").position == skin_cancer.position + 1
    order = list(
        ScreeningQuestion.objects.active()
        .order_by("position", "id")
        .values_list("content_key", flat=True)
    )
    assert order.index("face_area") + 1 == order.index("cold_sore_history")
    assert order.index("implants") + 1 == order.index("recent_treatments")
    assert order[order.index("recent_treatments") + 1 :][:7] == DATE_KEYS
    assert order.index("hair_removal_date") + 1 == order.index("nsaids")
    assert {by_key(key).parent for key in DATE_KEYS} == {by_key("recent_treatments")}


# `scripts/content_fingerprints.py 830f9d2` printed these. They are not in
# booking/content/previous.py: every database holding these questions was loaded by a
# loader that stores fingerprints, and that module's keys are the questions of 1425f8d.
FINGERPRINTS_830F9D2 = {
    "filler_botox_date": "abecb42514e03cae6bdad9967aace5216c4713b734f840cb351e82500d0aa1a3",
    "light_peel_date": "59e79cd6f4b1f416578bf01290cb1d177306fde812a9df2267e07b59faa5a96c",
    "deep_peel_date": "b0b21221d673568aa34652b024052f17dfd605d88daa1a040f473874345b1619",
    "ablative_laser_date": "78cd9d6d59edc13e8ae7413e78ed8c80fe4754776dd21c372cc511b6d5663388",
    "other_laser_date": "75652be880469ebebcdba62321c555a426613d4f2feda5aa3f794c960385d0d7",
    "sunburn_date": "3bc43b5aa797a1b70c61f93e5088c6ab9312f26390fde14db069d53891d260b7",
    "hair_removal_date": "61421ce1c7ce84ddbb14e9fa51cebcf4c3e01cb53f45357c9518e89cdd4d42e6",
}


def test_the_old_date_wording_here_is_what_830f9d2_shipped():
    old = {entry["key"]: entry for entry in questions_at_830f9d2()}
    for key in DATE_KEYS:
        printed = fingerprint(booking_loading.english_question_values(old[key]))
        assert printed == FINGERPRINTS_830F9D2[key], key


@pytest.mark.django_db
def test_the_dates_go_behind_one_question_where_staff_have_not_edited_them(monkeypatch):
    """A database loaded at 830f9d2: seven date questions asked one after the other."""
    monkeypatch.setattr(screening_content, "QUESTIONS", questions_at_830f9d2())
    load()
    monkeypatch.undo()
    edited = by_key("sunburn_date")
    edited.text = "When were you last sunburnt on the area? Leave empty if not this month."
    edited.save()
    nsaids_position = by_key("nsaids").position

    output = load()

    parent = by_key("recent_treatments")
    assert "created: 1 screening questions" in output
    assert (parent.kind, parent.outcome, parent.parent) == (QuestionKind.YES_NO, Outcome.NONE, None)
    assert "past 6 months" in parent.text
    assert parent.position == by_key("implants").position + 1
    moved = [key for key in DATE_KEYS if key != "sunburn_date"]
    for key in moved:
        question = by_key(key)
        assert (question.parent, question.parent_answer) == (parent, "yes"), key
        assert question.text == _entry(key)["text"], key
        assert parent.position < question.position < nsaids_position, key
        assert f"updated: screening question “{question.text}”" in output
    # The staff edit stays as it is, asked on its own, where staff left it.
    edited.refresh_from_db()
    assert edited.text.startswith("When were you last sunburnt")
    assert (edited.parent, edited.parent_answer) == (None, "")
    assert "kept staff edit: screening question “When were you last sunburnt" in output
    order = list(
        ScreeningQuestion.objects.active()
        .order_by("position", "id")
        .values_list("content_key", flat=True)
    )
    assert order[order.index("recent_treatments") + 1 :][:6] == moved
    # Done once: the next run has nothing left to do.
    again = load()
    assert "updated:" not in again
    assert "created:" not in again


@pytest.mark.django_db
def test_with_every_date_question_edited_or_deleted_the_question_before_them_is_not_added(
    monkeypatch,
):
    monkeypatch.setattr(screening_content, "QUESTIONS", questions_at_830f9d2())
    load()
    monkeypatch.undo()
    by_key("filler_botox_date").delete()
    ScreeningQuestion.objects.filter(content_key__in=DATE_KEYS).update(help_text="Our own words.")

    output = load()

    assert not ScreeningQuestion.objects.filter(content_key="recent_treatments").exists()
    assert "created:" not in output
    edited = ScreeningQuestion.objects.filter(content_key__in=DATE_KEYS)
    assert edited.count() == 6
    assert all(q.parent is None and q.help_text == "Our own words." for q in edited)
    # Remembered: a later run does not add it either.
    assert "created:" not in load()
    assert not ScreeningQuestion.objects.filter(content_key="recent_treatments").exists()


@pytest.mark.django_db
def test_a_question_staff_edited_keeps_its_edit_when_a_correction_ships(monkeypatch):
    load()
    edited = by_key("diabetes")
    edited.patient_message = "Our own words."
    edited.save()
    corrected = [
        {**entry, "help_text": "A correction."} if entry["key"] in ("diabetes", "immune") else entry
        for entry in screening_content.QUESTIONS
    ]
    monkeypatch.setattr(screening_content, "QUESTIONS", corrected)

    output = load()

    edited.refresh_from_db()
    assert (edited.patient_message, edited.help_text) == ("Our own words.", "")
    assert by_key("immune").help_text == "A correction."
    assert "kept staff edit: screening question “Do you have diabetes?”" in output
    assert "updated: screening question “Do you have an autoimmune condition" in output
    # Corrected once: the next run has nothing left to do for it.
    assert "updated:" not in load()


@pytest.mark.django_db
def test_saving_a_question_unchanged_in_admin_is_not_an_edit(admin_client):
    load()
    question = by_key("nsaids")
    url = reverse("admin:booking_screeningquestion_change", args=[question.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data["instruction_en"] = data["instruction_en"].replace("\n", "\r\n") + "  "

    response = admin_client.post(url, data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert fingerprint(booking_loading.question_values(_entry("nsaids"))) == (
        question.loaded_fingerprint
    )
    assert "kept staff edit" not in load()


def _entry(key: str) -> dict:
    return next(entry for entry in screening_content.QUESTIONS if entry["key"] == key)


@pytest.mark.django_db
def test_a_question_staff_deleted_or_stopped_asking_is_left_alone():
    load()
    by_key("tattoo").delete()
    stopped = by_key("implants")
    stopped.is_active = False
    stopped.save()

    output = load()

    assert not ScreeningQuestion.objects.filter(content_key="tattoo").exists()
    assert not by_key("implants").is_active
    assert "kept staff edit: screening question “Do you have thread lifts" in output


@pytest.mark.django_db
def test_a_questionnaire_of_the_clinics_own_gets_nothing_added():
    treatment = TreatmentFactory(slug=microneedling.SLUG)
    ScreeningQuestionFactory(treatment=treatment, text="Our own question?")

    load()

    assert list(ScreeningQuestion.objects.values_list("text", flat=True)) == ["Our own question?"]


@pytest.mark.django_db
def test_a_retired_question_staff_edited_stays_asked():
    loaded_before_fingerprints()
    ScreeningQuestion.objects.filter(text=OLD_SUNBURN["text"]).update(
        patient_message="Our sunburn wording."
    )

    output = load()

    sunburn = by_key("sunburn")
    assert sunburn.is_active
    assert "kept staff edit: screening question “Have you had sunburn" in output
    assert not by_key("recent_procedures").is_active


@pytest.mark.django_db
def test_an_untouched_section_is_corrected_and_an_edited_one_kept(monkeypatch):
    load()
    edited = Section.objects.get(kind=SectionKind.RESULTS)
    edited.body = "Our own results text."
    edited.save()
    corrected = [
        (kind, title, body + "\nA correction.\n") for kind, title, body in microneedling.SECTIONS
    ]
    monkeypatch.setattr(microneedling, "SECTIONS", corrected)

    output = load()

    aftercare = Section.objects.get(kind=SectionKind.AFTERCARE)
    assert aftercare.body.endswith("A correction.\n")
    assert "A correction." in aftercare.body_html
    edited.refresh_from_db()
    assert edited.body == "Our own results text."
    assert "kept staff edit: section “Results and number of sessions”" in output
    assert "updated: section “Aftercare”" in output


def test_a_fingerprint_ignores_line_endings_and_end_spaces_only():
    assert fingerprint({"body": "a\nb\n"}) == fingerprint({"body": "a  \r\nb"})
    assert fingerprint({"body": "a b"}) != fingerprint({"body": "a  b"})
    review = fingerprint({"outcome": "needs_review"})
    assert fingerprint({"outcome": Outcome.NEEDS_REVIEW}) == review


def test_bring_up_to_date_says_what_it_did():
    class Row:
        text = "old"

    row = Row()
    assert bring_up_to_date(row, {"text": "old"}, stored="") == (
        Change.UNCHANGED,
        fingerprint({"text": "old"}),
    )
    old = fingerprint({"text": "old"})
    assert bring_up_to_date(row, {"text": "new"}, stored=old)[0] == Change.UPDATED
    assert row.text == "new"
    row.text = "staff"
    assert bring_up_to_date(row, {"text": "newer"}, stored=fingerprint({"text": "new"})) == (
        Change.KEPT,
        fingerprint({"text": "new"}),
    )
    assert row.text == "staff"


# ------------------------------------------------------------- the corrected rules


@pytest.fixture
def assess_loaded():
    load()
    treatment = Treatment.objects.get()
    questions = list(ScreeningQuestion.objects.for_treatment(treatment))
    rules = rules_for(questions)
    today = dt.date(2027, 1, 4)
    top_level_no = {
        q.pk: "no" for q in questions if q.kind == QuestionKind.YES_NO and q.parent_id is None
    }

    def assess(**answers) -> screening.Assessment:
        given = dict(top_level_no)
        given.update({by_key(key).pk: answer for key, answer in answers.items()})
        return screening.assess(
            rules, given, date_of_birth=dt.date(1990, 1, 1), today=today, minimum_age=18
        )

    assess.today = today
    return assess


@pytest.mark.django_db
def test_cold_sores_go_to_review_only_when_the_face_is_treated(assess_loaded):
    assert assess_loaded().outcome == Outcome.NONE
    assert assess_loaded(face_area="yes", cold_sore_history="no").outcome == Outcome.NONE
    assert assess_loaded(face_area="yes", cold_sore_history="yes").needs_review
    # Thigh stretch marks: the cold-sore question is not asked, whatever was sent.
    assert assess_loaded(face_area="no", cold_sore_history="yes").outcome == Outcome.NONE


@pytest.mark.django_db
def test_an_allergy_and_the_new_questions_go_to_review(assess_loaded):
    for key in ("allergy", "pigment_history", "vitiligo_psoriasis", "tattoo", "implants"):
        assert assess_loaded(**{key: "yes"}).outcome == Outcome.NEEDS_REVIEW, key
    assert assess_loaded(changing_mole="yes").blocks_booking


@pytest.mark.django_db
def test_each_procedure_has_its_own_waiting_period(assess_loaded):
    ten_days_ago = assess_loaded.today - dt.timedelta(days=10)
    expected = {
        "filler_botox_date": 14,
        "light_peel_date": 14,
        "deep_peel_date": 90,
        "ablative_laser_date": 180,
        "other_laser_date": 30,
    }
    for key, days in expected.items():
        result = assess_loaded(recent_treatments="yes", **{key: ten_days_ago})
        assert result.needs_review, key
        assert result.earliest_date == ten_days_ago + dt.timedelta(days=days), key
    # A light peel 20 days ago is over; a deep one is not.
    twenty_days_ago = assess_loaded.today - dt.timedelta(days=20)
    assert assess_loaded(recent_treatments="yes", light_peel_date=twenty_days_ago).outcome == (
        Outcome.NONE
    )
    assert assess_loaded(recent_treatments="yes", deep_peel_date=twenty_days_ago).needs_review
    # "No" to the question before them: the dates are not asked, whatever was sent.
    assert assess_loaded(recent_treatments="no", deep_peel_date=twenty_days_ago).outcome == (
        Outcome.NONE
    )


@pytest.mark.django_db
def test_yes_to_recent_treatments_needs_at_least_one_date(assess_loaded):
    yes_without_a_date = assess_loaded(recent_treatments="yes")
    assert yes_without_a_date.blocks_booking
    assert {by_key(key).pk for key in DATE_KEYS} == set(yes_without_a_date.unanswered)
    # One date is enough; the others stay empty ("leave empty if you did not have it").
    long_ago = assess_loaded.today - dt.timedelta(days=100)
    assert assess_loaded(recent_treatments="yes", filler_botox_date=long_ago).outcome == (
        Outcome.NONE
    )
    # The window asked about covers the longest waiting period.
    assert "past 6 months" in by_key("recent_treatments").text
    assert (
        max(
            entry.get("waiting_days") or 0
            for entry in screening_content.QUESTIONS
            if entry.get("parent") == "recent_treatments"
        )
        <= 181  # any six months hold at least 181 days
    )


@pytest.mark.django_db
def test_sunburn_and_waxing_wait_for_the_skin_without_stopping_online_booking(assess_loaded):
    five_days_ago = assess_loaded.today - dt.timedelta(days=5)
    sunburn = assess_loaded(recent_treatments="yes", sunburn_date=five_days_ago)
    assert sunburn.outcome == Outcome.INSTRUCTION
    assert sunburn.earliest_date == five_days_ago + dt.timedelta(days=14)
    assert sunburn.instructions == [by_key("sunburn_date").instruction]
    waxed = assess_loaded(
        recent_treatments="yes", hair_removal_date=assess_loaded.today - dt.timedelta(days=2)
    )
    assert waxed.earliest_date == assess_loaded.today + dt.timedelta(days=3)
    assert assess_loaded(recent_treatments="yes", hair_removal_date=five_days_ago).outcome == (
        Outcome.NONE
    )


# ------------------------------------------------------------- the page


@pytest.mark.django_db
def test_sun_protection_reads_the_same_everywhere():
    load()
    treatment = Treatment.objects.get()
    rule = microneedling.SUN_PROTECTION

    assert rule in treatment.visit_instructions.splitlines()
    assert rule in Section.objects.get(kind=SectionKind.AFTERCARE).body
    assert rule in FAQ.objects.get(content_key="skin_types").answer
    texts = [
        treatment.visit_instructions,
        *Section.objects.values_list("body", flat=True),
        *FAQ.objects.values_list("answer", flat=True),
    ]
    assert not any("SPF 50 " in text or "several days after" in text for text in texts)


@pytest.mark.django_db
def test_the_home_card_gives_the_needling_time_and_the_whole_visit(client):
    load()

    page = client.get(reverse("home")).content.decode()

    assert "30 minutes of needling, visit up to 2 hours" in page
    assert "30 minute treatment" not in page

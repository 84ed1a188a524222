"""The blank health questions, stored as HTML and shared (booking/blank_questionnaire.py):
the same for every new patient, per language, new at once after a question changes, and
never a patient's own answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from booking.blank_questionnaire import blank_questionnaire, questions_for
from tests.booking.pages import answers, step_url
from tests.factories import TreatmentFactory, questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def treatment(clinic_profile):
    return TreatmentFactory(microneedling=True)


def screening_page(client, treatment) -> tuple[str, int]:
    client.post(step_url("treatment"), {"treatment": treatment.pk})
    with CaptureQueriesContext(connection) as queries:
        page = client.get(step_url("screening")).content.decode()
    return page, len(queries)


def test_every_new_patient_gets_the_same_questions_without_reading_them_again(client, treatment):
    questions = questionnaire(treatment)
    first, first_queries = screening_page(client, treatment)
    client.cookies.clear()
    second, second_queries = screening_page(client, treatment)

    assert second_queries == first_queries - 1  # the questions are not read again
    assert (
        first.split('name="csrfmiddlewaretoken"')[0]
        == second.split('name="csrfmiddlewaretoken"')[0]
    )
    for question in questions.values():
        assert f'name="question_{question.pk}' in second


def test_a_changed_question_shows_at_once(client, treatment):
    question = next(iter(questionnaire(treatment).values()))
    screening_page(client, treatment)

    question.text = "Are you taking any new medicine this week?"
    question.save()

    page, _ = screening_page(client, treatment)
    assert "Are you taking any new medicine this week?" in page


def test_each_language_has_its_own_questions(treatment):
    questionnaire(treatment)
    with translation.override("en"):
        english = blank_questionnaire(treatment)
    with translation.override("es"):
        spanish = blank_questionnaire(treatment)

    assert ">Yes<" in english and ">Yes<" not in spanish
    assert ">Sí<" in spanish


def test_a_patient_who_comes_back_sees_their_own_answers(client, treatment):
    questions = questionnaire(treatment)
    screening_page(client, treatment)  # the blank questions are stored
    client.post(step_url("screening"), answers(questions))

    page = client.get(step_url("screening")).content.decode()
    assert "checked" in page
    assert 'name="date_of_birth_day" value="23"' in page

    client.cookies.clear()
    blank, _ = screening_page(client, treatment)
    assert "checked" not in blank
    assert 'value="23"' not in blank


def test_the_questions_are_read_once_each_with_its_parent_and_again_after_a_change(treatment):
    questions = questionnaire(treatment)
    follow_up = next(q for q in questions.values() if q.parent_id)
    questions_for(treatment)  # read and stored

    with CaptureQueriesContext(connection) as queries:
        shared = questions_for(treatment)
        parents = {q.pk: q.parent.pk for q in shared if q.parent_id}
    assert len(queries) == 0
    assert {q.pk for q in shared} == {q.pk for q in questions.values()}
    assert parents[follow_up.pk] == follow_up.parent_id

    question = shared[0]
    question.text = "Are you taking any new medicine this week?"
    question.save()
    assert questions_for(treatment)[0].text == "Are you taking any new medicine this week?"

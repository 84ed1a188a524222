"""A clinician reviewing a request reads each question as the patient read it, in the
booking's language; when that is not the language the back office is in, the question's
current wording in the back office's language stands under it (read-only)."""

import pytest
from django.conf import settings
from django.urls import reverse

from booking.models import Appointment, ScreeningAnswer
from tests.factories import ScreeningQuestionFactory

pytestmark = pytest.mark.django_db

AS_READ_ES = "¿Tiende usted a formar cicatrices queloides?"
NOW_EN = "Do you tend to form keloid or raised scars?"
NOW_ES = "¿Se le forman cicatrices queloides o abultadas?"
QUEUE = reverse("admin:booking_appointmentrequest_changelist")


def change_url(appointment) -> str:
    return reverse("admin:booking_appointment_change", args=[appointment.pk])


@pytest.fixture
def clinician(client, staff_member, otp_login):
    return otp_login(client, staff_member("Clinician"))


def in_back_office_language(client, code: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


@pytest.fixture
def spanish_request(screened_request, treatment) -> Appointment:
    """The request was made in Spanish; its first answer's question has both wordings now."""
    question = ScreeningQuestionFactory(treatment=treatment, text_en=NOW_EN, text_es=NOW_ES)
    answer = screened_request.screening.answers.order_by("position").first()
    ScreeningAnswer.objects.filter(pk=answer.pk).update(question=question, question_text=AS_READ_ES)
    Appointment.objects.filter(pk=screened_request.pk).update(language="es")
    screened_request.refresh_from_db()
    return screened_request


def test_an_english_back_office_shows_the_spanish_wording_and_the_english_one_under_it(
    clinician, spanish_request
):
    body = in_back_office_language(clinician, "en").get(change_url(spanish_request))
    page = body.content.decode()

    assert '<html lang="en"' in page
    assert (
        f'<span lang="es">{AS_READ_ES}</span><br>'
        f'<small class="booking-other-language">English: {NOW_EN}</small>'
    ) in page
    assert NOW_ES not in page  # the wording read is the stored one, not today's Spanish


def test_the_review_queue_shows_both_wordings_too(clinician, spanish_request):
    page = in_back_office_language(clinician, "en").get(QUEUE).content.decode()

    assert f'<li><span lang="es">{AS_READ_ES}</span><br>' in page
    assert f"English: {NOW_EN}</small>: Yes</li>" in page


@pytest.mark.parametrize(("language", "yes"), [("es", "Sí"), ("en", "Yes")])
def test_a_yes_reads_in_the_back_offices_language(clinician, spanish_request, language, yes):
    """The answer is kept as the code "yes"; the clinician reads it in their language, in
    the queue and on the appointment's page. A date stays as the patient gave it."""
    client = in_back_office_language(clinician, language)

    assert f": {yes}</li>" in client.get(QUEUE).content.decode()
    page = client.get(change_url(spanish_request)).content.decode()
    assert f"<td>{yes}</td>" in page
    assert ">yes<" not in page


def test_in_the_booking_language_only_the_wording_read_is_shown(clinician, spanish_request):
    page = in_back_office_language(clinician, "es").get(change_url(spanish_request))
    page = page.content.decode()

    assert f"<td>{AS_READ_ES}</td>" in page
    assert "booking-other-language" not in page
    assert NOW_EN not in page


def test_a_question_deleted_since_keeps_the_wording_read(clinician, spanish_request):
    answer = spanish_request.screening.answers.order_by("position").first()
    answer.question.delete()

    page = in_back_office_language(clinician, "en").get(change_url(spanish_request))
    page = page.content.decode()

    assert f'<td><span lang="es">{AS_READ_ES}</span></td>' in page
    assert "booking-other-language" not in page

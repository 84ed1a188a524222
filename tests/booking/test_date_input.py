"""Dates typed as day / month / year (booking.forms.DatePartsField): the hint and the
fields cannot disagree, each mistake has its own message, and what was typed stays."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse

from booking.forms import ScreeningForm
from booking.models import QuestionKind
from tests.booking.pages import answers
from tests.factories import PractitionerFactory, TreatmentFactory, questionnaire


def dob(day: str, month: str, year: str) -> dict[str, str]:
    return {"date_of_birth_day": day, "date_of_birth_month": month, "date_of_birth_year": year}


def errors_for(data: dict[str, str]) -> list[str]:
    form = ScreeningForm(data, questions=[])
    assert not form.is_valid()
    return form.errors["date_of_birth"]


def render(form: ScreeningForm, name: str = "date_of_birth") -> str:
    template = Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")
    return template.render(Context({"field": form[name]}))


def test_the_three_parts_make_the_date():
    form = ScreeningForm(dob("23", "4", "1990"), questions=[])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == dt.date(1990, 4, 23)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Please enter your date of birth."),
        (dob("", "4", "1990"), "Your date of birth must include a day."),
        (dob("23", "", "1990"), "Your date of birth must include a month."),
        (dob("23", "4", ""), "Your date of birth must include a year."),
        (dob("23", "", ""), "Your date of birth must include a day, a month and a year."),
        (dob("23", "4", "90"), "Year must be 4 digits."),
        (dob("23", "4", "١٩٩٠"), "Year must be 4 digits."),  # Arabic-Indic digits
        (dob("31", "2", "1990"), "Enter a real date of birth."),
        (dob("0", "4", "1990"), "Enter a real date of birth."),
        (dob("twenty", "4", "1990"), "Enter a real date of birth."),
        (dob("23", "13", "1990"), "Enter a real date of birth."),
        (dob("9" * 40, "4", "1990"), "Enter a real date of birth."),
        (dob("1_0", "4", "1990"), "Enter a real date of birth."),
        (dob("+5", "4", "1990"), "Enter a real date of birth."),
    ],
)
def test_each_mistake_has_a_clear_message(data, message):
    assert errors_for(data) == [message]


def test_the_control_shows_day_month_and_year_as_the_hint_does():
    html = render(ScreeningForm(questions=[]))
    assert "For example, 23 April 1990." in html
    assert html.index(">Day</label>") < html.index(">Month</label>") < html.index(">Year</label>")
    assert 'type="date"' not in html
    assert '<option value="4">April</option>' in html
    # One group, named once, for assistive technology.
    assert "<fieldset" in html and "Your date of birth" in html.split("</legend>")[0]


def test_what_was_typed_is_kept_after_a_mistake():
    html = render(ScreeningForm(dob("31", "2", "19x0"), questions=[]))
    assert 'name="date_of_birth_day" value="31"' in html
    assert '<option value="2" selected>February</option>' in html
    assert 'name="date_of_birth_year" value="19x0"' in html
    assert 'aria-invalid="true"' in html


def test_a_stored_date_fills_the_three_fields_when_the_patient_comes_back():
    form = ScreeningForm(initial={"date_of_birth": dt.date(1990, 4, 3)}, questions=[])
    html = render(form)
    assert 'name="date_of_birth_day" value="3"' in html
    assert '<option value="4" selected>April</option>' in html
    assert 'name="date_of_birth_year" value="1990"' in html


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1990-04-23", dt.date(1990, 4, 23)), (" 1990-4-3 ", dt.date(1990, 4, 3))],
)
def test_one_iso_date_under_the_fields_name_is_still_understood(typed, expected):
    form = ScreeningForm({"date_of_birth": typed}, questions=[])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == expected


def test_a_wrong_iso_date_is_refused_like_a_typed_one():
    assert errors_for({"date_of_birth": "2027-02-30"}) == ["Enter a real date of birth."]
    assert errors_for({"date_of_birth": "not a date"}) == [
        "Your date of birth must include a day, a month and a year."
    ]


@pytest.fixture
def date_question(db):
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    date = next(q for q in questions.values() if q.kind == QuestionKind.DATE)
    return treatment, questions, date


def test_date_questions_use_the_same_three_fields(date_question):
    _, questions, date = date_question
    name = f"question_{date.pk}"
    data = answers(questions) | {f"{name}_day": "1", f"{name}_month": "12", f"{name}_year": "2026"}
    form = ScreeningForm(data, questions=list(questions.values()))
    assert form.is_valid(), form.errors
    assert form.cleaned_data[name] == dt.date(2026, 12, 1)
    html = render(form, name)
    assert f'id="id_{name}_month"' in html and 'type="date"' not in html
    assert "For example, 5 November 2026." in html  # 60 days before the tests' today


def test_date_questions_keep_their_checks(date_question):
    _, questions, date = date_question
    name = f"question_{date.pk}"
    future = answers(questions) | {f"{name}_day": "1", f"{name}_month": "1", f"{name}_year": "2099"}
    form = ScreeningForm(future, questions=list(questions.values()))
    assert not form.is_valid()
    assert form.errors[name] == ["This date cannot be in the future."]
    short = answers(questions) | {f"{name}_day": "1", f"{name}_month": "1", f"{name}_year": "26"}
    form = ScreeningForm(short, questions=list(questions.values()))
    assert form.errors[name] == ["Year must be 4 digits."]


def test_the_error_summary_links_to_the_day_field(client, date_question):
    treatment, questions, _ = date_question
    client.post(reverse("booking:step", args=["treatment"]), {"treatment": treatment.pk})
    data = answers(questions) | dob("31", "2", "1990")
    response = client.post(reverse("booking:step", args=["screening"]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        'href="#id_date_of_birth_day">Your date of birth</a>: Enter a real date of birth.' in page
    )
    assert 'id="id_date_of_birth_day"' in page


def test_a_stored_last_dose_date_comes_back_in_its_three_fields(date_question):
    _, questions, date = date_question
    name = f"question_{date.pk}"
    # Stored answers are text: the date as ISO, read back as the flow's initial values.
    form = ScreeningForm(initial={name: "2026-11-01"}, questions=list(questions.values()))
    html = render(form, name)
    assert f'name="{name}_day" value="1"' in html
    assert '<option value="11" selected>November</option>' in html
    assert f'name="{name}_year" value="2026"' in html
    garbled = ScreeningForm(initial={name: "garbled"}, questions=list(questions.values()))
    assert f'name="{name}_day" value=' not in render(garbled, name)

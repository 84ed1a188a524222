"""The plain inputs written in Python (clinic/form_renderer.py) are Django's markup, byte
for byte, on every booking form and on awkward values."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.test import override_settings

from booking.blank_questionnaire import questions_for
from booking.forms import DetailsForm, ScreeningForm, SlotForm, TreatmentChoiceForm
from clinic.form_renderer import Renderer
from tests.factories import TreatmentFactory, questionnaire

pytestmark = pytest.mark.django_db


def rendered(form: forms.Form, renderer) -> list[str]:
    form.renderer = renderer
    return [str(field.as_widget()) for field in form]


def assert_same_markup(form: forms.Form) -> None:
    assert rendered(form, Renderer()) == rendered(form, TemplatesSetting())


def test_the_project_renders_widgets_with_it(settings):
    assert settings.FORM_RENDERER == "clinic.form_renderer.Renderer"
    # Django's own input templates are written in Python (what the tests below compare).
    assert "django/forms/widgets/text.html" in Renderer().inputs_in_python
    assert "django/forms/widgets/checkbox.html" in Renderer().inputs_in_python


@pytest.mark.parametrize("bound", [False, True])
def test_every_booking_form_has_djangos_markup(bound):
    treatment = TreatmentFactory(microneedling=True)
    questionnaire(treatment)
    questions = questions_for(treatment)
    data = {
        "name": 'Jane "J" <Doe> & Co',
        "email": "not an email",
        "phone": "",
        "consent_treatment": "on",
        "start": "yesterday",
        "treatment": str(treatment.pk),
        "date_of_birth_0": "31",
        "date_of_birth_1": "2",
        "date_of_birth_2": "1990",
    }
    forms_ = [
        DetailsForm(data if bound else None, notice=None),
        ScreeningForm(data if bound else None, questions=questions),
        SlotForm(data if bound else None),
        TreatmentChoiceForm(data if bound else None),
    ]
    for form in forms_:
        if bound:
            form.is_valid()  # errors give aria-invalid
        assert_same_markup(form)


class Awkward(forms.Form):
    text = forms.CharField(max_length=5, initial="a\"b'<c>&")
    number = forms.IntegerField(initial=0, widget=forms.NumberInput(attrs={"step": 0.5}))
    empty = forms.CharField(required=False, initial="")
    hidden = forms.CharField(widget=forms.HiddenInput, initial="x&y")
    ticked = forms.BooleanField(initial=True)
    unticked = forms.BooleanField(required=False, initial=False)
    flags = forms.CharField(
        widget=forms.TextInput(attrs={"readonly": True, "data-off": False, "title": "1 < 2"}),
        disabled=True,
    )
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def test_awkward_values_have_djangos_markup():
    assert_same_markup(Awkward())
    assert_same_markup(Awkward({"text": "toolong&", "number": "x", "unticked": "on"}))


def test_an_overridden_input_template_is_rendered_from_the_template(tmp_path, settings):
    widgets = tmp_path / "django" / "forms" / "widgets"
    widgets.mkdir(parents=True)
    (widgets / "input.html").write_text('<input class="overridden" name="{{ widget.name }}">')
    templates = [dict(settings.TEMPLATES[0], DIRS=[tmp_path, *settings.TEMPLATES[0]["DIRS"]])]
    with override_settings(TEMPLATES=templates):
        html = forms.TextInput().render("name", "", renderer=Renderer())
    assert html == '<input class="overridden" name="name">'

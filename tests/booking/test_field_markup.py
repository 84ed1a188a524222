"""The booking forms' controls written in Python (booking/templatetags/booking_fields.py,
booking/forms.py's date) are exactly what Django's widgets write."""

import re

import pytest
from django import forms
from django.utils import translation

from booking.forms import DatePartsWidget, month_choices
from booking.templatetags.booking_fields import _radios, _radios_through_django

CHOICES = [("yes", "Yes"), ("no", 'No <sure> & "quoted"'), ("", "Not answered")]


class Questions(forms.Form):
    required = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    optional = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, required=False)
    numbers = forms.TypedChoiceField(
        choices=[(1, "One"), (2, "Two")], coerce=int, widget=forms.RadioSelect
    )


@pytest.mark.parametrize(
    "data",
    [None, {"required": "yes", "optional": "no", "numbers": "2"}, {"required": "maybe"}, {}],
    ids=["unbound", "answered", "wrong value", "empty"],
)
def test_radios_are_djangos_radios(data):
    form = Questions(data)
    for field in form:
        for invalid in ("", " is-invalid"):
            assert _radios(field, invalid) == _radios_through_django(field, invalid), field.name


def test_radios_of_a_form_without_ids_have_no_ids():
    written = _radios(Questions(auto_id="")["required"], "")
    assert written.count('type="radio"') == 3
    assert " id=" not in written and " for=" not in written


def test_radios_keep_an_initial_answer():
    form = Questions(initial={"required": "no", "numbers": 1})
    assert _radios(form["required"], "") == _radios_through_django(form["required"], "")
    assert ' value="no" id="id_required_1" required checked>' in _radios(form["required"], "")
    assert ' value="1" id="id_numbers_0" required checked>' in _radios(form["numbers"], "")


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("value", [None, "", "1999-02-03", ["3", "12", "2020"], ["", "", ""]])
def test_the_month_list_is_djangos_select(language, value):
    with translation.override(language):
        written = DatePartsWidget().render("when", value, {"id": "id_when"})
        month = DatePartsWidget().decompress(value)[1] if not isinstance(value, list) else value[1]
        django = forms.Select(choices=month_choices()).render(
            "when_1", month, {"id": "id_when_month"}
        )
    options = re.search(r"<select[^>]*>(.*?)</select>", written, re.S).group(1)
    expected = re.search(r"<select[^>]*>(.*?)</select>", django, re.S).group(1)
    # Django's select template puts each option on a line of its own.
    assert options == re.sub(r"\s*\n\s*", "", expected)


@pytest.mark.parametrize("initial", [None, "3"])
def test_the_month_list_is_required_as_djangos_select_would_be(initial):
    """MonthSelect knows without building the list that its first option is empty."""
    from booking.forms import MonthSelect

    ours = MonthSelect(choices=month_choices()).use_required_attribute(initial)
    assert ours is forms.Select(choices=month_choices()).use_required_attribute(initial) is True

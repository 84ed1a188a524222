"""A booking form's field with its label, hint and error, as Bootstrap 5 markup.

    {% load booking_fields %}
    {{ form.email|field_group }}

Put together here in Python rather than through crispy-forms' chain of a dozen templates
per field, which was two thirds of the screening step's time (30 questions). The markup
is the one crispy gave: a `<label>` for a single control, a `<fieldset>` and `<legend>`
for a group (the yes/no radios, the three date fields); the hint and the error tied to
the control (or the fieldset) with `aria-describedby`; `aria-invalid` on a wrong answer;
`*` after the label of a required field. The controls themselves are Django's widgets,
except the radios, which are written here (two per question, 60 on the screening step).
"""

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

from clinic.markup import conditional_escape, flatatt, format_html, format_html_join

register = template.Library()

REQUIRED = mark_safe('<span class="asteriskField">*</span>')


def _is_group(widget: forms.Widget) -> bool:
    return isinstance(widget, forms.RadioSelect | forms.MultiWidget)


@register.filter
def field_group(field: BoundField) -> SafeString:
    widget = field.field.widget
    if widget.is_hidden:
        return field.as_widget()
    errors = field.errors
    help_id = f"{field.auto_id}_helptext" if field.help_text else ""
    error_id = f"{field.auto_id}_error" if errors else ""
    described_by = " ".join(part for part in (help_id, error_id) if part)
    # Help texts are the project's own words (Django also prints them unescaped); labels
    # are escaped unless marked safe (the privacy consent's link).
    hint = (
        format_html('<div id="{}" class="form-text">{}</div>', help_id, mark_safe(field.help_text))
        if help_id
        else ""
    )
    error = (
        format_html(
            '<div id="{}" class="invalid-feedback d-block">{}</div>',
            error_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field.auto_id, message) for n, message in enumerate(errors, 1)),
            ),
        )
        if errors
        else ""
    )
    label = format_html(
        "{}{}", conditional_escape(field.label), REQUIRED if field.field.required else ""
    )
    invalid = " is-invalid" if errors else ""

    if _is_group(widget):
        if isinstance(widget, forms.RadioSelect):
            control = _radios(field, invalid)
        else:  # the three date fields (booking.forms.DatePartsWidget)
            parts: dict[str, str | bool] = {"class": f"form-control{invalid}"}
            if errors:
                parts["aria-invalid"] = "true"
            control = field.as_widget(attrs=parts)
        return format_html(
            '<div id="div_{}" class="mb-3"><fieldset{}><legend class="form-label fs-6">{}'
            "</legend>{}{}{}</fieldset></div>",
            field.auto_id,
            format_html(' aria-describedby="{}"', described_by) if described_by else "",
            label,
            control,
            error,
            hint,
        )

    attrs: dict[str, str | bool] = {}
    if described_by:
        attrs["aria-describedby"] = described_by
    if errors:
        attrs["aria-invalid"] = "true"
    if isinstance(widget, forms.CheckboxInput):
        attrs["class"] = f"form-check-input{invalid}"
        return format_html(
            '<div id="div_{}" class="mb-3 form-check">{}<label for="{}" class="form-check-label">'
            "{}</label>{}{}</div>",
            field.auto_id,
            field.as_widget(attrs=attrs),
            field.auto_id,
            label,
            error,
            hint,
        )
    if isinstance(field.field, forms.ModelChoiceField) and type(widget) is forms.Select:
        attrs["class"] = f"form-select{invalid}"
        control = _select(field, field.field, attrs)
    elif isinstance(widget, forms.Select):
        attrs["class"] = f"form-select{invalid}"
        control = field.as_widget(attrs=attrs)
    else:
        attrs["class"] = f"form-control{invalid}"
        control = field.as_widget(attrs=attrs)
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        field.auto_id,
        field.auto_id,
        label,
        control,
        error,
        hint,
    )


def _select(
    field: BoundField, choice: forms.ModelChoiceField, attrs: dict[str, str | bool]
) -> SafeString:
    """A list of rows to choose from (Django's select template includes one template per
    option). A model's rows are never grouped, so the options are a flat list."""
    if field.field.required:
        attrs["required"] = True
    chosen = field.value()
    chosen = "" if chosen is None else str(chosen)
    return format_html(
        '<select name="{}"{}>{}</select>',
        field.html_name,
        flatatt({**field.field.widget.attrs, **attrs, "id": field.auto_id}),
        format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, mark_safe(" selected") if str(value) == chosen else "", text)
                for value, text in choice.iterator(choice)
            ),
        ),
    )


def _radios(field: BoundField, invalid: str) -> SafeString:
    """One radio and its label per choice, as Django's RadioSelect writes them (ids
    ``<id>_0``, ``<id>_1``…), without its templates or its context for each option (a
    dictionary and a BoundWidget per radio cost more than the rest of the field)."""
    extra = (" required" if field.field.required else "") + (
        ' aria-invalid="true"' if invalid else ""
    )
    value = field.value()
    chosen = (
        [str(v) if v is not None else "" for v in value]
        if isinstance(value, list | tuple)
        else ["" if value is None else str(value)]
    )
    name, auto_id = conditional_escape(field.html_name), field.auto_id
    radios = []
    checked_one = False
    for index, (option, text) in enumerate(field.field.widget.choices):
        if isinstance(text, list | tuple):  # grouped choices: Django's own way
            return _radios_through_django(field, invalid)
        option = "" if option is None else str(option)
        checked = not checked_one and option in chosen
        checked_one |= checked
        radio_id = conditional_escape(f"{auto_id}_{index}") if auto_id else ""
        ids = (f' id="{radio_id}"', f' for="{radio_id}"') if auto_id else ("", "")
        radios.append(
            f'<div class="form-check"><input type="radio" class="form-check-input{invalid}" '
            f'name="{name}" value="{conditional_escape(option)}"{ids[0]}{extra}'
            f"{' checked' if checked else ''}><label{ids[1]} "
            f'class="form-check-label">{conditional_escape(text)}</label></div>'
        )
    return mark_safe("".join(radios))


def _radios_through_django(field: BoundField, invalid: str) -> SafeString:
    """Radios in groups, through Django's options (no booking form has them today)."""
    extra = mark_safe(
        (" required" if field.field.required else "") + (' aria-invalid="true"' if invalid else "")
    )
    return format_html_join(
        "",
        '<div class="form-check"><input type="radio" class="form-check-input{}" name="{}" '
        'value="{}" id="{}"{}{}><label for="{}" class="form-check-label">{}</label></div>',
        (
            (
                invalid,
                option.data["name"],
                str(option.data["value"]),
                option.id_for_label,
                extra,
                mark_safe(" checked") if option.data["selected"] else "",
                option.id_for_label,
                option.choice_label,
            )
            for option in field.subwidgets
        ),
    )

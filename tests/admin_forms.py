"""What an admin change form sends back, for tests that POST to the admin."""

from django.db.models.fields.files import FieldFile


def admin_form_data(response) -> dict:
    """The POST data an admin change form would send back unchanged.

    Built from the form and inline formsets in the GET response's context, so a test
    only states the fields it changes.
    """

    def add_form(form) -> None:
        for bound_field in form:
            value = bound_field.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif hasattr(value, "pk"):
                value = value.pk
            elif isinstance(value, (list, tuple)):
                value = [getattr(item, "pk", item) for item in value]
            elif isinstance(value, FieldFile):  # a stored file is kept unless a test sends one
                continue
            data[bound_field.html_name] = value

    data: dict = {}
    add_form(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add_form(formset.management_form)
        for form in formset.initial_forms:
            add_form(form)
    return data

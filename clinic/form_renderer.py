"""Form widgets rendered with the project's templates, the plain inputs written in Python.

A text, email or checkbox input is one line of Django's templates
(``django/forms/widgets/input.html`` and ``attrs.html``), but rendering it through the
template engine costs a context, an include and a loop per attribute: a third of a
booking step's time went to six of them. ``Renderer`` writes the same markup, byte for
byte, for the widgets whose template is Django's own ``input.html`` chain, and renders
everything else (and any of those templates a project overrides) as ``TemplatesSetting``
does. tests/clinic/test_form_renderer.py compares both on every booking form.
"""

from functools import cached_property

from django.forms.renderers import TemplatesSetting
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from clinic.markup import format_html

# Widgets whose template is only ``{% include "django/forms/widgets/input.html" %}``.
INPUT_TEMPLATES = tuple(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "email", "number", "url", "password", "hidden", "checkbox",
        "date", "time", "datetime", "search", "tel", "color",
    )
)  # fmt: skip


def attribute_html(name: str, value: object) -> SafeString:
    """One attribute as ``django/forms/widgets/attrs.html`` writes it (True: the name alone)."""
    return format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))


def input_html(widget: dict) -> SafeString:
    """What ``django/forms/widgets/input.html`` renders for this widget context."""
    value = widget["value"]
    attributes = "".join(
        attribute_html(name, value) for name, value in widget["attrs"].items() if value is not False
    )
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        format_html(' value="{}"', str(value)) if value is not None else "",
        mark_safe(attributes),  # each escaped by format_html
    )


def origin(template_name: str) -> str:
    """Where the template that renders ``template_name`` is read from."""
    return get_template(template_name).origin.name  # type: ignore[attr-defined]  # not in the stubs


class Renderer(TemplatesSetting):
    @cached_property
    def inputs_in_python(self) -> frozenset[str]:
        """The input templates that are still Django's own (not overridden here)."""
        own = origin("django/forms/widgets/input.html")
        if not own.endswith("django/forms/templates/django/forms/widgets/input.html"):
            return frozenset()
        return frozenset(
            name
            for name in INPUT_TEMPLATES
            if origin(name).startswith(own.removesuffix("input.html"))
        )

    def render(self, template_name, context, request=None):
        if template_name in self.inputs_in_python:
            return input_html(context["widget"])
        return super().render(template_name, context, request)

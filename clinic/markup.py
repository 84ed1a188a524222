"""Django's HTML helpers, for markup written in Python many times a page.

``django.utils.html``'s ``escape`` and ``conditional_escape`` are wrapped by
``keep_lazy``, which checks every argument for a lazy translation before doing anything;
``format_html`` calls ``conditional_escape`` once per argument, and
``django.forms.utils.flatatt`` calls ``format_html`` once per attribute. Written a few
hundred times a page (each answer of the health questions, each date's three parts, each
row of the admin's lists) that check was most of the time. These give the same text
(``tests/clinic/test_markup.py`` compares them with Django's on the same input) and
handle a lazy translation themselves.
"""

import html
from typing import Any

from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe


def escape(value: Any) -> SafeString:
    """``django.utils.html.escape``: the text with ``& < > " '`` escaped, whatever it is
    (safe or not), marked safe."""
    return SafeString(html.escape(str(value)))


def conditional_escape(value: Any) -> SafeString:
    """``django.utils.html.conditional_escape``: safe text as it is, anything else
    escaped; marked safe either way (so escaping it again leaves it as it is)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return SafeString(html.escape(str(value)))


def format_html(template: str, *args: Any) -> SafeString:
    """``django.utils.html.format_html`` with positional arguments: the template as it is,
    each argument escaped unless it is safe."""
    return mark_safe(template.format(*[conditional_escape(arg) for arg in args]))


def format_html_join(separator: str, template: str, items) -> SafeString:
    """``django.utils.html.format_html_join`` with a sequence of argument tuples."""
    return mark_safe(
        conditional_escape(separator).join(format_html(template, *args) for args in items)
    )


def flatatt(attrs: dict[str, Any]) -> SafeString:
    """``django.forms.utils.flatatt``: ``name="value"`` pairs in name order, then the
    names of the attributes that are True, each with a space before it; False and None
    leave the attribute out."""
    pairs, names = [], []
    for name, value in attrs.items():
        if isinstance(value, bool):
            if value:
                names.append(name)
        elif value is not None:
            pairs.append((name, value))
    written = [
        f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in sorted(pairs)
    ]
    written += [f" {conditional_escape(name)}" for name in sorted(names)]
    return mark_safe("".join(written))

"""The admin's navigation sidebar, its app list rendered once per kind of staff member.

Every admin page renders ``admin/app_list.html`` for the sidebar: a table row per model
the user may see, a fifth of the appointment book's time for a superuser. What it writes
depends only on the apps and models listed (names, links, permissions), the language and
which of them the current page belongs to; pages with the same of these (every staff
member with the same permissions, on any page of the same model) share one rendering,
kept in this process.
"""

from urllib.parse import quote

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from clinic.process_memo import LruMemo

register = template.Library()

# Apps × permissions × languages × current models: a few dozen here.
RENDERED: LruMemo[tuple, SafeString] = LruMemo(500)


def current(url: str | None, path: str) -> bool:
    """The template's ``{% if url in request.path|urlencode %}`` (no URL: not current)."""
    if not url:
        return False
    return url in path


def what_it_shows(apps: list[dict], path: str) -> tuple:
    """Everything ``admin/app_list.html`` reads for the sidebar, as a key."""
    return (
        get_language(),
        tuple(
            (
                str(app["name"]),
                app["app_label"],
                app["app_url"],
                current(app["app_url"], path),
                tuple(
                    (
                        str(model["name"]),
                        model["object_name"],
                        model.get("admin_url"),
                        model.get("add_url"),
                        current(model.get("admin_url"), path),
                    )
                    for model in app["models"]
                ),
            )
            for app in apps
        ),
    )


@register.simple_tag(takes_context=True)
def sidebar_app_list(context) -> SafeString:
    """``{% include 'admin/app_list.html' with app_list=available_apps
    show_changelinks=False %}``, rendered once for each thing it can show."""
    request = context["request"]
    apps = context["available_apps"]
    key = what_it_shows(apps, quote(request.path))
    rendered = RENDERED.get(key)
    if rendered is None:
        rendered = mark_safe(
            get_template("admin/app_list.html").render(
                {"app_list": apps, "show_changelinks": False, "request": request}
            )
        )
        RENDERED.put(key, rendered)
    return rendered

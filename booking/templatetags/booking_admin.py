"""The appointment book's date hierarchy, without reading every appointment's year."""

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.db.models import Max, Min
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html")
def appointment_date_hierarchy(changelist):
    """Django's date hierarchy (year → month → day), except its first level: the years
    from the first appointment listed to the last, from the MIN/MAX that the starts_at
    index answers, instead of a DISTINCT over the year of every appointment listed (a
    scan of the whole book: 0.24 s at 200,000 appointments). A year without any
    appointment between two with some would be offered too, and list nothing."""
    field = changelist.date_hierarchy
    if any(param.startswith(f"{field}__") for param in changelist.params):
        return date_hierarchy(changelist)  # a year, month or day chosen: one year's rows
    span = changelist.queryset.aggregate(first=Min(field), last=Max(field))
    if span["first"] is None:
        return {"show": True, "choices": []}
    first, last = (timezone.localtime(span[end]).year for end in ("first", "last"))
    return {
        "show": True,
        "choices": [
            {
                "link": changelist.get_query_string({f"{field}__year": year}, [f"{field}__"]),
                "title": str(year),
            }
            for year in range(first, last + 1)
        ],
    }

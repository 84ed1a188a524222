"""Walking the booking pages as a patient does: what the screening step is sent, and the
first time the time step offers. The data behind the pages comes from tests/factories."""

import datetime as dt

from django.urls import reverse

# What a patient types on the details step.
DETAILS = {
    "name": "Jane Doe",
    "email": "jane@example.com",
    "phone": "+1 619 555 0100",
    "consent_treatment": "on",
    "consent_privacy": "on",
}


def step_url(step: str) -> str:
    """The address of a booking step."""
    return reverse("booking:step", kwargs={"step": step})


def answers(questions, **chosen) -> dict[str, str]:
    """POST data for the screening step: every top-level question 'no' unless chosen, the
    date of birth (23 April 1990) in its three fields as the page sends it."""
    data = {"date_of_birth_day": "23", "date_of_birth_month": "4", "date_of_birth_year": "1990"}
    for key, question in questions.items():
        if question.parent_id is None:
            data[f"question_{question.pk}"] = chosen.get(key, "no")
        elif key in chosen:
            data[f"question_{question.pk}"] = chosen[key]
    return data


def first_offered_start(client) -> dt.datetime:
    """The first start the time step offers (on its first day)."""
    url = reverse("booking:step", args=["time"])
    picker = client.get(url).context["picker"]
    assert picker.times, "the time step offers no time on its first day"
    return picker.times[0].start


def shows_date(page: str, name: str, iso: str) -> bool:
    """Whether the page shows the date `iso` (YYYY-MM-DD) kept in the three fields of
    `name` (day, month list, year), as typed."""
    year, month, day = iso.split("-")
    day_kept = any(f'name="{name}_day" value="{d}"' in page for d in (day, str(int(day))))
    return (
        day_kept
        and f'<option value="{int(month)}" selected>' in page
        and f'name="{name}_year" value="{year}"' in page
    )

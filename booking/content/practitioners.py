"""The demo practitioners and their weekly hours (the clinic profile's opening hours,
treatments/content/clinic.py, match them). Names are invented; replace them in admin."""

import datetime as dt
from typing import Any


def _hours(days: range, *ranges: tuple[str, str]) -> list[tuple[int, dt.time, dt.time]]:
    """(weekday, start, end) rows; weekdays are 0 = Monday … 6 = Sunday."""
    return [
        (day, dt.time.fromisoformat(start), dt.time.fromisoformat(end))
        for day in days
        for start, end in ranges
    ]


PRACTITIONERS: list[dict[str, Any]] = [
    {
        "name": "Dra. Lucía Herrera",
        "title": "Physician, aesthetic medicine",
        "title_es": "Médica especialista en medicina estética",
        "bio": (
            "Lucía reviews every new patient's health questionnaire and performs "
            "microneedling. She speaks Spanish and English."
        ),
        "bio_es": (
            "Lucía revisa el cuestionario de salud de cada paciente nuevo y realiza el "
            "tratamiento con microagujas. Habla español e inglés."
        ),
        "position": 10,
        "hours": _hours(range(0, 5), ("09:00", "13:00"), ("14:00", "18:00"))
        + _hours(range(5, 6), ("09:00", "13:00")),
    },
    {
        "name": "Sofía Ramírez",
        "title": "Aesthetic nurse",
        "title_es": "Enfermera en medicina estética",
        "bio": (
            "Sofía performs microneedling and looks after patients through their aftercare. "
            "She speaks Spanish and English."
        ),
        "bio_es": (
            "Sofía realiza el tratamiento con microagujas y acompaña a los pacientes en sus "
            "cuidados posteriores. Habla español e inglés."
        ),
        "position": 20,
        "hours": _hours(range(1, 6), ("10:00", "14:00"), ("15:00", "19:00")),
    },
]

"""Days in page text are written the way the page's language writes them."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from clinic.models import PrivacyNotice
from tests.factories import TIJUANA


def render(source: str, **context) -> str:
    return Template("{% load clinic_tags %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("code", "fmt", "expected"),
    [
        ("es", "j F Y", "8 de mayo de 2027"),
        ("en", "j F Y", "8 May 2027"),
        ("es", "l j F Y", "sábado 8 de mayo de 2027"),
        ("en", "l j F Y", "Saturday 8 May 2027"),
    ],
)
def test_a_day_reads_as_its_language_writes_it(code, fmt, expected):
    with translation.override(code):
        assert render("{{ day|local_date:fmt }}", day=dt.date(2027, 5, 8), fmt=fmt) == expected


def test_a_time_is_read_on_the_sites_clock_and_nothing_is_empty():
    late = dt.datetime(2027, 1, 5, 6, 30, tzinfo=dt.UTC)  # 22:30 on the 4th in Tijuana
    with translation.override("es"):
        assert render("{{ t|local_date:'l j F, H:i' }}", t=late) == "lunes 4 de enero, 22:30"
        assert render("{{ t|local_date }}", t=None) == ""


@pytest.mark.django_db
def test_the_spanish_privacy_notice_gives_its_date_in_spanish(client):
    notice = PrivacyNotice(body_en="Notice.", body_es="Aviso.")
    notice.publish(now=dt.datetime(2026, 11, 30, 12, 0, tzinfo=TIJUANA))

    html = client.get("/es/privacy/").content.decode()

    assert "30 de noviembre de 2026" in html

"""HEAD works wherever GET does (uptime monitors, link checkers): the GET's status, no body."""

import pytest

pytestmark = pytest.mark.django_db


def test_every_public_page_answers_head_as_it_answers_get(public_pages):
    for page in public_pages:
        get = page.client.get(page.url)
        head = page.client.head(page.url)

        assert get.status_code == page.status, page.name
        assert head.status_code == get.status_code, page.name
        assert head.content == b"", page.name
        assert head["Content-Type"] == get["Content-Type"], page.name

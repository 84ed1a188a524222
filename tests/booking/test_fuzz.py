"""Hostile and arbitrary input to every public booking form and link: never a 500,
always a clear answer, nothing changed by a rejected request. The query strings and
paths of every public page too: a control character there (NUL, which PostgreSQL
refuses, included) gets the kind 400 page, anything else never a 5xx."""

from urllib.parse import quote

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking import services
from booking.models import Appointment, Screening, Status
from booking.tokens import SALT, make_manage_token
from clinic.middleware import CONTROL_CHARACTER
from tests.booking.pages import answers, first_offered_start
from tests.factories import AppointmentFactory, PractitionerFactory, TreatmentFactory, questionnaire

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

hostile_text = st.one_of(
    st.text(max_size=50),
    # Long input costs little of Hypothesis's entropy budget when built from a length
    # (random text of thousands of characters trips its data_too_large health check).
    st.builds(lambda n, ch: ch * n, st.integers(1000, 5000), st.sampled_from("aé🙂<\x00")),
    st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "9" * 40,
            "-1",
            "1e309",
            "NaN",
            "2027-02-30",
            "0001-01-01",
            "9999-12-31",
            "0001-01-01T00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "../../etc/passwd",
            "ｙｅｓ",
            "yes\n",
            "🙂" * 300,
            "x" * 20_000,
        ]
    ),
)
form_data = st.dictionaries(
    keys=st.one_of(
        st.sampled_from(
            [
                "treatment",
                "practitioner",
                "date_of_birth",
                "start",
                "name",
                "email",
                "phone",
                "consent_treatment",
                "consent_privacy",
                "website",
                "csrfmiddlewaretoken",
            ]
        ),
        st.text(max_size=20),
    ),
    values=st.one_of(hostile_text, st.lists(hostile_text, max_size=3)),
    max_size=12,
)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATELIMIT_ENABLE = False


@pytest.fixture
def setup():
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    return treatment, questions


def counts():
    return Appointment.objects.count(), Screening.objects.count()


def assert_clear_answer(response):
    assert response.status_code < 500
    if response.status_code == 400:
        assert "Please" in response.content.decode()


def reach(client, setup, step):
    treatment, questions = setup
    client.post(reverse("booking:step", args=["treatment"]), {"treatment": treatment.pk})
    if step in ("time", "details", "review"):
        client.post(reverse("booking:step", args=["screening"]), answers(questions))
    if step in ("details", "review"):
        start = first_offered_start(client)
        client.post(reverse("booking:step", args=["time"]), {"start": start.isoformat()})


@pytest.mark.parametrize("step", ["treatment", "screening", "time", "details", "review"])
def test_hostile_posts_to_each_step_never_fail_or_change_anything(client, setup, step):
    reach(client, setup, step)
    before = counts()

    @FUZZ
    @given(data=form_data)
    def post(data):
        response = client.post(reverse("booking:step", args=[step]), data)
        assert_clear_answer(response)
        if step != "review" and response.status_code in (400, 409):
            assert counts() == before

    post()


@FUZZ
@given(data=form_data)
def test_hostile_screening_answers_are_refused_and_kept(client, setup, data):
    treatment, questions = setup
    client.post(reverse("booking:step", args=["treatment"]), {"treatment": treatment.pk})
    payload = {**answers(questions), **{k: v for k, v in data.items() if isinstance(v, str)}}
    payload = {k: v for k, v in payload.items() if "\x00" not in k}

    response = client.post(reverse("booking:step", args=["screening"]), payload)

    assert_clear_answer(response)
    if response.status_code == 400:
        page = response.content.decode()
        typed = payload.get("date_of_birth", "")
        if typed and "\x00" not in typed and len(typed) < 100 and typed.isalnum():
            assert typed in page


@FUZZ
@given(token=st.one_of(st.text(min_size=1, max_size=300), st.binary(max_size=200).map(repr)))
def test_forged_manage_tokens_get_the_friendly_page(client, token):
    token = token.replace("/", "_") or "x"
    # A control character in the address is refused before any view (the kind 400 page).
    expected = 400 if CONTROL_CHARACTER.search(token) else 404
    for name in (
        "booking:manage",
        "booking:manage_reschedule",
        "booking:manage_calendar",
        "booking:manage_recheck",
        "booking:manage_recheck_questions",
    ):
        response = client.get(reverse(name, kwargs={"token": token}))
        assert response.status_code == expected
    response = client.post(reverse("booking:manage_cancel", kwargs={"token": token}))
    assert response.status_code == expected


@FUZZ
@given(payload=st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(), st.none())))
def test_signed_but_meaningless_tokens_get_the_friendly_page(client, payload):
    token = signing.dumps(payload, salt=SALT)
    assert client.get(reverse("booking:manage", kwargs={"token": token})).status_code == 404


def test_hostile_reschedule_posts_change_nothing(client, setup):
    treatment, _ = setup
    start = services.free_slots_for(treatment, practitioner_id=None, now=timezone.now())[3].start
    appointment = AppointmentFactory(
        treatment=treatment,
        practitioner=treatment.practitioners.get(),
        starts_at=start,
        patient_name="",
        patient_email="",
    )
    url = reverse("booking:manage_reschedule", kwargs={"token": make_manage_token(appointment)})

    @FUZZ
    @given(data=form_data)
    def post(data):
        response = client.post(url, data)
        assert_clear_answer(response)
        appointment.refresh_from_db()
        assert appointment.starts_at == start
        assert appointment.status == Status.CONFIRMED

    post()


def test_hostile_recheck_posts_never_fail(client, setup):
    treatment, questions = setup
    appointment = AppointmentFactory(
        treatment=treatment, practitioner=treatment.practitioners.get(), screened=True
    )
    url = reverse(
        "booking:manage_recheck_questions", kwargs={"token": make_manage_token(appointment)}
    )
    names = [f"question_{question.pk}" for question in questions.values()]
    recheck_data = st.dictionaries(
        keys=st.one_of(st.sampled_from(names), st.text(max_size=20)),
        values=st.one_of(hostile_text, st.sampled_from(["yes", "no"]), st.lists(hostile_text)),
        max_size=8,
    )

    @FUZZ
    @given(data=recheck_data)
    def post(data):
        response = client.post(url, data)
        assert_clear_answer(response)
        appointment.refresh_from_db()
        if response.status_code == 400:
            assert appointment.health_recheck == ""
            assert appointment.status == Status.CONFIRMED

    post()


def test_a_tampered_session_starts_the_booking_again(client, setup):
    treatment, _ = setup
    session = client.session
    for value in [
        {"treatment": "1; DROP TABLE", "screening": [1]},
        {"treatment": 99999, "treatment_chosen": True, "screening": 12345, "appointment": 1},
        "not a dict",
        {"treatment": treatment.pk, "treatment_chosen": True, "screening": {"a": 1}},
    ]:
        session["booking"] = value
        session.save()
        for step in ("treatment", "screening", "time", "details", "review"):
            response = client.get(reverse("booking:step", args=[step]))
            assert response.status_code in (200, 302)
        response = client.post(reverse("booking:step", args=["review"]))
        assert response.status_code == 302
    assert Appointment.objects.count() == 0


def test_a_honeypot_filled_by_a_bot_is_refused(client, setup):
    reach(client, setup, "details")
    data = {
        "name": "Bot",
        "email": "bot@example.com",
        "phone": "+1 555 555 5555",
        "consent_treatment": "on",
        "consent_privacy": "on",
        "website": "http://spam.example",
    }

    response = client.post(reverse("booking:step", args=["details"]), data)

    assert response.status_code == 400
    assert Appointment.objects.get().patient_email == ""


def test_over_long_input_is_refused_with_a_clear_message(client, setup):
    reach(client, setup, "details")
    data = {
        "name": "J" * 500,
        "email": "jane@example.com",
        "phone": "+1 619 555 0100",
        "consent_treatment": "on",
        "consent_privacy": "on",
    }

    response = client.post(reverse("booking:step", args=["details"]), data)

    assert response.status_code == 400
    assert "at most 120 characters" in response.content.decode()


# --- query strings and paths of every public page ----------------------------------------

query_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=10),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "microneedling\x00",
            "\t",
            "line\r\nbreak",
            "\x1b[31m",
            "\x7f",
            "\x85",
            "2027-01-12\x00",
            "9999-99-99",
            "-1",
            "%00",
            "https://evil.example/",
            "//evil.example",
            "x" * 5000,
        ]
    ),
)
query = st.dictionaries(
    keys=st.one_of(
        st.sampled_from(["treatment", "day", "next", "q", "page", "utm_source", "start"]),
        st.text(min_size=1, max_size=20),
    ),
    values=st.one_of(query_text, st.lists(query_text, max_size=3)),
    max_size=6,
)


def holds_a_control_character(data: dict) -> bool:
    """Whether the query string the test client sends for ``data`` holds one (a name
    with an empty list of values is not sent at all)."""
    pairs = [
        (name, value)
        for name, values in data.items()
        for value in ([values] if isinstance(values, str) else values)
    ]
    return any(CONTROL_CHARACTER.search(name + value) for name, value in pairs)


def assert_refused_kindly(response):
    assert response.status_code == 400, response.request["PATH_INFO"]
    assert "We could not read that address" in response.content.decode()


def fuzz_the_query_string(page):
    @FUZZ
    @given(data=query)
    def get(data):
        response = page.client.get(page.url, data)
        if holds_a_control_character(data):
            assert_refused_kindly(response)
        else:
            assert response.status_code < 500, page.name

    get()


def test_hostile_query_strings_on_every_public_page_never_fail(public_pages):
    """Each page, GET with arbitrary parameters: the kind 400 page for a control
    character, otherwise the page's own answer (never a 5xx), and no booking disturbed."""
    booking = next(page.client for page in public_pages if page.name == "booking step review")
    held = dict(booking.session["booking"])

    for page in public_pages:
        fuzz_the_query_string(page)

    assert booking.session["booking"] == held
    assert booking.get(reverse("booking:step", args=["review"])).status_code == 200


@FUZZ
@given(segment=query_text)
def test_hostile_path_segments_never_fail(client, segment):
    """Any text as a slug, a step or a token (percent-encoded, as a browser sends it)."""
    for prefix in ("/", "/treatments/", "/book/", "/book/manage/", "/admin/"):
        path = f"{prefix}{quote(segment, safe='')}/"
        response = client.get(path)
        if CONTROL_CHARACTER.search(segment):
            assert_refused_kindly(response)
        else:
            assert response.status_code < 500, path


@pytest.mark.parametrize(
    "url",
    [
        "/book/?treatment=%00",
        "/book/treatment/?treatment=a%00b",
        "/treatments/?%00=1",
        "/treatments/micro%00needling/",
        "/admin/booking/appointment/?q=%00",
        "/admin/login/?next=/admin/%0d%0aSet-Cookie:x=1",
    ],
)
def test_the_addresses_that_used_to_fail_get_the_kind_400_page(client, url):
    response = client.get(url)

    assert_refused_kindly(response)
    assert response["Content-Security-Policy"]  # the site's headers, as on every page
    assert "Set-Cookie" not in response.content.decode()

import re
from html.parser import HTMLParser

import pytest

from clinic.rendering import markdown_to_safe_html
from tests.factories import FAQFactory, SectionFactory, TreatmentFactory
from treatments.models import FAQ, Section

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">leading space</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab inside</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">ent</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">hex entities</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '![x](https://example.com/a.png" onerror="alert(1))',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div onclick="alert(1)">click me</div>',
    '<body onload="alert(1)">',
    '<a href="https://example.com" onmouseover="alert(1)">hover</a>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<details open ontoggle="alert(1)">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<div markdown="1">[x](javascript:alert(1))</div>',
    '"><script>alert(1)</script>',
]


class _Elements(HTMLParser):
    """Every start tag and its attributes, as a browser would parse them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def assert_harmless(html: str) -> None:
    assert not re.search(r"<\s*script", html, re.IGNORECASE), html
    for tag, attributes in _Elements(html).tags:
        assert tag not in {"script", "style", "iframe", "svg", "img", "object", "embed", "form"}
        for name, value in attributes.items():
            assert not re.fullmatch(r"on\w+", name), html
            assert name not in {"style", "src", "srcdoc", "action"}, html
            if name == "href":
                # Browsers ignore whitespace and control characters inside the scheme.
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not scheme.startswith(("javascript:", "data:", "vbscript:")), html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_it_removes_scripts_event_handlers_and_javascript_urls(payload):
    html = markdown_to_safe_html(payload)

    assert_harmless(html)
    # The same rules read off the raw text, in case the parser above is more lenient
    # than a browser: no event handler inside a tag, no javascript: link at all.
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.IGNORECASE), html
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", html, re.IGNORECASE), html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_it_removes_the_payload_inside_legitimate_markdown(payload):
    html = markdown_to_safe_html(f"Intro with **bold**.\n\n{payload}\n\n- one\n- two\n")

    assert_harmless(html)
    assert "<strong>bold</strong>" in html


def test_the_payload_list_is_long_enough_to_mean_something():
    assert len(XSS_PAYLOADS) >= 20


def test_the_checker_itself_catches_dangerous_html():
    # Guards the guard: if assert_harmless stopped catching these, the tests above
    # would pass whatever the sanitiser did.
    for dangerous in (
        "<script>x</script>",
        '<a href="javascript:x">a</a>',
        '<a href="java\tscript:x">a</a>',
        '<p onclick="x">p</p>',
        '<a href="data:text/html,x">a</a>',
    ):
        with pytest.raises(AssertionError):
            assert_harmless(dangerous)


def test_legitimate_markdown_survives():
    html = markdown_to_safe_html(
        "Some **bold** and *emphasis*.\n\n"
        "- first\n- second\n\n"
        "1. one\n2. two\n\n"
        "### A heading\n\n"
        '[Our clinic](https://clinic.example/contact/ "Contact") and '
        "[call us](tel:+526641234567) or [write](mailto:hola@clinica.example)."
    )

    assert "<strong>bold</strong>" in html
    assert "<em>emphasis</em>" in html
    assert "<ul>\n<li>first</li>\n<li>second</li>\n</ul>" in html
    assert "<ol>\n<li>one</li>\n<li>two</li>\n</ol>" in html
    assert "<h3>A heading</h3>" in html
    links = [attrs for tag, attrs in _Elements(html).tags if tag == "a"]
    assert [link["href"] for link in links] == [
        "https://clinic.example/contact/",
        "tel:+526641234567",
        "mailto:hola@clinica.example",
    ]
    assert links[0]["title"] == "Contact"
    assert all(link["rel"] == "noopener noreferrer" for link in links)


def test_empty_text_renders_to_nothing():
    assert markdown_to_safe_html("") == ""


@pytest.mark.django_db
def test_section_body_html_is_computed_on_save_and_stored():
    section = SectionFactory(body="- **Fine** needles\n\n<script>alert(1)</script>")

    stored = Section.objects.values_list("body_html", flat=True).get(pk=section.pk)
    assert "<li><strong>Fine</strong> needles</li>" in stored
    assert "<script" not in stored

    section.body = "Changed *text*."
    section.save()
    stored = Section.objects.values_list("body_html", flat=True).get(pk=section.pk)
    assert stored == "<p>Changed <em>text</em>.</p>"


@pytest.mark.django_db
def test_faq_answer_html_is_computed_on_save_and_stored():
    faq = FAQFactory(answer='Yes, [see here](javascript:alert(1)) <img src=x onerror="x()">')

    stored = FAQ.objects.values_list("answer_html", flat=True).get(pk=faq.pk)
    assert stored.startswith("<p>Yes, ")
    assert_harmless(stored)


@pytest.mark.django_db
def test_the_page_shows_stored_html_without_rendering_markdown_again(client, monkeypatch):
    treatment = TreatmentFactory()
    SectionFactory(treatment=treatment, body="Stored **body**.")
    FAQFactory(treatment=treatment, answer="Stored *answer*.")

    def fail(*args, **kwargs):
        raise AssertionError("Markdown was rendered during a page request")

    monkeypatch.setattr("clinic.rendering.markdown.markdown", fail)
    monkeypatch.setattr("clinic.languages.markdown_to_safe_html", fail)
    response = client.get(treatment.get_absolute_url())

    assert response.status_code == 200
    assert "Stored <strong>body</strong>." in response.text
    assert "Stored <em>answer</em>." in response.text

"""clinic/markup.py writes exactly what Django's HTML helpers write, for any text, safe
text and lazy translations, so the pages written with it read as Django's would."""

from django.forms.utils import flatatt as djangos_flatatt
from django.utils import html as django
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from clinic import markup

VALUES = st.one_of(
    st.text(),
    st.text().map(mark_safe),
    st.integers(),
    st.none(),
    st.just(gettext_lazy("Choose")),
    st.just(gettext_lazy("<\"quoted\"> & 'apostrophe'")),
)


@given(VALUES)
def test_escaping_is_djangos(value):
    assert markup.escape(value) == django.escape(value)
    assert markup.conditional_escape(value) == django.conditional_escape(value)
    assert isinstance(markup.conditional_escape(value), SafeString)


@given(st.lists(VALUES, min_size=3, max_size=3))
def test_format_html_is_djangos(args):
    template = '<a href="{}" title="{}">{}</a>'
    assert markup.format_html(template, *args) == django.format_html(template, *args)
    rows = [tuple(args), tuple(reversed(args))]
    assert markup.format_html_join("\n", template, rows) == django.format_html_join(
        "\n", template, rows
    )


@given(
    st.dictionaries(
        st.text(alphabet="abcdefghij-_<&\"'", min_size=1, max_size=8),
        st.one_of(VALUES, st.booleans()),
        max_size=6,
    )
)
def test_attributes_are_djangos(attrs):
    assert markup.flatatt(attrs) == djangos_flatatt(attrs)


def test_safe_text_is_not_escaped_twice():
    once = markup.conditional_escape("<b>")
    assert markup.conditional_escape(once) == "&lt;b&gt;"
    assert markup.format_html("<p>{}</p>", once) == "<p>&lt;b&gt;</p>"

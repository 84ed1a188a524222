"""Markdown written by editors, turned into HTML that is safe to show to patients.

Shared by the treatment pages and the privacy notice (clinic's shared parts, so both
apps may use it).
"""

import markdown
import nh3

# What an editor may use in a section body or an FAQ answer. Headings start at h3
# because the page already gives each section its h2 (a page whose body is the whole
# page, the privacy notice, allows h2 too); scripts, styles, iframes, forms, event
# handlers and javascript: URLs never survive.
ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "sub", "sup", "small",
    "ul", "ol", "li", "blockquote", "code", "pre", "a", "abbr",
    "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
    "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def markdown_to_safe_html(text: str, *, top_heading: int = 3) -> str:
    """Render Markdown to HTML and remove everything not on the allow-list.

    Headings above `top_heading` (``## `` is h2) keep their text but lose the tag.
    """
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    tags = ALLOWED_TAGS | {f"h{level}" for level in range(top_heading, 7)}
    return nh3.clean(
        html,
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()

"""An archived email's HTML made safe to show in a browser ("Ver versión HTML", seed 004).

The archive keeps the HTML as it was sent; what a screen shows passes through `displayable` first, so even
a template mistake or a provider's own template cannot run code or reveal the reader: scripts, styles,
forms and event handlers go, links may only lead to web or mail addresses (and open a new tab), and images
stay only when they are embedded (`data:image/...`), because a remote image is a tracking pixel that tells
the sender who read the mail, when and from which address. Style attributes go too: the panel's
Content-Security-Policy would block them anyway, and a blocked style is noise in the console.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
EMBEDDED_IMAGE = "data:image/"
# Elements whose content is code or chrome, removed with everything inside them.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "title", "head", "template", "noscript", "iframe", "object"})
# What the body of an email may use; anything else is unwrapped (its text kept).
TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "caption", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i",
     "img", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
     "tfoot", "th", "thead", "tr", "u", "ul"}
)  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "*": {"lang", "dir"},
}


def _keep(element: str, attribute: str, value: str) -> str | None:
    """Images only when embedded; links only to web and mail addresses (no javascript:, data: or relative)."""
    if element == "img" and attribute == "src":
        return value if value.strip().lower().startswith(EMBEDDED_IMAGE) else None
    if attribute == "href":
        return value if urlsplit(value.strip()).scheme.lower() in LINK_SCHEMES else None
    return value


def displayable(html: str) -> str:
    """The HTML fragment a browser may show: nothing in it runs, loads from elsewhere or styles itself."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_keep,
        url_schemes=set(LINK_SCHEMES | {"data"}),
        url_relative="deny",
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )

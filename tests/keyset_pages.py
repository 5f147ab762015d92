"""Reading a page of a list paged by keyset (common/keyset.py): the references it shows and its page links."""

import re
from html.parser import HTMLParser


class PageLinks(HTMLParser):
    """The links of the pagination: {rel or text: href}."""

    def __init__(self):
        super().__init__()
        self.links = {}
        self._href = None
        self._in_nav = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "pagination" in (attrs.get("class") or ""):
            self._in_nav = True
            self.label = attrs.get("aria-label")
        elif tag == "a" and self._in_nav:
            self._href = attrs["href"]
            if attrs.get("rel"):
                self.links[attrs["rel"]] = self._href

    def handle_data(self, data):
        if self._href and data.strip():
            self.links[data.strip()] = self._href
            self._href = None

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False


def joined(pages) -> list[str]:
    return [reference for page in pages for reference in page]


def read_page(client, address: str, reference: re.Pattern) -> tuple[list[str], PageLinks, str]:
    """The references the page at `address` shows, in order, its pagination links and its HTML."""
    response = client.get(address)
    assert response.status_code == 200, address
    html = response.content.decode()
    links = PageLinks()
    links.feed(html)
    return reference.findall(html), links, html

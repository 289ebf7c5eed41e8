"""Collect the elements, attributes and text of an HTML document (stdlib parser), so tests can
assert what a browser would build from it: which tags exist, which hrefs are links."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text_parts: list[str] = []
        self.title = ""  # the document title as the DOM holds it (a script setting document.title changes it)
        self._in_title = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._in_title:
            self.title += data

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    @property
    def event_handlers(self) -> list[tuple[str, str]]:
        return [(tag, a) for tag, attrs in self.elements for a in attrs if a.lower().startswith("on")]

    @property
    def hrefs(self) -> list[str]:
        return [attrs.get("href") or "" for attrs in self.tags("a")]

"""Site parsers: only for sites where generic extraction (trafilatura + page metadata) fails.

A parser module (named in a registry entry's `parser:` field) defines one `SiteParser`
subclass per layout version, newest first, like Fundus's versioned parsers: when a site
changes its layout, add a new class with a later `valid_from`, keep the old one so saved
fixtures of the old layout still test it. `parse(tree, url)` returns only the fields it
found (title, text, published, lead); extraction fills in the rest.
"""

from __future__ import annotations

import importlib
from datetime import date, datetime
from functools import cache
from typing import TypedDict

from lxml.html import HtmlElement


class ParsedFields(TypedDict, total=False):
    """What a site parser found on a page; extraction fills in the fields it leaves out."""

    title: str
    text: str
    published: datetime
    lead: str


class SiteParser:
    version: str = "1"
    valid_from: date = date(1990, 1, 1)

    def parse(self, tree: HtmlElement, url: str) -> ParsedFields:  # pragma: no cover - interface
        raise NotImplementedError


@cache
def _versions(module: str) -> tuple[SiteParser, ...]:
    mod = importlib.import_module(f"spiders.parsers.{module}")
    classes = [
        obj
        for obj in vars(mod).values()
        if isinstance(obj, type) and issubclass(obj, SiteParser) and obj is not SiteParser
    ]
    if not classes:
        raise ValueError(f"spiders.parsers.{module} defines no SiteParser subclass")
    return tuple(cls() for cls in sorted(classes, key=lambda c: c.valid_from, reverse=True))


def parser_for(module: str, on: date | None = None) -> SiteParser:
    """The parser version in force on a date (default today): the newest with valid_from <= on."""
    on = on or date.today()
    versions = _versions(module)
    return next((p for p in versions if p.valid_from <= on), versions[-1])

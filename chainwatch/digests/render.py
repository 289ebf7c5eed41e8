"""Render a Digest as HTML and Markdown with the Jinja2 templates in templates/.

Everything scraped (titles, evidence, names, URLs) is untrusted:
- HTML autoescapes every value; a URL becomes a link only when it is http(s) (`href` filter),
  so a `javascript:` URL stays visible text, never a live link.
- Markdown escapes every value too (the environment's `finalize`), both its own syntax and
  `<`, `>`, `&`, because Markdown is often turned into HTML by whoever reads it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from chainwatch.digests.charts import sparkline
from chainwatch.digests.model import NEW_WINDOW_WEEKS, Digest
from chainwatch.digests.summary import SPIKE_MIN_ITEMS, SPIKE_RATIO

TEMPLATES = Path(__file__).with_name("templates")
KIND_TITLES = (("risk", "Risk categories"), ("policy", "Policy themes"))
_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]")  # whitespace and control characters
_WHITESPACE = re.compile(r"\s+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|#~!])")
_MD_IN_URL = {"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C", '"': "%22", "'": "%27"}


def safe_href(url: object) -> str | None:
    """The URL if it is an absolute http(s) URL without whitespace or control characters, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or _UNSAFE_IN_URL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


class MdSafe(str):
    """Markdown already escaped (built by the md filters); finalize passes it through."""


def md_escape(value: object) -> str:
    """Plain text for Markdown: one line, Markdown syntax and HTML special characters neutralised."""
    if isinstance(value, MdSafe):
        return value
    if value is None:
        return ""
    text = _WHITESPACE.sub(" ", str(value))  # one line: a newline would end a table row or a list item
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_link(text: object, url: object) -> MdSafe:
    """`[text](url)` for a safe http(s) URL; otherwise the text, then the URL as escaped text."""
    label = md_escape(text) or "link"
    href = safe_href(url)
    if href is None:
        return MdSafe(label + (f" ({md_escape(url)})" if url else ""))
    for char, code in _MD_IN_URL.items():
        href = href.replace(char, code)
    return MdSafe(f"[{label}]({href})")


def signed(n: int) -> str:
    return f"+{n:,}" if n > 0 else (f"−{abs(n):,}" if n < 0 else "±0")


def number(n: int | float) -> str:
    return f"{n:,}" if isinstance(n, int) else f"{n:,.1f}"


def noun(n: int | float, singular: str, plural: str | None = None) -> str:
    """The word for a count: `1 item`, `2 items` (`{{ n|noun('story', 'stories') }}`)."""
    return singular if n == 1 else (plural or singular + "s")


def day(moment: date | None) -> str:
    return f"{moment:%d %b}" if moment else ""


def _filters(env: jinja2.Environment) -> jinja2.Environment:
    env.filters.update(
        href=safe_href, signed=signed, number=number, noun=noun, day=day, spark=sparkline, md_link=md_link
    )
    env.globals.update(
        KIND_TITLES=KIND_TITLES,
        spike_ratio=f"{SPIKE_RATIO:g}",
        spike_min=SPIKE_MIN_ITEMS,
        new_window_weeks=NEW_WINDOW_WEEKS,
    )
    return env


def html_environment() -> jinja2.Environment:
    return _filters(
        jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    )


def markdown_environment() -> jinja2.Environment:
    # autoescape is for HTML; Markdown gets its own escaping through finalize, applied to every {{ }}.
    return _filters(
        jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=False,
            finalize=md_escape,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    )


_html = _md = None


def render_html(d: Digest, charts: dict[str, str]) -> str:
    """`charts` maps a label kind to its image source (a data: URI, or cid: in email)."""
    global _html
    _html = _html or html_environment()
    return _html.get_template("digest.html.j2").render(d=d, charts=charts)


def render_markdown(d: Digest) -> str:
    global _md
    _md = _md or markdown_environment()
    return _md.get_template("digest.md.j2").render(d=d)

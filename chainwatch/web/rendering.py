"""The Jinja2 environment of the pages: autoescape on for every template, and the filters that
turn scraped text into safe HTML (escaped; search highlights as <mark>; links http(s) only)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from chainwatch.digests.render import safe_href
from chainwatch.search import HIGHLIGHT_START, HIGHLIGHT_STOP

TEMPLATES = Path(__file__).with_name("templates")
_MARKED = re.compile(
    re.escape(HIGHLIGHT_START) + r"([^" + HIGHLIGHT_START + HIGHLIGHT_STOP + r"]*)" + re.escape(HIGHLIGHT_STOP)
)


def highlight(snippet: str | None) -> Markup:
    """A search snippet as HTML: everything escaped, the matched words (between the search's
    markers) in <mark>."""
    text = str(escape(snippet or ""))
    return Markup(_MARKED.sub(lambda m: f"<mark>{m.group(1)}</mark>", text))


def plain_snippet(snippet: str | None) -> str:
    """A search snippet without its highlight markers (for exports)."""
    return _MARKED.sub(lambda m: m.group(1), snippet or "")


def when(value: datetime | date | None, with_time: bool = False) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%d %H:%M UTC") if with_time else value.strftime("%Y-%m-%d")
    return value.isoformat()


def query_string(params: dict[str, object]) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        href=safe_href, highlight=highlight, when=when, qs=query_string, pct=lambda p: f"{100 * float(p):.0f}%"
    )
    return env


templates = Jinja2Templates(env=_env())

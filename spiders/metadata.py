"""What a page says about itself: JSON-LD, OpenGraph / article meta tags, <title>, <h1>, <html lang>.

Publishers fill these for search engines and social cards, so they are usually cleaner than
anything scraped from the layout. Every field is optional; extraction decides what to trust.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html
from lxml.html import HtmlElement

log = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "report",
        "pressrelease",
        "socialmediaposting",
        "scholarlyarticle",
        "techarticle",
    }
)
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "dc.date.issued",
    "dc.date",
    "dcterms.issued",
    "date",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "published_time",
    "publishtime",
)
_SPACE = re.compile(r"\s+")


def clean_space(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


@dataclass
class PageMeta:
    title: str | None = None  # og:title / twitter:title
    headline: str | None = None  # JSON-LD headline
    html_title: str | None = None  # <title>
    h1: str | None = None
    description: str | None = None  # og:description / meta description / JSON-LD description
    body: str | None = None  # JSON-LD articleBody
    published: list[str] = field(default_factory=list)  # raw candidates, most trusted first
    canonical: str | None = None  # <link rel=canonical>, else og:url
    html_lang: str | None = None
    site_name: str | None = None
    authors: list[str] = field(default_factory=list)


# A JSON-LD object as json.loads gives it: its values are any JSON.
JsonObject = dict[str, Any]


def _ld_objects(data: object) -> Iterator[JsonObject]:
    """Every dict inside a JSON-LD value (lists and @graph flattened)."""
    if isinstance(data, list):
        for item in data:
            yield from _ld_objects(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _ld_objects(data["@graph"])
        for key in ("mainEntity", "mainEntityOfPage"):
            if isinstance(data.get(key), (dict, list)):
                yield from _ld_objects(data[key])


def _types(obj: JsonObject) -> set[str]:
    t = obj.get("@type")
    return {str(x).lower() for x in (t if isinstance(t, list) else [t]) if x}


def _text_of(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    return None


def _strip_tags(text: str) -> str:
    if "<" not in text:
        return text
    try:
        stripped: str = lxml_html.fromstring(f"<div>{text}</div>").text_content()
        return stripped
    except Exception:  # noqa: BLE001 (a body we cannot parse is simply not used)
        return re.sub(r"<[^>]+>", " ", text)


def _read_json_ld(tree: HtmlElement, meta: PageMeta) -> None:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            try:  # a common publisher bug: raw newlines inside strings
                data = json.loads(raw.replace("\n", " ").replace("\r", " "))
            except (ValueError, RecursionError):
                log.debug("unreadable JSON-LD block skipped")
                continue
        try:
            objects = list(_ld_objects(data))
        except RecursionError:
            log.debug("JSON-LD block nested too deeply; skipped")
            continue
        for obj in objects:
            if not (_types(obj) & ARTICLE_TYPES):
                continue
            meta.headline = (
                meta.headline or clean_space(_text_of(obj.get("headline")) or _text_of(obj.get("name"))) or None
            )
            if obj.get("articleBody") and not meta.body:
                body = _text_of(obj["articleBody"])
                meta.body = _strip_tags(body).strip() if body else None
            if obj.get("description") and not meta.description:
                meta.description = clean_space(_strip_tags(_text_of(obj["description"]) or "")) or None
            for key in ("datePublished", "dateCreated", "uploadDate"):
                published = _text_of(obj.get(key))
                if published:
                    meta.published.append(published)
            authors = obj.get("author")
            for a in authors if isinstance(authors, list) else [authors]:
                name = a.get("name") if isinstance(a, dict) else a
                if isinstance(name, str) and name.strip() and name.strip() not in meta.authors:
                    meta.authors.append(name.strip())


def read_metadata(tree: HtmlElement) -> PageMeta:
    meta = PageMeta()
    _read_json_ld(tree, meta)
    props: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = el.get("content")
        if key and value and key not in props:
            props[key] = value.strip()
    meta.title = clean_space(props.get("og:title") or props.get("twitter:title")) or None
    meta.description = (
        meta.description
        or clean_space(props.get("og:description") or props.get("description") or props.get("twitter:description"))
        or None
    )
    meta.site_name = props.get("og:site_name")
    meta.published.extend(props[k] for k in _PUBLISHED_META if props.get(k))
    for t in tree.xpath("//time[@datetime][1]/@datetime | //*[@itemprop='datePublished']/@datetime"):
        meta.published.append(str(t))
    canon = tree.xpath('//link[@rel="canonical"]/@href')
    meta.canonical = (str(canon[0]).strip() if canon else None) or props.get("og:url")
    titles = tree.xpath("//head/title/text() | /html/title/text()")
    meta.html_title = clean_space(titles[0]) if titles else None
    h1 = tree.xpath("//h1")
    meta.h1 = clean_space(h1[0].text_content()) if h1 else None
    lang = tree.xpath("/html/@lang")
    meta.html_lang = str(lang[0]).strip().lower() if lang else None
    if not meta.authors and props.get("author"):
        meta.authors.append(props["author"])
    return meta

"""One page in, one Article (or a counted failure) out: used by the crawl and `chainwatch extract`.

Order of trust, field by field:
- title: site parser, og:title, JSON-LD headline, <title>, <h1>, the feed's title;
- text: site parser, else trafilatura (precision mode); when that is short (the page holds only a
  lead, or the layout defeats it) the longest of JSON-LD articleBody, the feed's content and the
  page description;
- published: site parser, JSON-LD / article meta, the feed's date, a labelled date in the page
  text (Chinese forms included), htmldate; never in the future;
- lang: py3langid on title + text when confident, else <html lang>, else the source's language.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement

from chainwatch.contracts import Article
from spiders.canonical import canonical_url, same_site
from spiders.dates import find_date_in_text, local_day, not_future, parse_local, zone
from spiders.encoding import decode_html
from spiders.metadata import PageMeta, clean_space, read_metadata
from spiders.parsers import ParsedFields, parser_for
from spiders.registry import RegistryError, Source, get_source

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

log = logging.getLogger(__name__)

SHORT_TEXT = 250  # below this, trafilatura probably missed the body: consider other candidates
MIN_TEXT = 15  # below this many letters and digits there is nothing worth storing
MAX_PAGE_BYTES = 5 * 1024 * 1024  # = settings.DOWNLOAD_MAXSIZE: bigger is a trap, and parsing it takes minutes
LEAD_MAX = 600
LANG_MIN_CONFIDENCE = 0.6
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# C0 controls other than tab and line breaks, and noncharacters: libxml2's HTML parser drops the rest of
# the page at one, raw or written as a character reference (&#x01;, &#x1b;, &#xfffe;)
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufdd0-\ufdef\ufffe\uffff]")
_CHAR_REF = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,8})|0*([0-9]{1,10}));?")
# What no stored title or text keeps (issue 17): C0 controls (the body keeps tab and newline), DEL, C1 and
# noncharacters. An ESC or BEL in a title would otherwise reach an analyst's terminal.
# Whitespace written as an escape that nobody decoded (JSON-LD bodies double-escaped by the publisher, as in
# the bundled snapshot): \xa0, \u00a0, \u2002-\u200b, \u2028, \u2029, \u202f, \u3000, \ufeff
_ESCAPED_SPACE = re.compile(r"(?:\\(?:x[aA]0|u00[aA]0|u200[0-9abAB]|u202[89fF]|u205[fF]|u3000|u[fF][eE][fF][fF]) *)+")
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|_)\s+")
# Where a site appends or prepends its name: spaced dashes, bars, colons, bullets, guillemets, and
# the unspaced "_" "|" "｜" "-" of Chinese titles ("标题_金色财经").
_SITE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»‹›]\s+|\s*[|｜_]\s*|(?<=[\u4e00-\u9fff])\s*[-–—]\s*(?=\S)|\s+[-–—]+$")


@dataclass(frozen=True)
class ExtractionFailure:
    """Why a page gave no article; `kind` is the crawl_runs.error_counts key."""

    kind: str  # empty_page | not_html | no_title | no_text | too_large | bad_url
    message: str
    url: str

    def __bool__(self) -> bool:  # `if result:` reads as "got an article"
        return False


@dataclass
class Hints:
    """What the link that led to the page already said (feed item, sitemap entry)."""

    title: str | None = None
    published: str | datetime | None = None
    summary: str | None = None


def looks_binary(body: bytes) -> bool:
    """Binary data (an image, an archive, random bytes) served as a page: more than 8 and over 1% of
    the first 8 KiB are control bytes that text never holds (a byte-order mark exempts UTF-16 text)."""
    head = body[:8192]
    if not head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    controls = sum(head.count(bytes([b])) for b in (*range(0, 9), 11, 12, *range(14, 27), *range(28, 32)))
    return controls > 8 and controls * 100 > len(head)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip().casefold()


def content_hash(title: str, text: str) -> str:
    return hashlib.sha256(f"{normalise(title)}\n{normalise(text)}".encode()).hexdigest()


@lru_cache(maxsize=1)
def _lang_identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # the language model file loads on first use

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, fallback: str | None = None) -> str | None:
    sample = (text or "")[:2000]
    if len(sample.strip()) >= 20:
        lang: str
        confidence: float
        lang, confidence = _lang_identifier().classify(sample)
        if confidence >= LANG_MIN_CONFIDENCE:
            return lang
    return fallback


def _clean_title(meta: PageMeta, domain: str) -> str | None:
    """og:title, JSON-LD headline, else <title> without the site's name (the <h1> when <title> contains it)."""
    if meta.title or meta.headline:
        return meta.title or meta.headline
    html_title, h1 = meta.html_title, meta.h1
    if html_title and h1 and normalise(h1) in normalise(html_title):
        return h1
    if html_title:
        # "Headline | Site" or "Site | Headline": drop the part that names the site
        parts = _TITLE_SEPARATORS.split(html_title)
        if len(parts) > 1:
            site = normalise(meta.site_name or "").replace(" ", "")
            host = domain.split(".")[0]

            def names_site(part: str) -> bool:
                p = normalise(part).replace(" ", "")
                return bool(p) and ((site and (p in site or site in p)) or host in p)

            kept = [p for p in parts if not names_site(p)]
            if kept and len(kept) < len(parts):
                return " - ".join(kept)
        return html_title
    return h1


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", normalise(text))


def strip_site_name(title: str, names: list[str]) -> str:
    """The title without the site's name at its start or end ("… – TechCrunch", "金色财经 | …").

    A part is the site's name when, squashed (no case, spaces, punctuation), it equals, contains or
    sits inside one of `names` (og:site_name, the registry name and its words, the domain's label).
    The title is never emptied, and a part is only dropped when a separator sets it apart."""
    wanted = {_squash(n) for n in names if n and len(_squash(n)) >= 3}
    if not wanted or not title:
        return title
    parts = [p for p in _SITE_SEPARATORS.split(title)]
    seps = _SITE_SEPARATORS.findall(title)
    if len(parts) < 2:
        return title

    def is_site(part: str) -> bool:
        p = _squash(part)
        return bool(p) and any(p == w or (len(p) >= 3 and (p in w or w in p) and len(p) <= len(w) + 12) for w in wanted)

    start, end = 0, len(parts)
    while end - start > 1 and is_site(parts[end - 1]):
        end -= 1
    while end - start > 1 and is_site(parts[start]):
        start += 1
    if (start, end) == (0, len(parts)):
        return title
    kept = parts[start]
    for i in range(start + 1, end):
        kept += seps[i - 1] + parts[i]
    return kept.strip() or title


def site_names(meta: PageMeta, source: Source | None, domain: str) -> list[str]:
    """Names a site may put in its titles: og:site_name, the registry name (and its parts), the domain label."""
    names = [meta.site_name or "", domain.split(".")[0]]
    if source is not None:
        names.append(source.name)
        names.extend(re.split(r"[\s()（）]+", source.name))
    return [n for n in names if n]


def _plain(text: str | None) -> str:
    if not text:
        return ""
    if "<" in text:
        try:
            text = lxml.html.fromstring(f"<div>{text}</div>").text_content()
        except (lxml.etree.ParserError, ValueError):
            text = re.sub(r"<[^>]+>", " ", text)
    lines = (clean_space(line) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _drop_title_line(text: str, title: str) -> str:
    first, _, rest = text.partition("\n")
    return rest.strip() if rest and normalise(first) == normalise(title) else text


def _trafilatura_text(tree: HtmlElement, url: str) -> str:

    # fast=False: the readability/justext second opinions recover bodies the first pass cuts short
    # (F1 0.939 -> see docs/benchmarks.md, ScrapingHub set); favor_precision keeps menus out (a real
    # CoinDesk page otherwise starts with them).
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=False,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    return (getattr(doc, "text", None) or "").strip() if doc is not None else ""


def _resolve_source(source: str | Source | None) -> Source | None:
    if source is None or isinstance(source, Source):
        return source
    try:
        return get_source(source)
    except RegistryError:
        return None


def _harmless_ref(match: re.Match[str]) -> str:
    """A character reference, or a space when it names a control character or a noncharacter."""
    cp = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF or _CONTROL_CHARS.match(chr(cp)) or cp == 0:
        return " "
    return match.group(0)


def printable(text: str, *, keep: str = "") -> str:
    """Text without control characters or noncharacters (each becomes a space; `keep` lists exceptions),
    nor whitespace escapes left as text by a publisher's double encoding (a literal `\\xa0`)."""
    if "\\" in text:
        text = _ESCAPED_SPACE.sub(" ", text)
    if keep:
        return _UNPRINTABLE.sub(lambda m: m.group() if m.group() in keep else " ", text)
    return _UNPRINTABLE.sub(" ", text)


# HTML comments left in the tree cut some bodies short in trafilatura (a comment between paragraphs
# ends the text it collects), so they are dropped at parse time.
_PARSER = lxml.html.HTMLParser(remove_comments=True)


def _parse_tree(text: str) -> HtmlElement | None:
    text = _CONTROL_CHARS.sub(" ", _XML_DECL.sub("", text, count=1))
    if "&#" in text:
        text = _CHAR_REF.sub(_harmless_ref, text)
    try:
        return lxml.html.document_fromstring(text, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return None


def extract(
    html: bytes | str,
    url: str,
    *,
    source: str | Source | None = None,
    content_type: str | None = None,
    hints: Hints | None = None,
    fetched_at: datetime | None = None,
) -> Article | ExtractionFailure:
    """Extract the article on one page. `url` is the page's real address (never the replay's)."""
    hints = hints or Hints()
    src = _resolve_source(source)
    unregistered = source if isinstance(source, str) else None  # an id the registry does not know, when src is None
    tz = src.timezone if src else "UTC"
    fetched_at = fetched_at or datetime.now(UTC)
    try:
        fallback_canonical = canonical_url(url)
    except ValueError:
        return ExtractionFailure("bad_url", f"not a web address: {url!r}", url)

    if len(html) > MAX_PAGE_BYTES:
        return ExtractionFailure("too_large", f"page of {len(html):,} bytes is over {MAX_PAGE_BYTES:,}", url)
    warnings: list[str] = []
    if isinstance(html, bytes):
        if looks_binary(html):
            return ExtractionFailure("not_html", "binary data, not a web page", url)
        decoded = decode_html(html, content_type)
        if decoded.problem:
            warnings.append(decoded.problem)
            log.warning("%s: %s, decoded as %s", url, decoded.problem.replace("_", " "), decoded.encoding)
        html = decoded.text
    if not html or not html.strip():
        return ExtractionFailure("empty_page", "page body is empty", url)
    head = html.lstrip()[:200].lower()
    if head.startswith(("{", "[", "%pdf")) or head.startswith("<?xml") and ("<rss" in head or "<feed" in head):
        return ExtractionFailure("not_html", "page is not HTML", url)
    tree = _parse_tree(html)
    if tree is None:
        return ExtractionFailure("not_html", "page could not be parsed as HTML", url)

    meta = read_metadata(tree)
    site: ParsedFields = {}
    parser_used: str | None = None
    if src and src.parser:
        parser = parser_for(src.parser, fetched_at.date())
        site, parser_used = parser.parse(tree, url) or {}, f"{src.parser}@{parser.version}"

    domain = (urlsplit(url).hostname or "").removeprefix("www.")
    title = clean_space(
        printable(
            site.get("title")
            or strip_site_name(_clean_title(meta, domain) or clean_space(hints.title), site_names(meta, src, domain))
            or ""
        )
    )
    if not title:
        return ExtractionFailure("no_title", "no title in metadata, <title>, <h1> or the feed", url)
    text = (site.get("text") or _main_text(tree, url, title, meta, hints)).replace("\r\n", "\n").replace("\r", "\n")
    text = _drop_title_line(printable(text, keep="\t\n").strip(), title)
    if sum(ch.isalnum() for ch in text) < MIN_TEXT:  # replacement characters or punctuation only
        return ExtractionFailure("no_text", f"only {len(text)} characters of text found", url)

    lead = site.get("lead") or meta.description or _plain(hints.summary).split("\n")[0] or text.split("\n")[0]
    lang_fallback = (meta.html_lang or "").split("-")[0] or (src.lang if src else None)
    declared = meta.canonical
    if declared and same_site(declared, url) and urlsplit(declared).path not in ("", "/"):
        canonical = canonical_url(declared)  # the page's own canonical link, when it stays on the site
    else:
        canonical = fallback_canonical

    extra: dict[str, object] = {"warnings": warnings} if warnings else {}
    if meta.authors:
        extra["authors"] = meta.authors
    if parser_used:
        extra["parser"] = parser_used
    published = not_future(site.get("published")) or _published(tree, meta, hints, tz)
    return Article(
        url=url,
        canonical_url=canonical,
        source=src.id if src else (unregistered or domain),
        title=title[:1000],
        text=text,
        published=published.astimezone(UTC) if published else None,
        published_day=local_day(published, tz),
        lang=detect_language(f"{title}\n{text}", fallback=lang_fallback),
        content_hash=content_hash(title, text),
        fetched_at=fetched_at,
        lead=clean_space(printable(lead))[:LEAD_MAX] or None,
        extra=extra,
    )


def extract_inline(
    url: str,
    body: str,
    *,
    source: str | Source | None = None,
    hints: Hints | None = None,
    fetched_at: datetime | None = None,
) -> Article | ExtractionFailure:
    """An article whose whole text came with its link (an API's flash item, a detail JSON), not from its page."""
    hints = hints or Hints()
    src = _resolve_source(source)
    tz = src.timezone if src else "UTC"
    try:
        canonical = canonical_url(url)
    except ValueError:
        return ExtractionFailure("bad_url", f"not a web address: {url!r}", url)
    text = _plain(_CONTROL_CHARS.sub(" ", body or ""))
    if sum(ch.isalnum() for ch in text) < MIN_TEXT:
        return ExtractionFailure("no_text", f"only {len(text)} characters of text found", url)
    # Flash items often have no headline (or repeat it as the first line): the first sentence then serves.
    title = clean_space(_plain(hints.title)) or _first_sentence(text)
    text = _drop_title_line(text, title)
    lead = clean_space(_plain(hints.summary).split("\n")[0]) or text.split("\n")[0]
    domain = (urlsplit(url).hostname or "").removeprefix("www.")
    published = parse_local(hints.published, tz=tz)
    return Article(
        url=url,
        canonical_url=canonical,
        source=src.id if src else domain,
        title=title[:1000],
        text=text,
        published=published.astimezone(UTC) if published else None,
        published_day=local_day(published, tz),
        lang=detect_language(f"{title}\n{text}", fallback=src.lang if src else None),
        content_hash=content_hash(title, text),
        fetched_at=fetched_at or datetime.now(UTC),
        lead=lead[:LEAD_MAX] or None,
        extra={"from": "api"},
    )


def _first_sentence(text: str, limit: int = 80) -> str:
    first = text.split("\n", 1)[0]
    cut = re.search(r"[。！？!?]|\.\s", first)
    sentence = first[: cut.end()].strip() if cut else first
    return sentence if len(sentence) <= limit else sentence[:limit].rstrip() + "…"


def _main_text(tree: HtmlElement, url: str, title: str, meta: PageMeta, hints: Hints) -> str:
    text = _drop_title_line(_trafilatura_text(tree, url), title)
    if len(text) < SHORT_TEXT:
        text = max([text, _plain(meta.body), _plain(hints.summary), _plain(meta.description)], key=len)
    return text


def _published(tree: HtmlElement, meta: PageMeta, hints: Hints, tz: str) -> datetime | None:
    """The publication date in the offset the publisher wrote it with (its own day: Article.published_day)."""
    for raw in meta.published:
        found = parse_local(raw, tz=tz)
        if found:
            return found
    in_text = find_date_in_text(tree.text_content()[:20000], tz=tz)
    return (
        parse_local(hints.published, tz=tz)
        or (in_text.astimezone(zone(tz)) if in_text else None)
        or _htmldate(tree, tz)
    )


def _htmldate(tree: HtmlElement, tz: str) -> datetime | None:
    """htmldate's fast search, then its extensive one (dates in running text, URLs) when that finds nothing."""
    for extensive in (False, True):
        try:
            found = find_date(tree, extensive_search=extensive, original_date=True)
        except Exception as exc:  # noqa: BLE001 (htmldate is a last resort; never fail a page on it)
            log.debug("htmldate failed: %s", exc)
            return None
        if found:
            return parse_local(found, tz=tz)
    return None

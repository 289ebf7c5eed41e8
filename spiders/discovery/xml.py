"""Reading untrusted XML (feeds, sitemaps) without letting it hurt us.

lxml runs with entity resolution, DTD loading and network access off and huge_tree off (so
libxml2's size and depth limits apply). A document that declares entities is refused outright:
news feeds have no use for them and they are how expansion bombs ("billion laughs") start.
Broken XML (truncated downloads, bad escaping) is parsed again in recovery mode so the items
before the damage are kept; the damage is reported as a problem to count.
"""

from __future__ import annotations

import re

from lxml import etree
from scrapy.utils.gz import gunzip

from spiders.discovery import BadEntryPage

MAX_GUNZIP = 50 * 1024 * 1024
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html)", re.IGNORECASE | re.DOTALL)


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
    )


# A character reference to a surrogate or past U+10FFFF: libxml2 keeps it in recovery mode as bytes that are
# not UTF-8, and reading the element's text then raises UnicodeDecodeError (found by tests/fuzz).
_CHAR_REF = re.compile(rb"&#(?:[xX]0*([0-9a-fA-F]{1,8})|0*([0-9]{1,10}));")


def _storable_ref(match: re.Match[bytes]) -> bytes:
    cp = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return b"&#xFFFD;" if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF else match.group(0)


def local_name(el: etree._Element) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def parse_xml(body: bytes) -> tuple[etree._Element, str | None]:
    """The root element and a problem kind (None, or "bad_xml" when recovered)."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=MAX_GUNZIP)
        except Exception as exc:  # noqa: BLE001 (any decompression failure is one kind of bad input)
            raise BadEntryPage("bad_gzip", f"cannot decompress ({exc.__class__.__name__})") from exc
    body = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"&#" in body:
        body = _CHAR_REF.sub(_storable_ref, body)
    if not body:
        raise BadEntryPage("empty_feed", "empty document")
    if _HTML_START.match(body[:4096]):
        raise BadEntryPage("not_a_feed", "an HTML page was served where a feed or sitemap was expected")
    problem = None
    try:
        root = etree.fromstring(body, _parser(recover=False))
    except etree.XMLSyntaxError as exc:
        detail = str(exc).splitlines()[0] if str(exc) else "syntax error"
        try:
            root = etree.fromstring(body, _parser(recover=True))
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            raise BadEntryPage("bad_xml", f"invalid XML ({detail})") from exc
        problem = f"invalid XML, recovered what came before the damage ({detail})"
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and list(dtd.iterentities()):
        raise BadEntryPage("xml_entities", "document declares XML entities (possible expansion bomb); refused")
    if local_name(root) == "html":
        raise BadEntryPage("not_a_feed", "an HTML page was served where a feed or sitemap was expected")
    return root, problem

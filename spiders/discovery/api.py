"""JSON endpoints that list articles: the web APIs the Chinese outlets' own pages read, and
regulators' open data APIs (HKMA, the SFC, the CSRC's search list, the NFRA's static JSON).

A registry `apis:` entry (spiders.registry.ApiEndpoint) says where the list of items sits in the
response and which field of an item holds each part. A path is dotted keys (`data.list`); `*`
walks every element of a list (`list.*.lives`); alternatives are separated by `|` and the first
that gives a value wins (`object_1.title|object_2.title`). `link` is either a path or a template
with `{path}` placeholders (`https://www.theblockbeats.info/flash/{article_id}`).

When an item carries its whole text (flash news, 快讯), `body` names that field and the crawl
stores the item from the API alone, without fetching a page (Link.body).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from spiders.discovery import BadEntryPage, Discovered, Link

if TYPE_CHECKING:
    from spiders.registry import ApiEndpoint

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_EPOCH_MS = 10**11  # above this a number is milliseconds (10**11 s is the year 5138)


def _walk(value: Any, keys: list[str]) -> list[Any]:
    """Every value at the end of `keys` (a `*` key fans out over a list's elements)."""
    if not keys:
        return [value]
    key, rest = keys[0], keys[1:]
    if key == "*":
        if not isinstance(value, list):
            return []
        return [found for element in value for found in _walk(element, rest)]
    if isinstance(value, dict) and key in value:
        return _walk(value[key], rest)
    if isinstance(value, list) and key.isdigit() and int(key) < len(value):
        return _walk(value[int(key)], rest)
    return []


def resolve(value: Any, path: str) -> Any:
    """The first non-empty value among the `|` alternatives of `path` (None when none has one)."""
    for alternative in path.split("|"):
        alternative = alternative.strip()
        found = _walk(value, alternative.split(".")) if alternative else [value]
        if "*" in alternative:
            # a fanned-out path collects lists into one (list.*.lives: every group's lives)
            flat = [x for f in found for x in (f if isinstance(f, list) else [f])]
            if flat:
                return flat
            continue
        if found and found[0] not in (None, "", [], {}):
            return found[0]
    return None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _fill(template: str, item: Any) -> str | None:
    """A template's placeholders filled from the item; None when one of them has no value."""
    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        value = _text(resolve(item, match.group(1)))
        if value is None:
            missing = True
            return ""
        return value

    filled = _PLACEHOLDER.sub(one, template)
    return None if missing else filled


def _absolute(base_url: str, href: str | None) -> str | None:
    return urljoin(base_url, href) if href else None


def epoch_or_text(value: Any) -> str | None:
    """A date as the API wrote it; Unix seconds or milliseconds become ISO 8601 in UTC."""
    text = _text(value)
    if text is None:
        return None
    if re.fullmatch(r"\d{9,14}(?:\.\d+)?", text):
        number = float(text)
        if number > _EPOCH_MS:
            number /= 1000
        try:
            return datetime.fromtimestamp(number, UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    return text


def _decode_list(raw: Any, decode: str | None) -> Any:
    if decode != "base64-zlib":
        return raw
    # Foresight News sends its list as base64 text of zlib-deflated JSON.
    if not isinstance(raw, str):
        raise BadEntryPage("bad_api", "expected a base64 string to decode")
    try:
        return json.loads(zlib.decompress(base64.b64decode(raw)).decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise BadEntryPage("bad_api", f"could not decode the base64-zlib list: {exc}") from exc


def detail_text(body: bytes, path: str) -> str | None:
    """The whole text of one item from its detail JSON (api `detail_body`); None when absent."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadEntryPage("bad_json", f"detail is not JSON: {str(exc)[:120]}") from exc
    return _text(resolve(data, path))


def parse_api(body: bytes, base_url: str, endpoint: ApiEndpoint) -> Discovered:
    """An API response -> its article links (with titles, dates, summaries and, for flash news, bodies)."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadEntryPage("bad_json", f"response is not JSON: {str(exc)[:120]}") from exc
    if endpoint.decode:
        holder, _, inner = endpoint.items.partition(">")
        data = _decode_list(resolve(data, holder.strip()), endpoint.decode)
        items_path = inner.strip() or "*"
    else:
        items_path = endpoint.items
    items = resolve(data, items_path) if items_path != "*" else data
    if not isinstance(items, list):
        raise BadEntryPage("bad_api", f"no list of items at {endpoint.items!r}")
    found = Discovered()
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        href = _fill(endpoint.link, item) if "{" in endpoint.link else _text(resolve(item, endpoint.link))
        if not href:
            skipped += 1
            continue
        found.links.append(
            Link(
                url=urljoin(base_url, href),
                title=_text(resolve(item, endpoint.title)) if endpoint.title else None,
                published=epoch_or_text(resolve(item, endpoint.published)) if endpoint.published else None,
                summary=_text(resolve(item, endpoint.summary)) if endpoint.summary else None,
                body=_text(resolve(item, endpoint.body)) if endpoint.body else None,
                detail=_absolute(base_url, _fill(endpoint.detail, item)) if endpoint.detail else None,
            )
        )
    if skipped:
        found.problem, found.message = "bad_api_item", f"{skipped} item(s) without a usable link"
    return found

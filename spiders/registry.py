"""The source registry: one short declarative entry per publisher, in spiders/sources/<id>.yaml.

Like Fundus's publisher entries, an entry is configuration: where to discover articles (RSS or
Atom feeds, news sitemaps, listing pages with a CSS/XPath link selector, the JSON endpoints a
site's own pages read) and, only when generic extraction fails on that site, a small site parser
(spiders/parsers/). `evidence` cites where each address is documented or used in public code
(repository and path, or the publisher's documentation page); `verified: false` marks addresses
that could not be checked against the live site from here; `notes` says what is known.
`category: official` marks regulators and public bodies: their items are flagged official.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from chainwatch.errors import ChainWatchError

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
KINDS = ("feed", "sitemap", "listing", "api")
API_DECODINGS = ("base64-zlib",)
API_METHODS = ("GET", "POST")
CATEGORIES = ("news", "official")
_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


class RegistryError(ChainWatchError):
    """A registry entry is malformed, or an unknown source id was asked for."""


def check_pages(template: str | None, origin: str) -> None:
    """A numbered pages template: an http(s) address with one {page} placeholder."""
    if template is None:
        return
    try:
        page = template.format(page=2)
    except (KeyError, ValueError, IndexError) as exc:
        raise RegistryError(f"{origin}: pages {template!r}: bad placeholder ({exc})") from exc
    if "{page" not in template or urlsplit(page).scheme not in ("http", "https"):
        raise RegistryError(f"{origin}: pages {template!r} must be a web address with a {{page}} placeholder")


@dataclass(frozen=True)
class Listing:
    url: str  # in `archives`, a template: {year}, {month}, {day} (format specs allowed: {month:02d})
    links: str  # CSS selector for article links; an XPath when it starts with "/" or "("
    next: str | None = None  # selector of the link to the next (older) page; only `chainwatch backfill` follows it
    pages: str | None = None  # or the older pages' address, numbered: a template with {page} (page 2 follows 1)

    @classmethod
    def from_dict(cls, item: object, origin: str, *, archive: bool = False) -> Listing:
        if not isinstance(item, dict) or not item.get("url") or not item.get("links"):
            raise RegistryError(f"{origin}: each listing and archive needs `url` and `links` (a CSS/XPath selector)")
        unknown = set(item) - {"url", "links", "next", "pages"}
        if unknown:
            raise RegistryError(f"{origin}: unknown listing field(s) {', '.join(sorted(unknown))}")
        listing = cls(url=item["url"], links=item["links"], next=item.get("next") or None, pages=item.get("pages"))
        check_pages(listing.pages, origin)
        if archive:
            if "{year" not in listing.url:
                raise RegistryError(f"{origin}: archive url {listing.url!r} needs a {{year}} placeholder")
            try:
                listing.page_for(2020, 1, 2)
            except (KeyError, ValueError, IndexError) as exc:
                raise RegistryError(f"{origin}: archive url {listing.url!r}: bad placeholder ({exc})") from exc
        return listing

    def page_for(self, year: int, month: int = 1, day: int = 1) -> str:
        """An archive template's page for a date (`https://x.example/{year}/{month:02d}/` -> .../2024/03/)."""
        return self.url.format(year=year, month=month, day=day)


@dataclass(frozen=True)
class ApiEndpoint:
    """A JSON endpoint listing articles; paths and templates as in spiders.discovery.api."""

    url: str
    items: str  # path to the list of items, e.g. "data.list"
    link: str  # path to the article URL, or a template "https://x/{id}"
    title: str | None = "title"
    published: str | None = None  # path to the date (text, or Unix seconds/milliseconds)
    summary: str | None = None
    body: str | None = None  # path to the whole text: the item is stored without fetching its page
    detail: str | None = None  # template of a JSON URL holding one item's whole text (the page needs JS)
    detail_body: str | None = None  # path to the text in that JSON (HTML allowed)
    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()  # POST form fields
    json_body: str | None = None  # POST JSON body, as JSON text
    decode: str | None = None  # "base64-zlib": items path "holder > inner" names a packed list
    pages: str | None = None  # GET only: the older pages' address, a template with {page}; read by backfill

    @classmethod
    def from_dict(cls, item: object, origin: str) -> ApiEndpoint:
        if not isinstance(item, dict) or not item.get("url") or not item.get("items") or not item.get("link"):
            raise RegistryError(f"{origin}: each api needs `url`, `items` (a path) and `link` (a path or template)")
        known = {f.name for f in fields(cls)} | {"json"}
        unknown = set(item) - known
        if unknown:
            raise RegistryError(f"{origin}: unknown api field(s) {', '.join(sorted(unknown))}")
        values = {k: v for k, v in item.items() if k not in ("form", "json")}
        values["form"] = tuple((str(k), str(v)) for k, v in (item.get("form") or {}).items())
        if item.get("json") is not None:
            values["json_body"] = json.dumps(item["json"], ensure_ascii=False, sort_keys=True)
        endpoint = cls(**values)
        if endpoint.method not in API_METHODS:
            raise RegistryError(f"{origin}: api method must be one of {', '.join(API_METHODS)}")
        if bool(endpoint.detail) != bool(endpoint.detail_body):
            raise RegistryError(f"{origin}: api `detail` and `detail_body` go together")
        if endpoint.decode is not None and endpoint.decode not in API_DECODINGS:
            raise RegistryError(f"{origin}: api decode must be one of {', '.join(API_DECODINGS)}")
        if endpoint.pages and endpoint.method != "GET":
            raise RegistryError(f"{origin}: api `pages` is for GET endpoints")
        check_pages(endpoint.pages, origin)
        return endpoint

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["form"] = dict(self.form)
        data.pop("json_body")
        if self.json_body is not None:
            data["json"] = json.loads(self.json_body)
        return data


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    domain: str
    lang: str  # expected language, ISO 639-1
    kind: str = "feed"  # the main way articles are discovered
    category: str = "news"  # news | official
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[Listing, ...] = ()
    archives: tuple[Listing, ...] = ()  # date archive pages, walked by `chainwatch backfill` only
    apis: tuple[ApiEndpoint, ...] = ()
    allowed_domains: tuple[str, ...] = ()  # always includes domain and the entry pages' hosts
    ports: tuple[int, ...] = ()  # besides 80 and 443; always includes the entry pages' ports
    article_pattern: str | None = None  # regex an article URL must match (sitemaps, listings)
    parser: str | None = None  # module in spiders.parsers, e.g. "pbc"
    timezone: str = "UTC"  # zone for dates written without one
    max_items: int = 5000  # article requests per run (feeds in the demo hold hundreds)
    download_delay: float | None = None  # per-source politeness override (seconds)
    render: bool = False  # pages are built by JavaScript: read them as headless chromium renders them (spiders.render)
    enabled: bool = True
    verified: bool = False  # addresses checked against the live site
    evidence: str = ""  # where the addresses are documented or used in public code
    notes: str = ""

    @property
    def official(self) -> bool:
        return self.category == "official"

    @property
    def entry_urls(self) -> list[str]:
        return [*self.feeds, *self.sitemaps, *(lst.url for lst in self.listings), *(api.url for api in self.apis)]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["feeds"], data["sitemaps"] = list(self.feeds), list(self.sitemaps)
        data["listings"] = [asdict(lst) for lst in self.listings]
        data["archives"] = [asdict(lst) for lst in self.archives]
        data["apis"] = [api.to_dict() for api in self.apis]
        data["allowed_domains"] = list(self.allowed_domains)
        data["ports"] = list(self.ports)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str = "<dict>") -> Source:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise RegistryError(f"{origin}: unknown field(s) {', '.join(sorted(unknown))}")
        missing = [k for k in ("id", "name", "domain", "lang") if not data.get(k)]
        if missing:
            raise RegistryError(f"{origin}: missing field(s) {', '.join(missing)}")
        values = dict(data)
        values["feeds"] = tuple(values.get("feeds") or ())
        values["sitemaps"] = tuple(values.get("sitemaps") or ())
        listings = [Listing.from_dict(item, origin) for item in values.get("listings") or ()]
        values["listings"] = tuple(listings)
        values["archives"] = tuple(
            Listing.from_dict(item, origin, archive=True) for item in values.get("archives") or ()
        )
        values["apis"] = tuple(ApiEndpoint.from_dict(item, origin) for item in values.get("apis") or ())
        if "kind" not in data:
            values["kind"] = (
                "api"
                if values["apis"]
                else "feed"
                if values["feeds"]
                else "sitemap"
                if values["sitemaps"]
                else "listing"
            )
        domain = str(values["domain"]).lower().removeprefix("www.")
        values["domain"] = domain
        hosts = [domain, *(values.get("allowed_domains") or ())]
        for url in [
            *values["feeds"],
            *values["sitemaps"],
            *(lst.url for lst in listings),
            *(lst.page_for(2020) for lst in values["archives"]),
            *(api.url for api in values["apis"]),
        ]:
            hosts.append((urlsplit(url).hostname or "").removeprefix("www."))
        values["allowed_domains"] = tuple(dict.fromkeys(h for h in hosts if h))
        values["ports"] = _ports(values.get("ports") or (), values, [*listings, *values["archives"]], origin)
        source = cls(**values)
        source.validate(origin)
        return source

    def validate(self, origin: str) -> None:
        if not _ID.match(self.id):
            raise RegistryError(f"{origin}: id {self.id!r} must be lowercase letters, digits, underscores")
        if self.kind not in KINDS:
            raise RegistryError(f"{origin}: kind must be one of {', '.join(KINDS)}")
        if self.category not in CATEGORIES:
            raise RegistryError(f"{origin}: category must be one of {', '.join(CATEGORIES)}")
        if not self.entry_urls:
            raise RegistryError(f"{origin}: needs at least one feed, sitemap, listing or api")

        for url in [*self.entry_urls, *(archive.page_for(2020) for archive in self.archives)]:
            if urlsplit(url).scheme not in ("http", "https"):
                raise RegistryError(f"{origin}: not a web address: {url}")
        if self.article_pattern:
            try:
                re.compile(self.article_pattern)
            except re.error as exc:
                raise RegistryError(f"{origin}: bad article_pattern: {exc}") from exc


def _ports(declared: Iterable[Any], values: dict[str, Any], listings: list[Listing], origin: str) -> tuple[int, ...]:
    """Declared ports plus any written in the entry URLs (80 and 443 are always allowed).

    `declared` and `values` are the registry entry's raw YAML: int() checks each port."""
    found: list[int] = []
    try:
        found = [int(p) for p in declared]
        for url in [
            *values["feeds"],
            *values["sitemaps"],
            *(lst.url for lst in listings),
            *(api.url for api in values.get("apis") or ()),
        ]:
            port = urlsplit(url).port
            if port is not None:
                found.append(port)
    except (TypeError, ValueError) as exc:
        raise RegistryError(f"{origin}: bad port ({exc})") from exc
    if any(not 0 < p < 65536 for p in found):
        raise RegistryError(f"{origin}: ports must be 1-65535")
    return tuple(sorted(set(found) - {80, 443}))


def _read(path: Path) -> Source:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path.name}: not valid YAML ({str(exc).splitlines()[0]})") from exc
    if not isinstance(data, dict):
        raise RegistryError(f"{path.name}: expected a mapping of fields")
    source = Source.from_dict(data, origin=path.name)
    if path.stem != source.id:
        raise RegistryError(f"{path.name}: file name must be the id ({source.id}.yaml)")
    if not source.evidence.strip():
        raise RegistryError(f"{path.name}: needs `evidence`: where its addresses are documented or used in public code")
    return source


def load_sources(directory: Path | None = None) -> list[Source]:
    """Every registered source, sorted by id."""
    directory = directory or SOURCES_DIR
    return sorted((_read(p) for p in directory.glob("*.yaml")), key=lambda s: s.id)


def get_source(source_id: str, directory: Path | None = None) -> Source:
    path = (directory or SOURCES_DIR) / f"{source_id}.yaml"
    if not _ID.match(source_id) or not path.is_file():
        known = ", ".join(s.id for s in load_sources(directory))
        raise RegistryError(f"unknown source {source_id!r} (registered: {known})")
    return _read(path)


def select_sources(wanted: Sequence[Source | str] | None, directory: Path | None = None) -> list[Source]:
    """Registry ids and/or Source objects -> Sources; None means every enabled source."""
    if not wanted:
        return [s for s in load_sources(directory) if s.enabled]
    return [w if isinstance(w, Source) else get_source(str(w), directory) for w in wanted]

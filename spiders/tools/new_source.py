"""`chainwatch spider new NAME --feed URL`: a registry entry and an empty fixture record."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from spiders.registry import SOURCES_DIR, RegistryError, Source
from spiders.tools.fixtures import FIXTURES_DIR, record_path, save_record


def source_id_for(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"source_{slug}".rstrip("_")
    return slug[:40]


def write_new_source(
    name: str,
    feed: str,
    *,
    lang: str = "en",
    domain: str | None = None,
    category: str = "news",
    evidence: str = "",
    sources_dir: Path | None = None,
    fixtures_dir: Path | None = None,
) -> tuple[Path, Path]:
    sources_dir = sources_dir or SOURCES_DIR
    fixtures_dir = fixtures_dir or FIXTURES_DIR
    source_id = source_id_for(name)
    host = (urlsplit(feed).hostname or "").removeprefix("www.")
    entry = {
        "id": source_id,
        "name": name,
        "domain": (domain or host).removeprefix("www."),
        "lang": lang,
        "category": category,
        "feeds": [feed],
        "verified": False,
        "evidence": evidence,
        "notes": f"Added with `chainwatch spider new` on {date.today()}; feed not yet checked live.",
    }
    Source.from_dict(entry, origin=f"{source_id}.yaml")  # same validation as the registry
    if len(evidence.strip()) < 10:
        raise RegistryError(
            "say where the feed is documented or used in public code (--evidence: repo and path, or a URL)"
        )
    path = sources_dir / f"{source_id}.yaml"
    if path.exists():
        raise RegistryError(f"{path} already exists; edit it instead")
    sources_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), encoding="utf-8")
    record = record_path(source_id, fixtures_dir)
    if not record.exists():
        save_record(source_id, {"pages": [], "expected": []}, fixtures_dir)
    return path, record

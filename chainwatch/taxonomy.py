"""Load the label taxonomy (chainwatch/taxonomy.yaml, or CHAINWATCH_TAXONOMY) and check it.

The taxonomy is data: label ids, kinds, names, descriptions and EN/ZH keywords live in the YAML file;
code never lists labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from chainwatch import config

DEFAULT_PATH = Path(__file__).with_name("taxonomy.yaml")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,62}$")


@dataclass(frozen=True)
class Label:
    id: str
    kind: str  # risk | policy
    name: str
    description: str
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)


class TaxonomyError(ValueError):
    pass


def taxonomy_path() -> Path:
    return config.taxonomy_path(DEFAULT_PATH)


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> tuple[Label, ...]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    entries = raw.get("labels")
    if not isinstance(entries, list) or not entries:
        raise TaxonomyError(f"{path}: expected a non-empty 'labels' list")
    labels, seen = [], set()
    for i, e in enumerate(entries):
        where = f"{path}: label #{i + 1}"
        if not isinstance(e, dict):
            raise TaxonomyError(f"{where}: expected a mapping")
        lid = e.get("id")
        if not isinstance(lid, str) or not _ID_RE.match(lid):
            raise TaxonomyError(f"{where}: id {lid!r} must be lower_snake_case")
        if lid in seen:
            raise TaxonomyError(f"{where}: duplicate id {lid!r}")
        if e.get("kind") not in ("risk", "policy"):
            raise TaxonomyError(f"{where} ({lid}): kind must be 'risk' or 'policy'")
        if not e.get("description"):
            raise TaxonomyError(f"{where} ({lid}): description is required")
        kw = e.get("keywords") or {}
        labels.append(
            Label(
                id=lid,
                kind=e["kind"],
                name=e.get("name") or lid,
                description=" ".join(str(e["description"]).split()),
                keywords={lang: tuple(str(k) for k in (words or [])) for lang, words in kw.items()},
            )
        )
        seen.add(lid)
    return tuple(labels)


def load(path: Path | str | None = None) -> tuple[Label, ...]:
    p = Path(path) if path else taxonomy_path()
    return _load(str(p.resolve()), p.stat().st_mtime)


def label_ids(path: Path | str | None = None) -> list[str]:
    return [label.id for label in load(path)]

"""The gazetteers: versioned, editable YAML data (one file per entity kind) that name the
entities ChainWatch recognises, with their English and Chinese aliases; and the currency table
that money amounts are normalised with.

Every file under data/ is data, like the taxonomy: edit it, run the evaluation
(`chainwatch entities evaluate`), and the extractor version (a hash of these files) changes, so
the next classify run extracts every article again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from chainwatch.errors import ChainWatchError

GAZETTEER_DIR = Path(__file__).with_name("data")
KINDS = ("exchange", "token", "company", "regulator", "person", "jurisdiction")
AMOUNT = "amount"  # the kind of a money amount (not from a gazetteer: no entity id)
_FILES = {
    "exchange": "exchanges.yaml",
    "token": "tokens.yaml",
    "company": "companies.yaml",
    "regulator": "regulators.yaml",
    "person": "people.yaml",
    "jurisdiction": "jurisdictions.yaml",
}
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]{1,62}$")
_CODE_RE = re.compile(r"^[A-Z]{3,5}$")


class GazetteerError(ChainWatchError):
    """A gazetteer file is malformed (the message names the file and the entry)."""


@dataclass(frozen=True)
class Entity:
    id: str
    kind: str
    name: str
    aliases: dict[str, tuple[str, ...]]  # lang (en | zh) -> names as written
    case_sensitive: bool = False  # every alias matched exactly as written (names that are also words)


@dataclass(frozen=True)
class Currency:
    code: str
    usd: float | None  # approximate dollars per unit; None for crypto assets with no fixed rate
    symbols: tuple[str, ...]
    names: dict[str, tuple[str, ...]]  # lang -> words that follow a number ("dollars", "美元")


@dataclass(frozen=True, eq=False)  # hashed by identity: load() caches one per directory
class Gazetteer:
    entities: tuple[Entity, ...]
    currencies: tuple[Currency, ...]
    version: str  # hash of every gazetteer file: part of the extractor version

    def by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}


def _aliases(entry: dict[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for lang in ("en", "zh"):
        names = entry.get(lang) or []
        if not isinstance(names, list):
            raise GazetteerError(f"{where}: {lang} must be a list of names")
        found[lang] = tuple(dict.fromkeys(str(a).strip() for a in names if str(a).strip()))
    if not any(found.values()):
        raise GazetteerError(f"{where}: needs at least one alias under en or zh")
    return found


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GazetteerError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(raw, dict):
        raise GazetteerError(f"{path}: expected a mapping at the top")
    return raw


def _entities(path: Path, kind: str, seen: set[str]) -> list[Entity]:
    raw = _read(path)
    if raw.get("kind") != kind:
        raise GazetteerError(f"{path}: expected 'kind: {kind}'")
    entries = raw.get("entities")
    if not isinstance(entries, list) or not entries:
        raise GazetteerError(f"{path}: expected a non-empty 'entities' list")
    found = []
    for i, e in enumerate(entries):
        where = f"{path.name}: entry #{i + 1}"
        if not isinstance(e, dict) or not _ID_RE.match(str(e.get("id", ""))):
            raise GazetteerError(f"{where}: needs an id in lower_snake_case")
        if e["id"] in seen:
            raise GazetteerError(f"{where}: duplicate id {e['id']!r}")
        seen.add(e["id"])
        found.append(
            Entity(
                id=e["id"],
                kind=kind,
                name=str(e.get("name") or e["id"]),
                aliases=_aliases(e, f"{where} ({e['id']})"),
                case_sensitive=bool(e.get("case")),
            )
        )
    return found


def _currencies(path: Path) -> list[Currency]:
    raw = _read(path).get("currencies")
    if not isinstance(raw, dict) or not raw:
        raise GazetteerError(f"{path}: expected a 'currencies' mapping")
    found = []
    for code, c in raw.items():
        if not _CODE_RE.match(str(code)) or not isinstance(c, dict):
            raise GazetteerError(f"{path.name}: {code!r} is not a currency code with a mapping")
        usd = c.get("usd")
        if usd is not None and (not isinstance(usd, (int, float)) or usd <= 0):
            raise GazetteerError(f"{path.name}: {code}: usd must be a positive number or null")
        found.append(
            Currency(
                code=code,
                usd=float(usd) if usd is not None else None,
                symbols=tuple(str(s) for s in c.get("symbols") or []),
                names=_aliases(c, f"{path.name}: {code}"),
            )
        )
    return found


@lru_cache(maxsize=4)
def load(directory: Path | str = GAZETTEER_DIR) -> Gazetteer:
    directory = Path(directory)
    digest = hashlib.sha256()
    entities: list[Entity] = []
    seen: set[str] = set()
    for kind in KINDS:
        path = directory / _FILES[kind]
        entities += _entities(path, kind, seen)
    for path in sorted(directory.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    currencies = _currencies(directory / "currencies.yaml")
    return Gazetteer(tuple(entities), tuple(currencies), digest.hexdigest()[:12])

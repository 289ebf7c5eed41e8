"""The gazetteer (entities.yaml): exchanges, projects, regulators and jurisdictions whose first
appearance the digest reports under "What is new".

Names are matched in SQL with the articles' full-text index (sql/digests/new_entities.sql), so the
rule is the one `chainwatch search` uses: an English alias is a phrase in the 'english'
configuration; a Chinese alias is segmented by jieba (chainwatch.textsearch, as stored in
articles.zh_tokens) and all its words must occur.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from chainwatch.textsearch import has_cjk, zh_tokens

DEFAULT_PATH = Path(__file__).with_name("entities.yaml")
KINDS = ("exchange", "project", "regulator", "jurisdiction")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,62}$")


class GazetteerError(ValueError):
    pass


@dataclass(frozen=True)
class Entity:
    id: str
    kind: str
    name: str
    aliases: dict[str, tuple[str, ...]]  # lang (en | zh) -> names


@lru_cache(maxsize=4)
def load(path: Path | str = DEFAULT_PATH) -> tuple[Entity, ...]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    entries = raw.get("entities")
    if not isinstance(entries, list) or not entries:
        raise GazetteerError(f"{path}: expected a non-empty 'entities' list")
    found, seen = [], set()
    for i, e in enumerate(entries):
        where = f"{path}: entity #{i + 1}"
        if not isinstance(e, dict) or not _ID_RE.match(str(e.get("id", ""))):
            raise GazetteerError(f"{where}: needs an id in lower_snake_case")
        if e["id"] in seen:
            raise GazetteerError(f"{where}: duplicate id {e['id']!r}")
        if e.get("kind") not in KINDS:
            raise GazetteerError(f"{where} ({e['id']}): kind must be one of {', '.join(KINDS)}")
        aliases = {lang: tuple(str(a).strip() for a in (e.get(lang) or []) if str(a).strip()) for lang in ("en", "zh")}
        if not any(aliases.values()):
            raise GazetteerError(f"{where} ({e['id']}): needs at least one alias under en or zh")
        found.append(Entity(id=e["id"], kind=e["kind"], name=str(e.get("name") or e["id"]), aliases=aliases))
        seen.add(e["id"])
    return tuple(found)


def by_id(entities: tuple[Entity, ...]) -> dict[str, Entity]:
    return {e.id: e for e in entities}


def search_terms(entities: tuple[Entity, ...]) -> tuple[list[str], list[str], list[str]]:
    """Three parallel arrays (entity id, text-search configuration, text), one row per alias,
    for sql/digests/new_entities.sql: 'english' rows become phrase queries, 'simple' rows are jieba
    words that must all occur. An English alias written in Chinese characters counts as Chinese."""
    ids, configs, texts = [], [], []
    for e in entities:
        for lang, names in e.aliases.items():
            for name in names:
                if lang == "zh" or has_cjk(name):
                    words = zh_tokens(name)
                    if words:
                        ids.append(e.id), configs.append("simple"), texts.append(words)
                else:
                    ids.append(e.id), configs.append("english"), texts.append(name)
    return ids, configs, texts

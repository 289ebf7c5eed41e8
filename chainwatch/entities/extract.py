"""Find the entities and money amounts an article mentions, with character offsets.

Matching (docs/entities.md, "How names are matched"):
- Chinese aliases (any alias with a CJK character) match as plain substrings.
- Latin aliases match between non-alphanumeric characters (so "Binance" matches in "在Binance上"
  and in "Binance's", never inside "Binanceous"); case-insensitively, except aliases written all in
  capitals ("SEC", "US", "ETH") and every alias of an entity marked `case: true` ("Ripple",
  "Gemini"), which match exactly as written.
- Where matches overlap the longest wins ("US SEC" is the SEC, not the United States; "中国人民银行"
  is the PBoC, not China), so nested names are never counted twice.
- Money amounts are found on their own layer (amounts.py) and may overlap entity names ("1,000 BTC"
  is an amount and a mention of Bitcoin).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from chainwatch.entities.amounts import find_amounts
from chainwatch.entities.gazetteer import AMOUNT, Gazetteer, load

CODE_VERSION = "1"  # bump when the matching rules in this package change
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_BEFORE, _LATIN_AFTER = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
_SYMBOL_BEFORE = r"(?<![A-Za-z])"  # exact (capitals) aliases may follow a number: "300ETH"
_SAME_LENGTH_FOLDS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00a0": " "})
_ZH_NOT_AFTER = "(?!圈)"  # "币圈" is "the crypto world": "…币圈" never ends a coin's name


@dataclass(frozen=True)
class Mention:
    kind: str  # a gazetteer kind, or "amount"
    entity_id: str | None  # None for amounts
    field: str  # "title" | "text"
    start: int  # character offsets into that field
    end: int
    surface: str  # the text as written
    currency: str | None = None  # amounts only
    value: Decimal | None = None
    usd_value: Decimal | None = None


@dataclass(frozen=True)
class _Matcher:
    patterns: tuple[re.Pattern[str], ...]
    entity_of: dict[tuple[int, str], str]  # (pattern index, alias key) -> entity id


def _key(alias: str, exact: bool) -> str:
    return alias if exact else alias.casefold()


@lru_cache(maxsize=4)
def _matcher(g: Gazetteer) -> _Matcher:
    groups: list[dict[str, str]] = [{}, {}, {}]  # exact Latin, folded Latin, Chinese
    for e in g.entities:
        for names in e.aliases.values():
            for alias in names:
                if _CJK.search(alias):
                    groups[2].setdefault(alias, e.id)
                elif e.case_sensitive or alias.isupper() or len(alias) <= 3:
                    groups[0].setdefault(alias, e.id)
                else:
                    groups[1].setdefault(alias.casefold(), e.id)
    patterns, entity_of = [], {}
    for i, aliases in enumerate(groups):
        alt = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
        if i == 2:
            patterns.append(re.compile(f"(?:{alt}){_ZH_NOT_AFTER}"))
        elif i == 0:
            patterns.append(re.compile(f"{_SYMBOL_BEFORE}(?:{alt}){_LATIN_AFTER}"))
        else:
            patterns.append(re.compile(f"{_LATIN_BEFORE}(?:{alt}){_LATIN_AFTER}", re.IGNORECASE))
        for alias, entity_id in aliases.items():
            entity_of[(i, alias)] = entity_id
    return _Matcher(tuple(patterns), entity_of)


def version(g: Gazetteer | None = None) -> str:
    """The extractor version stored with every extraction: code rules + the gazetteer files."""
    g = g or load()
    return f"entities-{CODE_VERSION}-{g.version}"


def _entity_mentions(text: str, field: str, g: Gazetteer) -> list[Mention]:
    m = _matcher(g)
    original, text = text, text.translate(_SAME_LENGTH_FOLDS)  # offsets stay valid
    kinds = {e.id: e.kind for e in g.entities}
    found = []
    for i, pattern in enumerate(m.patterns):
        for hit in pattern.finditer(text):
            entity_id = m.entity_of.get((i, hit.group() if i != 1 else hit.group().casefold()))
            if entity_id:
                found.append((hit.start(), hit.end(), entity_id))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    result, end = [], -1
    for start, stop, entity_id in found:
        if start < end:
            continue
        end = stop
        result.append(Mention(kinds[entity_id], entity_id, field, start, stop, original[start:stop]))
    return result


def extract(title: str | None, text: str | None, g: Gazetteer | None = None) -> list[Mention]:
    """Every mention in the title, then in the text (offsets are per field)."""
    g = g or load()
    mentions: list[Mention] = []
    for field, value in (("title", title or ""), ("text", text or "")):
        mentions += _entity_mentions(value, field, g)
        mentions += [
            Mention(AMOUNT, None, field, a.start, a.end, a.surface, a.currency, a.value, a.usd_value)
            for a in find_amounts(value, g)
        ]
    return mentions

"""Money amounts in English and Chinese text, normalised to a currency code and a value:
"$116 million" -> (USD, 116000000), "1.2亿美元" -> (USD, 120000000), "5000万元" -> (CNY, 50000000),
"1,000 BTC" -> (BTC, 1000). The currency words and symbols come from data/currencies.yaml.

Forms recognised (docs/entities.md lists them with examples):
- a symbol before the number: "$5m", "US$1.2 billion", "€50 million", "HK$3bn", "¥10万" in Chinese;
- a code before the number: "USD 10 million";
- a currency word after the number: "116 million dollars", "500 BTC", "1.2亿美元", "三千万元";
- Chinese numerals only with a scale word (万, 亿) or a named currency, so "一元化" is not money.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from chainwatch.entities.gazetteer import Gazetteer

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_EN_SCALES = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "mln": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bln": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillion": 10**12,
    "tn": 10**12,
}
_EN_SCALE = (
    r"(?:\s?(?P<scale>(?i:thousand|million|billion|trillion|mln|bln|bn|mn|tn))\b|(?P<short>[kKmMbB]|bn|Bn|BN)\b)"
)
_ZH_SCALES = {
    "万亿": 10**12,
    "千亿": 10**11,
    "百亿": 10**10,
    "十亿": 10**9,
    "亿": 10**8,
    "千万": 10**7,
    "百万": 10**6,
    "十万": 10**5,
    "万": 10**4,
    "千": 10**3,
}
_ZH_SCALE = "|".join(sorted(_ZH_SCALES, key=len, reverse=True))
_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_NUM = "[零〇一二两三四五六七八九十百千]+"
_NAME_WORDS = {"bitcoin", "ether", "tether", "dogecoin"}  # coin names that are also used as adjectives
_RANGE_START = re.compile(rf"(?<![A-Za-z0-9.])(?P<num>{_NUM})\s?(?:~|～|-|–|至|到|to)\s?$")
_GUARD_BEFORE = r"(?<![A-Za-z0-9.])"  # not inside a word or a version number ("v2.5")


@dataclass(frozen=True)
class Amount:
    start: int
    end: int
    surface: str
    currency: str
    value: Decimal
    usd_value: Decimal | None


class _Patterns(NamedTuple):
    symbol: re.Pattern[str]
    code: re.Pattern[str]
    word: re.Pattern[str]
    zh_numeral: re.Pattern[str]
    symbol_of: dict[str, str]
    word_of: dict[str, str]
    usd: dict[str, float | None]


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=4)
def _patterns(g: Gazetteer) -> _Patterns:
    symbol_of: dict[str, str] = {}
    word_of: dict[str, str] = {}
    for c in g.currencies:
        for s in c.symbols:
            symbol_of[s] = c.code
        for w in c.names["en"]:
            word_of[w.lower() if not w.isupper() else w] = c.code
        for w in c.names["zh"]:
            word_of[w] = c.code
    en_words = [w for c in g.currencies for w in c.names["en"]]
    zh_words = [w for c in g.currencies for w in c.names["zh"]]
    fiat_codes = [c.code for c in g.currencies if c.usd is not None and c.code not in ("USDT", "USDC", "BUSD", "DAI")]
    symbol = re.compile(
        rf"(?P<sym>{_alt(symbol_of)})\s?(?P<num>{_NUM})(?:{_EN_SCALE})?(?:\s?(?P<zhscale>{_ZH_SCALE}))?(?![\d])"
    )
    code = re.compile(rf"(?<![A-Za-z])(?P<code>{_alt(fiat_codes)})\s?(?P<num>{_NUM})(?:{_EN_SCALE})?(?![\d])")
    # A currency word after the number: English words need a word boundary after them, Chinese ones not.
    word = re.compile(
        rf"{_GUARD_BEFORE}(?P<num>{_NUM})(?:{_EN_SCALE})?\s?(?:(?P<zhscale>{_ZH_SCALE})\s?)?(?:多|余)?\s?"
        rf"(?:枚|个)?\s?(?P<word>{_alt(en_words + zh_words)})(?![A-Za-z])",
        re.IGNORECASE,
    )
    zh_numeral = re.compile(
        rf"(?P<cn>{_ZH_NUM})(?:(?P<zhscale>{_ZH_SCALE})(?:多|余)?(?:枚|个)?(?P<word>{_alt(zh_words)})"
        rf"|(?:多|余)?(?:枚|个)?(?P<named>{_alt([w for w in zh_words if w not in ('元',)])}))"
    )
    return _Patterns(symbol, code, word, zh_numeral, symbol_of, word_of, {c.code: c.usd for c in g.currencies})


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _zh_number(text: str) -> int | None:
    """一千二百 -> 1200, 三 -> 3, 十五 -> 15 (what precedes a scale word such as 万 or 亿)."""
    total, digit = 0, None
    for ch in text:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            total += (1 if digit is None else digit) * _ZH_UNITS[ch]
            digit = None
    total += digit or 0
    return total or None


def _scale(m: re.Match[str]) -> int:
    s = m.groupdict()
    factor = 1
    if s.get("scale"):
        factor *= _EN_SCALES[s["scale"].lower()]
    elif s.get("short"):
        factor *= _EN_SCALES[s["short"].lower()]
    if s.get("zhscale"):
        factor *= _ZH_SCALES[s["zhscale"]]
    return factor


def _tidy(value: Decimal) -> Decimal:
    return Decimal(int(value)) if value == value.to_integral_value() else value.normalize()


def find_amounts(text: str, g: Gazetteer, *, lang: str | None = None) -> list[Amount]:
    """Every money amount in `text`, left to right, none overlapping (the longest wins)."""
    symbol, code, word, zh_numeral, symbol_of, word_of, usd = _patterns(g)
    found: list[tuple[int, int, str, Decimal]] = []
    for m in symbol.finditer(text):
        currency = symbol_of[m["sym"]]
        value = _number(m["num"])
        if value is not None:
            found.append((m.start(), m.end(), currency, value * _scale(m)))
    for m in code.finditer(text):
        value = _number(m["num"])
        if value is not None:
            found.append((m.start(), m.end(), m["code"], value * _scale(m)))
    for m in word.finditer(text):
        w = m["word"]
        named = word_of.get(w) or word_of.get(w.lower()) or word_of.get(w.upper())
        if named is None or (w.lower() in _NAME_WORDS and _scale(m) == 1 and len(m["num"]) < 3):
            continue  # "2 Bitcoin ETFs": a small bare count before a coin's name is not money
        if w.isascii() and not w.isupper() and _scale(m) == 1 and text[m.start("word") - 1].isdigit():
            continue  # "99Bitcoins.com": a currency word glued to a bare number is a name ("300ETH" is money)
        value = _number(m["num"])
        if value is None:
            continue
        found.append((m.start(), m.end(), named, value * _scale(m)))
        low = _RANGE_START.search(text, 0, m.start())
        if low and (first := _number(low["num"])) is not None:  # "3000~5000美元": both ends are amounts
            found.append((low.start(), low.end("num"), named, first * _scale(m)))
    for m in zh_numeral.finditer(text):
        n = _zh_number(m["cn"])
        w = m["word"] or m["named"]
        if n is None or w not in word_of:
            continue
        factor = _ZH_SCALES[m["zhscale"]] if m["zhscale"] else 1
        found.append((m.start(), m.end(), word_of[w], Decimal(n * factor)))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    result, end = [], -1
    for start, stop, currency, value in found:
        if start < end:
            continue
        end = stop
        rate = usd.get(currency)
        result.append(
            Amount(
                start,
                stop,
                text[start:stop],
                currency,
                _tidy(value),
                (value * Decimal(str(rate))).quantize(Decimal(1)) if rate is not None else None,
            )
        )
    return result

"""Parse a hand-written label file: one line per item, `<id> <code> <code> ...` ('-' = no label).

Codes are short aliases for the fixed label ids (see CODES). Lines starting with '#' are notes.
"""
from __future__ import annotations

CODES = {
    "ico": "ico_fraud", "mm": "market_manipulation", "ml": "money_laundering", "pyr": "pyramid_scheme",
    "scam": "crypto_scam", "hack": "security_breach", "bub": "speculative_bubble",
    "reg": "regulation_enforcement", "sro": "industry_self_regulation", "intl": "international_cooperation",
    "cbdc": "cbdc", "pay": "stablecoins_payments", "tech": "tech_innovation", "edu": "talent_education",
    "adopt": "industry_adoption",
}


def parse(path: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        iid, codes = parts[0], [c for c in parts[1:] if c != "-"]
        bad = [c for c in codes if c not in CODES]
        if bad or len(parts) < 2:
            raise ValueError(f"{path}:{n}: bad line {line!r}")
        if iid in out:
            raise ValueError(f"{path}:{n}: duplicate {iid}")
        out[iid] = sorted({CODES[c] for c in codes})
    return out

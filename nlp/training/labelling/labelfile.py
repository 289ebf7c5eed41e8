"""Parse a hand-written label file: one line per item, `<id> <code> <code> ...` ('-' = no label).

Codes are short aliases for the fixed label ids (see CODES). Lines starting with '#' are notes.
"""

from __future__ import annotations

from pathlib import Path

CODES = {
    "ico": "ico_fraud",
    "mm": "market_manipulation",
    "ml": "money_laundering",
    "pyr": "pyramid_scheme",
    "scam": "crypto_scam",
    "hack": "security_breach",
    "bub": "speculative_bubble",
    "reg": "regulation_enforcement",
    "sro": "industry_self_regulation",
    "intl": "international_cooperation",
    "cbdc": "cbdc",
    "pay": "stablecoins_payments",
    "tech": "tech_innovation",
    "edu": "talent_education",
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


CORRECTIONS = "corrections"  # the folder whose files override every other folder


def merge(dirs: list[str | Path]) -> dict[str, list[str]]:
    """All label files of `dirs` (their `*.txt`) as one id -> labels map.

    Files in a folder named `corrections` are applied last and override the other folders: they hold
    the labels an adjudicator settled where a blind second reading disagreed with the first. Anywhere
    else, two files giving one item different labels are an error, and so is a correction for an item
    that no other file labels."""
    labels: dict[str, list[str]] = {}
    corrections: dict[str, list[str]] = {}
    for d in dirs:
        target = corrections if Path(d).name == CORRECTIONS else labels
        for f in sorted(Path(d).glob("*.txt")):
            for k, v in parse(str(f)).items():
                if k in target and target[k] != v:
                    raise ValueError(f"conflicting labels for {k} in {f}")
                target[k] = v
    unread = [k for k in corrections if k not in labels]
    if unread:
        raise ValueError(f"corrections for items no other file labels: {unread[:5]}")
    labels.update(corrections)
    return labels

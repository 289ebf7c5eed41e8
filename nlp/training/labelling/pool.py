"""Load every source item used for the labelled set into one pool with stable ids.

Candidate selection only: nothing here assigns labels. Ids are stable because they
are derived from the row / key position in the read-only source files.
"""

from __future__ import annotations

import csv
import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
if not DATA.exists():  # fall back to the documented absolute location
    DATA = Path("/work/shared/data")

# key -> (repo, path relative to the repo dir, id prefix)
SOURCES = {
    "cryptonews-csv": ("nyu-tandon-capstone/crypto-team4", "data/cryptonews.csv"),
    "cryptonews-article": (
        "SahandNZ/cryptonews-articles-with-price-momentum-labels",
        "data/textual/cryptonews/news.json",
    ),
    "sec-enforcement": ("ChoiceCoin/Solana-Compliance", "Database/Enforcement/SecuritiesEnforcement.csv"),
    "dykstranet": ("dykstranet/cryptonews", "data/news.csv"),
    "binance-news": ("Bitcoin-Price-Prediction-Experiments/Bitcoin-News-Scraper", "data/binance_bitcoin_news.csv"),
    "yahoo-news": ("Bitcoin-Price-Prediction-Experiments/Bitcoin-News-Scraper", "data/yahoo_bitcoin_news.csv"),
    "uglydog-train": ("UglyDogIsDog/Blockchain-News-Classification", "train.json"),
    "uglydog-test": ("UglyDogIsDog/Blockchain-News-Classification", "test.json"),
    "uglydog-dev": ("UglyDogIsDog/Blockchain-News-Classification", "dev.json"),
    "8btc": ("jojojolin/8btc_scraper", "btc.csv"),
    # round 5: the English news above had run out of unread manipulation, phishing and bubble stories
    "cryptonews-headlines": ("SahandNZ/cryptonews-articles-with-price-momentum-labels", "data/raw/cryptonews/url.csv"),
    "rss-cfta": ("mlalma/CFTA", "CFTA-Lib-RSSFeedFetcher/test/resources"),
}
# the crypto news feeds of rss-cfta (rsstypeparser_4.rss is TechCrunch, a non-crypto control)
RSS_FEEDS = (
    "rssfeedparser_1",
    "rssfeedparser_3",
    "rssfeedparser_4",
    "rssfeedparser_5",
    "rssfeedparser_6",
    "rssfeedparser_7",
)

MAX_TEXT = 1500


def _dir(repo: str) -> Path:
    owner_repo = repo.replace("/", "__")
    for top in ("news", "news_zh", "regulation", "labeled", "rss"):
        p = DATA / top / owner_repo
        if p.exists():
            return p
    raise FileNotFoundError(repo)


# Some sources carry mojibake: UTF-8 bytes decoded as Latin-1 ("â\x80\x93" for "–"), and
# cryptonews.csv even has those bytes as literal escape text ("\\x93", "Ã\\x89ric").
_LITERAL_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})")
_MOJIBAKE = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf]+")
_C1_LEFTOVERS = {"\xa0": " ", "\x93": "–", "\x94": "—", "\x9c": "“", "\x9d": "”"}


def _unmojibake(m: re.Match) -> str:
    try:
        return m.group(0).encode("latin-1").decode("utf-8")
    except UnicodeError:
        return m.group(0)


def _clean(s: str) -> str:
    s = (s or "").replace("\\u200b", "")
    s = _LITERAL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), s)
    s = _MOJIBAKE.sub(_unmojibake, s)
    s = re.sub(r"Â(?=\s|$)", "", s)  # a stray "Â" whose no-break space was already lost
    s = re.sub(r"[\u0080-\u00a0]", lambda m: _C1_LEFTOVERS.get(m.group(0), ""), s)
    s = s.replace("\u200b", "")
    return re.sub(r"\s+", " ", s).strip()


def _trunc(s: str, n: int = MAX_TEXT) -> str:
    s = _clean(s)
    if len(s) <= n:
        return s
    cut = s[:n]
    # cut at the last sentence end inside the window if there is one late enough
    m = max(cut.rfind(". "), cut.rfind("。"), cut.rfind("！"), cut.rfind("？"))
    if m > n * 0.6:
        return cut[: m + 1]
    return cut


def _src(key: str, rowkey) -> str:
    repo, path = SOURCES[key]
    return f"{repo}/{path}#{rowkey}"


def _item(key, idx, title, text, lang, rowkey=None):
    return {
        "id": f"{key}:{idx}",
        "title": _clean(title),
        "text": _trunc(text),
        "lang": lang,
        "source": _src(key, idx if rowkey is None else rowkey),
    }


def load_pool() -> dict[str, dict]:
    pool: dict[str, dict] = {}

    def add(it):
        pool[it["id"]] = it

    repo, path = SOURCES["cryptonews-csv"]
    with open(_dir(repo) / path, encoding="utf-8", newline="") as f:
        for i, r in enumerate(csv.DictReader(f, delimiter=";")):
            add(_item("cryptonews-csv", i, r["title"], r["text"], "en", f"row{i}"))

    repo, path = SOURCES["cryptonews-article"]
    for i, r in enumerate(json.load(open(_dir(repo) / path, encoding="utf-8"))):
        add(_item("cryptonews-article", i, r["title"], " ".join(r["paragraphs"]), "en", f"[{i}]"))

    repo, path = SOURCES["sec-enforcement"]
    with open(_dir(repo) / path, encoding="utf-8-sig", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            add(_item("sec-enforcement", i, r["Case"], r["Description"], "en", f"row{i}"))

    repo, path = SOURCES["dykstranet"]
    with open(_dir(repo) / path, encoding="utf-8", newline="") as f:
        for i, r in enumerate(csv.reader(f)):
            if len(r) < 3:
                continue
            add(_item("dykstranet", i, r[2], r[2], "en", f"row{i}"))

    for key in ("binance-news", "yahoo-news"):
        repo, path = SOURCES[key]
        with open(_dir(repo) / path, encoding="utf-8", newline="") as f:
            for i, r in enumerate(csv.DictReader(f)):
                short = _clean(r.get("Short Description", ""))
                title = short.split(". ")[0] if short else _clean(r["Description"]).split(". ")[0]
                add(_item(key, i, title[:200], r["Description"], "en", f"row{i}"))

    for key in ("uglydog-train", "uglydog-test", "uglydog-dev"):
        repo, path = SOURCES[key]
        for i, r in enumerate(json.load(open(_dir(repo) / path, encoding="utf-8"))):
            p = _clean(r["passage"])
            lang = "zh" if re.search(r"[\u4e00-\u9fff]", p[:200]) else "en"
            # passages have no title: use the first sentence as a title
            m = re.match(r"(.{8,80}?[。！？.!?])", p)
            title = m.group(1) if m else p[:60]
            add(_item(key, i, title, p, lang, f"[{i}]"))

    repo, path = SOURCES["8btc"]
    with open(_dir(repo) / path, encoding="utf-8", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            t = _clean(r["文章名称"])
            add(_item("8btc", i, t, t, "zh", f"row{i}"))

    repo, path = SOURCES["cryptonews-headlines"]
    with open(_dir(repo) / path, encoding="utf-8", newline="") as f:
        titles: set[str] = set()
        for i, r in enumerate(csv.DictReader(f)):
            if r["title"] in titles:  # the file lists many headlines several times
                continue
            titles.add(r["title"])
            add(_item("cryptonews-headlines", i, r["title"], r["title"], "en", f"row{i}"))

    repo, path = SOURCES["rss-cfta"]
    for feed in RSS_FEEDS:
        root = ET.parse(_dir(repo) / path / f"{feed}.rss").getroot()
        for n, el in enumerate(root.iter("item")):
            title = re.sub(r"<[^>]+>", " ", el.findtext("title") or "")
            body = el.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or el.findtext("description") or ""
            body = html.unescape(re.sub(r"<[^>]+>", " ", body))
            add(_item("rss-cfta", f"{feed}.{n}", html.unescape(title), body or title, "en", f"{feed}.rss/item{n}"))
    return pool


if __name__ == "__main__":
    from collections import Counter

    p = load_pool()
    print(len(p), Counter(k.split(":")[0] for k in p))

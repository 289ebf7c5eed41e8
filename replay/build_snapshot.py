"""Regenerate the offline demo snapshot in replay/site/ from ../shared/data.

    .venv/bin/python replay/build_snapshot.py [--data ../shared/data] [--per-week 55]

The snapshot is what six sources would have served over ten complete ISO weeks (2022-W17 to
2022-W26, which include the Terra/UST collapse), so the weekly digests show trends in both languages:
- Cointelegraph, CryptoNews and CryptoPotato (English news): robots.txt, an RSS 2.0 feed and one
  article page per item at the item's real URL path; items are a deterministic sample of the real
  corpus (title, lead, date, URL, topic), wrapped in the page shape those sites use. Four real saved
  pages (cointelegraph.com and cryptonews.com, Nov 2025) are served unchanged beside them.
- 金色财经 快讯 (jinse_flash) and 律动BlockBeats (blockbeats), Chinese news read through their JSON
  APIs as the registry does: real Chinese blockchain news passages (UglyDogIsDog, Apache-2.0) as flash
  items carrying their text, and as article pages listed by the article API.
- The SEC's press-release feed (sec, official): real SEC enforcement summaries (ChoiceCoin, Apache-2.0).
The Chinese passages and the SEC summaries carry no date in these weeks: each is given one, spread
over the ten weeks by a hash of its text (synthetic dates, said so in replay/PROVENANCE.md).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import re
import shutil
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
CORPUS = "news/nyu-tandon-capstone__crypto-team4/data/cryptonews.csv"
ZH_PASSAGES = [
    "labeled/UglyDogIsDog__Blockchain-News-Classification/train.json",
    "labeled/UglyDogIsDog__Blockchain-News-Classification/test.json",
]
SEC_CSV = "regulation/ChoiceCoin__Solana-Compliance/Database/Enforcement/SecuritiesEnforcement.csv"
ZH_FLASH, ZH_ARTICLES = 200, 60
BEIJING = timezone(timedelta(hours=8))
NEW_YORK_EDT = timezone(timedelta(hours=-4))
SAVED_PAGES = {  # file under html/thewebscraping__llm-scraper/extracted -> (url, title, published)
    "cointelegraph.com.html": None,
    "cointelegraph.com@48f4655.html": None,
    "cryptonews.com.html": None,
    "cryptonews.com@ddd5f7b.html": None,
}
WEEKS = [(2022, w) for w in range(17, 27)]

SITES = {
    "CoinTelegraph": {
        "host": "cointelegraph.com",
        "name": "Cointelegraph",
        "feed": "rss",
        "title": "Cointelegraph.com News",
        "robots": "User-agent: *\nDisallow: /search\nDisallow: /api/\n",
    },
    "CryptoNews": {
        "host": "cryptonews.com",
        "name": "Cryptonews",
        "feed": "news/feed/index.xml",
        "title": "Cryptonews.com",
        "robots": "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n",
    },
    "CryptoPotato": {
        "host": "cryptopotato.com",
        "name": "CryptoPotato",
        "feed": "feed/index.xml",
        "title": "CryptoPotato",
        "robots": "User-agent: *\nDisallow: /wp-admin/\n",
    },
}
FEED_URL_PATH = {"cointelegraph.com": "/rss", "cryptonews.com": "/news/feed/", "cryptopotato.com": "/feed/"}

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | {site}</title>
<meta name="description" content="{lead}">
<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:description" content="{lead}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{iso}">
<meta property="article:section" content="{subject}">
<script type="application/ld+json">{jsonld}</script>
</head>
<body>
<header class="site-header"><a href="/">{site}</a>
<nav><a href="/">Home</a> <a href="/tag/bitcoin/">Bitcoin</a> <a href="/tag/ethereum/">Ethereum</a> <a href="/tag/regulation/">Regulation</a> <a href="/tag/defi/">DeFi</a></nav>
</header>
<main>
<article class="post">
<h1 class="post__title">{title}</h1>
<div class="post-meta"><span class="post-meta__author">{site} Editorial</span> <time datetime="{iso}">{human}</time> <a class="post-meta__tag" href="/tag/{subject}/">{subject}</a></div>
<div class="post-content">
<p>{lead}</p>
</div>
</article>
<aside class="related"><h2>Newsletter</h2><p>Subscribe to get the latest crypto news in your inbox every day.</p></aside>
</main>
<footer><p>&copy; {year} {site}. All rights reserved. The information on this site is not investment advice.</p>
<nav><a href="/about/">About</a> <a href="/privacy/">Privacy</a> <a href="/contact/">Contact</a></nav></footer>
</body>
</html>
"""


def fix_url(url: str) -> str:
    # 61 corpus rows carry a doubled prefix ("https://cryptonews.comhttps://cryptonews.com/...").
    idx = url.find("https://", 1)
    return url[idx:] if idx > 0 else url


def site_path(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = unquote(parts.path or "/")  # the replay server decodes request paths before looking up files
    return host + (path + "index.html" if path.endswith("/") else path)


def load_sample(data: Path, per_week: int) -> list[dict]:
    by_week: dict[tuple[int, int], list[dict]] = {w: [] for w in WEEKS}
    seen: set[str] = set()
    with (data / CORPUS).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            published = datetime.strptime(row["date"], "%d-%m-%Y %H:%M").replace(tzinfo=UTC)
            week = published.isocalendar()[:2]
            url = fix_url(row["url"].strip())
            if week not in by_week or row["source"] not in SITES or url in seen or not row["title"].strip():
                continue
            seen.add(url)
            by_week[week].append(
                {
                    "title": row["title"].strip(),
                    "lead": " ".join(row["text"].split()),
                    "url": url,
                    "source": row["source"],
                    "subject": row["subject"],
                    "published": published,
                }
            )
    sample = []
    for rows in by_week.values():
        # Deterministic: the same rows every time, spread over sources and days.
        rows.sort(key=lambda r: hashlib.sha1(r["url"].encode()).hexdigest())
        sample.extend(rows[:per_week])
    return sample


def write_page(site_dir: Path, item: dict) -> None:
    site = SITES[item["source"]]["name"]
    iso = item["published"].isoformat()
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": item["title"],
            "description": item["lead"],
            "articleBody": item["lead"],
            "datePublished": iso,
            "url": item["url"],
            "articleSection": item["subject"],
            "author": {"@type": "Organization", "name": f"{site} Editorial"},
            "publisher": {"@type": "Organization", "name": site},
        },
        ensure_ascii=False,
    ).replace("</", "<\\/")
    esc = {k: html.escape(str(v), quote=True) for k, v in item.items()}
    page = PAGE.format(
        title=esc["title"],
        lead=esc["lead"],
        url=esc["url"],
        subject=esc["subject"],
        site=site,
        iso=iso,
        human=item["published"].strftime("%b %d, %Y"),
        year=item["published"].year,
        jsonld=jsonld,
    )
    target = site_dir / site_path(item["url"])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")


def write_feed(site_dir: Path, source: str, items: list[dict], manifest: dict) -> None:
    site = SITES[source]
    entries = []
    for it in sorted(items, key=lambda i: i["published"], reverse=True):
        entries.append(
            "<item>"
            f"<title>{html.escape(it['title'], quote=False)}</title>"
            f"<link>{html.escape(it['url'], quote=False)}</link>"
            f"<guid isPermaLink=\"true\">{html.escape(it['url'], quote=False)}</guid>"
            f"<pubDate>{format_datetime(it['published'])}</pubDate>"
            f"<category>{html.escape(it.get('subject') or 'news', quote=False)}</category>"
            f"<description>{html.escape(it.get('lead') or '', quote=False)}</description>"
            "</item>"
        )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{html.escape(site['title'])}</title><link>https://{site['host']}/</link>"
        f"<description>{html.escape(site['title'])} RSS feed</description><language>en</language>"
        + "\n".join(entries)
        + "</channel></rss>\n"
    )
    path = site_dir / site["host"] / site["feed"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feed, encoding="utf-8")
    manifest[site["host"] + FEED_URL_PATH[site["host"]]] = {
        "file": f"{site['host']}/{site['feed']}",
        "content_type": "application/rss+xml; charset=utf-8",
    }
    (site_dir / site["host"] / "robots.txt").write_text(site["robots"], encoding="utf-8")


def saved_pages(data: Path) -> list[dict]:
    found = []
    with (data / "html/pages_manifest.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name = Path(row["file"]).name
            if name in SAVED_PAGES:
                source = "CoinTelegraph" if row["site"].endswith("cointelegraph.com") else "CryptoNews"
                found.append(
                    {
                        "file": data / row["file"],
                        "url": row["url"],
                        "title": row["title"],
                        "published": datetime.fromisoformat(row["date_published"].replace("Z", "+00:00")),
                        "source": source,
                        "subject": "news",
                        "lead": "",
                    }
                )
    return found


def _stable(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:12], 16)


def spread_date(key: str, zone: timezone) -> datetime:
    """A date inside the ten demo weeks, 07:00-22:59 local time, fixed by a hash of `key`."""
    h = _stable(key)
    year, week = WEEKS[h % len(WEEKS)]
    day = datetime.fromisocalendar(year, week, 1 + (h // 10) % 7)
    return datetime(day.year, day.month, day.day, 7 + (h // 70) % 16, (h // 1120) % 60, tzinfo=zone)


def zh_items(data: Path) -> list[dict]:
    """Chinese passages that read as news: a first sentence of 12-60 characters as the title."""
    items, seen = [], set()
    for rel in ZH_PASSAGES:
        for row in json.loads((data / rel).read_text(encoding="utf-8")):
            text = " ".join(row["passage"].split())
            sentences = [x for x in re.split(r"(?<=[。！？])", text) if x.strip()]
            if len(sentences) < 3 or not 12 <= len(sentences[0]) <= 60 or sentences[0] in seen:
                continue
            seen.add(sentences[0])
            paragraphs = ["".join(sentences[i : i + 3]) for i in range(1, len(sentences), 3)]
            items.append(
                {
                    "title": sentences[0].rstrip("。"),
                    "paragraphs": paragraphs,
                    "source_file": rel,
                    "published": spread_date(text[:200], BEIJING),
                }
            )
    items.sort(key=lambda i: _stable(i["title"]))
    return items[: ZH_FLASH + ZH_ARTICLES]


def sec_items(data: Path) -> list[dict]:
    with (data / SEC_CSV).open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Case"].strip() and r["Description"].strip()]
    items = []
    for n, row in enumerate(rows):
        slug = re.sub(r"[^a-z0-9]+", "-", row["Case"].lower()).strip("-")[:60]
        items.append(
            {
                "title": row["Case"].strip(),
                "lead": " ".join(row["Description"].split()),
                "url": f"https://www.sec.gov/news/press-release/demo-{n:03d}-{slug}",
                "published": spread_date(row["Case"] + row["Date"], NEW_YORK_EDT),
            }
        )
    return items


ZH_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title} | 律动BlockBeats</title>
<meta name="description" content="{lead}">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="律动BlockBeats">
<meta property="article:published_time" content="{iso}">
<script type="application/ld+json">{jsonld}</script>
</head>
<body>
<div class="header"><a href="/">首页</a> <a href="/newsflash">快讯</a> <a href="/article">文章</a></div>
<div class="news-detail"><h1>{title}</h1>
<div class="news-info"><span>律动BlockBeats</span> <span>{human}</span></div>
<div class="news-content">{body}</div></div>
<div class="footer">风险提示：本文不构成投资建议。</div>
</body>
</html>
"""

SEC_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>SEC.gov | {title}</title>
<meta name="description" content="{lead}">
<meta property="article:published_time" content="{iso}"></head>
<body><header><a href="/">SEC.gov</a> <a href="/newsroom">Newsroom</a> <a href="/enforcement">Enforcement</a></header>
<main><article><h1>{title}</h1><p class="release-type">Press Release</p><p class="date">{human}</p>
<p>{lead}</p><p>For more information, contact the Office of Public Affairs.</p></article></main>
<footer><a href="/privacy">Privacy</a> <a href="/accessibility">Accessibility</a></footer></body></html>
"""


def write_json(site_dir: Path, url: str, payload, manifest: dict) -> None:
    rel = site_path(url)
    target = site_dir / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(payload, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    manifest[rel] = {"file": rel, "content_type": "application/json; charset=utf-8"}


def write_chinese(site_dir: Path, items: list[dict], manifest: dict) -> None:
    flash, articles = items[:ZH_FLASH], items[ZH_FLASH:]
    groups: dict[str, list] = {}
    for it in sorted(flash, key=lambda i: i["published"], reverse=True):
        body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in it["paragraphs"])
        groups.setdefault(it["published"].strftime("%Y-%m-%d"), []).append(
            {
                "id": 3000000 + _stable(it["title"]) % 1000000,
                "content_prefix": it["title"],
                "content": body,
                "created_at": int(it["published"].timestamp()),
                "show_source_name": "金色财经",
            }
        )
    write_json(
        site_dir,
        "https://api.jinse.com.cn/noah/v2/lives",
        {"news": len(flash), "count": len(flash), "list": [{"date": d, "lives": v} for d, v in groups.items()]},
        manifest,
    )
    rows = []
    for it in sorted(articles, key=lambda i: i["published"], reverse=True):
        article_id = 100000 + _stable(it["title"]) % 900000
        lead = it["paragraphs"][0][:120]
        iso = it["published"].isoformat()
        jsonld = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": it["title"],
                "datePublished": iso,
                "publisher": {"@type": "Organization", "name": "律动BlockBeats"},
            },
            ensure_ascii=False,
        ).replace("</", "<\\/")
        page = ZH_PAGE.format(
            title=html.escape(it["title"]),
            lead=html.escape(lead),
            iso=iso,
            jsonld=jsonld,
            human=it["published"].strftime("%Y-%m-%d %H:%M"),
            body="".join(f"<p>{html.escape(p, quote=False)}</p>" for p in it["paragraphs"]),
        )
        target = site_dir / f"theblockbeats.info/news/{article_id}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        rows.append(
            {
                "article_id": article_id,
                "title": it["title"],
                "abstract": lead,
                "add_time": int(it["published"].timestamp()),
            }
        )
    write_json(site_dir, "https://api.blockbeats.cn/v2/article/list", {"status": 0, "data": {"list": rows}}, manifest)
    for host in ("api.jinse.com.cn", "api.blockbeats.cn", "theblockbeats.info"):
        (site_dir / host).mkdir(parents=True, exist_ok=True)
        (site_dir / host / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")


def write_sec(site_dir: Path, items: list[dict], manifest: dict) -> None:
    entries = []
    for it in sorted(items, key=lambda i: i["published"], reverse=True):
        page = SEC_PAGE.format(
            title=html.escape(it["title"]),
            lead=html.escape(it["lead"]),
            iso=it["published"].isoformat(),
            human=it["published"].strftime("%B %d, %Y"),
        )
        target = site_dir / site_path(it["url"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        entries.append(
            f"<item><title>{html.escape(it['title'], quote=False)}</title>"
            f"<link>{html.escape(it['url'], quote=False)}</link>"
            f"<pubDate>{format_datetime(it['published'])}</pubDate>"
            f"<description>{html.escape(it['lead'][:300], quote=False)}</description></item>"
        )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>SEC Press Releases</title>'
        "<link>https://www.sec.gov/news/pressreleases</link><description>SEC press releases</description>"
        + "\n".join(entries)
        + "</channel></rss>\n"
    )
    (site_dir / "sec.gov/news").mkdir(parents=True, exist_ok=True)
    (site_dir / "sec.gov/news/pressreleases.rss").write_text(feed, encoding="utf-8")
    manifest["sec.gov/news/pressreleases.rss"] = {
        "file": "sec.gov/news/pressreleases.rss",
        "content_type": "application/rss+xml; charset=utf-8",
    }
    (site_dir / "sec.gov/robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--per-week", type=int, default=55)
    ap.add_argument("--out", type=Path, default=HERE / "site")
    args = ap.parse_args()

    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    sample = load_sample(args.data, args.per_week)
    for item in sample:
        write_page(args.out, item)
    real = saved_pages(args.data)
    for page in real:
        target = args.out / site_path(page["url"])
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page["file"], target)
    manifest: dict = {}
    for source in SITES:
        write_feed(args.out, source, [i for i in sample + real if i["source"] == source], manifest)
    chinese, official = zh_items(args.data), sec_items(args.data)
    write_chinese(args.out, chinese, manifest)
    write_sec(args.out, official, manifest)
    (args.out / "manifest.json").write_text(
        json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    total = len(sample) + len(real) + len(chinese) + len(official)
    print(
        f"wrote {len(sample)} English corpus items, {len(real)} saved real pages, {len(chinese)} Chinese items "
        f"({len(chinese) / total:.0%}) and {len(official)} SEC releases ({len(official) / total:.0%}) to {args.out}"
    )


if __name__ == "__main__":
    main()

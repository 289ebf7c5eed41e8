"""Regenerate the offline demo snapshot in replay/site/ from ../shared/data.

    .venv/bin/python replay/build_snapshot.py [--data ../shared/data] [--per-week 125]

The snapshot is what three real outlets would have served: for each of Cointelegraph, CryptoNews
and CryptoPotato, robots.txt, an RSS 2.0 feed and one article page per item at the item's real
URL path. Items are a deterministic sample of the real corpus (title, lead, date, URL, topic)
over ten complete ISO weeks (2022-W17 to 2022-W26, which include the Terra/UST collapse), so the
weekly digests show trends. The article pages wrap each real item in the page shape those sites
use (OpenGraph, JSON-LD NewsArticle, nav/aside boilerplate around an <article>). Four real saved
pages (cointelegraph.com and cryptonews.com, Nov 2025) are served unchanged beside them.
See replay/PROVENANCE.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import shutil
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
CORPUS = "news/nyu-tandon-capstone__crypto-team4/data/cryptonews.csv"
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--per-week", type=int, default=125)
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
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(sample)} corpus items and {len(real)} saved real pages to {args.out}")


if __name__ == "__main__":
    main()

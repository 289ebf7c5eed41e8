"""The web tests' database, filled by the real pipeline: the spiders crawl one source of the bundled
replay snapshot (real news), an official source and hostile articles go in through the article
writer (chainwatch.storage.articles), the real classifier labels everything, and the real digest
builder stores every week's digest.

Hostile content: if any payload ran in a browser it would change the page's title or mark the body."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from chainwatch import db
from chainwatch.contracts import Article
from chainwatch.digests import build_digest, weeks_with_articles
from chainwatch.digests.weeks import week_of
from chainwatch.replay import ReplayServer
from chainwatch.runners.classify import classify_pending
from chainwatch.runners.crawl import crawl
from chainwatch.runners.main_job import REPLAY_SITE
from chainwatch.storage.articles import upsert_articles
from tests import factories

SOURCE = "cryptonews"  # crawled from the replay snapshot (256 real items)
OFFICIAL = "test_regulator"  # an official source (category official)
HOSTILE = "hostile"  # a news source with a hostile display name

SCRIPT_TITLE = "<script>document.title='pwned'</script>Stablecoin issuer fined by regulator over reserves"
ONERROR_TEXT = (
    "The regulator fined the stablecoin issuer for misreporting its reserves. "
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"> "
    "The stablecoin issuer agreed to pay the fine and to publish monthly attestations of its reserves."
)
EVIL_SOURCE = "Evil <img src=x onerror=\"document.title='pwned-source'\"> Daily"
JS_URL = "javascript:document.title='pwned-link'"
FORMULA_TITLE = "=HYPERLINK(\"http://evil.example/\",\"click\") stablecoin regulation update"
# Names two gazetteer entities and an amount, so the entity chips, the entity pages and their lists show
# this hostile title and surface (they must stay inert there too).
ENTITY_TITLE = (
    "<img src=x onerror=\"document.title='pwned-entity'\">Binance freezes $5 million of Tether after phishing"
)
ENTITY_TEXT = (
    "Binance said it froze $5 million of Tether stolen in a phishing attack on a trading firm. "
    "<script>document.body.setAttribute('data-pwned','1')</script> "
    "The exchange said the Tether was traced through two wallets before it reached Binance."
)
OFFICIAL_TITLE = "Regulator issues rules for stablecoin issuers and payment firms"
OFFICIAL_TEXT = (
    "The financial regulator today published rules for stablecoin issuers. "
    "Issuers must hold reserves in cash and short-term government bonds and must redeem "
    "stablecoins at par. Payment firms that use stablecoins must register with the regulator. "
    "The rules take effect next year after a consultation with the industry."
)


@dataclass
class Seeded:
    week: str  # the ISO week of the planted articles (the corpus's last full week)
    script_article: int  # title with a <script>, text with an onerror <img>
    js_article: int  # canonical URL javascript:
    formula_article: int  # title that a spreadsheet would run
    official_article: int
    entity_article: int  # hostile title and text naming Binance, Tether and $5 million
    crawled: int  # articles the spiders stored
    planted: int  # articles written directly (the hostile and official ones)


def _article(source: str, title: str, text: str, when: datetime, url: str) -> Article:
    return Article(
        url=url,
        canonical_url=url,
        source=source,
        title=title,
        text=text,
        published=when,
        lang="en",
        content_hash=hashlib.sha256(f"{title}\n{text}".encode()).hexdigest(),
        fetched_at=datetime.now(UTC),
        lead=None,
    )


def seed(db_url: str, out_dir: Path) -> Seeded:
    with ReplayServer(REPLAY_SITE) as replay:
        summary = crawl([SOURCE], replay_proxy=replay.proxy_url, database_url=db_url)
    with db.transaction(db_url) as cur:
        cur.execute(
            "SELECT max(published_at) FROM articles WHERE source_id = %s AND published_at < '2023-01-01'", (SOURCE,)
        )
        last = cur.fetchone()[0]
        when = last - timedelta(days=3)
        factories.add_source(cur, OFFICIAL, name="Test Financial Regulator", category="official")
        factories.add_source(cur, HOSTILE, name=EVIL_SOURCE)
        planted = [
            _article(HOSTILE, SCRIPT_TITLE, ONERROR_TEXT, when, "https://hostile.example/news/fined"),
            _article(
                HOSTILE,
                "Reserve rules for stablecoins, explained",
                ONERROR_TEXT + " Explainer.",
                when + timedelta(hours=1),
                JS_URL,
            ),
            _article(
                HOSTILE,
                FORMULA_TITLE,
                "A stablecoin regulation update from the regulator.",
                when + timedelta(hours=2),
                "https://hostile.example/news/formula",
            ),
            _article(
                OFFICIAL,
                OFFICIAL_TITLE,
                OFFICIAL_TEXT,
                when + timedelta(hours=3),
                "https://regulator.example/press/stablecoin-rules",
            ),
            _article(
                HOSTILE, ENTITY_TITLE, ENTITY_TEXT, when + timedelta(hours=4), "https://hostile.example/news/frozen"
            ),
        ]
        upsert_articles(cur, planted)
        cur.execute(
            "SELECT canonical_url, id FROM articles WHERE canonical_url = ANY(%s)",
            ([a.canonical_url for a in planted],),
        )
        ids = dict(cur.fetchall())
    classify_pending(database_url=db_url, progress=False)
    for week in weeks_with_articles(db_url):
        build_digest(week, database_url=db_url, out_dir=out_dir)
    return Seeded(
        week=str(week_of(when)),
        script_article=ids[planted[0].canonical_url],
        js_article=ids[planted[1].canonical_url],
        formula_article=ids[planted[2].canonical_url],
        official_article=ids[planted[3].canonical_url],
        entity_article=ids[planted[4].canonical_url],
        crawled=summary.items_stored,
        planted=len(planted),
    )

"""A database state for digest tests: twelve weeks of history and a digest week (2026-W47) with a
spike, a near-duplicate story in three sources (one copy in Chinese), first mentions in English
and Chinese, a new source, crawl problems, and XSS payloads in titles, evidence, a source name and
a URL. Seeded through tests/factories.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tests import factories

WEEK = "2026-W47"
MONDAY = datetime(2026, 11, 16, tzinfo=UTC)

# Payloads: if any of them ran in a browser, it would change the title or tag the body.
SCRIPT_TITLE = "<script>document.title='pwned'</script>Exchange X hacked for $40m"
ONERROR_EVIDENCE = "Attackers drained $40m <img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">."
EVIL_SOURCE = "Evil <img src=x onerror=\"document.title='pwned-source'\"> Daily"
JS_URL = "javascript:document.title='pwned-link'"


@dataclass
class Seeded:
    story_id: int
    js_article: int
    items_this_week: int
    reclassified: int


def _article(
    cur, source, title, when, labels, *, text="Crypto news.", evidence=None, story_id=None, url=None, lang="en"
):
    article_id = factories.add_article(
        cur, source=source, title=title, text=text, published=when, story_id=story_id, url=url, lang=lang
    )
    if labels is not None:
        factories.add_labels(cur, article_id, labels, evidence=evidence)
    return article_id


def seed(cur) -> Seeded:
    factories.add_source(cur, "coindesk", name="CoinDesk")
    factories.add_source(cur, "theblock", name="The Block")
    factories.add_source(cur, "jinse", name="金色财经", lang="zh")
    factories.add_source(cur, "evil", name=EVIL_SOURCE)
    factories.add_source(cur, "quiet", name="Quiet Wire")  # enabled, never crawled, never publishes

    # History, weeks W36..W46: 2 hacks a week; market manipulation 1 a week in W43..W46;
    # regulation 3 a week. Earlier mentions: Binance (English), 香港 (Chinese).
    for back in range(1, 12):
        day = MONDAY - timedelta(weeks=back) + timedelta(days=2)
        for n in range(2):
            _article(
                cur,
                "coindesk",
                f"Older hack {back}-{n}",
                day,
                {"security_breach": 0.8},
                text="Hackers hit a Binance hot wallet.",
                evidence="Hackers hit a hot wallet.",
            )
        for n in range(3):
            _article(
                cur,
                "theblock",
                f"Rule {back}-{n}",
                day,
                {"regulation_enforcement": 0.7},
                text="Regulators in 香港 publish guidance.",
                lang="en",
            )
        if back <= 4:
            _article(cur, "coindesk", f"Wash trading {back}", day, {"market_manipulation": 0.75})
    # Reclassified by a newer model version: only the newer version's labels count.
    day = MONDAY - timedelta(weeks=6)
    reclassified = _article(cur, "theblock", "Reclassified item", day, {"security_breach": 0.9})
    factories.add_labels(cur, reclassified, {"cbdc": 0.8, "security_breach": 0.2}, model_version="test-model-v2")
    factories.add_crawl_run(
        cur, "coindesk", run_id="last-week", started=MONDAY - timedelta(days=2), status="failed", errors=9
    )

    # The digest week.
    wed = MONDAY + timedelta(days=2, hours=9)
    story = _article(
        cur,
        "coindesk",
        SCRIPT_TITLE,
        wed,
        {"security_breach": 0.97, "cbdc": 0.02},
        text="Attackers drained $40m from OKX in Hong Kong.",
        evidence=ONERROR_EVIDENCE,
    )
    _article(
        cur,
        "theblock",
        "Exchange X loses $40m in hack",
        wed + timedelta(hours=1),
        {"security_breach": 0.93},
        story_id=story,
        evidence="The exchange lost $40m.",
    )
    _article(
        cur,
        "jinse",
        "交易所X被黑客攻击，损失4000万美元",
        wed + timedelta(hours=3),
        {"security_breach": 0.91},
        story_id=story,
        lang="zh",
        text="萨尔瓦多的交易所X被盗。",
    )
    js_article = _article(cur, "evil", "Hack follow-up", wed + timedelta(hours=5), {"security_breach": 0.6}, url=JS_URL)
    for n in range(5):  # spike: 5 >= 2 x 1.0 and >= 3
        _article(
            cur,
            "theblock",
            f"Pump-and-dump ring {n}",
            wed + timedelta(minutes=n),
            {"market_manipulation": 0.8},
            evidence=f"Traders coordinated a pump {n}.",
        )
    for n in range(3):  # steady
        _article(cur, "theblock", f"New rule {n}", wed, {"regulation_enforcement": 0.72})
    for n in range(3):  # first appearance: a spike from nothing
        _article(cur, "coindesk", f"Stablecoin launch {n}", wed, {"stablecoins_payments": 0.85})
    for n in range(2):  # below the floor: not a spike
        _article(cur, "coindesk", f"Digital euro {n}", wed, {"cbdc": 0.9})
    _article(cur, "coindesk", "Unlabelled market wrap", wed, {"cbdc": 0.1})
    _article(cur, "coindesk", "Not classified yet", wed, None)
    items = 3 + 1 + 5 + 3 + 3 + 2 + 1 + 1

    # Outside the week: the Monday after and an undated article.
    _article(cur, "coindesk", "Next week", MONDAY + timedelta(weeks=1), {"security_breach": 0.9}, text="Kraken news")
    _article(cur, "coindesk", "Undated", None, {"security_breach": 0.9}, text="Coinbase news")

    factories.add_crawl_run(
        cur,
        "coindesk",
        run_id="w47-a",
        started=wed,
        pages=20,
        stored=15,
        skipped=5,
        errors=2,
        error_counts={"http_404": 2},
    )
    factories.add_crawl_run(
        cur,
        "coindesk",
        run_id="w47-b",
        started=wed + timedelta(days=1),
        pages=10,
        stored=4,
        skipped=6,
        errors=1,
        error_counts={"http_404": 1, "timeout": 1},
    )
    factories.add_crawl_run(
        cur,
        "theblock",
        run_id="w47-a",
        started=wed,
        status="failed",
        pages=3,
        stored=0,
        errors=3,
        error_counts={"http_503": 3},
    )
    factories.add_crawl_run(
        cur,
        "jinse",
        run_id="w47-a",
        started=wed,
        status="degraded",
        pages=8,
        stored=3,
        errors=4,
        error_counts={"bad_feed": 4},
    )
    return Seeded(story_id=story, js_article=js_article, items_this_week=items, reclassified=reclassified)

"""One small, realistic database state for the view, example-query and search tests.

Dates are relative to now (the examples ask about "the last 30 days"); nothing sits near a
window's edge. Returns the ids the tests assert on.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests import factories

V1, V2 = "test-model-v1", "test-model-v2"


def seed(cur) -> dict:
    now = datetime.now(UTC)

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    add = factories.add_article
    for sid, lang in (
        ("coindesk", "en"),
        ("theblock", "en"),
        ("decrypt", "en"),
        ("xinhua", "zh"),
        ("jinse", "zh"),
        ("quietnews", "en"),
        ("deadfeed", "en"),
        ("retired", "en"),
    ):
        factories.add_source(cur, sid, lang=lang, category="official" if sid == "xinhua" else "news")
    cur.execute("UPDATE sources SET enabled = false WHERE id = 'retired'")

    ids: dict[str, int] = {}
    # Story 1: Tornado Cash conviction, carried by three sources.
    ids["tc_coindesk"] = add(
        cur,
        source="coindesk",
        published=ago(3),
        title="Tornado Cash co-founder convicted of money laundering conspiracy",
        text="A jury found the Tornado Cash developer guilty of conspiring to launder "
        "more than $1 billion through the crypto mixer, prosecutors said.",
    )
    ids["tc_theblock"] = add(
        cur,
        source="theblock",
        published=ago(2.5),
        story_id=ids["tc_coindesk"],
        title="Jury convicts Tornado Cash developer",
        text="The verdict on the Tornado Cash mixer case is a landmark for laundering "
        "prosecutions of software developers.",
    )
    ids["tc_decrypt"] = add(
        cur,
        source="decrypt",
        published=ago(2),
        story_id=ids["tc_coindesk"],
        title="What the Tornado Cash verdict means for developers",
        text="Developers worry after the Tornado Cash money laundering verdict; the mixer code remains online.",
    )
    # Story 2: an exchange fined for AML failures, two sources.
    ids["aml_coindesk"] = add(
        cur,
        source="coindesk",
        published=ago(5),
        title="Exchange fined $30m for anti-money laundering failures",
        text="The regulator fined the exchange for weak AML controls and sanctions screening.",
    )
    ids["aml_theblock"] = add(
        cur,
        source="theblock",
        published=ago(4),
        story_id=ids["aml_coindesk"],
        title="Regulator fines exchange over AML lapses",
        text="Weak know-your-customer checks let criminals launder proceeds, the regulator said.",
    )
    # An older laundering story, outside every 30-day window.
    ids["old_mixer"] = add(
        cur,
        source="coindesk",
        published=ago(45),
        title="Police seize crypto mixer used to launder ransom payments",
        text="Investigators say the mixer laundered ransomware proceeds for years.",
    )
    # Story 4: a DeFi hack, three sources.
    ids["hack_coindesk"] = add(
        cur,
        source="coindesk",
        published=ago(1),
        title="DeFi lending protocol drained of $40m in flash loan attack",
        text="An attacker exploited a price-oracle bug to drain $40 million from the protocol.",
    )
    ids["hack_theblock"] = add(
        cur,
        source="theblock",
        published=ago(1),
        story_id=ids["hack_coindesk"],
        title="Lending protocol exploited for $40 million",
        text="The exploit used a flash loan to manipulate the oracle; funds were stolen.",
    )
    ids["hack_decrypt"] = add(
        cur,
        source="decrypt",
        published=ago(0.8),
        story_id=ids["hack_coindesk"],
        title="Hackers steal $40m from DeFi lender",
        text="Security firms traced the stolen funds after the hack of the lending protocol.",
    )
    # Chinese articles.
    ids["zh_ecny"] = add(
        cur,
        source="xinhua",
        published=ago(6),
        lang="zh",
        title="中国人民银行发布数字人民币试点",
        text="中国人民银行发布数字人民币试点，扩大到更多城市。",
    )
    ids["zh_ecny_pay"] = add(
        cur,
        source="jinse",
        published=ago(8),
        lang="zh",
        title="数字人民币跨境支付测试启动",
        text="数字人民币在跨境支付场景开展测试，多家银行参与。",
    )
    ids["zh_laundering"] = add(
        cur,
        source="jinse",
        published=ago(10),
        lang="zh",
        title="警方破获利用虚拟货币洗钱案",
        text="警方破获一起利用虚拟货币洗钱的特大案件，涉案金额十亿元。",
    )
    # English CBDC news (not Chinese).
    ids["digital_euro"] = add(
        cur,
        source="coindesk",
        published=ago(6.5),
        title="ECB moves ahead with digital euro preparation",
        text="The European Central Bank said the digital euro CBDC pilot enters a new phase.",
    )
    # A source that went quiet: its newest article is 40 days old.
    ids["quiet_old"] = add(
        cur,
        source="quietnews",
        published=ago(40),
        title="Bitcoin price steady as markets wait",
        text="Bitcoin traded flat on Monday.",
    )
    # Not classified yet.
    ids["unclassified"] = add(
        cur,
        source="decrypt",
        published=ago(0.5),
        title="Ethereum developers schedule the next network upgrade",
        text="Core developers agreed a date for the upgrade on the testnet first.",
    )

    L = factories.add_labels
    L(
        cur,
        ids["tc_coindesk"],
        {"money_laundering": 0.95, "regulation_enforcement": 0.80, "cbdc": 0.02},
        evidence="A jury found the Tornado Cash developer guilty of conspiring to launder more than $1 billion.",
    )
    L(cur, ids["tc_theblock"], {"money_laundering": 0.90})
    L(cur, ids["tc_decrypt"], {"money_laundering": 0.85, "tech_innovation": 0.55})
    L(cur, ids["aml_coindesk"], {"money_laundering": 0.70, "regulation_enforcement": 0.90})
    L(cur, ids["aml_theblock"], {"money_laundering": 0.75, "regulation_enforcement": 0.85})
    L(cur, ids["old_mixer"], {"money_laundering": 0.90, "crypto_scam": 0.60})
    L(cur, ids["hack_coindesk"], {"security_breach": 0.97}, evidence="An attacker exploited a price-oracle bug.")
    L(
        cur,
        ids["hack_theblock"],
        {"security_breach": 0.93, "market_manipulation": 0.52},
        evidence="The exploit used a flash loan to manipulate the oracle.",
    )
    L(cur, ids["hack_decrypt"], {"security_breach": 0.88}, evidence="Security firms traced the stolen funds.")
    L(cur, ids["zh_ecny"], {"cbdc": 0.92})
    L(cur, ids["zh_ecny_pay"], {"cbdc": 0.88, "stablecoins_payments": 0.60})
    L(cur, ids["zh_laundering"], {"money_laundering": 0.90, "crypto_scam": 0.40})
    L(cur, ids["digital_euro"], {"cbdc": 0.90})
    L(cur, ids["quiet_old"], {"cbdc": 0.10})  # classified, no positive label
    # A newer model re-classified two articles: it drops laundering on one, adds enforcement to the other.
    L(cur, ids["tc_theblock"], {"money_laundering": 0.30, "regulation_enforcement": 0.70}, model_version=V2)
    L(
        cur,
        ids["tc_decrypt"],
        {"money_laundering": 0.88, "tech_innovation": 0.20, "regulation_enforcement": 0.65},
        model_version=V2,
    )

    factories.add_crawl_run(cur, "coindesk", started=ago(2 / 24))
    factories.add_crawl_run(cur, "coindesk", run_id="run-0", started=ago(1), status="failed", pages=0, stored=0)
    factories.add_crawl_run(
        cur, "theblock", started=ago(2 / 24), status="failed", pages=1, stored=0, errors=1, error_counts={"http_503": 1}
    )
    factories.add_crawl_run(
        cur, "decrypt", started=ago(2 / 24), status="ok", pages=10, stored=2, errors=6, error_counts={"http_404": 6}
    )
    factories.add_crawl_run(cur, "xinhua", started=ago(2 / 24))
    factories.add_crawl_run(cur, "jinse", started=ago(2 / 24), stored=0, skipped=5)
    factories.add_crawl_run(cur, "quietnews", started=ago(2 / 24), pages=3, stored=0, skipped=0)
    factories.add_crawl_run(cur, "retired", started=ago(60))
    return ids

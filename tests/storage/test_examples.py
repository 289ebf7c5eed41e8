"""Every example query in sql/examples runs, as the read-only analyst role, and answers its question
for the seeded database (tests/storage/seed.py)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.storage.seed import V1, V2, seed

EXAMPLES = Path(__file__).resolve().parents[2] / "sql" / "examples"


def _weeks_back(n: int) -> list:
    now = datetime.now(UTC)
    monday = (now - timedelta(days=now.weekday())).date()
    return [monday - timedelta(weeks=k) for k in range(n - 1, -1, -1)]


def _iso_week(d) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _expect_weekly_trend(ids, rows, cur):
    # security_breach: the three hack articles (one story); bucket them the way the view does.
    cur.execute(
        "SELECT published_at FROM articles WHERE id = ANY(%s)",
        ([ids["hack_coindesk"], ids["hack_theblock"], ids["hack_decrypt"]],),
    )
    per_week = Counter(
        (p.astimezone(UTC).date() - timedelta(days=p.astimezone(UTC).weekday())) for (p,) in cur.fetchall()
    )
    weeks = _weeks_back(12)
    assert [(r[0], r[1], r[2]) for r in rows] == [(_iso_week(w), w, per_week.get(w, 0)) for w in weeks]
    assert sum(r[3] for r in rows) >= 1 and all(r[3] <= r[2] for r in rows)
    return True


EXPECTED = {
    "01_top_money_laundering_stories.sql": lambda ids, rows, cur: (
        [(r[0], r[2], r[3], r[4], float(r[5])) for r in rows]
        == [
            (ids["tc_coindesk"], 3, ["coindesk", "decrypt", "theblock"], 2, 0.95),  # v2 dropped theblock's label
            (ids["aml_coindesk"], 2, ["coindesk", "theblock"], 2, 0.75),
            (ids["zh_laundering"], 1, ["jinse"], 1, 0.90),
        ]
    ),  # old_mixer (45 days) is outside the window
    "02_weekly_trend_of_a_label.sql": _expect_weekly_trend,
    "03_sources_gone_quiet.sql": lambda ids, rows, cur: (
        [(r[0], r[3], r[4]) for r in rows] == [("deadfeed", 0, "never_run"), ("quietnews", 1, "quiet")]
    ),
    "04_chinese_cbdc_articles.sql": lambda ids, rows, cur: (
        [(r[0], r[2], float(r[4])) for r in rows]
        == [(ids["zh_ecny"], "xinhua", 0.92), (ids["zh_ecny_pay"], "jinse", 0.88)]
    ),
    "05_stories_with_3_plus_sources.sql": lambda ids, rows, cur: (
        [(r[0], r[2], r[3]) for r in rows] == [(ids["hack_coindesk"], 3, 3), (ids["tc_coindesk"], 3, 3)]
    ),
    "06_label_cooccurrence.sql": lambda ids, rows, cur: (
        rows
        == [
            ("money_laundering", "regulation_enforcement", 4),  # tc_coindesk, tc_decrypt (v2), both aml articles
            ("cbdc", "stablecoins_payments", 1),
            ("crypto_scam", "money_laundering", 1),
            ("market_manipulation", "security_breach", 1),
        ]
    ),
    "07_model_version_comparison.sql": lambda ids, rows, cur: (
        rows
        == [
            (V1, V2, "money_laundering", 2, 1, 1, 0, 1),
            (V1, V2, "regulation_enforcement", 0, 2, 0, 2, 0),
            (V1, V2, "tech_innovation", 1, 0, 0, 0, 1),
        ]
    ),
    "08_search_with_ranking.sql": lambda ids, rows, cur: (
        sorted(r[0] for r in rows) == sorted([ids["tc_coindesk"], ids["tc_theblock"], ids["tc_decrypt"]])
        and [r[4] for r in rows] == sorted((r[4] for r in rows), reverse=True)
        and all("«Tornado» «Cash»" in r[5] for r in rows)
    ),
    "09_chinese_fulltext_search.sql": lambda ids, rows, cur: (
        [r[0] for r in rows] == [ids["zh_ecny"], ids["zh_ecny_pay"]]
    ),
    "10_source_health_problems.sql": lambda ids, rows, cur: (
        [(r[0], r[1]) for r in rows]
        == [("theblock", "failing"), ("decrypt", "degraded"), ("quietnews", "quiet"), ("deadfeed", "never_run")]
        and rows[0][7] == {"http_503": 1}
    ),
    "11_unclassified_articles.sql": lambda ids, rows, cur: [r[0] for r in rows] == [ids["unclassified"]],
    "12_source_activity_last_7_days.sql": lambda ids, rows, cur: (
        rows == [("coindesk", 4, 3), ("decrypt", 3, 2), ("theblock", 3, 2), ("xinhua", 1, 0)]
    ),
    "13_label_evidence.sql": lambda ids, rows, cur: (
        [(r[0], float(r[4])) for r in rows]
        == [(ids["hack_coindesk"], 0.97), (ids["hack_theblock"], 0.93), (ids["hack_decrypt"], 0.88)]
        and rows[0][5] == "An attacker exploited a price-oracle bug."
    ),
}


def test_every_example_is_tested_and_documented():
    files = sorted(p.name for p in EXAMPLES.glob("*.sql"))
    assert len(files) >= 10
    assert files == sorted(EXPECTED)
    schema_doc = (EXAMPLES.parents[1] / "docs" / "schema.md").read_text(encoding="utf-8")
    for name in files:
        lines = (EXAMPLES / name).read_text(encoding="utf-8").splitlines()
        header = []
        for line in lines:
            if not line.startswith("--"):
                break
            header.append(line)
        assert lines[0].startswith("-- Question: ") and "?" in " ".join(header), name
        assert name in schema_doc, f"{name} is not listed in docs/schema.md"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_answers_its_question(name, clean_db, db_cursor):
    ids = seed(db_cursor)
    db_cursor.execute("SET ROLE chainwatch_reader")  # analysts run these with read-only rights
    try:
        db_cursor.execute((EXAMPLES / name).read_text(encoding="utf-8"))
        rows = db_cursor.fetchall()
    finally:
        db_cursor.execute("RESET ROLE")
    assert rows, f"{name} returned nothing for the seed"
    assert EXPECTED[name](ids, rows, db_cursor), rows

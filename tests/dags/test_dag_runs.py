"""Each DAG end to end with dag.test(): real Airflow (SQLite metadata), real PostgreSQL, a real
replay HTTP server, the real spiders, classifier and digest builder.

The runs build on each other like the scheduled pipeline (crawl -> classify -> digest;
maintenance last), through module-scoped fixtures, so each stage runs once. The ChainWatch
database reaches the DAGs only as the Airflow connection `chainwatch_db` (DATABASE_URL points
nowhere in the DAG processes; see conftest.py).

The replay site is a tiny one built here: the `cointelegraph` feed with three items dated in the
ISO week the digest covers, and their article pages. `cryptonews` is crawled too, but has no
pages in the snapshot: its feed answers 404, so its mapped task fails alone.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime
from pathlib import Path

import psycopg2
import pytest

from chainwatch.replay import ReplayServer

NOW = datetime.now(UTC)
# The Monday 06:00 UTC run of weekly_digest: this week's if it has happened, else last week's.
_this_monday = datetime.combine((NOW - timedelta(days=NOW.weekday())).date(), time(6), tzinfo=UTC)
DIGEST_RUN = _this_monday if _this_monday <= NOW else _this_monday - timedelta(weeks=1)
DIGEST_MONDAY = DIGEST_RUN - timedelta(weeks=1, hours=6)  # Monday 00:00 of the week the digest covers
_y, _w, _ = DIGEST_MONDAY.isocalendar()
DIGEST_WEEK = f"{_y}-W{_w:02d}"

ARTICLES = [
    {
        "slug": "bridge-exploit-drains-52-million",
        "title": "Hackers drain $52 million from cross-chain bridge in private key exploit",
        "published": DIGEST_MONDAY + timedelta(days=1, hours=9),
        "paragraphs": [
            "Attackers drained about $52 million in Ether and stablecoins from a cross-chain bridge on Tuesday "
            "after compromising the private keys of its validator nodes, the project said in a post-mortem.",
            "The hackers routed the stolen funds through a crypto mixer, and blockchain security firms traced "
            "several transfers to exchange deposit addresses that were frozen within hours.",
            "It is the third major bridge hack this year. Security researchers said the exploit exposed weak "
            "key management, and the team paused deposits while it works with law enforcement.",
        ],
    },
    {
        "slug": "sec-sues-exchange-unregistered-securities",
        "title": "SEC sues crypto exchange for offering unregistered securities",
        "published": DIGEST_MONDAY + timedelta(days=2, hours=14),
        "paragraphs": [
            "The United States Securities and Exchange Commission filed a lawsuit against a major cryptocurrency "
            "exchange on Wednesday, alleging it offered unregistered securities to retail investors.",
            "The regulator's enforcement action asks the court for penalties and an injunction. Lawmakers said "
            "the case shows the need for clear regulation of digital asset markets and licensing of exchanges.",
            "The exchange said it would fight the charges and called for a regulatory framework written by "
            "Congress rather than enforcement by the agency.",
        ],
    },
    {
        "slug": "digital-yuan-pilot-expands",
        "title": "China expands digital yuan pilot as central bank digital currency trials grow",
        "published": DIGEST_MONDAY + timedelta(days=3, hours=11),
        "paragraphs": [
            "The People's Bank of China expanded its digital yuan pilot to more cities on Thursday, the central "
            "bank said, as trials of the central bank digital currency move into public transport and salaries.",
            "The e-CNY wallets now support offline payments, and several state banks promote the CBDC to "
            "merchants. Other central banks are studying the project for their own digital currencies.",
            "Analysts said cross-border payment trials with Hong Kong and Thailand show the ambitions of the "
            "programme beyond domestic retail payments.",
        ],
    },
]


def _article_html(a: dict) -> str:
    url = f"https://cointelegraph.com/news/{a['slug']}"
    published = a["published"].isoformat()
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a["title"],
        "datePublished": published,
        "dateModified": published,
        "mainEntityOfPage": url,
        "author": {"@type": "Person", "name": "Staff Writer"},
        "publisher": {"@type": "Organization", "name": "Cointelegraph"},
    }
    body = "\n".join(f"      <p>{p}</p>" for p in a["paragraphs"])
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{a['title']} | Cointelegraph</title>
  <link rel="canonical" href="{url}">
  <meta property="og:type" content="article">
  <meta property="og:title" content="{a['title']}">
  <meta property="og:url" content="{url}">
  <meta property="og:description" content="{a['paragraphs'][0][:150]}">
  <meta property="article:published_time" content="{published}">
  <script type="application/ld+json">{json.dumps(ld)}</script>
</head>
<body>
  <header><nav><a href="/">Home</a> <a href="/tags/bitcoin">Bitcoin</a></nav></header>
  <main>
    <article>
      <h1>{a['title']}</h1>
      <time datetime="{published}">{a['published'].strftime('%b %d, %Y')}</time>
{body}
    </article>
  </main>
  <footer>Cointelegraph. All rights reserved.</footer>
</body>
</html>
"""


def _feed(articles: list[dict]) -> str:
    items = "\n".join(
        f"""    <item>
      <title>{a['title']}</title>
      <link>https://cointelegraph.com/news/{a['slug']}</link>
      <guid>https://cointelegraph.com/news/{a['slug']}</guid>
      <pubDate>{format_datetime(a['published'])}</pubDate>
      <description>{a['paragraphs'][0]}</description>
    </item>"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Cointelegraph.com News</title>
    <link>https://cointelegraph.com</link>
    <description>Latest news</description>
{items}
  </channel>
</rss>
"""


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    root = tmp_path_factory.mktemp("replay_site")
    host = root / "cointelegraph.com"
    (host / "news").mkdir(parents=True)
    (host / "rss").write_text(_feed(ARTICLES), encoding="utf-8")
    for a in ARTICLES:
        (host / "news" / a["slug"]).write_text(_article_html(a), encoding="utf-8")
    with ReplayServer(root) as srv:
        yield srv


@pytest.fixture(scope="module")
def pipeline_db(db_url):
    """The session database, emptied once for this module's chain of DAG runs."""
    conn = psycopg2.connect(db_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "TRUNCATE classifications, classified_articles, digests, articles, crawl_runs,"
                " model_versions, sources RESTART IDENTITY CASCADE"
            )
    finally:
        conn.close()
    return db_url


def query(url: str, sql: str, params=()) -> list[tuple]:
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def tasks_by_key(result: dict) -> dict[str, dict]:
    return {t["key"]: t for t in result["tasks"]}


@pytest.fixture(scope="module")
def crawled(airflow, conn_file, pipeline_db, replay):
    return airflow.run_dag(
        "crawl",
        conn_file=conn_file,
        conf={"sources": ["cointelegraph", "cryptonews"], "replay_proxy": replay.proxy_url},
    )


@pytest.fixture(scope="module")
def classified(airflow, conn_file, crawled):
    return airflow.run_dag("classify", conn_file=conn_file)


@pytest.fixture(scope="module")
def digest_out(tmp_path_factory):
    return tmp_path_factory.mktemp("digest_out")


@pytest.fixture(scope="module")
def digested(airflow, conn_file, classified, smtp_sink, digest_out):
    smtp_sink.messages.clear()
    result = airflow.run_dag(
        "weekly_digest",
        conn_file=conn_file,
        logical_date=DIGEST_RUN.isoformat(),
        env={**smtp_sink.env, "CHAINWATCH_OUT": str(digest_out)},
    )
    result["emails"] = list(smtp_sink.messages)
    return result


def test_crawl_dag_maps_one_task_per_source_and_isolates_the_broken_one(crawled, pipeline_db, replay):
    tasks = tasks_by_key(crawled)
    assert tasks["select_sources"]["state"] == "success"
    assert crawled["xcom"]["select_sources"] == ["cointelegraph", "cryptonews"]
    by_source = {t["rendered_map_index"]: t for t in crawled["tasks"] if t["task_id"] == "crawl_source"}
    assert by_source["cointelegraph"]["state"] == "success"
    assert by_source["cryptonews"]["state"] == "failed"
    assert crawled["state"] == "failed"  # the run shows the broken source; the good one still finished

    # One crawl_runs row per source, all sharing the DAG run's run_id.
    runs = query(pipeline_db, "SELECT source_id, run_id, status, items_stored FROM crawl_runs ORDER BY source_id")
    run_id = f"airflow:{crawled['run_id']}"
    assert [(r[0], r[1]) for r in runs] == [("cointelegraph", run_id), ("cryptonews", run_id)]
    assert runs[0][2:] == ("ok", 3)
    assert runs[1][2] == "failed"

    rows = query(pipeline_db, "SELECT canonical_url, title, published_at FROM articles ORDER BY published_at")
    assert [r[0] for r in rows] == [f"https://cointelegraph.com/news/{a['slug']}" for a in ARTICLES]
    assert [r[1] for r in rows] == [a["title"] for a in ARTICLES]
    assert [r[2] for r in rows] == [a["published"] for a in ARTICLES]
    assert replay.hits.get("cointelegraph.com/rss", 0) >= 1

    # The good source's summary went to XCom and its success emitted the articles Asset.
    good_key = f"crawl_source[{by_source['cointelegraph']['map_index']}]"
    assert crawled["xcom"][good_key]["per_source"]["cointelegraph"]["items_stored"] == 3
    assert crawled["asset_events"] == [
        {
            "uri": "chainwatch://articles/",
            "task_id": "crawl_source",
            "map_index": by_source["cointelegraph"]["map_index"],
        }
    ]


def test_classify_dag_labels_the_new_articles(classified, pipeline_db):
    assert classified["state"] == "success", classified["_log"][-3000:]
    summary = classified["xcom"]["classify_pending"]
    (version,) = query(pipeline_db, "SELECT DISTINCT model_version FROM classified_articles")[0]
    assert (summary["model_version"], summary["classified"]) == (version, 3)
    assert query(
        pipeline_db, "SELECT count(DISTINCT article_id), min(status), max(status) FROM classified_articles"
    ) == [(3, "ok", "ok")]
    # What the model decides is the nlp tests' business; here: the positives it reported were stored.
    positives = query(
        pipeline_db, "SELECT count(*) FROM classifications WHERE positive AND model_version = %s", (version,)
    )
    assert positives == [(summary["positives"],)] and summary["positives"] > 0
    assert classified["asset_events"] == [
        {"uri": "chainwatch://classifications/", "task_id": "classify_pending", "map_index": -1}
    ]


def test_weekly_digest_dag_builds_the_last_complete_week(digested, pipeline_db, digest_out):
    assert digested["state"] == "success", digested["_log"][-3000:]
    result = digested["xcom"]["build_digest"]
    assert result["iso_week"] == DIGEST_WEEK
    assert result["item_count"] == 3
    assert result["emailed"] is True
    stored = dict(query(pipeline_db, "SELECT format, content FROM digests WHERE iso_week = %s", (DIGEST_WEEK,)))
    assert set(stored) == {"html", "md"}
    assert Path(result["html_path"]) == digest_out / f"digest-{DIGEST_WEEK}.html"
    assert Path(result["html_path"]).read_text(encoding="utf-8") == stored["html"]
    assert Path(result["md_path"]).read_text(encoding="utf-8") == stored["md"]
    assert DIGEST_WEEK in stored["md"]
    assert any(a["title"] in stored["md"] for a in ARTICLES)
    (mail,) = digested["emails"]
    assert DIGEST_WEEK in mail["Subject"] and mail["To"] == "analysts@example.org"


def test_crawl_dag_takes_sources_and_replay_proxy_from_the_environment(
    airflow, conn_file, crawled, replay, pipeline_db
):
    before = replay.hits.get("cointelegraph.com/rss", 0)
    result = airflow.run_dag(
        "crawl",
        conn_file=conn_file,
        env={"CHAINWATCH_SOURCES": "cointelegraph", "CHAINWATCH_REPLAY_PROXY": replay.proxy_url},
    )
    assert result["state"] == "success", result["_log"][-3000:]
    assert result["xcom"]["select_sources"] == ["cointelegraph"]
    assert replay.hits.get("cointelegraph.com/rss", 0) > before
    run = query(
        pipeline_db,
        "SELECT status, items_stored, items_skipped FROM crawl_runs WHERE run_id = %s",
        (f"airflow:{result['run_id']}",),
    )
    assert run == [("ok", 0, 3)]  # already stored: skipped, not duplicated
    assert query(pipeline_db, "SELECT count(*) FROM articles") == [(3,)]


@pytest.fixture(scope="module")
def maintained(airflow, conn_file, classified, pipeline_db, smtp_sink):
    # An old crawl run to expire, and the stored classifications made to look like another model's.
    query(
        pipeline_db,
        "INSERT INTO crawl_runs (run_id, source_id, started_at, finished_at, status)"
        " VALUES ('ancient', 'cointelegraph', now() - interval '400 days',"
        " now() - interval '400 days', 'ok')",
    )
    (current,) = query(pipeline_db, "SELECT DISTINCT model_version FROM classified_articles")[0]
    query(pipeline_db, "UPDATE classified_articles SET model_version = 'old-model'")
    query(pipeline_db, "UPDATE classifications SET model_version = 'old-model'")
    smtp_sink.messages.clear()
    result = airflow.run_dag(
        "maintenance", conn_file=conn_file, conf={"crawl_run_retention_days": 30}, env=smtp_sink.env
    )
    result["emails"] = list(smtp_sink.messages)
    result["current_model"] = current
    return result


def test_maintenance_dag_reclassifies_expires_and_alerts(maintained, pipeline_db):
    tasks = tasks_by_key(maintained)
    log = maintained["_log"][-3000:]
    assert tasks["reclassify_if_model_changed"]["state"] == "success", log
    assert tasks["retention"]["state"] == "success", log
    assert tasks["check_source_health"]["state"] == "failed"  # cryptonews' last run failed
    assert maintained["state"] == "failed"

    # Re-classification: the current model classified every article again; the old rows are kept.
    reclass = maintained["xcom"]["reclassify_if_model_changed"]
    assert (reclass["action"], reclass["latest"], reclass["current"]) == (
        "reclassified",
        "old-model",
        maintained["current_model"],
    )
    rows = query(pipeline_db, "SELECT model_version, count(*) FROM classified_articles GROUP BY 1 ORDER BY 1")
    assert rows == sorted([("old-model", 3), (maintained["current_model"], 3)])

    # Retention: the 400-day-old run went; recent runs and every article stayed.
    assert maintained["xcom"]["retention"]["deleted"] == {"crawl_runs": 1, "articles": 0}
    assert query(pipeline_db, "SELECT count(*) FROM crawl_runs WHERE run_id = 'ancient'") == [(0,)]
    assert query(pipeline_db, "SELECT count(*) FROM articles") == [(3,)]

    # Source health: the alert named the failing source and was emailed.
    (mail,) = maintained["emails"]
    assert "cryptonews (failing)" in mail["Subject"]
    assert "cointelegraph" not in mail["Subject"]

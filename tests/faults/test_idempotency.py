"""Every pipeline step, and every DAG task's body, run twice in a row: the second run changes nothing.

Steps: crawl (and crawl --refetch), classify_pending, build_digest; DAG tasks: crawl_source (same
Airflow run id, as on a task retry), classify_pending, build_digest (week from the data interval),
reclassify_if_model_changed, retention, check_source_health, called the way dags/*.py call them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from chainwatch import airflow_support as cw
from chainwatch.digests import build_digest
from chainwatch.runners.classify import classify_pending
from chainwatch.runners.crawl import crawl
from chainwatch.runners.maintenance import apply_retention, check_source_health, reclassify_if_model_changed
from tests.faults.conftest import news_site, story
from tests.spiders.crawl_helpers import ad_hoc_source, article_html, query, rss

WEEK = "2022-W27"  # article_html's pages are published on 2022-07-05
SNAPSHOT = """
SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT story_id) FROM articles),
       (SELECT count(*) FROM sources), (SELECT count(*) FROM crawl_runs),
       (SELECT count(*) FROM classified_articles), (SELECT count(*) FROM classifications),
       (SELECT count(*) FROM model_versions), (SELECT count(*) FROM labels), (SELECT count(*) FROM digests),
       (SELECT md5(string_agg(concat_ws('|', canonical_url, content_hash, story_id, updated_at), ','
                              ORDER BY canonical_url)) FROM articles),
       (SELECT md5(string_agg(concat_ws('|', article_id, model_version, label, probability, positive), ','
                              ORDER BY article_id, label)) FROM classifications),
       (SELECT md5(string_agg(concat_ws('|', iso_week, format, item_count,
                                        regexp_replace(content, 'Generated [0-9-]+ [0-9:]+ UTC', 'Generated (time)')),
                              ',' ORDER BY iso_week, format)) FROM digests)
"""  # the digest says when it was generated (to the minute): the rest must be identical
NAMES = (
    "articles",
    "stories",
    "sources",
    "crawl_runs",
    "classified_articles",
    "classifications",
    "model_versions",
    "labels",
    "digests",
    "articles_md5",
    "classifications_md5",
    "digests_md5",
)


def snapshot(db_url: str) -> dict:
    return dict(zip(NAMES, query(db_url, SNAPSHOT)[0]))


def two_sources(make_site):
    """A wire with 12 stories and a second outlet that republishes 4 of them (near-duplicate stories)."""
    files = news_site("wire.example", 12)
    files.update(
        {
            "copy.example/robots.txt": "User-agent: *\nAllow: /\n",
            "copy.example/feed.xml": rss([(f"Copy {i}", f"https://copy.example/c/{i}") for i in range(4)]),
        }
    )
    for i in range(4):  # the wire's text, another headline and a byline added
        body = story(i, "wire.example").split("<h1>", 1)[1].split("</h1>", 1)[1]
        files[f"copy.example/c/{i}"] = article_html(f"Republished: story {i}", [body + " Reporting by our desk."])
    sources = [
        ad_hoc_source("wire", "wire.example", ["https://wire.example/feed.xml"]),
        ad_hoc_source("copy", "copy.example", ["https://copy.example/feed.xml"]),
    ]
    return make_site(files), sources


def test_each_step_twice_in_a_row(clean_db, make_site, replay_server, tmp_path):
    root, sources = two_sources(make_site)
    srv = replay_server(root)
    out = tmp_path / "digests"

    def twice(step, allow: dict | None = None):
        step()
        first = snapshot(clean_db)
        step()
        second = snapshot(clean_db)
        for key, grows in (allow or {}).items():  # a crawl run is history: one more row per source
            assert second[key] == first[key] + grows, key
            first[key] = second[key]
        assert second == first
        return second

    crawled = twice(lambda: crawl(sources, replay_proxy=srv.proxy_url), allow={"crawl_runs": 2})
    assert crawled["articles"] == 16 and crawled["stories"] == 12  # 4 copies joined the wire's stories
    twice(lambda: crawl(sources, replay_proxy=srv.proxy_url, refetch=True), allow={"crawl_runs": 2})
    assert snapshot(clean_db)["articles_md5"] == crawled["articles_md5"]  # refetching unchanged pages wrote nothing
    summaries = []
    classified = twice(lambda: summaries.append(classify_pending(database_url=clean_db)))
    assert [s.classified for s in summaries] == [16, 0]
    assert classified["classified_articles"] == 16
    results = []
    digested = twice(lambda: results.append(build_digest(WEEK, database_url=clean_db, out_dir=out)))
    assert digested["digests"] == 2 and results[0].item_count == results[1].item_count > 0
    assert sorted(p.name for p in out.iterdir()) == sorted({results[0].html_path.name, results[0].md_path.name})


def test_each_dag_task_twice_in_a_row(clean_db, make_site, replay_server):
    root, sources = two_sources(make_site)
    srv = replay_server(root)
    airflow_run = "scheduled__2022-07-11T06:00:00+00:00"
    data_interval_end = datetime(2022, 7, 11, 6, tzinfo=UTC)

    def crawl_source(source):  # dags/crawl.py crawl_source, with a Source for the registry id
        summary = crawl(
            [source],
            run_id=cw.crawl_run_id(airflow_run),
            replay_proxy=cw.replay_proxy(srv.proxy_url),
            refetch=False,
            database_url=clean_db,
        )
        return cw.check_crawl(summary, source.id)

    tasks = [
        ("crawl.crawl_source", lambda: [crawl_source(s) for s in sources]),
        ("classify.classify_pending", lambda: cw.to_xcom(classify_pending(database_url=clean_db, limit=None))),
        (
            "weekly_digest.build_digest",
            lambda: cw.to_xcom(
                build_digest(cw.last_complete_iso_week(data_interval_end), database_url=clean_db, send_email=False)
            ),
        ),
        ("maintenance.reclassify_if_model_changed", lambda: reclassify_if_model_changed(clean_db)),
        ("maintenance.retention", lambda: cw.to_xcom(apply_retention(clean_db, **cw.retention_settings({})))),
        (
            "maintenance.check_source_health",
            lambda: cw.to_xcom(check_source_health(clean_db, fail_on=cw.health_fail_on(None))),
        ),
    ]
    returned = {}
    for name, task in tasks:
        first_value = task()
        first = snapshot(clean_db)
        second_value = task()
        second = snapshot(clean_db)
        assert second == first, name  # a retried task instance adds and changes nothing
        returned[name] = (first_value, second_value)
    assert snapshot(clean_db)["crawl_runs"] == 2  # the retry reopened its own rows
    assert [r["per_source"][s.id]["status"] for r, s in zip(returned["crawl.crawl_source"][1], sources)] == ["ok", "ok"]
    assert returned["classify.classify_pending"][0]["classified"] == 16
    assert returned["classify.classify_pending"][1]["classified"] == 0
    assert returned["weekly_digest.build_digest"][0]["iso_week"] == WEEK
    assert returned["maintenance.reclassify_if_model_changed"][1]["action"] == "none"
    assert returned["maintenance.check_source_health"][0] == returned["maintenance.check_source_health"][1]

"""Kill the alerts run (a real child process, SIGKILL) mid-evaluation and mid-delivery, re-run it:
no rule fires twice for a story and no message is sent twice."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal

import psycopg2
import pytest

from chainwatch.alerts import manage
from chainwatch.alerts.deliver import deliver_due
from chainwatch.runners.alerts import run_alerts
from chainwatch.storage.alerts import RuleRow
from tests.alerts.conftest import SECRET, seed

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture()
def seeded(clean_db, receiver, webhook_secret):
    conn = psycopg2.connect(clean_db)
    with conn, conn.cursor() as cur:
        cur.execute("DELETE FROM alert_rules")
    conn.close()
    manage.add_rule(
        RuleRow(
            name="big-hacks",
            label="security_breach",
            min_score=0.8,
            min_amount_usd=Decimal(1_000_000),
            webhook_url=receiver.url,
        ),
        database_url=clean_db,
    )
    seed(clean_db)
    return clean_db


def _child(url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "CHAINWATCH_WEBHOOK_SECRET": SECRET}
    return subprocess.Popen(
        [sys.executable, "-m", "chainwatch.cli", "alerts", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def _rows(url, statement):
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(statement)
            return cur.fetchall()
    finally:
        conn.close()


def _deliveries(receiver) -> Counter:
    return Counter(
        r["headers"]["X-ChainWatch-Delivery"]
        for r in receiver.requests
        if r["headers"]["X-ChainWatch-Delivery"] != "ping"
    )


def test_killed_while_evaluating_then_rerun_fires_each_story_once(seeded, receiver):
    # Hold the outbox table so the child blocks after writing its events, inside its transaction.
    blocker = psycopg2.connect(seeded)
    cur = blocker.cursor()
    cur.execute("LOCK TABLE alert_outbox IN EXCLUSIVE MODE")
    child = _child(seeded)
    _wait(
        lambda: (
            _rows(
                seeded,
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE NOT l.granted AND a.query ILIKE '%alert_outbox%'",
            )[0][0]
            > 0
        )
    )
    child.kill()
    child.wait()
    blocker.rollback()
    blocker.close()
    assert _rows(seeded, "SELECT count(*) FROM alert_events") == [(0,)]  # rolled back with the child
    result = run_alerts(database_url=seeded)
    assert (result.evaluation.events, result.delivery.sent) == (3, 3)
    assert run_alerts(database_url=seeded).evaluation.events == 0
    assert sorted(_deliveries(receiver).values()) == [1, 1, 1]


def test_killed_while_sending_then_rerun_sends_nothing_twice(seeded, receiver):
    receiver.delay_s = 30  # the first alert hangs: the child is killed while sending it
    child = _child(seeded)
    _wait(lambda: len(_deliveries(receiver)) == 1)
    child.kill()
    child.wait()
    receiver.delay_s = 0
    assert sorted(_rows(seeded, "SELECT status FROM alert_outbox")) == [("pending",), ("pending",), ("sending",)]

    result = run_alerts(database_url=seeded)
    assert (result.evaluation.events, result.delivery.sent) == (0, 2)  # no story fires again
    assert sorted(_deliveries(receiver).values()) == [1, 1, 1]  # and no message went twice

    # After the lease the message in doubt is kept as dead, with the reason; it is not resent.
    later = deliver_due(database_url=seeded, lease_s=0)
    assert (later.in_doubt, later.sent) == (1, 0)
    assert _rows(
        seeded,
        "SELECT status, last_error LIKE 'interrupted while sending%' FROM alert_outbox WHERE status NOT IN ('sent')",
    ) == [("dead", True)]
    assert sorted(_deliveries(receiver).values()) == [1, 1, 1]

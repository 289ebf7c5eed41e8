"""Fixtures for digest tests: the seeded scenario (scenario.py) on the session database."""

from __future__ import annotations

import psycopg2
import pytest

from chainwatch.entities.pipeline import extract_pending
from tests.digests import scenario


@pytest.fixture()
def seeded(clean_db) -> scenario.Seeded:
    # One transaction: a commit per row (autocommit) makes seeding ~50x slower.
    conn = psycopg2.connect(clean_db)
    try:
        with conn, conn.cursor() as cur:
            seeded = scenario.seed(cur)
    finally:
        conn.close()
    extract_pending(database_url=clean_db)  # the classify run's entity step ("What is new", top entities)
    return seeded

"""Fixtures for digest tests: the seeded scenario (scenario.py) on the session database."""

from __future__ import annotations

import psycopg2
import pytest

from tests.digests import scenario


@pytest.fixture()
def seeded(clean_db) -> scenario.Seeded:
    # One transaction: a commit per row (autocommit) makes seeding ~50x slower.
    conn = psycopg2.connect(clean_db)
    try:
        with conn, conn.cursor() as cur:
            return scenario.seed(cur)
    finally:
        conn.close()

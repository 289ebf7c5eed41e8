"""Fixtures for digest tests: the seeded scenario (scenario.py) on the session database."""
from __future__ import annotations

import pytest

from tests.digests import scenario


@pytest.fixture()
def seeded(clean_db, db_cursor) -> scenario.Seeded:
    return scenario.seed(db_cursor)

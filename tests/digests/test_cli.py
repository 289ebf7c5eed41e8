"""`chainwatch digest` as a person runs it: the real console entry point in a child process."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.digests import scenario


def _chainwatch(*args, db_url, out):
    env = dict(os.environ, DATABASE_URL=db_url, CHAINWATCH_OUT=str(out))
    return subprocess.run(
        [sys.executable, "-m", "chainwatch.cli", "digest", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_bad_week_is_a_one_line_error(clean_db, tmp_path):
    proc = _chainwatch("--week", "2026-W99", db_url=clean_db, out=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "error: invalid ISO week '2026-W99': expected YYYY-Www with a week that exists, e.g. 2026-W47"
    ]
    assert list(tmp_path.iterdir()) == []


def test_one_week_then_the_last_weeks_with_articles(seeded, db_url, db_cursor, tmp_path):
    proc = _chainwatch("--week", scenario.WEEK, db_url=db_url, out=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(
        f"digest 2026-W47: 19 items -> {tmp_path / 'digest-2026-W47.html'}, digest-2026-W47.md ("
    )
    proc = _chainwatch("--weeks", "3", db_url=db_url, out=tmp_path)
    assert proc.returncode == 0, proc.stderr
    # Progress per week on stderr, one summary line on stdout.
    assert proc.stderr.splitlines() == [
        "[1/3] digest 2026-W46: 6 items",
        "[2/3] digest 2026-W47: 19 items",
        "[3/3] digest 2026-W48: 1 item",
    ]
    assert proc.stdout.startswith(f"built 3 digests (26 items) in {tmp_path} (")
    assert sorted(p.name for p in tmp_path.glob("*.md")) == [f"digest-2026-W{w}.md" for w in (46, 47, 48)]
    db_cursor.execute("SELECT iso_week, count(*) FROM digests GROUP BY 1 ORDER BY 1")
    assert db_cursor.fetchall() == [("2026-W46", 2), ("2026-W47", 2), ("2026-W48", 2)]


def test_week_and_all_are_exclusive(clean_db, tmp_path):
    proc = _chainwatch("--week", scenario.WEEK, "--all", db_url=clean_db, out=tmp_path)
    assert proc.returncode == 1 and proc.stderr.strip() == "error: --week cannot be combined with --all or --weeks"


def test_implausible_or_non_ascii_weeks_are_one_line_errors_and_store_nothing(clean_db, db_cursor, tmp_path):
    """Issue 17, item 8: 9999-W52 raised OverflowError; full-width digits stored a digest for the year 1234."""
    for week, fragment in (
        ("9999-W52", "outside the plausible range"),
        ("1234-W10", "outside the plausible range"),
        ("１２３４-W10", "invalid ISO week"),
        ("２０２６-W10", "invalid ISO week"),
        ("2026-W١٠", "invalid ISO week"),
    ):
        proc = _chainwatch("--week", week, db_url=clean_db, out=tmp_path)
        assert proc.returncode == 1, (week, proc.stdout)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], (week, proc.stderr)
    assert list(tmp_path.iterdir()) == []
    db_cursor.execute("SELECT count(*) FROM digests")
    assert db_cursor.fetchone()[0] == 0

"""`make test` on a machine without a PostgreSQL server (issue 17, item 16).

The suite is run in a child pytest whose machine server address (TEST_PG_LOCAL_URL) is a closed port
and which has no TEST_PG_ADMIN_URL: the tests must pass on an embedded server started once for the run,
and that server must be gone when the run ends. The shared server on 127.0.0.1:5432 is never stopped.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from tests.pgprivate import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_suite_falls_back_to_an_embedded_server_when_none_answers(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_PG_ADMIN_URL", "DATABASE_URL")}
    env["TEST_PG_LOCAL_URL"] = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"
    env["CHAINWATCH_HOME"] = str(tmp_path / "home")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/storage/test_schema_doc.py",
            "tests/test_db.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert re.search(r"\d+ passed", out) and "failed" not in out
    found = re.search(r"used an embedded one \(pgserver\) on 127\.0\.0\.1:(\d+)", out)
    assert found, out[-2000:]
    with pytest.raises(psycopg2.OperationalError):  # stopped when the run ended
        psycopg2.connect(f"postgresql://postgres@127.0.0.1:{found.group(1)}/postgres", connect_timeout=3)

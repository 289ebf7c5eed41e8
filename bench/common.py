"""Helpers shared by the benchmark scripts and the suite (`python -m bench`).

Nothing here measures anything: throwaway databases on the benchmark server, peak memory, and a
description of the machine, written next to every result so figures are never compared blind.
"""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The server benchmarks use; the test suite's variable is honoured too (same meaning).
ADMIN_URL = (
    os.environ.get("BENCH_PG_ADMIN_URL")
    or os.environ.get("TEST_PG_ADMIN_URL")
    or "postgresql://postgres@127.0.0.1:5432/postgres"
)


def db_url(name: str) -> str:
    return urlunsplit(urlsplit(ADMIN_URL)._replace(path="/" + name))


def admin_connection():
    import psycopg2

    conn = psycopg2.connect(ADMIN_URL)
    conn.autocommit = True
    return conn


@contextlib.contextmanager
def throwaway_database(prefix: str = "chainwatch_bench") -> Iterator[str]:
    """A new, migrated database on ADMIN_URL's server; dropped afterwards. Yields its URL."""
    from psycopg2 import sql

    from chainwatch import db

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = admin_connection()
    try:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = db_url(name)
        db.upgrade(url)
        yield url
    finally:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict:
    """CPUs, memory, CPU model, Python and PostgreSQL versions of the machine running the benchmarks."""
    info: dict = {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}
    try:
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        pass
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    try:
        conn = admin_connection()
        with conn.cursor() as cur:
            cur.execute("SHOW server_version")
            info["postgresql"] = cur.fetchone()[0]
        conn.close()
    except Exception as exc:  # noqa: BLE001 (a description, not a requirement)
        info["postgresql"] = f"unreachable ({exc.__class__.__name__})"
    return info


def describe(info: dict) -> str:
    parts = [f"{info.get('cpus_usable', info.get('cpus'))} CPUs"]
    if "memory_gib" in info:
        parts.append(f"{info['memory_gib']:.0f} GiB")
    if "cpu_model" in info:
        parts.append(info["cpu_model"])
    parts.append(f"Python {info['python']}")
    parts.append(f"PostgreSQL {info.get('postgresql', '?')}")
    return ", ".join(parts)

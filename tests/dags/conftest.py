"""Airflow for tests/dags, kept out of every other test.

Airflow reads its configuration once, at import, and keeps global state (ORM, settings); so
nothing here imports it. Each Airflow step runs in a subprocess (tests/dags/_airflow_probe.py)
with its own environment: AIRFLOW_HOME in a tmp folder, SQLite metadata migrated once per
session by `airflow db migrate`, no examples, the DAGs folder of this checkout. The ChainWatch
database reaches the DAGs as the Airflow connection `chainwatch_db` (a connections file given to
dag.test()), while DATABASE_URL in that environment points nowhere: the DAGs must use the
connection.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
DAGS_FOLDER = ROOT / "dags"
PROBE = Path(__file__).with_name("_airflow_probe.py")
# Where a DAG would end up if it ignored the Airflow connection and read DATABASE_URL instead.
UNREACHABLE_DATABASE_URL = "postgresql://nobody@127.0.0.1:9/not_the_chainwatch_db?connect_timeout=2"


class AirflowError(AssertionError):
    pass


class AirflowEnv:
    """Runs Airflow commands and dag.test() in subprocesses with an isolated AIRFLOW_HOME."""

    def __init__(self, home: Path):
        self.home = home

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
        env.update(
            {
                "AIRFLOW_HOME": str(self.home),
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{self.home / 'airflow.db'}",
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
                "PYTHONUNBUFFERED": "1",
                "HF_HUB_OFFLINE": "1",
                "TRANSFORMERS_OFFLINE": "1",
            }
        )
        env.update(extra or {})
        return env

    def _call(self, args: list[str], extra_env: dict[str, str] | None, timeout: int) -> dict:
        proc = subprocess.run(
            [sys.executable, str(PROBE), *args],
            env=self.env(extra_env),
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT:")]
        if proc.returncode != 0 or not lines:
            tail = (proc.stdout + "\n" + proc.stderr)[-6000:]
            raise AirflowError(f"_airflow_probe.py {' '.join(args[:2])} exited {proc.returncode}:\n{tail}")
        result = json.loads(lines[-1][len("RESULT:") :])
        result["_log"] = proc.stdout[-20000:] + proc.stderr[-5000:]
        return result

    def report(self) -> dict:
        return self._call(["report"], None, timeout=300)

    def run_dag(
        self,
        dag_id: str,
        *,
        conn_file: Path,
        conf: dict | None = None,
        logical_date: str | None = None,
        env: dict[str, str] | None = None,
        no_retries: bool = True,
        timeout: int = 540,
    ) -> dict:
        args = ["run", dag_id, "--conn-file", str(conn_file)]
        if conf:
            args += ["--conf", json.dumps(conf)]
        if logical_date:
            args += ["--logical-date", logical_date]
        if no_retries:
            args.append("--no-retries")
        extra = {"DATABASE_URL": UNREACHABLE_DATABASE_URL, **(env or {})}
        return self._call(args, extra, timeout=timeout)


@pytest.fixture(scope="session")
def airflow(tmp_path_factory) -> AirflowEnv:
    """An Airflow home with migrated SQLite metadata (`airflow db migrate`, once per session)."""
    af = AirflowEnv(tmp_path_factory.mktemp("airflow_home"))
    proc = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        env=af.env(),
        cwd=af.home,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        raise AirflowError(f"airflow db migrate failed:\n{(proc.stdout + proc.stderr)[-4000:]}")
    return af


@pytest.fixture(scope="session")
def conn_file(db_url, tmp_path_factory) -> Path:
    """A connections file for dag.test(conn_file_path=...): the session database as `chainwatch_db`."""
    parts = urlsplit(db_url)
    conn = {
        "conn_type": "postgres",
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "login": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "schema": unquote(parts.path.lstrip("/")),
    }
    path = tmp_path_factory.mktemp("airflow_conn") / "connections.json"
    path.write_text(json.dumps({"chainwatch_db": conn}), encoding="utf-8")
    return path


class _Sink:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture(scope="module")
def smtp_sink():
    """A real SMTP server (aiosmtpd) on 127.0.0.1: `.env` holds the SMTP_* settings, `.messages` what arrived."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.env = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_TO": "analysts@example.org",
        "SMTP_FROM": "chainwatch@example.org",
        "SMTP_STARTTLS": "0",
    }
    try:
        yield sink
    finally:
        controller.stop()

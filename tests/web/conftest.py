"""The web app's tests run the real thing: a database filled by the real pipeline (the spiders crawl
one source of the bundled replay snapshot, hostile articles go in through the article writer, the
real classifier labels everything, the real digests are built), and the app started by
`chainwatch serve` as a child process on 127.0.0.1, talked to over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import truncate_data
from tests.web import scenario

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-token-" + "x" * 24


@pytest.fixture(scope="package")
def web_db(db_url, tmp_path_factory) -> scenario.Seeded:
    truncate_data(db_url)  # other packages share the session database
    return scenario.seed(db_url, tmp_path_factory.mktemp("digests"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`chainwatch serve` in a child process."""

    def __init__(self, db_url: str, *, token: str | None = None, host: str = "127.0.0.1", extra_env=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "CHAINWATCH_API_TOKEN"}
        env.update(DATABASE_URL=db_url, PYTHONPATH=str(ROOT), **(extra_env or {}))
        if token:
            env["CHAINWATCH_API_TOKEN"] = token
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "chainwatch.cli", "serve", "--host", host, "--port", str(self.port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait(self, timeout: float = 60) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"chainwatch serve exited {self.proc.returncode}: {self.proc.stderr.read()}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError("chainwatch serve did not answer in time")

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err


@pytest.fixture(scope="package")
def server(web_db, db_url):
    srv = Server(db_url).wait()
    yield srv
    srv.stop()


@pytest.fixture(scope="package")
def client(server):
    with httpx.Client(base_url=server.base, timeout=60) as c:
        yield c


@pytest.fixture(scope="package")
def locked_server(web_db, db_url):
    srv = Server(db_url, token=TOKEN).wait()
    yield srv
    srv.stop()

"""Fixtures for the fault tests: small local news sites, a private PostgreSQL server, corpus pages.

Everything is real: sites are folders served by chainwatch.replay.ReplayServer on 127.0.0.1 (its
`faults` hook injects errors), the crawl is chainwatch.runners.crawl.crawl() with its child process, and the
database is either the session's throwaway database on the shared server (tests/conftest.py) or,
for tests that stop the server, a private one (tests/pgprivate.py).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.spiders.crawl_helpers import article_html, rss

# Short timeouts and backoff for the crawls here (the settings a test may pass to crawl()).
FAST = {"RETRY_TIMES": 2, "RETRY_BACKOFF_BASE": 0.1, "DOWNLOAD_TIMEOUT": 2}
PARAGRAPHS = [
    "Regulators in several countries are reviewing how exchanges screen customers for money laundering.",
    "The review follows a series of enforcement actions against trading platforms this year.",
]
# Words that make every generated article distinct enough not to be a near-duplicate of another.
_WORDS = (
    "bitcoin ether stablecoin exchange custody wallet bridge oracle audit token ledger miner validator "
    "regulator court fund treasury payment remittance licence auditor broker lender issuer"
).split()


def story(i: int, host: str) -> str:
    """A distinct, extractable article page (title and three paragraphs) for article number i."""
    words = [_WORDS[(i * 7 + k * 3 + k * k) % len(_WORDS)] for k in range(40)]
    own = f"Item {i} on {host}: " + " ".join(f"{w}{(i * 31 + k) % 997}" for k, w in enumerate(words)) + "."
    return article_html(f"Story {i} from {host}", [own, *PARAGRAPHS])


def news_site(host: str, count: int, *, path: str = "news") -> dict[str, str]:
    """Files of a site with `count` article pages listed in one RSS feed (`https://HOST/feed.xml`)."""
    files = {
        f"{host}/robots.txt": "User-agent: *\nAllow: /\n",
        f"{host}/feed.xml": rss([(f"Story {i}", f"https://{host}/{path}/{i}") for i in range(count)]),
    }
    files.update({f"{host}/{path}/{i}": story(i, host) for i in range(count)})
    return files


def write_site(root: Path, files: dict, manifest: dict | None = None) -> Path:
    for rel, body in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
    root.mkdir(parents=True, exist_ok=True)
    if manifest:
        (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


@pytest.fixture()
def make_site(tmp_path):
    """make_site({"host/path": bytes | str}, manifest=None) -> a snapshot folder for ReplayServer."""

    def make(files: dict, manifest: dict | None = None) -> Path:
        return write_site(tmp_path / f"site-{uuid.uuid4().hex[:6]}", files, manifest)

    return make


@pytest.fixture()
def private_pg():
    """A private PostgreSQL server (tests/pgprivate.py) with a migrated `chainwatch` database.

    Yields (server, url). The machine's shared server is never stopped by these tests.
    """
    from chainwatch import db
    from tests.pgprivate import PrivatePostgres

    with PrivatePostgres() as server:
        url = server.create_database("chainwatch")
        db.upgrade(url)
        yield server, url

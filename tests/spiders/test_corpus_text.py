"""Escaped whitespace left in corpus text (issue 17, item 9): the bundled snapshot's cryptopotato pages carry
JSON-LD bodies double-escaped by the publisher, so a literal `\\xa0` reached the stored text and the demo
digest's evidence ("…in a span of two months.\\xa0\\xa0"). A real crawl of real snapshot pages stores none."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from chainwatch.runners.crawl import crawl
from tests.faults.conftest import write_site
from tests.spiders.crawl_helpers import ad_hoc_source, rss

SNAPSHOT = Path(__file__).resolve().parents[2] / "replay" / "site" / "cryptopotato.com"


def test_crawled_snapshot_pages_store_no_escaped_whitespace(clean_db, db_cursor, tmp_path, replay_server):
    pages = sorted(p.parent.name for p in SNAPSHOT.glob("*/index.html") if b"\\\\xa0" in p.read_bytes())[:6]
    assert len(pages) == 6
    root = write_site(
        tmp_path / "site",
        {
            "cryptopotato.com/robots.txt": "User-agent: *\nAllow: /\n",
            "cryptopotato.com/feed.xml": rss([(p, f"https://cryptopotato.com/{p}/") for p in pages]),
        },
    )
    for p in pages:
        shutil.copytree(SNAPSHOT / p, root / "cryptopotato.com" / p)
    srv = replay_server(root)
    source = ad_hoc_source("cryptopotato", "cryptopotato.com", ["https://cryptopotato.com/feed.xml"])
    assert crawl([source], replay_proxy=srv.proxy_url).per_source["cryptopotato"]["items_stored"] == 6
    db_cursor.execute("SELECT title, text, coalesce(lead, '') FROM articles")
    rows = db_cursor.fetchall()
    assert len(rows) == 6
    for title, text, lead in rows:
        assert not re.search(r"\\(xa0|u00a0|u200b)", title + text + lead), text[-200:]

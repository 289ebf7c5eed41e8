"""`chainwatch import-warc`: a WARC built here from real saved pages, filtered to registered domains, idempotent."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from spiders.warc import import_warc
from tests.spiders.crawl_helpers import SHARED_DATA, query

ROOT = Path(__file__).resolve().parents[2]


def _record(writer, url: str, body: bytes, ctype: str = "text/html; charset=utf-8", status: str = "200 OK"):
    headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))


def build_warc(path: Path) -> list[str]:
    """The saved real pages of registered sites, plus records that must be skipped."""
    with open(SHARED_DATA / "html" / "pages_manifest.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    registered = []
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for row in rows:
            body = (SHARED_DATA / row["file"]).read_bytes()
            _record(writer, row["url"], body)
            if any(
                h in row["url"] for h in ("cointelegraph.com", "cryptonews.com/", "coindesk.com", "cryptoslate.com")
            ):
                registered.append(row["url"])
        _record(writer, "https://cointelegraph.com/gone", b"<html>not here</html>", status="404 Not Found")
        _record(writer, "https://cointelegraph.com/logo.png", b"\x89PNG\r\n", ctype="image/png")
        _record(writer, "https://example.org/article", b"<html><body><p>Not a registered site.</p></body></html>")
    return registered


def test_import_warc_stores_registered_pages_once(clean_db, tmp_path):
    warc = tmp_path / "pages.warc.gz"
    registered = build_warc(warc)
    assert len(registered) >= 5
    first = import_warc([warc], database_url=clean_db, progress=False)
    assert first.stored == len(registered) and first.other_hosts >= 2  # coinedition.com, cryptonews.net, example.org
    assert first.not_extracted == 1  # the PNG; the 404 is not a page
    rows = query(clean_db, "SELECT url, source_id, title, published_at FROM articles ORDER BY url")
    assert sorted(r[0] for r in rows) == sorted(registered)
    assert all(r[2] and r[3] for r in rows)
    assert {r[1] for r in rows} >= {"cointelegraph", "cryptonews", "coindesk"}
    # again (as after a kill): nothing new, nothing fetched twice
    second = import_warc([warc], database_url=clean_db, progress=False)
    assert (second.stored, second.skipped) == (0, len(registered))
    assert "0 stored" in second.line()


def test_import_warc_cli_prints_a_summary(clean_db, tmp_path):
    warc = tmp_path / "pages.warc.gz"
    build_warc(warc)
    env = dict(os.environ, DATABASE_URL=clean_db)
    proc = subprocess.run(
        [sys.executable, "-m", "chainwatch.cli", "import-warc", str(warc)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1].startswith("import-warc: ")

"""The HTML digest in a real browser (headless Chromium, Debian's `chromium` package): it renders,
its charts are there, and scraped payloads stay inert text. Saves test-artifacts/digest.png."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from chainwatch.config import PROJECT_ROOT
from chainwatch.digests import build_digest
from tests.digests import scenario
from tests.digests.htmlscan import Page

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]


def _chromium(tmp_path, *args) -> subprocess.CompletedProcess:
    binary = shutil.which("chromium")
    assert binary, "headless Chromium is required: apt-get install -y chromium"
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [binary, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120, check=True
    )


@pytest.fixture()
def page_url(seeded, db_url, tmp_path):
    result = build_digest(scenario.WEEK, database_url=db_url, out_dir=tmp_path / "out")
    return result.html_path.as_uri()


def test_digest_renders_in_chromium_with_payloads_inert(page_url, tmp_path):
    dom = Page(_chromium(tmp_path, "--dump-dom", page_url).stdout)

    # It rendered: the page's own title, headings and one chart per kind.
    assert [a.get("id") for a in dom.tags("section")] == ["summary", "risk", "policy", "stories", "new", "health"]
    assert "ChainWatch digest 2026-W47" in dom.text and "Week 2026-W47" in dom.text
    charts = [img for img in dom.tags("img") if "trend-chart" in (img.get("class") or "")]
    assert len(charts) == 2 and all(img["src"].startswith("data:image/png;base64,") for img in charts)

    # The payloads did not run: no script element, no event handler, title and body untouched.
    assert dom.tags("script") == [] and dom.event_handlers == []
    assert dom.title == "ChainWatch digest 2026-W47"
    assert all("data-pwned" not in attrs for attrs in dom.tags("body"))
    assert len(dom.tags("img")) == 2  # the onerror <img> payloads are text, not images
    # ...and they are visible as text where an analyst reads them.
    assert scenario.SCRIPT_TITLE in dom.text
    assert scenario.ONERROR_EVIDENCE in dom.text
    assert scenario.EVIL_SOURCE in dom.text
    # No link goes anywhere but http(s); the javascript: URL is shown as text.
    assert dom.hrefs and all(h.startswith(("https://", "http://")) for h in dom.hrefs)
    assert scenario.JS_URL in dom.text


def test_screenshot_is_saved_as_a_test_artefact(page_url, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "digest.png"
    shot.unlink(missing_ok=True)
    _chromium(tmp_path, "--window-size=1100,4200", f"--screenshot={shot}", page_url)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # a rendered page, not a blank one

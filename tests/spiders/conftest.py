"""Fixtures for the crawl-stage tests: the committed source fixtures and small throwaway sites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spiders.tools.fixtures import site_dir


@pytest.fixture(scope="session")
def fixture_site() -> Path:
    return site_dir()


@pytest.fixture()
def make_site(tmp_path):
    """make_site({"host/path": bytes | str}, manifest=None) -> a snapshot folder for ReplayServer."""

    def make(files: dict, manifest: dict | None = None) -> Path:
        root = tmp_path / "site"
        for rel, body in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
        root.mkdir(exist_ok=True)
        if manifest:
            (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        return root

    return make

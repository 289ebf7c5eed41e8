"""Fixtures for classifier tests: the committed model and the real encoder (converted on first use
into CHAINWATCH_HOME/models, about a minute once per machine; later sessions reuse it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

LABELLED = Path(__file__).resolve().parents[2] / "nlp" / "data" / "labelled.jsonl"


@pytest.fixture(scope="session")
def classifier():
    from nlp.classifier import load_classifier

    return load_classifier()


@pytest.fixture(scope="session")
def encoder(classifier):
    return classifier.encoder


@pytest.fixture(scope="session")
def labelled_rows() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]

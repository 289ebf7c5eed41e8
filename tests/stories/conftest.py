"""The committed model's real encoder for the story-linking tests (built on first use, see tests/nlp)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def classifier():
    from nlp.classifier import load_classifier

    return load_classifier()

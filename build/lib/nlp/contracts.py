"""The classifier's input and output (the storage -> classifier -> storage contract)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ClassifierInput:
    id: str | int
    title: str
    text: str
    lang: str | None = None


@dataclass
class ClassifierOutput:
    id: str | int
    scores: dict[str, float]            # label id -> probability
    labels: list[str]                   # positive label ids
    evidence: dict[str, str]            # positive label id -> best supporting sentence(s)
    model_version: str
    status: str = "ok"                  # ok | empty | truncated | error
    detail: str | None = None           # why, when status is not ok
    extra: dict = field(default_factory=dict)

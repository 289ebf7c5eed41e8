"""Weekly bar charts as SVG geometry, drawn by the templates (no script, no inline style: the CSP
allows neither)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT, GAP, LABEL_SPACE = 720, 160, 2, 18


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    caption: str  # tooltip: week and count
    highlight: bool  # a spike


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    peak: int
    first: str
    last: str


def bar_chart(weeks: list[dict[str, Any]]) -> BarChart:
    """Bars for rows with iso_week, items and spike (reads.label_weeks)."""
    n = max(len(weeks), 1)
    peak = max((w["items"] for w in weeks), default=0)
    slot = WIDTH / n
    usable = HEIGHT - LABEL_SPACE
    bars = []
    for i, w in enumerate(weeks):
        h = usable * w["items"] / peak if peak else 0
        bars.append(
            Bar(
                x=round(i * slot + GAP / 2, 2),
                y=round(usable - h, 2),
                width=round(max(slot - GAP, 1), 2),
                height=round(h, 2),
                value=w["items"],
                caption=f"{w['iso_week']}: {w['items']} items",
                highlight=bool(w.get("spike")),
            )
        )
    return BarChart(
        bars=bars,
        width=WIDTH,
        height=HEIGHT,
        peak=peak,
        first=weeks[0]["iso_week"] if weeks else "",
        last=weeks[-1]["iso_week"] if weeks else "",
    )

"""Trend charts: small multiples (one panel per label) as PNG for HTML, sparklines for Markdown.

matplotlib is used through its object API with the Agg canvas (no pyplot): no global figure
state and no display, so building digests in Airflow workers or threads is safe.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap

from chainwatch.digests.model import LabelWeek
from chainwatch.digests.weeks import IsoWeek

COLUMNS = 4
DPI = 120
PAST, CURRENT, SPIKE, AVERAGE, INK, MUTED = "#c8d3e1", "#1d4f7c", "#c0392b", "#3e4c59", "#1f2933", "#6b7785"
_SPARKS = "▁▂▃▄▅▆▇█"


def small_multiples(labels: list[LabelWeek], weeks: list[IsoWeek]) -> bytes:
    """One bar panel per label over `weeks` (oldest first); this week's bar dark, red if it spikes,
    the dashed line its 4-week average. Each panel has its own y scale (the shape matters; the
    numbers are in the table).

    All panels are drawn on one axes whose data units are inches: matplotlib spends most of its
    time on per-axes machinery (ticks, spines), and one axes keeps two charts well under 0.1 s.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # matplotlib is slow to import; only charts need it
    from matplotlib.collections import PolyCollection  # matplotlib is slow to import; only charts need it
    from matplotlib.figure import Figure  # matplotlib is slow to import; only charts need it

    rows = max(1, math.ceil(len(labels) / COLUMNS))
    width, cell_w, cell_h = 9.0, 9.0 / COLUMNS, 1.55
    height = rows * cell_h + 0.05
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()

    n = len(weeks)
    xs, heights, bottoms, colours, slot = [], [], [], [], 1.75 / n
    for i, lw in enumerate(labels):
        left = (i % COLUMNS) * cell_w + 0.32
        top = height - (i // COLUMNS) * cell_h
        base, tallest = top - 1.27, 0.6  # baseline of the bars, height of the largest bar (inches)
        peak = max(lw.trend) or 1
        scale = tallest / peak
        for k, value in enumerate(lw.trend):
            xs.append(left + (k + 0.5) * slot)
            heights.append(value * scale)
            bottoms.append(base)
            colours.append((SPIKE if lw.spike else CURRENT) if k == n - 1 else PAST)
        right = left + n * slot
        ax.hlines(base, left, right, colors=PAST, linewidth=0.8)
        if lw.average4:
            ax.hlines(
                base + lw.average4 * scale,
                left + (n - 5) * slot,
                left + (n - 1) * slot,
                colors=AVERAGE,
                linestyles=(0, (2, 1.5)),
                linewidth=1.1,
            )
        title = "\n".join(textwrap.wrap(lw.label.name, 28)[:2])
        ax.text(left - 0.2, top - 0.1, title, fontsize=9.5, color=INK, va="top", ha="left", linespacing=1.1)
        if max(lw.trend):
            ax.text(left - 0.04, base + tallest, compact(peak), fontsize=7.5, color=MUTED, va="center", ha="right")
        if i + COLUMNS >= len(labels):  # the weeks are shared: name them under the lowest panel of each column
            ax.text(left, base - 0.05, f"W{weeks[0].week:02d}", fontsize=7.5, color=MUTED, va="top", ha="left")
            ax.text(right, base - 0.05, f"W{weeks[-1].week:02d}", fontsize=7.5, color=MUTED, va="top", ha="right")
        # This week's number: above the bars' area, under the title, clear of bars and lines.
        ax.text(
            right,
            base + tallest + 0.05,
            f"{lw.items:,}",
            fontsize=10,
            fontweight="bold",
            color=SPIKE if lw.spike else CURRENT,
            va="bottom",
            ha="right",
        )
    half = slot * 0.39  # bars fill 78% of their slot; one PolyCollection draws them all at once
    ax.add_collection(
        PolyCollection(
            [
                ((x - half, b), (x + half, b), (x + half, b + h), (x - half, b + h))
                for x, b, h in zip(xs, bottoms, heights)
            ],
            facecolors=colours,
            linewidths=0,
        )
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def compact(n: int) -> str:
    """Axis label that fits the panel's margin: 950, 2.5k, 12k."""
    if n < 1000:
        return str(n)
    return f"{n / 1000:.1f}k".replace(".0k", "k") if n < 10_000 else f"{round(n / 1000)}k"


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def sparkline(values: tuple[int, ...] | list[int]) -> str:
    """`▁▂▅█`-style text trend, scaled to the largest value (all zeros: a flat low line)."""
    top = max(values, default=0)
    if top <= 0:
        return _SPARKS[0] * len(values)
    return "".join(_SPARKS[min(len(_SPARKS) - 1, round(v / top * (len(_SPARKS) - 1)))] for v in values)

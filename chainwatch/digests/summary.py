"""The numbers an analyst reads first: per-label comparisons, spikes and the headline sentences.

Spike rule: a label spikes when its items this week are at least SPIKE_RATIO times its average
over the 4 weeks before (weeks with no items count as 0) and at least SPIKE_MIN_ITEMS. The floor
keeps a label going from 1 item to 2 from being called a spike; a label that had no items in
those 4 weeks spikes as soon as it reaches the floor. No label spikes in a week whose 4 weeks
before hold no items at all (the first weeks in the database): there is nothing to compare with.
"""

from __future__ import annotations

from datetime import date

from chainwatch.digests.model import Digest, LabelWeek, Story
from chainwatch.digests.weeks import IsoWeek
from chainwatch.taxonomy import Label

SPIKE_RATIO = 2.0
SPIKE_MIN_ITEMS = 3
BASELINE_WEEKS = 4


def is_spike(items: int, average: float) -> bool:
    return items >= SPIKE_MIN_ITEMS and items >= SPIKE_RATIO * average


def label_weeks(
    labels: tuple[Label, ...],
    trend_weeks: list[IsoWeek],
    counts: dict[tuple[date, str], int],
    stories: dict[str, int],
    items_trend: tuple[int, ...],
) -> list[LabelWeek]:
    """One LabelWeek per taxonomy label, in taxonomy order. `counts`: items per (week start, label)
    over `trend_weeks`, whose last week is the digest week; `stories`: the digest week's stories per
    label; `items_trend`: all items per week over `trend_weeks`."""
    has_baseline = any(items_trend[-1 - BASELINE_WEEKS : -1])
    result = []
    for label in labels:
        trend = tuple(counts.get((w.monday, label.id), 0) for w in trend_weeks)
        items = trend[-1]
        baseline = trend[-1 - BASELINE_WEEKS : -1]
        average = sum(baseline) / BASELINE_WEEKS
        result.append(
            LabelWeek(
                label=label,
                items=items,
                stories=stories.get(label.id, 0),
                previous=trend[-2] if len(trend) > 1 else 0,
                average4=average,
                trend=trend,
                spike=has_baseline and is_spike(items, average),
            )
        )
    return result


def top_story(stories: dict[str, list[Story]]) -> Story | None:
    """The week's widest story: most sources, then most copies, then best score."""
    candidates = [s for ranked in stories.values() for s in ranked]
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda s: (
            len({link.source_id for link in s.links}) or s.sources,
            len(s.links) + s.more_links,
            s.score,
            -s.story_id,
        ),
    )


def percent_change(now: int, before: int) -> str:
    if before == 0:
        return "none the week before" if now else "none the week before either"
    change = round(100 * (now - before) / before)
    if change == 0:
        return "about the same as the week before"
    return f"{'up' if change > 0 else 'down'} {abs(change)}% on the week before ({before:,})"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def _hours(hours: float) -> str:
    return f"{hours:.1f} h" if abs(hours) < 48 else f"{hours / 24:.1f} days"


def headline(d: Digest) -> list[str]:
    """A few plain sentences built from the numbers (scraped titles stay raw: templates escape)."""
    t = d.totals
    if d.empty:
        text = [
            f"No items were published in {d.week} ({d.week.monday:%d %b} – {d.week.sunday:%d %b %Y}); "
            f"there is nothing to report for this week."
        ]
        failing = [s for s in d.source_health if s.status in ("failing", "degraded")]
        if failing:
            text.append(f"Crawling had problems: {', '.join(s.source_name for s in failing)}.")
        return text

    text = [
        f"{_plural(t.items, 'item')} from {_plural(t.sources, 'source')} ({_plural(t.stories, 'story', 'stories')}), "
        f"{percent_change(t.items, d.previous_items)}."
    ]
    ranked = sorted((lw for lw in d.labels if lw.items), key=lambda lw: (-lw.items, lw.label.name))
    if ranked:
        biggest = ranked[0]
        share = f", {round(100 * biggest.items / t.labelled)}% of labelled items" if t.labelled else ""
        text.append(f"Biggest label: {biggest.label.name} ({_plural(biggest.items, 'item')}{share}).")
    else:
        text.append("No item got a label this week.")
    spikes = d.spikes
    if spikes:
        parts = [
            f"{lw.label.name} ({lw.items:,}, "
            + (f"{lw.ratio:.1f}× its 4-week average" if lw.ratio else "none in the 4 weeks before")
            + ")"
            for lw in sorted(spikes, key=lambda lw: -(lw.ratio or float("inf")))
        ]
        text.append(f"Spike{'s' if len(spikes) > 1 else ''}: {'; '.join(parts)}.")
    elif not any(d.items_trend[-1 - BASELINE_WEEKS : -1]):
        text.append("No items in the 4 weeks before to compare with, so no spikes are flagged.")
    elif ranked:
        text.append("No label spiked.")
    story = top_story(d.stories)
    if story:
        n = len({link.source_id for link in story.links}) or story.sources
        text.append(f"Top story: “{story.title}” ({_plural(n, 'source')}).")
    if d.new_entities or d.new_sources:
        names = [e.name for e in d.new_entities[:5]] + [s.source_name for s in d.new_sources[:3]]
        more = len(d.new_entities) + len(d.new_sources) - len(names)
        text.append("First seen this week: " + ", ".join(names) + (f" and {more} more" if more > 0 else "") + ".")
    lag = d.regulator_lag
    if lag and lag.stories and lag.median_hours is not None:
        text.append(
            f"Regulator lag: the press's first report came a median {_hours(lag.median_hours)} after the release "
            f"({_plural(lag.stories, 'release')} of this week with press reports"
            + (f"; in {lag.press_first} the press was first" if lag.press_first else "")
            + ")."
        )
    problems = [s for s in d.source_health if s.status in ("failing", "degraded")]
    if problems:
        text.append(
            f"Crawling had problems with {_plural(len(problems), 'source')}: "
            f"{', '.join(s.source_name for s in problems)}."
        )
    if t.unclassified:
        text.append(f"{_plural(t.unclassified, 'item')} not classified yet.")
    return text

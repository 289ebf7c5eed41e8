from datetime import UTC, datetime

from chainwatch import taxonomy
from chainwatch.digests import summary
from chainwatch.digests.model import Digest, WeekTotals
from chainwatch.digests.weeks import IsoWeek


def test_spike_rule_needs_twice_the_average_and_three_items():
    assert summary.is_spike(4, 2.0)
    assert not summary.is_spike(3, 2.0)  # under 2x
    assert not summary.is_spike(2, 0.0)  # under the floor, even from nothing
    assert summary.is_spike(3, 0.0)  # from nothing to the floor
    assert summary.is_spike(3, 1.5)


def test_label_weeks_compare_with_last_week_and_the_four_before():
    labels = taxonomy.load()
    lid = labels[0].id
    weeks = IsoWeek(2026, 47).window(12)
    # W41..W46: 1, 0, 2, 2, 0, 4 (the 4 weeks before W47 are W43..W46: average 2.0); W47: 5.
    history = {41: 1, 43: 2, 44: 2, 46: 4, 47: 5}
    counts = {(IsoWeek(2026, w).monday, lid): n for w, n in history.items()}
    stats = {lw.label.id: lw for lw in summary.label_weeks(labels, weeks, counts, {lid: 4}, (9,) * 12)}
    lw = stats[lid]
    assert lw.trend == (0, 0, 0, 0, 0, 1, 0, 2, 2, 0, 4, 5)
    assert (lw.items, lw.stories, lw.previous, lw.change, lw.average4) == (5, 4, 4, 1, 2.0)
    assert lw.spike and lw.ratio == 2.5
    other = stats[labels[1].id]
    assert (other.items, other.average4, other.spike, other.ratio) == (0, 0.0, False, None)
    assert [lw.label.id for lw in stats.values()] == [label.id for label in labels]


def test_no_spikes_without_earlier_data():
    labels = taxonomy.load()
    weeks = IsoWeek(2022, 17).window(12)
    counts = {(weeks[-1].monday, labels[0].id): 9}
    first_week = summary.label_weeks(labels, weeks, counts, {}, (0,) * 11 + (20,))
    assert not any(lw.spike for lw in first_week)
    later = summary.label_weeks(labels, weeks, counts, {}, (0,) * 10 + (5, 20))
    assert [lw.label.id for lw in later if lw.spike] == [labels[0].id]


def test_empty_week_headline_says_so():
    week = IsoWeek(2026, 10)
    d = Digest(
        week=week,
        generated_at=datetime(2026, 11, 25, tzinfo=UTC),
        trend_weeks=week.window(12),
        totals=WeekTotals(),
        previous_items=3,
        items_trend=(0,) * 12,
        labels=summary.label_weeks(taxonomy.load(), week.window(12), {}, {}, (0,) * 12),
    )
    lines = summary.headline(d)
    assert d.empty and lines[0].startswith("No items were published in 2026-W10")


def test_percent_change_wording():
    assert summary.percent_change(12, 10) == "up 20% on the week before (10)"
    assert summary.percent_change(5, 10) == "down 50% on the week before (10)"
    assert summary.percent_change(4, 0) == "none the week before"


def _week_with_items(lag):
    from chainwatch.storage.story_links import LagSummary

    week = IsoWeek(2026, 10)
    return Digest(
        week=week,
        generated_at=datetime(2026, 11, 25, tzinfo=UTC),
        trend_weeks=week.window(12),
        totals=WeekTotals(items=4, stories=3, sources=2),
        previous_items=4,
        items_trend=(4,) * 12,
        labels=summary.label_weeks(taxonomy.load(), week.window(12), {}, {}, (4,) * 12),
        regulator_lag=None if lag is None else LagSummary(*lag),
    )


def test_regulator_lag_line_only_when_a_release_was_reported():
    line = [x for x in summary.headline(_week_with_items((3, 20.0, 1, 1, 30.0))) if x.startswith("Regulator lag")]
    assert line == [
        "Regulator lag: the press's first report came a median 20.0 h after the release "
        "(3 releases of this week with press reports; in 1 the press was first)."
    ]
    days = summary.headline(_week_with_items((1, 72.0, 0, 0, None)))
    assert "a median 3.0 days after the release (1 release of this week with press reports)." in " ".join(days)
    for lag in (None, (0, None, 0, 0, None)):
        assert not any(x.startswith("Regulator lag") for x in summary.headline(_week_with_items(lag)))

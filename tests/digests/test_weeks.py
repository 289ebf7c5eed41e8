from datetime import UTC, date, datetime, timezone

import pytest

from chainwatch.digests.weeks import IsoWeek, last_complete_week, parse_week, week_of
from chainwatch.errors import ChainWatchError


def test_parse_week_gives_utc_bounds_of_monday_to_monday():
    week = parse_week("2026-W47")
    assert str(week) == "2026-W47"
    assert week.start == datetime(2026, 11, 16, tzinfo=UTC)
    assert week.end == datetime(2026, 11, 23, tzinfo=UTC)
    assert week.sunday == date(2026, 11, 22)


def test_parse_week_accepts_lower_case_and_a_missing_hyphen():
    assert parse_week(" 2026w05 ") == IsoWeek(2026, 5)


@pytest.mark.parametrize("bad", ["2026-47", "W47", "2026-W54", "2025-W53", "2026-W00", "last week", "", "2026-W47x"])
def test_bad_weeks_raise_a_one_line_error(bad):
    with pytest.raises(ChainWatchError) as info:
        parse_week(bad)
    message = str(info.value)
    assert "\n" not in message and "2026-W47" in message and repr(bad) in message


def test_53_week_years_have_w53():
    assert parse_week("2020-W53").monday == date(2020, 12, 28)


def test_shift_and_window_cross_year_boundaries():
    week = IsoWeek(2027, 2)
    assert str(week.shift(-2)) == "2026-W53"
    assert [str(w) for w in week.window(3)] == ["2026-W53", "2027-W01", "2027-W02"]


def test_default_is_the_week_before_the_current_one():
    monday_morning = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    assert str(last_complete_week(monday_morning)) == "2026-W47"
    assert str(last_complete_week(datetime(2026, 11, 22, 23, 59, tzinfo=UTC))) == "2026-W46"
    assert parse_week(None) == last_complete_week()


def test_week_of_uses_utc():
    # 00:30 on Monday in UTC+2 is still Sunday in UTC.
    from datetime import timedelta

    moment = datetime(2026, 11, 23, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    assert str(week_of(moment)) == "2026-W47"

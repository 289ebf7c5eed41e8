from datetime import UTC, date, datetime, timedelta

import pytest

from spiders.dates import find_date_in_text, local_day, not_future, parse_date, parse_local

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
SH = "Asia/Shanghai"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2021年03月23日", utc(2021, 3, 22, 16, 0)),  # midnight in Beijing
        ("2021年3月23日 10:15", utc(2021, 3, 23, 2, 15)),
        ("2021年3月23日10时15分", utc(2021, 3, 23, 2, 15)),
        ("2021-03-23 10:15:00", utc(2021, 3, 23, 2, 15)),  # no zone: the source's zone
        ("2021/03/23", utc(2021, 3, 22, 16, 0)),
        ("2021.03.23 08:00", utc(2021, 3, 23, 0, 0)),
        ("03-23 10:15", utc(2024, 3, 23, 2, 15)),  # no year: this year...
        ("05-02 10:15", utc(2023, 5, 2, 2, 15)),  # ...unless that is ahead of now
        ("3小时前", NOW - timedelta(hours=3)),
        ("15分钟前", NOW - timedelta(minutes=15)),
        ("昨天 10:15", utc(2024, 4, 30, 2, 15)),
        ("刚刚", NOW),
    ],
)
def test_chinese_formats(text, expected):
    assert parse_date(text, tz=SH, now=NOW) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thu, 31 Jan 2019 21:10:00 +0000", utc(2019, 1, 31, 21, 10)),
        ("Thu, 31 Jan 2019 21:10:00 GMT", utc(2019, 1, 31, 21, 10)),
        ("2025-11-09T01:00:00.000Z", utc(2025, 11, 9, 1, 0)),
        ("2023-05-31T09:11:00+02:00", utc(2023, 5, 31, 7, 11)),
        ("March 23, 2021", utc(2021, 3, 23)),
        ("23 March 2021", utc(2021, 3, 23)),
        ("Apr 7, 2025, 3:07 PM", utc(2025, 4, 7, 15, 7)),
    ],
)
def test_english_and_iso_formats(text, expected):
    now = utc(2026, 1, 1)
    assert parse_date(text, tz="UTC", now=now) == expected


def test_never_in_the_future():
    assert parse_date("2099-01-01T00:00:00Z", now=NOW) is None  # a parse error, not a date
    assert parse_date("2024-05-01T18:00:00Z", now=NOW) == NOW  # small skew: clamped to now
    assert not_future(NOW + timedelta(days=3), now=NOW) is None
    assert parse_date("1970-01-01", now=NOW) is None


@pytest.mark.parametrize("junk", ["", "hello", "2021-13-45", "年月日", None, "x" * 500])
def test_junk_is_none(junk):
    assert parse_date(junk, now=NOW) is None


def test_labelled_date_in_running_text():
    text = "来源：巴比特  发布时间：2018年12月16日 00:20  阅读 83  评论 2019年1月1日"
    assert find_date_in_text(text, tz=SH, now=NOW) == utc(2018, 12, 15, 16, 20)
    assert find_date_in_text("正文没有日期", tz=SH, now=NOW) is None


def test_the_publishers_own_day_is_kept():
    from spiders.dates import local_day, parse_local

    # 07:00 in Tokyo on the 15th is the 14th in UTC: the publisher's day stays the 15th
    at = parse_local("2020-02-15T07:00+09:00")
    assert (local_day(at), at.utcoffset().total_seconds()) == (date(2020, 2, 15), 9 * 3600)
    assert local_day(parse_local("Sat, 15 Feb 2020 07:00:00 +0900")) == date(2020, 2, 15)
    assert local_day(parse_local("2021年03月23日 07:15", tz="Asia/Shanghai")) == date(2021, 3, 23)
    assert local_day(parse_local("2024-01-02", tz="Asia/Hong_Kong")) == date(2024, 1, 2)
    assert parse_local("2999-01-01") is None


def test_a_utc_stamp_is_read_in_the_sources_zone():
    # an epoch or `Z` stamp from a Shanghai outlet's JSON API: 23:30 UTC is 07:30 the next day there
    assert local_day(parse_local("2021-03-22T23:30:00Z"), "Asia/Shanghai") == date(2021, 3, 23)
    assert local_day(parse_local("2021-03-22T23:30:00Z"), "UTC") == date(2021, 3, 22)
    # a written offset is the publisher's own and wins over the source's zone
    assert local_day(parse_local("2020-02-15T07:00+09:00"), "America/New_York") == date(2020, 2, 15)

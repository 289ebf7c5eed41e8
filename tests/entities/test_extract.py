"""The matcher: resolution to one entity per name in both languages, longest match, case rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chainwatch.entities.extract import extract, version
from chainwatch.entities.gazetteer import load


def found(title: str, text: str = "") -> set[tuple[str, str | None]]:
    return {(m.kind, m.entity_id) for m in extract(title, text) if m.kind != "amount"}


@pytest.mark.parametrize(
    "text, entity",
    [
        ("Binance halts withdrawals", "binance"),
        ("币安暂停提币", "binance"),
        ("The SEC sued Ripple", "us_sec"),
        ("美国证券交易委员会起诉瑞波", "us_sec"),
        ("中国人民银行发布通知", "pboc"),
        ("Hong Kong SFC licenses HashKey", "hk_sfc"),
        ("OKEx suspends withdrawals", "okx"),
        ("火币宣布", "huobi"),
    ],
)
def test_names_resolve_to_one_entity_in_both_languages(text, entity):
    assert entity in {e for _, e in found(text)}


def test_longest_match_wins_and_nested_names_are_not_counted_twice():
    assert found("US SEC fines exchange") >= {("regulator", "us_sec")}
    assert ("jurisdiction", "united_states") not in found("US SEC fines exchange")
    assert found("中国人民银行") == {("regulator", "pboc")}


def test_capitals_and_case_sensitive_entries_match_only_as_written():
    assert ("jurisdiction", "united_states") not in found("tell us more")
    assert ("jurisdiction", "united_states") in found("the US economy")
    assert ("token", "xrp") not in found("a ripple effect on markets")
    assert ("token", "xrp") in found("Ripple wins in court")


def test_latin_names_inside_chinese_text_and_possessives_match():
    assert ("exchange", "coinbase") in found("据Coinbase公告")
    assert ("exchange", "binance") in found("Binance's CEO")
    assert found("Binanceous nonsense") == set()


def test_coin_names_do_not_match_inside_bi_quan():
    assert ("token", "nxt") not in found("未来币圈会怎样")


def test_offsets_point_at_the_mention_in_its_field():
    ms = [m for m in extract("Hack at Binance", "据币安称，损失$116 million") if m.entity_id == "binance"]
    assert {(m.field, m.start, m.end, m.surface) for m in ms} == {("title", 8, 15, "Binance"), ("text", 1, 3, "币安")}


def test_amount_and_coin_name_are_both_found():
    ms = extract(None, "Hackers took 10,000 BTC")
    assert ("token", "bitcoin") in {(m.kind, m.entity_id) for m in ms}
    assert [(m.currency, m.value) for m in ms if m.kind == "amount"] == [("BTC", Decimal(10000))]


def test_version_changes_with_the_gazetteer(tmp_path):
    import shutil

    from chainwatch.entities.gazetteer import GAZETTEER_DIR

    copy = tmp_path / "g"
    shutil.copytree(GAZETTEER_DIR, copy)
    before = version(load(copy))
    with open(copy / "people.yaml", "a", encoding="utf-8") as f:
        f.write("  - {id: someone_new, name: Someone New, en: [Someone New]}\n")
    load.cache_clear()
    assert version(load(copy)) != before
    assert version(load(copy)).startswith("entities-")

"""Money amounts normalised to a currency and a value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chainwatch.entities.amounts import find_amounts
from chainwatch.entities.gazetteer import load


def amounts(text: str) -> list[tuple[str, Decimal]]:
    return [(a.currency, a.value) for a in find_amounts(text, load())]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("$116 million", [("USD", Decimal(116_000_000))]),
        ("1.2亿美元", [("USD", Decimal(120_000_000))]),
        ("5000万元", [("CNY", Decimal(50_000_000))]),
        ("US$1.2bn", [("USD", Decimal(1_200_000_000))]),
        ("$250K", [("USD", Decimal(250_000))]),
        ("€2.5bn", [("EUR", Decimal(2_500_000_000))]),
        ("USD 4.2m", [("USD", Decimal(4_200_000))]),
        ("116 million dollars", [("USD", Decimal(116_000_000))]),
        ("三千万元人民币", [("CNY", Decimal(30_000_000))]),
        ("2万枚比特币", [("BTC", Decimal(20_000))]),
        ("100个eos", [("EOS", Decimal(100))]),
        ("0.00006048ETH", [("ETH", Decimal("0.00006048"))]),
        ("£600000", [("GBP", Decimal(600_000))]),
        ("3000~5000美元", [("USD", Decimal(3000)), ("USD", Decimal(5000))]),
    ],
)
def test_forms(text, expected):
    assert amounts(text) == expected


@pytest.mark.parametrize("text", ["up 35%", "2 Bitcoin ETFs", "99Bitcoins.com", "v2.5 yuan", "一元化", "block 860832"])
def test_not_money(text):
    assert amounts(text) == []


def test_dollar_value_uses_the_rate_table_and_crypto_has_none():
    found = {a.currency: a.usd_value for a in find_amounts("5000万元 and 10 BTC", load())}
    assert found == {"CNY": Decimal(7_000_000), "BTC": None}

"""Input preparation: statuses for bad input, sentence ranges for evidence."""

from __future__ import annotations

from nlp.text import MAX_CHARS, clean, prepare, split_sentences


def test_english_and_chinese_sentences():
    text = (
        "Hackers stole $5m. The team paused the bridge! Was it an insider?\n中国人民银行发布通知。数字人民币试点扩大！"
    )
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == [
        "Hackers stole $5m.",
        "The team paused the bridge!",
        "Was it an insider?",
        "中国人民银行发布通知。",
        "数字人民币试点扩大！",
    ]


def test_title_is_joined_unless_the_body_repeats_it():
    assert prepare("Exchange hacked", "Funds were stolen.").text == "Exchange hacked\nFunds were stolen."
    assert prepare("比特币大涨", "比特币大涨").text == "比特币大涨"


def test_empty_and_punctuation_only_items_are_empty():
    for title, body in [("", ""), (None, None), ("  ", "\n\t"), ("...", "—")]:
        p = prepare(title, body)
        assert p.status == "empty" and not p.readable


def test_binary_content_is_an_error_not_a_crash():
    p = prepare("ok title", bytes(range(256)) * 20)
    assert p.status == "error" and "binary" in p.notes[0]


def test_control_characters_are_removed():
    assert clean("Bitcoin\x00 price\x07  up") == "Bitcoin price up"


def test_huge_items_are_cut_and_marked_truncated():
    p = prepare("Title", "word " * (MAX_CHARS // 2))
    assert p.status == "truncated" and len(p.text) == MAX_CHARS


def test_unknown_language_is_noted_but_read():
    p = prepare("Bitcoin-Kurs steigt", "Der Kurs stieg um drei Prozent.", "de")
    assert p.status == "ok" and p.readable and "'de'" in p.notes[0]
    assert prepare("t", "x", "zh-CN").notes == []

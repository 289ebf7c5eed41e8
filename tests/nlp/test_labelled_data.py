"""The labelled set the classifier is trained and measured on, and the tool that merges label files."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest

from chainwatch import taxonomy

TOOLS = Path(__file__).resolve().parents[2] / "nlp" / "training" / "labelling"


def _labelfile():
    spec = importlib.util.spec_from_file_location("labelfile", TOOLS / "labelfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_set_meets_the_issue_sizes_in_both_languages(labelled_rows):
    ids = [r["id"] for r in labelled_rows]
    assert len(ids) == len(set(ids)) >= 800
    known = set(taxonomy.label_ids())
    assert all(set(r["labels"]) <= known and r["split"] in ("train", "test") for r in labelled_rows)
    positives = Counter(l for r in labelled_rows for l in r["labels"])
    assert min(positives[l] for l in known) >= 30, positives
    for split in ("train", "test"):  # every label can be learnt and measured
        assert all(any(l in r["labels"] for r in labelled_rows if r["split"] == split) for l in known), split
    langs = Counter(r["lang"] for r in labelled_rows)
    assert langs["zh"] >= 300 and langs["en"] >= 300
    assert all(re.match(r"^[\w.-]+/[\w.-]+/.+#.+$", r["source"]) for r in labelled_rows)  # provenance


def test_no_text_sits_in_both_splits(labelled_rows):
    def key(r):
        return re.sub(r"\W+", "", (r["title"] + r["text"]).lower())[:300]

    train = {key(r) for r in labelled_rows if r["split"] == "train"}
    assert not [r["id"] for r in labelled_rows if r["split"] == "test" and key(r) in train]


def test_the_test_split_is_real_news_in_both_languages_and_fixed_by_its_list(labelled_rows):
    listed = {
        line.split("#", 1)[0].strip()
        for line in (TOOLS.parents[1] / "data" / "test_split.txt").read_text(encoding="utf-8").splitlines()
    } - {""}
    test = [r for r in labelled_rows if r["split"] == "test"]
    assert {r["id"] for r in test} == listed  # the list decides, nothing else
    assert len(test) >= 400
    news = ("cryptonews-csv", "cryptonews-article", "binance-news", "yahoo-news", "dykstranet", "sec-enforcement")
    zh_news = ("uglydog-train", "uglydog-test")  # Chinese news articles (PROVENANCE.md)
    for r in test:
        source = r["id"].split(":")[0]
        assert source in news or (source in zh_news and r["lang"] == "zh"), r["id"]  # no forum titles
    langs = Counter(r["lang"] for r in test)
    assert langs["en"] >= 250 and langs["zh"] >= 100, langs


def test_merge_applies_corrections_last_and_refuses_conflicts(tmp_path):
    labelfile = _labelfile()
    first, again, fixes = (tmp_path / n for n in ("round1", "round9", "corrections"))
    for d in (first, again, fixes):
        d.mkdir()
    (first / "a.txt").write_text("x:1 scam\nx:2 -  # routine\n# x:3 hack  (left out)\n", encoding="utf-8")
    (fixes / "z.txt").write_text("x:1 pyr reg  # settled: a Ponzi case\n", encoding="utf-8")
    merged = labelfile.merge([first, fixes])
    assert merged == {"x:1": ["pyramid_scheme", "regulation_enforcement"], "x:2": []}

    (again / "b.txt").write_text("x:2 hack\n", encoding="utf-8")
    with pytest.raises(ValueError, match="conflicting labels for x:2"):
        labelfile.merge([first, again])
    (fixes / "y.txt").write_text("x:9 hack\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no other file labels"):
        labelfile.merge([first, fixes])
    (again / "b.txt").write_text("x:5 wat\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad line"):
        labelfile.merge([again])


def _tool(name):
    import sys

    sys.path.insert(0, str(TOOLS))  # the labelling scripts import their siblings by name
    try:
        spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(TOOLS))


def test_two_readings_are_recorded_and_only_disagreements_left_to_adjudicate(tmp_path, monkeypatch):
    readings = _tool("readings")
    monkeypatch.setattr(readings, "DATA", tmp_path)
    src = tmp_path / "in"
    src.mkdir()
    (src / "batch0.first.txt").write_text("x:1 mm reg\nx:2 -  # routine\n", encoding="utf-8")
    (src / "batch0.second.txt").write_text("x:2 -\nx:1 mm\n", encoding="utf-8")
    readings.main("round9", str(src))
    written = (tmp_path / "labels" / "round9" / "round9.txt").read_text(encoding="utf-8")
    assert "x:2 -\n" in written and "# DISAGREE x:1: first mm reg | second mm\n" in written
    assert "x:2 -  # routine" in (tmp_path / "second_reading" / "round9" / "first.txt").read_text(encoding="utf-8")
    (src / "batch0.second.txt").write_text("x:1 mm\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="read only once"):
        readings.main("round9", str(src))


def test_assemble_orders_feed_item_ids_by_their_numbers():
    order = _tool("assemble").id_order
    ids = ["rss-cfta:rssfeedparser_6.10", "cryptonews-csv:10", "rss-cfta:rssfeedparser_6.9", "cryptonews-csv:9"]
    assert sorted(ids, key=order) == [
        "cryptonews-csv:9",
        "cryptonews-csv:10",
        "rss-cfta:rssfeedparser_6.9",
        "rss-cfta:rssfeedparser_6.10",
    ]

"""`chainwatch classify --input/--output`, `chainwatch classify` on the database, `chainwatch evaluate`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from chainwatch.cli import app
from tests import factories

runner = CliRunner()


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_classify_file_keeps_order_and_survives_bad_lines(tmp_path, classifier):
    src, dst = tmp_path / "items.jsonl", tmp_path / "labels.jsonl"
    _write(
        src,
        [
            json.dumps(
                {
                    "id": "a",
                    "title": "Hackers drain $600 million from Poly Network bridge",
                    "text": "Attackers exploited a vulnerability and stole user funds.",
                }
            ),
            "this is not json",
            json.dumps({"title": "no id"}),
            json.dumps(
                {
                    "id": 7,
                    "title": "央行：数字人民币试点范围扩大",
                    "text": "数字人民币试点将扩大到更多城市。",
                    "lang": "zh",
                }
            ),
            json.dumps({"id": "e", "title": "", "text": ""}),
        ],
    )
    result = runner.invoke(app, ["classify", "--input", str(src), "--output", str(dst), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "classified 5 items" in result.output and "error 2" in result.output
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "line 2", "line 3", 7, "e"]
    assert [r["status"] for r in rows] == ["ok", "error", "error", "ok", "empty"]
    assert "security_breach" in rows[0]["labels"] and rows[0]["evidence"]["security_breach"]
    assert "cbdc" in rows[3]["labels"]
    assert all(r["model_version"] == classifier.version for r in rows)
    assert set(rows[0]["scores"]) == set(rows[3]["scores"]) and len(rows[0]["scores"]) == 15
    assert "bad JSON" in rows[1]["detail"]


def test_classify_options_are_checked():
    result = runner.invoke(app, ["classify", "--output", "x.jsonl"])
    assert result.exit_code != 0


def test_classify_database_prints_a_summary(clean_db, db_cursor):
    factories.add_source(db_cursor, "wire")
    factories.add_article(
        db_cursor,
        source="wire",
        published=datetime(2026, 11, 18, tzinfo=UTC),
        title="SEC sues exchange",
        text="The SEC sued the exchange for operating without registration.",
    )
    result = runner.invoke(app, ["classify", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "classified 1 articles" in result.output and "ok 1" in result.output
    again = runner.invoke(app, ["classify", "--quiet"])
    assert "classified 0 articles" in again.output


def test_evaluate_reports_per_label_scores(tmp_path, labelled_rows):
    # a small real slice: the first test items that carry any label, plus a few with none
    dev = [r for r in labelled_rows if r["split"] == "test"]
    subset = [r for r in dev if r["labels"]][:30] + [r for r in dev if not r["labels"]][:10]
    data = tmp_path / "labelled.jsonl"
    _write(data, [json.dumps(r, ensure_ascii=False) for r in subset])
    result = runner.invoke(app, ["evaluate", "--input", str(data)])
    assert result.exit_code == 0, result.output
    assert "precision  recall      F1" in result.output
    assert "regulation_enforcement" in result.output and "macro F1" in result.output
    assert "40 items" in result.output


def test_the_evaluation_report_puts_each_languages_f1_per_label_side_by_side():
    import numpy as np

    from nlp import metrics
    from nlp.training.evaluate import EvaluationResult

    y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    pred = np.array([[1, 0], [0, 0], [1, 1], [0, 1]])
    en, zh = metrics.score(y[:2], pred[:2], ["a", "b"]), metrics.score(y[2:], pred[2:], ["a", "b"])
    report = EvaluationResult("v", "test", metrics.score(y, pred, ["a", "b"]), {"lang=en": en, "lang=zh": zh}).report()
    side_by_side = report.split("lang=zh: 2 items")[1]
    assert "lang=en" in side_by_side and "lang=zh" in side_by_side
    assert [ln.split()[:4] for ln in side_by_side.splitlines() if ln.startswith("b ")] == [
        ["b", "0.500", "0.000", "0.667"]
    ]


def test_evaluate_cv_compares_variants_on_train_items_only(tmp_path, labelled_rows):
    train = [r for r in labelled_rows if r["split"] == "train"]
    test = [r for r in labelled_rows if r["split"] == "test"][:5]
    subset = [r for r in train if r["labels"]][:90] + [r for r in train if not r["labels"]][:30] + test
    data = tmp_path / "labelled.jsonl"
    _write(data, [json.dumps(r, ensure_ascii=False) for r in subset])
    args = ["evaluate", "--input", str(data), "--cv", "--repeats", "1", "--folds", "3"]
    result = runner.invoke(app, [*args, "--variant", "ridge, label keywords", "--variant", "no keywords"])
    assert result.exit_code == 0, result.output
    assert "1x3 stratified CV over 120 train items" in result.output  # the 5 test items are left out
    assert "no keywords" in result.output and "lang=en" in result.output and "kind=news" in result.output
    bad = runner.invoke(app, [*args, "--variant", "no such variant"])
    assert bad.exit_code != 0


# -- issue 17: items 4 and 9 -----------------------------------------------------------------------
def test_deeply_nested_line_gets_a_status_and_the_rest_is_classified(tmp_path, classifier):
    src, dst = tmp_path / "items.jsonl", tmp_path / "labels.jsonl"
    dst.write_text("previous output\n", encoding="utf-8")
    _write(
        src,
        [
            "[" * 100_000 + "]" * 100_000,
            '{"id": "deep", "title": ' + "[" * 100_000 + "]" * 100_000 + "}",
            json.dumps({"id": "after", "title": "SEC sues exchange", "text": "The SEC sued the exchange."}),
        ],
    )
    result = runner.invoke(app, ["classify", "--input", str(src), "--output", str(dst), "--quiet"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["status"]) for r in rows] == [("line 1", "error"), ("line 2", "error"), ("after", "ok")]
    assert "nested too deeply" in rows[0]["detail"]
    assert {p.name for p in tmp_path.iterdir()} == {"items.jsonl", "labels.jsonl"}  # no temporary file left


def test_wrong_types_are_errors_and_output_is_valid_json(tmp_path, classifier):
    src, dst = tmp_path / "items.jsonl", tmp_path / "labels.jsonl"
    _write(
        src,
        [
            '{"id": "n", "title": 123, "text": "The SEC sued the exchange."}',
            '{"id": "l", "title": "SEC sues", "text": ["The SEC", "sued"]}',
            '{"id": NaN, "title": "SEC sues", "text": "The SEC sued the exchange."}',
            '{"id": 1.5, "title": "SEC sues", "text": "The SEC sued the exchange.", "lang": "en"}',
        ],
    )
    result = runner.invoke(app, ["classify", "--input", str(src), "--output", str(dst), "--quiet"])
    assert result.exit_code == 0, result.output
    text = dst.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    rows = [
        json.loads(line, parse_constant=lambda c: pytest.fail(f"non-standard JSON {c}")) for line in text.splitlines()
    ]
    assert [(r["id"], r["status"]) for r in rows] == [("n", "error"), ("l", "error"), ("line 3", "error"), (1.5, "ok")]
    assert "type error: 'title' is int" in rows[0]["detail"] and "'text' is list" in rows[1]["detail"]


def test_killed_classify_keeps_the_previous_output(tmp_path, classifier):
    """kill -9 in the middle of writing: the previous output file is untouched (written by rename)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    src, dst = tmp_path / "items.jsonl", tmp_path / "labels.jsonl"
    previous = '{"id": "old", "status": "ok"}\n'
    dst.write_text(previous, encoding="utf-8")
    _write(
        src,
        [
            json.dumps(
                {
                    "id": i,
                    "title": f"Exchange {i} fined for laundering",
                    "text": "Regulators fined the exchange over weak anti-money-laundering checks. " * 8,
                }
            )
            for i in range(3000)
        ],
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chainwatch.cli",
            "classify",
            "--input",
            str(src),
            "--output",
            str(dst),
            "--batch-size",
            "16",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        while "classify:" not in proc.stderr.read(64):  # the first progress line: writing has begun
            assert proc.poll() is None, "classify ended before it could be killed"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    time.sleep(0.1)
    assert dst.read_text(encoding="utf-8") == previous

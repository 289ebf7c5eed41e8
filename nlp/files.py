"""Classify a JSONL file of anyone's items (`chainwatch classify --input items.jsonl --output labels.jsonl`).

Input lines: {"id", "title", "text", "lang"?}. Output lines, in input order:
{"id", "labels", "scores", "evidence", "status", "detail", "model_version"}. A line that is not a JSON
object (or nests too deeply to read), or whose title or text is not a string, still gets an output line
(status error, id = "line N" when it has none): never a failed file. Output is valid JSON only (no NaN)
and is written to a temporary file renamed over the target at the end, so a crash keeps the old output.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from chainwatch.contracts import ClassifierInput, ClassifierOutput
from chainwatch.files import replacing
from nlp.classifier import load_classifier

log = logging.getLogger(__name__)


@dataclass
class FileSummary:
    model_version: str
    items: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    positives: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()))
        rate = self.items / self.seconds if self.seconds else 0.0
        return (
            f"classified {self.items} items with {self.model_version} in {self.seconds:.1f} s ({rate:.0f}/s): "
            f"{counts or 'nothing'}; {self.positives} positive labels"
        )


def _error(item_id, number: int, detail: str) -> ClassifierOutput:
    return ClassifierOutput(item_id, {}, [], {}, "", "error", f"line {number}: {detail}")


def parse_line(line: str, number: int) -> ClassifierInput | ClassifierOutput:
    """An input item, or (for a bad line) the error output that stands in for it."""
    try:
        row = json.loads(line)
        if not isinstance(row, dict):
            raise ValueError("not a JSON object")
    except RecursionError:  # json's C decoder recurses once per bracket: 100,000 of them overflow
        return _error(f"line {number}", number, "bad JSON (nested too deeply)")
    except ValueError as exc:
        return _error(f"line {number}", number, f"bad JSON ({exc})")
    item_id = row.get("id")
    if item_id is None or isinstance(item_id, (dict, list)) or not _finite(item_id):
        return _error(f"line {number}", number, "no usable 'id'")
    for key in ("title", "text"):
        value = row.get(key)
        if value is not None and not isinstance(value, str):
            return _error(item_id, number, f"type error: '{key}' is {type(value).__name__}, not a string")
    lang = row.get("lang")
    return ClassifierInput(
        item_id, row.get("title") or "", row.get("text") or "", lang if isinstance(lang, str) else None
    )


def _finite(value) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def _json_value(value):
    """Valid JSON only: NaN and infinities (which json writes as bare NaN / Infinity) become null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


def output_record(out: ClassifierOutput) -> dict:
    return _json_value(
        {
            "id": out.id,
            "labels": out.labels,
            "scores": out.scores,
            "evidence": out.evidence,
            "status": out.status,
            "detail": out.detail,
            "model_version": out.model_version,
        }
    )


@contextmanager
def _open(path: Path | str, mode: str) -> Iterator[IO[str]]:
    """stdin/stdout for '-'; an output file is written by rename, so a crash keeps the previous one."""
    if str(path) == "-":
        yield sys.stdin if "r" in mode else sys.stdout
    elif "r" in mode:
        with open(path, mode, encoding="utf-8", errors="replace", newline="\n") as fh:
            yield fh
    else:
        with replacing(path) as fh:
            yield fh


def classify_file(
    input_path: Path | str, output_path: Path | str, *, batch_size: int = 64, progress: bool = False
) -> FileSummary:

    started = time.monotonic()
    clf = load_classifier()
    summary = FileSummary(clf.version)
    statuses: Counter[str] = Counter()

    def flush(pending: list[ClassifierInput | ClassifierOutput], out_fh: IO[str]) -> None:
        inputs = [p for p in pending if isinstance(p, ClassifierInput)]
        predicted = iter(clf.predict(inputs))
        for p in pending:
            out = next(predicted) if isinstance(p, ClassifierInput) else p
            if not out.model_version:
                out.model_version = clf.version
            out_fh.write(json.dumps(output_record(out), ensure_ascii=False, allow_nan=False) + "\n")
            statuses[out.status] += 1
            summary.positives += len(out.labels)
        summary.items += len(pending)
        if progress:
            print(f"\rclassify: {summary.items} items", end="", file=sys.stderr, flush=True)

    with _open(input_path, "r") as in_fh, _open(output_path, "w") as out_fh:
        pending: list[ClassifierInput | ClassifierOutput] = []
        for number, line in enumerate(in_fh, 1):
            if not line.strip():
                continue
            pending.append(parse_line(line, number))
            if len(pending) >= batch_size:
                flush(pending, out_fh)
                pending = []
        if pending:
            flush(pending, out_fh)
    if progress and summary.items:
        print(file=sys.stderr)
    summary.statuses = dict(statuses)
    summary.seconds = round(time.monotonic() - started, 2)
    return summary

"""Search results as CSV and JSON files. Scraped titles are attacker-controlled: every CSV cell goes
through chainwatch.untrusted (formulas neutralised, control characters escaped), the project's one CSV rule."""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any

from chainwatch.untrusted import csv_writer
from chainwatch.web.rendering import plain_snippet

COLUMNS = (
    "id",
    "published_at",
    "source",
    "source_name",
    "category",
    "lang",
    "title",
    "url",
    "labels",
    "snippet",
    "rank",
)


def _text(value: object) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)


def _row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        **item,
        "labels": ";".join(f"{lab['label']}:{lab['score']:.3f}" for lab in item["labels"]),
        "snippet": plain_snippet(item["snippet"]),
    }


def to_csv(items: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(COLUMNS)
    for item in items:
        row = _row(item)
        writer.writerow([_text(row[c]) for c in COLUMNS])
    return out.getvalue()


def to_json(items: list[dict[str, Any]], query: dict[str, str]) -> str:
    rows = [
        {
            **item,
            "snippet": plain_snippet(item["snippet"]),
            "published_at": item["published_at"].isoformat() if item["published_at"] else None,
            "published_day": item["published_day"].isoformat() if item["published_day"] else None,
        }
        for item in items
    ]
    return json.dumps({"query": query, "count": len(rows), "articles": rows}, ensure_ascii=False, indent=1)

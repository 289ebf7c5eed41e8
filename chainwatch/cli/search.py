"""`chainwatch search QUERY`: full-text search over stored articles (chainwatch.search)."""

from __future__ import annotations

import json
import sys
from enum import Enum

import typer

from chainwatch.untrusted import csv_writer, json_safe, terminal_safe

CSV_COLUMNS = ("article_id", "rank", "published_at", "source", "lang", "title", "url", "labels", "snippet")


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _clip(text: str, width: int) -> str:
    """Cut to `width` characters, then make it safe for the terminal (scraped text is hostile)."""
    text = text if len(text) <= width else text[: width - 1] + "…"
    return terminal_safe(text, one_line=True)


def render_table(hits) -> str:
    if not hits:
        return "no matching articles"
    # every field that came from a page or a URL goes through _clip or terminal_safe
    lines = [f"{'#':>3}  {'rank':>6}  {'published':<10}  {'source':<16}  {'lang':<4}  title"]
    for i, h in enumerate(hits, 1):
        published = h.day.isoformat() if h.day else "-"
        lines.append(
            f"{i:>3}  {h.rank:>6.3f}  {published:<10}  {_clip(h.source, 16):<16}  {h.lang or '-':<4}  "
            f"{_clip(h.title, 90)}"
        )
        lines.append(f"{'':>5}{terminal_safe(h.url, one_line=True)}")
        if h.labels:
            lines.append(f"{'':>5}labels: {terminal_safe(', '.join(h.labels), one_line=True)}")
        if h.snippet:
            lines.append(f"{'':>5}{_clip(h.snippet, 240)}")
    lines.append(f"{len(hits)} article(s)")
    return "\n".join(lines)


def render_json(hits) -> str:
    return json_safe(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))


def write_csv(hits, out) -> None:
    writer = csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    for h in hits:
        d = h.to_dict()
        d["labels"] = ";".join(h.labels)
        writer.writerow([d[c] for c in CSV_COLUMNS])  # formulas and control characters neutralised


def register(app: typer.Typer) -> None:
    @app.command("search")
    def search_cmd(
        query: str = typer.Argument(
            "",
            help='Words to find (web-search syntax: "exact phrase", or, -word); '
            "English is stemmed, Chinese is segmented with jieba.",
        ),
        label: str | None = typer.Option(None, "--label", help="Only articles with this positive label (taxonomy id)."),
        since: str | None = typer.Option(None, "--since", help="Published on or after this UTC day (YYYY-MM-DD)."),
        until: str | None = typer.Option(None, "--until", help="Published on or before this UTC day (YYYY-MM-DD)."),
        lang: str | None = typer.Option(None, "--lang", help="Only this language (ISO 639-1, e.g. en, zh)."),
        source: str | None = typer.Option(None, "--source", help="Only this source id."),
        entity: list[str] = typer.Option(
            [],
            "--entity",
            help="Only articles that mention this entity: id, name or alias, e.g. binance or 币安 "
            "(repeat to require several; with no QUERY, the newest such articles).",
        ),
        limit: int = typer.Option(20, "--limit", help="Most articles to show (1-1000)."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table, json or csv."),
    ) -> None:
        """Full-text search of stored articles, best match first."""
        from chainwatch.search import (
            search,  # slow to import (scrapy, scipy, onnx, matplotlib): only when the command runs
        )

        hits = search(
            query, label=label, since=since, until=until, lang=lang, source=source, limit=limit, entities=entity
        )
        if fmt is OutputFormat.json:
            typer.echo(render_json(hits))
        elif fmt is OutputFormat.csv:
            write_csv(hits, sys.stdout)
        else:
            typer.echo(render_table(hits))

"""`chainwatch alerts add | list | remove | test | run | outbox | retry | feed` (chainwatch.alerts)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from chainwatch.errors import ChainWatchError
from chainwatch.storage.alerts import RuleRow


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


def _show_rule(r: RuleRow) -> str:
    parts = []
    if r.label:
        parts.append(f"{r.label} >= {r.min_score:g}")
    if r.query:
        parts.append(f"query {r.query!r}")
    if r.entities:
        parts.append("entities " + ", ".join(r.entities))
    if r.min_amount_usd:
        parts.append(f"amount >= ${r.min_amount_usd:,.0f}")
    if r.sources:
        parts.append("sources " + ", ".join(r.sources))
    if r.langs:
        parts.append("lang " + ", ".join(r.langs))
    if r.category:
        parts.append(r.category)
    channels = list(r.emails) + ([f"webhook {r.webhook_url}"] if r.webhook_url else []) + ["atom feed"]
    return (
        f"{r.name}{'' if r.enabled else ' (disabled)'}: "
        + " and ".join(parts)
        + f"\n    to: {', '.join(channels)}; at most {r.max_per_hour}/hour, then one batch"
    )


def register(app: typer.Typer) -> None:
    alerts = typer.Typer(
        help="Alert rules: fire once per story after each classify run (docs/alerts.md).", no_args_is_help=True
    )
    app.add_typer(alerts, name="alerts")

    @alerts.command("add")
    def add(
        name: str = typer.Argument(..., help="Rule name (a-z, 0-9, '-', '_')."),
        label: str | None = typer.Option(None, "--label", help="Taxonomy label id, e.g. security_breach."),
        min_score: float = typer.Option(0.5, "--min-score", help="Minimum label score (0-1) with --label."),
        query: str | None = typer.Option(None, "--query", help="Full-text query, `chainwatch search` syntax."),
        entity: list[str] = typer.Option([], "--entity", help="Entity id, name or alias (repeat: all required)."),
        min_amount: str | None = typer.Option(
            None, "--min-amount", help="An amount of at least this many US dollars is mentioned (1M, 250k, 2.5bn)."
        ),
        source: list[str] = typer.Option([], "--source", help="Only these source ids (repeat)."),
        lang: list[str] = typer.Option([], "--lang", help="Only these languages: en, zh (repeat)."),
        official: bool = typer.Option(False, "--official", help="Only official sources (regulators)."),
        news: bool = typer.Option(False, "--news", help="Only news sources."),
        email: list[str] = typer.Option([], "--email", help="Email recipient (repeat)."),
        webhook: str | None = typer.Option(None, "--webhook", help="URL for a signed JSON POST (must answer now)."),
        max_per_hour: int = typer.Option(10, "--max-per-hour", help="Single messages per hour before batching."),
    ) -> None:
        """Save a rule after checking it (label, query, entities, sources, addresses, webhook)."""
        from chainwatch.alerts import manage  # imported when the command runs, so `chainwatch --help` stays fast
        from chainwatch.alerts.rules import (
            parse_amount,  # imported when the command runs, so `chainwatch --help` stays fast
        )
        from chainwatch.storage.alerts import (
            RuleRow,  # imported when the command runs, so `chainwatch --help` stays fast
        )

        if official and news:
            raise ChainWatchError("--official and --news exclude each other (leave both out for all sources)")
        rule = RuleRow(
            name=name,
            label=label,
            min_score=min_score,
            query=query,
            entities=tuple(entity),
            min_amount_usd=parse_amount(min_amount) if min_amount else None,
            sources=tuple(source),
            langs=tuple(lang),
            category="official" if official else "news" if news else None,
            emails=tuple(email),
            webhook_url=webhook,
            max_per_hour=max_per_hour,
        )
        typer.echo("added " + _show_rule(manage.add_rule(rule)))

    @alerts.command("list")
    def list_rules() -> None:
        """The rules, with what each fired and what waits in the outbox."""
        from chainwatch import db  # imported when the command runs, so `chainwatch --help` stays fast
        from chainwatch.storage import (
            alerts as store,  # imported when the command runs, so `chainwatch --help` stays fast
        )

        with db.transaction() as cur:
            rules, counts = store.list_rules(cur), store.rule_counts(cur)
        if not rules:
            typer.echo("no alert rules (add one with `chainwatch alerts add`)")
        for r in rules:
            c = counts.get(r.name, {})
            typer.echo(
                _show_rule(r) + f"\n    fired {c.get('events', 0)} stories; messages sent {c.get('sent', 0)}, "
                f"pending {c.get('pending', 0)}, undeliverable {c.get('dead', 0)}"
            )

    @alerts.command("remove")
    def remove(name: str = typer.Argument(...)) -> None:
        """Delete a rule with its events and outbox."""
        from chainwatch import db  # imported when the command runs, so `chainwatch --help` stays fast
        from chainwatch.storage import (
            alerts as store,  # imported when the command runs, so `chainwatch --help` stays fast
        )

        with db.transaction() as cur:
            if not store.remove_rule(cur, name):
                raise ChainWatchError(f"no rule named {name!r}")
        typer.echo(f"removed {name}")

    @alerts.command("test")
    def test(
        name: str = typer.Argument(...),
        since: str = typer.Option("7d", "--since", help="7d, 24h, 2w, or a date YYYY-MM-DD (publication time)."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json."),
    ) -> None:
        """List the stories the rule matches (one line per story); sends nothing."""
        from chainwatch.alerts import manage  # imported when the command runs, so `chainwatch --help` stays fast
        from chainwatch.alerts.message import clean  # imported when the command runs, so `chainwatch --help` stays fast
        from chainwatch.alerts.rules import (
            parse_since,  # imported when the command runs, so `chainwatch --help` stays fast
        )

        result = manage.test_rule(name, parse_since(since))
        if fmt is OutputFormat.json:
            typer.echo(
                json.dumps(
                    [
                        {
                            "article_id": m.article_id,
                            "story_id": m.story_id,
                            "title": m.title,
                            "url": m.url,
                            "source": m.source_id,
                            "lang": m.lang,
                            "score": m.score,
                            "published_at": m.published_at.isoformat() if m.published_at else None,
                            "published_day": m.published_day.isoformat() if m.published_day else None,
                            "max_amount_usd": str(m.max_amount_usd) if m.max_amount_usd else None,
                        }
                        for m in result.matches
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for m in result.matches:
            day = m.published_day.isoformat() if m.published_day else "-"  # the publisher's own day
            score = f"{m.score:.2f}" if m.score is not None else "-"
            usd = f"${m.max_amount_usd:,.0f}" if m.max_amount_usd else "-"
            typer.echo(f"{day}  {score:>5}  {usd:>15}  {clean(m.source_id)[:14]:<14}  {clean(m.title)[:100]}")
        typer.echo(f"{len(result.matches)} stories since {result.since:%Y-%m-%d %H:%M} UTC match {name}")

    @alerts.command("run")
    def run(rule: list[str] = typer.Option([], "--rule", help="Only these rules (repeat).")) -> None:
        """Evaluate the rules and deliver what is due (what the classify DAG and `chainwatch run` do)."""
        from chainwatch.runners.alerts import (
            run_alerts,  # imported when the command runs, so `chainwatch --help` stays fast
        )

        for line in run_alerts(rules=rule or None).lines():
            typer.echo(line)

    @alerts.command("outbox")
    def outbox(
        status: str | None = typer.Option(None, "--status", help="pending, sending, sent or dead."),
        rule: str | None = typer.Option(None, "--rule"),
        limit: int = typer.Option(50, "--limit"),
    ) -> None:
        """Messages waiting, sent or undeliverable, newest first."""
        from chainwatch import db  # imported when the command runs, so `chainwatch --help` stays fast
        from chainwatch.storage import (
            alerts as store,  # imported when the command runs, so `chainwatch --help` stays fast
        )

        with db.transaction() as cur:
            rows = store.outbox(cur, status=status, rule=rule, limit=limit)
        for r in rows:
            typer.echo(
                f"#{r.id}  {r.status:<8} {r.rule_name}  {r.channel} {r.target}  {r.kind} "
                f"({len(r.event_ids)} stories)  attempts {r.attempts}"
                + (f"  next {r.next_attempt_at:%Y-%m-%d %H:%M}" if r.status == "pending" else "")
                + (f"\n    {r.last_error}" if r.last_error else "")
            )
        typer.echo(f"{len(rows)} message(s)")

    @alerts.command("retry")
    def retry(rule: str | None = typer.Argument(None)) -> None:
        """Make undeliverable (dead) messages due again, e.g. after fixing a receiver."""
        from chainwatch import db  # imported when the command runs, so `chainwatch --help` stays fast
        from chainwatch.storage import (
            alerts as store,  # imported when the command runs, so `chainwatch --help` stays fast
        )

        with db.transaction() as cur:
            n = store.retry_dead(cur, rule)
        typer.echo(f"{n} message(s) due again; `chainwatch alerts run` sends them")

    @alerts.command("feed")
    def feed(
        name: str = typer.Argument(...),
        output: Path = typer.Option(..., "--output", "-o", help="Where to write the Atom file."),
        self_url: str = typer.Option("", "--self-url", help="The feed's own URL, as served."),
    ) -> None:
        """Write the rule's Atom feed (the web app serves the same at /alerts/NAME/feed.atom)."""
        from chainwatch.alerts.feed import (
            rule_feed,  # imported when the command runs, so `chainwatch --help` stays fast
        )
        from chainwatch.files import write_atomic  # imported when the command runs, so `chainwatch --help` stays fast

        write_atomic(output, rule_feed(name, self_url=self_url or f"urn:chainwatch:feed:{name}").decode("utf-8"))
        typer.echo(f"wrote {output}")

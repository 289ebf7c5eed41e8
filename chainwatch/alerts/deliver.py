"""Deliver the outbox. Each due message is claimed ('sending', committed), sent, then settled
(sent, or due again after a backoff, or dead after MAX_ATTEMPTS), so no message is ever sent twice:
a message a crash left 'sending' may or may not have arrived, and becomes dead with a note after
the lease instead of being resent (`chainwatch alerts outbox` shows it, `alerts retry` resends).
The outbox id travels as the email's X-ChainWatch-Delivery header and the webhook's, so a receiver
can also tell a manual resend. One failing channel or target never blocks another: each row
settles on its own.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from chainwatch import config, db, mail
from chainwatch.alerts import message, webhook
from chainwatch.config import SmtpSettings
from chainwatch.errors import ChainWatchError
from chainwatch.storage import alerts as store

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
BACKOFF_S = 60.0  # first retry after a minute, then 2, 4, 8, 16 minutes
LEASE_S = 600.0  # a row 'sending' for longer was left by a crashed deliverer (sends time out after 30 s)


@dataclass
class DeliverySummary:
    sent: int = 0
    failed: int = 0  # attempts that failed and will be retried
    dead: int = 0  # messages given up on in this run
    in_doubt: int = 0  # messages a crashed run left mid-send (now dead, not resent)

    def line(self) -> str:
        return f"alerts delivered: {self.sent} sent, {self.failed} to retry, {self.dead} undeliverable" + (
            f", {self.in_doubt} in doubt after a crash" if self.in_doubt else ""
        )


def _email(row: store.OutboxRow, events: list[store.EventDetail], settings: SmtpSettings) -> None:
    msg = EmailMessage()
    msg["Subject"] = message.subject(row, events)
    msg["From"] = settings.sender
    msg["To"] = row.target
    msg["Date"] = format_datetime(datetime.now().astimezone())
    domain = settings.sender.rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(idstring=f"alert-{row.id}", domain=domain)
    msg["X-ChainWatch-Delivery"] = str(row.id)
    msg.set_content(message.body_text(row, events))
    msg.add_alternative(message.body_html(row, events), subtype="html")
    mail.send(msg, dataclasses.replace(settings, recipients=(row.target,)), what="alert")


def _send(row: store.OutboxRow, events: list[store.EventDetail], smtp: SmtpSettings | None, secret: str | None) -> None:
    if row.channel == "email":
        if smtp is None:
            raise ChainWatchError("no SMTP server configured (set SMTP_HOST)")
        _email(row, events, smtp)
    else:
        if not secret:
            raise ChainWatchError("no webhook secret configured (set CHAINWATCH_WEBHOOK_SECRET)")
        try:
            webhook.post(row.target, message.body_json(row, events), secret=secret, delivery_id=str(row.id))
        except webhook.WebhookError as exc:
            raise ChainWatchError(str(exc)) from None


def deliver_due(
    *,
    database_url: str | None = None,
    smtp: SmtpSettings | None = None,
    secret: str | None = None,
    backoff_s: float = BACKOFF_S,
    max_attempts: int = MAX_ATTEMPTS,
    lease_s: float = LEASE_S,
    limit: int = 1000,
) -> DeliverySummary:
    """Send every due outbox message (at most `limit`). Each is claimed in one transaction, sent,
    and settled in another: one failing message never holds up the next."""
    smtp = smtp or config.smtp_settings()
    secret = secret or config.webhook_secret()
    summary = DeliverySummary()
    with db.transaction(database_url) as cur:
        summary.in_doubt = store.expire_claims(cur, lease_s=lease_s)
    for _ in range(limit):
        with db.transaction(database_url) as cur:
            row = store.claim_due(cur)
            if row is None:
                break
            events = store.event_details(cur, row.event_ids)
        try:
            _send(row, events, smtp, secret)
        except ChainWatchError as exc:
            retry = backoff_s * 2 ** (row.attempts - 1) if row.attempts < max_attempts else None
            with db.transaction(database_url) as cur:
                store.mark_failed(cur, row.id, str(exc), retry_in_s=retry)
            if retry is None:
                summary.dead += 1
                log.error(
                    "alert %s (%s to %s) undeliverable after %d attempts: %s",
                    row.id,
                    row.channel,
                    row.target,
                    row.attempts,
                    exc,
                )
            else:
                summary.failed += 1
                log.warning("alert %s (%s) failed, retry in %.0f s: %s", row.id, row.channel, retry, exc)
            continue
        with db.transaction(database_url) as cur:
            store.mark_sent(cur, row.id)
        summary.sent += 1
    return summary

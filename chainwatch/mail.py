"""The one SMTP sender: digests, source-health alerts and (later) alert rules all deliver through it.

Settings come from chainwatch.config.smtp_settings() (SMTP_* variables), or are passed in, e.g. by
an Airflow task from a connection. Any failure is a one-line ChainWatchError naming the server.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from chainwatch.config import SmtpSettings
from chainwatch.errors import ChainWatchError

log = logging.getLogger(__name__)
TIMEOUT_S = 30


def send(msg: EmailMessage, settings: SmtpSettings, *, what: str = "message") -> None:
    """Deliver `msg` to settings.recipients (`what` names it in errors: "digest", "alert")."""
    if not settings.recipients:
        raise ChainWatchError(f"cannot email the {what}: no recipients (set SMTP_TO)")
    where = f"{settings.host}:{settings.port}"
    try:
        # Port 465 speaks TLS from the first byte; other ports may upgrade with STARTTLS.
        if settings.port == 465:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=TIMEOUT_S, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S)
        with client:
            if settings.starttls and settings.port != 465:
                client.starttls(context=ssl.create_default_context())
            if settings.user:
                client.login(settings.user, settings.password or "")
            refused = client.send_message(msg, from_addr=settings.sender, to_addrs=list(settings.recipients))
    except (smtplib.SMTPException, OSError) as exc:
        detail = " ".join(str(exc).split()) or exc.__class__.__name__
        raise ChainWatchError(f"cannot email the {what} through {where}: {detail}") from exc
    if refused:
        log.warning("%s email refused for %s", what, ", ".join(sorted(refused)))

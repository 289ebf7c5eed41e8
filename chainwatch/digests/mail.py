"""Compose a digest email (chainwatch.mail sends it): multipart/alternative with the Markdown as
text/plain and the HTML page as text/html. Many mail clients block data: images, so in the email the
charts travel as inline parts (multipart/related, referenced by cid:) instead of data URIs.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from chainwatch.config import SmtpSettings
from chainwatch.digests.model import Digest
from chainwatch.digests.render import render_html


def subject(d: Digest) -> str:
    """Built from numbers and label names only: nothing scraped reaches a header."""
    if d.empty:
        return f"ChainWatch digest {d.week}: no items"
    text = f"ChainWatch digest {d.week}: {d.totals.items:,} items"
    if d.spikes:
        text += (", spikes: " if len(d.spikes) > 1 else ", spike: ") + ", ".join(lw.label.name for lw in d.spikes)
    return text


def compose(d: Digest, markdown: str, charts: dict[str, bytes], settings: SmtpSettings) -> EmailMessage:
    domain = settings.sender.rpartition("@")[2] or "localhost"
    cids = {kind: make_msgid(idstring=f"chart-{kind}", domain=domain) for kind in charts}
    html = render_html(d, {kind: "cid:" + cid[1:-1] for kind, cid in cids.items()})

    msg = EmailMessage()
    msg["Subject"] = subject(d)
    msg["From"] = settings.sender
    msg["To"] = ", ".join(settings.recipients)
    msg["Date"] = format_datetime(d.generated_at)
    msg["Message-ID"] = make_msgid(idstring=f"digest-{d.week}", domain=domain)
    msg.set_content(markdown, subtype="plain")
    msg.add_alternative(html, subtype="html")
    html_part = list(msg.iter_parts())[1]  # multipart/alternative: [text/plain, text/html]
    for kind, png in charts.items():
        html_part.add_related(png, "image", "png", cid=cids[kind], filename=f"trend-{kind}.png", disposition="inline")
    return msg

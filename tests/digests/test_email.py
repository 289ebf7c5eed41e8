"""Digest email over SMTP, received by a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from chainwatch.config import SmtpSettings
from chainwatch.digests import build_digest
from chainwatch.errors import ChainWatchError
from tests.digests import scenario


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def _received(inbox):
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    return envelope, email.message_from_bytes(envelope.content, policy=email.policy.default)


def test_digest_is_emailed_as_html_and_text(seeded, db_url, tmp_path, smtp_server):
    inbox, port = smtp_server
    settings = SmtpSettings(
        host="127.0.0.1",
        port=port,
        sender="digest@chainwatch.example",
        recipients=("analyst@example.org", "lead@example.org"),
    )
    result = build_digest(scenario.WEEK, database_url=db_url, out_dir=tmp_path, send_email=True, smtp=settings)
    assert result.emailed

    envelope, msg = _received(inbox)
    assert envelope.mail_from == "digest@chainwatch.example"
    assert envelope.rcpt_tos == ["analyst@example.org", "lead@example.org"]
    assert msg["Subject"] == (
        "ChainWatch digest 2026-W47: 19 items, spikes: Market manipulation and insider dealing, "
        "Hacks and security breaches, Stablecoins and payments"
    )
    assert msg["To"] == "analyst@example.org, lead@example.org"
    assert msg.get_content_type() == "multipart/alternative"
    text, related = msg.get_payload()
    assert text.get_content_type() == "text/plain"
    assert text.get_content().replace("\r\n", "\n") == result.md_path.read_text(encoding="utf-8")
    assert related.get_content_type() == "multipart/related"
    html, *images = related.get_payload()
    assert html.get_content_type() == "text/html"
    body = html.get_content()
    assert "<h2>Top stories</h2>" in body and "&lt;script&gt;" in body and "data:image" not in body
    # The charts travel as inline parts that the HTML references by Content-ID.
    assert [i.get_content_type() for i in images] == ["image/png", "image/png"]
    for image in images:
        assert image.get_content().startswith(b"\x89PNG")
        assert f'src="cid:{str(image["Content-ID"]).strip().strip("<>")}"' in body


def test_smtp_settings_come_from_the_environment(seeded, db_url, tmp_path, smtp_server, monkeypatch):
    inbox, port = smtp_server
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("SMTP_FROM", "env@chainwatch.example")
    monkeypatch.setenv("SMTP_TO", "a@example.org, b@example.org")
    result = build_digest("2026-W10", database_url=db_url, out_dir=tmp_path, send_email=True)
    envelope, msg = _received(inbox)
    assert result.emailed and envelope.rcpt_tos == ["a@example.org", "b@example.org"]
    assert msg["Subject"] == "ChainWatch digest 2026-W10: no items"
    assert "No items were published" in msg.get_body(("plain",)).get_content()


def test_email_without_smtp_settings_fails_before_any_work(clean_db, tmp_path, monkeypatch):
    monkeypatch.delenv("SMTP_HOST", raising=False)
    with pytest.raises(ChainWatchError, match="SMTP_HOST is not set"):
        build_digest("2026-W47", database_url=clean_db, out_dir=tmp_path, send_email=True)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_smtp_server_is_a_one_line_error(clean_db, tmp_path):
    settings = SmtpSettings(host="127.0.0.1", port=_free_port(), recipients=("a@example.org",))
    with pytest.raises(ChainWatchError, match=r"cannot email the digest through 127\.0\.0\.1:\d+") as info:
        build_digest("2026-W47", database_url=clean_db, out_dir=tmp_path, send_email=True, smtp=settings)
    assert "\n" not in str(info.value)
    assert (tmp_path / "digest-2026-W47.html").exists()  # the digest itself was kept

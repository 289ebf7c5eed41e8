"""Alerts tests: a real PostgreSQL database seeded with classified, entity-extracted articles, a
real SMTP server (aiosmtpd) and a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2
import pytest
from aiosmtpd.controller import Controller

from chainwatch.config import SmtpSettings
from chainwatch.entities.pipeline import extract_pending
from tests import factories

SECRET = "test-webhook-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture()
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, SmtpSettings(host="127.0.0.1", port=controller.port, sender="alerts@chainwatch.example")
    finally:
        controller.stop()


class Receiver:
    """An HTTP server that records POSTs and answers with the status codes it is told to."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []  # answers to give, in order; then 200
        self.delay_s = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": self.headers, "body": body})  # case-insensitive
                if receiver.delay_s:
                    import time

                    time.sleep(receiver.delay_s)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def alerts(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests if json.loads(r["body"])["type"] == "chainwatch.alert"]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver():
    r = Receiver()
    try:
        yield r
    finally:
        r.close()


@pytest.fixture()
def webhook_secret(monkeypatch):
    monkeypatch.setenv("CHAINWATCH_WEBHOOK_SECRET", SECRET)
    return SECRET


HACKS = [
    # (title, text, security_breach score, source, lang, story)
    (
        "Harmony's Horizon bridge hacked for $100 million",
        "Hackers drained $100 million from Harmony's Horizon bridge, the team said.",
        0.97,
        "wire",
        "en",
        None,
    ),
    (
        "Beanstalk loses $182 million in flash loan attack",
        "The Beanstalk protocol lost $182 million after an attacker used a flash loan.",
        0.95,
        "wire",
        "en",
        None,
    ),
    ("某交易所被盗1.2亿美元", "据慢雾消息，某交易所热钱包被盗约1.2亿美元。", 0.91, "zhnews", "zh", None),
    ("Small DeFi app loses $50,000", "A small app lost $50,000 to a bug.", 0.93, "wire", "en", None),
    ("SEC sues Binance", "The SEC filed a complaint against Binance.", 0.10, "regulator", "en", None),
]


def seed(db_url: str, *, extra_copies: int = 1) -> dict[str, int]:
    """Sources, articles (one story has a second copy), classifications and extracted entities."""
    ids: dict[str, int] = {}
    conn = psycopg2.connect(db_url)
    try:
        with conn, conn.cursor() as cur:
            factories.add_source(cur, "wire")
            factories.add_source(cur, "zhnews", lang="zh")
            factories.add_source(cur, "regulator", category="official")
            for i, (title, text, score, source, lang, _) in enumerate(HACKS):
                art = factories.add_article(
                    cur,
                    source=source,
                    title=title,
                    text=text,
                    lang=lang,
                    published=datetime(2022, 6, 20 + i, tzinfo=UTC),
                    # the first: a New York publisher's evening of the 19th, UTC's midnight of the 20th
                    published_day=date(2022, 6, 19) if i == 0 else None,
                )
                factories.add_labels(cur, art, {"security_breach": score}, evidence=text)
                ids[title] = art
            first = ids[HACKS[0][0]]
            for n in range(extra_copies):  # the same story, reported again
                copy = factories.add_article(
                    cur,
                    source="wire",
                    title=HACKS[0][0] + f" (update {n})",
                    text=HACKS[0][1],
                    published=datetime(2022, 6, 25, tzinfo=UTC),
                    story_id=first,
                )
                factories.add_labels(cur, copy, {"security_breach": 0.96}, evidence=HACKS[0][1])
    finally:
        conn.close()
    extract_pending(database_url=db_url)
    return ids

"""Pages that stand in for the page: bot challenges, interstitials, login and consent walls, script-only shells.

A challenge page answers 200 or 403/503 with a few hundred bytes of HTML and no links, so without
this check a walled source reads as "ok, no items". `detect_wall` looks at the status, the headers
and the first part of the body, and says `blocked` (a bot check, a login or consent wall: a browser
would see it too) or `js_required` (the content is written by JavaScript: `render: true` sources
fetch through a headless browser). The crawl counts each as an error kind of that name and a
source whose pages are walled ends its run with that status instead of `ok`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import lxml.etree
import lxml.html

BLOCKED = "blocked"
JS_REQUIRED = "js_required"
HEAD_BYTES = 64 * 1024  # markers sit near the top; a real article page is rarely under this
SHELL_MAX_TEXT = 60  # visible characters below which a page with scripts is a shell
MOUNT_MAX_TEXT = 200  # ... or below this when it has an empty app mount point (<div id="root"></div>)
NOTICE_MAX_TEXT = 400  # ... or below this when it asks for JavaScript (a 快讯 page can be 150 characters)
LOGIN_MAX_TEXT = 600
WALL_MAX_TEXT = 1500  # a vendor's marker on a page with more text than this is a page, not a wall


@dataclass(frozen=True)
class Wall:
    kind: str  # blocked | js_required
    reason: str  # which wall: cloudflare_challenge, akamai, login_wall, script_shell, ...

    def message(self) -> str:
        return f"{self.reason.replace('_', ' ')} ({self.kind.replace('_', ' ')})"


# (reason, kind, pattern): markers of a vendor's challenge or block page, matched case-insensitively.
# Vendors also put their scripts on ordinary pages (Cloudflare's challenge-platform, DataDome's tag),
# so a marker only counts on a page with little text to read (WALL_MAX_TEXT), except the _STRONG ones.
_MARKERS: list[tuple[str, str, re.Pattern[bytes]]] = [
    (
        "cloudflare_challenge",
        BLOCKED,
        re.compile(
            rb"<title>\s*just a moment\.*(?:&hellip;|\xe2\x80\xa6)?\s*</title>|/cdn-cgi/challenge-platform/|"
            rb"window\._cf_chl_opt|cf-browser-verification|<title>\s*attention required! \| cloudflare",
            re.I,
        ),
    ),
    (
        "akamai",
        BLOCKED,
        re.compile(
            rb"errors(?:\.|&#46;)edgesuite(?:\.|&#46;)net|"
            rb"<title>\s*access denied\s*</title>[\s\S]{0,2000}reference(?:&#32;| )(?:&#35;|#)|"
            rb"bm-verify|/_sec/cp_challenge/|sec-if-cpt-container",
            re.I,
        ),
    ),
    ("imperva", BLOCKED, re.compile(rb"_incapsula_resource|incapsula incident id", re.I)),
    ("datadome", BLOCKED, re.compile(rb"captcha-delivery\.com|datadome", re.I)),
    ("perimeterx", BLOCKED, re.compile(rb"px-captcha|window\._pxappid|human challenge", re.I)),
    ("sucuri", BLOCKED, re.compile(rb"sucuri website firewall|sucuri_cloudproxy_js", re.I)),
    ("aws_waf", BLOCKED, re.compile(rb"awswafintegration|aws-waf-token|challenge\.js\?.*awswaf", re.I)),
    # Chinese government and media sites: WZWS (the PBoC's), 加速乐/知道创宇, Aliyun WAF, Tencent captcha
    ("wzws_challenge", BLOCKED, re.compile(rb"wzws_cid|/wzwsre|wzwschallenge|wzwstemplate", re.I)),
    ("jiasule_challenge", BLOCKED, re.compile(rb"__jsl_clearance|jsl_clearance_s|jiasule", re.I)),
    ("aliyun_waf", BLOCKED, re.compile(rb"aliyun_waf|_waf_bd8ce2ce37|errors\.aliyun\.com", re.I)),
    (
        "captcha",
        BLOCKED,
        re.compile(
            rb"<title>[^<]{0,60}(?:captcha|are you a robot|verify you are human|"
            rb"\xe5\xae\x89\xe5\x85\xa8\xe9\xaa\x8c\xe8\xaf\x81)[^<]{0,60}</title>",
            re.I,
        ),
    ),
    (
        "consent_wall",
        BLOCKED,
        re.compile(rb"consent\.google\.com|consent\.yahoo\.com|guce\.[a-z]+\.com|<title>\s*before you continue", re.I),
    ),
]
_STRONG = re.compile(
    rb"<title>\s*(?:just a moment|attention required! \| cloudflare|access denied|before you continue)|"
    rb"window\._cf_chl_opt",
    re.I,
)
_JS_NOTICE = re.compile(
    rb"(?:enable|turn on|activate)\s+javascript|javascript\s+(?:is\s+)?(?:required|disabled)|"
    rb"you need to enable javascript|\xe8\xaf\xb7\xe5\x90\xaf\xe7\x94\xa8\s*javascript|"  # 请启用 JavaScript
    rb"\xe8\xaf\xb7\xe5\xbc\x80\xe5\x90\xaf\s*javascript",
    re.I,
)  # 请开启 JavaScript
_EMPTY_MOUNT = re.compile(rb"<div[^>]+id=[\"'](?:root|app|__next|__nuxt|main-app)[\"'][^>]*>\s*</div>", re.I)
_PASSWORD = re.compile(rb"<input[^>]+type=[\"']?password", re.I)
_LOGIN_WORDS = re.compile(rb"log\s*in|sign\s*in|\xe7\x99\xbb\xe5\xbd\x95|\xe7\x99\xbb\xe5\x85\xa5", re.I)  # 登录 登入


def _header(headers: Any, name: str) -> str:
    """A header's value from a Scrapy Headers object or a plain mapping ('' when absent)."""
    getter = getattr(headers, "get", None)
    if getter is None:
        return ""
    value = getter(name) or getter(name.lower()) or getter(name.title())
    if isinstance(value, list):
        value = value[0] if value else b""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value or "")


def visible_text(body: bytes) -> str | None:
    """The text a reader would see without scripts, or None when the body is not HTML."""
    try:
        tree = lxml.html.document_fromstring(body)
    except (lxml.etree.ParserError, ValueError):
        return None
    for bad in tree.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    return " ".join(tree.text_content().split())


def _looks_like_html(body: bytes, content_type: str) -> bool:
    if "html" in content_type.lower():
        return True
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<head" in head or b"<body" in head


def detect_wall(status: int, headers: Any, body: bytes) -> Wall | None:
    """The wall this response is, or None for a page (or a feed, JSON, an ordinary 404) that is what it says."""
    if _header(headers, "cf-mitigated").lower() == "challenge":
        return Wall(BLOCKED, "cloudflare_challenge")
    content_type = _header(headers, "Content-Type")
    if not _looks_like_html(body, content_type):
        return None
    head = body[:HEAD_BYTES]
    text = visible_text(body)
    if text is None:
        return None
    if len(text) < WALL_MAX_TEXT or _STRONG.search(head):
        for reason, kind, pattern in _MARKERS:
            if pattern.search(head):
                return Wall(kind, reason)
    if _PASSWORD.search(head) and _LOGIN_WORDS.search(head) and len(text) < LOGIN_MAX_TEXT:
        return Wall(BLOCKED, "login_wall")
    if status in (401, 407):
        return Wall(BLOCKED, "login_wall")
    if _JS_NOTICE.search(head) and len(text) < NOTICE_MAX_TEXT:
        return Wall(JS_REQUIRED, "javascript_notice")
    if b"<script" in head.lower():
        if len(text) < SHELL_MAX_TEXT or (_EMPTY_MOUNT.search(head) and len(text) < MOUNT_MAX_TEXT):
            return Wall(JS_REQUIRED, "script_shell")
    return None

"""A deterministic corpus of malformed inputs for the crawl: feeds and article pages gone wrong.

Generated in code (nothing large is committed), byte for byte the same on every run (random.Random
with fixed seeds). Each `Case` is one input with where it goes (`feed`: listed as a source's entry
page; `page`: an article page linked from a good feed), the Content-Type it is served with, and what
must become of it:

- "error":    not stored; counted under an error kind and logged with its URL;
- "repaired": stored, and the problem counted and logged (e.g. a page in GBK declared UTF-8);
- "stored":   stored with the bad part dropped (impossible dates, broken JSON-LD);
- "logged":   counted and logged, stored or not (a feed with damage after some good items);
- "any":      no promise beyond "no crash" (odd but legal input, e.g. UTF-16 recognised from its bytes).

`corpus()` lists them all (> 200, one of them a 50 MB page); `write_site()` lays them out for
chainwatch.replay.ReplayServer.
"""

from __future__ import annotations

import gzip
import json
import random
import zlib
from dataclasses import dataclass
from pathlib import Path

HOST = "malformed.example"
BIG_PAGE_BYTES = 50 * 1024 * 1024

_ZH = (
    "比特币交易平台被要求停止人民币交易业务，监管部门约谈多家交易所负责人，要求其严格落实反洗钱义务。"
    "有关部门表示，将继续加强对虚拟货币交易炒作风险的监测和处置。"
)
_JA = "金融庁は暗号資産交換業者に対し、マネーロンダリング対策の強化を求める業務改善命令を出した。" * 2
_KO = "금융당국은 가상자산 거래소에 자금세탁 방지 의무를 철저히 이행하라고 요구했다. " * 2
_RU = "Регуляторы потребовали от криптобирж усилить проверку клиентов и противодействие отмыванию денег. " * 2
_FR = "Les régulateurs ont exigé que les plateformes renforcent les contrôles anti-blanchiment — « sans délai »."
_DE = "Die Aufsichtsbehörde verlangt von Kryptobörsen strengere Geldwäscheprüfungen für Kundenkonten – sofort."
_EN = (
    "Regulators in several countries are reviewing how exchanges screen customers for money laundering. "
    "The review follows a series of enforcement actions against trading platforms this year."
)


@dataclass(frozen=True)
class Case:
    name: str  # unique, also the path: https://HOST/feeds/NAME or https://HOST/pages/NAME
    where: str  # "feed" | "page"
    category: str
    body: bytes
    content_type: str
    expect: str  # "error" | "repaired" | "stored" | "logged" | "any"

    @property
    def path(self) -> str:
        return f"{HOST}/{'feeds' if self.where == 'feed' else 'pages'}/{self.name}"

    @property
    def url(self) -> str:
        return f"https://{self.path}"


def _page(title: str, body: str, charset: str = "utf-8", head: str = "", lang: str = "en") -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="{charset}"><title>{title}</title>{head}'
        f"</head><body><article><h1>{title}</h1><p>{body}</p><p>{body}</p></article></body></html>"
    )


def good_page(i: int) -> str:
    return _page(f"Good story {i}", f"Story {i}. {_EN} Item number {i} of the control set.")


def _rss(items: list[tuple[str, str]], encoding: str = "UTF-8") -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{u}</link><pubDate>Tue, 05 Jul 2022 04:00:00 +0000</pubDate></item>"
        for t, u in items
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>Feed</title>'
        f"<link>https://{HOST}/</link>{body}</channel></rss>"
    )


def _good_links(n: int, start: int = 0) -> list[tuple[str, str]]:
    return [(f"Good story {i}", f"https://{HOST}/ok/{i}") for i in range(start, start + n)]


HTML = "text/html; charset=utf-8"
XML = "application/rss+xml; charset=utf-8"


def _feeds() -> list[Case]:
    rng = random.Random(20240601)
    cases: list[Case] = []

    def add(name, category, body, expect, ctype=XML):
        cases.append(
            Case(name, "feed", category, body if isinstance(body, bytes) else body.encode("utf-8"), ctype, expect)
        )

    # truncated downloads: a good feed cut at 30 points (XML declaration, mid-tag, mid-item, mid-text)
    full = _rss(_good_links(8)).encode()
    cuts = sorted(
        {5, 20, 38, 60, len(full) - 1, len(full) - 7, len(full) - 16}
        | {rng.randrange(60, len(full) - 20) for _ in range(40)}
    )[:30]
    for k, cut in enumerate(cuts):
        add(f"truncated-{k:02d}", "truncated_xml", full[:cut], "logged")
    # broken, not just short: bad escaping, mismatched tags, garbage after the root, two roots
    add("unescaped-amp", "broken_xml", full.replace(b"<title>Good story 3", b"<title>Good & story 3"), "logged")
    add("mismatched-tags", "broken_xml", full.replace(b"</title>", b"</titel>", 2), "logged")
    add("garbage-after-root", "broken_xml", full + b"<rss><channel>", "logged")
    add("two-roots", "broken_xml", full + full, "logged")
    add("lt-in-text", "broken_xml", full.replace(b"Good story 5", b"Good story 5 <3 crypto"), "logged")
    add(
        "cdata-unterminated",
        "broken_xml",
        full.replace(b"<title>Good story 6", b"<title><![CDATA[Good story 6"),
        "logged",
    )

    # HTML (and other things) served where a feed was expected
    for k, body in enumerate(
        [
            _page("Our feed has moved", "Please update your reader."),
            "<html><body><p>Feed moved</p></body></html>",
            "<!-- generated --><!DOCTYPE html><html><head><title>RSS</title></head><body>rss</body></html>",
            "<HTML><BODY>404 Not Found</BODY></HTML>",
            "   \n\n<!doctype html><html><body><form>Login required</form></body></html>",
            '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>xhtml</p></body></html>',
            "<html><body><rss><channel><item><link>https://x/</link></item></channel></rss></body></html>",
            '{"items": [{"url": "https://malformed.example/ok/1"}]}',
            "url,title\nhttps://malformed.example/ok/1,One\n",
            "Just some plain text where a feed should be.",
            "<div>not a document</div>",
            '<?xml version="1.0"?><note><to>you</to><body>not a feed</body></note>',
            '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>',
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\"><html><body>x</body></html>",
            "<?php echo 'rss'; ?>",
        ]
    ):
        add(f"html-as-feed-{k:02d}", "html_as_feed", body, "error", ctype="text/html; charset=utf-8" if k % 2 else XML)

    # entity-expansion bombs and external entities: refused before any expansion
    laughs = "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    add(
        "billion-laughs",
        "entity_bomb",
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{laughs}]>'
        "<rss><channel><item><title>&lol9;</title><link>https://malformed.example/ok/1</link></item></channel></rss>",
        "error",
    )
    for depth in (3, 5, 7):
        ents = "".join(f'<!ENTITY e{i} "{("&e%d;" % (i - 1)) * 16}">' for i in range(1, depth))
        add(
            f"laughs-depth-{depth}",
            "entity_bomb",
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e0 "ha">{ents}]><rss><channel><item>'
            f"<title>&e{depth - 1};</title><link>https://malformed.example/ok/2</link></item></channel></rss>",
            "error",
        )
    big = "B" * 50_000
    add(
        "quadratic-blowup",
        "entity_bomb",
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{big}">]><rss><channel><item><title>'
        + "&a;" * 2000
        + "</title></item></channel></rss>",
        "error",
    )
    for k, target in enumerate(
        ["file:///etc/passwd", "file:///dev/random", "http://127.0.0.1:9/evil.dtd", "https://attacker.example/x"]
    ):
        add(
            f"external-entity-{k}",
            "entity_bomb",
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}">]>'
            "<rss><channel><item><title>&xxe;</title><link>https://malformed.example/ok/3</link></item></channel></rss>",
            "error",
        )
    add(
        "parameter-entity",
        "entity_bomb",
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p; <!ENTITY q "x">]>'
        "<rss><channel><item><title>&q;</title></item></channel></rss>",
        "error",
    )
    add(
        "external-dtd",
        "entity_bomb",  # well-formed: the external subset is never fetched
        '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/rss.dtd"><rss><channel><item><title>&undefined;'
        "</title><link>https://malformed.example/ok/4</link></item></channel></rss>",
        "any",
    )
    add("gzip-bomb", "entity_bomb", gzip.compress(b"<rss><channel>" + b" " * (60 * 1024 * 1024), 9, mtime=0), "error")

    # wrong and mixed encodings
    zh_feed = _rss([(_ZH[:20], f"https://{HOST}/ok/5")], encoding="UTF-8")
    for enc in ("gbk", "big5", "gb18030"):
        add(f"feed-{enc}-declared-utf8", "wrong_encoding", zh_feed.encode(enc, errors="replace"), "logged")
    ru_feed = _rss([(_RU[:40], f"https://{HOST}/ok/6")], encoding="UTF-8")
    for enc in ("cp1251", "koi8-r"):
        add(f"feed-{enc}-declared-utf8", "wrong_encoding", ru_feed.encode(enc), "logged")
    fr_feed = _rss([(_FR, f"https://{HOST}/ok/7")])
    add("feed-latin1-declared-utf8", "wrong_encoding", fr_feed.encode("latin-1", errors="replace"), "logged")
    # UTF-16 is recognised from the bytes (XML 1.0, appendix F), whatever the declaration says
    add("feed-utf16-no-bom", "wrong_encoding", fr_feed.replace("UTF-8", "UTF-16").encode("utf-16-le"), "any")
    add("feed-utf16-declared-utf8", "wrong_encoding", fr_feed.encode("utf-16"), "any")
    add(
        "feed-mixed-cp1252",
        "mixed_encoding",
        fr_feed.encode("utf-8").replace("«".encode(), b"\x93").replace("»".encode(), b"\x94"),
        "logged",
    )
    add("feed-invalid-bytes", "mixed_encoding", full.replace(b"Good story 2", b"Good \xff\xfe\xfd story 2"), "logged")
    add("feed-nul-bytes", "mixed_encoding", full.replace(b"Good story 4", b"Good\x00story\x00 4"), "logged")
    add("feed-unknown-charset", "wrong_encoding", fr_feed.replace("UTF-8", "x-klingon").encode("utf-8"), "logged")
    add("feed-ebcdic", "wrong_encoding", fr_feed.encode("cp500", errors="replace"), "error")

    # binary data and empty bodies
    for k in range(6):
        add(f"feed-random-{k}", "binary", random.Random(1000 + k).randbytes(512 + 997 * k), "error")
    add("feed-png", "binary", b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(2000), "error", ctype="image/png")
    add("feed-zlib", "binary", zlib.compress(full), "error")
    add("feed-gzip-corrupt", "binary", gzip.compress(full, mtime=0)[:60], "error")
    add("feed-nuls", "binary", b"\x00" * 4096, "error")
    for k, body in enumerate([b"", b" ", b"\r\n\r\n", b"\xef\xbb\xbf", b'<?xml version="1.0"?>', b"\t \n"]):
        add(f"feed-empty-{k}", "empty", body, "error")
    return cases


def _pages() -> list[Case]:
    cases: list[Case] = []

    def add(name, category, body, expect, ctype=HTML):
        cases.append(
            Case(name, "page", category, body if isinstance(body, bytes) else body.encode("utf-8"), ctype, expect)
        )

    # wrong encodings: the page is in one encoding, the header (and <meta>) say another
    samples = [
        ("gbk", _ZH, "zh"),
        ("gb18030", _ZH, "zh"),
        ("big5", _ZH, "zh"),
        ("shift_jis", _JA, "ja"),
        ("euc-jp", _JA, "ja"),
        ("euc-kr", _KO, "ko"),
        ("cp1251", _RU, "ru"),
        ("koi8-r", _RU, "ru"),
        ("latin-1", _FR, "fr"),
        ("cp1252", _DE, "de"),
    ]
    for enc, text, lang in samples:
        doc = _page(text[:24], text, charset="utf-8", lang=lang)
        add(f"{enc}-declared-utf8", "wrong_encoding", doc.encode(enc, errors="replace"), "repaired")
        add(
            f"{enc}-header-utf8-no-meta",
            "wrong_encoding",
            doc.replace('<meta charset="utf-8">', "").encode(enc, errors="replace"),
            "repaired",
        )
        if enc in ("gbk", "gb18030", "big5", "shift_jis", "euc-jp", "euc-kr"):
            # declared Latin-1: every byte is valid Latin-1, so (as in a browser) the page is read as
            # declared and stored; only bytes that Windows-1252 leaves undefined reveal the lie
            add(
                f"{enc}-declared-latin1",
                "wrong_encoding",
                doc.replace('charset="utf-8"', 'charset="iso-8859-1"').encode(enc, errors="replace"),
                "stored",
                ctype="text/html; charset=iso-8859-1",
            )
    # mixed: UTF-8 pages with stray legacy bytes (smart quotes and dashes from a CMS paste)
    stray = [b"\x93", b"\x94", b"\x91", b"\x92", b"\x96", b"\x97", b"\x85", b"\xa0", b"\xe9", b"\xfc"]
    for k in range(20):
        doc = _page(f"Mixed bytes {k}", f"{_FR} {_EN} @@ quoted @@ {_DE}").encode("utf-8")
        add(
            f"mixed-{k:02d}",
            "mixed_encoding",
            doc.replace(b"@@", stray[k % len(stray)] + stray[(k * 3) % len(stray)]),
            "repaired",
        )
    add(
        "utf8-overlong",
        "mixed_encoding",
        _page("Overlong", _EN).encode().replace(b"Regulators", b"Regul\xc0\xafators"),
        "repaired",
    )
    add(
        "utf8-surrogates",
        "mixed_encoding",
        _page("Surrogates", _EN).encode().replace(b"review", b"rev\xed\xa0\x80iew"),
        "repaired",
    )
    add(
        "utf8-truncated-sequence",
        "mixed_encoding",
        _page("Cut sequence", _ZH, lang="zh").encode()[:-60] + b"\xe6\xaf",
        "repaired",
    )
    add("utf16-declared-utf8", "wrong_encoding", _page("Sixteen", _EN).encode("utf-16-le"), "logged")

    # truncated pages: cut before any text (only the <head>, or less)
    doc = _page("Truncated story", _EN).encode()
    for k, cut in enumerate([0, 1, 15, 40, 60, 80, 100, 120, doc.index(b"<body>"), doc.index(b"<h1>")]):
        add(f"truncated-{k:02d}", "truncated_html", doc[:cut], "error")

    # HTML served as an article but not an article (a feed, JSON, CSV, a redirect stub, scripts only)
    for k, body in enumerate(
        [
            _rss(_good_links(2)),
            '{"title": "json", "body": "not html"}',
            "[1, 2, 3]",
            "%PDF-1.7\n%\xe2\xe3\n1 0 obj",
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>',
            "<html><head><script>var a = 1;</script></head><body><script>location='x'</script></body></html>",
            # (a delay beyond Scrapy's METAREFRESH_MAXDELAY: the page itself is what gets judged)
            '<html><head><meta http-equiv="refresh" content="3600;url=/elsewhere"></head><body></body></html>',
            "<frameset><frame src='a'><frame src='b'></frameset>",
            "<html><body><img src='x.png'><img src='y.png'></body></html>",
            "<html><body><!-- nothing but a comment --></body></html>",
            "<html><body><table><tr><td></td></tr></table></body></html>",
            "<svg xmlns='http://www.w3.org/2000/svg'><text>hi</text></svg>",
        ]
    ):
        add(f"not-an-article-{k:02d}", "not_article", body, "error")

    # entity tricks inside HTML (the HTML parser must not expand declared entities)
    add(
        "html-entity-bomb",
        "entity_bomb",
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        "<html><head><title>&d;&d;&d;</title></head><body><p>&d;&d;&d;&d;</p></body></html>",
        "error",
    )
    add(
        "xhtml-external-entity",
        "entity_bomb",
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<html><head><title>&x;</title></head><body><p>&x;</p></body></html>",
        "error",
        ctype="application/xhtml+xml",
    )
    add(
        "numeric-entity-flood",
        "entity_bomb",
        "<html><body><p>" + "&#0;&#xD800;&#1114112;" * 20_000 + "</p></body></html>",
        "error",
    )

    # binary data served as HTML
    for k in range(12):
        add(f"random-bytes-{k:02d}", "binary", random.Random(2000 + k).randbytes(256 + 1531 * k), "error")
    signatures = {
        "png": b"\x89PNG\r\n\x1a\n",
        "gif": b"GIF89a",
        "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
        "zip": b"PK\x03\x04",
        "gzip": b"\x1f\x8b\x08\x00",
        "elf": b"\x7fELF\x02\x01\x01",
        "pdf": b"%PDF-1.4\n",
        "wasm": b"\x00asm\x01\x00\x00\x00",
        "sqlite": b"SQLite format 3\x00",
        "mp4": b"\x00\x00\x00\x18ftypmp42",
    }
    for k, (kind, magic) in enumerate(signatures.items()):
        add(f"binary-{kind}", "binary", magic + random.Random(3000 + k).randbytes(4000), "error")
    add("nul-bytes", "binary", b"\x00" * 10_000, "error")
    add(
        "html-then-binary",
        "binary",
        b"<html><head><title>Half</title></head><body>" + random.Random(9).randbytes(8000),
        "error",
    )
    add("binary-typed", "binary", random.Random(10).randbytes(3000), "error", ctype="application/octet-stream")
    add("image-typed", "binary", signatures["png"] + random.Random(11).randbytes(3000), "error", ctype="image/png")

    # empty bodies
    for k, body in enumerate(
        [
            b"",
            b" ",
            b"\n\n\n",
            b"\xef\xbb\xbf",
            b"\t\r\n ",
            b"<html></html>",
            b"<html><head></head><body></body></html>",
            b"<!doctype html>",
            b"<p></p>",
            b"<",
        ]
    ):
        add(f"empty-{k:02d}", "empty", body, "error")

    # structure bombs: deep nesting, huge attributes, enormous titles and tag soup
    add(
        "deep-divs",
        "structure",
        "<html><body>" + "<div>" * 100_000 + _EN + "</div>" * 100_000 + "</body></html>",
        "logged",
    )
    add("deep-unclosed", "structure", "<html><body>" + "<b><i>" * 50_000 + _EN, "logged")
    add("deep-tables", "structure", "<html><body>" + "<table><tr><td>" * 20_000 + _EN + "</body></html>", "logged")
    add(
        "huge-attribute",
        "structure",
        _page("Huge attribute", _EN, head=f'<meta name="x" content="{"y" * 3_000_000}">'),
        "stored",
    )
    add("huge-title", "structure", _page("T" * 500_000, _EN), "stored")
    add(
        "many-paragraphs",
        "structure",
        "<html><head><title>Many paragraphs</title></head><body>" + "<p>" + _EN + "</p>" * 20_000 + "</body></html>",
        "stored",
    )
    add(
        "tag-soup", "structure", "<html><p><b>Tag <i>soup</b> story</i><table><p>" + _EN + "<tr><td><li>x</html>", "any"
    )
    add(
        "control-chars",
        "structure",
        _page("Control chars", _EN.replace(" ", "\x01 \x0b", 2) + "\x1b[31m\x7f"),
        "stored",
    )
    add("nul-in-html", "structure", _page("NUL inside", _EN.replace(" ", "\x00 ", 3)), "stored")
    add(
        "json-ld-deep",
        "structure",
        _page(
            "Deep JSON-LD",
            _EN,
            head='<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>",
        ),
        "stored",
    )
    add(
        "json-ld-deep-objects",
        "structure",
        _page(
            "Deep JSON-LD objects",
            _EN,
            head='<script type="application/ld+json">' + '{"@graph":' * 900 + "{}" + "}" * 900 + "</script>",
        ),
        "stored",
    )
    add(
        "json-ld-deep-lists",
        "structure",
        _page(
            "Deep JSON-LD lists", _EN, head='<script type="application/ld+json">' + "[" * 960 + "]" * 960 + "</script>"
        ),
        "stored",
    )

    # impossible metadata: dates, languages, canonical links; the article is kept, the bad field dropped
    for k, date in enumerate(
        [
            "9999-99-99",
            "2022-02-30T25:61:00Z",
            "0000-00-00",
            "1e309",
            "yesterday-ish",
            "2999-01-01T00:00:00Z",
            "-1",
            "2022-07-05T04:00:00+99:00",
        ]
    ):
        add(
            f"bad-date-{k}",
            "bad_metadata",
            _page(f"Bad date {k}", _EN, head=f'<meta property="article:published_time" content="{date}">'),
            "stored",
        )
    add(
        "bad-json-ld",
        "bad_metadata",
        _page(
            "Broken JSON-LD",
            _EN,
            head='<script type="application/ld+json">{"@type": '
            '"NewsArticle", "headline": "x", datePublished: }</script>',
        ),
        "stored",
    )
    add(
        "bad-canonical",
        "bad_metadata",
        _page("Bad canonical", _EN, head='<link rel="canonical" href="javascript:alert(1)">'),
        "stored",
    )
    add(
        "canonical-offsite",
        "bad_metadata",
        _page("Offsite canonical", _EN, head='<link rel="canonical" href="https://evil.example/x">'),
        "stored",
    )
    add("bad-lang", "bad_metadata", _page("Bad lang", _EN).replace('lang="en"', 'lang="\x00-?!"'), "stored")

    # sizes: one just under the download limit (stored or counted), one over it, one of 50 MB
    filler = ("<p>" + _EN + "</p>\n") * 10
    add("page-4mb", "large", _page("Four megabytes", _EN) + "<!--" + "x" * (4 * 1024 * 1024) + "-->", "stored")
    add("page-6mb", "large", _page("Six megabytes", filler * (6 * 1024 * 1024 // len(filler) + 1)), "error")
    head = _page("Fifty megabytes", _EN).encode()[: -len("</article></body></html>")]
    block = filler.encode()
    add("page-50mb", "large", head + block * ((BIG_PAGE_BYTES - len(head)) // len(block) + 1), "error")
    return cases


def corpus() -> list[Case]:
    cases = _feeds() + _pages()
    names = [c.path for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases


def write_site(root: Path, cases: list[Case], good: int = 10) -> dict:
    """Lay the corpus out for ReplayServer under `root`; returns the manifest it wrote.

    https://HOST/ok/N are `good` control pages; https://HOST/pages.xml lists every page case (and
    the control pages); each feed case is at https://HOST/feeds/NAME.
    """
    root.mkdir(parents=True, exist_ok=True)
    manifest: dict = {}
    files = {
        f"{HOST}/robots.txt": b"User-agent: *\nAllow: /\n",
        f"{HOST}/pages.xml": _rss(
            _good_links(good) + [(f"Case {c.name}", c.url) for c in cases if c.where == "page"]
        ).encode(),
    }
    files.update({f"{HOST}/ok/{i}": good_page(i).encode() for i in range(good)})
    for c in cases:
        files[c.path] = c.body
        manifest[c.path] = {"content_type": c.content_type}
    for rel, body in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return manifest


def source_dict() -> dict:
    """The registry entry of the corpus source: the good page list plus every feed case."""
    feeds = [f"https://{HOST}/pages.xml"] + [c.url for c in corpus() if c.where == "feed"]
    return {"id": "malformed", "name": "Malformed", "domain": HOST, "lang": "en", "feeds": feeds}

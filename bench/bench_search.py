"""Search latency on a generated corpus: p50 / p95 of chainwatch.search.search over ~50 queries.

    .venv/bin/python bench/bench_search.py                  # 1,000,000 articles, then drops the database
    .venv/bin/python bench/bench_search.py --rows 50000     # a quick run
    .venv/bin/python bench/bench_search.py --keep           # keep `chainwatch_bench` for another run
    .venv/bin/python bench/bench_search.py --reuse          # reuse a kept database of the right size
    .venv/bin/python bench/bench_search.py --reuse --keep --pool 2000 --window 0   # tuning overrides

The corpus goes into a throwaway database (`chainwatch_bench`, on TEST_PG_ADMIN_URL's server, default
postgresql://postgres@127.0.0.1:5432/postgres), migrated like any ChainWatch database. Articles are
built in SQL with generate_series from a pool of sentences drawn from a vocabulary (see en_vocabulary
and zh_vocabulary: word counts of the bundled real news snapshot, crypto-news terms and phrases, a long
tail of rare names; for Chinese, jieba's dictionary frequencies), so some words are in most articles and
most are rare. Ids follow publication time (articles are stored roughly as they are published). 5% are
Chinese, their jieba tokens (chainwatch.textsearch.zh_tokens) computed per sentence. Labels: an article
is positive for a label when it contains one of the label's taxonomy keywords (label_articles), one model
version. Indexes other than primary/unique keys are dropped for the load and rebuilt after it (how a
bulk load is done; the schema's indexes are the ones built).

Measured: wall time of each search() call (new connection, tsquery, search), after one warm-up pass.
Prints per-query timings (slowest first), p50 / p95 / max, and the load time. Not a test.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from chainwatch import db  # noqa: E402
from chainwatch.search import search  # noqa: E402
from chainwatch.textsearch import zh_tokens  # noqa: E402

ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "chainwatch_bench"
MODEL = "bench-v1"
START = date(2023, 1, 1)
DAYS = 3 * 365

# Vocabulary. English: word counts from the titles and leads of the bundled real news snapshot
# (replay/site, 1,250 crypto-news items) give the head of the distribution; crypto-news terms and
# phrases (kept adjacent, as "tornado cash" is in real text) are added at a middle frequency; a long
# tail of generated names (tickers, people, projects) at Zipf-decreasing weights makes most words
# rare, as in real text. Chinese: jieba's own dictionary frequencies (real usage) plus news terms.
EN_TERMS = (
    """
crypto|bitcoin|blockchain|exchange|regulators|stablecoin|tornado cash|money laundering|laundering|launder
mixer|sanctions|ofac|terrorist financing|aml|kyc|travel rule|fatf|sec|cftc|lawsuit|settlement|fined
enforcement|court|prosecutors|indicted|convicted|sentenced|fraud|scam|scammers|phishing|ponzi scheme
pyramid scheme|rug pull|exit scam|ico|presale|pump and dump|wash trading|insider trading|manipulation
hack|hacked|hacker|exploit|exploited|flash loan|stolen|drained|vulnerability|bridge|oracle|audit
bubble|mania|frenzy|memecoin|speculative|fomo|crash|collapse|cbdc|digital yuan|e-cny|digital euro
central bank|pilot|payments|remittance|cross-border|usdt|usdc|tether|circle|ripple|solana|cardano
polygon|arbitrum|rollup|zero-knowledge|consensus|upgrade|hard fork|mainnet|testnet|developers
smart contract|custody|etf approval|spot etf|futures|derivatives|leverage|liquidation|volatility
university|students|education|research institute|talent|supply chain|trade finance|tokenization
real-world assets|enterprise|partnership|adoption|self-regulation|code of conduct|proof of reserves
imf|bis|fsb|g20|iosco|basel committee|international cooperation|nigeria|hong kong|singapore|dubai
""".replace("\n", "|")
    .strip("|")
    .split("|")
)

ZH_TERMS = """
比特币 以太坊 区块链 数字货币 虚拟货币 交易所 投资者 监管 央行 中国人民银行 数字人民币 试点 跨境支付
稳定币 泰达币 洗钱 反洗钱 诈骗 骗局 传销 庞氏骗局 非法集资 黑客 攻击 漏洞 被盗 安全事件 泡沫 炒作
投机 市场操纵 内幕交易 首次代币发行 代币 涉案金额 警方 破获 案件 法院 判决 处罚 牌照 合规 金融稳定
国际合作 供应链 贸易融资 实体经济 产业区块链 政务 落地 零知识 扩容 主网 共识
""".split()
ZH_LATIN = ["USDT", "ICO", "DeFi", "NFT", "Tornado Cash", "Bitcoin"]


def _syllable_words(rng: random.Random, n: int) -> list[str]:
    onsets = [
        "b",
        "c",
        "d",
        "f",
        "g",
        "h",
        "j",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "z",
        "br",
        "ch",
        "cr",
        "dr",
        "gr",
        "kr",
        "pl",
        "qu",
        "sh",
        "st",
        "tr",
        "th",
        "x",
    ]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"]
    codas = ["", "", "n", "r", "s", "x", "l", "m", "nd", "rk", "th", "z"]
    words: set[str] = set()
    while len(words) < n:
        words.add(
            "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(rng.randint(2, 3)))
        )
    return sorted(words)


def en_vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    import glob
    import html
    import re
    from collections import Counter

    counts: Counter = Counter()
    for path in glob.glob(os.path.join(ROOT, "replay", "site", "**", "index.html"), recursive=True):
        page = open(path, encoding="utf-8", errors="replace").read()
        for m in re.finditer(r'<meta property="og:(?:title|description)" content="([^"]*)"', page):
            text = html.unescape(m.group(1)).replace("\xa0", " ")
            counts.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9'\-]*[A-Za-z0-9]|[A-Za-z]", text))
    words, weights = list(counts), [float(c) for c in counts.values()]
    for term in EN_TERMS:
        if term not in counts:
            words.append(term)
            weights.append(3.0)
    for k, name in enumerate(_syllable_words(rng, 20_000)):
        words.append(name)
        weights.append(1.0 / (1 + k / 200))
    return words, weights


def zh_vocabulary() -> tuple[list[str], list[float]]:
    import jieba

    entries = []
    with open(
        jieba.get_dict_file().name
        if hasattr(jieba, "get_dict_file")
        else os.path.join(os.path.dirname(jieba.__file__), "dict.txt"),
        encoding="utf-8",
    ) as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and 2 <= len(parts[0]) <= 4:
                entries.append((int(parts[1]), parts[0]))
    entries.sort(reverse=True)
    entries = entries[:30_000]
    words, weights = [w for _, w in entries], [float(f) for f, _ in entries]
    mid = weights[len(weights) // 20]
    words += ZH_TERMS + ZH_LATIN
    weights += [mid] * len(ZH_TERMS) + [mid / 4] * len(ZH_LATIN)
    return words, weights


EN_SOURCES = [f"news{i:02d}" for i in range(35)]
ZH_SOURCES = [f"zhnews{i}" for i in range(5)]

# ~50 queries: common and rare words, phrases, or / - syntax, Chinese, with and without filters.
RECENT = (START + timedelta(days=DAYS - 30)).isoformat()
QUARTER = (START + timedelta(days=DAYS - 90)).isoformat()
QUERIES: list[tuple[str, dict]] = [
    ("bitcoin", {}),
    ("crypto", {}),
    ("market", {}),
    ("exchange hacked", {}),
    ("tornado cash", {}),
    ('"tornado cash"', {}),
    ("money laundering", {}),
    ("laundering", {}),
    ("stablecoin regulation", {}),
    ("sec lawsuit", {}),
    ("binance fined", {}),
    ("etf approval", {}),
    ("rug pull", {}),
    ("ponzi scheme", {}),
    ("phishing scam victims", {}),
    ("flash loan exploit", {}),
    ("cbdc pilot", {}),
    ("e-cny", {}),
    ("fatf travel rule", {}),
    ("memecoin frenzy", {}),
    ("wash trading", {}),
    ("hack or exploit", {}),
    ("bitcoin -etf", {}),
    ("solana outage", {}),
    ("nigeria", {}),
    ("quarterly whitepaper roadmap", {}),
    ("数字人民币", {}),
    ("洗钱", {}),
    ("中国人民银行 试点", {}),
    ("比特币 交易所", {}),
    ("诈骗", {}),
    ("bitcoin", {"since": RECENT}),
    ("crypto", {"label": "money_laundering"}),
    ("hack", {"label": "security_breach", "since": QUARTER}),
    ("exchange", {"lang": "en", "since": RECENT}),
    ("market", {"source": "news07"}),
    ("token", {"source": "news13", "since": QUARTER}),
    ("stablecoin", {"label": "stablecoins_payments"}),
    ("sanctions", {"label": "money_laundering", "lang": "en"}),
    ("数字人民币", {"lang": "zh"}),
    ("洗钱", {"label": "money_laundering"}),
    ("区块链", {"lang": "zh", "since": QUARTER}),
    ("bitcoin", {"lang": "zh"}),
    ("ICO", {"lang": "zh"}),
    ("tornado cash", {"until": QUARTER}),
    ("pump dump", {"label": "market_manipulation", "since": QUARTER, "until": RECENT}),
    ("regulators", {"label": "cbdc"}),
    ("defi protocol", {"label": "talent_education"}),
    ("court", {"since": RECENT, "source": "news21", "lang": "en"}),
    ("bitcoin price", {"limit": 100}),
]


def _url(name: str) -> str:
    return urlunsplit(urlsplit(ADMIN_URL)._replace(path="/" + name))


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _sentences(
    rng: random.Random, vocab: tuple[list[str], list[float]], count: int, lo: int, hi: int, sep: str
) -> list[str]:
    words, weights = vocab
    cum = list(itertools.accumulate(weights))
    return [sep.join(rng.choices(words, cum_weights=cum, k=rng.randint(lo, hi))) for _ in range(count)]


def _copy(cur, table: str, rows: list[tuple]) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write(
            "\t".join(
                "\\N" if v is None else str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ") for v in row
            )
            + "\n"
        )
    buf.seek(0)
    cur.copy_from(buf, table, sep="\t", null="\\N")


LOAD_SQL = """
INSERT INTO articles (id, url, canonical_url, source_id, title, lead, text, published_at, lang,
                      content_hash, story_id, zh_tokens, fetched_at)
SELECT g, 'https://' || src || '.example/a/' || g, 'https://' || src || '.example/a/' || g, src,
       t.title, NULL, t.body,
       %(start)s::timestamptz + make_interval(secs => (g::float8 / %(rows)s) * %(secs)s
                                                      - abs(hashint8(g * 7)) %% (3 * 86400)),
       CASE WHEN zh THEN 'zh' ELSE 'en' END, md5(g::text),
       CASE WHEN g %% 10 = 1 AND g > 3 THEN g - 2 ELSE g END,
       t.tokens, now()
FROM (SELECT g, g %% 20 = 0 AS zh FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g) s
CROSS JOIN LATERAL (
    SELECT (CASE WHEN s.zh THEN %(zh_sources)s::text[] ELSE %(en_sources)s::text[] END)
           [1 + abs(hashint8(s.g * 3)) %% CASE WHEN s.zh THEN %(n_zh_src)s ELSE %(n_en_src)s END] AS src
) pick
CROSS JOIN LATERAL (
    SELECT (SELECT p.text FROM bench_pool p
            WHERE p.zh = s.zh AND p.n = abs(hashint8(s.g * 5)) %% CASE WHEN s.zh THEN %(n_zh)s ELSE %(n_en)s END) AS title,
           string_agg(x.text, CASE WHEN s.zh THEN '。' ELSE '. ' END ORDER BY x.j) AS body,
           CASE WHEN s.zh THEN string_agg(x.tokens, ' ' ORDER BY x.j) END AS tokens
    FROM generate_series(1, 5 + (s.g %% 7)::int) j
    CROSS JOIN LATERAL (  -- one primary-key probe per sentence
        SELECT j, p.text, p.tokens FROM bench_pool p
        WHERE p.zh = s.zh
          AND p.n = abs(hashint8(s.g * 131 + j)) %% CASE WHEN s.zh THEN %(n_zh)s ELSE %(n_en)s END
    ) x
) t
"""


def label_articles(cur) -> None:
    """Classify every article the way the model roughly does: positive for a label when the article has
    one of the label's taxonomy keywords (English phrases; Chinese keywords through the jieba tokens), so
    labels go with the words, as in real data. Articles without any keyword are classified, unlabelled."""
    from chainwatch import taxonomy

    cur.execute(
        "INSERT INTO classified_articles (article_id, model_version, status) SELECT id, %s, 'ok' FROM articles",
        (MODEL,),
    )
    for lab in taxonomy.load():
        en = [k for k in lab.keywords.get("en", ()) if k.strip()]
        zh = [t for t in (zh_tokens(k) for k in lab.keywords.get("zh", ())) if t]
        cur.execute(
            """
            INSERT INTO classifications (article_id, model_version, label, probability, positive)
            SELECT a.id, %(model)s, %(label)s, 0.5 + (abs(hashint8(a.id * 31)) %% 50) / 100.0, true
            FROM articles a,
                 (SELECT string_agg('(' || q::text || ')', ' | ')::tsquery AS q FROM (
                      SELECT phraseto_tsquery('english', k) AS q FROM unnest(%(en)s::text[]) k
                      UNION ALL
                      SELECT plainto_tsquery('simple', k) FROM unnest(%(zh)s::text[]) k) parts
                  WHERE numnode(q) > 0) kw
            WHERE a.tsv @@ kw.q
            """,
            {"model": MODEL, "label": lab.id, "en": en, "zh": zh},
        )
        _say(f"  label {lab.id}: {cur.rowcount:,} articles")


def generate(url: str, rows: int, chunk: int = 50_000) -> float:
    from chainwatch import taxonomy
    from chainwatch.storage.labels import sync_labels

    t0 = time.perf_counter()
    rng = random.Random(42)
    n_en, n_zh = 30_000, 6_000
    en_pool = _sentences(rng, en_vocabulary(rng), n_en, 8, 20, " ")
    zh_pool = _sentences(rng, zh_vocabulary(), n_zh, 4, 10, "")
    conn = psycopg2.connect(url)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET maintenance_work_mem = '1GB'")
    cur.execute("SET synchronous_commit = off")
    cur.execute("SET jit = off")
    cur.execute("SET enable_hashjoin = off")  # the pool is probed by primary key, per sentence
    cur.execute("SET enable_mergejoin = off")
    sync_labels(cur, taxonomy.load())
    for sid in EN_SOURCES + ZH_SOURCES:
        cur.execute(
            "INSERT INTO sources (id, name, domain, lang, kind) VALUES (%s, %s, %s, %s, 'feed')",
            (sid, sid.title(), f"{sid}.example", "zh" if sid.startswith("zh") else "en"),
        )
    cur.execute("INSERT INTO model_versions (version, encoder) VALUES (%s, 'bench')", (MODEL,))
    cur.execute("CREATE UNLOGGED TABLE bench_pool (zh boolean, n int, text text, tokens text, PRIMARY KEY (zh, n))")
    _copy(
        cur,
        "bench_pool",
        [(False, i, s.capitalize(), None) for i, s in enumerate(en_pool)]
        + [(True, i, s, zh_tokens(s)) for i, s in enumerate(zh_pool)],
    )
    cur.execute("ANALYZE bench_pool")

    # Bulk load: drop secondary indexes now, rebuild them after.
    cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
        "AND tablename IN ('articles', 'classifications', 'classified_articles') "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
    )
    secondary = cur.fetchall()
    for name, _ in secondary:
        cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    params = {
        "start": START.isoformat() + "T00:00:00Z",
        "secs": DAYS * 86400,
        "zh_sources": ZH_SOURCES,
        "en_sources": EN_SOURCES,
        "n_zh_src": len(ZH_SOURCES),
        "n_en_src": len(EN_SOURCES),
        "n_zh": n_zh,
        "n_en": n_en,
        "rows": rows,
    }
    for lo in range(1, rows + 1, chunk):
        hi = min(rows, lo + chunk - 1)
        cur.execute(LOAD_SQL, {**params, "lo": lo, "hi": hi})
        _say(f"  loaded {hi:,} / {rows:,} articles ({time.perf_counter() - t0:.0f} s)")
    cur.execute("SELECT setval('articles_id_seq', %s)", (rows,))
    for name, definition in secondary:
        t1 = time.perf_counter()
        cur.execute(definition)
        _say(f"  index {name} built ({time.perf_counter() - t1:.0f} s)")
    cur.execute("DROP TABLE bench_pool")
    cur.execute("ANALYZE articles")
    label_articles(cur)
    cur.execute("VACUUM ANALYZE")
    conn.close()
    return time.perf_counter() - t0


def prepare(admin, name: str, rows: int, *, reuse: bool) -> tuple[str, float | None]:
    """The URL of database `name` holding `rows` generated articles, and the seconds generating them took
    (None when `reuse` found a kept database of that size). Also used by bench_web.py."""
    url = _url(name)
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        exists = cur.fetchone() is not None
    if exists and reuse:
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM articles")
            if cur.fetchone()[0] == rows:
                return url, None
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    db.upgrade(url)
    _say(f"generating {rows:,} articles into {name} ...")
    load_s = generate(url, rows)
    _say(f"generated in {load_s:.0f} s")
    return url, load_s


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per query (after one warm-up)")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument("--reuse", action="store_true", help="reuse a kept database holding --rows articles")
    ap.add_argument("--pool", type=int, help="override chainwatch.search.POOL (tuning)")
    ap.add_argument("--window", type=int, help="override chainwatch.search.WINDOW; 0: one statement (tuning)")
    ap.add_argument("--db", help=f"database name (default {DB_NAME}); the suite uses its own")
    ap.add_argument("--json", metavar="PATH", help="also write the figures to PATH (python -m bench)")
    args = ap.parse_args()
    globals()["DB_NAME"] = args.db or DB_NAME  # main() reads the module-level name
    import chainwatch.search as search_module

    if args.pool:
        search_module.POOL = args.pool
    if args.window is not None:
        search_module.WINDOW = args.window or None

    admin = psycopg2.connect(ADMIN_URL)
    admin.autocommit = True
    url, load_s = prepare(admin, DB_NAME, args.rows, reuse=args.reuse)
    try:
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT count(*), count(*) FILTER (WHERE lang = 'zh'), pg_size_pretty(pg_total_relation_size('articles'))"
                " FROM articles"
            )
            n, n_zh, size = cur.fetchone()
            cur.execute("SELECT count(*) FROM classifications")
            n_cls = cur.fetchone()[0]
        for q, kw in QUERIES:  # warm-up: caches, jieba dictionary
            search(q, database_url=url, **kw)
        per_query: list[tuple[float, int, str, dict]] = []
        samples: list[float] = []
        for q, kw in QUERIES:
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                hits = search(q, database_url=url, **kw)
                times.append((time.perf_counter() - t0) * 1000)
            samples += times
            per_query.append((statistics.median(times), len(hits), q, kw))
        print(
            f"corpus: {n:,} articles ({n_zh:,} zh), {n_cls:,} positive labels, articles table {size}"
            + (f"; generated in {load_s:.0f} s" if load_s is not None else " (reused)")
        )
        print(
            f"{len(QUERIES)} queries x {args.repeat} runs, pool {search_module.POOL}, first window "
            f"{search_module.WINDOW or 'all'}; ms per search() call, new connection each:"
        )
        for ms, count, q, kw in sorted(per_query, reverse=True)[:12]:
            print(f"  {ms:8.1f} ms  {count:>3} hits  {q!r} {kw or ''}")
        print(
            f"p50 {_pct(samples, 0.50):.1f} ms   p95 {_pct(samples, 0.95):.1f} ms   "
            f"max {max(samples):.1f} ms   (target: p95 < 200 ms)"
        )
        if args.json:
            import json

            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump(
                    {
                        "search_rows": n,
                        "search_queries": len(QUERIES) * args.repeat,
                        "search_p50_ms": _pct(samples, 0.50),
                        "search_p95_ms": _pct(samples, 0.95),
                        "search_max_ms": max(samples),
                        "search_generation_s": load_s,
                    },
                    fh,
                )
    finally:
        if not args.keep:
            with admin.cursor() as cur:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME)))
        admin.close()


if __name__ == "__main__":
    main()

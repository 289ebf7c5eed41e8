"""Property-based tests (Hypothesis): URL canonicalisation and near-duplicate story clustering."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import psycopg2
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chainwatch.storage.stories import MAX_DAYS_APART, StoryIndex, signature
from spiders.canonical import _TRACKING_NAMES, _TRACKING_PREFIXES, _is_tracking, canonical_url

# -- canonical URLs ----------------------------------------------------------------------------

label = st.from_regex(r"[b-z][a-z0-9]{2,9}", fullmatch=True).filter(lambda s: s not in ("www", "amp"))
hosts = st.builds(
    lambda sub, name, tld: f"{sub}{name}.{tld}",
    st.sampled_from(["", "news.", "blog."]),
    label,
    st.sampled_from(["com", "org", "io", "cn", "co.uk"]),
)
segment = st.from_regex(r"[a-z0-9][a-z0-9-]{0,11}", fullmatch=True).filter(lambda s: s != "amp")
paths = st.builds(
    lambda segs, html, slash: (
        "/" + "/".join(segs) + (".html" if html and segs else "") + ("/" if slash and segs and not html else "")
    ),
    st.lists(segment, min_size=1, max_size=4),
    st.booleans(),
    st.booleans(),
)
param_name = st.from_regex(r"[a-z]{1,8}", fullmatch=True).filter(lambda n: not _is_tracking(n))
queries = st.lists(
    st.tuples(param_name, st.from_regex(r"[a-z0-9]{0,6}", fullmatch=True)), max_size=3, unique_by=lambda kv: kv[0]
)
tracking = st.one_of(
    st.sampled_from(sorted(_TRACKING_NAMES)),
    st.builds(lambda p, s: p + s, st.sampled_from(_TRACKING_PREFIXES), st.from_regex(r"[a-z]{1,8}", fullmatch=True)),
)


def query_string(pairs) -> str:
    return "&".join(f"{k}={v}" for k, v in pairs)


@st.composite
def article_urls(draw):
    """(host, path, query pairs): the parts of a plain article address."""
    return draw(hosts), draw(paths), draw(queries)


def url_of(host, path, pairs, scheme="https") -> str:
    return f"{scheme}://{host}{path}" + (f"?{query_string(pairs)}" if pairs else "")


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.one_of(
        article_urls().map(lambda parts: url_of(*parts)),
        st.text(),
        st.builds(lambda s, t: s + t, st.sampled_from(["http://", "https://www.", "HTTPS://amp."]), st.text()),
    )
)
def test_canonical_url_is_idempotent_and_never_crashes(raw):
    try:
        once = canonical_url(raw)
    except ValueError:
        return  # not a web address: the one error it may raise
    assert canonical_url(once) == once
    assert once.startswith("https://") and "#" not in once
    assert not re.match(r"https://(www|amp)\.[^/]*\.", once)


@settings(max_examples=200, deadline=None, database=None)
@given(
    article_urls(),
    st.lists(st.tuples(tracking, st.from_regex(r"[a-z0-9]{0,8}", fullmatch=True)), min_size=1, max_size=4),
    st.randoms(use_true_random=False),
    st.booleans(),
)
def test_tracking_parameters_are_removed(parts, extra, rnd, upper):
    host, path, pairs = parts
    mixed = list(pairs) + [(name.upper() if upper else name, value) for name, value in extra]
    rnd.shuffle(mixed)
    tracked = canonical_url(url_of(host, path, mixed))
    assert tracked == canonical_url(url_of(host, path, pairs))
    query = tracked.partition("?")[2]
    assert not any(_is_tracking(kv.partition("=")[0]) for kv in query.split("&") if kv)


@settings(max_examples=200, deadline=None, database=None)
@given(
    article_urls(),
    st.sampled_from(["http", "https", "HTTP", "Https"]),
    st.booleans(),
    st.sampled_from(["", "#top", "#comments", "#:~:text=x"]),
    st.sampled_from(["plain", "amp-suffix", "amp-prefix", "amp-host", "amp-html", "amp-cache", "port"]),
)
def test_www_scheme_fragment_and_amp_variants_collapse(parts, scheme, www, fragment, amp):
    host, path, pairs = parts
    base = canonical_url(url_of(host, path, pairs))
    vpath, vhost = path, ("www." + host if www else host)
    if amp == "amp-suffix":
        vpath = path.rstrip("/") + "/amp" + ("/" if path.endswith("/") else "")
    elif amp == "amp-prefix":
        vpath = "/amp" + path
    elif amp == "amp-host":
        vhost = "amp." + host
    elif amp == "amp-html":
        assume(path.endswith(".html"))
        vpath = path[: -len(".html")] + ".amp.html"
    elif amp == "port":
        vhost += ":443" if scheme.lower() == "https" else ":80"
    variant = url_of(vhost.upper() if scheme.isupper() else vhost, vpath, pairs, scheme) + fragment
    if amp == "amp-cache":
        cache_host = host.replace("-", "--").replace(".", "-") + ".cdn.ampproject.org"
        variant = f"https://{cache_host}/c/s/{vhost}{vpath}" + (f"?{query_string(pairs)}" if pairs else "")
    assert canonical_url(variant) == base


@settings(max_examples=100, deadline=None, database=None)
@given(
    article_urls(),
    st.lists(
        st.tuples(param_name, st.from_regex(r"[a-z0-9]{1,4}", fullmatch=True)),
        min_size=2,
        max_size=4,
        unique_by=lambda kv: kv[0],
    ),
    st.randoms(use_true_random=False),
)
def test_query_parameter_order_does_not_matter(parts, pairs, rnd):
    host, path, _ = parts
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    assert canonical_url(url_of(host, path, shuffled)) == canonical_url(url_of(host, path, pairs))


# -- near-duplicate stories --------------------------------------------------------------------

# Two vocabularies with no word in common: texts drawn from one never resemble texts from the other.
VOCAB_A = [f"alpha{i}" for i in range(400)]
VOCAB_B = [f"beta{i}" for i in range(400)]
DAY = datetime(2022, 7, 5, tzinfo=UTC)


def texts(vocab, min_words=12):
    return st.lists(st.sampled_from(vocab), min_size=min_words, max_size=80).map(" ".join)


@settings(max_examples=100, deadline=None, database=None)
@given(texts(VOCAB_A), st.text(max_size=30), st.integers(0, MAX_DAYS_APART * 24), st.booleans())
def test_identical_texts_share_a_story(text, title, hours_apart, dated):
    index = StoryIndex()
    sig = signature(title, text)
    first = index.assign(10, sig, DAY if dated else None)
    second = index.assign(11, sig, DAY + timedelta(hours=hours_apart) if dated else None)
    assert first == 10 and second == 10


@settings(max_examples=100, deadline=None, database=None)
@given(texts(VOCAB_A), texts(VOCAB_B), st.text(max_size=20))
def test_unrelated_texts_do_not_share_a_story(text_a, text_b, title):
    index = StoryIndex()
    assert index.assign(1, signature(title, text_a), DAY) == 1
    assert index.assign(2, signature(title, text_b), DAY) == 2


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 5)), min_size=2, max_size=12, unique=True),
    st.randoms(use_true_random=False),
)
def test_find_does_not_depend_on_the_order_articles_were_indexed(members, rnd):
    """Articles with the same text (a cluster per (vocabulary, seed)), indexed in two different orders:
    every lookup answers the same story, the earliest article's on a tie."""

    def text(vocab, seed):
        words = VOCAB_A if vocab == "a" else VOCAB_B
        return " ".join(words[(seed * 37 + k * 11) % len(words)] for k in range(30))

    entries = [(article_id, signature("", text(v, s))) for article_id, (v, s) in enumerate(members, start=1)]
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    indexes = []
    for order in (entries, shuffled):
        index = StoryIndex()
        for article_id, sig in order:
            index.add(article_id, article_id, sig, DAY)
        indexes.append(index)
    for _article_id, sig in entries:
        found = [index.find(sig, DAY) for index in indexes]
        assert found[0] == found[1]
        same = [other for other, other_sig in entries if other_sig == sig]
        assert found[0] == min(same)


@pytest.fixture(scope="module")
def story_db(db_url):
    """The session database with one source for the clustering property (its articles wiped per example)."""
    conn = psycopg2.connect(db_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO sources (id, name, domain, lang, kind) VALUES ('prop_a', 'A', 'a.example', 'en', 'feed'),"
            " ('prop_b', 'B', 'b.example', 'en', 'feed') ON CONFLICT DO NOTHING"
        )
    yield conn
    with conn.cursor() as cur:
        cur.execute("DELETE FROM articles WHERE source_id IN ('prop_a', 'prop_b')")
    conn.close()


@settings(max_examples=8, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 3), min_size=3, max_size=10), st.randoms(use_true_random=False))
def test_concurrent_crawls_end_with_the_same_stories_whatever_the_interleaving(story_db, copies_of, rnd):
    """Two crawls each cluster against the index they loaded at their start, so copies stored by one are
    unknown to the other; after reconcile_stories every copy's story is its cluster's first article,
    however the two crawls' batches interleaved."""
    from chainwatch.contracts import Article
    from chainwatch.storage.articles import upsert_articles
    from chainwatch.storage.stories import reconcile_stories

    with story_db.cursor() as cur:
        cur.execute("DELETE FROM articles WHERE source_id IN ('prop_a', 'prop_b')")
        cur.execute("SELECT now()")
        since = cur.fetchone()[0]
        crawls = {"prop_a": StoryIndex.load(cur), "prop_b": StoryIndex.load(cur)}  # both start empty-handed
    stored = []
    for n, cluster in enumerate(copies_of):
        body = " ".join(VOCAB_A[(cluster * 53 + k * 7) % len(VOCAB_A)] for k in range(40))
        source = rnd.choice(["prop_a", "prop_b"])
        url = f"https://{source[-1]}.example/{n}"
        article = Article(
            url=url,
            canonical_url=url,
            source=source,
            title=f"Story {cluster}",
            text=body,
            published=DAY,
            lang="en",
            content_hash=hashlib.sha256(body.encode()).hexdigest(),
            fetched_at=DAY,
        )
        with story_db, story_db.cursor() as cur:
            upsert_articles(cur, [article], stories=crawls[source])
        stored.append((url, cluster))
    with story_db, story_db.cursor() as cur:
        reconcile_stories(cur, since)
        cur.execute("SELECT canonical_url, id, story_id FROM articles WHERE source_id IN ('prop_a', 'prop_b')")
        rows = {url: (article_id, story) for url, article_id, story in cur.fetchall()}
    first_of = {}
    for url, cluster in stored:
        first_of[cluster] = min(first_of.get(cluster, rows[url][0]), rows[url][0])
    for url, cluster in stored:
        assert rows[url][1] == first_of[cluster]

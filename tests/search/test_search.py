"""chainwatch.search and `chainwatch search`: English and Chinese full-text search on a seeded database."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import UTC, date, datetime, timedelta

import pytest

from chainwatch import taxonomy
from chainwatch.errors import ChainWatchError
from chainwatch.search import SearchHit, search, search_page, split_query
from tests import factories
from tests.storage.seed import seed


@pytest.fixture()
def ids(clean_db, db_cursor):
    return seed(db_cursor)


def _ids(hits):
    return [h.article_id for h in hits]


# -- English ------------------------------------------------------------------------------------


def test_phrase_finds_every_article_of_the_story(ids):
    hits = search("tornado cash")
    assert set(_ids(hits)) == {ids["tc_coindesk"], ids["tc_theblock"], ids["tc_decrypt"]}
    assert [h.rank for h in hits] == sorted((h.rank for h in hits), reverse=True)
    assert all(isinstance(h, SearchHit) and h.rank > 0 for h in hits)


def test_english_stemming_laundering_finds_launder(clean_db, db_cursor):
    factories.add_source(db_cursor, "s")
    only_launder = factories.add_article(
        db_cursor,
        source="s",
        title="Mixers under scrutiny",
        text="Criminals launder funds through mixers.",
        published=datetime(2026, 1, 5, tzinfo=UTC),
    )
    factories.add_article(
        db_cursor,
        source="s",
        title="Bitcoin rallies",
        text="Prices rose on Monday.",
        published=datetime(2026, 1, 5, tzinfo=UTC),
    )
    hits = search("laundering")
    assert _ids(hits) == [only_launder]
    assert "«launder»" in hits[0].snippet


def test_title_match_ranks_above_body_match(ids):
    hits = search("mixer")
    # old_mixer has the word in its title; the others only in their text
    assert hits[0].article_id == ids["old_mixer"]
    assert ids["tc_theblock"] in _ids(hits) and ids["tc_decrypt"] in _ids(hits)


def test_websearch_syntax_exclusion_and_or(ids):
    assert ids["tc_decrypt"] not in _ids(search('"tornado cash" -verdict'))
    assert set(_ids(search('"tornado cash" -verdict'))) == {ids["tc_coindesk"]}
    either = set(_ids(search("ransomware or oracle")))
    assert either == {ids["old_mixer"], ids["hack_coindesk"], ids["hack_theblock"]}


def test_hit_fields_snippet_and_labels(ids):
    [hit] = search("\"jury convicts\"", limit=5)
    assert hit.article_id == ids["tc_theblock"]
    assert hit.title == "Jury convicts Tornado Cash developer"
    assert hit.source == "theblock" and hit.lang == "en" and hit.url.startswith("https://theblock.example/")
    assert hit.published_at.tzinfo is not None
    assert hit.labels == ["regulation_enforcement"]  # the newer model (v2) replaced v1's labels
    [hit] = search("flash loan attack")
    assert hit.labels == ["security_breach"]
    assert "«" in hit.snippet and "»" in hit.snippet


def test_stop_words_only_returns_nothing(ids):
    assert search("the and of") == []


# -- Chinese ------------------------------------------------------------------------------------


def test_chinese_word_found_across_segmentation(ids):
    # jieba segments the article as 数字 / 人民币; the query word 数字人民币 still finds it
    hits = search("数字人民币")
    assert set(_ids(hits)) == {ids["zh_ecny"], ids["zh_ecny_pay"]}
    by_id = {h.article_id: h for h in hits}
    assert "中国人民银行发布«数字»«人民币»试点" in by_id[ids["zh_ecny"]].snippet


def test_chinese_laundering(ids):
    hits = search("洗钱")
    assert _ids(hits) == [ids["zh_laundering"]]
    assert "«洗钱»" in hits[0].snippet and hits[0].lang == "zh"
    assert hits[0].labels == ["money_laundering"]


def test_chinese_words_are_all_required(ids):
    assert _ids(search("人民银行 试点")) == [ids["zh_ecny"]]
    assert search("数字人民币 洗钱") == []


def test_mixed_english_and_chinese_query(clean_db, db_cursor):
    factories.add_source(db_cursor, "s", lang="zh")
    mixed = factories.add_article(
        db_cursor,
        source="s",
        lang="zh",
        published=datetime(2026, 3, 1, tzinfo=UTC),
        title="美国制裁混币器Tornado Cash",
        text="美国财政部以洗钱为由制裁Tornado Cash。",
    )
    factories.add_article(
        db_cursor,
        source="s",
        lang="zh",
        published=datetime(2026, 3, 1, tzinfo=UTC),
        title="警方破获洗钱案",
        text="警方破获一起洗钱案件。",
    )
    assert _ids(search("tornado 洗钱")) == [mixed]
    assert _ids(search("Tornado Cash")) == [mixed]


def test_split_query_separates_chinese_words():
    en, groups = split_query("Tornado 数字人民币 pilot")
    assert en.split() == ["Tornado", "pilot"]
    assert groups == [("数字", ""), ("人民币", "")] or groups == [("数字人民币", "数字 人民币")]
    _, groups = split_query("中国人民银行")
    assert groups == [("中国人民银行", "中国 人民 银行")]


# -- filters ------------------------------------------------------------------------------------


def test_label_filter_uses_latest_model(ids):
    hits = search("tornado", label="money_laundering")
    # theblock's article lost the label under the newer model
    assert set(_ids(hits)) == {ids["tc_coindesk"], ids["tc_decrypt"]}
    assert all("money_laundering" in h.labels for h in hits)


def test_lang_source_and_limit_filters(ids):
    assert {h.lang for h in search("数字人民币", lang="zh")} == {"zh"}
    assert search("tornado cash", lang="zh") == []
    assert _ids(search("tornado cash", source="decrypt")) == [ids["tc_decrypt"]]
    assert len(search("tornado cash", limit=2)) == 2
    assert _ids(search("tornado cash", lang="EN", source="coindesk")) == [ids["tc_coindesk"]]


def test_date_filters_are_inclusive_utc_days(ids, db_cursor):
    db_cursor.execute("SELECT published_at FROM articles WHERE id = %s", (ids["old_mixer"],))
    day = db_cursor.fetchone()[0].astimezone(UTC).date()
    assert _ids(search("mixer", since=day, until=day)) == [ids["old_mixer"]]
    assert _ids(search("mixer", since=day.isoformat(), until=day.isoformat())) == [ids["old_mixer"]]
    assert ids["old_mixer"] not in _ids(search("mixer", since=day + timedelta(days=1)))
    assert ids["old_mixer"] not in _ids(search("mixer", until=day - timedelta(days=1)))
    recent = search("mixer", since=date.today() - timedelta(days=30))
    assert set(_ids(recent)) == {ids["tc_coindesk"], ids["tc_theblock"], ids["tc_decrypt"]}


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_blank_query_is_a_clear_error(ids, query):
    with pytest.raises(ChainWatchError, match="search query is empty"):
        search(query)


def test_unknown_label_lists_valid_labels(ids):
    with pytest.raises(ChainWatchError) as err:
        search("tornado", label="laundering")
    message = str(err.value)
    assert message.startswith("unknown label 'laundering'; valid labels:")
    assert all(lab in message for lab in taxonomy.label_ids())
    assert "\n" not in message


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"since": "2026-02-30"}, "invalid date '2026-02-30' for since"),
        ({"until": "yesterday"}, "invalid date 'yesterday' for until"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "is after until"),
        ({"lang": "english"}, "invalid language code"),
        ({"source": "nosuchsource"}, "unknown source 'nosuchsource'; known sources: coindesk"),
        ({"limit": 0}, "limit must be"),
        ({"limit": 100000}, "limit must be"),
        ({"since": date.max, "until": date.max}, "out of range"),
    ],
)
def test_bad_arguments_are_clear_errors(ids, kwargs, fragment):
    with pytest.raises(ChainWatchError) as err:
        search("tornado", **kwargs)
    assert fragment in str(err.value)


# -- command line -------------------------------------------------------------------------------


def run_cli(monkeypatch, capsys, *args):
    """Run `chainwatch search ...` through the real entry point; returns (exit code, stdout, stderr)."""
    from chainwatch import cli

    monkeypatch.setattr(sys, "argv", ["chainwatch", "search", *args])
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_json(ids, monkeypatch, capsys):
    code, out, _ = run_cli(
        monkeypatch,
        capsys,
        "tornado cash",
        "--label",
        "money_laundering",
        "--since",
        "2000-01-01",
        "--lang",
        "en",
        "--format",
        "json",
    )
    assert code == 0
    rows = json.loads(out)
    assert {r["article_id"] for r in rows} == {ids["tc_coindesk"], ids["tc_decrypt"]}
    assert set(rows[0]) == {
        "article_id",
        "title",
        "url",
        "source",
        "published_at",
        "published_day",
        "lang",
        "rank",
        "snippet",
        "labels",
        "scores",
    }
    assert len(rows[0]["scores"]) == len(rows[0]["labels"])
    datetime.fromisoformat(rows[0]["published_at"])
    date.fromisoformat(rows[0]["published_day"])


def test_cli_csv(ids, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "洗钱", "--format", "csv", "--limit", "5")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [int(r["article_id"]) for r in rows] == [ids["zh_laundering"]]
    assert rows[0]["labels"] == "money_laundering" and "«洗钱»" in rows[0]["snippet"]


def test_cli_table(ids, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "flash loan", "--source", "theblock", "--until", "2100-01-01")
    assert code == 0
    assert "Lending protocol exploited for $40 million" in out and "labels: security_breach" in out
    assert out.strip().endswith("1 article(s)")
    code, out, _ = run_cli(monkeypatch, capsys, "nothingmatchesthis")
    assert code == 0 and "no matching articles" in out


def test_cli_errors_are_one_line(ids, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "tornado", "--label", "nope")
    assert code != 0 and out == ""
    assert err.startswith("error: unknown label 'nope'") and err.count("\n") == 1
    code, _, err = run_cli(monkeypatch, capsys, "tornado", "--since", "01/02/2026")
    assert code != 0 and err.startswith("error: invalid date '01/02/2026' for since")


# -- bounded ranking: only the newest POOL matches are ranked, found window by window ------------


def test_only_the_newest_matches_are_ranked(clean_db, db_cursor, monkeypatch):
    from chainwatch import search as search_module

    factories.add_source(db_cursor, "a")
    factories.add_source(db_cursor, "b")
    when = datetime(2026, 2, 1, tzinfo=UTC)
    # the oldest article is the best match (word in the title), then 20 more, every third a match
    best = factories.add_article(db_cursor, source="a", title="Mixer mixer", text="A mixer story.", published=when)
    ids = []
    for i in range(20):
        word = "mixer" if i % 3 == 0 else "exchange"
        src = "a" if i % 2 == 0 else "b"
        aid = factories.add_article(
            db_cursor,
            source=src,
            title=f"Story {i}",
            text=f"About the {word} number {i}.",
            published=when + timedelta(hours=i + 1),
        )
        if i % 3 == 0:
            factories.add_labels(db_cursor, aid, {"money_laundering": 0.9 if src == "a" else 0.2})
        ids.append((aid, word, src))
    mixers = [aid for aid, word, _ in ids if word == "mixer"]  # 7, oldest first
    assert len(search("mixer", limit=50)) == 8 and search("mixer")[0].article_id == best

    monkeypatch.setattr(search_module, "POOL", 4)
    monkeypatch.setattr(search_module, "WINDOW", 2)  # windows of 2, 4, 8, 16 ids
    hits = search("mixer", limit=50)
    assert {h.article_id for h in hits} == set(mixers[-4:])  # the best, oldest one is past the pool
    assert best not in {h.article_id for h in hits}
    # filters apply before the cut
    from_a = [aid for aid, word, src in ids if word == "mixer" and src == "a"]
    assert {h.article_id for h in search("mixer", source="a", limit=50)} == set(from_a[-4:])
    labelled = [aid for aid, word, src in ids if word == "mixer" and src == "a"]
    assert {h.article_id for h in search("mixer", label="money_laundering", limit=50)} == set(labelled[-4:])
    # the source, language and category filters are lexemes of the search index (migration 012)
    db_cursor.execute("UPDATE sources SET category = CASE id WHEN 'b' THEN 'official' ELSE 'news' END")
    from_b = [aid for aid, word, src in ids if word == "mixer" and src == "b"]
    assert {h.article_id for h in search_page("mixer", category="official", limit=50).hits} == set(from_b[-4:])
    news = {h.article_id for h in search_page("mixer", category="news", label="money_laundering", limit=50).hits}
    assert news == set(labelled[-4:])
    assert {h.article_id for h in search("mixer", lang="en", limit=50)} == set(mixers[-4:])
    assert search("mixer", lang="zh") == []
    db_cursor.execute("UPDATE sources SET category = 'news'")
    assert search_page("mixer", category="official").hits == []  # a category without sources
    monkeypatch.setattr(search_module, "POOL", 100)
    assert {h.article_id for h in search("mixer", limit=50)} == set(mixers) | {best}


def test_label_matching_agrees_with_the_article_labels_view(ids, db_cursor):
    """matches_label.sql spells out the view's "latest classification" rule: both must agree."""
    db_cursor.execute("SELECT id, title FROM articles")
    titles = dict(db_cursor.fetchall())
    for label in ("money_laundering", "regulation_enforcement", "cbdc", "security_breach", "tech_innovation"):
        db_cursor.execute("SELECT article_id FROM article_labels WHERE label = %s", (label,))
        expected = {r[0] for r in db_cursor.fetchall()}
        for article_id, title in titles.items():
            found = article_id in {h.article_id for h in search(title, label=label, limit=1000)}
            assert found == (article_id in expected), (label, title)

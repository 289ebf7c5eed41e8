"""The JSON API's contract, endpoint by endpoint, against the real server and database: shapes,
filters, cursor paging, and bad input (wrong dates, unknown labels, huge pages, injection strings),
which must get a JSON 4xx with a message and never a stack trace."""

from __future__ import annotations

from datetime import datetime

import pytest

from chainwatch.taxonomy import load as load_taxonomy
from tests.web import scenario

ITEM_KEYS = {
    "id",
    "title",
    "url",
    "source",
    "source_name",
    "category",
    "published_at",
    "published_day",
    "lang",
    "labels",
    "snippet",
    "rank",
}


def _error(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status and body["error"]["message"]
    assert "Traceback" not in response.text and "psycopg2" not in response.text
    return body["error"]["message"]


def _published(item) -> datetime:
    return datetime.fromisoformat(item["published_at"])


# -- articles -----------------------------------------------------------------------------------


def test_browse_lists_newest_first_with_cursor_paging(client):
    first = client.get("/api/v1/articles", params={"limit": 7}).json()
    assert first["mode"] == "browse" and len(first["articles"]) == 7 and first["next_cursor"]
    assert all(set(a) == ITEM_KEYS for a in first["articles"])
    second = client.get("/api/v1/articles", params={"limit": 7, "cursor": first["next_cursor"]}).json()
    seen = [a["id"] for a in first["articles"] + second["articles"]]
    assert len(seen) == len(set(seen)) == 14
    dates = [_published(a) for a in first["articles"] + second["articles"]]
    assert dates == sorted(dates, reverse=True)


def test_browse_walks_every_article_once(client, web_db):
    ids, cursor = [], None
    while True:
        page = client.get("/api/v1/articles", params={"limit": 100, **({"cursor": cursor} if cursor else {})}).json()
        ids += [a["id"] for a in page["articles"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(ids) == len(set(ids)) == web_db.crawled + web_db.planted


def test_search_ranks_and_highlights(client):
    page = client.get("/api/v1/articles", params={"q": "stablecoin"}).json()
    assert page["mode"] == "search" and page["matched"] >= 4 and not page["capped"]
    assert all("«" in a["snippet"] or "stablecoin" in a["title"].lower() for a in page["articles"])
    ranks = [a["rank"] for a in page["articles"]]
    assert ranks == sorted(ranks, reverse=True)


def test_search_pages_with_a_cursor_and_sorts_by_date(client):
    first = client.get("/api/v1/articles", params={"q": "bitcoin", "limit": 5, "sort": "date"}).json()
    assert first["matched"] > 5 and first["next_cursor"]
    second = client.get(
        "/api/v1/articles", params={"q": "bitcoin", "limit": 5, "sort": "date", "cursor": first["next_cursor"]}
    ).json()
    both = first["articles"] + second["articles"]
    assert len({a["id"] for a in both}) == 10
    assert [_published(a) for a in both] == sorted((_published(a) for a in both), reverse=True)


def test_chinese_query_is_accepted(client):
    assert client.get("/api/v1/articles", params={"q": "稳定币 监管"}).status_code == 200


@pytest.mark.parametrize("q", [None, "stablecoin"])
def test_filters_hold_in_both_modes(client, q):
    base = {"q": q} if q else {}
    official = client.get("/api/v1/articles", params={**base, "category": "official"}).json()["articles"]
    assert official and all(a["category"] == "official" for a in official)
    news = client.get("/api/v1/articles", params={**base, "category": "news", "limit": 50}).json()["articles"]
    assert news and all(a["category"] == "news" for a in news)
    one = client.get("/api/v1/articles", params={**base, "source": scenario.SOURCE, "lang": "en"}).json()["articles"]
    assert one and all(a["source"] == scenario.SOURCE and a["lang"] == "en" for a in one)
    ranged = client.get(
        "/api/v1/articles", params={**base, "since": "2022-06-01", "until": "2022-06-30", "limit": 100}
    ).json()["articles"]
    assert ranged and all("2022-06-01" <= a["published_at"][:10] <= "2022-06-30" for a in ranged)


def test_label_and_min_score_filter(client):
    every = client.get("/api/v1/articles", params={"label": "regulation_enforcement", "limit": 100}).json()["articles"]
    assert every
    for a in every:
        assert "regulation_enforcement" in [lab["label"] for lab in a["labels"]]
    strong = client.get(
        "/api/v1/articles", params={"label": "regulation_enforcement", "min_score": 0.9, "limit": 100}
    ).json()["articles"]
    assert len(strong) <= len(every)
    for a in strong:
        assert [lab["score"] for lab in a["labels"] if lab["label"] == "regulation_enforcement"][0] >= 0.9


@pytest.mark.parametrize(
    "params, param",
    [
        ({"since": "2022-13-45"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"since": "2022-06-30", "until": "2022-06-01"}, "until"),
        ({"label": "no_such_label"}, "label"),
        ({"label": "'; DROP TABLE articles; --"}, "label"),
        ({"min_score": "0.5"}, "min_score"),
        ({"label": "crypto_scam", "min_score": "2"}, "min_score"),
        ({"limit": "100000"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"source": "nosuchsource"}, "source"),
        ({"source": "../../etc/passwd"}, "source"),
        ({"lang": "english"}, "lang"),
        ({"category": "blogs"}, "category"),
        ({"sort": "random"}, "sort"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"q": "x" * 1001}, "q"),
    ],
)
def test_bad_article_parameters_get_422(client, params, param):
    response = client.get("/api/v1/articles", params=params)
    message = _error(response, 422)
    assert param in message or param in str(response.json()["error"].get("details"))


def test_a_cursor_only_fits_its_own_query(client):
    cursor = client.get("/api/v1/articles", params={"limit": 2}).json()["next_cursor"]
    _error(client.get("/api/v1/articles", params={"limit": 2, "lang": "en", "cursor": cursor}), 422)
    _error(client.get("/api/v1/articles", params={"q": "bitcoin", "cursor": cursor}), 422)


@pytest.mark.parametrize(
    "q",
    [
        "' OR 1=1 --",
        "%(tsq)s",
        "stablecoin'); DELETE FROM articles; --",
        "<script>",
        "a & | ! :* <->",
        "\\",
        '"unclosed',
    ],
)
def test_injection_strings_are_just_words(client, q):
    response = client.get("/api/v1/articles", params={"q": q})
    assert response.status_code in (200, 422), response.text
    assert "Traceback" not in response.text
    assert client.get("/api/v1/articles", params={"limit": 1}).json()["articles"]  # nothing was deleted


def test_nul_byte_is_refused_cleanly(client):
    _error(client.get("/api/v1/articles", params={"q": "bit\x00coin"}), 422)


def test_one_article_has_labels_evidence_and_story(client, web_db):
    art = client.get(f"/api/v1/articles/{web_db.official_article}").json()
    assert art["title"] == scenario.OFFICIAL_TITLE and art["category"] == "official"
    assert art["classification"]["model_version"]
    assert len(art["labels"]) == len(load_taxonomy())
    positives = [lab for lab in art["labels"] if lab["positive"]]
    assert positives and all(lab["evidence"] for lab in positives)
    assert art["story"]["story_id"] and isinstance(art["story"]["copies"], list)


def test_story_copies_are_other_articles_of_the_story(client):
    articles = client.get("/api/v1/articles", params={"limit": 100}).json()["articles"]
    for a in articles:
        detail = client.get(f"/api/v1/articles/{a['id']}").json()
        for copy in detail["story"]["copies"]:
            other = client.get(f"/api/v1/articles/{copy['id']}").json()
            assert other["story"]["story_id"] == detail["story"]["story_id"] and copy["id"] != a["id"]


@pytest.mark.parametrize(
    "path, status",
    [
        ("/api/v1/articles/999999999", 404),
        ("/api/v1/articles/0", 422),
        ("/api/v1/articles/abc", 422),
        ("/api/v1/articles/99999999999999999999", 422),
    ],
)
def test_missing_or_malformed_article_ids(client, path, status):
    _error(client.get(path), status)


# -- labels -------------------------------------------------------------------------------------


def test_labels_are_the_taxonomy(client):
    labels = client.get("/api/v1/labels").json()
    assert [lab["id"] for lab in labels] == [lab.id for lab in load_taxonomy()]
    one = client.get("/api/v1/labels/stablecoins_payments").json()
    assert one["description"] and one["kind"] == "policy"
    _error(client.get("/api/v1/labels/no_such_label"), 404)
    _error(client.get("/api/v1/labels/<script>"), 422)


def test_weekly_counts_cover_every_week_with_spikes_marked(client, web_db):
    body = client.get(
        "/api/v1/labels/regulation_enforcement/weeks", params={"since": "2022-04-25", "until": "2022-07-03"}
    ).json()
    weeks = body["weeks"]
    assert [w["iso_week"] for w in weeks][0] == "2022-W17" and weeks[-1]["iso_week"] == "2022-W26"
    assert len(weeks) == 10 and sum(w["items"] for w in weeks) > 0
    assert all(isinstance(w["spike"], bool) and w["items"] <= w["all_items"] for w in weeks)
    listed = client.get(
        "/api/v1/articles",
        params={"label": "regulation_enforcement", "since": "2022-06-06", "until": "2022-06-12", "limit": 100},
    ).json()["articles"]
    assert [w["items"] for w in weeks if w["iso_week"] == "2022-W23"] == [len(listed)]


@pytest.mark.parametrize(
    "params",
    [{"since": "2022-02-30"}, {"since": "2022-07-01", "until": "2022-06-01"}, {"weeks": "0"}, {"weeks": "100000"}],
)
def test_bad_weekly_count_parameters(client, params):
    _error(client.get("/api/v1/labels/crypto_scam/weeks", params=params), 422)


# -- digests and sources ------------------------------------------------------------------------


def test_digests_by_week_and_format(client, web_db):
    listed = client.get("/api/v1/digests").json()
    weeks = [d["iso_week"] for d in listed]
    assert web_db.week in weeks and weeks == sorted(weeks, reverse=True)
    html = client.get(f"/api/v1/digests/{web_db.week}/html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert f"ChainWatch digest {web_db.week}" in html.text
    md = client.get(f"/api/v1/digests/{web_db.week}/md")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    _error(client.get("/api/v1/digests/2001-W01/html"), 404)
    _error(client.get("/api/v1/digests/2022-W99/html"), 422)
    _error(client.get(f"/api/v1/digests/{web_db.week}/pdf"), 422)


def test_sources_with_health_and_runs(client):
    sources = {s["source_id"]: s for s in client.get("/api/v1/sources").json()}
    crawled = sources[scenario.SOURCE]
    assert crawled["health"] == "ok" and not crawled["flagged"] and crawled["runs"] and crawled["articles"] > 0
    assert sources[scenario.OFFICIAL]["category"] == "official"
    assert sources[scenario.OFFICIAL]["health"] == "never_run" and not sources[scenario.OFFICIAL]["flagged"]


# -- entities -----------------------------------------------------------------------------------

ENTITY_KEYS = {"entity_id", "kind", "name", "aliases", "articles", "stories", "last_seen"}
KIND_ORDER = ("exchange", "token", "company", "regulator", "person", "jurisdiction")


def test_entities_by_kind_with_counts(client, web_db):
    rows = client.get("/api/v1/entities").json()
    assert rows and all(set(r) == ENTITY_KEYS and r["articles"] >= 1 for r in rows)
    kinds = [r["kind"] for r in rows]
    assert kinds == sorted(kinds, key=KIND_ORDER.index)  # grouped by kind, in the gazetteer's order
    for kind in set(kinds):
        counts = [r["articles"] for r in rows if r["kind"] == kind]
        assert counts == sorted(counts, reverse=True)
    by_id = {r["entity_id"]: r for r in rows}
    assert by_id["binance"]["kind"] == "exchange" and "币安" in by_id["binance"]["aliases"]["zh"]
    exchanges = client.get("/api/v1/entities", params={"kind": "exchange"}).json()
    assert exchanges and {r["kind"] for r in exchanges} == {"exchange"}
    everything = client.get("/api/v1/entities", params={"min_articles": 0, "limit": 2000}).json()
    assert len(everything) > len(rows) and any(r["articles"] == 0 for r in everything)
    assert len(client.get("/api/v1/entities", params={"limit": 3}).json()) == 3


@pytest.mark.parametrize(
    "params",
    [{"kind": "planet"}, {"kind": "' OR 1=1 --"}, {"limit": 0}, {"limit": 10**6}, {"min_articles": -1}],
)
def test_entity_list_rejects_bad_parameters(client, params):
    _error(client.get("/api/v1/entities", params=params), 422)


def test_entity_by_id_name_or_alias(client, web_db):
    body = client.get("/api/v1/entities/binance").json()
    assert body["name"] == "Binance" and body["kind"] == "exchange" and "币安" in body["aliases"]["zh"]
    assert body["article_count"] >= 1 and body["stories"] >= 1 and body["article_count"] >= len(body["articles"])
    assert web_db.entity_article in [a["article_id"] for a in body["articles"]]
    assert all(a["source_name"] for a in body["articles"])
    assert all(a["published_day"] for a in body["articles"] if a["published_at"])  # the date to show
    weeks = body["weeks"]
    assert weeks and sum(w["articles"] for w in weeks) >= 1
    assert [w["week_start"] for w in weeks] == sorted(w["week_start"] for w in weeks)  # every week, in order
    assert len({w["iso_week"] for w in weeks}) == len(weeks) <= 26
    for alias in ("币安", "Binance", "BINANCE"):
        assert client.get(f"/api/v1/entities/{alias}").json()["entity_id"] == "binance", alias
    assert len(client.get("/api/v1/entities/binance", params={"limit": 1}).json()["articles"]) == 1


def test_unknown_or_hostile_entity_is_json_4xx(client):
    _error(client.get("/api/v1/entities/no-such-entity-anywhere"), 404)
    _error(client.get("/api/v1/entities/%27%3B%20DROP%20TABLE%20entities%3B--"), 404)
    _error(client.get("/api/v1/entities/" + "x" * 101), 422)
    _error(client.get("/api/v1/entities/binance", params={"limit": 201}), 422)
    assert client.get("/api/v1/entities/binance").status_code == 200  # the table is still there


def test_article_lists_its_entities_and_amounts(client, web_db):
    body = client.get(f"/api/v1/articles/{web_db.entity_article}").json()
    chips = {e["entity_id"]: e for e in body["entities"]}
    assert {"binance", "tether"} <= set(chips)
    assert chips["binance"]["name"] == "Binance" and chips["binance"]["mentions"] >= 2
    five = [m for m in body["amounts"] if m["surface"] == "$5 million"]
    assert [(m["currency"], m["amount_usd"], m["mentions"]) for m in five] == [("USD", 5_000_000, 2)]  # title, text


# -- the API as a whole -------------------------------------------------------------------------


def test_openapi_documents_every_endpoint_and_only_reads(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/articles/{article_id}/entities",
        "/api/v1/entities",
        "/api/v1/entities/{entity}",
        "/api/v1/labels",
        "/api/v1/labels/{label}",
        "/api/v1/labels/{label}/weeks",
        "/api/v1/digests",
        "/api/v1/digests/{week}/{fmt}",
        "/api/v1/sources",
    }
    assert all(set(ops) == {"get"} for ops in spec["paths"].values())


def test_no_write_endpoint(client):
    for path in ("/api/v1/articles", "/api/v1/articles/1", "/api/v1/labels", "/api/v1/digests", "/api/v1/sources"):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            _error(client.request(method, path), 405)


def test_interactive_docs_are_served_from_this_server(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "http://" not in page.text.split("<body")[0] and "https://" not in page.text.split("<body")[0]
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


def test_unknown_api_path_is_json_404(client):
    _error(client.get("/api/v1/nothing-here"), 404)

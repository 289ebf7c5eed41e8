"""JSON API discovery (spiders.discovery.api): paths, fan-out, alternatives, templates, dates,
packed lists, and clear errors; and a crawl of API sources through the real replay server."""

import base64
import json
import zlib

import pytest

from chainwatch.runners.crawl import crawl
from spiders.discovery import BadEntryPage
from spiders.discovery.api import detail_text, epoch_or_text, parse_api, resolve
from spiders.registry import Source
from tests.spiders.crawl_helpers import article_html, query

FAST = {"RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 2}
ZH = "香港证监会发布虚拟资产交易平台监管新规，要求平台为客户资产购买保险并隔离存放。"
ZH2 = "币安宣布暂停部分地区的新用户注册，以配合当地监管要求。后续安排将另行通知，用户资产不受影响。"


def endpoint(**fields):
    base = {"url": "https://api.x.example/list", "items": "data.list", "link": "https://x.example/n/{id}"}
    source = Source.from_dict(
        {"id": "x1", "name": "X", "domain": "x.example", "lang": "zh", "apis": [{**base, **fields}]}
    )
    return source.apis[0]


def test_paths_fan_out_and_alternatives():
    data = {
        "list": [{"lives": [{"id": 1}, {"id": 2}]}, {"lives": [{"id": 3}]}],
        "rows": [{"object_2": {"title": "B"}}, {"object_1": {"title": "A"}}],
    }
    assert [x["id"] for x in resolve(data, "list.*.lives")] == [1, 2, 3]
    assert [resolve(r, "object_1.title|object_2.title") for r in data["rows"]] == ["B", "A"]
    assert resolve(data, "nothing.here|also.not") is None
    assert resolve({"a": {"flashNews": [{"list": [7]}]}}, "a.flashNews.0.list") == [7]


def test_dates_epoch_seconds_milliseconds_and_text():
    assert epoch_or_text(1700000000) == "2023-11-14T22:13:20+00:00"
    assert epoch_or_text("1700000000000") == "2023-11-14T22:13:20+00:00"
    assert epoch_or_text("2024-01-02 10:00:00") == "2024-01-02 10:00:00"
    assert epoch_or_text(None) is None and epoch_or_text("") is None


def test_items_become_links_with_their_text_and_bad_items_are_counted():
    body = json.dumps(
        {
            "data": {
                "list": [
                    {"id": 5, "title": "标题", "add_time": 1700000000, "content": f"<p>{ZH}</p>"},
                    {"title": "no id"},
                    "not an object",
                ]
            }
        },
        ensure_ascii=False,
    ).encode()
    found = parse_api(body, "https://api.x.example/list", endpoint(published="add_time", body="content"))
    assert [(l.url, l.title, l.published, l.body) for l in found.links] == [
        ("https://x.example/n/5", "标题", "2023-11-14T22:13:20+00:00", f"<p>{ZH}</p>")
    ]
    assert found.problem == "bad_api_item" and "2 item" in found.message


def test_a_packed_list_is_unpacked():
    packed = base64.b64encode(zlib.compress(json.dumps({"list": [{"id": 9, "title": "t"}]}).encode())).decode()
    api = endpoint(items="data.list|data > list|*", decode="base64-zlib")
    for payload in ({"data": {"list": packed}}, {"data": packed}):
        assert [l.url for l in parse_api(json.dumps(payload).encode(), api.url, api).links] == ["https://x.example/n/9"]
    with pytest.raises(BadEntryPage, match="base64-zlib"):
        parse_api(json.dumps({"data": "not base64!"}).encode(), api.url, api)


@pytest.mark.parametrize(
    "body, kind",
    [
        (b"<html>Just a moment...</html>", "bad_json"),
        (b'{"data": {"list": {"id": 1}}}', "bad_api"),
        (b'{"data": {}}', "bad_api"),
    ],
)
def test_unusable_responses_are_clear_errors(body, kind):
    with pytest.raises(BadEntryPage) as err:
        parse_api(body, "https://api.x.example/list", endpoint())
    assert err.value.kind == kind


def test_detail_text():
    assert detail_text(b'{"data": {"docClob": "<p>x</p>"}}', "data.docClob") == "<p>x</p>"
    assert detail_text(b'{"data": {}}', "data.docClob") is None


def test_api_sources_crawl_flash_items_pages_and_details(clean_db, make_site, replay_server):
    flash = {
        "data": {
            "list": [
                {"article_id": 1, "title": "快讯一", "content": f"<p>{ZH}</p>", "add_time": 1700000000},
                {"article_id": 2, "title": "", "content": f"<p>{ZH2}</p>", "add_time": 1700000100},
            ]
        }
    }
    articles = {"data": [{"id": 7, "title": "Exchange rules tightened", "publishTime": 1700000200}]}
    search = {
        "items": [{"newsRefNo": "23PR1", "title": "SFC reprimands a platform", "issueDate": "2023-11-15T16:30:00"}]
    }
    content = {"newsRefNo": "23PR1", "html": "<p>The SFC reprimanded and fined a trading platform today.</p>" * 3}
    root = make_site(
        {
            "api.flash.example/robots.txt": "User-agent: *\nAllow: /\n",
            "api.flash.example/v2/list": json.dumps(flash, ensure_ascii=False),
            "pages.example/robots.txt": "User-agent: *\nAllow: /\n",
            "pages.example/api/list": json.dumps(articles),
            "pages.example/a/7": article_html("Exchange rules tightened", ["Exchanges must now screen clients."] * 3),
            "sfc.example/robots.txt": "User-agent: *\nAllow: /\n",
            "sfc.example/api/search": json.dumps(search),
            "sfc.example/api/content": json.dumps(content),
        }
    )
    srv = replay_server(root)
    flash_src = Source.from_dict(
        {
            "id": "flash",
            "name": "F",
            "domain": "flash.example",
            "lang": "zh",
            "timezone": "Asia/Shanghai",
            "apis": [
                {
                    "url": "https://api.flash.example/v2/list?limit=50",
                    "items": "data.list",
                    "link": "https://www.flash.example/flash/{article_id}",
                    "title": "title",
                    "published": "add_time",
                    "body": "content",
                }
            ],
        }
    )
    page_src = Source.from_dict(
        {
            "id": "pages",
            "name": "P",
            "domain": "pages.example",
            "lang": "en",
            "apis": [
                {
                    "url": "https://pages.example/api/list",
                    "method": "POST",
                    "form": {"page": 1},
                    "items": "data",
                    "link": "https://pages.example/a/{id}",
                    "published": "publishTime",
                }
            ],
        }
    )
    sfc_src = Source.from_dict(
        {
            "id": "sfc",
            "name": "S",
            "domain": "sfc.example",
            "lang": "en",
            "timezone": "Asia/Hong_Kong",
            "apis": [
                {
                    "url": "https://sfc.example/api/search",
                    "method": "POST",
                    "json": {"lang": "EN", "pageSize": 50},
                    "items": "items",
                    "link": "https://sfc.example/gateway/EN/doc?refNo={newsRefNo}",
                    "published": "issueDate",
                    "detail": "https://sfc.example/api/content?refNo={newsRefNo}&lang=EN",
                    "detail_body": "html",
                }
            ],
        }
    )
    rows = crawl([flash_src, page_src, sfc_src], replay_proxy=srv.proxy_url, settings=FAST).per_source
    for sid, stored in (("flash", 2), ("pages", 1), ("sfc", 1)):
        assert (rows[sid]["status"], rows[sid]["items_stored"], rows[sid]["errors"]) == ("ok", stored, 0), rows[sid]
    assert "www.flash.example/flash/1" not in srv.hits and "flash.example/flash/1" not in srv.hits  # no page fetch
    stored = {r[0]: r[1:] for r in query(clean_db, "SELECT url, title, lang, published_at::text FROM articles")}
    assert stored["https://www.flash.example/flash/1"][:2] == ("快讯一", "zh")
    assert stored["https://www.flash.example/flash/2"][0] == ZH2.split("。")[0] + "。"  # untitled: first sentence
    assert stored["https://sfc.example/gateway/EN/doc?refNo=23PR1"][:2] == ("SFC reprimands a platform", "en")
    assert stored["https://sfc.example/gateway/EN/doc?refNo=23PR1"][2] == "2023-11-15 08:30:00+00"  # HK time
    assert srv.hits.get("sfc.example/api/content") == 1 and "sfc.example/gateway/EN/doc" not in srv.hits

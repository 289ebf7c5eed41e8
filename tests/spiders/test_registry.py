"""The source registry: shape, required entries, validation."""

import pytest
import yaml

from spiders.registry import RegistryError, Source, get_source, load_sources, select_sources
from spiders.tools.fixtures import load_record

SOURCES = load_sources()


def test_at_least_forty_sources_twelve_chinese_fourteen_official():
    assert len(SOURCES) >= 40
    assert len([s for s in SOURCES if s.lang == "zh"]) >= 12
    assert len([s for s in SOURCES if s.official]) >= 14
    assert {s.kind for s in SOURCES} == {"feed", "sitemap", "listing", "api"}
    assert {s.category for s in SOURCES} == {"news", "official"}
    official = {s.id for s in SOURCES if s.official}
    assert {
        "sec",
        "cftc",
        "fatf",
        "ecb",
        "bis",
        "pbc",
        "csrc",
        "nfra",
        "cac",
        "sfc_en",
        "sfc_zh",
        "hkma_en",
        "hkma_zh",
        "fca",
        "mas",
        "esma",
        "fincen",
        "ofac",
        "doj",
        "fsb",
        "iosco",
    } <= official
    assert {s.lang for s in SOURCES if s.id.startswith(("sfc_", "hkma_"))} == {"en", "zh"}


def test_chinese_outlets_are_read_through_their_apis_not_page_selectors():
    outlets = [
        "blockbeats",
        "blockbeats_flash",
        "odaily",
        "odaily_flash",
        "panews",
        "panews_flash",
        "jinse",
        "jinse_flash",
        "chaincatcher",
        "foresightnews",
        "babit",
    ]
    for source_id in outlets:
        source = get_source(source_id)
        assert source.kind == "api" and source.apis and not source.listings, source_id
        assert source.lang == "zh" and "RSSHub" in source.evidence, source_id
    assert get_source("babit").domain == "babit.com"
    assert all(get_source(f"{s}_flash").apis[0].body for s in ("blockbeats", "odaily", "panews", "jinse"))


@pytest.mark.parametrize(
    "source_id, feed",
    [
        ("cointelegraph", "https://cointelegraph.com/rss"),
        ("cryptonews", "https://cryptonews.com/news/feed/"),
        ("cryptopotato", "https://cryptopotato.com/feed/"),
    ],
)
def test_demo_sources_have_the_snapshot_feeds(source_id, feed):
    source = get_source(source_id)
    assert source.feeds == (feed,) and not source.sitemaps and not source.listings
    assert source.lang == "en" and source.domain == f"{source_id}.com"


@pytest.mark.parametrize("source", SOURCES, ids=[s.id for s in SOURCES])
def test_entry_is_complete_and_round_trips(source):
    assert source.name and source.domain and source.entry_urls
    assert source.domain in source.allowed_domains
    assert source.notes, "say where the addresses come from (and whether they were checked)"
    assert len(source.evidence) > 40, "cite where the addresses are documented or used in public code"
    assert Source.from_dict(source.to_dict()) == source
    record = load_record(source.id)
    assert record["pages"], f"no fixtures: python -m spiders.tools.record_fixture {source.id} URL"


def test_unknown_source_is_a_clear_error():
    with pytest.raises(RegistryError, match="unknown source 'nope'.*cointelegraph"):
        select_sources(["nope"])


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"id": "x1", "name": "X", "domain": "x.example", "lang": "en"}, "at least one feed"),
        (
            {"id": "Bad-Id", "name": "X", "domain": "x.example", "lang": "en", "feeds": ["https://x.example/f"]},
            "lowercase",
        ),
        (
            {"id": "x1", "name": "X", "domain": "x.example", "lang": "en", "feeds": ["ftp://x.example/f"]},
            "not a web address",
        ),
        (
            {
                "id": "x1",
                "name": "X",
                "domain": "x.example",
                "lang": "en",
                "feeds": ["https://x.example/f"],
                "colour": 1,
            },
            "unknown field",
        ),
        (
            {"id": "x1", "name": "X", "domain": "x.example", "lang": "en", "listings": [{"url": "https://x.example/"}]},
            "links",
        ),
        (
            {
                "id": "x1",
                "name": "X",
                "domain": "x.example",
                "lang": "en",
                "feeds": ["https://x.example/f"],
                "category": "blog",
            },
            "category",
        ),
        ({"name": "X", "domain": "x.example", "lang": "en"}, "missing field"),
        (
            {"id": "x1", "name": "X", "domain": "x.example", "lang": "en", "apis": [{"url": "https://x.example/a"}]},
            "items",
        ),
        (
            {
                "id": "x1",
                "name": "X",
                "domain": "x.example",
                "lang": "en",
                "apis": [{"url": "https://x.example/a", "items": "data", "link": "url", "method": "PUT"}],
            },
            "method",
        ),
        (
            {
                "id": "x1",
                "name": "X",
                "domain": "x.example",
                "lang": "en",
                "apis": [{"url": "https://x.example/a", "items": "data", "link": "url", "decode": "rot13"}],
            },
            "decode",
        ),
        (
            {
                "id": "x1",
                "name": "X",
                "domain": "x.example",
                "lang": "en",
                "apis": [
                    {"url": "https://x.example/a", "items": "data", "link": "url", "detail": "https://x.example/{id}"}
                ],
            },
            "detail",
        ),
        (
            {
                "id": "x1",
                "name": "X",
                "domain": "x.example",
                "lang": "en",
                "apis": [{"url": "https://x.example/a", "items": "data", "link": "url", "colour": 1}],
            },
            "unknown api field",
        ),
    ],
)
def test_malformed_entries_are_rejected(entry, message):
    with pytest.raises(RegistryError, match=message):
        Source.from_dict(entry)


def test_registry_directory_checks_file_names(tmp_path):
    (tmp_path / "other.yaml").write_text(
        yaml.safe_dump(
            {"id": "mine", "name": "M", "domain": "m.example", "lang": "en", "feeds": ["https://m.example/feed"]}
        )
    )
    with pytest.raises(RegistryError, match="file name must be the id"):
        load_sources(tmp_path)
    (tmp_path / "other.yaml").write_text("id: [unclosed")
    with pytest.raises(RegistryError, match="not valid YAML"):
        load_sources(tmp_path)


def test_a_registry_file_without_evidence_is_rejected(tmp_path):
    entry = {
        "id": "x1",
        "name": "X",
        "domain": "x.example",
        "lang": "en",
        "feeds": ["https://x.example/f"],
        "notes": "n",
    }
    (tmp_path / "x1.yaml").write_text(yaml.safe_dump(entry), encoding="utf-8")
    with pytest.raises(RegistryError, match="evidence"):
        load_sources(tmp_path)

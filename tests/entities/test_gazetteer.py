"""The gazetteer files: well-formed, one owner per alias, bad files rejected with a clear message."""

from __future__ import annotations

import shutil
from collections import defaultdict

import pytest

from chainwatch.entities.gazetteer import GAZETTEER_DIR, KINDS, GazetteerError, load


def test_every_kind_has_entities_with_aliases_in_both_languages():
    g = load()
    by_kind = defaultdict(list)
    for e in g.entities:
        by_kind[e.kind].append(e)
    assert set(by_kind) == set(KINDS)
    assert len(g.entities) > 700
    both = sum(1 for e in g.entities if e.aliases["en"] and e.aliases["zh"])
    assert both / len(g.entities) > 0.95


def test_no_alias_belongs_to_two_entities():
    owners = defaultdict(set)
    for e in load().entities:
        for names in e.aliases.values():
            for a in names:
                owners[a if (e.case_sensitive or a.isupper()) else a.casefold()].add(e.id)
    shared = {a: ids for a, ids in owners.items() if len(ids) > 1}
    assert shared == {}


def test_bad_files_are_rejected_with_file_and_entry(tmp_path):
    copy = tmp_path / "g"
    shutil.copytree(GAZETTEER_DIR, copy)
    (copy / "people.yaml").write_text("kind: person\nentities:\n  - {id: Bad Id, en: [X]}\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"people.yaml: entry #1: needs an id"):
        load(copy)
    (copy / "people.yaml").write_text("kind: person\nentities:\n  - {id: binance, en: [X]}\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"duplicate id 'binance'"):
        load(copy)

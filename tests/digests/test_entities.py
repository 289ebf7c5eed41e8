"""The gazetteer file and its matching rule."""

import pytest

from chainwatch.digests import entities


def test_gazetteer_loads_with_english_and_chinese_names():
    known = entities.load()
    kinds = {e.kind for e in known}
    assert kinds == set(entities.KINDS)
    assert len({e.id for e in known}) == len(known)
    assert sum(1 for e in known if e.aliases["zh"]) >= 30


def test_every_alias_gives_a_text_search_query(db_cursor):
    ids, configs, terms = entities.search_terms(entities.load())
    db_cursor.execute(
        "SELECT g.id, g.term FROM unnest(%s::text[], %s::text[], %s::text[]) AS g(id, config, term) "
        "WHERE numnode(CASE WHEN config = 'english' THEN phraseto_tsquery('english', term) "
        "ELSE plainto_tsquery('simple', term) END) = 0",
        (ids, configs, terms),
    )
    assert db_cursor.fetchall() == []  # no alias made only of stop words


def test_bad_gazetteer_is_rejected(tmp_path):
    path = tmp_path / "e.yaml"
    path.write_text("entities:\n  - {id: x1, kind: planet, name: X, en: [X]}\n", encoding="utf-8")
    with pytest.raises(entities.GazetteerError, match="kind must be one of"):
        entities.load(path)

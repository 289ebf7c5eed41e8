-- Entities named in articles (chainwatch/entities, docs/entities.md): the gazetteer's entities,
-- which articles mention them where, and money amounts normalised to a currency and a value.
-- Extraction is versioned like the classifier: rows are keyed by extractor version, a new version
-- adds rows, and the views read each article's latest extraction.

CREATE TABLE entities (
    id          text PRIMARY KEY,                 -- gazetteer id, e.g. 'binance', 'us_sec'
    kind        text NOT NULL CHECK (kind IN ('exchange', 'token', 'company', 'regulator', 'person', 'jurisdiction')),
    name        text NOT NULL,                    -- canonical display name
    aliases     jsonb NOT NULL DEFAULT '{}'::jsonb, -- {"en": [...], "zh": [...]}
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per (article, extractor version): that version read the article, even when it found
-- nothing, so "not yet extracted" is a cheap anti-join.
CREATE TABLE extracted_articles (
    article_id         bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    extractor_version  text NOT NULL,
    mentions           integer NOT NULL DEFAULT 0,
    extracted_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, extractor_version)
);
CREATE INDEX extracted_articles_latest ON extracted_articles (article_id, extracted_at DESC, extractor_version DESC);

-- Every mention: an entity (entity_id set) or a money amount (kind 'amount', currency and value
-- set). Offsets are character offsets into the article's title or text.
CREATE TABLE article_entities (
    id                 bigserial PRIMARY KEY,
    article_id         bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    extractor_version  text NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('exchange', 'token', 'company', 'regulator', 'person',
                                                     'jurisdiction', 'amount')),
    entity_id          text REFERENCES entities(id),
    field              text NOT NULL CHECK (field IN ('title', 'text')),
    start_offset       integer NOT NULL CHECK (start_offset >= 0),
    end_offset         integer NOT NULL CHECK (end_offset > start_offset),
    surface            text NOT NULL,             -- the mention as written
    currency           text,                      -- amounts: ISO 4217 code or a crypto ticker
    amount             numeric,                   -- amounts: the value in that currency
    amount_usd         numeric,                   -- amounts: approximate US dollars (null for crypto without a fixed rate)
    CHECK ((kind = 'amount') = (entity_id IS NULL)),
    CHECK ((kind = 'amount') = (currency IS NOT NULL AND amount IS NOT NULL)),
    UNIQUE (article_id, extractor_version, field, start_offset, kind)
);
CREATE INDEX article_entities_entity ON article_entities (entity_id, article_id) WHERE entity_id IS NOT NULL;
CREATE INDEX article_entities_article ON article_entities (article_id, extractor_version);
CREATE INDEX article_entities_usd ON article_entities (amount_usd, article_id) WHERE amount_usd IS NOT NULL;

-- Each article's mentions from its latest extraction (latest by extracted_at, ties broken by
-- version), with the article's story, date, source and language.
CREATE VIEW article_entity_mentions AS
SELECT a.id AS article_id, coalesce(a.story_id, a.id) AS story_id, a.published_at, a.source_id, a.lang,
       m.kind, m.entity_id, e.name AS entity_name, m.field, m.start_offset, m.end_offset, m.surface,
       m.currency, m.amount, m.amount_usd, m.extractor_version
FROM extracted_articles x
JOIN articles a ON a.id = x.article_id
JOIN article_entities m ON m.article_id = x.article_id AND m.extractor_version = x.extractor_version
LEFT JOIN entities e ON e.id = m.entity_id
WHERE NOT EXISTS (
    SELECT 1 FROM extracted_articles newer
    WHERE newer.article_id = x.article_id
      AND (newer.extracted_at, newer.extractor_version) > (x.extracted_at, x.extractor_version)
);

-- One row per (article, entity): the entities an article mentions, with how often.
CREATE VIEW article_entity_list AS
SELECT article_id, story_id, published_at, source_id, lang, kind, entity_id, entity_name,
       count(*) AS mentions, min(field) AS first_field
FROM article_entity_mentions
WHERE entity_id IS NOT NULL
GROUP BY article_id, story_id, published_at, source_id, lang, kind, entity_id, entity_name;

-- Articles and stories per ISO week (UTC) and entity.
CREATE VIEW weekly_entity_counts AS
SELECT to_char(date_trunc('week', published_at AT TIME ZONE 'UTC'), 'IYYY-"W"IW') AS iso_week,
       date_trunc('week', published_at AT TIME ZONE 'UTC')::date AS week_start,
       entity_id, min(entity_name) AS entity_name, min(kind) AS kind,
       count(*) AS articles, count(DISTINCT story_id) AS stories, count(DISTINCT source_id) AS sources
FROM article_entity_list
WHERE published_at IS NOT NULL
GROUP BY 2, 1, entity_id;

-- Each entity with its first and last mention and totals (an entity page's header).
CREATE VIEW entity_summary AS
SELECT e.id AS entity_id, e.kind, e.name, e.aliases,
       min(l.published_at) AS first_seen, max(l.published_at) AS last_seen,
       count(l.article_id) AS articles, count(DISTINCT l.story_id) AS stories
FROM entities e
LEFT JOIN article_entity_list l ON l.entity_id = e.id
GROUP BY e.id, e.kind, e.name, e.aliases;

-- Articles with their positive labels and the entities they mention (top entities per label).
CREATE VIEW label_entities AS
SELECT al.label, al.label_name, al.article_id, al.story_id, al.published_at,
       l.entity_id, l.entity_name, l.kind
FROM article_labels al
JOIN article_entity_list l ON l.article_id = al.article_id;

GRANT SELECT ON entities, extracted_articles, article_entities, article_entity_mentions, article_entity_list,
    weekly_entity_counts, entity_summary, label_entities TO chainwatch_reader;

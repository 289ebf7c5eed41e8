-- ChainWatch core schema. Timestamps are timestamptz; weeks are ISO weeks in UTC.

CREATE TABLE sources (
    id          text PRIMARY KEY,                 -- registry name, e.g. 'cointelegraph'
    name        text NOT NULL,                    -- display name
    domain      text NOT NULL,
    lang        text NOT NULL,                    -- expected language (ISO 639-1)
    kind        text NOT NULL,                    -- feed | sitemap | listing
    category    text NOT NULL DEFAULT 'news',     -- news | official
    config      jsonb NOT NULL DEFAULT '{}'::jsonb, -- the registry entry as loaded
    enabled     boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crawl_runs (
    id              bigserial PRIMARY KEY,
    run_id          text NOT NULL,                -- one id shared by all sources crawled together
    source_id       text NOT NULL REFERENCES sources(id),
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    status          text NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'ok', 'degraded', 'failed', 'interrupted')),
    pages_fetched   integer NOT NULL DEFAULT 0,
    items_stored    integer NOT NULL DEFAULT 0,   -- new or changed articles written
    items_skipped   integer NOT NULL DEFAULT 0,   -- already stored / duplicates
    errors          integer NOT NULL DEFAULT 0,
    error_counts    jsonb NOT NULL DEFAULT '{}'::jsonb, -- e.g. {"http_404": 2, "bad_feed": 1}
    note            text,
    UNIQUE (run_id, source_id)
);
CREATE INDEX crawl_runs_source_started ON crawl_runs (source_id, started_at DESC);

CREATE TABLE articles (
    id              bigserial PRIMARY KEY,
    url             text NOT NULL,                -- as fetched
    canonical_url   text NOT NULL UNIQUE,         -- identity of an article
    source_id       text NOT NULL REFERENCES sources(id),
    title           text NOT NULL,
    lead            text,                         -- summary / first paragraph
    text            text NOT NULL,                -- main text, cleaned
    published_at    timestamptz,                  -- never in the future
    fetched_at      timestamptz NOT NULL DEFAULT now(),
    lang            text,                         -- detected, ISO 639-1
    content_hash    text NOT NULL,                -- sha256 of normalised title+text
    story_id        bigint,                       -- near-duplicate cluster: id of its first article
    minhash         bytea,                        -- MinHash signature used for clustering
    zh_tokens       text,                         -- space-separated jieba tokens (Chinese only), for search
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    tsv             tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('english', coalesce(title, '')), 'A')
                     || setweight(to_tsvector('english', coalesce(text, '')), 'B')
                     || to_tsvector('simple', coalesce(zh_tokens, ''))
                    ) STORED
);
CREATE INDEX articles_published ON articles (published_at);
CREATE INDEX articles_source_published ON articles (source_id, published_at);
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_content_hash ON articles (content_hash);
CREATE INDEX articles_tsv ON articles USING gin (tsv);

-- The label taxonomy, synced from nlp/taxonomy.yaml (the file is the source of truth).
CREATE TABLE labels (
    id           text PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('risk', 'policy')),
    name         text NOT NULL,
    description  text NOT NULL,
    keywords     jsonb NOT NULL DEFAULT '{}'::jsonb,  -- {"en": [...], "zh": [...]}
    position     integer NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE model_versions (
    version     text PRIMARY KEY,
    encoder     text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    metrics     jsonb NOT NULL DEFAULT '{}'::jsonb
);

-- One row per (article, model version): the item was processed, with a status even when it
-- got no label, so "not yet classified" is a cheap anti-join and bad input is visible.
CREATE TABLE classified_articles (
    article_id     bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    model_version  text NOT NULL,
    status         text NOT NULL,                -- ok | empty | truncated | error
    detail         text,
    classified_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, model_version)
);
CREATE INDEX classified_articles_version ON classified_articles (model_version, classified_at);

CREATE TABLE classifications (
    id             bigserial PRIMARY KEY,
    article_id     bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    model_version  text NOT NULL,
    label          text NOT NULL REFERENCES labels(id),
    probability    real NOT NULL CHECK (probability >= 0 AND probability <= 1),
    positive       boolean NOT NULL,
    evidence       text,                          -- best supporting sentence(s), positives only
    classified_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (article_id, model_version, label)
);
CREATE INDEX classifications_label_positive ON classifications (label, article_id) WHERE positive;

CREATE TABLE digests (
    id            bigserial PRIMARY KEY,
    iso_week      text NOT NULL CHECK (iso_week ~ '^\d{4}-W\d{2}$'),
    format        text NOT NULL CHECK (format IN ('html', 'md')),
    content       text NOT NULL,
    item_count    integer NOT NULL DEFAULT 0,
    generated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (iso_week, format)
);

-- Stories across languages (chainwatch/stories, chainwatch/runners/stories.py, docs/entities.md,
-- "Stories across languages"): the encoder's title-and-lead vector of each article, the linker's
-- verdict on each article, and the delay from a regulator's release to the press's first report.
--
-- A link joins an article's story to an earlier article's story (articles.story_id takes the
-- smaller of the two story ids, like the near-duplicate reconciliation), so everything that reads
-- story_id (digests, the web's other copies, alerts once per story) sees one story per event.

-- The lead pooling of the classifier's encoder (prefix, title and about a sentence), L2-normalised,
-- as little-endian float32; keyed by the encoder that made it, so a new encoder adds rows.
CREATE TABLE article_embeddings (
    article_id  bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    encoder     text NOT NULL,
    vector      bytea NOT NULL CHECK (length(vector) > 0 AND length(vector) % 4 = 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, encoder)
);

-- One row per (article, linker version): the linker compared the article with the stories of its
-- time window, even when it linked nothing, so "not yet linked" is a cheap anti-join and a re-run
-- does nothing. When it linked, the row says to which article, why, and which stories it joined.
CREATE TABLE story_links (
    article_id         bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    linker_version     text NOT NULL,
    linked_article_id  bigint REFERENCES articles(id) ON DELETE SET NULL,
    similarity         real,                      -- cosine of the two embeddings
    shared_entities    text[] NOT NULL DEFAULT '{}',
    shared_amounts     integer NOT NULL DEFAULT 0,
    score              real,
    from_story         bigint,                    -- the story the article's story was merged from
    to_story           bigint,                    -- ... and into
    checked_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, linker_version),
    CHECK (linked_article_id IS NULL OR linked_article_id <> article_id)
);
CREATE INDEX story_links_linked ON story_links (linked_article_id) WHERE linked_article_id IS NOT NULL;

-- Regulator lag: per story holding a release from an official source and at least one press item,
-- the release (the story's first official item) and the press's first report, overall and in
-- Chinese. The lag is signed: a negative lag is press that reported before the release was dated.
CREATE VIEW regulator_lag AS
WITH dated AS (
    SELECT coalesce(a.story_id, a.id) AS story_id, a.id, a.published_at, a.lang, a.title,
           a.source_id, s.category
    FROM articles a JOIN sources s ON s.id = a.source_id
    WHERE a.published_at IS NOT NULL
), releases AS (
    SELECT DISTINCT ON (story_id) story_id, id AS release_id, source_id AS regulator_source,
           title AS release_title, published_at AS released_at
    FROM dated WHERE category = 'official'
    ORDER BY story_id, published_at, id
), press AS (
    SELECT story_id, count(*) AS press_items, count(DISTINCT source_id) AS press_sources,
           min(published_at) AS first_press_at,
           min(published_at) FILTER (WHERE lang = 'zh') AS first_zh_press_at
    FROM dated WHERE category <> 'official'
    GROUP BY story_id
)
SELECT r.story_id, r.release_id, r.regulator_source, r.release_title, r.released_at,
       (SELECT d.id FROM dated d
        WHERE d.story_id = r.story_id AND d.category <> 'official'
        ORDER BY d.published_at, d.id LIMIT 1) AS first_press_id,
       p.first_press_at, p.first_press_at - r.released_at AS lag,
       p.first_zh_press_at, p.first_zh_press_at - r.released_at AS zh_lag,
       p.press_items, p.press_sources
FROM releases r JOIN press p USING (story_id);

GRANT SELECT ON article_embeddings, story_links, regulator_lag TO chainwatch_reader;

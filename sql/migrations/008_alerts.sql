-- Alerts (chainwatch/alerts, docs/alerts.md): saved rules, the stories each rule fired for, and a
-- transactional outbox of messages to deliver. An evaluation writes events and outbox rows in one
-- transaction. Delivery claims a row ('sending', committed) before it sends and settles it after,
-- so a crash or a re-run never fires a rule twice for a story and never sends a message twice:
-- a row left 'sending' by a crash is in doubt and becomes 'dead' (visible, resent only by hand).

CREATE TABLE alert_rules (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    label           text REFERENCES labels(id),           -- null: any label (or none)
    min_score       real NOT NULL DEFAULT 0.5 CHECK (min_score >= 0 AND min_score <= 1),
    query           text,                                 -- full-text query, `chainwatch search` syntax
    entities        text[] NOT NULL DEFAULT '{}',         -- entity ids, every one must be mentioned
    min_amount_usd  numeric CHECK (min_amount_usd > 0),   -- an amount of at least this many dollars
    sources         text[] NOT NULL DEFAULT '{}',         -- source ids (empty: every source)
    langs           text[] NOT NULL DEFAULT '{}',         -- languages (empty: every language)
    category        text CHECK (category IN ('official', 'news')),  -- null: both
    emails          text[] NOT NULL DEFAULT '{}',         -- email recipients
    webhook_url     text,                                 -- JSON POST, HMAC-SHA256 signed
    max_per_hour    integer NOT NULL DEFAULT 10 CHECK (max_per_hour >= 1),
    enabled         boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    evaluated_at    timestamptz                           -- the last evaluation
);

-- A rule fired for a story: at most once per (rule, story), whatever the copies or re-runs.
CREATE TABLE alert_events (
    id          bigserial PRIMARY KEY,
    rule_id     bigint NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
    story_id    bigint NOT NULL,                      -- coalesce(articles.story_id, articles.id)
    article_id  bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,  -- the copy that matched first
    delivery    text NOT NULL CHECK (delivery IN ('single', 'batched')),   -- own message, or in an hourly batch
    fired_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (rule_id, story_id)
);
CREATE INDEX alert_events_rule_fired ON alert_events (rule_id, fired_at DESC);

-- The outbox: one row per message and channel. status: pending (due at next_attempt_at), sending
-- (claimed by a deliverer at claimed_at), sent, or dead (gave up after max attempts, or in doubt
-- after a crash; kept and listed by `chainwatch alerts outbox`, resent by `chainwatch alerts retry`).
CREATE TABLE alert_outbox (
    id               bigserial PRIMARY KEY,
    rule_id          bigint NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
    channel          text NOT NULL CHECK (channel IN ('email', 'webhook')),
    target           text NOT NULL,                   -- address or URL, as the rule had it
    kind             text NOT NULL CHECK (kind IN ('single', 'batch')),
    event_ids        bigint[] NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    claimed_at       timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX alert_outbox_rule ON alert_outbox (rule_id, created_at DESC);

-- Each article's label scores from its latest classification (all labels, positive or not),
-- which rules compare with their minimum score.
CREATE VIEW article_scores AS
SELECT c.article_id, c.label, c.probability, c.positive, c.evidence, c.model_version
FROM classified_articles ca
JOIN classifications c ON c.article_id = ca.article_id AND c.model_version = ca.model_version
WHERE NOT EXISTS (
    SELECT 1 FROM classified_articles newer
    WHERE newer.article_id = ca.article_id
      AND (newer.classified_at, newer.model_version) > (ca.classified_at, ca.model_version)
);

-- What each rule fired, newest first (the Atom feed and `chainwatch alerts list` read this).
CREATE VIEW alert_log AS
SELECT r.name AS rule, e.id AS event_id, e.fired_at, e.delivery, e.story_id, a.id AS article_id,
       a.title, a.canonical_url, a.source_id, a.published_at, a.lang
FROM alert_events e
JOIN alert_rules r ON r.id = e.rule_id
JOIN articles a ON a.id = e.article_id;

-- Rules and the outbox hold recipients and webhook URLs: readers see neither.
REVOKE SELECT ON alert_rules, alert_outbox FROM chainwatch_reader;
-- ... but the web app (which reads as chainwatch_reader) serves each rule's Atom feed by name.
GRANT SELECT (id, name, enabled, created_at) ON alert_rules TO chainwatch_reader;
GRANT SELECT ON alert_events, alert_log, article_scores TO chainwatch_reader;

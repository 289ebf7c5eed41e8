"""Reads and writes of ChainWatch tables: one module per table family, parameterised SQL only.

- `articles`: batched idempotent upserts keyed on canonical_url, stored URLs, retention.
- `stories`: near-duplicate story ids (MinHash signatures, the LSH index, reconciliation).
- `sources`: the registry synced into `sources`.
- `health`: source health, the one place it is computed (now, and per week).
- `crawl_runs`: one row per (run, source), run locks, retention.
- `labels`: the taxonomy synced into `labels`.
- `classifications`: classifier outputs, pending articles, model versions.
- `digests`: rendered digests per (week, format), and reading them back.
- `browse`: the read queries of the web app and its API (listings, one article, label weeks, runs).
- `entities`: the gazetteer's entities, extracted mentions and amounts, entity pages, `--entity`.
- `alerts`: alert rules, events, the outbox (claim, settle, expire), message contents.

Every function takes an open cursor, so a caller decides the transaction. Inline statements live in
these modules; longer read queries are .sql files under sql/ (chainwatch.sqlfiles).
"""

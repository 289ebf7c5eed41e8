"""ChainWatch: blockchain-news monitoring (crawl, classify, store, digest).

The package holds three layers; imports point down only (tests/test_architecture.py checks it):

- floor: `config` (the environment, read here only), `errors`, `db` (connections, embedded default,
  migrations), `sqlfiles` (the .sql files under sql/), `contracts` (Article, ClassifierInput/Output),
  `taxonomy`, `textsearch`, `files`, `mail`, `replay`, and `storage` (one module per table family).
- stages, beside the top-level `spiders` and `nlp` packages: `digests` and `search`. A stage
  imports the floor and itself, never another stage.
- roof: `runners` (crawl, classify, the main job, maintenance), `cli`, `airflow_support`, and `dags/`.

Importing this package imports nothing else.
"""

__version__ = "0.1.0"

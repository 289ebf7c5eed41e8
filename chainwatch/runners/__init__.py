"""The roof's stage runners: the one function per job that the CLI, a DAG task and the web app call.

- `crawl.crawl(sources, ...)`: Scrapy in a child process, one crawl_runs row per source, stories reconciled.
- `classify.classify_pending(...)`: every article the current model has not classified yet.
- `main_job.run_demo()` / `main_job.run_live()`: crawl, classify, digest, end to end.
- `maintenance`: re-classification after a model change, retention, source-health alerts.

The digest runner is the digest stage's own `chainwatch.digests.build_digest(week)`.
"""

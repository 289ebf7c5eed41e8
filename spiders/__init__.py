"""The crawl stage: the Scrapy project.

Public surface: `registry.load_sources()` / `registry.select_sources()` (the declarative source
entries in spiders/sources/*.yaml), `extract.extract(page, url, source=...)` (what would be stored for
a page), and the child-process entry point `python -m spiders.run` that chainwatch.runners.crawl
starts. Spiders yield `chainwatch.contracts.Article`; the item pipelines call one storage function each.
"""

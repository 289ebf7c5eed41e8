"""The Scrapy project: source registry, spider kinds, extraction and storage pipelines."""

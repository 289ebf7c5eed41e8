"""ChainWatch: blockchain-news monitoring (crawl, classify, store, digest)."""

__version__ = "0.1.0"

"""Scrapy settings for ChainWatch: polite by default (Scrapy project-template style).

spiders.run loads this module, then applies REPLAY_OVERRIDES when crawling a local replay
and any `--set KEY=VALUE` overrides (tests shorten timeouts and backoff that way).
"""

BOT_NAME = "chainwatch"
SPIDER_MODULES = ["spiders.spider"]
NEWSPIDER_MODULE = "spiders.spider"

# Say who we are; obey robots.txt; keep per-site load low and adapt to the server's latency.
USER_AGENT = "ChainWatch/0.1 (+https://github.com/chainwatch/chainwatch; news monitoring research crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # +-50% around DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Failures: retry transient ones with exponential backoff; give up on slow or huge responses.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled each time
RETRY_BACKOFF_MAX = 60.0
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024  # news pages are well under 1 MB; bigger is a trap or a mistake
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every callback result; our callbacks return one
# article (or a feed's links) and the pipelines are synchronous, so more only costs time.
CONCURRENT_ITEMS = 1
WARN_ON_GENERATOR_RETURN_VALUE = False  # it re-reads callback source code with `ast`, per response
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"

DOWNLOADER_MIDDLEWARES = {
    # every request, redirects and dont_filter entry pages included: the source's hosts and ports only,
    # public addresses only (spiders.guard); before the replay rewrite and before robots.txt is fetched
    "spiders.guard.RequestGuardMiddleware": 55,
    # after OffsiteMiddleware (50), before RobotsTxtMiddleware (100): robots.txt goes through the replay too
    "spiders.middlewares.ReplayProxyMiddleware": 60,
    # `render: true` sources only: its process_response runs after decompression, redirects and retries
    # (responses pass the middlewares from the highest number down), on the page as the spider would read it
    "spiders.render.RenderMiddleware": 58,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
}

# One job per stage, in order: drop what is already stored or seen, then store in batches.
ITEM_PIPELINES = {
    "spiders.pipelines.SkipSeenPipeline": 100,
    "spiders.pipelines.StorePipeline": 800,
}

# ChainWatch settings
CHAINWATCH_BATCH_SIZE = 100  # articles per upsert
CHAINWATCH_DB_RECONNECT_S = 30.0  # a lost database connection is retried this long per batch
CHAINWATCH_MIN_EXTRACTION_RATE = 0.7  # below this share of pages extracted, the source is degraded
CHAINWATCH_MAX_ERROR_RATE = 0.5  # above this share of pages failing, the source is degraded
# Child sitemaps (sitemap indexes): how deep they may nest below an entry sitemap, and how many one run
# fetches per source; what is cut is counted (sitemap_too_deep, sitemap_limit). Real news sitemaps nest 1-2 deep.
CHAINWATCH_SITEMAP_MAX_DEPTH = 3
CHAINWATCH_SITEMAP_MAX_REQUESTS = 200
CHAINWATCH_PROGRESS_INTERVAL = 5.0  # seconds between progress lines (with --progress)
# `render: true` sources (spiders.render): the system's chromium (no browser is downloaded), how long its
# scripts may run (virtual time), how long one page may take, and how many browsers run at once.
CHAINWATCH_CHROMIUM = ""  # default: `chromium` on PATH
CHAINWATCH_RENDER_BUDGET_MS = 5000
CHAINWATCH_RENDER_TIMEOUT = 60.0
CHAINWATCH_RENDER_CONCURRENCY = 2

# Live crawls refuse hosts that are or resolve to loopback, private, link-local or metadata addresses
# (spiders.guard). The replay (spiders.run sets it with a replay proxy) and tests serving pages on
# 127.0.0.1 turn the check off; the domain and port checks stay on.
CHAINWATCH_ALLOW_PRIVATE_ADDRESSES = False

# A local replay (127.0.0.1) needs no politeness delays; robots.txt is still obeyed.
REPLAY_OVERRIDES = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 64,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_BACKOFF_BASE": 0.2,
    "DOWNLOAD_TIMEOUT": 15,
    "CHAINWATCH_ALLOW_PRIVATE_ADDRESSES": True,
}

EXTENSIONS = {
    "spiders.extensions.RunRecorder": 500,
}

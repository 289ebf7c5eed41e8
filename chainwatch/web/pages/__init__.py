"""The HTML pages, one router per area (home, search, articles, labels, digests, sources, login)."""

from chainwatch.web.pages import articles, digests, home, labels, login, search, sources

ROUTERS = (home.router, search.router, articles.router, labels.router, digests.router, sources.router, login.router)

__all__ = ["ROUTERS"]

"""The HTML pages, one router per area (home, search, articles, entities, labels, digests, sources, login,
alert feeds)."""

from chainwatch.web.pages import alerts, articles, digests, entities, home, labels, login, search, sources

ROUTERS = (
    home.router,
    search.router,
    articles.router,
    entities.router,
    labels.router,
    digests.router,
    sources.router,
    login.router,
    alerts.router,
)

__all__ = ["ROUTERS"]

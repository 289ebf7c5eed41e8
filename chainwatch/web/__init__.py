"""The analyst's workspace: server-rendered pages and a JSON API (/api/v1) over the ChainWatch
database, read-only, as the `chainwatch_reader` role.

Public surface:
- `WebSettings`, `settings_for(host, port, ...)`: what the app serves and how it is protected; refuses
  a non-loopback address without CHAINWATCH_API_TOKEN.
- `create_app(settings)`: the FastAPI application (pages, /api/v1, static files).
- `serve(settings)`: run it with uvicorn (what `chainwatch serve` calls).

Pages and API read through `reads` (one module both use), which calls the floor's storage reads
(chainwatch.storage.browse), the search stage and the digests stage; the web package holds no SQL.
"""

from chainwatch.web.app import create_app, serve
from chainwatch.web.reads import check_database
from chainwatch.web.settings import WebSettings, settings_for

__all__ = ["WebSettings", "check_database", "create_app", "serve", "settings_for"]

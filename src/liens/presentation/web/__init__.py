"""The web dashboard and JSON API over a store: `create_app(store_path, token=None)`.

Server-rendered pages (the report's sections, with period and platform filters, sortable and
paginated tables, drill-down from a pod or an account to its interactions) and a JSON API
(`/api/tables`, `/api/tables/{name}`, `/api/summary`, OpenAPI at `/openapi.json`). The store is
opened read-only. With a token, every request must carry it (`Authorization: Bearer`, `?token=`
once, which sets a cookie, or the cookie).
"""

from .app import create_app

__all__ = ["create_app"]
